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
:math:`I_q(X_1, X_2; Y)` over it, which :func:`mmlab.quantify.pid` finds with a
convex solver, can also be found by a grid search. Lecture 6.1 draws the
rectangle; the tests use the search as a brute-force reference for ``pid``.

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost and N. Ay, "Quantifying unique
information", Entropy 16(4), 2161-2183, 2014.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_positive_int
from mmlab._validation import check_probability_table

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
    """Lower and upper bounds ``(lo, hi)``, each of shape (2,), on :math:`d_y = q(0, 0, y)` over :math:`\\Delta_p`.

    Raises
    ------
    ValueError
        If ``p`` is not a 2×2×2 probability table.
    """
    a, b, py = _margins(_check_binary(p))
    return np.maximum(0.0, a + b - py), np.minimum(a, b)


def coupling_from_corner(p: npt.ArrayLike, d: npt.ArrayLike) -> np.ndarray:
    """The couplings :math:`q \\in \\Delta_p` with :math:`q(0, 0, y) = d_y`.

    Parameters
    ----------
    p : array-like of shape (2, 2, 2)
    d : array-like of shape (..., 2)
        One or a grid of corner values ``(d_0, d_1)``, inside :func:`coupling_bounds`
        (round-off outside them is clipped to 0).

    Returns
    -------
    ndarray of shape (..., 2, 2, 2)
    """
    a, b, py = _margins(_check_binary(p))
    d = check_array(d, "d", dtype=float)
    if d.ndim < 1 or d.shape[-1] != 2:
        raise ValueError(f"d must hold (d_0, d_1) in its last axis, shape (..., 2); got shape {d.shape}.")
    row0 = np.stack([d, a - d], axis=-2)                   # q(0, 0, y), q(0, 1, y)
    row1 = np.stack([b - d, py - a - b + d], axis=-2)      # q(1, 0, y), q(1, 1, y)
    return np.clip(np.stack([row0, row1], axis=-3), 0.0, None)


def joint_information(q: npt.ArrayLike) -> np.ndarray:
    r""":math:`I_q(X_1, X_2; Y)` in bits of one table or a stack of tables ``q[..., x1, x2, y]``.

    .. math:: I_q(X_1, X_2; Y) = \sum q(x_1, x_2, y) \log_2 \frac{q(x_1, x_2, y)}{q(x_1, x_2)\, q(y)}

    The vectorised form of :func:`mmlab.quantify.mutual_information` of
    ``q.reshape(-1, n_y)``, for many tables at once.
    """
    q = check_array(q, "q", dtype=float)
    if q.ndim < 3:
        raise ValueError(f"q must have shape (..., n_x1, n_x2, n_y); got shape {q.shape}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = q / (q.sum(-1, keepdims=True) * q.sum((-3, -2), keepdims=True))
        return np.where(q > 0, q * np.log2(ratio), 0.0).sum((-3, -2, -1))


def grid_search(p: npt.ArrayLike, n: int = 101) -> CouplingGrid:
    """Evaluate :math:`I_q(X_1, X_2; Y)` on an ``n × n`` grid over the rectangle :math:`\\Delta_p`.

    ``minimum`` is a brute-force upper bound on the value ``pid`` minimises,
    :math:`I_{q^*}(X_1, X_2; Y) = R + U_1 + U_2`; it approaches it as ``n`` grows.
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
        raise ValueError(f"p must be a binary table of shape (2, 2, 2) to be parametrised by (d_0, d_1); "
                         f"got shape {arr.shape}. Use mmlab.quantify.pid for other sizes.")
    return arr


def _margins(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``a_y = p(X1=0, y)``, ``b_y = p(X2=0, y)`` and ``p(y)``, each of shape (2,)."""
    return p[0].sum(axis=0), p[:, 0].sum(axis=0), p.sum(axis=(0, 1))
