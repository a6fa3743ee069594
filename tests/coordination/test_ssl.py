"""Tests of the self-supervised pieces: augmentations, NT-Xent, SimCLR, BYOL."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from mmlab.coordination import BYOL, SimCLR, augment_signals, fit_byol, fit_simclr, nt_xent, signal_encoder
from mmlab.runtime import seeded


def test_augment_is_a_circular_shift_scale_and_noise():
    x = torch.arange(8.0).repeat(3, 1)
    g = torch.Generator().manual_seed(0)
    shifted = augment_signals(x, g, scale=(1.0, 1.0), noise=0.0)
    for row in shifted:  # a rotation of 0..7
        k = int(row[0])
        assert torch.equal(row, torch.roll(torch.arange(8.0), -k))
    scaled = augment_signals(x, torch.Generator().manual_seed(1), shift=False, scale=(2.0, 2.0), noise=0.0)
    assert torch.equal(scaled, 2 * x)
    a = augment_signals(x, torch.Generator().manual_seed(5))
    b = augment_signals(x, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)  # the generator alone decides


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"x": torch.ones(3)}, ValueError, r"shape \(n, L\)"),
        ({"x": torch.ones(3, 4, dtype=torch.long)}, TypeError, "floating-point"),
        ({"generator": 0}, TypeError, "torch.Generator"),
        ({"noise": -1.0}, ValueError, "noise"),
        ({"scale": (2.0, 1.0)}, ValueError, "scale"),
    ],
)
def test_augment_bad_inputs(kwargs, err, match):
    args = {"x": torch.ones(3, 4), "generator": torch.Generator()} | kwargs
    x, g = args.pop("x"), args.pop("generator")
    with pytest.raises(err, match=match):
        augment_signals(x, g, **args)


def test_nt_xent_matches_the_written_out_loss(torch_gen):
    z1, z2 = torch.randn(4, 3, generator=torch_gen), torch.randn(4, 3, generator=torch_gen)
    u = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = u @ u.T / 0.5
    total = 0.0
    for k in range(8):
        partner = (k + 4) % 8
        others = [sim[k, j] for j in range(8) if j != k]
        total += -(sim[k, partner] - torch.logsumexp(torch.stack(others), 0))
    assert float(nt_xent(z1, z2, temperature=0.5)) == pytest.approx(float(total) / 8, abs=1e-5)
    assert float(nt_xent(torch.ones(3, 2), torch.ones(3, 2))) == pytest.approx(math.log(5), abs=1e-6)


def test_byol_target_moves_by_momentum_and_gets_no_gradient(torch_gen):
    byol = BYOL(torch.nn.Linear(5, 4), 4, proj_dim=3, hidden=6, momentum=0.9)
    before = [p.clone() for p in byol._target_parameters()]
    online = [p.clone() for p in list(byol.encoder.parameters()) + list(byol.projection.parameters())]
    loss = byol.loss(torch.randn(8, 5, generator=torch_gen), torch.randn(8, 5, generator=torch_gen))
    loss.backward()
    assert all(p.grad is None for p in byol._target_parameters())
    with torch.no_grad():
        for p in list(byol.encoder.parameters()):
            p.add_(1.0)
    byol.update_target()
    moved = list(byol.encoder.parameters()) + list(byol.projection.parameters())
    for xi, old, new in zip(byol._target_parameters(), before, moved, strict=True):
        assert torch.allclose(xi, 0.9 * old + 0.1 * new)
    assert all(torch.equal(a, b) for a, b in zip(before, online, strict=True))  # start: target == online copy


def test_byol_loss_is_zero_for_identical_predictions():
    byol = BYOL(torch.nn.Identity(), 3, proj_dim=3, hidden=4)
    byol.predictor = torch.nn.Identity()
    byol.projection = torch.nn.Identity()
    byol.target_projection = torch.nn.Identity()
    x = torch.randn(5, 3)
    assert float(byol.loss(x, x)) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        byol.loss(x, x[:4])


def test_simclr_and_byol_train(torch_gen):
    x = torch.randn(64, 16, generator=torch_gen)
    with seeded(0):
        simclr, byol = SimCLR(signal_encoder(16, hidden=16, out_dim=8), 8), BYOL(signal_encoder(16, hidden=16), 32)
    assert len(fit_simclr(simclr, x, augment_signals, epochs=2, batch_size=32)) == 4
    assert len(fit_byol(byol, x, augment_signals, epochs=2, batch_size=32)) == 4
    with pytest.raises(TypeError, match="augment"):
        fit_simclr(simclr, x, "shift", epochs=1)


def test_constructors_validate():
    with pytest.raises(TypeError, match="encoder"):
        SimCLR("mlp", 4)
    with pytest.raises(ValueError, match="momentum"):
        BYOL(torch.nn.Linear(2, 2), 2, momentum=1.0)
    with pytest.raises(TypeError, match="encoder"):
        BYOL(None, 2)
