"""Partial information decomposition (PID) of a discrete joint distribution: the exact solver.

Given a table ``p[x1, x2, y]``, the PID splits the information that two
sources X1, X2 carry about a target Y, I(X1, X2; Y), into four non-negative
atoms: redundancy R (both sources tell it), uniqueness U1 and U2 (only one
source tells it) and synergy S (only the two together tell it). This module
holds an exact solver for the definition of Bertschinger et al. (2014), which
is a small convex program over couplings with two pair-marginals fixed. The
solver returns a decomposition only with a certificate that it lies within
``tol`` bits of the optimum; otherwise it raises
:class:`mmlab.exceptions.SolverError`.

Used by: ``lectures/6_quantification`` (information theory and PID notebook,
estimators and model selection), the widgets and the quantification lab.

References
----------
.. [1] N. Bertschinger, J. Rauh, E. Olbrich, J. Jost and N. Ay, "Quantifying
   unique information", Entropy 16(4), 2161-2183, 2014.
.. [2] A. Makkeh, D. O. Theis and R. Vicente, "BROJA-2PID: A robust estimator
   for bivariate partial information decomposition", Entropy 20(4), 271, 2018.
.. [3] S. Boyd and L. Vandenberghe, "Convex Optimization", Cambridge
   University Press, 2004, sections 5.2 (Lagrange dual), 11.2-11.3 (barrier
   method) and 11.7 (primal-dual interior-point methods).
.. [4] K. M. R. Audenaert, "A sharp continuity estimate for the von Neumann
   entropy", J. Phys. A 40(28), 8127-8136, 2007 (the Fannes-Audenaert bound).
.. [5] J. Altschuler, J. Weed and P. Rigollet, "Near-linear time approximation
   algorithms for optimal transport via Sinkhorn iteration", NeurIPS 2017
   (the rounding onto a transport polytope).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.linalg import lapack

from mmlab._validation import check_fraction, check_positive_int, check_probability_table, check_size
from mmlab.exceptions import SolverError
from mmlab.quantify.pid._information import _LN2, _entropy_bits, _mi_bits
from mmlab.quantify.pid._result import PIDResult

__all__ = ["exact_pid"]


def exact_pid(p: npt.ArrayLike, *, tol: float = 1e-9, max_iter: int = 400) -> PIDResult:
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
    :math:`U_2`), so all four atoms follow from the optimal value
    :math:`I^* = I_{q^*}(X_1, X_2; Y)` and :math:`R + U_1 + U_2 + S = I_p(X_1, X_2; Y)`
    holds exactly.

    Parameters
    ----------
    p : array-like of shape (n_x1, n_x2, n_y)
        Joint probabilities of the sources X1, X2 and the target Y (last
        axis). Real, finite, non-negative, summing to 1; zero cells,
        rectangular alphabets, unused symbols and cells many orders of
        magnitude apart are allowed.
    tol : float, default=1e-9
        Accuracy, in bits, that the result must be certified to: every atom
        lies within ``tol`` of the exact decomposition. Must lie in (0, 1).
    max_iter : int, default=400
        Largest number of Newton iterations, over both stages of the solver
        (10-20 are typical; near-degenerate tables may need a few hundred).

    Returns
    -------
    PIDResult
        ``redundancy``, ``unique1``, ``unique2``, ``synergy``, ``total`` (bits),
        an optimal coupling ``q`` (in :math:`\Delta_p`), ``n_iter`` and
        ``duality_gap``: the certified bound (bits, at most ``tol``) on how far
        the atoms can be from the exact ones.

    Raises
    ------
    ValueError
        If ``p`` is not 3-D, is empty, not finite, has negative entries or
        does not sum to 1 (within ``SUM_RTOL``, 1e-9; 1e-6 for float32
        input); if ``tol`` is outside (0, 1); if the table is so large that
        the solver's Newton systems would hold more numbers than mmlab's
        allocation limit (:func:`mmlab._validation.max_elements`, 2**28
        unless ``MMLAB_MAX_ELEMENTS`` says otherwise; 100 x 100 x 100 asks
        for about 15 GB), with both sizes in the message.
    TypeError
        If ``p`` is not real numbers (strings, objects, complex numbers), or
        ``tol``/``max_iter`` have the wrong type.
    SolverError
        If the optimum could not be certified to ``tol`` within ``max_iter``
        iterations (the message gives the certified gap reached). No
        decomposition is returned then: a larger ``tol`` or ``max_iter`` may
        help.

    See Also
    --------
    mutual_information, conditional_mutual_information, dit_pid

    Notes
    -----
    **Convex program and dual.** :math:`-H_q(Y \mid X_1, X_2) = \sum q \log
    q(y \mid x_1, x_2)` is convex in :math:`q`, and :math:`\Delta_p` is a
    polytope (for each :math:`y`, the transport plans between
    :math:`p(\cdot, y)` on :math:`X_1` and on :math:`X_2`). Its Lagrange dual
    [3]_ is

    .. math::
        \max_{\lambda, \mu}\; g(\lambda, \mu) = \sum_{x_1, y} p(x_1, y) \lambda(x_1, y)
                          + \sum_{x_2, y} p(x_2, y) \mu(x_2, y)
        \quad \text{s.t.} \quad
        h_{x_1 x_2} = \log \sum_y e^{\lambda(x_1, y) + \mu(x_2, y)} \le 0,

    with one multiplier :math:`Q(x_1, x_2) \ge 0` (the pair's mass) per
    constraint; at the optimum :math:`q^* = Q\,\mathrm{softmax}_y(\lambda +
    \mu)`. For any feasible :math:`q` and any :math:`(\lambda, \mu)`,
    :math:`-H_q(Y \mid X_1, X_2) - g = \sum Q\,[\mathrm{KL}(q(\cdot \mid x_1,
    x_2) \,\|\, \mathrm{softmax}) - h] \ge -\max_{Q} \sum Q\, h^+`, which
    gives a lower bound on the optimum from any dual point.

    **Certificate.** The result is accepted only when a coupling :math:`q`
    exactly in :math:`\Delta_p` and a lower bound on :math:`I^*` are at most
    ``tol`` bits apart. The coupling is the solver's iterate put onto
    :math:`\Delta_p` by iterative proportional fitting and the rounding of
    Altschuler et al. [5]_ in every :math:`y`-slice; the lower bound is the
    larger of :math:`\max(I(X_1;Y), I(X_2;Y))` (each atom is
    :math:`\ge 0` [1]_) and the dual bound above, where a violated constraint
    costs only the mass that can flow through it (at most
    :math:`p(x_1)\max_{x_2} h^+`, summed over :math:`x_1`, or the same over
    :math:`x_2`). ``p`` itself (:math:`I = I_p`) is a candidate coupling too.
    ``duality_gap`` reports the certified width.

    **Negligible cells.** The smallest cells, of total mass :math:`\eta`, are
    set to zero before solving while :math:`\varepsilon(\eta) = 3\,[4\eta
    \log_2 N + h_2(4\eta)] \le` ``tol`` / 10 (:math:`N` cells, :math:`h_2`
    the binary entropy). Any coupling of one table is within total
    variation :math:`4\eta` of a coupling of the other (rescale and round
    [5]_), and :math:`I` is continuous in total variation by the
    Fannes-Audenaert inequality [4]_ applied to its three entropies, so the
    optimum moves by at most :math:`\varepsilon(\eta)`, which the
    certificate adds. The returned ``q`` puts those cells back and lies in
    :math:`\Delta_p` of the original table. This removes cells such as
    1e-114 whose logarithms would make the Newton systems singular, and
    changes nothing on ordinary tables (their smallest cells are far above
    the budget of about 1e-13).

    **Solver.** Interior-point path following on the dual, in two stages.
    (1) Mehrotra's predictor-corrector primal-dual method [3]_ with the
    slacks :math:`w = -h` as free variables (about 10 Newton steps on
    ordinary tables). (2) If that stalls, a primal-dual Newton method
    globalised by a line search on the dual log-barrier function (damped
    Newton, always dual feasible, barrier weight raised 5x per stage), which
    is slower but does not stall where (1) does. Each Newton step solves one
    dense symmetric positive-definite system with :math:`(|X_1| + |X_2| -
    1)|Y|` unknowns (one gauge per :math:`y` removed), assembled from
    :math:`|X_1||X_2|` blocks of size :math:`|Y| \times |Y|`, Jacobi-scaled
    and factorised by Cholesky (an eigen-decomposition if Cholesky fails).
    Both stages centre on a *weighted* central path, :math:`Q_c w_c =
    \tau\,\pi_c` with :math:`\pi_c \propto Q_c w_c` at the start point
    (the coupling with :math:`X_1 \perp X_2 \mid Y`, which is feasible and
    exactly centred), so the path is invariant to how mass is spread over
    orders of magnitude.

    **What went wrong before.** The earlier version of this solver returned
    atoms up to 0.05 bit off on near-degenerate tables, with a warning, and
    a larger ``max_iter`` did not help, for four reasons: (a) its central
    path was unweighted (:math:`Q_c w_c = \tau` for every pair), which asks
    a pair of mass :math:`10^{-50}` for a dual slack of about
    :math:`10^{50}\tau`, so the Newton steps shrank to nothing within a few
    iterations; (b) its stall test then switched to a barrier path that
    failed at once on the same scaling, so it stopped after about 20 steps
    whatever the budget; (c) its certificate shifted every dual variable by
    the largest constraint violation, even one carried by a pair of mass
    1e-30, so the reported gap (up to a bit) could not tell a good answer
    from a bad one; (d) cells such as 1e-114 made the Newton systems
    singular. The weights fix (a) and (b), the mass-aware bound (c), the
    dropping of negligible cells (d), and the barrier-globalised stage (2)
    handles the remaining tables where the softmax in :math:`h` is far from
    its quadratic model (a cell whose conditional must grow from 1e-10 to
    0.1) and Mehrotra's steps stall.

    **Shortcuts.** Symbols with zero probability are dropped, and cells
    outside :math:`\{p(x_1, y) > 0\} \times \{p(x_2, y) > 0\}` are fixed at
    zero (every coupling in :math:`\Delta_p` vanishes there). When
    :math:`\Delta_p = \{p\}` (each :math:`y` has one :math:`x_1` or one
    :math:`x_2`), Y is constant, or :math:`I_p - \max(I(X_1;Y), I(X_2;Y))
    \le` ``tol``, no solver is needed.

    **Why this method.** The exponential-cone program of Makkeh et al. [2]_
    (what ``dit``'s ``method="cone"`` solves with ECOS) has three variables
    and one cone per cell, so a general conic solver factorises a large
    sparse system; the dual above has far fewer unknowns (496 instead of
    about 12,000 at 16x16x16), so a few dozen dense Cholesky factorisations
    suffice: milliseconds for small alphabets (``bench/bench_pid.py``
    measures the speed-up over dit and the agreement with it).

    References
    ----------
    .. [1] N. Bertschinger, J. Rauh, E. Olbrich, J. Jost and N. Ay,
       "Quantifying unique information", Entropy 16(4), 2161-2183, 2014.
    .. [2] A. Makkeh, D. O. Theis and R. Vicente, "BROJA-2PID: A robust
       estimator for bivariate partial information decomposition", Entropy
       20(4), 271, 2018.
    .. [3] S. Boyd and L. Vandenberghe, "Convex Optimization", Cambridge
       University Press, 2004, sections 5.2, 11.2-11.3 and 11.7.
    .. [4] K. M. R. Audenaert, "A sharp continuity estimate for the von
       Neumann entropy", J. Phys. A 40(28), 8127-8136, 2007.
    .. [5] J. Altschuler, J. Weed and P. Rigollet, "Near-linear time
       approximation algorithms for optimal transport via Sinkhorn
       iteration", NeurIPS 2017.

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
    >>> r.duality_gap <= 1e-9
    True
    """
    p = check_probability_table(p, "p", ndim=3)
    tol = check_fraction(tol, "tol", inclusive=(False, False))
    max_iter = check_positive_int(max_iter, "max_iter")
    return _pid_core(p, tol, max_iter)


