"""Partial information decomposition (PID) of a discrete joint distribution.

Given a table ``p[x1, x2, y]``, the PID splits the information that two
sources X1, X2 carry about a target Y, I(X1, X2; Y), into four non-negative
atoms: redundancy R (both sources tell it), uniqueness U1 and U2 (only one
source tells it) and synergy S (only the two together tell it). This module
holds the entropy and mutual-information helpers the lecture starts from, and
an exact solver for the definition of Bertschinger et al. (2014), which is a
small convex program over couplings with two pair-marginals fixed.

Used by: ``lectures/6_quantification`` (information theory and PID notebook,
estimators and model selection) and ``labs/6_quantification/01_interactions.ipynb``.

References
----------
.. [1] N. Bertschinger, J. Rauh, E. Olbrich, J. Jost and N. Ay, "Quantifying
   unique information", Entropy 16(4), 2161-2183, 2014.
.. [2] A. Makkeh, D. O. Theis and R. Vicente, "BROJA-2PID: A robust estimator
   for bivariate partial information decomposition", Entropy 20(4), 271, 2018.
.. [3] S. Boyd and L. Vandenberghe, "Convex Optimization", Cambridge
   University Press, 2004, sections 5.2 (Lagrange dual) and 11.7
   (primal-dual interior-point methods).
"""


from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.linalg import lapack

import warnings

from mmlab._validation import check_fraction, check_positive_int, check_probability_table
from mmlab.exceptions import ConvergenceWarning
from mmlab.quantify.pid._information import _LN2, _entropy_bits, _mi_bits
from mmlab.quantify.pid._result import PIDResult

__all__ = ["exact_pid"]


