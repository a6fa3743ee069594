"""Check cells of the second quantification lab (``labs/6_quantification/02_robustness_and_learning.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on several inputs,
validates what comes back, compares it with a reference computed here (never
with the public :mod:`mmlab.quantify` function the exercise asks for), and
raises :class:`mmlab.labs.CheckFailed` with a message that names the failing
property and the likely slip (a left Riemann sum, a forgotten shift to the
clean accuracy, a ratio turned upside down, a weight not squared, an absolute
instead of a relative error, a rate over all samples instead of the
positives, ...). The reference values are never printed. Every check is
decorated with :func:`~mmlab.labs.forbid`: calling the library function the
exercise asks for fails it.

=============================  ===================================================================
check                          student function
=============================  ===================================================================
check_robustness_scores        ``robustness_scores(levels, accuracy, baseline) -> (RR, ER)``
check_ogr                      ``ogr(train_loss, val_loss, start, end) -> float``
check_blend_weights            ``blend_weights(delta_g, delta_o, min_overfitting) -> dict``
check_invariance_gap           ``invariance_gap(f, x, perm) -> float``: relative permutation error
check_tpr_gap                  ``tpr_gap(pred, y, group) -> float``: equal-opportunity gap
=============================  ===================================================================

The private references (tested against the library in
``tests/labs/test_quantify2_checks.py``): :func:`_relative`,
:func:`_effective`, :func:`_ogr`, :func:`_blend`, :func:`_invariance_gap`,
:func:`_tpr_gap`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from mmlab.labs._feedback import (
    CheckRun,
    expect_close,
    expect_number,
    expect_true,
    forbid,
    run_student,
)

__all__ = ["check_blend_weights", "check_invariance_gap", "check_ogr", "check_robustness_scores", "check_tpr_gap"]


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _relative(levels: Any, f: Any) -> float:
    """Area under the curve by the trapezoid rule, written out."""
    lv, acc = np.asarray(levels, dtype=float), np.asarray(f, dtype=float)
    return float(sum((acc[i] + acc[i + 1]) / 2 * (lv[i + 1] - lv[i]) for i in range(len(lv) - 1)))


def _effective(f: Any, b: Any) -> float:
    """Sum over levels of f - (b shifted to f's clean accuracy)."""
    f, b = np.asarray(f, dtype=float), np.asarray(b, dtype=float)
    return float(np.sum(f - b - (f[0] - b[0])))


def _ogr(train_loss: Any, val_loss: Any, start: int, end: int) -> float:
    """|ΔO / ΔG| between two checkpoints."""
    lt, lv = np.asarray(train_loss, dtype=float), np.asarray(val_loss, dtype=float)
    delta_o = (lv[end] - lt[end]) - (lv[start] - lt[start])
    delta_g = lv[start] - lv[end]
    return abs(delta_o / delta_g)


def _blend(delta_g: Mapping[str, float], delta_o: Mapping[str, float], floor: float) -> dict[str, float]:
    """w_k ∝ max(ΔG_k, 0) / max(ΔO_k, floor)^2, normalised."""
    raw = {k: max(float(delta_g[k]), 0.0) / max(float(delta_o[k]), floor) ** 2 for k in delta_g}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def _invariance_gap(f: Callable[..., Any], x: Any, perm: Any) -> float:
    """||f(x[:, perm]) - f(x)|| / ||f(x)|| (Frobenius norms), in float64."""
    import torch

    with torch.no_grad():
        out = f(x).double()
        moved = f(x[:, torch.as_tensor(perm)]).double()
    return float((moved - out).norm() / out.norm())


def _tpr_gap(pred: Any, y: Any, group: Any) -> float:
    """max_a TPR_a - min_a TPR_a, TPR_a = P(pred = 1 | y = 1, group = a)."""
    p, t, g = (np.asarray(v).astype(int) for v in (pred, y, group))
    rates = [p[(g == a) & (t == 1)].mean() for a in np.unique(g)]
    return float(max(rates) - min(rates))


def _np(x: Any) -> np.ndarray:
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x, dtype=float)


# --------------------------------------------------------------------------- #
# exercise 1: relative and effective robustness
# --------------------------------------------------------------------------- #
_LEVELS = np.round(np.linspace(0.0, 1.0, 11), 10)


