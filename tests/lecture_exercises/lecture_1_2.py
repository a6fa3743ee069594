"""Reference answers: lectures/1_representation/02_additive_and_multiplicative_fusion.ipynb, Exercises."""

from __future__ import annotations

import mmlab.fusion.experiments as fx
from mmlab.data import make_interaction
from mmlab.fusion import BilinearFusion, bilinear_fusion_n_params, n_params

NOTEBOOK = "lectures/1_representation/02_additive_and_multiplicative_fusion.ipynb"


def _split(sizes: dict, interaction: str):
    return make_interaction(sizes["n"], interaction, random_state=0).split((0.7, 0.3), random_state=0)


def exercise_1(sizes: dict) -> None:
    """An MLP head on additive fusion solves synergy: the fused vector W_A e_A + W_B e_B keeps the two encodings apart
    in different directions, and the nonlinear head h(u + v) is not additive, so its contrast need not vanish."""
    train, test = _split(sizes, "synergy")
    linear = fx.train_fusion(train, test, "additive", epochs=sizes["epochs"], batch_size=128, lr=5e-3)
    mlp_head = fx.train_fusion(train, test, "additive", head="mlp", epochs=sizes["epochs"], batch_size=128, lr=5e-3)
    assert linear.score < 0.65 and mlp_head.score > 0.9, (linear.score, mlp_head.score)


def exercise_2(sizes: dict) -> None:
    """Without c_A, c_B the product (W_A e_A) * (W_B e_B) loses the unimodal terms c_B W_A e_A and c_A W_B e_B and the
    constant. It does not matter here: the encoders' last linear layer has a bias, so each encoding can carry a
    constant coordinate that plays the role of c. Both versions solve the uniqueness task."""
    train, test = _split(sizes, "uniqueness_0")
    scores = {
        bias: fx.train_fusion(
            train,
            test,
            "multiplicative",
            fusion_options={"bias": bias},
            epochs=sizes["epochs"],
            batch_size=128,
            lr=5e-3,
        ).score
        for bias in (True, False)
    }
    assert min(scores.values()) > 0.9, scores


def exercise_3(sizes: dict) -> None:
    """More feature noise hurts synergy first: XOR is right only if both hidden bits are read right (or both wrong),
    so per-modality errors compound, while on redundancy either modality alone suffices."""
    acc = {
        noise: fx.interaction_accuracies(
            ["synergy", "redundancy"], ["multiplicative"], n=sizes["n"], epochs=sizes["epochs"], noise=noise
        )
        for noise in (0.5, 1.5)
    }
    drop = {
        task: acc[0.5][task]["multiplicative"].score - acc[1.5][task]["multiplicative"].score
        for task in ("synergy", "redundancy")
    }
    assert drop["synergy"] > drop["redundancy"] + 0.1, drop


def exercise_4(sizes: dict) -> None:
    """BilinearFusion([d, d], k) has k d^2 (weight tensor) + 2 k d (linear terms) + k (bias) parameters: the tensor
    already holds most of them at d = 16 (d^2 / (d + 1)^2 = 89 %) and almost all at d = 256."""
    k = 8
    for d in (16, 64, 256):
        count = n_params(BilinearFusion([d, d], k))
        assert count == bilinear_fusion_n_params([d, d], k) == k * d * d + 2 * k * d + k
        assert k * d * d / count > 0.88
