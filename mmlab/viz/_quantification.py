"""Plotting helpers of challenge 6, quantification: PID atoms, joint tables, model selection, EMAP, gradients,
contributions; and (lectures 6.4-6.8) training curves, robustness curves, heterogeneity, learning curves,
equivariance maps.

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
from mmlab.viz._common import _label_axes

__all__ = [
    "ATOM_COLORS",
    "ATOM_LABELS",
    "plot_atoms",
    "plot_atoms_path",
    "plot_contributions",
    "plot_emap",
    "plot_joint_table",
    "plot_model_selection",
    "plot_strengths",
    # quantification II
    "plot_equivariance_map",
    "plot_heterogeneity",
    "plot_learning_curves",
    "plot_probe_curves",
    "plot_robustness_curves",
]

#: Legend labels of the atoms.
ATOM_LABELS: tuple[str, ...] = ("R (redundancy)", "U1 (unique to X1)", "U2 (unique to X2)", "S (synergy)")
#: One colour per atom, the same in every figure.
ATOM_COLORS: tuple[str, ...] = ("C0", "C1", "C2", "C3")


# --------------------------------------------------------------------------- #
# atoms
# --------------------------------------------------------------------------- #
def plot_atoms(
    results: Mapping[str, Any],
    *,
    truth: Mapping[str, Any] | None = None,
    ax: Any = None,
    title: str = "Partial information decomposition",
    ylabel: str = "information (bits)",
    xlabel: str = "distribution",
    show_total: bool = True,
    annotate: bool = True,
) -> Any:
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
    >>> ax = plot_atoms({"XOR": dict(redundancy=0, unique1=0, unique2=0, synergy=1)})
    >>> [round(float(p.get_height()), 2) for p in ax.patches]
    [0.0, 0.0, 0.0, 1.0]
    """
    import matplotlib.pyplot as plt

    if not isinstance(results, Mapping):
        raise TypeError(
            f"results must be a mapping of group label to PID result; got {type(results).__name__}. "
            "Wrap a single result as {'name': result}."
        )
    if not results:
        raise ValueError("results must hold at least one PID result; got an empty mapping.")
    labels = [str(k) for k in results]
    atoms = np.array([_atoms_of(r, f"results[{str(k)!r}]") for k, r in results.items()])  # (groups, 4)
    totals = np.array([_total_of(r, a) for r, a in zip(results.values(), atoms, strict=True)])
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 + 1.5 * len(labels), 3.8))
    width = 0.2
    x = np.arange(len(labels), dtype=float)
    for j, (label, color) in enumerate(zip(ATOM_LABELS, ATOM_COLORS, strict=True)):
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
            ax.scatter(
                x[i] + (np.arange(4) - 1.5) * width,
                exact,
                marker="_",
                s=250,
                color="k",
                zorder=3,
                label="exact (planted)" if first else None,
            )
            first = False
            top = max(top, float(np.max(exact)))
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xticks(x, labels)
    _label_axes(ax, xlabel, ylabel, title)
    ax.set_ylim(min(0.0, float(np.min(atoms)) * 1.1), top * 1.25)
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i] not in ATOM_LABELS)  # atoms first, marks last
    ax.legend(
        [handles[i] for i in order], [names[i] for i in order], fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0)
    )
    return ax


