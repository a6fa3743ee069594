"""Validation shared by the model-probing tools (EMAP, mixed gradients, contributions).

EMAP (``_emap.py``), the mixed gradients (``_gradients.py``) and the
modality contributions (``_contributions.py``) of :mod:`mmlab.quantify` each
call a trained model on (possibly recombined) inputs and read its logits; the
checks of those inputs and outputs live here once, so that the three give the
same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from mmlab._validation import check_size

#: A function of two modality batches that returns logits, shape (N, C) or (N,).
PairFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def as_pair_function(f: Any) -> PairFunction:
    """``f`` itself if it is a callable ``f(xa, xb)``; a :class:`torch.nn.Module` taking ``[xa, xb]`` is wrapped.

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    """
    if isinstance(f, nn.Module):
        return lambda a, b: f([a, b])
    if not callable(f):
        raise TypeError(f"f must be a callable f(xa, xb) -> logits or a torch.nn.Module; got {type(f).__name__}.")
    return f


def check_paired(xa: Any, xb: Any, *, differentiable: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Check two modality batches of the same samples: tensors, finite, same rows, same device.

    With ``differentiable=True`` the inputs must also be floating point and of
    shape ``(N, d)`` (gradients are taken with respect to them).

    Raises
    ------
    TypeError
        If an input is not a tensor (or, differentiable, not floating point).
    ValueError
        If an input has no rows or the wrong shape, is not finite, or the two
        differ in length or device.
    """
    for name, x in (("xa", xa), ("xb", xb)):
        shape = "(N, d)" if differentiable else "(N, ...)"
        if not isinstance(x, torch.Tensor):
            raise TypeError(
                f"{name} must be a torch.Tensor of shape {shape}, one row per sample; got {type(x).__name__}."
            )
        if differentiable and not x.is_floating_point():
            raise TypeError(f"{name} must be floating point to be differentiated; got dtype {x.dtype}. Use x.float().")
        if (differentiable and x.ndim != 2) or x.ndim < 1 or x.shape[0] == 0:
            raise ValueError(
                f"{name} must have shape {shape} with N >= 1; got shape {tuple(x.shape)}."
                + (" Flatten extra feature dimensions first." if differentiable else "")
            )
        if x.is_floating_point() and not bool(torch.isfinite(x).all()):
            raise ValueError(f"{name} must be finite; got NaN or infinite values. Impute or drop those rows.")
    if xa.shape[0] != xb.shape[0]:
        raise ValueError(
            f"xa and xb must hold paired samples (same first dimension); got {xa.shape[0]} and "
            f"{xb.shape[0]} rows. Align them by sample first."
        )
    if xa.device != xb.device:
        raise ValueError(f"xa and xb must be on the same device; got {xa.device} and {xb.device}.")
    return xa, xb


def check_block_size(pairs_per_call: int, xs: list[torch.Tensor], caller: str) -> None:
    """Refuse a ``pairs_per_call`` whose recombined batch (rows x features) would exceed the allocation limit.

    Raises
    ------
    ValueError
        If one call of the model would see more numbers than :func:`mmlab._validation.max_elements`.
    """
    n = xs[0].shape[0]
    block = min(max(1, pairs_per_call // n), n) * n  # rows of the recombined batch in one call
    per_row = sum(int(x[0].numel()) for x in xs)
    check_size(
        block * per_row,
        f"{caller}(..., pairs_per_call={pairs_per_call}) on {n} samples",
        detail=f"{block:,} recombined rows x {per_row} input numbers each",
        remedy="Lower pairs_per_call.",
    )


def check_logits(out: Any, n: int) -> torch.Tensor:
    """Check that a model returned logits for ``n`` inputs; return them as shape ``(n, C)``.

    Raises
    ------
    TypeError
        If ``out`` is not a tensor.
    ValueError
        If it is not ``(n,)`` or ``(n, C)``.
    """
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"f must return a torch.Tensor of logits; got {type(out).__name__}.")
    if out.ndim not in (1, 2) or out.shape[0] != n:
        raise ValueError(
            f"f must return logits of shape ({n}, C) or ({n},) for {n} inputs; got shape {tuple(out.shape)}."
        )
    return out if out.ndim == 2 else out[:, None]
