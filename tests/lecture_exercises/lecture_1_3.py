"""Reference answers: lectures/1_representation/03_tensor_lowrank_polynomial_fusion.ipynb, Exercises."""

from __future__ import annotations

import mmlab.fusion.experiments as fx
from mmlab.fusion import LowRankFusion, TensorFusion, low_rank_fusion_n_params, n_params, tensor_fusion_n_params

NOTEBOOK = "lectures/1_representation/03_tensor_lowrank_polynomial_fusion.ipynb"


def exercise_1(sizes: dict) -> None:
    """Rank 1 is enough: each output unit is lambda * prod_i (w_i^T [x_i; 1]), a product of one affine function per
    modality, which can be s_A s_B s_C for three +-1 bits: the parity itself."""
    res = fx.tensor_vs_low_rank(n=sizes["n"], epochs=sizes["epochs"], rank=1, embed_dim=16)
    assert res["low_rank"].score > 0.9, res["low_rank"].score


def exercise_2(sizes: dict) -> None:
    """16 (d + 1)^3 > 10^6 first at d = 39 (40^3 = 64,000); LMF matches that count only at a rank in the hundreds."""
    d_out = 16
    d = next(d for d in range(1, 200) if tensor_fusion_n_params([d] * 3, d_out) > 1_000_000)
    assert d == 39 and n_params(TensorFusion([d] * 3, d_out)) == 16 * 40**3
    target = tensor_fusion_n_params([d] * 3, d_out)
    rank = next(r for r in range(1, 5000) if low_rank_fusion_n_params([d] * 3, d_out, r) >= target)
    assert 500 < rank < 560 and n_params(LowRankFusion([d] * 3, d_out, rank=rank)) >= target, rank


def exercise_3(sizes: dict) -> None:
    """Order 1 explains nothing of T_2 (R^2 near 0); orders 2 and 3 explain almost all of it. Order 3 loses nothing:
    with the constant 1 in u, a product of three affine factors contains every product of two."""
    r2 = {
        p: r.score
        for p, r in fx.polynomial_orders((1, 2, 3), n=sizes["n"], epochs=sizes["epochs"], target="pairwise").items()
    }
    assert r2[1] < 0.2 and min(r2[2], r2[3]) > 0.9, r2


def exercise_4(sizes: dict) -> None:
    """Over seeds 0-4 each bar stays within 0.2 of its ceiling P/3; bars can sit above it (finite test set)."""
    for seed in range(5):
        stairs = fx.polynomial_orders(
            (1, 2, 3), n=sizes["n"], epochs=sizes["epochs"], random_state=seed, target="staircase"
        )
        ceiling = stairs[1].test.truth.extra["r2_ceiling"]
        assert all(abs(r.score - ceiling[p]) < 0.2 for p, r in stairs.items()), (seed, ceiling)
