"""GatedFusion (GMU) and ModalityShiftFusion (MAG)."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import GatedFusion, ModalityShiftFusion, n_params


def test_gmu_two_modalities_is_arevalo_formula():
    torch.manual_seed(0)
    gmu = GatedFusion([4, 3], 5)
    a, b = torch.randn(6, 4), torch.randn(6, 3)
    z = torch.sigmoid(torch.cat([a, b], 1) @ gmu.gate.weight.T + gmu.gate.bias)
    h_a = torch.tanh(a @ gmu.maps[0].weight.T + gmu.maps[0].bias)
    h_b = torch.tanh(b @ gmu.maps[1].weight.T + gmu.maps[1].bias)
    torch.testing.assert_close(gmu([a, b]), z * h_a + (1 - z) * h_b)
    assert n_params(gmu) == (4 + 1) * 5 + (3 + 1) * 5 + (7 + 1) * 5


@pytest.mark.parametrize("dims", [[4, 3], [4, 3, 2], [2, 2, 2, 2]])
def test_gates_are_a_convex_mix(dims):
    torch.manual_seed(0)
    gmu = GatedFusion(dims, 5)
    xs = [3 * torch.randn(20, d) for d in dims]
    z, g = gmu(xs, return_gates=True)
    assert g.shape == (20, len(dims), 5)
    assert torch.all(g > 0) and torch.all(g < 1)
    torch.testing.assert_close(g.sum(1), torch.ones(20, 5))
    torch.testing.assert_close(gmu.last_gates, g.detach())
    assert not gmu.last_gates.requires_grad
    # the output lies in the convex hull of the tanh branches: |z| < 1
    assert z.abs().max() < 1
    m = len(dims)
    logits = 1 if m == 2 else m
    assert n_params(gmu) == sum((d + 1) * 5 for d in dims) + logits * (sum(dims) + 1) * 5


def test_gmu_leans_on_a_modality_when_its_gate_saturates():
    gmu = GatedFusion([2, 2], 3)
    with torch.no_grad():
        gmu.gate.weight.zero_()
        gmu.gate.bias.fill_(50.0)  # g_1 -> 1
    a, b = torch.randn(4, 2), torch.randn(4, 2)
    torch.testing.assert_close(gmu([a, b]), torch.tanh(gmu.maps[0](a)))


@pytest.mark.parametrize("beta", [0.1, 0.5, 2.0])
def test_shift_is_bounded_by_beta_times_primary_norm(beta):
    torch.manual_seed(0)
    mag = ModalityShiftFusion([6, 3, 2], beta=beta, layer_norm=False)
    with torch.no_grad():  # make the raw displacement H huge so that the bound binds
        for w in mag.maps:
            w.weight.mul_(100.0)
    xs = [torch.randn(30, 6), torch.randn(30, 3), torch.randn(30, 2)]
    out = mag(xs)
    shift = (out - xs[0]).norm(dim=1)
    torch.testing.assert_close(mag.last_shift, shift)
    assert torch.all(shift <= beta * xs[0].norm(dim=1) * (1 + 1e-5))
    assert torch.all(mag.last_relative_shift <= beta * (1 + 1e-5))
    torch.testing.assert_close(mag.last_relative_shift, shift / xs[0].norm(dim=1), rtol=1e-4, atol=1e-6)


def test_no_nonverbal_signal_means_no_shift():
    mag = ModalityShiftFusion([5, 3], layer_norm=False)
    x0 = torch.randn(4, 5)
    out = mag([x0, torch.zeros(4, 3)])
    torch.testing.assert_close(out, x0)
    assert torch.all(mag.last_shift == 0)


def test_shift_output_size_and_layer_norm():
    mag = ModalityShiftFusion([5, 3])
    xs = [torch.randn(4, 5), torch.randn(4, 3)]
    out = mag(xs)
    assert out.shape == (4, 5) and mag.out_dim == 5
    torch.testing.assert_close(out.mean(1), torch.zeros(4), atol=1e-5, rtol=0)  # LN with initial gain 1, bias 0
    proj = ModalityShiftFusion([5, 3], 2)
    assert proj(xs).shape == (4, 2) and proj.out_dim == 2
    assert mag.shift(xs).shape == (4, 5)


def test_shift_validation():
    with pytest.raises(ValueError, match="at least 2 modalities"):
        ModalityShiftFusion([5])
    with pytest.raises(ValueError, match="beta must be a finite positive number"):
        ModalityShiftFusion([5, 3], beta=0.0)
    with pytest.raises(TypeError, match="beta must be a real number"):
        ModalityShiftFusion([5, 3], beta="1")
