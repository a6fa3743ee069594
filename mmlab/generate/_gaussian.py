r"""The two terms of the evidence lower bound (ELBO) with a Gaussian posterior, and the reparameterisation trick.

A variational autoencoder (Kingma and Welling, 2014) maximises, for each sample
:math:`x` (and, in a conditional VAE, its condition :math:`c`),

.. math::

    \log p_\theta(x \mid c) \;\ge\;
    \underbrace{\mathbb E_{q_\phi(z \mid x, c)}\big[\log p_\theta(x \mid z, c)\big]}_{-\text{reconstruction}}
    \;-\; \underbrace{\operatorname{KL}\big(q_\phi(z \mid x, c) \,\|\, p(z \mid c)\big)}_{\text{KL}} ,

with a diagonal Gaussian :math:`q_\phi = \mathcal N(\mu, \operatorname{diag}\sigma^2)`. This file holds the
pieces every model of :mod:`mmlab.generate` builds that bound from: :func:`reparameterize` (a differentiable
draw from :math:`q_\phi`), :func:`gaussian_kl` (the KL term in closed form) and :func:`bernoulli_nll` (the
reconstruction term for pixels and spectrogram values in [0, 1]).

Used by: ``lectures/4_generation/01_translation_cvae.ipynb`` (and the other generation lectures through the
models), ``labs/4_generation/01_generative_models.ipynb`` (the students write the first two).

References: Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. ICLR 2014. Rezende, D. J.,
Mohamed, S. and Wierstra, D. Stochastic backpropagation and approximate inference in deep generative models.
ICML 2014.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mmlab._validation import RandomState
from mmlab.generate._common import check_tensor, randn, torch_generator

__all__ = ["bernoulli_nll", "gaussian_kl", "reparameterize"]


def reparameterize(mu: torch.Tensor, log_var: torch.Tensor, *, random_state: RandomState = None) -> torch.Tensor:
    r"""Draw :math:`z \sim \mathcal N(\mu, \operatorname{diag}\sigma^2)` as a differentiable function of μ and log σ².

    .. math::

        z = \mu + \sigma \odot \varepsilon, \qquad \sigma = \exp\!\big(\tfrac12 \log\sigma^2\big),
        \qquad \varepsilon \sim \mathcal N(0, I),

    so the randomness sits in :math:`\varepsilon`, which does not depend on the
    parameters, and gradients flow to :math:`\mu` (:math:`\partial z / \partial\mu = 1`) and to
    :math:`\log\sigma^2` (:math:`\partial z / \partial \log\sigma^2 = \tfrac12 (z - \mu)`).

    Parameters
    ----------
    mu : Tensor of shape (batch, k)
        Means :math:`\mu`.
    log_var : Tensor of shape (batch, k)
        Log-variances :math:`\log\sigma^2` (the network predicts these so that σ stays positive).
    random_state : int, numpy.random.Generator or None, default=None
        Seeds :math:`\varepsilon` (drawn on the CPU and moved to ``mu``'s device, so a seed gives the
        same draw everywhere); ``None`` draws fresh entropy.

    Returns
    -------
    Tensor of shape (batch, k)
        The draw :math:`z`, in the autograd graph of ``mu`` and ``log_var``.

    Raises
    ------
    TypeError
        If ``mu`` or ``log_var`` is not a floating-point tensor.
    ValueError
        If they differ in shape or hold NaN or infinite values.

    See Also
    --------
    gaussian_kl : the KL term of the same posterior.

    References
    ----------
    Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. ICLR 2014, section 2.4.

    Examples
    --------
    >>> mu, log_var = torch.zeros(2, 3), torch.zeros(2, 3)
    >>> reparameterize(mu, log_var, random_state=0).shape
    torch.Size([2, 3])
    >>> torch.equal(reparameterize(mu, log_var, random_state=0), reparameterize(mu, log_var, random_state=0))
    True
    """
    mu = check_tensor(mu, "mu")
    log_var = check_tensor(log_var, "log_var")
    if mu.shape != log_var.shape:
        raise ValueError(
            f"mu and log_var must have the same shape (one mean and one log-variance per latent); "
            f"got {tuple(mu.shape)} and {tuple(log_var.shape)}."
        )
    eps = randn(tuple(mu.shape), torch_generator(random_state), mu)  # ε ~ N(0, I)
    return _reparameterize(mu, log_var, eps)


def _reparameterize(mu: torch.Tensor, log_var: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z = μ + exp(log σ² / 2) ε; inputs assumed valid."""
    return mu + torch.exp(0.5 * log_var) * eps


