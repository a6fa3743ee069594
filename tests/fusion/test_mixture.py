"""MixtureOfFusions."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from mmlab.fusion import AdditiveFusion, MixtureOfFusions, TensorFusion, n_params


def test_weights_start_uniform_and_sum_to_one():
    mix = MixtureOfFusions([4, 3], 5)
    torch.testing.assert_close(mix.weights(), torch.full((3,), 1 / 3))
    assert mix.names == ("additive", "multiplicative", "tensor")
    with torch.no_grad():
        mix.logits.copy_(torch.tensor([2.0, -1.0, 0.5]))
    w = mix.weights()
    assert torch.all(w > 0) and w.sum().item() == pytest.approx(1.0)
    torch.testing.assert_close(w, torch.softmax(torch.tensor([2.0, -1.0, 0.5]), 0))
    assert list(mix.weights_by_name()) == ["additive", "multiplicative", "tensor"]
    assert not mix.weights().requires_grad


@pytest.mark.parametrize("normalize", [True, False])
def test_output_is_the_weighted_sum_of_operators(normalize):
    torch.manual_seed(0)
    mix = MixtureOfFusions([4, 3], 5, ("additive", "tensor", "gated"), normalize=normalize)
    with torch.no_grad():
        mix.logits.copy_(torch.tensor([0.3, -0.2, 1.0]))
    xs = [torch.randn(6, 4), torch.randn(6, 3)]
    pi = torch.softmax(mix.logits, 0)
    outs = [op(xs) for op in mix.operators]
    if normalize:
        outs = [F.layer_norm(o, (5,)) for o in outs]
    torch.testing.assert_close(mix(xs), sum(p * o for p, o in zip(pi, outs, strict=True)))
    assert n_params(mix) == sum(n_params(op) for op in mix.operators) + 3


def test_ready_modules_as_operators():
    mix = MixtureOfFusions([4, 3], 5, [AdditiveFusion([4, 3], 5), TensorFusion([4, 3], 5)])
    assert mix.names == ("AdditiveFusion", "TensorFusion")
    assert mix([torch.randn(2, 4), torch.randn(2, 3)]).shape == (2, 5)


def test_mixture_validation():
    with pytest.raises(ValueError, match="out_dim=5"):
        MixtureOfFusions([4, 3], 5, [AdditiveFusion([4, 3], 6)])
    with pytest.raises(ValueError, match="distinct"):
        MixtureOfFusions([4, 3], 5, ["additive", "additive"])
    with pytest.raises(TypeError, match="non-empty list"):
        MixtureOfFusions([4, 3], 5, [])
    with pytest.raises(TypeError, match="non-empty list"):
        MixtureOfFusions([4, 3], 5, "additive")
    with pytest.raises(TypeError, match=r"operators\[0\] must be a fusion name"):
        MixtureOfFusions([4, 3], 5, [3])
    with pytest.raises(ValueError, match="name must be one of"):
        MixtureOfFusions([4, 3], 5, ["attention"])
