"""Check cells of the multimodal-interactions lab (``labs/6_quantification/01_interactions.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on several inputs,
validates what comes back, compares it with a reference computed here (never
with the public :mod:`mmlab.quantify` function the exercise asks for), and
raises :class:`mmlab.labs.CheckFailed` with a message that names the failing
property and suggests the likely cause (nats instead of bits, a marginal over
the wrong axis, a missing grand mean, raw instead of normalised profiles, ...).
The reference values are never printed. Exercises 1, 4 and 5 are decorated with
:func:`~mmlab.labs.forbid`: calling ``mutual_information``, ``emap`` or
``rank_by_interactions`` / ``interaction_distance`` fails the check.

=========================  ================================================================
check                      student function
=========================  ================================================================
check_mutual_information   ``mutual_information_2d(p) -> float``: I(X;Y) in bits of a 2-D table
check_dominant_atom        ``dominant_atom(p) -> str``: the largest PID atom's name
check_shared_noisy_copy    ``shared_noisy_copy(noise) -> (2, 2, 2) table``: redundancy, no synergy
check_emap_projection      ``emap_projection(f, xa, xb) -> (N, C) tensor``: the EMAP of ``f``
check_pick_model           ``pick_model(data_profile, model_profiles) -> str``: closest profile
=========================  ================================================================

The private references (tested against the library in ``tests/labs``):
:func:`_mi_bits` (mutual information), :func:`_certified_pid` (the PID of a
table whose optimal coupling is one of three closed-form candidates, certified
by the lower bound), :func:`_emap_reference` (the projection from the full grid
of pairings) and :func:`_profile_distance` (L1 distance of atom shares).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from mmlab.labs._feedback import (
    CheckRun,
    expect_array,
    expect_choice,
    expect_close,
    expect_number,
    expect_true,
    forbid,
    run_student,
)

__all__ = [
    "check_dominant_atom",
    "check_emap_projection",
    "check_mutual_information",
    "check_pick_model",
    "check_shared_noisy_copy",
]

#: The atom names, in the order of a PID result's fields.
_ATOMS = ("redundancy", "unique1", "unique2", "synergy")
_LN2 = math.log(2.0)


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _entropy(p: Any) -> float:
    """Entropy in bits of a table of any shape (0 log 0 = 0)."""
    v = np.asarray(p, dtype=float).ravel()
    v = v[v > 0]
    return float(-(v * np.log2(v)).sum())


def _mi_bits(pxy: Any) -> float:
    """I(X;Y) in bits of a 2-D table, as H(X) + H(Y) - H(X,Y)."""
    pxy = np.asarray(pxy, dtype=float)
    return _entropy(pxy.sum(axis=1)) + _entropy(pxy.sum(axis=0)) - _entropy(pxy)


def _certified_pid(p: Any) -> dict[str, float]:
    """The BROJA PID of a table whose optimal coupling has a closed form, or ``ValueError``.

    Every coupling q with the pairwise marginals p(x1, y) and p(x2, y) has
    I_q(X1,X2;Y) >= max(I(X1;Y), I(X2;Y)). If one of three candidates reaches
    this bound (p itself, the conditionally independent coupling
    p(x1|y) p(x2|y) p(y), or, when p(x1|y) = p(x2|y), the coupling X1 = X2),
    it is the minimiser, and the atoms follow: R = min(I1, I2),
    U_i = I_i - R, S = I(X1,X2;Y) - max(I1, I2). The check tables are chosen
    to have such a certificate.
    """
    p = np.asarray(p, dtype=float)
    n1, n2, ny = p.shape
    p1y, p2y, py = p.sum(axis=1), p.sum(axis=0), p.sum(axis=(0, 1))
    i1, i2, i12 = _mi_bits(p1y), _mi_bits(p2y), _mi_bits(p.reshape(n1 * n2, ny))
    safe = np.where(py > 0, py, 1.0)
    candidates = [p, np.einsum("ay,by->aby", p1y, p2y) / safe]
    if n1 == n2 and np.allclose(p1y, p2y, atol=1e-12):
        diagonal = np.zeros_like(p)
        diagonal[np.arange(n1), np.arange(n1), :] = p1y
        candidates.append(diagonal)
    best = min(_mi_bits(q.reshape(n1 * n2, ny)) for q in candidates)
    bound = max(i1, i2)
    if best > bound + 1e-10:
        raise ValueError("_certified_pid: no closed-form optimal coupling for this table.")
    r = min(i1, i2)
    return {"redundancy": r, "unique1": i1 - r, "unique2": i2 - r, "synergy": i12 - bound}


def _emap_grid(f: Callable[..., Any], xa: Any, xb: Any) -> np.ndarray:
    """``grid[i, j] = f(a_i, b_j)``, shape (N, N, C), one row of pairings per call."""
    import torch

    with torch.no_grad():
        rows = [f(xa[i].expand(len(xb), -1), xb) for i in range(len(xa))]
    return np.stack([_np(r) for r in rows])


def _emap_reference(f: Callable[..., Any], xa: Any, xb: Any) -> np.ndarray:
    """The EMAP projection: row mean + column mean - grand mean of the grid of pairings."""
    grid = _emap_grid(f, xa, xb)
    return grid.mean(axis=1) + grid.mean(axis=0) - grid.mean(axis=(0, 1))


def _profile_distance(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """L1 distance between the atom shares of two profiles (dicts by atom name)."""
    a = np.array([float(p[k]) for k in _ATOMS])
    b = np.array([float(q[k]) for k in _ATOMS])
    return float(np.abs(a / a.sum() - b / b.sum()).sum())


def _np(x: Any) -> np.ndarray:
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x, dtype=float)


def _symmetric_channel(noise: float, k: int = 2) -> np.ndarray:
    """p[x, y] of a uniform X sent through a k-ary symmetric channel (flip to each other symbol w.p. noise/(k-1))."""
    channel = np.full((k, k), noise / (k - 1) if k > 1 else 0.0)
    np.fill_diagonal(channel, 1.0 - noise)
    return channel / k


def _xor() -> np.ndarray:
    p = np.zeros((2, 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            p[a, b, a ^ b] = 0.25
    return p


def _and() -> np.ndarray:
    p = np.zeros((2, 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            p[a, b, a & b] = 0.25
    return p


def _copy(source: int) -> np.ndarray:
    p = np.zeros((2, 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            p[a, b, a if source == 1 else b] = 0.25
    return p


def _redundant() -> np.ndarray:
    p = np.zeros((2, 2, 2))
    p[0, 0, 0] = p[1, 1, 1] = 0.5
    return p


# --------------------------------------------------------------------------- #
# exercise 1: mutual information of a 2-D table
# --------------------------------------------------------------------------- #
def _mi_value(run: CheckRun, fn: Callable[[np.ndarray], Any], p: np.ndarray, what: str, nonfinite: str = "") -> float:
    """Run the student's function on ``p`` and validate one finite number (``nonfinite``: message for NaN/inf)."""
    value = run_student(run, fn, p.copy(), what=what)
    if nonfinite and isinstance(value, (float, np.floating)) and not np.isfinite(value):
        run.fail(what, f"your MI is {value} {nonfinite}")
    if isinstance(value, np.ndarray) and value.size > 1:
        run.fail(
            what,
            f"expected one number (bits), got an array of shape {value.shape}. Sum the terms over all "
            "cells and return a float, e.g. float(mi).",
        )
    return expect_number(run, value, what=what, hint="Return I(X;Y) in bits as one number, e.g. float(mi).")


