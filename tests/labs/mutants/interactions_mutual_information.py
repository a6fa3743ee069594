"""Exercise 1 of the interactions lab (mutual information of a table): the reference and wrong versions."""

import numpy as np


def reference(p):
    px, py = p.sum(axis=1), p.sum(axis=0)
    mask = p > 0
    return float(np.sum(p[mask] * np.log2(p[mask] / np.outer(px, py)[mask])))


def reference_entropies(p):  # H(X) + H(Y) - H(X,Y): accepted
    def h(v):
        v = v[v > 0]
        return -float(np.sum(v * np.log2(v)))

    return h(p.sum(axis=1)) + h(p.sum(axis=0)) - h(p.ravel())


def natural_log(p):
    px, py = p.sum(axis=1), p.sum(axis=0)
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / np.outer(px, py)[mask])))


def no_zero_mask(p):
    px, py = p.sum(axis=1), p.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(p * np.log2(p / np.outer(px, py))))


def joint_entropy(p):
    v = p[p > 0]
    return -float(np.sum(v * np.log2(v)))


def row_marginal_twice(p):  # p(y) taken over the wrong axis, then cut to size
    px = p.sum(axis=1)
    py = np.resize(p.sum(axis=1), p.shape[1])
    mask = p > 0
    return float(np.sum(p[mask] * np.log2(p[mask] / np.outer(px, py)[mask])))


def returns_array(p):
    px, py = p.sum(axis=1), p.sum(axis=0)
    mask = p > 0
    return np.where(mask, p * np.log2(np.where(mask, p, 1) / np.outer(px, py)), 0.0)


def calls_library(p):  # the library function the exercise asks you to write
    from mmlab.quantify import mutual_information

    return mutual_information(p)


def via_pid(p):  # a detour: the unique information of X when the second source is a constant
    import mmlab.quantify.pid as pid

    return pid.exact_pid(p[:, None, :]).unique1


def no_return(p):
    reference(p)


def returns_string(p):
    return f"{reference(p):.3f} bits"


MUTANTS = {
    "natural_log": (natural_log, "your MI looks like nats (natural log); use log base 2"),
    "no_zero_mask": (no_zero_mask, "sum only over the cells with p > 0"),
    "joint_entropy": (joint_entropy, "You returned the joint entropy H(X,Y)"),
    "row_marginal_twice": (row_marginal_twice, "p(y) = p.sum(axis=0)"),
    "returns_array": (returns_array, "expected one number (bits)"),
    "calls_library": (
        calls_library,
        "Check 1/6 (returns a number): Exercise 1 asks you to compute the mutual "
        "information from the table yourself; your function calls mmlab's "
        "`mutual_information`",
    ),
    "via_pid": (via_pid, "your function calls mmlab's `exact_pid`"),
    "no_return": (no_return, "Check 1/6 (returns a number): your function returned None"),
    "returns_string": (returns_string, "expected one number, got str '0.531 bits'"),
}
