"""ipywidgets explorers: sliders that redraw a figure, for lectures and labs.

Each explorer returns an ipywidgets container; make it the last expression of
a cell (or ``display`` it) to show it. The figure is drawn once when the
explorer is built, so the cell also runs headless (nbval, ``make book``),
where the sliders simply stay at their starting values.

- :func:`interaction_explorer` (this module): the regression lines of
  ``lectures/1_representation/01_interaction_regression.ipynb``;
- :func:`fusion_explorer` (``mmlab/_widgets_fusion.py``): a fusion operator
  against a planted interaction, in
  ``lectures/1_representation/05_fusion_on_av_digits.ipynb``;
- :func:`pid_morph_explorer` (``mmlab/_widgets_pid.py``): PID atoms along a
  path between canonical tables, in
  ``lectures/6_quantification/01_information_and_pid.ipynb``.

Import every explorer from here; the topic modules are private.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import check_array
from mmlab.viz import _binary_levels, _check_frame, plot_interaction

__all__ = ["fusion_explorer", "interaction_explorer", "pid_morph_explorer", "run_interaction_operator"]

_NAMES = ("w0", "w1", "w2", "w3")


def interaction_explorer(data: pd.DataFrame, *, x: str = "smiling", y: str = "score", group: str = "critic",
                         start: Sequence[float] | None = None,
                         limits: Mapping[str, tuple[float, float]] | None = None, step: float = 0.01,
                         group_labels: Mapping[Any, str] | None = None, xlabel: str | None = None,
                         ylabel: str | None = None) -> Any:
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
        If ``data`` is not a DataFrame or a column is not numeric.
    ValueError
        If a column is missing, ``group`` is not 0/1, ``start`` is not 4 numbers,
        a limit is not an increasing pair, a start value lies outside its
        limits, or ``step`` is not positive.

    Examples
    --------
    >>> from mmlab.data.book_reviews import load_book_reviews
    >>> explorer = interaction_explorer(load_book_reviews())  # doctest: +SKIP
    >>> explorer.sliders["w3"].value = 1.29  # redraws  # doctest: +SKIP
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import statsmodels.formula.api as smf
    from IPython.display import display

    _check_frame(data, [x, y, group])
    _binary_levels(data, group)
    if isinstance(step, bool) or not isinstance(step, (int, float)) or not step > 0:
        raise ValueError(f"step must be a positive number; got {step!r}.")
    yv = data[y].to_numpy(float)
    xv = data[x].to_numpy(float)
    gv = data[group].to_numpy(float)
    if start is None:
        start = (float(yv.mean()), 0.0, 0.0, 0.0)
    w_start = check_array(start, "start", ndim=1, dtype=float)
    if w_start.shape != (4,):
        raise ValueError(f"start must be 4 numbers (w0, w1, w2, w3); got shape {w_start.shape}.")
    bounds = {"w0": (float(np.floor(yv.min())), float(np.ceil(yv.max()))),
              "w1": (-5.0, 5.0), "w2": (-5.0, 5.0), "w3": (-5.0, 5.0)}
    for key, pair in dict(limits or {}).items():
        if key not in _NAMES:
            raise ValueError(f"limits keys must be among {list(_NAMES)}; got {key!r}.")
        lo_hi = check_array(pair, f"limits[{key!r}]", ndim=1, dtype=float)
        if lo_hi.shape != (2,) or not lo_hi[0] < lo_hi[1]:
            raise ValueError(f"limits[{key!r}] must be (low, high) with low < high; got {tuple(pair)}.")
        bounds[key] = (float(lo_hi[0]), float(lo_hi[1]))
    for name, value in zip(_NAMES, w_start):
        lo, hi = bounds[name]
        if not lo <= value <= hi:
            raise ValueError(f"start value {name}={value:.3g} lies outside its slider range [{lo:.3g}, {hi:.3g}]; "
                             "widen limits or change start.")

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
        plot_interaction(data, x=x, y=y, group=group, weights=w, group_labels=group_labels, ax=ax,
                         xlabel=xlabel, ylabel=ylabel,
                         title=f"Your lines: RSS = {rss:.1f} (least squares: {best_rss:.1f})")
        ax.set_ylim(*y_limits)
        display(fig)
        plt.close(fig)

    sliders = {name: widgets.FloatSlider(value=float(v), min=bounds[name][0], max=bounds[name][1], step=step,
                                         description=name, continuous_update=False, readout_format=".2f")
               for name, v in zip(_NAMES, w_start)}
    out = widgets.interactive_output(draw, sliders)
    box = widgets.VBox([widgets.HBox([sliders["w0"], sliders["w1"]]),
                        widgets.HBox([sliders["w2"], sliders["w3"]]), out])
    box.sliders = sliders
    box.explorer_state = state
    return box


# the topic modules (imported last: they are independent of the explorer above)
from mmlab._widgets_fusion import fusion_explorer, run_interaction_operator  # noqa: E402
from mmlab._widgets_pid import pid_morph_explorer  # noqa: E402