@forbid(
    "mmlab.quantify.mutual_information",
    task="compute the mutual information from the table yourself",
    shortcuts=(
        "mmlab.quantify.entropy",
        "mmlab.quantify.conditional_mutual_information",
        "mmlab.quantify.exact_pid",
        "mmlab.quantify.dit_pid",
    ),
    hint="Write the sum of the equation with NumPy (np.log2 and the row and column sums).",
)
def check_mutual_information(fn: Callable[[np.ndarray], Any]) -> bool:
    """Check ``mutual_information_2d(p)``: I(X;Y) in bits of a joint table ``p[x, y]``.

    Verifies a scalar result, zero on an independent table, the value on a
    binary symmetric channel (bits, not nats), the value on a rectangular
    table (marginals over the right axes), tables with zero cells (0 log 0 = 0)
    and symmetry I(X;Y) = I(Y;X). The reference is computed here as
    H(X) + H(Y) - H(X,Y); calling mmlab's ``mutual_information`` (or a PID
    solver) fails the check.
    """
    run = CheckRun("Exercise 1 (mutual information of a table)", 6)
    bsc = _symmetric_channel(0.1)
    got = _mi_value(run, fn, bsc, "returns a number")
    run.passed("returns a number")

    indep = np.outer([0.3, 0.7], [0.2, 0.5, 0.3])
    g0 = _mi_value(run, fn, indep, "independent variables")
    if not abs(g0) <= 1e-9:
        hx, hy = _entropy(indep.sum(axis=1)), _entropy(indep.sum(axis=0))
        message = f"for p(x, y) = p(x) p(y) the MI must be 0, got {g0:.4g}."
        if abs(g0 - _entropy(indep)) <= 1e-6:
            message += " You returned the joint entropy H(X,Y); I(X;Y) = H(X) + H(Y) − H(X,Y)."
        elif min(abs(g0 - hx), abs(g0 - hy), abs(g0 - hx - hy)) <= 1e-6:
            message += " You returned an entropy; I(X;Y) = H(X) + H(Y) − H(X,Y)."
        else:
            message += (
                " Check the marginals: p(x) = p.sum(axis=1) are the row sums and p(y) = p.sum(axis=0) "
                "the column sums, and I(X;Y) = Σ p(x,y) log2[p(x,y) / (p(x) p(y))]."
            )
        run.fail("independent variables", message)
    run.passed("0 for independent variables")

    _value_feedback(run, got, _mi_bits(bsc), bsc, "binary symmetric channel, noise 0.1")

    rect = np.array([[0.10, 0.05, 0.15, 0.00], [0.02, 0.20, 0.03, 0.05], [0.15, 0.05, 0.00, 0.20]])
    what = "3 x 4 table with zero cells"
    g = _mi_value(
        run,
        fn,
        rect,
        what,
        nonfinite="on a table with zero cells. A cell with p(x, y) = 0 contributes "
        "0 (the limit of p log p is 0): sum only over the cells with p > 0.",
    )
    _value_feedback(
        run,
        g,
        _mi_bits(rect),
        rect,
        what,
        hint="The 2 x 2 case was right, so check the marginals on a rectangular table: "
        "p(x) = p.sum(axis=1) (one value per row), p(y) = p.sum(axis=0) (one per column).",
    )

    diag = _symmetric_channel(0.0, k=4)
    what = "noiseless 4-symbol channel"
    gd = _mi_value(
        run,
        fn,
        diag,
        what,
        nonfinite="when most cells are 0. A cell with p = 0 contributes 0: mask it (p > 0) before taking the log.",
    )
    _value_feedback(run, gd, _mi_bits(diag), diag, what)

    gt = _mi_value(run, fn, np.ascontiguousarray(rect.T), "symmetry")
    expect_true(
        run,
        abs(gt - g) <= 1e-9,
        what="symmetric: I(X;Y) = I(Y;X)",
        message=f"your MI of the transposed table is {gt:.4g} but {g:.4g} for the table itself; "
        "mutual information is symmetric. Compute p(x) and p(y) from the table you are given.",
    )
    return run.finish()