def plot_atoms_path(
    t: npt.ArrayLike,
    atoms: npt.ArrayLike,
    *,
    ax: Any = None,
    title: str = "PID atoms along a path of distributions",
    xlabel: str = "mixing weight t",
    ylabel: str = "information (bits)",
) -> Any:
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
        raise ValueError(
            f"atoms must have shape (len(t), 4) = ({tv.size}, 4), one row (R, U1, U2, S) per t; got {a.shape}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    for j, (label, color) in enumerate(zip(ATOM_LABELS, ATOM_COLORS, strict=True)):
        ax.plot(tv, a[:, j], color=color, marker=".", label=label)
    ax.plot(tv, a.sum(axis=1), color="k", linestyle="--", label="I(X1,X2;Y)")
    return _label_axes(ax, xlabel, ylabel, title, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


# --------------------------------------------------------------------------- #
# joint tables and couplings
# --------------------------------------------------------------------------- #
def plot_joint_table(
    p: npt.ArrayLike,
    *,
    axes: Sequence[Any] | None = None,
    title: str = "p",
    vmax: float | None = None,
    annotate: bool = True,
    cmap: str = "Blues",
) -> list:
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
        _, axes = plt.subplots(1, ny, figsize=(1.2 + 1.6 * ny * max(1, n2 / 2), 2.4 * max(1, n1 / 2)), squeeze=False)
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
                    ax.text(
                        j,
                        i,
                        f"{v:.2f}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if top > 0 and v > 0.6 * top else "black",
                    )
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
        raw = list(zip(ATOMS, result, strict=True))
    else:
        raise TypeError(
            f"{label} must be a PID result with the attributes {list(ATOMS)}, a mapping with "
            f"those keys, or four numbers (R, U1, U2, S); got {type(result).__name__}."
        )
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
def plot_model_selection(
    distances: Mapping[str, Mapping[str, float]],
    accuracies: Mapping[str, Mapping[str, float]],
    *,
    axes: Any = None,
    title: str = "Interaction distance to the data vs test accuracy",
) -> Any:
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
    TypeError
        If ``distances`` or ``accuracies`` is not a mapping of mappings.
    ValueError
        If the two mappings do not have the same data sets and models, or
        ``axes`` does not hold one Axes per data set.

    Examples
    --------
    >>> axes = plot_model_selection({"xor": {"additive": 1.2, "tensor": 0.1}},
    ...                             {"xor": {"additive": 0.5, "tensor": 0.97}})
    >>> axes[0].get_title()
    'data: xor'
    """
    import matplotlib.pyplot as plt

    for name, arg in (("distances", distances), ("accuracies", accuracies)):
        if not isinstance(arg, Mapping) or not all(isinstance(v, Mapping) for v in arg.values()):
            raise TypeError(
                f"{name} must be a mapping of data set name to {{model name: value}}; got {type(arg).__name__}."
            )
    sets = list(distances)
    if not sets or set(sets) != set(accuracies):
        raise ValueError(
            f"distances and accuracies must describe the same data sets; got {sorted(distances)} "
            f"and {sorted(accuracies)}."
        )
    if axes is None:
        fig, axes = plt.subplots(1, len(sets), figsize=(3.6 * len(sets), 3.4), squeeze=False)
        axes = axes[0]
        fig.suptitle(title)
    axes = np.atleast_1d(axes)
    if len(axes) != len(sets):
        raise ValueError(f"axes must hold one Axes per data set ({len(sets)}); got {len(axes)}.")
    models = list(next(iter(distances.values())))
    for ax, name in zip(axes, sets, strict=True):
        if set(distances[name]) != set(accuracies[name]):
            raise ValueError(f"data set {name!r}: distances and accuracies name different models.")
        for k, model in enumerate(models):
            ax.scatter(distances[name][model], 100 * accuracies[name][model], s=60, color=f"C{k}", label=model)
        _label_axes(ax, "interaction distance to the data", "test accuracy (%)", f"data: {name}")
        ax.set_xlim(-0.05, 2.05)
        ax.set_ylim(0, 105)
    axes[0].legend(loc="lower right", fontsize="small")
    return axes


def plot_emap(
    comparisons: Mapping[str, Any],
    *,
    ax: Any = None,
    title: str = "Accuracy of a model and of its additive (EMAP) projection",
) -> Any:
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

    Raises
    ------
    TypeError
        If ``comparisons`` is not a mapping, or a value lacks ``accuracy`` and
        ``projected_accuracy``.
    ValueError
        If ``comparisons`` is empty.

    Examples
    --------
    >>> from mmlab.quantify import EMAPComparison
    >>> ax = plot_emap({"xor": EMAPComparison(accuracy=0.95, projected_accuracy=0.5, drop=0.45, n=100)})
    >>> [float(p.get_height()) for p in ax.patches]
    [95.0, 50.0]
    """
    import matplotlib.pyplot as plt

    if not isinstance(comparisons, Mapping):
        raise TypeError(
            f"comparisons must be a mapping of task name to EMAPComparison; got {type(comparisons).__name__}."
        )
    if not comparisons:
        raise ValueError("comparisons must hold at least one task.")
    for name, c in comparisons.items():
        if not (hasattr(c, "accuracy") and hasattr(c, "projected_accuracy")):
            raise TypeError(
                f"comparisons[{name!r}] must be an EMAPComparison (with accuracy and "
                f"projected_accuracy), as emap_accuracy returns; got {type(c).__name__}."
            )
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
    return _label_axes(
        ax, "task the model was trained on", "test accuracy (%)", title, loc="lower left", fontsize="small"
    )


def plot_strengths(
    strengths: Mapping[str, Any], *, ax: Any = None, title: str = "Per-sample interaction strength, samples sorted"
) -> Any:
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

    Raises
    ------
    TypeError
        If ``strengths`` is not a mapping, or a curve is not numeric.
    ValueError
        If ``strengths`` is empty, or a curve is empty or not finite.

    Examples
    --------
    >>> ax = plot_strengths({"tensor": [3.0, 1.0, 2.0]})
    >>> ax.get_lines()[0].get_ydata().tolist()
    [1.0, 2.0, 3.0]
    """
    import matplotlib.pyplot as plt

    if not isinstance(strengths, Mapping):
        raise TypeError(
            f"strengths must be a mapping of label to per-sample strengths; got {type(strengths).__name__}."
        )
    if not strengths:
        raise ValueError("strengths must hold at least one curve.")
    curves = {}
    for label, s in strengths.items():
        curves[label] = check_array(s, f"strengths[{label!r}]", dtype=float).reshape(-1)
        if curves[label].size == 0:
            raise ValueError(f"strengths[{label!r}] must hold at least one sample; got none.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    styles = ("-", "--", "-.", ":")
    for k, (label, s) in enumerate(curves.items()):
        v = np.sort(s)
        # several curves can coincide (e.g. at exactly 0): vary the line style so each stays visible
        ax.plot(np.linspace(0, 100, v.size), v, color=f"C{k}", lw=2.5 if k == 0 else 2, ls=styles[k % 4], label=label)
    return _label_axes(
        ax,
        "sample percentile (sorted by strength)",
        r"$\|\partial^2 f_c / \partial x_A \partial x_B\|_F$",
        title,
        loc="upper left",
        fontsize="small",
    )


def plot_contributions(
    contributions: Any,
    kinds: Any,
    *,
    ax: Any = None,
    labels: tuple[str, str] = ("x_A", "x_B"),
    title: str = "Modality contributions to the log-odds, per sample",
) -> Any:
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

    Raises
    ------
    TypeError
        If ``contributions`` is not numeric or ``kinds`` has no ``kind`` array.
    ValueError
        If ``contributions`` is not ``(N, 2, 2)`` and finite, or ``kinds``
        does not describe the same ``N`` samples.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.quantify import classify_interactions
    >>> c = np.array([[[-1.0, 1.0], [0.0, 0.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    >>> ax = plot_contributions(c, classify_interactions(c))
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['conflict (50%)', 'dominance (50%)']
    """
    import matplotlib.pyplot as plt

    c = check_array(contributions, "contributions", dtype=float)
    if c.ndim != 3 or c.shape[1:] != (2, 2):
        raise ValueError(f"contributions must have shape (N, 2, 2) (two modalities, two classes); got {c.shape}.")
    if not hasattr(kinds, "kind"):
        raise TypeError(f"kinds must be an InteractionKinds (from classify_interactions); got {type(kinds).__name__}.")
    if np.shape(kinds.kind) != (c.shape[0],):
        raise ValueError(f"kinds must describe the {c.shape[0]} samples of contributions; got {np.size(kinds.kind)}.")
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
    return _label_axes(
        ax,
        f"contribution of {labels[0]} to the log-odds of class 1",
        f"contribution of {labels[1]} to the log-odds of class 1",
        title,
        loc="best",
        fontsize="small",
    )


# --------------------------------------------------------------------------- #
# quantification II: bias, robustness, heterogeneity, structure, learning process
# --------------------------------------------------------------------------- #
def plot_probe_curves(
    curves: Mapping[str, Any],
    *,
    sets: Sequence[str] | None = None,
    ax: Any = None,
    reference: float | None = None,
    title: str = "Accuracy during training, per evaluation set",
) -> Any:
    """Accuracy against optimisation step: one colour per model, one line style per evaluation set.

    Parameters
    ----------
    curves : mapping of str to ProbeCurves
        Model name to :func:`mmlab.quantify.probe_training`'s result (e.g.
        ``BiasStudy.curves``).
    sets : sequence of str, optional
        Which evaluation sets to draw; default every set of the first model.
    ax : matplotlib Axes, optional
    reference : float, optional
        A dashed line at this accuracy (e.g. chance).
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``curves`` is not a mapping of objects with ``steps`` and ``accuracy``.
    ValueError
        If ``curves`` is empty or a requested set was not recorded.

    Examples
    --------
    >>> from mmlab.quantify import ProbeCurves
    >>> c = ProbeCurves(steps=[0, 4, 8], accuracy={"test": [0.2, 0.6, 0.9]})
    >>> len(plot_probe_curves({"fused": c}).get_lines())
    1
    """
    import matplotlib.pyplot as plt

    _check_curves(curves, "model", "ProbeCurves", ("steps", "accuracy"))
    first = next(iter(curves.values()))
    names = list(first.accuracy) if sets is None else list(sets)
    for model, c in curves.items():
        missing = [s for s in names if s not in c.accuracy]
        if missing:
            raise ValueError(f"curves[{model!r}] has no evaluation set {missing}; it has {list(c.accuracy)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    styles = ("-", "--", ":", "-.")
    for k, (model, c) in enumerate(curves.items()):
        for j, s in enumerate(names):
            ax.plot(c.steps, c.accuracy[s], color=f"C{k}", ls=styles[j % 4], lw=2, label=f"{model}: {s}")
    if reference is not None:
        ax.axhline(reference, color="0.5", ls=":", lw=1)
    ax.set_ylim(0, 1.02)
    return _label_axes(ax, "optimisation step", "accuracy", title, loc="lower right", fontsize="small", ncol=2)


def plot_robustness_curves(
    study: Any,
    modality: str,
    *,
    models: Sequence[str] | None = None,
    ax: Any = None,
    level: float | None = None,
    reference: float | None = None,
    title: str | None = None,
) -> Any:
    """Accuracy against the noise level of one modality, one line per model (MultiBench's robustness curves).

    Parameters
    ----------
    study : RobustnessStudy
        From :func:`mmlab.quantify.robustness_study`.
    modality : str
        The noisy modality to show.
    models : sequence of str, optional
        Default every model of the study.
    ax : matplotlib Axes, optional
    level : float, optional
        Mark this noise level with a vertical line.
    reference : float, optional
        A dashed line at this accuracy (e.g. chance).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``study`` has no ``curves`` and ``levels``.
    ValueError
        If ``modality`` or a model is not in the study.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.quantify import RobustnessStudy
    >>> s = RobustnessStudy(levels=np.array([0.0, 1.0]), curves={"lf": {"image": np.array([0.9, 0.5])}},
    ...                     kind="gaussian", baseline="lf")
    >>> plot_robustness_curves(s, "image").get_lines()[0].get_ydata().tolist()
    [0.9, 0.5]
    """
    import matplotlib.pyplot as plt

    if not (hasattr(study, "curves") and hasattr(study, "levels")):
        raise TypeError(f"study must be a RobustnessStudy (curves, levels); got {type(study).__name__}.")
    names = list(study.curves) if models is None else list(models)
    for name in names:
        if name not in study.curves:
            raise ValueError(f"model {name!r} is not in the study; it has {list(study.curves)}.")
        if modality not in study.curves[name]:
            raise ValueError(f"modality {modality!r} is not in the study; it has {list(study.curves[name])}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.0))
    for k, name in enumerate(names):
        ax.plot(study.levels, study.curves[name][modality], marker="o", ms=3, lw=2, color=f"C{k}", label=name)
    if level is not None:
        ax.axvline(level, color="0.3", lw=1)
    if reference is not None:
        ax.axhline(reference, color="0.5", ls=":", lw=1, label="chance")
    ax.set_ylim(0, 1.02)
    xlabel = f"noise level on {modality} ({getattr(study, 'kind', 'noise')})"
    title = title or f"Robustness to noise on {modality}"
    return _label_axes(ax, xlabel, "test accuracy", title, loc="lower left", fontsize="small")


def plot_heterogeneity(matrix: Any, *, ax: Any = None, title: str = "Modality heterogeneity by transfer") -> Any:
    """Heat map of a heterogeneity matrix: row = source modality, column = target, value d(source -> target).

    Parameters
    ----------
    matrix : HeterogeneityMatrix
        From :func:`mmlab.quantify.transfer_heterogeneity` (``names``, ``heterogeneity``).
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``matrix`` has no ``names`` and ``heterogeneity``.
    ValueError
        If the matrix is not square with one row per name.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.quantify import HeterogeneityMatrix
    >>> h = HeterogeneityMatrix(names=("a", "b"), accuracy=np.eye(2), heterogeneity=np.array([[0, .3], [0, 0]]))
    >>> len(plot_heterogeneity(h).texts)
    4
    """
    import matplotlib.pyplot as plt

    if not (hasattr(matrix, "names") and hasattr(matrix, "heterogeneity")):
        raise TypeError(f"matrix must be a HeterogeneityMatrix (names, heterogeneity); got {type(matrix).__name__}.")
    d = check_array(matrix.heterogeneity, "matrix.heterogeneity", ndim=2, dtype=float)
    names = list(matrix.names)
    if d.shape != (len(names), len(names)):
        raise ValueError(
            f"the heterogeneity matrix must be square with one row per modality ({len(names)}); got shape {d.shape}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * len(names) + 2.5, 1.1 * len(names) + 1.8))
    bound = max(float(np.abs(d).max()), 1e-6)
    image = ax.imshow(d, cmap="RdBu_r", vmin=-bound, vmax=bound)
    for i in range(d.shape[0]):
        for j in range(d.shape[1]):
            ax.text(j, i, f"{d[i, j]:+.2f}", ha="center", va="center", fontsize="small")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    _label_axes(ax, "target modality j", "source modality i", title)
    ax.figure.colorbar(image, ax=ax, label="d(i → j): accuracy lost by transfer")
    return ax


def plot_learning_curves(
    curves: Mapping[str, Any],
    *,
    head: str | Mapping[str, str] = "fused",
    axes: Any = None,
    title: str = "Training and validation loss",
) -> Any:
    """Training (solid) and validation (dashed) loss per epoch of several runs, one colour per run.

    Parameters
    ----------
    curves : mapping of str to LearningCurves
        Run name to :func:`mmlab.quantify.train_heads`'s result.
    head : str or mapping of str to str, default="fused"
        Which head's losses to draw, for all runs or per run.
    axes : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``curves`` is not a mapping of objects with ``train_loss`` and ``val_loss``.
    ValueError
        If ``curves`` is empty or a run did not record the head (or its validation loss).

    Examples
    --------
    >>> from mmlab.quantify import LearningCurves
    >>> c = LearningCurves(heads=("a", "fused"), weights=(0.0, 1.0), train_loss={"fused": [0.7, 0.3]},
    ...                    val_loss={"fused": [0.7, 0.5]})
    >>> len(plot_learning_curves({"naive": c}).get_lines())
    2
    """
    import matplotlib.pyplot as plt

    _check_curves(curves, "run", "LearningCurves", ("train_loss", "val_loss"))
    ax = axes
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    for k, (name, c) in enumerate(curves.items()):
        h = head[name] if isinstance(head, Mapping) else head
        if h not in c.train_loss or h not in c.val_loss:
            raise ValueError(f"run {name!r} did not record the head {h!r} with validation losses.")
        epochs = range(len(c.train_loss[h]))
        ax.plot(epochs, c.train_loss[h], color=f"C{k}", lw=2, label=f"{name}: training")
        ax.plot(epochs, c.val_loss[h], color=f"C{k}", lw=2, ls="--", label=f"{name}: validation")
    return _label_axes(ax, "epoch", "cross-entropy (nats)", title, loc="upper right", fontsize="small", ncol=2)


def plot_equivariance_map(
    maps: Mapping[str, Any], *, ax: Any = None, title: str = "Where translation equivariance breaks"
) -> Any:
    """Equivariance error at each grid position, one line per model (:func:`mmlab.quantify.equivariance_map`).

    Parameters
    ----------
    maps : mapping of str to array-like of shape (T,)
        Model name to the per-position error.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``maps`` is not a mapping.
    ValueError
        If it is empty or a map is not a finite 1-D array.

    Examples
    --------
    >>> len(plot_equivariance_map({"conv": [0.0, 0.0, 0.5]}).get_lines())
    1
    """
    import matplotlib.pyplot as plt

    if not isinstance(maps, Mapping):
        raise TypeError(f"maps must be a mapping of model name to a per-position error; got {type(maps).__name__}.")
    if not maps:
        raise ValueError("maps must hold at least one model.")
    lines = {k: check_array(v, f"maps[{k!r}]", ndim=1, dtype=float) for k, v in maps.items()}
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6))
    styles = ("-", "--", "-.", ":")
    for k, (name, v) in enumerate(lines.items()):
        ax.plot(np.arange(v.size), v, marker="o", ms=3, lw=2, ls=styles[k % 4], color=f"C{k}", label=name)
    return _label_axes(
        ax,
        "position on the grid (output time step)",
        r"mean $|f(\rho(g)x) - \rho(g)f(x)|$",
        title,
        loc="upper center",
        fontsize="small",
    )


def _check_curves(curves: Any, key: str, kind: str, attributes: Sequence[str]) -> None:
    """Raise unless ``curves`` is a non-empty mapping of ``key`` names to ``kind`` objects with ``attributes``."""
    if not isinstance(curves, Mapping) or not all(all(hasattr(c, a) for a in attributes) for c in curves.values()):
        raise TypeError(f"curves must be a mapping of {key} name to {kind} ({', '.join(attributes)}).")
    if not curves:
        raise ValueError(f"curves must hold at least one {key}.")
