"""A small convolutional encoder of frame sequences, shared by the CTC, masked-prediction and attention models.

The encoder maps a batch of zero-padded frame sequences ``(batch, T, n_in)``
to one vector per frame ``(batch, T, hidden)`` with three 1-d convolutions of
growing dilation (receptive field 29 frames, about 0.7 s at 40 frames per
second), each followed by batch normalisation and a ReLU. Batch
normalisation also standardises the input, so raw log-mel frames can be fed
as they are; it matters for CTC, whose training otherwise stalls for many
epochs at "always blank".

Used by: :class:`~mmlab.align.CTCRecognizer`, :class:`~mmlab.align.MaskedFramePredictor`,
:class:`~mmlab.align.AudioTextAligner`, :class:`~mmlab.align.LateFusionAligner`.

References
----------
Ioffe, S. and Szegedy, C. Batch normalization: accelerating deep network
training by reducing internal covariate shift. ICML 2015.
van den Oord, A. et al. WaveNet: a generative model for raw audio. arXiv:1609.03499, 2016 (dilated convolutions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import check_positive_int

__all__ = ["FrameEncoder", "length_mask", "pad_sequences", "segment_features"]


class FrameEncoder(nn.Module):
    r"""Dilated 1-d convolutions over time: frames ``(batch, T, n_in)`` -> features ``(batch, T, hidden)``.

    .. math::

        h^{(0)} = \operatorname{BN}(x), \qquad
        h^{(l)} = \operatorname{ReLU}\big(\operatorname{BN}(w^{(l)} *_{2^{l-1}} h^{(l-1)})\big), \quad l = 1, \dots, L,

    where :math:`*_r` is a convolution over time with kernel size
    ``kernel`` and dilation :math:`r`, padded so that the output has as
    many frames as the input.

    Parameters
    ----------
    n_in : int
        Features per input frame (e.g. 20 mel bands).
    hidden : int, default=64
        Features per output frame.
    n_layers : int, default=3
        :math:`L`; the receptive field is :math:`1 + (k - 1)(2^L - 1)` frames.
    kernel : int, default=5
        Odd kernel size :math:`k`.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer or ``kernel`` is even.

    Examples
    --------
    >>> enc = FrameEncoder(20, 8)
    >>> enc(torch.randn(2, 30, 20)).shape
    torch.Size([2, 30, 8])
    """

    def __init__(self, n_in: int, hidden: int = 64, *, n_layers: int = 3, kernel: int = 5) -> None:
        super().__init__()
        n_in = check_positive_int(n_in, "n_in")
        hidden = check_positive_int(hidden, "hidden")
        n_layers = check_positive_int(n_layers, "n_layers")
        kernel = check_positive_int(kernel, "kernel")
        if kernel % 2 == 0:
            raise ValueError(f"kernel must be odd (so that every frame keeps its place); got {kernel}.")
        self.n_in, self.hidden = n_in, hidden
        layers: list[nn.Module] = [nn.BatchNorm1d(n_in)]
        width = n_in
        for layer in range(n_layers):
            dilation = 2**layer
            layers += [
                nn.Conv1d(width, hidden, kernel, padding=dilation * (kernel - 1) // 2, dilation=dilation),
                nn.BatchNorm1d(hidden),
                nn.ReLU(),
            ]
            width = hidden
        self.net = nn.Sequential(*layers)
        self.receptive_field = 1 + (kernel - 1) * (2**n_layers - 1)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """``(batch, T, n_in)`` -> ``(batch, T, hidden)``.

        Raises
        ------
        ValueError
            If ``frames`` is not ``(batch, T, n_in)``.
        """
        if frames.ndim != 3 or frames.shape[-1] != self.n_in:
            raise ValueError(f"frames must have shape (batch, T, {self.n_in}); got {tuple(frames.shape)}.")
        return self.net(frames.transpose(1, 2)).transpose(1, 2)


def pad_sequences(
    sequences: Sequence[Any], *, fill: float = 0.0, dtype: Any = None, device: Any = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack variable-length sequences into one padded tensor and their lengths.

    Parameters
    ----------
    sequences : sequence of array-like
        Each of shape ``(T_i, ...)`` with the same trailing shape.
    fill : float, default=0.0
        Value after each sequence's end.
    dtype : torch.dtype, optional
        Default: float32 for floating inputs, int64 for integer inputs.
    device : torch.device or str, optional

    Returns
    -------
    padded : torch.Tensor of shape (n, T_max, ...)
    lengths : torch.Tensor of int64, shape (n,)

    Raises
    ------
    ValueError
        If ``sequences`` is empty or the trailing shapes differ.

    Examples
    --------
    >>> x, n = pad_sequences([np.ones((2, 3)), np.ones((1, 3))])
    >>> tuple(x.shape), n.tolist(), x[1, 1].tolist()
    ((2, 2, 3), [2, 1], [0.0, 0.0, 0.0])
    """
    arrays = [np.asarray(s.detach().cpu() if hasattr(s, "detach") else s) for s in sequences]
    if not arrays:
        raise ValueError("sequences must hold at least one sequence; got an empty list.")
    tails = {a.shape[1:] for a in arrays}
    if len(tails) > 1 or any(a.ndim == 0 for a in arrays):
        raise ValueError(f"sequences must share their trailing shape (T_i, ...); got shapes {sorted(tails)}.")
    if dtype is None:
        dtype = torch.int64 if all(np.issubdtype(a.dtype, np.integer) for a in arrays) else torch.float32
    lengths = torch.tensor([len(a) for a in arrays], dtype=torch.int64)
    out = torch.full((len(arrays), int(lengths.max()), *arrays[0].shape[1:]), fill, dtype=dtype)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = torch.as_tensor(a, dtype=dtype)
    return out.to(device), lengths.to(device)


