"""Tests of mmlab.quantify.transfer_heterogeneity / HeterogeneityMatrix and the seed test of lecture 6.6's claims.

Closed-form cases: the matrix algebra on a hand-written matrix, and duplicated
modalities, which are exactly homogeneous (every transfer is the same run).
Planted case: a modality with both label bits and two with only the shared bit,
where transfer into the two-bit modality must cost more than transfer out of it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes

from mmlab.data import make_interaction
from mmlab.quantify import HeterogeneityMatrix, transfer_heterogeneity

LECTURE = "lectures/6_quantification/06_heterogeneity_transfer_and_structure.ipynb"
PLANTED = ("both bits", "shared bit A", "shared bit B")


def _planted(n: int, seed: int):
    data = make_interaction(n, ("redundancy", "uniqueness_0"), n_modalities=3, random_state=seed)
    return data.split((0.6, 0.4), random_state=seed)


def test_matrix_algebra_in_closed_form():
    acc = np.array([[0.9, 0.5, 0.5], [0.6, 0.5, 0.45], [0.6, 0.5, 0.5]])
    d = np.diag(acc)[None, :] - acc
    h = HeterogeneityMatrix(names=("a", "b", "c"), accuracy=acc, heterogeneity=d, scratch=np.array([0.4, 0.3, 0.5]))
    np.testing.assert_allclose(d, [[0, 0, 0], [0.3, 0, 0.05], [0.3, 0, 0]])
    np.testing.assert_allclose(h.symmetric, [[0, 0.15, 0.15], [0.15, 0, 0.025], [0.15, 0.025, 0]])
    np.testing.assert_allclose(h.asymmetry, [[0, -0.3, -0.3], [0.3, 0, 0.05], [0.3, -0.05, 0]])
    np.testing.assert_allclose(h.gain, [[0.5, 0.2, 0.0], [0.2, 0.2, -0.05], [0.2, 0.2, 0.0]])
    assert (h.closest("a"), h.closest("b"), h.closest("c")) == ("b", "c", "b")
    with pytest.raises(KeyError, match="not one of"):
        h.closest("z")
    with pytest.raises(ValueError, match="scratch"):
        _ = HeterogeneityMatrix(names=h.names, accuracy=acc, heterogeneity=d).gain


def test_shapes_diagonal_and_definition():
    train, test = _planted(300, 0)
    h = transfer_heterogeneity(train, test, names=("a", "b", "c"), epochs=2, transfer_epochs=2, n_shot=16, repeats=1)
    assert isinstance(h, HeterogeneityMatrix) and h.names == ("a", "b", "c")
    assert h.accuracy.shape == h.heterogeneity.shape == (3, 3) and h.scratch.shape == (3,)
    np.testing.assert_array_equal(np.diag(h.heterogeneity), 0.0)
    np.testing.assert_allclose(h.heterogeneity, np.diag(h.accuracy)[None, :] - h.accuracy)
    np.testing.assert_allclose(h.asymmetry, -h.asymmetry.T)
    np.testing.assert_allclose(h.symmetric, h.symmetric.T)
    np.testing.assert_allclose(h.gain, h.accuracy - h.scratch[None, :])
    assert ((h.accuracy >= 0) & (h.accuracy <= 1)).all() and ((h.scratch >= 0) & (h.scratch <= 1)).all()


@pytest.mark.parametrize("input_layer", ["new", "keep"])
def test_duplicated_modalities_are_exactly_homogeneous(input_layer):
    """Two copies of one modality: source models and fine-tuning runs coincide, so d = 0 exactly, both ways."""
    data = make_interaction(200, "redundancy", random_state=3)
    train, test = data.split((0.5, 0.5), random_state=0)
    x, tx = train.modalities[0], test.modalities[0]
    h = transfer_heterogeneity(
        ({"a": x, "b": x.copy()}, train.y),
        ({"a": tx, "b": tx.copy()}, test.y),
        input_layer=input_layer,
        epochs=3,
        transfer_epochs=3,
        n_shot=20,
        repeats=2,
    )
    assert h.names == ("a", "b")
    np.testing.assert_array_equal(h.heterogeneity, 0.0)
    np.testing.assert_array_equal(h.accuracy[0], h.accuracy[1])


def test_tensors_and_arrays_give_the_same_matrix():
    train, test = _planted(200, 1)
    as_tensors = lambda d: ([torch.as_tensor(x) for x in d.modalities], torch.as_tensor(d.y))  # noqa: E731
    kwargs = dict(epochs=1, transfer_epochs=1, n_shot=16, repeats=1, random_state=2)
    a = transfer_heterogeneity(train, test, **kwargs)
    b = transfer_heterogeneity(as_tensors(train), as_tensors(test), **kwargs)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    assert a.names == b.names == ("m0", "m1", "m2")


def test_deterministic():
    train, test = make_interaction(200, "redundancy", random_state=1).split((0.5, 0.5), random_state=0)
    a = transfer_heterogeneity(train, test, epochs=1, transfer_epochs=1, repeats=1, random_state=4)
    b = transfer_heterogeneity(train, test, epochs=1, transfer_epochs=1, repeats=1, random_state=4)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    np.testing.assert_array_equal(a.scratch, b.scratch)


def test_planted_asymmetry():
    """Lecture 6.6's planted structure at its quick sizes, seed 0 (the slow test below runs five seeds)."""
    s = quick_sizes(LECTURE)
    h = transfer_heterogeneity(
        *_planted(s["n_transfer"], 0),
        names=PLANTED,
        epochs=s["epochs"],
        transfer_epochs=s["epochs"],
        n_shot=s["n_shot"],
        repeats=s["repeats"],
    )
    d = h.heterogeneity
    assert d[1:, 0].mean() - d[0, 1:].mean() >= 0.08, d
    assert (h.asymmetry[1:, 0] > 0.05).all(), h.asymmetry  # each partial modality: into "both bits" costs more
    assert h.closest("shared bit A") == "shared bit B" and h.closest("shared bit B") == "shared bit A"


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(names=("a",)), ValueError, "names"),
        (dict(n_shot=10_000), ValueError, "n_shot"),
        (dict(repeats=0), ValueError, "repeats"),
        (dict(epochs=0), ValueError, "epochs"),
        (dict(input_layer="shared"), ValueError, "input_layer"),
        (dict(lr=0.0), ValueError, "lr"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    train, test = make_interaction(100, "redundancy", random_state=0).split((0.5, 0.5), random_state=0)
    with pytest.raises(err, match=match):
        transfer_heterogeneity(train, test, **kwargs)


def test_bad_data():
    data = make_interaction(100, "redundancy", random_state=0)
    with pytest.raises(TypeError, match="modalities"):
        transfer_heterogeneity("train", data)
    with pytest.raises(ValueError, match="at least two"):
        transfer_heterogeneity(([data.modalities[0]], data.y), ([data.modalities[0]], data.y))
    with pytest.raises(ValueError, match="one row per label"):
        transfer_heterogeneity(([data.modalities[0][:50], data.modalities[1]], data.y), data)
    wide = [data.modalities[0], np.hstack([data.modalities[1], data.modalities[1]])]
    transfer_heterogeneity((wide, data.y), (wide, data.y), epochs=1, transfer_epochs=1, repeats=1)  # "new": any widths
    with pytest.raises(ValueError, match="same width"):
        transfer_heterogeneity((wide, data.y), (wide, data.y), input_layer="keep")


@pytest.mark.slow
def test_lecture_6_6_heterogeneity_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURE)
    h = transfer_heterogeneity(
        *_planted(s["n_transfer"], seed),
        names=PLANTED,
        epochs=s["epochs"],
        transfer_epochs=s["epochs"],
        n_shot=s["n_shot"],
        repeats=s["repeats"],
        random_state=seed,
    )
    d = h.heterogeneity
    assert d[1:, 0].mean() - d[0, 1:].mean() >= 0.08 and h.gain[0, 0] >= 0.1, (d, h.gain)
    assert max(abs(d[1, 2]), abs(d[2, 1])) <= 0.06, d
    assert h.closest("shared bit A") == "shared bit B" and h.closest("shared bit B") == "shared bit A", h.symmetric
