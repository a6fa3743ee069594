"""Private helpers shared by the files of :mod:`mmlab.generate`: random generators, tensor checks, MLPs."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from mmlab._validation import RandomState, seed_from_random_state


def torch_generator(random_state: RandomState, name: str = "random_state") -> torch.Generator:
    """A CPU ``torch.Generator`` seeded from ``random_state`` (int, NumPy generator or None).

    Draws are made on the CPU and moved to the device, so a seed gives the same
    numbers on every device.
    """
    return torch.Generator().manual_seed(seed_from_random_state(random_state, name))


def randn(shape: tuple[int, ...], generator: torch.Generator | None, like: torch.Tensor) -> torch.Tensor:
    """Standard normal draws of ``shape``, made on the CPU with ``generator``, with ``like``'s dtype and device."""
    return torch.randn(shape, generator=generator, dtype=like.dtype).to(like.device)


def check_tensor(
    x: Any, name: str, *, ndim: int | None = None, floating: bool = True, finite: bool = True
) -> torch.Tensor:
    """Return ``x`` if it is a torch tensor with ``ndim`` dimensions (floating point, finite), else raise.

    Raises
    ------
    TypeError
        If ``x`` is not a tensor, or not floating point when required.
    ValueError
        If it has the wrong number of dimensions, or NaN or infinite values.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(x).__name__}. Convert it with torch.as_tensor.")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s); got shape {tuple(x.shape)}.")
    if floating and not x.is_floating_point():
        raise TypeError(f"{name} must be floating point; got dtype {x.dtype}. Convert it with {name}.float().")
    if finite and x.is_floating_point() and x.numel():
        finite_range(x, name)
    return x


def finite_range(x: torch.Tensor, name: str) -> tuple[float, float]:
    """The smallest and largest value of a non-empty floating-point tensor; raise ``ValueError`` if one is not finite.

    One ``torch.aminmax`` pass (NaN propagates into both results, an infinity into one of them), several times
    faster on the CPU than ``torch.isfinite(x).all()`` followed by ``x.min()`` and ``x.max()``.

    Raises
    ------
    ValueError
        If ``x`` holds NaN or infinite values.
    """
    lo, hi = (float(v) for v in torch.aminmax(x.detach()))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    return lo, hi


def check_width(x: torch.Tensor, name: str, width: int, what: str) -> None:
    """Raise ``ValueError`` unless ``x`` has ``width`` columns (``what`` says where the width comes from)."""
    if x.shape[-1] != width:
        raise ValueError(f"{name} must have {width} columns ({what}); got shape {tuple(x.shape)}.")


def check_rows(tensors: list[torch.Tensor], names: list[str]) -> int:
    """Raise ``ValueError`` unless the tensors hold paired rows; return the number of rows."""
    rows = [int(t.shape[0]) for t in tensors]
    if len(set(rows)) > 1:
        pairs = ", ".join(f"{n}={r}" for n, r in zip(names, rows, strict=True))
        raise ValueError(f"{' and '.join(names)} must hold paired samples (same first dimension); got {pairs}.")
    return rows[0] if rows else 0


def mlp(d_in: int, d_out: int, hidden: int, *, layers: int = 1, dropout: float = 0.0) -> nn.Sequential:
    """``layers`` hidden ReLU layers of width ``hidden`` (dropout after each), then a linear output."""
    mods: list[nn.Module] = []
    width = d_in
    for _ in range(layers):
        mods += [nn.Linear(width, hidden), nn.ReLU()]
        if dropout:
            mods.append(nn.Dropout(dropout))
        width = hidden
    mods.append(nn.Linear(width, d_out))
    return nn.Sequential(*mods)


def module_device(module: nn.Module) -> torch.device:
    """The device of a module's first parameter (CPU if it has none)."""
    return next((p.device for p in module.parameters()), torch.device("cpu"))
