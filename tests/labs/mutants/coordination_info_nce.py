"""Exercise 2 of the coordination lab (InfoNCE loss): the reference and deliberately wrong versions."""

import torch
from torch.nn import functional as F


def reference(za, zb, temperature):
    za, zb = F.normalize(za, dim=1), F.normalize(zb, dim=1)
    logits = za @ zb.T / temperature
    target = torch.arange(len(za))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def reference_log_softmax(za, zb, temperature):  # written out with log_softmax and the diagonal
    s = (za / za.norm(dim=1, keepdim=True)) @ (zb / zb.norm(dim=1, keepdim=True)).T / temperature
    return -0.5 * (torch.log_softmax(s, dim=1).diagonal().mean() + torch.log_softmax(s, dim=0).diagonal().mean())


def one_direction(za, zb, temperature):
    logits = F.normalize(za, dim=1) @ F.normalize(zb, dim=1).T / temperature
    return F.cross_entropy(logits, torch.arange(len(za)))


def dot_products(za, zb, temperature):
    logits = za @ zb.T / temperature
    target = torch.arange(len(za))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def no_temperature(za, zb, temperature):
    return reference(za, zb, 1.0)


def summed(za, zb, temperature):
    return reference(za, zb, temperature) * len(za)


def per_sample(za, zb, temperature):
    logits = F.normalize(za, dim=1) @ F.normalize(zb, dim=1).T / temperature
    target = torch.arange(len(za))
    return (F.cross_entropy(logits, target, reduction="none") + F.cross_entropy(logits.T, target, reduction="none")) / 2


def detached(za, zb, temperature):
    return torch.tensor(reference(za, zb, temperature).item())  # the right value, cut from the graph


def uses_the_library(za, zb, temperature):
    from mmlab.coordination import info_nce

    return info_nce(za, zb, temperature=temperature)


MUTANTS = {
    "one_direction": (one_direction, "Check 2/4 (value on a batch of 16 pairs): you computed only the A -> B"),
    "dot_products": (dot_products, "your similarities are dot products"),
    "no_temperature": (no_temperature, "your loss ignores the temperature"),
    "summed": (summed, "you summed over the batch"),
    "per_sample": (
        per_sample,
        "Check 1/4 (returns one number): expected a scalar tensor, got shape (16,). You returned one loss per sample",
    ),
    "detached": (detached, "Check 4/4 (gradients reach both embeddings): your loss is cut off"),
    "uses_the_library": (
        uses_the_library,
        "Exercise 2 asks you to write the InfoNCE loss yourself; your function calls mmlab's `info_nce`",
    ),
}
