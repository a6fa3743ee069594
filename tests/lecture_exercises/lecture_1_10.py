"""Reference answers: lectures/1_representation/10_early_fusion_and_search.ipynb, Exercises."""

from __future__ import annotations

import numpy as np
import torch

from mmlab.data import make_interaction
from mmlab.fusion import AdditiveFusion, masked_reconstruction, search_vs_hand_picked
from mmlab.fusion.experiments import train_fusion
from mmlab.runtime import seeded

NOTEBOOK = "lectures/1_representation/10_early_fusion_and_search.ipynb"


def exercise_1(sizes: dict) -> None:
    """On redundancy every cell solves the task, so whichever the search picks matches the best: the choice is
    harmless but says nothing about the data."""
    res = search_vs_hand_picked(interaction="redundancy", n=sizes["n_search"], epochs=sizes["search_epochs"])
    assert min(res.hand_picked.values()) > 0.95 and res.chosen_score >= max(res.hand_picked.values()) - 0.02, res


def exercise_2(sizes: dict) -> None:
    """Smaller tokens change little: each hidden modality is still rebuilt at well under the mean predictor's error."""
    res = masked_reconstruction(n=sizes["n"], epochs=sizes["epochs"], n_tokens=8)
    assert max(res.ratio(0), res.ratio(1)) < 0.85, (res.ratio(0), res.ratio(1))


def exercise_3(sizes: dict) -> None:
    """The search picks self-attention on synergy for every seed tried."""
    chosen = [
        search_vs_hand_picked(n=sizes["n_search"], epochs=sizes["search_epochs"], random_state=s).search.chosen
        for s in range(3)
    ]
    assert chosen == ["self_attention"] * 3, chosen


class _NormalizedAdditive(AdditiveFusion):
    def forward(self, xs):
        return torch.nn.functional.layer_norm(super().forward(xs), (self.out_dim,))


def exercise_4(sizes: dict) -> None:
    """A layer norm after the additive cell buys synergy accuracy by itself (on average over seeds), because the
    per-sample normalisation is a cross-modal interaction; the plain additive cell stays at chance."""
    gaps = []
    for seed in range(5):
        train, _, test = make_interaction(sizes["n_search"], "synergy", random_state=seed).split(
            (0.6, 0.2, 0.2), random_state=seed
        )
        with seeded(seed):
            normed = _NormalizedAdditive([16, 16], 16)
        a = train_fusion(train, test, normed, epochs=sizes["search_epochs"], random_state=seed).score
        b = train_fusion(train, test, "additive", epochs=sizes["search_epochs"], random_state=seed).score
        gaps.append(a - b)
    assert np.mean(gaps) > 0.08, gaps
