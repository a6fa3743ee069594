"""Canonical joint distributions for partial information decomposition, and helpers to build tables.

Every table here is a NumPy array ``p`` of shape ``(|X1|, |X2|, |Y|)`` with
``p[i, j, k] = P(X1 = i, X2 = j, Y = k)``: two modalities (sources) ``X1`` and
``X2`` and a label (target) ``Y``, each coded by the integers ``0 .. size - 1``.
The canonical tables are the textbook examples on which each atom of the
partial information decomposition (PID) is known in closed form; the helpers
mix tables (:func:`mixture`), draw random ones (:func:`random_table`) and
estimate a table from paired samples (:func:`from_samples`).

Encoding conventions: a bit is coded 0/1; a pair of bits ``(a, b)`` is coded
``2 a + b``. The atoms quoted in the docstrings are those of the BROJA
decomposition of Bertschinger et al. (2014) computed by
:func:`mmlab.quantify.exact_pid`, in bits.

================  ===========  =====  =====  =====  =====  ==============
table             shape        R      U1     U2     S      I(X1,X2;Y)
================  ===========  =====  =====  =====  =====  ==============
``xor()``         (2, 2, 2)    0      0      0      1      1
``and_()``        (2, 2, 2)    0.311  0      0      0.5    0.811
``copy()``        (2, 2, 2)    0      1      0      0      1
``redundant()``   (2, 2, 2)    1      0      0      0      1
``pair_copy()``   (2, 2, 4)    0      1      1      0      2
``rdn_xor()``     (4, 4, 4)    1      0      0      1      2
================  ===========  =====  =====  =====  =====  ==============

Used by: ``lectures/6_quantification/01_information_and_pid.ipynb`` and
``labs/6_quantification/01_interactions.ipynb``.

References
----------
Williams, P. L. and Beer, R. D. Nonnegative decomposition of multivariate
information. arXiv:1004.2515, 2010.
Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. and Ay, N. Quantifying unique
information. Entropy 16(4):2161-2183, 2014.
Griffith, V. and Koch, C. Quantifying synergistic mutual information. In
Guided Self-Organization: Inception, Springer, 2014 (the RdnXor example).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import (
    check_array,
    check_choice,
    check_fraction,
    check_positive_int,
    check_probability_table,
    check_random_state,
    check_same_length,
    check_scalar,
)

__all__ = [
    "CANONICAL",
    "and_",
    "canonical",
    "copy",
    "from_samples",
    "mixture",
    "pair_copy",
    "random_table",
    "rdn_xor",
    "redundant",
    "symmetric_channel",
    "xor",
]


# --------------------------------------------------------------------------- #
# canonical tables
# --------------------------------------------------------------------------- #
def xor() -> np.ndarray:
    r"""XOR: two independent fair bits, and their parity as the label.

    .. math::

        p(x_1, x_2, y) = \tfrac14 \,[y = x_1 \oplus x_2], \qquad x_1, x_2, y \in \{0, 1\}

    where :math:`\oplus` is addition modulo 2 and :math:`[\cdot]` is 1 when the
    condition holds and 0 otherwise.

    Returns
    -------
    p : ndarray of shape (2, 2, 2)
        ``p[x1, x2, y]``; the four cells with ``y = x1 ^ x2`` hold 1/4.

    Notes
    -----
    Each bit alone says nothing about ``Y`` (``I(X1;Y) = I(X2;Y) = 0``) but the
    pair determines it (``I(X1,X2;Y) = 1`` bit), so the whole bit is synergy:
    R = U1 = U2 = 0, S = 1.

    Examples
    --------
    >>> xor()[:, :, 1]
    array([[0.  , 0.25],
           [0.25, 0.  ]])
    """
    p = np.zeros((2, 2, 2))
    for x1 in (0, 1):
        for x2 in (0, 1):
            p[x1, x2, x1 ^ x2] = 0.25
    return p


def and_() -> np.ndarray:
    r"""AND: two independent fair bits, and their conjunction as the label.

    .. math::

        p(x_1, x_2, y) = \tfrac14 \,[y = x_1 x_2], \qquad x_1, x_2, y \in \{0, 1\}

    Returns
    -------
    p : ndarray of shape (2, 2, 2)
        ``p[x1, x2, y]``; the cells ``(0,0,0), (0,1,0), (1,0,0), (1,1,1)`` hold 1/4.

    Notes
    -----
    ``I(X1,X2;Y) = H(Y) = h(1/4) ≈ 0.811`` bits and
    ``I(X1;Y) = I(X2;Y) = h(1/4) - 1/2 ≈ 0.311`` bits, where ``h`` is the
    binary entropy. The BROJA decomposition (Bertschinger et al. 2014) gives
    R ≈ 0.311, U1 = U2 = 0 and S = 0.5 bits. The name has a trailing
    underscore because ``and`` is a Python keyword.

    Examples
    --------
    >>> and_()[1, 1]
    array([0.  , 0.25])
    """
    p = np.zeros((2, 2, 2))
    for x1 in (0, 1):
        for x2 in (0, 1):
            p[x1, x2, x1 & x2] = 0.25
    return p


def copy(*, source: int = 1) -> np.ndarray:
    r"""COPY of one source: two independent fair bits, and one of them as the label.

    .. math::

        p(x_1, x_2, y) = \tfrac14 \,[y = x_s], \qquad x_1, x_2, y \in \{0, 1\}

    where :math:`s \in \{1, 2\}` is ``source``.

    Convention: the label is the *single* bit ``Y = X1`` (``|Y| = 2``), not the
    pair ``Y = (X1, X2)`` that Williams and Beer call COPY; that one is
    :func:`pair_copy`.

    Parameters
    ----------
    source : {1, 2}, default=1
        Which source the label copies.

    Returns
    -------
    p : ndarray of shape (2, 2, 2)
        ``p[x1, x2, y]``.

    Raises
    ------
    ValueError
        If ``source`` is not 1 or 2.

    Notes
    -----
    With ``source=1``: ``I(X1;Y) = 1`` bit, ``I(X2;Y) = 0``, so all the
    information is unique to ``X1``: U1 = 1, R = U2 = S = 0 bits (U2 = 1 with
    ``source=2``).

    Examples
    --------
    >>> copy()[1, :, 1]
    array([0.25, 0.25])
    """
    if isinstance(source, bool) or source not in (1, 2):
        raise ValueError(f"source must be 1 or 2 (the source the label copies); got {source!r}.")
    p = np.zeros((2, 2, 2))
    for x1 in (0, 1):
        for x2 in (0, 1):
            p[x1, x2, x1 if source == 1 else x2] = 0.25
    return p


def redundant() -> np.ndarray:
    r"""Redundancy: one fair bit seen by both sources and equal to the label, ``X1 = X2 = Y``.

    .. math::

        p(x_1, x_2, y) = \tfrac12 \,[x_1 = x_2 = y], \qquad x_1, x_2, y \in \{0, 1\}

    Returns
    -------
    p : ndarray of shape (2, 2, 2)
        ``p[0, 0, 0] = p[1, 1, 1] = 1/2``, all other cells 0.

    Notes
    -----
    Either source alone gives the whole bit: R = 1, U1 = U2 = S = 0 bits.

    Examples
    --------
    >>> float(redundant()[1, 1, 1])
    0.5
    """
    p = np.zeros((2, 2, 2))
    p[0, 0, 0] = p[1, 1, 1] = 0.5
    return p


def pair_copy() -> np.ndarray:
    r"""Pair COPY (Williams and Beer's COPY, ``dit``'s ``Unq``): the label is the pair ``Y = (X1, X2)``.

    .. math::

        p(x_1, x_2, y) = \tfrac14 \,[y = 2 x_1 + x_2], \qquad x_1, x_2 \in \{0, 1\},\ y \in \{0, 1, 2, 3\}

    Returns
    -------
    p : ndarray of shape (2, 2, 4)
        ``p[x1, x2, 2 * x1 + x2] = 1/4``.

    Notes
    -----
    ``I(X1,X2;Y) = 2`` bits, one from each independent source. BROJA gives
    U1 = U2 = 1, R = S = 0 bits. Williams and Beer's ``I_min`` measure instead
    reports R = 1 and S = 1 bit here, the example that motivated later measures.

    Examples
    --------
    >>> pair_copy().shape
    (2, 2, 4)
    """
    p = np.zeros((2, 2, 4))
    for x1 in (0, 1):
        for x2 in (0, 1):
            p[x1, x2, 2 * x1 + x2] = 0.25
    return p


def rdn_xor() -> np.ndarray:
    r"""RdnXor (Griffith and Koch 2014): a shared bit plus an XOR, one bit of redundancy and one of synergy.

    Draw three independent fair bits ``r, a, b``; ``X1 = (r, a)``,
    ``X2 = (r, b)`` and ``Y = (r, a ⊕ b)``, each pair coded ``2 * first + second``:

    .. math::

        p(x_1, x_2, y) = \tfrac18 \,[x_1 = 2r + a,\ x_2 = 2r + b,\ y = 2r + (a \oplus b)]

    Returns
    -------
    p : ndarray of shape (4, 4, 4)
        Eight cells of 1/8.

    Notes
    -----
    ``r`` is known to both sources (1 bit of redundancy) and ``a ⊕ b`` needs
    both (1 bit of synergy): R = 1, U1 = U2 = 0, S = 1, ``I(X1,X2;Y) = 2`` bits.

    Examples
    --------
    >>> int((rdn_xor() > 0).sum())
    8
    """
    p = np.zeros((4, 4, 4))
    for r in (0, 1):
        for a in (0, 1):
            for b in (0, 1):
                p[2 * r + a, 2 * r + b, 2 * r + (a ^ b)] = 0.125
    return p


#: The canonical 2x2x2 tables by name (the widget's endpoints), read-only.
CANONICAL: Mapping[str, Callable[[], np.ndarray]] = MappingProxyType(
    {
        "xor": xor,
        "and": and_,
        "copy": copy,
        "redundant": redundant,
    }
)


def canonical(name: str) -> np.ndarray:
    """Return a canonical 2x2x2 table by name: ``"xor"``, ``"and"``, ``"copy"`` or ``"redundant"``.

    Parameters
    ----------
    name : str
        One of the keys of :data:`CANONICAL`.

    Returns
    -------
    p : ndarray of shape (2, 2, 2)

    Raises
    ------
    ValueError
        If ``name`` is not one of the four names.

    Examples
    --------
    >>> bool((canonical("xor") == xor()).all())
    True
    """
    check_choice(name, "name", tuple(CANONICAL))
    return CANONICAL[name]()


# --------------------------------------------------------------------------- #
# a two-variable table for the mutual-information refresher
# --------------------------------------------------------------------------- #
def symmetric_channel(noise: float, *, k: int = 2) -> np.ndarray:
    r"""Joint table of a uniform input sent through a k-ary symmetric channel.

    .. math::

        p(x, y) = \frac1k \Big[(1 - \varepsilon)\,[y = x] + \frac{\varepsilon}{k - 1}\,[y \neq x]\Big]

    where :math:`\varepsilon` is ``noise``, the probability that the output
    differs from the input (then uniformly over the other ``k - 1`` symbols).

    Parameters
    ----------
    noise : float in [0, 1]
        Probability of a symbol error :math:`\varepsilon`.
    k : int >= 2, default=2
        Alphabet size of input and output.

    Returns
    -------
    p : ndarray of shape (k, k)
        ``p[x, y]``, a two-variable joint table (not a PID table).

    Raises
    ------
    TypeError, ValueError
        If ``noise`` is not a number in [0, 1] or ``k`` is not an integer >= 2.

    Notes
    -----
    The mutual information has the closed form
    ``I(X;Y) = log2 k - h(ε) - ε log2(k - 1)`` bits, with ``h`` the binary
    entropy; for ``k = 2`` it is ``1 - h(ε)``, zero at ``ε = 1/2``.

    Examples
    --------
    >>> symmetric_channel(0.1)
    array([[0.45, 0.05],
           [0.05, 0.45]])
    """
    noise = check_fraction(noise, "noise")
    k = check_positive_int(k, "k", minimum=2)
    p = np.full((k, k), noise / (k - 1))
    np.fill_diagonal(p, 1.0 - noise)
    return p / k


# --------------------------------------------------------------------------- #
# building tables
# --------------------------------------------------------------------------- #
def mixture(p: npt.ArrayLike, q: npt.ArrayLike, t: float) -> np.ndarray:
    r"""Convex combination of two joint tables, ``(1 - t) p + t q`` (the morph of the PID widget).

    .. math::

        m_t(x_1, x_2, y) = (1 - t)\, p(x_1, x_2, y) + t\, q(x_1, x_2, y), \qquad t \in [0, 1]

    Parameters
    ----------
    p, q : array-like of shape (|X1|, |X2|, |Y|)
        Two joint tables of the same shape (non-negative, each summing to 1).
    t : float in [0, 1]
        Weight of ``q``: ``t = 0`` returns ``p``, ``t = 1`` returns ``q``.

    Returns
    -------
    m : ndarray of shape (|X1|, |X2|, |Y|)
        A probability table that sums to 1 to round-off (both inputs are
        validated with the one tolerance ``SUM_RTOL`` of
        :func:`mmlab._validation.check_probability_table` and rescaled, and the
        mixture is rescaled again), so every table function accepts it.

    Raises
    ------
    TypeError
        If a table is not real numbers or ``t`` is not a real number.
    ValueError
        If a table is not a valid 3-D probability table, the shapes differ, or
        ``t`` is outside [0, 1].

    Notes
    -----
    The mixture is a distribution over the same alphabets; it is *not* the
    same as mixing the atoms, since the PID is not linear in the table.

    Examples
    --------
    >>> mixture(xor(), redundant(), 0.5)[0, 0]
    array([0.375, 0.   ])
    """
    p = check_probability_table(p, "p", ndim=3)
    q = check_probability_table(q, "q", ndim=3)
    if p.shape != q.shape:
        raise ValueError(
            f"p and q must have the same shape (the same alphabets); got {p.shape} and {q.shape}. "
            "Mix tables over the same (|X1|, |X2|, |Y|)."
        )
    t = check_fraction(t, "t")
    m = (1.0 - t) * p + t * q
    return m / m.sum()


def from_samples(
    x1: npt.ArrayLike, x2: npt.ArrayLike, y: npt.ArrayLike, *, sizes: Sequence[int] | None = None
) -> np.ndarray:
    r"""Empirical joint table of paired discrete samples: counts divided by the number of samples.

    .. math::

        \hat p(a, b, c) = \frac1n \sum_{i=1}^{n} [x_{1,i} = a,\ x_{2,i} = b,\ y_i = c]

    where :math:`n` is the number of samples and :math:`[\cdot]` the indicator.

    Parameters
    ----------
    x1, x2, y : array-like of shape (n,)
        Integer labels ``0 .. size - 1`` of the two sources and the target for
        the same ``n`` samples (integer-valued floats and booleans are accepted).
    sizes : (int, int, int), optional
        Alphabet sizes ``(|X1|, |X2|, |Y|)``. Default: one more than the largest
        label seen in each variable (so unseen top symbols are dropped; give
        ``sizes`` to keep them as zero rows).

    Returns
    -------
    p : ndarray of shape (|X1|, |X2|, |Y|)
        Non-negative, sums to 1.

    Raises
    ------
    TypeError
        If a label array is not numeric or holds non-integer values.
    ValueError
        If the arrays are not 1-D, are empty, differ in length, hold negative
        labels or labels outside ``sizes``, or ``sizes`` is malformed.

    Notes
    -----
    The plug-in estimate: mutual information computed from it is biased
    upwards, by about ``(|X||Y| - |X| - |Y| + 1) / (2 n ln 2)`` bits for a
    pair of variables (Miller-Madow), so use many samples per cell.

    Examples
    --------
    >>> from_samples([0, 1, 1, 0], [0, 1, 0, 1], [0, 0, 1, 1])[:, :, 1]
    array([[0.  , 0.25],
           [0.25, 0.  ]])
    """
    labels = [_check_labels(v, name) for v, name in ((x1, "x1"), (x2, "x2"), (y, "y"))]
    n = check_same_length(labels, ["x1", "x2", "y"])
    if n == 0:
        raise ValueError("x1, x2 and y must hold at least one sample; got empty arrays.")
    if sizes is None:
        shape = tuple(int(v.max()) + 1 for v in labels)
    else:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) != 3:
            raise ValueError(f"sizes must be three alphabet sizes (|X1|, |X2|, |Y|); got {sizes!r}.")
        shape = tuple(check_positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes))
        for v, name, size in zip(labels, ("x1", "x2", "y"), shape, strict=True):
            if int(v.max()) >= size:
                raise ValueError(
                    f"{name} holds the label {int(v.max())}, but sizes gives it an alphabet of {size} "
                    f"(labels 0..{size - 1}). Enlarge sizes or re-encode the labels."
                )
    flat = np.ravel_multi_index(tuple(labels), shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape) / n


def random_table(
    shape: Sequence[int],
    *,
    random_state: int | np.random.Generator | None = None,
    concentration: float = 1.0,
    zero_fraction: float = 0.0,
) -> np.ndarray:
    r"""A random joint table drawn from a symmetric Dirichlet, optionally with some cells set to zero.

    .. math::

        p \sim \mathrm{Dirichlet}(\alpha, \dots, \alpha) \ \text{over the } |X_1||X_2||Y| \text{ cells}

    where :math:`\alpha` is ``concentration``; then a ``zero_fraction`` of the
    cells (at most all but one) is set to zero and the table renormalised.

    Parameters
    ----------
    shape : (int, int, int)
        Alphabet sizes ``(|X1|, |X2|, |Y|)``.
    random_state : int, numpy.random.Generator or None, default=None
        Seed or generator; ``None`` draws fresh entropy.
    concentration : float > 0, default=1.0
        Dirichlet parameter: 1 is uniform over the simplex, small values give
        peaked tables, large values tables close to uniform.
    zero_fraction : float in [0, 1), default=0.0
        Share of cells forced to zero (tables with zero cells test solvers on
        the boundary of the simplex).

    Returns
    -------
    p : ndarray of shape ``shape``

    Raises
    ------
    TypeError, ValueError
        If ``shape`` is not three positive integers, or a parameter is out of range.

    Examples
    --------
    >>> random_table((2, 3, 2), random_state=0).shape
    (2, 3, 2)
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or len(shape) != 3:
        raise ValueError(f"shape must be three alphabet sizes (|X1|, |X2|, |Y|); got {shape!r}.")
    shape = tuple(check_positive_int(s, f"shape[{i}]") for i, s in enumerate(shape))
    concentration = check_scalar(concentration, "concentration", min_val=0, include_boundaries="neither")
    zero_fraction = check_fraction(zero_fraction, "zero_fraction", inclusive=(True, False))
    rng = check_random_state(random_state)
    size = int(np.prod(shape))
    p = rng.dirichlet(np.full(size, float(concentration)))
    n_zero = min(int(round(zero_fraction * size)), size - 1)
    if n_zero:
        p[rng.choice(size, size=n_zero, replace=False)] = 0.0
        if p.sum() <= 0:  # every surviving cell underflowed: keep one
            p[rng.integers(size)] = 1.0
    return (p / p.sum()).reshape(shape)


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _check_labels(v: Any, name: str) -> np.ndarray:
    """Return ``v`` as a 1-D int64 array of non-negative integer labels."""
    arr = check_array(v, name, ndim=1)
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(
            f"{name} must hold integer labels 0..k-1; got dtype {arr.dtype}. "
            "Encode categories with np.unique(values, return_inverse=True)."
        )
    if not np.issubdtype(arr.dtype, np.integer):
        if np.any(arr != np.round(arr)):
            raise TypeError(
                f"{name} must hold integer labels 0..k-1; got non-integer values such as "
                f"{arr[arr != np.round(arr)][0]!r}. Discretise continuous values first (e.g. k-means or bins)."
            )
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0; got {int(arr.min())}. Shift or re-encode the labels.")
    return arr
