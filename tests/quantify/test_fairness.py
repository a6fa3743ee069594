"""Tests of mmlab.quantify's fairness tools (group rates, gaps, reweighing) and the seed test of lecture 6.4's
fairness claims."""

from __future__ import annotations

import numpy as np
import pytest
from lecture_exercises import quick_sizes
from sklearn.metrics import confusion_matrix

from mmlab.data import make_protected_attribute
from mmlab.quantify import GROUP_RATES, GroupRates, fairness_study, group_gap, group_rates, reweighing_weights

LECTURE = "lectures/6_quantification/04_modality_bias_and_fairness.ipynb"


def test_group_rates_match_confusion_matrices(rng):
    pred, y, g = rng.integers(0, 2, 500), rng.integers(0, 2, 500), rng.integers(0, 3, 500)
    rates = group_rates(pred, y, g)
    assert isinstance(rates, GroupRates) and rates.groups == (0, 1, 2)
    for a in rates.groups:
        tn, fp, fn, tp = confusion_matrix(y[g == a], pred[g == a], labels=[0, 1]).ravel()  # an independent count
        assert rates.tpr[a] == pytest.approx(tp / (tp + fn))
        assert rates.fpr[a] == pytest.approx(fp / (fp + tn))
        assert rates.positive_rate[a] == pytest.approx((tp + fp) / (tp + fp + tn + fn))
        assert rates.accuracy[a] == pytest.approx((tp + tn) / (tp + fp + tn + fn))
        assert rates.size[a] == int((g == a).sum())


def test_group_gap_is_max_minus_min():
    pred, y, g = [1, 0, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 2, 2]
    with pytest.raises(ValueError, match="group 0 has no negative label"):
        group_gap(pred, y, g)
    assert group_gap([1, 0, 1, 1], [1, 0, 0, 1], [0, 0, 1, 1], rate="positive_rate") == 0.5
    assert group_gap([1, 0, 1, 1], [1, 0, 0, 1], [0, 0, 1, 1], rate="fpr") == 1.0
    assert set(GROUP_RATES) == {"accuracy", "positive_rate", "tpr", "fpr"}


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (([1, 0], [1, 0], [0]), {}, "same samples"),
        (([2, 0], [1, 0], [0, 1]), {}, "binary"),
        (([1, 0], [1, 0], [0.5, 1]), {}, "integer"),
        (([1, 0, 1], [1, 0, 1], [0, 0, 1]), {"rate": "recall"}, "rate"),
    ],
)
def test_group_gap_bad_inputs(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        group_gap(*args, **kwargs)


def test_reweighing_makes_the_label_independent_of_the_group(rng):
    g = rng.integers(0, 2, 5000)
    y = (rng.random(5000) < np.where(g == 1, 0.8, 0.2)).astype(int)
    w = reweighing_weights(y, g)
    assert w.mean() == pytest.approx(1.0) and (w > 0).all()
    joint = np.array([[w[(g == a) & (y == c)].sum() for c in (0, 1)] for a in (0, 1)]) / w.sum()
    np.testing.assert_allclose(joint, np.outer(joint.sum(1), joint.sum(0)), atol=1e-12)  # weighted independence
    np.testing.assert_allclose(joint.sum(1), [np.mean(g == 0), np.mean(g == 1)])  # marginals kept


def test_reweighing_bad_inputs():
    with pytest.raises(ValueError, match="same samples"):
        reweighing_weights([1, 0], [1])
    with pytest.raises(ValueError, match="integer"):
        reweighing_weights([0.5, 1], [0, 1])


def test_fairness_study_needs_the_group():
    d = make_protected_attribute(200, random_state=0)
    with pytest.raises(TypeError, match="aux"):
        fairness_study((d.modalities, d.y), d, epochs=1)


@pytest.mark.slow
def test_lecture_6_4_fairness_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURE)
    fair = make_protected_attribute(s["n_fair"], base_rates=(0.3, 0.7), random_state=seed)
    train, test = fair.split((0.5, 0.5), random_state=seed)
    study = fairness_study(train, test, epochs=s["fair_epochs"], random_state=seed)
    bayes = fair.truth.extra["bayes"]["fused"]
    planted = bayes["positive_rate"][1] - bayes["positive_rate"][0]
    gap = {m: study.gap(m, "tpr") for m in study.accuracy}
    pr = {m: study.gap(m, "positive_rate") for m in study.accuracy}
    acc = study.accuracy
    assert gap["fused"] >= 0.1 and gap["fused"] - gap["text"] >= 0.07, gap
    assert acc["fused"] >= acc["text"] - 0.01 and acc["text"] > 0.8, acc
    assert pr["fused"] - pr["text"] >= 0.1 and abs(pr["fused"] - planted) <= 0.05, (pr, planted)
    assert gap["fused + reweighing"] <= gap["fused"] / 2 and gap["fused + reweighing"] <= gap["text"] + 0.05, gap
    assert acc["fused"] - acc["fused + reweighing"] <= 0.03, acc
