"""Tests of mmlab.quantify's learning-process tools (OGR, gradient blending) and the seed test of lecture 6.7."""

from __future__ import annotations

import pytest
import torch
from lecture_exercises import quick_sizes

from mmlab.data import make_unequal_modalities
from mmlab.quantify import (
    LearningCurves,
    MultiHeadClassifier,
    blending_study,
    estimate_blend_weights,
    gradient_blend_weights,
    overfitting_to_generalization_ratio,
    refit_fused_head,
    train_heads,
)

LECTURE = "lectures/6_quantification/07_learning_process.ipynb"


# --------------------------------------------------------------------------- OGR
def test_ogr_by_hand():
    # O: 0 -> 0.25 (ΔO = 0.25); validation 1.0 -> 0.5 (ΔG = 0.5): OGR = 0.5
    assert overfitting_to_generalization_ratio([1.0, 0.25], [1.0, 0.5]) == 0.5
    lt, lv = [0.9, 0.6, 0.3, 0.1], [0.9, 0.7, 0.6, 0.8]
    # checkpoints 1 -> 3: ΔO = (0.8 - 0.1) - (0.7 - 0.6) = 0.6, ΔG = 0.7 - 0.8 = -0.1: |ratio| = 6
    assert overfitting_to_generalization_ratio(lt, lv, start=1, end=3) == pytest.approx(6.0)
    assert overfitting_to_generalization_ratio(lt, lv, start=1, end=-1) == pytest.approx(6.0)
    assert overfitting_to_generalization_ratio([1.0, 0.5], [0.7, 0.7]) == float("inf")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(train_loss=[1.0], val_loss=[1.0]), "at least two"),
        (dict(train_loss=[1.0, 0.5], val_loss=[1.0, 0.5, 0.2]), "same checkpoints"),
        (dict(train_loss=[1.0, 0.5], val_loss=[1.0, 0.5], start=1, end=0), "after start"),
        (dict(train_loss=[1.0, 0.5], val_loss=[1.0, 0.5], end=5), "index"),
        (dict(train_loss=[1.0, float("nan")], val_loss=[1.0, 0.5]), "finite"),
    ],
)
def test_ogr_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        overfitting_to_generalization_ratio(**kwargs)


# --------------------------------------------------------------------------- blending weights
def test_blend_weights_by_hand():
    w = gradient_blend_weights({"a": 0.2, "b": 0.1}, {"a": 0.1, "b": 0.2})
    assert w == pytest.approx({"a": 20 / 22.5, "b": 2.5 / 22.5})
    w = gradient_blend_weights({"a": 0.2, "b": -0.1, "c": 0.1}, {"a": 0.001, "b": 0.3, "c": 0.1}, min_overfitting=0.1)
    assert w["b"] == 0.0 and w["a"] == pytest.approx(2 / 3) and sum(w.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        (([0.1], [0.1]), {}, TypeError, "mappings"),
        (({"a": 0.1}, {"b": 0.1}), {}, ValueError, "same heads"),
        (({"a": -0.1}, {"a": 0.1}), {}, ValueError, "no head improved"),
        (({"a": 0.1}, {"a": 0.1}), {"min_overfitting": 0.0}, ValueError, "min_overfitting"),
        (({"a": float("nan")}, {"a": 0.1}), {}, ValueError, "delta_g"),
    ],
)
def test_blend_weights_bad_inputs(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        gradient_blend_weights(*args, **kwargs)


# --------------------------------------------------------------------------- the model and its training
def _data(seed=0, n=400):
    d = make_unequal_modalities(n, dims=(4, 12), signal=(2.0, 0.5), random_state=seed)
    tr, va = d.split((0.75, 0.25), random_state=seed)
    t = lambda part: ([torch.as_tensor(x) for x in part.modalities], torch.as_tensor(part.y))  # noqa: E731
    return t(tr), t(va)


def test_multi_head_shapes_and_fused_prediction():
    net = MultiHeadClassifier([4, 12], 3, embed_dim=5, hidden=7)
    xs = [torch.randn(6, 4), torch.randn(6, 12)]
    out = net(xs)
    assert out.shape == (6, 3, 3) and net.n_heads == 3
    assert torch.allclose(net.predict_fused(xs), out[:, -1].detach())
    with pytest.raises(ValueError, match="at least one modality"):
        MultiHeadClassifier([], 2)
    with pytest.raises(ValueError, match="n_classes"):
        MultiHeadClassifier([3], 1)


def test_train_heads_records_every_head_and_respects_one_hot_weights():
    (xs, y), val = _data()
    torch.manual_seed(0)
    net = MultiHeadClassifier([4, 12], 2)
    before = [p.clone() for p in net.heads[1].parameters()]
    curves = train_heads(net, xs, y, weights=[1, 0, 0], epochs=3, val=val, names=("a", "b"))
    assert isinstance(curves, LearningCurves) and curves.heads == ("a", "b", "fused") and curves.epochs == [0, 1, 2, 3]
    assert all(len(curves.train_loss[h]) == 4 and len(curves.val_loss[h]) == 4 for h in curves.heads)
    assert all(torch.equal(a, b) for a, b in zip(before, net.heads[1].parameters(), strict=True))  # weight 0: untouched
    assert curves.train_loss["a"][-1] < curves.train_loss["a"][0]
    g, o = curves.deltas("a", 0, 3)
    assert curves.ogr("a", 0, 3) == pytest.approx(abs(o / g))


def test_train_heads_is_deterministic():
    (xs, y), val = _data()
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        runs.append(
            train_heads(
                MultiHeadClassifier([4, 12], 2), xs, y, weights=[0.5, 0.2, 0.3], epochs=2, val=val, random_state=5
            )
        )
    assert runs[0].val_loss == runs[1].val_loss


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(weights=[1, 0]), ValueError, "one non-negative weight per head"),
        (dict(weights=[0, 0, 0]), ValueError, "positive sum"),
        (dict(weights=[1, -1, 1]), ValueError, "non-negative"),
        (dict(weights=[1, 0, 0], optimizer="lbfgs"), ValueError, "optimizer"),
        (dict(weights=[1, 0, 0], names=("a",)), ValueError, "names"),
    ],
)
def test_train_heads_bad_arguments(kwargs, err, match):
    (xs, y), _ = _data(n=40)
    with pytest.raises(err, match=match):
        train_heads(MultiHeadClassifier([4, 12], 2), xs, y, epochs=1, **kwargs)


