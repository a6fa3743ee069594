"""Tests of mmlab.quantify.pid: the information helpers and the exact PID solver.

References are closed forms (worked out in the comments), properties that hold
for every table, and an independent implementation: the BROJA PID of the
``dit`` package with ``method="cone"`` (the exponential-cone program of
Makkeh, Theis & Vicente 2018, solved by ECOS). ``dit`` is a test-only
dependency. Its default method is not used as a reference (it picks an SLSQP
solver on small alphabets; ``bench/bench_pid.py`` records how far off it is).
"""

from __future__ import annotations

import dataclasses
import re
import time

import numpy as np
import pytest

from mmlab.exceptions import SolverError
from mmlab.quantify import (
    ATOMS,
    conditional_mutual_information,
    dit_pid,
    entropy,
    exact_pid,
    mutual_information,
)
from mmlab.quantify import random_table as dirichlet_table
from mmlab.quantify.pid._exact import _drop_negligible, _perturbation_bits

N_DIT_CASES = 60


def h2(x: float) -> float:
    """Binary entropy in bits (closed form)."""
    return 0.0 if x in (0.0, 1.0) else float(-x * np.log2(x) - (1 - x) * np.log2(1 - x))


def table(cells: dict[tuple[int, int, int], float], shape: tuple[int, int, int]) -> np.ndarray:
    p = np.zeros(shape)
    for idx, value in cells.items():
        p[idx] = value
    return p


def random_table(seed: int) -> np.ndarray:
    """Random p[x1, x2, y] with alphabet sizes 2..6 (rectangular), of one of five kinds."""
    rng = np.random.default_rng(seed)
    shape = tuple(int(k) for k in rng.integers(2, 7, size=3))
    kind = seed % 5
    if kind == 0:  # dense
        p = rng.random(shape)
    elif kind == 1:  # peaked (Dirichlet 0.5 over the cells)
        p = rng.dirichlet(np.full(int(np.prod(shape)), 0.5)).reshape(shape)
    elif kind == 2:  # about 40% zero cells
        p = rng.random(shape) * (rng.random(shape) > 0.4)
    elif kind == 3:  # an unused x1 symbol and a y that only some (x1, x2) pairs produce
        p = rng.random(shape)
        p[rng.integers(shape[0])] = 0.0
        p[:, :, rng.integers(shape[2])] *= rng.random(shape[:2]) < 0.3
    else:  # a noisy function Y = f(X1, X2)
        f = rng.integers(shape[2], size=shape[:2])
        p = 0.05 * rng.random(shape)
        p[np.arange(shape[0])[:, None], np.arange(shape[1])[None, :], f] += 1.0
    if p.sum() == 0:
        p[0, 0, 0] = 1.0
    return p / p.sum()


def mi_x1x2_y(q: np.ndarray) -> float:
    return mutual_information(q.reshape(-1, q.shape[2]))


# --------------------------------------------------------------------------- #
# entropy, mutual information, conditional mutual information: closed forms
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_entropy_of_uniform_is_log2_n(n):
    assert entropy(np.full(n, 1 / n)) == pytest.approx(np.log2(n), abs=1e-12)


@pytest.mark.parametrize("x", [0.0, 0.1, 0.25, 0.5, 0.9])
def test_entropy_of_a_coin_is_the_binary_entropy(x):
    assert entropy([x, 1 - x]) == pytest.approx(h2(x), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_joint_entropy_of_independent_variables_adds(seed):
    rng = np.random.default_rng(seed)
    px, py = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4))
    assert entropy(np.outer(px, py)) == pytest.approx(entropy(px) + entropy(py), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_mutual_information_of_independent_variables_is_zero(seed):
    rng = np.random.default_rng(seed)
    pxy = np.outer(rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(5)))
    assert mutual_information(pxy) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 6])
def test_mutual_information_of_a_copy_is_the_entropy(n):
    assert mutual_information(np.eye(n) / n) == pytest.approx(np.log2(n), abs=1e-12)


