"""Gated fusion (the gated multimodal unit of Arevalo et al. 2017): per-sample gates weigh the modalities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab.fusion._base import Fusion

__all__ = ["GatedFusion"]


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

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`.

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
        n_logits = 1 if self.n_modalities == 2 else self.n_modalities
        self._check_n_params(
            sum((d + 1) * self.out_dim for d in self.in_dims) + n_logits * (sum(self.in_dims) + 1) * self.out_dim,
            "sum_i (d_i + 1) out_dim + G (sum_i d_i + 1) out_dim",
        )
        self.maps = nn.ModuleList(nn.Linear(d, self.out_dim) for d in self.in_dims)  # W_i, c_i
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
        h = torch.stack([torch.tanh(w(x)) for w, x in zip(self.maps, xs, strict=True)], dim=1)  # h_i, (batch, M, out)
        self.last_gates = g.detach()
        z = (g * h).sum(dim=1)
        return (z, g) if return_gates else z
