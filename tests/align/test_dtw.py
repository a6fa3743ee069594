"""mmlab.align.dtw against dtw-python (step pattern symmetric1) and brute force; warp_indices, warp_segments."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.align import dtw, local_distances, warp_indices, warp_segments
from mmlab.data import make_warped_pair


def _all_paths(i, j):
    if (i, j) == (0, 0):
        yield [(0, 0)]
        return
    for di, dj in ((1, 0), (0, 1), (1, 1)):
        if i - di >= 0 and j - dj >= 0:
            for path in _all_paths(i - di, j - dj):
                yield path + [(i, j)]


@pytest.mark.parametrize("n, m, d", [(1, 1, 1), (1, 6, 2), (6, 1, 2), (3, 3, 1), (4, 6, 3), (20, 13, 2), (57, 80, 4)])
def test_matches_dtw_python_symmetric1(n, m, d, rng):
    import dtw as dtw_python

    x, y = rng.normal(size=(n, d)), rng.normal(size=(m, d))
    ours = dtw(x, y)
    ref = dtw_python.dtw(x, y, step_pattern=dtw_python.symmetric1, keep_internals=True)
    assert ours.cost == pytest.approx(ref.distance, rel=1e-12)
    np.testing.assert_allclose(ours.accumulated, ref.costMatrix, rtol=1e-12)
    np.testing.assert_array_equal(ours.path, np.column_stack([ref.index1, ref.index2]))  # no ties on random data


@pytest.mark.parametrize("n, m", [(1, 4), (2, 2), (3, 5), (5, 4), (5, 5)])
def test_cost_is_the_cheapest_of_all_paths(n, m, rng):
    x, y = rng.normal(size=n), rng.normal(size=m)
    local = local_distances(x, y)
    costs = [sum(local[i, j] for i, j in p) for p in _all_paths(n - 1, m - 1)]
    result = dtw(x, y)
    assert result.cost == pytest.approx(min(costs), abs=1e-12)
    assert local[result.path[:, 0], result.path[:, 1]].sum() == pytest.approx(result.cost, abs=1e-12)


def test_path_is_a_warping_path_and_cost_is_symmetric(rng):
    x, y = rng.normal(size=(30, 2)), rng.normal(size=(17, 2))
    r = dtw(x, y)
    assert tuple(r.path[0]) == (0, 0) and tuple(r.path[-1]) == (29, 16)
    assert {tuple(s) for s in np.diff(r.path, axis=0)} <= {(1, 0), (0, 1), (1, 1)}
    assert dtw(y, x).cost == pytest.approx(r.cost)
    assert r.normalized_cost == pytest.approx(r.cost / len(r.path))


def test_identical_sequences_align_on_the_diagonal(rng):
    x = rng.normal(size=(12, 3))
    r = dtw(x, x)
    assert r.cost == 0.0 and np.array_equal(r.path, np.column_stack([np.arange(12), np.arange(12)]))


def test_recovers_a_planted_warping_exactly(seed):
    pair = make_warped_pair(30, max_run=3, random_state=seed)
    r = dtw(pair.x, pair.y)
    assert r.cost == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_array_equal(r.path, pair.path)


def test_local_distances_match_scipy(rng):
    from scipy.spatial.distance import cdist

    x, y = rng.normal(size=(5, 3)), rng.normal(size=(7, 3))
    np.testing.assert_allclose(local_distances(x, y), cdist(x, y))
    np.testing.assert_allclose(local_distances(x[:, 0], y[:, 0]), np.abs(x[:, :1] - y[:, 0]))


@pytest.mark.parametrize(
    "x, y, err, match",
    [
        (np.zeros((3, 2)), np.zeros((4, 3)), ValueError, "same feature size"),
        (np.zeros((0, 2)), np.zeros((4, 2)), ValueError, "at least one element"),
        (np.zeros((2, 2, 2)), np.zeros((4, 2)), ValueError, "dimension"),
        ([1.0, np.nan], [1.0], ValueError, "finite"),
        (["a", "b"], [1.0], TypeError, "numbers"),
    ],
)
def test_bad_inputs(x, y, err, match):
    with pytest.raises(err, match=match):
        dtw(x, y)


def test_warp_indices_and_segments():
    path = np.array([[0, 0], [0, 1], [1, 2], [2, 3], [2, 4]])
    assert warp_indices(path, [0, 1, 2]).tolist() == [0, 2, 3]
    assert warp_indices(path, [0, 2], reduce="last").tolist() == [1, 4]
    assert warp_indices(path, np.array([[0], [2]]), reduce="mean").tolist() == [[0], [4]]
    assert warp_segments(path, [[0, 2], [2, 3]]).tolist() == [[0, 3], [3, 5]]


@pytest.mark.parametrize(
    "path, positions, kwargs, match",
    [
        ([[0, 0, 0]], [0], {}, "shape"),
        ([[0, 0], [1, 1]], [2], {}, "positions must be integers"),
        ([[0, 0], [1, 1]], [0.5], {}, "positions must be integers"),
        ([[0, 0], [1, 1]], [0], {"reduce": "median"}, "reduce"),
    ],
)
def test_warp_indices_bad_inputs(path, positions, kwargs, match):
    with pytest.raises(ValueError, match=match):
        warp_indices(path, positions, **kwargs)


def test_warp_segments_bad_segments():
    with pytest.raises(ValueError, match="start < stop"):
        warp_segments([[0, 0], [1, 1]], [[1, 1]])
