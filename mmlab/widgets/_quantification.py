"""ipywidgets explorers of challenge 6, quantification.

- :func:`pid_morph_explorer`: morph between two canonical tables and watch the
  PID atoms move, in ``lectures/6_quantification/01_information_and_pid.ipynb``;
- :func:`robustness_explorer`: pick the noisy modality and the noise level of a
  robustness study, in ``lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb``.

The explorer is built with :func:`ipywidgets.interactive`, which draws the
figure once when it is built, so the cell also runs headless (nbval, ``make
book``), where the controls keep their starting values.
"""

from __future__ import annotations

from typing import Any

from mmlab._validation import check_choice, check_fraction
from mmlab.quantify import CANONICAL, canonical, mixture
from mmlab.viz import plot_atoms, plot_joint_table

__all__ = ["pid_morph_explorer", "robustness_explorer"]

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
    :func:`mmlab.quantify.exact_pid`, next to :math:`I(X_1,X_2;Y)`.

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
    TypeError
        If ``t`` or ``step`` is not a real number.
    ValueError
        If an endpoint is not one of the four names, or ``t``/``step`` is out of range.

    Examples
    --------
    Outside a notebook each redraw prints the figure's text form; the
    examples silence it.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     explorer = pid_morph_explorer(start="xor", end="redundant", t=0.0)
    ...     explorer.controls["t"].value = 1.0  # moving the slider redraws
    >>> round(explorer.explorer_state["result"].redundancy, 3)
    1.0
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
        plot_atoms({f"t = {t:.2f}": result}, ax=axes[2], title=f"{_LABELS[start]} → {_LABELS[end]}: atoms of m_t")
        axes[2].set_ylim(0.0, 1.15)  # a fixed scale, so that moving the slider shows growth and decay
        fig.tight_layout()
        display(fig)
        plt.close(fig)

    options = [(label, key) for key, label in _LABELS.items()]
    controls = {
        "start": widgets.Dropdown(options=options, value=start, description="start"),
        "end": widgets.Dropdown(options=options, value=end, description="end"),
        "t": widgets.FloatSlider(
            value=t, min=0.0, max=1.0, step=step, description="t", continuous_update=False, readout_format=".2f"
        ),
    }
    explorer = widgets.interactive(draw, **controls)  # draws once now
    explorer.controls = controls
    explorer.explorer_state = state
    return explorer


def robustness_explorer(study: Any, *, modality: str | None = None, level: float = 0.5) -> Any:
    """A dropdown of the noisy modality and a slider of the noise level over a robustness study.

    Each redraw shows the robustness curves of every model for noise on the
    chosen modality (:func:`mmlab.viz.plot_robustness_curves`) with the chosen
    level marked, and next to them each model's accuracy at that level. The
    curves are computed beforehand (:func:`mmlab.quantify.robustness_study`),
    so moving a control only redraws; the explorer also runs headless.

    Parameters
    ----------
    study : RobustnessStudy
    modality : str, optional
        Starting modality; default the first of the study.
    level : float, default=0.5
        Starting noise level; snapped to the nearest level of the study.

    Returns
    -------
    ipywidgets.interactive
        Its ``controls`` attribute maps ``"modality"`` and ``"level"`` to the
        widgets; ``explorer_state`` holds the last drawn ``modality``,
        ``level`` and ``accuracy`` (model name to accuracy at that level).

    Raises
    ------
    TypeError
        If ``study`` is not a RobustnessStudy or ``level`` is not a number.
    ValueError
        If ``modality`` is not in the study or ``level`` is outside [0, 1].

    Examples
    --------
    >>> import contextlib, io
    >>> import numpy as np
    >>> from mmlab.quantify import RobustnessStudy
    >>> s = RobustnessStudy(levels=np.array([0.0, 0.5, 1.0]), kind="gaussian", baseline="lf",
    ...                     curves={"lf": {"image": np.array([0.9, 0.7, 0.5]), "audio": np.array([0.9, 0.8, 0.7])}})
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     explorer = robustness_explorer(s, modality="image", level=0.5)
    ...     explorer.controls["level"].value = 1.0
    >>> explorer.explorer_state["accuracy"]
    {'lf': 0.5}
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import numpy as np
    from IPython.display import display

    from mmlab.viz import plot_robustness_curves

    if not (hasattr(study, "curves") and hasattr(study, "levels")):
        raise TypeError(
            f"study must be a RobustnessStudy (from mmlab.quantify.robustness_study); got {type(study).__name__}."
        )
    names = list(next(iter(study.curves.values())))
    start = names[0] if modality is None else check_choice(modality, "modality", names)
    level = check_fraction(level, "level")
    levels = [float(v) for v in study.levels]
    snapped = min(levels, key=lambda v: abs(v - level))
    state: dict[str, Any] = {}

    def draw(modality: str, level: float) -> None:
        i = int(np.argmin([abs(v - level) for v in levels]))
        accuracy = {m: float(study.curves[m][modality][i]) for m in study.curves}
        state.update(modality=modality, level=levels[i], accuracy=accuracy)
        fig, axes = plt.subplots(1, 2, figsize=(11.0, 3.8), gridspec_kw={"width_ratios": [1.6, 1]})
        plot_robustness_curves(study, modality, ax=axes[0], level=levels[i])
        axes[1].barh(list(accuracy), list(accuracy.values()), color=[f"C{k}" for k in range(len(accuracy))])
        axes[1].set_xlim(0, 1)
        axes[1].invert_yaxis()
        axes[1].set_xlabel("test accuracy")
        axes[1].set_title(f"at noise level {levels[i]:.1f} on {modality}")
        fig.tight_layout()
        display(fig)
        plt.close(fig)

    controls = {
        "modality": widgets.Dropdown(options=names, value=start, description="noisy"),
        "level": widgets.SelectionSlider(options=levels, value=snapped, description="level", continuous_update=False),
    }
    explorer = widgets.interactive(draw, **controls)
    explorer.controls = controls
    explorer.explorer_state = state
    return explorer
