"""Plotting helpers of the fusion lectures (import them from :mod:`mmlab.viz`).

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), sets a title and axis labels, and returns the Axes; none calls
``plt.show()``.

- :func:`plot_score_bars`: grouped bars, e.g. accuracy by planted interaction
  and fusion operator, mixture weights by task, unimodal versus fused accuracy.
- :func:`plot_cell_table`: a model's mean prediction in each cell of two
  binary factors (does it compute XOR?).
- :func:`plot_per_sample`: one value per sample, as a jittered strip per group
  (gate values by corruption status, shift sizes by cue).
- :func:`plot_params_vs_score`: test score against parameter count (log scale).

Used by: ``lectures/1_representation/02`` to ``05`` (fusion notebooks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mmlab._validation import check_array, check_random_state, check_same_length

__all__ = ["plot_cell_table", "plot_params_vs_score", "plot_per_sample", "plot_score_bars"]


def plot_score_bars(table: Mapping[str, Mapping[str, float]], *, ax: Any = None, title: str = "Test accuracy",
                    ylabel: str = "test accuracy", xlabel: str = "", reference: float | None = None,
                    reference_label: str = "chance", ylim: tuple[float, float] | None = None,
                    annotate: bool = True) -> Any:
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
        raise TypeError("table must be a mapping of group -> {bar: value}, e.g. "
                        f"{{'synergy': {{'additive': 0.5}}}}; got {type(table).__name__}.")
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
                ax.annotate(f"{v:.2f}", (pos, v), ha="center", va="bottom", fontsize="x-small", xytext=(0, 1),
                            textcoords="offset points")
    if reference is not None:
        ax.axhline(float(reference), color="gray", ls="--", lw=1, label=reference_label)
    ax.set_xticks(x)
    ax.set_xticklabels(groups)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(bars) > 4:  # many names: keep the legend off the bars
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    elif len(bars) > 1 or reference is not None:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_cell_table(table: Any, *, ax: Any = None, title: str = "Mean predicted P(y = 1) per cell",
                    xlabel: str = "bit of modality B", ylabel: str = "bit of modality A",
                    value_label: str = "P(y = 1)", vmin: float = 0.0, vmax: float = 1.0) -> Any:
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
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=value_label)
    return ax


def plot_per_sample(values: Any, groups: Any, *, names: Mapping[Any, str] | None = None, ax: Any = None,
                    title: str = "Per-sample values by group", ylabel: str = "value", xlabel: str = "",
                    reference: float | None = None, random_state: int = 0) -> Any:
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
        ax.annotate(f"mean {sel.mean():.2f}", (k, sel.mean()), xytext=(0, 4), textcoords="offset points",
                    ha="center", fontsize="x-small")
    if reference is not None:
        ax.axhline(float(reference), color="gray", ls="--", lw=1)
    ax.set_xticks(range(len(levels)))
    ax.set_xticklabels([names.get(level, str(level)) for level in levels])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return ax


def plot_params_vs_score(names: Sequence[str], params: Any, scores: Any, *, ax: Any = None,
                         title: str = "Test score against parameter count",
                         xlabel: str = "fusion parameters (log scale)", ylabel: str = "test accuracy",
                         ylim: tuple[float, float] | None = (0.0, 1.05)) -> Any:
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
    for k, (name, pk, sk) in enumerate(zip(names, p, s)):
        ax.scatter([pk], [sk], s=40, color=f"C{k % 10}", label=name)
        ax.annotate(name, (pk, sk), xytext=(4, -10), textcoords="offset points", fontsize="small")
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.set_xlim(p.min() / 3, p.max() * 3)
    ax.xaxis.set_minor_formatter(NullFormatter())
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return ax