def exact_pid(p: npt.ArrayLike, *, tol: float = 1e-10, max_iter: int = 100) -> PIDResult:
    r"""Exact partial information decomposition of ``p[x1, x2, y]`` (Bertschinger et al., 2014).

    The set of couplings that keep both source-target marginals of ``p`` is

    .. math:: \Delta_p = \{ q \ge 0 : q(x_1, y) = p(x_1, y),\; q(x_2, y) = p(x_2, y) \}.

    Every atom is fixed by the smallest synergy-free information in it,

    .. math::
        q^* &= \arg\min_{q \in \Delta_p} I_q(X_1, X_2; Y)
             = \arg\max_{q \in \Delta_p} H_q(Y \mid X_1, X_2), \\
        U_1 &= I_{q^*}(X_1; Y \mid X_2), \quad U_2 = I_{q^*}(X_2; Y \mid X_1), \\
        R   &= I(X_1; Y) - U_1, \quad S = I_p(X_1, X_2; Y) - I_{q^*}(X_1, X_2; Y),

    where :math:`I_q` is mutual information under :math:`q`, un-subscripted
    quantities are under :math:`p`, and all logarithms are base 2. Because
    :math:`q \in \Delta_p` keeps :math:`p(x_2, y)`, the chain rule gives
    :math:`U_1 = I_{q^*}(X_1, X_2; Y) - I(X_2; Y)` (and likewise for
    :math:`U_2`), so all four atoms follow from the optimal value and
    :math:`R + U_1 + U_2 + S = I_p(X_1, X_2; Y)` holds exactly.

    Parameters
    ----------
    p : array-like of shape (n_x1, n_x2, n_y)
        Joint probabilities of the sources X1, X2 and the target Y (last
        axis). Finite, non-negative, summing to 1; zero cells, rectangular
        alphabets and unused symbols are allowed.
    tol : float, default=1e-10
        Stop when the duality gap (nats) and the largest residual of the
        optimality conditions both fall below ``tol``. Must lie in (0, 1).
        The final ``duality_gap`` is usually far smaller (about 1e-13 bits).
    max_iter : int, default=100
        Largest number of Newton iterations (8-15 are typical).

    Returns
    -------
    PIDResult
        ``redundancy``, ``unique1``, ``unique2``, ``synergy``, ``total`` (bits),
        the optimal coupling ``q`` and solver diagnostics (``n_iter``,
        ``converged``, ``duality_gap``).

    Raises
    ------
    ValueError
        If ``p`` is not 3-D, is empty, not finite, has negative entries or
        does not sum to 1 (within ``SUM_RTOL``, 1e-9; 1e-6 for float32
        input); if ``tol`` is outside (0, 1).
    TypeError
        If ``p`` is not numeric, or ``tol``/``max_iter`` have the wrong type.

    Warns
    -----
    ConvergenceWarning
        If the solver stops short of ``tol``. The atoms are then still
        non-negative and sum to the total, but only as accurate as
        ``duality_gap``. This happens on tables whose probabilities span many
        orders of magnitude with near-deterministic structure (e.g. 1e-6
        noise on Y = f(X1, X2)), which are ill-conditioned for every solver
        (ECOS and Clarabel report inaccurate solutions there too).

    See Also
    --------
    mutual_information, conditional_mutual_information

    Notes
    -----
    **Convex program.** :math:`-H_q(Y \mid X_1, X_2) = \sum q \log q(y \mid
    x_1, x_2)` is convex in :math:`q`, and :math:`\Delta_p` is a polytope
    (for each :math:`y`, the transport plans between :math:`p(\cdot, y)` on
    :math:`X_1` and on :math:`X_2`). Its Lagrange dual [3]_ is

    .. math::
        \max_{\lambda, \mu} \sum_{x_1, y} p(x_1, y) \lambda(x_1, y)
                          + \sum_{x_2, y} p(x_2, y) \mu(x_2, y)
        \quad \text{s.t.} \quad
        h_{x_1 x_2} = \log \sum_y e^{\lambda(x_1, y) + \mu(x_2, y)} \le 0
        \quad \forall (x_1, x_2),

    with one multiplier :math:`Q(x_1, x_2) \ge 0` per constraint; the optimum
    is :math:`q^*(x_1, x_2, y) = Q(x_1, x_2)\,\mathrm{softmax}_y(\lambda(x_1,
    y) + \mu(x_2, y))`. The stationarity conditions of the dual are exactly
    the marginal constraints of :math:`\Delta_p`, and the duality gap is
    :math:`\sum Q \cdot (-h)`.

    **Solver.** A primal-dual interior-point method (Mehrotra
    predictor-corrector [3]_) on this dual, started from the coupling that
    makes X1 and X2 independent given Y. Each Newton step solves one dense
    symmetric positive-definite system with :math:`(|X_1| + |X_2| - 1)|Y|`
    unknowns (one gauge per :math:`y` removed), assembled from
    :math:`|X_1||X_2|` blocks of size :math:`|Y| \times |Y|` with vectorised
    NumPy. Steps that would more than double the residual are halved. If the
    iteration stalls, the solver follows the log-barrier central path of the
    dual (damped Newton with backtracking, globally convergent) to a gap of
    1e-7 and restarts the primal-dual method there. The returned ``q`` is put
    exactly on :math:`\Delta_p` by three sweeps of iterative proportional
    fitting per :math:`y`, and ``duality_gap`` is its objective minus a dual
    bound: a certificate that holds whether or not the solver converged.

    **Why this method.** The exponential-cone program of Makkeh et al. [2]_
    (what ``dit``'s ``method="cone"`` solves with ECOS) has three variables and
    one cone per cell; a general conic solver factorises a sparse system of
    that size with heavy fill-in (measured here: ECOS about ten seconds at
    12x12x12 and minutes at 16x16x16, Clarabel seconds at 16x16x16). The
    dual above has far fewer unknowns (496 instead of about 12,000 at
    16x16x16), so about ten dense Cholesky factorisations suffice:
    milliseconds for small alphabets and well under a second at 16x16x16, in
    agreement with the cone solution to better than 1e-6 bits
    (``bench/bench_pid.py`` measures both). First-order methods (mirror
    descent, alternating projections) are simpler but converge slowly to the
    boundary optima that are common here (AND has one).

    **Support.** Symbols with zero probability are dropped before solving and
    cells outside :math:`\{p(x_1, y) > 0\} \times \{p(x_2, y) > 0\}` are fixed
    at zero (every coupling in :math:`\Delta_p` vanishes there). When
    :math:`\Delta_p = \{p\}` (each :math:`y` has one :math:`x_1` or one
    :math:`x_2`, e.g. Y = X1) or Y is constant, no solver is needed.

    **Round-off.** Each atom is non-negative [1]_, so the minimum lies in
    :math:`[\max(I(X_1;Y), I(X_2;Y)),\, \min(I(X_1;Y) + I(X_2;Y), I_p(X_1,X_2;Y))]`;
    the computed :math:`I_{q^*}(X_1, X_2; Y)` is clamped into this interval,
    which turns solver round-off (below 1e-9 bits once converged) into exact
    zeros and keeps :math:`R + U_1 + U_2 + S` equal to the total.

    References
    ----------
    .. [1] N. Bertschinger, J. Rauh, E. Olbrich, J. Jost and N. Ay,
       "Quantifying unique information", Entropy 16(4), 2161-2183, 2014
       (the definitions of unique, shared and synergistic information as
       optimisation problems over :math:`\Delta_p`, and their properties).
    .. [2] A. Makkeh, D. O. Theis and R. Vicente, "BROJA-2PID: A robust
       estimator for bivariate partial information decomposition", Entropy
       20(4), 271, 2018.
    .. [3] S. Boyd and L. Vandenberghe, "Convex Optimization", Cambridge
       University Press, 2004, sections 5.2 and 11.7.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((2, 2, 2))          # Y = X1 AND X2, fair independent bits
    >>> for x1 in (0, 1):
    ...     for x2 in (0, 1):
    ...         p[x1, x2, x1 & x2] = 0.25
    >>> r = exact_pid(p)
    >>> [round(v, 4) for v in (r.redundancy, r.unique1, r.unique2, r.synergy)]
    [0.3113, 0.0, 0.0, 0.5]
    """
    p = check_probability_table(p, "p", ndim=3)
    tol = check_fraction(tol, "tol", inclusive=(False, False))
    max_iter = check_positive_int(max_iter, "max_iter")
    return _pid_core(p, tol, max_iter)


