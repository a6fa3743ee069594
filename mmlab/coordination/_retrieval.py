"""Cosine similarity and cross-modal retrieval metrics: does each query find its own pair?

A coordinated representation is judged by retrieval: embed N paired samples
of both modalities, rank the N candidates of modality B for every query of
modality A by similarity, and count how often the true pair comes first
(recall@1) or among the first k. Random embeddings score :math:`k/N`.

Used by ``lectures/1_representation/06`` and ``07``, and
``labs/1_representation/03_coordination.ipynb``.

References
----------
Frome, A. et al. DeViSE: a deep visual-semantic embedding model. NeurIPS 2013.
Radford, A. et al. Learning transferable visual models from natural language
supervision. ICML 2021 (CLIP; zero-shot retrieval evaluated by recall@k).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_positive_int

__all__ = ["cosine_similarity", "mean_reciprocal_rank", "recall_at_k", "retrieval_ranks"]


def cosine_similarity(a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
    r"""All pairwise cosine similarities between the rows of ``a`` and of ``b``.

    .. math::

        S_{ij} = \frac{a_i^\top b_j}{\lVert a_i \rVert\, \lVert b_j \rVert} \in [-1, 1].

    Parameters
    ----------
    a : array-like or tensor of shape (n, d)
    b : array-like or tensor of shape (m, d)

    Returns
    -------
    ndarray of shape (n, m)

    Raises
    ------
    ValueError
        If the inputs are not 2-D with the same number of columns, hold NaN, or
        a row has zero norm.

    See Also
    --------
    sklearn.metrics.pairwise.cosine_similarity : the same matrix (it maps zero rows to 0).

    Examples
    --------
    >>> cosine_similarity([[1.0, 0.0], [1.0, 1.0]], [[2.0, 0.0]]).round(3).tolist()
    [[1.0], [0.707]]
    """
    a_arr = check_array(a, "a", ndim=2, dtype=float)
    b_arr = check_array(b, "b", ndim=2, dtype=float)
    if a_arr.shape[1] != b_arr.shape[1]:
        raise ValueError(
            f"a and b must have the same number of features to be compared; got shapes {a_arr.shape} and {b_arr.shape}."
        )
    na, nb = np.linalg.norm(a_arr, axis=1), np.linalg.norm(b_arr, axis=1)
    if (na == 0).any() or (nb == 0).any():
        raise ValueError(
            "every row of a and b must have a non-zero norm (a cosine needs a direction); got "
            f"{int((na == 0).sum())} zero rows in a and {int((nb == 0).sum())} in b."
        )
    return (a_arr / na[:, None]) @ (b_arr / nb[:, None]).T


def retrieval_ranks(similarity: npt.ArrayLike) -> np.ndarray:
    r"""Rank of the true pair for every query: 0 when it is the most similar candidate.

    Row :math:`i` of the square similarity matrix scores query :math:`i`
    against all candidates; candidate :math:`i` is its pair. The rank is the
    number of candidates scored strictly higher than the pair, plus half the
    number of other candidates tied with it (ties are split, so a constant
    similarity gives the expected rank of a random guess).

    Parameters
    ----------
    similarity : array-like of shape (n, n)

    Returns
    -------
    ndarray of shape (n,)
        Float ranks in :math:`[0, n - 1]`.

    Raises
    ------
    ValueError
        If ``similarity`` is not a square 2-D array or holds NaN.

    Examples
    --------
    >>> retrieval_ranks([[0.9, 0.1], [0.8, 0.2]]).tolist()
    [0.0, 1.0]
    """
    s = _square(similarity)
    diag = np.diag(s)[:, None]
    higher = (s > diag).sum(axis=1)
    ties = (s == diag).sum(axis=1) - 1
    return higher + 0.5 * ties


def recall_at_k(similarity: npt.ArrayLike, k: int = 1) -> float:
    r"""Share of queries whose true pair is among the ``k`` most similar candidates.

    .. math::

        R@k = \frac{1}{n} \sum_{i=1}^{n} \mathbb 1\big[\operatorname{rank}_i < k\big],

    with ranks from :func:`retrieval_ranks`. A random similarity gives
    :math:`k / n` on average.

    Parameters
    ----------
    similarity : array-like of shape (n, n)
        Row :math:`i` scores query :math:`i` against every candidate; the pair
        of query :math:`i` is candidate :math:`i`.
    k : int, default=1

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``k`` is not an int.
    ValueError
        If ``similarity`` is not square or ``k`` is not in ``1..n``.

    See Also
    --------
    sklearn.metrics.top_k_accuracy_score : the same number with labels ``arange(n)``.

    Examples
    --------
    >>> recall_at_k([[0.9, 0.1], [0.8, 0.2]], k=1)
    0.5
    """
    s = _square(similarity)
    k = check_positive_int(k, "k")
    if k > s.shape[0]:
        raise ValueError(f"k must be at most the number of candidates ({s.shape[0]}); got {k}.")
    return float((retrieval_ranks(s) < k).mean())


def mean_reciprocal_rank(similarity: npt.ArrayLike) -> float:
    r"""Mean of :math:`1 / (\operatorname{rank}_i + 1)` over queries (1 for perfect retrieval).

    Raises
    ------
    ValueError
        If ``similarity`` is not square or holds NaN.

    Examples
    --------
    >>> mean_reciprocal_rank([[0.9, 0.1], [0.8, 0.2]])
    0.75
    """
    return float((1.0 / (retrieval_ranks(similarity) + 1.0)).mean())


def _square(similarity: Any) -> np.ndarray:
    s = check_array(similarity, "similarity", ndim=2, dtype=float)
    if s.shape[0] != s.shape[1] or s.shape[0] == 0:
        raise ValueError(
            f"similarity must be a non-empty square matrix, queries x candidates with the pair of query "
            f"i at column i; got shape {s.shape}."
        )
    return s
