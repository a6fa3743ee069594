"""Regenerate ``data/av_digits.npz``, the AV-Digits data set (image, audio and text of the digits 0-9).

AV-Digits pairs each of the 1,797 8x8 digit images that scikit-learn ships
(``sklearn.datasets.load_digits``) with a spoken digit of the same class and a
written digit word of the same class. The pairing is by class only: image ``i``
of a "7" gets its own freshly synthesised, freshly augmented recording of
"seven" and its own noisy written word. Every modality is degraded per sample
(occluded or noisy images, noisy or quiet or whispered speech, misspelt,
foreign, wrong or missing words), so each modality alone is clearly imperfect
and fusing them helps. ``data/av_digits.md`` (the data card) documents every
step and the resulting accuracies.

Run from the repository root::

    python data/make_av_digits.py            # rewrites data/av_digits.npz, prints its sha256
    python data/make_av_digits.py --check    # also prints logistic-regression baselines

Regeneration needs ``espeakng-loader`` (which bundles the espeak-ng library and
its voice data), ``librosa`` and ``scikit-learn``; loading the shipped file
(``mmlab.data``) needs none of them. The output is byte-for-byte
reproducible for the same library versions: every random draw comes from
``SEED`` through named child streams, espeak-ng's own random generator is
seeded, the utterances are synthesised in a fixed order in one process, and the
.npz archive is written with fixed zip timestamps and compression level.

The cheap, pure-NumPy parts (``split_indices``, ``corrupt_images``,
``text_features``) are imported by ``tests/data/test_av_digits.py`` to check
that the shipped file matches this script; importing this file needs neither
espeak-ng nor librosa.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import io
import sys
import unicodedata
import zipfile
import zlib
from pathlib import Path

import numpy as np

# ---------------------------------------------------------------------------
# Constants (the data card quotes these; tests check the shipped file against them)
# ---------------------------------------------------------------------------

SEED = 20240917  # master seed; each step draws from its own child stream
SPLIT_SEED = 0  # stratified train/val/test split
SPLIT_FRACTIONS = (0.6, 0.2, 0.2)  # train, val, test (per class, rounded)
STREAMS = ("image", "voice", "audio", "text")  # child streams of SeedSequence(SEED), in this order

CLASS_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# --- image: sklearn digits (pixel values 0..16) scaled to [0, 1], then degraded per sample
IMAGE_OCCLUDE_PROB = 0.5  # probability that a black h x w block covers part of the digit
IMAGE_OCCLUDE_SIZES = (3, 4, 5)  # h and w drawn independently from these
IMAGE_NOISE_SIGMA = (0.05, 0.40)  # per-image std of additive Gaussian pixel noise, uniform in this range

# --- audio: espeak-ng voices (accent + voice variant), speaking rate and pitch drawn per sample
ACCENTS = ("en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
VARIANTS = (
    "",
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "m6",
    "m7",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "croak",
    "klatt",
    "klatt3",
    "whisper",
    "whisperf",
)
RATE_WPM = (130, 240)  # espeakRATE, words per minute, uniform integers (inclusive)
PITCH = (15, 85)  # espeakPITCH, 0..100, uniform integers (inclusive)
PITCH_RANGE = (10, 90)  # espeakRANGE (intonation range), 0..100, uniform integers (inclusive)
SAMPLE_RATE = 22050  # espeak-ng's output rate
CLIP_SECONDS = 1.0  # fixed window; the trimmed utterance is placed at a random offset
TRIM_LEVEL = 1e-3  # |sample| below this at either end counts as silence
SHIFT_S = (0.0, 0.3)  # onset of the trimmed utterance in the window, seconds, uniform
GAIN_DB = (-6.0, 6.0)  # gain applied to the utterance before noise, uniform
SNR_DB = (-8.0, 10.0)  # signal-to-noise ratio of added noise (w.r.t. the gained speech), uniform
NOISE_COLOURS = ("white", "pink", "brown")  # spectral slope of the noise, drawn uniformly
N_FFT = 1024
HOP_LENGTH = 920  # 1 s at 22,050 Hz -> 24 frames (centred STFT)
N_MELS = 20
FMAX = 8000.0
DB_RANGE = (-80.0, 20.0)  # log-mel power in dB (librosa's unnormalised mel power), clipped, then to [0, 1]

# --- text: the digit's word in a few languages, possibly misspelt, replaced by another digit's word, or missing
WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
}
LANGUAGE_PROBS = {"en": 0.6, "de": 0.1, "fr": 0.1, "es": 0.1, "it": 0.1}
TEXT_MISSING_PROB = 0.20  # the word is the empty string ""
TEXT_WRONG_PROB = 0.10  # the word names a different digit (drawn uniformly among the other 9)
TEXT_TYPO_PROB = 0.30  # of the remaining words, this fraction gets one random character edit
TEXT_CASES = ("lower", "title", "upper")  # surface case, drawn uniformly; features are case-folded
TEXT_KINDS = ("clean", "typo", "wrong", "missing")  # codes 0..3 stored per sample
TEXT_DIM = 64  # hashed character-trigram buckets
TEXT_WIDTH = 16  # fixed width of the stored unicode strings

OUT_PATH = Path(__file__).resolve().parent / "av_digits.npz"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamp -> byte-identical archives
ZIP_LEVEL = 9


# ---------------------------------------------------------------------------
# Pure-NumPy steps (imported by the tests)
# ---------------------------------------------------------------------------


def child_rngs(seed: int = SEED) -> dict[str, np.random.Generator]:
    """One independent generator per step, so that changing one step leaves the others' draws unchanged."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}


