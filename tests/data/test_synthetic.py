"""Tests of mmlab.data: planted rules, exact ground truth, helpers, validation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from mmlab.data import (
    INTERACTIONS,
    SyntheticMultimodal,
    corrupt_modality,
    make_cue_flip,
    make_interaction,
    make_polynomial,
)


def _col(data: SyntheticMultimodal, name: str) -> np.ndarray:
    return data.factors[:, data.truth.factor_names.index(name)]


# --------------------------------------------------------------------------- #
# make_interaction: shapes, determinism
# --------------------------------------------------------------------------- #
def test_shapes_and_dtypes():
    d = make_interaction(50, "synergy", dims=(5, 7), n_nuisance=2, random_state=0)
    assert d.n == len(d) == 50 and d.n_modalities == 2 and d.dims == (5, 7)
    assert all(x.dtype == np.float32 for x in d.modalities)
    assert d.y.dtype == np.int64 and d.y.shape == (50,)
    assert d.factors.dtype == np.int64 and d.factors.shape == (50, 2 * (3 + 2))
    assert d.component.shape == (50,)
    assert d.truth.factor_names[:3] == ("m0:shared", "m0:unique", "m0:synergy")
    assert "redundancy" in INTERACTIONS


def test_three_modalities_and_k_levels():
    d = make_interaction(200, "synergy", n_modalities=3, n_levels=3, random_state=0)
    assert d.dims == (16, 16, 16) and d.truth.n_classes == 3
    assert set(np.unique(d.factors)) <= {0, 1, 2}
    assert d.truth.joint.shape == (3, 3, 3, 3)


def test_same_seed_same_data_and_features_do_not_depend_on_rule():
    a = make_interaction(100, "synergy", random_state=3)
    b = make_interaction(100, "synergy", random_state=3)
    c = make_interaction(100, {"redundancy": 0.5, "uniqueness_1": 0.5}, random_state=3)
    d = make_interaction(100, "synergy", random_state=4)
    for xa, xb, xc in zip(a.modalities, b.modalities, c.modalities, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(xa, xc)  # only the labels change with the rule
    np.testing.assert_array_equal(a.factors, c.factors)
    assert not np.array_equal(a.modalities[0], d.modalities[0])


def test_generator_random_state_is_used():
    a = make_interaction(20, random_state=np.random.default_rng(5))
    b = make_interaction(20, random_state=np.random.default_rng(5))
    np.testing.assert_array_equal(a.modalities[1], b.modalities[1])


# --------------------------------------------------------------------------- #
# the planted rules
# --------------------------------------------------------------------------- #
def test_redundancy_rule_and_shared_copies():
    d = make_interaction(300, "redundancy", n_modalities=3, random_state=0)
    s = _col(d, "m0:shared")
    np.testing.assert_array_equal(s, _col(d, "m1:shared"))
    np.testing.assert_array_equal(s, _col(d, "m2:shared"))
    np.testing.assert_array_equal(d.y, s)
    assert d.truth.label_factors["redundancy"] == (0, 4, 8)
    assert d.truth.dominant_atom == "redundancy"


@pytest.mark.parametrize("name, modality", [("uniqueness", 0), ("uniqueness_0", 0), ("uniqueness_1", 1)])
def test_uniqueness_rule(name, modality):
    d = make_interaction(300, name, random_state=1)
    np.testing.assert_array_equal(d.y, _col(d, f"m{modality}:unique"))
    assert d.truth.dominant_atom == f"unique{modality + 1}"
    assert d.truth.components == (f"uniqueness_{modality}",)


@pytest.mark.parametrize("m, k", [(2, 2), (2, 4), (3, 2), (3, 3)])
def test_synergy_rule(m, k):
    d = make_interaction(400, "synergy", n_modalities=m, n_levels=k, random_state=2)
    total = sum(_col(d, f"m{i}:synergy") for i in range(m))
    np.testing.assert_array_equal(d.y, total % k)


def test_synergy_each_proper_subset_carries_no_information():
    # exact joint: p(code of any strict subset of modalities, y) = p(subset) p(y)
    for m in (2, 3):
        joint = make_interaction(10, "synergy", n_modalities=m, n_levels=3, random_state=0).truth.joint
        for keep in itertools.chain.from_iterable(itertools.combinations(range(m), r) for r in range(1, m)):
            drop = tuple(i for i in range(m) if i not in keep)
            p_sub_y = joint.sum(axis=drop)
            p_sub = p_sub_y.sum(axis=-1, keepdims=True)
            p_y = p_sub_y.sum(axis=tuple(range(p_sub_y.ndim - 1)), keepdims=False)
            np.testing.assert_allclose(p_sub_y, p_sub * p_y, atol=1e-15)
        # while all modalities together determine y
        assert np.all(joint.reshape(-1, 3).astype(bool).sum(axis=1) == 1)


def test_exact_joint_tables_match_canonical_ones():
    xor = np.zeros((2, 2, 2))
    for a, b in itertools.product(range(2), repeat=2):
        xor[a, b, a ^ b] = 0.25
    np.testing.assert_array_equal(make_interaction(5, "synergy", random_state=0).truth.joint, xor)
    red = np.zeros((2, 2, 2))
    red[0, 0, 0] = red[1, 1, 1] = 0.5
    np.testing.assert_array_equal(make_interaction(5, "redundancy", random_state=0).truth.joint, red)
    uni = np.zeros((2, 2, 2))
    for a, b in itertools.product(range(2), repeat=2):
        uni[a, b, a] = 0.25  # y = x1, x2 independent
    np.testing.assert_array_equal(make_interaction(5, "uniqueness_0", random_state=0).truth.joint, uni)


def test_sample_mixture_rules_proportions_and_bayes_accuracy(seed):
    d = make_interaction(4000, {"redundancy": 0.3, "synergy": 0.7}, random_state=seed)
    t = d.truth
    assert t.mixing == "sample" and t.components == ("redundancy", "synergy") and t.atoms is None
    share = np.mean(d.component == 1)
    assert abs(share - 0.7) < 5 * math.sqrt(0.21 / 4000)  # 5 binomial standard deviations
    red = _col(d, "m0:shared")
    syn = (_col(d, "m0:synergy") + _col(d, "m1:synergy")) % 2
    np.testing.assert_array_equal(d.y[d.component == 0], red[d.component == 0])
    np.testing.assert_array_equal(d.y[d.component == 1], syn[d.component == 1])
    # rules agree on half the factor settings (certain label), else the larger share wins: 1/2 + 1/2 * 0.7
    assert t.bayes_accuracy == pytest.approx(0.85)
    assert make_interaction(
        10, {"redundancy": 0.5, "synergy": 0.5}, random_state=0
    ).truth.bayes_accuracy == pytest.approx(0.75)


def test_composition_encodes_every_rule():
    d = make_interaction(500, ("redundancy", "uniqueness_1", "synergy"), n_levels=3, random_state=0)
    t = d.truth
    assert t.mixing == "compose" and t.n_classes == 27 and t.bayes_accuracy == pytest.approx(1.0)
    np.testing.assert_array_equal(d.y % 3, _col(d, "m0:shared"))
    np.testing.assert_array_equal((d.y // 3) % 3, _col(d, "m1:unique"))
    np.testing.assert_array_equal(d.y // 9, (_col(d, "m0:synergy") + _col(d, "m1:synergy")) % 3)
    bits = math.log2(3)
    assert dict(t.atoms) == pytest.approx({"redundancy": bits, "unique1": 0.0, "unique2": bits, "synergy": bits})
    assert t.dominant_atom is None


def test_degenerate_mixture_and_composition_are_pure():
    assert make_interaction(10, {"synergy": 1.0, "redundancy": 0.0}, random_state=0).truth.mixing == "pure"
    assert make_interaction(10, ["synergy"], random_state=0).truth.mixing == "pure"


def test_joint_is_a_distribution_and_codes_index_it(seed):
    for inter in ("synergy", {"redundancy": 0.5, "uniqueness_0": 0.5}, ("redundancy", "synergy")):
        d = make_interaction(200, inter, random_state=seed)
        j = d.truth.joint
        assert j.min() >= 0 and j.sum() == pytest.approx(1.0)
        codes = d.codes()
        assert len(codes) == 2
        # every observed (codes, y) cell has positive probability under the exact joint
        assert np.all(j[(*codes, d.y)] > 0)


def test_empirical_joint_converges_to_exact(seed):
    d = make_interaction(20000, {"uniqueness_0": 0.4, "synergy": 0.6}, random_state=seed)
    emp, exact = d.empirical_joint(), d.truth.joint
    sd = np.sqrt(exact * (1 - exact) / d.n)
    assert np.all(np.abs(emp - exact) <= 5 * sd + 1e-12)  # 5 binomial standard deviations per cell


def test_features_carry_the_factors():
    """The random projection keeps every factor decodable from its own modality (independent learner: kNN)."""
    from sklearn.neighbors import KNeighborsClassifier

    d = make_interaction(3000, "synergy", noise=0.3, random_state=0)
    x = d.modalities[0]
    for name in ("m0:shared", "m0:unique", "m0:synergy"):
        f = _col(d, name)
        knn = KNeighborsClassifier(5).fit(x[:2000], f[:2000])
        assert knn.score(x[2000:], f[2000:]) > 0.9, name
    # and nothing of the other modality's private factor
    knn = KNeighborsClassifier(5).fit(x[:2000], _col(d, "m1:synergy")[:2000])
    assert knn.score(x[2000:], _col(d, "m1:synergy")[2000:]) < 0.6


def test_standardised_features_and_noise_scale():
    clean = make_interaction(20000, "synergy", noise=0.0, random_state=0).modalities[0]
    np.testing.assert_allclose(clean.mean(0), 0.0, atol=0.05)
    np.testing.assert_allclose(clean.var(0), 1.0, rtol=0.1)
    noisy = make_interaction(20000, "synergy", noise=2.0, random_state=0).modalities[0]
    np.testing.assert_allclose((noisy - clean).std(0), 2.0, rtol=0.05)


@pytest.mark.slow
@pytest.mark.parametrize(
    "interaction, atoms",
    [
        ("redundancy", dict(redundancy=1.0)),
        ("uniqueness_0", dict(unique1=1.0)),
        ("uniqueness_1", dict(unique2=1.0)),
        ("synergy", dict(synergy=1.0)),
        (("redundancy", "synergy"), dict(redundancy=1.0, synergy=1.0)),
        (("uniqueness_0", "synergy"), dict(unique1=1.0, synergy=1.0)),
    ],
)
def test_planted_atoms_agree_with_dit(interaction, atoms):
    """truth.atoms against an independent exact PID (dit's BROJA, exponential-cone method) of truth.joint."""
    from mmlab.quantify import dit_pid

    t = make_interaction(10, interaction, random_state=0).truth
    got = dict(zip(("redundancy", "unique1", "unique2", "synergy"), dit_pid(t.joint), strict=True))
    expected = {k: atoms.get(k, 0.0) for k in got}
    assert dict(t.atoms) == pytest.approx(expected)
    assert got == pytest.approx(expected, abs=1e-5)  # solver tolerance


# --------------------------------------------------------------------------- #
# helpers on the container
# --------------------------------------------------------------------------- #
def test_split_is_a_seeded_partition():
    d = make_interaction(101, "synergy", random_state=0)
    parts = d.split((0.6, 0.2, 0.2), random_state=1)
    assert [p.n for p in parts] == [61, 20, 20]
    rows = [set(map(bytes, p.modalities[0])) for p in parts]
    assert not (rows[0] & rows[1]) and not (rows[0] & rows[2]) and not (rows[1] & rows[2])
    assert set.union(*rows) == set(map(bytes, d.modalities[0]))
    again = d.split((0.6, 0.2, 0.2), random_state=1)
    np.testing.assert_array_equal(parts[2].modalities[1], again[2].modalities[1])
    assert parts[0].truth is d.truth


def test_subset_and_to_torch():
    d = make_interaction(10, "synergy", random_state=0)
    s = d.subset(np.arange(10) < 4)
    assert s.n == 4
    np.testing.assert_array_equal(d.subset([1, 3]).y, d.y[[1, 3]])
    xs, y = s.to_torch()
    assert [x.dtype for x in xs] == [torch.float32] * 2 and y.dtype == torch.int64 and xs[0].shape == (4, 16)
    reg = make_polynomial(10, random_state=0)
    assert reg.to_torch()[1].dtype == torch.float32


def test_container_errors():
    d = make_interaction(10, "synergy", random_state=0)
    with pytest.raises(ValueError, match="sum to 1"):
        d.split((0.5, 0.2))
    with pytest.raises(TypeError, match="at least two shares"):
        d.split(0.5)
    with pytest.raises(ValueError, match="at least one sample"):
        d.split((0.95, 0.05))
    with pytest.raises(ValueError, match="boolean index"):
        d.subset(np.ones(3, dtype=bool))
    with pytest.raises(TypeError, match="integers or booleans"):
        d.subset([0.5])
    with pytest.raises(ValueError, match=r"index must lie in \[0, 10\)"):
        d.subset([10])
    with pytest.raises(ValueError, match="discrete joint"):
        make_polynomial(10, random_state=0).empirical_joint()


# --------------------------------------------------------------------------- #
# make_polynomial
# --------------------------------------------------------------------------- #
def test_polynomial_target_matches_hand_formula():
    # binary levels are -1/+1 (tau = 1): t = (z0+z1+z2)/sqrt(3) + (z0z1+z0z2+z1z2)/sqrt(3) + 2 z0z1z2
    d = make_polynomial(300, orders=(1, 2, 3), weights=(1.0, 1.0, 2.0), random_state=0)
    z = np.where(d.factors[:, [0, 2, 4]] == 1, 1.0, -1.0)
    t = z.sum(1) / np.sqrt(3) + (z[:, 0] * z[:, 1] + z[:, 0] * z[:, 2] + z[:, 1] * z[:, 2]) / np.sqrt(3) + 2 * z.prod(1)
    np.testing.assert_allclose(d.y, t, rtol=1e-6)
    np.testing.assert_allclose(d.aux["target"], t, rtol=1e-6)
    np.testing.assert_allclose(d.subset([3, 5]).aux["target"], t[[3, 5]], rtol=1e-6)
    assert d.truth.extra["r2_ceiling"] == pytest.approx({1: 1 / 6, 2: 2 / 6, 3: 1.0})


def test_polynomial_terms_are_orthonormal_over_all_levels():
    """Enumerate every level combination: each order's term has variance 1 and they are uncorrelated."""
    k = 4
    levels = np.linspace(-1, 1, k)
    tau = np.sqrt(np.mean(levels**2))
    grid = np.array(list(itertools.product(levels / tau, repeat=3)))
    terms = [
        grid.sum(1) / np.sqrt(3),
        (grid[:, 0] * grid[:, 1] + grid[:, 0] * grid[:, 2] + grid[:, 1] * grid[:, 2]) / np.sqrt(3),
        grid.prod(1),
    ]
    gram = np.array([[np.mean(a * b) for b in terms] for a in terms])
    np.testing.assert_allclose(gram, np.eye(3), atol=1e-12)
    d = make_polynomial(200, orders=(3,), n_levels=k, random_state=1)
    np.testing.assert_allclose(d.y, levels[d.factors[:, [0, 2, 4]]].prod(1) / tau**3, rtol=1e-5)


def test_polynomial_classification_is_parity_and_multiplicative_target():
    d = make_polynomial(400, orders=(3,), task="classification", random_state=0)
    np.testing.assert_array_equal(d.y, d.factors[:, [0, 2, 4]].sum(1) % 2)
    assert d.truth.dominant_atom == "synergy" and d.truth.joint.shape == (2, 2, 2, 2)
    m = make_polynomial(400, n_modalities=2, orders=(2,), target_noise=0.0, random_state=0)
    z = np.where(m.factors[:, [0, 2]] == 1, 1.0, -1.0)
    np.testing.assert_allclose(m.y, z.prod(1))
    noisy = make_polynomial(4000, n_modalities=2, orders=(2,), target_noise=1.0, random_state=0)
    assert noisy.truth.extra["r2_ceiling"][2] == pytest.approx(0.5)
    assert np.var(noisy.y) == pytest.approx(2.0, rel=0.1)


def test_polynomial_errors():
    with pytest.raises(ValueError, match="distinct integers in 1..n_modalities=2"):
        make_polynomial(10, n_modalities=2, orders=(3,))
    with pytest.raises(TypeError, match="non-empty sequence"):
        make_polynomial(10, orders=3)
    with pytest.raises(ValueError, match="one weight per order"):
        make_polynomial(10, orders=(1, 2), weights=(1.0,))
    with pytest.raises(ValueError, match="must not all be zero"):
        make_polynomial(10, orders=(1,), weights=(0.0,))
    with pytest.raises(ValueError, match="task must be one of"):
        make_polynomial(10, task="ranking")
    with pytest.raises(ValueError, match="2 or 3"):
        make_polynomial(10, n_modalities=4)


# --------------------------------------------------------------------------- #
# make_cue_flip
# --------------------------------------------------------------------------- #
def test_cue_flip(seed):
    d = make_cue_flip(4000, flip_rate=0.2, random_state=seed)
    s, c = d.factors[:, 0], d.factors[:, d.truth.factor_names.index("m1:cue")]
    np.testing.assert_array_equal(d.y, s ^ c)
    np.testing.assert_array_equal(d.aux["flipped"], c == 1)
    part = d.split((0.5, 0.5), random_state=0)[1]  # per-sample truth follows the samples
    np.testing.assert_array_equal(part.aux["flipped"], part.factors[:, d.truth.factor_names.index("m1:cue")] == 1)
    assert abs(c.mean() - 0.2) < 5 * math.sqrt(0.16 / 4000)
    assert d.truth.joint.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"flip_rate must lie in \(0, 1\); got 1.0"):
        make_cue_flip(10, flip_rate=1.0)


