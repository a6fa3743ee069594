"""Tests of mmlab.quantify: closed forms for additive models, geometry, the three kinds, claims."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes
from scipy.spatial.distance import cosine as scipy_cosine_distance

from mmlab.quantify import (
    INTERACTION_KINDS,
    ContributionGeometry,
    InteractionKinds,
    classify_interactions,
    contribution_geometry,
    modality_contributions,
)


def _additive(seed: int):
    """f(x) = g(x_0) + h(x_1) with nonlinear g, h (3 classes), and g, h themselves."""
    gen = torch.Generator().manual_seed(seed)
    wg, wh = (
        torch.randn(2, 3, generator=gen, dtype=torch.float64),
        torch.randn(4, 3, generator=gen, dtype=torch.float64),
    )
    g = lambda x: torch.tanh(x @ wg)  # noqa: E731
    h = lambda x: (x @ wh) ** 2  # noqa: E731
    return (lambda xs: g(xs[0]) + h(xs[1])), g, h


def _centre(c: torch.Tensor) -> torch.Tensor:
    return c - c.mean(dim=-1, keepdim=True)


# --------------------------------------------------------------------------- #
# contributions: closed forms for an additive model
# --------------------------------------------------------------------------- #
def test_marginal_contributions_of_an_additive_model_are_its_centred_terms(seed):
    f, g, h = _additive(seed)
    rng = np.random.default_rng(seed)
    xs = [torch.as_tensor(rng.normal(size=(15, 2))), torch.as_tensor(rng.normal(size=(15, 4)))]
    c = modality_contributions(f, xs, center=False, pairs_per_call=40)  # small blocks exercise the chunking
    # c_{i,0} = g(x_{i,0}) - mean_j g(x_{j,0}), and likewise for h
    np.testing.assert_allclose(c[:, 0].numpy(), (g(xs[0]) - g(xs[0]).mean(0)).numpy(), atol=1e-10)
    np.testing.assert_allclose(c[:, 1].numpy(), (h(xs[1]) - h(xs[1]).mean(0)).numpy(), atol=1e-10)


@pytest.mark.parametrize("baseline", ["mean", "zeros", "given"])
def test_fixed_baseline_contributions_of_an_additive_model(baseline):
    f, g, h = _additive(1)
    xs = [torch.randn(10, 2, dtype=torch.float64), torch.randn(10, 4, dtype=torch.float64)]
    if baseline == "mean":
        base = [x.mean(0) for x in xs]
        arg = "mean"
    elif baseline == "zeros":
        base = [torch.zeros(x.shape[1], dtype=torch.float64) for x in xs]
        arg = "zeros"
    else:
        base = [torch.full((2,), 0.5, dtype=torch.float64), torch.full((4,), -1.0, dtype=torch.float64)]
        arg = base
    c = modality_contributions(f, xs, baseline=arg)
    np.testing.assert_allclose(c[:, 0].numpy(), _centre(g(xs[0]) - g(base[0][None])).numpy(), atol=1e-10)
    np.testing.assert_allclose(c[:, 1].numpy(), _centre(h(xs[1]) - h(base[1][None])).numpy(), atol=1e-10)


def test_centred_contributions_sum_to_zero_over_classes_and_scalar_outputs_stay_raw():
    f, _, _ = _additive(2)
    xs = [torch.randn(6, 2, dtype=torch.float64), torch.randn(6, 4, dtype=torch.float64)]
    np.testing.assert_allclose(modality_contributions(f, xs).sum(-1).numpy(), 0.0, atol=1e-10)
    c = modality_contributions(lambda x: x[0][:, 0] + 2 * x[1][:, 0], xs, baseline="zeros")
    assert c.shape == (6, 2, 1)
    np.testing.assert_allclose(c[:, 1, 0].numpy(), 2 * xs[1][:, 0].numpy())


# --------------------------------------------------------------------------- #
# geometry
# --------------------------------------------------------------------------- #
def test_geometry_matches_numpy_and_scipy(seed):
    c = np.random.default_rng(seed).normal(size=(8, 3, 4))
    geo = contribution_geometry(c)
    assert isinstance(geo, ContributionGeometry)
    np.testing.assert_allclose(geo.norms, np.linalg.norm(c, axis=2))
    for i in range(8):
        for m in range(3):
            for k in range(3):
                assert geo.dots[i, m, k] == pytest.approx(float(c[i, m] @ c[i, k]))
                assert geo.cosines[i, m, k] == pytest.approx(1.0 - scipy_cosine_distance(c[i, m], c[i, k]))


def test_geometry_of_a_zero_contribution_has_cosine_zero():
    geo = contribution_geometry(torch.tensor([[[0.0, 0.0], [1.0, -1.0]]]))
    assert geo.cosines[0, 0, 1] == 0.0 and geo.norms[0, 0] == 0.0


# --------------------------------------------------------------------------- #
# dominance / complementarity / conflict
# --------------------------------------------------------------------------- #
def test_the_three_kinds_and_none_on_hand_made_cases():
    c = np.array(
        [
            [[3.0, -3.0], [0.5, -0.5]],  # |c0| = 6 |c1|: dominance by modality 0
            [[0.2, -0.2], [-1.0, 1.0]],  # dominance by modality 1 (sign irrelevant)
            [[1.0, -1.0], [0.8, -0.8]],  # same direction, ratio 1.25: complementarity
            [[1.0, -1.0], [-0.8, 0.8]],  # opposite directions: conflict
            [[0.0, 0.0], [0.0, 0.0]],
        ]
    )  # nothing moves: none
    kinds = classify_interactions(c)
    assert isinstance(kinds, InteractionKinds)
    assert kinds.kind.tolist() == ["dominance", "dominance", "complementarity", "conflict", "none"]
    assert kinds.dominant.tolist() == [0, 1, 0, 0, -1]
    assert kinds.shares() == {"none": 0.2, "dominance": 0.4, "complementarity": 0.2, "conflict": 0.2}
    assert set(kinds.shares()) == set(INTERACTION_KINDS)
    assert kinds.shares(np.array([0, 0, 1, 1, 0], bool)) == {
        "none": 0.0,
        "dominance": 0.0,
        "complementarity": 0.5,
        "conflict": 0.5,
    }


def test_dominance_ratio_is_the_threshold():
    c = np.array([[[3.0, -3.0], [1.0, -1.0]]])  # ratio 3
    assert classify_interactions(c, dominance_ratio=2.0).kind[0] == "dominance"
    assert classify_interactions(c, dominance_ratio=4.0).kind[0] == "complementarity"


def test_three_modalities_ignore_an_inactive_one():
    # m0 and m1 agree, m2 is tiny and opposite: it is not active (below 1/rho of the largest), so complementarity
    c = np.array(
        [[[1.0, -1.0], [0.9, -0.9], [-0.1, 0.1]], [[1.0, -1.0], [0.9, -0.9], [-0.7, 0.7]]]
    )  # m2 active and opposite: conflict
    assert classify_interactions(c).kind.tolist() == ["complementarity", "conflict"]


# --------------------------------------------------------------------------- #
# bad inputs
# --------------------------------------------------------------------------- #
def _f(xs):
    return torch.cat(xs, dim=1)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: modality_contributions(3, [torch.zeros(2, 1), torch.zeros(2, 1)]), TypeError, "f must be a callable"),
        (lambda: modality_contributions(_f, torch.zeros(2, 1)), TypeError, "list or tuple"),
        (lambda: modality_contributions(_f, []), ValueError, "at least one modality"),
        (lambda: modality_contributions(_f, [torch.zeros(2, 1), torch.zeros(3, 1)]), ValueError, "same batch size"),
        (lambda: modality_contributions(_f, [torch.zeros(2), torch.zeros(2)]), ValueError, r"shape \(batch, d_0\)"),
        (lambda: modality_contributions(_f, [torch.zeros(2, 1, dtype=torch.long)] * 2), TypeError, "floating point"),
        (lambda: modality_contributions(_f, [torch.tensor([[float("nan")]])] * 2), ValueError, "finite"),
        (
            lambda: modality_contributions(_f, [torch.zeros(2, 1)] * 2, baseline="median"),
            ValueError,
            "baseline must be one of",
        ),
        (
            lambda: modality_contributions(_f, [torch.zeros(2, 1)] * 2, baseline=torch.zeros(1)),
            TypeError,
            "baseline must be",
        ),
        (
            lambda: modality_contributions(_f, [torch.zeros(2, 1)] * 2, baseline=[torch.zeros(1)]),
            ValueError,
            "one vector per modality",
        ),
        (
            lambda: modality_contributions(_f, [torch.zeros(2, 1)] * 2, baseline=[torch.zeros(3)] * 2),
            ValueError,
            "must have 1 entries",
        ),
        (
            lambda: modality_contributions(_f, [torch.zeros(2, 1)] * 2, baseline=[[0.0]] * 2),
            TypeError,
            r"baseline\[0\] must be a torch.Tensor",
        ),
        (
            lambda: modality_contributions(lambda xs: xs[0].sum(), [torch.zeros(2, 1)] * 2),
            ValueError,
            "must return logits",
        ),
        (lambda: modality_contributions(_f, [torch.zeros(2, 1)] * 2, pairs_per_call=0), ValueError, "pairs_per_call"),
        (lambda: contribution_geometry(np.zeros((2, 2))), ValueError, r"shape \(N, M, C\)"),
        (lambda: contribution_geometry(np.full((1, 2, 2), np.nan)), ValueError, "finite"),
        (lambda: classify_interactions(np.zeros((2, 1, 2))), ValueError, "at least two modalities"),
        (lambda: classify_interactions(np.zeros((2, 2, 2)), dominance_ratio=1.0), ValueError, "must be > 1"),
        (lambda: classify_interactions(np.zeros((2, 2, 2)), dominance_ratio="2"), TypeError, "real number"),
        (lambda: classify_interactions(np.zeros((2, 2, 2)), min_norm=-1.0), ValueError, "min_norm must be >= 0"),
    ],
)
def test_bad_inputs_are_rejected_with_a_message(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --------------------------------------------------------------------------- #
# the claims of lectures/6_quantification/03_emap_gradients.ipynb, on 5 seeds
# --------------------------------------------------------------------------- #
QUICK = quick_sizes("lectures/6_quantification/03_emap_gradients.ipynb")  # read from its setup cell
RULES = {"only x_A matters": "uniqueness_0", "label from either": {"uniqueness_0": 0.5, "uniqueness_1": 0.5}}


@functools.cache
def _contributions(name: str, seed: int):
    from mmlab.data import make_interaction
    from mmlab.fusion.experiments import train_fusion

    train, test = make_interaction(QUICK["n"], RULES[name], random_state=seed).split((0.7, 0.3), random_state=seed)
    net = train_fusion(train, test, "mlp", epochs=QUICK["epochs"], random_state=seed).model.eval()
    dev = next(net.parameters()).device
    c = modality_contributions(net, [torch.as_tensor(x, device=dev) for x in test.modalities]).cpu()
    names = test.truth.factor_names
    agree = test.factors[:, names.index("m0:unique")] == test.factors[:, names.index("m1:unique")]
    return c, classify_interactions(c, dominance_ratio=2.0), agree


@pytest.mark.slow
def test_claim_dominance_where_only_one_modality_matters(seed):
    _, kinds, _ = _contributions("only x_A matters", seed)
    assert np.mean((kinds.kind == "dominance") & (kinds.dominant == 0)) >= 0.9


@pytest.mark.slow
def test_claim_agreeing_bits_complement_and_disagreeing_bits_conflict(seed):
    c, kinds, agree = _contributions("label from either", seed)
    cos = contribution_geometry(c).cosines[:, 0, 1]
    assert cos[agree].mean() > 0.5 and cos[~agree].mean() < -0.5
    on_agree, on_disagree = kinds.shares(agree), kinds.shares(~agree)
    assert on_agree["complementarity"] / (on_agree["complementarity"] + on_agree["conflict"]) >= 0.85
    assert on_disagree["conflict"] / (on_disagree["conflict"] + on_disagree["complementarity"]) >= 0.85
