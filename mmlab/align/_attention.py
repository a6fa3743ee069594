r"""Directional cross-modal attention (MulT style) and the models of the audio-text alignment task.

A *directional* cross-modal attention block lets every element of a target
modality (here, each written digit) look for the elements of a source
modality (here, the speech frames) that help to contextualise it, and adds
what it finds to its own representation (a residual connection):

.. math::

    \operatorname{CM}_{\beta \to \alpha}(Z_\alpha, Z_\beta) = Z_\alpha + \operatorname{softmax}\!\Big(
    \frac{(Z_\alpha W_Q)(Z_\beta W_K)^\top}{\sqrt{d}}\Big) Z_\beta W_V W_O .

No alignment is given: the attention weights :math:`A = \operatorname{softmax}(\cdot)`
*are* a soft alignment, learnt from the task alone, and can be compared with
the true one.

- :class:`CrossModalAttention`: the block (any number of heads, key padding mask);
- :class:`AudioTextAligner`: digits attend to speech frames, then a per-digit read-out;
- :class:`LateFusionAligner`: the late-fusion baseline (speech pooled to one vector);
- :func:`fit_aligner`, :func:`token_accuracy`, :func:`attention_hits`: training and evaluation.

Used by: ``lectures/2_alignment/05_cross_modal_attention_and_graphs.ipynb`` and the alignment lab.

References
----------
Tsai, Y.-H. H., Bai, S., Liang, P. P., Kolter, J. Z., Morency, L.-P. and
Salakhutdinov, R. Multimodal transformer for unaligned multimodal language
sequences. ACL 2019.
Vaswani, A. et al. Attention is all you need. NeurIPS 2017.
Lu, J., Batra, D., Parikh, D. and Lee, S. ViLBERT: pretraining task-agnostic
visiolinguistic representations for vision-and-language tasks. NeurIPS 2019.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int
from mmlab.align._encoders import FrameEncoder, length_mask

__all__ = [
    "AudioTextAligner",
    "CrossModalAttention",
    "LateFusionAligner",
    "attention_hits",
    "fit_aligner",
    "token_accuracy",
]


class CrossModalAttention(nn.Module):
    r"""Directional cross-modal attention with a residual connection: a target sequence attends to a source.

    For :math:`h` heads of size :math:`d_h = d / h`,

    .. math::

        A^{(k)} = \operatorname{softmax}\!\Big(\frac{Q^{(k)} K^{(k)\top}}{\sqrt{d_h}} + M\Big), \quad
        Q = Z_\alpha W_Q,\; K = Z_\beta W_K,\; V = Z_\beta W_V, \qquad
        \operatorname{out} = Z_\alpha + [A^{(1)} V^{(1)}, \dots, A^{(h)} V^{(h)}]\, W_O,

    where :math:`M` is :math:`-\infty` on padded source positions. Without the
    residual the output is only what the source offers; with it, the target
    keeps its own representation and adds the attended context.

    Parameters
    ----------
    dim : int
        :math:`d`, the width of the target sequence and of the output.
    source_dim : int, optional
        Width of the source sequence (default ``dim``).
    n_heads : int, default=1
        :math:`h`; must divide ``dim``.
    residual : bool, default=True
        Add the target to the attended context.

    Raises
    ------
    ValueError
        If ``n_heads`` does not divide ``dim`` (from the constructor), or
        :meth:`forward` gets inputs of the wrong shape.

    Attributes
    ----------
    last_weights : torch.Tensor or None
        ``(batch, n_heads, n_target, n_source)``: the attention weights of the last call.

    Examples
    --------
    >>> block = CrossModalAttention(8, source_dim=6, n_heads=2)
    >>> out, w = block(torch.randn(3, 4, 8), torch.randn(3, 10, 6))
    >>> out.shape, w.shape
    (torch.Size([3, 4, 8]), torch.Size([3, 2, 4, 10]))
    """

    def __init__(self, dim: int, source_dim: int | None = None, *, n_heads: int = 1, residual: bool = True) -> None:
        super().__init__()
        dim = check_positive_int(dim, "dim")
        source_dim = dim if source_dim is None else check_positive_int(source_dim, "source_dim")
        n_heads = check_positive_int(n_heads, "n_heads")
        if dim % n_heads:
            raise ValueError(f"n_heads must divide dim; got dim={dim}, n_heads={n_heads}.")
        self.dim, self.source_dim, self.n_heads, self.residual = dim, source_dim, n_heads, bool(residual)
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(source_dim, dim)
        self.value = nn.Linear(source_dim, dim)
        self.out = nn.Linear(dim, dim)
        self.last_weights: torch.Tensor | None = None

    def forward(
        self, target: torch.Tensor, source: torch.Tensor, source_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend from ``target`` to ``source``.

        Parameters
        ----------
        target : torch.Tensor of shape (batch, n, dim)
        source : torch.Tensor of shape (batch, m, source_dim)
        source_mask : torch.Tensor of bool, shape (batch, m), optional
            True on real source positions, False on padding.

        Returns
        -------
        output : torch.Tensor of shape (batch, n, dim)
        weights : torch.Tensor of shape (batch, n_heads, n, m)

        Raises
        ------
        ValueError
            If a shape does not match.
        """
        if target.ndim != 3 or target.shape[-1] != self.dim:
            raise ValueError(f"target must have shape (batch, n, {self.dim}); got {tuple(target.shape)}.")
        if source.ndim != 3 or source.shape[-1] != self.source_dim or source.shape[0] != target.shape[0]:
            raise ValueError(
                f"source must have shape ({target.shape[0]}, m, {self.source_dim}); got {tuple(source.shape)}."
            )
        b, n, _ = target.shape
        m, h = source.shape[1], self.n_heads
        q = self.query(target).view(b, n, h, -1).transpose(1, 2)  # (b, h, n, d_h)
        k = self.key(source).view(b, m, h, -1).transpose(1, 2)  # (b, h, m, d_h)
        v = self.value(source).view(b, m, h, -1).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / (q.shape[-1] ** 0.5)  # Q K^T / sqrt(d_h)
        if source_mask is not None:
            if source_mask.shape != (b, m):
                raise ValueError(f"source_mask must have shape ({b}, {m}); got {tuple(source_mask.shape)}.")
            scores = scores.masked_fill(~source_mask[:, None, None, :].bool(), float("-inf"))
        weights = scores.softmax(-1)  # A
        context = (weights @ v).transpose(1, 2).reshape(b, n, self.dim)
        out = self.out(context)
        self.last_weights = weights.detach()
        return (target + out if self.residual else out), weights


