"""Lecture 6.1's small-sample bias claims, rerun on five seeds with the notebook's quick sizes and margins.

The notebook (``lectures/6_quantification/01_information_and_pid.ipynb``,
section 6) decomposes plug-in tables of three independent fair bits drawn from
its own generator ``np.random.default_rng(0)``; here the same loop runs with
seeds 0-4 and the number of repeats read from the notebook's size table, and the
same three claims must hold: the mean spurious I(X1,X2;Y) is within a factor
0.7-1.6 of the Miller-Madow bias 3 / (2 n ln 2) at every n, its log-log slope is
that of 1/n (between -1.15 and -0.85), and at n = 20 synergy is the largest
spurious atom.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest
from lecture_exercises import notebook_cells, quick_sizes

from mmlab.quantify import exact_pid, from_samples

NOTEBOOK = "lectures/6_quantification/01_information_and_pid.ipynb"


def _statements(src: str) -> list[ast.stmt]:
    """Top-level statements of a code cell (none for a cell that is not plain Python, e.g. with a magic)."""
    try:
        return ast.parse(src).body
    except SyntaxError:
        return []


def _notebook_ns() -> np.ndarray:
    """The sample sizes of the notebook's section 6, from its line ``ns = np.array([...])``."""
    for kind, src in notebook_cells(NOTEBOOK):
        for node in _statements(src) if kind == "code" else []:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "ns":
                return np.array(ast.literal_eval(node.value.args[0]))
    raise AssertionError(f"{NOTEBOOK}: no `ns = np.array([...])` line")


NS = _notebook_ns()


def _spurious(seed: int, repeats: int) -> np.ndarray:
    """Mean (R, U1, U2, S, I(X1,X2;Y)) over ``repeats`` plug-in tables of three independent bits, per n in NS."""
    sampler = np.random.default_rng(seed)
    out = np.zeros((len(NS), 5))
    for j, n in enumerate(NS):
        for _ in range(repeats):
            x1, x2, y = sampler.integers(0, 2, size=(3, n))
            est = exact_pid(from_samples(x1, x2, y, sizes=(2, 2, 2)))
            out[j] += np.append(est.as_array(), est.total) / repeats
    return out


def test_the_miller_madow_bias_is_computed_independently():
    """(|X1||X2| - 1)(|Y| - 1) / (2 n ln 2) with 4 joint source values and 2 labels; at n = 20 it is 0.108 bit."""
    assert 3 / (2 * 20 * np.log(2)) == pytest.approx(0.1082, abs=1e-4)


@pytest.mark.slow
def test_small_sample_bias_claims_hold_across_seeds(seed):
    spurious = _spurious(seed, quick_sizes(NOTEBOOK)["repeats"])
    ratio = spurious[:, 4] / (3 / (2 * NS * np.log(2)))
    assert np.all((ratio > 0.7) & (ratio < 1.6)), ratio
    slope = np.polyfit(np.log(NS), np.log(spurious[:, 4]), 1)[0]
    assert -1.15 < slope < -0.85, slope
    assert spurious[0, 3] == spurious[0, :4].max(), spurious[0]
