"""Discrete alignment: one-to-one matching (assignment) and optimal transport, exact and entropic.

Given a cost :math:`C_{ij}` of pairing element :math:`i` of one modality with
element :math:`j` of another (e.g. a spoken word and an image region),

- :func:`assignment` finds the one-to-one matching of least total cost
  (the Hungarian problem, solved by :func:`scipy.optimize.linear_sum_assignment`);
- :func:`optimal_transport` moves mass :math:`a` onto mass :math:`b` at least
  cost, allowing one element to be split across several (a linear program);
- :func:`sinkhorn` solves the entropy-regularised transport problem with
  Sinkhorn's scaling iterations in the log domain, for any marginals, on
  NumPy arrays or (batched, differentiable) torch tensors. This is the one
  Sinkhorn of mmlab.

Used by: ``lectures/2_alignment/01_connections_and_matching.ipynb`` and the
alignment lab.

References
----------
Kuhn, H. W. The Hungarian method for the assignment problem. Naval Research
Logistics Quarterly 2, 1955.
Cuturi, M. Sinkhorn distances: lightspeed computation of optimal transport.
NeurIPS 2013.
Peyré, G. and Cuturi, M. Computational optimal transport. Foundations and
Trends in Machine Learning 11(5-6), 2019.
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_positive_int, check_scalar
from mmlab.exceptions import SolverError

__all__ = ["TransportPlan", "assignment", "optimal_transport", "sinkhorn"]

#: Marginals may differ in total by this relative amount (they are rescaled to the first's total), or by
#: _MASS_EPS machine epsilons of a lower-precision dtype (float32 sums of many masses round at ~1e-7).
_MASS_RTOL = 1e-6
_MASS_EPS = 100
#: Spans of -C / reg below which Sinkhorn scales exp(-C / reg) directly (fast) instead of working in logs.
_EXP_RANGE = 30.0


@dataclass(frozen=True, eq=False)
class TransportPlan:
    """A transport plan and how it was found (returned by :func:`optimal_transport` and :func:`sinkhorn`).

    Attributes
    ----------
    plan : ndarray or torch.Tensor
        ``(..., n, m)``: :math:`P_{ij}`, the mass moved from :math:`i` to :math:`j`
        (a tensor when the inputs were tensors).
    cost : float or ndarray
        :math:`\\langle P, C \\rangle = \\sum_{ij} P_{ij} C_{ij}` (one per batch element for batched input).
    n_iter : int
        Iterations used (0 for the exact solver).
    converged : bool
        Whether the marginals were met within the tolerance.
    marginal_error : float
        Largest absolute difference between a row or column sum of ``plan`` and its marginal.
    """

    plan: Any
    cost: Any
    n_iter: int
    converged: bool
    marginal_error: float


# --------------------------------------------------------------------------- #
# assignment
# --------------------------------------------------------------------------- #
def assignment(cost: npt.ArrayLike, *, maximize: bool = False) -> np.ndarray:
    r"""One-to-one matching of least total cost (the linear assignment problem).

    Finds the injective map :math:`\sigma` from rows to columns that minimises

    .. math:: \sum_i C_{i \sigma(i)},

    (or maximises it, for a similarity matrix) with the Hungarian-type solver
    of :func:`scipy.optimize.linear_sum_assignment`.

    Parameters
    ----------
    cost : array-like of shape (n, m)
        :math:`C_{ij}`, the cost of matching row :math:`i` with column :math:`j`.
    maximize : bool, default=False
        Treat ``cost`` as a similarity and maximise.

    Returns
    -------
    ndarray of int64, shape (n,)
        ``match[i]`` = the column matched to row ``i``, or -1 when ``n > m``
        leaves row ``i`` unmatched.

    Raises
    ------
    TypeError
        If ``cost`` is not numeric or ``maximize`` is not a bool.
    ValueError
        If ``cost`` is not a non-empty 2-d array of finite numbers.

    See Also
    --------
    optimal_transport : the same problem with divisible mass.

    Examples
    --------
    >>> assignment([[1.0, 0.0], [0.0, 5.0]]).tolist()
    [1, 0]
    >>> assignment([[0.9, 0.1, 0.0], [0.8, 0.7, 0.0]], maximize=True).tolist()
    [0, 1]
    """
    from scipy.optimize import linear_sum_assignment

    c = _check_cost(cost)
    if not isinstance(maximize, (bool, np.bool_)):
        raise TypeError(f"maximize must be True or False; got {type(maximize).__name__} {maximize!r}.")
    rows, cols = linear_sum_assignment(c, maximize=bool(maximize))
    match = np.full(c.shape[0], -1, dtype=np.int64)
    match[rows] = cols
    return match


# --------------------------------------------------------------------------- #
# exact optimal transport
# --------------------------------------------------------------------------- #
def optimal_transport(a: npt.ArrayLike, b: npt.ArrayLike, cost: npt.ArrayLike) -> TransportPlan:
    r"""Exact optimal transport between two discrete distributions (a linear program).

    .. math::

        P^\star = \arg\min_{P \ge 0} \; \langle P, C \rangle
        \quad \text{subject to} \quad P \mathbf 1 = a, \; P^\top \mathbf 1 = b,

    solved with the HiGHS simplex of :func:`scipy.optimize.linprog`. The
    solution is a vertex of the transport polytope, with at most
    :math:`n + m - 1` non-zero entries; for uniform marginals with
    :math:`n = m` it is a permutation matrix divided by :math:`n`
    (Birkhoff's theorem), i.e. the optimal assignment.

    Parameters
    ----------
    a : array-like of shape (n,)
        Non-negative masses of the rows.
    b : array-like of shape (m,)
        Non-negative masses of the columns, with the same total as ``a``.
    cost : array-like of shape (n, m)
        :math:`C`.

    Returns
    -------
    TransportPlan
        ``plan`` ``(n, m)`` ndarray, ``cost`` :math:`\langle P^\star, C \rangle`.

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        On mismatched shapes, negative or non-finite masses or costs, or totals that differ.
    SolverError
        If the linear program solver fails.

    See Also
    --------
    sinkhorn : the entropy-regularised problem, which approaches this one as ``reg`` shrinks.

    Examples
    --------
    >>> ot = optimal_transport([0.5, 0.5], [0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]])
    >>> ot.plan.round(3).tolist(), round(ot.cost, 3)
    ([[0.0, 0.5], [0.5, 0.0]], 0.0)
    """
    from scipy.optimize import linprog

    c = _check_cost(cost)
    a_, b_ = _check_marginals_np(a, b, c.shape)
    n, m = c.shape
    res = linprog(
        c.ravel(),
        A_eq=_marginal_constraints(n, m).copy(),
        b_eq=np.concatenate([a_, b_]),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise SolverError(f"the exact transport linear program failed: {res.message}")
    plan = np.maximum(res.x.reshape(n, m), 0.0)
    err = max(float(np.abs(plan.sum(1) - a_).max()), float(np.abs(plan.sum(0) - b_).max()))
    return TransportPlan(plan=plan, cost=float((plan * c).sum()), n_iter=0, converged=True, marginal_error=err)


@functools.lru_cache(maxsize=64)
def _marginal_constraints(n: int, m: int) -> Any:
    """The ``(n + m, n m)`` CSR matrix of the row and column sums of a flat ``(n, m)`` plan, built once per shape."""
    import scipy.sparse as sp

    rows = sp.kron(sp.eye(n), np.ones((1, m)))  # sum_j P_ij = a_i
    cols = sp.kron(np.ones((1, n)), sp.eye(m))  # sum_i P_ij = b_j
    return sp.vstack([rows, cols]).tocsr()


# --------------------------------------------------------------------------- #
# entropic optimal transport: Sinkhorn in the log domain
# --------------------------------------------------------------------------- #
def sinkhorn(a: Any, b: Any, cost: Any, *, reg: float, n_iter: int = 1000, tol: float | None = 1e-9) -> TransportPlan:
    r"""Entropy-regularised optimal transport by Sinkhorn's iterations, in the log domain.

    Solves

    .. math::

        P^\varepsilon = \arg\min_{P \ge 0,\; P \mathbf 1 = a,\; P^\top \mathbf 1 = b}
        \langle P, C \rangle - \varepsilon H(P), \qquad H(P) = -\sum_{ij} P_{ij} (\log P_{ij} - 1),

    whose solution has the form :math:`P_{ij} = \exp\big((f_i + g_j - C_{ij}) / \varepsilon\big)`.
    The potentials are found by alternating the two exact half-steps

    .. math::

        f_i \leftarrow \varepsilon \log a_i - \varepsilon \log \sum_j e^{(g_j - C_{ij})/\varepsilon}, \qquad
        g_j \leftarrow \varepsilon \log b_j - \varepsilon \log \sum_i e^{(f_i - C_{ij})/\varepsilon},

    computed with ``logsumexp`` so that small :math:`\varepsilon` cannot
    overflow (when :math:`C/\varepsilon` spans less than 30 in every problem,
    the same iterates are computed faster as scalings of
    :math:`K = e^{-C/\varepsilon}`). After each :math:`g` update the columns sum exactly to
    :math:`b`; the iterations stop when every row sum is within ``tol`` of
    :math:`a`. As :math:`\varepsilon \to 0`, :math:`P^\varepsilon` tends to
    the exact plan of largest entropy among the optimal ones.

    Parameters
    ----------
    a : array-like or torch.Tensor of shape (..., n)
        Row masses (non-negative).
    b : array-like or torch.Tensor of shape (..., m)
        Column masses (non-negative), with the same total as ``a`` in every batch element.
    cost : array-like or torch.Tensor of shape (..., n, m)
        :math:`C`. Leading dimensions are a batch of independent problems
        (broadcast against those of ``a`` and ``b``).
    reg : float
        :math:`\varepsilon > 0`, the strength of the entropy term.
    n_iter : int, default=1000
        Largest number of (row, column) update pairs.
    tol : float or None, default=1e-9
        Stop when the largest row-sum error is below ``tol`` (checked every
        10 iterations). ``None`` runs exactly ``n_iter`` iterations (for use
        inside a differentiable model).

    Returns
    -------
    TransportPlan
        ``plan``: an ndarray when ``cost`` was not a tensor, else a tensor
        (differentiable with respect to ``a``, ``b`` and ``cost``).

    Raises
    ------
    TypeError
        If an input is not numeric, or ``reg``/``tol``/``n_iter`` has the wrong type.
    ValueError
        On mismatched shapes, negative or non-finite masses or costs, totals
        that differ by more than 1e-6 (relative; 100 machine epsilons for
        float32 or half-precision tensors), ``reg <= 0`` or ``tol <= 0``.

    Warns
    -----
    mmlab.exceptions.ConvergenceWarning
        If ``tol`` is given and not reached within ``n_iter`` iterations.

    See Also
    --------
    optimal_transport : the exact (unregularised) problem.

    Notes
    -----
    Each iteration costs :math:`O(nm)` per problem. Convergence is linear, and
    slower for small :math:`\varepsilon` (roughly :math:`O(1/\varepsilon)`
    iterations). Zero masses are clipped to the smallest positive float so that
    the logarithms stay finite.

    References
    ----------
    Cuturi, M. Sinkhorn distances: lightspeed computation of optimal transport.
    NeurIPS 2013.
    Peyré, G. and Cuturi, M. Computational optimal transport, section 4.4 (log-domain
    Sinkhorn). Foundations and Trends in Machine Learning 11(5-6), 2019.

    Examples
    --------
    >>> ot = sinkhorn([0.5, 0.5], [0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]], reg=0.05)
    >>> ot.plan.round(3).tolist(), ot.converged
    ([[0.0, 0.5], [0.5, 0.0]], True)
    """
    import torch

    as_tensor = isinstance(cost, torch.Tensor)
    reg = check_scalar(reg, "reg", min_val=0.0, include_boundaries="neither")
    n_iter = check_positive_int(n_iter, "n_iter")
    if tol is not None:
        tol = check_scalar(tol, "tol", min_val=0.0, include_boundaries="neither")
    c, log_a, log_b, a_t = _sinkhorn_inputs(a, b, cost)
    plan, k, err = _sinkhorn_core(c, log_a, log_b, a_t, reg, n_iter, tol)
    converged = tol is None or err <= tol
    if not converged:
        import warnings

        from mmlab.exceptions import ConvergenceWarning

        warnings.warn(
            f"sinkhorn did not reach tol={tol:g} in {n_iter} iterations (largest row-sum error "
            f"{err:.3g}); increase n_iter or reg.",
            ConvergenceWarning,
            stacklevel=2,
        )
    total = (plan * c).sum(dim=(-2, -1))
    if as_tensor:
        return TransportPlan(
            plan=plan, cost=total if total.ndim else float(total), n_iter=k, converged=converged, marginal_error=err
        )
    out = plan.detach().cpu().numpy()
    tot = total.detach().cpu().numpy()
    return TransportPlan(
        plan=out, cost=float(tot) if tot.ndim == 0 else tot, n_iter=k, converged=converged, marginal_error=err
    )


def _sinkhorn_core(
    c: Any, log_a: Any, log_b: Any, a: Any, reg: float, n_iter: int, tol: float | None
) -> tuple[Any, int, float]:
    """Sinkhorn on validated tensors; returns (plan, iterations, row-sum error).

    When every problem's -C / reg spans less than ``_EXP_RANGE``, the same iterates are computed
    on the kernel K = exp(-C / reg) (shifted per problem) with matrix-vector products, which is
    several times faster; otherwise in the log domain with ``logsumexp``, which cannot overflow.
    """
    import torch

    neg = -c / reg  # -C_ij / eps
    shift = neg.amax(dim=(-2, -1), keepdim=True)
    span = float((shift - neg.amin(dim=(-2, -1), keepdim=True)).max().detach()) if neg.numel() else 0.0
    if span < _EXP_RANGE:
        return _scaling_core(torch.exp(neg - shift), log_a.exp(), log_b.exp(), a, n_iter, tol)
    g = torch.zeros_like(log_b)  # g_j / eps
    k = 0
    err = float("inf")
    for k in range(1, n_iter + 1):
        f = log_a - torch.logsumexp(neg + g[..., None, :], dim=-1)  # f_i / eps
        g = log_b - torch.logsumexp(neg + f[..., :, None], dim=-2)  # g_j / eps
        if tol is not None and (k % 10 == 0 or k == n_iter):
            with torch.no_grad():
                rows = torch.exp(neg + f[..., :, None] + g[..., None, :]).sum(-1)
                err = float((rows - a).abs().max())
            if err <= tol:
                break
    plan = torch.exp(neg + f[..., :, None] + g[..., None, :])
    if tol is None:
        with torch.no_grad():
            err = float((plan.sum(-1) - a).abs().max())
    return plan, k, err


def _scaling_core(
    kernel: Any, a_pos: Any, b_pos: Any, a: Any, n_iter: int, tol: float | None
) -> tuple[Any, int, float]:
    """Sinkhorn's scalings u = a / (K v), v = b / (K^T u) on a kernel without extreme ratios (see _sinkhorn_core)."""
    import torch

    v = torch.ones_like(b_pos).expand(*kernel.shape[:-2], b_pos.shape[-1])  # e^{g_j / eps}, up to the shift
    k = 0
    err = float("inf")
    for k in range(1, n_iter + 1):
        u = a_pos / (kernel @ v[..., None])[..., 0]  # e^{f_i / eps}
        v = b_pos / (kernel.transpose(-1, -2) @ u[..., None])[..., 0]
        if tol is not None and (k % 10 == 0 or k == n_iter):
            with torch.no_grad():
                err = float((u * (kernel @ v[..., None])[..., 0] - a).abs().max())
            if err <= tol:
                break
    plan = u[..., :, None] * kernel * v[..., None, :]
    if tol is None:
        with torch.no_grad():
            err = float((plan.sum(-1) - a).abs().max())
    return plan, k, err


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _check_cost(cost: npt.ArrayLike) -> np.ndarray:
    c = check_array(cost, "cost", ndim=2, dtype=float)
    if c.size == 0:
        raise ValueError(f"cost must be a non-empty (n, m) matrix; got shape {c.shape}.")
    return c