class AudioTextAligner(nn.Module):
    r"""Written digits attend to speech frames (cross-modal attention), then one logit per digit.

    .. math::

        Z_{\text{txt}} = E[\text{digits}], \quad Z_{\text{aud}} = \text{FrameEncoder}(x), \quad
        \hat y_k = \text{MLP}\big(\operatorname{CM}_{\text{aud} \to \text{txt}}(Z_{\text{txt}}, Z_{\text{aud}})_k\big).

    Parameters
    ----------
    n_in : int
        Features per speech frame.
    n_tokens : int, default=10
        Size of the written vocabulary (padding uses the extra index ``n_tokens``).
    hidden : int, default=64
    n_heads : int, default=1
    residual : bool, default=True

    Examples
    --------
    >>> model = AudioTextAligner(20, hidden=8)
    >>> x, n, tok = torch.randn(2, 30, 20), torch.tensor([30, 20]), torch.tensor([[3, 1, 10], [2, 5, 7]])
    >>> model([x, n, tok]).shape
    torch.Size([2, 3])
    """

    def __init__(
        self, n_in: int, n_tokens: int = 10, hidden: int = 64, *, n_heads: int = 1, residual: bool = True
    ) -> None:
        super().__init__()
        self.n_tokens = check_positive_int(n_tokens, "n_tokens")
        self.embed = nn.Embedding(self.n_tokens + 1, hidden)
        self.encoder = FrameEncoder(n_in, hidden)
        self.attention = CrossModalAttention(hidden, n_heads=n_heads, residual=residual)
        self.head = nn.Sequential(nn.LayerNorm(hidden), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, inputs: Any) -> torch.Tensor:
        """``[frames (b, T, n_in), lengths (b,), tokens (b, K)]`` -> logits ``(b, K)`` (tokens padded with -1)."""
        frames, lengths, tokens = inputs
        frames = frames[:, : int(lengths.max())]
        z_aud = self.encoder(frames)
        z_txt = self.embed(_pad_index(tokens, self.n_tokens))
        z, _ = self.attention(z_txt, z_aud, length_mask(lengths, frames.shape[1]))
        return self.head(z).squeeze(-1)

    @property
    def last_attention(self) -> torch.Tensor | None:
        """``(batch, K, T)``: attention weights of the last call, averaged over heads."""
        w = self.attention.last_weights
        return None if w is None else w.mean(1)