def test_train_heads_bad_model_and_data():
    (xs, y), _ = _data(n=40)
    with pytest.raises(TypeError, match="MultiHeadClassifier"):
        train_heads(torch.nn.Linear(2, 2), xs, y, weights=[1], epochs=1)
    with pytest.raises(ValueError, match=r"shape \(n, 12\)"):
        train_heads(MultiHeadClassifier([4, 12], 2), [xs[0], xs[0]], y, weights=[1, 0, 0], epochs=1)


def test_refit_keeps_the_epoch_with_the_lowest_validation_loss():
    (xs, y), val = _data()
    torch.manual_seed(0)
    net = MultiHeadClassifier([4, 12], 2)
    train_heads(net, xs, y, weights=[1, 0, 0], epochs=5, val=val)
    encoders = [p.clone() for p in net.encoders.parameters()]
    epoch = refit_fused_head(net, xs, y, val, epochs=10)
    with torch.no_grad():
        loss = torch.nn.functional.cross_entropy(net(val[0])[:, -1], val[1])
    assert 0 <= epoch <= 10 and all(torch.equal(a, b) for a, b in zip(encoders, net.encoders.parameters(), strict=True))
    assert float(loss) < 0.69  # better than a coin: the fused head reads the trained encoder of modality 0


def test_estimate_weights_favour_the_modality_that_generalises():
    (xs, y), val = _data(n=600)
    est = estimate_blend_weights(xs, y, val, n_classes=2, window=2, names=("clear", "weak"))
    assert set(est.weights) == {"clear", "weak", "fused"} and sum(est.weights.values()) == pytest.approx(1.0)
    assert est.weights["clear"] > est.weights["weak"]
    assert est.ogr["clear"] == pytest.approx(est.curves["clear"].ogr("clear"))


# --------------------------------------------------------------------------- lecture 6.7, seed test
@pytest.mark.slow
def test_lecture_6_7_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURE)
    n = s["n_train"] + s["n_val"] + s["n_test"]
    data = make_unequal_modalities(n, dims=(16, 256), signal=(1.7, 0.7), scale=(1.0, 3.0), random_state=seed)
    parts = data.split((s["n_train"] / n, s["n_val"] / n, s["n_test"] / n), random_state=seed)
    study = blending_study(*parts, epochs=s["epochs"], window=s["window"], names=("A", "B"), random_state=seed)
    acc, ogr, w = study.accuracy, study.estimate.ogr, study.estimate.weights
    assert data.truth.bayes_accuracy >= data.truth.extra["bayes_per_modality"][0] + 0.01
    assert acc["naive"] <= acc["A"] - 0.08 and acc["A"] > 0.75 and acc["B"] > 0.5, acc
    assert 1.5 * ogr["A"] <= min(ogr["B"], ogr["fused"]), ogr
    assert w["A"] >= 0.8 and w["B"] <= 0.05, w
    assert acc["blended"] >= acc["A"] - 0.05 and acc["blended"] >= acc["naive"] + 0.1, acc
    assert acc["naive_refit"] <= acc["A"] - 0.05, acc