def _curves() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(levels, accuracy, baseline) cases: MultiBench's grid, a convex curve, uneven levels."""
    lv = _LEVELS.copy()
    late = 0.9 - 0.45 * lv**1.5  # the reference (late fusion)
    robust = 0.86 - 0.2 * lv  # less accurate, flatter
    uneven = np.array([0.0, 0.05, 0.2, 0.5, 1.0])
    return {
        "MultiBench levels": (lv, robust, late),
        "a curve with a kink": (lv, np.minimum(0.92, 1.1 - 0.7 * lv), late),
        "unevenly spaced levels": (uneven, 0.95 - 0.5 * uneven**2, 0.9 - 0.6 * uneven),
    }


def _pair(run: CheckRun, fn: Callable[..., Any], case: tuple[np.ndarray, ...], what: str) -> tuple[float, float]:
    lv, f, b = case
    got = run_student(run, fn, lv.copy(), f.copy(), b.copy(), what=what)
    if got is None:
        expect_number(run, got, what=what)
    if hasattr(got, "shape") and hasattr(got, "tolist") and tuple(got.shape) == (2,):
        got = tuple(got.tolist())
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        run.fail(
            what,
            f"expected a pair (relative, effective) of numbers, got {type(got).__name__}"
            f"{' of length ' + str(len(got)) if hasattr(got, '__len__') else ''}. Return both: "
            "`return rr, er`.",
        )
    hint = "Return two plain numbers, e.g. float(rr), float(er)."
    return expect_number(run, got[0], what=what, hint=hint), expect_number(run, got[1], what=what, hint=hint)


@forbid(
    "mmlab.quantify.relative_robustness",
    "mmlab.quantify.effective_robustness",
    task="compute relative and effective robustness from the curves yourself",
    shortcuts=("mmlab.quantify.RobustnessStudy.table",),
    hint="Write the trapezoid sum and the shifted difference with NumPy.",
)
def check_robustness_scores(fn: Callable[..., Any]) -> bool:
    """Check ``robustness_scores(levels, accuracy, baseline)``: MultiBench's (RR, ER) of a robustness curve.

    Verifies a pair of numbers; RR on MultiBench's levels, on a kinked curve
    and on unevenly spaced levels (the trapezoid rule, not a mean or a left
    sum); ER = 0 for the baseline itself and for a parallel shifted copy; ER
    against the reference (the shift to the clean accuracy, a sum not a mean).
    Calling mmlab's ``relative_robustness`` or ``effective_robustness`` fails
    the check.
    """
    cases = _curves()
    run = CheckRun("Exercise 1 (relative and effective robustness)", 5)
    what = "returns (relative, effective)"
    _pair(run, fn, cases["MultiBench levels"], what)
    run.passed(what)

    for name in ("MultiBench levels", "a curve with a kink", "unevenly spaced levels"):
        lv, f, b = cases[name]
        rr, _ = _pair(run, fn, cases[name], f"relative robustness ({name})")
        ref = _relative(lv, f)
        if abs(rr - ref) > 1e-9:
            what = f"relative robustness ({name})"
            if abs(rr - f.mean()) < 1e-9:
                run.fail(
                    what,
                    "you returned the mean accuracy over the levels. RR is the area under the curve: "
                    "the trapezoid rule weights each interval by its width λ_{i+1} − λ_i.",
                )
            if abs(rr - float(np.sum(f[:-1] * np.diff(lv)))) < 1e-9:
                run.fail(
                    what,
                    "you used left end points (a Riemann sum). The trapezoid rule averages the two "
                    "ends of each interval: (f_i + f_{i+1}) / 2 · (λ_{i+1} − λ_i).",
                )
            if abs(rr - float(np.sum(f) * (lv[1] - lv[0]))) < 1e-9:
                run.fail(
                    what,
                    "you multiplied the sum of all accuracies by one width: that counts both end points "
                    "fully (the trapezoid rule halves them) and assumes evenly spaced levels. Use "
                    "(f_i + f_{i+1}) / 2 · (λ_{i+1} − λ_i) with the widths np.diff(levels).",
                )
            expect_close(run, rr, ref, what=what, atol=1e-9, hint="RR = Σ_i (f_i + f_{i+1}) / 2 · (λ_{i+1} − λ_i).")
        run.passed(f"relative robustness ({name})" if name != "MultiBench levels" else "RR by the trapezoid rule")
    lv, f, b = cases["MultiBench levels"]
    what = "effective robustness"
    _, er_self = _pair(run, fn, (lv, b, b), what)
    _, er_shift = _pair(run, fn, (lv, b - 0.1, b), what)
    if abs(er_self) > 1e-9 or abs(er_shift) > 1e-9:
        bad = "a copy of the baseline moved down by 0.1" if abs(er_self) <= 1e-9 else "the baseline itself"
        run.fail(
            what,
            f"for {bad} ER must be 0: a curve that falls exactly like the baseline is not more or less "
            "robust. Shift the baseline to the model's clean accuracy: b_i + f_0 − b_0.",
        )
    _, er = _pair(run, fn, cases["MultiBench levels"], what)
    ref = _effective(f, b)
    if abs(er - ref) > 1e-9:
        if abs(er - ref / len(f)) < 1e-9:
            run.fail(what, "you averaged over the levels; MultiBench sums the differences over the levels.")
        if abs(er + ref) < 1e-9:
            run.fail(what, "your ER has the wrong sign: it is the model's curve minus the shifted baseline.")
        expect_close(
            run,
            er,
            ref,
            what=what,
            atol=1e-9,
            hint="ER = Σ_i f_i − (b_i + f_0 − b_0): the model's curve minus the shifted baseline.",
        )
    run.passed("ER = 0 for the baseline and its shifted copies, and against the reference")
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 2: overfitting-to-generalisation ratio
# --------------------------------------------------------------------------- #
def _ogr_cases() -> list[tuple[str, np.ndarray, np.ndarray, int, int]]:
    epochs = np.arange(8)
    memorise_t = 0.69 * np.exp(-0.9 * epochs)  # training loss falls fast
    memorise_v = 0.69 - 0.05 * epochs / 7 + 0.25 * (epochs / 7) ** 2  # validation loss dips, then rises
    generalise_t = 0.69 - 0.3 * (1 - np.exp(-0.4 * epochs))
    generalise_v = generalise_t + 0.02 + 0.01 * epochs / 7
    return [
        ("a model that generalises, epochs 0 → 3", generalise_t, generalise_v, 0, 3),
        ("a model that memorises, epochs 0 → 2", memorise_t, memorise_v, 0, 2),
        ("checkpoints 2 → last (end=-1)", generalise_t, generalise_v, 2, -1),
    ]


