"""The alignment lab's checks beyond the shared contract of ``test_lab_checks.py``.

The shared contract (references pass, mutants in ``tests/labs/mutants/align_*.py``
fail with their intended message, stubs, crashes and garbage, random state) runs
on these exercises from ``conftest.EXERCISES``. Here: every exercise has a
mutant that calls the library, what each check forbids, what feedback must not
give away, and the checks' private references tied to the public
``mmlab.align`` functions.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from mmlab.labs import (
    CheckFailed,
    _align,
    check_cross_attention,
    check_ctc_greedy,
    check_dtw_accumulated,
    check_dtw_path,
    check_sinkhorn_plan,
)

#: conftest.py restricts ``exercise`` to this lab's mutants files
LAB_MUTANTS = "align"


def test_each_exercise_has_a_mutant_that_calls_the_library_or_a_shortcut(exercise, mutants):
    """The tripwire: a one-line call of the library function the exercise asks for fails the check."""
    assert any(m == "calls_the_library" or "library" in m for m in mutants[exercise].MUTANTS) or (
        exercise == "align_dtw_path"
    )


@pytest.mark.parametrize(
    "check, asked",
    [
        (check_dtw_accumulated, "mmlab.align.dtw"),
        (check_dtw_path, "mmlab.align.dtw"),
        (check_sinkhorn_plan, "mmlab.align.sinkhorn"),
        (check_ctc_greedy, "mmlab.align.ctc_greedy_decode"),
        (check_cross_attention, "mmlab.align.CrossModalAttention"),
    ],
)
def test_checks_declare_what_the_exercise_asks_for(check, asked):
    assert asked in check.forbidden.asks_for


def test_returning_none_is_named():
    with pytest.raises(CheckFailed, match="returned None"):
        check_sinkhorn_plan(lambda *args: None)
    with pytest.raises(CheckFailed, match="returned None"):
        check_ctc_greedy(lambda *args, **kwargs: None)


# --------------------------------------------------------------------------- no answers in the feedback
def test_hidden_dtw_case_feedback_gives_no_values(mutants):
    """The hidden-pair message names the mistake and the pair's shape, never entries of the expected matrix."""

    def off_by_a_bit(x, y):
        d = mutants["align_dtw_accumulated"].reference(x, y)
        return d + (0.0 if d.shape == (4, 6) or d.shape == (6, 9) else 0.123)

    with pytest.raises(CheckFailed) as info:
        check_dtw_accumulated(off_by_a_bit)
    message = str(info.value)
    assert "Check 3/4" in message and not re.search(r"\d\.\d{3}", message), message


def test_hidden_sinkhorn_feedback_gives_no_values(mutants):
    with pytest.raises(CheckFailed) as info:
        check_sinkhorn_plan(mutants["align_sinkhorn_plan"].stops_early)
    assert not re.search(r"0\.\d{3}", str(info.value)), str(info.value)


# --------------------------------------------------------------------------- the private references
@pytest.mark.parametrize("n, m, dim", [(1, 1, 2), (4, 6, 2), (7, 3, 0), (5, 5, 3)])
def test_dtw_reference_matches_the_library(n, m, dim):
    from mmlab.align import dtw

    x, y = _align._cases(n * 100 + m, [(n, m)], dim)[0]
    np.testing.assert_allclose(_align._dtw_reference(x, y), dtw(x, y).accumulated, rtol=0, atol=1e-10)


@pytest.mark.parametrize("reg", [1.0, 0.5, 0.05])
def test_sinkhorn_reference_matches_the_library(reg):
    from mmlab.align import sinkhorn

    rng = np.random.default_rng(3)
    a, b = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(5))
    cost = rng.uniform(size=(4, 5))
    np.testing.assert_allclose(
        _align._sinkhorn_reference(a, b, cost, reg),
        sinkhorn(a, b, cost, reg=reg, n_iter=20000, tol=1e-12).plan,
        atol=1e-9,
    )


@pytest.mark.parametrize("blank", [0, 2])
def test_greedy_reference_matches_the_library(blank):
    from mmlab.align import ctc_greedy_decode

    scores = torch.randn(40, 4, generator=torch.Generator().manual_seed(blank)).log_softmax(-1)
    assert _align._greedy_reference(scores, blank) == ctc_greedy_decode(scores, blank=blank)[0]


def test_attention_reference_matches_the_library():
    """The check's equations equal CrossModalAttention with the same (bias-free) projections."""
    from mmlab.align import CrossModalAttention

    target, source, w_q, w_k, w_v = _align._attention_case(9, 3, 7, 4, 5, 4)
    block = CrossModalAttention(4, source_dim=5, n_heads=1)
    with torch.no_grad():
        for layer, w in ((block.query, w_q), (block.key, w_k), (block.value, w_v)):
            layer.weight.copy_(w.T)
            layer.bias.zero_()
        block.out.weight.copy_(torch.eye(4))
        block.out.bias.zero_()
        out, weights = block(target[None], source[None])
    ref_out, ref_w = _align._attention_reference(target, source, w_q, w_k, w_v)
    torch.testing.assert_close(weights[0, 0], ref_w, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(out[0], ref_out, atol=1e-5, rtol=1e-5)
