"""Modality heterogeneity estimated by transfer: how much does a model trained on one modality help another?

HighMMT (Liang et al. 2022) measures how different two modalities are by
*transfer*, the idea Taskonomy (Zamir et al. 2018) applied to tasks: train on
modality :math:`i`, move to modality :math:`j` with a few labels, and see how
much of what a model that started from :math:`j` itself reaches is kept. The
measurement has a direction: a source that lacks part of the task's
information cannot hand it over, while the reverse move may lose nothing, so
the matrix is asymmetric where the modalities differ in information. A
symmetric summary (the mean of the two directions) is what one clusters to
decide which modalities share parameters.

- :func:`transfer_heterogeneity`: the transfer accuracies, the directional
  heterogeneity matrix and the from-scratch reference of a set of modalities
  (:class:`HeterogeneityMatrix`, with :attr:`~HeterogeneityMatrix.symmetric`,
  :attr:`~HeterogeneityMatrix.gain` and :meth:`~HeterogeneityMatrix.closest`).

What is re-learned on the target is part of the measurement
(``input_layer``): a fresh input layer per target (HighMMT's
modality-specific embeddings; any widths) measures what the *body* carries
over, so it compares information and is blind to layout; reusing the source's
input layer (equal widths) measures how well the source's features fit the
target's raw coordinates, which is what matters when a model shares its
input layer between modalities.

Used by: ``lectures/5_transference/04_multitask_and_heterogeneity.ipynb`` (what to
share), ``lectures/6_quantification/06_heterogeneity_transfer_and_structure.ipynb``
(asymmetry and information), ``lectures/6_quantification/08_evaluating_quantification.ipynb``.

References
----------
Liang, P. P. et al. HighMMT: quantifying modality & interaction heterogeneity
for high-modality representation learning. TMLR 2022.
Zamir, A. R. et al. Taskonomy: disentangling task transfer learning. CVPR 2018.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import (
    RandomState,
    check_choice,
    check_positive_int,
    check_scalar,
    seed_from_random_state,
    split_modalities_and_labels,
)
from mmlab.runtime import seeded

__all__ = ["HeterogeneityMatrix", "transfer_heterogeneity"]

#: What the target re-learns: a new input layer, or nothing (the source's input layer is kept).
INPUT_LAYERS = ("new", "keep")


@dataclass(frozen=True)
class HeterogeneityMatrix:
    r"""Transfer accuracies between modalities and the heterogeneity they imply.

    Attributes
    ----------
    names : tuple of str
        The modalities, in row and column order.
    accuracy : ndarray of shape (M, M)
        :math:`\mathrm{acc}(i \to j)`: test accuracy on modality :math:`j`
        (column) of the model trained on modality :math:`i` (row) and
        fine-tuned on a few labelled samples of :math:`j`.
    heterogeneity : ndarray of shape (M, M)
        :math:`d(i \to j) = \mathrm{acc}(j \to j) - \mathrm{acc}(i \to j)`,
        the accuracy lost by starting from :math:`i` instead of :math:`j`
        itself (0 on the diagonal; not symmetric).
    scratch : ndarray of shape (M,), optional
        Test accuracy on each modality of the same model trained from scratch
        on the same few labelled samples (the reference that says whether
        pretraining helps at all).
    """

    names: tuple[str, ...]
    accuracy: np.ndarray
    heterogeneity: np.ndarray
    scratch: np.ndarray | None = None

    @property
    def asymmetry(self) -> np.ndarray:
        r""":math:`d(i \to j) - d(j \to i)`: positive where transfer works better from :math:`j` to :math:`i`."""
        return self.heterogeneity - self.heterogeneity.T

    @property
    def symmetric(self) -> np.ndarray:
        r""":math:`\bar d_{ij} = (d(i \to j) + d(j \to i)) / 2`: the undirected summary that groups modalities."""
        return (self.heterogeneity + self.heterogeneity.T) / 2

    @property
    def gain(self) -> np.ndarray:
        r""":math:`\mathrm{acc}(i \to j) - \mathrm{acc}_{\text{scratch}}(j)`: what pretraining on :math:`i` adds.

        Raises
        ------
        ValueError
            If the matrix was built without :attr:`scratch`.
        """
        if self.scratch is None:
            raise ValueError("this HeterogeneityMatrix has no scratch accuracies; transfer_heterogeneity fills them.")
        return self.accuracy - np.asarray(self.scratch)[None, :]

    def closest(self, name: str) -> str:
        """The other modality with the lowest symmetric heterogeneity to ``name``.

        Raises
        ------
        KeyError
            If ``name`` is not one of :attr:`names`.
        """
        if name not in self.names:
            raise KeyError(f"{name!r} is not one of {list(self.names)}.")
        i = self.names.index(name)
        row = self.symmetric[i].astype(float).copy()
        row[i] = np.inf
        return self.names[int(np.argmin(row))]


class _Transferable(nn.Module):
    """input layer (d_m -> token) + body (MLP) + head: only the input layer depends on the modality's width."""

    def __init__(self, in_dim: int, token: int, hidden: int, n_classes: int) -> None:
        super().__init__()
        self.adapter = nn.Linear(in_dim, token)
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(token, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(self.adapter(x)))