def _value_feedback(run: CheckRun, got: float, ref: float, p: np.ndarray, what: str, hint: str = "") -> None:
    """Compare an MI value with the reference and diagnose the usual slips, without printing the reference."""
    if abs(got - ref) <= 1e-6:
        run.passed(what)
        return
    if ref > 0 and abs(got - ref * _LN2) <= 1e-6:
        run.fail(what, "your MI looks like nats (natural log); use log base 2 (np.log2) to get bits.")
    if ref > 0 and abs(got - ref * math.log10(2.0)) <= 1e-6:
        run.fail(what, "your MI looks like log base 10; use np.log2 to get bits.")
    if abs(got - _entropy(p)) <= 1e-6:
        run.fail(what, "You returned the joint entropy H(X,Y); subtract it from H(X) + H(Y).")
    if got < -1e-9:
        run.fail(
            what,
            f"your MI is negative ({got:.3g}); mutual information is never negative. "
            "Check the signs: I = H(X) + H(Y) − H(X,Y).",
        )
    run.fail(
        what,
        "your MI is not I(X;Y) of this table."
        + (
            f" {hint}"
            if hint
            else " Check each factor of p(x,y) log2[p(x,y) / (p(x) p(y))] and that you sum over all cells with p > 0."
        ),
    )


# --------------------------------------------------------------------------- #
# exercise 2: reading the PID atoms
# --------------------------------------------------------------------------- #
def _dominant_cases() -> list[tuple[str, np.ndarray]]:
    """(name, table) pairs whose PID has a closed form (see :func:`_certified_pid`) and a clear largest atom."""
    noisy_and = 0.7 * _and() + 0.3 * np.ones((2, 2, 2)) / 8  # AND with noise: still synergy-dominated
    # 3 x 2 x 3: Y is a noisy copy of a 3-symbol X1, X2 an independent fair bit -> unique1 dominates
    wide = np.einsum("ik,j->ijk", _symmetric_channel(0.1, k=3), np.array([0.5, 0.5]))
    return [
        ("XOR", _xor()),
        ("copy of X1", _copy(1)),
        ("copy of X2", _copy(2)),
        ("redundant", _redundant()),
        ("noisy AND", noisy_and),
        ("a 3 x 2 x 3 table", wide),
    ]


