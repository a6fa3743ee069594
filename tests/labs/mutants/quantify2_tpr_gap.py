"""Exercise 5 of the second quantification lab (the equal-opportunity gap): references and wrong versions."""

import numpy as np


def reference(pred, y, group):
    pred, y, group = (np.asarray(v) for v in (pred, y, group))
    tpr = [pred[(group == a) & (y == 1)].mean() for a in np.unique(group)]
    return float(max(tpr) - min(tpr))


def reference_loop(pred, y, group):  # counting by hand: accepted
    hits, positives = {}, {}
    for p, t, g in zip(pred, y, group, strict=True):
        if t == 1:
            positives[g] = positives.get(g, 0) + 1
            hits[g] = hits.get(g, 0) + int(p == 1)
    rates = [hits[g] / positives[g] for g in positives]
    return max(rates) - min(rates)


def positive_rate(pred, y, group):
    pred, group = np.asarray(pred), np.asarray(group)
    rates = [pred[group == a].mean() for a in np.unique(group)]
    return float(max(rates) - min(rates))


def accuracy_gap(pred, y, group):
    pred, y, group = (np.asarray(v) for v in (pred, y, group))
    rates = [(pred[group == a] == y[group == a]).mean() for a in np.unique(group)]
    return float(max(rates) - min(rates))


def signed(pred, y, group):
    pred, y, group = (np.asarray(v) for v in (pred, y, group))
    return float(pred[(group == 0) & (y == 1)].mean() - pred[(group == 1) & (y == 1)].mean())


def two_groups_only(pred, y, group):
    pred, y, group = (np.asarray(v) for v in (pred, y, group))
    return float(abs(pred[(group == 1) & (y == 1)].mean() - pred[(group == 0) & (y == 1)].mean()))


def calls_library(pred, y, group):
    from mmlab.quantify import group_gap

    return group_gap(pred, y, group, rate="tpr")


MUTANTS = {
    "positive_rate": (positive_rate, "you compared positive rates over all samples of each group"),
    "accuracy_gap": (accuracy_gap, "you compared accuracies"),
    "signed": (signed, "your gap is negative"),
    "two_groups_only": (two_groups_only, "with more than two groups the gap is the largest TPR minus the smallest"),
    "calls_library": (
        calls_library,
        "Exercise 5 asks you to compute the TPR gap yourself; your function calls mmlab's `group_gap`",
    ),
}
