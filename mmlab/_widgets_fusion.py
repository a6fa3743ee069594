"""ipywidgets explorer of the fusion lectures (import it from :mod:`mmlab.widgets`).

:func:`fusion_explorer` lets an instructor pick a planted interaction and a
fusion operator and see what a small model learns. It is built with
``ipywidgets.interactive``, which runs the function once when the widget is
made, so the cell also executes headless (nbval, ``make book``); every
(interaction, operator) result is cached, so moving back to a choice is
instant.

Used by: ``lectures/1_representation/05_fusion_on_av_digits.ipynb``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from mmlab._validation import check_choice, check_positive_int

__all__ = ["EXPLORER_INTERACTIONS", "EXPLORER_OPERATORS", "fusion_explorer", "run_interaction_operator"]

#: Interactions the explorer offers (names of :func:`mmlab.data.synthetic.make_interaction`).
EXPLORER_INTERACTIONS: tuple[str, ...] = ("synergy", "redundancy", "uniqueness_0", "uniqueness_1")

#: Fusion operators the explorer offers (names of :func:`mmlab.fusion.make_fusion`).
EXPLORER_OPERATORS: tuple[str, ...] = ("additive", "concat", "multiplicative", "bilinear", "tensor", "low_rank",
                                       "gated", "mlp")


def run_interaction_operator(interaction: str, operator: str, *, n: int, epochs: int, seed: int = 0) -> Any:
    """Train ``operator`` on data with the planted ``interaction`` (cached); return the :class:`FitResult`.

    Parameters
    ----------
    interaction : str
        One of :data:`EXPLORER_INTERACTIONS`.
    operator : str
        One of :data:`EXPLORER_OPERATORS`.
    n, epochs, seed
        As in :func:`mmlab.fusion_experiments.interaction_accuracies`.

    Returns
    -------
    mmlab.fusion_experiments.FitResult
    """
    interaction = check_choice(interaction, "interaction", EXPLORER_INTERACTIONS)
    operator = check_choice(operator, "operator", EXPLORER_OPERATORS)
    return _run(interaction, operator, check_positive_int(n, "n"), check_positive_int(epochs, "epochs"),
                check_positive_int(seed, "seed", minimum=0))


@lru_cache(maxsize=64)
def _run(interaction: str, operator: str, n: int, epochs: int, seed: int) -> Any:
    from mmlab.fusion_experiments import interaction_accuracies

    return interaction_accuracies([interaction], [operator], n=n, epochs=epochs, seed=seed)[interaction][operator]


def fusion_explorer(*, n: int, epochs: int, start: tuple[str, str] = ("synergy", "additive"),
                    interactions: Sequence[str] = EXPLORER_INTERACTIONS,
                    operators: Sequence[str] = EXPLORER_OPERATORS, seed: int = 0) -> Any:
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
    seed : int, default=0

    Returns
    -------
    ipywidgets.interactive
        Its ``explorer_state`` dict holds the last drawn ``interaction``,
        ``operator`` and test ``accuracy``.

    Raises
    ------
    ValueError
        If a name is not offered, or ``start`` is not among the choices.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from mmlab._viz_fusion import plot_score_bars

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
        result = run_interaction_operator(interaction, operator, n=n, epochs=epochs, seed=seed)
        state.update(interaction=interaction, operator=operator, accuracy=result.score)
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
        plot_score_bars({interaction: {operator: result.score}}, ax=left, reference=0.5, ylim=(0, 1.05),
                        title=f"{operator} fusion on {interaction}", xlabel="planted interaction")
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

    box = widgets.interactive(draw, interaction=widgets.Dropdown(options=interactions, value=start[0],
                                                                 description="interaction"),
                              operator=widgets.Dropdown(options=operators, value=start[1], description="operator"))
    box.explorer_state = state
    return box