def _pid_core(p: np.ndarray, tol: float, max_iter: int) -> PIDResult:
    """Compute the PID of a validated table ``p[x1, x2, y]`` (see :func:`pid`)."""
    i1 = _mi_bits(p.sum(axis=1))  # I(X1; Y)
    i2 = _mi_bits(p.sum(axis=0))  # I(X2; Y)
    total = _mi_bits(p.reshape(-1, p.shape[2]))  # I_p(X1, X2; Y)

    # drop unused symbols: the solver then sees every row, column and y with mass
    keep = [np.flatnonzero(p.sum(axis=axes) > 0) for axes in ((1, 2), (0, 2), (0, 1))]
    pc = p[np.ix_(*keep)]
    a, b = pc.sum(axis=1), pc.sum(axis=0)  # p(x1, y), p(x2, y)
    forced = np.all(((a > 0).sum(axis=0) == 1) | ((b > 0).sum(axis=0) == 1))
    if pc.shape[2] == 1 or forced:  # Y constant, or Delta_p = {p}
        qc, n_iter, converged, gap = pc, 0, True, 0.0
    else:
        qc, n_iter, converged, gap = _solve_dual(pc, tol, max_iter)
    q = np.zeros_like(p)
    q[np.ix_(*keep)] = qc
    q.setflags(write=False)

    # the true minimum lies in [low, high] (each atom is >= 0), so clamping can only help
    i_q = _mi_bits(qc.reshape(-1, qc.shape[2]))  # I_q*(X1, X2; Y)
    low, high = max(i1, i2), min(i1 + i2, total)
    i_q = min(max(i_q, low), high)
    if not converged:
        warnings.warn(
            f"pid: the solver stopped after {n_iter} iterations short of tol={tol:g}; the atoms "
            f"are accurate to the certified duality gap, {gap / _LN2:.1e} bits. Tables whose "
            "probabilities span many orders of magnitude are hard for every solver: raise "
            "max_iter or tol, or set negligible cells to 0.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return PIDResult(  # max(., 0) only removes float round-off (~1e-16) after the clamp
        redundancy=max(float(i1 + i2 - i_q), 0.0),
        unique1=max(float(i_q - i2), 0.0),
        unique2=max(float(i_q - i1), 0.0),
        synergy=max(float(total - i_q), 0.0),
        total=float(total),
        q=q,
        n_iter=n_iter,
        duality_gap=float(gap / _LN2),
    )