def check_dominant_atom(fn: Callable[[np.ndarray], Any]) -> bool:
    """Check ``dominant_atom(p)``: the name of the largest PID atom of a (|X1|, |X2|, |Y|) table.

    Runs the student's function on XOR, copy of X1, copy of X2, the redundant
    table, a noisy AND and a 3 x 2 x 3 table, and compares with atoms computed
    here in closed form (:func:`_certified_pid`). The exercise asks the
    student to use :func:`mmlab.quantify.exact_pid`; the feedback never names
    the right atom or the atoms' values.
    """
    run = CheckRun("Exercise 2 (the dominant PID atom)", 7)
    got = run_student(run, fn, _xor(), what="returns an atom name")
    extra = (
        " Return the atom's name, e.g. 'synergy', not its value."
        if isinstance(got, numbers.Real) and not isinstance(got, bool)
        else " Use the field names of the PID result (result.redundancy, ...)."
    )
    expect_choice(run, got, _ATOMS, what="returns an atom name", hint=extra.strip())
    run.passed("returns an atom name")

    for name, table in _dominant_cases():
        atoms = _certified_pid(table)
        answer = max(atoms, key=atoms.get)
        got = expect_choice(
            run,
            run_student(run, fn, table.copy(), what=name),
            _ATOMS,
            what=name,
            hint="Return the name of the largest atom.",
        )
        if got == answer:
            run.passed(f"{name} -> {answer}" if name != "a 3 x 2 x 3 table" else "any alphabet sizes")
            continue
        message = f"you answered {got!r}, which is not the largest atom of this table."
        if {got, answer} == {"unique1", "unique2"}:
            message += " unique1 is the information only X1 (axis 0 of p) has; unique2 belongs to X2 (axis 1)."
        elif name == "noisy AND" and got == "redundancy":
            message += (
                " Compare the atoms themselves, not I(X1;Y): the mutual information of one source "
                "is R + U1, and synergy is in neither."
            )
        elif name == "a 3 x 2 x 3 table":
            message += (
                " Your function should work for any alphabet sizes: call exact_pid(p) on the table you are given."
            )
        else:
            message += " Compute exact_pid(p) of the table you are given and return the field with the largest value."
        run.fail(name, message)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: build a redundancy-dominated table
