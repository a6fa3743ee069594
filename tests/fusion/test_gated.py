"""GatedFusion: the gated multimodal unit (GMU) of Arevalo et al. 2017."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import GatedFusion, n_params


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


def test_gmu_validation():
    with pytest.raises(ValueError, match="GatedFusion fuses at least 2 modalities"):
        GatedFusion([4], 2)
    gmu = GatedFusion([2, 2], 3)
    with pytest.raises(ValueError, match=r"xs\[1\] must have 2 features"):
        gmu([torch.zeros(4, 2), torch.zeros(4, 3)])
    with pytest.raises(TypeError, match="must have dtype torch.float32"):
        gmu.gates([torch.zeros(4, 2), torch.zeros(4, 2, dtype=torch.float64)])
