"""Exercise 2 of the reasoning lab (attention maps composed by a program): the reference and wrong versions."""

import torch


def reference(objects, color_map, shape_map):
    alpha = objects * color_map * shape_map
    return 1.0 - torch.prod((1.0 - alpha).flatten(1), dim=1)


def reference_log(objects, color_map, shape_map):  # in the log domain
    alpha = (objects * color_map * shape_map).clamp(max=1 - 1e-12).double()
    return (1.0 - torch.exp(torch.log1p(-alpha).sum(dim=(1, 2)))).float()


def count_instead(objects, color_map, shape_map):
    return (objects * color_map * shape_map).sum(dim=(1, 2))


def max_instead(objects, color_map, shape_map):
    return (objects * color_map * shape_map).amax(dim=(1, 2))


def separate_exists(objects, color_map, shape_map):  # colour somewhere AND shape somewhere: loses the binding
    def ex(m):
        return 1.0 - torch.prod((1.0 - objects * m).flatten(1), dim=1)

    return ex(color_map) * ex(shape_map)


def returns_map(objects, color_map, shape_map):
    return objects * color_map * shape_map


def detached(objects, color_map, shape_map):
    return reference(objects, color_map, shape_map).detach()


def forgets_objects(objects, color_map, shape_map):
    return reference(torch.ones_like(objects), color_map, shape_map)


def calls_library(objects, color_map, shape_map):
    from mmlab.reason import soft_exists

    return soft_exists(objects * color_map * shape_map)


MUTANTS = {
    "count_instead": (count_instead, "Check 2/4 (ground-truth maps): you summed the composed map"),
    "max_instead": (max_instead, "Check 3/4 (soft maps): you took the maximum over cells"),
    "separate_exists": (separate_exists, "Check 2/4 (ground-truth maps)"),
    "returns_map": (
        returns_map,
        "Check 1/4 (output shape): expected shape (6,), one probability per scene, got "
        "(6, 4, 4). That is the composed map",
    ),
    "detached": (detached, "Check 4/4 (gradients reach the maps): your output is cut off from the autograd graph"),
    "forgets_objects": (forgets_objects, "Check 2/4 (ground-truth maps)"),
    "calls_library": (
        calls_library,
        "Exercise 2 asks you to compose the attention maps and the existence yourself; "
        "your function calls mmlab's `soft_exists`",
    ),
}
