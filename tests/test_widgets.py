"""mmlab.widgets: the interaction explorer builds headless, redraws on slider changes, and validates inputs."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import statsmodels.formula.api as smf

from mmlab.widgets import interaction_explorer


def test_explorer_builds_headless_with_four_sliders(make_reviews):
    data = make_reviews()
    box = interaction_explorer(data, group_labels={0: "non-critic", 1: "critic"})
    assert isinstance(box, ipywidgets.VBox)
    assert sorted(box.sliders) == ["w0", "w1", "w2", "w3"]
    assert all(isinstance(s, ipywidgets.FloatSlider) for s in box.sliders.values())
    # drawn once at construction, from the default start (mean of y, flat lines)
    assert box.explorer_state["weights"] == pytest.approx((data.score.mean(), 0.0, 0.0, 0.0), abs=0.01)
    assert not plt.get_fignums()  # figures are closed after display


def test_moving_sliders_redraws_and_rss_reaches_least_squares(make_reviews):
    data = make_reviews(1)
    box = interaction_explorer(data, step=1e-6)
    fit = smf.ols("score ~ smiling * critic", data).fit()
    for name, value in zip(("w0", "w1", "w2", "w3"), fit.params, strict=True):
        box.sliders[name].value = float(value)
    state = box.explorer_state
    np.testing.assert_allclose(state["weights"], fit.params, atol=1e-5)
    assert state["rss"] == pytest.approx(fit.ssr, rel=1e-6)
    assert state["best_rss"] == pytest.approx(fit.ssr)
    box.sliders["w3"].value = 0.0  # any other line fits worse
    assert box.explorer_state["rss"] > state["best_rss"]


def test_explorer_keeps_the_vertical_axis_fixed(monkeypatch, make_reviews):
    import mmlab.widgets._representation as mw

    axes = []
    original = mw.plot_interaction

    def spy(*args, **kwargs):
        axes.append(original(*args, **kwargs))
        return axes[-1]

    monkeypatch.setattr(mw, "plot_interaction", spy)
    data = make_reviews(2)
    box = interaction_explorer(data, xlabel="smiling (tens of %)", ylabel="score (0-10)")
    box.sliders["w1"].value = 5.0  # a steep line would otherwise stretch the axis
    assert axes[0].get_ylim() == axes[-1].get_ylim()
    assert axes[-1].get_ylim()[0] < data.score.min() and axes[-1].get_ylim()[1] > data.score.max()
    assert axes[-1].get_xlabel() == "smiling (tens of %)" and axes[-1].get_ylabel() == "score (0-10)"


def test_explorer_start_and_limits(make_reviews):
    box = interaction_explorer(make_reviews(), start=(5, 1, -2, 0.5), limits={"w1": (-1, 2)})
    assert box.sliders["w1"].min == -1 and box.sliders["w1"].max == 2
    assert box.explorer_state["weights"] == pytest.approx((5, 1, -2, 0.5))


def test_explorer_rejects_bad_inputs(make_reviews):
    data = make_reviews()
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        interaction_explorer(data.to_dict())
    with pytest.raises(ValueError, match="must be coded 0/1"):
        interaction_explorer(data.assign(critic=2))
    with pytest.raises(ValueError, match="start must be 4 numbers"):
        interaction_explorer(data, start=(1, 2, 3))
    with pytest.raises(ValueError, match="limits keys must be among"):
        interaction_explorer(data, limits={"w4": (0, 1)})
    with pytest.raises(ValueError, match="must be \\(low, high\\) with low < high"):
        interaction_explorer(data, limits={"w1": (2, 1)})
    with pytest.raises(ValueError, match="outside its slider range"):
        interaction_explorer(data, start=(5, 9, 0, 0))
    with pytest.raises(ValueError, match=r"step must be > 0; got 0.0"):
        interaction_explorer(data, step=0)
    with pytest.raises(ValueError, match=r"step must be a finite real number > 0; got inf"):
        interaction_explorer(data, step=float("inf"))
    with pytest.raises(TypeError, match=r"step must be a real number > 0; got str '0.1'"):
        interaction_explorer(data, step="0.1")
