"""Plots of challenge 4, generation: sample grids, the ELBO's terms, token grids, memorisation distances,
a table of generator metrics, and the units an extractive summary keeps.

Every function draws with matplotlib on the ``ax`` (or ``axes``) it is given, or on a new figure, labels
its axes, sets a title, and returns the Axes or Figure; none calls ``plt.show()``.

Used by: the lectures of ``lectures/4_generation/``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array

__all__ = [
    "plot_elbo_terms",
    "plot_generated_pairs",
    "plot_generator_metrics",
    "plot_nearest_neighbour_distances",
    "plot_sample_grid",
    "plot_summary_units",
    "plot_token_grid",
]


def _as_numpy(x: Any, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    return check_array(x, name, ndim=ndim, dtype=float)


def plot_sample_grid(
    images: npt.ArrayLike,
    *,
    row_labels: Sequence[str] | None = None,
    image_shape: tuple[int, int] = (8, 8),
    title: str = "Generated samples",
    xlabel: str = "sample",
    cell: float = 0.55,
    vmax: float = 1.0,
) -> Any:
    """Draw a grid of small images: one row per condition, one column per sample.

    Parameters
    ----------
    images : array-like of shape (rows, cols, h * w)
        Pixel values (tensors accepted); row ``r`` holds the samples of one condition.
    row_labels : sequence of str, optional
        One label per row (the condition, e.g. the word), written at the row's left.
    image_shape : (int, int), default=(8, 8)
    title, xlabel : str
    cell : float, default=0.55
        Inches per image.
    vmax : float, default=1.0
        The pixel value drawn black.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``images`` is not 3-D or finite, its last axis is not ``h * w``, or ``row_labels`` has the wrong
        length.
    """
    import matplotlib.pyplot as plt

    arr = _as_numpy(images, "images", 3)
    rows, cols, d = arr.shape
    h, w = image_shape
    if d != h * w:
        raise ValueError(f"images must have h * w = {h * w} pixels on the last axis; got shape {arr.shape}.")
    if row_labels is not None and len(row_labels) != rows:
        raise ValueError(f"row_labels must give one label per row ({rows}); got {len(row_labels)}.")
    fig, axes = plt.subplots(rows, cols, figsize=(cols * cell + 1.2, rows * cell + 0.6), squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r, c]
            ax.imshow(arr[r, c].reshape(h, w), cmap="gray_r", vmin=0.0, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
        if row_labels is not None:
            axes[r, 0].set_ylabel(str(row_labels[r]), rotation=0, ha="right", va="center", fontsize="small")
    fig.supxlabel(xlabel, fontsize="small")
    width_chars = max(20, int((cols * cell + 1.2) * 11))  # wrap a long title to the figure's width
    fig.suptitle(textwrap.fill(title, width_chars), fontsize="medium")
    fig.tight_layout()
    return fig


def plot_generated_pairs(
    images: npt.ArrayLike,
    spectrograms: npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    image_shape: tuple[int, int] = (8, 8),
    spectrogram_shape: tuple[int, int] = (20, 24),
    title: str = "Generated image-speech pairs",
) -> Any:
    """Draw generated pairs: the image above, the log-mel spectrogram below, one column per pair.

    Parameters
    ----------
    images : array-like of shape (n, h * w)
    spectrograms : array-like of shape (n, bands * frames)
        Band-major, as AV-Digits stores audio.
    labels : sequence of str, optional
        One caption per pair (e.g. what a judge recognises in each half).
    image_shape, spectrogram_shape : (int, int)
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the arrays are not 2-D, not paired, have the wrong widths, or ``labels`` has the wrong length.
    """
    import matplotlib.pyplot as plt

    img = _as_numpy(images, "images", 2)
    spec = _as_numpy(spectrograms, "spectrograms", 2)
    n = img.shape[0]
    if spec.shape[0] != n:
        raise ValueError(f"images and spectrograms must hold paired rows; got {n} and {spec.shape[0]}.")
    if img.shape[1] != image_shape[0] * image_shape[1] or spec.shape[1] != spectrogram_shape[0] * spectrogram_shape[1]:
        raise ValueError(
            f"images must have {image_shape[0] * image_shape[1]} columns and spectrograms "
            f"{spectrogram_shape[0] * spectrogram_shape[1]}; got {img.shape[1]} and {spec.shape[1]}."
        )
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels must give one caption per pair ({n}); got {len(labels)}.")
    fig, axes = plt.subplots(2, n, figsize=(1.25 * n + 0.8, 3.0), squeeze=False, gridspec_kw={"height_ratios": [1, 1]})
    for j in range(n):
        axes[0, j].imshow(img[j].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
        axes[1, j].imshow(spec[j].reshape(spectrogram_shape), origin="lower", aspect="auto", vmin=0, vmax=1)
        for ax in axes[:, j]:
            ax.set_xticks([])
            ax.set_yticks([])
        if labels is not None:
            axes[0, j].set_title(str(labels[j]), fontsize="small")
    axes[0, 0].set_ylabel("image", fontsize="small")
    axes[1, 0].set_ylabel("speech\n(mel x frame)", fontsize="small")
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def plot_elbo_terms(
    history: Any, *, title: str = "The two terms of the ELBO while training", figsize: tuple[float, float] = (9.0, 3.2)
) -> Any:
    """Plot the reconstruction and KL terms per epoch, training and validation, side by side.

    Parameters
    ----------
    history : mmlab.train.History
        From :func:`mmlab.generate.fit_generator` on a model whose terms include ``"reconstruction"``
        and ``"kl"`` (and ``"val_..."`` with validation data).
    title : str
    figsize : (float, float)

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``history`` has no ``epoch`` and ``metrics``.
    ValueError
        If it lacks the two terms or holds no epoch.
    """
    import matplotlib.pyplot as plt

    if not hasattr(history, "epoch") or not hasattr(history, "metrics"):
        raise TypeError(f"history must be an mmlab.train.History; got {type(history).__name__}.")
    missing = [t for t in ("reconstruction", "kl") if t not in history.metrics]
    if missing or not history.epoch:
        raise ValueError(
            f"history must record the terms 'reconstruction' and 'kl' over at least one epoch; "
            f"missing {missing or 'epochs'}."
        )
    fig, axes = plt.subplots(1, 2, figsize=figsize)
    labels = {"reconstruction": "reconstruction  −E_q log p(x | z, c)", "kl": "KL(q(z | x, c) ‖ p(z))"}
    for ax, term in zip(axes, ("reconstruction", "kl"), strict=True):
        ax.plot(history.epoch, history.metrics[term], label="train")
        if f"val_{term}" in history.metrics:
            ax.plot(history.epoch, history.metrics[f"val_{term}"], label="validation", ls="--")
        ax.set(xlabel="epoch", ylabel="nats per sample", title=labels[term])
        ax.legend(fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_token_grid(
    image: npt.ArrayLike,
    tokens: npt.ArrayLike,
    *,
    image_shape: tuple[int, int] = (8, 8),
    reconstruction: npt.ArrayLike | None = None,
    ax: Any = None,
    title: str = "An image and its tokens",
) -> Any:
    """Draw an image with its token grid written over it (and, optionally, the decoded tokens beside it).

    Parameters
    ----------
    image : array-like of shape (h * w,)
    tokens : array-like of shape (gh * gw,)
        Integer tokens on a grid that divides the image evenly (row-major).
    image_shape : (int, int), default=(8, 8)
    reconstruction : array-like of shape (h * w,), optional
        The image decoded from the tokens, drawn in a second panel.
    ax : matplotlib Axes or sequence of two Axes, optional
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the sizes do not match or the token grid does not divide the image.
    """
    import matplotlib.pyplot as plt

    h, w = image_shape
    img = _as_numpy(image, "image", 1)
    tok = _as_numpy(tokens, "tokens", 1).astype(int)
    if img.size != h * w:
        raise ValueError(f"image must have {h * w} pixels; got {img.size}.")
    side = int(round(np.sqrt(tok.size)))
    if side * side != tok.size or h % side or w % side:
        raise ValueError(f"tokens must form a square grid dividing the {h}x{w} image; got {tok.size} tokens.")
    panels = 1 if reconstruction is None else 2
    if ax is None:
        fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels, 3.2), squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        fig = axes[0].figure
    step_h, step_w = h / side, w / side
    axes[0].imshow(img.reshape(h, w), cmap="gray_r", vmin=0, vmax=1)
    for r in range(side):
        for c in range(side):
            axes[0].text(
                (c + 0.5) * step_w - 0.5,
                (r + 0.5) * step_h - 0.5,
                str(tok[r * side + c]),
                ha="center",
                va="center",
                color="tab:red",
                fontsize="medium",
                fontweight="bold",
            )
    for k in range(1, side):
        axes[0].axhline(k * step_h - 0.5, color="tab:red", lw=0.5)
        axes[0].axvline(k * step_w - 0.5, color="tab:red", lw=0.5)
    axes[0].set(title="image and its tokens", xlabel="column", ylabel="row")
    if reconstruction is not None:
        rec = _as_numpy(reconstruction, "reconstruction", 1)
        if rec.size != h * w:
            raise ValueError(f"reconstruction must have {h * w} pixels; got {rec.size}.")
        axes[1].imshow(rec.reshape(h, w), cmap="gray_r", vmin=0, vmax=1)
        axes[1].set(title="decoded from the tokens", xlabel="column", ylabel="row")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_nearest_neighbour_distances(
    distances: Mapping[str, Mapping[str, npt.ArrayLike]],
    *,
    axes: Any = None,
    title: str = "Nearest-neighbour distance of samples",
) -> Any:
    """Histograms of samples' distances to their nearest training and held-out images, one panel per generator.

    Parameters
    ----------
    distances : mapping of str to mapping of str to array-like
        ``{generator: {"train": d_train, "held-out": d_heldout}}`` (any reference names; the first
        two are drawn).
    axes : sequence of Axes, optional
        One per generator.
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``distances`` is not a mapping of mappings.
    ValueError
        If it is empty, or a set of distances is empty or not finite.
    """
    import matplotlib.pyplot as plt

    if not isinstance(distances, Mapping) or not all(isinstance(v, Mapping) for v in distances.values()):
        raise TypeError("distances must map a generator name to {reference name: distances}.")
    if not distances:
        raise ValueError("distances must hold at least one generator.")
    if axes is None:
        fig, axes = plt.subplots(1, len(distances), figsize=(4.2 * len(distances), 3.2), squeeze=False)
        axes = list(axes[0])
    fig = axes[0].figure
    for ax, (name, refs) in zip(axes, distances.items(), strict=True):
        values = {ref: _as_numpy(d, f"distances[{name!r}][{ref!r}]", 1) for ref, d in refs.items()}
        top = max(float(v.max()) for v in values.values())
        bins = np.linspace(0.0, top * 1.02 + 1e-9, 25)
        for k, (ref, v) in enumerate(values.items()):
            ax.hist(v, bins=bins, alpha=0.55, color=f"C{k}", label=f"to nearest {ref} image")
            ax.axvline(float(np.median(v)), color=f"C{k}", ls="--", lw=1)
        ax.set(title=name, xlabel="Euclidean distance (pixels in [0, 1])", ylabel="samples")
        ax.legend(fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_generator_metrics(
    table: Mapping[str, Mapping[str, float]],
    *,
    ax: Any = None,
    flags: Mapping[str, Mapping[str, bool]] | None = None,
    title: str = "Four ways to judge a generator",
) -> Any:
    """Draw a table of metrics (columns) by generator (rows) with values written in, and failures marked.

    Parameters
    ----------
    table : mapping of str to mapping of str to float
        ``table[generator][metric]``.
    ax : matplotlib Axes, optional
    flags : mapping, optional
        ``flags[generator][metric]`` True where the value reveals a failure (drawn red).
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``table`` is not a mapping of mappings.
    ValueError
        If it is empty, rows name different metrics, or a value is not finite.
    """
    import matplotlib.pyplot as plt

    if not isinstance(table, Mapping) or not all(isinstance(v, Mapping) for v in table.values()):
        raise TypeError("table must map a generator name to {metric: value}.")
    if not table:
        raise ValueError("table must hold at least one generator.")
    rows = list(table)
    cols = list(next(iter(table.values())))
    if any(list(table[r]) != cols for r in rows):
        raise ValueError("every generator must report the same metrics, in the same order.")
    values = np.array([[float(table[r][c]) for c in cols] for r in rows])
    if not np.all(np.isfinite(values)):
        raise ValueError("table values must be finite numbers.")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * len(cols) + 2.0, 0.55 * len(rows) + 1.4))
    bad = np.array([[bool((flags or {}).get(r, {}).get(c, False)) for c in cols] for r in rows])
    ax.imshow(np.where(bad, 1.0, 0.0), cmap="Reds", vmin=0, vmax=2.5, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(cols)):
            ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontweight="bold" if bad[i, j] else "normal")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, fontsize="small")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.set_xlabel("metric")
    ax.set_ylabel("generator")
    ax.set_title(title)
    return ax


def plot_summary_units(
    image: npt.ArrayLike,
    audio: npt.ArrayLike,
    word: str,
    selected: Sequence[int],
    *,
    title: str = "What the summary keeps",
) -> Any:
    """Show one AV-Digits sample with the units a summary keeps (image rows, audio frames, the word).

    Units follow :func:`mmlab.generate.av_digits_units`: 0-7 image rows, 8-31 audio frames, 32 the word;
    kept units are outlined in red, dropped ones veiled in white.

    Parameters
    ----------
    image : array-like of shape (64,)
    audio : array-like of shape (480,)
        Band-major log-mel (20 x 24).
    word : str
    selected : sequence of int
        Kept units.
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the shapes are wrong or a unit index is out of range.
    """
    import matplotlib.pyplot as plt

    img = _as_numpy(image, "image", 1)
    aud = _as_numpy(audio, "audio", 1)
    if img.size != 64 or aud.size != 480:
        raise ValueError(f"image must have 64 values and audio 480; got {img.size} and {aud.size}.")
    kept = {int(j) for j in selected}
    if any(not 0 <= j < 33 for j in kept):
        raise ValueError(f"selected must hold unit indices in 0 .. 32; got {sorted(kept)}.")
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Rectangle

    veil = ListedColormap(["white"])
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 2.9), gridspec_kw={"width_ratios": [1, 2.4, 1]})
    rows = np.array([r in kept for r in range(8)])
    axes[0].imshow(img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[0].imshow(np.where(rows[:, None], np.nan, 0.0) * np.ones((8, 8)), cmap=veil, alpha=0.8)  # veil dropped rows
    for r in np.flatnonzero(rows):
        axes[0].add_patch(Rectangle((-0.5, r - 0.5), 8, 1, fill=False, ec="tab:red", lw=1.5))
    axes[0].set(title=f"image: {rows.sum()} of 8 rows kept", xlabel="column", ylabel="row")
    frames = np.array([8 + t in kept for t in range(24)])
    axes[1].imshow(aud.reshape(20, 24), origin="lower", aspect="auto")
    axes[1].imshow(
        np.where(frames[None, :], np.nan, 0.0) * np.ones((20, 24)), origin="lower", aspect="auto", cmap=veil, alpha=0.8
    )
    for t in np.flatnonzero(frames):
        axes[1].add_patch(Rectangle((t - 0.5, -0.5), 1, 20, fill=False, ec="tab:red", lw=1.5))
    axes[1].set(title=f"audio: {frames.sum()} of 24 frames kept", xlabel="frame (42 ms each)", ylabel="mel band")
    axes[2].axis("off")
    keep_word = 32 in kept
    axes[2].text(
        0.5,
        0.5,
        repr(str(word)),
        ha="center",
        va="center",
        fontsize="x-large",
        color="black" if keep_word else "lightgray",
    )
    axes[2].set_title(f"text: word {'kept' if keep_word else 'dropped'}")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
