"""Exercise 2 of the alignment lab (backtracking the warping path): correct solutions and wrong versions."""

import numpy as np


def reference(D):
    i, j = D.shape[0] - 1, D.shape[1] - 1
    path = [(i, j)]
    while (i, j) != (0, 0):
        candidates = []
        if i > 0 and j > 0:
            candidates.append((D[i - 1, j - 1], i - 1, j - 1))
        if i > 0:
            candidates.append((D[i - 1, j], i - 1, j))
        if j > 0:
            candidates.append((D[i, j - 1], i, j - 1))
        _, i, j = min(candidates)
        path.append((i, j))
    return np.array(path[::-1])


def reference_padded(D):  # pad with +infinity and take the arg-min of the three predecessors; returns a list
    padded = np.full((D.shape[0] + 1, D.shape[1] + 1), np.inf)
    padded[1:, 1:] = D
    i, j = D.shape
    path = [[i - 1, j - 1]]
    while (i, j) != (1, 1):
        moves = [(i - 1, j), (i, j - 1), (i - 1, j - 1)]
        i, j = moves[int(np.argmin([padded[a, b] for a, b in moves]))]
        path.append([i - 1, j - 1])
    return path[::-1]


def not_reversed(D):
    return reference(D)[::-1]


def separate_lists(D):
    path = reference(D)
    return np.array([path[:, 0], path[:, 1]])


def largest_predecessor(D):
    i, j = D.shape[0] - 1, D.shape[1] - 1
    path = [(i, j)]
    while (i, j) != (0, 0):
        candidates = []
        if i > 0 and j > 0:
            candidates.append((D[i - 1, j - 1], i - 1, j - 1))
        if i > 0:
            candidates.append((D[i - 1, j], i - 1, j))
        if j > 0:
            candidates.append((D[i, j - 1], i, j - 1))
        _, i, j = max(candidates)
        path.append((i, j))
    return np.array(path[::-1])


def diagonal_jumps(D):  # skips cells: jumps two diagonal steps at once where it can
    path = reference(D)
    keep = [0] + [
        k
        for k in range(1, len(path))
        if not (k % 2 == 1 and k + 1 < len(path) and tuple(path[k + 1] - path[k - 1]) == (2, 2))
    ]
    return path[keep]


def right_then_down(D):  # ignores D: along the first row, then down the last column
    n, m = D.shape
    return np.array([(0, j) for j in range(m)] + [(i, m - 1) for i in range(1, n)])


MUTANTS = {
    "not_reversed": (
        not_reversed,
        "Check 2/4 (from (0, 0) to (n-1, m-1)): for D of shape (5, 7) the path must start at (0, 0)",
    ),
    "separate_lists": (
        separate_lists,
        "Check 1/4 (an (L, 2) integer array): expected an array of (i, j) pairs, shape (L, 2); got shape (2,",
    ),
    "largest_predecessor": (largest_predecessor, "Check 4/4 (the path is optimal)"),
    "diagonal_jumps": (
        diagonal_jumps,
        "Check 3/4 (steps (1, 0), (0, 1) or (1, 1)): your path contains the step (2, 2)",
    ),
    "right_then_down": (
        right_then_down,
        "Check 4/4 (the path is optimal): the local distances along your path add up to more than D(n-1, m-1)",
    ),
}
