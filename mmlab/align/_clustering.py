r"""Clustering targets for self-supervised frame representations (the idea of HuBERT).

Speech has no given segmentation into units, but frames that sound alike can
be grouped: k-means on the frames gives every frame a discrete *pseudo-label*
(a "hidden unit"). A model then sees the sequence with random spans masked
out and learns to predict the pseudo-labels of the masked frames from their
context. To do so it must learn what the units are and how they follow each
other, which makes its frame representations useful for tasks it never saw,
such as telling which digit is being spoken (measured with a linear probe).

- :func:`kmeans_targets`: pseudo-labels from scikit-learn's k-means;
- :func:`span_mask`: random spans to hide;
- :class:`MaskedFramePredictor` and :func:`fit_masked_prediction`: the
  masked-prediction model (a :class:`FrameEncoder` and a read-out);
- :func:`linear_probe`: how well a linear classifier reads a label off features.

Used by: ``lectures/2_alignment/04_clustering_targets.ipynb``.

References
----------
Hsu, W.-N., Bolte, B., Tsai, Y.-H. H., Lakhotia, K., Salakhutdinov, R. and
Mohamed, A. HuBERT: self-supervised speech representation learning by masked
prediction of hidden units. IEEE/ACM TASLP 29, 2021.
Alain, G. and Bengio, Y. Understanding intermediate layers using linear
classifier probes. ICLR workshop, 2017.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import (
    RandomState,
    check_array,
    check_fraction,
    check_positive_int,
    check_random_state,
    seed_from_random_state,
)
from mmlab.align._encoders import FrameEncoder, length_mask

__all__ = ["MaskedFramePredictor", "fit_masked_prediction", "kmeans_targets", "linear_probe", "span_mask"]


def kmeans_targets(
    frames: Sequence[Any], n_clusters: int, *, max_samples: int = 8000, random_state: RandomState = 0
) -> tuple[tuple[np.ndarray, ...], Any]:
    r"""Cluster all frames with k-means and return each sequence's cluster ids (pseudo-labels).

    .. math:: z_t = \arg\min_k \lVert \tilde x_t - \mu_k \rVert_2, \qquad \tilde x_t = (x_t - m) / s,

    with :math:`m, s` the per-feature mean and standard deviation of all
    frames and :math:`\mu_k` the k-means centroids, fitted on at most
    ``max_samples`` frames drawn at random.

    Parameters
    ----------
    frames : sequence of array-like
        One ``(T_i, d)`` array per sequence.
    n_clusters : int
        :math:`K` (>= 2).
    max_samples : int, default=8000
        Frames used to fit the centroids (all frames are labelled).
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the subsample and k-means.

    Returns
    -------
    targets : tuple of ndarray
        int64 ``(T_i,)`` per sequence.
    model : sklearn.pipeline.Pipeline
        The fitted standardisation and k-means (``model.predict(frames)`` labels new frames).

    Raises
    ------
    ValueError
        If ``frames`` is empty, the sequences differ in ``d``, hold non-finite
        values, or there are fewer frames than clusters.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z, km = kmeans_targets([rng.normal(size=(30, 2)), rng.normal(size=(20, 2))], 3)
    >>> [len(v) for v in z], int(max(v.max() for v in z)) <= 2
    ([30, 20], True)
    """
    from sklearn.cluster import KMeans
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    arrays = [check_array(f, f"frames[{i}]", ndim=2, dtype=float) for i, f in enumerate(frames)]
    if not arrays:
        raise ValueError("frames must hold at least one sequence; got an empty list.")
    if len({a.shape[1] for a in arrays}) > 1:
        raise ValueError(
            f"every sequence must have the same number of features; got {sorted({a.shape[1] for a in arrays})}."
        )
    n_clusters = check_positive_int(n_clusters, "n_clusters", minimum=2)
    max_samples = check_positive_int(max_samples, "max_samples")
    rng = check_random_state(random_state)
    stacked = np.concatenate(arrays)
    if len(stacked) < n_clusters:
        raise ValueError(f"there are {len(stacked)} frames, fewer than n_clusters={n_clusters}.")
    rows = rng.choice(len(stacked), size=min(max_samples, len(stacked)), replace=False)
    model = make_pipeline(StandardScaler(), KMeans(n_clusters, n_init=1, random_state=int(rng.integers(2**31 - 1))))
    model.fit(stacked[rows])
    labels = model.predict(stacked).astype(np.int64)
    cuts = np.cumsum([len(a) for a in arrays])[:-1]
    return tuple(np.split(labels, cuts)), model


def span_mask(
    lengths: torch.Tensor, *, start_prob: float = 0.08, span: int = 5, generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""Random spans to mask: each valid frame starts a span of ``span`` frames with probability ``start_prob``.

    .. math:: m_t = 1 \iff \exists\, s \in \{t - \text{span} + 1, \dots, t\}: u_s < p, \quad u_s \sim U(0, 1),

    restricted to the valid frames (HuBERT uses :math:`p = 0.08` and spans of
    10 frames of 20 ms; about half of the frames end up masked).

    Parameters
    ----------
    lengths : torch.Tensor of int64, shape (n,)
    start_prob : float in [0, 1], default=0.08
    span : int, default=5
    generator : torch.Generator, optional
        Source of the random draws (on the CPU).

    Returns
    -------
    torch.Tensor of bool, shape (n, max(lengths))

    Examples
    --------
    >>> m = span_mask(torch.tensor([6, 3]), start_prob=1.0, span=2)
    >>> m.tolist()
    [[True, True, True, True, True, True], [True, True, True, False, False, False]]
    """
    start_prob = check_fraction(start_prob, "start_prob")
    span = check_positive_int(span, "span")
    valid = length_mask(lengths.cpu())
    starts = (torch.rand(valid.shape, generator=generator) < start_prob) & valid
    mask = starts.clone()
    for offset in range(1, min(span, starts.shape[1])):
        mask[:, offset:] |= starts[:, :-offset]
    return (mask & valid).to(lengths.device)


