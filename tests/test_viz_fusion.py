"""Smoke and bad-input tests of the fusion lectures' plotting helpers and explorer widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np
import pytest

from mmlab.viz import plot_cell_table, plot_params_vs_score, plot_per_sample, plot_score_bars


def test_score_bars_draws_one_bar_per_value_with_labels():
    table = {"synergy": {"additive": 0.5, "tensor": 0.99}, "redundancy": {"additive": 1.0}}
    ax = plot_score_bars(table, reference=0.5, title="T", xlabel="interaction", ylim=(0, 1.1))
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() == "T" and ax.get_xlabel() == "interaction" and ax.get_ylabel() == "test accuracy"
    assert len(ax.patches) == 3  # a group shows only the bars it has
    assert [t.get_text() for t in ax.get_xticklabels()] == ["synergy", "redundancy"]
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == pytest.approx([0.5, 0.99, 1.0])
    labels = ax.get_legend_handles_labels()[1]
    assert labels.count("additive") == 1 and "chance" in labels


def _legend_box_in_axes_units(ax):
    ax.figure.canvas.draw()
    return ax.get_legend().get_window_extent().transformed(ax.transAxes.inverted())


def test_score_bars_put_a_long_legend_outside_the_axes():
    """More than four bar names: the legend sits right of the axes, where it cannot hide a bar."""
    ax = plot_score_bars({"g": {f"op{k}": 0.9 for k in range(6)}})
    box = _legend_box_in_axes_units(ax)
    assert box.x0 >= 1.0, box  # starts at or beyond the right edge of the axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"op{k}" for k in range(6)]


def test_score_bars_keep_a_short_legend_inside_the_axes():
    ax = plot_score_bars({"g": {"additive": 0.9, "tensor": 0.95}}, reference=0.5)
    box = _legend_box_in_axes_units(ax)
    assert 0.0 <= box.x0 and box.x1 <= 1.0 and 0.0 <= box.y0 and box.y1 <= 1.0, box
    assert plot_score_bars({"g": {"additive": 0.9}}).get_legend() is None  # one bar, no reference: no legend


@pytest.mark.parametrize(
    "table, error, match",
    [
        ([0.5], TypeError, "mapping of group"),
        ({"a": 0.5}, TypeError, "mapping of group"),
        ({}, ValueError, "at least one value"),
        ({"a": {"x": float("inf")}}, ValueError, "finite"),
    ],
)
def test_score_bars_rejects_bad_tables(table, error, match):
    with pytest.raises(error, match=match):
        plot_score_bars(table)


def test_cell_table_annotates_every_cell():
    ax = plot_cell_table([[0.1, 0.9], [0.8, 0.2]], title="XOR?")
    assert ax.get_title() == "XOR?" and ax.get_xlabel() and ax.get_ylabel()
    assert sorted(t.get_text() for t in ax.texts) == ["0.10", "0.20", "0.80", "0.90"]


def test_cell_table_rejects_a_vector():
    with pytest.raises(ValueError, match="2 dimension"):
        plot_cell_table([0.1, 0.9])


def test_per_sample_draws_a_column_per_group_and_is_reproducible():
    rng = np.random.default_rng(0)
    values, groups = rng.random(30), np.repeat([0, 1, 2], 10)
    ax = plot_per_sample(
        values, groups, names={0: "clean", 1: "A", 2: "B"}, reference=0.5, ylabel="gate", title="gates"
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["clean", "A", "B"]
    assert ax.get_ylabel() == "gate" and ax.get_title() == "gates"
    assert len(ax.collections) >= 3
    first = ax.collections[0].get_offsets().copy()
    ax2 = plot_per_sample(values, groups)
    np.testing.assert_allclose(ax2.collections[0].get_offsets(), first)


@pytest.mark.parametrize(
    "values, groups, match",
    [
        (np.ones(3), np.zeros(4), "paired samples"),
        (np.array([]), np.array([]), "at least one sample"),
        (np.array([np.nan, 1.0]), np.array([0, 1]), "finite"),
    ],
)
def test_per_sample_rejects_bad_inputs(values, groups, match):
    with pytest.raises(ValueError, match=match):
        plot_per_sample(values, groups)


def test_params_vs_score_uses_a_log_axis():
    ax = plot_params_vs_score(["tensor", "low rank"], [78608, 3284], [0.98, 0.99], title="size")
    assert ax.get_xscale() == "log" and ax.get_title() == "size"
    assert ax.get_xlabel().startswith("fusion parameters") and ax.get_ylabel() == "test accuracy"
    assert [t.get_text() for t in ax.texts] == ["tensor", "low rank"]


@pytest.mark.parametrize(
    "params, scores, match",
    [
        ([1, 2], [0.5], "paired samples"),
        ([0, 2], [0.5, 0.6], "positive"),
    ],
)
def test_params_vs_score_rejects_bad_inputs(params, scores, match):
    with pytest.raises(ValueError, match=match):
        plot_params_vs_score(["a", "b"][: len(params)], params, scores)


# --------------------------------------------------------------------------- #
# the explorer widget
# --------------------------------------------------------------------------- #
def test_explorer_runs_its_starting_choice_headless():
    from mmlab.widgets import fusion_explorer, run_interaction_operator

    box = fusion_explorer(n=80, epochs=1, start=("redundancy", "tensor"), random_state=3)
    state = box.explorer_state
    assert state["interaction"] == "redundancy" and state["operator"] == "tensor"
    # what is shown is the run of the cache for that choice and seed, not some other run
    shown = run_interaction_operator("redundancy", "tensor", n=80, epochs=1, random_state=3)
    assert state["accuracy"] == shown.score
    box.children[1].value = "additive"  # changing a drop-down reruns (and caches) the model
    assert box.explorer_state["operator"] == "additive"
    assert (
        box.explorer_state["accuracy"]
        == run_interaction_operator("redundancy", "additive", n=80, epochs=1, random_state=3).score
    )


def test_explorer_results_are_cached_per_seed():
    from mmlab.widgets import run_interaction_operator

    first = run_interaction_operator("synergy", "additive", n=60, epochs=1)
    assert run_interaction_operator("synergy", "additive", n=60, epochs=1) is first
    other = run_interaction_operator("synergy", "additive", n=60, epochs=1, random_state=1)
    assert other is not first and other.history.loss != first.history.loss  # another seed, another run


@pytest.mark.parametrize(
    "random_state, err, match",
    [
        ("abc", TypeError, "random_state must be None"),
        (1.7, TypeError, "random_state must be None"),
        (-5, ValueError, "random_state must be None"),
    ],
)
def test_explorer_rejects_bad_random_states(random_state, err, match):
    from mmlab.widgets import fusion_explorer, run_interaction_operator

    with pytest.raises(err, match=match):
        run_interaction_operator("synergy", "additive", n=60, epochs=1, random_state=random_state)
    with pytest.raises(err, match=match):
        fusion_explorer(n=60, epochs=1, random_state=random_state)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"start": ("xor", "additive")}, "start"),
        ({"start": ("synergy", "quantum")}, "start"),
        ({"operators": ["quantum"]}, "operators"),
        ({"start": "synergy"}, "pair"),
    ],
)
def test_explorer_rejects_unknown_choices(kwargs, match):
    from mmlab.widgets import fusion_explorer

    with pytest.raises(ValueError, match=match):
        fusion_explorer(n=60, epochs=1, **kwargs)
