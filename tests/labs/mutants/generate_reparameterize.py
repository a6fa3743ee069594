"""Exercise 1 of the generation lab (the reparameterisation trick): correct versions and deliberately wrong ones."""

import torch


def reference(mu, log_var):
    eps = torch.randn_like(mu)
    return mu + torch.exp(0.5 * log_var) * eps


def reference_sqrt(mu, log_var):  # sigma as the square root of the variance
    return mu + log_var.exp().sqrt() * torch.randn(mu.shape, dtype=mu.dtype)


def reference_rsample(mu, log_var):  # torch's own reparameterised sampler, with sigma computed by hand
    return torch.distributions.Normal(mu, torch.exp(log_var / 2)).rsample()


def uses_variance(mu, log_var):
    return mu + torch.exp(log_var) * torch.randn_like(mu)


def no_sigma(mu, log_var):
    return mu + torch.randn_like(mu) + 0.0 * log_var


def no_noise(mu, log_var):
    return mu + 0.0 * log_var


def no_mu(mu, log_var):
    return torch.exp(0.5 * log_var) * torch.randn_like(mu)


def fixed_seed(mu, log_var):
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(0))
    return mu + torch.exp(0.5 * log_var) * eps


def not_differentiable(mu, log_var):
    return torch.normal(mu, torch.exp(0.5 * log_var))


def detached(mu, log_var):
    return (mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)).detach()


def sums_dimensions(mu, log_var):
    return reference(mu, log_var).sum(dim=1)


def calls_library(mu, log_var):
    from mmlab.generate import reparameterize

    return reparameterize(mu, log_var)


MUTANTS = {
    "uses_variance": (
        uses_variance,
        "Check 3/4 (mean and spread of the draws): over 40,000 draws the spread of z is "
        "not sigma = exp(log_var / 2): you scaled eps by exp(log_var), the variance",
    ),
    "no_sigma": (no_sigma, "the spread does not depend on log_var"),
    "no_noise": (no_noise, "Check 2/4 (a random draw): your z equals mu"),
    "no_mu": (no_mu, "the draws are centred at 0: add mu"),
    "fixed_seed": (fixed_seed, "two calls returned the same z"),
    "not_differentiable": (
        not_differentiable,
        "Check 4/4 (gradients reach mu and log_var): the gradients are all zero: a sampler such as torch.normal",
    ),
    "detached": (detached, "Check 4/4 (gradients reach mu and log_var): your z is cut off from the autograd graph"),
    "sums_dimensions": (sums_dimensions, "Check 1/4 (output shape): expected shape (8, 3) (the shape of mu), got (8,)"),
    "calls_library": (
        calls_library,
        "Exercise 1 asks you to write the reparameterisation yourself; your function calls mmlab's `reparameterize`",
    ),
}