def split_indices(
    y: np.ndarray, seed: int = SPLIT_SEED, fractions: tuple[float, float, float] = SPLIT_FRACTIONS
) -> dict[str, np.ndarray]:
    """Stratified split: within each class, permute the rows and cut them by ``fractions``."""
    rng = np.random.default_rng(seed)
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        n_train = int(round(fractions[0] * len(rows)))
        n_val = int(round(fractions[1] * len(rows)))
        parts["train"].append(rows[:n_train])
        parts["val"].append(rows[n_train : n_train + n_val])
        parts["test"].append(rows[n_train + n_val :])
    return {k: np.sort(np.concatenate(v)).astype(np.int64) for k, v in parts.items()}


def corrupt_images(images: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Occlude and add noise to 8x8 digits (values 0..16); return uint8 images in 0..255 plus the draws."""
    n = len(images)
    x = images.astype(np.float64) / 16.0
    sigma = rng.uniform(*IMAGE_NOISE_SIGMA, size=n)
    occluded = rng.random(n) < IMAGE_OCCLUDE_PROB
    boxes = np.zeros((n, 4), dtype=np.int8)  # row, col, height, width (all 0 when not occluded)
    for i in range(n):
        h, w = rng.choice(IMAGE_OCCLUDE_SIZES, size=2)
        r, c = rng.integers(0, 8 - h + 1), rng.integers(0, 8 - w + 1)
        if occluded[i]:
            x[i, r : r + h, c : c + w] = 0.0
            boxes[i] = (r, c, h, w)
    x = x + sigma[:, None, None] * rng.standard_normal(x.shape)
    q = np.rint(np.clip(x, 0.0, 1.0) * 255.0).astype(np.uint8)
    return {"image": q.reshape(n, 64), "image_noise_sigma": sigma.astype(np.float32), "image_box": boxes}


def make_words(y: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the written word of each sample (see the TEXT_* constants); return strings, kinds and sources."""
    n = len(y)
    langs = list(LANGUAGE_PROBS)
    words = np.empty(n, dtype=f"<U{TEXT_WIDTH}")
    kind = np.zeros(n, dtype=np.int8)
    said = np.asarray(y, dtype=np.int64).copy()  # the digit the word names; -1 when missing
    lang = np.empty(n, dtype="<U2")
    for i in range(n):
        u = rng.random()
        lang[i] = langs[rng.choice(len(langs), p=list(LANGUAGE_PROBS.values()))]
        case = TEXT_CASES[rng.integers(len(TEXT_CASES))]
        if u < TEXT_MISSING_PROB:
            kind[i], said[i], lang[i] = 3, -1, ""
            words[i] = ""
            continue
        if u < TEXT_MISSING_PROB + TEXT_WRONG_PROB:
            kind[i] = 2
            said[i] = (y[i] + rng.integers(1, 10)) % 10
        word = WORDS[lang[i]][said[i]]
        if kind[i] == 0 and rng.random() < TEXT_TYPO_PROB:
            kind[i] = 1
            word = _typo(word, rng)
        words[i] = {"lower": word.lower(), "title": word.title(), "upper": word.upper()}[case]
    return {"word": words, "text_kind": kind, "text_said": said, "text_lang": lang}


def text_features(words: np.ndarray) -> np.ndarray:
    """Hashed bag of character trigrams: counts of ``crc32(t) % TEXT_DIM`` over the trigrams t of ``<word>``."""
    out = np.zeros((len(words), TEXT_DIM), dtype=np.uint8)
    for i, word in enumerate(words):
        w = _fold(str(word))
        if not w:
            continue  # a missing word is the zero vector
        padded = f"<{w}>"
        for j in range(len(padded) - 2):
            out[i, zlib.crc32(padded[j : j + 3].encode("utf-8")) % TEXT_DIM] += 1
    return out


def _fold(word: str) -> str:
    """Case-fold and strip accents, so that 'Zéro' and 'ZERO' give the same trigrams."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _typo(word: str, rng: np.random.Generator) -> str:
    """One random edit: delete, insert, substitute (letters a-z) or swap two neighbours."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    op = ("delete", "insert", "substitute", "swap")[rng.integers(4)]
    if len(word) < 3 and op == "delete":
        op = "insert"
    if op == "delete":
        k = rng.integers(len(word))
        return word[:k] + word[k + 1 :]
    if op == "insert":
        k = rng.integers(len(word) + 1)
        return word[:k] + letters[rng.integers(26)] + word[k:]
    if op == "substitute":
        k = rng.integers(len(word))
        return word[:k] + letters[rng.integers(26)] + word[k + 1 :]
    k = rng.integers(len(word) - 1)
    return word[:k] + word[k + 1] + word[k] + word[k + 2 :]


# ---------------------------------------------------------------------------
# espeak-ng through ctypes (espeakng-loader bundles libespeak-ng and espeak-ng-data)
# ---------------------------------------------------------------------------


class Espeak:
    """A minimal synchronous espeak-ng synthesiser returning float32 waveforms in [-1, 1]."""

    AUDIO_OUTPUT_SYNCHRONOUS = 2
    CHARS_UTF8 = 1
    RATE, PITCH, RANGE = 1, 3, 4

    def __init__(self) -> None:
        import espeakng_loader

        self.data_path = Path(espeakng_loader.get_data_path())
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        self._chunks: list[np.ndarray] = []
        callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

        def collect(wav, n, events):  # called by espeak-ng with each block of 16-bit samples
            if wav and n > 0:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0

        self._callback = callback_type(collect)  # keep a reference, or ctypes frees it
        lib.espeak_SetSynthCallback.argtypes = [callback_type]
        self.sample_rate = lib.espeak_Initialize(self.AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data_path).encode(), 0)
        if self.sample_rate != SAMPLE_RATE:
            raise RuntimeError(f"espeak-ng initialisation returned {self.sample_rate}, expected {SAMPLE_RATE} Hz.")
        lib.espeak_SetSynthCallback(self._callback)
        self.version = lib.espeak_Info(None).decode()
        self.lib = lib

    def has_variant(self, variant: str) -> bool:
        return variant == "" or (self.data_path / "voices" / "!v" / variant).is_file()

    def say(self, text: str, voice: str, rate: int, pitch: int, pitch_range: int, seed: int) -> np.ndarray:
        self._chunks.clear()
        self.lib.espeak_ng_SetRandSeed(seed)
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"espeak-ng does not know the voice {voice!r}.")
        for parameter, value in ((self.RATE, rate), (self.PITCH, pitch), (self.RANGE, pitch_range)):
            self.lib.espeak_SetParameter(parameter, int(value), 0)
        buf = text.encode("utf-8") + b"\0"
        if self.lib.espeak_Synth(buf, len(buf), 0, 0, 0, self.CHARS_UTF8, None, None) != 0:
            raise RuntimeError(f"espeak-ng failed to synthesise {text!r} with {voice!r}.")
        self.lib.espeak_Synchronize()
        if not self._chunks:
            raise RuntimeError(f"espeak-ng returned no audio for {text!r} with {voice!r}.")
        return np.concatenate(self._chunks).astype(np.float32) / 32768.0


