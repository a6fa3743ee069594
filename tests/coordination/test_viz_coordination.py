"""Tests of the plotting helpers of lectures 1.6-1.10 (appended to mmlab/viz/_representation.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from mmlab.viz import plot_canonical_pairs, plot_cost_curves, plot_probe_table, plot_series, plot_similarity


def test_canonical_pairs(rng):
    u = rng.standard_normal(100)
    ax = plot_canonical_pairs(u, u + 0.1 * rng.standard_normal(100), title="t")
    assert ax.get_title() == "t" and ax.get_xlabel() and "corr = " in ax.texts[0].get_text()
    ax = plot_canonical_pairs(np.c_[u, u], np.c_[u, -u], max_points=10)
    assert len(ax.collections[0].get_offsets()) == 10
    with pytest.raises(ValueError, match="paired samples"):
        plot_canonical_pairs(u, u[:50])
    with pytest.raises(ValueError, match="at least 2"):
        plot_canonical_pairs(u[:1], u[:1])


def test_similarity(rng):
    ax = plot_similarity(rng.standard_normal((50, 50)), n_show=10)
    assert ax.images[0].get_array().shape == (10, 10) and ax.get_ylabel()
    with pytest.raises(ValueError, match="2 dimension"):
        plot_similarity(np.zeros(3))


def test_series_and_cost_curves(rng):
    ax = plot_series(
        [1, 2, 4],
        {"a": [0.1, 0.2, 0.3], "b": [0.3, 0.2, 0.1]},
        logx=True,
        reference=0.05,
        xlabel="x",
        ylabel="y",
        title="s",
    )
    assert len(ax.lines) == 3 and ax.get_xscale() == "log"
    ax = plot_cost_curves([1, 2, 4, 8], {"quadratic": [1, 4, 16, 64], "linear": [1, 2, 4, 8]})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "quadratic (slope 2.00)" in labels and "linear (slope 1.00)" in labels
    assert ax.get_yscale() == "log"
    with pytest.raises(TypeError, match="non-empty mapping"):
        plot_series([1, 2], {})
    with pytest.raises(ValueError, match="paired samples"):
        plot_series([1, 2], {"a": [1, 2, 3]})
    with pytest.raises(ValueError, match="positive on a log axis"):
        plot_series([1, 2], {"a": [0, 1]}, logy=True)
    with pytest.raises(ValueError, match="x must be positive"):
        plot_series([0, 2], {"a": [1, 1]}, logx=True)


def test_probe_table():
    table = pd.DataFrame({"shared": [1.0, 0.3], "private": [0.25, 0.98]}, index=["s", "p"])
    ax = plot_probe_table(table, chance=0.25)
    assert "chance 0.25" in ax.get_title() and [t.get_text() for t in ax.get_xticklabels()] == ["shared", "private"]
    assert len(ax.texts) == 4
    with pytest.raises(TypeError, match="DataFrame"):
        plot_probe_table(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        plot_probe_table(pd.DataFrame({"a": [np.nan]}))
