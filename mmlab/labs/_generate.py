"""Check cells of the generation lab (``labs/4_generation/01_generative_models.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded inputs,
validates what comes back, compares it with a reference computed here from the
lab's equations (never with :mod:`mmlab.generate`'s ``reparameterize``,
``gaussian_kl``, ``vector_quantize`` or ``coherence``, which the exercises ask
the student to write), and raises :class:`mmlab.labs.CheckFailed` with a
message that names the failing property and the likely cause, without the
expected values. Every check is decorated with :func:`~mmlab.labs.forbid`:
calling the library's version fails it. A student's own randomness
(``torch.randn_like``) runs inside :func:`torch.random.fork_rng` with a fixed
seed, so a check is reproducible and leaves the notebook's random state alone.

===========================  ======================================================================
check                        student function
===========================  ======================================================================
check_reparameterize         ``reparameterize(mu, log_var) -> z`` of shape ``(batch, k)``
check_kl_to_prior            ``kl_to_prior(mu, log_var) -> (batch,)``, KL to N(0, I) in nats
check_quantize               ``quantize(z_e, codebook) -> (z_q, indices)``, straight-through
check_coherence_with_chance  ``coherence_with_chance(labels_a, labels_b) -> (agreement, chance)``
===========================  ======================================================================

The private references (tested against the library in ``tests/labs/test_generate_checks.py``):
:func:`_kl_reference`, :func:`_quantize_reference` and :func:`_coherence_reference`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from mmlab.labs._feedback import CheckRun, expect_array, expect_number, forbid, run_student
from mmlab.runtime import seeded

__all__ = ["check_coherence_with_chance", "check_kl_to_prior", "check_quantize", "check_reparameterize"]


def _randn(gen: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=gen)


def _tensor(run: CheckRun, got: Any, what: str) -> torch.Tensor:
    return expect_array(run, got, what=what, tensor=True)


def _call(run: CheckRun, fn: Callable[..., Any], *args: Any, what: str, seed: int = 0) -> Any:
    """Run the student's function with torch's global generator seeded, restoring the caller's state after."""
    with seeded(seed):
        return run_student(run, fn, *args, what=what)


def _backward(run: CheckRun, loss: torch.Tensor, what: str) -> None:
    try:
        loss.backward()
    except RuntimeError as err:
        run.fail(
            what,
            f"computing gradients through your output failed ({str(err).splitlines()[0]}). Build the "
            "result from the inputs with torch operations, without in-place changes.",
        )


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _kl_reference(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(log_var)) || N(0, 1)) per row, summed over the latent dimensions, written per dimension."""
    var = torch.exp(log_var)
    per_dim = 0.5 * (var + mu * mu - 1.0) - 0.5 * log_var
    return per_dim.sum(dim=1)


def _quantize_reference(z_e: torch.Tensor, codebook: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest code by explicit pairwise differences; straight-through value."""
    diff = z_e[:, None, :] - codebook[None, :, :]
    idx = diff.pow(2).sum(dim=2).argmin(dim=1)
    e = codebook[idx]
    return z_e + (e - z_e).detach(), idx


