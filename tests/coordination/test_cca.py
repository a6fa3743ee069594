"""Tests of mmlab.coordination.CCA and canonical_correlations: against scikit-learn, closed forms, properties."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import CCA as SklearnCCA

from mmlab.coordination import CCA, canonical_correlations
from mmlab.exceptions import SolverError


def _planted(rng, n=600, p=5, q=4, noise=(0.3, 0.8, 1.5)):
    shared = rng.standard_normal((n, 3))
    x = np.hstack([shared + rng.normal(0, noise, (n, 3)), rng.standard_normal((n, p - 3))])
    y = np.hstack([shared + rng.normal(0, noise, (n, 3)), rng.standard_normal((n, q - 3))])
    return x @ rng.standard_normal((p, p)) + 5, y @ rng.standard_normal((q, q)) - 2


def test_first_correlations_agree_with_scikit_learn(rng):
    """sklearn fits by NIPALS one component at a time; its score correlations must match our singular values."""
    x, y = _planted(rng)
    sk = SklearnCCA(n_components=3, max_iter=5000, tol=1e-12).fit(x, y)
    u, v = sk.transform(x, y)
    theirs = np.array([np.corrcoef(u[:, k], v[:, k])[0, 1] for k in range(3)])
    ours = CCA(3).fit(x, y).correlations_
    assert np.allclose(ours, theirs, atol=1e-6)  # both converge to the same fixed point (tol 1e-12)


def test_directions_agree_with_scikit_learn_up_to_sign(rng):
    x, y = _planted(rng)
    sk = SklearnCCA(n_components=2, max_iter=5000, tol=1e-12).fit(x, y)
    u_sk, v_sk = sk.transform(x, y)
    u, v = CCA(2).fit(x, y).transform(x, y)
    for k in range(2):  # canonical variates are unique up to a joint sign flip
        assert abs(abs(np.corrcoef(u[:, k], u_sk[:, k])[0, 1]) - 1) < 1e-6
        assert abs(abs(np.corrcoef(v[:, k], v_sk[:, k])[0, 1]) - 1) < 1e-6


def test_closed_form_one_dimensional_case(rng):
    """For one feature per modality the only canonical correlation is |Pearson r|."""
    x = rng.standard_normal((300, 1))
    y = -0.6 * x + 0.8 * rng.standard_normal((300, 1))
    r = abs(np.corrcoef(x[:, 0], y[:, 0])[0, 1])
    assert canonical_correlations(x, y) == pytest.approx([r], abs=1e-12)


def test_variates_have_unit_variance_and_are_uncorrelated(rng):
    x, y = _planted(rng)
    model = CCA(3).fit(x, y)
    u, v = model.transform(x, y)
    assert np.allclose(np.cov(u.T), np.eye(3), atol=1e-8) and np.allclose(np.cov(v.T), np.eye(3), atol=1e-8)
    assert np.allclose(np.corrcoef(u.T, v.T)[:3, 3:], np.diag(model.correlations_), atol=1e-8)
    assert np.allclose(model.score(x, y), model.correlations_, atol=1e-10)


def test_invariant_to_affine_maps_and_symmetric(rng):
    x, y = _planted(rng)
    base = canonical_correlations(x, y, 3)
    a = rng.standard_normal((x.shape[1], x.shape[1]))
    assert np.allclose(canonical_correlations(x @ a + 3.0, y, 3), base, atol=1e-8)
    assert np.allclose(canonical_correlations(y, x, 3), base, atol=1e-10)


def test_sorted_in_zero_one_and_sign_convention(rng):
    x, y = _planted(rng)
    model = CCA(4).fit(x, y)
    rho = model.correlations_
    assert np.all(np.diff(rho) <= 1e-12) and rho.min() >= 0 and rho.max() <= 1
    assert np.all(model.x_weights_[np.abs(model.x_weights_).argmax(axis=0), range(4)] > 0)


def test_identical_modalities_have_correlations_one(rng):
    x = rng.standard_normal((100, 3))
    assert np.allclose(canonical_correlations(x, x[:, ::-1]), 1.0)


def test_ridge_shrinks_training_correlations_and_rescues_singular_blocks(rng):
    x, y = rng.standard_normal((10, 12)), rng.standard_normal((10, 12))
    with pytest.raises(SolverError, match="singular"):
        CCA(2).fit(x, y)  # more features than samples - 1: the covariance blocks are singular
    free = CCA(2, reg=1e-6).fit(x, y).correlations_
    shrunk = CCA(2, reg=10.0).fit(x, y).correlations_
    assert np.all(shrunk < free)


def test_constant_feature_is_refused_without_ridge(rng):
    x = np.hstack([rng.standard_normal((50, 2)), np.ones((50, 1))])
    with pytest.raises(SolverError, match="reg > 0"):
        CCA(1).fit(x, rng.standard_normal((50, 2)))


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 1.5}, TypeError, "n_components"),
        ({"reg": -1.0}, ValueError, "reg"),
        ({"reg": "a"}, TypeError, "reg"),
    ],
)
def test_bad_options(kwargs, err, match):
    with pytest.raises(err, match=match):
        CCA(**kwargs)


def test_bad_inputs():
    x, y = np.zeros((10, 3)), np.ones((10, 2))
    with pytest.raises(ValueError, match="paired samples"):
        CCA(1).fit(x, y[:9])
    with pytest.raises(ValueError, match="2 dimension"):
        CCA(1).fit(x[:, 0], y)
    with pytest.raises(ValueError, match="finite"):
        CCA(1).fit(np.full((10, 3), np.nan), y)
    with pytest.raises(ValueError, match="at least 2 paired samples"):
        CCA(1).fit(x[:1], y[:1])
    with pytest.raises(ValueError, match="at most min"):
        CCA(3).fit(x, y)
    with pytest.raises(ValueError, match="not fitted"):
        CCA(1).transform(x)
    model = CCA(1).fit(np.random.default_rng(0).normal(size=(10, 3)), np.random.default_rng(1).normal(size=(10, 2)))
    with pytest.raises(ValueError, match="3 features"):
        model.transform(np.zeros((4, 2)))
    with pytest.raises(TypeError, match="numbers"):
        CCA(1).fit([["a", "b"]], [["c", "d"]])
    assert repr(model) == "CCA(n_components=1, reg=0)"
