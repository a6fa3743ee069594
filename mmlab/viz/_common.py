"""Shared plotting helpers: training curves, and the input checks every plot uses.

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), labels its axes, sets a title, and returns the Axes or Figure; none
calls ``plt.show()``.

Used by: every notebook that trains a model (:func:`plot_history`), and the
other files of :mod:`mmlab.viz`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import check_array

__all__ = ["plot_history"]


# --------------------------------------------------------------------------- #
# training curves
# --------------------------------------------------------------------------- #
def plot_history(
    history: Any,
    *,
    metrics: Sequence[str] | None = None,
    title: str = "Training curves",
    figsize: tuple[float, float] | None = None,
) -> Any:
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
        raise TypeError(
            f"history must have the attributes epoch, loss, val_loss and metrics (as "
            f"mmlab.train.History has); got {type(history).__name__} without {missing}."
        )
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
            raise ValueError(
                f"history.{name} has {len(values)} values for {len(epochs)} epochs; "
                "every recorded series needs one value per epoch."
            )
    panels = ["loss", *metrics]
    fig, axes = plt.subplots(1, len(panels), figsize=figsize or (4 * len(panels), 3.5), squeeze=False)
    for ax, name in zip(axes[0], panels, strict=True):
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
def _label_axes(ax: Any, xlabel: str, ylabel: str, title: str, **legend: Any) -> Any:
    """Set the axis labels and the title of ``ax``; given legend options, draw its legend with them. Return ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
    xlabel, ylabel, title : str
    **legend
        Keyword arguments of ``ax.legend`` (``loc=``, ``fontsize=`` ...); none, no legend.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, so a plotting function can end with ``return _label_axes(ax, ...)``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="identity")
    >>> ax = _label_axes(ax, "x", "y", "A line", loc="best")
    >>> ax.get_xlabel(), ax.get_title(), ax.get_legend() is not None
    ('x', 'A line', True)
    >>> plt.close("all")
    """
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        ax.legend(**legend)
    return ax


def _check_table(table: Any, name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame with columns estimate, ci_low, ci_high; got {type(table).__name__}."
        )
    missing = [c for c in ("estimate", "ci_low", "ci_high") if c not in table.columns]
    if missing:
        raise ValueError(
            f"{name} must have the columns estimate, ci_low, ci_high; it lacks {missing}. "
            "Build it with mmlab.regression.coefficient_table or published_table."
        )
    if table.empty:
        raise ValueError(f"{name} must hold at least one term; got an empty table.")
    bad = table.index[(table["ci_low"] > table["estimate"]) | (table["estimate"] > table["ci_high"])]
    if len(bad):
        raise ValueError(
            f"{name}: each interval must contain its estimate (ci_low <= estimate <= ci_high); "
            f"it does not for {list(bad)}."
        )


def _check_frame(data: Any, columns: Sequence[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"data must have the columns {list(columns)}; it lacks {missing} (it has {list(data.columns)})."
        )
    for c in columns:
        if not pd.api.types.is_numeric_dtype(data[c]):
            raise TypeError(f"data[{c!r}] must be numeric; got dtype {data[c].dtype}.")
        check_array(data[c].to_numpy(), f"data[{c!r}]")


def _binary_levels(data: pd.DataFrame, group: str) -> list[int]:
    values = set(np.unique(data[group].to_numpy()).tolist())
    if not values <= {0, 1} or not values:
        raise ValueError(f"data[{group!r}] must be coded 0/1; got the values {sorted(values)[:6]}.")
    return sorted(int(v) for v in values)
