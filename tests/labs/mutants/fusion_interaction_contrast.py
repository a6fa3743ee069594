"""Exercise 4 of the fusion lab (interaction contrast): the reference and deliberately wrong versions."""

import torch


def reference(f, a0, a1, b0, b1):
    return f([a1, b1]) - f([a1, b0]) - f([a0, b1]) + f([a0, b0])


def reference_batched(f, a0, a1, b0, b1):  # one call on the four stacked corners
    n = a0.shape[0]
    out = f([torch.cat([a1, a1, a0, a0]), torch.cat([b1, b0, b1, b0])])
    f11, f10, f01, f00 = out.split(n)
    return f11 - f10 - f01 + f00


def two_terms(f, a0, a1, b0, b1):  # only the diagonal
    return f([a1, b1]) - f([a0, b0])


def opposite_sign(f, a0, a1, b0, b1):
    return -f([a1, b1]) + f([a1, b0]) + f([a0, b1]) - f([a0, b0])


def last_sign_wrong(f, a0, a1, b0, b1):
    return f([a1, b1]) - f([a1, b0]) - f([a0, b1]) - f([a0, b0])


def batch_mean(f, a0, a1, b0, b1):
    return reference(f, a0, a1, b0, b1).mean(dim=0)


def reaches_into_weights(f, a0, a1, b0, b1):  # works only for modules with per-modality maps
    w_a, w_b = f.maps[0].weight, f.maps[1].weight
    return reference(f, a0, a1, b0, b1) + 0.0 * (w_a.sum() + w_b.sum())


def mixed_pairs(f, a0, a1, b0, b1):  # pairs a1 with b1 twice
    return f([a1, b1]) - f([a1, b1]) - f([a0, b1]) + f([a0, b0])


def returns_list(f, a0, a1, b0, b1):  # the four terms, not combined
    return [f([a1, b1]), f([a1, b0]), f([a0, b1]), f([a0, b0])]


def no_return(f, a0, a1, b0, b1):
    reference(f, a0, a1, b0, b1)


def divides_by_zero_spread(f, a0, a1, b0, b1):  # a normalisation that yields NaN when the contrast is 0
    delta = reference(f, a0, a1, b0, b1)
    return delta / delta.abs()


MUTANTS = {
    "two_terms": (two_terms, "Check 2/4 (zero for an additive model): for additive fusion"),
    "opposite_sign": (
        opposite_sign,
        "Check 3/4 (matches the definition on bilinear fusion): your contrast has the opposite sign",
    ),
    "last_sign_wrong": (last_sign_wrong, "Check the four signs: + f(a1, b1) - f(a1, b0) - f(a0, b1) + f(a0, b0)"),
    "batch_mean": (batch_mean, "Check 1/4 (output shape): expected shape (16, 2), got (2,). You averaged"),
    "reaches_into_weights": (
        reaches_into_weights,
        "Check 3/4 (matches the definition on bilinear fusion): your function raised AttributeError",
    ),
    "mixed_pairs": (mixed_pairs, "Check 2/4 (zero for an additive model)"),
    "returns_list": (returns_list, "Check 1/4 (output shape): you returned a list; return one torch.Tensor"),
    "no_return": (no_return, "Check 1/4 (output shape): your function returned None"),
    "nan_for_additive": (
        divides_by_zero_spread,
        "Check 1/4 (output shape): your result contains NaN or infinite values",
    ),
}