def _check_marginals_np(a: npt.ArrayLike, b: npt.ArrayLike, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    a_ = check_array(a, "a", ndim=1, dtype=float)
    b_ = check_array(b, "b", ndim=1, dtype=float)
    if (len(a_), len(b_)) != shape:
        raise ValueError(
            f"a and b must have one mass per row and per column of cost {shape}; got lengths {len(a_)} and {len(b_)}."
        )
    for name, v in (("a", a_), ("b", b_)):
        if np.any(v < 0):
            raise ValueError(f"{name} must be non-negative masses; got a smallest entry of {v.min():.3g}.")
    sa, sb = a_.sum(), b_.sum()
    if sa <= 0 or abs(sa - sb) > _MASS_RTOL * max(sa, sb):
        raise ValueError(
            f"a and b must have the same positive total mass; got {sa:.10g} and {sb:.10g}. "
            "Normalise both, e.g. a / a.sum() and b / b.sum()."
        )
    return a_, b_ * (sa / sb)


def _sinkhorn_inputs(a: Any, b: Any, cost: Any) -> tuple[Any, Any, Any, Any]:
    """Validate and convert to tensors: (cost, log a, log b, a), broadcast to a common batch shape."""
    import torch

    def as_tensor(v: Any, name: str) -> torch.Tensor:
        if isinstance(v, torch.Tensor):
            if not v.is_floating_point():
                raise TypeError(f"{name} must be a floating-point tensor; got dtype {v.dtype}.")
            return v
        if isinstance(v, numbers.Number) or v is None:
            raise TypeError(f"{name} must be an array or tensor; got {type(v).__name__} {v!r}.")
        return torch.from_numpy(check_array(v, name, dtype=float).copy())

    c = as_tensor(cost, "cost")
    ref = c
    a_t = as_tensor(a, "a").to(dtype=ref.dtype, device=ref.device)
    b_t = as_tensor(b, "b").to(dtype=ref.dtype, device=ref.device)
    if c.ndim < 2 or c.shape[-1] == 0 or c.shape[-2] == 0:
        raise ValueError(f"cost must have shape (..., n, m) with n, m >= 1; got {tuple(c.shape)}.")
    if a_t.ndim < 1 or b_t.ndim < 1 or a_t.shape[-1] != c.shape[-2] or b_t.shape[-1] != c.shape[-1]:
        raise ValueError(
            f"a must have shape (..., {c.shape[-2]}) and b (..., {c.shape[-1]}) to match cost "
            f"{tuple(c.shape)}; got {tuple(a_t.shape)} and {tuple(b_t.shape)}."
        )
    try:
        batch = torch.broadcast_shapes(c.shape[:-2], a_t.shape[:-1], b_t.shape[:-1])
    except RuntimeError:
        raise ValueError(
            f"the batch dimensions of a {tuple(a_t.shape[:-1])}, b {tuple(b_t.shape[:-1])} and cost "
            f"{tuple(c.shape[:-2])} do not broadcast."
        ) from None
    for name, t in (("cost", c), ("a", a_t), ("b", b_t)):
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must be finite; got NaN or infinite values.")
    for name, t in (("a", a_t), ("b", b_t)):
        if bool((t < 0).any()):
            raise ValueError(f"{name} must be non-negative masses; got a smallest entry of {float(t.min()):.3g}.")
    sa, sb = a_t.sum(-1), b_t.sum(-1)
    rtol = max(_MASS_RTOL, _MASS_EPS * torch.finfo(ref.dtype).eps)
    if bool((sa <= 0).any()) or not torch.allclose(
        sa.expand(batch) if batch else sa, sb.expand(batch) if batch else sb, rtol=rtol, atol=0
    ):
        raise ValueError(
            f"a and b must have the same positive total mass in every problem; got totals "
            f"{sa.detach().cpu().numpy().round(10).tolist()} and "
            f"{sb.detach().cpu().numpy().round(10).tolist()}. Normalise both first."
        )
    tiny = torch.finfo(ref.dtype).tiny
    c = c.expand(*batch, *c.shape[-2:])
    a_t = a_t.expand(*batch, a_t.shape[-1])
    return c, a_t.clamp_min(tiny).log(), b_t.clamp_min(tiny).log(), a_t
