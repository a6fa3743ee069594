"""Seeded experiments of the coordination lectures: CCA versus deep CCA, contrastive retrieval, negatives, gates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.coordination._cca import CCA
from mmlab.coordination._contrastive import DualEncoder, fit_contrastive, info_nce, info_nce_bound
from mmlab.coordination._deep_cca import DeepCCA, fit_deep_cca
from mmlab.coordination._gated import GatedCoordination
from mmlab.coordination._retrieval import cosine_similarity, mean_reciprocal_rank, recall_at_k
from mmlab.data import make_nonlinear_pairs, make_paired_views
from mmlab.runtime import seeded

__all__ = [
    "CCAComparison",
    "GateResult",
    "RetrievalResult",
    "contrastive_retrieval",
    "gated_coordination",
    "linear_vs_deep_cca",
    "negatives_sweep",
]


def _tensors(data: object) -> list[torch.Tensor]:
    return [torch.as_tensor(x, dtype=torch.float32) for x in data.modalities]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- #
# linear CCA versus deep CCA
# --------------------------------------------------------------------------- #
@dataclass
class CCAComparison:
    """Canonical correlations of linear and deep CCA on a planted nonlinear pairing.

    Attributes
    ----------
    linear_train, linear_test : ndarray of shape (K,)
        Linear CCA on the raw modalities, on training and held-out data.
    deep_train, deep_test : ndarray of shape (K,)
        Linear CCA on the outputs of the trained deep CCA encoders.
    losses : list of float
        The deep CCA loss per step (minus the total correlation).
    """

    linear_train: np.ndarray
    linear_test: np.ndarray
    deep_train: np.ndarray
    deep_test: np.ndarray
    losses: list[float] = field(repr=False, default_factory=list)


def linear_vs_deep_cca(
    *,
    n: int = 2000,
    epochs: int = 60,
    n_components: int = 2,
    out_dim: int = 4,
    batch_size: int = 250,
    noise: float = 0.1,
    random_state: RandomState = 0,
) -> CCAComparison:
    r"""Linear CCA and deep CCA on :func:`~mmlab.data.make_nonlinear_pairs` (half for training, half held out).

    The data plant a pairing with no linear correlation (an angle and its
    double), so linear CCA finds correlations near 0 on held-out data while
    deep CCA, whose encoders can compute :math:`\cos 2\theta` from
    :math:`(\cos\theta, \sin\theta)`, finds correlations near 1.

    Parameters
    ----------
    n : int, default=2000
    epochs : int, default=60
        Deep CCA training passes.
    n_components : int, default=2
        :math:`K` canonical pairs reported (the planted pairing has 2).
    out_dim : int, default=4
    batch_size : int, default=250
    noise : float, default=0.1
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    CCAComparison

    Raises
    ------
    TypeError, ValueError
        On bad sizes.

    Examples
    --------
    >>> from mmlab.coordination.experiments import linear_vs_deep_cca
    >>> r = linear_vs_deep_cca(n=400, epochs=2)
    >>> r.linear_test.shape, r.deep_test.shape
    ((2,), (2,))
    """
    seed = seed_from_random_state(random_state)
    data = make_nonlinear_pairs(check_positive_int(n, "n", minimum=8), noise=noise, random_state=seed)
    train, test = data.split((0.5, 0.5), random_state=seed)
    linear = CCA(n_components).fit(*train.modalities)
    with seeded(seed):
        model = DeepCCA([d.shape[1] for d in train.modalities], out_dim=out_dim)
    losses = fit_deep_cca(model, _tensors(train), epochs=epochs, batch_size=batch_size, random_state=seed)
    h_train, h_test = model.transform(_tensors(train)), model.transform(_tensors(test))
    deep = CCA(n_components, reg=1e-4).fit(*h_train)
    return CCAComparison(
        linear_train=linear.correlations_,
        linear_test=linear.score(*test.modalities),
        deep_train=deep.correlations_,
        deep_test=deep.score(*h_test),
        losses=losses,
    )


# --------------------------------------------------------------------------- #
# contrastive coordination and retrieval
# --------------------------------------------------------------------------- #
@dataclass
class RetrievalResult:
    """Cross-modal retrieval of a contrastively trained dual encoder.

    Attributes
    ----------
    recall : dict of int to float
        Recall@k on the held-out candidates, for k = 1, 5, 10.
    mrr : float
        Mean reciprocal rank.
    untrained_recall : float
        Recall@1 of the same encoder before training.
    n_candidates : int
        :math:`N`: chance recall@1 is :math:`1/N`.
    similarity : ndarray of shape (N, N)
        Cosine similarities of held-out queries (rows, modality 0) and candidates (modality 1).
    losses : list of float
    model : DualEncoder
    """

    recall: dict[int, float]
    mrr: float
    untrained_recall: float
    n_candidates: int
    similarity: np.ndarray = field(repr=False)
    losses: list[float] = field(repr=False)
    model: DualEncoder = field(repr=False)


def contrastive_retrieval(
    *,
    n: int = 2000,
    n_candidates: int = 256,
    epochs: int = 10,
    batch_size: int = 128,
    temperature: float = 0.1,
    embed_dim: int = 32,
    noise: float = 0.3,
    random_state: RandomState = 0,
) -> RetrievalResult:
    """Train a :class:`DualEncoder` with InfoNCE on :func:`~mmlab.data.make_paired_views`; retrieve held-out pairs.

    ``n`` pairs are drawn for training and ``n_candidates`` more (from the same
    renderings) for retrieval: each held-out sample of modality 0 ranks the
    ``n_candidates`` samples of modality 1 by cosine similarity.

    Returns
    -------
    RetrievalResult

    Raises
    ------
    TypeError, ValueError
        On bad sizes.

    Examples
    --------
    >>> from mmlab.coordination.experiments import contrastive_retrieval
    >>> r = contrastive_retrieval(n=200, n_candidates=50, epochs=1)
    >>> r.n_candidates, sorted(r.recall)
    (50, [1, 5, 10])
    """
    seed = seed_from_random_state(random_state)
    n = check_positive_int(n, "n", minimum=2)
    n_candidates = check_positive_int(n_candidates, "n_candidates", minimum=10)
    data = make_paired_views(n + n_candidates, noise=noise, random_state=seed)
    train, test = data.subset(np.arange(n)), data.subset(np.arange(n, n + n_candidates))
    with seeded(seed):
        model = DualEncoder([x.shape[1] for x in train.modalities], embed_dim=embed_dim)
    before = recall_at_k(cosine_similarity(*model.embed(_tensors(test))), 1)
    losses = fit_contrastive(
        model, _tensors(train), epochs=epochs, batch_size=batch_size, temperature=temperature, random_state=seed
    )
    sim = cosine_similarity(*model.embed(_tensors(test)))
    return RetrievalResult(
        recall={k: recall_at_k(sim, k) for k in (1, 5, 10)},
        mrr=mean_reciprocal_rank(sim),
        untrained_recall=before,
        n_candidates=n_candidates,
        similarity=sim,
        losses=losses,
        model=model,
    )


def negatives_sweep(
    batch_sizes: Sequence[int] = (4, 16, 64, 256),
    *,
    steps: int = 300,
    n: int = 2000,
    n_candidates: int = 256,
    temperature: float = 0.1,
    noise: float = 0.3,
    random_state: RandomState = 0,
) -> dict[int, dict[str, float]]:
    r"""Contrastive training at several batch sizes (numbers of negatives), each for the same number of steps.

    For every batch size :math:`N` a fresh :class:`DualEncoder` (same
    initialisation) takes ``steps`` gradient steps of InfoNCE; then

    - ``recall``: held-out recall@1 among ``n_candidates`` candidates;
    - ``train_bound``: :math:`\log N - \mathcal L_N` with the mean training loss
      of the last 10 % of steps, the InfoNCE bound the training objective
      itself certifies (never above :math:`\log N`);
    - ``test_bound``: :math:`\log N' - \mathcal L_{N'}` on the held-out
      candidates (:math:`N'` = ``n_candidates``), one yardstick for all batch sizes;
    - ``ceiling``: :math:`\log N`.

    Returns
    -------
    dict of int to dict of str to float
        Per batch size: ``recall``, ``train_bound``, ``test_bound``, ``ceiling``.

    Raises
    ------
    TypeError, ValueError
        On bad sizes.

    Examples
    --------
    >>> from mmlab.coordination.experiments import negatives_sweep
    >>> sorted(negatives_sweep((4, 16), steps=5, n=100, n_candidates=20))
    [4, 16]
    """
    seed = seed_from_random_state(random_state)
    sizes = [check_positive_int(b, "batch_sizes[i]", minimum=2) for b in batch_sizes]
    n_candidates = check_positive_int(n_candidates, "n_candidates", minimum=10)
    data = make_paired_views(n + n_candidates, noise=noise, random_state=seed)
    train, test = data.subset(np.arange(n)), data.subset(np.arange(n, n + n_candidates))
    out = {}
    for b in sizes:
        with seeded(seed):
            model = DualEncoder([x.shape[1] for x in train.modalities])
        losses = fit_contrastive(
            model, _tensors(train), steps=steps, batch_size=b, temperature=temperature, random_state=seed
        )
        za, zb = model.embed(_tensors(test))
        with torch.no_grad():
            test_loss = info_nce(torch.as_tensor(za), torch.as_tensor(zb), temperature=temperature)
        tail = losses[-max(1, len(losses) // 10) :]
        out[b] = {
            "recall": recall_at_k(cosine_similarity(za, zb), 1),
            "train_bound": info_nce_bound(max(float(np.mean(tail)), 0.0), b),
            "test_bound": info_nce_bound(float(test_loss), n_candidates),
            "ceiling": math.log(b),
        }
    return out


# --------------------------------------------------------------------------- #
# gated coordination
# --------------------------------------------------------------------------- #
@dataclass
class GateResult:
    """Gates of gated coordination on held-out pairs, some of them broken (planted relevance).

    Attributes
    ----------
    gates : dict of str to ndarray
        Gate :math:`g_A` per held-out sample, for ``"both"`` (gate computed from
        both modalities) and ``"self"`` (from modality A only).
    paired : ndarray of bool
        The planted relevance: True where the pair is intact.
    auc : dict of str to float
        Area under the ROC curve of the gate as a detector of intact pairs
        (0.5 = blind, 1 = perfect).
    """

    gates: dict[str, np.ndarray] = field(repr=False)
    paired: np.ndarray = field(repr=False)
    auc: dict[str, float]

    def mean_gate(self, kind: str, paired: bool) -> float:
        """Mean gate of ``kind`` over intact (``paired=True``) or broken pairs.

        Raises
        ------
        KeyError
            If ``kind`` was not trained.
        """
        return float(self.gates[kind][self.paired == paired].mean())


def gated_coordination(
    *,
    n: int = 2000,
    epochs: int = 30,
    mismatch: float = 0.5,
    batch_size: int = 128,
    gate_inputs: Sequence[str] = ("both", "self"),
    random_state: RandomState = 0,
) -> GateResult:
    """Train :class:`GatedCoordination` with a dot-product InfoNCE on pairs of which a share is broken.

    Data: :func:`~mmlab.data.make_paired_views` with ``mismatch`` (70 % for
    training, 30 % held out). Each gate variant gets the same initialisation
    of its encoders; the gates are read on the held-out pairs.

    Returns
    -------
    GateResult

    Raises
    ------
    TypeError, ValueError
        On bad sizes or options.

    Examples
    --------
    >>> from mmlab.coordination.experiments import gated_coordination
    >>> sorted(gated_coordination(n=200, epochs=1).auc)
    ['both', 'self']
    """
    from sklearn.metrics import roc_auc_score

    seed = seed_from_random_state(random_state)
    data = make_paired_views(check_positive_int(n, "n", minimum=10), mismatch=mismatch, random_state=seed)
    train, test = data.split((0.7, 0.3), random_state=seed)
    paired = np.asarray(test.latents["paired"])
    gates, auc = {}, {}
    for kind in gate_inputs:
        with seeded(seed):
            model = GatedCoordination([x.shape[1] for x in train.modalities], gate_inputs=kind)
        fit_contrastive(
            model,
            _tensors(train),
            epochs=epochs,
            batch_size=batch_size,
            temperature=1.0,
            normalize=False,
            random_state=seed,
        )
        with torch.no_grad():
            g = model.gates(_tensors(test))[0].numpy()
        gates[kind] = g
        auc[kind] = float(roc_auc_score(paired, g)) if 0 < paired.sum() < paired.size else float("nan")
    return GateResult(gates=gates, paired=paired, auc=auc)
