"""The conditional VAE (mmlab/generate/_cvae.py): shapes, ELBO terms, sampling, validation."""

import pytest
import torch

from mmlab.generate import CVAE, fit_generator, gaussian_kl


def _data(n=64, cond=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 16, generator=g), torch.randn(n, cond, generator=g)


def test_shapes_of_every_piece():
    model = CVAE(16, 5, latent_dim=3, hidden=8)
    x, c = _data()
    mu, log_var = model.encode(x, c)
    assert mu.shape == log_var.shape == (64, 3)
    assert model.decode(mu, c).shape == (64, 16)
    assert model.sample(c, random_state=0).shape == (64, 16)
    assert model.reconstruct(x, c).shape == (64, 16)
    assert model.elbo(x, c).shape == (64,)


def test_kl_term_is_the_closed_form_on_the_encoder_outputs():
    model = CVAE(16, 5, latent_dim=3).eval()
    x, c = _data()
    terms = model.loss_terms([x, c])
    mu, log_var = model.encode(x, c)
    assert torch.allclose(terms["kl"], gaussian_kl(mu, log_var).mean())
    assert torch.allclose(terms["loss"], terms["reconstruction"] + terms["kl"])


def test_beta_weights_the_kl_term():
    model = CVAE(16, 5, beta=3.0).eval()
    x, c = _data()
    torch.manual_seed(0)
    terms = model.loss_terms([x, c])
    assert torch.allclose(terms["loss"], terms["reconstruction"] + 3.0 * terms["kl"])


def test_conditional_prior_enters_the_kl_term():
    model = CVAE(16, 5, conditional_prior=True).eval()
    x, c = _data()
    mu, log_var = model.encode(x, c)
    p_mu, p_log_var = model.prior(c)
    assert torch.allclose(model.loss_terms([x, c])["kl"], gaussian_kl(mu, log_var, p_mu, p_log_var).mean())


def test_sampling_is_deterministic_under_a_seed():
    model = CVAE(16, 5)
    _, c = _data()
    assert torch.equal(model.sample(c, random_state=4), model.sample(c, random_state=4))
    assert not torch.equal(model.sample(c, random_state=4), model.sample(c, random_state=5))


def test_temperature_shrinks_the_spread_of_samples():
    model = CVAE(16, latent_dim=4)
    hot, cold = model.sample(n=2000, random_state=0), model.sample(n=2000, random_state=0, temperature=0.1)
    assert cold.std(0).mean() < hot.std(0).mean()


def test_unconditional_model_is_a_plain_vae_and_elbo_bounds_improve_with_training():
    x, _ = _data(n=128)
    model = CVAE(16, latent_dim=2, hidden=16)
    before = model.elbo(x).mean()
    torch.manual_seed(0)
    fit_generator(model, [x], epochs=30, progress=False, device="cpu")
    assert model.elbo(x).mean() > before
    assert model.sample(n=7, random_state=0).shape == (7, 16)


def test_elbo_is_reproducible_under_a_seed():
    model = CVAE(16, 5)
    x, c = _data()
    assert torch.equal(model.elbo(x, c, random_state=1), model.elbo(x, c, random_state=1))


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda m, x, c: m.loss_terms([x]), ValueError, r"\[x, c\]"),
        (lambda m, x, c: m.encode(x, None), ValueError, "pass the condition"),
        (lambda m, x, c: m.encode(x[:, :4], c), ValueError, "16 columns"),
        (lambda m, x, c: m.encode(x, c[:10]), ValueError, "paired"),
        (lambda m, x, c: m.encode(x, c[:, :2]), ValueError, "5 columns"),
        (lambda m, x, c: m.loss_terms([x * 3, c]), ValueError, r"\[0, 1\]"),
        (lambda m, x, c: m.sample(c, n=3), ValueError, "not both"),
        (lambda m, x, c: m.sample(c, temperature=0), ValueError, "temperature"),
        (lambda m, x, c: m.elbo(x, c, n_samples=0), ValueError, "n_samples"),
        (lambda m, x, c: m.decode(torch.zeros(3, 2), c[:3]), ValueError, "latent_dim"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    x, c = _data()
    with pytest.raises(err, match=match):
        call(CVAE(16, 5), x, c)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"x_dim": 0}, ValueError, "x_dim"),
        ({"x_dim": 4, "cond_dim": -1}, ValueError, "cond_dim"),
        ({"x_dim": 4, "cond_dropout": 1.0}, ValueError, "cond_dropout"),
        ({"x_dim": 4, "beta": -1.0}, ValueError, "beta"),
        ({"x_dim": 4, "conditional_prior": True}, ValueError, "needs a condition"),
        ({"x_dim": 4, "cond_dim": 2, "conditional_prior": 1}, TypeError, "conditional_prior"),
        ({"x_dim": 4.0}, TypeError, "x_dim"),
    ],
)
def test_bad_construction_is_refused(kwargs, err, match):
    with pytest.raises(err, match=match):
        CVAE(**kwargs)


def test_unconditional_model_refuses_a_condition_and_needs_n():
    model = CVAE(16)
    with pytest.raises(ValueError, match="no condition"):
        model.encode(torch.rand(2, 16), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="number of rows"):
        model.sample()
