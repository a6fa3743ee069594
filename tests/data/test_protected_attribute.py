"""Tests of mmlab.data.make_protected_attribute: base rates, what each modality shows, the Bayes rates, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression

from mmlab.data import make_protected_attribute


def test_shapes_and_factors():
    d = make_protected_attribute(300, dims=(5, 7), random_state=0)
    assert d.dims == (5, 7) and d.factors.shape == (300, 3)
    np.testing.assert_array_equal(d.factors[:, 0], d.y)
    np.testing.assert_array_equal(d.factors[:, 1], d.aux["group"])
    assert d.truth.joint.sum() == pytest.approx(1.0)


def test_base_rates_and_group_share():
    d = make_protected_attribute(40000, base_rates=(0.2, 0.6), group_share=0.3, random_state=1)
    g = d.aux["group"]
    assert g.mean() == pytest.approx(0.3, abs=0.01)
    assert d.y[g == 0].mean() == pytest.approx(0.2, abs=0.015)
    assert d.y[g == 1].mean() == pytest.approx(0.6, abs=0.015)
    assert d.truth.extra["label_gap"] == pytest.approx(0.4)


def test_the_text_shows_the_label_and_not_the_group_the_image_the_group_and_not_the_label():
    d = make_protected_attribute(6000, base_rates=(0.5, 0.5), random_state=2)  # label and group independent here
    text, image = d.modalities
    half = slice(0, 3000), slice(3000, 6000)

    def score(x, t):
        return LogisticRegression(max_iter=2000).fit(x[half[0]], t[half[0]]).score(x[half[1]], t[half[1]])

    assert score(text, d.y) > 0.8 and score(image, d.aux["group"]) > 0.95
    assert abs(score(text, d.aux["group"]) - 0.5) < 0.05 and abs(score(image, d.y) - 0.5) < 0.05


def test_bayes_rates_by_simulation():
    """The closed-form TPRs of the two Bayes rules agree with the rules applied to drawn samples."""
    s = 1.5
    d = make_protected_attribute(60000, signal=s, random_state=3)
    text, g, y = d.modalities[0].astype(float), d.aux["group"], d.y
    # the log-likelihood ratio uses the class means, which we recover from the data (independently of the code)
    m1, m0 = text[y == 1].mean(0), text[y == 0].mean(0)
    llr = text @ (m1 - m0) - 0.5 * (m1 @ m1 - m0 @ m0)
    for rule, priors in (("text", (y.mean(), y.mean())), ("fused", (0.3, 0.7))):
        tau = np.log((1 - np.asarray(priors)[g]) / np.asarray(priors)[g])
        pred = llr > tau
        for a in (0, 1):
            tpr = pred[(g == a) & (y == 1)].mean()
            assert tpr == pytest.approx(d.truth.extra["bayes"][rule]["tpr"][a], abs=0.02), (rule, a)


def test_bayes_closed_form():
    d = make_protected_attribute(10, signal=1.0, base_rates=(0.5, 0.5), random_state=0)
    text = d.truth.extra["bayes"]["text"]
    # equal priors: threshold 0, TPR = Phi(s^2 / (s sqrt 2)) = Phi(1 / sqrt 2)
    assert text["tpr"][0] == pytest.approx(norm.cdf(1 / math.sqrt(2)))
    assert text["accuracy"] == pytest.approx(norm.cdf(1 / math.sqrt(2)))


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(base_rates=(0.3,)), ValueError, "base_rates"),
        (dict(base_rates=(0.0, 0.5)), ValueError, r"base_rates\[0\]"),
        (dict(base_rates="ab"), TypeError, "base_rates"),
        (dict(group_share=1.0), ValueError, "group_share"),
        (dict(signal=0.0), ValueError, "signal"),
        (dict(image_noise=-0.1), ValueError, "image_noise"),
        (dict(dims=(1, 4)), ValueError, "at least 2"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_protected_attribute(10, **kwargs)