@forbid(
    "mmlab.quantify.overfitting_to_generalization_ratio",
    task="compute the OGR from the two loss curves yourself",
    shortcuts=("mmlab.quantify.LearningCurves.ogr", "mmlab.quantify.LearningCurves.deltas"),
    hint="Index the two arrays at start and end and write ΔO and ΔG.",
)
def check_ogr(fn: Callable[..., Any]) -> bool:
    """Check ``ogr(train_loss, val_loss, start, end)``: |ΔO / ΔG| between two checkpoints.

    Verifies one number; the value on a generalising and on a memorising run
    (with diagnoses for O instead of ΔO, ΔG / ΔO instead of ΔO / ΔG, a
    missing absolute value, and the training instead of the validation loss
    in ΔG); and that ``start``/``end`` are used as given (including
    ``end=-1``). Calling mmlab's ``overfitting_to_generalization_ratio``
    fails the check.
    """
    cases = _ogr_cases()
    run = CheckRun("Exercise 2 (overfitting-to-generalisation ratio)", 1 + len(cases))
    what = "returns a number"
    name, lt, lv, i, j = cases[0]
    expect_number(
        run,
        run_student(run, fn, lt.copy(), lv.copy(), i, j, what=what),
        what=what,
        hint="Return the ratio as one float.",
    )
    run.passed(what)
    for name, lt, lv, i, j in cases:
        got = expect_number(run, run_student(run, fn, lt.copy(), lv.copy(), i, j, what=name), what=name)
        ref = _ogr(lt, lv, i, j)
        if abs(got - ref) <= 1e-9 * max(1.0, abs(ref)):
            run.passed(name)
            continue
        d_o = (lv[j] - lt[j]) - (lv[i] - lt[i])
        d_g = lv[i] - lv[j]
        if abs(got - abs((lv[j] - lt[j]) / d_g)) < 1e-9:
            run.fail(
                name, "you used the overfitting O at the end checkpoint; OGR uses its *change* ΔO = O_end − O_start."
            )
        if d_o != 0 and abs(got - abs(d_g / d_o)) < 1e-9:
            run.fail(name, "your ratio is upside down: OGR = |ΔO / ΔG|, overfitting per unit of generalisation.")
        if abs(got + ref) < 1e-9:
            run.fail(name, "your OGR is negative: it is the absolute value |ΔO / ΔG|.")
        if abs(got - abs(d_o / (lt[i] - lt[j]))) < 1e-9:
            run.fail(name, "ΔG is the gain on the *validation* loss, L^V_start − L^V_end, not on the training loss.")
        others = [
            (a, b)
            for a in range(len(lt))
            for b in range(a + 1, len(lt))
            if (a, b) != (i % len(lt), j % len(lt)) and lv[a] != lv[b]
        ]
        if any(abs(got - _ogr(lt, lv, a, b)) < 1e-9 for a, b in others):
            run.fail(
                name,
                "your value is the OGR between other checkpoints: index the curves at `start` and `end` "
                "as given (end=-1 is the last checkpoint).",
            )
        expect_close(
            run,
            got,
            ref,
            what=name,
            atol=1e-9,
            hint="O = L^V − L^T at each checkpoint; ΔO = O_end − O_start; ΔG = L^V_start − L^V_end.",
        )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: gradient-blending weights
