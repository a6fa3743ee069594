"""Check cells of the reasoning lab (``labs/3_reasoning/01_reasoning.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded inputs,
validates what comes back, compares it with a reference computed here from
the lab's equations (never with :func:`mmlab.reason.soft_and`,
:func:`mmlab.reason.execute_soft`, :func:`mmlab.reason.intervention_test` or
:func:`mmlab.reason.movie_modulation`, which the exercises ask the student to
write), and raises :class:`mmlab.labs.CheckFailed` with a message that names
the failing property and the likely cause, without printing the answer.
Every check is decorated with :func:`~mmlab.labs.forbid`: calling the library
function the exercise asks for fails it.

===============================  ===========================================================================
check                            student function
===============================  ===========================================================================
check_soft_logic                 ``soft_logic(a, b, tnorm) -> (a AND b, a OR b)``
check_exists_pair                ``exists_pair(objects, color_map, shape_map) -> (n,)``
check_intervention_failures      ``intervention_failures(pred_before, pred_after, truth_before, truth_after)``
check_modulate                   ``modulate(v, delta_gamma, weight) -> (batch, channels, rows, cols)``
===============================  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from mmlab.labs._feedback import CheckRun, expect_array, expect_close, expect_number, forbid, run_student

__all__ = ["check_exists_pair", "check_intervention_failures", "check_modulate", "check_soft_logic"]

_ATOL = 1e-5


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _and_reference(a: torch.Tensor, b: torch.Tensor, tnorm: str) -> torch.Tensor:
    return a * b if tnorm == "product" else torch.clamp(a + b - 1.0, min=0.0)


def _or_reference(a: torch.Tensor, b: torch.Tensor, tnorm: str) -> torch.Tensor:
    return a + b - a * b if tnorm == "product" else torch.clamp(a + b, max=1.0)


def _exists_reference(objects: torch.Tensor, color: torch.Tensor, shape: torch.Tensor) -> torch.Tensor:
    alpha = objects * color * shape
    return 1.0 - torch.prod(1.0 - alpha, dim=2).prod(dim=1)


def _failures_reference(pb: np.ndarray, pa: np.ndarray, tb: np.ndarray, ta: np.ndarray) -> tuple[float, float]:
    same, changed = tb == ta, tb != ta
    inv = float((pa[same] != pb[same]).mean()) if same.any() else 0.0
    cov = float((pa[changed] != ta[changed]).mean()) if changed.any() else 0.0
    return inv, cov


def _modulate_reference(v: torch.Tensor, dg: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    out = v.clone()
    for k in range(v.shape[1]):
        for j in range(v.shape[1]):
            out[:, k] = out[:, k] + w[j, k] * v[:, j] * dg[:, j, None, None]
    return out


def _tensor(run: CheckRun, got: Any, what: str, shape: tuple[int, ...] | None = None, hint: str = "") -> torch.Tensor:
    value = expect_array(run, got, what=what, tensor=True)
    if shape is not None and tuple(value.shape) != shape:
        run.fail(what, f"expected shape {shape}, got {tuple(value.shape)}." + (f" {hint}" if hint else ""))
    return value


# --------------------------------------------------------------------------- #
# exercise 1: soft logic
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.reason.soft_and",
    "mmlab.reason.soft_or",
    task="write the t-norm and its dual t-conorm yourself",
    shortcuts=("mmlab.reason.execute_soft",),
    hint="Use torch arithmetic and torch.clamp on a and b.",
)
def check_soft_logic(fn: Callable[..., Any]) -> bool:
    """Check ``soft_logic(a, b, tnorm)`` for ``"product"`` and ``"lukasiewicz"``: AND and OR, elementwise.

    Verifies that it returns two tensors of the input's shape, that both agree
    with Boolean logic on {0, 1}, the product family's values, the
    Łukasiewicz family's values, and De Morgan's law with NOT a = 1 - a.
    """
    run = CheckRun("Exercise 1 (soft logic)", 4)
    bits_a, bits_b = torch.tensor([0.0, 0.0, 1.0, 1.0]), torch.tensor([0.0, 1.0, 0.0, 1.0])
    what = "Boolean on {0, 1}"
    for tnorm in ("product", "lukasiewicz"):
        t_and, t_or = _pair(run, run_student(run, fn, bits_a.clone(), bits_b.clone(), tnorm, what=what), what, (4,))
        if float(t_and.detach().min()) < -1e-9 or float(t_or.detach().max()) > 1 + 1e-9:
            run.fail(
                what,
                f"with tnorm={tnorm!r}, your AND goes below 0 or your OR above 1 on Boolean inputs: "
                "truth values must stay in [0, 1] (clip with torch.clamp).",
            )
        if not torch.allclose(t_and.detach().double(), (bits_a * bits_b).double()):
            run.fail(
                what,
                f"with tnorm={tnorm!r}, your AND on the four Boolean pairs (0,0), (0,1), (1,0), (1,1) is "
                f"{t_and.detach().tolist()}, not the Boolean AND [0, 0, 0, 1].",
            )
        if not torch.allclose(t_or.detach().double(), torch.maximum(bits_a, bits_b).double()):
            run.fail(
                what,
                f"with tnorm={tnorm!r}, your OR on the four Boolean pairs is {t_or.detach().tolist()}, "
                "not the Boolean OR [0, 1, 1, 1]. The OR is the dual: 1 - T(1 - a, 1 - b).",
            )
    run.passed(what)

    gen = torch.Generator().manual_seed(303)
    a, b = torch.rand(50, generator=gen), torch.rand(50, generator=gen)
    for tnorm, what in (("product", "product family"), ("lukasiewicz", "Łukasiewicz family")):
        t_and, t_or = _pair(run, run_student(run, fn, a.clone(), b.clone(), tnorm, what=what), what, (50,))
        ref_and, ref_or = _and_reference(a, b, tnorm), _or_reference(a, b, tnorm)
        if tnorm == "lukasiewicz" and torch.allclose(t_and.detach().double(), (a + b - 1).double(), atol=_ATOL):
            run.fail(what, "your AND goes below 0 where a + b < 1: clip it at 0 (truth values stay in [0, 1]).")
        if tnorm == "lukasiewicz" and torch.allclose(t_and.detach().double(), (a * b).double(), atol=_ATOL):
            run.fail(what, "with tnorm='lukasiewicz' your AND is the product; check which family you compute.")
        expect_close(
            run,
            t_and.detach(),
            ref_and,
            what=what,
            atol=_ATOL,
            hint=f"Compare your AND with the table's {tnorm} t-norm.",
        )
        run.done.pop()
        if torch.allclose(t_or.detach().double(), (a + b).double(), atol=_ATOL):
            run.fail(what, "your OR can exceed 1: for the product family subtract a·b, for Łukasiewicz clip at 1.")
        expect_close(
            run,
            t_or.detach(),
            ref_or,
            what=what,
            atol=_ATOL,
            hint="The OR is the dual t-conorm S(a, b) = 1 - T(1 - a, 1 - b).",
        )

    what = "De Morgan: NOT(a AND b) = NOT a OR NOT b"
    for tnorm in ("product", "lukasiewicz"):
        t_and, _ = _pair(run, run_student(run, fn, a.clone(), b.clone(), tnorm, what=what), what, (50,))
        _, or_neg = _pair(run, run_student(run, fn, 1 - a, 1 - b, tnorm, what=what), what, (50,))
        gap = float((1 - t_and.detach().double() - or_neg.detach().double()).abs().max())
        if gap > 1e-5:
            run.fail(what, f"with tnorm={tnorm!r} the two sides differ by up to {gap:.3g}; AND and OR must be duals.")
    run.passed(what)
    return run.finish()


def _pair(run: CheckRun, got: Any, what: str, shape: tuple[int, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    if got is None:
        run.fail(what, "your function returned None. Did you forget the `return` statement?")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        run.fail(what, "return a pair (a AND b, a OR b) of tensors, e.g. `return t_and, t_or`.")
    return tuple(_tensor(run, g, what, shape, "One truth value per input entry.") for g in got)  # type: ignore[return-value]


# --------------------------------------------------------------------------- #
# exercise 2: composing attention maps
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.reason.execute_soft",
    "mmlab.reason.soft_exists",
    task="compose the attention maps and the existence yourself",
    shortcuts=("mmlab.reason.soft_and", "mmlab.reason.NeuralModuleNetwork.answer"),
    hint="Multiply the maps cell by cell, then take the noisy-OR over the cells with torch.prod.",
)
def check_exists_pair(fn: Callable[..., Any]) -> bool:
    """Check ``exists_pair(objects, color_map, shape_map)``: the noisy-OR over cells of objects AND colour AND shape.

    Verifies the output shape (one probability per scene), the values on
    ground-truth (0/1) maps, the values on soft maps, and that gradients reach
    the maps (a module network trains through this composition).
    """
    run = CheckRun("Exercise 2 (attention maps composed by a program)", 4)
    gen = torch.Generator().manual_seed(202)
    hard = [(torch.rand(6, 4, 4, generator=gen) < p).float() for p in (0.5, 0.4, 0.4)]
    what = "output shape"
    got = _tensor(run, run_student(run, fn, *[m.clone() for m in hard], what=what), what, None)
    if tuple(got.shape) != (6,):
        hint = ""
        if tuple(got.shape) == (6, 4, 4):
            hint = " That is the composed map; read the answer off it: the probability that at least one cell is on."
        elif got.ndim == 0 or tuple(got.shape) == (1,):
            hint = " You reduced over the scenes too: keep one answer per scene (reduce over rows and columns only)."
        run.fail(what, f"expected shape (6,), one probability per scene, got {tuple(got.shape)}.{hint}")
    run.passed(what)

    what = "ground-truth maps"
    expected = _exists_reference(*hard)
    if torch.allclose(got.detach().double(), (hard[0] * hard[1] * hard[2]).sum((1, 2)).double(), atol=_ATOL):
        run.fail(what, "you summed the composed map: that is count, not exists. Exists is 1 - prod(1 - alpha).")
    expect_close(
        run,
        got.detach(),
        expected,
        what=what,
        atol=_ATOL,
        hint="On 0/1 maps the answer is 1 exactly when some cell is an object AND of the colour AND of the "
        "shape (all three in the same cell).",
    )

    what = "soft maps"
    soft = [torch.rand(5, 3, 3, generator=gen) for _ in range(3)]
    got_s = _tensor(run, run_student(run, fn, *[m.clone() for m in soft], what=what), what, (5,))
    alpha = soft[0] * soft[1] * soft[2]
    if torch.allclose(got_s.detach().double(), alpha.amax((1, 2)).double(), atol=_ATOL):
        run.fail(
            what,
            "you took the maximum over cells (a Gödel OR); the exercise asks for the noisy-OR, "
            "1 - prod(1 - alpha), which counts every cell's evidence.",
        )
    expect_close(
        run,
        got_s.detach(),
        _exists_reference(*soft),
        what=what,
        atol=_ATOL,
        hint="Compose first (alpha = objects * color * shape per cell), then 1 - prod over cells of (1 - alpha).",
    )

    what = "gradients reach the maps"
    maps = [m.clone().requires_grad_(True) for m in soft]
    out = _tensor(run, run_student(run, fn, *maps, what=what), what, (5,))
    if not out.requires_grad:
        run.fail(
            what,
            "your output is cut off from the autograd graph (.detach(), .numpy() or torch.tensor(...)?); "
            "the find modules could not learn through it.",
        )
    try:
        out.sum().backward()
    except RuntimeError as err:
        run.fail(what, f"computing gradients through your output failed ({str(err).splitlines()[0]}).")
    if any(m.grad is None for m in maps):
        run.fail(what, "some map received no gradient: objects, colour and shape must all enter the answer.")
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: the intervention test
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.reason.intervention_test",
    task="compute the two failure rates yourself",
    hint="Use boolean masks on the NumPy arrays.",
)
def check_intervention_failures(fn: Callable[..., Any]) -> bool:
    """Check ``intervention_failures(pred_before, pred_after, truth_before, truth_after)``.

    Returns ``(invariance_failure, covariance_failure)``: among scenes whose
    true answer did not change, the share whose prediction changed; among
    scenes whose true answer changed, the share whose prediction after the
    edit is wrong. Verifies two numbers in [0, 1], both on a case worked by
    hand, both on random cases, and the edge case where no truth changes.
    """
    run = CheckRun("Exercise 3 (intervention test)", 4)
    pb, pa = np.array([1, 1, 0, 0, 1, 0]), np.array([1, 0, 0, 1, 0, 0])
    tb, ta = np.array([1, 1, 0, 0, 1, 1]), np.array([1, 1, 0, 1, 0, 0])
    what = "returns two rates in [0, 1]"
    got = run_student(run, fn, pb.copy(), pa.copy(), tb.copy(), ta.copy(), what=what)
    inv, cov = _two_numbers(run, got, what)
    run.passed(what)

    what = "worked case"
    ref_inv, ref_cov = _failures_reference(pb, pa, tb, ta)
    if abs(inv - ref_cov) < 1e-9 and abs(cov - ref_inv) < 1e-9 and ref_inv != ref_cov:
        run.fail(what, "you returned the two rates in the wrong order: (invariance_failure, covariance_failure).")
    if abs(inv - float((pa != pb).mean())) < 1e-9 and abs(inv - ref_inv) > 1e-9:
        run.fail(
            what,
            "your invariance failure counts every scene; count only scenes whose true answer did not "
            "change (truth_before == truth_after).",
        )
    if abs(cov - float((pa[tb != ta] == pb[tb != ta]).mean())) < 1e-9 and abs(cov - ref_cov) > 1e-9:
        run.fail(
            what,
            "your covariance failure asks whether the prediction stayed put; ask whether the prediction "
            "after the edit is wrong (pred_after != truth_after) among the changed scenes.",
        )
    expect_close(
        run,
        inv,
        ref_inv,
        what=what,
        atol=1e-9,
        hint="Check the invariance rate: among scenes with "
        "truth_before == truth_after, the share with pred_after != pred_before.",
    )
    run.done.pop()
    expect_close(
        run,
        cov,
        ref_cov,
        what=what,
        atol=1e-9,
        hint="Check the covariance rate: among scenes with "
        "truth_before != truth_after, the share with pred_after != truth_after.",
    )

    what = "random cases"
    rng = np.random.default_rng(7)
    for _ in range(3):
        arrays = [rng.integers(0, 2, size=40) for _ in range(4)]
        got = _two_numbers(run, run_student(run, fn, *[x.copy() for x in arrays], what=what), what)
        expect_close(
            run,
            np.array(got),
            np.array(_failures_reference(*arrays)),
            what=what,
            atol=1e-9,
            hint="Both rates are shares within a subset of the scenes, not of all scenes.",
        )
        run.done.pop()
    run.passed(what)

    what = "no answer changes"
    same = np.array([0, 1, 1, 0])
    got = _two_numbers(
        run, run_student(run, fn, same.copy(), np.array([0, 1, 0, 0]), same.copy(), same.copy(), what=what), what
    )
    if abs(got[1]) > 1e-9 or abs(got[0] - 0.25) > 1e-9:
        run.fail(
            what,
            "when no true answer changes there is nothing to be covariant with: return 0.0 as the "
            "covariance failure (not NaN), and the invariance failure as usual.",
        )
    run.passed(what)
    return run.finish()


def _two_numbers(run: CheckRun, got: Any, what: str) -> tuple[float, float]:
    if got is None:
        run.fail(what, "your function returned None. Did you forget the `return` statement?")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        run.fail(what, "return a pair (invariance_failure, covariance_failure) of numbers.")
    values = tuple(expect_number(run, g, what=what) for g in got)
    if any(not 0.0 <= v <= 1.0 for v in values):
        run.fail(what, f"failure rates are shares, between 0 and 1; got {tuple(round(v, 4) for v in values)}.")
    return values  # type: ignore[return-value]


# --------------------------------------------------------------------------- #
# exercise 4: MoVie's modulation
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.reason.movie_modulation",
    "mmlab.reason.ModulatedConv",
    task="write the modulation yourself",
    hint="Use broadcasting and torch.einsum on v, delta_gamma and weight.",
)
def check_modulate(fn: Callable[..., Any]) -> bool:
    """Check ``modulate(v, delta_gamma, weight)``: :math:`v + W^\\top (v \\otimes \\Delta\\gamma)` at every cell.

    Verifies the output shape, the values against a reference written with
    loops over channels (with a diagnosis of the usual slips: no residual,
    :math:`W` instead of :math:`W^\\top`, the scale applied after the map), a
    second batch, and that gradients reach ``delta_gamma`` (the question).
    """
    run = CheckRun("Exercise 4 (MoVie modulation)", 4)
    gen = torch.Generator().manual_seed(404)
    v, dg = torch.randn(3, 4, 2, 5, generator=gen), torch.randn(3, 4, generator=gen)
    w = torch.randn(4, 4, generator=gen)
    what = "output shape"
    got = _tensor(
        run,
        run_student(run, fn, v.clone(), dg.clone(), w.clone(), what=what),
        what,
        (3, 4, 2, 5),
        "The modulated features keep the shape of v: (batch, channels, rows, cols).",
    )
    run.passed(what)

    what = "values"
    g = got.detach().double()
    ref = _modulate_reference(v, dg, w).double()
    slips = {
        "no residual": ref - v.double(),
        "W instead of W^T": (v + torch.einsum("bjrc,kj->bkrc", v * dg[:, :, None, None], w)).double(),
        "scale after the map": (v + torch.einsum("bjrc,jk->bkrc", v, w) * dg[:, :, None, None]).double(),
    }
    hints = {
        "no residual": "you returned only W^T (v ⊗ Δγ); MoVie adds it to v (a residual): v + W^T(v ⊗ Δγ).",
        "W instead of W^T": "you applied W, not its transpose: output channel k sums W[j, k] over input channels j.",
        "scale after the map": "you scaled by Δγ after the map; scale v channel by channel first (v ⊗ Δγ), then "
        "apply W^T.",
    }
    if not torch.allclose(g, ref, atol=1e-4):
        for name, value in slips.items():
            if torch.allclose(g, value, atol=1e-4):
                run.fail(what, hints[name])
    expect_close(
        run,
        g,
        ref,
        what=what,
        atol=1e-4,
        hint="Per cell: scale each channel j of v by Δγ_j, mix the channels with W^T, add v.",
    )

    what = "another batch"
    v2, dg2 = torch.randn(2, 4, 3, 3, generator=gen), torch.randn(2, 4, generator=gen)
    got2 = _tensor(run, run_student(run, fn, v2.clone(), dg2.clone(), w.clone(), what=what), what, (2, 4, 3, 3))
    expect_close(
        run,
        got2.detach(),
        _modulate_reference(v2, dg2, w),
        what=what,
        atol=1e-4,
        hint="The first batch worked; do not rely on its sizes (batch, rows, cols) in your code.",
    )

    what = "gradients reach the question"
    dg3 = dg.clone().requires_grad_(True)
    out = _tensor(run, run_student(run, fn, v.clone(), dg3, w.clone(), what=what), what, (3, 4, 2, 5))
    if not out.requires_grad:
        run.fail(what, "your output is cut off from the autograd graph; the question encoder could not learn.")
    try:
        out.sum().backward()
    except RuntimeError as err:
        run.fail(what, f"computing gradients through your output failed ({str(err).splitlines()[0]}).")
    if dg3.grad is None or float(dg3.grad.abs().sum()) == 0.0:
        run.fail(what, "delta_gamma received no gradient: the question must modulate the features.")
    run.passed(what)
    return run.finish()
