"""AV-Digits prepared for generation (mmlab/generate/_data.py)."""

import numpy as np
import torch

from mmlab.data import load_av_digits
from mmlab.generate import av_digits_for_generation


def test_splits_shapes_and_standardisation():
    data = av_digits_for_generation()
    assert {k: d.n for k, d in data.items()} == {"train": 1078, "val": 359, "test": 360}
    train = data["train"]
    assert train.image.shape == (1078, 64) and float(train.image.min()) >= 0 and float(train.image.max()) <= 1
    assert torch.allclose(train.audio_std.mean(0), torch.zeros(480), atol=1e-4)
    assert torch.allclose(train.image_noisy_std.mean(0), torch.zeros(64), atol=1e-4)
    assert train.text_tokens.shape == (1078, 10)


def test_clean_images_and_words_come_from_the_loader():
    data = av_digits_for_generation()["test"]
    raw = load_av_digits("test", as_tensors=False)
    assert np.allclose(data.image.numpy(), raw.meta["image_clean"])
    assert np.array_equal(data.words, raw.meta["word"])
    assert np.all((data.said == -1) == (data.kind == "missing"))
    clean = data.kind == "clean"
    assert np.array_equal(data.said[clean], data.y.numpy()[clean])
