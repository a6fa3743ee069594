"""Tests of the quantification plots (model selection, EMAP, interaction strengths, contributions) in mmlab.viz."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from mmlab.quantify import classify_interactions  # noqa: E402
from mmlab.quantify import EMAPComparison  # noqa: E402
from mmlab.viz import plot_contributions, plot_emap, plot_model_selection, plot_strengths  # noqa: E402


def test_plot_model_selection_one_panel_per_data_set():
    distances = {"xor": {"additive": 1.0, "tensor": 0.1}, "copy": {"additive": 0.1, "tensor": 0.3}}
    accuracies = {"xor": {"additive": 0.5, "tensor": 0.98}, "copy": {"additive": 0.99, "tensor": 0.97}}
    axes = plot_model_selection(distances, accuracies)
    assert len(axes) == 2
    assert [ax.get_title() for ax in axes] == ["data: xor", "data: copy"]
    points = np.concatenate([c.get_offsets() for c in axes[0].collections])
    np.testing.assert_allclose(points, [[1.0, 50.0], [0.1, 98.0]])
    assert axes[0].get_xlabel() and axes[0].get_ylabel() == "test accuracy (%)"


@pytest.mark.parametrize("accuracies, match", [
    ({"xor": {"additive": 0.5, "tensor": 0.9}, "copy": {}}, "same data sets"),
    ({"xor": {"additive": 0.5}}, "different models"),
])
def test_plot_model_selection_rejects_mismatched_inputs(accuracies, match):
    with pytest.raises(ValueError, match=match):
        plot_model_selection({"xor": {"additive": 1.0, "tensor": 0.1}}, accuracies)


def test_plot_emap_draws_paired_bars_in_percent():
    comparisons = {"xor": EMAPComparison(accuracy=0.95, projected_accuracy=0.5, drop=0.45, n=100),
                   "sum": EMAPComparison(accuracy=0.9, projected_accuracy=0.9, drop=0.0, n=100)}
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
