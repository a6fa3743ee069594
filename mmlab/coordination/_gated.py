r"""Gated coordination: each modality's embedding is scaled by a gate computed from both modalities.

.. math::

    z_A = g_A(x_A, x_B)\, h_A(x_A), \qquad z_B = g_B(x_A, x_B)\, h_B(x_B), \qquad g \in (0, 1),

trained with a *dot-product* InfoNCE loss, where the size of an embedding is
its confidence: a pair that is truly related gains from a large embedding, an
unrelated one loses from it, so the gate learns to open for the samples whose
modalities inform each other and to close for the others.

Used by ``lectures/1_representation/06_coordinated_representations.ipynb``.

References
----------
Liang, P. P., Zadeh, A. and Morency, L.-P. Foundations and trends in
multimodal machine learning: principles, challenges, and open questions. ACM
Computing Surveys 56(10), 2024 (coordination with gates, section 3.2).
Arevalo, J. et al. Gated multimodal units for information fusion. ICLR
workshop 2017 (the gate).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_choice, check_modalities, check_positive_int
from mmlab.coordination._contrastive import _check_two_dims, mlp

__all__ = ["GatedCoordination"]


class GatedCoordination(nn.Module):
    r"""Two encoders and two per-sample gates: :math:`z_m = g_m(x_A, x_B)\, h_m(x_m)`.

    The encoders :math:`h_A, h_B` are MLPs into :math:`\mathbb R^d`; each gate
    is a small MLP with a sigmoid output,

    .. math::

        g_m = \sigma\Big(w_m^\top \operatorname{ReLU}\big(U_m [h_A; h_B; h_A \odot h_B] + c_m\big) + b_m\Big),

    one scalar per sample, computed from *both* modalities
    (``gate_inputs="both"``) or from the modality's own encoding only
    (``gate_inputs="self"``, :math:`g_m = \sigma(\dots h_m \dots)`, the
    control: it cannot tell a related pair from an unrelated one). The product
    :math:`h_A \odot h_B` lets the gate read agreement directly. Train with
    :func:`~mmlab.coordination.fit_contrastive` and ``normalize=False`` (a
    dot-product InfoNCE, in which the gate's scale matters).

    Parameters
    ----------
    in_dims : sequence of int
    embed_dim : int, default=32
    hidden : int, default=64
    gate_inputs : {"both", "self"}, default="both"

    Attributes
    ----------
    last_gates : torch.Tensor or None
        Detached gates of the last call, ``(2, batch)``.

    Raises
    ------
    TypeError, ValueError
        On bad sizes or ``gate_inputs``; on inputs that are not two paired
        ``(batch, d_m)`` tensors.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import GatedCoordination
    >>> net = GatedCoordination([3, 5], embed_dim=4)
    >>> z = net([torch.randn(6, 3), torch.randn(6, 5)])
    >>> tuple(z.shape), tuple(net.last_gates.shape)
    ((2, 6, 4), (2, 6))
    """

    def __init__(
        self, in_dims: Sequence[int], *, embed_dim: int = 32, hidden: int = 64, gate_inputs: str = "both"
    ) -> None:
        super().__init__()
        self.in_dims = _check_two_dims(in_dims)
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.gate_inputs = check_choice(gate_inputs, "gate_inputs", ("both", "self"))
        self.encoders = nn.ModuleList(mlp(d, embed_dim, hidden=hidden) for d in self.in_dims)  # h_A, h_B
        width = 3 * embed_dim if gate_inputs == "both" else embed_dim
        self.gate_nets = nn.ModuleList(mlp(width, 1, hidden=32) for _ in range(2))  # g_A, g_B
        self.last_gates: torch.Tensor | None = None

    def gates(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The gates :math:`(g_A, g_B)`, shape ``(2, batch)``, with gradients.

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(batch, d_m)`` tensors.
        """
        return self._forward(xs)[1]

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        z, g = self._forward(xs)
        self.last_gates = g.detach()
        return z

    def _forward(self, xs: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        xs = check_modalities(xs, n_modalities=2, dims=self.in_dims, floating=True)
        ha, hb = (f(x) for f, x in zip(self.encoders, xs, strict=True))
        if self.gate_inputs == "both":
            joint = torch.cat([ha, hb, ha * hb], dim=1)  # [h_A; h_B; h_A (.) h_B]
            inputs = (joint, joint)
        else:
            inputs = (ha, hb)
        g = torch.stack([torch.sigmoid(net(u)).squeeze(1) for net, u in zip(self.gate_nets, inputs, strict=True)])
        return torch.stack([g[0, :, None] * ha, g[1, :, None] * hb]), g  # z_m = g_m h_m
