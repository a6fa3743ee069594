"""Exercise 1 of the second quantification lab (relative and effective robustness): references and wrong versions."""

import numpy as np


def reference(levels, accuracy, baseline):
    lv, f, b = (np.asarray(v, dtype=float) for v in (levels, accuracy, baseline))
    return float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(lv))), float(np.sum(f - (b + f[0] - b[0])))


def reference_trapezoid(levels, accuracy, baseline):  # numpy's trapezoid and a loop: accepted
    f, b = list(accuracy), list(baseline)
    er = sum(fi - bi - (f[0] - b[0]) for fi, bi in zip(f, b, strict=True))
    return np.trapezoid(accuracy, levels), er


def mean_accuracy(levels, accuracy, baseline):
    return float(np.mean(accuracy)), reference(levels, accuracy, baseline)[1]


def left_riemann(levels, accuracy, baseline):
    f = np.asarray(accuracy, dtype=float)
    return float(np.sum(f[:-1] * np.diff(levels))), reference(levels, accuracy, baseline)[1]


def one_width(levels, accuracy, baseline):
    return float(np.sum(accuracy) * (levels[1] - levels[0])), reference(levels, accuracy, baseline)[1]


def no_shift(levels, accuracy, baseline):
    return reference(levels, accuracy, baseline)[0], float(np.sum(np.asarray(accuracy) - np.asarray(baseline)))


def mean_effective(levels, accuracy, baseline):
    rr, er = reference(levels, accuracy, baseline)
    return rr, er / len(levels)


def wrong_sign(levels, accuracy, baseline):
    rr, er = reference(levels, accuracy, baseline)
    return rr, -er


def calls_library(levels, accuracy, baseline):
    from mmlab.quantify import effective_robustness, relative_robustness

    return relative_robustness(levels, accuracy), effective_robustness(levels, accuracy, baseline)


def returns_one(levels, accuracy, baseline):
    return reference(levels, accuracy, baseline)[0]


def returns_none(levels, accuracy, baseline):
    reference(levels, accuracy, baseline)


MUTANTS = {
    "mean_accuracy": (mean_accuracy, "you returned the mean accuracy over the levels"),
    "left_riemann": (left_riemann, "you used left end points"),
    "one_width": (one_width, "you multiplied the sum of all accuracies by one width"),
    "no_shift": (no_shift, "for a copy of the baseline moved down by 0.1 ER must be 0"),
    "mean_effective": (mean_effective, "you averaged over the levels"),
    "wrong_sign": (wrong_sign, "your ER has the wrong sign"),
    "calls_library": (
        calls_library,
        "Check 1/5 (returns (relative, effective)): Exercise 1 asks you to compute "
        "relative and effective robustness from the curves yourself; your function calls "
        "mmlab's `relative_robustness`",
    ),
    "returns_one": (returns_one, "expected a pair (relative, effective) of numbers"),
    "returns_none": (returns_none, "your function returned None"),
}
