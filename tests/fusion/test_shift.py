"""ModalityShiftFusion: the multimodal adaptation gate (Wang et al. 2019; Rahman et al. 2020)."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import ModalityShiftFusion


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
    with pytest.raises(ValueError, match=r"beta must be > 0; got 0.0"):
        ModalityShiftFusion([5, 3], beta=0.0)
    with pytest.raises(ValueError, match=r"beta must be a finite real number > 0; got inf"):
        ModalityShiftFusion([5, 3], beta=float("inf"))
    with pytest.raises(TypeError, match=r"beta must be a real number > 0; got str '1'"):
        ModalityShiftFusion([5, 3], beta="1")
    with pytest.raises(ValueError, match=r"eps must be > 0; got -1e-06"):
        ModalityShiftFusion([5, 3], eps=-1e-6)
