"""Seeded experiments behind the claims of lectures 1.9 (intermediate fusion) and 1.10 (early fusion and search).

- :func:`sequence_fusion_accuracies`: intermediate fusion operators on marker
  sequences whose label is the XOR of one bit per modality;
- :func:`masked_reconstruction`: a multimodal masked autoencoder rebuilds a
  hidden modality from the other, against the mean predictor;
- :func:`search_vs_hand_picked`: the fuse cell a differentiable search picks,
  against every cell trained by hand.

Each is called once by its notebook and on five seeds by
``tests/fusion/test_intermediate.py`` and ``tests/fusion/test_search.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.nn import functional as F

from mmlab._validation import RandomState, check_positive_int, check_scalar, seed_from_random_state
from mmlab.fusion._early import MaskedMultimodalAutoencoder, fit_masked_autoencoder
from mmlab.fusion._intermediate import SEQUENCE_FUSIONS, SequenceFusionClassifier
from mmlab.fusion._search import SEARCH_CELLS, SearchResult, search_fusion_cell
from mmlab.runtime import seeded

__all__ = [
    "ReconstructionResult",
    "SearchComparison",
    "masked_reconstruction",
    "search_vs_hand_picked",
    "sequence_fusion_accuracies",
]


def sequence_fusion_accuracies(
    kinds: Sequence[str] = SEQUENCE_FUSIONS,
    *,
    n: int = 1000,
    n_test: int = 1000,
    epochs: int = 20,
    aligned: bool = True,
    n_markers: int = 1,
    amplitude: float = 2.5,
    noise: float = 0.3,
    dim: int = 16,
    window: int | None = None,
    sparsity: float = 0.1,
    batch_size: int = 64,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> dict[str, float]:
    r"""Test accuracy of :class:`SequenceFusionClassifier` per fusion on :func:`~mmlab.data.make_marker_sequences`.

    The label is the XOR of one marker bit per sequence, so a model whose
    modalities never meet before a linear head (``"late"``) stays at chance;
    an intermediate fusion must bring the two markers together.

    Parameters
    ----------
    kinds : sequence of str, default=SEQUENCE_FUSIONS
    n, n_test : int
        Training and test sequences.
    epochs : int, default=20
    aligned, n_markers, amplitude, noise
        Passed to :func:`~mmlab.data.make_marker_sequences` (``n_markers=8``
        with ``amplitude=1.5, noise=1`` makes every token noisy evidence: a
        dense signal).
    dim : int, default=16
    window : int, optional
        Attention window of the bottleneck fusion (``None``: the whole modality).
    sparsity : float, default=0.1
        Weight of the channel-exchange :math:`\ell_1` penalty (strong, so that
        scales reach the exchange threshold within a short training).
    batch_size, lr
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the initialisation (the same for every kind) and the batches.

    Returns
    -------
    dict of str to float
        Test accuracy per kind.

    Raises
    ------
    TypeError, ValueError
        On bad sizes or an unknown kind.

    Examples
    --------
    >>> from mmlab.fusion import sequence_fusion_accuracies
    >>> sorted(sequence_fusion_accuracies(["late", "joint"], n=64, n_test=32, epochs=1))
    ['joint', 'late']
    """
    from mmlab.data import make_marker_sequences
    from mmlab.train import fit, predict

    seed = seed_from_random_state(random_state)
    n, n_test = check_positive_int(n, "n", minimum=2), check_positive_int(n_test, "n_test")
    sparsity = check_scalar(sparsity, "sparsity", min_val=0)
    data = make_marker_sequences(
        n + n_test, aligned=aligned, n_markers=n_markers, amplitude=amplitude, noise=noise, random_state=seed
    )
    xs = [torch.as_tensor(x) for x in data.modalities]
    y = torch.as_tensor(data.y)
    train, test = [x[:n] for x in xs], [x[n:] for x in xs]
    scores = {}
    for kind in kinds:
        options = {"window": window} if kind == "bottleneck" and window is not None else {}
        with seeded(seed):
            model = SequenceFusionClassifier([x.shape[2] for x in xs], 2, fusion=kind, dim=dim, **options)

        def loss(out: torch.Tensor, target: torch.Tensor, model: SequenceFusionClassifier = model) -> torch.Tensor:
            return F.cross_entropy(out, target) + sparsity * model.penalty()

        fit(
            model,
            train,
            y[:n],
            epochs=epochs,
            batch_size=batch_size,
            lr=lr,
            loss=loss,
            metrics=(),
            random_state=seed,
            progress=False,
            device="cpu",
        )
        scores[kind] = float((predict(model, test, device="cpu").argmax(dim=1) == y[n:]).double().mean())
    return scores


@dataclass
class ReconstructionResult:
    """Cross-modal reconstruction of a masked multimodal autoencoder.

    Attributes
    ----------
    mse : dict of int to float
        Held-out mean squared error on modality ``m`` when all of its tokens
        are hidden (reconstructed from the other modality alone).
    mean_predictor : dict of int to float
        The same error for the per-token training mean (knows nothing about the sample).
    losses : list of float
    model : MaskedMultimodalAutoencoder
    """

    mse: dict[int, float]
    mean_predictor: dict[int, float]
    losses: list[float] = field(repr=False)
    model: Any = field(repr=False)

    def ratio(self, modality: int) -> float:
        """``mse / mean_predictor`` for one hidden modality (1 = no better than the mean)."""
        return self.mse[modality] / self.mean_predictor[modality]


def masked_reconstruction(
    *,
    n: int = 2000,
    n_test: int = 1000,
    epochs: int = 30,
    n_tokens: int = 4,
    dim: int = 32,
    n_layers: int = 2,
    batch_size: int = 128,
    random_state: RandomState = 0,
) -> ReconstructionResult:
    """Train a :class:`MaskedMultimodalAutoencoder` on paired views cut into tokens; hide one whole modality.

    Data: :func:`~mmlab.data.make_paired_views` (16 features per modality,
    cut into ``n_tokens`` tokens). Training masks hide random tokens and, for
    half the samples, one whole modality; the test hides all tokens of one
    modality and compares the reconstruction error with the per-token mean
    of the training data.

    Returns
    -------
    ReconstructionResult

    Raises
    ------
    TypeError, ValueError
        On bad sizes (``n_tokens`` must divide 16).

    Examples
    --------
    >>> from mmlab.fusion import masked_reconstruction
    >>> r = masked_reconstruction(n=100, n_test=50, epochs=1)
    >>> sorted(r.mse)
    [0, 1]
    """
    from mmlab.data import make_paired_views

    seed = seed_from_random_state(random_state)
    n, n_test = check_positive_int(n, "n", minimum=2), check_positive_int(n_test, "n_test")
    n_tokens = check_positive_int(n_tokens, "n_tokens")
    if 16 % n_tokens:
        raise ValueError(f"n_tokens must divide the 16 features of each modality; got {n_tokens}.")
    data = make_paired_views(n + n_test, random_state=seed)
    xs = [torch.as_tensor(x).reshape(x.shape[0], n_tokens, -1) for x in data.modalities]
    train, test = [x[:n] for x in xs], [x[n:] for x in xs]
    with seeded(seed):
        model = MaskedMultimodalAutoencoder([x.shape[2] for x in xs], [n_tokens] * 2, dim=dim, n_layers=n_layers)
    losses = fit_masked_autoencoder(model, train, epochs=epochs, batch_size=batch_size, random_state=seed)
    mse, base = {}, {}
    with torch.no_grad():
        for m in (0, 1):
            rec = model(test, model.hide_modality(n_test, m))[m]
            mse[m] = float(((rec - test[m]) ** 2).mean())
            base[m] = float(((train[m].mean(dim=0) - test[m]) ** 2).mean())
    return ReconstructionResult(mse=mse, mean_predictor=base, losses=losses, model=model)


@dataclass
class SearchComparison:
    """A searched fuse cell against every cell trained by hand.

    Attributes
    ----------
    search : SearchResult
        What the search chose, its weights and their trajectory.
    hand_picked : dict of str to float
        Test accuracy of each cell trained alone (encoders, cell, linear head).
    """

    search: SearchResult
    hand_picked: dict[str, float]

    @property
    def chosen_score(self) -> float:
        """Test accuracy of the chosen cell when trained alone."""
        return self.hand_picked[self.search.chosen]

    @property
    def best(self) -> str:
        """The best hand-picked cell."""
        return max(self.hand_picked, key=self.hand_picked.__getitem__)


def search_vs_hand_picked(
    *,
    interaction: str = "synergy",
    n: int = 1500,
    epochs: int = 20,
    cells: Sequence[str] = SEARCH_CELLS,
    random_state: RandomState = 0,
) -> SearchComparison:
    """Search over fuse cells on training/validation data, and train every cell alone for comparison.

    Data: :func:`~mmlab.data.make_interaction` with the given planted
    interaction, split 60/20/20 into training, validation (used by the search
    only) and test data.

    Returns
    -------
    SearchComparison

    Raises
    ------
    TypeError, ValueError
        On bad sizes, an unknown interaction or cell.

    Examples
    --------
    >>> from mmlab.fusion import search_vs_hand_picked
    >>> r = search_vs_hand_picked(n=200, epochs=1)
    >>> r.search.chosen in r.hand_picked
    True
    """
    from mmlab.data import make_interaction
    from mmlab.fusion.experiments import train_fusion

    seed = seed_from_random_state(random_state)
    data = make_interaction(check_positive_int(n, "n", minimum=10), interaction, random_state=seed)
    train, val, test = data.split((0.6, 0.2, 0.2), random_state=seed)
    search = search_fusion_cell(train, val, cells=cells, epochs=epochs, random_state=seed)
    hand = {c: train_fusion(train, test, c, epochs=epochs, random_state=seed).score for c in cells}
    return SearchComparison(search=search, hand_picked=hand)
