"""Exercise 1 of the reasoning lab (soft logic): the reference and deliberately wrong versions."""

import torch


def reference(a, b, tnorm):
    if tnorm == "product":
        return a * b, a + b - a * b
    return torch.clamp(a + b - 1.0, min=0.0), torch.clamp(a + b, max=1.0)


def reference_dual(a, b, tnorm):  # OR written as the dual 1 - T(1 - a, 1 - b)
    def t(x, y):
        return x * y if tnorm == "product" else torch.maximum(x + y - 1.0, torch.zeros_like(x))

    return t(a, b), 1.0 - t(1.0 - a, 1.0 - b)


def unclipped_lukasiewicz(a, b, tnorm):
    if tnorm == "product":
        return a * b, a + b - a * b
    return a + b - 1.0, torch.clamp(a + b, max=1.0)


def or_as_sum(a, b, tnorm):
    t_and, _ = reference(a, b, tnorm)
    return t_and, a + b


def always_product(a, b, tnorm):
    return a * b, a + b - a * b


def godel(a, b, tnorm):
    return torch.minimum(a, b), torch.maximum(a, b)


def returns_one(a, b, tnorm):
    return reference(a, b, tnorm)[0]


def calls_library(a, b, tnorm):
    from mmlab.reason import soft_and, soft_or

    return soft_and(a, b, tnorm=tnorm), soft_or(a, b, tnorm=tnorm)


MUTANTS = {
    "unclipped_lukasiewicz": (
        unclipped_lukasiewicz,
        "Check 1/4 (Boolean on {0, 1}): with tnorm='lukasiewicz', your AND goes below 0",
    ),
    "or_as_sum": (
        or_as_sum,
        "Check 1/4 (Boolean on {0, 1}): with tnorm='product', your AND goes below 0 or your OR above 1",
    ),
    "always_product": (always_product, "with tnorm='lukasiewicz' your AND is the product"),
    "godel": (godel, "Check 2/4 (product family)"),
    "returns_one": (returns_one, "Check 1/4 (Boolean on {0, 1}): return a pair (a AND b, a OR b)"),
    "calls_library": (
        calls_library,
        "Exercise 1 asks you to write the t-norm and its dual t-conorm yourself; your "
        "function calls mmlab's `soft_and`",
    ),
}
