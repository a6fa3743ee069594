"""Assignment, exact optimal transport and log-domain Sinkhorn, against scipy, POT and brute force."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import torch

from mmlab.align import assignment, optimal_transport, sinkhorn
from mmlab.exceptions import ConvergenceWarning


def _marginals(rng, n, m):
    return rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(m))


# --------------------------------------------------------------------------- assignment
@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_assignment_is_the_cheapest_permutation(n, rng):
    cost = rng.uniform(size=(n, n))
    best = min(itertools.permutations(range(n)), key=lambda p: sum(cost[i, p[i]] for i in range(n)))
    assert assignment(cost).tolist() == list(best)


def test_assignment_rectangular_and_maximize(rng):
    from scipy.optimize import linear_sum_assignment

    cost = rng.uniform(size=(3, 5))
    rows, cols = linear_sum_assignment(cost)
    assert assignment(cost).tolist() == cols.tolist()
    tall = rng.uniform(size=(4, 2))
    match = assignment(tall)
    assert (match == -1).sum() == 2 and sorted(match[match >= 0].tolist()) == [0, 1]
    assert assignment(-cost, maximize=True).tolist() == cols.tolist()


@pytest.mark.parametrize(
    "cost, kwargs, err, match",
    [
        (np.zeros((0, 3)), {}, ValueError, "non-empty"),
        (np.zeros(3), {}, ValueError, "dimension"),
        ([[1.0, np.inf]], {}, ValueError, "finite"),
        ([[1.0]], {"maximize": 1}, TypeError, "maximize"),
    ],
)
def test_assignment_bad_inputs(cost, kwargs, err, match):
    with pytest.raises(err, match=match):
        assignment(cost, **kwargs)


# --------------------------------------------------------------------------- exact OT
@pytest.mark.parametrize("n, m", [(1, 1), (3, 3), (4, 6), (7, 2)])
def test_exact_transport_matches_pot(n, m, rng):
    import ot

    a, b = _marginals(rng, n, m)
    cost = rng.uniform(size=(n, m))
    result = optimal_transport(a, b, cost)
    assert result.cost == pytest.approx(ot.emd2(a, b, cost), abs=1e-10)
    np.testing.assert_allclose(result.plan.sum(1), a, atol=1e-9)
    np.testing.assert_allclose(result.plan.sum(0), b, atol=1e-9)
    assert result.converged and result.n_iter == 0 and result.marginal_error < 1e-9


def test_exact_transport_with_uniform_masses_is_the_assignment(rng):
    cost = rng.uniform(size=(5, 5))
    plan = optimal_transport(np.full(5, 0.2), np.full(5, 0.2), cost).plan
    np.testing.assert_allclose(np.sort(plan.ravel())[-5:], 0.2, atol=1e-12)  # a permutation / 5 (Birkhoff)
    assert plan.argmax(1).tolist() == assignment(cost).tolist()


@pytest.mark.parametrize(
    "a, b, cost, match",
    [
        ([0.5, 0.5], [1.0], np.zeros((2, 2)), "one mass per row and per column"),
        ([0.5, 0.5], [0.3, 0.3], np.zeros((2, 2)), "same positive total"),
        ([1.5, -0.5], [0.5, 0.5], np.zeros((2, 2)), "non-negative"),
        ([0.5, 0.5], [0.5, 0.5], [[0.0, np.nan], [0.0, 0.0]], "finite"),
    ],
)
def test_exact_transport_bad_inputs(a, b, cost, match):
    with pytest.raises(ValueError, match=match):
        optimal_transport(a, b, cost)


# --------------------------------------------------------------------------- Sinkhorn
@pytest.mark.parametrize("reg", [2.0, 0.5, 0.1, 0.02])
def test_sinkhorn_matches_pot_log_domain(reg, rng):
    import ot

    a, b = _marginals(rng, 5, 7)
    cost = rng.uniform(size=(5, 7))
    ours = sinkhorn(a, b, cost, reg=reg, n_iter=100000, tol=1e-11)
    ref = ot.sinkhorn(a, b, cost, reg, method="sinkhorn_log", numItermax=100000, stopThr=1e-13)
    assert ours.converged
    np.testing.assert_allclose(ours.plan, ref, atol=1e-9)
    assert ours.cost == pytest.approx(float((ref * cost).sum()), abs=1e-8)


def test_sinkhorn_approaches_the_exact_plan_as_reg_shrinks(rng):
    cost = 1.0 + rng.uniform(0.0, 0.1, size=(6, 6))
    cost[np.arange(6), rng.permutation(6)] -= 1.0  # a clear optimum, so the limit is the exact plan
    a = b = np.full(6, 1 / 6)
    exact = optimal_transport(a, b, cost).plan
    gaps = [
        np.abs(sinkhorn(a, b, cost, reg=reg, n_iter=5000, tol=None).plan - exact).sum() for reg in (1.0, 0.3, 0.1, 0.03)
    ]
    assert all(later < earlier for earlier, later in itertools.pairwise(gaps)), gaps
    assert gaps[0] > 0.5 and gaps[-1] < 1e-3, gaps


def test_sinkhorn_with_zero_masses_leaves_those_rows_empty(rng):
    a = np.array([0.5, 0.0, 0.5])
    b = np.array([0.25, 0.75])
    plan = sinkhorn(a, b, rng.uniform(size=(3, 2)), reg=0.5).plan
    assert plan[1].sum() < 1e-12
    np.testing.assert_allclose(plan.sum(0), b, atol=1e-9)


def test_sinkhorn_on_batched_tensors_is_differentiable():
    gen = torch.Generator().manual_seed(0)
    cost = torch.rand(3, 4, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    a = torch.full((3, 4), 0.25, dtype=torch.float64)
    b = torch.full((5,), 0.2, dtype=torch.float64)
    out = sinkhorn(a, b, cost, reg=0.3, n_iter=200, tol=None)
    assert isinstance(out.plan, torch.Tensor) and out.plan.shape == (3, 4, 5) and out.cost.shape == (3,)
    for k in range(3):  # each batch element equals the problem solved on its own
        single = sinkhorn(a[k].numpy(), b.numpy(), cost[k].detach().numpy(), reg=0.3, n_iter=200, tol=None)
        np.testing.assert_allclose(out.plan[k].detach().numpy(), single.plan, atol=1e-12)
    assert torch.autograd.gradcheck(
        lambda c: sinkhorn(a[:1], b, c, reg=0.3, n_iter=30, tol=None).cost.sum(),
        (cost[:1].detach().clone().requires_grad_(True),),
    )


def test_sinkhorn_can_replace_the_pid_projection():
    """The PID batch estimator's projection is one batched, per-class call of this Sinkhorn (reg = 1, cost = -L)."""
    from mmlab.quantify import sinkhorn_project

    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(4, 3, 2, generator=gen, dtype=torch.float64)
    rows = torch.rand(4, 2, generator=gen, dtype=torch.float64)
    cols = torch.rand(3, 2, generator=gen, dtype=torch.float64)
    cols = cols / cols.sum(0) * rows.sum(0)
    projected = sinkhorn_project(logits, rows, cols, n_iter=200)
    ours = sinkhorn(rows.T, cols.T, -logits.permute(2, 0, 1), reg=1.0, n_iter=200, tol=None).plan.permute(1, 2, 0)
    torch.testing.assert_close(ours, projected, atol=1e-10, rtol=1e-8)


