r"""The polytope :math:`\Delta_p` of a binary table, parametrised and searched by brute force.

For a 2×2×2 table ``p[x1, x2, y]``, every coupling :math:`q \in \Delta_p`
(same :math:`p(x_1, y)` and :math:`p(x_2, y)` as ``p``) is fixed by one number
per label value, :math:`d_y = q(0, 0, y)`: each slice :math:`q(\cdot, \cdot, y)`
is a 2×2 matrix with known row sums :math:`p(x_1, y)` and column sums
:math:`p(x_2, y)`, so

.. math::

    q(\cdot, \cdot, y) = \begin{pmatrix} d_y & a_y - d_y \\ b_y - d_y & p(y) - a_y - b_y + d_y \end{pmatrix},
    \qquad \max(0,\, a_y + b_y - p(y)) \le d_y \le \min(a_y, b_y),

with :math:`a_y = p(X_1{=}0, y)` and :math:`b_y = p(X_2{=}0, y)`. :math:`\Delta_p`
is therefore a rectangle in :math:`(d_0, d_1)`, and the minimum of
:math:`I_q(X_1, X_2; Y)` over it, which :func:`mmlab.quantify.exact_pid` finds
with a convex solver, can also be found by a grid search. Lecture 6.1 draws the
rectangle; the tests use the search as a brute-force reference for ``exact_pid``.

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost and N. Ay, "Quantifying unique
information", Entropy 16(4), 2161-2183, 2014.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_positive_int, check_probability_stack, check_probability_table

__all__ = ["CouplingGrid", "coupling_bounds", "coupling_from_corner", "grid_search", "joint_information"]


class CouplingGrid(NamedTuple):
    """:math:`I_q(X_1, X_2; Y)` on an ``n × n`` grid over :math:`\\Delta_p` (from :func:`grid_search`)."""

    d0: np.ndarray
    """Grid values of :math:`d_0 = q(0, 0, 0)`, shape (n,)."""
    d1: np.ndarray
    """Grid values of :math:`d_1 = q(0, 0, 1)`, shape (n,)."""
    values: np.ndarray
    """``values[i, j]`` = :math:`I_q` in bits at ``(d0[i], d1[j])``, shape (n, n)."""
    minimum: float
    """The smallest value on the grid: an upper bound on :math:`\\min_{\\Delta_p} I_q`."""


def coupling_bounds(p: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""Lower and upper bounds ``(lo, hi)``, each of shape (2,), on :math:`d_y = q(0, 0, y)` over :math:`\Delta_p`.

    .. math:: \max(0,\, a_y + b_y - p(y)) \le d_y \le \min(a_y, b_y)

    with :math:`a_y = p(X_1{=}0, y)` and :math:`b_y = p(X_2{=}0, y)`: every
    cell of the slice :math:`q(\cdot, \cdot, y)` must stay non-negative.

    Parameters
    ----------
    p : array-like of shape (2, 2, 2)
        A binary joint table ``p[x1, x2, y]``.

    Returns
    -------
    lo, hi : ndarray of shape (2,)

    Raises
    ------
    ValueError
        If ``p`` is not a 2×2×2 probability table.
    TypeError
        If ``p`` is not real numbers.

    Examples
    --------
    >>> from mmlab.quantify.pid import xor
    >>> lo, hi = coupling_bounds(xor())
    >>> lo.tolist(), hi.tolist()
    ([0.0, 0.0], [0.25, 0.25])
    """
    a, b, py = _margins(_check_binary(p))
    return np.maximum(0.0, a + b - py), np.minimum(a, b)


#: How far a corner value may lie outside :func:`coupling_bounds` (round-off of a
#: grid computed from the bounds); such values are clipped, larger excursions raise.
CORNER_ATOL: float = 1e-12


