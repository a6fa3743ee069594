"""Tests of the plotting helpers and the explorer added for lectures 6.4-6.8 (mmlab.viz, mmlab.widgets)."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from mmlab.quantify import HeterogeneityMatrix, LearningCurves, ProbeCurves, RobustnessStudy
from mmlab.viz import (
    plot_equivariance_map,
    plot_heterogeneity,
    plot_learning_curves,
    plot_probe_curves,
    plot_robustness_curves,
)
from mmlab.widgets import robustness_explorer


def _study():
    levels = np.linspace(0, 1, 3)
    return RobustnessStudy(
        levels=levels,
        kind="gaussian",
        baseline="lf",
        modalities=("image", "audio"),
        curves={
            "lf": {"image": np.array([0.9, 0.6, 0.3]), "audio": np.array([0.9, 0.8, 0.7])},
            "ef": {"image": np.array([0.8, 0.7, 0.6]), "audio": np.array([0.8, 0.8, 0.8])},
        },
    )


def test_probe_curves_draw_one_line_per_model_and_set():
    c = ProbeCurves(steps=[0, 4], accuracy={"a": [0.2, 0.8], "b": [0.3, 0.4]})
    ax = plot_probe_curves({"m1": c, "m2": c}, reference=0.25)
    assert len(ax.get_lines()) == 5 and ax.get_xlabel() == "optimisation step" and ax.get_title()
    assert len(plot_probe_curves({"m1": c}, sets=["b"]).get_lines()) == 1


def test_probe_curves_bad_inputs():
    c = ProbeCurves(steps=[0], accuracy={"a": [0.2]})
    with pytest.raises(TypeError, match="ProbeCurves"):
        plot_probe_curves({"m": 1})
    with pytest.raises(ValueError, match="at least one model"):
        plot_probe_curves({})
    with pytest.raises(ValueError, match="no evaluation set"):
        plot_probe_curves({"m": c}, sets=["z"])


def test_robustness_curves():
    ax = plot_robustness_curves(_study(), "image", level=0.5, reference=0.1)
    assert [list(line.get_ydata()) for line in ax.get_lines()[:2]] == [[0.9, 0.6, 0.3], [0.8, 0.7, 0.6]]
    assert "image" in ax.get_xlabel()
    with pytest.raises(TypeError, match="RobustnessStudy"):
        plot_robustness_curves({"lf": {}}, "image")
    with pytest.raises(ValueError, match="modality 'text'"):
        plot_robustness_curves(_study(), "text")
    with pytest.raises(ValueError, match="model 'x'"):
        plot_robustness_curves(_study(), "image", models=["x"])


def test_heterogeneity_heat_map():
    h = HeterogeneityMatrix(names=("a", "b"), accuracy=np.eye(2), heterogeneity=np.array([[0.0, 0.3], [-0.1, 0.0]]))
    ax = plot_heterogeneity(h)
    assert sorted(t.get_text() for t in ax.texts) == ["+0.00", "+0.00", "+0.30", "-0.10"]
    assert ax.get_xlabel() == "target modality j" and ax.get_ylabel() == "source modality i"
    with pytest.raises(TypeError, match="HeterogeneityMatrix"):
        plot_heterogeneity(np.eye(2))
    with pytest.raises(ValueError, match="square"):
        plot_heterogeneity(HeterogeneityMatrix(names=("a",), accuracy=np.eye(2), heterogeneity=np.eye(2)))


def test_learning_curves():
    c = LearningCurves(
        heads=("a", "fused"),
        weights=(1.0, 0.0),
        train_loss={"a": [0.7, 0.2], "fused": [0.7, 0.7]},
        val_loss={"a": [0.7, 0.4], "fused": [0.7, 0.7]},
    )
    ax = plot_learning_curves({"one": c, "two": c}, head={"one": "a", "two": "fused"})
    assert len(ax.get_lines()) == 4 and list(ax.get_lines()[1].get_ydata()) == [0.7, 0.4]
    with pytest.raises(TypeError, match="LearningCurves"):
        plot_learning_curves({"one": 1})
    with pytest.raises(ValueError, match="at least one run"):
        plot_learning_curves({})
    with pytest.raises(ValueError, match="did not record the head 'b'"):
        plot_learning_curves({"one": c}, head="b")


def test_equivariance_map_plot():
    ax = plot_equivariance_map({"conv": [0.0, 0.0, 0.5], "dense": np.ones(3)})
    assert len(ax.get_lines()) == 2 and ax.get_title()
    with pytest.raises(TypeError, match="mapping"):
        plot_equivariance_map([0.0, 1.0])
    with pytest.raises(ValueError, match="at least one"):
        plot_equivariance_map({})
    with pytest.raises(ValueError, match="dimension"):
        plot_equivariance_map({"conv": np.zeros((2, 2))})


def test_robustness_explorer_redraws_and_snaps_the_level():
    with contextlib.redirect_stdout(io.StringIO()):
        explorer = robustness_explorer(_study(), modality="audio", level=0.4)
        assert explorer.explorer_state == {"modality": "audio", "level": 0.5, "accuracy": {"lf": 0.8, "ef": 0.8}}
        explorer.controls["modality"].value = "image"
        explorer.controls["level"].value = 1.0
    assert explorer.explorer_state["accuracy"] == {"lf": 0.3, "ef": 0.6}


def test_robustness_explorer_bad_inputs():
    with pytest.raises(TypeError, match="RobustnessStudy"):
        robustness_explorer({"lf": {}})
    with pytest.raises(ValueError, match="modality"):
        robustness_explorer(_study(), modality="text")
    with pytest.raises(ValueError, match="level"):
        robustness_explorer(_study(), level=2.0)
