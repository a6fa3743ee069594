"""The shipped digit strings: loader, checksum, consistency with the build script and with scikit-learn."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from mmlab.data import (
    DIGIT_STRINGS_FRAME_RATE,
    DIGIT_STRINGS_N_MELS,
    DIGIT_STRINGS_SPLITS,
    DigitStrings,
    digit_strings_card,
    load_digit_strings,
)
from mmlab.data._shipped import card_checksums, sha256_of, shipped_path

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"train": 600, "val": 200, "test": 200}


@pytest.fixture(scope="module")
def script():
    """data/make_digit_strings.py, imported by path (needs only NumPy at import)."""
    spec = importlib.util.spec_from_file_location("make_digit_strings", ROOT / "data" / "make_digit_strings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shipped():
    with np.load(shipped_path("digit_strings", "digit_strings.npz"), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


@pytest.fixture(scope="module", params=DIGIT_STRINGS_SPLITS)
def split(request):
    return load_digit_strings(request.param)


def test_split_sizes_and_shapes(split):
    assert isinstance(split, DigitStrings) and len(split) == SIZES[split.split]
    for d, text, f, s, fb, sb, im in zip(
        split.digits,
        split.text,
        split.frames,
        split.segments,
        split.frames_b,
        split.segments_b,
        split.images,
        strict=True,
    ):
        k = len(d)
        assert 3 <= k <= 5 and len(set(d.tolist())) == k and text == " ".join(map(str, d))
        assert f.shape[1] == fb.shape[1] == DIGIT_STRINGS_N_MELS and f.dtype == np.float32
        assert s.shape == sb.shape == (k, 2) and im.shape == (k, 8, 8)
        for seg, frames in ((s, f), (sb, fb)):
            assert np.all(seg[:, 1] > seg[:, 0]) and np.all(seg[1:, 0] >= seg[:-1, 1]) and seg[-1, 1] <= len(frames)
        assert 0.0 <= f.min() and f.max() <= 1.0 and 0.0 <= im.min() and im.max() <= 1.0


def test_splits_are_disjoint_blocks():
    rows = [load_digit_strings(s).index for s in DIGIT_STRINGS_SPLITS]
    assert np.array_equal(np.concatenate(rows), np.arange(1000))


def test_helpers(split):
    x, n = split.padded("b")
    assert isinstance(x, torch.Tensor) and x.shape == (len(split), int(n.max()), DIGIT_STRINGS_N_MELS)
    assert n.tolist() == split.lengths("b").tolist()
    i = int(n.argmin())
    assert torch.all(x[i, int(n[i]) :] == 0) and torch.equal(
        x[i, : int(n[i])], torch.tensor(np.array(split.frames_b[i]))
    )
    digits = split.padded_digits()
    assert digits.shape == (len(split), 5) and digits[0, : len(split.digits[0])].tolist() == split.digits[0].tolist()
    labels = split.frame_labels()[0]
    assert labels.shape == (len(split.frames[0]),)
    for (a, b), d in zip(split.segments[0], split.digits[0], strict=True):
        assert np.all(labels[a:b] == d)
    assert np.sum(labels >= 0) == np.sum(np.diff(split.segments[0], axis=1))
    with pytest.raises(ValueError, match="rendering"):
        split.lengths("c")


def test_meta_shapes(split):
    meta = split.meta
    for key in ("voice", "pitch", "pitch_range", "snr_db", "snr_db_b", "noise", "noise_b"):
        assert len(meta[key]) == len(split), key
    for key in ("rate", "rate_b", "gain_db", "gain_db_b", "image_index"):
        assert [len(v) for v in meta[key]] == [len(d) for d in split.digits], key
    assert [len(v) for v in meta["pause_s"]] == [len(d) + 1 for d in split.digits]
    for seg, samples in zip(split.segments, meta["segments_samples"], strict=True):
        np.testing.assert_array_equal(seg, (samples + 550) // 551)  # frames ceil(s / 551) <= t < ceil(e / 551)
    assert all(np.all((g >= -6) & (g <= 6)) for g in meta["gain_db"])
    assert all(np.all((r >= 120) & (r <= 320)) for r in meta["rate_b"])


def test_arrays_are_read_only(split):
    with pytest.raises(ValueError, match="read-only"):
        split.frames[0][0, 0] = 1.0


def test_images_are_sklearn_digits_of_the_right_class(split):
    from sklearn.datasets import load_digits

    sk = load_digits()
    for d, im, rows in zip(split.digits, split.images, split.meta["image_index"], strict=True):
        assert np.array_equal(sk.target[rows], d)
        np.testing.assert_allclose(im, sk.images[rows] / 16.0)


def test_shipped_file_matches_the_build_script(script, shipped):
    digits, offsets = script.draw_strings(script.child_rngs()["strings"])
    np.testing.assert_array_equal(digits, shipped["digits"])
    np.testing.assert_array_equal(offsets, shipped["digit_offsets"])
    np.testing.assert_array_equal(script.split_of_strings(), shipped["split"])
    for name in ("a", "b"):
        np.testing.assert_array_equal(
            script.frame_segments(shipped[f"segments_samples_{name}"]), shipped[f"segments_{name}"]
        )
    assert int(shipped["seed"]) == script.SEED
    assert shipped["hop_seconds"] == pytest.approx(1 / DIGIT_STRINGS_FRAME_RATE)
    assert np.diff(shipped["frame_offsets_a"])[0] == len(load_digit_strings("train").frames[0])


def test_image_pools_are_disjoint_across_splits(script, shipped):
    split_of_digit = np.repeat(shipped["split"], np.diff(shipped["digit_offsets"]))
    used = {s: set(shipped["image_index"][split_of_digit == s].tolist()) for s in DIGIT_STRINGS_SPLITS}
    assert not (used["train"] & used["test"]) and not (used["train"] & used["val"]) and not (used["val"] & used["test"])


def test_card_states_the_checksum_size_and_counts(shipped):
    card = digit_strings_card()
    path = shipped_path("digit_strings", "digit_strings.npz")
    assert card_checksums("digit_strings")["digit_strings.npz"] == sha256_of(path)
    size = re.search(r"\(([\d,]+) bytes\)", card).group(1)
    assert int(size.replace(",", "")) == path.stat().st_size
    assert f"{len(shipped['digits']):,}" in card
    for version in shipped["build_versions"]:
        name, number = str(version).split("==")
        assert number in card, version


def test_loader_refuses_a_changed_file(tmp_path, monkeypatch):
    from mmlab.data import _alignment

    for name in ("digit_strings.md", "digit_strings.npz"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    data = bytearray((tmp_path / "digit_strings.npz").read_bytes())
    data[-100] ^= 0xFF
    (tmp_path / "digit_strings.npz").write_bytes(bytes(data))
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    _alignment._load_split_cached.cache_clear()
    with pytest.raises(ValueError, match="does not match the sha256"):
        load_digit_strings("test")
    _alignment._load_split_cached.cache_clear()


def test_unknown_split():
    with pytest.raises(ValueError, match="split must be one of"):
        load_digit_strings("dev")
