"""Exercise 3 of the coordination lab (bottleneck layer): the reference and deliberately wrong versions."""

import math

import torch


def _attend(t):
    return t + torch.softmax(t @ t.transpose(1, 2) / math.sqrt(t.shape[-1]), dim=-1) @ t


def reference(xa, xb, z):
    a, b = _attend(torch.cat([xa, z], dim=1)), _attend(torch.cat([xb, z], dim=1))
    la, lb = xa.shape[1], xb.shape[1]
    return a[:, :la], b[:, :lb], (a[:, la:] + b[:, lb:]) / 2


def reference_loops(xa, xb, z):  # one modality at a time, with einsum
    outs, updates = [], []
    for x in (xa, xb):
        t = torch.cat([x, z], dim=1)
        w = torch.softmax(torch.einsum("bid,bjd->bij", t, t) / t.shape[-1] ** 0.5, dim=-1)
        new = t + torch.einsum("bij,bjd->bid", w, t)
        outs.append(new[:, : x.shape[1]])
        updates.append(new[:, x.shape[1] :])
    return outs[0], outs[1], torch.stack(updates).mean(0)


def joint_attention(xa, xb, z):  # every token sees every token: no bottleneck
    t = _attend(torch.cat([xa, xb, z], dim=1))
    la, lb = xa.shape[1], xb.shape[1]
    return t[:, :la], t[:, la : la + lb], t[:, la + lb :]


def z_from_a_only(xa, xb, z):
    a, b = _attend(torch.cat([xa, z], dim=1)), _attend(torch.cat([xb, z], dim=1))
    return a[:, : xa.shape[1]], b[:, : xb.shape[1]], a[:, xa.shape[1] :]


def no_residual(xa, xb, z):
    def attend(t):
        return torch.softmax(t @ t.transpose(1, 2) / math.sqrt(t.shape[-1]), dim=-1) @ t

    a, b = attend(torch.cat([xa, z], dim=1)), attend(torch.cat([xb, z], dim=1))
    la, lb = xa.shape[1], xb.shape[1]
    return a[:, :la], b[:, :lb], (a[:, la:] + b[:, lb:]) / 2


def no_scale(xa, xb, z):
    def attend(t):
        return t + torch.softmax(t @ t.transpose(1, 2), dim=-1) @ t

    a, b = attend(torch.cat([xa, z], dim=1)), attend(torch.cat([xb, z], dim=1))
    la, lb = xa.shape[1], xb.shape[1]
    return a[:, :la], b[:, :lb], (a[:, la:] + b[:, lb:]) / 2


def softmax_over_queries(xa, xb, z):
    def attend(t):
        return t + torch.softmax(t @ t.transpose(1, 2) / math.sqrt(t.shape[-1]), dim=1) @ t

    a, b = attend(torch.cat([xa, z], dim=1)), attend(torch.cat([xb, z], dim=1))
    la, lb = xa.shape[1], xb.shape[1]
    return a[:, :la], b[:, :lb], (a[:, la:] + b[:, lb:]) / 2


def stacked_bottleneck(xa, xb, z):
    a, b = _attend(torch.cat([xa, z], dim=1)), _attend(torch.cat([xb, z], dim=1))
    la, lb = xa.shape[1], xb.shape[1]
    return a[:, :la], b[:, :lb], torch.cat([a[:, la:], b[:, lb:]], dim=1)


def two_outputs(xa, xb, z):
    a, b, zz = reference(xa, xb, z)
    return a, b


def uses_the_library(xa, xb, z):
    from mmlab.fusion import BottleneckFusion

    BottleneckFusion(xa.shape[-1], n_bottleneck=z.shape[1], n_heads=1)
    return reference(xa, xb, z)


MUTANTS = {
    "joint_attention": (
        joint_attention,
        "Check 2/4 (modality A's tokens never see modality B's): changing modality "
        "B's tokens changed modality A's new tokens",
    ),
    "z_from_a_only": (z_from_a_only, "Check 3/4 (the new bottleneck carries both modalities)"),
    "no_residual": (no_residual, "Check 4/4 (values): you left out the residual connection"),
    "no_scale": (no_scale, "you did not scale the scores"),
    "softmax_over_queries": (softmax_over_queries, "your softmax normalises over the queries"),
    "stacked_bottleneck": (stacked_bottleneck, "You stacked both modalities' bottleneck updates: average them"),
    "two_outputs": (
        two_outputs,
        "Check 1/4 (returns (xa_new, xb_new, z_new) of the input shapes): expected three tensors",
    ),
    "uses_the_library": (
        uses_the_library,
        "Exercise 3 asks you to write the bottleneck layer yourself; your function calls mmlab's `BottleneckFusion`",
    ),
}
