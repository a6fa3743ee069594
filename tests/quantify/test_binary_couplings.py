"""Tests of mmlab.quantify: Δp of a 2×2×2 table, and the grid search as a brute-force reference for exact_pid."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.quantify import (
    coupling_bounds,
    coupling_from_corner,
    exact_pid,
    grid_search,
    joint_information,
    mutual_information,
)
from mmlab.quantify import pid as dist


def test_every_corner_in_the_bounds_gives_a_coupling_with_the_same_marginals(rng):
    p = dist.random_table((2, 2, 2), random_state=rng)
    lo, hi = coupling_bounds(p)
    assert np.all(lo <= hi)
    d = lo + rng.random((50, 2)) * (hi - lo)
    q = coupling_from_corner(p, d)
    assert q.shape == (50, 2, 2, 2) and np.all(q >= 0)
    np.testing.assert_allclose(q.sum(axis=2), np.broadcast_to(p.sum(axis=1), (50, 2, 2)), atol=1e-12)  # q(x1, y)
    np.testing.assert_allclose(q.sum(axis=1), np.broadcast_to(p.sum(axis=0), (50, 2, 2)), atol=1e-12)  # q(x2, y)
    np.testing.assert_allclose(q[:, 0, 0, :], d)


def test_the_data_table_is_one_of_its_couplings(rng):
    p = dist.random_table((2, 2, 2), random_state=rng)
    np.testing.assert_allclose(coupling_from_corner(p, p[0, 0, :]), p, atol=1e-12)


def test_joint_information_matches_mutual_information_on_a_stack(rng):
    qs = np.stack([dist.random_table((2, 3, 2), random_state=rng, zero_fraction=0.2) for _ in range(4)])
    expected = [mutual_information(q.reshape(-1, 2)) for q in qs]
    np.testing.assert_allclose(joint_information(qs), expected, atol=1e-12)


def test_grid_minimum_brackets_the_solver_from_above(rng):
    """Brute force: the grid can only miss the minimum from above, and by little on a fine grid."""
    p = dist.random_table((2, 2, 2), random_state=rng)
    r = exact_pid(p)
    grid = grid_search(p, 201)
    assert grid.values.shape == (201, 201)
    assert r.total - r.synergy - 1e-9 <= grid.minimum < r.total - r.synergy + 1e-3


def test_and_reaches_its_published_atoms_on_the_grid():
    grid = grid_search(dist.and_(), 101)  # Δp is a segment for AND: d_1 is pinned
    assert grid.d1[0] == grid.d1[-1]
    assert grid.minimum == pytest.approx(0.311278, abs=1e-5)  # R = I(X1;Y); U1 = U2 = 0
    assert joint_information(dist.and_()) - grid.minimum == pytest.approx(0.5, abs=1e-5)  # S


def _negative_cell() -> np.ndarray:
    q = dist.xor()
    q[0, 0, 0], q[0, 0, 1] = -0.1, 0.1  # still sums to 1
    return q


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: coupling_bounds(np.full((2, 2, 3), 1 / 12)), ValueError, r"shape \(2, 2, 2\).*got shape \(2, 2, 3\)"),
        (lambda: coupling_bounds(np.full((2, 2, 2), 0.2)), ValueError, "sum to 1"),
        (lambda: coupling_from_corner(dist.xor(), [0.1, 0.1, 0.1]), ValueError, r"shape \(\.\.\., 2\)"),
        # a corner outside the bounds used to return a "coupling" summing to 3.6
        (
            lambda: coupling_from_corner(dist.xor(), [0.9, 0.9]),
            ValueError,
            r"d must lie inside coupling_bounds\(p\): d_0 in \[0, 0.25\] and d_1 in \[0, 0.25\]; got \[0.9 0.9\]",
        ),
        (
            lambda: coupling_from_corner(dist.xor(), [[0.1, 0.1], [0.1, -0.2]]),
            ValueError,
            r"got \[ 0.1 -0.2\] \(1 corner\(s\) outside\)",
        ),
        (lambda: coupling_from_corner(dist.xor(), [np.nan, 0.1]), ValueError, "d must be finite"),
        (lambda: joint_information(np.ones((2, 2))), ValueError, r"q must have at least 3 axes"),
        # a table summing to 10 used to give -23.2 bits, a negative cell inf
        (
            lambda: joint_information(dist.xor() * 10),
            ValueError,
            r"every table in q \(its last 3 axes\) must sum to 1; 1 of 1 do not \(one sums to 10\)",
        ),
        (lambda: joint_information(np.stack([dist.xor(), dist.xor() * 0.5])), ValueError, "1 of 2 do not"),
        (lambda: joint_information(_negative_cell()), ValueError, r"q must be non-negative; got 1 negative entries"),
        (lambda: joint_information(dist.xor().astype(complex)), TypeError, "q must hold real probabilities"),
        (lambda: joint_information(np.full((2, 2, 2), "a")), TypeError, "q must be an array-like of numbers"),
        (lambda: joint_information(np.full((2, 2, 2), np.inf)), ValueError, "q must be finite"),
        (lambda: grid_search(dist.xor(), 1), ValueError, "n must be an integer >= 2"),
    ],
)
def test_bad_inputs_are_rejected_with_a_message(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_corners_a_round_off_outside_the_bounds_are_clipped_onto_them():
    lo, hi = coupling_bounds(dist.xor())
    q = coupling_from_corner(dist.xor(), hi + 1e-13)
    np.testing.assert_allclose(q, coupling_from_corner(dist.xor(), hi), atol=1e-15)
    assert q.min() >= 0.0 and q.sum() == pytest.approx(1.0, abs=1e-15)


def test_joint_information_accepts_round_off_in_the_sum_and_float32():
    p = dist.random_table((2, 3, 2), random_state=0)
    ref = mutual_information(p.reshape(-1, 2))
    assert float(joint_information(p * (1 + 1e-10))) == pytest.approx(ref, abs=1e-12)
    assert float(joint_information(p.astype(np.float32))) == pytest.approx(ref, abs=1e-6)
