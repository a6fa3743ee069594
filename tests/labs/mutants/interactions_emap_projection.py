"""Exercise 4 of the interactions lab (EMAP projection): the reference and wrong versions."""

import torch


def _grid(f, xa, xb):
    n = xa.shape[0]
    a = xa.repeat_interleave(n, dim=0)  # a_i repeated for every j
    b = xb.repeat(n, 1)  # b_j tiled for every i
    return f(a, b).reshape(n, n, -1)  # grid[i, j] = f(a_i, b_j)


def reference(f, xa, xb):
    grid = _grid(f, xa, xb)
    return grid.mean(dim=1) + grid.mean(dim=0) - grid.mean(dim=(0, 1))


def reference_loops(f, xa, xb):  # one call per row: accepted
    rows = torch.stack([f(xa[i].expand(len(xb), -1), xb) for i in range(len(xa))])
    return rows.mean(1) + rows.mean(0) - rows.mean((0, 1))


def diagonal_only(f, xa, xb):
    return f(xa, xb)


def grand_mean_added(f, xa, xb):
    grid = _grid(f, xa, xb)
    return grid.mean(dim=1) + grid.mean(dim=0)


def one_average(f, xa, xb):
    return _grid(f, xa, xb).mean(dim=1)


def squeezed(f, xa, xb):  # drops the class axis
    return reference(f, xa, xb).sum(dim=1)


def mean_inputs(f, xa, xb):  # plugs in the average input instead of averaging the outputs
    ma, mb = xa.mean(0, keepdim=True), xb.mean(0, keepdim=True)
    return f(xa, mb.expand_as(xb)) + f(ma.expand_as(xa), xb) - f(ma, mb)


def calls_library(f, xa, xb):
    from mmlab.quantify import emap

    return emap(f, xa, xb)


def returns_list(f, xa, xb):  # one projected row per sample, never stacked
    return list(reference(f, xa, xb))


def returns_none(f, xa, xb):
    reference(f, xa, xb)


def returns_numpy(f, xa, xb):
    return reference(f, xa, xb).numpy()


MUTANTS = {
    "diagonal_only": (diagonal_only, "you returned the model's own outputs"),
    "grand_mean_added": (grand_mean_added, "subtract the grand mean"),
    "one_average": (one_average, "you kept only one of the two averages"),
    "squeezed": (squeezed, "expected shape (6, 2)"),
    "mean_inputs": (mean_inputs, "you averaged the inputs and evaluated f at the mean"),
    "calls_library": (
        calls_library,
        "Check 1/4 (output: a tensor of shape (N, C)): Exercise 4 asks you to compute "
        "the EMAP projection yourself; your function calls mmlab's `emap`",
    ),
    "returns_list": (
        returns_list,
        "Check 1/4 (output: a tensor of shape (N, C)): you returned a list; return one torch.Tensor",
    ),
    "returns_none": (returns_none, "Check 1/4 (output: a tensor of shape (N, C)): your function returned None"),
    "returns_numpy": (returns_numpy, "you returned a NumPy array; return a torch.Tensor"),
}
