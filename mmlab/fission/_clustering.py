"""Fine-grained fission by clustering: cluster each modality's local elements, then match clusters across modalities.

Deep multimodal clustering (Hu et al. 2019) splits each modality into local
elements (image regions, sound segments), clusters them per modality, and
finds which visual cluster goes with which sound cluster from how often
they occur in the same scene. :func:`cluster_correspondence` does this with
k-means on fixed element features; its result scores the match of clusters
(:func:`correspondence_accuracy`) and of single elements within each scene
(:func:`element_match_accuracy`) against the planted categories.

Used by ``lectures/1_representation/08_representation_fission.ipynb``.

References
----------
Hu, D., Nie, F. and Li, X. Deep multimodal clustering for unsupervised
audiovisual learning. CVPR 2019.
Kuhn, H. W. The Hungarian method for the assignment problem. Naval Research
Logistics Quarterly 2(1-2), 1955.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import RandomState, check_array, check_positive_int, seed_from_random_state

__all__ = ["ClusterCorrespondence", "cluster_correspondence", "correspondence_accuracy", "element_match_accuracy"]


@dataclass(frozen=True)
class ClusterCorrespondence:
    """Clusters of each modality's elements and their cross-modal matching.

    Attributes
    ----------
    labels : tuple of ndarray
        Cluster of every element, ``(n, E_m)`` int per modality.
    n_clusters : int
        :math:`K` clusters per modality.
    cooccurrence : ndarray of shape (K, K)
        Number of scenes in which cluster :math:`i` of modality 0 and cluster
        :math:`j` of modality 1 both appear.
    lift : ndarray of shape (K, K)
        Co-occurrence divided by what independent clusters would give
        (:math:`n\\,C_{ij} / (n_i n_j)`): above 1 for clusters that go together.
    matching : ndarray of shape (K,)
        ``matching[i]`` is the cluster of modality 1 matched to cluster ``i``
        of modality 0 (an assignment maximising the total lift).
    """

    labels: tuple[np.ndarray, np.ndarray]
    n_clusters: int
    cooccurrence: np.ndarray
    lift: np.ndarray
    matching: np.ndarray


def cluster_correspondence(
    elements_a: npt.ArrayLike, elements_b: npt.ArrayLike, n_clusters: int, *, random_state: RandomState = 0
) -> ClusterCorrespondence:
    r"""Cluster every modality's local elements with k-means and match the clusters by co-occurrence.

    1. k-means with :math:`K` clusters on all elements of modality 0 (and,
       separately, of modality 1);
    2. presence :math:`P^m_{si} = 1` if scene :math:`s` has an element in
       cluster :math:`i`; co-occurrence :math:`C = P^{0\top} P^1`;
    3. lift :math:`\Lambda_{ij} = n C_{ij} / (\sum_s P^0_{si} \sum_s P^1_{sj})`;
    4. the one-to-one matching of clusters that maximises
       :math:`\sum_i \Lambda_{i, \pi(i)}` (Hungarian algorithm).

    No label is used: the correspondence comes from the scenes alone.

    Parameters
    ----------
    elements_a : array-like of shape (n, E_0, d_0)
    elements_b : array-like of shape (n, E_1, d_1)
        The same :math:`n` scenes, local elements of each modality.
    n_clusters : int
        :math:`K` (e.g. categories + 1 for the background).
    random_state : int, numpy.random.Generator or None, default=0
        Seeds k-means.

    Returns
    -------
    ClusterCorrespondence

    Raises
    ------
    ValueError
        If the inputs are not 3-D, hold NaN or are unpaired, or ``n_clusters``
        exceeds the number of elements.

    Examples
    --------
    >>> from mmlab.data import make_local_scenes
    >>> from mmlab.fission import cluster_correspondence
    >>> d = make_local_scenes(200, random_state=0)
    >>> cluster_correspondence(*d.modalities, 7).matching.shape
    (7,)
    """
    from scipy.optimize import linear_sum_assignment
    from sklearn.cluster import KMeans

    xa = check_array(elements_a, "elements_a", ndim=3, dtype=float)
    xb = check_array(elements_b, "elements_b", ndim=3, dtype=float)
    if xa.shape[0] != xb.shape[0]:
        raise ValueError(
            f"elements_a and elements_b must hold the same scenes; got {xa.shape[0]} and {xb.shape[0]} scenes."
        )
    k = check_positive_int(n_clusters, "n_clusters", minimum=2)
    if k > min(xa.shape[0] * xa.shape[1], xb.shape[0] * xb.shape[1]):
        raise ValueError(f"n_clusters must be at most the number of elements of each modality; got {k}.")
    seed = seed_from_random_state(random_state) % 2**32
    labels = []
    for x in (xa, xb):
        km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(x.reshape(-1, x.shape[2]))
        labels.append(km.labels_.reshape(x.shape[0], x.shape[1]).astype(np.int64))
    presence = [_presence(lab, k) for lab in labels]  # P^m
    cooc = presence[0].T @ presence[1]  # C
    counts = [p.sum(axis=0) for p in presence]
    lift = xa.shape[0] * cooc / np.maximum(np.outer(counts[0], counts[1]), 1.0)  # Lambda
    rows, cols = linear_sum_assignment(-lift)
    matching = np.empty(k, dtype=np.int64)
    matching[rows] = cols
    return ClusterCorrespondence(
        labels=(labels[0], labels[1]), n_clusters=k, cooccurrence=cooc.astype(np.int64), lift=lift, matching=matching
    )


def correspondence_accuracy(
    result: ClusterCorrespondence, categories_a: npt.ArrayLike, categories_b: npt.ArrayLike
) -> float:
    """Share of modality-0 object clusters matched to the modality-1 cluster of the same category.

    Each cluster is named after the majority category of its elements
    (``-1`` = background). Among the clusters of modality 0 whose majority is
    an object category, the score counts those whose matched cluster of
    modality 1 has the same majority category. A random matching scores about
    :math:`1 / K`.

    Parameters
    ----------
    result : ClusterCorrespondence
    categories_a, categories_b : array-like of shape (n, E_m)
        Planted category of every element, -1 for background.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`ClusterCorrespondence`.
    ValueError
        If the category arrays do not match the clustered elements, or no
        cluster of modality 0 is an object cluster.

    Examples
    --------
    >>> from mmlab.data import make_local_scenes
    >>> from mmlab.fission import cluster_correspondence, correspondence_accuracy
    >>> d = make_local_scenes(300, random_state=0)
    >>> r = cluster_correspondence(*d.modalities, 7)
    >>> correspondence_accuracy(r, d.latents["categories_0"], d.latents["categories_1"]) > 0.5
    True
    """
    cat_a, cat_b = _check_result(result, categories_a, categories_b)
    names_a = _majority(result.labels[0], cat_a, result.n_clusters)
    names_b = _majority(result.labels[1], cat_b, result.n_clusters)
    objects = np.flatnonzero(names_a >= 0)
    if objects.size == 0:
        raise ValueError("no cluster of modality 0 has an object category as its majority; nothing to score.")
    return float((names_b[result.matching[objects]] == names_a[objects]).mean())


def element_match_accuracy(
    result: ClusterCorrespondence, categories_a: npt.ArrayLike, categories_b: npt.ArrayLike
) -> float:
    """Within each scene, share of object elements of modality 0 matched to the element of modality 1 of their category.

    An element of modality 0 in cluster :math:`i` is matched to the element
    of modality 1 of the same scene in cluster ``matching[i]`` (the first
    one, if several); elements with no such partner count as misses. This is
    the fine-grained output of the method: *which region makes which sound*.

    Parameters
    ----------
    result : ClusterCorrespondence
    categories_a, categories_b : array-like of shape (n, E_m)

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`ClusterCorrespondence`.
    ValueError
        If the category arrays do not match, or there is no object element.

    Examples
    --------
    >>> from mmlab.data import make_local_scenes
    >>> from mmlab.fission import cluster_correspondence, element_match_accuracy
    >>> d = make_local_scenes(300, random_state=0)
    >>> r = cluster_correspondence(*d.modalities, 7)
    >>> element_match_accuracy(r, d.latents["categories_0"], d.latents["categories_1"]) > 0.5
    True
    """
    cat_a, cat_b = _check_result(result, categories_a, categories_b)
    lab_a, lab_b = result.labels
    wanted = result.matching[lab_a]  # (n, E_0): the partner cluster of each element
    hits = lab_b[:, None, :] == wanted[:, :, None]  # (n, E_0, E_1)
    has = hits.any(axis=2)
    partner = np.where(has, hits.argmax(axis=2), -1)
    partner_cat = np.where(has, np.take_along_axis(cat_b, np.maximum(partner, 0), axis=1), -2)
    objects = cat_a >= 0
    if not objects.any():
        raise ValueError("categories_a holds no object element (all -1); nothing to score.")
    return float((partner_cat[objects] == cat_a[objects]).mean())


def _presence(labels: np.ndarray, k: int) -> np.ndarray:
    p = np.zeros((labels.shape[0], k))
    np.put_along_axis(p, labels, 1.0, axis=1)
    return p


def _majority(labels: np.ndarray, categories: np.ndarray, k: int) -> np.ndarray:
    names = np.full(k, -1, dtype=np.int64)
    for i in range(k):
        cats = categories[labels == i]
        if cats.size:
            values, counts = np.unique(cats, return_counts=True)
            names[i] = values[np.argmax(counts)]
    return names


def _check_result(result: Any, categories_a: Any, categories_b: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(result, ClusterCorrespondence):
        raise TypeError(f"result must be a ClusterCorrespondence; got {type(result).__name__}.")
    cats = []
    for name, c, lab in (
        ("categories_a", categories_a, result.labels[0]),
        ("categories_b", categories_b, result.labels[1]),
    ):
        arr = check_array(c, name, ndim=2)
        if arr.shape != lab.shape:
            raise ValueError(
                f"{name} must give one category per clustered element, shape {lab.shape}; got {arr.shape}."
            )
        cats.append(arr.astype(np.int64))
    return cats[0], cats[1]
