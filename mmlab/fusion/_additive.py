"""Additive (late) and concatenation (early) fusion: operators with no cross-modal product term."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab.fusion._base import Fusion, _check_in_dims

__all__ = ["AdditiveFusion", "ConcatFusion"]


class AdditiveFusion(Fusion):
    r"""Additive (late) fusion: the sum of one linear map per modality.

    .. math::

        z = \sum_{i=1}^{M} W_i x_i + b ,

    with :math:`x_i \in \mathbb R^{d_i}` the (encoded) modality :math:`i`,
    :math:`W_i \in \mathbb R^{d_{out} \times d_i}` and one shared bias
    :math:`b \in \mathbb R^{d_{out}}`. Each modality's contribution does not
    depend on the others, so a model *encoder -> additive fusion -> linear
    head* is additive in the modalities, :math:`f(x) = \sum_i g_i(x_i)`: an
    ensemble of unimodal models. Such a model cannot represent a label that
    depends on a product of modalities (XOR of one bit per modality): for logits
    :math:`g(a) + h(b)`, the sums over the two "same" cells and the two
    "different" cells are equal, so their signs cannot follow XOR.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (one or more).
    out_dim : int
        :math:`d_{out}`.

    Notes
    -----
    Parameters: :math:`d_{out} \sum_i d_i + d_{out}`. Mathematically the same
    function class as :class:`ConcatFusion` with a linear map; the difference
    between late and early fusion appears in what comes *after* the fusion (a
    nonlinear head on a sum is no longer additive).

    References
    ----------
    Hessel, J. and Lee, L. Does my multimodal model learn cross-modal
    interactions? It's harder to tell than you might think! EMNLP 2020.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion` (bad sizes, too many parameters, a
        forward input of the wrong structure, shape, dtype or device).

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import AdditiveFusion
    >>> fuse = AdditiveFusion([3, 5], 4)
    >>> fuse([torch.zeros(2, 3), torch.zeros(2, 5)]).shape
    torch.Size([2, 4])
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int) -> None:
        super().__init__(in_dims, out_dim, min_modalities=1)
        self._check_n_params(self.out_dim * (sum(self.in_dims) + 1), "out_dim * (sum(d_i) + 1)")
        self.maps = nn.ModuleList(nn.Linear(d, self.out_dim, bias=False) for d in self.in_dims)  # W_i
        self.bias = nn.Parameter(torch.zeros(self.out_dim))  # b

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        return torch.stack([w(x) for w, x in zip(self.maps, xs, strict=True)]).sum(0) + self.bias


class ConcatFusion(Fusion):
    r"""Early fusion by concatenation, optionally followed by one linear map.

    .. math::

        z = [x_1; x_2; \dots; x_M] \quad\text{or}\quad z = W [x_1; \dots; x_M] + b ,

    with :math:`W \in \mathbb R^{d_{out} \times \sum_i d_i}`.

    Parameters
    ----------
    in_dims : sequence of int
    out_dim : int, optional
        ``None`` (default) returns the concatenation itself (no parameters,
        ``out_dim = sum(in_dims)``); an int adds the linear map.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; without the linear map the inputs
        must still be floating point, of one dtype.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import ConcatFusion
    >>> ConcatFusion([3, 5])([torch.zeros(2, 3), torch.zeros(2, 5)]).shape
    torch.Size([2, 8])
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int | None = None) -> None:
        dims = _check_in_dims(in_dims, "ConcatFusion", 1, None)
        super().__init__(dims, sum(dims) if out_dim is None else out_dim, min_modalities=1)
        if out_dim is not None:
            self._check_n_params(self.out_dim * (sum(dims) + 1), "out_dim * (sum(d_i) + 1)")
        self.linear = None if out_dim is None else nn.Linear(sum(self.in_dims), self.out_dim)  # W, b

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        z = torch.cat(xs, dim=1)
        return z if self.linear is None else self.linear(z)
