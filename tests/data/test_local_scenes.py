"""Tests of make_local_scenes: planted categories of local elements in two modalities."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import make_local_scenes


def test_shapes_and_planted_categories():
    d = make_local_scenes(100, n_categories=5, n_present=3, n_elements=4, dims=(6, 7), random_state=0)
    assert d.modalities[0].shape == (100, 4, 6) and d.modalities[1].shape == (100, 4, 7)
    for m in (0, 1):
        cats = d.latents[f"categories_{m}"]
        assert np.all((cats >= 0).sum(axis=1) == 3)  # one element per present category
        for row, present in zip(cats, d.latents["present"], strict=True):
            assert sorted(row[row >= 0].tolist()) == sorted(present.tolist())
    assert np.all(np.isin(d.y, np.arange(5)))


def test_object_elements_sit_near_their_prototype():
    d = make_local_scenes(300, noise=0.0, random_state=1)
    x, cats = d.modalities[0], d.latents["categories_0"]
    for c in range(6):
        elements = x[cats == c]
        assert np.allclose(elements, elements[0], atol=1e-5)  # noise 0: one vector per category
        assert np.linalg.norm(elements[0]) == pytest.approx(np.sqrt(8), rel=1e-5)


def test_the_two_modalities_render_a_category_independently():
    d = make_local_scenes(300, noise=0.0, dims=8, random_state=2)
    a = np.array([d.modalities[0][d.latents["categories_0"] == c][0] for c in range(6)])
    b = np.array([d.modalities[1][d.latents["categories_1"] == c][0] for c in range(6)])
    assert not np.allclose(a, b)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_present": 7}, "n_present"),
        ({"n_categories": 1}, "n_categories"),
        ({"noise": -0.1}, "noise"),
        ({"n_present": 5, "n_elements": 4}, "n_present"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_local_scenes(10, **kwargs)
