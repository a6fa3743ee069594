"""make_warped_pair and make_scene_graphs: the planted truth is what they say."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import make_scene_graphs, make_warped_pair


def test_warped_pair_path_is_a_zero_cost_warping_path(seed):
    pair = make_warped_pair(25, dim=3, max_run=4, random_state=seed)
    p = pair.path
    assert tuple(p[0]) == (0, 0) and tuple(p[-1]) == (len(pair.x) - 1, len(pair.y) - 1)
    assert {tuple(s) for s in np.diff(p, axis=0)} <= {(1, 0), (0, 1), (1, 1)}
    np.testing.assert_allclose(pair.x[p[:, 0]], pair.y[p[:, 1]])
    assert pair.base.shape == (25, 3)


def test_warped_pair_noise_and_no_warping():
    clean = make_warped_pair(10, max_run=1, random_state=0)
    assert np.array_equal(clean.x, clean.y) and len(clean.path) == 10
    noisy = make_warped_pair(10, noise=0.5, random_state=0)
    assert not np.allclose(noisy.x[noisy.path[:, 0]], noisy.y[noisy.path[:, 1]])


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"n_base": 1}, ValueError, "n_base"),
        ({"dim": 0}, ValueError, "dim"),
        ({"max_run": 0}, ValueError, "max_run"),
        ({"noise": -1.0}, ValueError, "noise"),
        ({"n_base": 2.5}, TypeError, "n_base"),
    ],
)
def test_warped_pair_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_warped_pair(**kwargs)


def test_scene_graphs_plant_the_referent(seed):
    g = make_scene_graphs(50, n_objects=5, n_categories=8, n_colours=3, random_state=seed)
    rows = np.arange(50)
    assert g.x.shape == (50, 6, 17) and g.adjacency.shape == (50, 6, 6) and len(g) == 50
    assert np.all(g.colours[rows, g.referent - 1] == g.y) and g.y.max() < 3
    assert all(len(set(c)) == 5 for c in g.categories.tolist())
    assert np.all(g.x[:, 0, -1] == 1) and np.all(g.x[:, 1:, -1] == 0)
    assert not g.adjacency[:, np.arange(6), np.arange(6)].any() and np.array_equal(
        g.adjacency, g.adjacency.transpose(0, 2, 1)
    )


def test_scene_graphs_without_noise_render_the_same_category_identically():
    g = make_scene_graphs(40, n_objects=3, noise=0.0, random_state=0)
    words = g.x[:, 0, :-1]
    cats = g.categories[np.arange(40), g.referent - 1]
    for c in np.unique(cats):
        same = words[cats == c]
        np.testing.assert_allclose(same, np.broadcast_to(same[0], same.shape))


def test_scene_graphs_subset_and_tensors():
    g = make_scene_graphs(10, random_state=0)
    part = g.subset(slice(2, 5))
    assert len(part) == 3 and np.array_equal(part.x, g.x[2:5])
    (x, adj), y = part.tensors()
    assert x.shape == (3, 7, 17) and adj.dtype.is_floating_point is False and y.tolist() == g.y[2:5].tolist()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_objects": 11}, "at most n_categories"),
        ({"n_colours": 1}, "n_colours"),
        ({"noise": -0.1}, "noise"),
        ({"n_objects": 1}, "n_objects"),
    ],
)
def test_scene_graphs_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_scene_graphs(5, **kwargs)
