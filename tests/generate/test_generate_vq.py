"""Vector quantisation and the VQ-VAE (mmlab/generate/_vq.py): nearest codes, straight-through gradients, shapes."""

import pytest
import torch

from mmlab.generate import VQVAE, fit_generator, vector_quantize


def test_indices_are_the_nearest_codes_by_brute_force(torch_gen):
    z_e, codebook = torch.randn(40, 5, generator=torch_gen), torch.randn(9, 5, generator=torch_gen)
    z_q, idx = vector_quantize(z_e, codebook)
    brute = torch.tensor([int(((z - codebook) ** 2).sum(1).argmin()) for z in z_e])  # one row at a time
    assert torch.equal(idx, brute)
    assert torch.allclose(z_q, codebook[idx], atol=1e-6)


def test_gradient_passes_straight_through_and_skips_the_codebook(torch_gen):
    z_e = torch.randn(6, 3, generator=torch_gen).requires_grad_(True)
    codebook = torch.randn(4, 3, generator=torch_gen).requires_grad_(True)
    weights = torch.randn(6, 3, generator=torch_gen)
    z_q, _ = vector_quantize(z_e, codebook)
    (z_q * weights).sum().backward()
    assert torch.allclose(z_e.grad, weights)
    assert codebook.grad is None or torch.count_nonzero(codebook.grad) == 0


def test_vqvae_shapes_and_token_range():
    vq = VQVAE(codebook_size=8, code_dim=4, hidden=8)
    x = torch.rand(5, 64)
    tokens = vq.encode(x)
    assert tokens.shape == (5, 16) and tokens.dtype == torch.int64
    assert int(tokens.min()) >= 0 and int(tokens.max()) < 8
    assert vq.decode(tokens).shape == (5, 64)
    assert vq.reconstruct(x).shape == (5, 64)
    assert vq.grid == (4, 4) and vq.n_tokens == 16
    assert VQVAE((4, 6)).encode(torch.rand(2, 24)).shape == (2, 6)


def test_codebook_starts_from_encoder_outputs_and_training_uses_the_codebook():
    x = torch.rand(200, 64, generator=torch.Generator().manual_seed(0))
    vq = VQVAE(codebook_size=8)
    vq.init_codebook(x, random_state=0)
    with torch.no_grad():
        z = vq.encode_vectors(x)
    assert all(bool(((z - c).abs().sum(1) < 1e-6).any()) for c in vq.codebook)  # each code is an encoder output
    terms = vq.loss_terms([x[:32]])
    assert set(terms) == {"loss", "reconstruction", "codebook", "commitment"}
    assert torch.allclose(terms["loss"], terms["reconstruction"] + terms["codebook"] + 0.25 * terms["commitment"])
    history = fit_generator(vq, [x], epochs=3, progress=False, device="cpu")
    assert history.loss[-1] < history.loss[0]
    assert 1 <= vq.codes_used(x) <= 8


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: vector_quantize(torch.zeros(3, 2), torch.zeros(4, 3)), ValueError, "3 columns"),
        (lambda: vector_quantize(torch.zeros(3, 2), torch.zeros(0, 2)), ValueError, "at least one"),
        (lambda: vector_quantize(torch.zeros(3), torch.zeros(4, 3)), ValueError, "2 dimension"),
        (lambda: VQVAE((7, 8)), ValueError, "even"),
        (lambda: VQVAE((8,)), TypeError, "pair"),
        (lambda: VQVAE(commitment=-1.0), ValueError, "commitment"),
        (lambda: VQVAE().encode(torch.rand(2, 63)), ValueError, "64 columns"),
        (lambda: VQVAE().decode(torch.zeros(2, 16)), TypeError, "integer"),
        (lambda: VQVAE().decode(torch.zeros(2, 15, dtype=torch.long)), ValueError, r"\(n, 16\)"),
        (lambda: VQVAE().decode(torch.full((2, 16), 99)), ValueError, "lie in 0"),
        (lambda: VQVAE().loss_terms([torch.rand(2, 64), torch.rand(2, 64)]), ValueError, r"\[x\]"),
        (lambda: VQVAE().loss_terms([torch.full((2, 64), 2.0)]), ValueError, r"\[0, 1\]"),
        (lambda: VQVAE(codebook_size=64).init_codebook(torch.rand(2, 64)), ValueError, "at least codebook_size"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call()
