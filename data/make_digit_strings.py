"""Regenerate ``data/digit_strings.npz``: spoken digit strings with known alignment (speech, written digits, images).

Each of the 1,000 strings holds three to five *distinct* digits, e.g. ``3 7 0 1``.
It is spoken twice by the same synthetic voice (espeak-ng), once per
*rendering*: every digit word is synthesised on its own at its own speaking rate
and gain, and the words are joined with silences of random length, so the sample
(and hence frame) where every digit starts and stops is known exactly. The two
renderings draw their rates, gains and pauses independently, so they are
time-warped versions of each other whose warping is known at the digit
boundaries. Each string also gets its written digits and a strip of handwritten
digit images (``sklearn.datasets.load_digits``), one per digit, in order.
``data/digit_strings.md`` (the data card) documents every step.

Run from the repository root::

    python data/make_digit_strings.py            # rewrites data/digit_strings.npz, prints its sha256
    python data/make_digit_strings.py --check    # also prints summary statistics and baselines

Regeneration needs ``espeakng-loader`` (the espeak-ng library and its voices),
``librosa`` and ``scikit-learn``; loading the shipped file (``mmlab.data``)
needs none of them. The espeak-ng wrapper, the coloured noise and the
byte-deterministic ``.npz`` writer are those of ``data/make_av_digits.py``. The
output is byte-for-byte reproducible for the same library versions.

The pure-NumPy steps (``draw_strings``, ``frame_segments``) are imported by
``tests/align/test_digit_strings.py`` to check the shipped file against this
script; importing this file needs neither espeak-ng nor librosa.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_av_digits import Espeak, coloured_noise, write_npz

# ---------------------------------------------------------------------------
# Constants (the data card quotes these; tests check the shipped file against them)
# ---------------------------------------------------------------------------

SEED = 20250214  # master seed; each step draws from its own child stream
STREAMS = ("strings", "voice", "render_a", "render_b", "images")
N_STRINGS = 1000
SPLITS = (("train", 600), ("val", 200), ("test", 200))  # consecutive blocks of strings
LENGTHS = (3, 4, 5)  # digits per string, uniform; digits within a string are distinct

CLASS_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ACCENTS = ("en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
VARIANTS = ("", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5")
PITCH = (25, 75)  # espeakPITCH per string (both renderings), uniform integers
PITCH_RANGE = (20, 80)  # espeakRANGE per string, uniform integers

RATE_WPM = (120, 320)  # per digit and rendering, uniform integers
GAIN_DB = (-6.0, 6.0)  # per digit and rendering, uniform
LEAD_S = (0.05, 0.25)  # silence before the first digit, per rendering
GAP_S = (0.0, 0.30)  # silence between consecutive digits, per gap and rendering
TAIL_S = (0.05, 0.25)  # silence after the last digit, per rendering
SNR_DB = (15.0, 30.0)  # noise level relative to the speech RMS, per rendering
NOISE_COLOURS = ("white", "pink", "brown")

SAMPLE_RATE = 22050
TRIM_LEVEL = 1e-3  # |sample| below this at either end of a word counts as silence
N_FFT = 1024
HOP_LENGTH = 551  # 25 ms: 40 frames per second
N_MELS = 20
FMAX = 8000.0
DB_RANGE = (-80.0, 20.0)  # log-mel power in dB, clipped, then mapped to 0..255

IMAGE_SPLIT = (0.6, 0.2, 0.2)  # the sklearn digit images are cut per class into disjoint pools per split

OUT_PATH = Path(__file__).resolve().parent / "digit_strings.npz"


# ---------------------------------------------------------------------------
# Pure-NumPy steps (imported by the tests)
# ---------------------------------------------------------------------------


def child_rngs(seed: int = SEED) -> dict[str, np.random.Generator]:
    """One independent generator per step, so that changing one step leaves the others' draws unchanged."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}


def draw_strings(rng: np.random.Generator, n: int = N_STRINGS) -> tuple[np.ndarray, np.ndarray]:
    """The digits of every string, concatenated, and the offsets: string i is ``digits[off[i]:off[i+1]]``."""
    lengths = rng.choice(LENGTHS, size=n)
    digits = np.concatenate([rng.permutation(10)[:k] for k in lengths]).astype(np.int8)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return digits, offsets


