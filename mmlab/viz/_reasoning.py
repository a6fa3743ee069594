"""Plots of the reasoning chapter: scenes with their questions, attention maps, intervention reports.

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), labels its axes, sets a title, and returns the Axes or Figure; none
calls ``plt.show()``.

Used by: ``lectures/3_reasoning`` and ``labs/3_reasoning``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["plot_attention_maps", "plot_intervention_report", "plot_scenes"]


def plot_scenes(
    scenes: Any,
    index: Sequence[int] | None = None,
    *,
    titles: Sequence[str] | None = None,
    title: str = "Scenes of the scene world",
    ncols: int = 4,
) -> Any:
    """Draw scenes as images, one panel each, with an optional title per panel (a question and its answer).

    Parameters
    ----------
    scenes : mmlab.data.Scenes
    index : sequence of int, optional
        Which scenes; default the first ``ncols``.
    titles : sequence of str, optional
        One per panel.
    title : str
    ncols : int, default=4

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``scenes`` has no ``images`` of shape (n, 3, H, W).
    ValueError
        If ``titles`` does not have one entry per panel, or an index is out of range.
    """
    import matplotlib.pyplot as plt

    images = getattr(scenes, "images", None)
    if images is None or np.ndim(images) != 4 or np.shape(images)[1] != 3:
        raise TypeError("scenes must be an mmlab.data.Scenes (images of shape (n, 3, H, W)).")
    index = list(range(min(ncols, len(images)))) if index is None else [int(i) for i in index]
    if any(i < 0 or i >= len(images) for i in index):
        raise ValueError(f"index must lie in [0, {len(images)}); got {index}.")
    if titles is not None and len(titles) != len(index):
        raise ValueError(f"titles must have one entry per panel ({len(index)}); got {len(titles)}.")
    rows = int(np.ceil(len(index) / ncols))
    fig, axes = plt.subplots(rows, ncols, figsize=(2.4 * ncols, 2.6 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(index):
            ax.axis("off")
            continue
        ax.imshow(np.transpose(images[index[k]], (1, 2, 0)))
        ax.set(xticks=[], yticks=[], xlabel="column", ylabel="row")
        ax.set_title(titles[k] if titles is not None else f"scene {index[k]}", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_attention_maps(
    image: Any,
    maps: Mapping[str, Any],
    *,
    title: str = "Attention maps composed by a program",
) -> Any:
    """Draw one scene and a row of attention maps over its grid (e.g. "red", "circle", "red AND circle").

    Parameters
    ----------
    image : array-like of shape (3, H, W)
    maps : mapping of str to array-like of shape (rows, cols)
        Maps with values in [0, 1], drawn left to right under their names.
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``image`` is not (3, H, W), ``maps`` is empty, or a map is not 2-D.
    """
    import matplotlib.pyplot as plt

    img = np.asarray(image.detach().cpu() if hasattr(image, "detach") else image, dtype=float)
    if img.ndim != 3 or img.shape[0] != 3:
        raise ValueError(f"image must have shape (3, H, W); got {img.shape}.")
    if not maps:
        raise ValueError("maps must hold at least one attention map.")
    fig, axes = plt.subplots(1, 1 + len(maps), figsize=(2.5 * (1 + len(maps)), 2.8))
    axes[0].imshow(np.transpose(img, (1, 2, 0)))
    axes[0].set(title="scene", xticks=[], yticks=[], xlabel="column", ylabel="row")
    for ax, (name, m) in zip(axes[1:], maps.items(), strict=True):
        a = np.asarray(m.detach().cpu() if hasattr(m, "detach") else m, dtype=float)
        if a.ndim != 2:
            raise ValueError(f"map {name!r} must be 2-D (rows, cols); got shape {a.shape}.")
        im = ax.imshow(a, vmin=0, vmax=1, cmap="viridis")
        ax.set(title=name, xticks=range(a.shape[1]), yticks=range(a.shape[0]), xlabel="column", ylabel="row")
    fig.colorbar(im, ax=list(axes[1:]), shrink=0.8, label="attention")
    fig.suptitle(title)
    return fig


def plot_intervention_report(
    reports: Mapping[str, Any], *, ax: Any = None, title: str = "Intervention test: failure rate per edit"
) -> Any:
    """Bars of the failure rate of each edit, one group per model (:func:`mmlab.reason.intervention_test`).

    Parameters
    ----------
    reports : mapping of str to InterventionReport
        Model name -> its report; all reports list the same edits.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``reports`` is empty or the reports list different edits.
    """
    import matplotlib.pyplot as plt

    if not reports:
        raise ValueError("reports must hold at least one InterventionReport.")
    names = [[r["name"] for r in rep.rows] for rep in reports.values()]
    if any(n != names[0] for n in names):
        raise ValueError("every report must list the same edits, in the same order.")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    edits = [f"{r['name']}\n({r['kind']})" for r in next(iter(reports.values())).rows]
    width = 0.8 / len(reports)
    for k, (model, rep) in enumerate(reports.items()):
        ax.bar(np.arange(len(edits)) + k * width, [r["failure"] for r in rep.rows], width=width, label=model)
    ax.set_xticks(np.arange(len(edits)) + 0.4 - width / 2, edits, fontsize=8)
    ax.set(ylim=(0, 1.05), ylabel="failure rate", xlabel="edit (kind)", title=title)
    ax.legend()
    return ax
