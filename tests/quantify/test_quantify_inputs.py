"""Bad inputs to the model-probing tools and the PID estimators: each gets mmlab's message, not a crash.

The behaviour of each tool is tested in its own file (test_emap.py, test_gradients.py,
test_contributions.py, test_estimators.py); this file checks that the shared validation layer
(:mod:`mmlab._validation`) guards every entry point with the same messages: the argument, what was
expected, what was received.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.quantify import (
    batch_pid,
    classify_interactions,
    cluster_pid,
    contribution_geometry,
    discretize,
    emap,
    emap_accuracy,
    mixed_gradients,
    modality_contributions,
    rank_by_interactions,
    sinkhorn_project,
)

XA, XB = torch.randn(6, 2, generator=torch.Generator().manual_seed(0)), torch.randn(6, 3)
Y = torch.arange(6) % 2


def _pair(a, b):
    return torch.stack([a.sum(1) + b.sum(1), a[:, 0] * b[:, 0]], dim=1)


def _list(xs):
    return _pair(*xs)


# --------------------------------------------------------------------------- #
# EMAP, gradients, contributions
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: emap(_pair, XA, XB, pairs_per_call=0), ValueError, "pairs_per_call must be an integer >= 1"),
        (lambda: emap(_pair, XA, XB, pairs_per_call=2.5), TypeError, "pairs_per_call must be an integer"),
        (lambda: emap(_pair, XA.numpy(), XB), TypeError, "xa must be a torch.Tensor"),
        (lambda: emap(_pair, XA, XB[:5]), ValueError, "paired samples"),
        (lambda: emap_accuracy(_pair, XA, XB, Y.float()), ValueError, "integer class labels"),
        (lambda: emap_accuracy(_pair, XA, XB, Y, pairs_per_call=-1), ValueError, "pairs_per_call"),
        (
            lambda: mixed_gradients(_pair, XA, XB, chunk_size=0, method="vmap"),
            ValueError,
            "chunk_size must be an integer >= 1",
        ),
        (lambda: mixed_gradients(_pair, XA.long(), XB), TypeError, "xa must be floating point"),
        (lambda: mixed_gradients(_pair, XA, XB, target=1.5), TypeError, "target must be 'predicted'"),
        (
            lambda: modality_contributions(_list, [XA.long(), XB]),
            TypeError,
            r"xs\[0\] must be floating point \(torch.float32\); got dtype torch.int64",
        ),
        (
            lambda: modality_contributions(_list, [XA, torch.full((6, 3), float("inf"))]),
            ValueError,
            r"xs\[1\] must be finite",
        ),
        (lambda: modality_contributions(_list, (XA, XB), pairs_per_call=0), ValueError, "pairs_per_call"),
        (lambda: contribution_geometry([[["a", "b"]]]), TypeError, "contributions must be array-like of numbers"),
        (lambda: contribution_geometry(torch.zeros(2, 2)), ValueError, r"shape \(N, M, C\)"),
        (
            lambda: classify_interactions(np.ones((2, 2, 2)), dominance_ratio=float("inf")),
            ValueError,
            r"dominance_ratio must be a finite real number > 1; got inf",
        ),
        (
            lambda: classify_interactions(np.ones((2, 2, 2)), dominance_ratio=0.5),
            ValueError,
            r"dominance_ratio must be > 1; got 0.5",
        ),
        (
            lambda: classify_interactions(np.ones((2, 2, 2)), min_norm=float("nan")),
            ValueError,
            r"min_norm must be a finite real number >= 0; got nan",
        ),
        (
            lambda: classify_interactions(np.ones((2, 2, 2)), min_norm=True),
            TypeError,
            r"min_norm must be a real number >= 0; got bool True",
        ),
    ],
)
def test_model_probes_reject_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_interaction_kinds_shares_checks_its_mask():
    kinds = classify_interactions(np.array([[[3.0, -3.0], [0.5, -0.5]], [[1.0, -1.0], [1.0, -1.0]]]))
    assert kinds.shares([True, False])["dominance"] == 1.0
    with pytest.raises(ValueError, match=r"mask must be a boolean array of shape \(2,\)"):
        kinds.shares([True, False, True])
    with pytest.raises(ValueError, match=r"mask must be a boolean array of shape \(2,\).*int64"):
        kinds.shares([1, 0])  # indices would silently select other samples


def test_recombined_batches_too_large_for_memory_are_refused(monkeypatch):
    """EMAP and the marginal contributions evaluate f on pairs of samples, pairs_per_call at a time."""
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", "100")
    small = emap(_pair, XA, XB, pairs_per_call=18)  # 3 rows of 6 pairs x 5 numbers = 90
    torch.testing.assert_close(small, emap(_pair, XA, XB, pairs_per_call=6), rtol=1e-6, atol=1e-6)
    with pytest.raises(
        ValueError,
        match=r"emap\(\.\.\., pairs_per_call=36\) on 6 samples asks for 180 numbers"
        r".*Lower pairs_per_call",
    ):
        emap(_pair, XA, XB, pairs_per_call=36)
    with pytest.raises(ValueError, match=r"emap_accuracy\(\.\.\., pairs_per_call=36\)"):
        emap_accuracy(_pair, XA, XB, Y, pairs_per_call=36)
    with pytest.raises(ValueError, match=r"modality_contributions\(\.\.\., pairs_per_call=36\)"):
        modality_contributions(_list, [XA, XB], pairs_per_call=36)
    # a fixed baseline makes no recombined batch: nothing to refuse
    assert modality_contributions(_list, [XA, XB], baseline="mean", pairs_per_call=36).shape == (6, 2, 2)


# --------------------------------------------------------------------------- #
# estimators
# --------------------------------------------------------------------------- #
X6, Y6 = np.zeros((6, 2)), np.arange(6) % 2


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: batch_pid(X6, X6, Y6, lr=float("inf")), ValueError, r"lr must be a finite real number > 0; got inf"),
        (lambda: batch_pid(X6, X6, Y6, lr="1e-3"), TypeError, r"lr must be a real number > 0; got str"),
        (lambda: batch_pid(X6, X6, Y6, weight_decay=-1.0), ValueError, r"weight_decay must be >= 0; got -1.0"),
        (lambda: batch_pid(X6, X6, Y6, weight_decay=float("nan")), ValueError, "weight_decay must be a finite"),
        (lambda: batch_pid(X6, X6, Y6, random_state=-5), ValueError, "random_state must be None.*negative"),
        (lambda: batch_pid(X6, X6, Y6, random_state=1.7), TypeError, "random_state must be None"),
        (lambda: batch_pid([["a", "b"]] * 6, X6, Y6), TypeError, "x1 must be array-like of numbers"),
        (lambda: batch_pid(X6, X6, Y6.astype(float)), TypeError, "y must hold integer class labels"),
        (
            lambda: cluster_pid(X6, X6, Y6, smoothing=float("inf")),
            ValueError,
            r"smoothing must be a finite real number >= 0; got inf",
        ),
        (lambda: cluster_pid(X6, X6, Y6, smoothing=-0.5), ValueError, r"smoothing must be >= 0; got -0.5"),
        (lambda: cluster_pid(X6, X6, Y6, n_clusters=2, random_state=-5), ValueError, "random_state must be None"),
        (lambda: cluster_pid(X6, X6, Y6, n_clusters=2, random_state="abc"), TypeError, "random_state must be None"),
        (lambda: discretize(X6, 2, random_state=1.7), TypeError, "random_state must be None"),
        (lambda: discretize([["a"]] * 6, 2), TypeError, "x must be array-like of numbers"),
        (
            lambda: cluster_pid(np.eye(6), [["a", "b"]] * 6, Y6, n_clusters=2),
            TypeError,
            "x2 must be array-like of numbers",
        ),
        (
            lambda: rank_by_interactions([0, 0, 0, 1], [("tensor", [0, 0, 0, 1])]),
            TypeError,
            "models must be a non-empty mapping",
        ),
        (
            lambda: sinkhorn_project(torch.zeros(2, 2, 1), torch.ones(2, 1, dtype=torch.long), torch.ones(2, 1)),
            TypeError,
            "row_marginals must be a floating-point torch.Tensor",
        ),
        (
            lambda: sinkhorn_project(torch.zeros(2, 2, 1), torch.ones(2, 1), torch.ones(2, 1), n_iter=0),
            ValueError,
            "n_iter must be an integer >= 1",
        ),
    ],
)
def test_estimators_reject_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_batch_pid_refuses_a_coupling_too_large_for_memory():
    """One batch's coupling has batch_size**2 * C entries; it is refused before any network is trained."""
    n = 20_000
    x = np.zeros((n, 1), dtype=np.float32)
    with pytest.raises(
        ValueError,
        match=r"batch_pid\(batch_size=20000\) with 2 classes asks for 800,000,000 "
        r"numbers.*Lower batch_size",
    ):
        batch_pid(x, x, np.arange(n) % 2, batch_size=n)


def test_cluster_pid_takes_string_labels_as_classes():
    x = np.repeat([[0.0], [1.0]], 10, axis=0)
    labels = np.repeat(["cat", "dog"], 10)
    est = cluster_pid(x, np.tile([[0.0], [1.0]], (10, 1)), labels, n_clusters=2)
    assert est.info["sizes"][2] == 2 and est.unique1 == pytest.approx(1.0, abs=1e-6)


def test_cluster_pid_takes_a_generator_and_an_int_seed_alike():
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(60, 2)), rng.normal(size=(60, 2))
    y = (x1[:, 0] > 0).astype(int)
    a = cluster_pid(x1, x2, y, n_clusters=3, random_state=np.random.default_rng(5))
    b = cluster_pid(x1, x2, y, n_clusters=3, random_state=np.random.default_rng(5))
    assert a.as_array().tolist() == b.as_array().tolist()  # the same generator state, the same codes
    c = cluster_pid(x1, x2, y, n_clusters=3, random_state=7)
    codes = discretize(x1, 3, random_state=7)
    assert np.array_equal(c.info["codes"][0], np.unique(codes, return_inverse=True)[1])
