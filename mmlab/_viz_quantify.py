"""Plotting helpers of the quantification notebooks: model selection, EMAP, gradients, contributions.

Every function draws with matplotlib on the ``ax`` it is given (or on a new
figure), labels its axes, sets a title and returns the Axes; none calls
``plt.show()``. Import them from :mod:`mmlab.viz`, which re-exports them;
the PID atom bars are :func:`mmlab.viz.plot_atoms`.

Used by: ``lectures/6_quantification/02_pid_estimators_model_selection.ipynb``
and ``lectures/6_quantification/03_emap_gradients.ipynb``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["plot_contributions", "plot_emap", "plot_model_selection", "plot_strengths"]

def plot_model_selection(distances: Mapping[str, Mapping[str, float]], accuracies: Mapping[str, Mapping[str, float]],
                         *, axes: Any = None,
                         title: str = "Interaction distance to the data vs test accuracy") -> Any:
    """One panel per data set: each model's interaction distance (x) against its test accuracy (y).

    Parameters
    ----------
    distances, accuracies : mapping of data set name to mapping of model name to float
        From :func:`mmlab.quantify.estimators.rank_by_interactions` and the
        models' evaluation; the same keys in both.
    axes : sequence of matplotlib Axes, optional
        One per data set.
    title : str
        The figure's title.

    Returns
    -------
    ndarray of matplotlib Axes

    Raises
    ------
    ValueError
        If the two mappings do not have the same data sets and models.
    """
    import matplotlib.pyplot as plt

    sets = list(distances)
    if not sets or set(sets) != set(accuracies):
        raise ValueError(f"distances and accuracies must describe the same data sets; got {sorted(distances)} "
                         f"and {sorted(accuracies)}.")
    if axes is None:
        fig, axes = plt.subplots(1, len(sets), figsize=(3.6 * len(sets), 3.4), squeeze=False)
        axes = axes[0]
        fig.suptitle(title)
    axes = np.atleast_1d(axes)
    models = list(next(iter(distances.values())))
    for ax, name in zip(axes, sets):
        if set(distances[name]) != set(accuracies[name]):
            raise ValueError(f"data set {name!r}: distances and accuracies name different models.")
        for k, model in enumerate(models):
            ax.scatter(distances[name][model], 100 * accuracies[name][model], s=60, color=f"C{k}", label=model)
        ax.set_title(f"data: {name}")
        ax.set_xlabel("interaction distance to the data")
        ax.set_ylabel("test accuracy (%)")
        ax.set_xlim(-0.05, 2.05)
        ax.set_ylim(0, 105)
    axes[0].legend(loc="lower right", fontsize="small")
    return axes


def plot_emap(comparisons: Mapping[str, Any], *, ax: Any = None,
              title: str = "Accuracy of a model and of its additive (EMAP) projection") -> Any:
    """Paired bars: the model's accuracy and its EMAP projection's, one pair per task.

    Parameters
    ----------
    comparisons : mapping of str to EMAPComparison
        Task name to :func:`mmlab.quantify.emap.emap_accuracy`'s result.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if not comparisons:
        raise ValueError("comparisons must hold at least one task.")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 * len(comparisons) + 2.5, 3.6))
    names = list(comparisons)
    pos = np.arange(len(names), dtype=float)
    acc = [100 * comparisons[n].accuracy for n in names]
    proj = [100 * comparisons[n].projected_accuracy for n in names]
    ax.bar(pos - 0.18, acc, 0.36, label="model f", color="C0")
    ax.bar(pos + 0.18, proj, 0.36, label="EMAP projection of f", color="C1")
    ax.set_xticks(pos, names)
    ax.set_ylim(0, 105)
    ax.set_xlabel("task the model was trained on")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize="small")
    return ax


def plot_strengths(strengths: Mapping[str, Any], *, ax: Any = None,
                   title: str = "Per-sample interaction strength, samples sorted") -> Any:
    """One curve per model: the samples' interaction strengths sorted in increasing order.

    Parameters
    ----------
    strengths : mapping of str to array-like of shape (N,)
        Label to :func:`mmlab.quantify.gradients.interaction_strength` output.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if not strengths:
        raise ValueError("strengths must hold at least one curve.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    styles = ("-", "--", "-.", ":")
    for k, (label, s) in enumerate(strengths.items()):
        v = np.sort(_numpy(s).reshape(-1))
        # several curves can coincide (e.g. at exactly 0): vary the line style so each stays visible
        ax.plot(np.linspace(0, 100, v.size), v, color=f"C{k}", lw=2.5 if k == 0 else 2, ls=styles[k % 4],
                label=label)
    ax.set_xlabel("sample percentile (sorted by strength)")
    ax.set_ylabel(r"$\|\partial^2 f_c / \partial x_A \partial x_B\|_F$")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_contributions(contributions: Any, kinds: Any, *, ax: Any = None, labels: tuple[str, str] = ("x_A", "x_B"),
                       title: str = "Modality contributions to the log-odds, per sample") -> Any:
    """Scatter of the two modalities' signed contributions to a binary decision, coloured by interaction kind.

    For two classes and class-centred contributions, modality :math:`m` moves
    the log-odds of class 1 by :math:`d_m = c_{m,1} - c_{m,0}`. Points near an
    axis are dominance, in the first or third quadrant complementarity, in the
    second or fourth conflict.

    Parameters
    ----------
    contributions : torch.Tensor or ndarray of shape (N, 2, 2)
        From :func:`mmlab.quantify.contributions.modality_contributions`.
    kinds : InteractionKinds
        From :func:`mmlab.quantify.contributions.classify_interactions`.
    ax : matplotlib Axes, optional
    labels : (str, str)
        Names of the two modalities.
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    c = _numpy(contributions)
    if c.ndim != 3 or c.shape[1:] != (2, 2):
        raise ValueError(f"contributions must have shape (N, 2, 2) (two modalities, two classes); got {c.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    d = c[:, :, 1] - c[:, :, 0]
    colours = {"dominance": "C0", "complementarity": "C2", "conflict": "C3", "none": "0.6"}
    for kind, colour in colours.items():
        rows = kinds.kind == kind
        if rows.any():
            ax.scatter(d[rows, 0], d[rows, 1], s=10, alpha=0.6, color=colour, label=f"{kind} ({rows.mean():.0%})")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel(f"contribution of {labels[0]} to the log-odds of class 1")
    ax.set_ylabel(f"contribution of {labels[1]} to the log-odds of class 1")
    ax.set_title(title)
    ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _numpy(v: Any) -> np.ndarray:
    if hasattr(v, "detach"):
        v = v.detach().cpu().numpy()
    return np.asarray(v, dtype=float)
