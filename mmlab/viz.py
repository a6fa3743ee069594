"""Plotting helpers shared by the notebooks, by topic.

- regression (this module): coefficient tables, interaction plots, residuals;
- training: :func:`plot_history`;
- fusion (``mmlab/_viz_fusion.py``): score bars, per-cell tables, per-sample
  values, parameters against score;
- PID (``mmlab/_viz_pid.py``): atom bars, atoms along a path, joint tables;
- quantification (``mmlab/_viz_quantify.py``): model selection, EMAP,
  interaction strengths, modality contributions.

Import every helper from here (``from mmlab.viz import plot_atoms``); the
topic modules are private so that they can be reorganised freely.

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), labels its axes, sets a title, and returns the Axes or Figure; none
calls ``plt.show()`` (the notebook decides when to show). Colours follow
matplotlib's default cycle so that the same group has the same colour in every
figure of a notebook.

Used by: every lecture (see each function's module docstring for which).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import check_array, check_fraction, check_positive_int

__all__ = [
    # regression and training (this module)
    "plot_coefficients", "plot_history", "plot_interaction", "plot_residuals",
    # fusion
    "plot_cell_table", "plot_params_vs_score", "plot_per_sample", "plot_score_bars",
    # partial information decomposition
    "ATOM_COLORS", "ATOM_LABELS", "ATOM_NAMES", "plot_atoms", "plot_atoms_path", "plot_joint_table",
    # quantification
    "plot_contributions", "plot_emap", "plot_model_selection", "plot_strengths",
]


# --------------------------------------------------------------------------- #
# coefficient tables
# --------------------------------------------------------------------------- #
def plot_coefficients(table: pd.DataFrame, *, reference: pd.DataFrame | None = None,
                      ax: Any = None, title: str = "Estimates with 95% confidence intervals",
                      xlabel: str = "estimate (units of y per unit of the term)",
                      labels: tuple[str, str] = ("fitted", "published")) -> Any:
    """Draw each coefficient as a point with its confidence interval (a forest plot).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by term with columns ``estimate``, ``ci_low``, ``ci_high``, as
        returned by :func:`mmlab.regression.coefficient_table`.
    reference : pandas.DataFrame, optional
        A second table with the same columns (e.g. a published one from
        :func:`mmlab.regression.published_table`), drawn with hollow markers
        just below each fitted row. Terms missing from it are skipped.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    title, xlabel : str
        The title and the horizontal axis label.
    labels : (str, str), default=("fitted", "published")
        Legend entries of ``table`` and ``reference``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``table`` or ``reference`` is not a DataFrame.
    ValueError
        If a column is missing, the table is empty, or an interval does not contain its estimate.
    """
    import matplotlib.pyplot as plt

    _check_table(table, "table")
    if reference is not None:
        _check_table(reference, "reference")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.6 * len(table) + 1.5))
    terms = list(table.index)
    pos = np.arange(len(terms))[::-1].astype(float)
    shift = 0.15 if reference is not None else 0.0
    est = table["estimate"].to_numpy(float)
    err = np.vstack([est - table["ci_low"].to_numpy(float), table["ci_high"].to_numpy(float) - est])
    ax.errorbar(est, pos + shift, xerr=err, fmt="o", color="C0", capsize=3, label=labels[0])
    if reference is not None:
        shared = [t for t in terms if t in reference.index]
        ref = reference.loc[shared]
        rpos = np.array([pos[terms.index(t)] for t in shared]) - shift
        rest = ref["estimate"].to_numpy(float)
        rerr = np.vstack([rest - ref["ci_low"].to_numpy(float), ref["ci_high"].to_numpy(float) - rest])
        ax.errorbar(rest, rpos, xerr=rerr, fmt="o", mfc="white", color="C1", capsize=3, label=labels[1])
        ax.legend(loc="best")
    ax.axvline(0.0, color="0.5", lw=0.8, ls="--")
    ax.set_yticks(pos, [str(t) for t in terms])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("term")
    ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- #
# interaction plots
# --------------------------------------------------------------------------- #
def plot_interaction(data: pd.DataFrame, *, x: str = "smiling", y: str = "score", group: str = "critic",
                     result: Any = None, weights: Sequence[float] | None = None,
                     group_labels: Mapping[Any, str] | None = None, alpha: float = 0.05,
                     show_data: bool = True, ax: Any = None, title: str | None = None,
                     xlabel: str | None = None, ylabel: str | None = None, n_grid: int = 100) -> Any:
    """Plot ``y`` against ``x`` with one fitted line per level of a binary ``group``, with confidence bands.

    The lines are those of the interaction model

    .. math::

        \\hat y = w_0 + w_1 x + w_2 g + w_3 x g,

    with :math:`g \\in \\{0, 1\\}` the group. The band is the pointwise
    :math:`1-\\alpha` confidence interval of the mean response,
    :math:`\\hat y \\pm t_{1-\\alpha/2, n-p}\\, \\mathrm{SE}(\\hat y)`, from
    ``result.get_prediction``. Parallel lines mean no interaction; a fan means
    the slope of ``x`` depends on the group.

    Parameters
    ----------
    data : pandas.DataFrame
        Holds the columns ``x``, ``y`` and ``group`` (group coded 0/1).
    x, y, group : str
        Column names (default: the book-review study).
    result : statsmodels RegressionResults, optional
        A fitted model of ``y`` on ``x`` and ``group`` (any formula over those
        columns, e.g. the additive one to show its parallel lines). By default
        ``y ~ x * group`` is fitted with the formula API.
    weights : sequence of 4 floats, optional
        Draw the lines of these :math:`(w_0, w_1, w_2, w_3)` instead of a fit
        (no bands). Used by the slider widget.
    group_labels : mapping, optional
        Legend names of the group levels, e.g. ``{0: "non-critic", 1: "critic"}``.
    alpha : float, default=0.05
        One minus the confidence level of the bands.
    show_data : bool, default=True
        Scatter the observations behind the lines.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str, optional
        Default to a description built from the column names.
    n_grid : int, default=100
        Points per line.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or a column is not numeric.
    ValueError
        If a column is missing, ``group`` is not coded 0/1, ``weights`` is not
        4 finite numbers, or both ``result`` and ``weights`` are given.
    """
    import matplotlib.pyplot as plt

    _check_frame(data, [x, y, group])
    levels = _binary_levels(data, group)
    alpha = check_fraction(alpha, "alpha", inclusive=(False, False))
    n_grid = check_positive_int(n_grid, "n_grid", minimum=2)
    if result is not None and weights is not None:
        raise ValueError("give either result (a fitted model) or weights (lines to draw), not both.")
    if weights is not None:
        w = check_array(weights, "weights", ndim=1, dtype=float)
        if w.shape != (4,):
            raise ValueError(f"weights must be 4 numbers (w0, w1, w2, w3); got shape {w.shape}.")
    elif result is None:
        import statsmodels.formula.api as smf

        result = smf.ols(f"{y} ~ {x} * {group}", data=data).fit()
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5))
    names = dict(group_labels or {})
    grid = np.linspace(float(data[x].min()), float(data[x].max()), n_grid)
    for k, level in enumerate(levels):
        color = f"C{k}"
        label = names.get(level, f"{group} = {level}")
        if show_data:
            rows = data[group] == level
            ax.scatter(data.loc[rows, x], data.loc[rows, y], s=12, alpha=0.35, color=color)
        if weights is not None:
            line = w[0] + w[1] * grid + w[2] * level + w[3] * grid * level
            ax.plot(grid, line, color=color, lw=2, label=label)
            continue
        frame = result.get_prediction(pd.DataFrame({x: grid, group: np.full(n_grid, level)})).summary_frame(alpha=alpha)
        ax.plot(grid, frame["mean"], color=color, lw=2, label=label)
        ax.fill_between(grid, frame["mean_ci_lower"], frame["mean_ci_upper"], color=color, alpha=0.2,
                        label=f"{label}: {100 * (1 - alpha):g}% CI of the mean")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    ax.set_title(title or f"{y} vs {x}, one line per {group}")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_residuals(result: Any, data: pd.DataFrame, *, x: str = "smiling", group: str = "critic",
                   group_labels: Mapping[Any, str] | None = None, ax: Any = None,
                   title: str | None = None, xlabel: str | None = None) -> Any:
    """Plot a fitted model's residuals against ``x``, one colour and trend line per group.

    A model that leaves out an interaction shows it here: the residuals
    :math:`e_i = y_i - \\hat y_i` trend up in one group and down in the other
    (each trend line is the least-squares line of :math:`e` on :math:`x` within
    the group; for the additive model its slope is the group's own slope minus
    the common slope).

    Parameters
    ----------
    result : statsmodels RegressionResults
        A model fitted to ``data`` (same rows, same order).
    data : pandas.DataFrame
        Holds the columns ``x`` and ``group`` (coded 0/1).
    x, group : str
    group_labels : mapping, optional
        Legend names of the group levels.
    ax : matplotlib Axes, optional
    title, xlabel : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``result`` has no residuals or ``data`` is not a DataFrame.
    ValueError
        If the number of residuals differs from the number of rows of ``data``.
    """
    import matplotlib.pyplot as plt

    _check_frame(data, [x, group])
    levels = _binary_levels(data, group)
    if not hasattr(result, "resid"):
        raise TypeError(f"result must be a fitted statsmodels model (with .resid); got {type(result).__name__}.")
    resid = np.asarray(result.resid, dtype=float)
    if len(resid) != len(data):
        raise ValueError(f"result and data must describe the same rows; got {len(resid)} residuals and "
                         f"{len(data)} rows. Pass the data frame the model was fitted to.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5))
    names = dict(group_labels or {})
    for k, level in enumerate(levels):
        rows = (data[group] == level).to_numpy()
        xs = data.loc[rows, x].to_numpy(float)
        label = names.get(level, f"{group} = {level}")
        ax.scatter(xs, resid[rows], s=12, alpha=0.35, color=f"C{k}")
        slope, intercept = np.polyfit(xs, resid[rows], 1)
        grid = np.linspace(xs.min(), xs.max(), 2)
        ax.plot(grid, intercept + slope * grid, color=f"C{k}", lw=2, label=f"{label}: trend {slope:+.2f} per unit")
    ax.axhline(0.0, color="0.5", lw=0.8, ls="--")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel("residual (observed − fitted)")
    ax.set_title(title or f"Residuals vs {x}, by {group}")
    ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- #
# training curves
# --------------------------------------------------------------------------- #
def plot_history(history: Any, *, metrics: Sequence[str] | None = None, title: str = "Training curves",
                 figsize: tuple[float, float] | None = None) -> Any:
    """Plot the loss and metrics of a training run per epoch, training and validation together.

    One panel for the loss (``history.loss`` and, when recorded,
    ``history.val_loss``) and one per metric ``m`` (``history.metrics[m]`` and
    ``history.metrics["val_" + m]`` when present).

    Parameters
    ----------
    history : mmlab.train.History or similar
        Has ``epoch`` (list of int), ``loss`` (list of float), ``val_loss``
        (list of float, possibly empty) and ``metrics`` (dict of name to list
        of float; validation metrics are named ``"val_<name>"``).
    metrics : sequence of str, optional
        Training metrics to plot (without the ``val_`` prefix); default all.
    title : str
        The figure's title.
    figsize : (float, float), optional
        Default ``(4 * panels, 3.5)``.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``history`` lacks one of the four attributes.
    ValueError
        If it holds no epochs, a series' length differs from the number of
        epochs, or a requested metric is not recorded.
    """
    import matplotlib.pyplot as plt

    missing = [a for a in ("epoch", "loss", "val_loss", "metrics") if not hasattr(history, a)]
    if missing:
        raise TypeError(f"history must have the attributes epoch, loss, val_loss and metrics (as "
                        f"mmlab.train.History has); got {type(history).__name__} without {missing}.")
    epochs = list(history.epoch)
    if not epochs:
        raise ValueError("history holds no epochs; train for at least one epoch before plotting.")
    recorded = dict(history.metrics)
    available = [m for m in recorded if not m.startswith("val_")]
    if metrics is None:
        metrics = available
    elif isinstance(metrics, str):
        raise TypeError(f"metrics must be a list of names; got the string {metrics!r}. Wrap it: [{metrics!r}].")
    unknown = [m for m in metrics if m not in available]
    if unknown:
        raise ValueError(f"metrics {unknown} are not recorded in history; it has {available}.")
    series = {"loss": list(history.loss), "val_loss": list(history.val_loss)}
    series.update({k: list(v) for k, v in recorded.items()})
    for name, values in series.items():
        if values and len(values) != len(epochs):
            raise ValueError(f"history.{name} has {len(values)} values for {len(epochs)} epochs; "
                             "every recorded series needs one value per epoch.")
    panels = ["loss", *metrics]
    fig, axes = plt.subplots(1, len(panels), figsize=figsize or (4 * len(panels), 3.5), squeeze=False)
    for ax, name in zip(axes[0], panels):
        ax.plot(epochs, series[name], marker="o", ms=3, label=f"training {name}")
        if series.get(f"val_{name}"):
            ax.plot(epochs, series[f"val_{name}"], marker="s", ms=3, label=f"validation {name}")
            ax.legend(loc="best", fontsize="small")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(name)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _check_table(table: Any, name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame with columns estimate, ci_low, ci_high; "
                        f"got {type(table).__name__}.")
    missing = [c for c in ("estimate", "ci_low", "ci_high") if c not in table.columns]
    if missing:
        raise ValueError(f"{name} must have the columns estimate, ci_low, ci_high; it lacks {missing}. "
                         "Build it with mmlab.regression.coefficient_table or published_table.")
    if table.empty:
        raise ValueError(f"{name} must hold at least one term; got an empty table.")
    bad = table.index[(table["ci_low"] > table["estimate"]) | (table["estimate"] > table["ci_high"])]
    if len(bad):
        raise ValueError(f"{name}: each interval must contain its estimate (ci_low <= estimate <= ci_high); "
                         f"it does not for {list(bad)}.")


def _check_frame(data: Any, columns: Sequence[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"data must have the columns {list(columns)}; it lacks {missing} "
                         f"(it has {list(data.columns)}).")
    for c in columns:
        if not pd.api.types.is_numeric_dtype(data[c]):
            raise TypeError(f"data[{c!r}] must be numeric; got dtype {data[c].dtype}.")
        check_array(data[c].to_numpy(), f"data[{c!r}]")


def _binary_levels(data: pd.DataFrame, group: str) -> list[int]:
    values = set(np.unique(data[group].to_numpy()).tolist())
    if not values <= {0, 1} or not values:
        raise ValueError(f"data[{group!r}] must be coded 0/1; got the values {sorted(values)[:6]}.")
    return sorted(int(v) for v in values)


# the topic modules (imported last: they are independent of the helpers above)
from mmlab._viz_fusion import plot_cell_table, plot_params_vs_score, plot_per_sample, plot_score_bars  # noqa: E402
from mmlab._viz_pid import (  # noqa: E402
    ATOM_COLORS, ATOM_LABELS, ATOM_NAMES, plot_atoms, plot_atoms_path, plot_joint_table,
)
from mmlab._viz_quantify import plot_contributions, plot_emap, plot_model_selection, plot_strengths  # noqa: E402
