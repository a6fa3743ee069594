"""Tests of linear probes: the ridge probe against a least-squares solve, the logistic probe against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from mmlab.fission import linear_probe, probe_table


def test_ridge_probe_matches_scikit_learn_ridge_on_standardised_features(rng):
    """sklearn's Ridge fits an unpenalised intercept too; alpha scales as alpha * n in ours."""
    z, y = rng.standard_normal((200, 4)), rng.integers(0, 3, 200)
    ztr, zte = z[:120], z[120:]
    mean, std = ztr.mean(0), ztr.std(0)
    onehot = np.eye(3)[y[:120]]
    sk = Ridge(alpha=0.05 * 120).fit((ztr - mean) / std, onehot)
    pred = sk.predict((zte - mean) / std).argmax(1)
    assert linear_probe(ztr, y[:120], zte, y[120:], method="ridge", alpha=0.05) == pytest.approx(
        float((pred == y[120:]).mean())
    )


def test_logistic_probe_matches_scikit_learn(rng):
    z, y = rng.standard_normal((300, 3)), rng.integers(0, 2, 300)
    z[:, 0] += 1.5 * y
    mean, std = z[:200].mean(0), z[:200].std(0)
    clf = LogisticRegression(C=1.0 / (1e-3 * 200), max_iter=2000).fit((z[:200] - mean) / std, y[:200])
    expected = clf.score((z[200:] - mean) / std, y[200:])
    assert linear_probe(z[:200], y[:200], z[200:], y[200:]) == pytest.approx(expected)


@pytest.mark.parametrize("method", ["logistic", "ridge"])
def test_probe_reads_a_linear_factor_and_not_noise(rng, method):
    y = rng.integers(0, 4, 600)
    informative = np.eye(4)[y] + 0.2 * rng.standard_normal((600, 4))
    noise = rng.standard_normal((600, 4))
    assert linear_probe(informative[:400], y[:400], informative[400:], y[400:], method=method) > 0.95
    assert linear_probe(noise[:400], y[:400], noise[400:], y[400:], method=method) < 0.4  # chance 0.25


def test_probe_handles_arbitrary_labels_and_constant_features(rng):
    y = rng.choice([3, 7], 200)
    z = np.c_[(y == 7) + 0.1 * rng.standard_normal(200), np.ones(200)]
    assert linear_probe(z[:100], y[:100], z[100:], y[100:], method="ridge") == 1.0


def test_probe_table(rng):
    y1, y2 = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    c1 = y1[:, None] + 0.1 * rng.standard_normal((400, 2))
    table = probe_table({"c1": (c1[:200], c1[200:])}, {"y1": (y1[:200], y1[200:]), "y2": (y2[:200], y2[200:])})
    assert isinstance(table, pd.DataFrame) and table.shape == (1, 2)
    assert table.loc["c1", "y1"] > 0.95 and table.loc["c1", "y2"] < 0.7


def test_bad_inputs(rng):
    z, y = rng.standard_normal((10, 2)), rng.integers(0, 2, 10)
    with pytest.raises(TypeError, match="integer class labels"):
        linear_probe(z, y.astype(float), z, y)
    with pytest.raises(ValueError, match="paired samples"):
        linear_probe(z, y[:9], z, y)
    with pytest.raises(ValueError, match="same number of features"):
        linear_probe(z, y, z[:, :1], y)
    with pytest.raises(ValueError, match="two classes"):
        linear_probe(z, np.zeros(10, dtype=int), z, y)
    with pytest.raises(ValueError, match="method"):
        linear_probe(z, y, z, y, method="svm")
    with pytest.raises(ValueError, match="alpha"):
        linear_probe(z, y, z, y, alpha=0.0)
    with pytest.raises(TypeError, match="codes"):
        probe_table({}, {"y": (y, y)})
    with pytest.raises(TypeError, match="pair"):
        probe_table({"z": z}, {"y": (y, y)})
