"""ipywidgets explorers of challenge 6, quantification.

- :func:`pid_morph_explorer`: morph between two canonical tables and watch the
  PID atoms move, in ``lectures/6_quantification/01_information_and_pid.ipynb``.

The explorer is built with :func:`ipywidgets.interactive`, which draws the
figure once when it is built, so the cell also runs headless (nbval, ``make
book``), where the controls keep their starting values.
"""

from __future__ import annotations

from typing import Any

from mmlab._validation import check_choice, check_fraction
from mmlab.quantify import CANONICAL, canonical, mixture
from mmlab.viz import plot_atoms, plot_joint_table

__all__ = ["pid_morph_explorer"]

#: Dropdown labels of the canonical tables.
_LABELS = {"xor": "XOR", "and": "AND", "copy": "copy (Y = X1)", "redundant": "redundant (X1 = X2 = Y)"}


def pid_morph_explorer(*, start: str = "xor", end: str = "and", t: float = 0.0, step: float = 0.05) -> Any:
    r"""A slider ``t`` and two dropdowns that morph one canonical table into another and redraw its PID.

    The table shown is the mixture

    .. math::

        m_t = (1 - t)\, p_{\text{start}} + t\, p_{\text{end}}, \qquad t \in [0, 1],

    of two of the canonical 2x2x2 tables (XOR, AND, copy, redundant; see
    :mod:`mmlab.quantify`); each redraw shows :math:`m_t` as
    heatmaps (one per label value) and its four PID atoms, computed with
    :func:`mmlab.quantify.pid.pid`, next to :math:`I(X_1,X_2;Y)`.

    Parameters
    ----------
    start, end : {"xor", "and", "copy", "redundant"}
        The two endpoints (the dropdowns' starting values).
    t : float in [0, 1], default=0.0
        Starting mixing weight of ``end``.
    step : float in (0, 1], default=0.05
        Slider step.

    Returns
    -------
    ipywidgets.interactive
        A VBox of the controls and the figure. Its ``controls`` attribute maps
        ``"start"``, ``"end"``, ``"t"`` to the widgets, and ``explorer_state``
        holds the last drawn ``start``, ``end``, ``t``, ``table`` and PID
        ``result``.

    Raises
    ------
    ValueError
        If an endpoint is not one of the four names, or ``t``/``step`` is out of range.

    Examples
    --------
    >>> explorer = pid_morph_explorer(start="xor", end="redundant", t=0.5)  # doctest: +SKIP
    >>> explorer.controls["t"].value = 0.8  # redraws  # doctest: +SKIP
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from mmlab.quantify import exact_pid

    names = tuple(CANONICAL)
    check_choice(start, "start", names)
    check_choice(end, "end", names)
    t = check_fraction(t, "t")
    step = check_fraction(step, "step", inclusive=(False, True))
    state: dict[str, Any] = {}

    def draw(start: str, end: str, t: float) -> None:
        table = mixture(canonical(start), canonical(end), t)  # m_t
        result = exact_pid(table)
        state.update(start=start, end=end, t=float(t), table=table, result=result)
        fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.2), gridspec_kw={"width_ratios": [1, 1, 1.6]})
        plot_joint_table(table, axes=axes[:2], title="m_t", vmax=0.5)
        plot_atoms({f"t = {t:.2f}": result}, ax=axes[2],
                   title=f"{_LABELS[start]} → {_LABELS[end]}: atoms of m_t")
        axes[2].set_ylim(0.0, 1.15)  # a fixed scale, so that moving the slider shows growth and decay
        fig.tight_layout()
        display(fig)
        plt.close(fig)

    options = [(label, key) for key, label in _LABELS.items()]
    controls = {
        "start": widgets.Dropdown(options=options, value=start, description="start"),
        "end": widgets.Dropdown(options=options, value=end, description="end"),
        "t": widgets.FloatSlider(value=t, min=0.0, max=1.0, step=step, description="t",
                                 continuous_update=False, readout_format=".2f"),
    }
    explorer = widgets.interactive(draw, **controls)  # draws once now
    explorer.controls = controls
    explorer.explorer_state = state
    return explorer
