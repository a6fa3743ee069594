"""Exercise 2 of the fusion lab (tensor-fusion parameter count): the reference and wrong versions."""

import math


def reference(in_dims, out_dim):
    count = out_dim
    for d in in_dims:
        count *= d + 1
    return count


def reference_prod(in_dims, out_dim):
    return math.prod(d + 1 for d in in_dims) * out_dim


def no_plus_one(in_dims, out_dim):
    return math.prod(in_dims) * out_dim


def no_out_dim(in_dims, out_dim):
    return math.prod(d + 1 for d in in_dims)


def sum_of_sizes(in_dims, out_dim):
    return sum(d + 1 for d in in_dims) * out_dim


def with_bias(in_dims, out_dim):
    return math.prod(d + 1 for d in in_dims) * out_dim + out_dim


def first_two_only(in_dims, out_dim):
    return (in_dims[0] + 1) * (in_dims[1] + 1) * out_dim


def as_string(in_dims, out_dim):
    return f"{math.prod(d + 1 for d in in_dims) * out_dim:,}"


def calls_library(in_dims, out_dim):  # builds the layer and counts its weights
    from mmlab.fusion import TensorFusion, n_params

    return n_params(TensorFusion(in_dims, out_dim))


def closed_form_from_library(in_dims, out_dim):
    import mmlab.fusion as fusion

    return fusion.tensor_fusion_n_params(in_dims, out_dim)


def via_logs(in_dims, out_dim):  # a product through exp(sum(log)): a float, not a whole number
    import numpy as np

    return float(np.exp(np.log(np.array(in_dims) + 1.0).sum()) * out_dim)


def fraction_for_three(in_dims, out_dim):  # whole for two modalities; int() would truncate 35937.5 to the right count
    return reference(in_dims, out_dim) + 0.5 * (len(in_dims) - 2)


def no_return(in_dims, out_dim):
    reference(in_dims, out_dim)


MUTANTS = {
    "no_plus_one": (
        no_plus_one,
        "your count 240 is not the number of weights. You multiplied d_i instead of (d_i + 1)",
    ),
    "no_out_dim": (no_out_dim, "You forgot the output size"),
    "sum_of_sizes": (sum_of_sizes, "You added the sizes"),
    "with_bias": (with_bias, "TensorFusion has no separate bias"),
    "first_two_only": (
        first_two_only,
        "Check 3/3 (three modalities and other sizes): for in_dims=[32, 32, 32], "
        "out_dim=1 your count 1,089 is not the number of weights. Loop over all "
        "modalities",
    ),
    "as_string": (as_string, "Check 1/3 (returns an integer): expected a whole number, got str"),
    "calls_library": (
        calls_library,
        "Check 1/3 (returns an integer): Exercise 2 asks you to count the parameters "
        "yourself; your function calls mmlab's `TensorFusion`",
    ),
    "closed_form_from_library": (closed_form_from_library, "your function calls mmlab's `tensor_fusion_n_params`"),
    "via_logs": (via_logs, "Check 1/3 (returns an integer): expected a whole number, got float 340.00000000000006"),
    "fraction_for_three": (
        fraction_for_three,
        "Check 3/3 (three modalities and other sizes): expected a whole number, got float 35937.5",
    ),
    "no_return": (no_return, "Check 1/3 (returns an integer): your function returned None"),
}
