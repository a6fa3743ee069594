"""Plotting helpers for partial information decomposition: atom bar plots and joint-table heatmaps.

Import them from :mod:`mmlab.viz`, which re-exports them. Like the rest of
:mod:`mmlab.viz`, each function draws
with matplotlib on the Axes it is given (or on a new figure), labels its axes,
sets a title and returns what it drew on; none calls ``plt.show()``. The four
atoms always have the same colours (C0 redundancy, C1 unique to X1, C2 unique
to X2, C3 synergy), so figures of one notebook can be compared at a glance.

Used by: ``lectures/6_quantification/01_information_and_pid.ipynb``,
``lectures/6_quantification/02_pid_estimators_model_selection.ipynb`` and the
PID explorer (:func:`mmlab.widgets.pid_morph_explorer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array

__all__ = ["ATOM_COLORS", "ATOM_LABELS", "ATOM_NAMES", "plot_atoms", "plot_atoms_path", "plot_joint_table"]

#: Field names of a PID result, in the order they are drawn.
ATOM_NAMES: tuple[str, ...] = ("redundancy", "unique1", "unique2", "synergy")
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
        estimators of :mod:`mmlab.quantify.estimators` return, a mapping with
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
    if isinstance(result, Mapping) or all(hasattr(result, name) for name in ATOM_NAMES):
        raw = []
        for name in ATOM_NAMES:
            if isinstance(result, Mapping):
                if name not in result:
                    raise TypeError(f"{label} must have the atoms {list(ATOM_NAMES)}; {name!r} is missing.")
                raw.append((name, result[name]))
            else:
                raw.append((name, getattr(result, name)))
    elif isinstance(result, (Sequence, np.ndarray)) and not isinstance(result, str) and np.shape(result) == (4,):
        raw = list(zip(ATOM_NAMES, result))
    else:
        raise TypeError(f"{label} must be a PID result with the attributes {list(ATOM_NAMES)}, a mapping with "
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
