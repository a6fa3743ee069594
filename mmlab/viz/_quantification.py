"""Plotting helpers of challenge 6, quantification: PID atoms, joint tables, model selection, EMAP, gradients, contributions.

The four PID atoms always have the same colours (C0 redundancy, C1 unique to
X1, C2 unique to X2, C3 synergy), so the figures of a notebook can be compared
at a glance. Every function draws with matplotlib on the ``ax`` it is given
(or on a new figure), labels its axes, sets a title and returns what it drew
on; none calls ``plt.show()``.

Used by: ``lectures/6_quantification`` and the PID explorer
(:func:`mmlab.widgets.pid_morph_explorer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array
from mmlab.quantify.pid._result import ATOMS

__all__ = [
    "ATOM_COLORS", "ATOM_LABELS", "plot_atoms", "plot_atoms_path", "plot_contributions", "plot_emap",
    "plot_joint_table", "plot_model_selection", "plot_strengths",
]

#: Legend labels of the atoms.
ATOM_LABELS: tuple[str, ...] = ("R (redundancy)", "U1 (unique to X1)", "U2 (unique to X2)", "S (synergy)")
#: One colour per atom, the same in every figure.
ATOM_COLORS: tuple[str, ...] = ("C0", "C1", "C2", "C3")


# --------------------------------------------------------------------------- #
# atoms
# --------------------------------------------------------------------------- #
def plot_atoms(results: Mapping[str, Any], *, truth: Mapping[str, Any] | None = None, ax: Any = None,
               title: str = "Partial information decomposition", ylabel: str = "information (bits)",
               xlabel: str = "distribution", show_total: bool = True, annotate: bool = True) -> Any:
    """Grouped bar plot of the four PID atoms, one group per distribution or data set.

    Parameters
    ----------
    results : mapping of str to PID result
        Group label (e.g. ``"XOR"``) to its atoms in bits: an object with the
        attributes ``redundancy``, ``unique1``, ``unique2``, ``synergy`` (and
        optionally ``total``) such as :func:`mmlab.quantify.pid` and the
        estimators of :mod:`mmlab.quantify` return, a mapping with
        those keys, or an array-like ``(R, U1, U2, S)``.
    truth : mapping of str to PID result, optional
        Exact atoms of some groups (same forms as ``results``), drawn as black
        ticks over the bars: what an estimator should have found.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    title, ylabel, xlabel : str
        Title and axis labels.
    show_total : bool, default=True
        Mark ``I(X1,X2;Y)`` (the ``total`` field, or the sum of the atoms) of each
        group with a black line across its bars.
    annotate : bool, default=True
        Write each bar's value (2 decimals) above it.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``results`` is not a mapping, or a result lacks an atom.
    ValueError
        If ``results`` is empty, an atom is not a finite number, or ``truth``
        names a group that ``results`` does not have.

    Examples
    --------
    >>> ax = plot_atoms({"XOR": dict(redundancy=0, unique1=0, unique2=0, synergy=1)})  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if not isinstance(results, Mapping):
        raise TypeError(f"results must be a mapping of group label to PID result; got {type(results).__name__}. "
                        "Wrap a single result as {'name': result}.")
    if not results:
        raise ValueError("results must hold at least one PID result; got an empty mapping.")
    labels = [str(k) for k in results]
    atoms = np.array([_atoms_of(r, f"results[{str(k)!r}]") for k, r in results.items()])  # (groups, 4)
    totals = np.array([_total_of(r, a) for r, a in zip(results.values(), atoms)])
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 + 1.5 * len(labels), 3.8))
    width = 0.2
    x = np.arange(len(labels), dtype=float)
    for j, (label, color) in enumerate(zip(ATOM_LABELS, ATOM_COLORS)):
        pos = x + (j - 1.5) * width
        bars = ax.bar(pos, atoms[:, j], width=width, color=color, label=label)
        if annotate:
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in atoms[:, j]], fontsize=7, padding=1)
    if show_total:
        ax.hlines(totals, x - 2 * width, x + 2 * width, colors="k", linewidth=1.5, label="I(X1,X2;Y)")
    top = max(float(np.max(atoms)), float(np.max(totals)) if show_total else 0.0, 1e-9)
    if truth is not None:
        if not isinstance(truth, Mapping):
            raise TypeError(f"truth must be a mapping of group label to exact atoms; got {type(truth).__name__}.")
        unknown = sorted(str(k) for k in truth if str(k) not in labels)
        if unknown:
            raise ValueError(f"truth names groups that results does not have: {unknown}; results has {labels}.")
        first = True
        for k, t in truth.items():
            if t is None:
                continue
            exact = np.array(_atoms_of(t, f"truth[{k!r}]"))
            i = labels.index(str(k))
            ax.scatter(x[i] + (np.arange(4) - 1.5) * width, exact, marker="_", s=250, color="k", zorder=3,
                       label="exact (planted)" if first else None)
            first = False
            top = max(top, float(np.max(exact)))
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xticks(x, labels)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.set_ylim(min(0.0, float(np.min(atoms)) * 1.1), top * 1.25)
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i] not in ATOM_LABELS)  # atoms first, marks last
    ax.legend([handles[i] for i in order], [names[i] for i in order], fontsize=8, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_atoms_path(t: npt.ArrayLike, atoms: npt.ArrayLike, *, ax: Any = None,
                    title: str = "PID atoms along a path of distributions",
                    xlabel: str = "mixing weight t", ylabel: str = "information (bits)") -> Any:
    """Plot the four atoms (one line each) against a path parameter such as a mixing weight.

    Parameters
    ----------
    t : array-like of shape (n,)
        The path parameter of each point.
    atoms : array-like of shape (n, 4)
        ``(R, U1, U2, S)`` in bits at each point.
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the shapes do not match or values are not finite.
    """
    import matplotlib.pyplot as plt

    tv = check_array(t, "t", ndim=1, dtype=float)
    a = check_array(atoms, "atoms", ndim=2, dtype=float)
    if a.shape != (tv.size, 4):
        raise ValueError(f"atoms must have shape (len(t), 4) = ({tv.size}, 4), one row (R, U1, U2, S) per t; "
                         f"got {a.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    for j, (label, color) in enumerate(zip(ATOM_LABELS, ATOM_COLORS)):
        ax.plot(tv, a[:, j], color=color, marker=".", label=label)
    ax.plot(tv, a.sum(axis=1), color="k", linestyle="--", label="I(X1,X2;Y)")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


# --------------------------------------------------------------------------- #
# joint tables and couplings
# --------------------------------------------------------------------------- #
def plot_joint_table(p: npt.ArrayLike, *, axes: Sequence[Any] | None = None, title: str = "p",
                     vmax: float | None = None, annotate: bool = True, cmap: str = "Blues") -> list:
    """Heatmaps of a joint table ``p(x1, x2, y)``, one panel per label value ``y``.

    Panel ``y`` shows the matrix ``p(x1, x2, y)`` (rows ``x1``, columns ``x2``),
    so a coupling ``q`` in Δp can be compared with ``p`` panel by panel: their
    row sums and column sums agree on each panel.

    Parameters
    ----------
    p : array-like of shape (|X1|, |X2|, |Y|)
        A joint table (non-negative, finite).
    axes : sequence of |Y| matplotlib Axes, optional
        Where to draw; a new row of panels is made when omitted.
    title : str, default="p"
        Prefix of each panel's title (``"<title>, y = k"``).
    vmax : float, optional
        Top of the colour scale (default: the largest cell), so that several
        tables can share one scale.
    annotate : bool, default=True
        Write each cell's probability (2 decimals).
    cmap : str, default="Blues"

    Returns
    -------
    list of matplotlib.axes.Axes
        One per value of ``y``.

    Raises
    ------
    ValueError
        If ``p`` is not 3-D, has negative or non-finite cells, or ``axes`` has
        the wrong length.
    """
    import matplotlib.pyplot as plt

    arr = check_array(p, "p", ndim=3, dtype=float)
    if np.any(arr < 0):
        raise ValueError(f"p must be non-negative (a probability table); got minimum {arr.min():.3g}.")
    n1, n2, ny = arr.shape
    if axes is None:
        _, axes = plt.subplots(1, ny, figsize=(1.2 + 1.6 * ny * max(1, n2 / 2), 2.4 * max(1, n1 / 2)),
                               squeeze=False)
        axes = list(axes[0])
    axes = list(np.ravel(axes))
    if len(axes) != ny:
        raise ValueError(f"axes must hold one Axes per value of y ({ny}); got {len(axes)}.")
    top = float(arr.max()) if vmax is None else float(vmax)
    for k, ax in enumerate(axes):
        ax.imshow(arr[:, :, k], cmap=cmap, vmin=0.0, vmax=top if top > 0 else 1.0)
        ax.set_xticks(range(n2))
        ax.set_yticks(range(n1))
        ax.set_xlabel("x2")
        ax.set_ylabel("x1")
        ax.set_title(f"{title}, y = {k}", fontsize=10)
        if annotate:
            for i in range(n1):
                for j in range(n2):
                    v = arr[i, j, k]
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                            color="white" if top > 0 and v > 0.6 * top else "black")
    return axes


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _atoms_of(result: Any, label: str) -> list[float]:
    """Read (R, U1, U2, S) from a PID result object, a mapping, or an array-like of four numbers."""
    if isinstance(result, Mapping) or all(hasattr(result, name) for name in ATOMS):
        raw = []
        for name in ATOMS:
            if isinstance(result, Mapping):
                if name not in result:
                    raise TypeError(f"{label} must have the atoms {list(ATOMS)}; {name!r} is missing.")
                raw.append((name, result[name]))
            else:
                raw.append((name, getattr(result, name)))
    elif isinstance(result, (Sequence, np.ndarray)) and not isinstance(result, str) and np.shape(result) == (4,):
        raw = list(zip(ATOMS, result))
    else:
        raise TypeError(f"{label} must be a PID result with the attributes {list(ATOMS)}, a mapping with "
                        f"those keys, or four numbers (R, U1, U2, S); got {type(result).__name__}.")
    values = []
    for name, v in raw:
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"{label}.{name} must be a number; got {type(v).__name__}.") from None
        if not np.isfinite(v):
            raise ValueError(f"{label}.{name} must be finite; got {v}.")
        values.append(v)
    return values


def _total_of(result: Any, atoms: np.ndarray) -> float:
    """``total`` of a result when it has one, else the sum of its atoms."""
    total = result.get("total") if isinstance(result, Mapping) else getattr(result, "total", None)
    return float(np.sum(atoms)) if total is None else float(total)


# --------------------------------------------------------------------------- #
# model selection, EMAP, gradients, contributions
# --------------------------------------------------------------------------- #
def plot_model_selection(distances: Mapping[str, Mapping[str, float]], accuracies: Mapping[str, Mapping[str, float]],
                         *, axes: Any = None,
                         title: str = "Interaction distance to the data vs test accuracy") -> Any:
    """One panel per data set: each model's interaction distance (x) against its test accuracy (y).

    Parameters
    ----------
    distances, accuracies : mapping of data set name to mapping of model name to float
        From :func:`mmlab.quantify.rank_by_interactions` and the
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
        Task name to :func:`mmlab.quantify.emap_accuracy`'s result.
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
        Label to :func:`mmlab.quantify.interaction_strength` output.
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
        From :func:`mmlab.quantify.modality_contributions`.
    kinds : InteractionKinds
        From :func:`mmlab.quantify.classify_interactions`.
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
