r"""The conditional variational autoencoder (CVAE): translation by sampling :math:`p(x \mid z, c)`.

A CVAE (Sohn, Lee and Yan, 2015) is a variational autoencoder (Kingma and Welling, 2014) whose encoder,
decoder and (optionally) prior all see a condition :math:`c`. In the generation lectures :math:`x` is a
clean 8x8 digit image and :math:`c` is *another modality* of the same AV-Digits sample (its written word
or its spoken digit), so sampling :math:`z \sim p(z \mid c)` and decoding draws "the digit named in the
text": translation from text or speech to an image. With no condition (``cond_dim=0``) it is a plain VAE.

Used by: ``lectures/4_generation/01_translation_cvae.ipynb`` (text and audio to image) and
``lectures/4_generation/04_ethics_and_evaluation.ipynb`` (memorisation, bias, evaluation).

References: Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. ICLR 2014. Sohn, K., Lee, H.
and Yan, X. Learning structured output representation using deep conditional generative models. NeurIPS 2015.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_scalar
from mmlab.generate._common import (
    check_tensor,
    check_width,
    finite_range,
    mlp,
    module_device,
    randn,
    torch_generator,
)
from mmlab.generate._gaussian import _bernoulli_nll, _kl, _kl_standard, _reparameterize

__all__ = ["CVAE"]


class CVAE(nn.Module):
    r"""Conditional VAE with a Gaussian latent and a Bernoulli decoder (a plain VAE without a condition).

    .. math::

        \mathcal L(x, c) = \underbrace{-\mathbb E_{q_\phi(z \mid x, h)}\big[\log p_\theta(x \mid z, h)\big]}_{
        \text{reconstruction}} \;+\; \beta\, \underbrace{\operatorname{KL}\big(q_\phi(z \mid x, h) \,\|\,
        p(z \mid h)\big)}_{\text{KL}}, \qquad h = g_\psi(c),

    the negative evidence lower bound (ELBO) for :math:`\beta = 1`. :math:`x \in [0, 1]^{d}` is the
    generated modality, :math:`c \in \mathbb R^{d_c}` the condition (another modality's features),
    :math:`g_\psi` a small MLP that encodes it (trained with the rest, so the condition is the other
    modality's *learned encoding*, never a label), :math:`q_\phi(z \mid x, h) = \mathcal N(\mu, \operatorname
    {diag}\sigma^2)` the encoder, :math:`p_\theta(x \mid z, h) = \prod_j \operatorname{Bernoulli}(x_j;
    \hat x_j)` the decoder and :math:`p(z \mid h)` the prior: :math:`\mathcal N(0, I)` by default, or a
    learned Gaussian :math:`\mathcal N(\mu_p(h), \operatorname{diag}\sigma_p^2(h))` with
    ``conditional_prior=True`` (Sohn et al.'s prior network).

    Parameters
    ----------
    x_dim : int
        :math:`d`, the size of the generated modality (64 for an 8x8 image).
    cond_dim : int, default=0
        :math:`d_c`; 0 makes a plain (unconditional) VAE.
    latent_dim : int, default=8
        :math:`k`, the size of :math:`z`.
    hidden : int, default=128
        Width of the hidden layers.
    cond_embed : int, default=32
        Size of the condition's encoding :math:`h`.
    cond_dropout : float, default=0.2
        Dropout inside :math:`g_\psi` while training (the conditions are few and noisy).
    beta : float, default=1.0
        Weight :math:`\beta` of the KL term (Higgins et al., 2017); 1 gives the ELBO.
    conditional_prior : bool, default=False
        Learn :math:`p(z \mid h)` instead of using :math:`\mathcal N(0, I)`.

    Attributes
    ----------
    cond_encoder : torch.nn.Module or None
        :math:`g_\psi` (``None`` without a condition).
    encoder, decoder : torch.nn.Module
        The MLPs of :math:`q_\phi` (outputs :math:`[\mu; \log\sigma^2]`) and :math:`p_\theta` (logits).
    prior_net : torch.nn.Module or None
        The conditional prior's MLP, with ``conditional_prior=True``.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer (``cond_dim`` may be 0), ``cond_dropout`` is outside [0, 1),
        ``beta`` is negative, or ``conditional_prior`` is set without a condition.

    See Also
    --------
    mmlab.generate.fit_generator : trains it (``loss_terms``).
    mmlab.generate.gaussian_kl, mmlab.generate.reparameterize : the two pieces of the ELBO.

    References
    ----------
    Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. ICLR 2014.
    Sohn, K., Lee, H. and Yan, X. Learning structured output representation using deep conditional
    generative models. NeurIPS 2015 (the CVAE, its prior network and its ELBO, equation 4).
    Higgins, I. et al. beta-VAE: learning basic visual concepts with a constrained variational framework.
    ICLR 2017.

    Examples
    --------
    >>> model = CVAE(64, 10, latent_dim=4)
    >>> x, c = torch.rand(5, 64), torch.randn(5, 10)
    >>> sorted(model.loss_terms([x, c]))
    ['kl', 'loss', 'reconstruction']
    >>> model.sample(c, random_state=0).shape
    torch.Size([5, 64])
    """

    def __init__(
        self,
        x_dim: int,
        cond_dim: int = 0,
        *,
        latent_dim: int = 8,
        hidden: int = 128,
        cond_embed: int = 32,
        cond_dropout: float = 0.2,
        beta: float = 1.0,
        conditional_prior: bool = False,
    ) -> None:
        super().__init__()
        self.x_dim = check_positive_int(x_dim, "x_dim")
        self.cond_dim = check_positive_int(cond_dim, "cond_dim", minimum=0)
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        hidden = check_positive_int(hidden, "hidden")
        cond_embed = check_positive_int(cond_embed, "cond_embed")
        cond_dropout = check_fraction(cond_dropout, "cond_dropout", inclusive=(True, False))
        self.beta = check_scalar(beta, "beta", min_val=0)
        if not isinstance(conditional_prior, bool):
            raise TypeError(f"conditional_prior must be True or False; got {type(conditional_prior).__name__}.")
        if conditional_prior and self.cond_dim == 0:
            raise ValueError("conditional_prior=True needs a condition (cond_dim > 0): p(z | c) needs a c.")
        h = cond_embed if self.cond_dim else 0
        self.cond_encoder = mlp(self.cond_dim, cond_embed, hidden, dropout=cond_dropout) if self.cond_dim else None
        self.encoder = mlp(self.x_dim + h, 2 * self.latent_dim, hidden)  # q(z | x, h): [μ; log σ²]
        self.decoder = mlp(self.latent_dim + h, self.x_dim, hidden, layers=2)  # p(x | z, h): logits
        self.prior_net = mlp(h, 2 * self.latent_dim, hidden) if conditional_prior else None

    # ------------------------------------------------------------------ pieces
    def embed(self, c: torch.Tensor | None, n: int | None = None) -> torch.Tensor:
        r"""The condition's encoding :math:`h = g_\psi(c)`, shape ``(batch, cond_embed)`` (``(n, 0)`` without one).

        Raises
        ------
        TypeError, ValueError
            If ``c`` is missing for a conditional model, given to an unconditional one, or has the wrong shape.
        """
        if self.cond_encoder is None:
            if c is not None:
                raise ValueError("this CVAE has no condition (cond_dim=0); call it without c.")
            if n is None:
                raise ValueError("an unconditional model needs the number of rows n.")
            return torch.zeros(n, 0, device=module_device(self))
        if c is None:
            raise ValueError(
                f"this CVAE is conditional (cond_dim={self.cond_dim}); pass the condition c, "
                f"a (batch, {self.cond_dim}) tensor."
            )
        check_tensor(c, "c", ndim=2)
        check_width(c, "c", self.cond_dim, "cond_dim")
        return self.cond_encoder(c.to(module_device(self)))

    def encode(self, x: torch.Tensor, c: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        r"""Posterior parameters :math:`(\mu, \log\sigma^2)` of :math:`q_\phi(z \mid x, c)`, each ``(batch, k)``.

        Raises
        ------
        TypeError, ValueError
            If ``x`` or ``c`` has the wrong type or shape, or the rows are not paired.
        """
        x = self._check_x(x)
        h = self.embed(c, x.shape[0])
        if h.shape[0] != x.shape[0]:
            raise ValueError(f"x and c must hold paired samples; got {x.shape[0]} and {h.shape[0]} rows.")
        mu, log_var = self.encoder(torch.cat([x, h], dim=1)).chunk(2, dim=1)
        return mu, log_var

    def decode(self, z: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
        r"""Decoder logits of :math:`p_\theta(x \mid z, c)`, shape ``(batch, x_dim)`` (apply a sigmoid for pixels).

        Raises
        ------
        TypeError, ValueError
            If ``z`` or ``c`` has the wrong type or shape, or the rows are not paired.
        """
        check_tensor(z, "z", ndim=2)
        check_width(z, "z", self.latent_dim, "latent_dim")
        z = z.to(module_device(self))
        h = self.embed(c, z.shape[0])
        if h.shape[0] != z.shape[0]:
            raise ValueError(f"z and c must hold paired samples; got {z.shape[0]} and {h.shape[0]} rows.")
        return self.decoder(torch.cat([z, h], dim=1))

    def prior(self, c: torch.Tensor | None = None, n: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        r"""Prior parameters :math:`(\mu_p, \log\sigma_p^2)` of :math:`p(z \mid c)`, each ``(batch, k)``.

        Raises
        ------
        ValueError
            As :meth:`embed`.
        """
        h = self.embed(c, n)
        if self.prior_net is None:
            zeros = torch.zeros(h.shape[0], self.latent_dim, device=h.device, dtype=h.dtype)
            return zeros, zeros.clone()
        mu, log_var = self.prior_net(h).chunk(2, dim=1)
        return mu, log_var

    # ------------------------------------------------------------------ objective
    def loss_terms(self, batch: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        r"""The batch means of the two ELBO terms, and the loss ``reconstruction + beta * kl`` to minimise.

        Parameters
        ----------
        batch : list of Tensor
            ``[x]`` (unconditional) or ``[x, c]``.

        Returns
        -------
        dict
            ``"loss"``, ``"reconstruction"`` (:math:`-\mathbb E_q \log p_\theta(x \mid z, c)`, one draw
            of :math:`z`) and ``"kl"``, in nats per sample.

        Raises
        ------
        TypeError, ValueError
            If ``batch`` does not hold one tensor (no condition) or two, or they have the wrong shapes.
        """
        x, c = self._unpack(batch)
        rec, kl = self._terms(x, c, None)
        return {"loss": (rec + self.beta * kl).mean(), "reconstruction": rec.mean(), "kl": kl.mean()}

    @torch.no_grad()
    def elbo(
        self, x: torch.Tensor, c: torch.Tensor | None = None, *, n_samples: int = 8, random_state: RandomState = 0
    ) -> torch.Tensor:
        r"""The evidence lower bound of every row, :math:`-(\text{reconstruction} + \text{KL})`, in nats.

        The expectation over :math:`q_\phi` is averaged over ``n_samples`` draws (in evaluation mode);
        it bounds :math:`\log p_\theta(x \mid c)` from below.

        Returns
        -------
        Tensor of shape (batch,)

        Raises
        ------
        TypeError, ValueError
            If the inputs have the wrong type or shape, or ``n_samples`` < 1.
        """
        n_samples = check_positive_int(n_samples, "n_samples")
        gen = torch_generator(random_state)
        was = self.training
        self.eval()
        total = 0.0
        for _ in range(n_samples):
            rec, kl = self._terms(x, c, gen)
            total = total + rec + kl
        self.train(was)
        return -total / n_samples

    # ------------------------------------------------------------------ generation
    @torch.no_grad()
    def sample(
        self,
        c: torch.Tensor | None = None,
        *,
        n: int | None = None,
        random_state: RandomState = None,
        temperature: float = 1.0,
    ) -> torch.Tensor:
        r"""Draw :math:`z \sim p(z \mid c)` and return the decoder's pixel probabilities :math:`\hat x`.

        One sample per row of ``c`` (repeat rows for several samples of one condition); an
        unconditional model draws ``n``. The decoder's mean :math:`\hat x` is returned, as is usual for
        showing VAE samples, rather than a Bernoulli draw of it.

        Parameters
        ----------
        c : Tensor of shape (batch, cond_dim), optional
            The conditions.
        n : int, optional
            Number of samples of an unconditional model.
        random_state : int, numpy.random.Generator or None
            Seeds :math:`z` (same seed, same samples).
        temperature : float, default=1.0
            Scales the prior's standard deviation (values below 1 give more typical, less varied samples).

        Returns
        -------
        Tensor of shape (batch, x_dim)
            Values in (0, 1).

        Raises
        ------
        TypeError, ValueError
            If ``c`` is missing or wrong, ``n`` is missing for an unconditional model, or ``temperature``
            is not positive.
        """
        temperature = check_scalar(temperature, "temperature", min_val=0, include_boundaries="neither")
        if c is None and n is not None:
            n = check_positive_int(n, "n")
        elif c is not None and n is not None:
            raise ValueError("give either c (one sample per row) or n (unconditional), not both.")
        was = self.training
        self.eval()
        mu, log_var = self.prior(c, n)
        z = _reparameterize(
            mu,
            log_var + 2 * math.log(temperature),  # sigma * T
            randn(tuple(mu.shape), torch_generator(random_state), mu),
        )
        out = torch.sigmoid(self.decode(z, c))
        self.train(was)
        return out

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
        r"""Decode the posterior mean: :math:`\operatorname{sigmoid}(\text{decoder}(\mu(x, c), c))`.

        Raises
        ------
        TypeError, ValueError
            If the inputs have the wrong type or shape.
        """
        was = self.training
        self.eval()
        mu, _ = self.encode(x, c)
        out = torch.sigmoid(self.decode(mu, c))
        self.train(was)
        return out

    # ------------------------------------------------------------------ private
    def _terms(
        self,
        x: torch.Tensor,
        c: torch.Tensor | None,
        gen: torch.Generator | None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        x = self._check_x(x, unit=True)
        h = self.embed(c, x.shape[0])
        if h.shape[0] != x.shape[0]:
            raise ValueError(f"x and c must hold paired samples; got {x.shape[0]} and {h.shape[0]} rows.")
        mu, log_var = self.encoder(torch.cat([x, h], dim=1)).chunk(2, dim=1)
        eps = randn(tuple(mu.shape), gen, mu) if gen is not None else torch.randn_like(mu)
        z = _reparameterize(mu, log_var, eps)
        rec = _bernoulli_nll(self.decoder(torch.cat([z, h], dim=1)), x)
        if self.prior_net is None:
            kl = _kl_standard(mu, log_var)
        else:
            p_mu, p_log_var = self.prior_net(h).chunk(2, dim=1)
            kl = _kl(mu, log_var, p_mu, p_log_var)
        return rec, kl

    def _check_x(self, x: Any, unit: bool = False) -> torch.Tensor:
        check_tensor(x, "x", ndim=2, finite=not unit)
        lo, hi = finite_range(x, "x") if unit and x.numel() else (0.0, 1.0)  # one pass: finite, and the range
        check_width(x, "x", self.x_dim, "x_dim")
        if lo < 0 or hi > 1:
            raise ValueError(f"x must lie in [0, 1] (the decoder is Bernoulli); got values from {lo:.3g} to {hi:.3g}.")
        return x.to(module_device(self))

    def _unpack(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
        want = 2 if self.cond_dim else 1
        if not isinstance(batch, (list, tuple)) or len(batch) != want:
            got = f"{len(batch)} tensors" if isinstance(batch, (list, tuple)) else type(batch).__name__
            shape = "[x, c] for this conditional CVAE" if want == 2 else "[x] for this unconditional CVAE"
            raise ValueError(f"batch must be {shape}; got {got}.")
        return batch[0], (batch[1] if want == 2 else None)
