"""Exercise 1 of the fusion lab (tensor-fusion features): the reference and deliberately wrong versions.

``MUTANTS`` maps a name to ``(function, fragment)``: ``check_tensor_fusion_features``
must fail on the function with a message containing ``fragment``.
"""

import torch


def _one(x):
    return torch.ones(x.shape[0], 1, dtype=x.dtype, device=x.device)


def reference(xs):
    z = torch.cat([xs[0], _one(xs[0])], dim=1)
    for x in xs[1:]:
        z = torch.einsum("bi,bj->bij", z, torch.cat([x, _one(x)], dim=1)).reshape(z.shape[0], -1)
    return z


def reference_by_broadcasting(xs):  # another correct way: broadcasting instead of einsum
    z = torch.cat([xs[0], _one(xs[0])], dim=1)
    for x in xs[1:]:
        x1 = torch.cat([x, _one(x)], dim=1)
        z = (z[:, :, None] * x1[:, None, :]).flatten(1)
    return z


def no_one(xs):  # forgot to append the constant 1
    z = xs[0]
    for x in xs[1:]:
        z = torch.einsum("bi,bj->bij", z, x).reshape(z.shape[0], -1)
    return z


def one_first(xs):  # [1; x] instead of [x; 1]: right numbers, wrong order
    z = torch.cat([_one(xs[0]), xs[0]], dim=1)
    for x in xs[1:]:
        z = torch.einsum("bi,bj->bij", z, torch.cat([_one(x), x], dim=1)).reshape(z.shape[0], -1)
    return z


def concatenation(xs):  # early fusion instead of tensor fusion
    return torch.cat([torch.cat([x, _one(x)], dim=1) for x in xs], dim=1)


def not_flattened(xs):
    a, b = (torch.cat([x, _one(x)], dim=1) for x in xs[:2])
    return torch.einsum("bi,bj->bij", a, b)


def first_two_only(xs):  # ignores the third modality
    a, b = (torch.cat([x, _one(x)], dim=1) for x in xs[:2])
    return torch.einsum("bi,bj->bij", a, b).reshape(a.shape[0], -1)


def zero_instead_of_one(xs):
    z = torch.cat([xs[0], torch.zeros_like(xs[0][:, :1])], dim=1)
    for x in xs[1:]:
        z = torch.einsum("bi,bj->bij", z, torch.cat([x, torch.zeros_like(x[:, :1])], dim=1)).reshape(z.shape[0], -1)
    return z


def detached(xs):  # cuts the autograd graph
    return reference([x.detach() for x in xs])


def as_numpy(xs):
    return reference(xs).detach().numpy()


def no_return(xs):
    reference(xs)


def calls_library(xs):  # hands the work to mmlab's layer
    from mmlab.fusion import TensorFusion

    return TensorFusion([x.shape[1] for x in xs], 1).fused_tensor(xs)


def via_registry(xs):  # the same through the registry
    import mmlab.fusion

    return mmlab.fusion.make_fusion("tensor", [x.shape[1] for x in xs], 1).fused_tensor(xs)


def returns_list(xs):  # one feature row per sample, never stacked
    return list(reference(xs))


MUTANTS = {
    "no_one": (
        no_one,
        "Check 1/4 (output shape): expected (32, 68) = (batch, (16+1)·(3+1)), got (32, 48) = "
        "(batch, 16·3). Did you forget to append the constant 1",
    ),
    "one_first": (one_first, "Check 2/4 (values on two modalities): you have the right numbers in a different order"),
    "concatenation": (concatenation, "Did you concatenate the modalities?"),
    "not_flattened": (not_flattened, "did not flatten it"),
    "first_two_only": (first_two_only, "Check 3/4 (three modalities): expected shape (8, 120)"),
    "zero_instead_of_one": (
        zero_instead_of_one,
        "Check 2/4 (values on two modalities): 640 of 2176 entries "
        "differ from the reference. Check that each modality gets a "
        "constant 1 (not 0)",
    ),
    "detached": (detached, "Check 4/4 (gradients reach the inputs): your features are cut off from the autograd"),
    "as_numpy": (as_numpy, "you returned a NumPy array"),
    "no_return": (no_return, "Did you forget the `return` statement?"),
    "calls_library": (
        calls_library,
        "Check 1/4 (output shape): Exercise 1 asks you to build the tensor-fusion "
        "features yourself; your function calls mmlab's `TensorFusion`",
    ),
    "via_registry": (via_registry, "your function calls mmlab's `make_fusion`"),
    "returns_list": (returns_list, "Check 1/4 (output shape): you returned a list; return one torch.Tensor"),
}
