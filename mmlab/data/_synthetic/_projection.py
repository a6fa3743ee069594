"""How discrete factors become features: a fixed random two-layer tanh map plus noise."""

from __future__ import annotations

import itertools
import math

import numpy as np

#: Largest number of factor combinations enumerated exactly (joint tables,
#: feature standardisation); beyond it a fixed random subset is used instead.
_MAX_ENUMERATE = 1 << 16


def _mixed_radix(values: np.ndarray, k: int) -> np.ndarray:
    """Index of each row of ``values`` (digits in 0..k-1, most significant first)."""
    values = np.asarray(values, dtype=np.int64)
    code = np.zeros(values.shape[0], dtype=np.int64)
    for j in range(values.shape[1]):
        code = code * k + values[:, j]
    return code


def _make_projection(n_slots: int, k: int, dim: int, hidden: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Draw a random two-layer tanh map of one-hot factor codes, with standardisation constants."""
    gain = 1.5  # pre-activation std of the hidden layer: tanh is clearly nonlinear, rarely saturated
    a_w = rng.normal(0.0, gain / math.sqrt(n_slots), size=(n_slots * k, hidden))
    a_b = rng.normal(0.0, 0.5, size=hidden)
    b_w = rng.normal(0.0, 1.0 / math.sqrt(hidden), size=(hidden, dim))
    total = k**n_slots
    if total <= _MAX_ENUMERATE:
        grid = np.array(list(itertools.product(range(k), repeat=n_slots)), dtype=np.int64)
    else:
        grid = rng.integers(0, k, size=(_MAX_ENUMERATE, n_slots))
    clean = _clean_features(grid, k, a_w, a_b, b_w)
    mean, std = clean.mean(axis=0), clean.std(axis=0)
    std[std < 1e-12] = 1.0
    return a_w, a_b, b_w, mean, std


def _clean_features(f: np.ndarray, k: int, a_w: np.ndarray, a_b: np.ndarray, b_w: np.ndarray) -> np.ndarray:
    # A e: with one-hot e, the product is the sum of one row of A per factor
    pre = a_b + sum(a_w[j * k + f[:, j]] for j in range(f.shape[1]))
    return np.tanh(pre) @ b_w


def _render(f: np.ndarray, k: int, proj: tuple[np.ndarray, ...], noise: float, rng: np.random.Generator) -> np.ndarray:
    a_w, a_b, b_w, mean, std = proj
    x = (_clean_features(f, k, a_w, a_b, b_w) - mean) / std
    x = x + noise * rng.standard_normal(x.shape)
    return x.astype(np.float32)
