"""Tests of mmlab.data.make_unequal_modalities and gaussian_bayes_accuracy: rendering, Bayes accuracy, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from mmlab.data import gaussian_bayes_accuracy, make_unequal_modalities


def test_shapes_scale_and_class_means():
    d = make_unequal_modalities(20000, n_classes=3, dims=(4, 10), signal=(2.0, 1.0), scale=(1.0, 3.0), random_state=0)
    assert d.dims == (4, 10) and set(np.unique(d.y)) == {0, 1, 2}
    x0, x1 = d.modalities
    means0 = np.stack([x0[d.y == c].mean(0) for c in range(3)])
    np.testing.assert_allclose(np.linalg.norm(means0, axis=1), 2.0, atol=0.06)  # s_m, unit scale
    np.testing.assert_allclose(means0 @ means0.T / 4, np.eye(3), atol=0.03)  # orthogonal means
    centred = x1[d.y == 0] - x1[d.y == 0].mean(0)
    assert centred.std() == pytest.approx(3.0, abs=0.06)  # a_m * unit noise


def test_the_world_fixes_the_means():
    a = make_unequal_modalities(5000, world=1, random_state=0)
    b = make_unequal_modalities(5000, world=1, random_state=1)
    c = make_unequal_modalities(5000, world=2, random_state=1)

    def mean(d):
        return d.modalities[0][d.y == 1].mean(0)

    np.testing.assert_allclose(mean(a), mean(b), atol=0.1)
    assert np.abs(mean(a) - mean(c)).max() > 0.3


@pytest.mark.parametrize("s", [0.0, 0.5, 1.0, 2.5])
def test_two_class_bayes_accuracy_is_phi_of_s_over_root_two(s):
    assert gaussian_bayes_accuracy(s, 2) == pytest.approx(norm.cdf(s / math.sqrt(2)), abs=1e-7)


@pytest.mark.parametrize("c", [2, 4, 10])
def test_bayes_accuracy_by_monte_carlo(c):
    rng = np.random.default_rng(c)
    s = 2.0
    z = rng.standard_normal((200000, c))
    z[:, 0] += s  # the true class's projection
    assert gaussian_bayes_accuracy(s, c) == pytest.approx(np.mean(z.argmax(1) == 0), abs=0.005)


def test_a_classifier_reaches_the_planted_bayes_accuracy():
    d = make_unequal_modalities(40000, n_classes=2, dims=(8, 8), signal=(1.5, 1.0), random_state=3)
    x, y = np.hstack(d.modalities).astype(float), d.y
    m1, m0 = x[y == 1].mean(0), x[y == 0].mean(0)  # the plug-in linear discriminant (equal covariance)
    pred = (x @ (m1 - m0) - 0.5 * (m1 @ m1 - m0 @ m0)) > 0
    assert np.mean(pred == y) == pytest.approx(d.truth.bayes_accuracy, abs=0.01)
    assert d.truth.bayes_accuracy > max(d.truth.extra["bayes_per_modality"])


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(dims=(4,)), ValueError, "at least two"),
        (dict(dims=8), TypeError, "dims"),
        (dict(dims=(1, 8)), ValueError, "n_classes"),
        (dict(signal=(1.0,)), ValueError, "signal"),
        (dict(signal=(-1.0, 1.0)), ValueError, r"signal\[0\]"),
        (dict(scale=0.0), ValueError, "scale"),
        (dict(scale="big"), TypeError, "scale"),
        (dict(n_classes=1), ValueError, "n_classes"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_unequal_modalities(10, **kwargs)


def test_bad_bayes_arguments():
    with pytest.raises(ValueError, match="signal"):
        gaussian_bayes_accuracy(-1.0)
    with pytest.raises(ValueError, match="n_classes"):
        gaussian_bayes_accuracy(1.0, 1)
