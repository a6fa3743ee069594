"""Modality-shifting fusion (Wang et al. 2019; Rahman et al. 2020): shift the primary vector by the others."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_scalar
from mmlab.fusion._base import Fusion, _check_in_dims

__all__ = ["ModalityShiftFusion"]


class ModalityShiftFusion(Fusion):
    r"""Modality-shifting fusion (multimodal adaptation gate): shift the primary vector by the others.

    Modality 0 is the primary one (language, :math:`x_0`); the others
    (nonverbal, :math:`x_j`, :math:`j \ge 1`) compute a displacement of it:

    .. math::

        g_j = \operatorname{ReLU}\big(W_{g,j} [x_0; x_j] + b_{g,j}\big), \qquad
        H = \sum_{j \ge 1} g_j \odot (W_j x_j) + b_H ,

        \alpha = \min\Big( \beta \frac{\lVert x_0 \rVert_2}{\lVert H \rVert_2 + \epsilon},\ 1 \Big), \qquad
        z = \operatorname{LN}(x_0 + \alpha H) ,

    so the shift :math:`\alpha H` never exceeds :math:`\beta` times the norm
    of the primary vector, and LN is a layer norm. Where the nonverbal
    modalities change the meaning (a smile that makes a sentence sarcastic), a
    trained model should shift far; elsewhere, little.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_0` (primary) then the other modalities' sizes.
    out_dim : int, optional
        ``None`` (default) returns the shifted primary vector (``out_dim = d_0``);
        an int adds a final linear map to that size.
    beta : float, default=1.0
        :math:`\beta`, bound on the shift relative to :math:`\lVert x_0 \rVert`.
    layer_norm : bool, default=True
        Apply LN as in MAG (learned scale and offset).
    eps : float, default=1e-6

    Attributes
    ----------
    last_shift : torch.Tensor or None
        Detached :math:`\lVert \alpha H \rVert_2` per sample of the last forward pass, ``(batch,)``.
    last_relative_shift : torch.Tensor or None
        Detached :math:`\lVert \alpha H \rVert_2 / \lVert x_0 \rVert_2`, ``(batch,)``, in :math:`[0, \beta]`.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; also if ``beta`` or ``eps`` is not a
        finite number > 0.

    References
    ----------
    Wang, Y., Shen, Y., Liu, Z., Liang, P. P., Zadeh, A. and Morency, L.-P. Words
    can shift: dynamically adjusting word representations using nonverbal
    behaviors. AAAI 2019.
    Rahman, W., Hasan, M. K., Lee, S., Zadeh, A., Mao, C., Morency, L.-P. and
    Hoque, E. Integrating multimodal information in large pretrained
    transformers. ACL 2020 (Sec. 3, the MAG equations).

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import ModalityShiftFusion
    >>> mag = ModalityShiftFusion([8, 3, 2])
    >>> mag([torch.randn(4, 8), torch.randn(4, 3), torch.randn(4, 2)]).shape
    torch.Size([4, 8])
    """

    def __init__(
        self,
        in_dims: Sequence[int],
        out_dim: int | None = None,
        *,
        beta: float = 1.0,
        layer_norm: bool = True,
        eps: float = 1e-6,
    ) -> None:
        dims = _check_in_dims(in_dims, "ModalityShiftFusion", 2, None)
        super().__init__(dims, dims[0] if out_dim is None else out_dim)
        d0 = self.in_dims[0]
        self.beta = check_scalar(beta, "beta", min_val=0, include_boundaries="neither")
        self.eps = check_scalar(eps, "eps", min_val=0, include_boundaries="neither")
        others = self.in_dims[1:]
        self._check_n_params(
            sum((d0 + d + 1) * d0 + d * d0 for d in others)
            + 3 * d0
            + (0 if out_dim is None else (d0 + 1) * self.out_dim),
            "sum_j ((d_0 + d_j + 1) d_0 + d_j d_0) + 3 d_0 (+ (d_0 + 1) out_dim)",
        )
        self.gates = nn.ModuleList(nn.Linear(d0 + d, d0) for d in self.in_dims[1:])  # W_{g,j}, b_{g,j}
        self.maps = nn.ModuleList(nn.Linear(d, d0, bias=False) for d in self.in_dims[1:])  # W_j
        self.shift_bias = nn.Parameter(torch.zeros(d0))  # b_H
        self.norm = nn.LayerNorm(d0) if layer_norm else None
        self.out = None if out_dim is None else nn.Linear(d0, self.out_dim)
        self.last_shift: torch.Tensor | None = None
        self.last_relative_shift: torch.Tensor | None = None

    def shift(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Return the displacement :math:`\\alpha H`, shape ``(batch, d_0)``, with gradients."""
        xs = self._check(xs)
        x0 = xs[0]
        h = self.shift_bias
        for gate, w, x in zip(self.gates, self.maps, xs[1:], strict=True):
            h = h + torch.relu(gate(torch.cat([x0, x], dim=1))) * w(x)  # g_j ⊙ (W_j x_j)
        norm0 = x0.norm(dim=1, keepdim=True)
        alpha = torch.clamp(self.beta * norm0 / (h.norm(dim=1, keepdim=True) + self.eps), max=1.0)
        return alpha * h

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        d = self.shift(xs)
        size = d.norm(dim=1).detach()
        self.last_shift = size
        self.last_relative_shift = size / (xs[0].norm(dim=1).detach() + self.eps)
        z = xs[0] + d
        if self.norm is not None:
            z = self.norm(z)
        return z if self.out is None else self.out(z)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, beta={self.beta}"
