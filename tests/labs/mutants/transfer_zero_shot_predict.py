"""Exercise 5 of the transference lab (zero-shot classifier by cosine similarity): references and wrong versions."""

import torch


def reference(z, class_embeddings):
    zn = z / z.norm(dim=1, keepdim=True)
    cn = class_embeddings / class_embeddings.norm(dim=1, keepdim=True)
    return (zn @ cn.T).argmax(dim=1)


def reference_normalize(z, class_embeddings):
    sims = torch.nn.functional.cosine_similarity(z[:, None, :], class_embeddings[None, :, :], dim=-1)
    return sims.argmax(dim=1)


def dot_product(z, class_embeddings):
    return (z @ class_embeddings.T).argmax(dim=1)


def nearest_distance(z, class_embeddings):
    return torch.cdist(z, class_embeddings).argmin(dim=1)


def similarities_not_argmax(z, class_embeddings):
    zn = z / z.norm(dim=1, keepdim=True)
    cn = class_embeddings / class_embeddings.norm(dim=1, keepdim=True)
    return zn @ cn.T


def argmin(z, class_embeddings):
    zn = z / z.norm(dim=1, keepdim=True)
    cn = class_embeddings / class_embeddings.norm(dim=1, keepdim=True)
    return (zn @ cn.T).argmin(dim=1)


def calls_library(z, class_embeddings):
    from mmlab.transfer import cosine_logits

    return cosine_logits(z, class_embeddings).argmax(dim=1)


MUTANTS = {
    "dot_product": (dot_product, "you used the plain dot product"),
    "nearest_distance": (nearest_distance, "you picked the nearest class by Euclidean distance"),
    "similarities_not_argmax": (similarities_not_argmax, "take the arg-max over the classes"),
    "argmin": (argmin, "predictions differ from the class of largest cosine similarity"),
    "calls_library": (
        calls_library,
        "Exercise 5 asks you to compute the cosine similarities yourself; your function calls mmlab's `cosine_logits`",
    ),
}
