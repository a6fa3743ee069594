"""The ``dit`` package's BROJA PID, as an independent reference for :func:`mmlab.quantify.exact_pid`.

:func:`mmlab.quantify.exact_pid` is this course's own solver. To check it, the tests,
the PID benchmark and lecture 6.1 compare it with ``dit`` (James, Ellison &
Crutchfield 2018), whose ``PID_BROJA`` solves the same convex program as an
exponential-cone problem with ECOS (``method="cone"``, Makkeh et al. 2018).
``dit`` and its cone solver ``ecos`` are installed by the ``book`` extra (what
``make book`` and ``make test`` install); they are imported only when
:func:`dit_pid` runs, so ``import mmlab.quantify`` does not pay for them.

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

from mmlab._validation import check_probability_table

__all__ = ["dit_pid"]

# dit's names for the lattice nodes R, U1, U2, S with sources (0,), (1,) and target 2
_NODES = (((0,), (1,)), ((0,),), ((1,),), ((0, 1),))


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
    p = check_probability_table(p, "p", ndim=3)
    if method not in ("cone", None):
        raise ValueError(f"method must be 'cone' or None (dit's default); got {method!r}.")
    missing = [name for name in ("dit", "ecos") if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(
            f"dit_pid needs {' and '.join(missing)}, which the book extra installs: "
            'run `make setup` or pip install -e ".[book]".'
        )
    import dit
    from dit.pid import PID_BROJA

    cells = np.argwhere(p > 0)
    d = dit.Distribution([tuple(int(v) for v in c) for c in cells], p[p > 0].tolist())
    options = {} if method is None else {"method": method}
    result = PID_BROJA(d, [[0], [1]], [2], **options)
    return np.array([result.get_pi(node) for node in _NODES], dtype=float)
