"""Exercise 4 of the reasoning lab (MoVie's modulation): the reference and deliberately wrong versions."""

import torch


def reference(v, delta_gamma, weight):
    return v + torch.einsum("bjrc,jk->bkrc", v * delta_gamma[:, :, None, None], weight)


def reference_matmul(v, delta_gamma, weight):  # channels last, then a matrix product
    scaled = (v * delta_gamma[:, :, None, None]).permute(0, 2, 3, 1)
    return v + (scaled @ weight).permute(0, 3, 1, 2)


def no_residual(v, delta_gamma, weight):
    return torch.einsum("bjrc,jk->bkrc", v * delta_gamma[:, :, None, None], weight)


def not_transposed(v, delta_gamma, weight):
    return v + torch.einsum("bjrc,kj->bkrc", v * delta_gamma[:, :, None, None], weight)


def scale_after(v, delta_gamma, weight):
    return v + torch.einsum("bjrc,jk->bkrc", v, weight) * delta_gamma[:, :, None, None]


def pooled(v, delta_gamma, weight):  # global fusion: the cells are averaged away
    return reference(v, delta_gamma, weight).mean(dim=(2, 3))


def detached_gamma(v, delta_gamma, weight):
    return reference(v, delta_gamma.detach(), weight)


def calls_library(v, delta_gamma, weight):
    from mmlab.reason import movie_modulation

    return movie_modulation(v, delta_gamma, weight)


MUTANTS = {
    "no_residual": (no_residual, "Check 2/4 (values): you returned only W^T (v ⊗ Δγ)"),
    "not_transposed": (not_transposed, "Check 2/4 (values): you applied W, not its transpose"),
    "scale_after": (scale_after, "Check 2/4 (values): you scaled by Δγ after the map"),
    "pooled": (pooled, "Check 1/4 (output shape): expected shape (3, 4, 2, 5), got (3, 4)"),
    "detached_gamma": (detached_gamma, "Check 4/4 (gradients reach the question)"),
    "calls_library": (
        calls_library,
        "Exercise 4 asks you to write the modulation yourself; your function calls mmlab's `movie_modulation`",
    ),
}