# --------------------------------------------------------------------------- #
def _blend_cases() -> list[tuple[str, dict[str, float], dict[str, float], float]]:
    return [
        ("two heads", {"audio": 0.30, "video": 0.10}, {"audio": 0.20, "video": 0.05}, 0.01),
        (
            "a head whose validation loss got worse",
            {"A": 0.12, "B": -0.05, "fused": 0.07},
            {"A": 0.05, "B": 0.27, "fused": 0.23},
            0.01,
        ),
        (
            "a head that has not started to overfit",
            {"A": 0.15, "B": 0.05, "fused": 0.05},
            {"A": -0.02, "B": 0.30, "fused": 0.20},
            0.05,
        ),
    ]


@forbid(
    "mmlab.quantify.gradient_blend_weights",
    task="compute the blending weights yourself",
    shortcuts=("mmlab.quantify.estimate_blend_weights", "mmlab.quantify.blending_study"),
    hint="Loop over the heads with plain Python: clip, square, divide, normalise.",
)
def check_blend_weights(fn: Callable[..., Any]) -> bool:
    """Check ``blend_weights(delta_g, delta_o, min_overfitting)``: w_k ∝ max(ΔG_k, 0) / max(ΔO_k, δ)², normalised.

    Verifies a dict with the heads as keys summing to 1; the values on three
    cases (with diagnoses for ΔO not squared, no normalisation, negative ΔG
    not clipped, the floor δ not applied); that the argument ``min_overfitting``
    is used. Calling mmlab's ``gradient_blend_weights`` fails the check.
    """
    cases = _blend_cases()
    run = CheckRun("Exercise 3 (gradient-blending weights)", 1 + len(cases))
    what = "returns a dict of weights summing to 1"
    name, dg, do, floor = cases[0]
    got = run_student(run, fn, dict(dg), dict(do), floor, what=what)
    if not isinstance(got, Mapping):
        run.fail(
            what,
            f"expected a dict from head name to weight, got {type(got).__name__}. Keep the keys of "
            "delta_g: {name: weight}.",
        )
    if set(got) != set(dg):
        run.fail(what, f"the keys must be the heads of delta_g ({sorted(dg)}); got {sorted(map(str, got))}.")
    values = [expect_number(run, got[k], what=what, hint="Each weight is one number.") for k in dg]
    expect_true(
        run,
        abs(sum(values) - 1.0) <= 1e-9,
        what=what,
        message=f"your weights sum to {sum(values):.4g}; divide each by their total Z so that they sum to 1.",
    )
    for name, dg, do, floor in cases:
        got = run_student(run, fn, dict(dg), dict(do), floor, what=name)
        if not isinstance(got, Mapping) or set(got) != set(dg):
            run.fail(name, f"expected a dict with the keys {sorted(dg)}.")
        vals = np.array([expect_number(run, got[k], what=name) for k in dg])
        ref = _blend(dg, do, floor)
        refs = np.array([ref[k] for k in dg])
        if np.allclose(vals, refs, atol=1e-9):
            run.passed(name)
            continue
        keys = list(dg)
        g = np.array([dg[k] for k in keys])
        o = np.array([do[k] for k in keys])
        unsquared = np.maximum(g, 0) / np.maximum(o, floor)
        if np.allclose(vals, unsquared / unsquared.sum(), atol=1e-9):
            run.fail(name, "the weights follow ΔG / ΔO; the formula divides by the *square*, ΔG / ΔO².")
        if (g < 0).any() and np.any(vals < -1e-12):
            run.fail(
                name,
                "a weight is negative: a head whose validation loss got worse (ΔG < 0) gets weight 0; "
                "clip ΔG at 0 first.",
            )
        if (o < floor).any():
            run.fail(
                name,
                "the weights differ where ΔO is below min_overfitting: use max(ΔO, min_overfitting) in "
                "the denominator (and use the argument, not a constant).",
            )
        expect_close(
            run,
            vals,
            refs,
            what=name,
            atol=1e-9,
            hint="w_k = max(ΔG_k, 0) / max(ΔO_k, min_overfitting)², then divide by their sum.",
        )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 4: a permutation-invariance test
