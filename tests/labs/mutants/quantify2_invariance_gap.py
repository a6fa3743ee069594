"""Exercise 4 of the second quantification lab (a permutation-invariance test): references and wrong versions."""

import numpy as np
import torch


def reference(f, x, perm):
    with torch.no_grad():
        out = f(x)
        moved = f(x[:, list(perm)])
    return float(torch.linalg.norm(moved - out) / torch.linalg.norm(out))


def reference_numpy(f, x, perm):  # NumPy norms of flattened outputs, returned as a 0-d tensor: accepted
    with torch.no_grad():
        out, moved = f(x).numpy().ravel(), f(x[:, perm]).numpy().ravel()
    return torch.tensor(np.linalg.norm(moved - out) / np.linalg.norm(out))


def absolute(f, x, perm):
    with torch.no_grad():
        return float(torch.linalg.norm(f(x[:, perm]) - f(x)))


def batch_axis(f, x, perm):
    with torch.no_grad():
        out = f(x)
        return float(torch.linalg.norm(f(x[perm]) - out) / torch.linalg.norm(out))


def identity(f, x, perm):  # compares the model with itself
    with torch.no_grad():
        out = f(x)
        return float(torch.linalg.norm(f(x) - out) / torch.linalg.norm(out))


def reversed_order(f, x, perm):  # always reverses, whatever perm says
    return reference(f, x, list(range(x.shape[1]))[::-1])


def calls_library(f, x, perm):
    from mmlab.quantify import invariance_error, permute_elements

    return invariance_error(f, x, lambda s: permute_elements(s, perm))


MUTANTS = {
    "absolute": (absolute, "you returned the absolute error"),
    "batch_axis": (batch_axis, "you permuted the batch axis"),
    "identity": (identity, "you returned 0 for a model that depends on the order"),
    "reversed_order": (reversed_order, "your value is that of another permutation (the reversed order)"),
    "calls_library": (
        calls_library,
        "Exercise 4 asks you to measure the invariance error yourself; your function calls mmlab's `invariance_error`",
    ),
}
