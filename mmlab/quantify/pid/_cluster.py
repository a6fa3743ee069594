"""The clustering estimator: discretise each modality with k-means, then solve the exact PID."""

from __future__ import annotations

import numbers
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from mmlab._validation import (
    RandomState,
    check_array,
    check_positive_int,
    check_same_length,
    check_scalar,
    seed_from_random_state,
)
from mmlab.quantify.pid._result import PIDResult

__all__ = ["cluster_pid", "discretize"]


def discretize(x: npt.ArrayLike, n_clusters: int = 16, *, random_state: RandomState = 0, n_init: int = 4) -> np.ndarray:
    r"""Replace each sample by the index of its k-means cluster.

    .. math::

        c_i = \arg\min_{k \in \{0..K-1\}} \lVert x_i - \mu_k \rVert_2 ,

    where :math:`\mu_0, \dots, \mu_{K-1}` are the centroids k-means finds (the
    best of ``n_init`` k-means++ starts) and :math:`K` is ``n_clusters``.

    Parameters
    ----------
    x : array-like of shape (n, d) or (n,)
        Continuous features of one modality (or a continuous label).
    n_clusters : int, default=16
        :math:`K`, the alphabet size of the discretised variable.
    random_state : int or numpy.random.Generator, default=0
        Seeds the k-means initialisation.
    n_init : int, default=4
        Number of k-means restarts.

    Returns
    -------
    ndarray of int64, shape (n,)
        Cluster indices in ``0 .. n_clusters - 1``.

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or ``n_clusters``, ``n_init`` or
        ``random_state`` has the wrong type.
    ValueError
        If ``x`` is not 1-D or 2-D, not finite, or has fewer rows than
        clusters, or ``random_state`` is a negative int.

    Notes
    -----
    k-means measures plain Euclidean distance, so features on very different
    scales should be standardised first (the :mod:`mmlab.data`
    generators already give unit-variance features).

    Examples
    --------
    >>> x = np.r_[np.zeros((5, 2)), np.ones((5, 2))]
    >>> np.unique(discretize(x, 2)).tolist()
    [0, 1]
    """
    from sklearn.cluster import KMeans

    arr = check_array(x, "x", ndim=(1, 2), dtype=float)
    arr = arr.reshape(-1, 1) if arr.ndim == 1 else arr
    k = check_positive_int(n_clusters, "n_clusters")
    n_init = check_positive_int(n_init, "n_init")
    if arr.shape[0] < k:
        raise ValueError(
            f"x must have at least n_clusters={k} rows to form {k} clusters; got {arr.shape[0]}. "
            "Lower n_clusters or pass more samples."
        )
    seed = _seed(random_state)
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    return km.fit_predict(arr).astype(np.int64)


