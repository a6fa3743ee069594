"""TensorFusion and its closed-form parameter count."""

from __future__ import annotations

import math

import pytest
import torch

from mmlab.fusion import TensorFusion, n_params, tensor_fusion_n_params


def _one(x):
    return torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype)], 1)


def test_tensor_fusion_equals_explicit_einsum_outer_product_two_modalities():
    torch.manual_seed(0)
    a, b = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
    tfn = TensorFusion([3, 4], 2).double()
    z = torch.einsum("bi,bj->bij", _one(a), _one(b))  # (5, 4, 5)
    w = tfn.linear.weight.view(2, 4, 5)
    torch.testing.assert_close(tfn([a, b]), torch.einsum("bij,oij->bo", z, w))


def test_tensor_fusion_equals_explicit_einsum_outer_product_three_modalities():
    torch.manual_seed(1)
    xs = [torch.randn(4, d, dtype=torch.float64) for d in (2, 3, 2)]
    tfn = TensorFusion([2, 3, 2], 3, bias=True).double()
    z = torch.einsum("bi,bj,bk->bijk", *[_one(x) for x in xs])
    expected = torch.einsum("bijk,oijk->bo", z, tfn.linear.weight.view(3, 3, 4, 3)) + tfn.linear.bias
    torch.testing.assert_close(tfn(xs), expected)


def test_fused_tensor_holds_unimodal_terms_and_the_constant():
    a, b = torch.randn(5, 3), torch.randn(5, 4)
    z = TensorFusion([3, 4], 2).fused_tensor([a, b]).view(5, 4, 5)
    torch.testing.assert_close(z[:, :3, 4], a)  # x_A times B's appended 1
    torch.testing.assert_close(z[:, 3, :4], b)  # A's appended 1 times x_B
    torch.testing.assert_close(z[:, 3, 4], torch.ones(5))  # the constant entry
    torch.testing.assert_close(z[:, :3, :4], a[:, :, None] * b[:, None, :])  # bimodal products


@pytest.mark.parametrize("dims, out_dim", [([32, 32, 32], 1), ([3, 4], 2), ([5, 1, 2, 3], 4), ([16, 8, 4], 7)])
def test_tensor_fusion_parameter_count_is_the_closed_form(dims, out_dim):
    closed = out_dim * math.prod(d + 1 for d in dims)  # (d_A+1)(d_B+1)...(+1) * d_out, no separate bias
    assert n_params(TensorFusion(dims, out_dim)) == tensor_fusion_n_params(dims, out_dim) == closed
    assert (
        n_params(TensorFusion(dims, out_dim, bias=True))
        == tensor_fusion_n_params(dims, out_dim, bias=True)
        == closed + out_dim
    )


def test_tensor_fusion_parameter_count_validates_its_arguments():
    with pytest.raises(ValueError, match="TensorFusion fuses at least 2 modalities"):
        tensor_fusion_n_params([3], 2)
    with pytest.raises(TypeError, match="out_dim must be an integer"):
        tensor_fusion_n_params([3, 3], 2.0)
