"""The ELBO's pieces (mmlab/generate/_gaussian.py) against closed forms and torch.distributions."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmlab.generate import bernoulli_nll, gaussian_kl, reparameterize


def test_reparameterize_is_deterministic_under_a_seed_and_varies_across_seeds():
    mu, log_var = torch.zeros(4, 3), torch.zeros(4, 3)
    a = reparameterize(mu, log_var, random_state=7)
    assert torch.equal(a, reparameterize(mu, log_var, random_state=7))
    assert not torch.equal(a, reparameterize(mu, log_var, random_state=8))


def test_reparameterize_gradients_are_one_and_half_the_deviation():
    mu = torch.randn(5, 2, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
    log_var = torch.randn(5, 2, generator=torch.Generator().manual_seed(1)).requires_grad_(True)
    z = reparameterize(mu, log_var, random_state=3)
    z.sum().backward()
    assert torch.allclose(mu.grad, torch.ones(5, 2))
    assert torch.allclose(log_var.grad, ((z - mu) / 2).detach(), atol=1e-6)


def test_reparameterize_has_the_requested_mean_and_spread(seed):
    means, sigmas = torch.tensor([0.0, 3.0, -1.0]), torch.tensor([1.0, 0.5, 2.0])
    z = reparameterize(means.expand(50_000, 3), (2 * sigmas.log()).expand(50_000, 3), random_state=seed)
    # standard errors: sigma / sqrt(5e4) <= 0.009 for the mean; 5 of them is a generous band
    assert torch.allclose(z.mean(0), means, atol=0.05)
    assert torch.allclose(z.std(0), sigmas, rtol=0.03)


def test_gaussian_kl_matches_torch_distributions(rng):
    mu = torch.from_numpy(rng.normal(size=(6, 4)))
    log_var = torch.from_numpy(rng.normal(size=(6, 4)))
    q = torch.distributions.Normal(mu, (0.5 * log_var).exp())
    expected = torch.distributions.kl_divergence(q, torch.distributions.Normal(0.0, 1.0)).sum(1)
    assert torch.allclose(gaussian_kl(mu, log_var), expected, atol=1e-10)


def test_gaussian_kl_with_a_prior_matches_torch_distributions(rng):
    mu, log_var = (torch.from_numpy(rng.normal(size=(5, 3))) for _ in range(2))
    p_mu, p_log_var = torch.from_numpy(rng.normal(size=(5, 3))), torch.from_numpy(rng.normal(size=3))
    q = torch.distributions.Normal(mu, (0.5 * log_var).exp())
    p = torch.distributions.Normal(p_mu, (0.5 * p_log_var).exp())
    expected = torch.distributions.kl_divergence(q, p).sum(1)
    assert torch.allclose(gaussian_kl(mu, log_var, p_mu, p_log_var), expected, atol=1e-10)


def test_gaussian_kl_is_zero_only_at_the_prior_and_matches_a_hand_computed_case():
    assert torch.equal(gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3)), torch.zeros(2))
    # mu = 1, sigma^2 = e: 0.5 * (1 + e - 1 - 1) per dimension
    value = gaussian_kl(torch.ones(1, 2), torch.ones(1, 2))
    assert torch.allclose(value, torch.tensor([np.e - 1.0]))
    assert bool((gaussian_kl(torch.randn(50, 4), torch.randn(50, 4)) >= 0).all())


def test_gaussian_kl_agrees_with_monte_carlo(seed):
    mu, log_var = torch.tensor([[0.7, -1.2]]), torch.tensor([[-0.5, 0.8]])
    z = reparameterize(mu.expand(100_000, 2), log_var.expand(100_000, 2), random_state=seed)
    q = torch.distributions.Normal(mu, (0.5 * log_var).exp())
    ratio = (q.log_prob(z) - torch.distributions.Normal(0.0, 1.0).log_prob(z)).sum(1)
    se = ratio.std() / len(ratio) ** 0.5
    assert abs(ratio.mean() - gaussian_kl(mu, log_var)[0]) < 5 * se


def test_bernoulli_nll_matches_binary_cross_entropy_by_hand():
    logits = torch.tensor([[0.0, 2.0, -1.0]])
    x = torch.tensor([[1.0, 0.25, 0.0]])
    p = torch.sigmoid(logits)
    by_hand = -(x * p.log() + (1 - x) * (1 - p).log()).sum(1)
    assert torch.allclose(bernoulli_nll(logits, x), by_hand, atol=1e-6)
    assert torch.allclose(bernoulli_nll(logits, x), F.binary_cross_entropy(p, x, reduction="none").sum(1), atol=1e-6)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: reparameterize(torch.zeros(2, 3), torch.zeros(2, 2)), ValueError, "same shape"),
        (lambda: reparameterize(np.zeros((2, 3)), torch.zeros(2, 3)), TypeError, "torch.Tensor"),
        (lambda: reparameterize(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3)), TypeError, "floating point"),
        (lambda: reparameterize(torch.full((2, 3), float("nan")), torch.zeros(2, 3)), ValueError, "finite"),
        (lambda: reparameterize(torch.zeros(2, 3), torch.zeros(2, 3), random_state=-1), ValueError, "random_state"),
        (lambda: gaussian_kl(torch.zeros(3), torch.zeros(3)), ValueError, "2 dimension"),
        (lambda: gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 4)), ValueError, "same shape"),
        (lambda: gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 3)), ValueError, "both"),
        (
            lambda: gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(4), torch.zeros(4)),
            ValueError,
            "prior_mu must have shape",
        ),
        (lambda: bernoulli_nll(torch.zeros(2, 3), torch.full((2, 3), 2.0)), ValueError, r"\[0, 1\]"),
        (lambda: bernoulli_nll(torch.zeros(2, 3), torch.zeros(3, 3)), ValueError, "same shape"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call()
