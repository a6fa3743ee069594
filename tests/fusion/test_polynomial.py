"""PolynomialFusion (Hou et al. 2019) and its closed-form parameter count."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import PolynomialFusion, n_params, polynomial_fusion_n_params


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
    vals = torch.stack([ptp([a + t * b for a, b in zip(x0, v, strict=True)])[0] for t in ts])  # (P+2, out)
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