# ---------------------------------------------------------------------------
# Audio: synthesis, augmentation, log-mel features
# ---------------------------------------------------------------------------


def draw_voices(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-sample espeak-ng settings: voice name ('accent' or 'accent+variant'), rate, pitch, pitch range."""
    accent = rng.integers(len(ACCENTS), size=n)
    variant = rng.integers(len(VARIANTS), size=n)
    voices = np.array(
        [ACCENTS[a] + (f"+{VARIANTS[v]}" if VARIANTS[v] else "") for a, v in zip(accent, variant, strict=True)],
        dtype="<U24",
    )
    return {
        "voice": voices,
        "rate": rng.integers(RATE_WPM[0], RATE_WPM[1] + 1, size=n).astype(np.int16),
        "pitch": rng.integers(PITCH[0], PITCH[1] + 1, size=n).astype(np.int16),
        "pitch_range": rng.integers(PITCH_RANGE[0], PITCH_RANGE[1] + 1, size=n).astype(np.int16),
        "espeak_seed": rng.integers(1, 2**31 - 1, size=n).astype(np.int64),
    }


def coloured_noise(n: int, colour: str, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS noise whose power falls as 1/f^0 (white), 1/f (pink) or 1/f^2 (brown)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spectrum.size, dtype=np.float64)
    f[0] = 1.0
    slope = {"white": 0.0, "pink": 0.5, "brown": 1.0}[colour]
    noise = np.fft.irfft(spectrum / f**slope, n)
    return noise / np.sqrt(np.mean(noise**2))


def augment(wave: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, float]]:
    """Trim silence, apply gain, place at a random offset in a CLIP_SECONDS window, add noise at a random SNR."""
    loud = np.flatnonzero(np.abs(wave) > TRIM_LEVEL)
    wave = wave[loud[0] : loud[-1] + 1].astype(np.float64) if loud.size else wave.astype(np.float64)
    n_clip = int(round(CLIP_SECONDS * SAMPLE_RATE))
    gain_db = rng.uniform(*GAIN_DB)
    snr_db = rng.uniform(*SNR_DB)
    colour = NOISE_COLOURS[rng.integers(len(NOISE_COLOURS))]
    offset = int(round(rng.uniform(*SHIFT_S) * SAMPLE_RATE))
    wave = wave[: n_clip - offset]  # rare: slow speech overruns the window; drop its tail
    clip = np.zeros(n_clip)
    clip[offset : offset + wave.size] = wave * 10.0 ** (gain_db / 20.0)
    speech_rms = np.sqrt(np.mean(clip[offset : offset + wave.size] ** 2))  # RMS over the utterance only
    clip += coloured_noise(n_clip, colour, rng) * speech_rms * 10.0 ** (-snr_db / 20.0)
    info = {
        "gain_db": gain_db,
        "snr_db": snr_db,
        "shift_s": offset / SAMPLE_RATE,
        "speech_s": wave.size / SAMPLE_RATE,
        "noise": colour,
    }
    return clip, info


def logmel(clip: np.ndarray) -> np.ndarray:
    """Log-mel power (dB) of a clip, clipped to DB_RANGE and quantised to uint8 (N_MELS, n_frames)."""
    import librosa

    power = librosa.feature.melspectrogram(
        y=clip, sr=SAMPLE_RATE, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS, fmax=FMAX, power=2.0, center=True
    )
    db = 10.0 * np.log10(np.maximum(power, 1e-12))
    unit = (np.clip(db, *DB_RANGE) - DB_RANGE[0]) / (DB_RANGE[1] - DB_RANGE[0])
    return np.rint(unit * 255.0).astype(np.uint8)


def make_audio(
    y: np.ndarray, voices: dict[str, np.ndarray], rng: np.random.Generator, engine: Espeak
) -> dict[str, np.ndarray]:
    """Synthesise, augment and featurise one utterance per sample, in sample order."""
    for variant in VARIANTS:
        if not engine.has_variant(variant):
            raise RuntimeError(f"espeak-ng data lacks the voice variant {variant!r}; edit VARIANTS.")
    feats, infos = [], []
    for i, digit in enumerate(y):
        wave = engine.say(
            CLASS_NAMES[digit],
            str(voices["voice"][i]),
            voices["rate"][i],
            voices["pitch"][i],
            voices["pitch_range"][i],
            int(voices["espeak_seed"][i]),
        )
        clip, info = augment(wave, rng)
        feats.append(logmel(clip))
        infos.append(info)
    feats_arr = np.stack(feats)
    return {
        "audio": feats_arr.reshape(len(y), -1),
        "audio_gain_db": np.array([d["gain_db"] for d in infos], dtype=np.float32),
        "audio_snr_db": np.array([d["snr_db"] for d in infos], dtype=np.float32),
        "audio_shift_s": np.array([d["shift_s"] for d in infos], dtype=np.float32),
        "audio_speech_s": np.array([d["speech_s"] for d in infos], dtype=np.float32),
        "audio_noise": np.array([d["noise"] for d in infos], dtype="<U5"),
        "audio_shape": np.array(feats_arr.shape[1:], dtype=np.int64),
    }


# ---------------------------------------------------------------------------
# Assembly and a byte-deterministic .npz writer
# ---------------------------------------------------------------------------


def build() -> dict[str, np.ndarray]:
    """Build every array of av_digits.npz (needs espeak-ng, librosa, scikit-learn)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    y = digits.target.astype(np.int64)
    rngs = child_rngs(SEED)
    engine = Espeak()
    voices = draw_voices(len(y), rngs["voice"])
    arrays: dict[str, np.ndarray] = {"y": y, "classes": np.array(CLASS_NAMES, dtype="<U5")}
    arrays.update(corrupt_images(digits.images, rngs["image"]))
    arrays["image_clean"] = digits.images.reshape(len(y), 64).astype(np.uint8)
    arrays.update(make_audio(y, voices, rngs["audio"], engine))
    arrays.update({f"audio_{k}": v for k, v in voices.items()})
    words = make_words(y, rngs["text"])
    arrays["text"] = text_features(words["word"])
    arrays.update(words)
    arrays["text_kind_names"] = np.array(TEXT_KINDS, dtype="<U7")
    for name, idx in split_indices(y, SPLIT_SEED).items():
        arrays[f"{name}_idx"] = idx
    arrays["seed"] = np.array(SEED, dtype=np.int64)
    arrays["split_seed"] = np.array(SPLIT_SEED, dtype=np.int64)
    arrays["espeak_version"] = np.array(engine.version, dtype="<U32")
    arrays["audio_db_range"] = np.array(DB_RANGE, dtype=np.float32)
    arrays["build_versions"] = np.array(_versions(engine.version), dtype="<U40")
    return arrays


def _versions(espeak_version: str) -> list[str]:
    from importlib.metadata import version

    return [f"espeak-ng=={espeak_version}"] + [
        f"{p}=={version(p)}" for p in ("espeakng-loader", "librosa", "numpy", "scikit-learn")
    ]


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write an .npz that np.load reads, with fixed zip metadata so equal arrays give equal bytes."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, arr in arrays.items():
            if arr.dtype == object:
                raise TypeError(f"{name} is an object array; store strings as fixed-width unicode.")
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arr, order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, buf.getvalue(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL)


BASELINE_CS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def baselines(arrays: dict[str, np.ndarray]) -> dict[str, tuple[float, float, float]]:
    """Logistic regression per modality and on concatenations: (val accuracy, test accuracy, chosen C).

    Features are the loader's (image and audio divided by 255, text counts), standardised with the
    training split's mean and standard deviation; C is chosen on the validation split.
    """
    from itertools import combinations

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    feats = {"image": arrays["image"] / 255.0, "audio": arrays["audio"] / 255.0, "text": arrays["text"] * 1.0}
    y = arrays["y"]
    tr, va, te = arrays["train_idx"], arrays["val_idx"], arrays["test_idx"]
    out = {}
    for k in (1, 2, 3):
        for combo in combinations(feats, k):
            x = np.hstack([feats[m] for m in combo])
            fits = [
                make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=10000)).fit(x[tr], y[tr])
                for c in BASELINE_CS
            ]
            val = [m.score(x[va], y[va]) for m in fits]
            best = int(np.argmax(val))
            out["+".join(combo)] = (float(val[best]), float(fits[best].score(x[te], y[te])), BASELINE_CS[best])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    parser.add_argument("--check", action="store_true", help="print logistic-regression baselines")
    args = parser.parse_args(argv)
    arrays = build()
    write_npz(args.out, arrays)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), espeak-ng {arrays['espeak_version']}")
    print(f"- sha256 `{args.out.name}`: `{digest}`")
    if args.check:
        print("logistic regression, standardised features, C chosen on val:")
        for name, (val, test, c) in baselines(arrays).items():
            print(f"  {name:<18} val {val:.4f}  test {test:.4f}  (C={c})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