# --------------------------------------------------------------------------- #
# corrupt_modality
# --------------------------------------------------------------------------- #
def test_corrupt_replace_and_noise(seed):
    d = make_interaction(2000, "redundancy", random_state=seed)
    xs, mask = corrupt_modality(d.modalities, 1, fraction=0.25, scale=3.0, random_state=seed)
    assert mask.dtype == bool and mask.sum() == 500
    np.testing.assert_array_equal(xs[0], d.modalities[0])
    np.testing.assert_array_equal(xs[1][~mask], d.modalities[1][~mask])
    assert abs(xs[1][mask].std() - 3.0) < 0.1
    # the replaced rows are independent of the originals
    assert abs(np.corrcoef(xs[1][mask].ravel(), d.modalities[1][mask].ravel())[0, 1]) < 0.05
    ys, mask2 = corrupt_modality(d.modalities, 1, fraction=1.0, mode="noise", scale=0.5, random_state=seed)
    assert mask2.all()
    assert abs((ys[1] - d.modalities[1]).std() - 0.5) < 0.02
    assert d.modalities[1].base is None or not np.shares_memory(ys[1], d.modalities[1])


def test_corrupt_errors():
    xs = [np.zeros((4, 2)), np.zeros((4, 3))]
    with pytest.raises(TypeError, match="non-empty list or tuple"):
        corrupt_modality(np.zeros((4, 2)), 0)
    with pytest.raises(ValueError, match="paired samples"):
        corrupt_modality([np.zeros((4, 2)), np.zeros((5, 2))], 0)
    with pytest.raises(ValueError, match="must name one of the 2 modalities"):
        corrupt_modality(xs, 2)
    with pytest.raises(TypeError, match="index must be an integer"):
        corrupt_modality(xs, 0.0)
    with pytest.raises(ValueError, match="fraction must lie in"):
        corrupt_modality(xs, 0, fraction=1.5)
    with pytest.raises(ValueError, match="mode must be one of"):
        corrupt_modality(xs, 0, mode="mask")
    with pytest.raises(ValueError, match=r"scale must be >= 0; got -1.0"):
        corrupt_modality(xs, 0, scale=-1.0)
    with pytest.raises(ValueError, match=r"scale must be a finite real number >= 0; got inf"):
        corrupt_modality(xs, 0, scale=float("inf"))
    with pytest.raises(ValueError, match="must be finite"):
        corrupt_modality([np.full((4, 2), np.nan), np.zeros((4, 3))], 0)


