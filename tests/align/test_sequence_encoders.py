"""FrameEncoder, pad_sequences, length_mask and segment_features."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.align import FrameEncoder, length_mask, pad_sequences, segment_features


def test_frame_encoder_keeps_the_length_and_sees_its_receptive_field():
    enc = FrameEncoder(4, 8, n_layers=3, kernel=5).eval()
    x = torch.randn(2, 40, 4)
    assert enc(x).shape == (2, 40, 8) and enc.receptive_field == 29
    y = x.clone()
    y[:, 35:] += 5.0  # a change 15 frames after frame 20 ...
    assert torch.allclose(enc(x)[:, 20], enc(y)[:, 20])  # ... is outside its half-width of 14 frames
    assert not torch.allclose(enc(x)[:, 25], enc(y)[:, 25])


@pytest.mark.parametrize("kwargs, match", [({"n_in": 4, "kernel": 4}, "odd"), ({"n_in": 0}, "n_in")])
def test_frame_encoder_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FrameEncoder(**kwargs)


def test_frame_encoder_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(batch, T, 4\)"):
        FrameEncoder(4)(torch.randn(2, 10, 3))


def test_pad_sequences_and_length_mask():
    x, n = pad_sequences([np.ones((3, 2)), 2 * np.ones((1, 2))], fill=-1.0)
    assert x.shape == (2, 3, 2) and n.tolist() == [3, 1] and x.dtype == torch.float32
    assert x[1, 1:].eq(-1).all() and x[1, 0].eq(2).all()
    ints, _ = pad_sequences([np.array([1, 2]), np.array([3])], fill=-1)
    assert ints.dtype == torch.int64 and ints.tolist() == [[1, 2], [3, -1]]
    assert length_mask(n).tolist() == [[True, True, True], [True, False, False]]
    assert length_mask(n, 4).shape == (2, 4)
    with pytest.raises(ValueError, match="at least one"):
        pad_sequences([])
    with pytest.raises(ValueError, match="trailing shape"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 4))])


def test_segment_features():
    frames = np.arange(12, dtype=float).reshape(6, 2)
    out = segment_features(frames, [[0, 2], [2, 6]])
    np.testing.assert_allclose(out, [[1, 2, 1, 1], [7, 8, np.std([4, 6, 8, 10]), np.std([5, 7, 9, 11])]])
    with pytest.raises(ValueError, match="start < stop"):
        segment_features(frames, [[2, 2]])
    with pytest.raises(ValueError, match=r"\(T, d\)"):
        segment_features(frames.ravel(), [[0, 1]])
