"""Exercise 5 of the alignment lab (cross-modal attention): correct solutions and deliberately wrong versions."""

import torch


def reference(target, source, w_q, w_k, w_v):
    q, k, v = target @ w_q, source @ w_k, source @ w_v
    weights = torch.softmax(q @ k.T / q.shape[-1] ** 0.5, dim=-1)
    return target + weights @ v, weights


def reference_einsum(target, source, w_q, w_k, w_v):
    scores = torch.einsum("nd,md->nm", target @ w_q, source @ w_k) / torch.tensor(float(w_q.shape[1])).sqrt()
    weights = scores.exp() / scores.exp().sum(dim=1, keepdim=True)
    return (target + torch.einsum("nm,me->ne", weights, source @ w_v), weights)


def no_scale(target, source, w_q, w_k, w_v):
    q, k, v = target @ w_q, source @ w_k, source @ w_v
    weights = torch.softmax(q @ k.T, dim=-1)
    return target + weights @ v, weights


def scaled_by_d(target, source, w_q, w_k, w_v):
    q, k, v = target @ w_q, source @ w_k, source @ w_v
    weights = torch.softmax(q @ k.T / q.shape[-1], dim=-1)
    return target + weights @ v, weights


def softmax_over_targets(target, source, w_q, w_k, w_v):
    q, k, v = target @ w_q, source @ w_k, source @ w_v
    weights = torch.softmax(q @ k.T / q.shape[-1] ** 0.5, dim=0)
    return target + weights @ v, weights


def no_residual(target, source, w_q, w_k, w_v):
    q, k, v = target @ w_q, source @ w_k, source @ w_v
    weights = torch.softmax(q @ k.T / q.shape[-1] ** 0.5, dim=-1)
    return weights @ v, weights


def numpy_output(target, source, w_q, w_k, w_v):
    out, weights = reference(target, source, w_q, w_k, w_v)
    return out.numpy(), weights.numpy()


def weights_only(target, source, w_q, w_k, w_v):
    return reference(target, source, w_q, w_k, w_v)[1]


def calls_the_library(target, source, w_q, w_k, w_v):
    from mmlab.align import CrossModalAttention

    block = CrossModalAttention(target.shape[1], source.shape[1])
    return block(target[None], source[None])


MUTANTS = {
    "no_scale": (no_scale, "Check 3/4 (the weights): your weights are softmax(Q K^T) without the scale"),
    "scaled_by_d": (scaled_by_d, "Check 3/4 (the weights): you divided the scores by d"),
    "softmax_over_targets": (
        softmax_over_targets,
        "Check 2/4 (rows are distributions): each row of the weights must be non-negative and sum to 1.",
    ),
    "no_residual": (
        no_residual,
        "Check 4/4 (the output is target + context): your output is the attended context A V only",
    ),
    "numpy_output": (numpy_output, "Check 1/4 (shapes): you returned a NumPy array"),
    "weights_only": (weights_only, "Check 1/4 (shapes): expected a pair (output, weights)"),
    "calls_the_library": (
        calls_the_library,
        "Exercise 5 asks you to compute the attention weights and the residual "
        "output yourself; your function calls mmlab's `CrossModalAttention`",
    ),
}
