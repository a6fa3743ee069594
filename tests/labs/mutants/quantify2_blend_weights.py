"""Exercise 3 of the second quantification lab (gradient-blending weights): references and wrong versions."""

import numpy as np


def reference(delta_g, delta_o, min_overfitting=0.01):
    raw = {k: max(delta_g[k], 0.0) / max(delta_o[k], min_overfitting) ** 2 for k in delta_g}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def reference_numpy(delta_g, delta_o, min_overfitting=0.01):  # arrays, then back to a dict: accepted
    keys = list(delta_g)
    g = np.clip([delta_g[k] for k in keys], 0, None)
    o = np.maximum([delta_o[k] for k in keys], min_overfitting)
    w = g / o**2
    return dict(zip(keys, w / w.sum(), strict=True))


def unsquared(delta_g, delta_o, min_overfitting=0.01):
    raw = {k: max(delta_g[k], 0.0) / max(delta_o[k], min_overfitting) for k in delta_g}
    return {k: v / sum(raw.values()) for k, v in raw.items()}


def unnormalised(delta_g, delta_o, min_overfitting=0.01):
    return {k: max(delta_g[k], 0.0) / max(delta_o[k], min_overfitting) ** 2 for k in delta_g}


def no_clipping(delta_g, delta_o, min_overfitting=0.01):
    raw = {k: delta_g[k] / max(delta_o[k], min_overfitting) ** 2 for k in delta_g}
    return {k: v / sum(raw.values()) for k, v in raw.items()}


def fixed_floor(delta_g, delta_o, min_overfitting=0.01):
    return reference(delta_g, delta_o, 0.01)


def calls_library(delta_g, delta_o, min_overfitting=0.01):
    from mmlab.quantify import gradient_blend_weights

    return gradient_blend_weights(delta_g, delta_o, min_overfitting=min_overfitting)


def returns_list(delta_g, delta_o, min_overfitting=0.01):
    return list(reference(delta_g, delta_o, min_overfitting).values())


MUTANTS = {
    "unsquared": (unsquared, "the formula divides by the *square*"),
    "unnormalised": (unnormalised, "divide each by their total Z"),
    "no_clipping": (no_clipping, "a weight is negative"),
    "fixed_floor": (fixed_floor, "use max(ΔO, min_overfitting) in the denominator (and use the argument"),
    "calls_library": (
        calls_library,
        "Exercise 3 asks you to compute the blending weights yourself; your function "
        "calls mmlab's `gradient_blend_weights`",
    ),
    "returns_list": (returns_list, "expected a dict from head name to weight, got list"),
}
