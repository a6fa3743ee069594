"""Seeded experiments of the fission lecture: probes of shared and private codes, cluster correspondences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.data import make_local_scenes, make_shared_private
from mmlab.fission._clustering import (
    ClusterCorrespondence,
    cluster_correspondence,
    correspondence_accuracy,
    element_match_accuracy,
)
from mmlab.fission._probes import probe_table
from mmlab.fission._shared_private import SharedPrivateModel, fit_fission
from mmlab.runtime import seeded

__all__ = ["ClusteringResult", "FissionProbes", "fission_probes", "local_correspondence"]

#: Which code should hold which factor: the diagonal of the probe table.
_EXPECTED = {"shared_0": "shared", "private_0": "private_0", "private_1": "private_1"}


@dataclass
class FissionProbes:
    """Probe tables of fission models trained with different overlap penalties.

    Attributes
    ----------
    tables : dict of float to pandas.DataFrame
        Per overlap weight :math:`\\lambda`: rows ``shared_0``, ``private_0``,
        ``private_1`` (codes), columns ``shared``, ``private_0``,
        ``private_1`` (planted factors), entries held-out probe accuracy.
    chance : float
        :math:`1 / k`.
    """

    tables: dict[float, Any]
    chance: float

    def diagonal(self, overlap: float) -> dict[str, float]:
        """Accuracy of each code for the factor it should hold."""
        table = self.tables[overlap]
        return {code: float(table.loc[code, factor]) for code, factor in _EXPECTED.items()}

    def off_diagonal(self, overlap: float) -> dict[str, float]:
        """Accuracy of each code for the factors it should *not* hold, ``"code -> factor"``."""
        table = self.tables[overlap]
        return {
            f"{code} -> {factor}": float(table.loc[code, factor])
            for code in _EXPECTED
            for factor in table.columns
            if factor != _EXPECTED[code]
        }


def fission_probes(
    *,
    n: int = 2000,
    epochs: int = 40,
    overlaps: Sequence[float] = (0.0, 1.0),
    code_dim: int = 4,
    n_levels: int = 4,
    batch_size: int = 128,
    random_state: RandomState = 0,
) -> FissionProbes:
    """Train :class:`SharedPrivateModel` on :func:`~mmlab.data.make_shared_private` and probe every code.

    60 % of the samples train the model and the probes, 40 % score the probes.
    For each overlap weight a model with the same initialisation is trained.

    Returns
    -------
    FissionProbes

    Raises
    ------
    TypeError, ValueError
        On bad sizes.

    Examples
    --------
    >>> from mmlab.fission.experiments import fission_probes
    >>> r = fission_probes(n=200, epochs=1, overlaps=(1.0,))
    >>> list(r.tables[1.0].columns)
    ['shared', 'private_0', 'private_1']
    """
    seed = seed_from_random_state(random_state)
    data = make_shared_private(check_positive_int(n, "n", minimum=10), n_levels=n_levels, random_state=seed)
    train, test = data.split((0.6, 0.4), random_state=seed)
    xs = [torch.as_tensor(x) for x in train.modalities]
    xt = [torch.as_tensor(x) for x in test.modalities]
    targets = {
        f: (np.asarray(train.latents[f]), np.asarray(test.latents[f])) for f in ("shared", "private_0", "private_1")
    }
    tables = {}
    for lam in overlaps:
        with seeded(seed):
            model = SharedPrivateModel([x.shape[1] for x in xs], code_dim=code_dim, overlap=lam)
        fit_fission(model, xs, epochs=epochs, batch_size=batch_size, random_state=seed)
        c_train, c_test = model.codes(xs), model.codes(xt)
        codes = {c: (c_train[c], c_test[c]) for c in _EXPECTED}
        tables[float(lam)] = probe_table(codes, targets)
    return FissionProbes(tables=tables, chance=1.0 / n_levels)


@dataclass
class ClusteringResult:
    """Cluster correspondence on :func:`~mmlab.data.make_local_scenes`.

    Attributes
    ----------
    correspondence : float
        Share of object clusters matched to the other modality's cluster of the same category.
    elements : float
        Share of object elements matched, within their scene, to the element of the same category.
    chance_correspondence : float
        :math:`1 / K` (a random matching of clusters).
    chance_elements : float
        Expected share for a random pick among a scene's elements of the other modality (:math:`1 / E`).
    result : ClusterCorrespondence
    """

    correspondence: float
    elements: float
    chance_correspondence: float
    chance_elements: float
    result: ClusterCorrespondence = field(repr=False)


def local_correspondence(
    *,
    n: int = 500,
    n_categories: int = 6,
    n_elements: int = 4,
    noise: float = 0.5,
    n_clusters: int | None = None,
    random_state: RandomState = 0,
) -> ClusteringResult:
    """Cluster the regions and segments of local scenes and match the clusters across modalities.

    ``n_clusters`` defaults to the number of categories plus 3: background
    elements are diffuse noise, and with only one spare cluster k-means
    tends to split the background and merge two object categories instead;
    spare clusters absorb the background (they are matched too, but only
    object clusters are scored).

    Returns
    -------
    ClusteringResult

    Raises
    ------
    TypeError, ValueError
        On bad sizes.

    Examples
    --------
    >>> from mmlab.fission.experiments import local_correspondence
    >>> local_correspondence(n=100).chance_correspondence
    0.16666666666666666
    """
    seed = seed_from_random_state(random_state)
    data = make_local_scenes(n, n_categories=n_categories, n_elements=n_elements, noise=noise, random_state=seed)
    k = n_categories + 3 if n_clusters is None else check_positive_int(n_clusters, "n_clusters", minimum=2)
    result = cluster_correspondence(*data.modalities, k, random_state=seed)
    cats = (data.latents["categories_0"], data.latents["categories_1"])
    return ClusteringResult(
        correspondence=correspondence_accuracy(result, *cats),
        elements=element_match_accuracy(result, *cats),
        chance_correspondence=1.0 / n_categories,
        chance_elements=1.0 / n_elements,
        result=result,
    )
