"""The containers the generators return: the data and the ground truth planted in it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import RandomState, check_array, check_fraction, check_random_state
from mmlab.data._synthetic._projection import _mixed_radix

__all__ = ["PlantedTruth", "SyntheticMultimodal"]


@dataclass(frozen=True, eq=False)
class PlantedTruth:
    """What a generator planted: the rule behind the label, and its exact statistics.

    Attributes
    ----------
    kind : str
        The generator: ``"interaction"`` (:func:`make_interaction`),
        ``"polynomial"`` (:func:`make_polynomial`), ``"cue_flip"``
        (:func:`make_cue_flip`), ``"biased_vqa"`` (:func:`make_biased_vqa`),
        ``"protected"`` (:func:`make_protected_attribute`), ``"sets"``
        (:func:`make_sets`) or ``"unequal"`` (:func:`make_unequal_modalities`).
    description : str
        One sentence saying how the label was made.
    mixing : str
        ``"pure"`` (one rule), ``"sample"`` (each sample draws one rule with
        probability ``proportions``) or ``"compose"`` (the label is the tuple of
        every rule's output).
    components : tuple of str
        The rules, e.g. ``("redundancy", "synergy")``.
    proportions : tuple of float
        Per-sample probability of each component (``"sample"``); all ones for
        ``"pure"`` and ``"compose"``, where every component acts on every sample.
    factor_names : tuple of str
        Name of each column of ``SyntheticMultimodal.factors``, ``"m<i>:<slot>"``.
    factor_modality : tuple of int
        The modality each factor column is rendered into.
    label_factors : mapping of str to tuple of int
        For each component, the factor columns that decide its output (for
        redundancy, each modality's copy of the shared factor).
    n_levels : int
        Number of values each discrete factor takes.
    n_classes : int or None
        Number of label classes; ``None`` for a regression target.
    joint : ndarray or None
        Exact probability table ``p(c_0, ..., c_{M-1}, y)`` of each modality's
        *code* (the mixed-radix index of its label-relevant factors, see
        :meth:`SyntheticMultimodal.codes`) and the label; shape
        ``(|C_0|, ..., |C_{M-1}|, n_classes)``. With two modalities this is the
        ``(|X1|, |X2|, |Y|)`` table an exact PID solver takes.
    code_factors : tuple of tuple of int
        For each modality, the factor columns its code is built from, most
        significant first.
    atoms : mapping of str to float or None
        Exact PID atoms of the planted discrete structure in bits (two
        modalities, pure or composed rules): keys ``redundancy``, ``unique1``,
        ``unique2``, ``synergy``. ``None`` where the atoms have no closed form
        (per-sample mixtures: compute them from ``joint``).
    dominant_atom : str or None
        The largest atom when it is unique (``"redundancy"``, ``"unique1"``,
        ``"unique2"``, ``"synergy"``; for three modalities ``"unique3"`` too).
    bayes_accuracy : float or None
        The best accuracy any classifier that sees the factors can reach,
        ``sum_c max_y p(c, y)``; 1 for deterministic rules.
    extra : mapping
        Generator-specific constants (level values, variance per order, flip
        rate); per-sample facts live in ``SyntheticMultimodal.aux``.
    """

    kind: str
    description: str
    mixing: str
    components: tuple[str, ...]
    proportions: tuple[float, ...]
    factor_names: tuple[str, ...]
    factor_modality: tuple[int, ...]
    label_factors: Mapping[str, tuple[int, ...]]
    n_levels: int
    n_classes: int | None
    joint: np.ndarray | None
    code_factors: tuple[tuple[int, ...], ...]
    atoms: Mapping[str, float] | None
    dominant_atom: str | None
    bayes_accuracy: float | None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, eq=False)
class SyntheticMultimodal:
    """A synthetic multimodal data set and the ground truth planted in it.

    Attributes
    ----------
    modalities : tuple of ndarray
        One float32 array of shape ``(n, d_i)`` per modality.
    y : ndarray
        Labels, int64 of shape ``(n,)``; float32 for regression targets.
    factors : ndarray
        The discrete latent factors, int64 of shape ``(n, k)``; column names in
        ``truth.factor_names``.
    component : ndarray
        int64 of shape ``(n,)``: index into ``truth.components`` of the rule that
        labelled each sample (all zeros unless ``truth.mixing == "sample"``).
    truth : PlantedTruth
        What was planted (shared by every subset and split of the data).
    aux : mapping of str to ndarray
        Per-sample ground truth beyond the factors, one ``(n, ...)`` array per
        key, subset and split with the samples: ``"flipped"`` (bool, where the
        cue flips the label) for :func:`make_cue_flip`, ``"target"`` (float32,
        the noise-free target :math:`t`) for :func:`make_polynomial`.
    """

    modalities: tuple[np.ndarray, ...]
    y: np.ndarray
    factors: np.ndarray
    component: np.ndarray
    truth: PlantedTruth
    aux: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))

    # ---- shape -------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])

    @property
    def n_modalities(self) -> int:
        """Number of modalities."""
        return len(self.modalities)

    @property
    def dims(self) -> tuple[int, ...]:
        """Feature size ``d_i`` of each modality."""
        return tuple(int(x.shape[1]) for x in self.modalities)

    def __len__(self) -> int:
        return self.n

    # ---- conversions -------------------------------------------------------
    def to_torch(self, device: Any = None) -> tuple[list, Any]:
        """Return ``([x_0, ..., x_{M-1}], y)`` as torch tensors.

        Parameters
        ----------
        device : torch.device or str, optional
            Where to put the tensors; default the CPU.

        Returns
        -------
        xs : list of torch.Tensor
            float32, shape ``(n, d_i)`` each.
        y : torch.Tensor
            int64 ``(n,)`` labels, or float32 ``(n,)`` regression targets.
        """
        import torch

        xs = [torch.as_tensor(x, device=device) for x in self.modalities]
        return xs, torch.as_tensor(self.y, device=device)

    def subset(self, index: npt.ArrayLike) -> SyntheticMultimodal:
        """Return the samples at ``index`` (integer indices or a boolean mask).

        Raises
        ------
        TypeError
            If ``index`` holds neither integers nor booleans.
        ValueError
            If ``index`` is not 1-D, a boolean mask has the wrong length, or an
            index is out of range.
        """
        idx = check_array(index, "index", ndim=1)
        if idx.dtype == bool:
            if idx.shape[0] != self.n:
                raise ValueError(f"a boolean index must have {self.n} entries (one per sample); got {idx.shape[0]}.")
            idx = np.flatnonzero(idx)
        elif not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"index must hold integers or booleans; got dtype {idx.dtype}.")
        if idx.size and (idx.min() < -self.n or idx.max() >= self.n):
            raise ValueError(f"index must lie in [0, {self.n}); got values from {idx.min()} to {idx.max()}.")
        return replace(
            self,
            modalities=tuple(x[idx] for x in self.modalities),
            y=self.y[idx],
            factors=self.factors[idx],
            component=self.component[idx],
            aux=MappingProxyType({k: v[idx] for k, v in self.aux.items()}),
        )

    def split(
        self, fractions: Sequence[float] = (0.6, 0.2, 0.2), *, random_state: RandomState = 0
    ) -> tuple[SyntheticMultimodal, ...]:
        """Split into disjoint parts (e.g. train/val/test) by a seeded permutation.

        Parameters
        ----------
        fractions : sequence of float, default=(0.6, 0.2, 0.2)
            Share of the samples in each part; positive, summing to 1. Part
            sizes are rounded down and the remainder goes to the first part.
        random_state : int or numpy.random.Generator, default=0
            Seed of the permutation; the same seed gives the same split.

        Returns
        -------
        tuple of SyntheticMultimodal
            One per fraction, sharing ``truth``.

        Raises
        ------
        TypeError
            If ``fractions`` is not a sequence of at least two numbers, or
            ``random_state`` has the wrong type.
        ValueError
            If a fraction is not in (0, 1], they do not sum to 1, a part would
            be empty, or ``random_state`` is a negative int.
        """
        if isinstance(fractions, (str, bytes)) or not isinstance(fractions, Sequence) or len(fractions) < 2:
            raise TypeError(
                f"fractions must be a sequence of at least two shares, e.g. (0.6, 0.2, 0.2); got {fractions!r}."
            )
        fr = [check_fraction(f, f"fractions[{i}]", inclusive=(False, True)) for i, f in enumerate(fractions)]
        if abs(sum(fr) - 1.0) > 1e-6:
            raise ValueError(f"fractions must sum to 1; got {fr} (sum {sum(fr):.6g}).")
        sizes = [int(math.floor(f * self.n)) for f in fr]
        sizes[0] += self.n - sum(sizes)
        if min(sizes) < 1:
            raise ValueError(
                f"every part must receive at least one sample; with n={self.n} and "
                f"fractions={fr} the sizes are {sizes}. Generate more samples."
            )
        perm = check_random_state(random_state).permutation(self.n)
        bounds = np.cumsum([0] + sizes)
        return tuple(self.subset(perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True))

    # ---- ground truth on the samples ----------------------------------------
    def codes(self) -> tuple[np.ndarray, ...]:
        """Each modality's code: the mixed-radix index of its label-relevant factors.

        Returns
        -------
        tuple of ndarray
            int64 ``(n,)`` per modality; these index the first axes of
            ``truth.joint``.
        """
        return tuple(_mixed_radix(self.factors[:, cols], self.truth.n_levels) for cols in self.truth.code_factors)

    def empirical_joint(self) -> np.ndarray:
        """Relative frequencies of ``(c_0, ..., c_{M-1}, y)`` in this sample.

        Returns
        -------
        ndarray
            Same shape as ``truth.joint``; sums to 1. A plug-in estimate of the
            joint that converges to ``truth.joint`` as ``n`` grows.

        Raises
        ------
        ValueError
            For regression targets, which have no discrete joint table.
        """
        if self.truth.joint is None or self.truth.n_classes is None:
            raise ValueError(
                "empirical_joint needs a classification data set with a discrete joint table; "
                f"this one ({self.truth.kind}) has none."
            )
        counts = np.zeros(self.truth.joint.shape)
        np.add.at(counts, (*self.codes(), self.y.astype(np.int64)), 1.0)
        return counts / counts.sum()