# --------------------------------------------------------------------------- #
def _noisy_copy_table(
    run: CheckRun, fn: Callable[[float], Any], noise: float, what: str, what_table: str | None = None
) -> np.ndarray:
    """Call the student's function and validate the table: shape (under ``what``), non-negative, sums to 1.

    ``what_table`` labels the probability-table part (and records both sub-checks); by default both
    failures are reported under ``what``, naming the noise level.
    """
    at = f" at noise {noise}" if what_table is None else ""
    p = expect_array(
        run,
        run_student(run, fn, noise, what=what),
        (2, 2, 2),
        what=what,
        hint="Index the table as p[x1, x2, y]: two values per variable.",
    )
    if what_table is not None:
        run.passed(what)
    label = what_table or what
    if np.any(p < 0):
        run.fail(label, f"the table{at} has a negative cell ({p.min():.3g}); probabilities are >= 0.")
    total = float(p.sum())
    if abs(total - 1.0) > 1e-9:
        run.fail(
            label,
            f"the table{at} does not sum to 1 (sums to {total:.4g}). Y is a fair bit, so each y "
            "carries probability 1/2, split between 'copied' (1 − noise) and 'flipped' (noise).",
        )
    if what_table is not None:
        run.passed(what_table)
    return p


def _noisy_copy_structure(run: CheckRun, p: np.ndarray, noise: float, what: str | None = None) -> None:
    """Fail unless p has a fair Y, X1 = X2 and P(X1 != Y) = noise (``what`` None: one sub-check each)."""
    at = f"at noise {noise}, " if what is not None else ""
    py = p.sum(axis=(0, 1))
    if not np.allclose(py, 0.5, atol=1e-9):
        run.fail(
            what or "Y is a fair bit",
            f"{at}the label marginal p(y) = p.sum(axis=(0, 1)) is "
            f"({py[0]:.3g}, {py[1]:.3g}), expected (0.5, 0.5). Keep Y on the last axis: p[x1, x2, y].",
        )
    if what is None:
        run.passed("Y is a fair bit")
    disagree = float(p[0, 1].sum() + p[1, 0].sum())
    if disagree > 1e-9:
        run.fail(
            what or "X1 = X2",
            f"{at}X1 and X2 differ with probability {disagree:.3g}. Both sources must see "
            "the same noisy copy Z: flip once, not once per source (independent flips create synergy, "
            "because two noisy looks at Y say more together than either alone).",
        )
    if what is None:
        run.passed("X1 = X2")
    err = float(p[0, 0, 1] + p[1, 1, 0])  # P(X1 != Y)
    if abs(err - noise) > 1e-9:
        extra = " You flipped with probability 1 − noise." if abs(err - (1 - noise)) <= 1e-9 else ""
        if what is not None and abs(err - 0.1) <= 1e-9:
            extra = " That is the table for noise 0.1: does your table use its noise argument?"
        run.fail(
            what or "P(X1 ≠ Y) = noise",
            f"with noise = {noise} the sources disagree with Y with probability {err:.3g}, expected {noise}.{extra}",
        )
    if what is None:
        run.passed("P(X1 ≠ Y) = noise")


