"""Reference answers: lectures/2_alignment/02_dynamic_time_warping.ipynb, Exercises."""

from __future__ import annotations

import numpy as np

from mmlab.align import dtw, warp_segments
from mmlab.data import load_digit_strings

NOTEBOOK = "lectures/2_alignment/02_dynamic_time_warping.ipynb"


def _errors(n: int, transform=lambda f: f, step: int = 1, reverse: bool = False) -> np.ndarray:
    test = load_digit_strings("test")
    out = []
    for i in range(n):
        a, b = transform(test.frames[i])[::step], transform(test.frames_b[i])[::step]
        sa, sb = test.segments[i], test.segments_b[i]
        if reverse:
            a, b, sa, sb = b, a, sb, sa
        coarse = np.column_stack([sa[:, 0] // step, np.maximum(sa[:, 1] // step, sa[:, 0] // step + 1)])
        found = warp_segments(dtw(a, b).path, coarse) * step
        out.append(np.abs(found - sb).ravel())
    return np.concatenate(out)


def exercise_1(sizes: dict) -> None:
    """Half the frames in each rendering make a cost matrix four times smaller; the boundary error, in original
    frames, grows by about a frame (the resolution halves) but stays small."""
    full, half = _errors(sizes["n_strings"]), _errors(sizes["n_strings"], step=2)
    assert np.median(half) <= 3 and half.mean() < full.mean() + 2.0, (half.mean(), full.mean())


def exercise_2(sizes: dict) -> None:
    """Removing each frame's mean ignores its overall level (the per-digit gain): the error barely changes, because
    both renderings share the voice and the gains are only +-6 dB."""
    raw = _errors(sizes["n_strings"])
    centred = _errors(sizes["n_strings"], transform=lambda f: f - f.mean(axis=1, keepdims=True))
    assert np.median(centred) <= 2 and abs(centred.mean() - raw.mean()) < 0.5, (centred.mean(), raw.mean())


def exercise_3(sizes: dict) -> None:
    """A random search finds a triangle-inequality violation quickly; e.g. a sequence y that x and z can both
    stretch onto cheaply while x and z cannot be stretched onto each other."""
    rng = np.random.default_rng(0)
    for _ in range(2000):
        x, y, z = (rng.integers(0, 3, size=rng.integers(1, 5)).astype(float) for _ in range(3))
        if dtw(x, z).cost > dtw(x, y).cost + dtw(y, z).cost + 1e-9:
            return
    raise AssertionError("no violation found")


def exercise_4(sizes: dict) -> None:
    """The two directions give similar errors: DTW's cost is symmetric, and the path is (up to ties) the transpose."""
    there, back = _errors(sizes["n_strings"]), _errors(sizes["n_strings"], reverse=True)
    assert abs(there.mean() - back.mean()) < 0.5 and np.median(back) <= 2, (there.mean(), back.mean())
