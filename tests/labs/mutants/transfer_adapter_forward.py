"""Exercise 1 of the transference lab (adapter forward pass): references and wrong versions."""

import torch


def reference(x, w_down, b_down, w_up, b_up):
    return x + torch.relu(x @ w_down.T + b_down) @ w_up.T + b_up


def reference_functional(x, w_down, b_down, w_up, b_up):
    hidden = torch.nn.functional.linear(x, w_down, b_down).clamp(min=0)
    return x + torch.nn.functional.linear(hidden, w_up, b_up)


def no_residual(x, w_down, b_down, w_up, b_up):
    return torch.relu(x @ w_down.T + b_down) @ w_up.T + b_up


def no_relu(x, w_down, b_down, w_up, b_up):
    return x + (x @ w_down.T + b_down) @ w_up.T + b_up


def no_up_bias(x, w_down, b_down, w_up, b_up):
    return x + torch.relu(x @ w_down.T + b_down) @ w_up.T


def relu_after_up(x, w_down, b_down, w_up, b_up):
    return x + torch.relu(torch.relu(x @ w_down.T + b_down) @ w_up.T + b_up)


def untransposed(x, w_down, b_down, w_up, b_up):  # x @ w_down fails for (n, d) @ (r, d)
    return x + torch.relu(x @ w_down + b_down) @ w_up + b_up


def wrong_sign(x, w_down, b_down, w_up, b_up):
    return x - torch.relu(x @ w_down.T + b_down) @ w_up.T - b_up


def calls_library(x, w_down, b_down, w_up, b_up):
    from mmlab.transfer import BottleneckAdapter

    adapter = BottleneckAdapter(x.shape[1], w_down.shape[0])
    with torch.no_grad():
        adapter.down.weight.copy_(w_down)
        adapter.down.bias.copy_(b_down)
        adapter.up.weight.copy_(w_up)
        adapter.up.bias.copy_(b_up)
    return adapter(x)


def returns_hidden(x, w_down, b_down, w_up, b_up):
    return torch.relu(x @ w_down.T + b_down)


MUTANTS = {
    "no_residual": (no_residual, "you left out the residual"),
    "no_relu": (no_relu, "there is no non-linearity"),
    "no_up_bias": (no_up_bias, "the up-projection's bias b_up is missing"),
    "relu_after_up": (relu_after_up, "the ReLU belongs to the bottleneck"),
    "untransposed": (untransposed, "Check 1/3 (output shape): your function raised RuntimeError"),
    "wrong_sign": (wrong_sign, "Check 2/3 (values match the equation)"),
    "calls_library": (
        calls_library,
        "Exercise 1 asks you to write the adapter's forward pass yourself; your function "
        "calls mmlab's `BottleneckAdapter`",
    ),
    "returns_hidden": (returns_hidden, "expected shape (12, 10), got (12, 3)"),
}