class MaskedFramePredictor(nn.Module):
    r"""Masked prediction of frame pseudo-labels: hide spans, predict their cluster ids from the context.

    .. math::

        \tilde x_t = \begin{cases} e_{\text{mask}} & m_t = 1 \\ x_t & m_t = 0 \end{cases}, \qquad
        h = \text{FrameEncoder}(\tilde x), \qquad p(z_t \mid \tilde x) = \operatorname{softmax}(W h_t + c),

    trained with the cross-entropy of the true pseudo-label :math:`z_t` on the
    masked frames only. :math:`e_{\text{mask}}` is a learned vector. In
    training mode :meth:`forward` draws a fresh :func:`span_mask` for every
    batch (from the module's own generator, seeded by ``random_state``) and
    keeps it in ``last_mask``; in evaluation mode nothing is masked.

    Parameters
    ----------
    n_in : int
        Features per frame.
    n_clusters : int
        Number of pseudo-label classes.
    hidden : int, default=64
    start_prob, span : float, int
        Of :func:`span_mask`.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the masks.

    Examples
    --------
    >>> model = MaskedFramePredictor(20, 8, hidden=8)
    >>> logits = model([torch.randn(2, 30, 20), torch.tensor([30, 12])])
    >>> logits.shape, model.last_mask.shape
    (torch.Size([2, 30, 8]), torch.Size([2, 30]))
    """

    def __init__(
        self,
        n_in: int,
        n_clusters: int,
        hidden: int = 64,
        *,
        start_prob: float = 0.08,
        span: int = 5,
        random_state: RandomState = 0,
    ) -> None:
        super().__init__()
        self.n_clusters = check_positive_int(n_clusters, "n_clusters", minimum=2)
        self.encoder = FrameEncoder(n_in, hidden)
        self.mask_embedding = nn.Parameter(torch.zeros(n_in))
        self.readout = nn.Linear(hidden, self.n_clusters)
        self.start_prob = check_fraction(start_prob, "start_prob")
        self.span = check_positive_int(span, "span")
        self._generator = torch.Generator().manual_seed(seed_from_random_state(random_state))
        self.last_mask: torch.Tensor | None = None

    def forward(self, inputs: Any) -> torch.Tensor:
        """``[frames, lengths]`` -> logits ``(batch, T_b, n_clusters)``; the mask used is kept in ``last_mask``."""
        frames, lengths = inputs[0], inputs[1]
        frames = frames[:, : int(lengths.max())]
        if self.training:
            mask = span_mask(lengths, start_prob=self.start_prob, span=self.span, generator=self._generator)
        else:
            mask = torch.zeros(frames.shape[:2], dtype=torch.bool, device=frames.device)
        self.last_mask = mask
        x = torch.where(mask[..., None], self.mask_embedding.to(frames.dtype), frames)
        return self.readout(self.encoder(x))

    @torch.no_grad()
    def represent(self, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Frame representations ``(batch, T_b, hidden)`` of unmasked input (evaluation mode)."""
        was = self.training
        self.eval()
        try:
            return self.encoder(frames[:, : int(lengths.max())])
        finally:
            self.train(was)


def fit_masked_prediction(
    model: MaskedFramePredictor,
    frames: torch.Tensor,
    lengths: torch.Tensor,
    targets: torch.Tensor,
    *,
    epochs: int,
    batch_size: int = 16,
    lr: float = 3e-3,
    random_state: RandomState = 0,
    progress: bool = False,
    device: Any = None,
) -> Any:
    """Train a :class:`MaskedFramePredictor` on pseudo-labels with :func:`mmlab.train.fit`.

    Parameters
    ----------
    model : MaskedFramePredictor
    frames : torch.Tensor of shape (n, T, n_in)
    lengths : torch.Tensor of int64, shape (n,)
    targets : torch.Tensor of int64, shape (n, T)
        Pseudo-labels per frame (e.g. from :func:`kmeans_targets`), -1 on padding.
    epochs, batch_size, lr, random_state, progress, device
        As :func:`mmlab.train.fit`.

    Returns
    -------
    mmlab.train.History
        Its ``metrics["masked_accuracy"]`` is the share of masked frames whose pseudo-label was predicted.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`MaskedFramePredictor` or an input is not a tensor.
    ValueError
        On mismatched shapes or pseudo-labels outside ``-1 .. n_clusters - 1``.
    """
    from mmlab.train import fit

    if not isinstance(model, MaskedFramePredictor):
        raise TypeError(f"model must be a MaskedFramePredictor; got {type(model).__name__}.")
    for name, t in (("frames", frames), ("lengths", lengths), ("targets", targets)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor; got {type(t).__name__}.")
    if frames.ndim != 3 or targets.shape != frames.shape[:2] or lengths.shape != frames.shape[:1]:
        raise ValueError(
            f"expected frames (n, T, d), lengths (n,) and targets (n, T); got shapes "
            f"{tuple(frames.shape)}, {tuple(lengths.shape)} and {tuple(targets.shape)}."
        )
    if bool((targets >= model.n_clusters).any()) or bool((targets < -1).any()):
        raise ValueError(
            f"targets must be pseudo-labels in 0 .. {model.n_clusters - 1}, -1 on padding; got "
            f"values from {int(targets.min())} to {int(targets.max())}."
        )
    return fit(
        model,
        [frames, lengths.long()],
        targets.long(),
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        loss=lambda out, z: _masked_loss(out, model.last_mask, z),
        metrics={"masked_accuracy": lambda out, z: _masked_accuracy(out, model.last_mask, z)},
        random_state=random_state,
        progress=progress,
        device=device,
    )


def _masked_loss(logits: torch.Tensor, mask: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    z = targets[:, : logits.shape[1]]
    keep = mask & (z >= 0)
    if not bool(keep.any()):
        return logits.sum() * 0.0
    return nn.functional.cross_entropy(logits[keep], z[keep])


def _masked_accuracy(logits: torch.Tensor, mask: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    z = targets[:, : logits.shape[1]]
    keep = mask & (z >= 0)
    if not bool(keep.any()):
        return torch.zeros((), device=logits.device)
    return (logits[keep].argmax(-1) == z[keep]).float().mean()


def stack_context(frames: Any, width: int = 5) -> np.ndarray:
    r"""Each frame concatenated with its ``width`` neighbours on either side: a window of raw context.

    .. math::

        s_t = [x_{t-w}, \dots, x_t, \dots, x_{t+w}] \in \mathbb{R}^{(2w+1)d},

    with the first and last frame repeated beyond the edges. :math:`x_t \in \mathbb{R}^d` is frame
    :math:`t` and :math:`w` the width. The classic speech-recognition input (a context window of
    stacked filterbank frames), and the baseline that a learned frame representation must beat: a
    linear probe on :math:`s_t` sees as much context as a convolutional encoder of the same reach.

    Parameters
    ----------
    frames : array-like of shape (n_frames, d)
        One sequence of frames.
    width : int, default=5
        :math:`w`, the frames taken on each side.

    Returns
    -------
    numpy.ndarray of shape (n_frames, (2 * width + 1) * d)

    Raises
    ------
    TypeError
        If ``frames`` is not numeric or ``width`` is not an int.
    ValueError
        If ``frames`` is not 2-d, holds NaN or infinities, or ``width`` < 1.

    Examples
    --------
    >>> stack_context(np.arange(3.0).reshape(3, 1), width=1)
    array([[0., 0., 1.],
           [0., 1., 2.],
           [1., 2., 2.]])
    """
    frames = check_array(frames, "frames", ndim=2)
    width = check_positive_int(width, "width")
    padded = np.pad(frames, ((width, width), (0, 0)), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (2 * width + 1, frames.shape[1]))
    return windows[:, 0].reshape(len(frames), -1)


def linear_probe(
    train_features: Any,
    train_labels: Any,
    test_features: Any,
    test_labels: Any,
    *,
    max_samples: int = 10000,
    c: float = 0.1,
    random_state: RandomState = 0,
) -> float:
    r"""Test accuracy of a linear (softmax) classifier fitted on frozen features: how linearly readable a label is.

    Features are standardised with the training mean and standard deviation,
    and an L2-regularised multinomial logistic regression
    (:class:`sklearn.linear_model.LogisticRegression`, inverse strength ``c``)
    is fitted on at most ``max_samples`` training rows.

    Parameters
    ----------
    train_features : array-like of shape (n, d)
    train_labels : array-like of int, shape (n,)
    test_features : array-like of shape (n_test, d)
    test_labels : array-like of int, shape (n_test,)
    max_samples : int, default=10000
    c : float, default=0.1
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the subsample.

    Returns
    -------
    float
        Accuracy on the test rows.

    Raises
    ------
    ValueError
        On mismatched lengths or feature sizes, or non-finite features.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(2, size=200); x = y[:, None] + 0.1 * rng.normal(size=(200, 3))
    >>> linear_probe(x[:100], y[:100], x[100:], y[100:])
    1.0
    """
    from sklearn.linear_model import LogisticRegression

    xtr = check_array(train_features, "train_features", ndim=2, dtype=float)
    xte = check_array(test_features, "test_features", ndim=2, dtype=float)
    ytr = check_array(train_labels, "train_labels", ndim=1).astype(np.int64)
    yte = check_array(test_labels, "test_labels", ndim=1).astype(np.int64)
    if len(xtr) != len(ytr) or len(xte) != len(yte):
        raise ValueError(
            f"features and labels must be paired; got {len(xtr)} and {len(ytr)} training rows, "
            f"{len(xte)} and {len(yte)} test rows."
        )
    if xtr.shape[1] != xte.shape[1]:
        raise ValueError(f"train and test features must have the same size; got {xtr.shape[1]} and {xte.shape[1]}.")
    rng = check_random_state(random_state)
    rows = rng.choice(len(xtr), size=min(check_positive_int(max_samples, "max_samples"), len(xtr)), replace=False)
    mean, std = xtr[rows].mean(0), xtr[rows].std(0) + 1e-8
    clf = LogisticRegression(C=c, max_iter=500).fit((xtr[rows] - mean) / std, ytr[rows])
    return float(clf.score((xte - mean) / std, yte))
