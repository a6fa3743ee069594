"""LowRankFusion (Liu et al. 2018) and its closed-form parameter count."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import LowRankFusion, TensorFusion, low_rank_fusion_n_params, n_params, tensor_fusion_n_params


def _one(x):
    return torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype)], 1)


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


def test_low_rank_parameter_count_validates_its_arguments():
    with pytest.raises(ValueError, match="rank must be an integer >= 1"):
        low_rank_fusion_n_params([3, 4], 2, 0)
    with pytest.raises(ValueError, match="LowRankFusion fuses at least 2 modalities"):
        low_rank_fusion_n_params([3], 2, 1)


def test_low_rank_fusion_builds_where_tensor_fusion_is_refused():
    """The remedy the size check names: TFN on three 1000-d modalities is refused, LMF is small."""
    with pytest.raises(ValueError, match="LowRankFusion"):
        TensorFusion([1000] * 3, 10)
    assert n_params(LowRankFusion([1000] * 3, 10, rank=4)) == low_rank_fusion_n_params([1000] * 3, 10, 4) == 120134