def length_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """Boolean ``(n, T)`` mask, True on the first ``lengths[i]`` positions of row ``i``.

    Examples
    --------
    >>> length_mask(torch.tensor([1, 3])).tolist()
    [[True, False, False], [True, True, True]]
    """
    t = int(lengths.max()) if max_len is None else int(max_len)
    return torch.arange(t, device=lengths.device)[None, :] < lengths[:, None]


def segment_features(frames: Any, segments: Any) -> np.ndarray:
    r"""One fixed-size vector per segment of a frame sequence: the mean and standard deviation of its frames.

    .. math:: s_k = \big[\operatorname{mean}_{t \in [a_k, b_k)} x_t;\ \operatorname{std}_{t \in [a_k, b_k)} x_t\big]

    Parameters
    ----------
    frames : array-like of shape (T, d)
    segments : array-like of int, shape (K, 2)
        First and one-past-last frame of each segment, ``0 <= a_k < b_k <= T``.

    Returns
    -------
    ndarray of float32, shape (K, 2 d)

    Raises
    ------
    ValueError
        If ``frames`` is not 2-d or a segment is empty or outside the sequence.

    Examples
    --------
    >>> segment_features(np.array([[0.0], [2.0], [4.0]]), [[0, 2], [2, 3]]).tolist()
    [[1.0, 1.0], [4.0, 0.0]]
    """
    x = np.asarray(frames.detach().cpu() if hasattr(frames, "detach") else frames, dtype=np.float64)
    seg = np.asarray(segments)
    if x.ndim != 2:
        raise ValueError(f"frames must have shape (T, d); got {x.shape}.")
    if (
        seg.ndim != 2
        or seg.shape[1] != 2
        or np.any(seg[:, 0] < 0)
        or np.any(seg[:, 1] > len(x))
        or np.any(seg[:, 1] <= seg[:, 0])
    ):
        raise ValueError(f"segments must be (K, 2) pairs 0 <= start < stop <= {len(x)}; got {seg.tolist()}.")
    out = [np.concatenate([x[a:b].mean(0), x[a:b].std(0)]) for a, b in seg]
    return np.stack(out).astype(np.float32)
