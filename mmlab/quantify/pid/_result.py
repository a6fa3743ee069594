"""The one result type of every PID computation (exact solver and estimators), and the atom names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["ATOMS", "ATOM_SYMBOLS", "PIDResult"]

#: The four atoms of the partial information decomposition, in the order of
#: :meth:`PIDResult.as_array` (and of ``dit``'s BROJA PID).
ATOMS: tuple[str, ...] = ("redundancy", "unique1", "unique2", "synergy")

#: Short symbols of the atoms, in the order of :data:`ATOMS`.
ATOM_SYMBOLS: tuple[str, ...] = ("R", "U1", "U2", "S")


@dataclass(frozen=True, eq=False, repr=False)
class PIDResult:
    r"""The four PID atoms of :math:`(X_1, X_2; Y)`, in bits, from the exact solver or an estimator.

    .. math::

        I(X_1, X_2; Y) = R + U_1 + U_2 + S ,

    with :math:`R` the information both sources carry about :math:`Y`
    (redundancy), :math:`U_i` the information only source :math:`i` carries
    (uniqueness) and :math:`S` the information that appears only when both
    are seen together (synergy).

    Attributes
    ----------
    redundancy, unique1, unique2, synergy : float
        R, U1, U2, S in bits. Exact solutions are non-negative; estimates from
        data can be slightly negative (sampling and optimisation error).
    total : float
        :math:`I(X_1, X_2; Y)` in bits; ``R + U1 + U2 + S == total`` up to
        round-off.
    method : str
        ``"exact"`` (:func:`exact_pid`), ``"cluster"`` or ``"batch"``.
    q : ndarray of shape (n_x1, n_x2, n_y) or None
        An optimal coupling :math:`q^*` (read-only) when one was computed: it
        matches ``p`` on the (x1, y) and (x2, y) marginals. :math:`q^*` need
        not be unique; the atoms are.
    n_iter : int
        Newton iterations of the exact solver (0 when no solver was needed).
    duality_gap : float
        Certified bound, in bits, on how far each atom can lie from the exact
        decomposition (exact solver only; at most its ``tol``, since the
        solver raises :class:`mmlab.exceptions.SolverError` rather than return
        an uncertified result).
    info : mapping
        Method-specific details (the joint table and cluster sizes for
        ``"cluster"``; the mutual-information terms and loss history for
        ``"batch"``).
    """

    redundancy: float
    unique1: float
    unique2: float
    synergy: float
    total: float
    method: str = "exact"
    q: np.ndarray | None = None
    n_iter: int = 0
    duality_gap: float = 0.0
    info: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def dominant(self) -> str:
        """Name of the largest atom (first of :data:`ATOMS` on a tie)."""
        return ATOMS[int(np.argmax(self.as_array()))]

    def as_array(self) -> np.ndarray:
        """The atoms as a ``(4,)`` float array ordered as :data:`ATOMS`."""
        return np.array([self.redundancy, self.unique1, self.unique2, self.synergy], dtype=float)

    def as_dict(self) -> dict[str, float]:
        """The atoms and the total as ``{name: bits}`` (e.g. for a DataFrame row)."""
        out = dict(zip(ATOMS, map(float, self.as_array()), strict=True))
        out["total"] = float(self.total)
        return out

    def __repr__(self) -> str:
        atoms = ", ".join(f"{k}={v:.4f}" for k, v in self.as_dict().items())
        return f"PIDResult({atoms} bits; method={self.method!r})"
