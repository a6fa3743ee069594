"""ipywidgets explorers of challenge 1, representation.

- :func:`interaction_explorer`: sliders for :math:`w_0..w_3` of the interaction
  regression, drawn over the data with the residual sum of squares, in
  ``lectures/1_representation/01_interaction_regression.ipynb``;
- :func:`fusion_explorer`: pick a planted interaction and a fusion operator and
  see what a small model learns, in
  ``lectures/1_representation/05_fusion_on_av_digits.ipynb``. Every
  (interaction, operator) result is cached, so moving back to a choice is
  instant.

Each explorer draws its figure once when it is built, so the cell also runs
headless (nbval, ``make book``), where the controls keep their starting values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import (
    RandomState,
    check_array,
    check_choice,
    check_positive_int,
    check_scalar,
    seed_from_random_state,
)
from mmlab.viz import plot_interaction
from mmlab.viz._common import _binary_levels, _check_frame

__all__ = [
    "EXPLORER_INTERACTIONS",
    "EXPLORER_OPERATORS",
    "fusion_explorer",
    "interaction_explorer",
    "run_interaction_operator",
]

_NAMES = ("w0", "w1", "w2", "w3")


def interaction_explorer(
    data: pd.DataFrame,
    *,
    x: str = "smiling",
    y: str = "score",
    group: str = "critic",
    start: Sequence[float] | None = None,
    limits: Mapping[str, tuple[float, float]] | None = None,
    step: float = 0.01,
    group_labels: Mapping[Any, str] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
) -> Any:
    """Sliders for :math:`w_0..w_3` that redraw the two lines of the interaction model over the data.

    The lines are

    .. math::

        \\hat y = w_0 + w_1 x + w_2 g + w_3 x g, \\qquad g \\in \\{0, 1\\},

    and the title reports their residual sum of squares
    :math:`\\mathrm{RSS}(w) = \\sum_i (y_i - \\hat y_i)^2` next to the least-squares
    minimum, so a student can fit the model by hand and see how close they get.

    Parameters
    ----------
    data : pandas.DataFrame
        Holds the columns ``x``, ``y`` and ``group`` (group coded 0/1).
    x, y, group : str
        Column names (default: the book-review study).
    start : sequence of 4 floats, optional
        Starting :math:`(w_0, w_1, w_2, w_3)`; default ``(mean of y, 0, 0, 0)``,
        a flat line, so that every slope has to be found.
    limits : mapping of "w0".."w3" to (low, high), optional
        Slider ranges; default ``w0`` over the range of ``y`` and ``w1..w3``
        over ``[-5, 5]``.
    step : float, default=0.01
        Slider step.
    group_labels : mapping, optional
        Legend names of the group levels, e.g. ``{0: "non-critic", 1: "critic"}``.
    xlabel, ylabel : str, optional
        Axis labels (with units); default the column names. The vertical axis
        stays fixed to the range of ``y`` while the sliders move.

    Returns
    -------
    ipywidgets.VBox
        The sliders and the figure. Its ``sliders`` attribute maps ``"w0"`` ..
        ``"w3"`` to the FloatSliders, and ``explorer_state`` holds the last
        drawn ``weights`` and ``rss`` (and the least-squares ``best_rss``).

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame, a column is not numeric or ``step``
        is not a number.
    ValueError
        If a column is missing, ``group`` is not 0/1, ``start`` is not 4 numbers,
        a limit is not an increasing pair, a start value lies outside its
        limits, or ``step`` is not a finite number > 0.

    Examples
    --------
    Outside a notebook each redraw prints the figure's text form; the
    examples silence it.

    >>> import contextlib, io
    >>> from mmlab.data import load_book_reviews
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     explorer = interaction_explorer(load_book_reviews(), start=(5.79, 0.68, -2.94, 0.0))
    ...     explorer.sliders["w3"].value = 1.29  # moving a slider redraws
    >>> explorer.explorer_state["weights"]
    (5.79, 0.68, -2.94, 1.29)
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import statsmodels.formula.api as smf
    from IPython.display import display

    _check_frame(data, [x, y, group])
    _binary_levels(data, group)
    step = check_scalar(step, "step", min_val=0, include_boundaries="neither")
    yv = data[y].to_numpy(float)
    xv = data[x].to_numpy(float)
    gv = data[group].to_numpy(float)
    if start is None:
        start = (float(yv.mean()), 0.0, 0.0, 0.0)
    w_start = check_array(start, "start", ndim=1, dtype=float)
    if w_start.shape != (4,):
        raise ValueError(f"start must be 4 numbers (w0, w1, w2, w3); got shape {w_start.shape}.")
    bounds = {
        "w0": (float(np.floor(yv.min())), float(np.ceil(yv.max()))),
        "w1": (-5.0, 5.0),
        "w2": (-5.0, 5.0),
        "w3": (-5.0, 5.0),
    }
    for key, pair in dict(limits or {}).items():
        if key not in _NAMES:
            raise ValueError(f"limits keys must be among {list(_NAMES)}; got {key!r}.")
        lo_hi = check_array(pair, f"limits[{key!r}]", ndim=1, dtype=float)
        if lo_hi.shape != (2,) or not lo_hi[0] < lo_hi[1]:
            raise ValueError(f"limits[{key!r}] must be (low, high) with low < high; got {tuple(pair)}.")
        bounds[key] = (float(lo_hi[0]), float(lo_hi[1]))
    for name, value in zip(_NAMES, w_start, strict=True):
        lo, hi = bounds[name]
        if not lo <= value <= hi:
            raise ValueError(
                f"start value {name}={value:.3g} lies outside its slider range [{lo:.3g}, {hi:.3g}]; "
                "widen limits or change start."
            )

    design = np.column_stack([np.ones_like(xv), xv, gv, xv * gv])
    best_rss = float(smf.ols(f"{y} ~ {x} * {group}", data=data).fit().ssr)
    state: dict[str, Any] = {"best_rss": best_rss}
    pad = 0.05 * float(np.ptp(yv)) or 1.0
    y_limits = (float(yv.min()) - pad, float(yv.max()) + pad)

    def draw(w0: float, w1: float, w2: float, w3: float) -> None:
        w = np.array([w0, w1, w2, w3])
        rss = float(np.sum((yv - design @ w) ** 2))  # RSS(w)
        state.update(weights=tuple(float(v) for v in w), rss=rss)
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        plot_interaction(
            data,
            x=x,
            y=y,
            group=group,
            weights=w,
            group_labels=group_labels,
            ax=ax,
            xlabel=xlabel,
            ylabel=ylabel,
            title=f"Your lines: RSS = {rss:.1f} (least squares: {best_rss:.1f})",
        )
        ax.set_ylim(*y_limits)
        display(fig)
        plt.close(fig)

    sliders = {
        name: widgets.FloatSlider(
            value=float(v),
            min=bounds[name][0],
            max=bounds[name][1],
            step=step,
            description=name,
            continuous_update=False,
            readout_format=".2f",
        )
        for name, v in zip(_NAMES, w_start, strict=True)
    }
    out = widgets.interactive_output(draw, sliders)
    box = widgets.VBox(
        [widgets.HBox([sliders["w0"], sliders["w1"]]), widgets.HBox([sliders["w2"], sliders["w3"]]), out]
    )
    box.sliders = sliders
    box.explorer_state = state
    return box


