"""Tests of InfoNCE, its bound, the dual encoder, and the training loop of label-free objectives."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from mmlab.coordination import DualEncoder, fit_contrastive, info_nce, info_nce_bound, train_objective
from mmlab.runtime import seeded


def test_info_nce_is_the_cross_entropy_over_the_similarity_matrix(torch_gen):
    za, zb = torch.randn(10, 6, generator=torch_gen), torch.randn(10, 6, generator=torch_gen)
    s = F.normalize(za, dim=1) @ F.normalize(zb, dim=1).T / 0.2
    t = torch.arange(10)
    assert torch.allclose(info_nce(za, zb, temperature=0.2, symmetric=False), F.cross_entropy(s, t))
    assert torch.allclose(info_nce(za, zb, temperature=0.2), (F.cross_entropy(s, t) + F.cross_entropy(s.T, t)) / 2)
    dot = za @ zb.T
    assert torch.allclose(info_nce(za, zb, temperature=1.0, normalize=False, symmetric=False), F.cross_entropy(dot, t))


def test_info_nce_hand_computed_cases():
    # all embeddings equal: every candidate is equally likely, loss log N
    assert float(info_nce(torch.ones(5, 3), torch.ones(5, 3))) == pytest.approx(math.log(5), abs=1e-6)
    # orthogonal pairs, tau = 1: -log(e / (e + (N-1)))
    z = torch.eye(4)
    assert float(info_nce(z, z, temperature=1.0)) == pytest.approx(-math.log(math.e / (math.e + 3)), abs=1e-6)


def test_info_nce_properties(torch_gen):
    za, zb = torch.randn(8, 4, generator=torch_gen), torch.randn(8, 4, generator=torch_gen)
    assert torch.allclose(info_nce(za, zb), info_nce(zb, za))  # symmetric
    perm = torch.randperm(8, generator=torch_gen)
    assert torch.allclose(info_nce(za[perm], zb[perm]), info_nce(za, zb), atol=1e-6)  # pairs, not order
    assert torch.allclose(info_nce(3 * za, zb), info_nce(za, zb), atol=1e-6)  # cosine: scale-free


def test_info_nce_gradients_in_float64(torch_gen):
    za = torch.randn(5, 3, generator=torch_gen, dtype=torch.float64, requires_grad=True)
    zb = torch.randn(5, 3, generator=torch_gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: info_nce(a, b, temperature=0.5), (za, zb))


def test_bound_and_its_ceiling():
    assert info_nce_bound(0.0, 4) == pytest.approx(math.log(4))
    assert info_nce_bound(torch.tensor(1.0), 16) == pytest.approx(math.log(16) - 1.0)
    with pytest.raises(ValueError, match="loss"):
        info_nce_bound(-0.1, 4)
    with pytest.raises(ValueError, match="batch_size"):
        info_nce_bound(0.5, 1)


@pytest.mark.parametrize(
    "args, err, match",
    [
        ((torch.zeros(3, 2), torch.zeros(4, 2)), ValueError, "same shape"),
        ((torch.zeros(3), torch.zeros(3)), ValueError, r"shape \(N, d\)"),
        ((np.zeros((3, 2)), torch.zeros(3, 2)), TypeError, "floating-point torch.Tensor"),
        ((torch.zeros(3, 2, dtype=torch.long), torch.zeros(3, 2)), TypeError, "floating-point"),
    ],
)
def test_info_nce_bad_inputs(args, err, match):
    with pytest.raises(err, match=match):
        info_nce(*args)


def test_info_nce_bad_temperature():
    with pytest.raises(ValueError, match="temperature"):
        info_nce(torch.ones(2, 2), torch.ones(2, 2), temperature=0.0)


def test_dual_encoder_shapes_embed_and_validation():
    enc = DualEncoder([3, 5], embed_dim=4, hidden=8)
    assert enc([torch.randn(6, 3), torch.randn(6, 5)]).shape == (2, 6, 4)
    za, zb = enc.embed([torch.randn(6, 3), torch.randn(6, 5)])
    assert za.shape == (6, 4) and isinstance(za, np.ndarray)
    with pytest.raises(ValueError, match="features"):
        enc([torch.randn(6, 4), torch.randn(6, 5)])
    with pytest.raises(TypeError, match="in_dims"):
        DualEncoder([3])


def test_fit_contrastive_learns_a_simple_pairing(torch_gen):
    x = torch.randn(256, 6, generator=torch_gen)
    y = x @ torch.randn(6, 6, generator=torch_gen) + 0.1 * torch.randn(256, 6, generator=torch_gen)
    with seeded(0):
        enc = DualEncoder([6, 6], embed_dim=8)
    losses = fit_contrastive(enc, [x, y], epochs=15, batch_size=64)
    assert np.mean(losses[-4:]) < 0.5 * np.mean(losses[:4])  # a linear pairing is learned quickly


def test_train_objective_counts_steps_and_epochs_and_is_deterministic(torch_gen):
    x = torch.randn(50, 2, generator=torch_gen)
    lin = torch.nn.Linear(2, 1)
    assert len(train_objective(lin, lambda b: lin(b[0]).pow(2).mean(), [x], steps=7, batch_size=16)) == 7
    assert len(train_objective(lin, lambda b: lin(b[0]).pow(2).mean(), [x], epochs=2, batch_size=16)) == 8
    runs = []
    for _ in range(2):
        torch.manual_seed(1)
        m = torch.nn.Linear(2, 1)
        runs.append(train_objective(m, lambda b, m=m: m(b[0]).pow(2).mean(), [x], epochs=2, random_state=3))
    assert runs[0] == runs[1]


def test_train_objective_skips_single_sample_batches():
    lin = torch.nn.Linear(1, 1)
    seen = []
    train_objective(
        lin, lambda b: seen.append(len(b[0])) or lin(b[0]).sum(), [torch.ones(5, 1)], epochs=1, batch_size=4
    )
    assert seen == [4]  # the fifth sample alone is skipped


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({}, ValueError, "exactly one of epochs= and steps="),
        ({"epochs": 1, "steps": 1}, ValueError, "exactly one"),
        ({"epochs": 1, "batch_size": 1}, ValueError, "batch_size"),
        ({"epochs": 1, "lr": 0.0}, ValueError, "lr"),
    ],
)
def test_train_objective_bad_options(kwargs, err, match):
    lin = torch.nn.Linear(1, 1)
    with pytest.raises(err, match=match):
        train_objective(lin, lambda b: lin(b[0]).sum(), [torch.ones(4, 1)], **kwargs)


def test_train_objective_bad_inputs():
    lin = torch.nn.Linear(1, 1)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        train_objective("model", lambda b: 0, [torch.ones(4, 1)], epochs=1)
    with pytest.raises(TypeError, match="list of paired tensors"):
        train_objective(lin, lambda b: 0, torch.ones(4, 1), epochs=1)
    with pytest.raises(ValueError, match="paired samples"):
        train_objective(lin, lambda b: 0, [torch.ones(4, 1), torch.ones(3, 1)], epochs=1)
    with pytest.raises(ValueError, match="at least 2"):
        train_objective(lin, lambda b: 0, [torch.ones(1, 1)], epochs=1)
    with pytest.raises(ValueError, match="no trainable"):
        train_objective(torch.nn.ReLU(), lambda b: 0, [torch.ones(4, 1)], epochs=1)
