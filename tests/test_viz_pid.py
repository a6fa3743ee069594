"""Tests of the PID plotting helpers and the PID explorer widget (both re-exported by mmlab.viz / mmlab.widgets).

The widget's tests live here with the plots it draws.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mmlab.quantify import ATOMS, and_, pair_copy, xor
from mmlab.viz import ATOM_LABELS, plot_atoms, plot_atoms_path, plot_joint_table

XOR_ATOMS = dict(redundancy=0.0, unique1=0.0, unique2=0.0, synergy=1.0)


class _Result:  # an object with the attributes of a PID result
    redundancy, unique1, unique2, synergy, total = 0.311, 0.0, 0.0, 0.5, 0.811


def test_plot_atoms_returns_labelled_axes():
    ax = plot_atoms({"XOR": XOR_ATOMS, "AND": _Result()}, title="atoms")
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() == "atoms" and ax.get_ylabel() == "information (bits)" and ax.get_xlabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["XOR", "AND"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == list(ATOM_LABELS)
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == sorted([0, 0, 0, 1, 0.311, 0, 0, 0.5])  # one bar per atom and group


def test_plot_atoms_draws_on_a_given_axes():
    _, ax = plt.subplots()
    assert plot_atoms({"XOR": XOR_ATOMS}, ax=ax, show_total=False, annotate=False) is ax


@pytest.mark.parametrize(
    "results, err, match",
    [
        ([XOR_ATOMS], TypeError, "results must be a mapping"),
        ({}, ValueError, "at least one PID result"),
        ({"x": {"redundancy": 0.0}}, TypeError, "'unique1' is missing"),
        ({"x": object()}, TypeError, "must be a PID result"),
        ({"x": dict(XOR_ATOMS, synergy="a")}, TypeError, "must be a number"),
        ({"x": dict(XOR_ATOMS, synergy=np.nan)}, ValueError, "must be finite"),
    ],
)
def test_plot_atoms_rejects_bad_results(results, err, match):
    with pytest.raises(err, match=match):
        plot_atoms(results)


def test_plot_atoms_path_returns_labelled_axes():
    t = np.linspace(0, 1, 5)
    atoms = np.c_[t, 0 * t, 0 * t, 1 - t]
    ax = plot_atoms_path(t, atoms)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_xlabel() == "mixing weight t" and ax.get_ylabel() == "information (bits)" and ax.get_title()
    assert len(ax.get_lines()) == 5  # four atoms and their sum
    np.testing.assert_allclose(ax.get_lines()[4].get_ydata(), np.ones(5))


def test_plot_atoms_path_rejects_a_shape_mismatch():
    with pytest.raises(ValueError, match="atoms must have shape"):
        plot_atoms_path([0, 1], np.zeros((3, 4)))


def test_plot_joint_table_one_panel_per_label():
    axes = plot_joint_table(pair_copy(), title="COPY")
    assert len(axes) == 4
    for k, ax in enumerate(axes):
        assert ax.get_title() == f"COPY, y = {k}" and ax.get_xlabel() == "x2" and ax.get_ylabel() == "x1"
    assert len(axes[0].texts) == 4  # one annotation per (x1, x2) cell


def test_plot_joint_table_on_given_axes():
    _, axs = plt.subplots(2, 2)
    drawn = plot_joint_table(and_(), axes=axs[1], vmax=0.5, annotate=False)
    assert drawn[0] is axs[1][0] and not drawn[0].texts


@pytest.mark.parametrize(
    "p, kwargs, match",
    [
        (xor()[0], {}, "p must have 3 dimension"),
        (-xor(), {}, "p must be non-negative"),
        (xor(), {"axes": [None]}, "one Axes per value of y"),
    ],
)
def test_plot_joint_table_rejects_bad_inputs(p, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_joint_table(p, **kwargs)


# --------------------------------------------------------------------------- #
# the explorer widget
# --------------------------------------------------------------------------- #
def test_pid_morph_explorer_draws_and_redraws():
    from mmlab.quantify import exact_pid
    from mmlab.widgets import pid_morph_explorer

    explorer = pid_morph_explorer(start="xor", end="redundant", t=0.0)
    state = explorer.explorer_state
    assert state["start"] == "xor" and state["t"] == 0.0
    assert state["result"].synergy == pytest.approx(1.0, abs=1e-6)  # XOR's atoms were drawn
    explorer.controls["t"].value = 1.0  # moving the slider redraws with the other endpoint
    assert state["result"].redundancy == pytest.approx(1.0, abs=1e-6)
    explorer.controls["end"].value = "and"
    np.testing.assert_allclose(state["table"], and_())
    assert state["result"].synergy == pytest.approx(exact_pid(and_()).synergy, abs=1e-9)
    assert set(explorer.controls) == {"start", "end", "t"}


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"start": "or"}, "start must be one of"),
        ({"end": "nand"}, "end must be one of"),
        ({"t": 1.5}, "t must lie in"),
        ({"step": 0.0}, "step must lie in"),
    ],
)
def test_pid_morph_explorer_rejects_bad_arguments(kwargs, match):
    from mmlab.widgets import pid_morph_explorer

    with pytest.raises(ValueError, match=match):
        pid_morph_explorer(**kwargs)


def test_atom_names_match_the_pid_result_fields():
    from mmlab.quantify import PIDResult

    assert set(ATOMS) <= set(PIDResult.__dataclass_fields__)


def test_plot_atoms_accepts_estimates_and_draws_the_exact_atoms():
    from mmlab.quantify import PIDResult

    estimate = PIDResult(redundancy=0.05, unique1=0.02, unique2=0.01, synergy=0.9, total=0.98, method="cluster")
    ax = plot_atoms(
        {"xor": estimate, "copy": [0.0, 1.0, 0.0, 0.0]},
        truth={"xor": [0, 0, 0, 1]},
        xlabel="data set",
        show_total=False,
        annotate=False,
    )
    assert ax.get_xlabel() == "data set"
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == sorted([0.05, 0.02, 0.01, 0.9, 0, 1, 0, 0])
    marks = ax.collections[-1].get_offsets()  # the exact atoms: one tick per atom, over the "xor" group
    np.testing.assert_allclose(np.asarray(marks)[:, 1], [0, 0, 0, 1])
    assert "exact (planted)" in [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize(
    "truth, err, match",
    [
        ([0, 0, 0, 1], TypeError, "truth must be a mapping"),
        ({"and": [0, 0, 0, 1]}, ValueError, "groups that results does not have"),
        ({"XOR": [0, 0, 1]}, TypeError, "four numbers"),
    ],
)
def test_plot_atoms_rejects_bad_truth(truth, err, match):
    with pytest.raises(err, match=match):
        plot_atoms({"XOR": XOR_ATOMS}, truth=truth)
