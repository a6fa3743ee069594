"""Gated fusion (GMU) and modality-shifting fusion (MAG)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab.fusion._base import Fusion, _check_in_dims, _check_real

__all__ = ["GatedFusion", "ModalityShiftFusion"]


class GatedFusion(Fusion):
    r"""Gated multimodal unit (GMU): a per-sample, per-unit convex mix of the modalities.

    .. math::

        h_i = \tanh(W_i x_i + c_i), \qquad
        g = \operatorname{softmax}_i\big(W_z [x_1; \dots; x_M] + c_z\big), \qquad
        z = \sum_{i=1}^{M} g_i \odot h_i ,

    with :math:`W_i \in \mathbb R^{d_{out} \times d_i}`, gate logits
    :math:`W_z [x_1; \dots; x_M] + c_z \in \mathbb R^{M \times d_{out}}` and the
    softmax taken over modalities for every output unit, so the gates
    :math:`g_{i,k} \in (0, 1)` sum to 1 over :math:`i`. For two modalities this
    is Arevalo et al.'s GMU exactly, :math:`g_1 = \sigma(w_z^\top [x_1; x_2])`,
    :math:`g_2 = 1 - g_1` (one gate logit per unit, a sigmoid).

    The gates depend on the input, so the unit can lean on whichever modality
    is informative *for this sample*: e.g. away from a corrupted one.

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (two or more).
    out_dim : int

    Attributes
    ----------
    last_gates : torch.Tensor or None
        Detached gates of the last forward pass, shape ``(batch, M, out_dim)``;
        ``last_gates.mean(-1)`` is each modality's average weight per sample.

    Notes
    -----
    Parameters: :math:`\sum_i (d_i + 1) d_{out} + G (\sum_i d_i + 1) d_{out}`
    with :math:`G = 1` gate logit per unit for two modalities and :math:`G = M`
    otherwise.

    References
    ----------
    Arevalo, J., Solorio, T., Montes-y-Gómez, M. and González, F. A. Gated
    multimodal units for information fusion. ICLR workshop 2017.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import GatedFusion
    >>> gmu = GatedFusion([3, 5], 4)
    >>> z, g = gmu([torch.ones(2, 3), torch.ones(2, 5)], return_gates=True)
    >>> z.shape, g.shape
    (torch.Size([2, 4]), torch.Size([2, 2, 4]))
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int) -> None:
        super().__init__(in_dims, out_dim)
        self.maps = nn.ModuleList(nn.Linear(d, self.out_dim) for d in self.in_dims)  # W_i, c_i
        n_logits = 1 if self.n_modalities == 2 else self.n_modalities
        self.gate = nn.Linear(sum(self.in_dims), n_logits * self.out_dim)  # W_z, c_z
        self.last_gates: torch.Tensor | None = None

    def gates(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Return the gates :math:`g`, shape ``(batch, M, out_dim)``, with gradients."""
        xs = self._check(xs)
        logits = self.gate(torch.cat(xs, dim=1))
        if self.n_modalities == 2:
            g1 = torch.sigmoid(logits)  # Arevalo et al.: z = sigma(W_z [x_1; x_2])
            return torch.stack([g1, 1.0 - g1], dim=1)
        return torch.softmax(logits.view(-1, self.n_modalities, self.out_dim), dim=1)

    def forward(self, xs: Sequence[torch.Tensor], *, return_gates: bool = False) -> Any:
        xs = self._check(xs)
        g = self.gates(xs)
        h = torch.stack([torch.tanh(w(x)) for w, x in zip(self.maps, xs)], dim=1)  # h_i, (batch, M, out)
        self.last_gates = g.detach()
        z = (g * h).sum(dim=1)
        return (z, g) if return_gates else z


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

    def __init__(self, in_dims: Sequence[int], out_dim: int | None = None, *, beta: float = 1.0,
                 layer_norm: bool = True, eps: float = 1e-6) -> None:
        dims = _check_in_dims(in_dims, "ModalityShiftFusion", 2, None)
        super().__init__(dims, dims[0] if out_dim is None else out_dim)
        d0 = self.in_dims[0]
        self.beta = _check_real(beta, "beta")
        self.eps = _check_real(eps, "eps")
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
        for gate, w, x in zip(self.gates, self.maps, xs[1:]):
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
