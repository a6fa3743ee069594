"""Multiplicative (elementwise) and bilinear fusion."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int
from mmlab.fusion._base import Fusion, _check_in_dims

__all__ = ["BilinearFusion", "MultiplicativeFusion", "bilinear_fusion_n_params"]


class MultiplicativeFusion(Fusion):
    r"""Multiplicative fusion: the elementwise product of one affine projection per modality.

    .. math::

        z = \bigodot_{i=1}^{M} \big(W_i x_i + b_i\big) ,

    with :math:`W_i \in \mathbb R^{d_{out} \times d_i}`, :math:`b_i \in \mathbb
    R^{d_{out}}` and :math:`\odot` the elementwise product. Expanding the
    product shows every unit mixes the multiplicative term
    :math:`\prod_i (W_i x_i)_k` with lower-order terms weighted by the biases,
    so one unit can express :math:`x_A x_B` (and hence XOR of one bit per
    modality), which additive fusion cannot.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (two or more).
    out_dim : int
    bias : bool, default=True
        Include :math:`b_i` (without them only the pure product remains).

    Notes
    -----
    Parameters: :math:`\sum_i (d_i + 1)\, d_{out}` (:math:`\sum_i d_i d_{out}` without bias).

    References
    ----------
    Jayakumar, S. M. et al. Multiplicative interactions and where to find them.
    ICLR 2020.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MultiplicativeFusion
    >>> MultiplicativeFusion([3, 5], 4)([torch.ones(2, 3), torch.ones(2, 5)]).shape
    torch.Size([2, 4])
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, bias: bool = True) -> None:
        super().__init__(in_dims, out_dim)
        self._check_n_params(
            self.out_dim * (sum(self.in_dims) + len(self.in_dims) * bool(bias)), "out_dim * sum(d_i + 1)"
        )
        self.maps = nn.ModuleList(nn.Linear(d, self.out_dim, bias=bool(bias)) for d in self.in_dims)
        for lin in self.maps:  # unit-scale projections keep the product O(1) at initialisation
            nn.init.normal_(lin.weight, 0.0, 1.0 / math.sqrt(lin.in_features))
            if lin.bias is not None:
                nn.init.ones_(lin.bias)

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        z = self.maps[0](xs[0])
        for w, x in zip(self.maps[1:], xs[1:], strict=True):
            z = z * w(x)  # elementwise product of (W_i x_i + b_i)
        return z


class BilinearFusion(Fusion):
    r"""Bilinear fusion of two modalities (a multiplicative-interaction layer).

    .. math::

        z_k = x_A^{\top} W_k\, x_B + (U x_A)_k + (V x_B)_k + b_k ,
        \qquad k = 1, \dots, d_{out},

    i.e. :math:`z = \mathcal W (x_A \otimes x_B) + U x_A + V x_B + b` with the
    weight tensor :math:`\mathcal W \in \mathbb R^{d_{out} \times d_A \times d_B}`,
    :math:`U \in \mathbb R^{d_{out} \times d_A}`, :math:`V \in \mathbb
    R^{d_{out} \times d_B}` and bias :math:`b`. This is the general
    multiplicative-interaction layer of Jayakumar et al. (their eq. for
    :math:`f(x, z) = z^\top \mathbb W x + z^\top U + V x + b`); the
    linear terms can be switched off.

    Parameters
    ----------
    in_dims : sequence of two ints
        :math:`(d_A, d_B)`.
    out_dim : int
    linear : bool, default=True
        Include the first-order terms :math:`U x_A + V x_B`.
    bias : bool, default=True

    Notes
    -----
    Parameters: :func:`bilinear_fusion_n_params`,
    :math:`d_{out} d_A d_B + [\text{linear}] (d_A + d_B) d_{out} + [\text{bias}] d_{out}`.

    References
    ----------
    Jayakumar, S. M., Czarnecki, W. M., Menick, J., Schwarz, J., Rae, J.,
    Osindero, S., Teh, Y. W., Harley, T. and Pascanu, R. Multiplicative
    interactions and where to find them. ICLR 2020.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; bilinear fusion takes exactly two
        modalities, and its :math:`d_{out} d_A d_B` weights are checked against
        the allocation limit.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import BilinearFusion
    >>> fuse = BilinearFusion([3, 5], 4)
    >>> fuse([torch.ones(2, 3), torch.ones(2, 5)]).shape
    torch.Size([2, 4])
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, linear: bool = True, bias: bool = True) -> None:
        super().__init__(in_dims, out_dim, min_modalities=2, max_modalities=2)
        self._check_n_params(
            bilinear_fusion_n_params(self.in_dims, self.out_dim, linear=linear, bias=bias),
            "out_dim * d_A * d_B + (d_A + d_B) * out_dim + out_dim",
        )
        d_a, d_b = self.in_dims
        # W: (d_out, d_A, d_B); scaled so that x_A^T W_k x_B has unit order for unit-scale inputs
        self.weight = nn.Parameter(torch.randn(self.out_dim, d_a, d_b) / math.sqrt(d_a * d_b))
        self.linear_a = nn.Linear(d_a, self.out_dim, bias=False) if linear else None  # U
        self.linear_b = nn.Linear(d_b, self.out_dim, bias=False) if linear else None  # V
        self.bias = nn.Parameter(torch.zeros(self.out_dim)) if bias else None  # b

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        x_a, x_b = self._check(xs)
        z = torch.einsum("bi,kij,bj->bk", x_a, self.weight, x_b)  # x_A^T W_k x_B
        if self.linear_a is not None:
            z = z + self.linear_a(x_a) + self.linear_b(x_b)
        if self.bias is not None:
            z = z + self.bias
        return z


def bilinear_fusion_n_params(in_dims: Sequence[int], out_dim: int, *, linear: bool = True, bias: bool = True) -> int:
    r"""Closed-form parameter count of :class:`BilinearFusion`.

    .. math::

        d_{out} d_A d_B + [\text{linear}]\,(d_A + d_B)\, d_{out} + [\text{bias}]\, d_{out}

    Raises
    ------
    TypeError
        If a size is not an int (``in_dims`` a list or tuple of them).
    ValueError
        If a size is < 1 or ``in_dims`` does not give exactly two modalities.

    Examples
    --------
    >>> from mmlab.fusion import bilinear_fusion_n_params
    >>> bilinear_fusion_n_params([3, 5], 4)
    96
    """
    d_a, d_b = _check_in_dims(in_dims, "BilinearFusion", 2, 2)
    out_dim = check_positive_int(out_dim, "out_dim")
    return out_dim * d_a * d_b + (d_a + d_b) * out_dim * bool(linear) + out_dim * bool(bias)
