"""ipywidgets explorers of challenge 2, alignment.

- :func:`warping_explorer`: change how fast the second half of a signal is
  replayed and watch the dynamic-time-warping path bend, in
  ``lectures/2_alignment/02_dynamic_time_warping.ipynb``.

The explorer is built with :func:`ipywidgets.interactive`, which draws the
figure once when it is built, so the cell also runs headless (nbval, ``make
book``), where the slider keeps its starting value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab._validation import check_positive_int, check_scalar

__all__ = ["rate_pair", "warping_explorer"]


def rate_pair(rate: float, *, n: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""A smooth signal ``x`` and a copy ``y`` whose second half is replayed ``rate`` times as fast.

    With :math:`x(t) = \sin(2\pi t / 25) + 0.6 \sin(2\pi t / 9 + 1)` sampled at
    :math:`t = 0, \dots, n - 1`, the copy is :math:`y(s) = x(w(s))` with the
    time map

    .. math::

        w(s) = \begin{cases} s & s \le h \\ h + \text{rate}\,(s - h) & s > h \end{cases}, \qquad h = n / 2,

    sampled at :math:`s = 0, 1, \dots` while :math:`w(s) \le n - 1` (linear interpolation).
    The slope of the true warping path :math:`i = w(j)` is 1 over the first
    half and ``rate`` over the second.

    Parameters
    ----------
    rate : float
        Speed of the second half (> 0; 2 plays it twice as fast, 0.5 half as fast).
    n : int, default=60
        Length of ``x`` (>= 4).

    Returns
    -------
    x : ndarray of shape (n,)
    y : ndarray of shape (m,)
    w : ndarray of shape (m,)
        The true time map: ``y[s] = x(w[s])``.

    Raises
    ------
    TypeError, ValueError
        If ``rate`` is not a positive real number or ``n < 4``.

    Examples
    --------
    >>> x, y, w = rate_pair(2.0, n=20)
    >>> len(x), len(y), float(w[-1])
    (20, 15, 18.0)
    """
    rate = check_scalar(rate, "rate", min_val=0.0, include_boundaries="neither")
    n = check_positive_int(n, "n", minimum=4)
    t = np.arange(n, dtype=float)
    x = np.sin(2 * np.pi * t / 25) + 0.6 * np.sin(2 * np.pi * t / 9 + 1)
    h = n / 2
    m = int(np.floor(h + (n - 1 - h) / rate)) + 1
    s = np.arange(m, dtype=float)
    w = np.minimum(np.where(s <= h, s, h + rate * (s - h)), n - 1)
    return x, np.interp(w, t, x), w


def warping_explorer(*, rate: float = 2.0, n: int = 60, step: float = 0.25) -> Any:
    r"""A slider for the replay speed of the second half of a signal; redraws the signals, the DTW path and the truth.

    Each redraw computes :func:`mmlab.align.dtw` between ``x`` and its
    partly sped-up copy (:func:`rate_pair`), draws both signals and the local
    distance matrix with the DTW path and the true time map :math:`i = w(j)`,
    and reports the path's slope over the second half (a least-squares fit
    of :math:`i` against :math:`j`), which should follow ``rate``.

    Parameters
    ----------
    rate : float, default=2.0
        Starting speed (between 0.25 and 4).
    n : int, default=60
        Length of ``x``.
    step : float, default=0.25
        Slider step.

    Returns
    -------
    ipywidgets.interactive
        The control and the figure. ``controls["rate"]`` is the slider;
        ``explorer_state`` holds the last drawn ``rate``, ``slope`` (fitted on
        the second half), ``cost``, ``path`` and ``truth`` (the true map).

    Raises
    ------
    ValueError
        If ``rate`` is outside [0.25, 4] or ``step`` is not in (0, 1].

    Examples
    --------
    >>> explorer = warping_explorer(rate=1.5)  # doctest: +SKIP
    >>> explorer.controls["rate"].value = 3.0  # redraws  # doctest: +SKIP
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from mmlab.align import dtw
    from mmlab.viz import plot_warping_path

    rate = check_scalar(rate, "rate", min_val=0.25, max_val=4.0)
    n = check_positive_int(n, "n", minimum=8)
    step = check_scalar(step, "step", min_val=0.0, max_val=1.0, include_boundaries="right")
    state: dict[str, Any] = {}

    def draw(rate: float) -> None:
        x, y, w = rate_pair(rate, n=n)
        result = dtw(x, y)
        truth = np.column_stack([np.rint(w).astype(int), np.arange(len(y))])
        second = result.path[result.path[:, 1] >= n / 2 + 1]  # the sped-up half of y
        slope = float(np.polyfit(second[:, 1], second[:, 0], 1)[0]) if len(second) > 2 else float("nan")
        state.update(rate=float(rate), slope=slope, cost=result.cost, path=result.path, truth=truth)
        fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.8), gridspec_kw={"width_ratios": [1.3, 1]})
        axes[0].plot(np.arange(len(x)), x, label="x (original)")
        axes[0].plot(np.arange(len(y)), y, label=f"y (second half at {rate:g}x)")
        axes[0].axvline(n / 2, color="0.6", ls=":", lw=1)
        axes[0].set(title="Two renderings of one signal", xlabel="time step", ylabel="value")
        axes[0].legend(fontsize="small")
        plot_warping_path(
            result.local,
            result.path,
            reference=truth,
            ax=axes[1],
            title=f"DTW path: slope {slope:.2f} in the second half (true {rate:g})",
            xlabel="time step j of y",
            ylabel="time step i of x",
        )
        fig.tight_layout()
        display(fig)
        plt.close(fig)

    controls = {
        "rate": widgets.FloatSlider(
            value=rate, min=0.25, max=4.0, step=step, description="rate", continuous_update=False, readout_format=".2f"
        )
    }
    explorer = widgets.interactive(draw, **controls)  # draws once now
    explorer.controls = controls
    explorer.explorer_state = state
    return explorer
