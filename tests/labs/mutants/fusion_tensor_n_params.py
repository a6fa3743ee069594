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


MUTANTS = {
    "no_plus_one": (no_plus_one, "got 240. You multiplied d_i instead of (d_i + 1)"),
    "no_out_dim": (no_out_dim, "You forgot the output size"),
    "sum_of_sizes": (sum_of_sizes, "You added the sizes"),
    "with_bias": (with_bias, "TensorFusion has no separate bias"),
    "first_two_only": (first_two_only, "Check 3/3 (three modalities and other sizes): for in_dims=[32, 32, 32], "
                                       "out_dim=1 your count is off by 34,848. Loop over all modalities"),
    "as_string": (as_string, "Check 1/3 (returns an integer): expected a whole number of parameters, got str"),
}