@pytest.mark.parametrize("prior, eps", [(0.5, 0.1), (0.5, 0.5), (0.3, 0.2), (0.8, 0.05)])
def test_mutual_information_of_a_binary_symmetric_channel(prior, eps):
    # X ~ Bernoulli(prior), Y = X flipped with probability eps:
    # I(X; Y) = H(Y) - H(Y | X) = h2(prior (1 - eps) + (1 - prior) eps) - h2(eps)
    px = np.array([1 - prior, prior])
    channel = np.array([[1 - eps, eps], [eps, 1 - eps]])
    expected = h2(prior * (1 - eps) + (1 - prior) * eps) - h2(eps)
    assert mutual_information(px[:, None] * channel) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_mutual_information_is_symmetric(seed):
    pxy = np.random.default_rng(seed).dirichlet(np.ones(12)).reshape(3, 4)
    assert mutual_information(pxy) == pytest.approx(mutual_information(pxy.T), abs=1e-12)


def test_conditional_mutual_information_of_xor_is_one_bit():
    # X, Y fair independent coins, Z = X xor Y: I(X; Y) = 0 but I(X; Y | Z) = H(X | Z) = 1
    p = table({(x, y, x ^ y): 0.25 for x in (0, 1) for y in (0, 1)}, (2, 2, 2))
    assert mutual_information(p.sum(axis=2)) == pytest.approx(0.0, abs=1e-12)
    assert conditional_mutual_information(p) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3])