class _DualProgram:
    """Index bookkeeping and Newton algebra of the dual program of one compressed table.

    ``p`` is validated and compressed (every x1, x2 and y has mass) and Y has at
    least two symbols. Notation (see :func:`pid`, Notes): ``nu`` stacks the free
    lambda(x1, y) and mu(x2, y), plus a last slot that always holds 0; constraint
    ``c`` is a pair (x1, x2) with ``h_c = logsumexp_y(lambda + mu) <= 0``, slack
    ``w_c = -h_c`` and multiplier ``Q_c``; ``s[c, y]`` is the softmax over y.
    """

    def __init__(self, p: np.ndarray) -> None:
        n1, n2, ny = p.shape
        a, b = p.sum(axis=1), p.sum(axis=0)  # p(x1, y), p(x2, y)
        on1, on2 = a > 0, b > 0
        cells = on1[:, None, :] & on2[None, :, :]  # where a coupling in Delta_p may put mass
        self.c1, self.c2 = np.nonzero(cells.any(axis=2))  # constraint c <-> pair (x1, x2)
        self.m = self.c1.size
        allowed = cells[self.c1, self.c2]  # (m, ny)
        # mu(first x2 with mass, y) = 0 fixes the gauge lambda(., y) + t, mu(., y) - t
        first = np.argmax(on2, axis=0)
        free_mu = on2.copy()
        free_mu[first, np.arange(ny)] = False
        n_lam = int(on1.sum())
        self.nv = nv = n_lam + int(free_mu.sum())
        self.size = size = nv + 1
        lam_id = np.full((n1, ny), nv)
        lam_id[on1] = np.arange(n_lam)
        mu_id = np.full((n2, ny), nv)
        mu_id[free_mu] = np.arange(n_lam, nv)
        self.il = np.where(allowed, lam_id[self.c1], nv)  # (m, ny): lambda index of cell (c, y)
        self.im = np.where(allowed, mu_id[self.c2], nv)
        self.il_flat, self.im_flat = self.il.ravel(), self.im.ravel()
        target = np.zeros(size)  # right-hand sides p(x1, y), p(x2, y) of the marginal constraints
        target[lam_id[on1]] = a[on1]
        target[mu_id[free_mu]] = b[free_mu]
        self.target = target[:nv]
        self.off = np.where(allowed, 0.0, -np.inf)
        # flat positions of the four (row, column) blocks of each K_c in the Newton matrix
        self.pos = np.concatenate([
            (r[:, :, None] * size + col[:, None, :]).ravel()
            for r in (self.il, self.im) for col in (self.il, self.im)
        ])
        self.eye = np.eye(ny)
        # start from q0 = p(x1, y) p(x2, y) / p(y) (X1, X2 independent given Y), which lies in
        # Delta_p and is positive on every allowed cell: lambda = log p(x1, y) and
        # mu = log p(x2, y) - log p(y) reproduce its conditionals on the right log scale,
        # Q0 are its block sums; a common shift of lambda makes every slack >= 1
        py = a.sum(axis=0)
        lam0 = np.log(np.where(on1, a, 1.0))
        mu0 = np.log(np.where(on2, b, 1.0)) - np.log(py)
        gauge = mu0[first, np.arange(ny)]
        nu = np.zeros(size)
        nu[lam_id[on1]] = (lam0 + gauge)[on1]
        nu[mu_id[free_mu]] = (mu0 - gauge)[free_mu]
        nu[:n_lam] -= self.softmax_lse(nu)[1].max() + 1.0
        self.nu0 = nu
        self.Q0 = (a[self.c1] * b[self.c2] / py).sum(axis=1)

    def softmax_lse(self, nu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return s[c, y] = softmax_y(lambda + mu) and h_c = logsumexp_y(lambda + mu)."""
        z = nu[self.il] + nu[self.im] + self.off
        zmax = z.max(axis=1)
        e = np.exp(z - zmax[:, None])
        se = e.sum(axis=1)
        return e / se[:, None], zmax + np.log(se)

    def marginals(self, x: np.ndarray) -> np.ndarray:
        """Return A x: the (x1, y) and free (x2, y) sums of a cell array ``x`` of shape (m, ny)."""
        xf, size, nv = x.ravel(), self.size, self.nv
        return np.bincount(self.il_flat, xf, size)[:nv] + np.bincount(self.im_flat, xf, size)[:nv]

    def factor(self, Q: np.ndarray, w: np.ndarray, s: np.ndarray) -> tuple | None:
        """Cholesky factor of the Jacobi-scaled Newton matrix, or None if it is singular.

        The matrix is sum_c Q_c Hess(h_c) + (Q_c / w_c) grad(h_c) grad(h_c)^T; each term is
        the block K_c = Q_c diag(s_c) + (Q_c / w_c - Q_c) s_c s_c^T on the rows and columns
        of lambda(x1, .) and mu(x2, .).
        """
        q = Q[:, None] * s
        K = q[:, :, None] * self.eye + (((Q / w - Q)[:, None] * s)[:, :, None] * s[:, None, :])
        size, nv = self.size, self.nv
        M = np.bincount(self.pos, np.concatenate((K.ravel(),) * 4), size * size).reshape(size, size)[:nv, :nv]
        scale = 1.0 / np.sqrt(np.maximum(np.diagonal(M), 1e-300))
        M = M * scale[:, None] * scale[None, :]
        # near the end of degenerate problems M is singular to working precision (the dual
        # optimum is not unique); add the smallest ridge that lets Cholesky through and
        # undo most of its bias with one step of iterative refinement in newton()
        for ridge in (0.0, 1e-14, 1e-12, 1e-10, 1e-8):
            chol, info = lapack.dpotrf(M + ridge * np.eye(nv) if ridge else M, lower=0, clean=0)
            if info == 0:
                return chol, scale, (M if ridge else None)
        return None

    def newton(self, factor: tuple, rhs: np.ndarray) -> np.ndarray:
        """Solve the Newton system for ``rhs``; return the step in ``nu`` (last slot 0)."""
        chol, scale, M = factor
        x = lapack.dpotrs(chol, scale * rhs, lower=0)[0]
        if M is not None:  # iterative refinement against the unregularised matrix
            x += lapack.dpotrs(chol, scale * rhs - M @ x, lower=0)[0]
        dnu = np.zeros(self.size)
        dnu[:self.nv] = scale * x
        return dnu

    def dual_bound(self, nu: np.ndarray) -> float:
        """A lower bound, in nats, on min -H_q(Y | X1, X2) over Delta_p from any ``nu``.

        Shifting every lambda down by max_c h_c (when positive) makes ``nu`` dual
        feasible, and each feasible dual point bounds the primal minimum from below.
        """
        return float(self.target @ nu[:self.nv]) - max(0.0, float(self.softmax_lse(nu)[1].max()))


def _solve_dual(p: np.ndarray, tol: float, max_iter: int) -> tuple[np.ndarray, int, bool, float]:
    """Minimise I_q(X1, X2; Y) over Delta_p for a compressed table ``p`` (see :func:`pid`, Notes).

    Runs the primal-dual method from the independent coupling; if it stalls
    (numerically extreme tables), follows the log-barrier path to a gap of 1e-7 and
    restarts the primal-dual method there. Keeps the best iterate seen.

    Returns
    -------
    q : ndarray, same shape as ``p``
    n_iter : int
    converged : bool
    gap : float
        Certified duality gap of ``q`` in nats.
    """
    prog = _DualProgram(p)
    w0 = -prog.softmax_lse(prog.nu0)[1]
    converged, n_iter, best = _primal_dual(prog, prog.nu0, prog.Q0, w0, tol, max_iter)
    if not converged and n_iter < max_iter:
        nu, w, t, used = _barrier_path(prog, prog.nu0, 1e-7, max_iter - n_iter)
        n_iter += used
        converged, used, other = _primal_dual(prog, nu, 1.0 / (t * w), w, tol, max_iter - n_iter)
        n_iter += used
        if best is None or (other is not None and other[0] < best[0]):
            best = other
    if best is None:  # nothing finite was ever reached (not seen in practice): fall back to q0
        best = (np.inf, prog.nu0, prog.Q0, prog.softmax_lse(prog.nu0)[0])
    _, nu, Q, s = best
    q = np.zeros_like(p)
    q[prog.c1, prog.c2] = Q[:, None] * s
    # a few sweeps of iterative proportional fitting in every y-slice put q exactly on
    # Delta_p (the iterate misses it by the marginal residual), so I_q bounds the minimum above
    a, b = p.sum(axis=1), p.sum(axis=0)
    for _ in range(3):
        rows = q.sum(axis=1)
        q *= np.divide(a, rows, out=np.ones_like(rows), where=rows > 0)[:, None, :]
        cols = q.sum(axis=0)
        q *= np.divide(b, cols, out=np.ones_like(cols), where=cols > 0)[None, :, :]
    primal = _LN2 * (_entropy_bits(q.sum(axis=2)) - _entropy_bits(q))  # -H_q(Y | X1, X2), nats
    gap = max(primal - prog.dual_bound(nu), 0.0)
    return q, n_iter, converged, gap


def _primal_dual(prog: _DualProgram, nu: np.ndarray, Q: np.ndarray, w: np.ndarray, tol: float,
                 max_iter: int) -> tuple[bool, int, tuple]:
    """Mehrotra predictor-corrector on the dual; slacks ``w`` are free variables (h + w -> 0).

    Returns ``(converged, n_iter, best)`` with ``best = (merit, nu, Q, s)`` the iterate of
    smallest merit max(gap, residual), or None if no iterate was finite.
    """
    m = prog.m
    s, h = prog.softmax_lse(nu)
    r_dual = prog.marginals(Q[:, None] * s) - prog.target  # stationarity = marginals of Q s
    best, best_it, start = None, 0, None
    for n_iter in range(max_iter + 1):
        r_slack = h + w
        gap = float(Q @ w)  # = duality gap when both residuals vanish
        res = max(float(np.abs(r_dual).max(initial=0.0)), float(np.abs(r_slack).max()))
        merit = max(gap, res)
        if not np.isfinite(merit):
            break
        if best is None or merit < best[0]:
            best, best_it = (merit, nu, Q, s), n_iter
        start = merit if start is None else start
        if gap <= tol and res <= tol:
            return True, n_iter, best
        # give up: budget spent, diverging, or no progress for 15 iterations
        if n_iter == max_iter or merit > 1e3 * start or n_iter - best_it > 15:
            break
        factor = prog.factor(Q, w, s)
        if factor is None:
            break

        def direction(rc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            # Newton step for r_dual = 0, h + w = 0, Q w = target, eliminated to the nu block
            v = ((rc - Q * r_slack) / w)[:, None] * s
            dnu = prog.newton(factor, prog.marginals(v) - r_dual)
            dw = -r_slack - (s * (dnu[prog.il] + dnu[prog.im])).sum(axis=1)
            return dnu, (-rc - Q * dw) / w, dw

        mu_now = gap / m
        dnu, dQ, dw = direction(Q * w)  # predictor (affine scaling)
        step = min(_max_step(Q, dQ), _max_step(w, dw))
        sigma = min(1.0, (float((Q + step * dQ) @ (w + step * dw)) / m / mu_now) ** 3)
        # corrector; the centring target never falls below 1% of the residual, so the
        # complementarity cannot collapse ahead of feasibility (which stalls the method)
        centre = max(sigma * mu_now, 1e-2 * res / m)
        dnu, dQ, dw = direction(Q * w + dQ * dw - centre)
        step = min(1.0, 0.995 * min(_max_step(Q, dQ), _max_step(w, dw)))
        # safeguard against the curvature of h: halve the step while the residual would
        # more than double (or overflow)
        for _ in range(30):
            nu_t, Q_t, w_t = nu + step * dnu, Q + step * dQ, w + step * dw
            s_t, h_t = prog.softmax_lse(nu_t)
            r_t = prog.marginals(Q_t[:, None] * s_t) - prog.target
            res_t = max(float(np.abs(r_t).max(initial=0.0)), float(np.abs(h_t + w_t).max()))
            if res_t <= 2.0 * merit:  # False for NaN
                break
            step *= 0.5
        nu, Q, w, s, h, r_dual = nu_t, Q_t, w_t, s_t, h_t, r_t
    return False, n_iter, best


def _barrier_path(prog: _DualProgram, nu: np.ndarray, gap_target: float,
                  max_iter: int) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Follow the central path of the dual log-barrier problem (Boyd & Vandenberghe, 11.3).

    Minimises phi_t(nu) = -g(nu) - (1/t) sum_c log(-h_c(nu)) by damped Newton steps with
    Armijo backtracking (``nu`` stays strictly feasible), then multiplies t by 100, until
    the gap bound m / t reaches ``gap_target``. Slower than the primal-dual method but
    globally convergent; used to restart it on hard tables. Returns nu, w, t, iterations.
    """
    s, h = prog.softmax_lse(nu)
    w, t, n_iter = -h, float(prog.m), 0
    while n_iter < max_iter:
        Q = 1.0 / (t * w)  # multipliers on the central path
        r_dual = prog.marginals(Q[:, None] * s) - prog.target  # = gradient of phi_t
        factor = prog.factor(Q, w, s)
        if factor is None:
            break
        dnu = -prog.newton(factor, r_dual)
        slope = float(r_dual @ dnu[:prog.nv])
        n_iter += 1
        if -slope * t <= 2e-3:  # centred (Newton decrement^2 / 2 <= 1e-3)
            if prog.m / t <= gap_target:
                break
            t *= 100.0
            continue
        phi = -float(prog.target @ nu[:prog.nv]) - float(np.log(w).sum()) / t
        step = 1.0
        while step > 1e-12:
            nu_t = nu + step * dnu
            s_t, h_t = prog.softmax_lse(nu_t)
            if np.all(h_t < 0) and (-float(prog.target @ nu_t[:prog.nv])
                                    - float(np.log(-h_t).sum()) / t) <= phi + 0.01 * step * slope:
                break
            step *= 0.5
        else:
            break
        nu, s, w = nu_t, s_t, -h_t
    return nu, w, t, n_iter


def _max_step(x: np.ndarray, dx: np.ndarray) -> float:
    """Largest step in (0, 1] that keeps ``x + step * dx >= 0`` for positive ``x``."""
    return 1.0 / max(1.0, float((-dx / x).max()))