class LateFusionAligner(nn.Module):
    r"""Late fusion baseline: the speech is pooled to one vector before it meets each written digit.

    .. math::

        \bar z = \frac{1}{T} \sum_t \text{FrameEncoder}(x)_t, \qquad
        \hat y_k = \text{MLP}([E[\text{digit}_k]; \bar z]).

    The same encoder and read-out size as :class:`AudioTextAligner`, but no
    element of one modality ever meets an element of the other: only their
    summaries do.

    Parameters
    ----------
    n_in : int
    n_tokens : int, default=10
    hidden : int, default=64
    """

    def __init__(self, n_in: int, n_tokens: int = 10, hidden: int = 64) -> None:
        super().__init__()
        self.n_tokens = check_positive_int(n_tokens, "n_tokens")
        self.embed = nn.Embedding(self.n_tokens + 1, hidden)
        self.encoder = FrameEncoder(n_in, hidden)
        self.head = nn.Sequential(
            nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1)
        )

    def forward(self, inputs: Any) -> torch.Tensor:
        """``[frames, lengths, tokens]`` -> logits ``(b, K)``."""
        frames, lengths, tokens = inputs
        frames = frames[:, : int(lengths.max())]
        mask = length_mask(lengths, frames.shape[1]).to(frames.dtype)[..., None]
        pooled = (self.encoder(frames) * mask).sum(1) / mask.sum(1)  # mean over the valid frames
        z_txt = self.embed(_pad_index(tokens, self.n_tokens))
        both = torch.cat([z_txt, pooled[:, None, :].expand_as(z_txt)], dim=-1)
        return self.head(both).squeeze(-1)


