"""Intermediate fusion: modalities exchange information inside their encoders, not only at the end.

Late fusion combines one vector per modality after each encoder has finished;
the operators here act *between* the layers of per-modality streams of tokens
or feature maps, shape ``(batch, L_i, dim)`` (tokens) or ``(batch, C, L_i)``
(channels of a 1-D convolutional stream):

- :class:`MMTM`: the multimodal transfer module (Joze et al. 2020), a
  squeeze-and-excitation across streams;
- :class:`ChannelExchange`: channel exchanging (Wang et al. 2020), channels
  whose batch-norm scale has shrunk are replaced by the other modality's;
- :class:`JointAttentionFusion`: full attention over the tokens of all
  modalities together (cost quadratic in the total length);
- :class:`BottleneckFusion`: attention bottlenecks (Nagrani et al. 2021), the
  modalities talk only through a few shared bottleneck tokens (cost linear in
  the length);
- :class:`PerceiverFusion`: a small latent array cross-attends to all tokens
  (Jaegle et al. 2021; cost linear in the length);
- :class:`AttentionFusion`: self-attention over one token per modality, the
  ``(batch, d_i)`` "attention fuse" cell of fusion architecture search
  (registered as ``"self_attention"``);
- :class:`SequenceFusionClassifier`: per-modality token projections, one of the
  above, pooling and a linear head; ``late`` pooling of each stream without
  any exchange is the baseline.

The attention is written out (:class:`MultiHeadAttention`) rather than taken
from ``torch.nn``, so that its cost is visible in the code and countable by
:func:`mmlab.fusion.count_flops`; :func:`mmlab.fusion.attention_flops` gives the
same counts in closed form.

Used by: ``lectures/1_representation/09_intermediate_fusion.ipynb``,
``10_early_fusion_and_search.ipynb`` and ``labs/1_representation/03_coordination.ipynb``.

References
----------
Joze, H. R. V., Shaban, A., Iuzzolino, M. L. and Koishida, K. MMTM: multimodal
transfer module for CNN fusion. CVPR 2020.
Wang, Y., Huang, W., Sun, F., Xu, T., Rong, Y. and Huang, J. Deep multimodal
fusion by channel exchanging. NeurIPS 2020.
Nagrani, A., Yang, S., Arnab, A., Jansen, A., Schmid, C. and Sun, C. Attention
bottlenecks for multimodal fusion. NeurIPS 2021.
Jaegle, A., Gimeno, F., Brock, A., Zisserman, A., Vinyals, O. and Carreira, J.
Perceiver: general perception with iterative attention. ICML 2021.
Vaswani, A. et al. Attention is all you need. NeurIPS 2017.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import check_choice, check_positive_int, check_scalar
from mmlab.fusion._base import Fusion
from mmlab.fusion._registry import register_fusion

__all__ = [
    "SEQUENCE_FUSIONS",
    "AttentionFusion",
    "BottleneckFusion",
    "ChannelExchange",
    "JointAttentionFusion",
    "MMTM",
    "MultiHeadAttention",
    "PerceiverFusion",
    "SequenceFusionClassifier",
    "TransformerBlock",
]

#: The fusion kinds :class:`SequenceFusionClassifier` builds, from no exchange to full attention.
SEQUENCE_FUSIONS: tuple[str, ...] = ("late", "mmtm", "exchange", "bottleneck", "perceiver", "joint")


# --------------------------------------------------------------------------- #
# attention, written out
# --------------------------------------------------------------------------- #
class MultiHeadAttention(nn.Module):
    r"""Multi-head scaled dot-product attention of queries over a context.

    .. math::

        Q = X W_Q,\; K = C W_K,\; V = C W_V, \qquad
        \operatorname{head}_h = \operatorname{softmax}\!\Big(\frac{Q_h K_h^\top}{\sqrt{d/H}}\Big) V_h,
        \qquad \operatorname{out} = [\operatorname{head}_1, \dots, \operatorname{head}_H]\, W_O ,

    with queries :math:`X \in \mathbb R^{L_q \times d}`, context
    :math:`C \in \mathbb R^{L_k \times d}` (:math:`C = X` for
    self-attention) and :math:`H` heads of size :math:`d / H`. The two
    products :math:`Q K^\top` and :math:`A V` cost :math:`2 L_q L_k d`
    multiply-adds each, the projections :math:`2 (L_q + L_k) d^2`: for
    self-attention over :math:`L` tokens the cost grows as :math:`L^2`.

    Parameters
    ----------
    dim : int
        :math:`d`.
    n_heads : int, default=2
        :math:`H`; must divide ``dim``.

    Attributes
    ----------
    last_weights : torch.Tensor or None
        Detached attention weights of the last call, ``(batch, H, L_q, L_k)``.

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1 or ``n_heads`` does not divide ``dim``; on inputs that
        are not ``(batch, L, dim)`` tensors with the same batch size.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MultiHeadAttention
    >>> att = MultiHeadAttention(8, n_heads=2)
    >>> att(torch.randn(3, 5, 8), torch.randn(3, 7, 8)).shape
    torch.Size([3, 5, 8])
    """

    def __init__(self, dim: int, n_heads: int = 2) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.n_heads = check_positive_int(n_heads, "n_heads")
        if self.dim % self.n_heads:
            raise ValueError(f"n_heads must divide dim; got dim={self.dim}, n_heads={self.n_heads}.")
        self.q = nn.Linear(dim, dim, bias=False)  # W_Q
        self.kv = nn.Linear(dim, 2 * dim, bias=False)  # [W_K, W_V]
        self.out = nn.Linear(dim, dim, bias=False)  # W_O
        self.last_weights: torch.Tensor | None = None

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        ctx = x if context is None else context
        _check_tokens([x, ctx], self.dim, "attention inputs")
        b, lq, _ = x.shape
        h, dh = self.n_heads, self.dim // self.n_heads
        q = self.q(x).view(b, lq, h, dh).transpose(1, 2)  # (b, H, L_q, d/H)
        k, v = self.kv(ctx).view(b, ctx.shape[1], 2, h, dh).permute(2, 0, 3, 1, 4)  # (b, H, L_k, d/H) each
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), dim=-1)  # softmax(Q K^T / sqrt(d/H))
        self.last_weights = weights.detach()
        heads = weights @ v  # (b, H, L_q, d/H)
        return self.out(heads.transpose(1, 2).reshape(b, lq, self.dim))


class TransformerBlock(nn.Module):
    r"""A pre-norm transformer block: attention and a feed-forward layer, each with a residual connection.

    .. math::

        X \leftarrow X + \operatorname{MHA}\big(\operatorname{LN}(X), \operatorname{LN}(C)\big), \qquad
        X \leftarrow X + W_2\, \operatorname{GELU}\big(W_1 \operatorname{LN}(X)\big),

    with :math:`C = X` (self-attention) unless a context is given
    (cross-attention); :math:`W_1 \in \mathbb R^{m d \times d}`.

    Parameters
    ----------
    dim : int
    n_heads : int, default=2
    ffn_mult : int, default=2
        :math:`m`, the width of the feed-forward layer in units of ``dim``.

    Raises
    ------
    TypeError, ValueError
        As :class:`MultiHeadAttention`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import TransformerBlock
    >>> TransformerBlock(8)(torch.randn(2, 4, 8)).shape
    torch.Size([2, 4, 8])
    """

    def __init__(self, dim: int, n_heads: int = 2, ffn_mult: int = 2) -> None:
        super().__init__()
        self.attn = MultiHeadAttention(dim, n_heads)
        ffn_mult = check_positive_int(ffn_mult, "ffn_mult")
        self.norm_q, self.norm_kv, self.norm_ffn = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn_mult * dim), nn.GELU(), nn.Linear(ffn_mult * dim, dim))

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        q = self.norm_q(x)
        x = x + self.attn(q, q if context is None else self.norm_kv(context))
        return x + self.ffn(self.norm_ffn(x))


# --------------------------------------------------------------------------- #
# attention-based intermediate fusion of token sequences
# --------------------------------------------------------------------------- #
class JointAttentionFusion(nn.Module):
    r"""Full attention across modalities: transformer blocks over the concatenated tokens.

    .. math::

        [X_1'; \dots; X_M'] = \operatorname{Block}^{(\ell)}\big([X_1; \dots; X_M]\big), \quad \ell = 1..n_{layers},

    so every token attends to every token of every modality. With :math:`M`
    modalities of :math:`L` tokens the attention costs :math:`O\big((ML)^2 d\big)`
    per layer: quadratic in the sequence length. This is the "vanilla"
    cross-modal fusion that Nagrani et al. (2021) compare bottlenecks with,
    and, applied to raw tokens from the first layer on, the *very early*
    fusion of a single multimodal transformer.

    Parameters
    ----------
    dim : int
        Token size :math:`d` (every modality's tokens must have it).
    n_layers : int, default=1
    n_heads : int, default=2

    Raises
    ------
    TypeError, ValueError
        As :class:`MultiHeadAttention`; on inputs that are not a list of
        ``(batch, L_i, dim)`` tensors with one batch size.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import JointAttentionFusion
    >>> out = JointAttentionFusion(8)([torch.randn(2, 3, 8), torch.randn(2, 5, 8)])
    >>> [tuple(o.shape) for o in out]
    [(2, 3, 8), (2, 5, 8)]
    """

    def __init__(self, dim: int, *, n_layers: int = 1, n_heads: int = 2) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        n_layers = check_positive_int(n_layers, "n_layers")
        self.blocks = nn.ModuleList(TransformerBlock(dim, n_heads) for _ in range(n_layers))

    def forward(self, xs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        xs = _check_tokens(xs, self.dim, "xs")
        lengths = [x.shape[1] for x in xs]
        tokens = torch.cat(xs, dim=1)  # [X_1; ...; X_M]
        for block in self.blocks:
            tokens = block(tokens)
        return list(tokens.split(lengths, dim=1))


class BottleneckFusion(nn.Module):
    r"""Attention bottlenecks (Nagrani et al. 2021): modalities exchange information only through B shared tokens.

    Each layer runs one transformer block per modality over its own tokens
    and the current bottleneck tokens :math:`Z \in \mathbb R^{B \times d}`,
    then averages the modalities' updated bottlenecks:

    .. math::

        [X_m'; \hat Z_m] = \operatorname{Block}_m\big([X_m; Z]\big), \qquad
        Z' = \frac{1}{M} \sum_{m=1}^{M} \hat Z_m .

    Tokens of modality :math:`m` never attend to tokens of another modality;
    what crosses over must pass through the :math:`B` bottleneck tokens. The
    attention over :math:`L + B` tokens costs :math:`O\big((L + B)^2 d\big)`
    per modality; with a *fixed* number of tokens per attention window (the
    setting where the savings are claimed) or for cross-modal traffic, the
    cost of exchanging information grows linearly in :math:`L`. Here each
    modality's tokens attend within fixed windows of ``window`` tokens plus
    the bottleneck, so the whole layer costs :math:`O(L (w + B) d)`: linear in
    the length. ``window=None`` lets every token see its whole modality (the
    original formulation, quadratic within a modality).

    Parameters
    ----------
    dim : int
        Token size :math:`d`.
    n_bottleneck : int, default=4
        :math:`B`.
    n_layers : int, default=1
    n_heads : int, default=2
    n_modalities : int, default=2
    window : int or None, default=None
        Attention window within a modality (the length must be a multiple of it).

    Attributes
    ----------
    bottleneck : torch.nn.Parameter
        The initial bottleneck tokens, ``(B, d)``.
    last_bottleneck : torch.Tensor or None
        Detached bottleneck tokens after the last forward pass, ``(batch, B, d)``.

    Raises
    ------
    TypeError, ValueError
        As :class:`JointAttentionFusion`; also if the number of modalities
        differs from ``n_modalities`` or a length is not a multiple of ``window``.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import BottleneckFusion
    >>> fuse = BottleneckFusion(8, n_bottleneck=2)
    >>> out = fuse([torch.randn(2, 3, 8), torch.randn(2, 5, 8)])
    >>> [tuple(o.shape) for o in out], tuple(fuse.last_bottleneck.shape)
    ([(2, 3, 8), (2, 5, 8)], (2, 2, 8))
    """

    def __init__(
        self,
        dim: int,
        *,
        n_bottleneck: int = 4,
        n_layers: int = 1,
        n_heads: int = 2,
        n_modalities: int = 2,
        window: int | None = None,
    ) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.n_bottleneck = check_positive_int(n_bottleneck, "n_bottleneck")
        n_layers = check_positive_int(n_layers, "n_layers")
        self.n_modalities = check_positive_int(n_modalities, "n_modalities", minimum=2)
        self.window = None if window is None else check_positive_int(window, "window")
        self.bottleneck = nn.Parameter(0.02 * torch.randn(self.n_bottleneck, dim))  # Z^(0)
        self.layers = nn.ModuleList(
            nn.ModuleList(TransformerBlock(dim, n_heads) for _ in range(self.n_modalities)) for _ in range(n_layers)
        )
        self.last_bottleneck: torch.Tensor | None = None

    def forward(self, xs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        xs = _check_tokens(xs, self.dim, "xs", n_modalities=self.n_modalities)
        batch = xs[0].shape[0]
        z = self.bottleneck.expand(batch, -1, -1)
        for blocks in self.layers:
            outs, zs = [], []
            for block, x in zip(blocks, xs, strict=True):
                x_new, z_new = self._block(block, x, z)  # [X_m'; Z_m^] = Block_m([X_m; Z])
                outs.append(x_new)
                zs.append(z_new)
            xs, z = outs, torch.stack(zs).mean(dim=0)  # Z' = mean_m Z_m^
        self.last_bottleneck = z.detach()
        return xs

    def _block(self, block: TransformerBlock, x: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, length, d = x.shape
        nb = self.n_bottleneck
        if self.window is None or self.window >= length:
            out = block(torch.cat([x, z], dim=1))
            return out[:, :length], out[:, length:]
        if length % self.window:
            raise ValueError(f"each sequence length must be a multiple of window={self.window}; got {length}.")
        w, n_win = self.window, length // self.window
        # every window of w tokens attends to itself and to the bottleneck: cost linear in L
        windows = torch.cat([x.reshape(b * n_win, w, d), z.repeat_interleave(n_win, dim=0)], dim=1)
        out = block(windows)
        x_new = out[:, :w].reshape(b, length, d)
        z_new = out[:, w:].reshape(b, n_win, nb, d).mean(dim=1)
        return x_new, z_new


class PerceiverFusion(nn.Module):
    r"""Perceiver-style fusion: N latent tokens cross-attend to the tokens of all modalities.

    .. math::

        U \leftarrow \operatorname{Block}_{\text{cross}}\big(U, [X_1; \dots; X_M]\big), \qquad
        U \leftarrow \operatorname{Block}_{\text{self}}(U),

    with a learned latent array :math:`U \in \mathbb R^{N \times d}`. The
    cross-attention costs :math:`O(N L d)` for :math:`L` input tokens and the
    latent self-attention :math:`O(N^2 d)`, independent of :math:`L`: linear in
    the sequence length, however long.

    Parameters
    ----------
    dim : int
    n_latents : int, default=8
        :math:`N`.
    n_layers : int, default=1
        Cross-attention + latent self-attention rounds (weights not shared).
    n_heads : int, default=2

    Raises
    ------
    TypeError, ValueError
        As :class:`JointAttentionFusion`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import PerceiverFusion
    >>> PerceiverFusion(8, n_latents=4)([torch.randn(2, 3, 8), torch.randn(2, 5, 8)]).shape
    torch.Size([2, 4, 8])
    """

    def __init__(self, dim: int, *, n_latents: int = 8, n_layers: int = 1, n_heads: int = 2) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.n_latents = check_positive_int(n_latents, "n_latents")
        n_layers = check_positive_int(n_layers, "n_layers")
        self.latents = nn.Parameter(0.02 * torch.randn(self.n_latents, dim))  # U
        self.cross = nn.ModuleList(TransformerBlock(dim, n_heads) for _ in range(n_layers))
        self.self_attn = nn.ModuleList(TransformerBlock(dim, n_heads) for _ in range(n_layers))

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = _check_tokens(xs, self.dim, "xs")
        tokens = torch.cat(xs, dim=1)
        u = self.latents.expand(tokens.shape[0], -1, -1)
        for cross, latent in zip(self.cross, self.self_attn, strict=True):
            u = latent(cross(u, tokens))
        return u


# --------------------------------------------------------------------------- #
# exchange between convolutional streams
# --------------------------------------------------------------------------- #
class MMTM(nn.Module):
    r"""Multimodal transfer module (Joze et al. 2020): squeeze both streams, excite each from both.

    For feature maps :math:`A \in \mathbb R^{C_A \times L_A}` and
    :math:`B \in \mathbb R^{C_B \times L_B}` (per sample):

    .. math::

        S_A = \tfrac{1}{L_A} \sum_l A_{:, l}, \quad S_B = \tfrac{1}{L_B} \sum_l B_{:, l}, \qquad
        Z = \operatorname{ReLU}\big(W [S_A; S_B] + b\big),

    .. math::

        A' = 2\,\sigma(W_A Z) \odot A, \qquad B' = 2\,\sigma(W_B Z) \odot B ,

    a per-channel recalibration of each stream computed from *both*
    (squeeze-and-excitation across modalities). The streams may have
    different lengths and channel counts. With :math:`W_A = W_B = 0` it is the
    identity.

    Parameters
    ----------
    channels : sequence of int
        :math:`(C_A, C_B)`.
    ratio : int, default=4
        :math:`Z` has :math:`(C_A + C_B) / \text{ratio}` units (at least 1).

    Attributes
    ----------
    last_excitation : tuple of torch.Tensor or None
        Detached :math:`2\sigma(W_A Z)` and :math:`2\sigma(W_B Z)`, ``(batch, C_i)`` each.

    Raises
    ------
    TypeError
        If ``channels`` is not a pair of ints; on inputs that are not tensors.
    ValueError
        If a size is < 1; on inputs that are not ``(batch, C_i, L_i)`` with one batch size.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MMTM
    >>> a, b = MMTM([4, 6])([torch.randn(2, 4, 10), torch.randn(2, 6, 3)])
    >>> tuple(a.shape), tuple(b.shape)
    ((2, 4, 10), (2, 6, 3))
    """

    def __init__(self, channels: Sequence[int], *, ratio: int = 4) -> None:
        super().__init__()
        self.channels = _check_pair_of_ints(channels, "channels")
        ratio = check_positive_int(ratio, "ratio")
        joint = max(1, sum(self.channels) // ratio)
        self.squeeze = nn.Linear(sum(self.channels), joint)  # W, b
        self.excite = nn.ModuleList(nn.Linear(joint, c) for c in self.channels)  # W_A, W_B
        self.last_excitation: tuple[torch.Tensor, ...] | None = None

    def forward(self, xs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        xs = _check_maps(xs, self.channels, "xs")
        s = torch.cat([x.mean(dim=2) for x in xs], dim=1)  # [S_A; S_B]
        z = F.relu(self.squeeze(s))  # Z
        gates = [2.0 * torch.sigmoid(e(z)) for e in self.excite]  # 2 sigma(W_m Z)
        self.last_excitation = tuple(g.detach() for g in gates)
        return [x * g.unsqueeze(2) for x, g in zip(xs, gates, strict=True)]


class ChannelExchange(nn.Module):
    r"""Channel exchanging (Wang et al. 2020): a channel whose batch-norm scale is small takes the other modality's.

    Each stream is batch-normalised with its own scales :math:`\gamma_m`
    and shifts :math:`\beta_m`; then, channel by channel,

    .. math::

        A'_c = \begin{cases} \operatorname{BN}_B(B)_c & |\gamma_{A,c}| < \theta \\
                             \operatorname{BN}_A(A)_c & \text{otherwise,} \end{cases}

    and symmetrically for :math:`B`. An :math:`\ell_1` penalty on the scales
    (:meth:`sparsity`) drives unimportant channels' :math:`\gamma` toward 0,
    and those channels are then filled with the other modality's response:
    fusion without extra parameters. As in the paper, each modality's penalty
    covers a disjoint half of the channels, so the two never swap the same
    channel. Both streams need the same number of channels and length.

    Parameters
    ----------
    channels : int
        :math:`C` of both streams.
    threshold : float, default=0.02
        :math:`\theta`.

    Attributes
    ----------
    norms : torch.nn.ModuleList
        One ``BatchNorm1d`` per modality (:math:`\gamma_m` = ``norms[m].weight``).
    last_exchanged : torch.Tensor or None
        Boolean ``(2, C)``: which channels of each modality were replaced in the last call.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive int or ``threshold`` is negative; on inputs
        that are not two ``(batch, C, L)`` tensors of the same shape.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import ChannelExchange
    >>> cen = ChannelExchange(4)
    >>> with torch.no_grad():
    ...     _ = cen.norms[0].weight.copy_(torch.tensor([1.0, 0.0, 1.0, 1.0]))
    >>> a, b = cen([torch.randn(3, 4, 5), torch.randn(3, 4, 5)])
    >>> cen.last_exchanged.int().tolist()
    [[0, 1, 0, 0], [0, 0, 0, 0]]
    """

    def __init__(self, channels: int, *, threshold: float = 0.02) -> None:
        super().__init__()
        self.channels = check_positive_int(channels, "channels")
        self.threshold = check_scalar(threshold, "threshold", min_val=0)
        self.norms = nn.ModuleList(nn.BatchNorm1d(channels) for _ in range(2))
        self.last_exchanged: torch.Tensor | None = None

    def forward(self, xs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """Normalise both streams and exchange the channels whose scale is below the threshold.

        Raises
        ------
        ValueError
            If the two streams do not have the same shape.
        """
        xs = _check_maps(xs, (self.channels, self.channels), "xs")
        if xs[0].shape != xs[1].shape:
            raise ValueError(
                f"ChannelExchange needs streams of the same shape; got {tuple(xs[0].shape)} and {tuple(xs[1].shape)}."
            )
        a, b = (norm(x) for norm, x in zip(self.norms, xs, strict=True))
        swap = torch.stack([n.weight.detach().abs() < self.threshold for n in self.norms])  # |gamma_m,c| < theta
        self.last_exchanged = swap
        a_new = torch.where(swap[0][None, :, None], b, a)
        b_new = torch.where(swap[1][None, :, None], a, b)
        return [a_new, b_new]

    def sparsity(self) -> torch.Tensor:
        r"""The :math:`\ell_1` penalty :math:`\sum_m \sum_{c \in \text{half}_m} |\gamma_{m,c}|` (add it to the loss)."""
        half = self.channels // 2
        return self.norms[0].weight[:half].abs().sum() + self.norms[1].weight[half:].abs().sum()


# --------------------------------------------------------------------------- #
# the (batch, d_i) attention fuse cell
# --------------------------------------------------------------------------- #
class AttentionFusion(Fusion):
    r"""Self-attention over one token per modality: the "attention fuse" cell of fusion architecture search.

    Each modality vector is projected to a token, :math:`t_i = W_i x_i + c_i`,
    the :math:`M` tokens attend to each other, and the output is their mean:

    .. math::

        T' = T + \operatorname{MHA}(T, T), \qquad z = \tfrac{1}{M} \sum_i T'_i .

    The attention weights :math:`\operatorname{softmax}(t_i^\top W_Q^\top W_K t_j / \sqrt{d})`
    multiply modalities with each other, so unlike concatenation or addition
    the cell can represent cross-modal products (e.g. a synergy label).

    Parameters
    ----------
    in_dims : sequence of int
        :math:`d_i` per modality (two or more).
    out_dim : int
        Token size and output size :math:`d`.
    n_heads : int, default=1

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; ``n_heads`` must divide ``out_dim``.

    References
    ----------
    Xu, Z., So, D. R. and Dai, A. M. MUFASA: multimodal fusion architecture
    search for electronic health records. AAAI 2021.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import AttentionFusion
    >>> AttentionFusion([3, 5], 4)([torch.randn(2, 3), torch.randn(2, 5)]).shape
    torch.Size([2, 4])
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, n_heads: int = 1) -> None:
        super().__init__(in_dims, out_dim)
        self._check_n_params(
            sum((d + 1) * self.out_dim for d in self.in_dims) + 4 * self.out_dim**2,
            "sum_i (d_i + 1) out_dim + 4 out_dim^2",
        )
        self.tokens = nn.ModuleList(nn.Linear(d, self.out_dim) for d in self.in_dims)  # W_i, c_i
        self.attn = MultiHeadAttention(self.out_dim, n_heads)

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        t = torch.stack([w(x) for w, x in zip(self.tokens, xs, strict=True)], dim=1)  # T, (batch, M, d)
        return (t + self.attn(t)).mean(dim=1)


register_fusion("self_attention", AttentionFusion)


# --------------------------------------------------------------------------- #
# a whole model over token sequences
# --------------------------------------------------------------------------- #
class SequenceFusionClassifier(nn.Module):
    r"""Token projections per modality, an intermediate fusion operator, mean pooling and a linear head.

    For inputs :math:`X_m \in \mathbb R^{L_m \times d_m}` the model projects
    every token, :math:`H_m = X_m W_m` (size ``dim``), applies one
    intermediate fusion (``fusion``), mean-pools each stream over its tokens
    (or the latents) and maps the concatenated pooled vectors to logits:

    - ``"late"``: one self-attention block per modality, no exchange (the
      baseline: modalities meet only in the linear head);
    - ``"mmtm"``, ``"exchange"``: a 1-D convolution per stream, then
      :class:`MMTM` or :class:`ChannelExchange` between the streams, then a
      second convolution;
    - ``"bottleneck"``, ``"perceiver"``, ``"joint"``: :class:`BottleneckFusion`,
      :class:`PerceiverFusion`, :class:`JointAttentionFusion`.

    Parameters
    ----------
    in_dims : sequence of int
        Token size :math:`d_m` of each of the two modalities.
    n_classes : int
    fusion : str, default="bottleneck"
        One of :data:`SEQUENCE_FUSIONS`.
    dim : int, default=16
    n_heads : int, default=2
    **options
        Passed to the fusion operator (``n_bottleneck=``, ``n_latents=``,
        ``window=``, ``ratio=``, ``threshold=``).

    Raises
    ------
    TypeError, ValueError
        On bad sizes or an unknown ``fusion``; on inputs that are not two
        ``(batch, L_m, d_m)`` tensors.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import SequenceFusionClassifier
    >>> net = SequenceFusionClassifier([3, 5], 2, fusion="perceiver", dim=8)
    >>> net([torch.randn(4, 6, 3), torch.randn(4, 9, 5)]).shape
    torch.Size([4, 2])
    """

    def __init__(
        self,
        in_dims: Sequence[int],
        n_classes: int,
        *,
        fusion: str = "bottleneck",
        dim: int = 16,
        n_heads: int = 2,
        **options: Any,
    ) -> None:
        super().__init__()
        self.in_dims = _check_pair_of_ints(in_dims, "in_dims")
        n_classes = check_positive_int(n_classes, "n_classes")
        self.fusion_kind = check_choice(fusion, "fusion", SEQUENCE_FUSIONS)
        self.dim = check_positive_int(dim, "dim")
        self.proj = nn.ModuleList(nn.Linear(d, dim) for d in self.in_dims)  # W_m
        if fusion == "late":
            self.streams = nn.ModuleList(TransformerBlock(dim, n_heads) for _ in range(2))
        elif fusion in ("mmtm", "exchange"):
            self.conv_in = nn.ModuleList(nn.Conv1d(dim, dim, 3, padding=1) for _ in range(2))
            self.conv_out = nn.ModuleList(nn.Conv1d(dim, dim, 3, padding=1) for _ in range(2))
            self.fusion = MMTM([dim, dim], **options) if fusion == "mmtm" else ChannelExchange(dim, **options)
        elif fusion == "bottleneck":
            options.setdefault("n_layers", 2)  # one layer would leave the tokens blind to the other modality
            self.fusion = BottleneckFusion(dim, n_heads=n_heads, **options)
        elif fusion == "perceiver":
            self.fusion = PerceiverFusion(dim, n_heads=n_heads, **options)
        else:
            self.fusion = JointAttentionFusion(dim, n_heads=n_heads, **options)
        self.head = nn.Linear(dim if fusion == "perceiver" else 2 * dim, n_classes)

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = _check_tokens(xs, None, "xs", n_modalities=2, dims=self.in_dims)
        h = [p(x) for p, x in zip(self.proj, xs, strict=True)]
        kind = self.fusion_kind
        if kind == "late":
            pooled = [s(x).mean(dim=1) for s, x in zip(self.streams, h, strict=True)]
        elif kind in ("mmtm", "exchange"):
            maps = [F.relu(c(x.transpose(1, 2))) for c, x in zip(self.conv_in, h, strict=True)]  # (b, C, L)
            maps = self.fusion(maps)
            pooled = [F.relu(c(m)).mean(dim=2) for c, m in zip(self.conv_out, maps, strict=True)]
        elif kind == "perceiver":
            return self.head(self.fusion(h).mean(dim=1))
        else:
            pooled = [x.mean(dim=1) for x in self.fusion(h)]
        return self.head(torch.cat(pooled, dim=1))

    def penalty(self) -> torch.Tensor:
        """The channel-exchange sparsity penalty (0 for the other fusions); add ``lambda * penalty()`` to the loss."""
        if self.fusion_kind == "exchange":
            return self.fusion.sparsity()
        return self.head.weight.new_zeros(())


# --------------------------------------------------------------------------- #
# validation helpers
# --------------------------------------------------------------------------- #
def _check_tokens(
    xs: Any, dim: int | None, name: str, *, n_modalities: int | None = None, dims: Sequence[int] | None = None
) -> list[torch.Tensor]:
    """A list of ``(batch, L_i, d_i)`` floating tensors with one batch size (and token size ``dim``)."""
    if isinstance(xs, torch.Tensor):
        xs = [xs] if name == "attention inputs" else xs
    if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or not xs:
        raise TypeError(
            f"{name} must be a non-empty list with one (batch, length, dim) tensor per modality; "
            f"got {type(xs).__name__}."
        )
    xs = list(xs)
    if n_modalities is not None and len(xs) != n_modalities:
        raise ValueError(f"{name} must hold {n_modalities} modalities; got {len(xs)}.")
    for i, x in enumerate(xs):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name}[{i}] must be a torch.Tensor; got {type(x).__name__}.")
        if x.ndim != 3:
            raise ValueError(f"{name}[{i}] must have shape (batch, length, dim); got shape {tuple(x.shape)}.")
        if not x.is_floating_point():
            raise TypeError(f"{name}[{i}] must be floating point; got dtype {x.dtype}. Convert it with x.float().")
        want = dim if dims is None else dims[i]
        if want is not None and x.shape[2] != want:
            raise ValueError(f"{name}[{i}] must have tokens of size {want}; got shape {tuple(x.shape)}.")
    if len({x.shape[0] for x in xs}) > 1:
        raise ValueError(
            f"all modalities in {name} must have the same batch size (paired samples); got {[x.shape[0] for x in xs]}."
        )
    return xs


