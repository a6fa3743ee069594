"""Check cells of the alignment lab (``labs/2_alignment/01_alignment.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded inputs and
compares the result with a reference computed here, from the lab's equations
(plain loops, written independently of :mod:`mmlab.align`; ``tests/labs/test_align_checks.py``
ties every reference to the library). Each check is decorated with
:func:`~mmlab.labs.forbid`: calling the library function the exercise asks
for fails the check. Feedback names the failing property and the likely
cause, never the expected values of the hidden cases.

==========================  ===================================================================
check                       student function
==========================  ===================================================================
check_dtw_accumulated       ``dtw_accumulated(x, y) -> D`` of shape ``(n, m)``
check_dtw_path              ``dtw_path(D) -> path`` of shape ``(L, 2)``
check_sinkhorn_plan         ``sinkhorn_plan(a, b, cost, reg, n_iter) -> P`` of shape ``(n, m)``
check_ctc_greedy            ``ctc_greedy(log_probs, blank=0) -> list of int``
check_cross_attention       ``cross_attention(target, source, w_q, w_k, w_v) -> (output, weights)``
==========================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from mmlab.labs._feedback import (
    RETURNED_NONE,
    CheckRun,
    expect_array,
    expect_close,
    expect_true,
    forbid,
    run_student,
)

__all__ = [
    "check_ctc_greedy",
    "check_cross_attention",
    "check_dtw_accumulated",
    "check_dtw_path",
    "check_sinkhorn_plan",
]


# --------------------------------------------------------------------------- #
# private references (independent of mmlab.align)
# --------------------------------------------------------------------------- #
def _local(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x2 = x.reshape(len(x), -1)
    y2 = y.reshape(len(y), -1)
    return np.sqrt(((x2[:, None, :] - y2[None, :, :]) ** 2).sum(-1))  # d(i, j) = ||x_i - y_j||


def _dtw_reference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Accumulated cost D(i, j) = d(i, j) + min(D(i-1, j), D(i, j-1), D(i-1, j-1)), by a double loop."""
    d = _local(x, y)
    n, m = d.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = d[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return acc[1:, 1:]


def _sinkhorn_reference(a: np.ndarray, b: np.ndarray, cost: np.ndarray, reg: float, n_iter: int = 20000) -> np.ndarray:
    """The entropic plan, by log-domain Sinkhorn run to convergence."""
    from scipy.special import logsumexp

    neg = -cost / reg
    f, g = np.zeros(len(a)), np.zeros(len(b))
    for _ in range(n_iter):
        f = np.log(a) - logsumexp(neg + g[None, :], axis=1)
        g_new = np.log(b) - logsumexp(neg + f[:, None], axis=0)
        if np.max(np.abs(g_new - g)) < 1e-14:
            g = g_new
            break
        g = g_new
    return np.exp(neg + f[:, None] + g[None, :])


def _greedy_reference(log_probs: Any, blank: int) -> list[int]:
    best = np.asarray(log_probs).argmax(-1).tolist()
    out, prev = [], None
    for k in best:
        if k != prev and k != blank:
            out.append(int(k))
        prev = k
    return out


def _attention_reference(
    target: torch.Tensor,
    source: torch.Tensor,
    w_q: torch.Tensor,
    w_k: torch.Tensor,
    w_v: torch.Tensor,
    *,
    scale: bool = True,
    residual: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    q, k, v = target @ w_q, source @ w_k, source @ w_v
    scores = q @ k.T / (q.shape[-1] ** 0.5 if scale else 1.0)
    weights = scores.softmax(-1)
    context = weights @ v
    return (target + context if residual else context), weights


def _cases(seed: int, sizes: list[tuple[int, int]], dim: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [
        (
            rng.normal(size=(n, dim)) if dim else rng.normal(size=n),
            rng.normal(size=(m, dim)) if dim else rng.normal(size=m),
        )
        for n, m in sizes
    ]


# --------------------------------------------------------------------------- #
# exercise 1: the accumulated cost matrix
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.align.dtw",
    task="fill in the accumulated cost matrix with the recurrence yourself",
    hint="Use local_distances (or numpy) for d(i, j) and two loops over i and j.",
)
def check_dtw_accumulated(fn: Callable[[np.ndarray, np.ndarray], Any]) -> bool:
    """Check ``dtw_accumulated(x, y)``: the DTW accumulated cost matrix ``D`` of shape ``(n, m)``.

    Verifies the shape (with the usual border mistake named), the first row and
    column (cumulative sums of the local distances), the whole matrix on
    hidden pairs of 2-d sequences (diagnosing a missing predecessor, a max
    instead of a min and squared distances), and 1-d inputs.
    """
    run = CheckRun("Exercise 1 (accumulated cost)", 4)
    x, y = _cases(11, [(4, 6)], 2)[0]
    got = run_student(run, fn, x.copy(), y.copy(), what="output shape")
    if got is None:
        run.fail("output shape", RETURNED_NONE)
    try:
        shape = tuple(np.shape(got))
    except ValueError:  # a ragged nested list has no shape
        run.fail("output shape", "expected a 2-d array of shape (4, 6), got rows of different lengths.")
    if shape == (5, 7):
        run.fail(
            "output shape",
            "expected shape (4, 6) = (len(x), len(y)), got (5, 7). You returned the matrix with "
            "its infinite border: drop the first row and column before returning.",
        )
    if shape != (4, 6):
        run.fail(
            "output shape", f"expected shape (4, 6) = (len(x), len(y)), got {shape}. D has one entry per pair (i, j)."
        )
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        run.fail("output shape", f"expected an array of numbers, got {type(got).__name__}.")
    if not np.all(np.isfinite(got)):
        run.fail(
            "output shape",
            "your D holds infinite or NaN entries. Cells outside the grid count as +infinity, "
            "but every cell inside is finite: does your first cell get D(0, 0) = d(0, 0)?",
        )
    run.passed("output shape")

    d = _local(x, y)
    ref = _dtw_reference(x, y)
    if not np.isclose(got[0, 0], d[0, 0]):
        if np.isclose(got[0, 0], 0.0):
            hint = (
                " D(0, 0) is 0 in your matrix: the recurrence starts with D(0, 0) = d(0, 0), the distance of the "
                "first pair, not 0."
            )
        elif np.isclose(got[0, 0], d[0, 0] ** 2):
            hint = " It is its square: you used squared distances; d(i, j) = ||x_i - y_j|| needs the square root."
        else:
            hint = " The recurrence starts with D(0, 0) = d(0, 0)."

        run.fail("first row and column", "D(0, 0) is not the local distance of the first pair." + hint)
    if not (np.allclose(got[0], ref[0]) and np.allclose(got[:, 0], ref[:, 0])):
        run.fail(
            "first row and column",
            "the first row and column should add up the local distances along the "
            "edge: D(0, j) = d(0, j) + D(0, j-1). Check how you treat cells outside "
            "the grid (they must count as +infinity, not 0).",
        )
    run.passed("first row and column")

    for n, m in [(5, 5), (3, 8), (7, 2), (1, 4)]:
        xs, ys = _cases(100 + n * 10 + m, [(n, m)], 3)[0]
        value = expect_array(
            run,
            run_student(run, fn, xs.copy(), ys.copy(), what="the recurrence on hidden pairs"),
            (n, m),
            what="the recurrence on hidden pairs",
        )
        ref = _dtw_reference(xs, ys)
        if not np.allclose(value, ref, atol=1e-8):
            run.fail("the recurrence on hidden pairs", _dtw_diagnosis(value, xs, ys))
    run.passed("the recurrence on hidden pairs")

    x1, y1 = _cases(7, [(6, 9)], 0)[0]
    value = expect_array(
        run,
        run_student(run, fn, x1.copy(), y1.copy(), what="1-d sequences"),
        (6, 9),
        what="1-d sequences",
        hint="For 1-d inputs each element is a number; d(i, j) = |x_i - y_j|.",
    )
    expect_close(
        run,
        value,
        _dtw_reference(x1, y1),
        what="1-d sequences",
        atol=1e-8,
        hint="For sequences of numbers the local distance is |x_i - y_j|.",
    )
    return run.finish()


def _dtw_diagnosis(value: np.ndarray, x: np.ndarray, y: np.ndarray) -> str:
    d = _local(x, y)
    n, m = d.shape

    def variant(local: np.ndarray, pick: Callable[..., float], steps: tuple[tuple[int, int], ...]) -> np.ndarray:
        acc = np.full((n + 1, m + 1), np.inf)
        acc[1, 1] = local[0, 0]  # D(0, 0) = d(0, 0), then the variant's rule
        for i in range(1, n + 1):
            for j in range(1, m + 1):
                if (i, j) == (1, 1):
                    continue
                prev = [acc[i - di, j - dj] for di, dj in steps]
                finite = [p for p in prev if np.isfinite(p)] or [np.inf]
                acc[i, j] = local[i - 1, j - 1] + pick(finite)
        return acc[1:, 1:]

    all_steps = ((1, 0), (0, 1), (1, 1))
    known = {
        "squared": (
            variant(d**2, min, all_steps),
            "you used squared distances: d(i, j) is the Euclidean distance ||x_i - y_j||, with the square root.",
        ),
        "no_diagonal": (
            variant(d, min, ((1, 0), (0, 1))),
            "the diagonal predecessor D(i-1, j-1) is missing from your minimum: each cell has three predecessors.",
        ),
        "max": (variant(d, max, all_steps), "you take the largest predecessor; DTW keeps the cheapest one (min)."),
    }
    for candidate, message in known.values():
        if np.allclose(value, candidate, atol=1e-8):
            return message
    bad = ~np.isclose(value, _dtw_reference(x, y), atol=1e-8)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return (
        f"{int(bad.sum())} of {value.size} entries differ from the recurrence (the first at {first}) on a hidden "
        f"pair of shape ({n}, {m}). Check the recurrence D(i, j) = d(i, j) + min(D(i-1, j), D(i, j-1), "
        "D(i-1, j-1)) and the order of your loops (row by row, so that the predecessors are ready)."
    )


# --------------------------------------------------------------------------- #
# exercise 2: the warping path
# --------------------------------------------------------------------------- #
@forbid("mmlab.align.dtw", task="backtrack the warping path through D yourself")
def check_dtw_path(fn: Callable[[np.ndarray], Any]) -> bool:
    """Check ``dtw_path(D)``: a warping path through an accumulated cost matrix, optimal.

    The student's function receives accumulated cost matrices computed here.
    Verifies that it returns an ``(L, 2)`` integer array, that the path starts
    at ``(0, 0)`` and ends at ``(n - 1, m - 1)``, that every step is
    ``(1, 0)``, ``(0, 1)`` or ``(1, 1)``, and that the path's total local
    distance equals ``D[n - 1, m - 1]`` (it is optimal) on hidden pairs.
    """
    run = CheckRun("Exercise 2 (warping path)", 4)
    cases = [_cases(21 + k, [size], 2)[0] for k, size in enumerate([(5, 7), (6, 6), (8, 3), (1, 5), (4, 1)])]
    results = []
    for x, y in cases:
        acc = _dtw_reference(x, y)
        got = run_student(run, fn, acc.copy(), what="an (L, 2) integer array")
        if got is None:
            run.fail("an (L, 2) integer array", RETURNED_NONE)
        arr = expect_array(run, got, what="an (L, 2) integer array")
        if arr.ndim != 2 or arr.shape[1] != 2:
            hint = (
                " Did you return the rows and columns as two separate sequences? Stack them as pairs: "
                "np.array(list_of_pairs)."
                if arr.ndim == 2 and arr.shape[0] == 2
                else ""
            )
            run.fail(
                "an (L, 2) integer array",
                f"expected an array of (i, j) pairs, shape (L, 2); got shape {arr.shape}.{hint}",
            )
        if not np.all(arr == np.round(arr)):
            run.fail("an (L, 2) integer array", "the path holds non-integer entries; it must hold indices (i, j).")
        results.append((arr.astype(np.int64), x, y, acc))
    run.passed("an (L, 2) integer array")

    for path, _x, _y, acc in results:
        n, m = acc.shape
        if tuple(path[0]) != (0, 0) or tuple(path[-1]) != (n - 1, m - 1):
            flipped = tuple(path[0]) == (n - 1, m - 1) and tuple(path[-1]) == (0, 0)
            hint = (
                " Your path runs backwards: backtracking collects it from the end, so reverse it before returning."
                if flipped
                else ""
            )
            run.fail(
                "from (0, 0) to (n-1, m-1)",
                f"for D of shape ({n}, {m}) the path must start at (0, 0) and "
                f"end at ({n - 1}, {m - 1}); yours starts at {tuple(path[0])} and "
                f"ends at {tuple(path[-1])}.{hint}",
            )
    run.passed("from (0, 0) to (n-1, m-1)")

    allowed = {(1, 0), (0, 1), (1, 1)}
    for path, *_ in results:
        steps = {tuple(s) for s in np.diff(path, axis=0).tolist()}
        if not steps <= allowed:
            bad = sorted(steps - allowed)[0]
            run.fail(
                "steps (1, 0), (0, 1) or (1, 1)",
                f"your path contains the step {bad}; a warping path moves one "
                "cell down, right or diagonally at a time, never back and "
                "never skipping a cell.",
            )
    run.passed("steps (1, 0), (0, 1) or (1, 1)")

    for path, x, y, acc in results:
        cost = float(_local(x, y)[path[:, 0], path[:, 1]].sum())
        if not np.isclose(cost, acc[-1, -1]):
            run.fail(
                "the path is optimal",
                "the local distances along your path add up to more than D(n-1, m-1), "
                "so it is not the cheapest path. At each cell, step back to the "
                "predecessor with the smallest D (compare all three).",
            )
    run.passed("the path is optimal")
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: Sinkhorn
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.align.sinkhorn",
    task="write Sinkhorn's scaling iterations yourself",
    shortcuts=("mmlab.align.optimal_transport", "mmlab.quantify.sinkhorn_project"),
)
def check_sinkhorn_plan(fn: Callable[..., Any]) -> bool:
    """Check ``sinkhorn_plan(a, b, cost, reg, n_iter)``: the entropy-regularised transport plan.

    Verifies the shape for a rectangular problem, that the plan's row and
    column sums are ``a`` and ``b``, that it equals the entropic plan (to
    1e-6) for non-uniform masses (diagnosing a kernel without ``reg`` or
    with the wrong sign), and for a small regularisation on hidden problems.
    """
    run = CheckRun("Exercise 3 (Sinkhorn)", 4)
    rng = np.random.default_rng(31)
    a, b = np.array([0.5, 0.3, 0.2]), np.array([0.1, 0.4, 0.25, 0.25])
    cost = rng.uniform(size=(3, 4))
    got = expect_array(
        run,
        run_student(run, fn, a.copy(), b.copy(), cost.copy(), 0.5, 500, what="output shape"),
        (3, 4),
        what="output shape",
        hint="P has one entry per (row, column) pair: (len(a), len(b)).",
    )
    run.passed("output shape")

    rows, cols = got.sum(1), got.sum(0)
    if not (np.allclose(rows, a, atol=1e-4) and np.allclose(cols, b, atol=1e-4)):
        which = []
        if not np.allclose(rows, a, atol=1e-4):
            which.append("rows do not sum to a")
        if not np.allclose(cols, b, atol=1e-4):
            which.append("columns do not sum to b")
        run.fail(
            "marginals",
            f"after 500 iterations your plan's {' and '.join(which)}. Each iteration rescales the "
            "rows (u = a / (K v)) and then the columns (v = b / (K^T u)); the plan is "
            "diag(u) K diag(v).",
        )
    run.passed("marginals")

    ref = _sinkhorn_reference(a, b, cost, 0.5)
    if not np.allclose(got, ref, atol=1e-6):
        kernels = {
            "exp(-C)": _sinkhorn_reference(a, b, cost, 1.0),
            "exp(+C / reg)": _sinkhorn_reference(a, b, -cost, 0.5),
            "exp(-C * reg)": _sinkhorn_reference(a, b, cost, 1 / 0.5),
        }
        for name, plan in kernels.items():
            if np.allclose(got, plan, atol=1e-6):
                run.fail(
                    "the entropic plan",
                    f"your plan matches the kernel {name}; the kernel of entropic OT is "
                    "K = exp(-C / reg): cheap pairs get more mass, and reg sets how sharp.",
                )
        run.fail(
            "the entropic plan",
            "your plan has the right marginals but is not the entropic optimum. Check the "
            "kernel K = exp(-C / reg) and that u and v multiply K as diag(u) K diag(v).",
        )
    run.passed("the entropic plan")

    for k in range(3):
        n, m = 3 + k, 5 - k
        aa, bb = rng.dirichlet(np.ones(n)) * 0.5 + 0.5 / n, rng.dirichlet(np.ones(m)) * 0.5 + 0.5 / m
        cc = rng.uniform(size=(n, m))
        plan = expect_array(
            run,
            run_student(run, fn, aa.copy(), bb.copy(), cc.copy(), 0.05, 3000, what="small regularisation"),
            (n, m),
            what="small regularisation",
        )
        if not np.allclose(plan, _sinkhorn_reference(aa, bb, cc, 0.05), atol=1e-6):
            run.fail(
                "small regularisation",
                f"on a hidden {n} x {m} problem with reg = 0.05 your plan is not the "
                "entropic optimum after 3000 iterations. Are you running n_iter "
                "iterations, and starting from v = 1?",
            )
    run.passed("small regularisation")
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 4: greedy CTC decoding
# --------------------------------------------------------------------------- #
def _one_hot_scores(path: list[int], n_symbols: int) -> torch.Tensor:
    """Log-probabilities whose arg-max in every frame is ``path[t]``."""
    p = torch.full((len(path), n_symbols), 0.1 / (n_symbols - 1))
    p[torch.arange(len(path)), torch.tensor(path)] = 0.9
    return p.log()


def _as_label_list(run: CheckRun, got: Any, what: str) -> list[int]:
    if got is None:
        run.fail(what, RETURNED_NONE)
    if isinstance(got, torch.Tensor):
        got = got.tolist()
    if isinstance(got, np.ndarray):
        got = got.tolist()
    if isinstance(got, str) or not isinstance(got, (list, tuple)):
        run.fail(what, f"expected a list of labels (ints), got {type(got).__name__}.")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got):
        run.fail(what, "expected a list of ints; some entries are not integers (use int(k) or .tolist()).")
    return [int(v) for v in got]