def gaussian_kl(
    mu: torch.Tensor,
    log_var: torch.Tensor,
    prior_mu: torch.Tensor | None = None,
    prior_log_var: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""KL divergence from a diagonal Gaussian posterior to a diagonal Gaussian prior, per sample, in nats.

    .. math::

        \operatorname{KL}\big(\mathcal N(\mu, \sigma^2) \,\|\, \mathcal N(m, s^2)\big)
        = \frac12 \sum_{j=1}^{k} \Big( \log\frac{s_j^2}{\sigma_j^2} + \frac{\sigma_j^2 + (\mu_j - m_j)^2}{s_j^2}
          - 1 \Big),

    which for the standard normal prior (:math:`m = 0, s = 1`, the default) is
    :math:`\tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2)`.

    Parameters
    ----------
    mu, log_var : Tensor of shape (batch, k)
        The posterior's means and log-variances.
    prior_mu, prior_log_var : Tensor of shape (batch, k) or (k,), optional
        The prior's means and log-variances (a conditional prior :math:`p(z \mid c)`, as in Sohn et
        al. 2015); both default to the standard normal.

    Returns
    -------
    Tensor of shape (batch,)
        The KL divergence of each sample, summed over the :math:`k` latent dimensions (≥ 0, and 0
        exactly when posterior and prior coincide).

    Raises
    ------
    TypeError
        If an argument is not a floating-point tensor.
    ValueError
        If the shapes differ or do not broadcast over the batch, an input is not 2-D, or holds NaN or
        infinite values.

    See Also
    --------
    reparameterize : draws from the same posterior.

    References
    ----------
    Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. ICLR 2014, appendix B.

    Examples
    --------
    >>> gaussian_kl(torch.zeros(1, 2), torch.zeros(1, 2))
    tensor([0.])
    >>> gaussian_kl(torch.ones(1, 2), torch.zeros(1, 2))  # (1 + 1 - 1 - 0) / 2 per dimension
    tensor([1.])
    """
    mu = check_tensor(mu, "mu", ndim=2)
    log_var = check_tensor(log_var, "log_var", ndim=2)
    if mu.shape != log_var.shape:
        raise ValueError(f"mu and log_var must have the same shape; got {tuple(mu.shape)} and {tuple(log_var.shape)}.")
    if (prior_mu is None) != (prior_log_var is None):
        raise ValueError("give both prior_mu and prior_log_var (a Gaussian prior), or neither (the standard normal).")
    if prior_mu is None:
        return _kl_standard(mu, log_var)
    for name, p in (("prior_mu", prior_mu), ("prior_log_var", prior_log_var)):
        check_tensor(p, name)
        if p.shape not in (mu.shape, mu.shape[1:]):
            raise ValueError(
                f"{name} must have shape {tuple(mu.shape)} or {tuple(mu.shape[1:])} (like mu); got {tuple(p.shape)}."
            )
    return _kl(mu, log_var, prior_mu, prior_log_var)


def _kl_standard(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) || N(0, I)) summed over dimensions; inputs assumed valid."""
    return 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(dim=1)


def _kl(mu: torch.Tensor, log_var: torch.Tensor, prior_mu: torch.Tensor, prior_log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) || N(m, s²)) summed over dimensions; inputs assumed valid."""
    ratio = (log_var - prior_log_var).exp()  # σ² / s²
    return 0.5 * (prior_log_var - log_var + ratio + (mu - prior_mu).pow(2) / prior_log_var.exp() - 1.0).sum(dim=1)


def bernoulli_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    r"""Reconstruction term: the negative Bernoulli log-likelihood of ``x`` given decoder logits, per sample.

    .. math::

        -\log p_\theta(x \mid z) = -\sum_{j=1}^{d} \big( x_j \log \hat x_j + (1 - x_j) \log(1 - \hat x_j) \big),
        \qquad \hat x = \operatorname{sigmoid}(\text{logits}),

    in nats. For grey levels :math:`x_j \in [0, 1]` this is the cross-entropy used for images by
    Kingma and Welling (2014); it is not a normalised density for non-binary :math:`x`, so compare
    its values between models on the same data only.

    Parameters
    ----------
    logits : Tensor of shape (batch, d)
        Decoder outputs before the sigmoid.
    x : Tensor of shape (batch, d)
        Targets in [0, 1].

    Returns
    -------
    Tensor of shape (batch,)

    Raises
    ------
    TypeError
        If an argument is not a floating-point tensor.
    ValueError
        If the shapes differ, an input is not 2-D or not finite, or ``x`` leaves [0, 1].

    Examples
    --------
    >>> bernoulli_nll(torch.zeros(1, 2), torch.ones(1, 2))  # 2 log 2
    tensor([1.3863])
    """
    logits = check_tensor(logits, "logits", ndim=2)
    x = check_tensor(x, "x", ndim=2)
    if logits.shape != x.shape:
        raise ValueError(f"logits and x must have the same shape; got {tuple(logits.shape)} and {tuple(x.shape)}.")
    if x.numel() and (float(x.min()) < 0 or float(x.max()) > 1):
        raise ValueError(
            f"x must lie in [0, 1] (pixel or spectrogram values); got values from {float(x.min()):.3g} "
            f"to {float(x.max()):.3g}. Rescale the data first."
        )
    return _bernoulli_nll(logits, x)


def _bernoulli_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
