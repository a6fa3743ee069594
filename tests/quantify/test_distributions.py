"""Tests of mmlab.quantify: the canonical PID tables and the table builders.

Mutual informations are computed here from scipy's entropy (an implementation
independent of mmlab.quantify.pid) and compared with closed forms worked out in
the comments; the PID atoms quoted in the module docstring are compared with the
``dit`` package's BROJA PID (exponential-cone method) when dit is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import entropy

from mmlab.quantify import (
    CANONICAL,
    and_,
    canonical,
    copy,
    from_samples,
    mixture,
    pair_copy,
    random_table,
    rdn_xor,
    redundant,
    symmetric_channel,
    xor,
)


def _h(p) -> float:
    """Entropy in bits of a probability array of any shape (scipy reference)."""
    return float(entropy(np.ravel(p), base=2))


def _mi(pab) -> float:
    """I(A;B) = H(A) + H(B) - H(A,B) of a 2-D joint table, in bits."""
    return _h(pab.sum(1)) + _h(pab.sum(0)) - _h(pab)


def _mi_sources(p):
    """(I(X1;Y), I(X2;Y), I(X1,X2;Y)) of a (|X1|, |X2|, |Y|) table."""
    return _mi(p.sum(1)), _mi(p.sum(0)), _mi(p.reshape(-1, p.shape[2]))


def _hb(x: float) -> float:
    """Binary entropy in bits."""
    return _h([x, 1 - x])


ALL_TABLES = {
    "xor": xor,
    "and": and_,
    "copy": copy,
    "copy2": lambda: copy(source=2),
    "redundant": redundant,
    "pair_copy": pair_copy,
    "rdn_xor": rdn_xor,
}

# name -> (I(X1;Y), I(X2;Y), I(X1,X2;Y)) in bits, worked out by hand:
CLOSED_FORMS = {
    "xor": (0.0, 0.0, 1.0),  # each bit alone is independent of the parity
    "and": (_hb(0.25) - 0.5, _hb(0.25) - 0.5, _hb(0.25)),  # H(Y)=h(1/4); H(Y|X1)=1/2·h(1/2)=1/2
    "copy": (1.0, 0.0, 1.0),  # Y = X1, X2 independent of both
    "copy2": (0.0, 1.0, 1.0),
    "redundant": (1.0, 1.0, 1.0),  # X1 = X2 = Y, a fair bit
    "pair_copy": (1.0, 1.0, 2.0),  # Y = (X1, X2), two independent bits
    "rdn_xor": (1.0, 1.0, 2.0),  # each source knows r only; the pair knows r and a^b
}

# name -> (R, U1, U2, S) in bits, the BROJA atoms stated in the module docstring
ATOMS = {
    "xor": (0.0, 0.0, 0.0, 1.0),
    "and": (_hb(0.25) - 0.5, 0.0, 0.0, 0.5),
    "copy": (0.0, 1.0, 0.0, 0.0),
    "redundant": (1.0, 0.0, 0.0, 0.0),
    "pair_copy": (0.0, 1.0, 1.0, 0.0),
    "rdn_xor": (1.0, 0.0, 0.0, 1.0),
}


# --------------------------------------------------------------------------- #
# canonical tables
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", sorted(ALL_TABLES))
def test_tables_are_probability_tables(name):
    p = ALL_TABLES[name]()
    assert p.ndim == 3 and p.dtype == np.float64
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(), 1.0, atol=1e-15)


@pytest.mark.parametrize("name", ["xor", "and", "copy", "copy2", "pair_copy"])
def test_sources_are_independent_fair_bits(name):
    p = ALL_TABLES[name]()
    np.testing.assert_allclose(p.sum(axis=2), np.full((2, 2), 0.25), atol=1e-15)


def test_redundant_sources_are_one_fair_bit():
    p = redundant()
    np.testing.assert_allclose(p.sum(axis=2), np.diag([0.5, 0.5]), atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=(0, 1)), [0.5, 0.5], atol=1e-15)


def test_rdn_xor_marginals():
    p = rdn_xor()
    # each source is two fair bits (uniform over 4 symbols); the sources share exactly r
    np.testing.assert_allclose(p.sum(axis=(1, 2)), np.full(4, 0.25), atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=(0, 1)), np.full(4, 0.25), atol=1e-15)
    np.testing.assert_allclose(_mi(p.sum(axis=2)), 1.0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_mutual_informations_match_closed_forms(name):
    got = _mi_sources(ALL_TABLES[name]())
    np.testing.assert_allclose(got, CLOSED_FORMS[name], atol=1e-12)


def test_and_numbers_are_the_published_ones():
    # Bertschinger et al. 2014 / Griffith & Koch 2014: AND has I(X1;Y) = 0.311 and I(X1,X2;Y) = 0.811 bits
    i1, _, i12 = _mi_sources(and_())
    assert round(i1, 3) == 0.311 and round(i12, 3) == 0.811


def test_copy_of_source_two_is_the_transpose():
    np.testing.assert_array_equal(copy(source=2), copy(source=1).transpose(1, 0, 2))


@pytest.mark.parametrize("bad", [0, 3, True, "1"])
def test_copy_rejects_a_bad_source(bad):
    with pytest.raises(ValueError, match="source must be 1 or 2"):
        copy(source=bad)


@pytest.mark.parametrize("name", ["xor", "and", "copy", "redundant"])
def test_canonical_returns_the_named_table(name):
    np.testing.assert_array_equal(canonical(name), CANONICAL[name]())
    assert canonical(name).shape == (2, 2, 2)


def test_canonical_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="name must be one of"):
        canonical("or")


def test_canonical_mapping_is_read_only():
    with pytest.raises(TypeError):
        CANONICAL["or"] = xor  # type: ignore[index]


@pytest.mark.parametrize("name", sorted(ATOMS))
def test_documented_atoms_agree_with_dit_cone(name):
    from mmlab.quantify import dit_pid

    got = dit_pid(ALL_TABLES[name]())
    # 1e-6 bits: the cone solver's tolerance on these tiny tables is far below this
    np.testing.assert_allclose(got, ATOMS[name], atol=1e-6)


# --------------------------------------------------------------------------- #
# symmetric channel
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("noise", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_symmetric_channel_mutual_information_closed_form(noise, k):
    p = symmetric_channel(noise, k=k)
    assert p.shape == (k, k)
    np.testing.assert_allclose(p.sum(axis=1), np.full(k, 1 / k), atol=1e-15)  # uniform input
    np.testing.assert_allclose(p.sum(axis=0), np.full(k, 1 / k), atol=1e-15)  # uniform output
    expected = np.log2(k) - _hb(noise) - noise * np.log2(k - 1)
    np.testing.assert_allclose(_mi(p), expected, atol=1e-12)


def test_binary_channel_carries_nothing_at_half_noise():
    np.testing.assert_allclose(_mi(symmetric_channel(0.5)), 0.0, atol=1e-12)


@pytest.mark.parametrize(
    "noise, k, err, match",
    [
        (-0.1, 2, ValueError, "noise must lie in"),
        (1.5, 2, ValueError, "noise must lie in"),
        ("0.1", 2, TypeError, "noise must be a real number"),
        (0.1, 1, ValueError, "k must be an integer >= 2"),
        (0.1, 2.0, TypeError, "k must be an integer"),
    ],
)
def test_symmetric_channel_rejects_bad_arguments(noise, k, err, match):
    with pytest.raises(err, match=match):
        symmetric_channel(noise, k=k)


# --------------------------------------------------------------------------- #
# mixture
# --------------------------------------------------------------------------- #
def test_mixture_endpoints_and_midpoint():
    np.testing.assert_array_equal(mixture(xor(), and_(), 0.0), xor())
    np.testing.assert_array_equal(mixture(xor(), and_(), 1.0), and_())
    mid = mixture(xor(), redundant(), 0.25)
    np.testing.assert_allclose(mid, 0.75 * xor() + 0.25 * redundant(), atol=1e-15)
    np.testing.assert_allclose(mid.sum(), 1.0, atol=1e-15)


def test_mixture_accepts_lists():
    np.testing.assert_allclose(mixture(xor().tolist(), copy().tolist(), 0.5), (xor() + copy()) / 2)


@pytest.mark.parametrize(
    "p, q, t, err, match",
    [
        (xor(), pair_copy(), 0.5, ValueError, "same shape"),
        (xor(), and_(), 1.2, ValueError, "t must lie in"),
        (xor(), and_(), -0.1, ValueError, "t must lie in"),
        (xor(), and_(), None, TypeError, "t must be a real number"),
        (xor() * 0.93, and_(), 0.5, ValueError, r"p must sum to 1 \(a probability table\); it sums to 0.93"),
        (
            xor(),
            and_() + np.where(np.arange(8).reshape(2, 2, 2) < 2, [[[0.25, -0.25]]], 0.0),
            0.5,
            ValueError,
            "q must be non-negative",
        ),
        (xor()[0], and_(), 0.5, ValueError, "p must have 3 dimension"),
        (np.where(xor() > 0, np.nan, 0.0), and_(), 0.5, ValueError, "p must be finite"),
        (np.zeros((0, 2, 2)), np.zeros((0, 2, 2)), 0.5, ValueError, "p must be a non-empty probability table"),
        ([["a"]], and_(), 0.5, TypeError, "p must be an array-like of numbers"),
        (xor().astype(complex), and_(), 0.5, TypeError, "p must hold real probabilities; got complex"),
    ],
)
def test_mixture_rejects_bad_inputs(p, q, t, err, match):
    with pytest.raises(err, match=match):
        mixture(p, q, t)


@pytest.mark.parametrize("t", [0.0, 1e-3, 0.3, 0.5, 0.999, 1.0])
def test_mixture_of_tables_at_the_edge_of_the_tolerance_is_accepted_by_exact_pid(t):
    # one tolerance (SUM_RTOL): inputs that miss 1 by up to 1e-9 (or float32 rounding) are accepted,
    # and the mixture that comes back sums to 1 to round-off, so exact_pid accepts it too
    from mmlab._validation import SUM_RTOL
    from mmlab.quantify import exact_pid

    p = xor() * (1 + 0.9 * SUM_RTOL)
    q = random_table((2, 2, 2), random_state=3) * (1 - 0.9 * SUM_RTOL)
    for first, second in [(p, q), (p.astype(np.float32), q.astype(np.float32))]:
        m = mixture(first, second, t)
        assert m.dtype == np.float64 and abs(m.sum() - 1.0) <= 1e-15
        assert exact_pid(m).duality_gap <= 1e-9


def test_mixture_beyond_the_tolerance_is_refused_with_the_same_message_as_exact_pid():
    from mmlab._validation import SUM_RTOL
    from mmlab.quantify import exact_pid

    p = xor() * (1 + 3 * SUM_RTOL)
    with pytest.raises(ValueError, match="p must sum to 1"):
        mixture(p, and_(), 0.5)
    with pytest.raises(ValueError, match="p must sum to 1"):
        exact_pid(p)


# --------------------------------------------------------------------------- #
# from_samples
# --------------------------------------------------------------------------- #
def test_from_samples_on_a_hand_counted_example():
    # 4 samples: (0,0,0), (1,1,0), (1,0,1), (0,1,1) -> the XOR table, each cell 1/4
    np.testing.assert_array_equal(from_samples([0, 1, 1, 0], [0, 1, 0, 1], [0, 0, 1, 1]), xor())


@pytest.mark.parametrize("seed", range(5))
def test_from_samples_agrees_with_histogramdd(seed):
    rng = np.random.default_rng(seed)
    x1, x2, y = rng.integers(0, 3, 200), rng.integers(0, 4, 200), rng.integers(0, 2, 200)
    ref, _ = np.histogramdd(np.c_[x1, x2, y], bins=(np.arange(4) - 0.5, np.arange(5) - 0.5, np.arange(3) - 0.5))
    np.testing.assert_allclose(from_samples(x1, x2, y, sizes=(3, 4, 2)), ref / 200, atol=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_from_samples_recovers_a_known_table(seed):
    rng = np.random.default_rng(seed)
    p = and_()
    n = 20_000
    cells = rng.choice(8, size=n, p=p.ravel())
    x1, x2, y = np.unravel_index(cells, p.shape)
    est = from_samples(x1, x2, y)
    # each cell's standard error is <= sqrt(0.25 * 0.75 / n) ≈ 0.0031; 5 of them is 0.015
    np.testing.assert_allclose(est, p, atol=0.015)


def test_from_samples_sizes_keeps_unseen_symbols():
    p = from_samples([0, 0], [1, 1], [0, 0], sizes=(3, 2, 2))
    assert p.shape == (3, 2, 2) and p[0, 1, 0] == 1.0 and p.sum() == 1.0


def test_from_samples_accepts_bools_and_integral_floats():
    a = from_samples(np.array([True, False]), np.array([0.0, 1.0]), [1, 0])
    np.testing.assert_array_equal(a, from_samples([1, 0], [0, 1], [1, 0]))


def test_from_samples_accepts_torch_tensors():
    import torch

    got = from_samples(torch.tensor([0, 1]), torch.tensor([1, 1]), torch.tensor([0, 1]))
    np.testing.assert_array_equal(got, from_samples([0, 1], [1, 1], [0, 1]))


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        (([0, 1], [0, 1, 1], [0, 1]), {}, ValueError, "paired samples"),
        (([], [], []), {}, ValueError, "at least one sample"),
        (([0, -1], [0, 1], [0, 1]), {}, ValueError, "x1 must hold labels >= 0"),
        (([0, 1], [0, 0.5], [0, 1]), {}, TypeError, "x2 must hold integer labels"),
        (([0, 1], [0, 1], ["a", "b"]), {}, TypeError, "y must"),
        (([[0, 1]], [0, 1], [0, 1]), {}, ValueError, "x1 must have 1 dimension"),
        (([0, 1], [0, np.nan], [0, 1]), {}, ValueError, "x2 must be finite"),
        (([0, 2], [0, 1], [0, 1]), {"sizes": (2, 2, 2)}, ValueError, "x1 holds the label 2"),
        (([0, 1], [0, 1], [0, 1]), {"sizes": (2, 2)}, ValueError, "sizes must be three"),
        (([0, 1], [0, 1], [0, 1]), {"sizes": "222"}, ValueError, "sizes must be three"),
        (([0, 1], [0, 1], [0, 1]), {"sizes": (2, 0, 2)}, ValueError, r"sizes\[1\] must be an integer >= 1"),
    ],
)
def test_from_samples_rejects_bad_inputs(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        from_samples(*args, **kwargs)


# --------------------------------------------------------------------------- #
# random_table
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", range(5))
def test_random_table_is_a_reproducible_probability_table(seed):
    p = random_table((3, 2, 4), random_state=seed)
    assert p.shape == (3, 2, 4) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(), 1.0, atol=1e-12)
    np.testing.assert_array_equal(p, random_table((3, 2, 4), random_state=seed))


@pytest.mark.parametrize("seed", range(5))
def test_random_table_zero_fraction(seed):
    p = random_table((4, 4, 4), random_state=np.random.default_rng(seed), zero_fraction=0.25)
    assert int((p == 0).sum()) == 16
    np.testing.assert_allclose(p.sum(), 1.0, atol=1e-12)


def test_random_table_keeps_one_cell_at_most_zero_fraction():
    p = random_table((1, 1, 2), random_state=0, zero_fraction=0.99)
    assert int((p > 0).sum()) == 1 and p.sum() == 1.0


@pytest.mark.parametrize(
    "shape, kwargs, err, match",
    [
        ((2, 2), {}, ValueError, "shape must be three"),
        ("222", {}, ValueError, "shape must be three"),
        ((2, 0, 2), {}, ValueError, r"shape\[1\] must be an integer >= 1"),
        ((2, 2, 2), {"concentration": 0.0}, ValueError, r"concentration must be (> 0|a finite)"),
        ((2, 2, 2), {"concentration": np.inf}, ValueError, r"concentration must be (> 0|a finite)"),
        ((2, 2, 2), {"zero_fraction": 1.0}, ValueError, "zero_fraction must lie in"),
    ],
)
def test_random_table_rejects_bad_arguments(shape, kwargs, err, match):
    with pytest.raises(err, match=match):
        random_table(shape, random_state=0, **kwargs)
