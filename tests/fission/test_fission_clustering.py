"""Tests of fine-grained fission by clustering: correspondences on planted local scenes, hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import make_local_scenes
from mmlab.fission import (
    ClusterCorrespondence,
    cluster_correspondence,
    correspondence_accuracy,
    element_match_accuracy,
)


def test_recovers_the_planted_correspondence():
    d = make_local_scenes(400, random_state=0)
    r = cluster_correspondence(*d.modalities, 9, random_state=0)
    cats = d.latents["categories_0"], d.latents["categories_1"]
    assert correspondence_accuracy(r, *cats) > 0.8 and element_match_accuracy(r, *cats) > 0.75
    assert r.cooccurrence.shape == (9, 9) and sorted(r.matching.tolist()) == list(range(9))


def test_shuffled_scenes_break_the_correspondence():
    """The method uses co-occurrence only: pairing regions with another scene's segments removes the signal."""
    d = make_local_scenes(400, random_state=1)
    perm = np.random.default_rng(0).permutation(400)
    r = cluster_correspondence(d.modalities[0], d.modalities[1][perm], 9, random_state=0)
    score = correspondence_accuracy(r, d.latents["categories_0"], d.latents["categories_1"][perm])
    assert score < 0.6


def test_hand_made_case_with_exact_clusters():
    """Two categories, features exactly at two points per modality: clusters and matches are exact."""
    a = np.array([[[0.0], [10.0]], [[10.0], [0.0]], [[0.0], [10.0]]])  # every scene has both categories
    b = np.array([[[5.0], [-5.0]], [[-5.0], [5.0]], [[5.0], [-5.0]]])
    cat_a = np.array([[0, 1], [1, 0], [0, 1]])
    cat_b = np.array([[0, 1], [1, 0], [0, 1]])
    r = cluster_correspondence(a, b, 2, random_state=0)
    # both clusters appear in every scene: every lift is 1, so any matching is optimal; the metrics still run
    assert r.lift.shape == (2, 2) and np.allclose(r.lift, 1.0)
    assert correspondence_accuracy(r, cat_a, cat_b) in (0.0, 1.0)


def test_bad_inputs():
    x = np.zeros((5, 2, 3))
    with pytest.raises(ValueError, match="same scenes"):
        cluster_correspondence(x, x[:4], 2)
    with pytest.raises(ValueError, match="3 dimension"):
        cluster_correspondence(x[:, 0], x, 2)
    with pytest.raises(ValueError, match="at most the number of elements"):
        cluster_correspondence(x, x, 11)
    d = make_local_scenes(50, random_state=0)
    r = cluster_correspondence(*d.modalities, 7)
    with pytest.raises(ValueError, match="one category per clustered element"):
        correspondence_accuracy(r, d.latents["categories_0"][:10], d.latents["categories_1"])
    with pytest.raises(TypeError, match="ClusterCorrespondence"):
        element_match_accuracy("result", d.latents["categories_0"], d.latents["categories_1"])
    with pytest.raises(ValueError, match="no object element"):
        element_match_accuracy(r, -np.ones_like(d.latents["categories_0"]), d.latents["categories_1"])
    assert isinstance(r, ClusterCorrespondence)
