"""Tests of mmlab.quantify's invariance and equivariance tools, and the seed test of lecture 6.6's set models."""

from __future__ import annotations

import pytest
import torch
from lecture_exercises import quick_sizes
from torch import nn

from mmlab.data import make_sets
from mmlab.quantify import (
    DeepSets,
    cyclic_shift,
    equivariance_error,
    equivariance_map,
    invariance_error,
    permute_elements,
)
from mmlab.train import evaluate, fit

LECTURE = "lectures/6_quantification/06_heterogeneity_transfer_and_structure.ipynb"


def test_group_actions():
    x = torch.arange(12.0).reshape(1, 3, 4)
    assert permute_elements(x, [2, 0, 1])[0, :, 0].tolist() == [8.0, 0.0, 4.0]
    assert cyclic_shift(x, 1)[0, 0].tolist() == [3.0, 0.0, 1.0, 2.0]
    assert torch.equal(cyclic_shift(x, (1, 1), dims=(1, 2)), torch.roll(x, (1, 1), (1, 2)))


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: permute_elements(torch.zeros(2, 3), [0, 1]), ValueError, "permutation"),
        (lambda: permute_elements(torch.zeros(2, 3), [0, 1, 1]), ValueError, "permutation"),
        (lambda: permute_elements(torch.zeros(3), [0, 1, 2]), ValueError, "batch of sets"),
        (lambda: permute_elements([[0.0]], [0]), TypeError, "torch.Tensor"),
        (lambda: cyclic_shift(torch.zeros(2, 3), 1, dims=0), ValueError, "batch axis"),
        (lambda: cyclic_shift(torch.zeros(2, 3), (1, 2), dims=-1), ValueError, "same length"),
        (lambda: cyclic_shift(torch.zeros(2, 3), 1.5), TypeError, "shift"),
    ],
)
def test_group_action_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_deepsets_is_invariant_for_any_weights_and_permutations(seed):
    torch.manual_seed(seed)
    net = DeepSets(5, 3, hidden=16)
    x = torch.randn(8, 7, 5)
    for _ in range(5):
        perm = torch.randperm(7).tolist()
        assert invariance_error(net, x, lambda s, p=perm: permute_elements(s, p)) < 1e-5


def test_an_mlp_on_flattened_sets_is_not_invariant(seed):
    torch.manual_seed(seed)
    mlp = nn.Sequential(nn.Flatten(1), nn.Linear(35, 3))
    assert invariance_error(mlp, torch.randn(8, 7, 5), lambda s: permute_elements(s, [6, 5, 4, 3, 2, 1, 0])) > 0.1


def test_relative_errors_by_hand():
    x = torch.tensor([[[1.0], [3.0]]])
    first = lambda s: s[:, 0]  # noqa: E731
    assert invariance_error(first, x, lambda s: permute_elements(s, [1, 0])) == pytest.approx(2.0)
    double = lambda s: 2 * s  # noqa: E731  (equivariant to every permutation: it acts elementwise)
    assert equivariance_error(double, x, lambda s: permute_elements(s, [1, 0])) == 0.0
    assert equivariance_error(first, torch.randn(2, 3, 1), lambda s: s, lambda out: out + 1) > 0


def test_circular_convolution_is_equivariant_and_zero_padding_only_inside(seed):
    torch.manual_seed(seed)
    x = torch.randn(4, 2, 30)
    circ = nn.Conv1d(2, 3, 7, padding=3, padding_mode="circular")
    zeros = nn.Conv1d(2, 3, 7, padding=3)
    shift = lambda s: cyclic_shift(s, 2)  # noqa: E731
    assert equivariance_error(circ, x, shift) < 1e-5
    err = equivariance_map(zeros, x, shift)
    assert err.shape == (30,) and float(err[5:-5].max()) < 1e-5 and float(err[:5].max()) > 1e-3
    pooled = nn.Sequential(circ, nn.AdaptiveAvgPool1d(1), nn.Flatten(1))
    assert invariance_error(pooled, x, shift) < 1e-5


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: invariance_error("model", torch.zeros(2, 2), lambda s: s), TypeError, "callable"),
        (lambda: invariance_error(lambda s: s, torch.zeros(2, 2), "t"), TypeError, "transform"),
        (lambda: invariance_error(lambda s: s, [[0.0]], lambda s: s), TypeError, "torch.Tensor"),
        (lambda: invariance_error(lambda s: s, torch.ones(2, 2), lambda s: s[:1]), ValueError, "shape"),
        (lambda: invariance_error(lambda s: s.sum(), torch.zeros(2, 2), lambda s: s), ValueError, "zero"),
        (lambda: invariance_error(lambda s: s.tolist(), torch.ones(2, 2), lambda s: s), TypeError, "return a torch"),
        (lambda: equivariance_map(lambda s: s, torch.ones(2, 3), lambda s: s), ValueError, "feature maps"),
        (lambda: equivariance_error(lambda s: s, torch.ones(2, 3), lambda s: s, lambda o: o[:1]), ValueError, "shape"),
    ],
)
def test_error_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_deepsets_bad_sizes():
    with pytest.raises(ValueError, match="in_dim"):
        DeepSets(0, 2)


@pytest.mark.slow
def test_lecture_6_6_set_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURE)
    length, dim = 6, 8
    as_sets = lambda d: torch.as_tensor(d.modalities[0]).reshape(-1, length, dim)  # noqa: E731
    train = make_sets(s["n_sets"], set_size=length, dim=dim, order="sorted", random_state=seed)
    tests = {
        o: make_sets(1000, set_size=length, dim=dim, order=o, random_state=100 + seed) for o in ("sorted", "random")
    }
    torch.manual_seed(seed)
    models = {
        "DeepSets": DeepSets(dim, 2),
        "MLP": nn.Sequential(nn.Flatten(1), nn.Linear(length * dim, 64), nn.ReLU(), nn.Linear(64, 2)),
    }
    acc = {}
    for name, model in models.items():
        fit(
            model,
            as_sets(train),
            torch.as_tensor(train.y),
            epochs=s["set_epochs"],
            lr=3e-3,
            batch_size=64,
            random_state=seed,
            progress=False,
            device="cpu",
        )
        acc[name] = {o: evaluate(model, as_sets(t), torch.as_tensor(t.y))["accuracy"] for o, t in tests.items()}
    drop = {m: a["sorted"] - a["random"] for m, a in acc.items()}
    assert drop["MLP"] >= 0.2 and abs(drop["DeepSets"]) <= 0.02 and min(acc["DeepSets"].values()) > 0.85, acc
