"""Generator evaluation (mmlab/generate/_evaluate.py) against scikit-learn, SciPy and hand-computed cases."""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist, pdist
from scipy.stats import multivariate_normal
from sklearn.metrics import accuracy_score

from mmlab.generate import (
    coherence,
    diversity,
    fit_judge,
    memorisation_ratio,
    nearest_neighbour_distance,
    parzen_log_likelihood,
    recognition_rate,
)


def test_coherence_matches_accuracy_and_the_shuffled_expectation(rng):
    a = rng.choice(4, 3000, p=[0.5, 0.3, 0.1, 0.1])
    b = np.where(rng.random(3000) < 0.5, a, rng.choice(4, 3000))
    c = coherence(a, b)
    assert c.agreement == pytest.approx(accuracy_score(a, b))
    shuffled = np.mean([np.mean(a == rng.permutation(b)) for _ in range(200)])
    assert c.chance == pytest.approx(shuffled, abs=0.01)  # chance is the agreement of randomly re-paired halves
    assert c.lift == pytest.approx(c.agreement / c.chance)


def test_coherence_of_a_hand_computed_case_and_of_unseen_classes():
    c = coherence([0, 1, 1, 2], [0, 1, 2, 2])
    assert (c.agreement, c.chance) == (0.75, 0.3125)
    assert coherence([0, 0], [1, 1]).chance == 0.0
    assert coherence([0, 0], [1, 1]).lift == float("inf")


def test_diversity_is_the_mean_pairwise_distance_within_groups(rng):
    x = rng.normal(size=(30, 4))
    assert diversity(x) == pytest.approx(pdist(x).mean())
    labels = np.repeat([0, 1, 2], 10)
    expected = np.mean([pdist(x[labels == k]).mean() for k in range(3)])
    assert diversity(x, labels) == pytest.approx(expected)
    assert diversity(np.ones((5, 3))) == 0.0


def test_nearest_neighbour_distance_and_memorisation_ratio(rng):
    s, r = rng.normal(size=(20, 3)), rng.normal(size=(15, 3))
    assert np.allclose(nearest_neighbour_distance(s, r), cdist(s, r).min(1))
    train, held = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    copies = train[rng.choice(50, 40)] + 1e-3
    assert memorisation_ratio(copies, train, held) < 0.05
    fresh = rng.normal(size=(400, 3))
    assert memorisation_ratio(fresh, train, held) == pytest.approx(1.0, abs=0.2)


def test_parzen_matches_a_mixture_of_scipy_normals(rng):
    s, x, h = rng.normal(size=(7, 3)), rng.normal(size=(4, 3)), 0.6
    expected = np.log(np.mean([multivariate_normal(mean=si, cov=h**2 * np.eye(3)).pdf(x) for si in s], axis=0))
    assert np.allclose(parzen_log_likelihood(s, x, bandwidth=h), expected)


def test_judge_and_recognition_rate_match_scikit_learn(rng):
    x = np.r_[rng.normal(0, 1, (40, 2)), rng.normal(3, 1, (40, 2))]
    y = np.repeat([0, 1], 40)
    judge = fit_judge(torch.from_numpy(x), torch.from_numpy(y), standardize=True)
    samples, asked = rng.normal(1.5, 2, (30, 2)), rng.integers(0, 2, 30)
    assert recognition_rate(judge, samples, asked) == pytest.approx(accuracy_score(asked, judge.predict(samples)))


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: coherence([0, 1], [0]), ValueError, "paired"),
        (lambda: coherence([], []), ValueError, "at least one pair"),
        (lambda: coherence([0.5, 1.0], [0, 1]), ValueError, "integer class labels"),
        (lambda: coherence([[0, 1]], [[0, 1]]), ValueError, "dimension"),
        (lambda: diversity([[0.0, 1.0]]), ValueError, "two samples"),
        (lambda: diversity([[0.0], [np.nan]]), ValueError, "finite"),
        (lambda: diversity([[0.0], [1.0]], labels=[0]), ValueError, "paired"),
        (lambda: nearest_neighbour_distance([[0.0, 1.0]], [[0.0]]), ValueError, "same width"),
        (lambda: nearest_neighbour_distance(np.zeros((0, 2)), [[0.0, 1.0]]), ValueError, "at least one row"),
        (lambda: memorisation_ratio([[0.0]], [[0.0], [1.0]], [[2.0]]), ValueError, "equally many"),
        (lambda: parzen_log_likelihood([[0.0]], [[0.0]], bandwidth=0.0), ValueError, "bandwidth"),
        (lambda: fit_judge([[0.0], [1.0]], [0, 0]), ValueError, "two classes"),
        (lambda: fit_judge([[0.0], [1.0]], [0, 1], standardize=1), TypeError, "standardize"),
        (lambda: fit_judge([[0.0], [1.0]], [0, 1, 1]), ValueError, "paired"),
        (lambda: recognition_rate(object(), [[0.0]], [0]), TypeError, "predict"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call()
