"""mmlab.viz: every helper returns its Axes/Figure, labels it, draws what it says, and validates inputs."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from mmlab.regression import coefficient_table, published_table
from mmlab.viz import plot_coefficients, plot_history, plot_interaction, plot_residuals


def _history(epochs=4, val=True):
    e = list(range(1, epochs + 1))
    metrics = {"accuracy": [0.5 + 0.1 * i for i in range(epochs)]}
    if val:
        metrics["val_accuracy"] = [0.45 + 0.1 * i for i in range(epochs)]
    return SimpleNamespace(
        epoch=e, loss=[1.0 / i for i in e], val_loss=[1.2 / i for i in e] if val else [], metrics=metrics
    )


# --------------------------------------------------------------------------- #
# plot_coefficients
# --------------------------------------------------------------------------- #
def test_plot_coefficients_draws_each_interval(make_reviews):
    fit = smf.ols("score ~ smiling * critic", make_reviews()).fit()
    table = coefficient_table(fit)
    ax = plot_coefficients(table, title="fitted")
    assert isinstance(ax, plt.Axes)
    assert ax.get_title() == "fitted" and ax.get_xlabel() and ax.get_ylabel() == "term"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)
    # the error bar's horizontal segments span [ci_low, ci_high] for each term
    segments = ax.collections[0].get_segments()
    spans = sorted((s[0][0], s[1][0]) for s in segments)
    expected = sorted(zip(table["ci_low"], table["ci_high"], strict=True))
    np.testing.assert_allclose(spans, expected)


def test_plot_coefficients_with_reference_adds_legend_and_uses_given_ax(make_reviews):
    table = coefficient_table(smf.ols("score ~ smiling + critic", make_reviews()).fit())
    ref = published_table({"smiling": (0.7, 0.5, 0.9)})
    _, ax = plt.subplots()
    out = plot_coefficients(table, reference=ref, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fitted", "published"]


def test_plot_coefficients_rejects_bad_tables():
    with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
        plot_coefficients({"estimate": 1})
    with pytest.raises(ValueError, match="lacks"):
        plot_coefficients(pd.DataFrame({"estimate": [1.0]}))
    with pytest.raises(ValueError, match="at least one term"):
        plot_coefficients(pd.DataFrame({"estimate": [], "ci_low": [], "ci_high": []}))
    with pytest.raises(ValueError, match="must contain its estimate"):
        plot_coefficients(pd.DataFrame({"estimate": [3.0], "ci_low": [0.0], "ci_high": [1.0]}, index=["w"]))
    with pytest.raises(TypeError, match="reference must be a pandas DataFrame"):
        plot_coefficients(pd.DataFrame({"estimate": [1.0], "ci_low": [0.0], "ci_high": [2.0]}), reference=[1])


# --------------------------------------------------------------------------- #
# plot_interaction and plot_residuals
# --------------------------------------------------------------------------- #
def test_plot_interaction_lines_and_bands_follow_the_fit(make_reviews):
    data = make_reviews()
    fit = smf.ols("score ~ smiling * critic", data).fit()
    ax = plot_interaction(data, group_labels={0: "non-critic", 1: "critic"}, n_grid=50)
    assert ax.get_xlabel() == "smiling" and ax.get_ylabel() == "score" and ax.get_title()
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["non-critic", "critic"]
    for level, line in enumerate(lines):
        x, y = line.get_data()
        w = fit.params
        np.testing.assert_allclose(y, w.iloc[0] + w.iloc[1] * x + (w.iloc[2] + w.iloc[3] * x) * level, rtol=1e-8)
    bands = [c for c in ax.collections if c.get_label().endswith("CI of the mean")]
    assert len(bands) == 2
    cov, t = fit.cov_params().to_numpy(), stats.t.ppf(0.975, fit.df_resid)
    for level, (line, band) in enumerate(zip(lines, bands, strict=True)):
        x, y = line.get_data()
        verts = band.get_paths()[0].vertices
        for xi, yi in zip(x[::7], y[::7], strict=True):
            ys = verts[np.isclose(verts[:, 0], xi), 1]
            row = np.array([1.0, xi, level, xi * level])
            half = t * np.sqrt(row @ cov @ row)  # independent: t * sqrt(x0' Cov x0)
            np.testing.assert_allclose([ys.min(), ys.max()], [yi - half, yi + half], rtol=1e-8)


def test_plot_interaction_with_weights_draws_exact_lines_without_bands(make_reviews):
    data = make_reviews()
    ax = plot_interaction(data, weights=(1.0, 2.0, 3.0, -1.0), show_data=False, title="mine")
    assert ax.get_title() == "mine" and not ax.collections
    x, y = ax.get_lines()[1].get_data()
    np.testing.assert_allclose(y, 1 + 2 * x + 3 - x)


def test_plot_interaction_accepts_an_additive_result(make_reviews):
    data = make_reviews()
    additive = smf.ols("score ~ smiling + critic", data).fit()
    ax = plot_interaction(data, result=additive)
    slopes = [np.polyfit(*line.get_data(), 1)[0] for line in ax.get_lines()]
    assert slopes[0] == pytest.approx(slopes[1])  # parallel lines: no interaction in the model


def test_plot_interaction_rejects_bad_inputs(make_reviews):
    data = make_reviews()
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        plot_interaction(data.to_numpy())
    with pytest.raises(ValueError, match=r"lacks \['laughing'\]"):
        plot_interaction(data, x="laughing")
    with pytest.raises(ValueError, match="must be coded 0/1"):
        plot_interaction(data.assign(critic=data.critic + 1))
    with pytest.raises(TypeError, match="must be numeric"):
        plot_interaction(data.assign(critic=np.where(data.critic == 1, "yes", "no")))
    with pytest.raises(ValueError, match="must be finite"):
        plot_interaction(data.assign(score=np.nan))
    with pytest.raises(ValueError, match="weights must be 4 numbers"):
        plot_interaction(data, weights=(1.0, 2.0))
    with pytest.raises(ValueError, match="not both"):
        plot_interaction(data, weights=(1, 2, 3, 4), result=smf.ols("score ~ smiling", data).fit())
    with pytest.raises(ValueError, match="alpha must lie"):
        plot_interaction(data, alpha=2.0)
    with pytest.raises(ValueError, match="n_grid must be an integer >= 2"):
        plot_interaction(data, n_grid=1)


def test_plot_residuals_trend_slopes_are_group_slope_minus_common_slope(make_reviews):
    data = make_reviews(3)
    additive = smf.ols("score ~ smiling + critic", data).fit()
    ax = plot_residuals(additive, data, group_labels={0: "non-critic", 1: "critic"})
    assert ax.get_ylabel().startswith("residual") and ax.get_title()
    trends = [line for line in ax.get_lines() if not line.get_label().startswith("_")]  # not the zero line
    assert len(trends) == 2
    for level, line in enumerate(trends):
        own = smf.ols("score ~ smiling", data[data.critic == level]).fit().params["smiling"]
        assert np.polyfit(*line.get_data(), 1)[0] == pytest.approx(own - additive.params["smiling"], rel=1e-6)


def test_plot_residuals_rejects_bad_inputs(make_reviews):
    data = make_reviews()
    fit = smf.ols("score ~ smiling + critic", data).fit()
    with pytest.raises(ValueError, match="same rows"):
        plot_residuals(fit, data.iloc[:50])
    with pytest.raises(TypeError, match="with .resid"):
        plot_residuals(None, data)


# --------------------------------------------------------------------------- #
# plot_history
# --------------------------------------------------------------------------- #
def test_plot_history_panels_and_series():
    fig = plot_history(_history(), title="run")
    assert isinstance(fig, plt.Figure)
    assert fig._suptitle.get_text() == "run"
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and loss_ax.get_ylabel() == "loss"
    assert [line.get_label() for line in acc_ax.get_lines()] == ["training accuracy", "validation accuracy"]
    np.testing.assert_allclose(loss_ax.get_lines()[1].get_ydata(), [1.2 / i for i in range(1, 5)])


def test_plot_history_without_validation_and_selected_metrics():
    fig = plot_history(_history(val=False), metrics=[])
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1


def test_plot_history_with_mmlab_history():
    from mmlab.train import History

    history = History(epoch=[1, 2], loss=[1.0, 0.5], val_loss=[], metrics={"mse": [0.3, 0.2]})
    assert len(plot_history(history).axes) == 2


def test_plot_history_rejects_bad_inputs():
    with pytest.raises(TypeError, match="must have the attributes epoch, loss, val_loss and metrics"):
        plot_history({"loss": [1.0]})
    with pytest.raises(ValueError, match="holds no epochs"):
        plot_history(_history(epochs=0))
    with pytest.raises(ValueError, match=r"metrics \['f1'\] are not recorded"):
        plot_history(_history(), metrics=["f1"])
    with pytest.raises(TypeError, match="Wrap it"):
        plot_history(_history(), metrics="accuracy")
    bad = _history()
    bad.val_loss = [1.0]
    with pytest.raises(ValueError, match="one value per epoch"):
        plot_history(bad)
