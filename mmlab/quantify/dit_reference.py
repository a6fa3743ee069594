"""The ``dit`` package's BROJA PID, as an independent reference for :func:`mmlab.quantify.pid`.

:func:`mmlab.quantify.pid` is this course's own solver. To check it, the tests,
the PID benchmark and lecture 6.1 compare it with ``dit`` (James, Ellison &
Crutchfield 2018), whose ``PID_BROJA`` solves the same convex program as an
exponential-cone problem with ECOS (``method="cone"``, Makkeh et al. 2018).
``dit`` is a test dependency (``pip install -e ".[test]"``, which ``make test``
does), not a runtime one, so it is imported only when :func:`dit_pid` runs.

Do not use dit's *default* method as a reference: on small alphabets it picks a
local SLSQP solver whose atoms can be hundredths of a bit off and negative
(lecture 6.1 shows it).

References
----------
R. G. James, C. J. Ellison and J. P. Crutchfield, "dit: a Python package for
discrete information theory", JOSS 3(25), 738, 2018.
A. Makkeh, D. O. Theis and R. Vicente, "BROJA-2PID: A robust estimator for
bivariate partial information decomposition", Entropy 20(4), 271, 2018.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import numpy.typing as npt

from mmlab.quantify.pid import _check_table

__all__ = ["dit_available", "dit_pid"]

# dit's names for the lattice nodes R, U1, U2, S with sources (0,), (1,) and target 2
_NODES = (((0,), (1,)), ((0,),), ((1,),), ((0, 1),))


def dit_available() -> bool:
    """Whether ``dit`` and its cone solver ``ecos`` are installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("dit", "ecos"))


def dit_pid(p: npt.ArrayLike, *, method: str | None = "cone") -> np.ndarray:
    """BROJA atoms ``array([R, U1, U2, S])`` in bits of ``p[x1, x2, y]``, computed by ``dit``.

    Parameters
    ----------
    p : array-like of shape (n_x1, n_x2, n_y)
        A joint probability table (non-negative, sums to 1).
    method : {"cone"} or None, default="cone"
        ``"cone"``: dit's exponential-cone program (the reference). ``None``:
        dit's default method, for comparison only.

    Returns
    -------
    ndarray of shape (4,)
        Redundancy, unique to X1, unique to X2, synergy; the order of
        :meth:`mmlab.quantify.pid.PIDResult.as_array`.

    Raises
    ------
    ImportError
        If ``dit`` or ``ecos`` is not installed, with the command that installs them.
    ValueError, TypeError
        If ``p`` is not a 3-D probability table.
    """
    p = _check_table(p, "p", ndim=3)
    if method not in ("cone", None):
        raise ValueError(f"method must be 'cone' or None (dit's default); got {method!r}.")
    if not dit_available():
        raise ImportError("dit_pid needs the test dependencies dit and ecos: pip install -e \".[test]\".")
    import dit
    from dit.pid import PID_BROJA

    cells = np.argwhere(p > 0)
    d = dit.Distribution([tuple(int(v) for v in c) for c in cells], p[p > 0].tolist())
    options = {} if method is None else {"method": method}
    result = PID_BROJA(d, [[0], [1]], [2], **options)
    return np.array([result.get_pi(node) for node in _NODES], dtype=float)
