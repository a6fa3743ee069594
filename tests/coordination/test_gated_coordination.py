"""Tests of gated coordination: shapes, gate ranges, which inputs the gate sees."""

from __future__ import annotations

import pytest
import torch

from mmlab.coordination import GatedCoordination


def test_shapes_and_gate_range(torch_gen):
    net = GatedCoordination([3, 5], embed_dim=4, hidden=8)
    xs = [torch.randn(7, 3, generator=torch_gen), torch.randn(7, 5, generator=torch_gen)]
    z = net(xs)
    g = net.gates(xs)
    assert z.shape == (2, 7, 4) and g.shape == (2, 7)
    assert bool(((g > 0) & (g < 1)).all())
    assert torch.allclose(net.last_gates, g.detach())


def test_embeddings_are_the_encodings_scaled_by_the_gates(torch_gen):
    net = GatedCoordination([3, 3], embed_dim=4)
    xs = [torch.randn(5, 3, generator=torch_gen), torch.randn(5, 3, generator=torch_gen)]
    z, g = net(xs), net.gates(xs)
    h = [enc(x) for enc, x in zip(net.encoders, xs, strict=True)]
    assert torch.allclose(z[0], g[0, :, None] * h[0]) and torch.allclose(z[1], g[1, :, None] * h[1])


def test_self_gate_ignores_the_other_modality_and_joint_gate_does_not(torch_gen):
    xa, xb = torch.randn(6, 3, generator=torch_gen), torch.randn(6, 3, generator=torch_gen)
    other = torch.randn(6, 3, generator=torch_gen)
    self_gate = GatedCoordination([3, 3], gate_inputs="self")
    assert torch.allclose(self_gate.gates([xa, xb])[0], self_gate.gates([xa, other])[0])
    joint = GatedCoordination([3, 3], gate_inputs="both")
    assert not torch.allclose(joint.gates([xa, xb])[0], joint.gates([xa, other])[0])


def test_validation():
    with pytest.raises(ValueError, match="gate_inputs"):
        GatedCoordination([3, 3], gate_inputs="none")
    with pytest.raises(TypeError, match="in_dims"):
        GatedCoordination(3)
    net = GatedCoordination([3, 3])
    with pytest.raises(ValueError, match="same batch size"):
        net([torch.randn(4, 3), torch.randn(5, 3)])
