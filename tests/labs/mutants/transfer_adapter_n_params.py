"""Exercise 2 of the transference lab (adapter parameter count): references and wrong versions."""


def reference(dim, bottleneck):
    return 2 * dim * bottleneck + bottleneck + dim


def reference_by_layer(dim, bottleneck):
    down = dim * bottleneck + bottleneck
    up = bottleneck * dim + dim
    return down + up


def weights_only(dim, bottleneck):
    return 2 * dim * bottleneck


def no_up_bias(dim, bottleneck):
    return 2 * dim * bottleneck + bottleneck


def bias_per_input(dim, bottleneck):
    return 2 * dim * bottleneck + 2 * bottleneck


def full_layer(dim, bottleneck):
    return dim * dim + dim


def fixed_sizes(dim, bottleneck):
    return 2 * 384 * 16 + 16 + 384


def as_float(dim, bottleneck):
    return float(reference(dim, bottleneck)) + 0.5


def calls_library(dim, bottleneck):
    from mmlab.fusion import n_params
    from mmlab.transfer import BottleneckAdapter

    return n_params(BottleneckAdapter(dim, bottleneck))


MUTANTS = {
    "weights_only": (weights_only, "You counted the two weight matrices but not the biases"),
    "no_up_bias": (no_up_bias, "The up-projection's bias is missing"),
    "bias_per_input": (bias_per_input, "as many entries as its *outputs*"),
    "full_layer": (full_layer, "That is a full d x d layer"),
    "fixed_sizes": (fixed_sizes, "Check 3/3 (other sizes): for dim=8, bottleneck=2"),
    "as_float": (as_float, "Check 1/3 (returns an integer): expected a whole number"),
    "calls_library": (
        calls_library,
        "Exercise 2 asks you to count the adapter's parameters yourself; your function "
        "calls mmlab's `BottleneckAdapter`",
    ),
}
