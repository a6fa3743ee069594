"""Tests of the generators with planted shared and private latents: make_paired_views, make_nonlinear_pairs,
make_shared_private, and the PlantedData container."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import PlantedData, make_nonlinear_pairs, make_paired_views, make_shared_private


def test_paired_views_shapes_determinism_and_latents():
    d = make_paired_views(50, shared_dim=3, private_dim=2, dims=(7, 9), random_state=0)
    assert [x.shape for x in d.modalities] == [(50, 7), (50, 9)] and d.modalities[0].dtype == np.float32
    assert d.latents["shared"].shape == (50, 3) and d.latents["private_1"].shape == (50, 2)
    assert np.array_equal(d.y, (d.latents["shared"][:, 0] > 0).astype(np.int64))
    again = make_paired_views(50, shared_dim=3, private_dim=2, dims=(7, 9), random_state=0)
    assert all(np.array_equal(a, b) for a, b in zip(d.modalities, again.modalities, strict=True))
    assert bool(d.latents["paired"].all())


def test_features_are_standardised_renderings():
    d = make_paired_views(20000, noise=0.0, random_state=1)
    x = d.modalities[0]
    assert np.allclose(x.mean(0), 0, atol=0.06) and np.allclose(x.std(0), 1, atol=0.06)


def test_shared_latent_is_what_the_modalities_share():
    """Linear CCA between the modalities finds correlation; after replacing the shared latent's effect (shuffling
    modality 1), it is gone."""
    from mmlab.coordination import CCA

    d = make_paired_views(3000, random_state=2)
    a, b = d.modalities
    assert CCA(1).fit(a[:2000], b[:2000]).score(a[2000:], b[2000:])[0] > 0.5
    perm = np.random.default_rng(0).permutation(3000)
    assert CCA(1).fit(a[:2000], b[perm][:2000]).score(a[2000:], b[perm][2000:])[0] < 0.15


def test_mismatch_breaks_exactly_the_marked_pairs():
    d = make_paired_views(400, mismatch=0.3, random_state=3)
    paired, source = d.latents["paired"], d.latents["source"]
    assert 0.2 < 1 - paired.mean() < 0.4
    assert np.all(source[paired] == np.flatnonzero(paired)) and np.all(source[~paired] != np.flatnonzero(~paired))
    clean = make_paired_views(400, mismatch=0.0, random_state=3)
    assert np.array_equal(d.modalities[0], clean.modalities[0][source])  # modality 0 taken from the source sample
    assert np.array_equal(d.modalities[1], clean.modalities[1])


def test_one_broken_pair_is_still_broken():
    rng_draws = [make_paired_views(30, mismatch=0.04, random_state=s) for s in range(20)]
    for d in rng_draws:
        broken = ~d.latents["paired"]
        assert np.all(d.latents["source"][broken] != np.flatnonzero(broken))


def test_nonlinear_pairs_have_no_linear_but_a_nonlinear_correlation():
    d = make_nonlinear_pairs(20000, noise=0.0, random_state=4)
    cross = np.corrcoef(d.modalities[0].T, d.modalities[1].T)[:8, 8:]
    assert np.abs(cross).max() < 0.05
    theta = d.latents["theta"]
    # modality 0 rotates (cos t, sin t, noise): cos 2t = cos^2 t - sin^2 t is a quadratic function of it
    x = d.modalities[0].astype(float)
    quad = np.hstack([np.ones((len(x), 1)), x, np.einsum("ni,nj->nij", x, x).reshape(len(x), -1)])
    coef, *_ = np.linalg.lstsq(quad, np.cos(2 * theta), rcond=None)
    assert np.allclose(quad @ coef, np.cos(2 * theta), atol=1e-4)
    assert d.y.max() == 3 and np.array_equal(d.y, np.floor((2 * theta % (2 * np.pi)) / (2 * np.pi) * 4))


def test_shared_private_factors_and_rendering():
    d = make_shared_private(500, n_levels=3, random_state=5)
    assert sorted(d.latents) == ["private_0", "private_1", "shared"] and np.array_equal(d.y, d.latents["shared"])
    assert {int(v) for v in np.unique(d.latents["private_1"])} == {0, 1, 2}
    same = make_shared_private(500, n_levels=3, noise=0.0, random_state=5)
    groups = {}
    for x, s, p in zip(same.modalities[0], same.latents["shared"], same.latents["private_0"], strict=True):
        groups.setdefault((s, p), []).append(x)
    assert all(np.allclose(v, v[0]) for v in groups.values())  # modality 0 is a function of (shared, private_0)


def test_planted_data_subset_and_split():
    d = make_shared_private(100, random_state=0)
    a, b = d.split((0.7, 0.3), random_state=0)
    assert a.n + b.n == 100 and isinstance(a, PlantedData) and len(a) == a.n
    assert np.array_equal(d.subset(np.arange(5)).latents["shared"], d.latents["shared"][:5])
    assert d.subset(d.y == 0).n == int((d.y == 0).sum())
    xs, y = d.to_torch()
    assert xs[0].shape == (100, 16) and y.dtype.is_floating_point is False
    with pytest.raises(ValueError, match="sum to 1"):
        d.split((0.5, 0.4))
    with pytest.raises(TypeError, match="integers or booleans"):
        d.subset(np.array([0.5]))
    with pytest.raises(ValueError, match="must lie in"):
        d.subset(np.array([100]))
    with pytest.raises(ValueError, match="100 entries"):
        d.subset(np.ones(5, dtype=bool))
    with pytest.raises(TypeError, match="fractions"):
        d.split(0.5)
    with pytest.raises(ValueError, match="at least one sample"):
        d.subset(np.arange(2)).split((0.5, 0.25, 0.25))


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: make_paired_views(0), ValueError, "n must be"),
        (lambda: make_paired_views(10, mismatch=1.0), ValueError, "mismatch"),
        (lambda: make_paired_views(10, noise=-1.0), ValueError, "noise"),
        (lambda: make_paired_views(10, dims=(3, 4, 5)), ValueError, "one size per modality"),
        (lambda: make_nonlinear_pairs(10, harmonic=1), ValueError, "harmonic"),
        (lambda: make_nonlinear_pairs(10, dims=1), ValueError, "at least 2"),
        (lambda: make_nonlinear_pairs(10, n_classes=1), ValueError, "n_classes"),
        (lambda: make_shared_private(10, n_levels=1), ValueError, "n_levels"),
        (lambda: make_shared_private(10, random_state=-1), ValueError, "random_state"),
        (lambda: make_shared_private(10, dims="16"), TypeError, "dims"),
    ],
)
def test_bad_arguments(call, err, match):
    with pytest.raises(err, match=match):
        call()