# --------------------------------------------------------------------------- #
def _invariance_cases() -> list[tuple[str, Callable[..., Any], Any, list[int]]]:
    import torch

    gen = torch.Generator().manual_seed(11)
    x = torch.randn(4, 4, 3, generator=gen, dtype=torch.float64)  # 4 sets of 4 elements of size 3
    w = torch.randn(12, 2, generator=gen, dtype=torch.float64)
    v = torch.randn(3, 2, generator=gen, dtype=torch.float64)

    def sum_pool(s: Any) -> Any:  # invariant: a function of the sum over elements
        return torch.tanh(s.sum(dim=1) @ v)

    def flat(s: Any) -> Any:  # order-sensitive: weights per position
        return s.reshape(s.shape[0], -1) @ w

    def first(s: Any) -> Any:  # reads only the first element
        return s[:, 0] @ v

    return [
        ("a sum-pooling model", sum_pool, x, [3, 1, 0, 2]),
        ("a flattening model", flat, x, [3, 1, 0, 2]),
        ("a model that reads the first element", first, x, [1, 0, 2, 3]),
        ("another permutation", flat, x, [0, 1, 3, 2]),
    ]


@forbid(
    "mmlab.quantify.invariance_error",
    task="measure the invariance error yourself",
    shortcuts=("mmlab.quantify.equivariance_error",),
    hint="Reorder the element axis with x[:, perm] and compare the two outputs with torch.linalg.norm.",
)
def check_invariance_gap(fn: Callable[..., Any]) -> bool:
    """Check ``invariance_gap(f, x, perm)``: ||f(x[:, perm]) − f(x)|| / ||f(x)||.

    Verifies one number; 0 for a sum-pooling model; the relative value for a
    flattening model and a model that reads one element (diagnoses: an
    absolute instead of a relative error, the batch axis permuted instead of
    the element axis, the permutation ignored); and that the given
    permutation is used. Calling mmlab's ``invariance_error`` fails the check.
    """
    cases = _invariance_cases()
    run = CheckRun("Exercise 4 (a permutation-invariance test)", 1 + len(cases))
    what = "returns a number"
    name, f, x, perm = cases[0]
    expect_number(
        run,
        run_student(run, fn, f, x.clone(), list(perm), what=what),
        what=what,
        hint="Return the relative error as one float, e.g. float(err).",
    )
    run.passed(what)
    for name, f, x, perm in cases:
        got = expect_number(run, run_student(run, fn, f, x.clone(), list(perm), what=name), what=name)
        ref = _invariance_gap(f, x, perm)
        if abs(got - ref) <= 1e-8 * max(1.0, ref):
            run.passed(name)
            continue
        import torch

        with torch.no_grad():
            out = f(x)
            absolute = float((f(x[:, perm]) - out).norm())
            batch = float((f(x[perm]) - out).norm() / out.norm())
        if abs(got - absolute) < 1e-8:
            run.fail(
                name,
                "you returned the absolute error; divide by ||f(x)|| so that the error does not depend "
                "on the scale of the outputs.",
            )
        reversed_perm = list(range(x.shape[1]))[::-1]
        if list(perm) != reversed_perm and abs(got - _invariance_gap(f, x, reversed_perm)) < 1e-8:
            run.fail(
                name,
                "your value is that of another permutation (the reversed order): reorder the elements "
                "with the `perm` you were given.",
            )
        if ref > 0 and abs(got) < 1e-12:
            run.fail(
                name,
                "you returned 0 for a model that depends on the order: did you permute the input "
                "before calling f the second time, with the permutation you were given?",
            )
        if abs(got - batch) < 1e-8:
            run.fail(name, "you permuted the batch axis (samples); a set's elements are on axis 1: x[:, perm].")
        expect_close(
            run,
            got,
            ref,
            what=name,
            atol=1e-8,
            hint="err = ||f(x[:, perm]) − f(x)|| / ||f(x)|| over the whole batch (Frobenius norms).",
        )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 5: the equal-opportunity gap