def coupling_from_corner(p: npt.ArrayLike, d: npt.ArrayLike) -> np.ndarray:
    r"""The couplings :math:`q \in \Delta_p` with :math:`q(0, 0, y) = d_y`.

    .. math::

        q(\cdot, \cdot, y) = \begin{pmatrix} d_y & a_y - d_y \\ b_y - d_y & p(y) - a_y - b_y + d_y \end{pmatrix}

    Parameters
    ----------
    p : array-like of shape (2, 2, 2)
        A binary joint table ``p[x1, x2, y]``.
    d : array-like of shape (..., 2)
        One or a grid of corner values ``(d_0, d_1)``, each inside
        :func:`coupling_bounds` (values at most ``CORNER_ATOL`` = 1e-12 outside,
        round-off of a grid, are clipped onto them).

    Returns
    -------
    ndarray of shape (..., 2, 2, 2)
        Probability tables with the (x1, y) and (x2, y) marginals of ``p``.

    Raises
    ------
    ValueError
        If ``p`` is not a 2×2×2 probability table, ``d`` does not end in an axis
        of length 2, is not finite, or a corner lies outside the bounds (the
        table would have negative cells and not sum to 1).
    TypeError
        If ``p`` or ``d`` is not numeric.

    Examples
    --------
    >>> from mmlab.quantify.pid import xor
    >>> coupling_from_corner(xor(), [0.125, 0.125])[:, :, 0]
    array([[0.125, 0.125],
           [0.125, 0.125]])
    """
    a, b, py = _margins(_check_binary(p))
    d = check_array(d, "d", dtype=float)
    if d.ndim < 1 or d.shape[-1] != 2:
        raise ValueError(f"d must hold (d_0, d_1) in its last axis, shape (..., 2); got shape {d.shape}.")
    lo, hi = np.maximum(0.0, a + b - py), np.minimum(a, b)
    outside = (d < lo - CORNER_ATOL) | (d > hi + CORNER_ATOL)
    if np.any(outside):
        bad = d[np.any(outside, axis=-1)][0] if d.ndim > 1 else d
        raise ValueError(
            f"d must lie inside coupling_bounds(p): d_0 in [{lo[0]:.6g}, {hi[0]:.6g}] and d_1 in "
            f"[{lo[1]:.6g}, {hi[1]:.6g}]; got {np.array2string(np.asarray(bad), precision=6)} "
            f"({int(np.count_nonzero(np.any(outside, axis=-1)))} corner(s) outside), which would give negative "
            "cells. Draw corners between the bounds, e.g. lo + u * (hi - lo) with u in [0, 1]."
        )
    d = np.clip(d, lo, hi)
    row0 = np.stack([d, a - d], axis=-2)  # q(0, 0, y), q(0, 1, y)
    row1 = np.stack([b - d, py - a - b + d], axis=-2)  # q(1, 0, y), q(1, 1, y)
    return np.clip(np.stack([row0, row1], axis=-3), 0.0, None)


def joint_information(q: npt.ArrayLike) -> np.ndarray:
    r""":math:`I_q(X_1, X_2; Y)` in bits of one table or a stack of tables ``q[..., x1, x2, y]``.

    .. math:: I_q(X_1, X_2; Y) = \sum q(x_1, x_2, y) \log_2 \frac{q(x_1, x_2, y)}{q(x_1, x_2)\, q(y)}

    The vectorised form of :func:`mmlab.quantify.mutual_information` of
    ``q.reshape(-1, n_y)``, for many tables at once.

    Parameters
    ----------
    q : array-like of shape (..., n_x1, n_x2, n_y)
        Probability tables in the last three axes: each real, finite,
        non-negative and summing to 1 (within ``SUM_RTOL``; accepted tables
        are rescaled to sum to exactly 1).

    Returns
    -------
    ndarray of shape (...)
        One value (bits, >= 0) per table; a 0-d array for a single table.

    Raises
    ------
    ValueError
        If ``q`` has fewer than 3 axes, is empty, has non-finite or negative
        entries, or a table does not sum to 1.
    TypeError
        If ``q`` is not real numbers.

    Examples
    --------
    >>> from mmlab.quantify.pid import xor
    >>> float(joint_information(xor()))
    1.0
    """
    q = check_probability_stack(q, "q", table_ndim=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = q / (q.sum(-1, keepdims=True) * q.sum((-3, -2), keepdims=True))
        return np.where(q > 0, q * np.log2(ratio), 0.0).sum((-3, -2, -1))


def grid_search(p: npt.ArrayLike, n: int = 101) -> CouplingGrid:
    r"""Evaluate :math:`I_q(X_1, X_2; Y)` on an ``n × n`` grid over the rectangle :math:`\Delta_p`.

    ``minimum`` is a brute-force upper bound on the value :func:`exact_pid`
    minimises, :math:`I_{q^*}(X_1, X_2; Y) = R + U_1 + U_2`; it approaches it
    as ``n`` grows.

    Parameters
    ----------
    p : array-like of shape (2, 2, 2)
        A binary joint table ``p[x1, x2, y]``.
    n : int >= 2, default=101
        Grid points per axis.

    Returns
    -------
    CouplingGrid

    Raises
    ------
    ValueError
        If ``p`` is not a 2×2×2 probability table or ``n`` < 2.
    TypeError
        If ``p`` is not numeric or ``n`` is not an integer.

    Examples
    --------
    >>> from mmlab.quantify.pid import and_
    >>> round(grid_search(and_(), 11).minimum, 4)   # R + U1 + U2 of AND
    0.3113
    """
    n = check_positive_int(n, "n", minimum=2)
    lo, hi = coupling_bounds(p)
    d0, d1 = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    corners = np.stack(np.meshgrid(d0, d1, indexing="ij"), axis=-1)
    values = joint_information(coupling_from_corner(p, corners))
    return CouplingGrid(d0=d0, d1=d1, values=values, minimum=float(values.min()))


def _check_binary(p: npt.ArrayLike) -> np.ndarray:
    arr = check_probability_table(p, "p", ndim=3)
    if arr.shape != (2, 2, 2):
        raise ValueError(
            f"p must be a binary table of shape (2, 2, 2) to be parametrised by (d_0, d_1); "
            f"got shape {arr.shape}. Use mmlab.quantify.exact_pid for other sizes."
        )
    return arr


def _margins(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``a_y = p(X1=0, y)``, ``b_y = p(X2=0, y)`` and ``p(y)``, each of shape (2,)."""
    return p[0].sum(axis=0), p[:, 0].sum(axis=0), p.sum(axis=(0, 1))
