"""Tests of mmlab.data.make_biased_vqa: the planted prior, the shared world, counter-bias samples, validation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from mmlab.data import make_biased_vqa


def test_shapes_and_ground_truth():
    d = make_biased_vqa(500, bias=0.8, n_objects=5, dims=(6, 9), random_state=0)
    assert d.dims == (6, 9) and d.y.shape == (500,) and d.factors.shape == (500, 5)
    assert d.truth.factor_names == ("m0:object", "m0:phrasing", "m1:object", "m1:colour", "m1:background")
    obj, colour = d.factors[:, 0], d.factors[:, 3]
    np.testing.assert_array_equal(d.y, colour)  # the answer is the colour
    np.testing.assert_array_equal(d.factors[:, 2], obj)  # both modalities render the same object
    np.testing.assert_array_equal(d.aux["counter_bias"], colour != obj)
    np.testing.assert_array_equal(d.aux["typical"], obj)
    assert d.truth.joint.shape == (5, 5, 5) and d.truth.joint.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("bias", [0.0, 0.25, 0.6, 0.95, 1.0])
def test_the_share_of_typical_colours_is_the_bias(bias):
    d = make_biased_vqa(20000, bias=bias, random_state=1)
    assert np.mean(~d.aux["counter_bias"]) == pytest.approx(bias, abs=0.015)
    # the exact joint: p(colour = typical) summed over objects is the bias
    assert np.trace(d.truth.joint.sum(axis=2)) == pytest.approx(bias)


def test_atypical_colours_are_uniform():
    d = make_biased_vqa(40000, bias=0.5, n_objects=4, random_state=2)
    counter = d.aux["counter_bias"]
    offsets = (d.factors[counter, 3] - d.factors[counter, 0]) % 4  # which of the 3 other colours
    shares = np.bincount(offsets, minlength=4)[1:] / counter.sum()
    np.testing.assert_allclose(shares, 1 / 3, atol=0.02)


def test_question_only_accuracy_is_the_bias_and_zero_on_counter_bias():
    d = make_biased_vqa(1000, bias=0.9, random_state=3)
    assert d.truth.extra["question_only_accuracy"] == 0.9
    typical_answer = d.aux["typical"]  # the Bayes rule from the question
    assert np.mean(typical_answer[d.aux["counter_bias"]] == d.y[d.aux["counter_bias"]]) == 0.0


def test_the_world_fixes_the_rendering_whatever_the_bias():
    """Train and test drawn with different biases and seeds render a factor the same way (up to noise)."""
    a = make_biased_vqa(3000, bias=0.9, image_noise=0.0, question_noise=0.0, world=4, random_state=0)
    b = make_biased_vqa(3000, bias=0.0, image_noise=0.0, question_noise=0.0, world=4, random_state=9)
    c = make_biased_vqa(3000, bias=0.0, image_noise=0.0, question_noise=0.0, world=5, random_state=9)

    def key(d):
        return {tuple(f): tuple(np.round(x, 5)) for f, x in zip(d.factors[:, 2:], d.modalities[1], strict=True)}

    ka, kb, kc = key(a), key(b), key(c)
    shared = set(ka) & set(kb)
    assert shared and all(ka[f] == kb[f] for f in shared)
    assert any(ka[f] != kc[f] for f in set(ka) & set(kc))


def test_the_image_alone_answers_counter_bias_questions():
    """An independent learner (scikit-learn) reads the colour from the image of a balanced set."""
    train = make_biased_vqa(4000, bias=0.25, image_noise=1.0, random_state=0)
    test = make_biased_vqa(2000, bias=0.0, image_noise=1.0, random_state=1)
    clf = LogisticRegression(max_iter=2000).fit(train.modalities[1], train.y)
    assert clf.score(test.modalities[1], test.y) > 0.6


def test_same_seed_same_data():
    a, b = make_biased_vqa(50, random_state=7), make_biased_vqa(50, random_state=7)
    for xa, xb in zip(a.modalities, b.modalities, strict=True):
        np.testing.assert_array_equal(xa, xb)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(bias=1.2), ValueError, "bias"),
        (dict(bias="high"), TypeError, "bias"),
        (dict(n_objects=1), ValueError, "n_objects"),
        (dict(image_noise=-1.0), ValueError, "image_noise"),
        (dict(question_noise=float("nan")), ValueError, "question_noise"),
        (dict(dims=(4,)), ValueError, "dims"),
        (dict(world=-1), ValueError, "world"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_biased_vqa(10, **kwargs)


def test_bad_n():
    with pytest.raises(ValueError, match="n"):
        make_biased_vqa(0)
