"""The result type every PID estimator returns, and input checks they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab._validation import RandomState

__all__ = ["ATOMS", "PIDEstimate", "RandomState"]


#: The four atoms of the partial information decomposition, in the order of
#: :meth:`PIDEstimate.as_array`.
ATOMS: tuple[str, ...] = ("redundancy", "unique1", "unique2", "synergy")


@dataclass(frozen=True)
class PIDEstimate:
    r"""An estimate of the four PID atoms of :math:`(X_1, X_2; Y)`, in bits.

    .. math::

        I(X_1, X_2; Y) = R + U_1 + U_2 + S ,

    with :math:`R` the information both modalities carry about :math:`Y`
    (redundancy), :math:`U_i` the information only modality :math:`i` carries
    (uniqueness) and :math:`S` the information that appears only when both are
    seen together (synergy).

    Attributes
    ----------
    redundancy, unique1, unique2, synergy : float
        The atoms in bits. Estimates from data can be slightly negative (sampling
        and optimisation error); exact solutions are not.
    method : str
        ``"cluster"`` or ``"batch"``.
    info : mapping
        Method-specific details (the joint table and cluster sizes for
        ``"cluster"``; the mutual-information terms and loss history for
        ``"batch"``).
    """

    redundancy: float
    unique1: float
    unique2: float
    synergy: float
    method: str
    info: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @property
    def total(self) -> float:
        """:math:`R + U_1 + U_2 + S`, the estimate of :math:`I(X_1, X_2; Y)` in bits."""
        return float(self.redundancy + self.unique1 + self.unique2 + self.synergy)

    @property
    def dominant(self) -> str:
        """Name of the largest atom (first of :data:`ATOMS` on a tie)."""
        return ATOMS[int(np.argmax(self.as_array()))]

    def as_array(self) -> np.ndarray:
        """The atoms as a ``(4,)`` float array ordered as :data:`ATOMS`."""
        return np.array([self.redundancy, self.unique1, self.unique2, self.synergy], dtype=float)

    def as_dict(self) -> dict[str, float]:
        """The atoms by name (and ``"total"``)."""
        out = dict(zip(ATOMS, map(float, self.as_array())))
        out["total"] = self.total
        return out


