"""Tensor fusion and its factorised relatives: low-rank fusion and polynomial fusion."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int
from mmlab.fusion._base import Fusion, _check_in_dims, _with_one

__all__ = [
    "LowRankFusion",
    "PolynomialFusion",
    "TensorFusion",
    "low_rank_fusion_n_params",
    "polynomial_fusion_n_params",
    "tensor_fusion_n_params",
]


class TensorFusion(Fusion):
    r"""Tensor fusion (TFN): a linear map of the outer product of the modalities with a 1 appended.

    .. math::

        \mathcal Z = \begin{bmatrix} x_1 \\ 1 \end{bmatrix} \otimes
                     \begin{bmatrix} x_2 \\ 1 \end{bmatrix} \otimes \cdots \otimes
                     \begin{bmatrix} x_M \\ 1 \end{bmatrix}
        \in \mathbb R^{(d_1+1) \times \cdots \times (d_M+1)},
        \qquad z = W \operatorname{vec}(\mathcal Z) \; (+\, b),

    with :math:`W \in \mathbb R^{d_{out} \times \prod_i (d_i + 1)}`. Because of
    the appended 1, :math:`\mathcal Z` holds every unimodal coordinate
    :math:`x_{i,a}`, every bimodal product :math:`x_{i,a} x_{j,b}`, every
    trimodal product, ..., and the constant 1 (the entry where all the appended
    ones meet). The weight row on that constant entry already acts as a bias,
    so by default there is no separate :math:`b`.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (two or more).
    out_dim : int
        :math:`d_{out}`.
    bias : bool, default=False
        Add a separate bias :math:`b` (redundant with the constant entry).

    Notes
    -----
    Parameters (:func:`tensor_fusion_n_params`): exactly
    :math:`d_{out} \prod_i (d_i + 1)` weights, plus :math:`d_{out}` if ``bias``;
    for three modalities :math:`(d_A+1)(d_B+1)(d_C+1)\, d_{out}`. Time and memory
    per sample grow as :math:`\prod_i (d_i+1)`: with three 32-d modalities the
    fused tensor has 35,937 entries. :class:`LowRankFusion` computes the same
    kind of map without forming it.

    References
    ----------
    Zadeh, A., Chen, M., Poria, S., Cambria, E. and Morency, L.-P. Tensor fusion
    network for multimodal sentiment analysis. EMNLP 2017 (Sec. 3.2, eq. for
    :math:`z^m`).

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import TensorFusion, n_params
    >>> tfn = TensorFusion([3, 4], 2)
    >>> tfn([torch.ones(5, 3), torch.ones(5, 4)]).shape, n_params(tfn) == (3 + 1) * (4 + 1) * 2
    (torch.Size([5, 2]), True)
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, bias: bool = False) -> None:
        super().__init__(in_dims, out_dim)
        self.linear = nn.Linear(math.prod(d + 1 for d in self.in_dims), self.out_dim, bias=bool(bias))  # W (, b)

    def fused_tensor(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Return :math:`\\operatorname{vec}(\\mathcal Z)`, shape ``(batch, prod(d_i + 1))``."""
        xs = self._check(xs)
        z = _with_one(xs[0])
        for x in xs[1:]:
            # (batch, D) x (batch, d+1) -> (batch, D*(d+1)), row-major like einsum("bi,bj->bij")
            z = (z.unsqueeze(2) * _with_one(x).unsqueeze(1)).reshape(z.shape[0], -1)
        return z

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        return self.linear(self.fused_tensor(xs))


def tensor_fusion_n_params(in_dims: Sequence[int], out_dim: int, *, bias: bool = False) -> int:
    r"""Closed-form parameter count of :class:`TensorFusion`.

    .. math::

        d_{out} \prod_{i=1}^{M} (d_i + 1) \; + \; [\text{bias}]\, d_{out}

    Examples
    --------
    >>> from mmlab.fusion import tensor_fusion_n_params
    >>> tensor_fusion_n_params([32, 32, 32], 1)
    35937
    """
    dims = _check_in_dims(in_dims, "TensorFusion", 2, None)
    out_dim = check_positive_int(out_dim, "out_dim")
    return out_dim * math.prod(d + 1 for d in dims) + out_dim * bool(bias)


class LowRankFusion(Fusion):
    r"""Low-rank multimodal fusion (LMF): tensor fusion with a rank-:math:`r` weight, never forming the tensor.

    Write TFN's weight as a sum of :math:`r` outer products of modality-specific
    factors, :math:`\mathcal W = \sum_{k=1}^{r} \bigotimes_i w_i^{(k)}`; then
    :math:`\mathcal W \cdot \mathcal Z` factorises over modalities and

    .. math::

        z = \sum_{k=1}^{r} \lambda_k \bigodot_{i=1}^{M}
            \Big( W_i^{(k)} \begin{bmatrix} x_i \\ 1 \end{bmatrix} \Big) + b ,

    with factors :math:`W_i^{(k)} \in \mathbb R^{d_{out} \times (d_i + 1)}`,
    rank weights :math:`\lambda \in \mathbb R^{r}` and bias :math:`b \in \mathbb
    R^{d_{out}}`. Cost is linear in :math:`\sum_i d_i` instead of
    :math:`\prod_i d_i`.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (two or more).
    out_dim : int
    rank : int, default=4
        :math:`r`.

    Notes
    -----
    Parameters (:func:`low_rank_fusion_n_params`):
    :math:`r\, d_{out} \sum_i (d_i + 1) + r + d_{out}`. The factors live in an
    ``nn.ParameterList`` (one ``(r, d_i + 1, d_out)`` tensor per modality), so
    ``.to(device)`` moves them and ``state_dict`` saves them.

    References
    ----------
    Liu, Z., Shen, Y., Lakshminarasimhan, V. B., Liang, P. P., Zadeh, A. and
    Morency, L.-P. Efficient low-rank multimodal fusion with modality-specific
    factors. ACL 2018 (Sec. 3.2-3.3).

    Examples
    --------
    >>> from mmlab.fusion import LowRankFusion, n_params
    >>> lmf = LowRankFusion([32, 32, 32], 8, rank=4)
    >>> n_params(lmf) == 4 * 8 * 99 + 4 + 8
    True
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, rank: int = 4) -> None:
        super().__init__(in_dims, out_dim)
        self.rank = check_positive_int(rank, "rank")
        # W_i^{(k)} stored as (r, d_i + 1, d_out); unit-scale terms keep the product O(1) at initialisation
        self.factors = nn.ParameterList(
            nn.Parameter(torch.randn(self.rank, d + 1, self.out_dim) / math.sqrt(d + 1)) for d in self.in_dims)
        self.rank_weights = nn.Parameter(torch.full((self.rank,), 1.0 / math.sqrt(self.rank)))  # lambda
        self.bias = nn.Parameter(torch.zeros(self.out_dim))  # b

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        prod = None
        for x, w in zip(xs, self.factors):
            term = torch.einsum("bi,kio->bko", _with_one(x), w)  # W_i^{(k)} [x_i; 1], shape (batch, r, d_out)
            prod = term if prod is None else prod * term
        return torch.einsum("bko,k->bo", prod, self.rank_weights) + self.bias

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, rank={self.rank}"


def low_rank_fusion_n_params(in_dims: Sequence[int], out_dim: int, rank: int) -> int:
    r"""Closed-form parameter count of :class:`LowRankFusion`.

    .. math::

        r\, d_{out} \sum_{i=1}^{M} (d_i + 1) + r + d_{out}

    Examples
    --------
    >>> from mmlab.fusion import low_rank_fusion_n_params
    >>> low_rank_fusion_n_params([32, 32, 32], 1, 4)
    401
    """
    dims = _check_in_dims(in_dims, "LowRankFusion", 2, None)
    out_dim = check_positive_int(out_dim, "out_dim")
    rank = check_positive_int(rank, "rank")
    return rank * out_dim * sum(d + 1 for d in dims) + rank + out_dim


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
        width = 1 + sum(self.in_dims)  # D
        # W_p^{(k)} stored as (r, D, d_out), one tensor per order p
        self.factors = nn.ParameterList(
            nn.Parameter(torch.randn(self.rank, width, self.out_dim) / math.sqrt(width)) for _ in range(self.order))
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
