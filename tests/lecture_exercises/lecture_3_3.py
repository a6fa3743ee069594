"""Reference answers: lectures/3_reasoning/03_neural_modules_and_soft_logic.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np
import torch

import mmlab.reason.experiments as rx
from mmlab.data import execute_program, make_scenes
from mmlab.reason import TNORMS, execute_soft

NOTEBOOK = "lectures/3_reasoning/03_neural_modules_and_soft_logic.ipynb"


@cache
def _nmn(n: int, epochs: int):
    """The module network of section 3 (ten epochs are enough for it to answer every premise right)."""
    res = rx.nmn_vs_monolithic(n=n, epochs=epochs, held_out=3, random_state=0)
    assert res.scores["nmn"]["held_out"] > 0.95, res.scores
    return res.models["nmn"]


def _nmn_of(sizes: dict):
    return _nmn(sizes["n_qa"], min(sizes["epochs_nmn"], 10))


@cache
def _probes(n: int, epochs: int, tnorm: str, train_forms: tuple[str, ...], nmn_size: tuple[int, int]):
    return rx.logic_probes(_nmn(*nmn_size), n=n, epochs=epochs, tnorm=tnorm, train_forms=train_forms).scores


def _probes_of(sizes: dict, tnorm: str = "product", train_forms: tuple[str, ...] = ("premise", "not", "and", "or")):
    nmn_size = (sizes["n_qa"], min(sizes["epochs_nmn"], 10))
    return _probes(sizes["n_logic"], sizes["epochs_logic"], tnorm, train_forms, nmn_size)


def exercise_1(sizes: dict) -> None:
    """Only the contradiction probe moves, and only in its probability: the trained premises are confident (near 0
    or 1), where the three families agree, so every composed accuracy stays the same and De Morgan holds exactly in
    each. A AND NOT A is exactly 0 with Lukasiewicz (max(0, a + 1 - a - 1) = 0 for every a), and small but not 0
    with the product (a (1 - a)) and Goedel (min(a, 1 - a))."""
    scores = {t: _probes_of(sizes, t) for t in TNORMS}
    accuracy = {t: s["accuracy"]["composed"] for t, s in scores.items()}
    yes = {t: s["contradiction_yes"]["composed"] for t, s in scores.items()}
    for t in TNORMS:
        assert min(accuracy[t].values()) > 0.9, (t, accuracy[t])
        assert max(abs(accuracy[t][f] - accuracy["product"][f]) for f in accuracy[t]) < 0.02, accuracy
        assert scores[t]["demorgan_gap"]["composed"] < 1e-6, (t, scores[t]["demorgan_gap"])
    assert yes["lukasiewicz"] == 0.0 and 0.0 < min(yes["product"], yes["godel"]) and max(yes.values()) < 0.05, yes


def exercise_2(sizes: dict) -> None:
    """Yes: ``relate`` is a fixed operation on maps (the cells on one side of the attended ones), not a learned
    module, so the trained find maps answer relational questions (exists and count) that no training question
    asked, as well as the premises, and far above always answering "no"."""
    nmn = _nmn_of(sizes)
    scenes = make_scenes(1000, random_state=10)
    with torch.no_grad():
        maps = nmn.attention(torch.as_tensor(scenes.images))

    def find(attr: str, value: str) -> torch.Tensor:
        return maps[:, nmn.channel(attr, value)]

    red = ("filter", "color", "red", ("scene",))
    questions = [
        ("exists", ("relate", "left", red)),
        ("exists", ("filter", "shape", "circle", ("relate", "left", red))),
        ("exists", ("filter", "shape", "circle", ("relate", "above", ("filter", "color", "green", ("scene",))))),
        ("count", ("relate", "right", ("filter", "color", "blue", ("scene",)))),
    ]
    for q in questions:
        with torch.no_grad():
            soft = execute_soft(q, find, maps[:, 0]).numpy()
        truth = execute_program(q, scenes)
        answer = soft > 0.5 if q[0] == "exists" else np.round(soft)
        majority = max(truth.mean(), 1 - truth.mean()) if q[0] == "exists" else np.bincount(truth).max() / truth.size
        assert (answer == truth).mean() > 0.95 and (answer == truth).mean() > majority + 0.1, (q, majority)


def exercise_3(sizes: dict) -> None:
    """No. Trained with contradictions it learns their answer (always "no": P(yes) falls to about 0), which is a
    pattern of words, but the two sides of De Morgan's law still get different probabilities (gap > 0.3): the plain
    model has no notion that NOT (A AND B) and NOT A OR NOT B are the same question. The composed model gets both
    from the logic, with no training."""
    before = _probes_of(sizes)
    after = _probes_of(sizes, train_forms=("premise", "not", "and", "or", "contradiction"))
    assert before["contradiction_yes"]["plain"] > 0.1 and after["contradiction_yes"]["plain"] < 0.05, (before, after)
    assert after["demorgan_gap"]["plain"] > 0.3, after["demorgan_gap"]
    assert after["demorgan_gap"]["plain"] > before["demorgan_gap"]["plain"] - 0.1, (before, after)
    assert after["demorgan_gap"]["composed"] < 0.01, after["demorgan_gap"]
