"""An ipywidgets explorer of the reasoning chapter: soft logic on two truth values.

Used by: ``lectures/3_reasoning/03_neural_modules_and_soft_logic.ipynb``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["tnorm_explorer"]


def tnorm_explorer(a: float = 0.7, b: float = 0.4) -> Any:
    """Sliders for two truth values ``a``, ``b``; bars of AND, OR, NOT a and a AND NOT a under each t-norm.

    The figure is drawn once when the explorer is built, so the cell also runs
    headless (nbval), where the sliders keep their starting values.

    Parameters
    ----------
    a, b : float, default=0.7, 0.4
        Starting truth values in [0, 1].

    Returns
    -------
    ipywidgets.VBox

    Raises
    ------
    TypeError, ValueError
        If ``a`` or ``b`` is not a number in [0, 1].
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import torch

    from mmlab._validation import check_fraction
    from mmlab.reason import TNORMS, soft_and, soft_not, soft_or

    a, b = check_fraction(a, "a"), check_fraction(b, "b")
    sa = widgets.FloatSlider(value=a, min=0, max=1, step=0.05, description="a")
    sb = widgets.FloatSlider(value=b, min=0, max=1, step=0.05, description="b")
    out = widgets.Output()

    def draw(*_: Any) -> None:
        ta, tb = torch.tensor([sa.value]), torch.tensor([sb.value])
        rows = {
            t: [
                float(soft_and(ta, tb, tnorm=t)),
                float(soft_or(ta, tb, tnorm=t)),
                float(soft_and(ta, soft_not(ta), tnorm=t)),
            ]
            for t in TNORMS
        }
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 3))
            labels = ["a AND b", "a OR b", "a AND NOT a"]
            for k, (t, vals) in enumerate(rows.items()):
                ax.bar(np.arange(3) + 0.27 * k, vals, width=0.27, label=t)
            ax.set_xticks(np.arange(3) + 0.27, labels)
            ax.set(
                ylim=(0, 1),
                ylabel="truth value",
                xlabel="formula",
                title=f"t-norms at a = {sa.value:.2f}, b = {sb.value:.2f}",
            )
            ax.legend(fontsize=8)
            plt.show()

    sa.observe(draw, names="value")
    sb.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox([sa, sb]), out])
