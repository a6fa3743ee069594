"""Reference answers: lectures/6_quantification/01_information_and_pid.ipynb, Questions."""

from __future__ import annotations

import numpy as np

from mmlab.quantify import coupling_bounds, coupling_from_corner, exact_pid, grid_search, mutual_information
from mmlab.quantify import pid as dist

NOTEBOOK = "lectures/6_quantification/01_information_and_pid.ipynb"


def exercise_1(sizes: dict) -> None:
    """Y = (X1, X2): I(X1;Y) = I(X2;Y) = 1 and I(X1,X2;Y) = 2 bits; with R = 0 the equations give U1 = U2 = 1, S = 0,
    and BROJA agrees. A measure that calls this one bit of redundancy counts the mere fact that both sources talk
    about the same Y, although they share no information at all (X1 and X2 are independent)."""
    p = dist.pair_copy()
    i1, i2, i12 = (mutual_information(t) for t in (p.sum(axis=1), p.sum(axis=0), p.reshape(4, -1)))
    np.testing.assert_allclose([i1, i2, i12], [1.0, 1.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(exact_pid(p).as_array(), [0.0, 1.0, 1.0, 0.0], atol=1e-6)


def exercise_2(sizes: dict) -> None:
    """I(X1;Y) depends on the marginal q(x1, y) alone, and every q in Delta_p keeps it equal to p(x1, y)."""
    p = dist.random_table((2, 2, 2), random_state=0)
    lo, hi = coupling_bounds(p)
    corners = np.stack(np.meshgrid(np.linspace(lo[0], hi[0], 7), np.linspace(lo[1], hi[1], 7)), -1).reshape(-1, 2)
    qs = coupling_from_corner(p, corners)
    i1 = [mutual_information(q.sum(axis=1)) for q in qs]
    np.testing.assert_allclose(i1, mutual_information(p.sum(axis=1)), atol=1e-12)


def exercise_3(sizes: dict) -> None:
    """q* = p when Delta_p is a single point, e.g. the redundant table (X1 = X2 = Y): every marginal pins every cell.
    Its synergy is 0, as for any table whose own coupling is already the least informative one."""
    p = dist.redundant()
    lo, hi = coupling_bounds(p)
    np.testing.assert_allclose(lo, hi, atol=1e-12)
    result = exact_pid(p)
    np.testing.assert_allclose(result.q, p, atol=1e-6)
    assert abs(result.synergy) < 1e-6


def exercise_4(sizes: dict) -> None:
    """Corners find the optimum where the joint information is smallest at a corner of the rectangle, e.g. XOR and
    AND; on most random tables the minimum lies inside and the corners overshoot."""

    def corner_minimum(p):
        lo, hi = coupling_bounds(p)
        corners = np.array([[a, b] for a in (lo[0], hi[0]) for b in (lo[1], hi[1])])
        return min(float(exact_pid(q).total) for q in coupling_from_corner(p, corners))

    for p in (dist.xor(), dist.and_()):
        result = exact_pid(p)
        assert abs(corner_minimum(p) - (result.total - result.synergy)) < 1e-6
    tables = [dist.random_table((2, 2, 2), random_state=i) for i in range(10)]
    overshoot = [corner_minimum(p) - grid_search(p, 101).minimum for p in tables]
    assert min(overshoot) > -1e-9 and sum(o > 1e-3 for o in overshoot) >= 5, overshoot


def exercise_5(sizes: dict) -> None:
    """Miller-Madow: the whole spurious I(X1,X2;Y) is about 3 / (2 n ln 2), below 0.01 bit from n = 217 on, i.e.
    about 27 samples per cell of the 2x2x2 table; synergy is only part of it, so it drops below 0.01 bit sooner.
    Empirically the mean spurious synergy is below 0.01 bit at 27 samples per cell."""
    n_formula = int(np.ceil(3 / (2 * 0.01 * np.log(2))))
    assert n_formula == 217
    rng = np.random.default_rng(0)
    synergy = {}
    for per_cell in (4, 27):
        n = 8 * per_cell
        runs = [
            exact_pid(dist.from_samples(*rng.integers(0, 2, size=(3, n)), sizes=(2, 2, 2))).synergy
            for _ in range(sizes["repeats"])
        ]
        synergy[per_cell] = float(np.mean(runs))
    assert synergy[27] < 0.01 < synergy[4], synergy
