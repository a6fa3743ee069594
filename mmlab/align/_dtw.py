"""Dynamic time warping: the optimal monotone alignment of two sequences.

:func:`dtw` computes the classic recurrence on Euclidean local distances,
vectorised along the anti-diagonals of the cost matrix (every cell of one
anti-diagonal depends only on the two before it), and backtracks the optimal
warping path. :func:`warp_indices` carries positions of one sequence through a
path to the other (e.g. digit boundaries from one rendering to another).

Used by: ``lectures/2_alignment/02_dynamic_time_warping.ipynb`` and the
alignment lab; ``bench/bench_dtw.py`` times it against dtw-python's C core.

References
----------
Sakoe, H. and Chiba, S. Dynamic programming algorithm optimization for spoken
word recognition. IEEE Trans. ASSP 26(1), 43-49, 1978.
Giorgino, T. Computing and visualizing dynamic time warping alignments in R:
the dtw package. Journal of Statistical Software 31(7), 2009.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array

__all__ = ["DTWResult", "dtw", "local_distances", "warp_indices", "warp_segments"]


@dataclass(frozen=True, eq=False)
class DTWResult:
    """The result of :func:`dtw`.

    Attributes
    ----------
    cost : float
        :math:`D(n-1, m-1)`, the total local distance along the optimal path.
    path : ndarray
        int64 ``(L, 2)``: the optimal warping path, pairs ``(i, j)`` from
        ``(0, 0)`` to ``(n - 1, m - 1)``; each step is ``(1, 1)``, ``(0, 1)``
        or ``(1, 0)``.
    local : ndarray
        float64 ``(n, m)``: the local distances :math:`d(i, j) = \\lVert x_i - y_j \\rVert_2`.
    """

    cost: float
    path: np.ndarray
    local: np.ndarray
    _skewed: np.ndarray  # D stored by anti-diagonal: _skewed[k + 1, i + 1] = D(i, k - i)

    @property
    def accumulated(self) -> np.ndarray:
        """float64 ``(n, m)``: the accumulated cost :math:`D(i, j)` of every cell (computed on access)."""
        n, m = self.local.shape
        i, j = np.indices((n, m))
        return self._skewed[i + j + 1, i + 1]

    @property
    def normalized_cost(self) -> float:
        """``cost`` divided by the path length (a per-step distance, comparable across lengths)."""
        return self.cost / len(self.path)


def local_distances(x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
    r"""Euclidean distances between every element of ``x`` and every element of ``y``.

    .. math:: d(i, j) = \lVert x_i - y_j \rVert_2

    Parameters
    ----------
    x : array-like of shape (n, d) or (n,)
    y : array-like of shape (m, d) or (m,)

    Returns
    -------
    ndarray of shape (n, m)

    Raises
    ------
    TypeError, ValueError
        As :func:`dtw`.

    Examples
    --------
    >>> local_distances([0.0, 1.0], [1.0, 3.0]).tolist()
    [[1.0, 3.0], [0.0, 2.0]]
    """
    x, y = _check_pair(x, y)
    return _local(x, y)


def dtw(x: npt.ArrayLike, y: npt.ArrayLike) -> DTWResult:
    r"""Dynamic time warping of two sequences: the cheapest monotone, continuous alignment.

    With local distances :math:`d(i, j) = \lVert x_i - y_j \rVert_2`, the
    accumulated cost obeys

    .. math::

        D(i, j) = d(i, j) + \min\{ D(i-1, j),\; D(i, j-1),\; D(i-1, j-1) \}, \qquad D(0, 0) = d(0, 0),

    with :math:`D = \infty` outside the grid. :math:`D(n-1, m-1)` is the
    smallest sum of local distances over all warping paths from
    :math:`(0, 0)` to :math:`(n-1, m-1)` whose steps are :math:`(1, 0)`,
    :math:`(0, 1)` or :math:`(1, 1)` (the ``symmetric1`` step pattern of
    Giorgino 2009). The path is found by backtracking from the end, taking
    the smallest predecessor (ties: diagonal, then :math:`(i, j-1)`, then
    :math:`(i-1, j)`).

    Parameters
    ----------
    x : array-like of shape (n, d) or (n,)
        The first sequence (a 1-d input is a sequence of scalars).
    y : array-like of shape (m, d) or (m,)
        The second sequence, with the same ``d``.

    Returns
    -------
    DTWResult
        ``cost`` (float), ``path`` (int64 ``(L, 2)``), ``local`` (``(n, m)``)
        and ``accumulated`` (``(n, m)``, on access).

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If an input is empty, has more than two dimensions or NaN/infinite
        values, or the two have different feature sizes ``d``.

    See Also
    --------
    warp_indices : carry positions of ``x`` through the path to ``y``.
    mmlab.data.make_warped_pair : a pair with a planted path to recover.

    Notes
    -----
    Cells on one anti-diagonal :math:`i + j = k` depend only on the
    anti-diagonals :math:`k - 1` and :math:`k - 2`, so each anti-diagonal is
    one vectorised NumPy update: :math:`n + m - 1` updates instead of
    :math:`nm` Python steps. Time :math:`O(nm)`, memory :math:`O(nm)`.

    References
    ----------
    Sakoe, H. and Chiba, S. Dynamic programming algorithm optimization for
    spoken word recognition. IEEE Trans. ASSP 26(1), 1978.

    Examples
    --------
    >>> result = dtw([0.0, 1.0, 2.0], [0.0, 0.0, 1.0, 2.0, 2.0])
    >>> result.cost
    0.0
    >>> result.path.tolist()
    [[0, 0], [0, 1], [1, 2], [2, 3], [2, 4]]
    """
    x, y = _check_pair(x, y)
    return _dtw_core(x, y)


def _dtw_core(x: np.ndarray, y: np.ndarray) -> DTWResult:
    """DTW on validated float64 ``(n, d)`` and ``(m, d)`` arrays."""
    n, m = len(x), len(y)
    local = _local(x, y)
    flat = local.ravel()
    # S[k + 1, i + 1] = D(i, k - i); row 0 and column 0 are the infinite border
    skewed = np.full((n + m, n + 1), np.inf)
    best = np.empty(n)
    for k in range(n + m - 1):
        lo, hi = max(0, k - m + 1), min(k, n - 1)  # rows i on anti-diagonal k
        d_k = flat[k + (m - 1) * lo : k + (m - 1) * hi + 1 : m - 1] if m > 1 else flat[k : k + 1]  # d(i, k - i)
        if k == 0:
            skewed[1, 1] = d_k[0]
            continue
        b = best[: hi - lo + 1]
        np.minimum(skewed[k, lo : hi + 1], skewed[k, lo + 1 : hi + 2], out=b)  # D(i-1, j), D(i, j-1)
        np.minimum(b, skewed[k - 1, lo : hi + 1], out=b)  # D(i-1, j-1)
        np.add(b, d_k, out=skewed[k + 1, lo + 1 : hi + 2])
    path = _backtrack(skewed, n, m)
    return DTWResult(cost=float(skewed[n + m - 1, n]), path=path, local=local, _skewed=skewed)


def _backtrack(skewed: np.ndarray, n: int, m: int) -> np.ndarray:
    """Follow the smallest predecessor from (n-1, m-1) to (0, 0); ties: diagonal, left, up."""
    at = skewed.item  # Python floats: fast scalar access
    inf = float("inf")
    i, j = n - 1, m - 1
    out = [(i, j)]
    while i > 0 or j > 0:
        k = i + j + 1  # row of D(i, j) in the skewed table
        diag = at(k - 2, i) if i > 0 and j > 0 else inf  # D(i-1, j-1)
        left = at(k - 1, i + 1) if j > 0 else inf  # D(i, j-1)
        up = at(k - 1, i) if i > 0 else inf  # D(i-1, j)
        if diag <= left and diag <= up:
            i, j = i - 1, j - 1
        elif left <= up:
            j -= 1
        else:
            i -= 1
        out.append((i, j))
    return np.array(out[::-1], dtype=np.int64)


def warp_indices(path: npt.ArrayLike, positions: npt.ArrayLike, *, reduce: str = "first") -> np.ndarray:
    """Map positions of the first sequence to the second through a warping path.

    Position ``i`` of ``x`` is matched by the path to the ``y`` positions
    ``{j : (i, j) in path}``, a contiguous run; the result is its first
    element (``reduce="first"``), last (``"last"``) or rounded mean (``"mean"``).

    Parameters
    ----------
    path : array-like of shape (L, 2)
        A warping path (e.g. ``dtw(x, y).path``).
    positions : array-like of int
        Positions in ``x`` (any shape), each in ``0 .. n - 1``.
    reduce : {"first", "last", "mean"}, default="first"

    Returns
    -------
    ndarray of int64, the shape of ``positions``

    Raises
    ------
    ValueError
        If ``path`` is not ``(L, 2)``, a position is outside the path's range, or ``reduce`` is unknown.

    Examples
    --------
    >>> path = [[0, 0], [0, 1], [1, 2], [2, 3], [2, 4]]
    >>> warp_indices(path, [0, 2]).tolist(), warp_indices(path, [0, 2], reduce="last").tolist()
    ([0, 3], [1, 4])
    """
    p = check_array(path, "path", ndim=2)
    if p.shape[1] != 2 or len(p) == 0:
        raise ValueError(f"path must have shape (L, 2) with L >= 1; got shape {p.shape}.")
    if reduce not in ("first", "last", "mean"):
        raise ValueError(f"reduce must be one of ['first', 'last', 'mean']; got {reduce!r}.")
    p = p.astype(np.int64)
    pos = np.asarray(positions)
    if pos.size and (not np.issubdtype(pos.dtype, np.integer) or pos.min() < 0 or pos.max() > p[:, 0].max()):
        raise ValueError(
            f"positions must be integers in 0 .. {int(p[:, 0].max())} (the path's first column); "
            f"got values from {pos.min()} to {pos.max()}."
        )
    n = int(p[:, 0].max()) + 1
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, -1)
    total = np.zeros(n)
    count = np.zeros(n)
    np.minimum.at(first, p[:, 0], p[:, 1])
    np.maximum.at(last, p[:, 0], p[:, 1])
    np.add.at(total, p[:, 0], p[:, 1])
    np.add.at(count, p[:, 0], 1)
    table = {"first": first, "last": last, "mean": np.rint(total / np.maximum(count, 1)).astype(np.int64)}[reduce]
    return table[pos.astype(np.int64)]


def warp_segments(path: npt.ArrayLike, segments: npt.ArrayLike) -> np.ndarray:
    """Carry segments ``[start, stop)`` of the first sequence through a warping path to the second.

    The start maps to the first position of ``y`` matched with ``start``, the
    stop to one past the last position matched with ``stop - 1``.

    Parameters
    ----------
    path : array-like of shape (L, 2)
    segments : array-like of int, shape (K, 2)
        First and one-past-last position of each segment in ``x``.

    Returns
    -------
    ndarray of int64, shape (K, 2)

    Raises
    ------
    ValueError
        If ``segments`` is not ``(K, 2)`` with ``start < stop``, or as :func:`warp_indices`.

    Examples
    --------
    >>> path = [[0, 0], [0, 1], [1, 2], [2, 3], [2, 4]]
    >>> warp_segments(path, [[0, 1], [1, 3]]).tolist()
    [[0, 2], [2, 5]]
    """
    seg = np.asarray(segments)
    if seg.ndim != 2 or seg.shape[1] != 2 or not np.issubdtype(seg.dtype, np.integer) or np.any(seg[:, 1] <= seg[:, 0]):
        raise ValueError(f"segments must be (K, 2) integer pairs with start < stop; got {seg.tolist()}.")
    starts = warp_indices(path, seg[:, 0], reduce="first")
    stops = warp_indices(path, seg[:, 1] - 1, reduce="last") + 1
    return np.column_stack([starts, stops]).astype(np.int64)


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _check_pair(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    xa = check_array(x, "x", ndim=(1, 2), dtype=float)
    ya = check_array(y, "y", ndim=(1, 2), dtype=float)
    if xa.ndim == 1:
        xa = xa[:, None]
    if ya.ndim == 1:
        ya = ya[:, None]
    if len(xa) == 0 or len(ya) == 0:
        raise ValueError(f"x and y must each hold at least one element; got lengths {len(xa)} and {len(ya)}.")
    if xa.shape[1] != ya.shape[1]:
        raise ValueError(
            f"x and y must have the same feature size d (shapes (n, d) and (m, d)); got {xa.shape} and {ya.shape}."
        )
    return np.ascontiguousarray(xa), np.ascontiguousarray(ya)


def _local(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.spatial.distance import cdist

    return cdist(x, y)
