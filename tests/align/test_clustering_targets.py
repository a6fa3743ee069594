"""k-means pseudo-labels, span masks, the masked-prediction model, and the linear probe."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.align import MaskedFramePredictor, fit_masked_prediction, kmeans_targets, linear_probe, span_mask


def test_kmeans_targets_label_every_frame_consistently(rng):
    frames = [rng.normal(size=(30, 3)) + 5 * (i % 2) for i in range(6)]
    targets, model = kmeans_targets(frames, 4, max_samples=100, random_state=0)
    assert [len(t) for t in targets] == [30] * 6
    np.testing.assert_array_equal(np.concatenate(targets), model.predict(np.concatenate(frames)))
    again, _ = kmeans_targets(frames, 4, max_samples=100, random_state=0)
    assert all(np.array_equal(a, b) for a, b in zip(targets, again, strict=True))


@pytest.mark.parametrize(
    "frames, k, err, match",
    [
        ([], 2, ValueError, "at least one sequence"),
        ([np.zeros((3, 2)), np.zeros((3, 3))], 2, ValueError, "same number of features"),
        ([np.zeros((1, 2))], 2, ValueError, "fewer than n_clusters"),
        ([np.zeros((5, 2))], 1, ValueError, "n_clusters"),
        ([np.full((5, 2), np.nan)], 2, ValueError, "finite"),
    ],
)
def test_kmeans_targets_bad_inputs(frames, k, err, match):
    with pytest.raises(err, match=match):
        kmeans_targets(frames, k)


def test_span_mask_properties():
    lengths = torch.tensor([50, 20, 3])
    mask = span_mask(lengths, start_prob=0.2, span=4, generator=torch.Generator().manual_seed(0))
    assert mask.shape == (3, 50) and not mask[1, 20:].any() and not mask[2, 3:].any()
    assert not span_mask(lengths, start_prob=0.0).any()
    assert span_mask(lengths, start_prob=1.0, span=1).sum() == 73
    share = (
        span_mask(torch.full((200,), 100), start_prob=0.08, span=5, generator=torch.Generator().manual_seed(1))
        .float()
        .mean()
    )
    assert abs(float(share) - (1 - 0.92**5)) < 0.02  # P(masked) = 1 - (1 - p)^span away from the start
    with pytest.raises(ValueError, match="start_prob"):
        span_mask(lengths, start_prob=1.5)


def test_masked_predictor_masks_only_in_training():
    model = MaskedFramePredictor(4, 5, hidden=8, start_prob=0.5, random_state=0)
    x, n = torch.randn(2, 12, 4), torch.tensor([12, 7])
    logits = model([x, n])
    assert logits.shape == (2, 12, 5) and model.last_mask.any() and not model.last_mask[1, 7:].any()
    model.eval()
    model([x, n])
    assert not model.last_mask.any()
    assert model.represent(x, n).shape == (2, 12, 8)


def test_fit_masked_prediction_learns_a_predictable_sequence():
    """Pseudo-labels that alternate in runs are predictable from context: masked accuracy rises well above chance."""
    rng = np.random.default_rng(0)
    z = np.tile(np.repeat(np.arange(4), 3), 4)[None].repeat(64, 0)  # 0 0 0 1 1 1 2 2 2 3 3 3 ...
    x = torch.from_numpy((np.eye(4)[z] + 0.3 * rng.normal(size=(64, 48, 4))).astype(np.float32))
    model = MaskedFramePredictor(4, 4, hidden=16, random_state=0)
    history = fit_masked_prediction(
        model, x, torch.full((64,), 48), torch.from_numpy(z), epochs=15, lr=1e-2, random_state=0, device="cpu"
    )
    assert history.metrics["masked_accuracy"][-1] > 0.6


def test_fit_masked_prediction_bad_inputs():
    model = MaskedFramePredictor(4, 3, hidden=8)
    x, n = torch.randn(2, 5, 4), torch.tensor([5, 5])
    with pytest.raises(ValueError, match="pseudo-labels"):
        fit_masked_prediction(model, x, n, torch.full((2, 5), 7), epochs=1)
    with pytest.raises(ValueError, match="expected frames"):
        fit_masked_prediction(model, x, n, torch.zeros(2, 4, dtype=torch.long), epochs=1)
    with pytest.raises(TypeError, match="MaskedFramePredictor"):
        fit_masked_prediction(torch.nn.Linear(1, 1), x, n, torch.zeros(2, 5, dtype=torch.long), epochs=1)
    with pytest.raises(TypeError, match="targets must be a torch.Tensor"):
        fit_masked_prediction(model, x, n, np.zeros((2, 5)), epochs=1)


def test_linear_probe_matches_sklearn(rng):
    from sklearn.linear_model import LogisticRegression

    y = rng.integers(3, size=300)
    x = y[:, None] * 0.7 + rng.normal(size=(300, 4))
    ours = linear_probe(x[:200], y[:200], x[200:], y[200:], c=0.1)
    mean, std = x[:200].mean(0), x[:200].std(0) + 1e-8
    ref = (
        LogisticRegression(C=0.1, max_iter=500)
        .fit((x[:200] - mean) / std, y[:200])
        .score((x[200:] - mean) / std, y[200:])
    )
    assert ours == pytest.approx(ref)


def test_linear_probe_bad_inputs():
    with pytest.raises(ValueError, match="paired"):
        linear_probe(np.zeros((3, 2)), [0, 1], np.zeros((2, 2)), [0, 1])
    with pytest.raises(ValueError, match="same size"):
        linear_probe(np.zeros((2, 2)), [0, 1], np.zeros((2, 3)), [0, 1])


def test_stack_context_windows_match_a_loop_and_validate():
    from mmlab.align import stack_context

    frames = np.random.default_rng(3).normal(size=(7, 2))
    width = 2
    out = stack_context(frames, width=width)
    for t in range(len(frames)):
        window = [frames[min(max(t + k, 0), len(frames) - 1)] for k in range(-width, width + 1)]
        np.testing.assert_array_equal(out[t], np.concatenate(window))
    with pytest.raises(ValueError, match="width"):
        stack_context(frames, width=0)
    with pytest.raises(ValueError, match="frames"):
        stack_context(frames.ravel())