def _check_maps(xs: Any, channels: Sequence[int], name: str) -> list[torch.Tensor]:
    """Two ``(batch, C_i, L_i)`` floating tensors with the given channel counts and one batch size."""
    if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or len(xs) != len(channels):
        raise TypeError(
            f"{name} must be a list of {len(channels)} (batch, channels, length) tensors; got {type(xs).__name__}."
        )
    for i, (x, c) in enumerate(zip(xs, channels, strict=True)):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name}[{i}] must be a torch.Tensor; got {type(x).__name__}.")
        if x.ndim != 3 or x.shape[1] != c:
            raise ValueError(f"{name}[{i}] must have shape (batch, {c}, length); got {tuple(x.shape)}.")
        if not x.is_floating_point():
            raise TypeError(f"{name}[{i}] must be floating point; got dtype {x.dtype}.")
    if len({x.shape[0] for x in xs}) > 1:
        raise ValueError(f"all streams in {name} must have the same batch size; got {[x.shape[0] for x in xs]}.")
    return list(xs)


def _check_pair_of_ints(values: Any, name: str) -> tuple[int, int]:
    if isinstance(values, (str, bytes, torch.Tensor)) or not isinstance(values, Sequence) or len(values) != 2:
        raise TypeError(f"{name} must be a pair of ints, one per modality, e.g. [16, 16]; got {values!r}.")
    return tuple(check_positive_int(v, f"{name}[{i}]") for i, v in enumerate(values))  # type: ignore[return-value]