def fit_aligner(
    model: nn.Module,
    frames: torch.Tensor,
    lengths: torch.Tensor,
    tokens: torch.Tensor,
    targets: torch.Tensor,
    *,
    epochs: int,
    batch_size: int = 16,
    lr: float = 3e-3,
    random_state: RandomState = 0,
    progress: bool = False,
    device: Any = None,
) -> Any:
    """Train a per-token binary classifier (:class:`AudioTextAligner` or :class:`LateFusionAligner`).

    The loss is the binary cross-entropy of each real token's logit, padded
    tokens (-1) ignored; training runs through :func:`mmlab.train.fit`.

    Parameters
    ----------
    model : nn.Module
        Called as ``model([frames, lengths, tokens])`` -> ``(n, K)`` logits.
    frames : torch.Tensor of shape (n, T, n_in)
    lengths : torch.Tensor of int64, shape (n,)
    tokens : torch.Tensor of int64, shape (n, K)
        Padded with -1.
    targets : torch.Tensor of shape (n, K)
        0/1 per token (anything on padding).
    epochs, batch_size, lr, random_state, progress, device
        As :func:`mmlab.train.fit`.

    Returns
    -------
    mmlab.train.History

    Raises
    ------
    TypeError
        If an input is not a tensor.
    ValueError
        On mismatched shapes.
    """
    from mmlab.train import fit

    for name, t in (("frames", frames), ("lengths", lengths), ("tokens", tokens), ("targets", targets)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor; got {type(t).__name__}.")
    if (
        frames.ndim != 3
        or tokens.ndim != 2
        or targets.shape != tokens.shape
        or not frames.shape[0] == lengths.shape[0] == tokens.shape[0]
    ):
        raise ValueError(
            f"expected frames (n, T, d), lengths (n,), tokens (n, K) and targets (n, K); got "
            f"{tuple(frames.shape)}, {tuple(lengths.shape)}, {tuple(tokens.shape)}, "
            f"{tuple(targets.shape)}."
        )
    packed = torch.stack([targets.float(), (tokens >= 0).float()], dim=-1)  # (n, K, 2): target, real token
    return fit(
        model,
        [frames, lengths.long(), tokens.long()],
        packed,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        loss=_token_bce,
        metrics={"accuracy": _token_acc},
        random_state=random_state,
        progress=progress,
        device=device,
    )


def _token_bce(logits: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
    real = packed[..., 1] > 0
    return nn.functional.binary_cross_entropy_with_logits(logits[real], packed[..., 0][real])


def _token_acc(logits: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
    real = packed[..., 1] > 0
    return ((logits[real] > 0).float() == packed[..., 0][real]).float().mean()


@torch.no_grad()
def token_accuracy(
    model: nn.Module, frames: torch.Tensor, lengths: torch.Tensor, tokens: torch.Tensor, targets: torch.Tensor
) -> float:
    """Share of real tokens (not -1) whose logit has the sign of its 0/1 target, in evaluation mode."""
    was = model.training
    model.eval()
    try:
        logits = model([frames, lengths, tokens])
    finally:
        model.train(was)
    real = tokens >= 0
    return float(((logits[real] > 0).float() == targets[real].float()).float().mean())


def attention_hits(weights: Any, segments: Any, *, tolerance: int = 0) -> np.ndarray:
    """For each (sequence, token): does the token's attention peak fall inside its true segment?

    Parameters
    ----------
    weights : array-like or torch.Tensor of shape (n, K, T)
        Attention of every token over the frames (e.g. ``model.last_attention``).
    segments : sequence of array-like
        Per sequence, ``(K_i, 2)`` first and one-past-last frame of each real token's segment.
    tolerance : int, default=0
        Frames of slack on either side of the segment.

    Returns
    -------
    ndarray of bool
        One entry per real token, in order.

    Raises
    ------
    ValueError
        If ``weights`` is not 3-d or has fewer tokens than a sequence's segments.

    Examples
    --------
    >>> w = torch.tensor([[[0.1, 0.8, 0.1, 0.0], [0.0, 0.1, 0.1, 0.8]]])
    >>> attention_hits(w, [np.array([[1, 2], [2, 3]])]).tolist()
    [True, False]
    """
    w = weights.detach().cpu().numpy() if isinstance(weights, torch.Tensor) else np.asarray(weights)
    if w.ndim != 3:
        raise ValueError(f"weights must have shape (n, K, T); got {w.shape}.")
    peaks = w.argmax(-1)
    out = []
    for i, seg in enumerate(segments):
        seg = np.asarray(seg)
        if len(seg) > w.shape[1]:
            raise ValueError(f"sequence {i} has {len(seg)} segments but the weights hold {w.shape[1]} tokens.")
        for k, (start, stop) in enumerate(seg):
            out.append(start - tolerance <= peaks[i, k] < stop + tolerance)
    return np.array(out, dtype=bool)


def _pad_index(tokens: torch.Tensor, pad: int) -> torch.Tensor:
    return torch.where(tokens >= 0, tokens, torch.full_like(tokens, pad))
