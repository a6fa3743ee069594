"""Exercise 3 of the transference lab (FiLM): references and wrong versions."""

import torch


def reference(h, z, w_gamma, b_gamma, w_beta, b_beta):
    return (z @ w_gamma.T + b_gamma) * h + (z @ w_beta.T + b_beta)


def reference_linear(h, z, w_gamma, b_gamma, w_beta, b_beta):
    gamma = torch.nn.functional.linear(z, w_gamma, b_gamma)
    beta = torch.nn.functional.linear(z, w_beta, b_beta)
    return torch.addcmul(beta, gamma, h)


def swapped(h, z, w_gamma, b_gamma, w_beta, b_beta):
    return (z @ w_beta.T + b_beta) * h + (z @ w_gamma.T + b_gamma)


def additive(h, z, w_gamma, b_gamma, w_beta, b_beta):
    return h + (z @ w_gamma.T + b_gamma) + (z @ w_beta.T + b_beta)


def no_beta(h, z, w_gamma, b_gamma, w_beta, b_beta):
    return (z @ w_gamma.T + b_gamma) * h


def no_bias(h, z, w_gamma, b_gamma, w_beta, b_beta):
    return (z @ w_gamma.T) * h + z @ w_beta.T


def scale_after_shift(h, z, w_gamma, b_gamma, w_beta, b_beta):
    return (z @ w_gamma.T + b_gamma) * (h + z @ w_beta.T + b_beta)


def conditions_on_h(h, z, w_gamma, b_gamma, w_beta, b_beta):  # gamma from the features instead of z
    return (h @ w_gamma + b_gamma) * h + (z @ w_beta.T + b_beta)


def calls_library(h, z, w_gamma, b_gamma, w_beta, b_beta):
    from mmlab.transfer import FiLM

    layer = FiLM(h.shape[1], z.shape[1])
    with torch.no_grad():
        layer.gamma.weight.copy_(w_gamma)
        layer.gamma.bias.copy_(b_gamma)
        layer.beta.weight.copy_(w_beta)
        layer.beta.bias.copy_(b_beta)
    return layer(h, z)


MUTANTS = {
    "swapped": (swapped, "gamma and beta are swapped"),
    "additive": (additive, "FiLM *multiplies* h by gamma"),
    "no_beta": (no_beta, "the shift beta(z) = z W_beta^T + b_beta is missing"),
    "no_bias": (no_bias, "the biases b_gamma and b_beta are missing"),
    "scale_after_shift": (scale_after_shift, "you shifted before scaling"),
    "conditions_on_h": (conditions_on_h, "Check 1/3 (output shape): your function raised RuntimeError"),
    "calls_library": (calls_library, "Exercise 3 asks you to write FiLM yourself; your function calls mmlab's `FiLM`"),
}