#: Interactions the explorer offers (names of :func:`mmlab.data.make_interaction`).
EXPLORER_INTERACTIONS: tuple[str, ...] = ("synergy", "redundancy", "uniqueness_0", "uniqueness_1")

#: Fusion operators the explorer offers (names of :func:`mmlab.fusion.make_fusion`).
EXPLORER_OPERATORS: tuple[str, ...] = (
    "additive",
    "concat",
    "multiplicative",
    "bilinear",
    "tensor",
    "low_rank",
    "gated",
    "mlp",
)


def run_interaction_operator(
    interaction: str, operator: str, *, n: int, epochs: int, random_state: RandomState = 0
) -> Any:
    """Train ``operator`` on data with the planted ``interaction`` (cached); return the :class:`FitResult`.

    Parameters
    ----------
    interaction : str
        One of :data:`EXPLORER_INTERACTIONS`.
    operator : str
        One of :data:`EXPLORER_OPERATORS`.
    n, epochs : int
        As in :func:`mmlab.fusion.experiments.interaction_accuracies`.
    random_state : int, numpy.random.Generator or None, default=0
        As in :func:`mmlab.fusion.experiments.interaction_accuracies`. Results
        are cached per int seed; a generator or None draws a new seed (and
        trains anew) on every call.

    Returns
    -------
    mmlab.fusion.experiments.FitResult

    Raises
    ------
    TypeError
        If ``n``, ``epochs`` or ``random_state`` has the wrong type.
    ValueError
        If a name is not offered, ``n`` or ``epochs`` is < 1 or
        ``random_state`` is a negative int.

    Examples
    --------
    >>> first = run_interaction_operator("synergy", "tensor", n=60, epochs=1, random_state=0)
    >>> run_interaction_operator("synergy", "tensor", n=60, epochs=1, random_state=0) is first
    True
    """
    seed = seed_from_random_state(random_state)
    interaction = check_choice(interaction, "interaction", EXPLORER_INTERACTIONS)
    operator = check_choice(operator, "operator", EXPLORER_OPERATORS)
    return _run(interaction, operator, check_positive_int(n, "n"), check_positive_int(epochs, "epochs"), seed)