# --------------------------------------------------------------------------- #
# make_interaction validation
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(interaction="xor"), ValueError, "interaction must be one of"),
        (dict(interaction="uniqueness_2"), ValueError, "numbered from 0"),
        (dict(interaction=3), TypeError, "interaction must be a name"),
        (dict(interaction={"synergy": 0.5}), ValueError, "sum to 1"),
        (dict(interaction={"synergy": -0.5, "redundancy": 1.5}), ValueError, "must lie in"),
        (dict(interaction={}), ValueError, "at least one rule"),
        (dict(interaction=[]), ValueError, "at least one rule"),
        (dict(interaction={"uniqueness": 0.5, "uniqueness_0": 0.5}), ValueError, "twice"),
        (dict(interaction=("synergy", "synergy")), ValueError, "each rule once"),
        (dict(interaction=[1]), TypeError, "names must be strings"),
        (dict(n_modalities=4), ValueError, "2 or 3"),
        (dict(n_modalities=1), ValueError, "n_modalities must be an integer >= 2"),
        (dict(n_levels=1), ValueError, "n_levels must be an integer >= 2"),
        (dict(dims=(4, 4, 4)), ValueError, "one size per modality"),
        (dict(dims="16"), TypeError, "dims must be an int or a sequence"),
        (dict(dims=0), ValueError, "dims must be an integer >= 1"),
        (dict(noise=-0.1), ValueError, r"noise must be >= 0; got -0.1"),
        (dict(noise=float("nan")), ValueError, r"noise must be a finite real number >= 0; got nan"),
        (dict(noise="a"), TypeError, r"noise must be a real number >= 0; got str 'a'"),
        (dict(n_nuisance=-1), ValueError, "n_nuisance must be an integer >= 0"),
        (dict(random_state="seed"), TypeError, "random_state must be None"),
        (dict(random_state=1.5), TypeError, "random_state must be None"),
        (dict(random_state=-5), ValueError, "random_state must be None.*negative int -5"),
    ],
)
def test_make_interaction_errors(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_interaction(10, **kwargs)


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        make_interaction(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        make_cue_flip(10.0)


def test_corrupt_given_rows():
    d = make_interaction(10, "redundancy", random_state=0)
    rows = np.arange(10) < 3
    xs, mask = corrupt_modality(d.modalities, 0, rows=rows, random_state=0)
    np.testing.assert_array_equal(mask, rows)
    np.testing.assert_array_equal(xs[0][3:], d.modalities[0][3:])
    assert not np.array_equal(xs[0][:3], d.modalities[0][:3])
    _, mask = corrupt_modality(d.modalities, 1, rows=[7, 9], random_state=0)
    assert list(np.flatnonzero(mask)) == [7, 9]
    with pytest.raises(ValueError, match="not both"):
        corrupt_modality(d.modalities, 0, rows=rows, fraction=0.5)
    with pytest.raises(ValueError, match="must have 10 entries"):
        corrupt_modality(d.modalities, 0, rows=rows[:5])
    with pytest.raises(ValueError, match=r"indices in \[0, 10\)"):
        corrupt_modality(d.modalities, 0, rows=[10])
    with pytest.raises(TypeError, match="boolean mask or integer indices"):
        corrupt_modality(d.modalities, 0, rows=[0.5])


# --------------------------------------------------------------------------- #
# requests too large for memory are refused before anything is drawn
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "make, kwargs",
    [
        (make_interaction, {}),
        (make_polynomial, {}),
        (make_cue_flip, {}),
        (make_interaction, {"n_levels": 10**7}),  # the projections' first layer grows with the levels
    ],
)
def test_huge_requests_are_refused_with_the_size_and_the_limit(make, kwargs):
    n = 10**10 if not kwargs else 10
    with pytest.raises(ValueError, match="asks for") as err:
        make(n, random_state=0, **kwargs)
    text = str(err.value)
    assert text.startswith(f"{make.__name__}(n={n}, dims=") and "asks for" in text
    assert "268,435,456" in text and "Lower n" in text and "MMLAB_MAX_ELEMENTS" in text


def test_the_size_limit_is_the_environment_s(monkeypatch):
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", str(200 * (16 + 16 + 32 + 8) + 2 * 4 * 2 * 32))
    assert make_interaction(200, random_state=0).n == 200  # exactly at the limit
    with pytest.raises(ValueError, match=r"make_interaction\(n=201, .*asks for"):
        make_interaction(201, random_state=0)
