"""The alignment plots: they draw, label, and refuse inputs that do not fit."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.viz import (
    plot_attention_alignment,
    plot_ctc_posteriors,
    plot_segmented_frames,
    plot_transport_plan,
    plot_warping_path,
)


def _labelled(ax):
    return bool(ax.get_title()) and bool(ax.get_xlabel()) and bool(ax.get_ylabel())


def test_plot_warping_path():
    ax = plot_warping_path(
        np.random.default_rng(0).uniform(size=(4, 5)),
        [[0, 0], [1, 1], [2, 2], [3, 3], [3, 4]],
        reference=[[0, 0], [1, 1], [2, 2], [3, 3], [3, 4]],
    )
    assert _labelled(ax) and len(ax.lines) == 2
    with pytest.raises(ValueError, match="leaves"):
        plot_warping_path(np.zeros((2, 2)), [[0, 0], [2, 2]])
    with pytest.raises(ValueError, match=r"\(L, 2\)"):
        plot_warping_path(np.zeros((2, 2)), [0, 1])


def test_plot_transport_plan():
    ax = plot_transport_plan(np.eye(3) / 3, truth=[0, 1, 2], row_labels=list("abc"))
    assert _labelled(ax) and len(ax.patches) == 3 and len(ax.texts) == 9
    with pytest.raises(ValueError, match="one column per row"):
        plot_transport_plan(np.eye(3), truth=[0, 1])
    with pytest.raises(ValueError, match="tick labels"):
        plot_transport_plan(np.eye(3), col_labels=["a"])


def test_plot_segmented_frames():
    frames = np.random.default_rng(0).uniform(size=(30, 20))
    ax = plot_segmented_frames(frames, [[2, 8], [12, 20]], [3, 7], found=[[3, 9], [12, 19]], frame_rate=40.0)
    assert _labelled(ax) and ax.get_xlabel() == "time (s)"
    with pytest.raises(ValueError, match="one label per segment"):
        plot_segmented_frames(frames, [[2, 8]], [3, 7])
    with pytest.raises(ValueError, match="within the 30 frames"):
        plot_segmented_frames(frames, [[2, 40]], [3])


def test_plot_ctc_posteriors():
    lp = np.log(np.random.default_rng(0).dirichlet(np.ones(11), size=25))
    ax = plot_ctc_posteriors(lp, [[2, 6], [10, 14]], [4, 1])
    assert _labelled(ax) and len(ax.lines) == 3
    with pytest.raises(ValueError, match="one label per segment"):
        plot_ctc_posteriors(lp, [[2, 6]], [4, 1])


def test_plot_attention_alignment():
    w = np.random.default_rng(0).dirichlet(np.ones(20), size=3)
    ax = plot_attention_alignment(w, [[0, 4], [5, 9], [10, 15]], [1, 2, 3])
    assert _labelled(ax) and len(ax.patches) == 3
    with pytest.raises(ValueError, match="as many"):
        plot_attention_alignment(w, [[0, 4]], [1])
