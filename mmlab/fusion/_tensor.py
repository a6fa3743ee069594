"""Tensor fusion (Zadeh et al. 2017): the outer product of the modalities, each extended by a constant 1."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int, check_size
from mmlab.fusion._base import Fusion, _check_in_dims, _with_one

__all__ = ["TensorFusion", "tensor_fusion_n_params"]


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

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`. The parameter count
        :math:`d_{out} \prod_i (d_i + 1)` is checked before anything is
        allocated (``TensorFusion([1000] * 3, 10)`` would need 10 billion
        weights), and so is the fused tensor of each forward batch,
        :math:`B \prod_i (d_i + 1)` numbers.

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
        self._check_n_params(
            tensor_fusion_n_params(self.in_dims, self.out_dim, bias=bias),
            "out_dim * prod(d_i + 1)",
            remedy="LowRankFusion computes a rank-r version of this map with r * out_dim * sum(d_i + 1) parameters.",
        )
        self.linear = nn.Linear(math.prod(d + 1 for d in self.in_dims), self.out_dim, bias=bool(bias))  # W (, b)

    def fused_tensor(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Return :math:`\\operatorname{vec}(\\mathcal Z)`, shape ``(batch, prod(d_i + 1))``.

        Raises
        ------
        TypeError, ValueError
            On a bad input (as :class:`~mmlab.fusion.Fusion`), or a batch whose
            fused tensor would exceed the allocation limit.
        """
        xs = self._check(xs)
        width = math.prod(d + 1 for d in self.in_dims)
        check_size(
            xs[0].shape[0] * width,
            f"TensorFusion's fused tensor for a batch of {xs[0].shape[0]}",
            detail=f"batch * prod(d_i + 1) = {xs[0].shape[0]:,} * {width:,}",
            remedy="Use smaller batches.",
        )
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

    Raises
    ------
    TypeError
        If ``in_dims`` is not a list or tuple of ints or ``out_dim`` not an int.
    ValueError
        If a size is < 1 or there are fewer than two modalities.

    Examples
    --------
    >>> from mmlab.fusion import tensor_fusion_n_params
    >>> tensor_fusion_n_params([32, 32, 32], 1)
    35937
    """
    dims = _check_in_dims(in_dims, "TensorFusion", 2, None)
    out_dim = check_positive_int(out_dim, "out_dim")
    return out_dim * math.prod(d + 1 for d in dims) + out_dim * bool(bias)