def frame_segments(sample_bounds: np.ndarray, hop: int = HOP_LENGTH) -> np.ndarray:
    """Samples ``[s, e)`` -> frames ``[ceil(s/hop), ceil(e/hop))``: the frames whose centre ``t*hop`` lies in [s, e)."""
    b = np.asarray(sample_bounds, dtype=np.int64)
    return ((b + hop - 1) // hop).astype(np.int32)


def image_pools(labels: np.ndarray, rng: np.random.Generator) -> dict[str, list[np.ndarray]]:
    """Disjoint pools of sklearn digit rows per split and class (cut 60/20/20 within each class)."""
    pools: dict[str, list[np.ndarray]] = {name: [] for name, _ in SPLITS}
    for c in range(10):
        rows = rng.permutation(np.flatnonzero(labels == c))
        n_tr, n_va = int(round(IMAGE_SPLIT[0] * len(rows))), int(round(IMAGE_SPLIT[1] * len(rows)))
        pools["train"].append(rows[:n_tr])
        pools["val"].append(rows[n_tr : n_tr + n_va])
        pools["test"].append(rows[n_tr + n_va :])
    return pools


def split_of_strings() -> np.ndarray:
    """The split name of every string (consecutive blocks, in the order of SPLITS)."""
    return np.concatenate([np.full(k, name, dtype="<U5") for name, k in SPLITS])


# ---------------------------------------------------------------------------
# Speech
# ---------------------------------------------------------------------------


def draw_voices(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-string espeak-ng voice ('accent' or 'accent+variant'), pitch and pitch range (shared by both renderings)."""
    accent = rng.integers(len(ACCENTS), size=n)
    variant = rng.integers(len(VARIANTS), size=n)
    voices = np.array(
        [ACCENTS[a] + (f"+{VARIANTS[v]}" if VARIANTS[v] else "") for a, v in zip(accent, variant, strict=True)],
        dtype="<U24",
    )
    return {
        "voice": voices,
        "pitch": rng.integers(PITCH[0], PITCH[1] + 1, size=n).astype(np.int16),
        "pitch_range": rng.integers(PITCH_RANGE[0], PITCH_RANGE[1] + 1, size=n).astype(np.int16),
        "espeak_seed": rng.integers(1, 2**31 - 1, size=n).astype(np.int64),
    }


def trim(wave: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(wave) > TRIM_LEVEL)
    return wave[loud[0] : loud[-1] + 1].astype(np.float64) if loud.size else wave.astype(np.float64)


def logmel(clip: np.ndarray) -> np.ndarray:
    """Log-mel power of a clip, clipped to DB_RANGE and quantised to uint8, shape (n_frames, N_MELS)."""
    import librosa

    power = librosa.feature.melspectrogram(
        y=clip, sr=SAMPLE_RATE, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS, fmax=FMAX, power=2.0, center=True
    )
    db = 10.0 * np.log10(np.maximum(power, 1e-12))
    unit = (np.clip(db, *DB_RANGE) - DB_RANGE[0]) / (DB_RANGE[1] - DB_RANGE[0])
    return np.rint(unit * 255.0).astype(np.uint8).T


def render(
    digits: np.ndarray, offsets: np.ndarray, voices: dict[str, np.ndarray], rng: np.random.Generator, engine: Espeak
) -> dict[str, np.ndarray]:
    """One rendering of every string: per-digit rate and gain, random pauses, noise; log-mel frames and segments."""
    n = len(offsets) - 1
    frames, frame_off, seg_samples, seg_frames = [], [0], [], []
    rates, gains, snrs, colours, pauses = [], [], [], [], []
    for i in range(n):
        string = digits[offsets[i] : offsets[i + 1]]
        k = len(string)
        rate = rng.integers(RATE_WPM[0], RATE_WPM[1] + 1, size=k)
        gain = rng.uniform(*GAIN_DB, size=k)
        silence = np.concatenate([[rng.uniform(*LEAD_S)], rng.uniform(*GAP_S, size=k - 1), [rng.uniform(*TAIL_S)]])
        snr = rng.uniform(*SNR_DB)
        colour = NOISE_COLOURS[rng.integers(len(NOISE_COLOURS))]
        pieces, bounds, pos = [], [], 0
        for j, d in enumerate(string):
            gap = int(round(silence[j] * SAMPLE_RATE))
            pieces.append(np.zeros(gap))
            pos += gap
            word = trim(
                engine.say(
                    CLASS_NAMES[d],
                    str(voices["voice"][i]),
                    int(rate[j]),
                    int(voices["pitch"][i]),
                    int(voices["pitch_range"][i]),
                    int(voices["espeak_seed"][i]) + j,
                )
            )
            pieces.append(word * 10.0 ** (gain[j] / 20.0))
            bounds.append((pos, pos + word.size))
            pos += word.size
        pieces.append(np.zeros(int(round(silence[-1] * SAMPLE_RATE))))
        clip = np.concatenate(pieces)
        speech = np.concatenate([clip[s:e] for s, e in bounds])
        rms = np.sqrt(np.mean(speech**2))
        clip = clip + coloured_noise(clip.size, colour, rng) * rms * 10.0 ** (-snr / 20.0)
        feats = logmel(clip)
        frames.append(feats)
        frame_off.append(frame_off[-1] + len(feats))
        seg_samples.append(np.array(bounds, dtype=np.int32))
        seg_frames.append(frame_segments(np.array(bounds)))
        rates.append(rate.astype(np.int16))
        gains.append(gain.astype(np.float32))
        pauses.append(silence.astype(np.float32))
        snrs.append(snr)
        colours.append(colour)
    return {
        "frames": np.concatenate(frames),
        "frame_offsets": np.array(frame_off, dtype=np.int32),
        "segments": np.concatenate(seg_frames),
        "segments_samples": np.concatenate(seg_samples),
        "rate": np.concatenate(rates),
        "gain_db": np.concatenate(gains),
        "pause_s": np.concatenate(pauses),  # k + 1 silences per string (lead, gaps, tail)
        "snr_db": np.array(snrs, dtype=np.float32),
        "noise": np.array(colours, dtype="<U5"),
    }


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------


def build() -> dict[str, np.ndarray]:
    """Build every array of digit_strings.npz (needs espeak-ng, librosa, scikit-learn)."""
    from sklearn.datasets import load_digits

    rngs = child_rngs(SEED)
    digits, offsets = draw_strings(rngs["strings"])
    voices = draw_voices(N_STRINGS, rngs["voice"])
    engine = Espeak()
    for variant in VARIANTS:
        if not engine.has_variant(variant):
            raise RuntimeError(f"espeak-ng data lacks the voice variant {variant!r}; edit VARIANTS.")
    arrays: dict[str, np.ndarray] = {
        "digits": digits,
        "digit_offsets": offsets,
        "split": split_of_strings(),
        "classes": np.array(CLASS_NAMES, dtype="<U5"),
    }
    arrays.update({f"voice_{k}" if k != "voice" else "voice": v for k, v in voices.items()})
    for name in ("a", "b"):
        rendered = render(digits, offsets, voices, rngs[f"render_{name}"], engine)
        arrays.update({f"{key}_{name}": value for key, value in rendered.items()})
    sk = load_digits()
    pools = image_pools(sk.target, rngs["images"])
    split_per_digit = np.repeat(arrays["split"], np.diff(offsets))
    rows = np.array(
        [rngs["images"].choice(pools[s][d]) for s, d in zip(split_per_digit, digits, strict=True)], dtype=np.int16
    )
    arrays["image_index"] = rows
    arrays["images"] = sk.images[rows].reshape(len(rows), 64).astype(np.uint8)  # 0..16, as in sklearn
    arrays["seed"] = np.array(SEED, dtype=np.int64)
    arrays["espeak_version"] = np.array(engine.version, dtype="<U32")
    arrays["audio_db_range"] = np.array(DB_RANGE, dtype=np.float32)
    arrays["hop_seconds"] = np.array(HOP_LENGTH / SAMPLE_RATE, dtype=np.float64)
    arrays["build_versions"] = np.array(_versions(engine.version), dtype="<U40")
    return arrays


def _versions(espeak_version: str) -> list[str]:
    from importlib.metadata import version

    return [f"espeak-ng=={espeak_version}"] + [
        f"{p}=={version(p)}" for p in ("espeakng-loader", "librosa", "numpy", "scikit-learn")
    ]


def summary(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """Sizes and durations quoted in the data card."""
    out: dict[str, float] = {"strings": len(arrays["split"]), "digits": len(arrays["digits"])}
    for name in ("a", "b"):
        t = np.diff(arrays[f"frame_offsets_{name}"])
        seg = arrays[f"segments_{name}"]
        out[f"frames_{name}_total"] = int(t.sum())
        out[f"frames_{name}_min"], out[f"frames_{name}_median"], out[f"frames_{name}_max"] = (
            int(t.min()),
            float(np.median(t)),
            int(t.max()),
        )
        d = seg[:, 1] - seg[:, 0]
        out[f"digit_frames_{name}_min"], out[f"digit_frames_{name}_median"], out[f"digit_frames_{name}_max"] = (
            int(d.min()),
            float(np.median(d)),
            int(d.max()),
        )
    return out


def baselines(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """Test accuracy of one digit per segment: logistic regression on rendering-a segments and on the images.

    A segment is described by the mean and standard deviation of its log-mel frames (codes / 255); an
    image by its 64 pixels / 16. Both standardised on the training strings, C = 0.1, fitted on the
    training strings, scored on the test strings.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    off, foff = arrays["digit_offsets"], arrays["frame_offsets_a"]
    frames = arrays["frames_a"].astype(np.float64) / 255.0
    seg = arrays["segments_a"]
    audio = np.zeros((len(arrays["digits"]), 2 * N_MELS))
    for i in range(len(off) - 1):
        x = frames[foff[i] : foff[i + 1]]
        for k in range(off[i], off[i + 1]):
            part = x[seg[k, 0] : seg[k, 1]]
            audio[k] = np.concatenate([part.mean(0), part.std(0)])
    split = np.repeat(arrays["split"], np.diff(off))
    y = arrays["digits"].astype(np.int64)
    out = {}
    for name, x in (("audio segment", audio), ("image", arrays["images"] / 16.0)):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
        model.fit(x[split == "train"], y[split == "train"])
        out[name] = float(model.score(x[split == "test"], y[split == "test"]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    parser.add_argument("--check", action="store_true", help="print summary statistics and baselines")
    args = parser.parse_args(argv)
    arrays = build()
    write_npz(args.out, arrays)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), espeak-ng {arrays['espeak_version']}")
    print(f"- sha256 `{args.out.name}`: `{digest}`")
    if args.check:
        for key, value in summary(arrays).items():
            print(f"  {key:<26} {value}")
        for key, value in baselines(arrays).items():
            print(f"  test accuracy, {key:<12} {value:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
