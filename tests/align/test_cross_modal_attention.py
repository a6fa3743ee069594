"""Directional cross-modal attention against torch's attention, the aligner models and attention_hits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.align import (
    AudioTextAligner,
    CrossModalAttention,
    LateFusionAligner,
    attention_hits,
    fit_aligner,
    token_accuracy,
)


@pytest.mark.parametrize("heads", [1, 2, 4])
def test_matches_torch_scaled_dot_product_attention(heads):
    torch.manual_seed(heads)
    block = CrossModalAttention(8, source_dim=6, n_heads=heads)
    target, source = torch.randn(3, 5, 8), torch.randn(3, 9, 6)
    mask = torch.arange(9)[None, :] < torch.tensor([[9], [4], [7]])
    out, weights = block(target, source, mask)
    q = block.query(target).view(3, 5, heads, -1).transpose(1, 2)
    k = block.key(source).view(3, 9, heads, -1).transpose(1, 2)
    v = block.value(source).view(3, 9, heads, -1).transpose(1, 2)
    ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, None, :])
    expected = target + block.out(ref.transpose(1, 2).reshape(3, 5, 8))
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)
    assert torch.all(weights[1, :, :, 4:] == 0) and torch.allclose(weights.sum(-1), torch.ones(3, heads, 5))
    assert block.last_weights.shape == (3, heads, 5, 9)


def test_without_residual_the_output_is_the_context_only():
    torch.manual_seed(0)
    with_res = CrossModalAttention(4)
    without = CrossModalAttention(4, residual=False)
    without.load_state_dict(with_res.state_dict())
    t, s = torch.randn(2, 3, 4), torch.randn(2, 5, 4)
    torch.testing.assert_close(with_res(t, s)[0] - t, without(t, s)[0])


def test_gradients_reach_both_modalities():
    block = CrossModalAttention(4)
    t, s = torch.randn(1, 3, 4, requires_grad=True), torch.randn(1, 5, 4, requires_grad=True)
    block(t, s)[0].sum().backward()
    assert t.grad is not None and s.grad is not None and bool(s.grad.abs().sum() > 0)


def test_heads_must_divide_the_width():
    with pytest.raises(ValueError, match="n_heads must divide dim"):
        CrossModalAttention(6, n_heads=4)


@pytest.mark.parametrize(
    "args, match",
    [
        ((torch.randn(2, 3, 5), torch.randn(2, 4, 4)), "target must have shape"),
        ((torch.randn(2, 3, 4), torch.randn(3, 4, 4)), "source must have shape"),
        ((torch.randn(2, 3, 4), torch.randn(2, 4, 4), torch.ones(2, 3, dtype=torch.bool)), "source_mask"),
    ],
)
def test_bad_inputs(args, match):
    block = CrossModalAttention(4)
    with pytest.raises(ValueError, match=match):
        block(*args)


def _toy_task(n, seed):
    """Frames carry a token id in channels 0-3 and a loud/soft flag in channel 4 at that token's place."""
    rng = np.random.default_rng(seed)
    frames = np.zeros((n, 20, 5), np.float32)
    tokens = np.full((n, 3), -1)
    targets = np.full((n, 3), -1.0, np.float32)
    for i in range(n):
        ids = rng.choice(4, size=3, replace=False)
        for k, tok in enumerate(ids):
            frames[i, 2 + 6 * k : 6 + 6 * k, tok] = 1.0
            loud = rng.integers(2)
            frames[i, 2 + 6 * k : 6 + 6 * k, 4] = 1.0 if loud else -1.0
            tokens[i, k], targets[i, k] = tok, loud
    frames += 0.1 * rng.normal(size=frames.shape).astype(np.float32)
    return torch.from_numpy(frames), torch.full((n,), 20), torch.from_numpy(tokens), torch.from_numpy(targets)


@pytest.mark.slow
def test_attention_learns_the_toy_task_and_looks_at_the_right_frames():
    x, n, tok, y = _toy_task(400, 0)
    torch.manual_seed(0)
    model = AudioTextAligner(5, n_tokens=4, hidden=16)
    fit_aligner(model, x[:300], n[:300], tok[:300], y[:300], epochs=20, lr=1e-2, random_state=0, device="cpu")
    assert token_accuracy(model, x[300:], n[300:], tok[300:], y[300:]) > 0.9
    segments = [np.array([[2 + 6 * k, 6 + 6 * k] for k in range(3)])] * 100
    assert attention_hits(model.last_attention, segments, tolerance=2).mean() > 0.6  # the encoder blurs edges


def test_models_shapes_and_padding():
    x, n, tok, y = _toy_task(4, 1)
    tok[0, 2] = -1
    for model in (AudioTextAligner(5, n_tokens=4, hidden=8), LateFusionAligner(5, n_tokens=4, hidden=8)):
        assert model([x, n, tok]).shape == (4, 3)
    aligner = AudioTextAligner(5, n_tokens=4, hidden=8, n_heads=2)
    aligner([x, torch.tensor([20, 10, 20, 5]), tok])
    assert aligner.last_attention.shape == (4, 3, 20) and torch.all(aligner.last_attention[3, :, 5:] == 0)


def test_fit_aligner_ignores_padding_and_validates():
    x, n, tok, y = _toy_task(8, 2)
    tok[:, 2], y[:, 2] = -1, 7.0  # a padded token with a nonsense target: ignored
    history = fit_aligner(LateFusionAligner(5, n_tokens=4, hidden=8), x, n, tok, y, epochs=2, device="cpu")
    assert np.isfinite(history.loss).all()
    with pytest.raises(ValueError, match="expected frames"):
        fit_aligner(LateFusionAligner(5, n_tokens=4), x, n, tok, y[:, :2], epochs=1)
    with pytest.raises(TypeError, match="tokens must be a torch.Tensor"):
        fit_aligner(LateFusionAligner(5, n_tokens=4), x, n, tok.numpy(), y, epochs=1)


def test_attention_hits():
    w = torch.tensor([[[0.1, 0.8, 0.1, 0.0], [0.0, 0.1, 0.1, 0.8]]])
    assert attention_hits(w, [np.array([[1, 2], [2, 3]])]).tolist() == [True, False]
    assert attention_hits(w, [np.array([[1, 2], [2, 3]])], tolerance=1).tolist() == [True, True]
    with pytest.raises(ValueError, match="segments"):
        attention_hits(w, [np.zeros((3, 2), int)])
    with pytest.raises(ValueError, match=r"\(n, K, T\)"):
        attention_hits(w[0], [np.zeros((1, 2), int)])
