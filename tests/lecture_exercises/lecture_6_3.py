"""Reference answers: lectures/6_quantification/03_emap_gradients.ipynb, Questions to think about."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from mmlab.data import make_interaction
from mmlab.fusion import MLPFusion
from mmlab.fusion.experiments import train_fusion
from mmlab.quantify import classify_interactions, emap_accuracy, interaction_strength, modality_contributions

NOTEBOOK = "lectures/6_quantification/03_emap_gradients.ipynb"
EITHER = {"uniqueness_0": 0.5, "uniqueness_1": 0.5}


def _trained(sizes: dict, rule, fusion):
    train, test = make_interaction(sizes["n"], rule, random_state=0).split((0.7, 0.3), random_state=0)
    fit = train_fusion(train, test, fusion, epochs=sizes["epochs"])
    return fit, [torch.as_tensor(x) for x in test.modalities], torch.as_tensor(test.y), test


def exercise_1(sizes: dict) -> None:
    """On redundant data half of the N^2 pairings (a_i, b_j) pair a shared bit with its opposite, which never occurs
    in the data; EMAP averages the model over them with the same weight as over real pairs, so the projection
    describes the model on inputs it was never trained on."""
    test = make_interaction(sizes["n"], "redundancy", random_state=0)
    names = test.truth.factor_names
    a, b = test.factors[:, names.index("m0:shared")], test.factors[:, names.index("m1:shared")]
    assert np.array_equal(a, b)  # in the data the two copies always agree
    impossible = float(np.mean(a[:, None] != b[None, :]))
    assert 0.4 < impossible < 0.6, impossible


def exercise_2(sizes: dict) -> None:
    """The multiplicative model computes a product of its encodings (non-zero mixed gradients) but, on the additive
    task, its decisions do not depend on it: the projection keeps its accuracy."""
    fit, xs, y, _ = _trained(sizes, ("uniqueness_0", "uniqueness_1"), "multiplicative")
    model = fit.model.eval()
    assert float(interaction_strength(model, *xs).median()) > 0.1
    assert emap_accuracy(model, *xs, y).drop <= 0.02


def exercise_3(sizes: dict) -> None:
    """With GELUs the MLP is smooth, so its mixed gradients are non-zero on every sample (no flat pieces)."""
    fusion = MLPFusion([16, 16], 16)
    for module in list(fusion.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU):
                setattr(module, name, nn.GELU())
    fit, xs, _, _ = _trained(sizes, "synergy", fusion)
    strength = interaction_strength(fit.model.eval(), *xs)
    assert fit.score > 0.9 and float(strength.min()) > 0, (fit.score, float(strength.min()))


def exercise_4(sizes: dict) -> None:
    """A mean feature vector is a point no sample sits at (between the clusters of a binary factor), so the
    contributions it gives mix in how the model behaves there; the averages over replacement values stay on the
    data. The shares move, and by how much is the answer to report."""
    fit, xs, _, _ = _trained(sizes, EITHER, "mlp")
    shares = {
        base: classify_interactions(modality_contributions(fit.model.eval(), xs, baseline=base)).shares()
        for base in ("marginal", "mean")
    }
    for share in shares.values():
        assert abs(sum(share.values()) - 1) < 1e-9
    assert shares["marginal"] != shares["mean"], shares


def exercise_5(sizes: dict) -> None:
    """A larger ratio demands a bigger imbalance before calling a sample dominated: the dominance share falls as the
    ratio grows from 1.5 to 2 to 4, and complementarity and conflict take the rest."""
    fit, xs, _, _ = _trained(sizes, EITHER, "mlp")
    contributions = modality_contributions(fit.model.eval(), xs)
    dominance = [classify_interactions(contributions, dominance_ratio=r).shares()["dominance"] for r in (1.5, 2, 4)]
    assert dominance[0] >= dominance[1] >= dominance[2] and dominance[0] > dominance[2], dominance
