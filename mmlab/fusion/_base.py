"""The common shape of every fusion module, and parameter counting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab._validation import check_modalities, check_positive_int, check_size

__all__ = ["Fusion", "n_params"]


class Fusion(nn.Module):
    r"""Base class of the fusion operators: one ``(batch, d_i)`` tensor per modality in, ``(batch, out_dim)`` out.

    Subclasses call ``super().__init__(in_dims, out_dim, ...)``, refuse a
    parameter count too large for memory with ``self._check_n_params(...)``
    before they allocate, and start their ``forward`` with
    ``xs = self._check(xs)``, which validates the number of modalities, each
    modality's feature size, dtype (that of the parameters) and device, and
    the shared batch size (see :func:`mmlab._validation.check_modalities`).

    Parameters
    ----------
    in_dims : sequence of int
        Feature size :math:`d_i` of each modality, in the order the modalities
        are passed to ``forward``.
    out_dim : int
        Size of the fused vector.
    min_modalities, max_modalities : int, optional
        The number of modalities the operator is defined for.

    Attributes
    ----------
    in_dims : tuple of int
    out_dim : int
    n_modalities : int

    Raises
    ------
    TypeError
        If ``in_dims`` is not a list or tuple of ints or ``out_dim`` not an
        int; on a forward input that is not a list of tensors, or whose dtype
        is not the parameters' (e.g. float64 or int64 inputs to a float32
        module).
    ValueError
        If a size is < 1, the number of modalities is outside the operator's
        range, or the parameters would exceed
        :func:`mmlab._validation.max_elements`; on a forward input with the
        wrong number of modalities, feature sizes, batch sizes or device.
    """

    def __init__(
        self, in_dims: Sequence[int], out_dim: int, *, min_modalities: int = 2, max_modalities: int | None = None
    ) -> None:
        super().__init__()
        self.in_dims = _check_in_dims(in_dims, type(self).__name__, min_modalities, max_modalities)
        self.out_dim = check_positive_int(out_dim, "out_dim")
        self.n_modalities = len(self.in_dims)

    def _check(self, xs: Any) -> list[torch.Tensor]:
        """Validate a forward input against ``in_dims`` and the parameters' dtype and device; return a list."""
        p = next(self.parameters(), None)
        # under autocast (mixed precision) inputs legitimately come in a lower precision than the parameters
        dtype = None if p is None or torch.is_autocast_enabled(p.device.type) else p.dtype
        return check_modalities(
            xs,
            n_modalities=self.n_modalities,
            dims=self.in_dims,
            floating=True,
            dtype=dtype,
            device=None if p is None else p.device,
        )

    def _check_n_params(self, count: int, formula: str, remedy: str = "") -> None:
        """Refuse to build an operator whose parameters would exceed the allocation limit."""
        check_size(
            count,
            f"{type(self).__name__}(in_dims={list(self.in_dims)}, out_dim={self.out_dim})",
            what="parameters",
            detail=formula,
            remedy=remedy,
        )

    def extra_repr(self) -> str:
        return f"in_dims={self.in_dims}, out_dim={self.out_dim}"


def n_params(module: nn.Module, *, trainable_only: bool = True) -> int:
    """Count a module's parameters (scalars, not tensors).

    Parameters
    ----------
    module : torch.nn.Module
    trainable_only : bool, default=True
        Count only parameters with ``requires_grad``.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``module`` is not a ``torch.nn.Module``.

    Examples
    --------
    >>> from torch import nn
    >>> from mmlab.fusion import n_params
    >>> n_params(nn.Linear(3, 2))
    8
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {type(module).__name__}.")
    return int(sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only))


def _check_in_dims(in_dims: Any, owner: str, min_m: int, max_m: int | None) -> tuple[int, ...]:
    if isinstance(in_dims, (str, bytes, torch.Tensor)) or not isinstance(in_dims, Sequence):
        raise TypeError(
            f"in_dims must be a list or tuple with one feature size per modality, e.g. [32, 16]; "
            f"got {type(in_dims).__name__} {in_dims!r}."
        )
    dims = tuple(check_positive_int(d, f"in_dims[{i}]") for i, d in enumerate(in_dims))
    if len(dims) < min_m or (max_m is not None and len(dims) > max_m):
        allowed = (
            f"exactly {min_m}"
            if max_m == min_m
            else (f"{min_m} to {max_m}" if max_m is not None else f"at least {min_m}")
        )
        raise ValueError(f"{owner} fuses {allowed} modalities; in_dims has {len(dims)}: {list(dims)}.")
    return dims


def _with_one(x: torch.Tensor) -> torch.Tensor:
    """Append a constant 1 to each row: ``[x; 1]`` (on x's device and dtype)."""
    return torch.cat([x, x.new_ones(x.shape[0], 1)], dim=1)
