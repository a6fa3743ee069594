"""Plotting helpers of challenge 2, alignment.

- :func:`plot_warping_path`: a cost matrix with a warping path (and the true one) on top;
- :func:`plot_transport_plan`: a matching cost or transport plan between two sets, true pairs marked;
- :func:`plot_segmented_frames`: a spectrogram with its digit segments (true, and found);
- :func:`plot_ctc_posteriors`: per-frame CTC probabilities against the true segments;
- :func:`plot_attention_alignment`: attention of each written element over the frames, true segments boxed.

Every function draws on the ``ax`` it is given (or a new figure), labels its
axes, sets a title and returns the Axes; none calls ``plt.show()``.

Used by: ``lectures/2_alignment`` and ``labs/2_alignment``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array

__all__ = [
    "plot_attention_alignment",
    "plot_ctc_posteriors",
    "plot_segmented_frames",
    "plot_transport_plan",
    "plot_warping_path",
]


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _as_array(x: Any, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return check_array(x, name, ndim=ndim, dtype=float)


def _check_segments(segments: Any, name: str = "segments") -> np.ndarray:
    seg = np.asarray(segments)
    if seg.ndim != 2 or seg.shape[1] != 2:
        raise ValueError(f"{name} must have shape (K, 2) (first and one-past-last frame); got {seg.shape}.")
    return seg.astype(np.int64)


# --------------------------------------------------------------------------- #
# dynamic time warping
# --------------------------------------------------------------------------- #
def plot_warping_path(
    matrix: npt.ArrayLike,
    path: npt.ArrayLike,
    *,
    reference: npt.ArrayLike | None = None,
    ax: Any = None,
    title: str = "Local distances and the DTW path",
    xlabel: str = "position j in y",
    ylabel: str = "position i in x",
    path_label: str = "DTW path",
    reference_label: str = "true path",
) -> Any:
    """Draw a cost matrix as an image with a warping path (and optionally the true path) over it.

    Parameters
    ----------
    matrix : array-like of shape (n, m)
        Local distances or accumulated costs; row ``i`` is element ``i`` of x.
    path : array-like of int, shape (L, 2)
        ``(i, j)`` pairs, e.g. ``dtw(x, y).path``.
    reference : array-like of int, shape (L', 2), optional
        The true path, drawn dashed.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel, path_label, reference_label : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``matrix`` is not 2-d, a path is not ``(L, 2)`` or leaves the matrix.
    """
    c = _as_array(matrix, "matrix", 2)
    ax = _axes(ax, (4.6, 4.2))
    im = ax.imshow(c, origin="lower", aspect="auto", cmap="viridis", interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="distance")
    for p, style, label in (
        (reference, dict(color="white", ls="--", lw=2.5), reference_label),
        (path, dict(color="tab:red", lw=1.5), path_label),
    ):
        if p is None:
            continue
        arr = np.asarray(p)
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"a path must have shape (L, 2); got {arr.shape}.")
        if arr.min() < 0 or arr[:, 0].max() >= c.shape[0] or arr[:, 1].max() >= c.shape[1]:
            raise ValueError(f"a path leaves the {c.shape} matrix.")
        ax.plot(arr[:, 1], arr[:, 0], label=label, **style)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend(loc="upper left", fontsize="small")
    return ax


# --------------------------------------------------------------------------- #
# matching and transport
# --------------------------------------------------------------------------- #
def plot_transport_plan(
    plan: npt.ArrayLike,
    *,
    truth: npt.ArrayLike | None = None,
    ax: Any = None,
    title: str = "Transport plan",
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    xlabel: str = "image slot",
    ylabel: str = "spoken digit",
    annotate: bool = True,
    cmap: str = "Blues",
) -> Any:
    """Draw a plan (or a cost or similarity matrix) between two sets, with the true pairs outlined.

    Parameters
    ----------
    plan : array-like of shape (n, m)
    truth : array-like of int, shape (n,), optional
        ``truth[i]`` = the column truly paired with row ``i``; outlined in red.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str
    row_labels, col_labels : sequence of str, optional
        Tick labels (default: indices).
    annotate : bool, default=True
        Write each entry (two decimals).
    cmap : str, default="Blues"

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``plan`` is not 2-d or ``truth`` or a label list has the wrong length.
    """
    import matplotlib.patches as patches

    p = _as_array(plan, "plan", 2)
    n, m = p.shape
    ax = _axes(ax, (0.6 * m + 2.0, 0.55 * n + 1.6))
    ax.imshow(p, cmap=cmap, aspect="equal")
    if annotate:
        top = np.nanmax(np.abs(p)) or 1.0
        for i in range(n):
            for j in range(m):
                ax.text(
                    j,
                    i,
                    f"{p[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize="x-small",
                    color="white" if abs(p[i, j]) > 0.6 * top else "black",
                )
    if truth is not None:
        t = np.asarray(truth)
        if t.shape != (n,):
            raise ValueError(f"truth must give one column per row, shape ({n},); got {t.shape}.")
        for i, j in enumerate(t):
            if j >= 0:
                ax.add_patch(patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="tab:red", lw=2))
    for labels, count in ((row_labels, n), (col_labels, m)):
        if labels is not None and len(labels) != count:
            raise ValueError(f"expected {count} tick labels; got {len(labels)}.")
    ax.set_yticks(range(n), labels=row_labels if row_labels is not None else range(n))
    ax.set_xticks(range(m), labels=col_labels if col_labels is not None else range(m))
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax


# --------------------------------------------------------------------------- #
# segmentation
# --------------------------------------------------------------------------- #
def plot_segmented_frames(
    frames: npt.ArrayLike,
    segments: npt.ArrayLike,
    labels: Sequence[Any],
    *,
    found: npt.ArrayLike | None = None,
    ax: Any = None,
    title: str = "Log-mel frames and the true digit segments",
    found_label: str = "found",
    frame_rate: float | None = None,
) -> Any:
    """Draw frames ``(T, bands)`` as a spectrogram, the true segments as labelled brackets, found ones below.

    Parameters
    ----------
    frames : array-like of shape (T, n_bands)
    segments : array-like of int, shape (K, 2)
        True first and one-past-last frame of each element.
    labels : sequence
        One label per segment (e.g. the digits).
    found : array-like of int, shape (K, 2), optional
        Segments found by a method (e.g. a DTW mapping or a CTC alignment), drawn as orange bars.
    ax : matplotlib Axes, optional
    title, found_label : str
    frame_rate : float, optional
        Frames per second: label the time axis in seconds instead of frames.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes disagree or a segment leaves the sequence.
    """
    x = _as_array(frames, "frames", 2)
    seg = _check_segments(segments)
    if len(labels) != len(seg):
        raise ValueError(f"labels must give one label per segment ({len(seg)}); got {len(labels)}.")
    if seg.size and (seg.min() < 0 or seg.max() > len(x)):
        raise ValueError(f"segments must lie within the {len(x)} frames.")
    ax = _axes(ax, (7.5, 2.8))
    scale = 1.0 / frame_rate if frame_rate else 1.0
    n_bands = x.shape[1]
    ax.imshow(x.T, origin="lower", aspect="auto", cmap="magma", extent=(0, len(x) * scale, 0, n_bands))
    for (a, b), lab in zip(seg, labels, strict=True):
        ax.axvspan(a * scale, b * scale, ymin=0.93, ymax=1.0, color="tab:cyan", alpha=0.9)
        ax.text(
            (a + b) / 2 * scale,
            n_bands * 0.965,
            str(lab),
            ha="center",
            va="center",
            fontsize="small",
            color="black",
            fontweight="bold",
        )
        for edge in (a, b):
            ax.axvline(edge * scale, color="tab:cyan", lw=0.8, alpha=0.8)
    if found is not None:
        f = _check_segments(found, "found")
        for k, (a, b) in enumerate(f):
            ax.axvspan(
                a * scale,
                max(b, a + 1) * scale,
                ymin=0.0,
                ymax=0.07,
                color="tab:orange",
                label=found_label if k == 0 else None,
            )
        ax.legend(loc="lower right", fontsize="x-small")
    ax.set(title=title, xlabel="time (s)" if frame_rate else "frame", ylabel="mel band")
    return ax


def plot_ctc_posteriors(
    log_probs: npt.ArrayLike,
    segments: npt.ArrayLike,
    labels: Sequence[int],
    *,
    blank: int = 0,
    ax: Any = None,
    title: str = "CTC output per frame",
    label_offset: int = 1,
) -> Any:
    """Draw each frame's probability of the blank and of every label of the sequence, true segments shaded.

    Parameters
    ----------
    log_probs : array-like of shape (T, C)
        Per-frame log-probabilities (e.g. a :class:`mmlab.align.CTCRecognizer` output).
    segments : array-like of int, shape (K, 2)
        True segments of the labels.
    labels : sequence of int
        The K labels (e.g. digits); label ``d`` is symbol ``d + label_offset``.
    blank : int, default=0
    ax : matplotlib Axes, optional
    title : str
    label_offset : int, default=1

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    lp = _as_array(log_probs, "log_probs", 2)
    seg = _check_segments(segments)
    if len(labels) != len(seg):
        raise ValueError(f"labels must give one label per segment ({len(seg)}); got {len(labels)}.")
    p = np.exp(lp)
    ax = _axes(ax, (7.5, 2.8))
    t = np.arange(len(p))
    ax.plot(t, p[:, blank], color="0.6", ls="--", lw=1, label="blank")
    for k, ((a, b), lab) in enumerate(zip(seg, labels, strict=True)):
        colour = f"C{k % 10}"
        ax.axvspan(a - 0.5, b - 0.5, color=colour, alpha=0.15)
        ax.plot(t, p[:, int(lab) + label_offset], color=colour, lw=1.5, label=f"digit {lab}")
    ax.set(title=title, xlabel="frame", ylabel="probability", ylim=(0, 1.05))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize="x-small")
    return ax


