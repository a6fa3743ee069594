"""Exercise 3 of the alignment lab (Sinkhorn's iterations): correct solutions and deliberately wrong versions."""

import numpy as np
from scipy.special import logsumexp


def reference(a, b, cost, reg, n_iter):
    kernel = np.exp(-cost / reg)
    v = np.ones(len(b))
    for _ in range(n_iter):
        u = a / (kernel @ v)
        v = b / (kernel.T @ u)
    return u[:, None] * kernel * v[None, :]


def reference_log_domain(a, b, cost, reg, n_iter):
    f, g = np.zeros(len(a)), np.zeros(len(b))
    for _ in range(n_iter):
        f = reg * np.log(a) - reg * logsumexp((g[None, :] - cost) / reg, axis=1)
        g = reg * np.log(b) - reg * logsumexp((f[:, None] - cost) / reg, axis=0)
    return np.exp((f[:, None] + g[None, :] - cost) / reg)


def _scaled(a, b, kernel, n_iter):
    v = np.ones(len(b))
    for _ in range(n_iter):
        u = a / (kernel @ v)
        v = b / (kernel.T @ u)
    return u[:, None] * kernel * v[None, :]


def kernel_without_reg(a, b, cost, reg, n_iter):
    return _scaled(a, b, np.exp(-cost), n_iter)


def kernel_wrong_sign(a, b, cost, reg, n_iter):
    return _scaled(a, b, np.exp(cost / reg), n_iter)


def kernel_times_reg(a, b, cost, reg, n_iter):
    return _scaled(a, b, np.exp(-cost * reg), n_iter)


def rows_only(a, b, cost, reg, n_iter):
    kernel = np.exp(-cost / reg)
    u = a / kernel.sum(1)
    return u[:, None] * kernel


def independent_coupling(a, b, cost, reg, n_iter):  # the outer product a b^T has the right marginals, ignores C
    return np.outer(a, b)


def stops_early(a, b, cost, reg, n_iter):
    return reference(a, b, cost, reg, min(n_iter, 30))


def calls_the_library(a, b, cost, reg, n_iter):
    from mmlab.align import sinkhorn

    return sinkhorn(a, b, cost, reg=reg, n_iter=n_iter).plan


def exact_instead(a, b, cost, reg, n_iter):
    from mmlab.align import optimal_transport

    return optimal_transport(a, b, cost).plan


MUTANTS = {
    "kernel_without_reg": (kernel_without_reg, "Check 3/4 (the entropic plan): your plan matches the kernel exp(-C)"),
    "kernel_wrong_sign": (
        kernel_wrong_sign,
        "Check 3/4 (the entropic plan): your plan matches the kernel exp(+C / reg)",
    ),
    "kernel_times_reg": (kernel_times_reg, "your plan matches the kernel exp(-C * reg)"),
    "rows_only": (rows_only, "Check 2/4 (marginals): after 500 iterations your plan's columns do not sum to b"),
    "independent_coupling": (
        independent_coupling,
        "Check 3/4 (the entropic plan): your plan has the right marginals but is not the entropic optimum",
    ),
    "stops_early": (stops_early, "Check 4/4 (small regularisation)"),
    "calls_the_library": (
        calls_the_library,
        "Exercise 3 asks you to write Sinkhorn's scaling iterations yourself; your function calls mmlab's `sinkhorn`",
    ),
    "exact_instead": (exact_instead, "your function calls mmlab's `optimal_transport`"),
}
