"""Plotting helpers of challenge 1, representation: interaction regression and fusion.

- regression: :func:`plot_coefficients` (forest plot of estimates and CIs),
  :func:`plot_interaction` (fitted lines per group), :func:`plot_residuals`;
- fusion: :func:`plot_score_bars` (grouped bars, e.g. accuracy by planted
  interaction and operator), :func:`plot_cell_table` (a model's mean
  prediction per cell of two binary factors), :func:`plot_per_sample` (one
  value per sample as a jittered strip per group), :func:`plot_params_vs_score`;
- coordination, fission and intermediate fusion (lectures 1.6-1.10):
  :func:`plot_canonical_pairs`, :func:`plot_similarity`, :func:`plot_series`,
  :func:`plot_cost_curves` (log-log with fitted slopes), :func:`plot_probe_table`.

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), labels its axes, sets a title, and returns the Axes; none calls
``plt.show()``.

Used by: ``lectures/1_representation`` and ``labs/1_representation``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import check_array, check_fraction, check_positive_int, check_random_state, check_same_length
from mmlab.viz._common import _binary_levels, _check_frame, _check_table, _label_axes

__all__ = [
    "plot_cell_table",
    "plot_coefficients",
    "plot_interaction",
    "plot_params_vs_score",
    "plot_per_sample",
    "plot_residuals",
    "plot_score_bars",
    # coordination, fission, intermediate fusion
    "plot_canonical_pairs",
    "plot_cost_curves",
    "plot_probe_table",
    "plot_series",
    "plot_similarity",
]


# --------------------------------------------------------------------------- #
# coefficient tables
# --------------------------------------------------------------------------- #
def plot_coefficients(
    table: pd.DataFrame,
    *,
    reference: pd.DataFrame | None = None,
    ax: Any = None,
    title: str = "Estimates with 95% confidence intervals",
    xlabel: str = "estimate (units of y per unit of the term)",
    labels: tuple[str, str] = ("fitted", "published"),
) -> Any:
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
    return _label_axes(ax, xlabel, "term", title)


# --------------------------------------------------------------------------- #
# interaction plots
# --------------------------------------------------------------------------- #
def plot_interaction(
    data: pd.DataFrame,
    *,
    x: str = "smiling",
    y: str = "score",
    group: str = "critic",
    result: Any = None,
    weights: Sequence[float] | None = None,
    group_labels: Mapping[Any, str] | None = None,
    alpha: float = 0.05,
    show_data: bool = True,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    n_grid: int = 100,
) -> Any:
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
        ax.fill_between(
            grid,
            frame["mean_ci_lower"],
            frame["mean_ci_upper"],
            color=color,
            alpha=0.2,
            label=f"{label}: {100 * (1 - alpha):g}% CI of the mean",
        )
    return _label_axes(
        ax, xlabel or x, ylabel or y, title or f"{y} vs {x}, one line per {group}", loc="best", fontsize="small"
    )


def plot_residuals(
    result: Any,
    data: pd.DataFrame,
    *,
    x: str = "smiling",
    group: str = "critic",
    group_labels: Mapping[Any, str] | None = None,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
) -> Any:
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
        raise ValueError(
            f"result and data must describe the same rows; got {len(resid)} residuals and "
            f"{len(data)} rows. Pass the data frame the model was fitted to."
        )
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
    return _label_axes(
        ax,
        xlabel or x,
        "residual (observed − fitted)",
        title or f"Residuals vs {x}, by {group}",
        loc="best",
        fontsize="small",
    )


# --------------------------------------------------------------------------- #
# fusion
# --------------------------------------------------------------------------- #
def plot_score_bars(
    table: Mapping[str, Mapping[str, float]],
    *,
    ax: Any = None,
    title: str = "Test accuracy",
    ylabel: str = "test accuracy",
    xlabel: str = "",
    reference: float | None = None,
    reference_label: str = "chance",
    ylim: tuple[float, float] | None = None,
    annotate: bool = True,
) -> Any:
    """Draw grouped bars: one group per outer key, one bar per inner key.

    Parameters
    ----------
    table : mapping of str to mapping of str to float
        ``table[group][bar]``, e.g. ``{"synergy": {"additive": 0.5, "tensor": 0.99}}``.
        A group shows only the bars it has, side by side; a bar keeps its colour across groups.
    ax : matplotlib Axes, optional
    title, ylabel, xlabel : str
    reference : float, optional
        Draw a dashed horizontal line there (e.g. chance accuracy).
    reference_label : str, default="chance"
    ylim : (float, float), optional
    annotate : bool, default=True
        Write each bar's value above it.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``table`` is not a mapping of mappings.
    ValueError
        If it is empty or holds a value that is not finite.
    """
    import matplotlib.pyplot as plt

    if not isinstance(table, Mapping) or not all(isinstance(v, Mapping) for v in table.values()):
        raise TypeError(
            "table must be a mapping of group -> {bar: value}, e.g. "
            f"{{'synergy': {{'additive': 0.5}}}}; got {type(table).__name__}."
        )
    if not table or not any(table.values()):
        raise ValueError("table must hold at least one value; got an empty table.")
    groups = list(table)
    bars = list(dict.fromkeys(b for g in groups for b in table[g]))
    values = np.array([[float(table[g].get(b, np.nan)) for b in bars] for g in groups])
    if np.any(np.isinf(values)) or np.all(np.isnan(values)):
        raise ValueError("table values must be finite numbers.")
    present = [[j for j, b in enumerate(bars) if np.isfinite(values[i, j])] for i in range(len(groups))]
    per_group = max(len(p) for p in present)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.55 * sum(len(p) for p in present) + 0.6 * len(groups) + 1.5), 3.6))
    width = 0.8 / per_group
    x = np.arange(len(groups))
    labelled: set[int] = set()
    for i, cols in enumerate(present):
        for slot, j in enumerate(cols):  # the group's bars side by side, centred on the group
            pos = x[i] - width * len(cols) / 2 + width * (slot + 0.5)
            v = values[i, j]
            ax.bar([pos], [v], width=width, color=f"C{j % 10}", label=None if j in labelled else bars[j])
            labelled.add(j)
            if annotate:
                ax.annotate(
                    f"{v:.2f}",
                    (pos, v),
                    ha="center",
                    va="bottom",
                    fontsize="x-small",
                    xytext=(0, 1),
                    textcoords="offset points",
                )
    if reference is not None:
        ax.axhline(float(reference), color="gray", ls="--", lw=1, label=reference_label)
    ax.set_xticks(x)
    ax.set_xticklabels(groups)
    if ylim is not None:
        ax.set_ylim(*ylim)
    _label_axes(ax, xlabel or "", ylabel, title)
    if len(bars) > 4:  # many names: keep the legend off the bars
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    elif len(bars) > 1 or reference is not None:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_cell_table(
    table: Any,
    *,
    ax: Any = None,
    title: str = "Mean predicted P(y = 1) per cell",
    xlabel: str = "bit of modality B",
    ylabel: str = "bit of modality A",
    value_label: str = "P(y = 1)",
    vmin: float = 0.0,
    vmax: float = 1.0,
) -> Any:
    """Show a small table of values (e.g. a model's mean prediction per factor cell) as an annotated heat map.

    Parameters
    ----------
    table : array-like of shape (r, c)
        ``table[a, b]`` is the value in the cell where modality A's factor is
        ``a`` and modality B's factor is ``b``.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel, value_label : str
        ``value_label`` names the colour bar.
    vmin, vmax : float
        Colour range.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``table`` is not two-dimensional or not finite.
    """
    import matplotlib.pyplot as plt

    t = check_array(table, "table", ndim=2, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.4, 3.0))
    im = ax.imshow(t, cmap="coolwarm", vmin=vmin, vmax=vmax)
    for (i, j), v in np.ndenumerate(t):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize="small")
    ax.set_xticks(range(t.shape[1]))
    ax.set_yticks(range(t.shape[0]))
    _label_axes(ax, xlabel, ylabel, title)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=value_label)
    return ax


def plot_per_sample(
    values: Any,
    groups: Any,
    *,
    names: Mapping[Any, str] | None = None,
    ax: Any = None,
    title: str = "Per-sample values by group",
    ylabel: str = "value",
    xlabel: str = "",
    reference: float | None = None,
    random_state: int = 0,
) -> Any:
    """Draw one dot per sample, in a jittered column per group, with each group's mean as a bar.

    Parameters
    ----------
    values : array-like of shape (n,)
        One value per sample (e.g. the weight a gate gives modality A).
    groups : array-like of shape (n,)
        The group of each sample (e.g. 0 clean, 1 A corrupted, 2 B corrupted).
    names : mapping of group -> str, optional
        Tick labels; default the group values.
    ax : matplotlib Axes, optional
    title, ylabel, xlabel : str
    reference : float, optional
        A dashed horizontal line (e.g. 0.5, an even split).
    random_state : int, default=0
        Seeds the horizontal jitter (the figure is reproducible).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``values`` and ``groups`` differ in length, are empty, or ``values`` is not finite.
    """
    import matplotlib.pyplot as plt

    v = check_array(values, "values", ndim=1, dtype=float)
    g = check_array(groups, "groups", ndim=1, finite=False)
    check_same_length([v, g], ["values", "groups"])
    if v.size == 0:
        raise ValueError("values must hold at least one sample; got none.")
    levels = list(dict.fromkeys(np.sort(np.unique(g)).tolist()))
    names = dict(names or {})
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * len(levels) + 2, 3.6))
    rng = check_random_state(random_state)
    for k, level in enumerate(levels):
        sel = v[g == level]
        ax.scatter(k + rng.uniform(-0.25, 0.25, sel.size), sel, s=6, alpha=0.5, color=f"C{k % 10}")
        ax.hlines(sel.mean(), k - 0.35, k + 0.35, color="black", lw=2)
        ax.annotate(
            f"mean {sel.mean():.2f}",
            (k, sel.mean()),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize="x-small",
        )
    if reference is not None:
        ax.axhline(float(reference), color="gray", ls="--", lw=1)
    ax.set_xticks(range(len(levels)))
    ax.set_xticklabels([names.get(level, str(level)) for level in levels])
    return _label_axes(ax, xlabel, ylabel, title)


def plot_params_vs_score(
    names: Sequence[str],
    params: Any,
    scores: Any,
    *,
    ax: Any = None,
    title: str = "Test score against parameter count",
    xlabel: str = "fusion parameters (log scale)",
    ylabel: str = "test accuracy",
    ylim: tuple[float, float] | None = (0.0, 1.05),
) -> Any:
    """Scatter each model's test score against its parameter count, with a log horizontal axis.

    Parameters
    ----------
    names : sequence of str
        One label per model.
    params : array-like of shape (m,)
        Positive parameter counts.
    scores : array-like of shape (m,)
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str
    ylim : (float, float) or None, default=(0, 1.05)
        Vertical range (``None``: matplotlib's choice).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the lengths differ or a parameter count is not positive.
    """
    import matplotlib.pyplot as plt

    p = check_array(params, "params", ndim=1, dtype=float)
    s = check_array(scores, "scores", ndim=1, dtype=float)
    names = [str(n) for n in names]
    check_same_length([names, p, s], ["names", "params", "scores"])
    if np.any(p <= 0):
        raise ValueError(f"params must be positive counts; got {p.tolist()}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6))
    for k, (name, pk, sk) in enumerate(zip(names, p, s, strict=True)):
        ax.scatter([pk], [sk], s=40, color=f"C{k % 10}", label=name)
        ax.annotate(name, (pk, sk), xytext=(4, -10), textcoords="offset points", fontsize="small")
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.set_xlim(p.min() / 3, p.max() * 3)
    ax.xaxis.set_minor_formatter(NullFormatter())
    if ylim is not None:
        ax.set_ylim(*ylim)
    return _label_axes(ax, xlabel, ylabel, title)


# --------------------------------------------------------------------------- #
# coordination, fission, intermediate fusion (lectures 1.6-1.10)
# --------------------------------------------------------------------------- #
def plot_canonical_pairs(
    u: Any,
    v: Any,
    *,
    ax: Any = None,
    title: str = "First canonical pair",
    xlabel: str = "canonical variate of modality A",
    ylabel: str = "canonical variate of modality B",
    max_points: int = 500,
) -> Any:
    """Scatter the first canonical variate of one modality against the other's, with their correlation.

    Parameters
    ----------
    u, v : array-like of shape (n,) or (n, K)
        Canonical variates (the first column is drawn).
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str
    max_points : int, default=500
        At most this many points (the first ones).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``u`` and ``v`` differ in length, are empty or not finite.
    """
    import matplotlib.pyplot as plt

    a = check_array(u, "u", ndim=(1, 2), dtype=float)
    b = check_array(v, "v", ndim=(1, 2), dtype=float)
    a, b = (x if x.ndim == 1 else x[:, 0] for x in (a, b))
    check_same_length([a, b], ["u", "v"])
    if a.size < 2:
        raise ValueError("u and v must hold at least 2 samples.")
    k = min(a.size, check_positive_int(max_points, "max_points"))
    if ax is None:
        _, ax = plt.subplots(figsize=(3.8, 3.6))
    ax.scatter(a[:k], b[:k], s=6, alpha=0.5)
    ax.annotate(f"corr = {np.corrcoef(a, b)[0, 1]:.2f}", (0.03, 0.93), xycoords="axes fraction", fontsize="small")
    return _label_axes(ax, xlabel, ylabel, title)


def plot_similarity(
    similarity: Any,
    *,
    n_show: int = 32,
    ax: Any = None,
    title: str = "Cross-modal similarity (pairs on the diagonal)",
    xlabel: str = "candidate (modality B)",
    ylabel: str = "query (modality A)",
) -> Any:
    """Show the top-left ``n_show`` x ``n_show`` block of a query x candidate similarity matrix as a heat map.

    Parameters
    ----------
    similarity : array-like of shape (n, n)
    n_show : int, default=32
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``similarity`` is not 2-D or not finite.
    """
    import matplotlib.pyplot as plt

    s = check_array(similarity, "similarity", ndim=2, dtype=float)
    k = min(check_positive_int(n_show, "n_show"), *s.shape)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6))
    im = ax.imshow(s[:k, :k], cmap="viridis")
    _label_axes(ax, xlabel, ylabel, title)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="similarity")
    return ax


def plot_series(
    x: Any,
    series: Mapping[str, Any],
    *,
    ax: Any = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    logx: bool = False,
    logy: bool = False,
    reference: float | None = None,
    reference_label: str = "chance",
    markers: bool = True,
) -> Any:
    """Draw one line per named series against a shared x axis (e.g. recall against batch size).

    Parameters
    ----------
    x : array-like of shape (m,)
    series : mapping of str to array-like of shape (m,)
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str
    logx, logy : bool, default=False
        Logarithmic axes (values must then be positive).
    reference : float, optional
        A dashed horizontal line.
    reference_label : str, default="chance"
    markers : bool, default=True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``series`` is not a non-empty mapping.
    ValueError
        If a series' length differs from ``x``, or a log axis gets a non-positive value.
    """
    import matplotlib.pyplot as plt

    xs = check_array(x, "x", ndim=1, dtype=float)
    if not isinstance(series, Mapping) or not series:
        raise TypeError(f"series must be a non-empty mapping name -> values; got {type(series).__name__}.")
    values = {name: check_array(y, f"series[{name!r}]", ndim=1, dtype=float) for name, y in series.items()}
    for name, y in values.items():
        check_same_length([xs, y], ["x", f"series[{name!r}]"])
        if logy and (y <= 0).any():
            raise ValueError(f"series[{name!r}] must be positive on a log axis.")
    if logx and (xs <= 0).any():
        raise ValueError("x must be positive on a log axis.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6))
    for k, (name, y) in enumerate(values.items()):
        ax.plot(xs, y, marker="o" if markers else None, ms=4, color=f"C{k % 10}", label=name)
    if reference is not None:
        ax.axhline(float(reference), color="gray", ls="--", lw=1, label=reference_label)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    return _label_axes(ax, xlabel, ylabel, title, loc="best", fontsize="small")


def plot_cost_curves(
    lengths: Any,
    costs: Mapping[str, Any],
    *,
    ax: Any = None,
    title: str = "Cost of one fusion layer",
    xlabel: str = "tokens per modality L (log scale)",
    ylabel: str = "FLOPs (log scale)",
) -> Any:
    """Log-log cost curves, one per kind, each labelled with its fitted slope (1 = linear, 2 = quadratic).

    Parameters
    ----------
    lengths : array-like of shape (m,)
    costs : mapping of str to array-like of shape (m,)
        Positive costs (FLOPs or seconds) per kind.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        As :func:`plot_series` with both axes logarithmic.
    """
    from mmlab.fusion import loglog_slope

    lab = {f"{name} (slope {loglog_slope(lengths, c):.2f})": c for name, c in costs.items()}
    return plot_series(lengths, lab, ax=ax, title=title, xlabel=xlabel, ylabel=ylabel, logx=True, logy=True)


def plot_probe_table(
    table: Any,
    *,
    chance: float | None = None,
    ax: Any = None,
    title: str = "Linear-probe accuracy",
    xlabel: str = "planted factor",
    ylabel: str = "code",
) -> Any:
    """Show a codes x factors table of probe accuracies as an annotated heat map.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows: codes; columns: factors; entries in [0, 1].
    chance : float, optional
        Chance accuracy, printed in the title and used as the bottom of the colour scale.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``table`` is not a data frame.
    ValueError
        If it is empty or holds values that are not finite.
    """
    import matplotlib.pyplot as plt

    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame (codes x factors); got {type(table).__name__}.")
    t = check_array(table.to_numpy(dtype=float), "table", ndim=2)
    if t.size == 0:
        raise ValueError("table must hold at least one value.")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * t.shape[1] + 2.6, 0.6 * t.shape[0] + 1.8))
    im = ax.imshow(t, cmap="viridis", vmin=0.0 if chance is None else float(chance), vmax=1.0)
    for (i, j), v in np.ndenumerate(t):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize="small", color="white" if v < 0.6 else "black")
    ax.set_xticks(range(t.shape[1]))
    ax.set_xticklabels([str(c) for c in table.columns])
    ax.set_yticks(range(t.shape[0]))
    ax.set_yticklabels([str(r) for r in table.index])
    _label_axes(ax, xlabel, ylabel, title if chance is None else f"{title} (chance {chance:.2f})")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="accuracy")
    return ax
