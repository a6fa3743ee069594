"""Tests of the retrieval metrics and cosine similarity, against scikit-learn and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import top_k_accuracy_score
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from mmlab.coordination import cosine_similarity, mean_reciprocal_rank, recall_at_k, retrieval_ranks


def test_cosine_matches_scikit_learn(rng):
    a, b = rng.standard_normal((7, 4)), rng.standard_normal((5, 4))
    assert np.allclose(cosine_similarity(a, b), sk_cosine(a, b))


@pytest.mark.parametrize("k", [1, 2, 5])
def test_recall_matches_top_k_accuracy(rng, k):
    s = rng.standard_normal((30, 30))
    expected = top_k_accuracy_score(np.arange(30), s, k=k, labels=np.arange(30))
    assert recall_at_k(s, k) == pytest.approx(expected)


def test_hand_computed_ranks_and_mrr():
    s = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.1], [0.3, 0.5, 0.4]])
    # row 0: pair first (rank 0); row 1: one higher (rank 1); row 2: one higher (0.5 > 0.4), rank 1
    assert retrieval_ranks(s).tolist() == [0.0, 1.0, 1.0]
    assert recall_at_k(s, 1) == pytest.approx(1 / 3) and recall_at_k(s, 2) == 1.0
    assert mean_reciprocal_rank(s) == pytest.approx((1 + 0.5 + 0.5) / 3)


def test_ties_are_split_so_a_constant_similarity_is_a_random_guess():
    s = np.ones((5, 5))
    assert np.allclose(retrieval_ranks(s), 2.0)  # (5 - 1) / 2
    assert recall_at_k(s, 1) == 0.0 and recall_at_k(s, 3) == 1.0


def test_random_similarities_give_about_k_over_n(rng):
    values = [recall_at_k(rng.standard_normal((200, 200)), 10) for _ in range(20)]
    assert abs(np.mean(values) - 10 / 200) < 0.015  # 20 x 200 queries: sd of the mean about 0.0035


def test_equivariant_under_a_joint_permutation(rng):
    s = rng.standard_normal((12, 12))
    perm = rng.permutation(12)
    assert np.allclose(retrieval_ranks(s[perm][:, perm]), retrieval_ranks(s)[perm])


def test_bad_inputs():
    with pytest.raises(ValueError, match="square"):
        recall_at_k(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="at most the number of candidates"):
        recall_at_k(np.zeros((3, 3)), 4)
    with pytest.raises(TypeError, match="k must be an integer"):
        recall_at_k(np.zeros((3, 3)), 1.0)
    with pytest.raises(ValueError, match="finite"):
        retrieval_ranks(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="same number of features"):
        cosine_similarity(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="non-zero norm"):
        cosine_similarity(np.zeros((2, 3)), np.ones((2, 3)))
