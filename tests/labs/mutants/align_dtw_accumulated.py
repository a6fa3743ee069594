"""Exercise 1 of the alignment lab (DTW accumulated cost): correct solutions and deliberately wrong versions."""

import numpy as np

from mmlab.align import local_distances


def reference(x, y):
    d = local_distances(x, y)
    n, m = d.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = d[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return acc[1:, 1:]


def reference_edges_first(x, y):  # first row and column by cumulative sums, then the interior
    x2, y2 = np.asarray(x, float).reshape(len(x), -1), np.asarray(y, float).reshape(len(y), -1)
    d = np.linalg.norm(x2[:, None, :] - y2[None, :, :], axis=-1)
    acc = np.empty_like(d)
    acc[0] = np.cumsum(d[0])
    acc[:, 0] = np.cumsum(d[:, 0])
    for i in range(1, len(d)):
        for j in range(1, d.shape[1]):
            acc[i, j] = d[i, j] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return acc


def border_kept(x, y):
    d = local_distances(x, y)
    acc = np.full((d.shape[0] + 1, d.shape[1] + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, d.shape[0] + 1):
        for j in range(1, d.shape[1] + 1):
            acc[i, j] = d[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return acc


def starts_at_zero(x, y):
    return reference(x, y) - local_distances(x, y)[0, 0]


def zero_border(x, y):  # cells outside the grid count as 0 instead of +infinity
    d = local_distances(x, y)
    acc = np.zeros((d.shape[0] + 1, d.shape[1] + 1))
    for i in range(1, d.shape[0] + 1):
        for j in range(1, d.shape[1] + 1):
            acc[i, j] = d[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return acc[1:, 1:]


def _variant(x, y, pick, steps, power=1):
    d = local_distances(x, y) ** power
    acc = np.full((d.shape[0] + 1, d.shape[1] + 1), np.inf)
    acc[1, 1] = d[0, 0]
    for i in range(1, d.shape[0] + 1):
        for j in range(1, d.shape[1] + 1):
            if (i, j) == (1, 1):
                continue
            prev = [acc[i - di, j - dj] for di, dj in steps]
            finite = [p for p in prev if np.isfinite(p)] or [np.inf]
            acc[i, j] = d[i - 1, j - 1] + pick(finite)
    return acc[1:, 1:]


def no_diagonal(x, y):
    return _variant(x, y, min, ((1, 0), (0, 1)))


def largest_predecessor(x, y):
    return _variant(x, y, max, ((1, 0), (0, 1), (1, 1)))


def squared_distances(x, y):
    return _variant(x, y, min, ((1, 0), (0, 1), (1, 1)), power=2)


def calls_the_library(x, y):
    from mmlab.align import dtw

    return dtw(x, y).accumulated


MUTANTS = {
    "border_kept": (
        border_kept,
        "Check 1/4 (output shape): expected shape (4, 6) = (len(x), len(y)), got (5, 7). "
        "You returned the matrix with its infinite border",
    ),
    "starts_at_zero": (
        starts_at_zero,
        "Check 2/4 (first row and column): D(0, 0) is not the local distance of the "
        "first pair. D(0, 0) is 0 in your matrix",
    ),
    "zero_border": (
        zero_border,
        "Check 2/4 (first row and column): the first row and column should add up the local distances",
    ),
    "no_diagonal": (no_diagonal, "Check 3/4 (the recurrence on hidden pairs): the diagonal predecessor"),
    "largest_predecessor": (
        largest_predecessor,
        "Check 3/4 (the recurrence on hidden pairs): you take the largest predecessor",
    ),
    "squared_distances": (
        squared_distances,
        "Check 2/4 (first row and column): D(0, 0) is not the local distance "
        "of the first pair. It is its square: you used squared distances",
    ),
    "calls_the_library": (
        calls_the_library,
        "Exercise 1 asks you to fill in the accumulated cost matrix with the "
        "recurrence yourself; your function calls mmlab's `dtw`",
    ),
}
