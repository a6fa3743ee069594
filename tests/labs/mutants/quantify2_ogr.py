"""Exercise 2 of the second quantification lab (OGR): references and wrong versions."""

import numpy as np


def reference(train_loss, val_loss, start, end):
    lt, lv = np.asarray(train_loss, dtype=float), np.asarray(val_loss, dtype=float)
    return float(abs(((lv[end] - lt[end]) - (lv[start] - lt[start])) / (lv[start] - lv[end])))


def reference_gap_curve(train_loss, val_loss, start, end):  # the whole overfitting curve first: accepted
    gap = np.asarray(val_loss) - np.asarray(train_loss)
    return abs((gap[end] - gap[start]) / (val_loss[start] - val_loss[end]))


def final_overfitting(train_loss, val_loss, start, end):
    lt, lv = np.asarray(train_loss), np.asarray(val_loss)
    return float(abs((lv[end] - lt[end]) / (lv[start] - lv[end])))


def inverted(train_loss, val_loss, start, end):
    return 1.0 / reference(train_loss, val_loss, start, end)


def signed(train_loss, val_loss, start, end):
    lt, lv = np.asarray(train_loss), np.asarray(val_loss)
    return float(((lv[end] - lt[end]) - (lv[start] - lt[start])) / (lv[start] - lv[end]))


def training_gain(train_loss, val_loss, start, end):
    lt, lv = np.asarray(train_loss), np.asarray(val_loss)
    return float(abs(((lv[end] - lt[end]) - (lv[start] - lt[start])) / (lt[start] - lt[end])))


def ignores_checkpoints(train_loss, val_loss, start, end):
    return reference(train_loss, val_loss, 0, 3)


def calls_library(train_loss, val_loss, start, end):
    from mmlab.quantify import overfitting_to_generalization_ratio

    return overfitting_to_generalization_ratio(train_loss, val_loss, start=start, end=end)


def returns_list(train_loss, val_loss, start, end):
    return [reference(train_loss, val_loss, start, end)] * 2


MUTANTS = {
    "final_overfitting": (final_overfitting, "you used the overfitting O at the end checkpoint"),
    "inverted": (inverted, "your ratio is upside down"),
    "signed": (signed, "your OGR is negative"),
    "training_gain": (training_gain, "ΔG is the gain on the *validation* loss"),
    "ignores_checkpoints": (ignores_checkpoints, "your value is the OGR between other checkpoints"),
    "calls_library": (
        calls_library,
        "Exercise 2 asks you to compute the OGR from the two loss curves yourself; your "
        "function calls mmlab's `overfitting_to_generalization_ratio`",
    ),
    "returns_list": (returns_list, "expected one number, got list of length 2"),
}