def cluster_pid(
    x1: npt.ArrayLike,
    x2: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    n_clusters: int = 16,
    label_clusters: int | None = None,
    smoothing: float = 0.0,
    random_state: RandomState = 0,
) -> PIDResult:
    r"""Estimate the PID of continuous data by clustering each variable and solving the exact problem.

    Each modality is discretised by k-means (:func:`discretize`), giving codes
    :math:`c_1, c_2`; a continuous label is clustered too. The empirical joint
    table, optionally smoothed with a pseudo-count :math:`\alpha` per cell,

    .. math::

        \hat p(a, b, y) = \frac{n_{aby} + \alpha}{n + \alpha\, K_1 K_2 |\mathcal Y|},

    with :math:`n_{aby}` the number of samples with :math:`c_1 = a`,
    :math:`c_2 = b` and label :math:`y`, then goes to the exact solver
    :func:`mmlab.quantify.exact_pid`, which minimises :math:`I_q(X_1, X_2; Y)`
    over the couplings :math:`q` with :math:`q(x_1, y) = \hat p(x_1, y)` and
    :math:`q(x_2, y) = \hat p(x_2, y)`.

    Parameters
    ----------
    x1, x2 : array-like of shape (n, d_i) or (n,)
        The two modalities, paired row by row. A 1-D array of integers is taken
        as already discrete (e.g. ground-truth codes) and not clustered.
    y : array-like of shape (n,)
        Labels. Integer, boolean or string dtype: discrete classes (re-encoded
        to ``0 .. |Y| - 1``). Float dtype: a continuous target, clustered into
        ``label_clusters`` bins by k-means.
    n_clusters : int, default=16
        :math:`K_1 = K_2`, clusters per modality.
    label_clusters : int, optional
        Clusters for a continuous label (default ``n_clusters``).
    smoothing : float, default=0.0
        :math:`\alpha \ge 0`, the pseudo-count added to every cell.
    random_state : int or numpy.random.Generator, default=0
        Seeds k-means; an int is passed as is to every run, so the codes are
        those of ``discretize(x_m, n_clusters, random_state=random_state)``.
        The same seed gives the same codes for the same data, so a data set
        and a model's predictions on it share their clusters.

    Returns
    -------
    PIDResult
        With ``method="cluster"`` and ``info`` holding ``"joint"`` (the
        table), ``"codes"`` (the three code arrays), ``"sizes"`` and the solver's
        ``"q"``.

    Raises
    ------
    TypeError
        If ``smoothing`` is not a number, an input is not numeric, or a size
        or ``random_state`` has the wrong type.
    ValueError
        On unpaired inputs, non-finite values, wrong dimensions, fewer samples
        than clusters, a negative or infinite ``smoothing``, a label with one
        class, or a negative ``random_state``.

    Notes
    -----
    The estimate is biased in two directions. Clustering loses information (a
    cluster can merge points with different labels), which lowers every term;
    the plug-in table overstates mutual information by roughly
    :math:`(\text{cells}) / (2 n \ln 2)` bits, and that excess lands mostly in
    synergy, the atom that needs the full three-way table. Use
    :math:`n \gg K_1 K_2 |\mathcal Y|` samples; smoothing trades the upward bias
    for a downward one.

    References
    ----------
    Liang, P. P. et al. Quantifying & modeling multimodal interactions: an
    information decomposition framework. NeurIPS 2023 (the CVX estimator on
    clustered features). Bertschinger, N. et al. Quantifying unique
    information. Entropy, 2014.

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> d = make_interaction(1000, "redundancy", random_state=0)
    >>> cluster_pid(*d.modalities, d.y).dominant
    'redundancy'
    """
    from mmlab.quantify.pid._exact import exact_pid
    from mmlab.quantify.pid._tables import from_samples

    k = check_positive_int(n_clusters, "n_clusters")
    ky = k if label_clusters is None else check_positive_int(label_clusters, "label_clusters")
    alpha = check_scalar(smoothing, "smoothing", min_val=0)
    arrays = [check_array(v, name, ndim=(1, 2)) for v, name in ((x1, "x1"), (x2, "x2"), (y, "y"))]
    n = check_same_length(arrays, ["x1", "x2", "y"])
    if arrays[2].ndim != 1:
        raise ValueError(f"y must have shape (n,), one label per sample; got shape {arrays[2].shape}.")
    seed = _seed(random_state)  # one seed for every k-means run: discretize(x_m, K, random_state=seed)
    c1 = _codes(arrays[0], k, seed, "x1")
    c2 = _codes(arrays[1], k, seed, "x2")
    if arrays[2].dtype.kind in "biuUS":
        cy = np.unique(arrays[2], return_inverse=True)[1].astype(np.int64)
    else:
        cy = discretize(arrays[2], ky, random_state=seed)
    sizes = (int(c1.max()) + 1, int(c2.max()) + 1, int(cy.max()) + 1)
    if sizes[2] < 2:
        raise ValueError(
            "y must take at least two values; got a single class, so there is no information to decompose."
        )
    table = from_samples(c1, c2, cy, sizes=sizes)
    if alpha > 0:
        table = (table * n + alpha) / (n + alpha * table.size)
    # sampling error dwarfs 1e-9 bits: a looser tolerance than the exact solver's default is plenty
    result = exact_pid(table, tol=1e-9, max_iter=300)
    info = MappingProxyType(
        {"joint": table, "codes": (c1, c2, cy), "sizes": sizes, "q": result.q, "n": n, "smoothing": alpha}
    )
    return PIDResult(
        redundancy=result.redundancy,
        unique1=result.unique1,
        unique2=result.unique2,
        synergy=result.synergy,
        total=result.total,
        method="cluster",
        q=result.q,
        n_iter=result.n_iter,
        duality_gap=result.duality_gap,
        info=info,
    )


def _codes(x: np.ndarray, k: int, seed: int, name: str) -> np.ndarray:
    """Discrete codes of one modality: given integers pass through (re-encoded), features are clustered."""
    if x.ndim == 1 and x.dtype.kind in "biu":
        return np.unique(x, return_inverse=True)[1].astype(np.int64)
    try:
        return discretize(x, k, random_state=seed)
    except (TypeError, ValueError) as err:
        raise type(err)(str(err).replace("x must", f"{name} must", 1)) from None


def _seed(random_state: RandomState) -> int:
    """An int seed for sklearn (below 2**32), from ``random_state``: an int as it is, else a fresh draw."""
    seed = seed_from_random_state(random_state)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return seed  # sklearn says so itself if an int seed is 2**32 or more
    return seed % 2**32
