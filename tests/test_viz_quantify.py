"""Tests of the quantification plots (model selection, EMAP, interaction strengths, contributions) in mmlab.viz."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

from mmlab.quantify import (
    EMAPComparison,
    classify_interactions,
)
from mmlab.viz import plot_contributions, plot_emap, plot_model_selection, plot_strengths


def test_plot_model_selection_one_panel_per_data_set():
    distances = {"xor": {"additive": 1.0, "tensor": 0.1}, "copy": {"additive": 0.1, "tensor": 0.3}}
    accuracies = {"xor": {"additive": 0.5, "tensor": 0.98}, "copy": {"additive": 0.99, "tensor": 0.97}}
    axes = plot_model_selection(distances, accuracies)
    assert len(axes) == 2
    assert [ax.get_title() for ax in axes] == ["data: xor", "data: copy"]
    points = np.concatenate([c.get_offsets() for c in axes[0].collections])
    np.testing.assert_allclose(points, [[1.0, 50.0], [0.1, 98.0]])
    assert axes[0].get_xlabel() and axes[0].get_ylabel() == "test accuracy (%)"


@pytest.mark.parametrize(
    "accuracies, match",
    [
        ({"xor": {"additive": 0.5, "tensor": 0.9}, "copy": {}}, "same data sets"),
        ({"xor": {"additive": 0.5}}, "different models"),
    ],
)
def test_plot_model_selection_rejects_mismatched_inputs(accuracies, match):
    with pytest.raises(ValueError, match=match):
        plot_model_selection({"xor": {"additive": 1.0, "tensor": 0.1}}, accuracies)


def test_plot_emap_draws_paired_bars_in_percent():
    comparisons = {
        "xor": EMAPComparison(accuracy=0.95, projected_accuracy=0.5, drop=0.45, n=100),
        "sum": EMAPComparison(accuracy=0.9, projected_accuracy=0.9, drop=0.0, n=100),
    }
    ax = plot_emap(comparisons)
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [95.0, 90.0, 50.0, 90.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["xor", "sum"]
    with pytest.raises(ValueError, match="at least one task"):
        plot_emap({})


def test_plot_strengths_sorts_each_curve():
    ax = plot_strengths({"tensor": torch.tensor([3.0, 1.0, 2.0]), "additive": np.zeros(3)})
    first, second = ax.get_lines()
    np.testing.assert_allclose(first.get_ydata(), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(second.get_ydata(), [0.0, 0.0, 0.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tensor", "additive"]
    with pytest.raises(ValueError, match="at least one curve"):
        plot_strengths({})


def test_plot_contributions_colours_points_by_kind():
    # sample 0: only x_A moves the log-odds (dominance); 1: both push to class 1 (complementarity);
    # 2: they push opposite ways (conflict)
    c = np.zeros((3, 2, 2))
    c[0, 0] = [-1.0, 1.0]
    c[1, 0], c[1, 1] = [-1.0, 1.0], [-1.0, 1.0]
    c[2, 0], c[2, 1] = [-1.0, 1.0], [1.0, -1.0]
    kinds = classify_interactions(c)
    ax = plot_contributions(c, kinds, labels=("image", "audio"))
    assert "image" in ax.get_xlabel() and "audio" in ax.get_ylabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum(len(coll.get_offsets()) for coll in ax.collections) == 3
    assert {label.split(" ")[0] for label in legend} == set(kinds.kind)
    with pytest.raises(ValueError, match=r"shape \(N, 2, 2\)"):
        plot_contributions(np.zeros((3, 2)), kinds)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: plot_model_selection([1.0], {}), TypeError, "distances must be a mapping of data set name"),
        (lambda: plot_model_selection({"xor": {"a": 1.0}}, {"xor": 0.5}), TypeError, "accuracies must be a mapping"),
        (lambda: plot_emap([EMAPComparison(1.0, 0.5, 0.5, 10)]), TypeError, "comparisons must be a mapping"),
        (lambda: plot_emap({"xor": 0.9}), TypeError, r"comparisons\['xor'\] must be an EMAPComparison"),
        (lambda: plot_strengths(np.zeros(3)), TypeError, "strengths must be a mapping"),
        (lambda: plot_strengths({"tensor": [1.0, np.nan]}), ValueError, r"strengths\['tensor'\] must be finite"),
        (lambda: plot_strengths({"tensor": []}), ValueError, "at least one sample"),
        (lambda: plot_strengths({"tensor": ["a"]}), TypeError, "array-like of numbers|numeric"),
        (
            lambda: plot_contributions(np.full((1, 2, 2), np.inf), classify_interactions(np.ones((1, 2, 2)))),
            ValueError,
            "contributions must be finite",
        ),
        (
            lambda: plot_contributions(np.ones((3, 2, 2)), classify_interactions(np.ones((2, 2, 2)))),
            ValueError,
            "must describe the 3 samples",
        ),
        (
            lambda: plot_contributions(np.ones((3, 2, 2)), ["dominance"] * 3),
            TypeError,
            "kinds must be an InteractionKinds",
        ),
    ],
)
def test_quantification_plots_reject_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_plot_model_selection_needs_one_axes_per_data_set():
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(1, 1, squeeze=False)
    with pytest.raises(ValueError, match=r"one Axes per data set \(2\); got 1"):
        plot_model_selection({"a": {"m": 1.0}, "b": {"m": 0.5}}, {"a": {"m": 0.9}, "b": {"m": 0.8}}, axes=axes[0])
