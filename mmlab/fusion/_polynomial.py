"""Polynomial tensor pooling (Hou et al. 2019): an order-P polynomial of all modalities, CP-factorised."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int
from mmlab.fusion._base import Fusion, _check_in_dims

__all__ = ["PolynomialFusion", "polynomial_fusion_n_params"]


class PolynomialFusion(Fusion):
    r"""Polynomial tensor pooling: an order-:math:`P` polynomial of all modalities, CP-factorised.

    Concatenate the modalities behind a constant, :math:`u = [1; x_1; \dots;
    x_M] \in \mathbb R^{D}` with :math:`D = 1 + \sum_i d_i`, and apply a
    rank-:math:`r` weight to the :math:`P`-fold outer power
    :math:`u^{\otimes P}`:

    .. math::

        z = \sum_{k=1}^{r} \lambda_k \bigodot_{p=1}^{P} \big( W_p^{(k)} u \big) + b ,

    with factors :math:`W_p^{(k)} \in \mathbb R^{d_{out} \times D}`. Because
    :math:`u` starts with 1, each output is a polynomial of degree at most
    :math:`P` in all input coordinates: every product of up to :math:`P` of them,
    within or across modalities. With one encoding per modality, order
    :math:`P = 1` is linear (additive) fusion, :math:`P = 2` adds all pairwise
    products (bilinear), and an interaction among three modalities needs
    :math:`P \ge 3`.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (one or more).
    out_dim : int
    order : int, default=3
        :math:`P`.
    rank : int, default=8
        :math:`r`.

    Notes
    -----
    Parameters (:func:`polynomial_fusion_n_params`):
    :math:`P\, r\, d_{out} (1 + \sum_i d_i) + r + d_{out}`. This is one
    polynomial tensor pooling (PTP) block; Hou et al. stack such blocks over
    local windows of modalities and time into a hierarchy (HPFN), which this
    module does not do.

    References
    ----------
    Hou, M., Tang, J., Zhang, J., Kong, W. and Zhao, Q. Deep multimodal
    multilinear fusion with high-order polynomial pooling. NeurIPS 2019.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; also if ``order`` or ``rank`` is not
        an integer >= 1.

    Examples
    --------
    >>> from mmlab.fusion import PolynomialFusion, n_params
    >>> ptp = PolynomialFusion([2, 2, 2], 1, order=3, rank=2)
    >>> n_params(ptp) == 3 * 2 * 1 * 7 + 2 + 1
    True
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, order: int = 3, rank: int = 8) -> None:
        super().__init__(in_dims, out_dim, min_modalities=1)
        self.order = check_positive_int(order, "order")
        self.rank = check_positive_int(rank, "rank")
        self._check_n_params(
            polynomial_fusion_n_params(self.in_dims, self.out_dim, self.order, self.rank),
            "order * rank * out_dim * (1 + sum(d_i)) + rank + out_dim",
        )
        width = 1 + sum(self.in_dims)  # D
        # W_p^{(k)} stored as (r, D, d_out), one tensor per order p
        self.factors = nn.ParameterList(
            nn.Parameter(torch.randn(self.rank, width, self.out_dim) / math.sqrt(width)) for _ in range(self.order)
        )
        with torch.no_grad():  # start each factor near the constant term so that high orders do not vanish
            for w in self.factors:
                w[:, 0, :] += 1.0
        self.rank_weights = nn.Parameter(torch.full((self.rank,), 1.0 / math.sqrt(self.rank)))  # lambda
        self.bias = nn.Parameter(torch.zeros(self.out_dim))  # b

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        u = torch.cat([xs[0].new_ones(xs[0].shape[0], 1)] + xs, dim=1)  # u = [1; x_1; ...; x_M]
        prod = None
        for w in self.factors:
            term = torch.einsum("bi,kio->bko", u, w)  # W_p^{(k)} u
            prod = term if prod is None else prod * term
        return torch.einsum("bko,k->bo", prod, self.rank_weights) + self.bias

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, order={self.order}, rank={self.rank}"


def polynomial_fusion_n_params(in_dims: Sequence[int], out_dim: int, order: int, rank: int) -> int:
    r"""Closed-form parameter count of :class:`PolynomialFusion`.

    .. math::

        P\, r\, d_{out} \Big(1 + \sum_{i=1}^{M} d_i\Big) + r + d_{out}

    Raises
    ------
    TypeError
        If a size is not an int (``in_dims`` a list or tuple of them).
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> from mmlab.fusion import polynomial_fusion_n_params
    >>> polynomial_fusion_n_params([2, 2, 2], 1, 3, 2)
    45
    """
    dims = _check_in_dims(in_dims, "PolynomialFusion", 1, None)
    out_dim = check_positive_int(out_dim, "out_dim")
    order = check_positive_int(order, "order")
    rank = check_positive_int(rank, "rank")
    return order * rank * out_dim * (1 + sum(dims)) + rank + out_dim
