"""Reference answers: lectures/2_alignment/01_connections_and_matching.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np

import mmlab.align.experiments as ax
from mmlab.align import assignment, optimal_transport, sinkhorn
from mmlab.data import load_digit_strings

NOTEBOOK = "lectures/2_alignment/01_connections_and_matching.ipynb"


@cache
def _run(noise: float):
    return ax.match_spoken_to_images(
        load_digit_strings("train"), load_digit_strings("test"), image_noise=noise, random_state=0
    )


def _uniform(k: int) -> np.ndarray:
    return np.full(k, 1.0 / k)


def exercise_1(sizes: dict) -> None:
    """The rectangular assignment gives each spoken digit its own image and simply leaves the distractor unmatched;
    balanced OT must move the distractor's whole mass 1/(K+1) somewhere, so some spoken digit is paired with it."""
    run, test = _run(0.0), load_digit_strings("test")
    left_alone = 0
    for s in range(20):
        absent = next(
            j
            for j in range(len(test))
            if not set(test.digits[j]) & {int(test.digits[s][0])} and set(test.digits[j]) - set(test.digits[s])
        )
        slot = next(j for j, t in enumerate(test.digits[absent]) if t not in set(test.digits[s]))
        distractor = run.image_probs[absent][run.truth[absent][slot]]  # an image of an unspoken digit
        probs = np.vstack([run.image_probs[s], distractor])
        cost = -np.log(run.audio_probs[s] @ probs.T + 1e-12)
        k = len(cost)
        left_alone += k not in assignment(cost).tolist()
        plan = optimal_transport(_uniform(k), _uniform(k + 1), cost).plan
        assert np.isclose(plan[:, k].sum(), 1 / (k + 1))
    assert left_alone >= 18, left_alone


def exercise_2(sizes: dict) -> None:
    """The assignment mostly stays (both costs rank pairs the same way within a row, but sums differ), while the
    entropic plan at eps = 0.1 changes a lot: 1 - P lies in [0, 1], so at the same eps it is far blurrier."""
    run = _run(0.8)
    same = np.mean([np.array_equal(assignment(c), assignment(1 - np.exp(-c))) for c in run.costs])
    assert same > 0.8, same

    def entropy(plan):
        p = plan[plan > 0]
        return float(-(p * np.log(p)).sum())

    blur = [
        entropy(sinkhorn(_uniform(len(c)), _uniform(len(c)), 1 - np.exp(-c), reg=0.1, n_iter=2000, tol=None).plan)
        - entropy(sinkhorn(_uniform(len(c)), _uniform(len(c)), c, reg=0.1, n_iter=2000, tol=None).plan)
        for c in run.costs[:30]
    ]
    assert np.mean(blur) > 0.3, np.mean(blur)


def exercise_3(sizes: dict) -> None:
    """Sinkhorn needs more iterations as eps shrinks: tens at eps = 1, hundreds at 0.3, and at 0.1 it may not reach
    the tolerance within 100,000 iterations (its convergence rate degrades like exp(-range of C / eps))."""
    import warnings

    cost = _run(0.8).costs[0]
    k = len(cost)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iterations = [
            sinkhorn(_uniform(k), _uniform(k), cost, reg=eps, n_iter=100000, tol=1e-6).n_iter for eps in (1.0, 0.3, 0.1)
        ]
    assert iterations[0] < iterations[1] < iterations[2], iterations


def exercise_4(sizes: dict) -> None:
    """With unequal masses a vertex of the transport polytope has up to 2K - 1 non-zero entries: a long digit's mass
    no longer fits into one image (1/K), so it is split across two, one of them wrong."""
    run, test = _run(0.0), load_digit_strings("test")
    splits = 0
    for s in range(40):
        seg = test.segments[s]
        mass = (seg[:, 1] - seg[:, 0]) / (seg[:, 1] - seg[:, 0]).sum()
        plan = optimal_transport(mass, _uniform(len(mass)), run.costs[s]).plan
        nonzero = int((plan > 1e-9).sum())
        assert nonzero <= 2 * len(mass) - 1
        splits += nonzero > len(mass)
    assert splits > 30, splits
