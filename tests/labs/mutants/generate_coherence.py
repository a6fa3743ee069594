"""Exercise 4 of the generation lab (coherence and its chance level): correct and deliberately wrong versions."""

import numpy as np


def reference(labels_a, labels_b):
    a, b = np.asarray(labels_a), np.asarray(labels_b)
    classes = np.union1d(a, b)
    chance = sum(np.mean(a == k) * np.mean(b == k) for k in classes)
    return float(np.mean(a == b)), float(chance)


def reference_counts(labels_a, labels_b):  # with bincount over the largest label
    a, b = np.asarray(labels_a), np.asarray(labels_b)
    k = int(max(a.max(), b.max())) + 1
    p_a, p_b = np.bincount(a, minlength=k) / a.size, np.bincount(b, minlength=k) / b.size
    return float((a == b).mean()), float(p_a @ p_b)


def one_over_k(labels_a, labels_b):
    a, b = np.asarray(labels_a), np.asarray(labels_b)
    return float(np.mean(a == b)), 1.0 / len(np.union1d(a, b))


def same_marginal(labels_a, labels_b):
    a, b = np.asarray(labels_a), np.asarray(labels_b)
    return float(np.mean(a == b)), float(sum(np.mean(a == k) ** 2 for k in np.unique(a)))


def swapped(labels_a, labels_b):
    agreement, chance = reference(labels_a, labels_b)
    return chance, agreement


def bincount_without_length(labels_a, labels_b):  # count vectors of different lengths when a class is missing
    a, b = np.asarray(labels_a), np.asarray(labels_b)
    return float(np.mean(a == b)), float(np.bincount(a) @ np.bincount(b)) / a.size**2


def squared_agreement(labels_a, labels_b):
    agreement, _ = reference(labels_a, labels_b)
    return agreement, agreement**2


def agreement_only(labels_a, labels_b):
    return reference(labels_a, labels_b)[0]


def calls_library(labels_a, labels_b):
    from mmlab.generate import coherence

    result = coherence(labels_a, labels_b)
    return result.agreement, result.chance


MUTANTS = {
    "one_over_k": (one_over_k, "Check 3/4 (the chance level): 1/K is the chance level only when"),
    "same_marginal": (same_marginal, "you combined modality a's marginal with itself"),
    "swapped": (swapped, "Check 2/4 (the agreement): your agreement"),
    "bincount_without_length": (
        bincount_without_length,
        "Check 4/4 (classes seen in one modality only, and symmetry): your function raised ValueError",
    ),
    "squared_agreement": (squared_agreement, "not from the agreement"),
    "agreement_only": (agreement_only, "Check 1/4 (returns two numbers): return a pair (agreement, chance)"),
    "calls_library": (
        calls_library,
        "Exercise 4 asks you to compute the agreement and its chance level yourself; "
        "your function calls mmlab's `coherence`",
    ),
}
