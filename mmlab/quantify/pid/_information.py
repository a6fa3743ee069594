"""Entropy and mutual information of discrete joint tables, in bits.

The information-theoretic quantities the PID lecture starts from: the
entropy of a table, the mutual information of a two-way table and the
conditional mutual information of a three-way table. Every function validates
its table with :func:`mmlab._validation.check_probability_table` (finite,
non-negative, summing to 1) and works in bits.

Used by: ``lectures/6_quantification/01_information_and_pid.ipynb``, the exact
solver (:func:`mmlab.quantify.pid.exact_pid`) and the estimators.

References
----------
T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
Wiley, 2006, chapter 2.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_probability_table

__all__ = ["conditional_mutual_information", "entropy", "mutual_information"]


def entropy(p: npt.ArrayLike) -> float:
    r"""Shannon entropy, in bits, of a discrete distribution given as a table.

    .. math:: H(X) = -\sum_{x} p(x) \log_2 p(x)

    where :math:`x` runs over every cell of the table (a multi-index for a
    joint table, so an n-dimensional table gives the joint entropy of its n
    variables) and :math:`0 \log 0 = 0`.

    Parameters
    ----------
    p : array-like of shape (n_1, ..., n_d)
        Probabilities: finite, non-negative, summing to 1.

    Returns
    -------
    float
        :math:`H` in bits, between 0 and :math:`\log_2` (number of cells).

    Raises
    ------
    ValueError
        If ``p`` is empty, not finite, has negative entries or does not sum to 1.
    TypeError
        If ``p`` is not real numbers (strings, objects, complex numbers).

    See Also
    --------
    mutual_information, conditional_mutual_information

    References
    ----------
    T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
    Wiley, 2006, chapter 2 (sections 2.1-2.5).

    Examples
    --------
    >>> entropy([0.5, 0.5])
    1.0
    >>> round(entropy([[0.25, 0.25], [0.5, 0.0]]), 4)
    1.5
    """
    return _entropy_bits(check_probability_table(p, "p"))


def mutual_information(pxy: npt.ArrayLike) -> float:
    r"""Mutual information I(X; Y), in bits, of a joint table ``pxy[x, y]``.

    .. math:: I(X; Y) = H(X) + H(Y) - H(X, Y)
              = \sum_{x, y} p(x, y) \log_2 \frac{p(x, y)}{p(x)\, p(y)}

    with :math:`p(x)` and :math:`p(y)` the row and column sums of the table.

    Parameters
    ----------
    pxy : array-like of shape (n_x, n_y)
        Joint probabilities of X (rows) and Y (columns).

    Returns
    -------
    float
        :math:`I(X; Y) \ge 0` in bits (tiny negative round-off is returned as 0).

    Raises
    ------
    ValueError
        If ``pxy`` is not 2-D, is empty, not finite, has negative entries or
        does not sum to 1.
    TypeError
        If ``pxy`` is not real numbers (strings, objects, complex numbers).

    See Also
    --------
    entropy, conditional_mutual_information

    References
    ----------
    T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
    Wiley, 2006, chapter 2 (sections 2.1-2.5).

    Examples
    --------
    >>> mutual_information([[0.5, 0.0], [0.0, 0.5]])  # Y = X, one bit
    1.0
    >>> mutual_information([[0.25, 0.25], [0.25, 0.25]])  # independent
    0.0
    """
    pxy = check_probability_table(pxy, "pxy", ndim=2)
    return _mi_bits(pxy)


def conditional_mutual_information(pxyz: npt.ArrayLike) -> float:
    r"""Conditional mutual information I(X; Y | Z), in bits, of a table ``pxyz[x, y, z]``.

    The axes are, in order, X, Y and the conditioning variable Z; transpose
    the table to condition on another axis (``p.transpose(0, 2, 1)`` turns a
    ``p[x1, x2, y]`` table into I(X1; Y | X2)).

    .. math:: I(X; Y \mid Z) = H(X, Z) + H(Y, Z) - H(Z) - H(X, Y, Z)
              = \sum_{x, y, z} p(x, y, z)
                \log_2 \frac{p(z)\, p(x, y, z)}{p(x, z)\, p(y, z)}

    Parameters
    ----------
    pxyz : array-like of shape (n_x, n_y, n_z)
        Joint probabilities of X, Y and Z.

    Returns
    -------
    float
        :math:`I(X; Y \mid Z) \ge 0` in bits (tiny negative round-off is returned as 0).

    Raises
    ------
    ValueError
        If ``pxyz`` is not 3-D, is empty, not finite, has negative entries or
        does not sum to 1.
    TypeError
        If ``pxyz`` is not real numbers (strings, objects, complex numbers).

    See Also
    --------
    mutual_information, exact_pid

    References
    ----------
    T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
    Wiley, 2006, chapter 2 (sections 2.1-2.5).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((2, 2, 2))          # X, Y fair coins, Z = X xor Y
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         p[x, y, x ^ y] = 0.25
    >>> conditional_mutual_information(p)  # independent, yet 1 bit given Z
    1.0
    """
    pxyz = check_probability_table(pxyz, "pxyz", ndim=3)
    return _cmi_bits(pxyz)


# --------------------------------------------------------------------------- #
# entropies of validated tables (shared with the solver and the estimators)
# --------------------------------------------------------------------------- #
def _entropy_bits(p: np.ndarray) -> float:
    """Entropy in bits of a validated table (zero cells contribute 0)."""
    nz = p[p > 0]
    return float(-(nz * np.log2(nz)).sum())


def _mi_bits(pxy: np.ndarray) -> float:
    """I(X; Y) in bits of a validated 2-D table, clipped at 0 against round-off."""
    value = _entropy_bits(pxy.sum(axis=1)) + _entropy_bits(pxy.sum(axis=0)) - _entropy_bits(pxy)
    return max(value, 0.0)


def _cmi_bits(pxyz: np.ndarray) -> float:
    """I(X; Y | Z) in bits of a validated 3-D table ``pxyz[x, y, z]``, clipped at 0."""
    value = (
        _entropy_bits(pxyz.sum(axis=1))
        + _entropy_bits(pxyz.sum(axis=0))
        - _entropy_bits(pxyz.sum(axis=(0, 1)))
        - _entropy_bits(pxyz)
    )
    return max(value, 0.0)


_LN2 = float(np.log(2.0))
