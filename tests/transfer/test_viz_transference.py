"""The transference plots: labelled heat maps and curves."""

from __future__ import annotations

import pytest

from mmlab.viz import plot_curves, plot_matrix


def test_plot_matrix_labels_and_annotates():
    ax = plot_matrix(
        [[1.0, -0.5], [0.25, 0.0]],
        ["r0", "r1"],
        ["c0", "c1"],
        title="t",
        xlabel="x",
        ylabel="y",
        center=0.0,
        cmap="RdBu_r",
    )
    assert ax.get_title() == "t" and ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["r0", "r1"]
    assert sorted(t.get_text() for t in ax.texts) == ["-0.50", "0.00", "0.25", "1.00"]
    lo, hi = ax.images[0].get_clim()
    assert lo == -hi == -1.0  # centred on 0


def test_plot_matrix_validates():
    with pytest.raises(ValueError, match="labels"):
        plot_matrix([[1.0, 2.0]], ["a"], ["b"])
    with pytest.raises(ValueError, match="dimension"):
        plot_matrix([1.0, 2.0], ["a"], ["b", "c"])


def test_plot_curves_draws_each_series_and_chance():
    ax = plot_curves(
        [1, 2, 4], {"a": [0.1, 0.2, 0.3], "b": [0.3, 0.2, 0.1]}, chance=0.1, logx=True, title="c", xlabel="k"
    )
    assert len(ax.lines) == 3 and ax.get_xscale() == "log" and ax.get_title() == "c"
    with pytest.raises(ValueError, match="has 2 values"):
        plot_curves([1, 2, 3], {"a": [0.1, 0.2]})
    with pytest.raises(ValueError, match="at least one"):
        plot_curves([1], {})