def _coherence_reference(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Agreement and the chance agreement sum_k p_a(k) p_b(k) from the marginals."""
    agreement = float(np.mean(a == b))
    chance = sum(float(np.mean(a == k)) * float(np.mean(b == k)) for k in set(a.tolist()) | set(b.tolist()))
    return agreement, chance


# --------------------------------------------------------------------------- #
# exercise 1: the reparameterisation trick
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.generate.reparameterize",
    task="write the reparameterisation yourself",
    shortcuts=("mmlab.generate.CVAE.sample",),
    hint="Draw eps with torch.randn_like(mu) and combine it with mu and log_var.",
)
def check_reparameterize(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> bool:
    """Check ``reparameterize(mu, log_var)``: a differentiable draw from N(mu, exp(log_var)).

    Verifies the shape, that the draw is random (not mu, different on two
    calls), its mean and standard deviation over 40,000 rows (with a diagnosis
    of the usual scale mistakes), and the gradients: dz/dmu = 1 and
    dz/dlog_var = (z - mu) / 2.
    """
    run = CheckRun("Exercise 1 (the reparameterisation trick)", 4)
    gen = torch.Generator().manual_seed(11)
    mu, log_var = _randn(gen, 8, 3), _randn(gen, 8, 3)
    what = "output shape"
    z = _tensor(run, _call(run, fn, mu.clone(), log_var.clone(), what=what), what)
    if tuple(z.shape) != (8, 3):
        hint = "One draw per entry of mu: z has the shape of mu."
        if tuple(z.shape) in ((8,), (3,), ()):
            hint = "You reduced a dimension: z must keep one value per sample and latent dimension."
        run.fail(what, f"expected shape (8, 3) (the shape of mu), got {tuple(z.shape)}. {hint}")
    run.passed(what)

    what = "a random draw"
    z2 = _tensor(run, _call(run, fn, mu.clone(), log_var.clone(), what=what, seed=1), what)
    if torch.allclose(z.detach().cpu(), mu, atol=1e-6):
        run.fail(what, "your z equals mu: the noise term sigma * eps is missing.")
    if torch.allclose(z.detach().cpu(), z2.detach().cpu()):
        run.fail(
            what,
            "two calls returned the same z: draw fresh noise on every call (torch.randn_like(mu)), "
            "without fixing a seed or reusing a stored eps.",
        )
    run.passed(what)

    what = "mean and spread of the draws"
    means = torch.tensor([0.0, 2.0, -1.0])
    sigmas = torch.tensor([1.0, 2.0, 0.5])
    big_mu, big_lv = means.expand(40_000, 3).clone(), (2 * sigmas.log()).expand(40_000, 3).clone()
    draws = _tensor(run, _call(run, fn, big_mu, big_lv, what=what, seed=2), what).detach().cpu().double()
    if tuple(draws.shape) != (40_000, 3):
        run.fail(what, f"for mu of shape (40000, 3) your z has shape {tuple(draws.shape)}.")
    got_mean, got_std = draws.mean(0), draws.std(0)
    if not torch.allclose(got_mean, means.double(), atol=0.04):
        hint = (
            "the draws are centred at 0: add mu."
            if torch.allclose(got_mean, torch.zeros(3).double(), atol=0.04)
            else "their centre is not mu. z = mu + sigma * eps has mean mu."
        )
        run.fail(what, f"over 40,000 draws {hint}")
    if not torch.allclose(got_std, sigmas.double(), rtol=0.03):
        known = {"var": sigmas**2, "one": torch.ones(3), "log_var": (2 * sigmas.log()).abs(), "half": sigmas**0.5}
        hints = {
            "var": "you scaled eps by exp(log_var), the variance; the standard deviation is exp(log_var / 2).",
            "one": "the spread does not depend on log_var: multiply eps by sigma = exp(log_var / 2).",
            "log_var": "you scaled eps by log_var itself; sigma = exp(log_var / 2).",
            "half": "you took one square root too many: sigma = exp(log_var / 2), not exp(log_var / 4).",
        }
        found = next((k for k, v in known.items() if torch.allclose(got_std, v.double(), rtol=0.03)), None)
        run.fail(
            what,
            "over 40,000 draws the spread of z is not sigma = exp(log_var / 2): "
            + (hints[found] if found else "check how you turn log_var into a standard deviation."),
        )
    run.passed(what)

    what = "gradients reach mu and log_var"
    mu_g, lv_g = mu.clone().requires_grad_(True), log_var.clone().requires_grad_(True)
    z_g = _tensor(run, _call(run, fn, mu_g, lv_g, what=what, seed=3), what)
    if not z_g.requires_grad:
        run.fail(
            what,
            "your z is cut off from the autograd graph (.detach(), .numpy(), torch.tensor(...) or a "
            "sampler without gradients?). The trick exists so that gradients reach mu and log_var.",
        )
    w = _randn(gen, 8, 3)
    _backward(run, (z_g * w).sum(), what)
    if mu_g.grad is None or lv_g.grad is None:
        missing = [n for n, p in (("mu", mu_g), ("log_var", lv_g)) if p.grad is None]
        run.fail(what, f"{' and '.join(missing)} received no gradient: z must be computed from both.")
    if torch.count_nonzero(mu_g.grad) == 0 and torch.count_nonzero(lv_g.grad) == 0:
        run.fail(
            what,
            "the gradients are all zero: a sampler such as torch.normal(mu, std) or .sample() does not "
            "pass gradients back. Draw eps separately and compute mu + sigma * eps.",
        )
    if not torch.allclose(mu_g.grad, w, atol=1e-5):
        run.fail(what, "dz/dmu is not 1: z should depend on mu only through the sum mu + sigma * eps.")
    expected = w * (z_g.detach() - mu) / 2
    if not torch.allclose(lv_g.grad, expected, atol=1e-4):
        run.fail(
            what,
            "dz/dlog_var is not (z - mu) / 2, which is what sigma = exp(log_var / 2) gives: check the "
            "factor 1/2 inside the exponential.",
        )
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 2: the KL term
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.generate.gaussian_kl",
    task="compute the KL term from its closed form yourself",
    shortcuts=("mmlab.generate.CVAE.loss_terms",),
    hint="Use torch.exp, squares and a sum over the latent dimension.",
)
def check_kl_to_prior(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> bool:
    """Check ``kl_to_prior(mu, log_var)``: KL(N(mu, sigma^2) || N(0, I)) per sample, summed over dimensions.

    Verifies the shape (one value per sample), that it is 0 where the
    posterior is the prior, the values on random inputs (with a diagnosis of
    the usual slips), and that gradients flow to mu and log_var as through
    the closed form.
    """
    run = CheckRun("Exercise 2 (the KL term)", 4)
    gen = torch.Generator().manual_seed(22)
    mu, log_var = _randn(gen, 16, 4), 0.8 * _randn(gen, 16, 4)
    what = "one value per sample"
    got = _tensor(run, _call(run, fn, mu.clone(), log_var.clone(), what=what), what)
    shape = tuple(got.shape)
    if shape != (16,):
        hint = "Return one KL per sample, shape (batch,)."
        if shape in ((), (1,)):
            hint = "You reduced over the batch too: sum over the latent dimensions only (dim=1)."
        elif shape == (16, 4):
            hint = "You kept the latent dimensions: the KL of a diagonal Gaussian is the sum over them (dim=1)."
        elif shape == (4,):
            hint = "You summed over the batch instead of over the latent dimensions."
        run.fail(what, f"expected shape (16,), got {shape}. {hint}")
    run.passed(what)

    what = "zero when the posterior is the prior"
    zero = _tensor(run, _call(run, fn, torch.zeros(5, 3), torch.zeros(5, 3), what=what), what).detach().cpu()
    if tuple(zero.shape) != (5,) or not torch.allclose(zero, torch.zeros(5), atol=1e-6):
        run.fail(
            what,
            "for mu = 0 and log_var = 0 (q equals the prior N(0, I)) the KL must be exactly 0. Did you "
            "forget the -1 (or the log_var term) inside the bracket?",
        )
    run.passed(what)

    what = "agrees with the closed form"
    ref = _kl_reference(mu, log_var)
    g = got.detach().cpu().double()
    if not torch.allclose(g, ref.double(), atol=1e-4, rtol=1e-4):
        var = log_var.exp()
        slips = {
            "twice": (2 * ref, "you left out the factor 1/2 in front of the sum."),
            "mean": (ref / 4, "you averaged over the latent dimensions; the KL sums them."),
            "var_for_logvar": (
                0.5 * (mu**2 + log_var - 1 - torch.log(log_var.abs() + 1e-12)).sum(1),
                "you used log_var as if it were the variance: sigma^2 = exp(log_var).",
            ),
            "sign": (
                0.5 * (mu**2 + var - 1 + log_var).sum(1),
                "the log-variance term has the wrong sign: it is - log sigma^2.",
            ),
            "std": (
                0.5 * (mu**2 + (0.5 * log_var).exp() - 1 - log_var).sum(1),
                "you used the standard deviation where the variance belongs: sigma^2 = exp(log_var).",
            ),
            "no_mu": (0.5 * (var - 1 - log_var).sum(1), "the mean's term mu^2 is missing."),
        }
        for value, message in slips.values():
            if torch.allclose(g, value.double(), atol=1e-4, rtol=1e-4):
                run.fail(what, message)
        n_bad = int((~torch.isclose(g, ref.double(), atol=1e-4, rtol=1e-4)).sum())
        run.fail(
            what,
            f"{n_bad} of 16 values differ from the closed form 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - "
            "log sigma_j^2). Check each term.",
        )
    if bool((g < -1e-6).any()):
        run.fail(what, "a KL divergence is never negative; yours is for some rows.")
    run.passed(what)

    what = "gradients reach mu and log_var"
    mu_g, lv_g = mu.clone().requires_grad_(True), log_var.clone().requires_grad_(True)
    out = _tensor(run, _call(run, fn, mu_g, lv_g, what=what), what)
    if not out.requires_grad:
        run.fail(
            what,
            "your KL is cut off from the autograd graph (.detach(), .item(), numpy or math functions?). "
            "It is a loss term: use torch operations so that it trains the encoder.",
        )
    _backward(run, out.sum(), what)
    mu_r, lv_r = mu.clone().requires_grad_(True), log_var.clone().requires_grad_(True)
    _kl_reference(mu_r, lv_r).sum().backward()
    if (
        mu_g.grad is None
        or lv_g.grad is None
        or not (torch.allclose(mu_g.grad, mu_r.grad, atol=1e-4) and torch.allclose(lv_g.grad, lv_r.grad, atol=1e-4))
    ):
        run.fail(
            what,
            "the values are right but the gradients are not: did you detach part of the expression or "
            "change a tensor in place?",
        )
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: vector quantisation with the straight-through estimator
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.generate.vector_quantize",
    task="quantise and pass the gradient straight through yourself",
    shortcuts=("mmlab.generate.VQVAE.encode",),
    hint="Use torch.cdist (or squared differences), argmin, indexing, and .detach().",
)
def check_quantize(fn: Callable[[torch.Tensor, torch.Tensor], Any]) -> bool:
    """Check ``quantize(z_e, codebook)``: nearest codes, their values, and the straight-through gradient.

    Verifies that it returns ``(z_q, indices)`` with the right shapes and
    types, that the indices are the nearest codes in Euclidean distance (with
    a diagnosis of farthest codes and inner products), that ``z_q`` holds
    those codes' values, that the gradient of any loss reaches ``z_e``
    unchanged, and that none reaches the codebook through ``z_q``.
    """
    run = CheckRun("Exercise 3 (vector quantisation, straight through)", 5)
    gen = torch.Generator().manual_seed(33)
    z_e = _randn(gen, 12, 4)
    codebook = _randn(gen, 6, 4) * torch.linspace(0.3, 2.0, 6)[:, None]  # codes of different lengths
    what = "returns (z_q, indices)"
    out = _call(run, fn, z_e.clone(), codebook.clone(), what=what)
    if out is None:
        run.fail(what, "your function returned None. Did you forget the `return` statement?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        run.fail(
            what,
            f"return a pair (z_q, indices); got {type(out).__name__}"
            f"{' of length ' + str(len(out)) if isinstance(out, (tuple, list)) else ''}.",
        )
    z_q, idx = out
    z_q = _tensor(run, z_q, what)
    if not isinstance(idx, torch.Tensor) or idx.is_floating_point() or idx.dtype == torch.bool:
        run.fail(what, "indices must be an integer tensor (argmin returns one), one code index per row.")
    if tuple(z_q.shape) != (12, 4) or tuple(idx.shape) != (12,):
        run.fail(
            what,
            f"expected z_q of shape (12, 4) (like z_e) and indices of shape (12,); got "
            f"{tuple(z_q.shape)} and {tuple(idx.shape)}. Take the argmin over the codebook axis.",
        )
    run.passed(what)

    what = "indices of the nearest codes"
    _, ref_idx = _quantize_reference(z_e, codebook)
    got_idx = idx.detach().cpu()
    if not torch.equal(got_idx, ref_idx):
        dist = torch.cdist(z_e, codebook)
        if torch.equal(got_idx, dist.argmax(dim=1)):
            run.fail(what, "you picked the farthest code (argmax of the distance); VQ-VAE takes the nearest.")
        if torch.equal(got_idx, (z_e @ codebook.T).argmax(dim=1)):
            run.fail(
                what,
                "you picked the code with the largest inner product; that is not the nearest when codes "
                "have different lengths. Use the Euclidean distance.",
            )
        n_bad = int((got_idx != ref_idx).sum())
        run.fail(what, f"{n_bad} of 12 rows are not matched to their nearest code in Euclidean distance.")
    run.passed(what)

    what = "z_q holds the codes' values"
    if not torch.allclose(z_q.detach().cpu(), codebook[ref_idx], atol=1e-5):
        hint = (
            "z_q equals z_e: the forward value must be the code, e_k."
            if torch.allclose(z_q.detach().cpu(), z_e)
            else "row i of z_q must equal codebook[indices[i]] (up to rounding)."
        )
        run.fail(what, hint)
    run.passed(what)

    what = "the gradient passes straight through to z_e"
    z_g, cb_g = z_e.clone().requires_grad_(True), codebook.clone().requires_grad_(True)
    out_g = _call(run, fn, z_g, cb_g, what=what)
    z_q_g = _tensor(run, out_g[0] if isinstance(out_g, (tuple, list)) and out_g else out_g, what)
    w = _randn(gen, 12, 4)
    if not z_q_g.requires_grad:
        run.fail(what, "z_q is cut off from the autograd graph: no gradient could reach the encoder.")
    _backward(run, (z_q_g * w).sum(), what)
    if z_g.grad is None or torch.count_nonzero(z_g.grad) == 0:
        run.fail(
            what,
            "no gradient reaches z_e: indexing the codebook has no gradient with respect to z_e. Use the "
            "straight-through form z_e + (e_k - z_e).detach(), whose value is e_k and whose gradient "
            "with respect to z_e is the identity.",
        )
    if not torch.allclose(z_g.grad, w, atol=1e-5):
        run.fail(
            what,
            "the gradient reaching z_e is not the gradient of z_q (the straight-through estimator copies "
            "it unchanged): detach the whole difference (e_k - z_e), not a part of it.",
        )
    run.passed(what)

    what = "no gradient to the codebook through z_q"
    if cb_g.grad is not None and torch.count_nonzero(cb_g.grad) > 0:
        run.fail(
            what,
            "the codebook receives a gradient through z_q. In VQ-VAE the decoder's gradient goes only to "
            "z_e; the codebook learns from its own loss term. Detach (e_k - z_e).",
        )
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 4: cross-modal coherence
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.generate.coherence",
    task="compute the agreement and its chance level yourself",
    hint="Use numpy: comparisons, means and a sum over the classes.",
)
def check_coherence_with_chance(fn: Callable[[np.ndarray, np.ndarray], Any]) -> bool:
    """Check ``coherence_with_chance(labels_a, labels_b)``: agreement of paired labels and sum_k p_a(k) p_b(k).

    Verifies that it returns two numbers in [0, 1], the agreement, the chance
    level on unbalanced labels (with a diagnosis of 1/K and of other
    shortcuts), and a case where one modality shows a class the other never
    does, plus symmetry.
    """
    run = CheckRun("Exercise 4 (coherence and its chance level)", 4)
    rng = np.random.default_rng(44)
    a = rng.choice(5, size=200, p=[0.5, 0.2, 0.1, 0.1, 0.1])
    b = np.where(rng.random(200) < 0.6, a, rng.choice(5, size=200, p=[0.1, 0.1, 0.2, 0.2, 0.4]))
    what = "returns two numbers"
    out = _call(run, fn, a.copy(), b.copy(), what=what)
    if out is None:
        run.fail(what, "your function returned None. Did you forget the `return` statement?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        run.fail(what, "return a pair (agreement, chance) of two numbers.")
    agreement = expect_number(run, out[0], what=what, hint="The agreement is one number.")
    chance = expect_number(run, out[1], what=what, hint="The chance level is one number.")
    if not (0 <= agreement <= 1 and 0 <= chance <= 1):
        run.fail(what, "both numbers are shares of pairs, so they lie in [0, 1].")
    run.passed(what)

    ref_agree, ref_chance = _coherence_reference(a, b)
    what = "the agreement"
    if not math.isclose(agreement, ref_agree, abs_tol=1e-9):
        hint = (
            "your two numbers are swapped: return (agreement, chance)."
            if math.isclose(agreement, ref_chance, abs_tol=1e-9)
            else "it is the share of pairs whose two labels are equal."
        )
        run.fail(what, f"your agreement {agreement:.4g} is not the share of matching pairs; {hint}")
    run.passed(what)

    what = "the chance level"
    if not math.isclose(chance, ref_chance, abs_tol=1e-9):
        n_classes = len(set(a.tolist()) | set(b.tolist()))
        p_a = np.array([np.mean(a == k) for k in range(5)])
        p_b = np.array([np.mean(b == k) for k in range(5)])
        slips = {
            1 / n_classes: "1/K is the chance level only when both modalities show every class equally often; "
            "here they do not. Use the marginals: sum over k of p_a(k) * p_b(k).",
            float(p_a @ p_a): "you combined modality a's marginal with itself; use p_a(k) * p_b(k).",
            float(p_b @ p_b): "you combined modality b's marginal with itself; use p_a(k) * p_b(k).",
            ref_agree**2: "the chance level comes from each modality's class frequencies, not from the agreement.",
        }
        message = next(
            (m for v, m in slips.items() if math.isclose(chance, v, abs_tol=1e-9)),
            "the chance level is the agreement of randomly re-paired halves: the sum over classes k of "
            "p_a(k) p_b(k), with p_a(k) the share of pairs whose first half shows k.",
        )
        run.fail(what, message)
    run.passed(what)

    what = "classes seen in one modality only, and symmetry"
    a2 = np.array([0, 0, 1, 2, 2, 2, 3, 3])
    b2 = np.array([0, 4, 1, 2, 4, 5, 3, 5])
    for x, y in ((a2, b2), (b2, a2)):
        pair = _call(run, fn, x.copy(), y.copy(), what=what)
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            run.fail(what, "return a pair (agreement, chance) for every input.")
        got = (expect_number(run, pair[0], what=what), expect_number(run, pair[1], what=what))
        ref = _coherence_reference(x, y)
        if not (math.isclose(got[0], ref[0], abs_tol=1e-9) and math.isclose(got[1], ref[1], abs_tol=1e-9)):
            run.fail(
                what,
                "with classes that appear in only one modality (here 4 and 5 appear only in the second), "
                "or with the modalities swapped, your numbers change. Loop over every class that occurs "
                "in either modality; a class missing from one modality contributes 0.",
            )
    run.passed(what)
    return run.finish()