def check_shared_noisy_copy(fn: Callable[[float], Any]) -> bool:
    """Check ``shared_noisy_copy(noise)``: Y a fair bit, Z = Y flipped with probability noise, X1 = X2 = Z.

    Every table the student's function returns is validated (an array of
    shape (2, 2, 2), non-negative, summing to 1) before use. Verifies, at noise
    0.1, the label marginal, that both sources always agree and that they
    disagree with Y with probability ``noise``; then the same at noise 0, 0.3
    and 0.45; and finally that its PID (computed here in closed form) is pure
    redundancy, R = 1 - h(noise).
    """
    run = CheckRun("Exercise 3 (a table dominated by redundancy)", 7)
    p = _noisy_copy_table(run, fn, 0.1, "shape (2, 2, 2)", "a probability table")
    _noisy_copy_structure(run, p, 0.1)

    what = "other noise levels"
    tables = {0.1: p}
    for noise in (0.0, 0.3, 0.45):
        tables[noise] = _noisy_copy_table(run, fn, noise, what)
        _noisy_copy_structure(run, tables[noise], noise, what)
    run.passed("noise 0, 0.3 and 0.45")

    what = "PID: pure redundancy"
    for noise, table in tables.items():
        atoms = _certified_pid(table)
        h = -sum(e * math.log2(e) for e in (noise, 1 - noise) if e > 0)
        if (
            abs(atoms["redundancy"] - (1 - h)) > 1e-9
            or max(atoms["unique1"], atoms["unique2"], atoms["synergy"]) > 1e-9
        ):
            run.fail(what, f"at noise {noise} the PID of your table is not pure redundancy R = 1 − h(noise).")
    run.passed("PID is pure redundancy, R = 1 − h(noise)")
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 4: EMAP projection
# --------------------------------------------------------------------------- #
def _emap_cases() -> list[tuple[str, Callable[..., Any], Any, Any]]:
    """(name, f, xa, xb) test cases with a fixed seed: additive, product, small MLP."""
    import torch

    gen = torch.Generator().manual_seed(7)
    xa = torch.randn(6, 3, generator=gen, dtype=torch.float64)
    xb = torch.randn(6, 2, generator=gen, dtype=torch.float64)
    wa = torch.randn(3, 2, generator=gen, dtype=torch.float64)
    wb = torch.randn(2, 2, generator=gen, dtype=torch.float64)
    w1 = torch.randn(5, 4, generator=gen, dtype=torch.float64)
    w2 = torch.randn(4, 3, generator=gen, dtype=torch.float64)

    def additive(a: Any, b: Any) -> Any:
        return torch.tanh(a) @ wa + b**2 @ wb

    def product(a: Any, b: Any) -> Any:
        return torch.stack([a[:, 0] * b[:, 0], a[:, 1] * b[:, 1] + a[:, 2]], dim=1)

    def mlp(a: Any, b: Any) -> Any:
        return torch.relu(torch.cat([a, b], dim=1) @ w1) @ w2

    return [("additive model", additive, xa, xb), ("product model", product, xa, xb), ("small MLP", mlp, xa, xb)]


@forbid(
    "mmlab.quantify.emap",
    task="compute the EMAP projection yourself",
    shortcuts=("mmlab.quantify.emap_accuracy",),
    hint="Build the grid f(a_i, b_j) of all pairings and combine its averages.",
)
def check_emap_projection(fn: Callable[..., Any]) -> bool:
    """Check ``emap_projection(f, xa, xb)``: the EMAP of ``f`` on the paired samples ``(xa[i], xb[i])``.

    Verifies that it returns a tensor of shape (N, C), that an additive model
    is its own projection, and agreement with a reference computed here from
    the grid of all pairings on a product model and a small MLP (with
    diagnoses for the diagonal only, a missing grand mean and a missing term).
    Calling :func:`mmlab.quantify.emap` fails the check.
    """
    run = CheckRun("Exercise 4 (EMAP projection)", 4)
    cases = _emap_cases()
    name, f, xa, xb = cases[0]
    what = "output: a tensor of shape (N, C)"
    got = run_student(run, fn, f, xa.clone(), xb.clone(), what=what)
    expect_array(
        run,
        got,
        (6, 2),
        what=what,
        tensor=True,
        hint="One projected logit vector per sample: average over the pairings, keep the class axis.",
    )
    run.passed(what)
    got = _np(got)
    what = "additive model is its own projection"
    _emap_diagnose(run, what, got, f, xa, xb)
    expect_close(
        run,
        got,
        _np(f(xa, xb)),
        what=what,
        atol=1e-6,
        hint="For f(a, b) = g(a) + h(b) the projection gives f back exactly: row mean + column mean "
        "− grand mean of the N x N grid of f(a_i, b_j).",
    )

    for name, f, xa, xb in cases[1:]:
        what = f"agrees with the projection on a {name}"
        got = expect_array(
            run,
            run_student(run, fn, f, xa.clone(), xb.clone(), what=what),
            (6, f(xa, xb).shape[1]),
            what=what,
            tensor=True,
        )
        got = _np(got)
        _emap_diagnose(run, what, got, f, xa, xb)
        expect_close(
            run,
            got,
            _emap_reference(f, xa, xb),
            what=what,
            atol=1e-6,
            hint="Build grid[i, j] = f(a_i, b_j); the row term averages over j, the column term over i.",
        )
    return run.finish()