def test_sinkhorn_warns_when_it_does_not_converge(rng):
    a, b = _marginals(rng, 4, 4)
    with pytest.warns(ConvergenceWarning, match="did not reach tol"):
        result = sinkhorn(a, b, rng.uniform(size=(4, 4)), reg=0.01, n_iter=3)
    assert not result.converged and result.n_iter == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sinkhorn(a, b, rng.uniform(size=(4, 4)), reg=0.01, n_iter=3, tol=None)  # fixed iterations: no warning


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        (([0.5, 0.5], [0.5, 0.5], np.zeros((2, 2))), {"reg": 0.0}, ValueError, "reg"),
        (([0.5, 0.5], [0.5, 0.5], np.zeros((2, 2))), {"reg": "1"}, TypeError, "reg"),
        (([0.5, 0.5], [0.5, 0.5], np.zeros((2, 2))), {"reg": 1.0, "tol": -1.0}, ValueError, "tol"),
        (([0.5, 0.5], [0.5, 0.5], np.zeros((2, 2))), {"reg": 1.0, "n_iter": 0}, ValueError, "n_iter"),
        (([0.5, 0.5], [0.5, 0.5], np.zeros((2, 3))), {"reg": 1.0}, ValueError, "to match cost"),
        (([0.5, 0.5], [0.2, 0.2], np.zeros((2, 2))), {"reg": 1.0}, ValueError, "same positive total"),
        (([1.5, -0.5], [0.5, 0.5], np.zeros((2, 2))), {"reg": 1.0}, ValueError, "non-negative"),
        (([0.5, 0.5], [0.5, 0.5], [[np.inf, 0.0], [0.0, 0.0]]), {"reg": 1.0}, ValueError, "finite"),
        (([0.5, 0.5], [0.5, 0.5], np.zeros(2)), {"reg": 1.0}, ValueError, r"\(\.\.\., n, m\)"),
        ((0.5, [0.5, 0.5], np.zeros((2, 2))), {"reg": 1.0}, TypeError, "array or tensor"),
    ],
)
def test_sinkhorn_bad_inputs(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        sinkhorn(*args, **kwargs)


def test_sinkhorn_rejects_integer_tensors():
    with pytest.raises(TypeError, match="floating-point"):
        sinkhorn(torch.ones(2), torch.ones(2), torch.zeros(2, 2, dtype=torch.int64), reg=1.0)