@forbid(
    "mmlab.align.ctc_greedy_decode",
    task="decode the best path yourself",
    shortcuts=("mmlab.align.ctc_beam_decode", "mmlab.align.CTCRecognizer.decode"),
)
def check_ctc_greedy(fn: Callable[..., Any]) -> bool:
    """Check ``ctc_greedy(log_probs, blank=0)``: best-path decoding (arg-max per frame, merge repeats, drop blanks).

    Verifies that it returns a list of ints, merges repeats and drops blanks,
    keeps a label repeated across a blank, and agrees with the definition on
    hidden random outputs, including a blank other than 0 and an all-blank sequence.
    """
    run = CheckRun("Exercise 4 (greedy CTC decoding)", 4)
    got = _as_label_list(
        run, run_student(run, fn, _one_hot_scores([2, 0, 1], 3), blank=0, what="a list of ints"), "a list of ints"
    )
    if got != [2, 1]:
        hint = (
            "you kept the blanks: drop the symbol `blank` after merging."
            if 0 in got
            else "take the arg-max over the symbols (the last axis) of each frame, not over the frames."
        )
        run.fail(
            "a list of ints", f"for the best path [2, blank, 1] the labelling is [2, 1]; yours gives {got}: {hint}"
        )
    run.passed("a list of ints")

    got = _as_label_list(
        run,
        run_student(run, fn, _one_hot_scores([1, 1, 0, 0, 2, 2, 2], 3), blank=0, what="merges repeats, drops blanks"),
        "merges repeats, drops blanks",
    )
    if got != [1, 2]:
        hint = (
            "you kept the blanks: remove symbol `blank` after merging."
            if 0 in got
            else "you kept repeated frames: merge runs of the same symbol into one label."
            if got.count(1) > 1
            else "merge runs of equal symbols, then drop the blanks."
        )
        run.fail(
            "merges repeats, drops blanks",
            f"the path [1, 1, blank, blank, 2, 2, 2] must give [1, 2]; yours gives {got}: {hint}",
        )
    run.passed("merges repeats, drops blanks")

    got = _as_label_list(
        run,
        run_student(run, fn, _one_hot_scores([1, 0, 1, 1, 2], 3), blank=0, what="a blank separates repeats"),
        "a blank separates repeats",
    )
    if got != [1, 1, 2]:
        run.fail(
            "a blank separates repeats",
            f"the path [1, blank, 1, 1, 2] must give [1, 1, 2] (the blank "
            f"separates two 1s); yours gives {got}. Merge equal *neighbouring* "
            "frames first, then drop blanks; do not remove duplicates globally.",
        )
    run.passed("a blank separates repeats")

    gen = torch.Generator().manual_seed(41)
    for blank, n_symbols, frames in ((0, 5, 30), (2, 4, 25), (0, 3, 1)):
        scores = torch.randn(frames, n_symbols, generator=gen).log_softmax(-1)
        got = _as_label_list(
            run, run_student(run, fn, scores.clone(), blank=blank, what="hidden cases"), "hidden cases"
        )
        if got != _greedy_reference(scores, blank):
            run.fail(
                "hidden cases",
                f"on a hidden output of {frames} frames over {n_symbols} symbols with blank "
                f"{blank}, your labelling differs from best-path decoding. Use the `blank` "
                "argument rather than a fixed 0.",
            )
    all_blank = _as_label_list(
        run, run_student(run, fn, _one_hot_scores([0, 0, 0, 0], 3), blank=0, what="hidden cases"), "hidden cases"
    )
    expect_true(
        run, all_blank == [], what="hidden cases", message="a path of blanks only must decode to the empty list."
    )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 5: cross-modal attention
