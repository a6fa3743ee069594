"""Sinkhorn projection of a proposed coupling onto the couplings with fixed (x1, y) and (x2, y) marginals."""

from __future__ import annotations

import torch

from mmlab._validation import check_positive_int

__all__ = ["sinkhorn_project"]

#: Probabilities are clipped here before taking logs (float32-safe).
_TINY = 1e-12
#: Logit spans (per class) below which Sinkhorn runs on exp(logits) rather than in the log domain.
_EXP_RANGE = 30.0


# --------------------------------------------------------------------------- #
# Sinkhorn projection onto the couplings with fixed (x1, y) and (x2, y) marginals
# --------------------------------------------------------------------------- #
def sinkhorn_project(logits: torch.Tensor, row_marginals: torch.Tensor, col_marginals: torch.Tensor, *,
                     n_iter: int = 100) -> torch.Tensor:
    r"""Scale :math:`\exp(\text{logits})` so that, for every class, its rows and columns have given sums.

    For each class :math:`y` separately, Sinkhorn's algorithm finds vectors
    :math:`u_y, v_y` such that

    .. math::

        q(a, b, y) = \exp\big(L[a, b, y] + u_y[a] + v_y[b]\big), \qquad
        \sum_b q(a, b, y) = r[a, y], \qquad \sum_a q(a, b, y) = s[b, y],

    by alternating the two updates (in the log domain, for stability)

    .. math::

        u_y[a] \leftarrow \log r[a, y] - \log\sum_b e^{L[a,b,y] + v_y[b]}, \qquad
        v_y[b] \leftarrow \log s[b, y] - \log\sum_a e^{L[a,b,y] + u_y[a]} .

    :math:`L` are the logits, :math:`a` indexes the first modality's samples,
    :math:`b` the second's, and :math:`r, s` the target marginals
    :math:`q(x_1, y)` and :math:`q(x_2, y)`. The iterations are differentiable,
    so a network producing :math:`L` can be trained through them.

    Parameters
    ----------
    logits : torch.Tensor of shape (n1, n2, C)
        :math:`L`, unnormalised log-weights.
    row_marginals : torch.Tensor of shape (n1, C)
        :math:`r \ge 0`.
    col_marginals : torch.Tensor of shape (n2, C)
        :math:`s \ge 0`, with the same total as :math:`r` for every class
        (``r.sum(0) == s.sum(0)``), or no coupling exists.
    n_iter : int, default=100
        Number of (row, column) update pairs. The last update is the column
        one, so column sums are exact and row sums are within the
        convergence error.

    Returns
    -------
    torch.Tensor of shape (n1, n2, C)
        :math:`q`.

    Raises
    ------
    TypeError
        If an argument is not a floating-point tensor.
    ValueError
        On mismatched shapes, negative or non-finite marginals, or per-class
        totals that differ (relative difference above 1e-4).

    Notes
    -----
    Each iteration costs :math:`O(n_1 n_2 C)`. Convergence is linear; zero
    entries in a marginal are clipped to 1e-12. When the logits of each class
    span less than 30 the scalings are applied to :math:`e^{L}` with
    matrix-vector products (much faster); wider spans use the log-domain
    updates above, which cannot overflow.

    References
    ----------
    Sinkhorn, R. and Knopp, P. Concerning nonnegative matrices and doubly
    stochastic matrices. Pacific Journal of Mathematics 21(2), 1967.
    Cuturi, M. Sinkhorn distances: lightspeed computation of optimal transport.
    NeurIPS 2013.

    Examples
    --------
    >>> L = torch.zeros(3, 2, 1)
    >>> q = sinkhorn_project(L, torch.tensor([[0.2], [0.3], [0.5]]), torch.tensor([[0.6], [0.4]]))
    >>> [round(v, 4) for v in q[:, :, 0].sum(1).tolist()], [round(v, 4) for v in q[:, :, 0].sum(0).tolist()]
    ([0.2, 0.3, 0.5], [0.6, 0.4])
    """
    for name, t in (("logits", logits), ("row_marginals", row_marginals), ("col_marginals", col_marginals)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor; got {type(t).__name__}"
                            f"{'' if not isinstance(t, torch.Tensor) else ' of dtype ' + str(t.dtype)}.")
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (n1, n2, C); got shape {tuple(logits.shape)}.")
    n1, n2, c = logits.shape
    if tuple(row_marginals.shape) != (n1, c) or tuple(col_marginals.shape) != (n2, c):
        raise ValueError(f"row_marginals must have shape ({n1}, {c}) and col_marginals ({n2}, {c}) to match "
                         f"logits {tuple(logits.shape)}; got {tuple(row_marginals.shape)} and "
                         f"{tuple(col_marginals.shape)}.")
    for name, t in (("row_marginals", row_marginals), ("col_marginals", col_marginals)):
        if not bool(torch.isfinite(t).all()) or bool((t < 0).any()):
            raise ValueError(f"{name} must be finite and non-negative; got values from {float(t.min()):.3g} "
                             f"to {float(t.max()):.3g}.")
    rt, ct = row_marginals.sum(0), col_marginals.sum(0)
    if not torch.allclose(rt, ct, rtol=1e-4, atol=1e-8):
        raise ValueError(f"row_marginals and col_marginals must have the same total for every class (both are "
                         f"q(y)); got {rt.tolist()} and {ct.tolist()}. Rescale one of them per class.")
    n_iter = check_positive_int(n_iter, "n_iter")
    return _sinkhorn_core(logits, row_marginals, col_marginals, n_iter)


def _sinkhorn_core(logits: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, n_iter: int) -> torch.Tensor:
    """Sinkhorn on validated inputs (differentiable).

    When the logits of every class span less than ``_EXP_RANGE`` the scalings run
    on K = exp(L - max L) with matrix-vector products (fast); otherwise in
    the log domain with ``logsumexp`` (safe for any range). Both compute the same
    iterates.
    """
    shift = logits.amax(dim=(0, 1), keepdim=True)
    span = float((shift - logits.amin(dim=(0, 1), keepdim=True)).max().detach())
    if span < _EXP_RANGE:
        kernel = torch.exp(logits - shift)                         # K[a, b, y]
        r, s = rows.clamp_min(_TINY), cols.clamp_min(_TINY)
        v = torch.ones_like(s)
        for _ in range(n_iter):
            u = r / torch.einsum("aby,by->ay", kernel, v)           # e^{u_y[a]}
            v = s / torch.einsum("aby,ay->by", kernel, u)           # e^{v_y[b]}
        return kernel * u[:, None, :] * v[None, :, :]
    log_r = rows.clamp_min(_TINY).log()   # log r[a, y]
    log_s = cols.clamp_min(_TINY).log()   # log s[b, y]
    v = torch.zeros_like(log_s)
    for _ in range(n_iter):
        u = log_r - torch.logsumexp(logits + v[None, :, :], dim=1)   # u_y[a]
        v = log_s - torch.logsumexp(logits + u[:, None, :], dim=0)   # v_y[b]
    return torch.exp(logits + u[:, None, :] + v[None, :, :])