# --------------------------------------------------------------------------- #
def _tpr_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(5)
    group = np.repeat([0, 1], 200)
    y = (rng.random(400) < np.where(group == 1, 0.7, 0.3)).astype(int)
    pred = np.where(y == 1, rng.random(400) < np.where(group == 1, 0.9, 0.6), rng.random(400) < 0.2).astype(int)
    fair = np.where(y == 1, rng.random(400) < 0.8, rng.random(400) < np.where(group == 1, 0.4, 0.1)).astype(int)
    three = np.repeat([0, 1, 2], 150)
    y3 = (rng.random(450) < 0.5).astype(int)
    pred3 = np.where(y3 == 1, rng.random(450) < np.array([0.6, 0.75, 0.95])[three], rng.random(450) < 0.3).astype(int)
    return [
        ("two groups", pred, y, group),
        ("unequal false-positive rates only", fair, y, group),
        ("three groups", pred3, y3, three),
        ("groups listed as 1 then 0", pred[::-1].copy(), y[::-1].copy(), group[::-1].copy()),
    ]


@forbid(
    "mmlab.quantify.group_gap",
    "mmlab.quantify.group_rates",
    task="compute the TPR gap yourself",
    hint="Select each group's positives with a boolean mask and average the predictions there.",
)
def check_tpr_gap(fn: Callable[..., Any]) -> bool:
    """Check ``tpr_gap(pred, y, group)``: max over groups of TPR minus min over groups of TPR.

    Verifies one number in [0, 1]; the value on two groups (diagnoses: the
    positive-rate gap, the accuracy gap, a signed difference); a case where
    only false-positive rates differ (gap near 0); three groups (max − min);
    and groups listed in another order. Calling mmlab's ``group_gap`` or
    ``group_rates`` fails the check.
    """
    cases = _tpr_cases()
    run = CheckRun("Exercise 5 (the equal-opportunity gap)", 1 + len(cases))
    what = "returns a number in [0, 1]"
    name, p, y, g = cases[0]
    got = expect_number(
        run,
        run_student(run, fn, p.copy(), y.copy(), g.copy(), what=what),
        what=what,
        hint="Return the gap as one float.",
    )
    if got < -1e-12:
        run.fail(what, "your gap is negative; a gap between rates lies in [0, 1]. Take max − min over the groups.")
    expect_true(
        run,
        got <= 1 + 1e-12,
        what=what,
        message=f"your gap is {got:.3g}, above 1; a gap between two rates lies in [0, 1]. Compare rates "
        "(shares between 0 and 1), not counts.",
    )
    for name, p, y, g in cases:
        got = expect_number(run, run_student(run, fn, p.copy(), y.copy(), g.copy(), what=name), what=name)
        ref = _tpr_gap(p, y, g)
        if abs(got - ref) <= 1e-9:
            run.passed(name)
            continue
        groups = np.unique(g)
        pr = [p[g == a].mean() for a in groups]
        acc = [(p[g == a] == y[g == a]).mean() for a in groups]
        if abs(got - (max(pr) - min(pr))) < 1e-9:
            run.fail(
                name,
                "you compared positive rates over all samples of each group (demographic parity). "
                "Equal opportunity compares the true-positive rates: only samples with y = 1.",
            )
        if abs(got - (max(acc) - min(acc))) < 1e-9:
            run.fail(name, "you compared accuracies; the TPR is the share of *positives* (y = 1) predicted 1.")
        if abs(got + ref) < 1e-9 or got < 0:
            run.fail(name, "your gap is negative: report max − min over the groups, whatever their order.")
        if len(groups) > 2:
            run.fail(name, "with more than two groups the gap is the largest TPR minus the smallest.")
        expect_close(
            run, got, ref, what=name, atol=1e-9, hint="TPR_a = mean of pred over the samples with group = a and y = 1."
        )
    return run.finish()
