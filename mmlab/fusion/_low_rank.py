"""Low-rank multimodal fusion (Liu et al. 2018): tensor fusion with a rank-r weight, never forming the tensor."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int
from mmlab.fusion._base import Fusion, _check_in_dims, _with_one

__all__ = ["LowRankFusion", "low_rank_fusion_n_params"]


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

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; also if ``rank`` is not an integer >= 1.

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
        self._check_n_params(
            low_rank_fusion_n_params(self.in_dims, self.out_dim, self.rank),
            "rank * out_dim * sum(d_i + 1) + rank + out_dim",
        )
        # W_i^{(k)} stored as (r, d_i + 1, d_out); unit-scale terms keep the product O(1) at initialisation
        self.factors = nn.ParameterList(
            nn.Parameter(torch.randn(self.rank, d + 1, self.out_dim) / math.sqrt(d + 1)) for d in self.in_dims
        )
        self.rank_weights = nn.Parameter(torch.full((self.rank,), 1.0 / math.sqrt(self.rank)))  # lambda
        self.bias = nn.Parameter(torch.zeros(self.out_dim))  # b

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        prod = None
        for x, w in zip(xs, self.factors, strict=True):
            term = torch.einsum("bi,kio->bko", _with_one(x), w)  # W_i^{(k)} [x_i; 1], shape (batch, r, d_out)
            prod = term if prod is None else prod * term
        return torch.einsum("bko,k->bo", prod, self.rank_weights) + self.bias

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, rank={self.rank}"


def low_rank_fusion_n_params(in_dims: Sequence[int], out_dim: int, rank: int) -> int:
    r"""Closed-form parameter count of :class:`LowRankFusion`.

    .. math::

        r\, d_{out} \sum_{i=1}^{M} (d_i + 1) + r + d_{out}

    Raises
    ------
    TypeError
        If a size is not an int (``in_dims`` a list or tuple of them).
    ValueError
        If a size is < 1 or there are fewer than two modalities.

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