# --------------------------------------------------------------------------- #
# attention
# --------------------------------------------------------------------------- #
def plot_attention_alignment(
    weights: npt.ArrayLike,
    segments: npt.ArrayLike,
    labels: Sequence[Any],
    *,
    ax: Any = None,
    title: str = "Where each written digit looks in the speech",
    ylabel: str = "written digit",
) -> Any:
    """Draw attention weights ``(K, T)`` as an image, with each row's true segment outlined.

    Parameters
    ----------
    weights : array-like of shape (K, T)
        Row ``k``: the attention of element ``k`` over the frames.
    segments : array-like of int, shape (K, 2)
        The true segment of each element.
    labels : sequence
        Row labels.
    ax : matplotlib Axes, optional
    title, ylabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    import matplotlib.patches as patches

    w = _as_array(weights, "weights", 2)
    seg = _check_segments(segments)
    if len(seg) != len(w) or len(labels) != len(w):
        raise ValueError(
            f"weights has {len(w)} rows; segments and labels must have as many, got {len(seg)} and {len(labels)}."
        )
    ax = _axes(ax, (7.5, 0.45 * len(w) + 1.4))
    im = ax.imshow(w, aspect="auto", cmap="Greys", interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="weight")
    for k, (a, b) in enumerate(seg):
        ax.add_patch(patches.Rectangle((a - 0.5, k - 0.5), b - a, 1, fill=False, ec="tab:red", lw=1.5))
    ax.set_yticks(range(len(w)), labels=[str(v) for v in labels])
    ax.set(title=title, xlabel="speech frame", ylabel=ylabel)
    return ax
