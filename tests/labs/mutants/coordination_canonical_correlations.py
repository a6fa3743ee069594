"""Exercise 1 of the coordination lab (canonical correlations): the reference and deliberately wrong versions.

``MUTANTS`` maps a name to ``(function, fragment)``: ``check_canonical_correlations`` must fail
on the function with a message containing ``fragment``.
"""

import numpy as np


def _inv_sqrt(s):
    w, v = np.linalg.eigh(s)
    return (v / np.sqrt(w)) @ v.T


def reference(x, y, k):
    x, y = x - x.mean(0), y - y.mean(0)
    n = len(x)
    t = _inv_sqrt(x.T @ x / (n - 1)) @ (x.T @ y / (n - 1)) @ _inv_sqrt(y.T @ y / (n - 1))
    return np.linalg.svd(t, compute_uv=False)[:k]


def reference_cholesky(x, y, k):  # whitening by Cholesky factors: the same singular values
    x, y = x - x.mean(0), y - y.mean(0)
    lx, ly = np.linalg.cholesky(x.T @ x), np.linalg.cholesky(y.T @ y)
    t = np.linalg.solve(lx, x.T @ y) @ np.linalg.inv(ly).T
    return np.linalg.svd(t, compute_uv=False)[:k]


def not_centred(x, y, k):
    n = len(x)
    t = _inv_sqrt(x.T @ x / (n - 1)) @ (x.T @ y / (n - 1)) @ _inv_sqrt(y.T @ y / (n - 1))
    return np.linalg.svd(t, compute_uv=False)[:k]


def not_whitened(x, y, k):
    x, y = x - x.mean(0), y - y.mean(0)
    return np.linalg.svd(x.T @ y / (len(x) - 1), compute_uv=False)[:k]


def squared(x, y, k):  # eigenvalues of T^T T
    return reference(x, y, k) ** 2


def ascending(x, y, k):
    return np.sort(reference(x, y, k))


def all_of_them(x, y, k):
    return reference(x, y, min(x.shape[1], y.shape[1]))


def one_sided(x, y, k):  # whitens x only
    x, y = x - x.mean(0), y - y.mean(0)
    n = len(x)
    return np.linalg.svd(_inv_sqrt(x.T @ x / (n - 1)) @ (x.T @ y / (n - 1)), compute_uv=False)[:k]


def uses_the_library(x, y, k):
    from mmlab.coordination import CCA

    return CCA(k).fit(x, y).correlations_


MUTANTS = {
    "not_centred": (not_centred, "Check 2/4 (values on a planted case): you did not centre the data"),
    "not_whitened": (not_whitened, "Check 2/4 (values on a planted case): these are singular values of the raw"),
    "squared": (squared, "these are squared correlations"),
    "ascending": (ascending, "right values, wrong order"),
    "all_of_them": (
        all_of_them,
        "Check 1/4 (returns k correlations): with k=3 expected shape (3,), got (4,). You returned all of them",
    ),
    "one_sided": (one_sided, "Check 2/4 (values on a planted case)"),
    "uses_the_library": (
        uses_the_library,
        "Exercise 1 asks you to compute the canonical correlations from the "
        "covariance blocks yourself; your function calls mmlab's `CCA`",
    ),
}