def transfer_heterogeneity(
    train: Any,
    test: Any,
    *,
    names: Sequence[str] | None = None,
    input_layer: str = "new",
    epochs: int = 20,
    n_shot: int = 32,
    repeats: int = 3,
    transfer_epochs: int = 15,
    token: int = 16,
    hidden: int = 32,
    lr: float = 3e-3,
    batch_size: int = 64,
    random_state: RandomState = 0,
) -> HeterogeneityMatrix:
    r"""Estimate the heterogeneity of every ordered pair of modalities by few-shot transfer.

    For each source modality :math:`i` a model *input layer + body + head* is
    trained on all of :math:`(x_i, y)`. For each target :math:`j` the model
    is fine-tuned, all of it, on ``n_shot`` labelled samples of :math:`j`
    (with ``input_layer="new"`` its input layer is first replaced by a fresh
    linear map from :math:`x_j`); the test accuracy, averaged over
    ``repeats`` draws of those samples, is :math:`\mathrm{acc}(i \to j)`, and

    .. math::

        d(i \to j) = \mathrm{acc}(j \to j) - \mathrm{acc}(i \to j), \qquad
        \bar d_{ij} = \tfrac12\,\big(d(i \to j) + d(j \to i)\big),

    the accuracy lost by starting from :math:`i` instead of :math:`j` itself
    (0 on the diagonal) and its symmetric summary. A source that lacks
    information the target's task needs cannot hand it over, and a few labels
    are not enough to learn it: :math:`d(i \to j)` is large while
    :math:`d(j \to i)` may be 0. The same model trained from scratch on the
    same samples gives :math:`\mathrm{acc}_{\text{scratch}}(j)`, so that
    :math:`\mathrm{acc}(i \to j) - \mathrm{acc}_{\text{scratch}}(j)` says whether
    transfer helps at all.

    Parameters
    ----------
    train, test : data set with ``modalities`` and ``y``, or a pair ``(xs, y)``
        At least two modalities of the same samples and task. ``xs`` is a
        sequence of ``(n, d_m)`` arrays or a mapping from name to array (the
        names then default to its keys).
    names : sequence of str, optional
        Default: the mapping's keys, else ``"m0"``, ``"m1"``, ...
    input_layer : {"new", "keep"}, default="new"
        ``"new"``: each target gets a fresh input layer (any widths; measures
        what the body carries over). ``"keep"``: the source's input layer is
        kept (all modalities of one width; measures how the source's features
        fit the target's raw coordinates, as in a model that shares its input
        layer).
    epochs : int, default=20
        Training epochs on the source.
    n_shot : int, default=32
        Labelled target samples of the fine-tuning (the transfer budget).
    repeats : int, default=3
        Draws of those samples averaged per entry.
    transfer_epochs : int, default=15
        Fine-tuning epochs on the target (also the epochs of the from-scratch reference).
    token, hidden : int, default=16, 32
        Width of the input layer's output and of the body.
    lr, batch_size : float, int, default=3e-3, 64
        Adam's learning rate and the mini-batch size.
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    HeterogeneityMatrix

    Raises
    ------
    TypeError
        If a data argument has no modalities and labels.
    ValueError
        If there are fewer than two modalities, ``names`` does not name each
        one, ``input_layer="keep"`` meets modalities of different widths,
        ``n_shot`` exceeds the training samples, or an option is invalid.

    See Also
    --------
    mmlab.viz.plot_heterogeneity : the matrix as a heat map.
    mmlab.transfer.MultitaskModel : a model that shares parameters inside groups of modalities.

    References
    ----------
    Liang, P. P. et al. HighMMT: quantifying modality & interaction heterogeneity
    for high-modality representation learning. TMLR 2022.

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> train, test = make_interaction(400, ("redundancy", "uniqueness_0"), random_state=0).split((0.5, 0.5))
    >>> h = transfer_heterogeneity(train, test, epochs=2, transfer_epochs=2, repeats=1)
    >>> h.accuracy.shape, float(np.abs(np.diag(h.heterogeneity)).max()), h.scratch.shape
    ((2, 2), 0.0, (2,))
    """
    from mmlab.train import fit

    xs, y, keys = _as_xy(train, "train")
    tx, ty, _ = _as_xy(test, "test")
    if len(xs) < 2 or len(tx) != len(xs):
        raise ValueError(f"train and test must hold the same modalities, at least two; got {len(xs)} and {len(tx)}.")
    labels = tuple(names) if names is not None else keys or tuple(f"m{i}" for i in range(len(xs)))
    if len(labels) != len(xs):
        raise ValueError(f"names must name each of the {len(xs)} modalities; got {list(labels)}.")
    input_layer = check_choice(input_layer, "input_layer", INPUT_LAYERS)
    widths = [int(x.shape[1]) for x in xs]
    if input_layer == "keep" and len(set(widths)) != 1:
        raise ValueError(
            f"input_layer='keep' reuses the source's input layer, so every modality must have the same "
            f"width; got {dict(zip(labels, widths, strict=True))}. Use input_layer='new'."
        )
    epochs = check_positive_int(epochs, "epochs")
    transfer_epochs = check_positive_int(transfer_epochs, "transfer_epochs")
    token = check_positive_int(token, "token")
    hidden = check_positive_int(hidden, "hidden")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = seed_from_random_state(random_state)
    n_classes = int(max(int(y.max()), int(ty.max())) + 1)
    n_shot = check_positive_int(n_shot, "n_shot")
    if n_shot > y.shape[0]:
        raise ValueError(f"n_shot must be at most the number of training samples ({y.shape[0]}); got {n_shot}.")
    repeats = check_positive_int(repeats, "repeats")
    draws = [torch.as_tensor(np.random.default_rng([seed, r]).permutation(y.shape[0])[:n_shot]) for r in range(repeats)]
    options = dict(lr=lr, batch_size=batch_size, progress=False, device="cpu")

    @torch.no_grad()
    def test_accuracy(model: nn.Module, j: int) -> float:
        return float((model.eval()(tx[j]).argmax(dim=1) == ty).double().mean())

    m = len(xs)
    scratch = np.zeros(m)
    for j in range(m):
        for r, shots in enumerate(draws):
            with seeded(seed + 7 + 13 * j + 101 * r):
                model = _Transferable(widths[j], token, hidden, n_classes)
            fit(model, xs[j][shots], y[shots], epochs=transfer_epochs, random_state=seed + r, **options)
            scratch[j] += test_accuracy(model, j) / repeats
    acc = np.zeros((m, m))
    for i in range(m):
        with seeded(seed):
            source = _Transferable(widths[i], token, hidden, n_classes)
        fit(source, xs[i], y, epochs=epochs, random_state=seed, **options)
        for j in range(m):
            for r, shots in enumerate(draws):
                model = copy.deepcopy(source)
                if input_layer == "new":
                    with seeded(seed + 1 + j + 101 * r):
                        model.adapter = nn.Linear(widths[j], token)
                fit(model, xs[j][shots], y[shots], epochs=transfer_epochs, random_state=seed + r, **options)
                acc[i, j] += test_accuracy(model, j) / repeats
    heterogeneity = np.diag(acc)[None, :] - acc
    return HeterogeneityMatrix(names=labels, accuracy=acc, heterogeneity=heterogeneity, scratch=scratch)


def _as_xy(data: Any, name: str) -> tuple[list[torch.Tensor], torch.Tensor, tuple[str, ...] | None]:
    keys = None
    xs, y = split_modalities_and_labels(data, name)
    if isinstance(xs, Mapping):
        keys, xs = tuple(xs), list(xs.values())
    tensors = [torch.as_tensor(np.asarray(x), dtype=torch.float32) for x in xs]
    if any(t.ndim != 2 or t.shape[0] != len(y) for t in tensors):
        raise ValueError(
            f"every modality of {name} must be an (n, d) array with one row per label ({len(y)}); got "
            f"shapes {[tuple(t.shape) for t in tensors]}."
        )
    return tensors, torch.as_tensor(np.asarray(y)).long(), keys
