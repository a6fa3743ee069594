"""Reference answers: lectures/1_representation/04_gated_shift_mixture_fusion.ipynb, Exercises."""

from __future__ import annotations

import numpy as np

import mmlab.fusion.experiments as fx

NOTEBOOK = "lectures/1_representation/04_gated_shift_mixture_fusion.ipynb"


def exercise_1(sizes: dict) -> None:
    """With mode="replace" the corrupted features keep a normal scale, yet the gates still move, by as much or more:
    the gate reads that the features no longer look like the modality's data, not only their size."""
    gate = fx.gates_under_corruption(n=sizes["n"], epochs=sizes["epochs"], mode="replace", fraction=0.3)
    m = {k: gate.mean_gate(k) for k in (0, 1, 2)}
    assert m[2] - m[1] > 0.25 and m[1] < m[0] < m[2], m


def exercise_2(sizes: dict) -> None:
    """As the shift cost grows the shift shrinks; at cost 1 the model stops using the cue altogether: it barely
    shifts and its accuracy falls to about 1 - flip_rate = 0.75 (it predicts the language sentiment alone)."""
    runs = {
        c: fx.shift_on_cue_flip(n=sizes["n"], epochs=sizes["epochs"], shift_cost=c) for c in (0.01, 0.03, 0.1, 0.3, 1.0)
    }
    mean_shift = {c: float(np.mean(r.relative_shift)) for c, r in runs.items()}
    assert runs[0.1].fit.score > 0.95 and runs[1.0].fit.score < 0.85, {c: r.fit.score for c, r in runs.items()}
    assert mean_shift[1.0] < 0.05 < mean_shift[0.01], mean_shift


def exercise_3(sizes: dict) -> None:
    """With tensor fusion added, the additive operator gets the least weight on synergy; tensor and multiplicative
    fusion both contain products (and unimodal terms), so either can carry the task and their weights split."""
    weights, fit = fx.mixture_weights(
        "synergy", ("additive", "multiplicative", "tensor"), n=sizes["n"], epochs=sizes["epochs"]
    )
    assert fit.score > 0.9 and weights["additive"] == min(weights.values()), weights


def exercise_4(sizes: dict) -> None:
    """Three times the epochs: on synergy the multiplicative weight keeps growing; on redundancy it hardly moves."""
    w = {
        (task, ep): fx.mixture_weights(task, n=sizes["n"], epochs=ep)[0]["multiplicative"]
        for task in ("synergy", "redundancy")
        for ep in (sizes["epochs"], 3 * sizes["epochs"])
    }
    short, long = sizes["epochs"], 3 * sizes["epochs"]
    assert w["synergy", long] > w["synergy", short], w
    assert abs(w["redundancy", long] - w["redundancy", short]) < 0.05, w
