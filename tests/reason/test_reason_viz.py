"""Plots and the widget of the reasoning chapter (mmlab/viz/_reasoning.py, mmlab/widgets/_reasoning.py)."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import execute_program, make_scenes
from mmlab.reason import intervention_test, standard_interventions
from mmlab.viz import plot_attention_maps, plot_intervention_report, plot_scenes
from mmlab.widgets import tnorm_explorer


def test_plot_scenes_and_attention_maps():
    s = make_scenes(5, random_state=0)
    fig = plot_scenes(s, [0, 1, 2], titles=["a", "b", "c"], ncols=2)
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"] and fig.axes[0].get_xlabel() == "column"
    fig = plot_attention_maps(s.images[0], {"red": (s.color[0] == 0).astype(float), "all": s.occupied[0]})
    assert [ax.get_title() for ax in fig.axes[:3]] == ["scene", "red", "all"]
    with pytest.raises(ValueError, match="one entry per panel"):
        plot_scenes(s, [0, 1], titles=["a"])
    with pytest.raises(ValueError, match="index must lie"):
        plot_scenes(s, [9])
    with pytest.raises(TypeError, match="Scenes"):
        plot_scenes(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="at least one"):
        plot_attention_maps(s.images[0], {})
    with pytest.raises(ValueError, match="2-D"):
        plot_attention_maps(s.images[0], {"x": np.zeros(3)})


def test_plot_intervention_report():
    s = make_scenes(50, random_state=0)
    q = ("exists", ("filter", "shape", "circle", ("scene",)))
    rep = intervention_test(lambda x: execute_program(q, x), s, q, standard_interventions(), random_state=0)
    ax = plot_intervention_report({"oracle": rep, "again": rep})
    assert ax.get_ylabel() == "failure rate" and len(ax.patches) == 8
    with pytest.raises(ValueError, match="at least one"):
        plot_intervention_report({})


def test_tnorm_explorer_builds_headless():
    box = tnorm_explorer(0.6, 0.2)
    assert len(box.children) == 2
    with pytest.raises(ValueError, match="a must lie"):
        tnorm_explorer(1.5)