@lru_cache(maxsize=64)
def _run(interaction: str, operator: str, n: int, epochs: int, seed: int) -> Any:
    from mmlab.fusion.experiments import interaction_accuracies

    results = interaction_accuracies([interaction], [operator], n=n, epochs=epochs, random_state=seed)
    return results[interaction][operator]


def fusion_explorer(
    *,
    n: int,
    epochs: int,
    start: tuple[str, str] = ("synergy", "additive"),
    interactions: Sequence[str] = EXPLORER_INTERACTIONS,
    operators: Sequence[str] = EXPLORER_OPERATORS,
    random_state: RandomState = 0,
) -> Any:
    """Two drop-downs (planted interaction, fusion operator) that train a model and show its accuracy.

    The figure has two panels: the test accuracy against chance (0.5, binary
    labels), and the training accuracy per epoch.

    Parameters
    ----------
    n, epochs : int
        Data size and training epochs of each run (take them from the notebook's size table).
    start : (str, str), default=("synergy", "additive")
        The choice drawn when the widget is built.
    interactions, operators : sequence of str
        The choices offered (subsets of :data:`EXPLORER_INTERACTIONS` and :data:`EXPLORER_OPERATORS`).
    random_state : int, numpy.random.Generator or None, default=0
        Seeds every run (data, split, initialisation, batch order); an int
        makes the explorer's results reproducible and cached.

    Returns
    -------
    ipywidgets.interactive
        Its ``explorer_state`` dict holds the last drawn ``interaction``,
        ``operator`` and test ``accuracy``.

    Raises
    ------
    TypeError
        If ``n``, ``epochs`` or ``random_state`` has the wrong type.
    ValueError
        If a name is not offered, ``start`` is not a pair among the choices,
        ``n`` or ``epochs`` is < 1, or ``random_state`` is a negative int.

    Examples
    --------
    Outside a notebook each redraw prints the figure's text form; the
    example silences it.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = fusion_explorer(n=60, epochs=1, start=("redundancy", "tensor"))
    >>> box.explorer_state["operator"]
    'tensor'
    """
    seed = seed_from_random_state(random_state)
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from mmlab.viz import plot_score_bars

    n = check_positive_int(n, "n")
    epochs = check_positive_int(epochs, "epochs")
    interactions = [check_choice(i, "interactions", EXPLORER_INTERACTIONS) for i in interactions]
    operators = [check_choice(o, "operators", EXPLORER_OPERATORS) for o in operators]
    if not isinstance(start, (tuple, list)) or len(start) != 2:
        raise ValueError(f"start must be a pair (interaction, operator); got {start!r}.")
    check_choice(start[0], "start[0]", interactions)
    check_choice(start[1], "start[1]", operators)
    state: dict[str, Any] = {}

    def draw(interaction: str, operator: str) -> None:
        result = run_interaction_operator(interaction, operator, n=n, epochs=epochs, random_state=seed)
        state.update(interaction=interaction, operator=operator, accuracy=result.score)
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
        plot_score_bars(
            {interaction: {operator: result.score}},
            ax=left,
            reference=0.5,
            ylim=(0, 1.05),
            title=f"{operator} fusion on {interaction}",
            xlabel="planted interaction",
        )
        acc = result.history.metrics["accuracy"]
        right.plot(result.history.epoch, acc, marker="o", ms=3)
        right.axhline(0.5, color="gray", ls="--", lw=1)
        right.set_ylim(0, 1.05)
        right.set_xlabel("epoch")
        right.set_ylabel("training accuracy")
        right.set_title("Training accuracy per epoch")
        fig.tight_layout()
        display(fig)
        plt.close(fig)

    box = widgets.interactive(
        draw,
        interaction=widgets.Dropdown(options=interactions, value=start[0], description="interaction"),
        operator=widgets.Dropdown(options=operators, value=start[1], description="operator"),
    )
    box.explorer_state = state
    return box
