"""The registry of fusion operators by name: :data:`FUSIONS`, :func:`make_fusion`, :func:`register_fusion`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch import nn

from mmlab._validation import check_choice
from mmlab.fusion._additive import AdditiveFusion, ConcatFusion
from mmlab.fusion._gated import GatedFusion
from mmlab.fusion._low_rank import LowRankFusion
from mmlab.fusion._multiplicative import BilinearFusion, MultiplicativeFusion
from mmlab.fusion._nonlinear import MLPFusion
from mmlab.fusion._polynomial import PolynomialFusion
from mmlab.fusion._shift import ModalityShiftFusion
from mmlab.fusion._tensor import TensorFusion

__all__ = ["FUSIONS", "make_fusion", "register_fusion"]


#: Fusion operators by name, as :func:`make_fusion` and :class:`MixtureOfFusions` know them.
FUSIONS: dict[str, type[nn.Module]] = {
    "additive": AdditiveFusion,
    "concat": ConcatFusion,
    "mlp": MLPFusion,
    "multiplicative": MultiplicativeFusion,
    "bilinear": BilinearFusion,
    "tensor": TensorFusion,
    "low_rank": LowRankFusion,
    "polynomial": PolynomialFusion,
    "gated": GatedFusion,
    "shift": ModalityShiftFusion,
}


def make_fusion(name: str, in_dims: Sequence[int], out_dim: int | None, **kwargs: Any) -> nn.Module:
    """Build a fusion operator by name.

    Parameters
    ----------
    name : str
        A key of :data:`FUSIONS`: ``"additive"``, ``"concat"``, ``"mlp"``,
        ``"multiplicative"``, ``"bilinear"``, ``"tensor"``, ``"low_rank"``,
        ``"polynomial"``, ``"gated"``, ``"shift"``, ``"mixture"``.
    in_dims : sequence of int
        Feature size of each modality.
    out_dim : int or None
        Output size; ``None`` only for ``"concat"`` (plain concatenation) and
        ``"shift"`` (the shifted primary vector).
    **kwargs
        Options of that operator (``rank=``, ``order=``, ``operators=`` ...).

    Returns
    -------
    torch.nn.Module

    Raises
    ------
    ValueError
        If ``name`` is not registered, or ``out_dim`` is None for an operator
        that needs it.
    TypeError, ValueError
        Whatever the operator's constructor refuses (sizes, options).

    Examples
    --------
    >>> from mmlab.fusion import make_fusion
    >>> make_fusion("low_rank", [8, 8, 8], 4, rank=2).rank
    2
    """
    name = check_choice(name, "name", list(FUSIONS))
    if out_dim is None and name not in ("concat", "shift"):
        raise ValueError(f"out_dim may be None only for 'concat' and 'shift'; {name!r} needs an int.")
    return FUSIONS[name](in_dims, out_dim, **kwargs)


def register_fusion(name: str, cls: type[nn.Module]) -> None:
    """Add a fusion operator to :data:`FUSIONS` under ``name`` (how :class:`MixtureOfFusions` joins it).

    Parameters
    ----------
    name : str
        The key :func:`make_fusion` will accept.
    cls : type
        A ``torch.nn.Module`` subclass built as ``cls(in_dims, out_dim, **kwargs)``.

    Raises
    ------
    TypeError
        If ``name`` is not a string or ``cls`` is not a ``torch.nn.Module`` subclass.
    ValueError
        If ``name`` is already registered to another class.

    Examples
    --------
    >>> from mmlab.fusion import FUSIONS, AdditiveFusion, register_fusion
    >>> register_fusion("additive", AdditiveFusion)  # registering the same class again is a no-op
    >>> FUSIONS["additive"] is AdditiveFusion
    True
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; got {name!r}.")
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise TypeError(f"cls must be a torch.nn.Module subclass; got {cls!r}.")
    if FUSIONS.get(name, cls) is not cls:
        raise ValueError(f"the fusion name {name!r} is already registered to {FUSIONS[name].__name__}.")
    FUSIONS[name] = cls