# --------------------------------------------------------------------------- #
# driver: shortcuts, negligible cells, the certified result
# --------------------------------------------------------------------------- #
def _compress(p: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Drop unused symbols; return the smaller table and the kept indices per axis."""
    keep = [np.flatnonzero(p.sum(axis=axes) > 0) for axes in ((1, 2), (0, 2), (0, 1))]
    return p[np.ix_(*keep)], keep


def _trivial(p: np.ndarray) -> bool:
    """True when Y is constant or Delta_p = {p} (each y has one x1 or one x2 with mass)."""
    a, b = p.sum(axis=1), p.sum(axis=0)
    return p.shape[2] == 1 or bool(np.all(((a > 0).sum(axis=0) == 1) | ((b > 0).sum(axis=0) == 1)))


def _solver_numbers(shape: tuple[int, int, int]) -> int:
    """How many float64 numbers the Newton systems of a compressed table of this shape hold at once (a bound)."""
    n1, n2, ny = shape
    size = (n1 + n2) * ny
    return 3 * n1 * n2 * ny * ny + 4 * size * size


def _perturbation_bits(eta: float | np.ndarray, n_cells: int) -> float | np.ndarray:
    """Bound, in bits, on how far zeroing cells of total mass eta moves min I_q (see exact_pid, Notes)."""
    t = 4.0 * np.asarray(eta, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        h2 = np.where(t > 0, -t * np.log2(t) - (1 - t) * np.log2(1 - t), 0.0)
        out = np.where(t < 0.5, 3.0 * (t * np.log2(n_cells) + h2), np.inf)
    return out if out.ndim else float(out)


def _drop_negligible(p: np.ndarray, budget: float) -> tuple[np.ndarray, float, float]:
    """Zero the smallest cells while their perturbation bound stays within ``budget`` bits.

    Returns the renormalised table, the mass removed and its bound in bits.
    """
    values = np.sort(p[p > 0])
    if _perturbation_bits(values[0], p.size) > budget:  # not even the smallest cell (ordinary tables)
        return p, 0.0, 0.0
    fits = np.flatnonzero(_perturbation_bits(np.cumsum(values), p.size) <= budget)
    if fits.size == 0:
        return p, 0.0, 0.0
    dropped = (p > 0) & (p <= values[fits[-1]])  # ties with the last value fit too (same cumsum order)
    eta = float(p[dropped].sum())
    eps = _perturbation_bits(eta, p.size)
    if eps > budget or eta <= 0.0:
        return p, 0.0, 0.0
    kept = np.where(dropped, 0.0, p)
    return kept / kept.sum(), eta, float(eps)


def _pid_core(p: np.ndarray, tol: float, max_iter: int) -> PIDResult:
    """Compute the certified PID of a validated table ``p[x1, x2, y]`` (see :func:`exact_pid`)."""
    i1 = _mi_bits(p.sum(axis=1))  # I(X1; Y)
    i2 = _mi_bits(p.sum(axis=0))  # I(X2; Y)
    total = _mi_bits(p.reshape(-1, p.shape[2]))  # I_p(X1, X2; Y)
    low, high = max(i1, i2), min(i1 + i2, total)  # min I_q lies here (every atom is >= 0)

    pc, keep = _compress(p)
    n_iter = 0
    if _trivial(pc) or total - low <= tol:  # p itself is optimal (or certified within tol)
        q, i_q, lower = p.copy(), total, (total if _trivial(pc) else low)
    else:
        check_size(
            _solver_numbers(pc.shape),
            f"exact_pid(p) with alphabets {pc.shape} (unused symbols dropped)",
            what="float64 numbers for its Newton systems",
            detail=f"3 |X1| |X2| |Y|^2 + 4 ((|X1| + |X2|) |Y|)^2, about {8 * _solver_numbers(pc.shape) / 1e9:.1f} GB",
            remedy="Merge rare symbols, or use fewer clusters (cluster_pid(..., n_clusters=...)).",
        )
        pd, eta, eps = _drop_negligible(pc, 0.1 * tol)
        if eta > 0:
            pdc, keep_d = _compress(pd)
            low_d = max(_mi_bits(pdc.sum(axis=1)), _mi_bits(pdc.sum(axis=0)))
        else:  # nothing negligible (every ordinary table)
            pdc, keep_d, low_d = pc, [np.arange(n) for n in pc.shape], low
        if _trivial(pdc):
            qd, gap_d = pdc, 0.0
        else:
            prog = _DualProgram(pdc)
            prog.floor = _LN2 * (low_d - _entropy_bits(pdc.sum(axis=(0, 1))))
            qd, gap_d, n_iter = _solve(prog, 0.5 * tol * _LN2, max_iter)
            gap_d /= _LN2
        # the optimum of pd bounds that of p from below, up to the perturbation bound eps
        lower = max(low, _mi_bits(qd.reshape(-1, qd.shape[2])) - gap_d - eps)
        qc = np.zeros_like(pc)
        qc[np.ix_(*keep_d)] = qd
        qc = (1.0 - eta) * qc + np.where(pd == 0, pc, 0.0)  # put the dropped cells back: q in Delta_p
        q = np.zeros_like(p)
        q[np.ix_(*keep)] = qc
        i_q = _mi_bits(q.reshape(-1, q.shape[2]))
        if total <= i_q:  # p is a coupling too
            q, i_q = p.copy(), total
    i_rep = min(i_q, high)
    gap = max(i_rep - lower, 0.0)
    if gap > tol:
        why = (
            f"the iteration budget max_iter={max_iter} ran out; raise max_iter"
            if n_iter >= max_iter
            else f"the solver stalled after {n_iter} Newton iterations at the limit of double precision for "
            f"this table, whose nonzero cells span {_dynamic_range(p)}; a tol of about {_round_up(10 * gap)} "
            "should be certifiable, or merge near-empty symbols"
        )
        raise SolverError(
            f"exact_pid could not certify the optimum to tol={tol:g} bits: the optimal I(X1,X2;Y) is only "
            f"known to lie in [{lower:.10g}, {i_rep:.10g}] bits (width {gap:.2g} bits), so no decomposition "
            f"is returned. Why: {why}."
        )
    q.setflags(write=False)
    return PIDResult(  # max(., 0) only removes float round-off (~1e-16) after the clamp
        redundancy=max(float(i1 + i2 - i_rep), 0.0),
        unique1=max(float(i_rep - i2), 0.0),
        unique2=max(float(i_rep - i1), 0.0),
        synergy=max(float(total - i_rep), 0.0),
        total=float(total),
        q=q,
        n_iter=n_iter,
        duality_gap=float(gap),
    )


def _round_up(x: float) -> str:
    """``x`` rounded up to one significant digit, as text (for messages)."""
    exponent = int(np.floor(np.log10(x)))
    return f"{np.ceil(x / 10.0**exponent):.0f}e{exponent}"


def _dynamic_range(p: np.ndarray) -> str:
    nz = p[p > 0]
    return f"{nz.min():.1e} to {nz.max():.1e}"


def _solve(prog: _DualProgram, tol: float, max_iter: int) -> tuple[np.ndarray, float, int]:
    """Minimise -H_q(Y | X1, X2) over Delta_p; return (q, certified gap in nats, iterations).

    Stage 1 is Mehrotra's method; stage 2 (only if stage 1 does not certify
    ``tol``) the barrier-globalised primal-dual method. The best certificate
    of either is returned (the caller decides whether it is good enough).
    """
    best, used = _mehrotra(prog, tol, min(max_iter, 60))
    if (best is None or best[0] > tol) and max_iter > used:
        other, more = _barrier_newton(prog, tol, max_iter - used)
        used += more
        if other is not None and (best is None or other[0] < best[0]):
            best = other
    if best is None:  # no certificate attempted (tiny max_iter): the start point's, q0 = Q0 s0
        s, h = prog.softmax_lse(prog.nu0)
        best = prog.certify(prog.Q0, s, prog.nu0, h)
    return best[1], max(float(best[0]), 0.0), used


# --------------------------------------------------------------------------- #
# the dual program of one compressed, non-trivial table
# --------------------------------------------------------------------------- #
class _DualProgram:
    """Index bookkeeping, Newton algebra and certificate of the dual of one table.

    ``p`` is validated, compressed (every x1, x2 and y has mass) and not
    trivial. Notation (see :func:`exact_pid`, Notes): ``nu`` is a vector over
    every lambda(x1, y) and mu(x2, y) plus a last slot that holds 0; only
    ``free`` entries move (lambda, mu where p(x1, y), p(x2, y) > 0, minus one
    gauge mu per y). Constraint ``c`` is a pair (x1, x2) with
    ``h_c = logsumexp_y(lambda + mu) <= 0`` over its allowed cells, slack
    ``w_c = -h_c`` and multiplier ``Q_c``; ``s[c, y]`` is the softmax over y.
    """

    def __init__(self, p: np.ndarray) -> None:
        n1, n2, ny = self.shape = p.shape
        a, b = p.sum(axis=1), p.sum(axis=0)  # p(x1, y), p(x2, y)
        self.a, self.b = a, b
        self.px1, self.px2 = a.sum(axis=1), b.sum(axis=1)
        on1, on2 = a > 0, b > 0
        cells = on1[:, None, :] & on2[None, :, :]  # where a coupling in Delta_p may put mass
        self.c1, self.c2 = np.nonzero(cells.any(axis=2))  # constraint c <-> pair (x1, x2)
        allowed = cells[self.c1, self.c2]  # (m, ny)
        self.off = np.where(allowed, 0.0, -np.inf)
        self.size = size = (n1 + n2) * ny  # lambda(x1, y) at x1*ny + y, mu(x2, y) at (n1 + x2)*ny + y
        self.il = self.c1[:, None] * ny + np.arange(ny)
        self.im = (n1 + self.c2)[:, None] * ny + np.arange(ny)
        self.il_flat, self.im_flat = self.il.ravel(), self.im.ravel()
        first = np.argmax(on2, axis=0)  # mu(first x2 with mass, y) = 0 fixes the gauge
        free = np.concatenate([on1.ravel(), on2.ravel()])
        free[(n1 + first) * ny + np.arange(ny)] = False
        self.free = np.flatnonzero(free)
        self.free_sq = self.free[:, None] * size + self.free[None, :]  # the free block of the Newton matrix
        self.all_pairs = self.c1.size == n1 * n2
        self.pos = None
        if self.c1.size * ny * ny <= 4096:  # small: flat positions of the (row, column) blocks of each K_c
            where = np.full(size + 1, -1)
            where[self.free] = np.arange(self.free.size)
            nv = self.free.size
            rc = [where[idx] for idx in (self.il, self.im)]
            pos = np.concatenate([(r[:, :, None] * nv + c[:, None, :]).ravel() for r in rc for c in rc])
            ok = np.concatenate([((r[:, :, None] >= 0) & (c[:, None, :] >= 0)).ravel() for r in rc for c in rc])
            self.pos = np.where(ok, pos, nv * nv)  # fixed entries go to a slot past the end
        self.target_full = np.concatenate([a.ravel(), b.ravel()])
        self.target = self.target_full[self.free]
        self.eye = np.eye(ny)
        self.ar1, self.ar2 = np.arange(n1), np.arange(n1, n1 + n2)
        self.floor = -np.inf  # lower bound on the optimum known from elsewhere (set by the caller)
        # start: q0 = p(x1, y) p(x2, y) / p(y) (X1, X2 independent given Y), in Delta_p and positive
        # on every allowed cell; lambda = log p(x1, y), mu = log p(x2, y) - log p(y) reproduce its
        # conditionals, and a common shift of lambda makes every slack >= 1
        py = a.sum(axis=0)
        with np.errstate(divide="ignore"):
            lam0 = np.where(on1, np.log(np.where(on1, a, 1.0)), 0.0)
            mu0 = np.where(on2, np.log(np.where(on2, b, 1.0)) - np.log(py), 0.0)
        gauge = mu0[first, np.arange(ny)]
        nu = np.concatenate([(lam0 + gauge).ravel(), (mu0 - gauge).ravel(), [0.0]])
        nu[self.size] = 0.0
        nu[: n1 * ny] -= self.softmax_lse(nu)[1].max() + 1.0
        fixed = np.ones(size + 1, dtype=bool)
        fixed[self.free] = False
        nu[fixed] = 0.0
        self.nu0 = nu
        self.Q0 = np.where(allowed, a[self.c1] * b[self.c2] / py, 0.0).sum(axis=1)

    # ------------------------------------------------------------------ algebra
    def softmax_lse(self, nu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return s[c, y] = softmax_y(lambda + mu) and h_c = logsumexp_y(lambda + mu)."""
        z = nu[self.il] + nu[self.im] + self.off
        zmax = np.maximum.reduce(z, axis=1)
        e = np.exp(z - zmax[:, None])
        se = np.add.reduce(e, axis=1)
        return e / se[:, None], zmax + np.log(se)

    def marginals(self, x: np.ndarray) -> np.ndarray:
        """Return A x: the free (x1, y) and (x2, y) sums of a cell array ``x`` of shape (m, ny).

        ``x`` must vanish on cells that are not allowed (as every Q s does).
        """
        xf = x.ravel()
        return (np.bincount(self.il_flat, xf, self.size) + np.bincount(self.im_flat, xf, self.size))[self.free]

    def factor(self, Q: np.ndarray, w: np.ndarray, s: np.ndarray) -> tuple:
        """Factor the Jacobi-scaled Newton matrix sum_c Q_c Hess(h_c) + (Q_c / w_c) grad(h_c) grad(h_c)^T.

        Each term is the block K_c = Q_c diag(s_c) + (Q_c / w_c - Q_c) s_c s_c^T on the
        rows and columns of lambda(x1, .) and mu(x2, .). Cholesky; if the matrix is
        singular to working precision (the dual optimum need not be unique), a
        symmetric eigen-decomposition with the smallest eigenvalues raised to 1e-15
        of the largest.
        """
        n1, n2, ny = self.shape
        K = (Q[:, None] * s)[:, :, None] * self.eye + ((Q / w - Q)[:, None] * s)[:, :, None] * s[:, None, :]
        if self.pos is not None:  # small table: scatter the four copies of every block at once
            nv = self.free.size
            M = np.bincount(self.pos, np.tile(K.ravel(), 4), nv * nv + 1)[:-1].reshape(nv, nv)
        else:  # dense block assembly, memory linear in the number of blocks
            full = K.reshape(n1, n2, ny, ny) if self.all_pairs else np.zeros((n1, n2, ny, ny))
            if not self.all_pairs:
                full[self.c1, self.c2] = K
            blocks = np.zeros((n1 + n2, ny, n1 + n2, ny))
            blocks[self.ar1, :, self.ar1, :] = np.add.reduce(full, axis=1)
            blocks[self.ar2, :, self.ar2, :] = np.add.reduce(full, axis=0)
            blocks[:n1, :, n1:, :] = full.transpose(0, 2, 1, 3)
            blocks[n1:, :, :n1, :] = full.transpose(1, 3, 0, 2)
            M = blocks.reshape(-1)[self.free_sq]
        scale = 1.0 / np.sqrt(np.maximum(np.diagonal(M), 1e-300))
        M *= scale[:, None]
        M *= scale[None, :]
        chol, info = lapack.dpotrf(M, lower=0, clean=0)
        if info == 0:
            return chol, scale, M, None
        lam, vec = np.linalg.eigh(M)
        return None, scale, M, (np.maximum(lam, 1e-15 * max(lam.max(), 1e-300)), vec)

    def newton(self, factor: tuple, rhs: np.ndarray) -> np.ndarray:
        """Solve the Newton system for ``rhs``; return the step in ``nu`` (fixed entries 0)."""
        chol, scale, M, eig = factor

        def solve(r: np.ndarray) -> np.ndarray:
            if eig is None:
                return lapack.dpotrs(chol, r, lower=0)[0]
            lam, vec = eig
            return vec @ ((vec.T @ r) / lam)

        b = scale * rhs
        x = solve(b)
        if eig is not None:  # one step of iterative refinement against the unmodified matrix
            x += solve(b - M @ x)
        dnu = np.zeros(self.size + 1)
        dnu[self.free] = scale * x
        return dnu

    # -------------------------------------------------------------- certificate
    def feasible(self, Q: np.ndarray, s: np.ndarray) -> np.ndarray:
        """The iterate Q s put exactly onto Delta_p, shape (n1, n2, ny).

        Iterative proportional fitting in every y-slice, then the rounding of
        Altschuler, Weed & Rigollet (2017): scale rows and columns down to their
        targets and add the missing mass as a rank-one (row deficit x column deficit)
        term, which lands only on allowed cells.
        """
        n1, n2, ny = self.shape
        q = np.zeros((n1, n2, ny))
        q[self.c1, self.c2] = np.maximum(Q, 0.0)[:, None] * s
        a, b, add = self.a, self.b, np.add.reduce
        for _ in range(2):
            rows = add(q, axis=1)
            q *= np.divide(a, rows, out=np.zeros_like(a), where=rows > 0)[:, None, :]
            cols = add(q, axis=0)
            q *= np.divide(b, cols, out=np.zeros_like(b), where=cols > 0)[None, :, :]
        rows = add(q, axis=1)
        q *= np.minimum(np.divide(a, rows, out=np.ones_like(a), where=rows > 0), 1.0)[:, None, :]
        cols = add(q, axis=0)
        q *= np.minimum(np.divide(b, cols, out=np.ones_like(b), where=cols > 0), 1.0)[None, :, :]
        miss_r = np.maximum(a - add(q, axis=1), 0.0)
        miss_c = np.maximum(b - add(q, axis=0), 0.0)
        mass = add(miss_r, axis=0)
        q += miss_r[:, None, :] * np.divide(miss_c, mass, out=np.zeros_like(miss_c), where=mass > 0)[None, :, :]
        return q

    @staticmethod
    def objective(q: np.ndarray) -> float:
        """-H_q(Y | X1, X2) in nats of a table q[x1, x2, y]."""
        return _LN2 * (_entropy_bits(q.sum(axis=2)) - _entropy_bits(q))

    def lower_bound(self, nu: np.ndarray, h: np.ndarray) -> float:
        """A lower bound, in nats, on min -H_q(Y | X1, X2) over Delta_p from any ``nu``.

        g(nu) minus the most that the violated constraints h_c > 0 can cost: at most
        sum over x1 of p(x1) max_x2 h_c^+, or the same over x2, as Q has those margins.
        """
        g = float(self.target_full @ nu[: self.size])
        hp = np.maximum(h, 0.0)
        if not hp.any():
            return g
        H = np.zeros(self.shape[:2])
        H[self.c1, self.c2] = hp
        return g - min(float(self.px1 @ H.max(axis=1)), float(self.px2 @ H.max(axis=0)))

    def certify(self, Q: np.ndarray, s: np.ndarray, nu: np.ndarray, h: np.ndarray) -> tuple[float, np.ndarray]:
        """(certified gap in nats, feasible coupling) of an iterate."""
        q = self.feasible(Q, s)
        return self.objective(q) - max(self.lower_bound(nu, h), self.floor), q

    def start(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The start point and the weights that make it exactly centred: nu, s, h, w, Q, pi."""
        s, h = self.softmax_lse(self.nu0)
        w = -h
        Q = self.Q0.copy()
        pi = Q * w / float(Q @ w)
        return self.nu0.copy(), s, h, w, Q, pi


def _max_step(
    x: np.ndarray, dx: np.ndarray, y: np.ndarray | None = None, dy: np.ndarray | None = None, cap: float = 1.0
) -> float:
    """Largest step in (0, cap] that keeps ``x + step * dx >= 0`` (and ``y + step * dy >= 0``) for positive x, y."""
    worst = float(np.maximum.reduce(-dx / x))
    if y is not None:
        worst = max(worst, float(np.maximum.reduce(-dy / y)))
    return 1.0 / max(1.0 / cap, worst)


# --------------------------------------------------------------------------- #
# stage 1: Mehrotra predictor-corrector, slacks free (infeasible start allowed)
# --------------------------------------------------------------------------- #
def _mehrotra(prog: _DualProgram, tol: float, max_iter: int) -> tuple[tuple | None, int]:
    """Primal-dual path following on the weighted central path Q w = tau pi, h + w = 0.

    Returns ``(best, n_iter)``; ``best = (gap, q)`` is the best certificate met
    (None if none was attempted).
    """
    nu, s, h, w, Q, pi = prog.start()
    r_d = prog.marginals(Q[:, None] * s) - prog.target  # stationarity = marginals of Q s
    best = None
    for n_iter in range(max_iter + 1):
        r_s = h + w
        mu = float(Q @ w)  # = the duality gap once both residuals vanish
        res_d = float(np.abs(r_d).sum())
        res_s = float((Q + pi * mu) @ np.abs(r_s))
        if mu + res_d + res_s <= tol:
            gap, q = prog.certify(Q, s, nu, h)
            if best is None or gap < best[0]:
                best = (gap, q)
            if gap <= tol:
                break
        if n_iter == max_iter:
            break
        factor = prog.factor(Q, w, s)

        def direction(rc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            # Newton step for r_d = 0, h + w = 0, Q w = rc-target, eliminated to the nu block
            v = ((rc - Q * r_s) / w)[:, None] * s  # noqa: B023 (called only in this iteration)
            dnu = prog.newton(factor, prog.marginals(v) - r_d)  # noqa: B023 (called only in this iteration)
            dw = -r_s - np.add.reduce(s * (dnu[prog.il] + dnu[prog.im]), axis=1)  # noqa: B023 (called only in this iteration)
            return dnu, (-rc - Q * dw) / w, dw  # noqa: B023 (called only in this iteration)

        dnu, dQ, dw = direction(Q * w)  # predictor (affine scaling)
        a_aff = _max_step(Q, dQ, w, dw)
        sigma = min(1.0, (float((Q + a_aff * dQ) @ (w + a_aff * dw)) / mu) ** 3)
        # corrector; the centring target never falls below a tenth of the residuals, so the
        # complementarity cannot collapse ahead of feasibility
        centre = max(sigma * mu, 0.1 * (res_d + res_s))
        dnu, dQ, dw = direction(Q * w + dQ * dw - centre * pi)
        step = min(1.0, 0.99 * _max_step(Q, dQ, w, dw, cap=2.0))
        merit = mu + res_d + res_s
        for _ in range(30):  # backtrack until the merit decreases (h is not linear)
            nu_t, Q_t, w_t = nu + step * dnu, Q + step * dQ, w + step * dw
            s_t, h_t = prog.softmax_lse(nu_t)
            r_t = prog.marginals(Q_t[:, None] * s_t) - prog.target
            mu_t = float(Q_t @ w_t)
            merit_t = mu_t + float(np.add.reduce(np.abs(r_t))) + float((Q_t + pi * mu_t) @ np.abs(h_t + w_t))
            if merit_t <= (1.0 - 0.01 * step) * merit:  # False for NaN
                break
            step *= 0.5
        else:
            break  # stalled: leave it to stage 2
        nu, Q, w, s, h, r_d = nu_t, Q_t, w_t, s_t, h_t, r_t
    return best, n_iter


# --------------------------------------------------------------------------- #
# stage 2: primal-dual Newton globalised by the weighted dual log-barrier
# --------------------------------------------------------------------------- #
def _barrier_newton(prog: _DualProgram, tol: float, max_iter: int, kappa: float = 5.0) -> tuple[tuple | None, int]:
    """Follow the weighted central path with damped Newton steps on the dual barrier.

    For a barrier weight t, phi_t(nu) = -g(nu) - (1/t) sum_c pi_c log(-h_c(nu));
    its minimiser is the point of the path with Q w = pi / t. The step solves the
    Newton system with the primal-dual matrix (the current Q, updated by its own
    Newton step), a descent direction for phi_t; Armijo backtracking keeps nu
    strictly dual feasible. t grows by ``kappa`` once the Newton decrement is
    small. Returns ``(best, n_iter)`` as :func:`_mehrotra`.
    """
    nu, s, h, w, Q, pi = prog.start()
    t = kappa / float(prog.Q0 @ w)
    best, polish = None, 0

    def phi(nu_: np.ndarray, w_: np.ndarray) -> float:
        return -float(prog.target_full @ nu_[: prog.size]) - float(pi @ np.log(w_)) / t

    n_iter = 0
    while n_iter < max_iter:
        q_bar = pi / (t * w)  # the multipliers of the barrier at the current nu
        grad = prog.marginals(q_bar[:, None] * s) - prog.target  # gradient of phi_t
        dnu = prog.newton(prog.factor(Q, w, s), grad)
        dec = float(grad @ dnu[prog.free])
        if not (dec > 0.0 and np.isfinite(dec)):  # the primal-dual matrix misled: use the barrier's
            Q = q_bar
            dnu = prog.newton(prog.factor(Q, w, s), grad)
            dec = float(grad @ dnu[prog.free])
            if not (dec > 0.0 and np.isfinite(dec)):
                break
        dnu = -dnu
        n_iter += 1
        if dec * t <= 0.1:  # centred
            if 1.0 / t > 0.5 * tol:
                t *= kappa
                continue
            gap, q = prog.certify(Q, s, nu, h)
            if best is None or gap < best[0]:
                best = (gap, q)
            polish += 1
            if gap <= tol or polish > 5:
                break
        dw = -(s * (dnu[prog.il] + dnu[prog.im])).sum(axis=1)
        dQ = (pi / t - Q * w - Q * dw) / w
        phi0, step = phi(nu, w), 1.0
        while step > 1e-14:
            nu_t = nu + step * dnu
            s_t, h_t = prog.softmax_lse(nu_t)
            if np.all(h_t < 0) and phi(nu_t, -h_t) <= phi0 - 0.01 * step * dec:
                break
            step *= 0.5
        else:
            break
        Q = Q + (min(step, 0.99 * _max_step(Q, dQ)) if np.any(dQ < 0) else step) * dQ
        nu, s, h, w = nu_t, s_t, h_t, -h_t
    return best, n_iter
