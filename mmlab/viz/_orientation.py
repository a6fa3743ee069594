"""Plotting helpers of the orientation chapter: one sample of every modality of the workbook's data sets.

- :func:`plot_modality_gallery`: one row per data set, one panel per
  modality, each drawn as its structure asks (an image as pixels, a
  spectrogram as bands x frames, token counts and feature vectors as bars, a
  table column as the histogram of all samples with the drawn one marked).

Used by: ``lectures/0_orientation/01_tour.ipynb``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["plot_modality_gallery"]


def plot_modality_gallery(
    samples: Sequence[Any],
    *,
    index: int | Mapping[str, int] = 0,
    captions: Mapping[tuple[str, str], str] | None = None,
    title: str = "One sample of every modality, drawn as its structure asks",
    figsize: tuple[float, float] | None = None,
) -> Any:
    """Draw one sample of each modality of each data set, one row per data set.

    How a panel is drawn depends on the modality's structure
    (:data:`mmlab.data.MODALITY_STRUCTURES`): ``image`` with ``imshow`` in its
    layout (rows x columns); ``sequence`` as a heat map of its layout (first
    axis up, second along x: e.g. mel band over frame); ``text tokens`` and
    ``vector`` as bars of the sample's values; ``table`` (one scalar per
    sample) as the histogram of the column over all samples, with the drawn
    sample's value marked by a vertical line. The last column shows the
    target of all samples (histogram, or counts per class) with the drawn
    sample's target marked.

    Parameters
    ----------
    samples : sequence of mmlab.data.DatasetSample
        From :func:`mmlab.data.load_dataset`; one row each.
    index : int or mapping of str to int, default=0
        The sample drawn: one row number for every data set, or one per data
        set name (missing names use 0).
    captions : mapping of (data set, modality) to str, optional
        A line added under a panel's title, e.g. ``{("av_digits", "text"): "word 'sieben'"}``.
    title : str
        The figure's title.
    figsize : (float, float), optional
        Default ``(3.3 * columns, 2.9 * rows)``.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``samples`` is not a non-empty sequence of data set samples, or ``index`` is not an int or mapping.
    ValueError
        If an index lies outside its data set.

    Examples
    --------
    >>> from mmlab.data import load_dataset
    >>> fig = plot_modality_gallery([load_dataset("av_digits", "val")], index=3)
    >>> len([ax for ax in fig.axes if ax.axison])  # image, audio, text, target
    4
    """
    import matplotlib.pyplot as plt

    if isinstance(samples, (str, bytes)) or not isinstance(samples, Sequence) or not samples:
        raise TypeError(
            "samples must be a non-empty list of data set samples from mmlab.data.load_dataset; "
            f"got {type(samples).__name__}."
        )
    for i, s in enumerate(samples):
        if not all(hasattr(s, a) for a in ("info", "modalities", "y", "raw")):
            raise TypeError(f"samples[{i}] must be a DatasetSample (mmlab.data.load_dataset); got {type(s).__name__}.")
    if isinstance(index, Mapping):
        rows = {s.info.name: index.get(s.info.name, 0) for s in samples}
    elif isinstance(index, (int, np.integer)) and not isinstance(index, bool):
        rows = {s.info.name: int(index) for s in samples}
    else:
        raise TypeError(f"index must be an int or a mapping of data set name to int; got {type(index).__name__}.")
    for s in samples:
        j = rows[s.info.name]
        if isinstance(j, bool) or not isinstance(j, (int, np.integer)) or not 0 <= j < s.n:
            raise ValueError(f"index of {s.info.name!r} must be a row in [0, {s.n}); got {j!r}.")
    captions = dict(captions or {})

    n_cols = max(len(s.info.modalities) for s in samples) + 1  # the modalities, then the target
    fig, axes = plt.subplots(len(samples), n_cols, squeeze=False, figsize=figsize or (3.3 * n_cols, 2.9 * len(samples)))
    for r, s in enumerate(samples):
        j = int(rows[s.info.name])
        for c in range(n_cols):
            ax = axes[r, c]
            if c == n_cols - 1:
                _draw_target(ax, s, j)
                name = getattr(s.info, "target_column", None) or "y"
                ax.set_title(f"{s.info.name} · target {name}\nthis sample: {_target_text(s, j)}", fontsize=9)
                continue
            if c >= len(s.info.modalities):
                ax.axis("off")
                continue
            m = s.info.modalities[c]
            _draw_modality(ax, m, np.asarray(s.modalities[m.name]), j)
            head = f"{s.info.name} · {m.name}\n{m.structure}, {m.dim} value{'s' if m.dim > 1 else ''}"
            extra = captions.get((s.info.name, m.name))
            ax.set_title(head + (f"\n{extra}" if extra else ""), fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _draw_modality(ax: Any, m: Any, x: np.ndarray, j: int) -> None:
    """Draw row ``j`` of modality ``m`` (all rows ``x``) on ``ax`` as its structure asks."""
    axes = tuple(m.axes) or tuple(f"axis {k}" for k in range(len(m.layout)))
    if m.structure == "table" or m.dim == 1:
        values = x.reshape(x.shape[0], -1)[:, 0].astype(float)
        ax.hist(values, bins=20, color="0.75")
        ax.axvline(values[j], color="C3", lw=2, label=f"this sample: {values[j]:.3g}")
        ax.legend(fontsize=7, loc="upper right")
        ax.set(xlabel=f"{m.name} (all samples)", ylabel="samples")
    elif m.structure in ("image", "sequence") and len(m.layout) == 2:
        grid = x[j].reshape(m.layout)
        if m.structure == "image":
            ax.imshow(grid, cmap="gray_r")
        else:
            ax.imshow(grid, origin="lower", aspect="auto", cmap="magma")
        ax.set(ylabel=axes[0], xlabel=axes[1])
    else:
        values = x[j].reshape(-1)
        ax.bar(np.arange(values.size), values, width=1.0, color="C0" if m.structure == "vector" else "C2")
        ylabel = "count" if m.structure == "text tokens" else "value"
        ax.set(xlabel=m.axes[0] if len(m.axes) == 1 else "feature", ylabel=ylabel)


def _draw_target(ax: Any, s: Any, j: int) -> None:
    """All samples' targets (class counts or a histogram) with sample ``j``'s marked."""
    y = np.asarray(s.y)
    if np.issubdtype(y.dtype, np.integer):
        classes, counts = np.unique(y, return_counts=True)
        colors = ["C3" if c == y[j] else "0.75" for c in classes]
        ax.bar(classes, counts, color=colors)
        if classes.size <= 12:
            ax.set_xticks(classes)
        ax.set(xlabel="class (this sample's in red)", ylabel="samples")
    else:
        ax.hist(y.astype(float), bins=20, color="0.75")
        ax.axvline(float(y[j]), color="C3", lw=2)
        ax.set(xlabel="target (this sample's in red)", ylabel="samples")


def _target_text(s: Any, j: int) -> str:
    value = np.asarray(s.y)[j]
    classes = getattr(s.raw, "classes", None)
    if classes is not None and np.issubdtype(np.asarray(value).dtype, np.integer):
        return repr(str(classes[int(value)]))
    if np.issubdtype(np.asarray(value).dtype, np.floating):
        return f"{float(value):.3g}"
    return str(value)
