"""Tests of mmlab.data (the shipped AV-Digits data set) and of its card and build script.

Regeneration itself needs espeak-ng and is not run here; the script's cheap,
pure-NumPy steps (split, image corruption, text features) are imported and
checked against the shipped file, and the labels and clean images are checked
against scikit-learn's own copy of the digits.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch

from mmlab.data import (
    AV_DIGITS_AUDIO_SHAPE,
    AV_DIGITS_IMAGE_SHAPE,
    AV_DIGITS_MODALITIES,
    AV_DIGITS_SPLITS,
    MultimodalSplit,
    av_digits_card,
    load_av_digits,
)
from mmlab.data._shipped import card_checksums, sha256_of, shipped_path

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"train": 1078, "val": 359, "test": 360}
DIMS = {"image": 64, "audio": 480, "text": 64}
N_TOTAL = 1797


@pytest.fixture(scope="module")
def script():
    """The build script data/make_av_digits.py, imported by path (needs only NumPy at import)."""
    spec = importlib.util.spec_from_file_location("make_av_digits", ROOT / "data" / "make_av_digits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shipped() -> dict[str, np.ndarray]:
    with np.load(shipped_path("av_digits", "av_digits.npz"), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


@pytest.fixture(scope="module")
def sk_digits():
    from sklearn.datasets import load_digits

    return load_digits()


# --------------------------------------------------------------------------- #
# shapes, dtypes, ranges
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("split", AV_DIGITS_SPLITS)
def test_shapes_and_dtypes(split):
    data = load_av_digits(split)
    assert isinstance(data, MultimodalSplit)
    assert data.names == AV_DIGITS_MODALITIES and data.split == split
    n = SIZES[split]
    assert len(data) == data.n == n
    assert data.dims == tuple(DIMS[m] for m in AV_DIGITS_MODALITIES)
    for x, name in zip(data.modalities, data.names, strict=True):
        assert isinstance(x, torch.Tensor) and x.dtype == torch.float32 and x.shape == (n, DIMS[name])
        assert torch.isfinite(x).all()
    assert isinstance(data.y, torch.Tensor) and data.y.dtype == torch.int64 and data.y.shape == (n,)
    assert data.classes == ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    assert data.index.dtype == np.int64 and data.index.shape == (n,)
    for key, value in data.meta.items():
        assert len(value) == n, key
    assert DIMS["image"] == int(np.prod(AV_DIGITS_IMAGE_SHAPE)) and DIMS["audio"] == int(np.prod(AV_DIGITS_AUDIO_SHAPE))


@pytest.mark.parametrize("split", AV_DIGITS_SPLITS)
def test_value_ranges(split):
    data = load_av_digits(split, as_tensors=False)
    image, audio, text = data.modalities
    for x in (image, audio):
        assert x.min() >= 0.0 and x.max() <= 1.0
        # stored as uint8 codes / 255: every value is a multiple of 1/255
        np.testing.assert_allclose(x * 255.0, np.rint(x * 255.0), atol=1e-3)
    assert text.min() >= 0.0 and np.array_equal(text, np.rint(text))
    assert set(np.unique(data.y)) == set(range(10))


def test_numpy_and_tensor_results_agree():
    t = load_av_digits("val")
    a = load_av_digits("val", as_tensors=False)
    assert all(isinstance(x, np.ndarray) and x.dtype == np.float32 for x in a.modalities)
    assert isinstance(a.y, np.ndarray) and a.y.dtype == np.int64
    for xt, xa in zip(t.modalities, a.modalities, strict=True):
        assert np.array_equal(xt.numpy(), xa)
    assert np.array_equal(t.y.numpy(), a.y)


def test_device_argument_places_tensors():
    data = load_av_digits("test", device="cpu")
    assert all(x.device.type == "cpu" for x in data.modalities) and data.y.device.type == "cpu"


# --------------------------------------------------------------------------- #
# splits
# --------------------------------------------------------------------------- #
def test_splits_are_disjoint_and_cover_everything():
    parts = {s: load_av_digits(s, modalities=("text",)).index for s in AV_DIGITS_SPLITS}
    joined = np.concatenate(list(parts.values()))
    assert joined.size == N_TOTAL
    assert np.array_equal(np.sort(joined), np.arange(N_TOTAL))
    for s in AV_DIGITS_SPLITS:
        assert np.all(np.diff(parts[s]) > 0), f"{s} indices are not sorted and unique"


@pytest.mark.parametrize("split", AV_DIGITS_SPLITS)
def test_class_balance(split):
    counts = np.bincount(load_av_digits(split, modalities=("image",)).y.numpy(), minlength=10)
    # stratified: every class holds its rounded share; the digits themselves have 174-183 per class
    assert counts.min() >= 0.95 * SIZES[split] / 10 and counts.max() <= 1.05 * SIZES[split] / 10
    assert counts.max() - counts.min() <= 6


def test_split_matches_the_script(script, shipped):
    assert int(shipped["split_seed"]) == script.SPLIT_SEED
    assert int(shipped["seed"]) == script.SEED
    expected = script.split_indices(shipped["y"], script.SPLIT_SEED)
    for s in AV_DIGITS_SPLITS:
        assert np.array_equal(expected[s], shipped[f"{s}_idx"])
        assert np.array_equal(expected[s], load_av_digits(s, modalities=("text",)).index)


# --------------------------------------------------------------------------- #
# labels and provenance
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("split", AV_DIGITS_SPLITS)
def test_labels_and_clean_images_are_sklearns_digits(split, sk_digits):
    data = load_av_digits(split, as_tensors=False)
    assert np.array_equal(data.y, sk_digits.target[data.index])
    np.testing.assert_allclose(data.meta["image_clean"], sk_digits.data[data.index] / 16.0, rtol=0, atol=1e-7)


def test_images_are_the_scripts_corruption_of_the_digits(script, shipped, sk_digits):
    rngs = script.child_rngs(int(shipped["seed"]))
    made = script.corrupt_images(sk_digits.images, rngs["image"])
    assert np.array_equal(made["image"], shipped["image"])
    assert np.array_equal(made["image_box"], shipped["image_box"])
    occluded = shipped["image_box"][:, 2] > 0
    assert 0.4 < occluded.mean() < 0.6  # probability 0.5 over 1,797 images (sd 0.012)


@pytest.mark.parametrize("split", AV_DIGITS_SPLITS)
def test_words_agree_with_labels(split, script):
    data = load_av_digits(split, as_tensors=False)
    y, kind, said, words = data.y, data.meta["text_kind"], data.meta["text_said"], data.meta["word"]
    assert set(np.unique(kind)) <= {"clean", "typo", "wrong", "missing"}
    right = np.isin(kind, ("clean", "typo"))
    assert np.array_equal(said[right], y[right])
    assert np.all(said[kind == "wrong"] != y[kind == "wrong"])
    assert np.all(said[kind == "wrong"] >= 0)
    assert np.all(said[kind == "missing"] == -1) and np.all(words[kind == "missing"] == "")
    text = data["text"]
    assert np.all(text[kind == "missing"] == 0) and np.all(text[kind != "missing"].sum(axis=1) > 0)
    vocab = {lang: [script._fold(w) for w in ws] for lang, ws in script.WORDS.items()}
    for i in np.flatnonzero(kind == "clean"):
        lang = str(data.meta["text_lang"][i])
        assert script._fold(str(words[i])) == vocab[lang][y[i]]


def test_text_features_follow_the_documented_hash(script, shipped):
    # independent re-statement of the card's rule: trigrams of "<word>" (case-folded, no accents),
    # counted in bucket crc32(trigram) % 64
    def by_hand(word: str) -> np.ndarray:
        import unicodedata

        w = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
        v = np.zeros(64)
        if w:
            p = f"<{w}>"
            for j in range(len(p) - 2):
                v[zlib.crc32(p[j : j + 3].encode()) % 64] += 1
        return v

    rows = np.arange(0, N_TOTAL, 7)
    expected = np.stack([by_hand(str(shipped["word"][i])) for i in rows])
    assert np.array_equal(expected, shipped["text"][rows])
    assert np.array_equal(script.text_features(shipped["word"]), shipped["text"])
    assert np.array_equal(by_hand("Zéro"), by_hand("zero")) and np.array_equal(by_hand("FÜNF"), by_hand("funf"))


def test_text_noise_rates_match_the_script(script, shipped):
    kind = shipped["text_kind"]
    names = list(shipped["text_kind_names"])
    assert names == list(script.TEXT_KINDS)
    n = kind.size
    # binomial draws over 1,797 samples: allow 4 standard deviations
    for code, p in ((names.index("missing"), script.TEXT_MISSING_PROB), (names.index("wrong"), script.TEXT_WRONG_PROB)):
        assert abs((kind == code).mean() - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_audio_shape_and_constants_match_the_script(script, shipped):
    frames = 1 + int(round(script.CLIP_SECONDS * script.SAMPLE_RATE)) // script.HOP_LENGTH
    assert tuple(shipped["audio_shape"]) == (script.N_MELS, frames) == AV_DIGITS_AUDIO_SHAPE
    assert tuple(shipped["audio_db_range"]) == script.DB_RANGE
    assert tuple(shipped["classes"]) == script.CLASS_NAMES
    voices = {str(v) for v in shipped["audio_voice"]}
    accents = {v.split("+")[0] for v in voices}
    assert accents <= set(script.ACCENTS) and len(voices) > 50
    assert shipped["audio_rate"].min() >= script.RATE_WPM[0] and shipped["audio_rate"].max() <= script.RATE_WPM[1]
    snr = shipped["audio_snr_db"]
    assert snr.min() >= script.SNR_DB[0] and snr.max() <= script.SNR_DB[1]


def test_shipped_file_is_plain_arrays(shipped):
    for key, value in shipped.items():
        assert value.dtype != object, key
        assert value.dtype.kind in "iufU", f"{key} has dtype {value.dtype}"


# --------------------------------------------------------------------------- #
# modality selection, determinism, fresh copies
# --------------------------------------------------------------------------- #
def test_modality_subset_and_order():
    full = load_av_digits("val")
    part = load_av_digits("val", modalities=["text", "image"])
    assert part.names == ("text", "image") and part.dims == (64, 64)
    assert torch.equal(part.modalities[0], full["text"]) and torch.equal(part.modalities[1], full["image"])
    assert torch.equal(part.y, full.y)


def test_loading_is_deterministic_and_returns_fresh_arrays():
    a = load_av_digits("train")
    a.modalities[0].zero_()  # a caller's in-place edit must not leak into the next load
    b = load_av_digits("train")
    c = load_av_digits("train")
    for xb, xc in zip(b.modalities, c.modalities, strict=True):
        assert torch.equal(xb, xc)
    assert b.modalities[0].abs().sum() > 0
    assert torch.equal(b.y, c.y) and np.array_equal(b.index, c.index)
    with pytest.raises(ValueError, match="read-only"):
        b.meta["word"][0] = "x"


def test_getitem_unknown_modality():
    data = load_av_digits("test", modalities=("audio",))
    with pytest.raises(KeyError, match="holds the modalities"):
        data["image"]


# --------------------------------------------------------------------------- #
# bad inputs
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("split", ["training", "Train", "", None, 0])
def test_bad_split(split):
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'val', 'test'\]"):
        load_av_digits(split)


def test_unknown_modality():
    with pytest.raises(ValueError, match=r"unknown \['video'\]"):
        load_av_digits("train", modalities=("image", "video"))


def test_empty_modalities():
    with pytest.raises(ValueError, match="at least one of"):
        load_av_digits("train", modalities=())


def test_repeated_modality():
    with pytest.raises(ValueError, match="must not repeat"):
        load_av_digits("train", modalities=("audio", "audio"))


def test_modalities_as_a_single_string():
    with pytest.raises(TypeError, match=r"Write \('image',\)"):
        load_av_digits("train", modalities="image")


def test_modalities_not_a_sequence():
    with pytest.raises(TypeError, match="sequence of names"):
        load_av_digits("train", modalities={"image"})


def test_as_tensors_must_be_bool():
    with pytest.raises(TypeError, match="as_tensors must be True or False"):
        load_av_digits("train", as_tensors="yes")


def test_device_needs_tensors():
    with pytest.raises(ValueError, match="device applies only to tensors"):
        load_av_digits("train", as_tensors=False, device="cpu")


def test_tampered_file_is_refused(tmp_path, monkeypatch):
    for name in ("av_digits.npz", "av_digits.md"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    with open(tmp_path / "av_digits.npz", "ab") as fh:
        fh.write(b"\0")
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="does not match the sha256"):
        load_av_digits("train")


# --------------------------------------------------------------------------- #
# the card
# --------------------------------------------------------------------------- #
def test_card_checksum_and_sections():
    text = av_digits_card()
    assert card_checksums("av_digits") == {"av_digits.npz": sha256_of(ROOT / "data" / "av_digits.npz")}
    for phrase in (
        "How it was made",
        "Licences",
        "Used by",
        "Baselines",
        "GPL",
        "BSD",
        "CC BY 4.0",
        "make_av_digits.py",
    ):
        assert phrase in text, phrase


def _card_baselines() -> dict[str, tuple[float, float, float]]:
    rows = re.findall(
        r"^\| (image|audio|text|[a-z+]+) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \|$",
        av_digits_card(),
        flags=re.MULTILINE,
    )
    return {name: (float(c), float(val), float(test)) for name, c, val, test in rows}


def test_card_lists_every_baseline():
    found = _card_baselines()
    assert set(found) == {"image", "audio", "text", "image+audio", "image+text", "audio+text", "image+audio+text"}
    best_single = max(found[m][2] for m in AV_DIGITS_MODALITIES)
    assert found["image+audio+text"][2] > best_single + 10  # fusion pays by more than 10 points
    assert all(found[m][2] < 85 for m in AV_DIGITS_MODALITIES)  # each modality alone is clearly imperfect


@pytest.mark.slow
@pytest.mark.parametrize("features", ["image", "audio", "text", "image+audio+text"])
def test_card_baselines_reproduce(features):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    c, val, test = _card_baselines()[features]
    names = tuple(features.split("+"))
    tr, va, te = (load_av_digits(s, modalities=names, as_tensors=False) for s in AV_DIGITS_SPLITS)
    x = {s.split: np.hstack(s.modalities) for s in (tr, va, te)}
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=10000)).fit(x["train"], tr.y)
    # the card rounds to 0.1 %; allow one sample of solver-dependent difference (1/359, 1/360 = 0.28 %)
    assert abs(100 * model.score(x["val"], va.y) - val) <= 0.35
    assert abs(100 * model.score(x["test"], te.y) - test) <= 0.35
