"""Plots of the transference chapter: labelled matrices (similarities, FiLM scales, heterogeneity) and curves.

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), labels its axes, sets a title, and returns the Axes; none calls
``plt.show()``.

Used by: ``lectures/5_transference/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mmlab._validation import check_array

__all__ = ["plot_curves", "plot_matrix"]


def plot_matrix(
    values: Any,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    ax: Any = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    colorbar: str = "",
    cmap: str = "viridis",
    center: float | None = None,
    annotate: bool = True,
    fmt: str = "{:.2f}",
) -> Any:
    """Draw a matrix as a heat map with labelled rows and columns and (optionally) the values written in.

    Parameters
    ----------
    values : array-like of shape (R, C)
    row_labels, col_labels : sequence of str
        ``R`` and ``C`` labels.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel, colorbar : str
        Title, axis labels and colour-bar label.
    cmap : str, default="viridis"
    center : float, optional
        Centre a diverging colour map on this value (symmetric limits), e.g. 0
        for gains that can be negative.
    annotate : bool, default=True
    fmt : str, default="{:.2f}"

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``values`` is not 2-D, holds NaN, or the label counts do not match its shape.

    Examples
    --------
    >>> ax = plot_matrix([[1.0, 0.2], [0.2, 1.0]], ["a", "b"], ["a", "b"], title="similarity")
    >>> ax.get_title()
    'similarity'
    """
    import matplotlib.pyplot as plt

    m = check_array(values, "values", ndim=2, dtype=float)
    if m.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"values has shape {m.shape} but {len(row_labels)} row and {len(col_labels)} column labels were given."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.75 * m.shape[1], 0.8 + 0.45 * m.shape[0]))
    limits = {}
    if center is not None:
        span = float(np.abs(m - center).max()) or 1.0
        limits = {"vmin": center - span, "vmax": center + span}
    image = ax.imshow(m, cmap=cmap, aspect="auto", **limits)
    ax.set_xticks(range(m.shape[1]), [str(c) for c in col_labels], rotation=30, ha="right")
    ax.set_yticks(range(m.shape[0]), [str(r) for r in row_labels])
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if annotate:
        mid = (image.norm.vmin + image.norm.vmax) / 2
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                dark = m[i, j] < mid if center is None else abs(m[i, j] - center) > (image.norm.vmax - center) / 2
                ax.text(
                    j, i, fmt.format(m[i, j]), ha="center", va="center", fontsize=8, color="white" if dark else "black"
                )
    ax.figure.colorbar(image, ax=ax, label=colorbar)
    return ax


def plot_curves(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    ax: Any = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "accuracy",
    chance: float | None = None,
    logx: bool = False,
    ylim: tuple[float, float] | None = (0.0, 1.0),
) -> Any:
    """Draw one line with markers per series over a shared x axis (optionally log), with a chance line.

    Parameters
    ----------
    x : sequence of float
    series : mapping of str to sequence of float
        Each of the same length as ``x``.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str
    chance : float, optional
        Draws a dashed horizontal line labelled "chance".
    logx : bool, default=False
    ylim : (float, float) or None, default=(0, 1)

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``series`` is empty or a series' length differs from ``x``'s.

    Examples
    --------
    >>> ax = plot_curves([1, 2, 4], {"a": [0.2, 0.4, 0.6]}, title="curve", chance=0.1)
    >>> len(ax.lines)
    2
    """
    import matplotlib.pyplot as plt

    xs = check_array(x, "x", ndim=1, dtype=float)
    if not series:
        raise ValueError("series must hold at least one named curve.")
    for name, ys in series.items():
        if len(ys) != len(xs):
            raise ValueError(f"series {name!r} has {len(ys)} values but x has {len(xs)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    for name, ys in series.items():
        ax.plot(xs, np.asarray(ys, dtype=float), marker="o", label=name)
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle="--", linewidth=1, label="chance")
    if logx:
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs, [f"{v:g}" for v in xs])
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax
