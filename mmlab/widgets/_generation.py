"""ipywidgets explorers of challenge 4, generation.

- :func:`latent_explorer`: pick a condition (a written word, say) and move two latent coordinates of a
  trained :class:`mmlab.generate.CVAE`; the decoded image redraws, next to a grid that sweeps both
  coordinates. In ``lectures/4_generation/01_translation_cvae.ipynb``.

The explorer is built with :func:`ipywidgets.interactive`, which draws the figure once when it is
built, so the cell also runs headless (nbval, ``make book``), where the controls keep their starting
values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mmlab._validation import check_scalar

__all__ = ["latent_explorer"]


def latent_explorer(
    model: Any,
    conditions: Mapping[str, Any],
    *,
    start: str | None = None,
    span: float = 2.5,
    image_shape: tuple[int, int] = (8, 8),
) -> Any:
    r"""A dropdown of conditions and two sliders over latent coordinates of a trained CVAE.

    Each redraw decodes :math:`\hat x = \operatorname{sigmoid}(\text{decoder}(z, c))` with
    :math:`z = (z_1, z_2, 0, \dots, 0)` from the sliders and :math:`c` the chosen condition, and beside it
    a 5x5 grid sweeping :math:`z_1, z_2` over :math:`[-\text{span}, \text{span}]`: what the latent encodes
    once the condition has fixed the digit (the style).

    Parameters
    ----------
    model : mmlab.generate.CVAE
        Trained, conditional, with ``latent_dim >= 2``.
    conditions : mapping of str to Tensor
        Name -> a ``(1, cond_dim)`` condition (e.g. the encoding input of the word ``"seven"``).
    start : str, optional
        The condition shown first (default: the first).
    span : float, default=2.5
        Slider range and grid half-width, in prior standard deviations.
    image_shape : (int, int), default=(8, 8)

    Returns
    -------
    ipywidgets.interactive
        Its ``controls`` maps ``"condition"``, ``"z1"``, ``"z2"`` to the widgets; ``explorer_state`` holds the
        last ``condition``, ``z`` and decoded ``image`` (a NumPy array).

    Raises
    ------
    TypeError
        If ``model`` has no ``decode``/``latent_dim``/``cond_dim`` or ``span`` is not a number.
    ValueError
        If ``conditions`` is empty, a condition has the wrong shape, ``start`` is not one of them, the model
        has fewer than two latent dimensions, or ``span`` is not positive.

    Examples
    --------
    >>> import contextlib, io, torch
    >>> from mmlab.generate import CVAE
    >>> model = CVAE(64, 3, latent_dim=2)
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     explorer = latent_explorer(model, {"a": torch.zeros(1, 3), "b": torch.ones(1, 3)})
    ...     explorer.controls["z1"].value = 1.0
    >>> explorer.explorer_state["condition"], explorer.explorer_state["image"].shape
    ('a', (8, 8))
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    import torch
    from IPython.display import display

    for attr in ("decode", "latent_dim", "cond_dim"):
        if not hasattr(model, attr):
            raise TypeError(f"model must be a trained mmlab.generate.CVAE; {type(model).__name__} has no {attr}.")
    if model.latent_dim < 2:
        raise ValueError(f"the model needs at least two latent dimensions; it has {model.latent_dim}.")
    if not isinstance(conditions, Mapping) or not conditions:
        raise ValueError("conditions must map at least one name to a (1, cond_dim) tensor.")
    for name, c in conditions.items():
        if not isinstance(c, torch.Tensor) or tuple(c.shape) != (1, model.cond_dim):
            raise ValueError(
                f"conditions[{name!r}] must be a tensor of shape (1, {model.cond_dim}); got "
                f"{tuple(getattr(c, 'shape', ()))}."
            )
    names = list(conditions)
    start = names[0] if start is None else start
    if start not in conditions:
        raise ValueError(f"start must be one of {names}; got {start!r}.")
    span = check_scalar(span, "span", min_val=0, include_boundaries="neither")
    h, w = image_shape
    state: dict[str, Any] = {}
    device = next(model.parameters()).device
    grid = np.linspace(-span, span, 5)

    @torch.no_grad()
    def decode(z: np.ndarray, name: str) -> np.ndarray:
        z_full = torch.zeros(z.shape[0], model.latent_dim, device=device)
        z_full[:, :2] = torch.as_tensor(z, dtype=torch.float32, device=device)
        c = conditions[name].to(device).expand(z.shape[0], -1)
        was = model.training
        model.eval()
        out = torch.sigmoid(model.decode(z_full, c)).cpu().numpy()
        model.train(was)
        return out

    def draw(condition: str, z1: float, z2: float) -> None:
        image = decode(np.array([[z1, z2]]), condition)[0].reshape(h, w)
        state.update(condition=condition, z=(float(z1), float(z2)), image=image)
        sweep = decode(np.array([[a, b] for b in grid[::-1] for a in grid]), condition)
        mosaic = sweep.reshape(5, 5, h, w).transpose(0, 2, 1, 3).reshape(5 * h, 5 * w)
        fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.4), gridspec_kw={"width_ratios": [1, 1.4]})
        axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
        axes[0].set(title=f"c = {condition!r}, z = ({z1:.1f}, {z2:.1f})", xlabel="column", ylabel="row")
        axes[1].imshow(mosaic, cmap="gray_r", vmin=0, vmax=1, extent=(-span - 0.5, span + 0.5, -span - 0.5, span + 0.5))
        axes[1].plot([z1], [z2], "o", color="tab:red")
        axes[1].set(title="sweep of (z1, z2), other coordinates 0", xlabel="z1", ylabel="z2")
        fig.tight_layout()
        display(fig)
        plt.close(fig)

    controls = {
        "condition": widgets.Dropdown(options=names, value=start, description="condition"),
        "z1": widgets.FloatSlider(value=0.0, min=-span, max=span, step=0.1, description="z1", continuous_update=False),
        "z2": widgets.FloatSlider(value=0.0, min=-span, max=span, step=0.1, description="z2", continuous_update=False),
    }
    explorer = widgets.interactive(draw, **controls)
    explorer.controls = controls
    explorer.explorer_state = state
    return explorer
