"""TensorFusion, LowRankFusion, PolynomialFusion and their closed-form parameter counts."""

from __future__ import annotations

import math

import pytest
import torch

from mmlab.fusion import (
    LowRankFusion,
    PolynomialFusion,
    TensorFusion,
    low_rank_fusion_n_params,
    n_params,
    polynomial_fusion_n_params,
    tensor_fusion_n_params,
)


def _one(x):
    return torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype)], 1)


# --------------------------------------------------------------------------- #
# tensor fusion
# --------------------------------------------------------------------------- #
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
    assert n_params(TensorFusion(dims, out_dim, bias=True)) == tensor_fusion_n_params(dims, out_dim, bias=True) \
        == closed + out_dim


# --------------------------------------------------------------------------- #
# low-rank fusion
# --------------------------------------------------------------------------- #
def test_low_rank_fusion_equals_tensor_fusion_with_the_cp_weight():
    """LMF = TFN whose weight is sum_k lambda_k (w_A^k ⊗ w_B^k ⊗ w_C^k), built explicitly."""
    torch.manual_seed(0)
    dims = [2, 3, 2]
    lmf = LowRankFusion(dims, 3, rank=4).double()
    fa, fb, fc = lmf.factors  # (r, d_i + 1, out)
    w_full = torch.einsum("k,kio,kjo,klo->oijl", lmf.rank_weights, fa, fb, fc)
    xs = [torch.randn(6, d, dtype=torch.float64) for d in dims]
    z = torch.einsum("bi,bj,bl->bijl", *[_one(x) for x in xs])
    expected = torch.einsum("bijl,oijl->bo", z, w_full) + lmf.bias
    torch.testing.assert_close(lmf(xs), expected)


@pytest.mark.parametrize("dims, out_dim, rank", [([32, 32, 32], 1, 4), ([3, 4], 2, 1), ([5, 6, 7], 8, 16)])
def test_low_rank_parameter_count_is_the_closed_form(dims, out_dim, rank):
    closed = rank * out_dim * sum(d + 1 for d in dims) + rank + out_dim
    assert n_params(LowRankFusion(dims, out_dim, rank=rank)) == low_rank_fusion_n_params(dims, out_dim, rank) == closed


def test_low_rank_has_ten_times_fewer_parameters_than_tensor_fusion():
    dims = [32, 32, 32]
    assert tensor_fusion_n_params(dims, 32) >= 10 * low_rank_fusion_n_params(dims, 32, 4)


def test_low_rank_factors_are_registered_and_move_with_the_module():
    lmf = LowRankFusion([3, 4], 2, rank=3)
    keys = set(lmf.state_dict())
    assert {"factors.0", "factors.1", "rank_weights", "bias"} <= keys
    lmf = lmf.to(torch.float64)
    assert all(f.dtype == torch.float64 for f in lmf.factors)
    with pytest.raises(ValueError, match="rank must be an integer >= 1"):
        LowRankFusion([3, 4], 2, rank=0)


# --------------------------------------------------------------------------- #
# polynomial fusion
# --------------------------------------------------------------------------- #
def test_polynomial_fusion_equals_explicit_cp_contraction():
    """z_o = sum_k lambda_k prod_p (W_p^k u)_o  ==  <W_full_o, u ⊗ u ⊗ u> with W_full built by einsum."""
    torch.manual_seed(0)
    dims = [2, 1, 2]
    ptp = PolynomialFusion(dims, 2, order=3, rank=3).double()
    xs = [torch.randn(5, d, dtype=torch.float64) for d in dims]
    u = torch.cat([torch.ones(5, 1, dtype=torch.float64)] + xs, 1)
    w1, w2, w3 = ptp.factors
    w_full = torch.einsum("k,kio,kjo,klo->oijl", ptp.rank_weights, w1, w2, w3)
    expected = torch.einsum("bi,bj,bl,oijl->bo", u, u, u, w_full) + ptp.bias
    torch.testing.assert_close(ptp(xs), expected)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_polynomial_fusion_has_degree_order(order):
    """Along a line x(t) = x0 + t v the output is a polynomial of degree <= P: its (P+1)-th difference is 0."""
    torch.manual_seed(order)
    dims = [2, 2, 2]
    ptp = PolynomialFusion(dims, 3, order=order, rank=4).double()
    x0 = [torch.randn(1, d, dtype=torch.float64) for d in dims]
    v = [torch.randn(1, d, dtype=torch.float64) for d in dims]
    ts = torch.arange(order + 2, dtype=torch.float64)
    vals = torch.stack([ptp([a + t * b for a, b in zip(x0, v)])[0] for t in ts])  # (P+2, out)
    diff = vals
    for _ in range(order + 1):
        diff = diff[1:] - diff[:-1]
    scale = vals.abs().max()
    assert diff.abs().max() < 1e-9 * max(1.0, scale)
    # ... and the P-th difference is not zero (the degree is exactly P for random factors)
    diff_p = vals
    for _ in range(order):
        diff_p = diff_p[1:] - diff_p[:-1]
    assert diff_p.abs().max() > 1e-6


@pytest.mark.parametrize("dims, out_dim, order, rank", [([2, 2, 2], 1, 3, 2), ([4], 3, 2, 5), ([8, 8, 8], 4, 1, 1)])
def test_polynomial_parameter_count_is_the_closed_form(dims, out_dim, order, rank):
    closed = order * rank * out_dim * (1 + sum(dims)) + rank + out_dim
    fuse = PolynomialFusion(dims, out_dim, order=order, rank=rank)
    assert n_params(fuse) == polynomial_fusion_n_params(dims, out_dim, order, rank) == closed


def test_polynomial_errors():
    with pytest.raises(ValueError, match="order must be an integer >= 1"):
        PolynomialFusion([2, 2], 1, order=0)
    with pytest.raises(TypeError, match="rank must be an integer"):
        polynomial_fusion_n_params([2, 2], 1, 2, 1.5)
