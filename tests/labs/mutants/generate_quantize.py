"""Exercise 3 of the generation lab (vector quantisation, straight through): correct and deliberately wrong versions."""

import torch


def reference(z_e, codebook):
    indices = torch.cdist(z_e, codebook).argmin(dim=1)
    z_q = codebook[indices]
    return z_e + (z_q - z_e).detach(), indices


def reference_expanded(z_e, codebook):  # squared distances expanded, as VQ-VAE code often writes them
    d = (z_e**2).sum(1, keepdim=True) - 2 * z_e @ codebook.T + (codebook**2).sum(1)
    indices = torch.argmin(d, dim=1)
    return z_e + (codebook[indices] - z_e).detach(), indices


def farthest(z_e, codebook):
    indices = torch.cdist(z_e, codebook).argmax(dim=1)
    return z_e + (codebook[indices] - z_e).detach(), indices


def inner_product(z_e, codebook):
    indices = (z_e @ codebook.T).argmax(dim=1)
    return z_e + (codebook[indices] - z_e).detach(), indices


def no_straight_through(z_e, codebook):
    indices = torch.cdist(z_e, codebook).argmin(dim=1)
    return codebook[indices], indices


def not_detached(z_e, codebook):  # value right, but the gradient of z_e cancels and the codebook gets it
    indices = torch.cdist(z_e, codebook).argmin(dim=1)
    return z_e + (codebook[indices] - z_e), indices


def returns_z_e(z_e, codebook):
    indices = torch.cdist(z_e, codebook).argmin(dim=1)
    return z_e, indices


def wrong_axis(z_e, codebook):
    indices = torch.cdist(z_e, codebook).argmin(dim=0)
    return z_e, indices


def only_z_q(z_e, codebook):
    return reference(z_e, codebook)[0]


def float_indices(z_e, codebook):
    z_q, indices = reference(z_e, codebook)
    return z_q, indices.float()


def calls_library(z_e, codebook):
    from mmlab.generate import vector_quantize

    return vector_quantize(z_e, codebook)


MUTANTS = {
    "farthest": (farthest, "Check 2/5 (indices of the nearest codes): you picked the farthest code"),
    "inner_product": (inner_product, "you picked the code with the largest inner product"),
    "no_straight_through": (
        no_straight_through,
        "Check 4/5 (the gradient passes straight through to z_e): no gradient reaches z_e: indexing the codebook",
    ),
    "not_detached": (not_detached, "Check 4/5 (the gradient passes straight through to z_e): no gradient reaches z_e"),
    "returns_z_e": (returns_z_e, "Check 3/5 (z_q holds the codes' values): z_q equals z_e"),
    "wrong_axis": (wrong_axis, "Check 1/5 (returns (z_q, indices)): expected z_q of shape (12, 4)"),
    "only_z_q": (only_z_q, "Check 1/5 (returns (z_q, indices)): return a pair (z_q, indices); got Tensor"),
    "float_indices": (float_indices, "indices must be an integer tensor"),
    "calls_library": (
        calls_library,
        "Exercise 3 asks you to quantise and pass the gradient straight through "
        "yourself; your function calls mmlab's `vector_quantize`",
    ),
}