def _emap_diagnose(run: CheckRun, what: str, got: np.ndarray, f: Callable[..., Any], xa: Any, xb: Any) -> None:
    """Fail with a specific message when ``got`` matches a known wrong variant of the projection."""
    import torch

    grid = _emap_grid(f, xa, xb)  # (N, N, C)
    grand = grid.mean(axis=(0, 1))
    row, col = grid.mean(axis=1), grid.mean(axis=0)
    ref = row + col - grand
    if got.shape != ref.shape or np.allclose(got, ref, atol=1e-6):
        return
    with torch.no_grad():
        diagonal = _np(f(xa, xb))
        mean_inputs = _np(
            f(xa, xb.mean(0).expand_as(xb))
            + f(xa.mean(0).expand_as(xa), xb)
            - f(xa.mean(0, keepdim=True), xb.mean(0, keepdim=True))
        )
    if np.allclose(got, diagonal, atol=1e-6):
        run.fail(
            what,
            "you returned the model's own outputs f(a_i, b_i). EMAP evaluates f on every pairing "
            "(a_i, b_j) and averages: the diagonal alone is the model, not its additive part.",
        )
    if np.allclose(got, ref + grand, atol=1e-6):
        run.fail(
            what,
            "your projection is off by the same vector for every sample: subtract the grand mean "
            "(the average of f over all N x N pairs) once.",
        )
    if np.allclose(got, ref - grand, atol=1e-6):
        run.fail(
            what,
            "your projection is too low by the grand mean for every sample: subtract the grand mean once, not twice.",
        )
    if np.allclose(got, row, atol=1e-6) or np.allclose(got, col, atol=1e-6):
        run.fail(
            what,
            "you kept only one of the two averages. The projection is (mean over b' of f(a_i, b')) "
            "+ (mean over a' of f(a', b_i)) − (grand mean).",
        )
    if np.allclose(got, mean_inputs, atol=1e-6):
        run.fail(
            what,
            "you averaged the inputs and evaluated f at the mean. EMAP averages the outputs "
            "f(a_i, b_j) over all pairings; for a nonlinear f, E f(a, b') ≠ f(a, E b').",
        )


# --------------------------------------------------------------------------- #
# exercise 5: model selection from PID profiles
# --------------------------------------------------------------------------- #
def _profile(r: float, u1: float, u2: float, s: float, *, order: tuple[str, ...] = _ATOMS) -> dict[str, float]:
    values = dict(zip(_ATOMS, (r, u1, u2, s), strict=True))
    return {a: values[a] for a in order}


