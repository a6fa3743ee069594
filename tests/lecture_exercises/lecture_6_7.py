"""Reference answers: lectures/6_quantification/07_learning_process.ipynb, Exercises."""

from __future__ import annotations

import torch

from mmlab.data import make_unequal_modalities
from mmlab.quantify import MultiHeadClassifier, blending_study, overfitting_to_generalization_ratio, train_heads

NOTEBOOK = "lectures/6_quantification/07_learning_process.ipynb"


def _parts(sizes: dict, scale=(1.0, 3.0), seed=0):
    n = sizes["n_train"] + sizes["n_val"] + sizes["n_test"]
    data = make_unequal_modalities(n, dims=(16, 256), signal=(1.7, 0.7), scale=scale, random_state=seed)
    return data.split((sizes["n_train"] / n, sizes["n_val"] / n, sizes["n_test"] / n), random_state=seed)


def _naive_and_a(sizes: dict, scale, optimizer="sgd", lr=0.02) -> dict:
    train, val, test = _parts(sizes, scale)
    tensors = lambda d: ([torch.as_tensor(x) for x in d.modalities], torch.as_tensor(d.y))  # noqa: E731
    (xs, y), v, (tx, ty) = tensors(train), tensors(val), tensors(test)
    acc = {}
    for name, weights, head in (("A", [1, 0, 0], 0), ("naive", [0, 0, 1], 2)):
        torch.manual_seed(0)
        model = MultiHeadClassifier([16, 256], 2)
        train_heads(model, xs, y, weights=weights, epochs=sizes["epochs"], val=v, optimizer=optimizer, lr=lr)
        with torch.no_grad():
            acc[name] = float((model(tx)[:, head].argmax(1) == ty).double().mean())
    return acc


def exercise_1(sizes: dict) -> None:
    """With B in the same units as A, SGD no longer takes B's large gradients first: naive fusion comes close to
    A. The scale of a modality sets how fast plain SGD learns (and memorises) it."""
    same = _naive_and_a(sizes, (1.0, 1.0))
    large = _naive_and_a(sizes, (1.0, 3.0))
    assert same["naive"] >= same["A"] - 0.05 and large["naive"] <= large["A"] - 0.08, (same, large)


def exercise_2(sizes: dict) -> None:
    """After epoch 2 the naive model's validation loss rises while its training loss keeps falling: over epochs
    2 to 10 it only memorises. Its OGR there may even be *smaller* than over the first two epochs, because the
    absolute value hides the sign: ΔG < 0 (validation got worse) makes |ΔO / ΔG| a ratio of two bad things. Read
    ΔG's sign before the ratio."""
    study = blending_study(*_parts(sizes), epochs=sizes["epochs"], window=sizes["window"], names=("A", "B"))
    run = study.curves["naive"]
    late = overfitting_to_generalization_ratio(run.train_loss["fused"], run.val_loss["fused"], start=2, end=10)
    delta_g, delta_o = run.deltas("fused", 2, 10)
    assert delta_g < 0 < delta_o and late == abs(delta_o / delta_g), (delta_g, delta_o)


def exercise_3(sizes: dict) -> None:
    """By epoch 5 every head but A's has stopped improving on validation: their gains are no longer positive, the
    weights collapse onto A, and the fused head's weight is smaller than with the two-epoch window."""
    parts = _parts(sizes)
    two = blending_study(*parts, epochs=sizes["epochs"], window=2, names=("A", "B"))
    five = blending_study(*parts, epochs=sizes["epochs"], window=5, names=("A", "B"))
    assert five.estimate.weights["fused"] < two.estimate.weights["fused"], (two.estimate.weights, five.estimate.weights)
    assert five.estimate.weights["A"] > 0.95


def exercise_4(sizes: dict) -> None:
    """Under Adam the naive model still loses to A: Adam rescales each parameter's step, so B's encoder memorises at
    full speed whatever its gradients' size; and a loss weight no longer scales the step of parameters that only
    one head uses, which weakens gradient blending's lever on them."""
    adam = _naive_and_a(sizes, (1.0, 3.0), optimizer="adam", lr=3e-3)
    assert adam["naive"] <= adam["A"] - 0.03 and adam["A"] > 0.75, adam
