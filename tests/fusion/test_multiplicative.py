"""MultiplicativeFusion and BilinearFusion."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from mmlab.fusion import BilinearFusion, MultiplicativeFusion, bilinear_fusion_n_params, n_params


def test_multiplicative_is_the_product_of_affine_maps():
    torch.manual_seed(0)
    fuse = MultiplicativeFusion([4, 3, 2], 5)
    xs = [torch.randn(6, d) for d in (4, 3, 2)]
    expected = torch.ones(6, 5)
    for lin, x in zip(fuse.maps, xs, strict=True):
        expected = expected * (x @ lin.weight.T + lin.bias)
    torch.testing.assert_close(fuse(xs), expected)
    assert n_params(fuse) == (4 + 1) * 5 + (3 + 1) * 5 + (2 + 1) * 5


def test_multiplicative_without_bias_is_multilinear():
    torch.manual_seed(0)
    fuse = MultiplicativeFusion([4, 3], 5, bias=False)
    a, b = torch.randn(6, 4), torch.randn(6, 3)
    torch.testing.assert_close(fuse([2.5 * a, b]), 2.5 * fuse([a, b]))
    torch.testing.assert_close(fuse([a, -b]), -fuse([a, b]))
    assert n_params(fuse) == (4 + 3) * 5


def test_bilinear_matches_torch_functional_bilinear():
    """Independent reference: torch.nn.functional.bilinear computes x_A^T W_k x_B + b_k."""
    torch.manual_seed(0)
    fuse = BilinearFusion([4, 3], 5, linear=False)
    a, b = torch.randn(7, 4), torch.randn(7, 3)
    torch.testing.assert_close(fuse([a, b]), F.bilinear(a, b, fuse.weight, fuse.bias))
    full = BilinearFusion([4, 3], 5)
    expected = F.bilinear(a, b, full.weight, full.bias) + a @ full.linear_a.weight.T + b @ full.linear_b.weight.T
    torch.testing.assert_close(full([a, b]), expected)


@pytest.mark.parametrize("linear, bias", [(True, True), (True, False), (False, True), (False, False)])
def test_bilinear_parameter_count(linear, bias):
    fuse = BilinearFusion([6, 5], 3, linear=linear, bias=bias)
    expected = 3 * 6 * 5 + linear * (6 + 5) * 3 + bias * 3
    assert n_params(fuse) == bilinear_fusion_n_params([6, 5], 3, linear=linear, bias=bias) == expected


def test_bilinear_needs_two_modalities():
    with pytest.raises(ValueError, match="exactly 2 modalities"):
        BilinearFusion([3], 2)
    with pytest.raises(ValueError, match="exactly 2 modalities"):
        bilinear_fusion_n_params([3, 3, 3], 2)
