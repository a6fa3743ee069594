"""Exercise 3 of the reasoning lab (the intervention test): the reference and deliberately wrong versions."""

import warnings

import numpy as np


def reference(pred_before, pred_after, truth_before, truth_after):
    same = truth_before == truth_after
    inv = float((pred_after[same] != pred_before[same]).mean()) if same.any() else 0.0
    cov = float((pred_after[~same] != truth_after[~same]).mean()) if (~same).any() else 0.0
    return inv, cov


def reference_counts(pred_before, pred_after, truth_before, truth_after):  # counts and divisions
    same = np.flatnonzero(truth_before == truth_after)
    changed = np.flatnonzero(truth_before != truth_after)
    inv = sum(pred_after[i] != pred_before[i] for i in same) / max(len(same), 1)
    cov = sum(pred_after[i] != truth_after[i] for i in changed) / max(len(changed), 1)
    return float(inv), float(cov)


def swapped(pred_before, pred_after, truth_before, truth_after):
    inv, cov = reference(pred_before, pred_after, truth_before, truth_after)
    return cov, inv


def over_all_scenes(pred_before, pred_after, truth_before, truth_after):
    inv = float((pred_after != pred_before).mean())
    return inv, reference(pred_before, pred_after, truth_before, truth_after)[1]


def stayed_put(pred_before, pred_after, truth_before, truth_after):
    changed = truth_before != truth_after
    cov = float((pred_after[changed] == pred_before[changed]).mean())
    return reference(pred_before, pred_after, truth_before, truth_after)[0], cov


def nan_when_empty(pred_before, pred_after, truth_before, truth_after):
    same = truth_before == truth_after
    with warnings.catch_warnings():  # the mean of an empty selection is NaN (with a warning)
        warnings.simplefilter("ignore")
        return (
            float((pred_after[same] != pred_before[same]).mean()),
            float((pred_after[~same] != truth_after[~same]).mean()),
        )


def accuracy_instead(pred_before, pred_after, truth_before, truth_after):
    return float((pred_before == truth_before).mean()), float((pred_after == truth_after).mean())


MUTANTS = {
    "swapped": (swapped, "Check 2/4 (worked case): you returned the two rates in the wrong order"),
    "over_all_scenes": (over_all_scenes, "Check 2/4 (worked case): your invariance failure counts every scene"),
    "stayed_put": (stayed_put, "Check 2/4 (worked case): your covariance failure asks whether the prediction stayed"),
    "nan_when_empty": (nan_when_empty, "Check 4/4 (no answer changes)"),
    "accuracy_instead": (accuracy_instead, "Check 2/4 (worked case)"),
}
