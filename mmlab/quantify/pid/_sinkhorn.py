"""The PID's projection onto the couplings with fixed (x1, y) and (x2, y) marginals: mmlab.align's Sinkhorn."""

from __future__ import annotations

import torch

from mmlab._validation import check_positive_int
from mmlab.align import sinkhorn

__all__ = ["sinkhorn_project"]


# --------------------------------------------------------------------------- #
# Sinkhorn projection onto the couplings with fixed (x1, y) and (x2, y) marginals
# --------------------------------------------------------------------------- #
def sinkhorn_project(
    logits: torch.Tensor, row_marginals: torch.Tensor, col_marginals: torch.Tensor, *, n_iter: int = 100
) -> torch.Tensor:
    r"""Scale :math:`\exp(\text{logits})` so that, for every class, its rows and columns have given sums.

    For each class :math:`y` separately, find vectors :math:`u_y, v_y` such that

    .. math::

        q(a, b, y) = \exp\big(L[a, b, y] + u_y[a] + v_y[b]\big), \qquad
        \sum_b q(a, b, y) = r[a, y], \qquad \sum_a q(a, b, y) = s[b, y].

    This is entropic optimal transport with cost :math:`C = -L` and
    regularisation :math:`\varepsilon = 1`, one problem per class, so it is
    solved by :func:`mmlab.align.sinkhorn` (the one Sinkhorn of mmlab) on the
    batch of problems :math:`(r[\cdot, y], s[\cdot, y], -L[\cdot, \cdot, y])`:
    alternating, in the log domain,

    .. math::

        u_y[a] \leftarrow \log r[a, y] - \log\sum_b e^{L[a,b,y] + v_y[b]}, \qquad
        v_y[b] \leftarrow \log s[b, y] - \log\sum_a e^{L[a,b,y] + u_y[a]} .

    :math:`L` are the logits, :math:`a` indexes the first modality's samples,
    :math:`b` the second's, and :math:`r, s` the target marginals
    :math:`q(x_1, y)` and :math:`q(x_2, y)`. The iterations are differentiable,
    so a network producing :math:`L` can be trained through them (this is how
    :func:`batch_pid` searches the couplings :math:`\Delta_p`). This function
    only lays the PID's tables out as a batch of transport problems and checks
    them under the PID's names.

    Parameters
    ----------
    logits : torch.Tensor of shape (n1, n2, C)
        :math:`L`, unnormalised log-weights.
    row_marginals : torch.Tensor of shape (n1, C)
        :math:`r \ge 0`.
    col_marginals : torch.Tensor of shape (n2, C)
        :math:`s \ge 0`, with the same positive total as :math:`r` for every
        class (``r.sum(0) == s.sum(0)``, to a relative 1e-4; ``s`` is rescaled
        per class to the totals of ``r``), or no coupling exists.
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
        On mismatched shapes, negative or non-finite marginals, a class whose
        total is 0, or per-class totals that differ (relative difference above
        1e-4).

    See Also
    --------
    mmlab.align.sinkhorn : the general solver (any marginals, NumPy or torch, stopping rule).

    Notes
    -----
    Each iteration costs :math:`O(n_1 n_2 C)`. Convergence is linear; zero
    entries of a marginal are clipped to the smallest positive float.

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
            raise TypeError(
                f"{name} must be a floating-point torch.Tensor; got {type(t).__name__}"
                f"{'' if not isinstance(t, torch.Tensor) else ' of dtype ' + str(t.dtype)}."
            )
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (n1, n2, C); got shape {tuple(logits.shape)}.")
    n1, n2, c = logits.shape
    if tuple(row_marginals.shape) != (n1, c) or tuple(col_marginals.shape) != (n2, c):
        raise ValueError(
            f"row_marginals must have shape ({n1}, {c}) and col_marginals ({n2}, {c}) to match "
            f"logits {tuple(logits.shape)}; got {tuple(row_marginals.shape)} and "
            f"{tuple(col_marginals.shape)}."
        )
    for name, t in (("row_marginals", row_marginals), ("col_marginals", col_marginals)):
        if not bool(torch.isfinite(t).all()) or bool((t < 0).any()):
            raise ValueError(
                f"{name} must be finite and non-negative; got values from {float(t.min()):.3g} to {float(t.max()):.3g}."
            )
    rt, ct = row_marginals.sum(0), col_marginals.sum(0)
    if not bool((rt > 0).all()) or not torch.allclose(rt, ct, rtol=1e-4, atol=0):
        raise ValueError(
            f"row_marginals and col_marginals must have the same positive total for every class (both are "
            f"q(y)); got {rt.tolist()} and {ct.tolist()}. Rescale one of them per class."
        )
    n_iter = check_positive_int(n_iter, "n_iter")
    return _project(logits, row_marginals, col_marginals * (rt / ct), n_iter)


def _project(logits: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, n_iter: int) -> torch.Tensor:
    """:func:`sinkhorn_project` on checked inputs (the batch estimator's step): one transport problem per class.

    ``mmlab.align.sinkhorn`` takes the batch first, ``(C, n1, n2)`` with masses ``(C, n1)`` and ``(C, n2)``,
    and minimises cost / reg: cost ``-L`` with ``reg = 1`` gives the plan ``exp(L + u + v)``. The cost is made
    contiguous in that layout (its reductions then run over contiguous memory: about 1.5x faster).
    """
    cost = -logits.permute(2, 0, 1).contiguous()
    plan = sinkhorn(rows.T, cols.T, cost, reg=1.0, n_iter=n_iter, tol=None).plan
    return plan.permute(1, 2, 0)