# --------------------------------------------------------------------------- #
def _attention_case(seed: int, n: int, m: int, d: int, d_source: int, hidden: int) -> tuple[torch.Tensor, ...]:
    gen = torch.Generator().manual_seed(seed)
    return (
        torch.randn(n, d, generator=gen),
        torch.randn(m, d_source, generator=gen),
        torch.randn(d, hidden, generator=gen),
        torch.randn(d_source, hidden, generator=gen),
        torch.randn(d_source, d, generator=gen),
    )


def _pair(run: CheckRun, got: Any, what: str) -> tuple[Any, Any]:
    if got is None:
        run.fail(what, RETURNED_NONE)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        run.fail(
            what,
            f"expected a pair (output, weights), got {type(got).__name__}"
            f"{' of length ' + str(len(got)) if isinstance(got, (tuple, list)) else ''}.",
        )
    return got[0], got[1]


@forbid("mmlab.align.CrossModalAttention", task="compute the attention weights and the residual output yourself")
def check_cross_attention(fn: Callable[..., Any]) -> bool:
    """Check ``cross_attention(target, source, w_q, w_k, w_v)`` against the equations of the exercise.

    Verifies the shapes of ``(output, weights)``, that every row of the
    weights is a distribution over the source elements, the weights
    (diagnosing a missing or wrong scale), and the output (diagnosing a
    missing residual), on hidden inputs with different sizes.
    """
    run = CheckRun("Exercise 5 (cross-modal attention)", 4)
    args = _attention_case(51, 3, 7, 4, 5, 6)
    out, weights = _pair(run, run_student(run, fn, *[t.clone() for t in args], what="shapes"), "shapes")
    out = expect_array(
        run,
        out,
        (3, 4),
        what="shapes",
        tensor=True,
        hint="The output has one row per target element, of the target's width: (n, d).",
    )
    weights = expect_array(
        run,
        weights,
        (3, 7),
        what="shapes",
        tensor=True,
        hint="The weights have one row per target element and one column per source element.",
    )
    run.passed("shapes")

    w = weights.detach().double()
    if bool((w < -1e-9).any()) or not torch.allclose(w.sum(1), torch.ones(3, dtype=w.dtype), atol=1e-5):
        cols = torch.allclose(w.sum(0), torch.ones(7, dtype=w.dtype), atol=1e-5)
        hint = (
            " Your columns sum to 1: take the softmax over the source axis (the last one), so that each target "
            "element distributes its attention over the source."
            if cols
            else " Apply a softmax over the source axis to the scores."
        )
        run.fail("rows are distributions", "each row of the weights must be non-negative and sum to 1." + hint)
    run.passed("rows are distributions")

    outputs = []
    for seed, (n, m, d, ds, h) in ((52, (3, 7, 4, 5, 6)), (53, (5, 2, 3, 8, 16)), (54, (1, 9, 6, 6, 4))):
        case = _attention_case(seed, n, m, d, ds, h)
        out, weights = _pair(run, run_student(run, fn, *[t.clone() for t in case], what="the weights"), "the weights")
        weights = expect_array(run, weights, (n, m), what="the weights", tensor=True)
        outputs.append((case, out))
        _, ref_w = _attention_reference(*case)
        if torch.allclose(weights.detach().double(), ref_w.double(), atol=1e-5):
            continue
        _, unscaled = _attention_reference(*case, scale=False)
        q, k = case[0] @ case[2], case[1] @ case[3]
        by_d = (q @ k.T / q.shape[-1]).softmax(-1)
        if torch.allclose(weights.detach().double(), unscaled.double(), atol=1e-5):
            run.fail(
                "the weights",
                "your weights are softmax(Q K^T) without the scale: divide the scores by "
                "sqrt(d), the width of the queries and keys, before the softmax.",
            )
        if torch.allclose(weights.detach().double(), by_d.double(), atol=1e-5):
            run.fail(
                "the weights",
                "you divided the scores by d; the scale is sqrt(d), the square root of the "
                "width of the queries and keys.",
            )
        run.fail(
            "the weights",
            "your weights differ from softmax(Q K^T / sqrt(d)) on a hidden case. Check "
            "Q = target @ w_q, K = source @ w_k, and which width d you use.",
        )
    run.passed("the weights")

    for case, out in outputs:
        n, d = case[0].shape
        out_t = expect_array(run, out, (n, d), what="the output is target + context", tensor=True)
        ref_out, _ = _attention_reference(*case)
        if torch.allclose(out_t.detach().double(), ref_out.double(), atol=1e-4):
            continue
        no_res, _ = _attention_reference(*case, residual=False)
        if torch.allclose(out_t.detach().double(), no_res.double(), atol=1e-4):
            run.fail(
                "the output is target + context",
                "your output is the attended context A V only: add the target itself (the residual connection).",
            )
        run.fail(
            "the output is target + context",
            "your output differs from target + A V on a hidden case. Check V = source @ w_v.",
        )
    run.passed("the output is target + context")
    return run.finish()
