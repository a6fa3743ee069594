"""Exercise 2 of the generation lab (the KL term): correct versions and deliberately wrong ones."""

import torch


def reference(mu, log_var):
    return 0.5 * (mu**2 + log_var.exp() - 1 - log_var).sum(dim=1)


def reference_distributions(mu, log_var):  # torch.distributions with the prior written out
    q = torch.distributions.Normal(mu, torch.exp(0.5 * log_var))
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return torch.distributions.kl_divergence(q, p).sum(dim=1)


def no_half(mu, log_var):
    return (mu**2 + log_var.exp() - 1 - log_var).sum(dim=1)


def mean_over_dims(mu, log_var):
    return 0.5 * (mu**2 + log_var.exp() - 1 - log_var).mean(dim=1)


def log_var_as_variance(mu, log_var):
    return 0.5 * (mu**2 + log_var - 1 - torch.log(log_var.abs() + 1e-12)).sum(dim=1)


def wrong_sign(mu, log_var):
    return 0.5 * (mu**2 + log_var.exp() - 1 + log_var).sum(dim=1)


def no_minus_one(mu, log_var):
    return 0.5 * (mu**2 + log_var.exp() - log_var).sum(dim=1)


def batch_mean(mu, log_var):
    return reference(mu, log_var).mean()


def per_dimension(mu, log_var):
    return 0.5 * (mu**2 + log_var.exp() - 1 - log_var)


def detached(mu, log_var):
    return reference(mu, log_var).detach()


def std_for_variance(mu, log_var):
    return 0.5 * (mu**2 + (0.5 * log_var).exp() - 1 - log_var).sum(dim=1)


def calls_library(mu, log_var):
    from mmlab.generate import gaussian_kl

    return gaussian_kl(mu, log_var)


MUTANTS = {
    "no_half": (no_half, "Check 3/4 (agrees with the closed form): you left out the factor 1/2"),
    "mean_over_dims": (mean_over_dims, "you averaged over the latent dimensions"),
    "log_var_as_variance": (log_var_as_variance, "Check 2/4 (zero when the posterior is the prior)"),
    "wrong_sign": (wrong_sign, "the log-variance term has the wrong sign"),
    "no_minus_one": (no_minus_one, "Check 2/4 (zero when the posterior is the prior): for mu = 0 and log_var = 0"),
    "batch_mean": (
        batch_mean,
        "Check 1/4 (one value per sample): expected shape (16,), got (). You reduced over the batch too",
    ),
    "per_dimension": (per_dimension, "You kept the latent dimensions"),
    "detached": (detached, "Check 4/4 (gradients reach mu and log_var): your KL is cut off from the autograd graph"),
    "std_for_variance": (std_for_variance, "you used the standard deviation where the variance belongs"),
    "calls_library": (
        calls_library,
        "Exercise 2 asks you to compute the KL term from its closed form yourself; your "
        "function calls mmlab's `gaussian_kl`",
    ),
}
