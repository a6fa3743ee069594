"""Exercise 3 of the fusion lab (low-rank fusion): the reference and deliberately wrong versions."""

import torch


def _with_one(x):
    return torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype, device=x.device)], dim=1)


def reference(xs, factors, rank_weights, bias):
    prod = None
    for x, w in zip(xs, factors, strict=True):
        term = torch.einsum("bi,kio->bko", _with_one(x), w)  # W_i^(k) [x_i; 1]
        prod = term if prod is None else prod * term
    return torch.einsum("bko,k->bo", prod, rank_weights) + bias


def reference_loops(xs, factors, rank_weights, bias):  # one rank term at a time, with matmul
    z = bias.expand(xs[0].shape[0], -1)
    for k in range(rank_weights.shape[0]):
        term = torch.ones_like(z)
        for x, w in zip(xs, factors, strict=True):
            term = term * (_with_one(x) @ w[k])
        z = z + rank_weights[k] * term
    return z


def no_bias(xs, factors, rank_weights, bias):
    return reference(xs, factors, rank_weights, torch.zeros_like(bias))


def no_rank_weights(xs, factors, rank_weights, bias):
    return reference(xs, factors, torch.ones_like(rank_weights), bias)


def sum_over_modalities(xs, factors, rank_weights, bias):  # additive fusion in disguise
    total = sum(torch.einsum("bi,kio->bko", _with_one(x), w) for x, w in zip(xs, factors, strict=True))
    return torch.einsum("bko,k->bo", total, rank_weights) + bias


def keeps_rank_dim(xs, factors, rank_weights, bias):
    prod = None
    for x, w in zip(xs, factors, strict=True):
        term = torch.einsum("bi,kio->bko", _with_one(x), w)
        prod = term if prod is None else prod * term
    return prod * rank_weights[None, :, None] + bias


def first_two_only(xs, factors, rank_weights, bias):
    return reference(xs[:2], factors[:2], rank_weights, bias)


def detached(xs, factors, rank_weights, bias):
    return reference(xs, [w.detach() for w in factors], rank_weights.detach(), bias.detach())


def forgets_the_one(xs, factors, rank_weights, bias):  # shapes do not match the (d_i + 1)-row factors
    prod = None
    for x, w in zip(xs, factors, strict=True):
        term = torch.einsum("bi,kio->bko", x, w)
        prod = term if prod is None else prod * term
    return torch.einsum("bko,k->bo", prod, rank_weights) + bias


def calls_library(xs, factors, rank_weights, bias):  # loads the arguments into mmlab's layer
    from mmlab.fusion import LowRankFusion

    layer = LowRankFusion([x.shape[1] for x in xs], bias.shape[0], rank=rank_weights.shape[0])
    with torch.no_grad():
        for mine, given in zip(layer.factors, factors, strict=True):
            mine.copy_(given)
        layer.rank_weights.copy_(rank_weights)
        layer.bias.copy_(bias)
    return layer(xs)


def returns_numpy(xs, factors, rank_weights, bias):
    return reference(xs, factors, rank_weights, bias).detach().numpy()


def in_place_bias(xs, factors, rank_weights, bias):  # bias.add_ on a leaf that needs gradients
    z = reference(xs, factors, rank_weights, torch.zeros_like(bias))
    return z.add_(bias) if not bias.requires_grad else bias.add_(0.0) + z


MUTANTS = {
    "no_bias": (no_bias, "Check 2/4 (agrees with the equation (two modalities)): you left out the bias b"),
    "no_rank_weights": (no_rank_weights, "you left out the rank weights"),
    "sum_over_modalities": (sum_over_modalities, "you added the modality terms; low-rank fusion multiplies them"),
    "keeps_rank_dim": (
        keeps_rank_dim,
        "Check 1/4 (output shape): expected shape (32, 5), got (32, 3, 5). You kept the rank dimension",
    ),
    "first_two_only": (
        first_two_only,
        "Check 3/4 (agrees with the equation (three modalities)): you used only the first two modalities",
    ),
    "detached": (detached, "Check 4/4 (gradients reach the factors): your output is cut off from the autograd"),
    "forgets_the_one": (forgets_the_one, "Check 1/4 (output shape): your function raised RuntimeError"),
    "calls_library": (
        calls_library,
        "Check 1/4 (output shape): Exercise 3 asks you to implement the low-rank "
        "forward pass yourself; your function calls mmlab's `LowRankFusion`",
    ),
    "returns_numpy": (returns_numpy, "Check 1/4 (output shape): you returned a NumPy array; return a torch.Tensor"),
    "in_place_bias": (
        in_place_bias,
        "Check 4/4 (gradients reach the factors): your function raised RuntimeError: a "
        "leaf Variable that requires grad",
    ),
}
