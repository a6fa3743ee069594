"""Tests of make_marker_sequences and make_shifted_signals."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import make_marker_sequences, make_shifted_signals


def test_markers_sit_where_the_latents_say_and_decide_the_label():
    d = make_marker_sequences(200, amplitude=5.0, noise=0.0, aligned=False, random_state=0)
    bits, pos = d.latents["bits"], d.latents["positions"]
    assert np.array_equal(d.y, bits[:, 0] ^ bits[:, 1])
    for m in (0, 1):
        norms = np.linalg.norm(d.modalities[m], axis=2)
        assert np.allclose(norms[np.arange(200), pos[:, m, 0]], 5.0, atol=1e-5)


def test_aligned_markers_share_positions_and_dense_markers_fill_the_sequence():
    d = make_marker_sequences(50, aligned=True, n_markers=3, random_state=1)
    assert np.array_equal(d.latents["positions"][:, 0], d.latents["positions"][:, 1])
    assert d.latents["positions"].shape == (50, 2, 3)
    assert all(len(set(row)) == 3 for row in d.latents["positions"][:, 0])
    full = make_marker_sequences(20, n_markers=8, amplitude=2.0, noise=0.0, random_state=2)
    assert np.allclose(np.linalg.norm(full.modalities[0], axis=2), 2.0, atol=1e-5)


def test_each_modality_alone_says_nothing_about_the_label():
    d = make_marker_sequences(4000, random_state=3)
    for m in (0, 1):
        bit = d.latents["bits"][:, m]
        assert abs(np.mean(d.y[bit == 0]) - np.mean(d.y[bit == 1])) < 0.06


def test_shifted_signals_are_shifted_scaled_templates():
    d = make_shifted_signals(40, noise=0.0, random_state=4)
    templates = d.constants["templates"]
    for x, y, tau, a in zip(d.modalities[0], d.y, d.latents["shift"], d.latents["amplitude"], strict=True):
        assert np.allclose(x, a * np.roll(templates[y], tau), atol=1e-5)
    assert np.allclose(templates.mean(1), 0, atol=1e-6) and np.allclose(templates.std(1), 1, atol=1e-5)


def test_class_means_of_raw_signals_coincide():
    """The circular shift makes every class mean almost flat, hence a linear probe of raw signals is near chance."""
    d = make_shifted_signals(8000, random_state=5)
    means = np.array([d.modalities[0][d.y == c].mean(0) for c in range(4)])
    assert np.abs(means).max() < 0.15


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: make_marker_sequences(10, length=(8, 6)), ValueError, "one length"),
        (lambda: make_marker_sequences(10, n_markers=9), ValueError, "n_markers"),
        (lambda: make_marker_sequences(10, aligned="yes"), TypeError, "aligned"),
        (lambda: make_marker_sequences(10, amplitude=-1.0), ValueError, "amplitude"),
        (lambda: make_shifted_signals(10, n_harmonics=16), ValueError, "n_harmonics"),
        (lambda: make_shifted_signals(10, amplitude=(1.0,)), TypeError, "amplitude"),
        (lambda: make_shifted_signals(10, amplitude=(0.0, 1.0)), ValueError, "amplitude"),
        (lambda: make_shifted_signals(10, length=3), ValueError, "length"),
    ],
)
def test_bad_arguments(call, err, match):
    with pytest.raises(err, match=match):
        call()