def _pick_cases() -> list[tuple[str, dict, dict, str]]:
    """(what, data profile, model profiles, hint) cases; the answers come from :func:`_profile_distance`."""
    data = _profile(0.10, 0.05, 0.05, 0.80)  # a synergy-heavy data set
    easy = {
        "late fusion": _profile(0.60, 0.20, 0.15, 0.05),
        "tensor fusion": _profile(0.12, 0.08, 0.05, 0.60),
        "text only": _profile(0.05, 0.90, 0.0, 0.05),
    }
    # raw bits would pick "late fusion" (closer in absolute bits); shares pick "tensor fusion"
    scale = {"late fusion": _profile(0.15, 0.05, 0.05, 0.55), "tensor fusion": _profile(0.02, 0.01, 0.01, 0.16)}
    # the same models with the atoms listed in another order in each profile
    shuffled = {
        "late fusion": _profile(0.50, 0.30, 0.10, 0.10, order=("synergy", "unique2", "unique1", "redundancy")),
        "tensor fusion": _profile(0.10, 0.10, 0.05, 0.75, order=("unique1", "redundancy", "synergy", "unique2")),
        "agreement model": _profile(0.70, 0.05, 0.05, 0.20),
    }
    data2 = _profile(0.55, 0.20, 0.15, 0.10)  # a redundancy-heavy data set
    return [
        ("synergy-heavy data", data, easy, ""),
        (
            "profiles on different scales",
            data,
            scale,
            "Normalise each profile by its total before comparing: a model's predictions usually carry less "
            "information than the labels, so compare the shares of the atoms, not the raw bits.",
        ),
        (
            "atoms listed in another order",
            data,
            shuffled,
            "Read each atom by its name (profile['synergy']), not by its position in the dictionary.",
        ),
        ("redundancy-heavy data", data2, easy, ""),
    ]


@forbid(
    "mmlab.quantify.rank_by_interactions",
    "mmlab.quantify.interaction_distance",
    task="compare the profiles yourself",
    hint="Compute the shares of each profile and their L1 distance with plain Python or NumPy.",
)
def check_pick_model(fn: Callable[[Mapping[str, float], Mapping[str, Mapping[str, float]]], Any]) -> bool:
    """Check ``pick_model(data_profile, model_profiles)``: the model whose PID profile is closest to the data's.

    The reference is the L1 distance of the atom shares computed here,
    :math:`d(P, Q) = \\sum_a |P_a / \\sum P - Q_a / \\sum Q|`. Cases: an
    easy one, profiles on different scales (raw bits and shares disagree),
    atoms listed in a different order, and a redundancy-heavy data set.
    Calling :func:`mmlab.quantify.rank_by_interactions` or
    :func:`mmlab.quantify.interaction_distance` fails the check.
    """
    cases = _pick_cases()
    run = CheckRun("Exercise 5 (pick a model from PID profiles)", 1 + len(cases))
    what0, data0, models0, _ = cases[0]
    got = run_student(run, fn, dict(data0), {k: dict(v) for k, v in models0.items()}, what="returns a model name")
    extra = (
        " Return the key of the closest model, not its distance."
        if isinstance(got, numbers.Real)
        else " Return the key of the closest model, not its profile."
        if isinstance(got, Mapping)
        else ""
    )
    expect_choice(run, got, list(models0), what="returns a model name", hint=extra.strip())
    run.passed("returns a model name")

    for what, data, models, hint in cases:
        dist = {name: _profile_distance(data, prof) for name, prof in models.items()}
        answer = min(dist, key=dist.get)
        got = run_student(run, fn, dict(data), {k: dict(v) for k, v in models.items()}, what=what)
        got = expect_choice(run, got, list(models), what=what, hint="Return the name of one of the models.")
        if got != answer:
            message = f"you picked {got!r}, but another model's profile is closer to the data's."
            if hint:
                run.fail(what, f"{message} {hint}")
            if got == max(dist, key=dist.get):
                run.fail(
                    what,
                    f"you picked {got!r}, the model *farthest* from the data; pick the smallest "
                    "distance (min, not max).",
                )
            run.fail(
                what, f"{message} Use d(P, Q) = Σ_a |P_a / ΣP − Q_a / ΣQ| and return the name with the smallest d."
            )
        run.passed(what)
    return run.finish()
