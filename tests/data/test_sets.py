"""Tests of mmlab.data.make_sets: the label is a function of the set, the orders, validation."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import SET_ORDERS, make_sets


def test_shapes_and_label_rule():
    d = make_sets(400, set_size=5, n_types=3, dim=4, threshold=2, random_state=0)
    assert d.modalities[0].shape == (400, 20) and d.factors.shape == (400, 5)
    np.testing.assert_array_equal(d.y, ((d.factors == 0).sum(axis=1) >= 2).astype(int))


def test_elements_render_their_types():
    d = make_sets(300, noise=0.0, random_state=1)
    x = d.modalities[0].reshape(300, 6, 8)
    for t in range(4):  # every element of a type is the same vector when there is no noise
        rows = x[d.factors == t]
        assert np.allclose(rows, rows[0], atol=1e-6)


def test_sorted_and_random_orders_hold_the_same_kind_of_sets():
    s = make_sets(2000, order="sorted", random_state=2)
    r = make_sets(2000, order="random", random_state=2)
    assert (np.diff(s.factors, axis=1) >= 0).all() and not (np.diff(r.factors, axis=1) >= 0).all()
    np.testing.assert_array_equal(np.sort(r.factors, axis=1), s.factors)  # same draw, only the order differs
    np.testing.assert_array_equal(s.y, r.y)
    assert SET_ORDERS == ("random", "sorted")


def test_labels_are_balanced_by_default():
    assert abs(make_sets(20000, random_state=3).y.mean() - 0.47) < 0.02  # P(Bin(6, 1/4) >= 2) = 0.466


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(threshold=7), ValueError, "threshold"),
        (dict(order="shuffled"), ValueError, "order"),
        (dict(n_types=1), ValueError, "n_types"),
        (dict(noise=-1.0), ValueError, "noise"),
        (dict(dim=0), ValueError, "dim"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_sets(10, **kwargs)