def test_conditional_mutual_information_of_a_copy_given_independent_noise(n):
    # Y = X uniform on n symbols, Z an independent fair coin: I(X; Y | Z) = H(X) = log2 n
    p = (np.eye(n) / n)[:, :, None] * np.array([0.5, 0.5])
    assert conditional_mutual_information(p) == pytest.approx(np.log2(n), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_conditional_mutual_information_is_zero_under_conditional_independence(seed):
    rng = np.random.default_rng(seed)
    pz = rng.dirichlet(np.ones(3))
    px_z = rng.dirichlet(np.ones(4), size=3)  # rows: p(x | z)
    py_z = rng.dirichlet(np.ones(2), size=3)
    p = np.einsum("z,zx,zy->xyz", pz, px_z, py_z)
    assert conditional_mutual_information(p) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_chain_rule_of_mutual_information(seed):
    # I(X; Y, Z) = I(X; Z) + I(X; Y | Z)
    p = np.random.default_rng(seed).dirichlet(np.ones(24)).reshape(2, 3, 4)
    lhs = mutual_information(p.reshape(2, -1))
    rhs = mutual_information(p.sum(axis=1)) + conditional_mutual_information(p)
    assert lhs == pytest.approx(rhs, abs=1e-12)


# --------------------------------------------------------------------------- #
# input validation (every branch, every public function)
# --------------------------------------------------------------------------- #
GOOD = {
    entropy: np.full(4, 0.25),
    mutual_information: np.full((2, 2), 0.25),
    conditional_mutual_information: np.full((2, 2, 2), 0.125),
    exact_pid: np.full((2, 2, 2), 0.125),
}


@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_rejects_negative_entries(fn):
    p = GOOD[fn].copy()
    p.flat[0], p.flat[1] = -0.1, p.flat[1] + 0.1
    with pytest.raises(ValueError, match="non-negative; got 1 negative"):
        fn(p)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_rejects_non_finite_entries(fn, bad):
    p = GOOD[fn].copy()
    p.flat[0] = bad
    with pytest.raises(ValueError, match="must be finite; got 1 NaN or infinite entry"):
        fn(p)


@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_rejects_tables_that_do_not_sum_to_one(fn):
    p = GOOD[fn] * 0.93
    with pytest.raises(ValueError, match="sums to 0.93"):
        fn(p)


@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_accepts_round_off_in_the_sum(fn):
    fn(GOOD[fn] * (1 + 1e-10))
    with pytest.raises(ValueError, match="must sum to 1"):
        fn(GOOD[fn] * (1 + 1e-6))


@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_rejects_empty_tables(fn):
    shape = (0,) + GOOD[fn].shape[1:]
    with pytest.raises(ValueError, match="non-empty probability table"):
        fn(np.zeros(shape))


@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_rejects_non_numeric_input(fn):
    with pytest.raises(TypeError, match="array-like of numbers"):
        fn(np.full(GOOD[fn].shape, "a"))


@pytest.mark.parametrize(
    "fn, shape",
    [
        (mutual_information, (2, 2, 2)),
        (conditional_mutual_information, (2, 2)),
        (exact_pid, (4, 2)),
        (exact_pid, (2, 2, 2, 1)),
    ],
)
def test_rejects_the_wrong_number_of_dimensions(fn, shape):
    p = np.full(shape, 1 / np.prod(shape))
    with pytest.raises(ValueError, match=f"must have {len(GOOD[fn].shape)} dimension"):
        fn(p)


@pytest.mark.parametrize("tol", [0.0, 1.0, -1e-3])
def test_pid_rejects_tol_outside_the_unit_interval(tol):
    with pytest.raises(ValueError, match="tol must lie in"):
        exact_pid(GOOD[exact_pid], tol=tol)


def test_pid_rejects_a_non_numeric_tol():
    with pytest.raises(TypeError, match="tol must be a real number"):
        exact_pid(GOOD[exact_pid], tol="small")


def test_pid_rejects_bad_max_iter():
    with pytest.raises(ValueError, match="max_iter must be an integer >= 1"):
        exact_pid(GOOD[exact_pid], max_iter=0)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        exact_pid(GOOD[exact_pid], max_iter=10.0)


# --------------------------------------------------------------------------- #
# PID: canonical distributions (closed forms)
# --------------------------------------------------------------------------- #
def xor() -> np.ndarray:
    return table({(a, b, a ^ b): 0.25 for a in (0, 1) for b in (0, 1)}, (2, 2, 2))


def and_() -> np.ndarray:
    return table({(a, b, a & b): 0.25 for a in (0, 1) for b in (0, 1)}, (2, 2, 2))


def copy_x1() -> np.ndarray:  # Y = X1; X1, X2 independent fair bits
    return table({(a, b, a): 0.25 for a in (0, 1) for b in (0, 1)}, (2, 2, 2))


def redundant() -> np.ndarray:  # X1 = X2 = Y, a fair bit
    return table({(a, a, a): 0.5 for a in (0, 1)}, (2, 2, 2))


def pair_copy() -> np.ndarray:  # Y = (X1, X2)
    return table({(a, b, 2 * a + b): 0.25 for a in (0, 1) for b in (0, 1)}, (2, 2, 4))


# AND: I(X1; Y) = H(Y) - H(Y | X1) = h2(1/4) - (1/2) h2(1/2) = h2(1/4) - 1/2 = 0.311278...,
# U1 = U2 = 0, so R = h2(1/4) - 1/2 and S = I(X1, X2; Y) - R = h2(1/4) - R = 1/2
CANONICAL = {
    "xor": (xor, {"redundancy": 0.0, "unique1": 0.0, "unique2": 0.0, "synergy": 1.0}),
    "and": (and_, {"redundancy": h2(0.25) - 0.5, "unique1": 0.0, "unique2": 0.0, "synergy": 0.5}),
    "copy": (copy_x1, {"redundancy": 0.0, "unique1": 1.0, "unique2": 0.0, "synergy": 0.0}),
    "redundant": (redundant, {"redundancy": 1.0, "unique1": 0.0, "unique2": 0.0, "synergy": 0.0}),
    "pair_copy": (pair_copy, {"redundancy": 0.0, "unique1": 1.0, "unique2": 1.0, "synergy": 0.0}),
}


@pytest.mark.parametrize("name", list(CANONICAL))
def test_canonical_distributions_match_their_closed_form(name):
    make, expected = CANONICAL[name]
    r = exact_pid(make())
    assert r.duality_gap < 1e-9
    for atom, value in expected.items():
        assert getattr(r, atom) == pytest.approx(value, abs=1e-9), atom
    assert r.total == pytest.approx(sum(expected.values()), abs=1e-12)


def test_and_redundancy_to_many_digits():
    assert exact_pid(and_()).redundancy == pytest.approx(0.311278124459133, abs=1e-9)


@pytest.mark.parametrize("name", list(CANONICAL))
def test_canonical_distributions_agree_with_dit_cone(name):
    p = CANONICAL[name][0]()
    r, ref = exact_pid(p), dit_pid(p)
    assert np.abs(r.as_array() - ref).max() < 1e-6


def test_constant_target_has_no_information():
    p = np.random.default_rng(0).dirichlet(np.ones(6)).reshape(2, 3, 1)
    r = exact_pid(p)
    assert r.n_iter == 0
    np.testing.assert_allclose([*r.as_array(), r.total], 0.0, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_target_independent_of_the_sources_has_no_information(seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(12)).reshape(3, 4)[:, :, None] * rng.dirichlet(np.ones(3))
    np.testing.assert_allclose(exact_pid(p).as_array(), 0.0, atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_a_single_valued_source_leaves_only_the_other_unique(seed):
    # |X1| = 1: R = U1 = S = 0 and U2 = I(X2; Y)
    p = np.random.default_rng(seed).dirichlet(np.ones(12)).reshape(1, 4, 3)
    r = exact_pid(p)
    assert r.unique2 == pytest.approx(mutual_information(p[0]), abs=1e-12)
    np.testing.assert_allclose([r.redundancy, r.unique1, r.synergy], 0.0, atol=1e-12)


# --------------------------------------------------------------------------- #
# PID: properties on random tables
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", range(10))
def test_atoms_are_non_negative_and_sum_to_the_total(seed):
    p = random_table(seed)
    r = exact_pid(p)
    assert r.duality_gap < 1e-9
    assert r.as_array().min() >= -1e-9
    assert r.as_array().sum() == pytest.approx(r.total, abs=1e-9)
    assert r.total == pytest.approx(mi_x1x2_y(p), abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_optimal_coupling_keeps_both_source_target_marginals(seed):
    p = random_table(seed)
    q = exact_pid(p).q
    assert q.shape == p.shape and q.min() >= 0.0
    np.testing.assert_allclose(q.sum(axis=1), p.sum(axis=1), rtol=0, atol=1e-12)
    np.testing.assert_allclose(q.sum(axis=0), p.sum(axis=0), rtol=0, atol=1e-12)
    # no coupling in Delta_p puts mass where p(x1, y) = 0 or p(x2, y) = 0
    outside = (p.sum(axis=1)[:, None, :] == 0) | (p.sum(axis=0)[None, :, :] == 0)
    assert np.all(q[outside] == 0.0)


@pytest.mark.parametrize("seed", range(10))
def test_unique_information_is_the_conditional_mutual_information_under_q(seed):
    # U1 = I_q*(X1; Y | X2): axes (x1, y | x2); U2 = I_q*(X2; Y | X1): axes (x2, y | x1)
    r = exact_pid(random_table(seed))
    assert conditional_mutual_information(r.q.transpose(0, 2, 1)) == pytest.approx(r.unique1, abs=1e-8)
    assert conditional_mutual_information(r.q.transpose(1, 2, 0)) == pytest.approx(r.unique2, abs=1e-8)


@pytest.mark.parametrize("seed", range(10))
def test_no_coupling_in_delta_p_has_less_information(seed):
    # Feasible points of the program: p itself, the coupling with X1, X2 independent given
    # Y, and random couplings fitted to both marginals by iterative proportional fitting.
    rng = np.random.default_rng(seed)
    p = random_table(seed)
    a, b = p.sum(axis=1), p.sum(axis=0)
    best = mi_x1x2_y(exact_pid(p).q)
    py = a.sum(axis=0)
    q_indep = np.divide(a[:, None, :] * b[None, :, :], py, out=np.zeros(p.shape), where=py > 0)
    candidates = [p, q_indep]
    for _ in range(10):
        q = rng.random(p.shape) * (a[:, None, :] > 0) * (b[None, :, :] > 0)
        for _ in range(500):
            rows = q.sum(axis=1)
            q *= np.divide(a, rows, out=np.zeros_like(a), where=rows > 0)[:, None, :]
            cols = q.sum(axis=0)
            q *= np.divide(b, cols, out=np.zeros_like(b), where=cols > 0)[None, :, :]
        candidates.append(q)
    for q in candidates:
        assert np.abs(q.sum(axis=1) - a).max() < 1e-9  # really in Delta_p
        assert mi_x1x2_y(q) >= best - 1e-9


@pytest.mark.parametrize("seed", range(10))
def test_swapping_the_sources_swaps_the_unique_atoms(seed):
    p = random_table(seed)
    r, s = exact_pid(p), exact_pid(p.transpose(1, 0, 2))
    np.testing.assert_allclose(
        [s.redundancy, s.unique1, s.unique2, s.synergy],
        [r.redundancy, r.unique2, r.unique1, r.synergy],
        atol=1e-9,
    )


@pytest.mark.parametrize("seed", range(5))
def test_relabelling_symbols_changes_nothing(seed):
    rng = np.random.default_rng(seed)
    p = random_table(seed)
    perm = [rng.permutation(n) for n in p.shape]
    np.testing.assert_allclose(exact_pid(p[np.ix_(*perm)]).as_array(), exact_pid(p).as_array(), atol=1e-9)


def test_unused_symbols_change_nothing():
    p = random_table(3)
    padded = np.zeros((p.shape[0] + 1, p.shape[1] + 2, p.shape[2] + 1))
    padded[1:, 2:, :-1] = p
    r, s = exact_pid(p), exact_pid(padded)
    np.testing.assert_allclose(s.as_array(), r.as_array(), atol=1e-9)
    assert np.all(s.q[0] == 0) and np.all(s.q[:, :2] == 0) and np.all(s.q[:, :, -1] == 0)


@pytest.mark.parametrize("t", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_mixtures_of_canonical_tables_are_certified(t):
    # the lecture's widget morphs between canonical tables; every mixture must be solved to tol
    for first, second in [(xor, and_), (and_, redundant), (xor, copy_x1), (copy_x1, redundant)]:
        p = (1 - t) * first() + t * second()
        r = exact_pid(p)
        assert r.duality_gap <= 1e-9
        assert r.as_array().sum() == pytest.approx(r.total, abs=1e-12)


def test_pid_accepts_lists_and_float32_tables():
    counts = np.array([[[3, 1], [0, 4]], [[2, 2], [5, 3]]])
    p = counts / counts.sum()
    r64 = exact_pid(p.tolist())
    r32 = exact_pid(p.astype(np.float32))  # sums to 1 only within float32 rounding
    assert r32.q.dtype == np.float64 and r32.duality_gap < 1e-9
    np.testing.assert_allclose(r32.as_array(), r64.as_array(), atol=1e-6)
    with pytest.raises(ValueError, match="sums to 1.25"):
        exact_pid((p * 1.25).astype(np.float32))


def test_a_16x16x16_table_is_solved_quickly():
    p = np.random.default_rng(0).random((16, 16, 16))
    start = time.perf_counter()
    r = exact_pid(p / p.sum())
    assert r.duality_gap < 1e-9
    assert time.perf_counter() - start < 5.0  # about 0.1 s on one core; generous for CI


# --------------------------------------------------------------------------- #
# PID: agreement with dit's exponential-cone solver
# --------------------------------------------------------------------------- #
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(N_DIT_CASES))
def test_random_tables_agree_with_dit_cone(seed):
    p = random_table(seed)
    r, ref = exact_pid(p), dit_pid(p)
    diff = np.abs(r.as_array() - ref)
    assert diff.max() < 1e-6, dict(zip(ATOMS, diff, strict=True))


def test_random_cases_cover_rectangular_and_zero_cell_tables():
    tables = [random_table(seed) for seed in range(N_DIT_CASES)]
    assert sum(len(set(t.shape)) > 1 for t in tables) >= 30
    assert sum(bool(np.any(t == 0)) for t in tables) >= 20
    assert {k for t in tables for k in t.shape} == {2, 3, 4, 5, 6}


# --------------------------------------------------------------------------- #
# the result object and the certificate
# --------------------------------------------------------------------------- #
def test_result_is_frozen_and_its_coupling_read_only():
    r = exact_pid(and_())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.synergy = 0.0
    with pytest.raises(ValueError, match="read-only"):
        r.q[0, 0, 0] = 1.0


def test_result_as_dict_and_repr():
    r = exact_pid(xor())
    assert r.as_dict() == {
        "redundancy": r.redundancy,
        "unique1": r.unique1,
        "unique2": r.unique2,
        "synergy": r.synergy,
        "total": r.total,
    }
    assert "synergy=1.0000" in repr(r) and "exact" in repr(r)


def test_an_uncertified_result_raises_instead_of_returning():
    # one Newton step cannot reach the optimum: no decomposition comes back, and the message says why
    with pytest.raises(
        SolverError, match=r"could not certify the optimum to tol=1e-09 bits.*budget max_iter=1 ran out"
    ):
        exact_pid(random_table(0), max_iter=1)


def test_the_result_has_no_convergence_flag_only_a_certificate():
    r = exact_pid(random_table(0))
    assert not hasattr(r, "converged")
    assert 0.0 <= r.duality_gap <= 1e-9


def test_looser_tol_takes_fewer_iterations():
    p = random_table(7)
    assert exact_pid(p, tol=1e-6).n_iter < exact_pid(p).n_iter


def test_dit_reference_validates_and_orders_atoms_like_pid():
    from mmlab.quantify import and_

    np.testing.assert_allclose(dit_pid(and_()), exact_pid(and_()).as_array(), atol=1e-6)
    with pytest.raises(ValueError, match="method must be 'cone' or None"):
        dit_pid(and_(), method="slsqp")
    with pytest.raises(ValueError, match="must be 3-D|ndim|dimension"):
        dit_pid(np.full((2, 2), 0.25))


# --------------------------------------------------------------------------- #
# bad inputs that used to slip through (issue 8, section 5) and the size limit
# --------------------------------------------------------------------------- #
def test_pid_rejects_complex_tables():
    # the imaginary part used to be dropped silently
    with pytest.raises(TypeError, match="p must hold real probabilities; got complex dtype"):
        exact_pid(np.full((2, 2, 2), 0.125, dtype=complex))


@pytest.mark.parametrize("bad", [np.full((2, 2, 2), "0.125"), np.array([[["a", "b"]]]), [[[0.5, "x"]]]])
def test_pid_rejects_strings(bad):
    with pytest.raises(TypeError, match="p must be an array-like of numbers"):
        exact_pid(bad)


def test_pid_rejects_object_arrays():
    with pytest.raises(TypeError, match="p must be"):
        exact_pid(np.full((2, 2, 2), 0.125, dtype=object))


def test_a_table_too_large_for_memory_is_refused_up_front():
    # 100 x 100 x 100 needs ~15 GB of Newton systems: refused before anything is allocated
    p = np.random.default_rng(0).random((100, 100, 100))
    start = time.perf_counter()
    with pytest.raises(
        ValueError,
        match=r"exact_pid\(p\) with alphabets \(100, 100, 100\).*asks for 1,900,000,000 "
        r"float64 numbers.*15\.2 GB.*refuses more than 268,435,456",
    ):
        exact_pid(p / p.sum())
    assert time.perf_counter() - start < 5.0


def test_the_size_limit_follows_mmlab_max_elements(monkeypatch):
    # 3 |X1||X2||Y|^2 + 4 ((|X1| + |X2|)|Y|)^2 = 243 + 1296 numbers for a dense 3 x 3 x 3 table
    p = np.random.default_rng(0).random((3, 3, 3))
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", "1000")
    with pytest.raises(ValueError, match=r"alphabets \(3, 3, 3\).*asks for 1,539 float64 numbers.*more than 1,000"):
        exact_pid(p / p.sum())
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", "1539")
    assert exact_pid(p / p.sum()).duality_gap <= 1e-9


# --------------------------------------------------------------------------- #
# near-degenerate tables (issue 8, section 4)
# --------------------------------------------------------------------------- #
ISSUE_TABLE = dict(
    shape=(4, 3, 5), random_state=296181876, concentration=0.017837900459807175, zero_fraction=0.3420633172948592
)


def near_degenerate(seed: int) -> np.ndarray:
    """Dirichlet(0.01..0.05) tables with zeroed cells: probabilities spanning hundreds of orders of magnitude."""
    rng = np.random.default_rng([8, seed])
    shape = (int(rng.integers(2, 7)), int(rng.integers(2, 7)), int(rng.integers(2, 5)))
    return dirichlet_table(
        shape,
        random_state=rng,
        concentration=float(rng.uniform(0.01, 0.05)),
        zero_fraction=float(rng.uniform(0.0, 0.5)),
    )


def test_the_issue_table_reaches_the_optimum():
    # used to return [0.947, 0.390, 0.049, 0.125] with a warning; the optimum is near dit's
    # [0.995, 0.342, 0.001, 0.173] (dit's own accuracy here is about 1e-4 bits)
    p = dirichlet_table(**ISSUE_TABLE)
    assert p[p > 0].min() < 1e-100 and p.max() > 0.4
    r = exact_pid(p)
    assert r.duality_gap <= 1e-9
    np.testing.assert_allclose(r.as_array(), [0.995082, 0.341646, 0.000913, 0.172966], atol=1e-4)
    # zeroing the cells below 1e-15 moves the optimum by far less than the certificates allow
    z = np.where(p < 1e-15, 0.0, p)
    s = exact_pid(z / z.sum())
    eps = _perturbation_bits(p[p < 1e-15].sum(), p.size)
    assert np.abs(r.as_array() - s.as_array()).max() <= r.duality_gap + s.duality_gap + eps + 1e-12


@pytest.mark.parametrize("seed", range(8))
def test_near_degenerate_couplings_are_exactly_in_delta_p(seed):
    p = near_degenerate(seed)
    r = exact_pid(p)
    assert r.q.min() >= 0.0
    np.testing.assert_allclose(r.q.sum(axis=1), p.sum(axis=1), rtol=0, atol=1e-15)
    np.testing.assert_allclose(r.q.sum(axis=0), p.sum(axis=0), rtol=0, atol=1e-15)
    outside = (p.sum(axis=1)[:, None, :] == 0) | (p.sum(axis=0)[None, :, :] == 0)
    assert np.all(r.q[outside] == 0.0)
    assert r.as_array().min() >= 0.0 and r.as_array().sum() == pytest.approx(r.total, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 3, 7, 11])
def test_certificates_of_two_tolerances_are_consistent(seed):
    # the exact decomposition lies within duality_gap of each result, so the two results lie
    # within the sum of their gaps of each other
    for p in (random_table(seed), near_degenerate(seed)):
        loose, tight = exact_pid(p, tol=1e-5), exact_pid(p, tol=1e-9)
        assert loose.duality_gap <= 1e-5 and tight.duality_gap <= 1e-9
        assert np.abs(loose.as_array() - tight.as_array()).max() <= loose.duality_gap + tight.duality_gap + 1e-12


def test_negligible_cells_are_dropped_only_within_the_budget():
    p = dirichlet_table(**ISSUE_TABLE)
    kept, eta, eps = _drop_negligible(p, 1e-10)
    assert 0 < eta < 1e-12 and 0 < eps <= 1e-10
    assert kept.sum() == pytest.approx(1.0, abs=1e-15)
    assert np.all((kept == 0) == ((p == 0) | (p <= p[(kept == 0) & (p > 0)].max())))
    assert float(_perturbation_bits(eta, p.size)) == pytest.approx(eps)
    # an ordinary table has no cell small enough to drop
    q = random_table(0)
    assert _drop_negligible(q, 1e-10)[1] == 0.0
    # the bound: 3 (4 eta log2 N + h2(4 eta)), infinite once 4 eta reaches 1/2
    t = 4e-12
    expected = 3 * (t * np.log2(60) - t * np.log2(t) - (1 - t) * np.log2(1 - t))
    assert _perturbation_bits(1e-12, 60) == pytest.approx(expected, rel=1e-12)
    assert _perturbation_bits(0.2, 60) == np.inf


def test_a_target_independent_of_one_source_given_the_other_needs_no_solver():
    # Y depends on X2 only and X1 is a noisy copy of X2: I_p = I(X2; Y), so U1 = S = 0 at once
    rng = np.random.default_rng(1)
    p12 = np.array([[0.4, 0.1], [0.05, 0.45]])
    py_x2 = rng.dirichlet(np.ones(3), size=2)
    p = p12[:, :, None] * py_x2[None, :, :]
    r = exact_pid(p)
    assert r.n_iter == 0 and r.duality_gap <= 1e-9
    assert r.unique1 == pytest.approx(0.0, abs=1e-12) and r.synergy == pytest.approx(0.0, abs=1e-12)
    assert r.unique2 == pytest.approx(mutual_information(p.sum(axis=0)) - r.redundancy, abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_near_degenerate_tables_agree_with_dit_cone(seed):
    # dit's cone method is only accurate to about 1e-4 bits on such tables
    p = near_degenerate(seed)
    r = exact_pid(p)
    assert np.abs(r.as_array() - dit_pid(p)).max() < 2e-4


def test_a_stalled_solve_says_why_and_how_far_it_got():
    # a near-degenerate fuzz table (cells from 9e-38 to 0.59) on which double precision stalls short of
    # 1e-9 bits (today): then the message gives the certified interval and a tol that can be certified
    p = near_degenerate(289)
    try:
        r = exact_pid(p)
    except SolverError as err:
        assert re.search(  # noqa: PT017 (the solve may succeed; only a failure's message is checked)
            r"only known to lie in \[1\.15176\d*, 1\.15176\d*\] bits .*stalled after \d+ Newton "
            r"iterations.*span 9\.3e-38 to 5\.9e-01; a tol of about \de-\d+ should be certifiable",
            str(err),
        ), str(err)
    else:
        assert r.duality_gap <= 1e-9
    assert exact_pid(p, tol=1e-7).duality_gap <= 1e-7
