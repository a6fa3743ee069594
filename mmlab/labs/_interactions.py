"""Check cells of the multimodal-interactions lab (``labs/6_quantification/01_interactions.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on several inputs,
compares the result with mmlab's reference (:mod:`mmlab.quantify.pid`,
:mod:`mmlab.quantify`), and raises :class:`mmlab.labs.CheckFailed` with a
message that names the failing property, says by how much it is off and
suggests the likely cause (nats instead of bits, a marginal over the wrong
axis, a missing grand mean, raw instead of normalised profiles, ...). Values
that would give an answer away are not printed.

=========================  ================================================================
check                      student function
=========================  ================================================================
check_mutual_information   ``mutual_information_2d(p) -> float``: I(X;Y) in bits of a 2-D table
check_dominant_atom        ``dominant_atom(p) -> str``: the largest PID atom's name
check_shared_noisy_copy    ``shared_noisy_copy(noise) -> (2, 2, 2) table``: redundancy, no synergy
check_emap_projection      ``emap_projection(f, xa, xb) -> (N, C) tensor``: the EMAP of ``f``
check_pick_model           ``pick_model(data_profile, model_profiles) -> str``: closest profile
=========================  ================================================================
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from mmlab.labs._feedback import CheckRun, expect_close, expect_shape, expect_true, run_student
from mmlab.quantify.pid._result import ATOMS

__all__ = [
    "check_dominant_atom",
    "check_emap_projection",
    "check_mutual_information",
    "check_pick_model",
    "check_shared_noisy_copy",
]

#: The atom names, in the order of a PID result's fields.
_LN2 = math.log(2.0)


def _bits(p: np.ndarray) -> float:
    """Reference I(X;Y) in bits of a 2-D table, from the library."""
    from mmlab.quantify import mutual_information

    return float(mutual_information(p))


def _pid(p: np.ndarray) -> Any:
    """Reference PID from the library; solver-tolerance warnings are not the student's concern here."""
    from mmlab.exceptions import ConvergenceWarning
    from mmlab.quantify import exact_pid

    with warnings.catch_warnings():
        # the checks compare atoms to >= 1e-6 bits; a gap of ~1e-12 bits left by the solver does not matter
        warnings.simplefilter("ignore", ConvergenceWarning)
        return exact_pid(p)


def _as_float(run: CheckRun, value: Any, what: str) -> float:
    """A scalar result as a float, or a failure that says what came back."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if arr is None or arr.dtype == object or arr.size != 1 or not np.issubdtype(arr.dtype, np.number):
        shape = f" of shape {arr.shape}" if arr is not None and arr.ndim else ""
        run.fail(what, f"expected one number (bits), got a {type(value).__name__}{shape}. "
                       "Sum the terms over all cells and return a float, e.g. float(mi).")
    return float(arr.reshape(()))


# --------------------------------------------------------------------------- #
# exercise 1: mutual information of a 2-D table
# --------------------------------------------------------------------------- #
def check_mutual_information(fn: Callable[[np.ndarray], Any]) -> bool:
    """Check ``mutual_information_2d(p)``: I(X;Y) in bits of a joint table ``p[x, y]``.

    Verifies a scalar result, zero on an independent table, the value on a
    binary symmetric channel (bits, not nats), the value on a rectangular
    table (marginals over the right axes), tables with zero cells (0 log 0 = 0)
    and symmetry I(X;Y) = I(Y;X); references come from
    :func:`mmlab.quantify.pid.mutual_information`.
    """
    from mmlab.quantify import symmetric_channel

    run = CheckRun("Exercise 1 (mutual information of a table)", 6)
    bsc = symmetric_channel(0.1)
    got = _as_float(run, run_student(run, fn, bsc.copy(), what="returns a number"), "returns a number")
    run.passed("returns a number")

    indep = np.outer([0.3, 0.7], [0.2, 0.5, 0.3])
    g0 = _as_float(run, run_student(run, fn, indep.copy(), what="independent variables"), "independent variables")
    if not abs(g0) <= 1e-9:
        hx, hy = _entropy(indep.sum(axis=1)), _entropy(indep.sum(axis=0))
        message = f"for p(x, y) = p(x) p(y) the MI must be 0, got {g0:.4g}."
        if abs(g0 - _entropy(indep)) <= 1e-6:
            message += " You returned the joint entropy H(X,Y); I(X;Y) = H(X) + H(Y) − H(X,Y)."
        elif min(abs(g0 - hx), abs(g0 - hy), abs(g0 - hx - hy)) <= 1e-6:
            message += " You returned an entropy; I(X;Y) = H(X) + H(Y) − H(X,Y)."
        else:
            message += (" Check the marginals: p(x) = p.sum(axis=1) are the row sums and p(y) = p.sum(axis=0) "
                        "the column sums, and I(X;Y) = Σ p(x,y) log2[p(x,y) / (p(x) p(y))].")
        run.fail("independent variables", message)
    run.passed("0 for independent variables")

    ref = _bits(bsc)
    _value_feedback(run, got, ref, bsc, "binary symmetric channel, noise 0.1")

    rect = np.array([[0.10, 0.05, 0.15, 0.00],
                     [0.02, 0.20, 0.03, 0.05],
                     [0.15, 0.05, 0.00, 0.20]])
    g = _as_float(run, run_student(run, fn, rect.copy(), what="3 x 4 table with zero cells"),
                  "3 x 4 table with zero cells")
    if not np.isfinite(g):
        run.fail("3 x 4 table with zero cells", f"your MI is {g} on a table with zero cells. A cell with "
                 "p(x, y) = 0 contributes 0 (the limit of p log p is 0): sum only over the cells with p > 0.")
    _value_feedback(run, g, _bits(rect), rect, "3 x 4 table with zero cells",
                    hint="The 2 x 2 case was right, so check the marginals on a rectangular table: "
                         "p(x) = p.sum(axis=1) (one value per row), p(y) = p.sum(axis=0) (one per column).")

    diag = symmetric_channel(0.0, k=4)
    gd = _as_float(run, run_student(run, fn, diag.copy(), what="noiseless 4-symbol channel"),
                   "noiseless 4-symbol channel")
    if not np.isfinite(gd):
        run.fail("noiseless 4-symbol channel", f"your MI is {gd} when most cells are 0. A cell with p = 0 "
                 "contributes 0: mask it (p > 0) before taking the log.")
    _value_feedback(run, gd, _bits(diag), diag, "noiseless 4-symbol channel")

    gt = _as_float(run, run_student(run, fn, rect.T.copy(), what="symmetry"), "symmetry")
    expect_true(run, abs(gt - g) <= 1e-9, what="symmetric: I(X;Y) = I(Y;X)",
                message=f"your MI of the transposed table is {gt:.4g} but {g:.4g} for the table itself; "
                        "mutual information is symmetric. Compute p(x) and p(y) from the table you are given.")
    return run.finish()


def _entropy(p: np.ndarray) -> float:
    """Entropy in bits of a table of any shape (0 log 0 = 0)."""
    v = np.asarray(p, dtype=float).ravel()
    v = v[v > 0]
    return float(-(v * np.log2(v)).sum())


def _value_feedback(run: CheckRun, got: float, ref: float, p: np.ndarray, what: str, hint: str = "") -> None:
    """Compare an MI value with the reference and diagnose the usual slips."""
    if abs(got - ref) <= 1e-6:
        run.passed(what)
        return
    h_joint = _entropy(p)
    if ref > 0 and abs(got - ref * _LN2) <= 1e-6:
        run.fail(what, f"your MI is {got:.2f} — that looks like nats; use log base 2 (np.log2) to get bits.")
    if ref > 0 and abs(got - ref * math.log10(2.0)) <= 1e-6:
        run.fail(what, f"your MI is {got:.2f} — that looks like log base 10; use np.log2 to get bits.")
    if abs(got - h_joint) <= 1e-6:
        run.fail(what, "You returned the joint entropy H(X,Y); subtract it from H(X) + H(Y).")
    if got < -1e-9:
        run.fail(what, f"your MI is negative ({got:.3g}); mutual information is never negative. "
                       "Check the signs: I = H(X) + H(Y) − H(X,Y).")
    run.fail(what, f"your MI {got:.4g} is off by {abs(got - ref):.3g} bits." + (f" {hint}" if hint else ""))


# --------------------------------------------------------------------------- #
# exercise 2: reading the PID atoms
# --------------------------------------------------------------------------- #
def check_dominant_atom(fn: Callable[[np.ndarray], Any]) -> bool:
    """Check ``dominant_atom(p)``: the name of the largest PID atom of a (|X1|, |X2|, |Y|) table.

    Runs the student's function on XOR, copy of X1, copy of X2, the redundant
    table, AND and a rectangular table, and compares with the atoms of
    :func:`mmlab.quantify.pid.pid`.
    """
    from mmlab.quantify import and_, copy, redundant, symmetric_channel, xor

    run = CheckRun("Exercise 2 (the dominant PID atom)", 7)
    got = run_student(run, fn, xor(), what="returns an atom name")
    if not isinstance(got, str):
        extra = " Return the atom's name, e.g. 'synergy', not its value." if isinstance(got, numbers.Real) else ""
        run.fail("returns an atom name", f"expected one of {list(ATOMS)}, got {type(got).__name__} "
                                         f"{got!r:.40}.{extra}")
    if got not in ATOMS:
        run.fail("returns an atom name", f"expected one of {list(ATOMS)}, got {got!r}. Use the field names of "
                                         "the PID result (result.redundancy, ...).")
    run.passed("returns an atom name")

    mixed = 0.7 * and_() + 0.3 * np.ones((2, 2, 2)) / 8  # AND with noise: still synergy-dominated
    cases = [("XOR", xor()), ("copy of X1", copy()), ("copy of X2", copy(source=2)),
             ("redundant", redundant()), ("noisy AND", mixed)]
    for name, table in cases:
        res = _pid(table)
        atoms = {a: float(getattr(res, a)) for a in ATOMS}
        answer = max(atoms, key=atoms.get)
        got = run_student(run, fn, table.copy(), what=name)
        if got != answer:
            message = (f"you answered {got!r}, but {got} is {atoms.get(got, float('nan')):.2f} bit here and is "
                       f"not the dominant atom: {answer} is {atoms[answer]:.2f}." if got in atoms else
                       f"you answered {got!r}, which is not an atom name ({list(ATOMS)}).")
            if {got, answer} == {"unique1", "unique2"}:
                message += " unique1 is the information only X1 (axis 0 of p) has; unique2 belongs to X2 (axis 1)."
            if name == "noisy AND" and got == "redundancy":
                message += (" Compare the atoms themselves, not I(X1;Y): the mutual information of one source "
                            "is R + U1, and synergy is in neither.")
            run.fail(name, message)
        run.passed(f"{name} -> {answer}")

    # 3 x 2 x 3: Y is a noisy copy of a 3-symbol X1, X2 an independent fair bit -> unique1 dominates
    table = np.einsum("ik,j->ijk", symmetric_channel(0.1, k=3), np.array([0.5, 0.5]))
    res = _pid(table)
    atoms = {a: float(getattr(res, a)) for a in ATOMS}
    answer = max(atoms, key=atoms.get)
    got = run_student(run, fn, table.copy(), what="a 3 x 2 x 3 table")
    if got != answer:
        run.fail("a 3 x 2 x 3 table", f"on a 3 x 2 x 3 table you answered {got!r}, which is not the largest "
                 "atom. Your function should work for any alphabet sizes: call exact_pid(p) on the table you are given.")
    run.passed("any alphabet sizes")
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: build a redundancy-dominated table
# --------------------------------------------------------------------------- #
def check_shared_noisy_copy(fn: Callable[[float], Any]) -> bool:
    """Check ``shared_noisy_copy(noise)``: Y a fair bit, Z = Y flipped with probability noise, X1 = X2 = Z.

    Verifies the shape, that the table is a probability table, the label
    marginal, that both sources always agree, that they disagree with Y with
    probability ``noise``, and (with :func:`mmlab.quantify.pid.pid`) that
    redundancy dominates with no synergy, for two noise levels.
    """
    run = CheckRun("Exercise 3 (a table dominated by redundancy)", 7)
    p = run_student(run, fn, 0.1, what="shape (2, 2, 2)")
    try:
        p = np.asarray(p.detach().cpu() if hasattr(p, "detach") else p, dtype=float)
    except (TypeError, ValueError):
        run.fail("shape (2, 2, 2)", f"expected a NumPy array, got {type(p).__name__}.")
    expect_shape(run, p, (2, 2, 2), what="shape (2, 2, 2)",
                 hint="Index the table as p[x1, x2, y]: two values per variable.")

    total = float(p.sum())
    if not np.all(np.isfinite(p)) or np.any(p < 0) or abs(total - 1.0) > 1e-9:
        if np.any(p < 0):
            message = f"the table has a negative cell ({p.min():.3g}); probabilities are >= 0."
        else:
            message = (f"the table does not sum to 1 (sums to {total:.4g}). Y is a fair bit, so each y carries "
                       "probability 1/2, split between 'copied' (1 − noise) and 'flipped' (noise).")
        run.fail("a probability table", message)
    run.passed("a probability table")

    py = p.sum(axis=(0, 1))
    if not np.allclose(py, 0.5, atol=1e-9):
        run.fail("Y is a fair bit", f"the label marginal p(y) = p.sum(axis=(0, 1)) is "
                 f"({py[0]:.3g}, {py[1]:.3g}), expected (0.5, 0.5). Keep Y on the last axis: p[x1, x2, y].")
    run.passed("Y is a fair bit")

    disagree = float(p[0, 1].sum() + p[1, 0].sum())
    if disagree > 1e-9:
        run.fail("X1 = X2", f"X1 and X2 differ with probability {disagree:.3g}. Both sources must see the same "
                 "noisy copy Z: flip once, not once per source (independent flips create synergy, because "
                 "two noisy looks at Y say more together than either alone).")
    run.passed("X1 = X2")

    err = float(p[0, 0, 1] + p[1, 1, 0])  # P(X1 != Y)
    if abs(err - 0.1) > 1e-9:
        extra = " You flipped with probability 1 − noise." if abs(err - 0.9) <= 1e-9 else ""
        run.fail("P(X1 ≠ Y) = noise", f"with noise = 0.1 the sources disagree with Y with probability "
                 f"{err:.3g}, expected 0.1.{extra}")
    run.passed("P(X1 ≠ Y) = noise")

    for noise in (0.1, 0.3):
        q = np.asarray(run_student(run, fn, noise, what=f"PID at noise {noise}"), dtype=float)
        res = _pid(q)
        atoms = {a: float(getattr(res, a)) for a in ATOMS}
        top = max(atoms, key=atoms.get)
        what = f"PID at noise {noise}"
        if top != "redundancy":
            run.fail(what, f"redundancy {atoms['redundancy']:.2f} bit is not the dominant atom: {top} is "
                           f"{atoms[top]:.2f}.")
        if atoms["synergy"] > 1e-4:  # solver tolerance; a wrong table has far more
            run.fail(what, f"redundancy dominates, but synergy is {atoms['synergy']:.3g} bit, expected 0.")
        h = -noise * math.log2(noise) - (1 - noise) * math.log2(1 - noise)
        expect_close(run, atoms["redundancy"], 1.0 - h, what=what, atol=1e-5, rtol=0.0, reveal=False,
                     hint="With X1 = X2 = Z, R = I(Z;Y) = 1 − h(noise). Does your table use its noise argument?")
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

    return [("additive model", additive, xa, xb), ("product model", product, xa, xb),
            ("small MLP", mlp, xa, xb)]


def check_emap_projection(fn: Callable[..., Any]) -> bool:
    """Check ``emap_projection(f, xa, xb)``: the EMAP of ``f`` on the paired samples ``(xa[i], xb[i])``.

    Verifies the output shape, that an additive model is its own projection,
    and agreement with :func:`mmlab.quantify.emap` on a product model and
    a small MLP (with diagnoses for the diagonal only, a missing grand mean and
    a missing term).
    """
    from mmlab.quantify import emap

    run = CheckRun("Exercise 4 (EMAP projection)", 4)
    cases = _emap_cases()
    name, f, xa, xb = cases[0]
    got = run_student(run, fn, f, xa.clone(), xb.clone(), what="output shape")
    expect_shape(run, got, (6, 2), what="output shape (N, C)",
                 hint="One projected logit vector per sample: average over the pairings, keep the class axis.")
    got = _np(got)
    what = "additive model is its own projection"
    _emap_diagnose(run, what, got, f, xa, xb, emap)
    expect_close(run, got, _np(f(xa, xb)), what=what, atol=1e-6,
                 hint="For f(a, b) = g(a) + h(b) the projection gives f back exactly: row mean + column mean "
                      "− grand mean of the N x N grid of f(a_i, b_j).")

    for name, f, xa, xb in cases[1:]:
        got = _np(run_student(run, fn, f, xa.clone(), xb.clone(), what=name))
        what = f"agrees with mmlab.quantify on a {name}"
        _emap_diagnose(run, what, got, f, xa, xb, emap)
        expect_close(run, got, _np(emap(f, xa, xb)), what=what, atol=1e-6, reveal=False,
                     hint="Build grid[i, j] = f(a_i, b_j); the row term averages over j, the column term over i.")
    return run.finish()


def _emap_diagnose(run: CheckRun, what: str, got: np.ndarray, f: Callable[..., Any], xa: Any, xb: Any,
                   emap: Callable[..., Any]) -> None:
    """Fail with a specific message when ``got`` matches a known wrong variant of the projection."""
    import torch

    ref = _np(emap(f, xa, xb))
    if got.shape != ref.shape or np.allclose(got, ref, atol=1e-6):
        return
    with torch.no_grad():
        grid = torch.stack([f(xa[i].expand(len(xb), -1), xb) for i in range(len(xa))]).numpy()  # (N, N, C)
        mean_inputs = _np(f(xa, xb.mean(0).expand_as(xb)) + f(xa.mean(0).expand_as(xa), xb)
                          - f(xa.mean(0, keepdim=True), xb.mean(0, keepdim=True)))
    grand = grid.mean(axis=(0, 1))
    row, col = grid.mean(axis=1), grid.mean(axis=0)
    if np.allclose(got, _np(f(xa, xb)), atol=1e-6):
        run.fail(what, "you returned the model's own outputs f(a_i, b_i). EMAP evaluates f on every pairing "
                       "(a_i, b_j) and averages: the diagonal alone is the model, not its additive part.")
    if np.allclose(got, ref + grand, atol=1e-6):
        run.fail(what, "your projection is off by the same vector for every sample: subtract the grand mean "
                       "(the average of f over all N x N pairs) once.")
    if np.allclose(got, ref - grand, atol=1e-6):
        run.fail(what, "your projection is too low by the grand mean for every sample: subtract the grand mean "
                       "once, not twice.")
    if np.allclose(got, row, atol=1e-6) or np.allclose(got, col, atol=1e-6):
        run.fail(what, "you kept only one of the two averages. The projection is (mean over b' of f(a_i, b')) "
                       "+ (mean over a' of f(a', b_i)) − (grand mean).")
    if np.allclose(got, mean_inputs, atol=1e-6):
        run.fail(what, "you averaged the inputs and evaluated f at the mean. EMAP averages the outputs "
                       "f(a_i, b_j) over all pairings; for a nonlinear f, E f(a, b') ≠ f(a, E b').")


def _np(x: Any) -> np.ndarray:
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x, dtype=float)


# --------------------------------------------------------------------------- #
# exercise 5: model selection from PID profiles
# --------------------------------------------------------------------------- #
def _distance(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """The lab's profile distance: :func:`mmlab.quantify.interaction_distance` (L1 of atom shares)."""
    from mmlab.quantify import interaction_distance

    return interaction_distance([float(p[a]) for a in ATOMS], [float(q[a]) for a in ATOMS], normalize=True)


def _profile(r: float, u1: float, u2: float, s: float, *, order: tuple[str, ...] = ATOMS) -> dict[str, float]:
    values = dict(zip(ATOMS, (r, u1, u2, s)))
    return {a: values[a] for a in order}


def _pick_cases() -> list[tuple[str, dict, dict, str]]:
    """(what, data profile, model profiles, hint) cases; the answers come from the library's distance."""
    data = _profile(0.10, 0.05, 0.05, 0.80)  # a synergy-heavy data set
    easy = {"late fusion": _profile(0.60, 0.20, 0.15, 0.05), "tensor fusion": _profile(0.12, 0.08, 0.05, 0.60),
            "text only": _profile(0.05, 0.90, 0.0, 0.05)}
    # raw bits would pick "late fusion" (closer in absolute bits); shares pick "tensor fusion"
    scale = {"late fusion": _profile(0.15, 0.05, 0.05, 0.55), "tensor fusion": _profile(0.02, 0.01, 0.01, 0.16)}
    # the same models with the atoms listed in another order in each profile
    shuffled = {"late fusion": _profile(0.50, 0.30, 0.10, 0.10, order=("synergy", "unique2", "unique1",
                                                                        "redundancy")),
                "tensor fusion": _profile(0.10, 0.10, 0.05, 0.75, order=("unique1", "redundancy", "synergy",
                                                                          "unique2")),
                "agreement model": _profile(0.70, 0.05, 0.05, 0.20)}
    data2 = _profile(0.55, 0.20, 0.15, 0.10)  # a redundancy-heavy data set
    return [("synergy-heavy data", data, easy, ""),
            ("profiles on different scales", data, scale,
             "Normalise each profile by its total before comparing: a model's predictions usually carry less "
             "information than the labels, so compare the shares of the atoms, not the raw bits."),
            ("atoms listed in another order", data, shuffled,
             "Read each atom by its name (profile['synergy']), not by its position in the dictionary."),
            ("redundancy-heavy data", data2, easy, "")]


def check_pick_model(fn: Callable[[Mapping[str, float], Mapping[str, Mapping[str, float]]], Any]) -> bool:
    """Check ``pick_model(data_profile, model_profiles)``: the model whose PID profile is closest to the data's.

    The reference is :func:`mmlab.quantify.interaction_distance`
    (L1 distance of the atom shares), :math:`d(P, Q) = \\sum_a |P_a / \\sum P - Q_a / \\sum Q|`. Cases: an
    easy one, profiles on different scales (raw bits and shares disagree),
    atoms listed in a different order, and a redundancy-heavy data set.
    """
    cases = _pick_cases()
    run = CheckRun("Exercise 5 (pick a model from PID profiles)", 1 + len(cases))
    what0, data0, models0, _ = cases[0]
    got = run_student(run, fn, dict(data0), {k: dict(v) for k, v in models0.items()}, what="returns a model name")
    if not isinstance(got, str) or got not in models0:
        extra = (" Return the key of the closest model, not its distance." if isinstance(got, numbers.Real) else
                 " Return the key of the closest model, not its profile." if isinstance(got, Mapping) else "")
        run.fail("returns a model name", f"expected one of {list(models0)}, got {type(got).__name__} "
                                         f"{got!r:.50}.{extra}")
    run.passed("returns a model name")

    for what, data, models, hint in cases:
        dist = {name: _distance(data, prof) for name, prof in models.items()}
        answer = min(dist, key=dist.get)
        got = run_student(run, fn, dict(data), {k: dict(v) for k, v in models.items()}, what=what)
        if got != answer:
            message = f"you picked {got!r}, but another model's profile is closer to the data's."
            if hint:
                run.fail(what, f"{message} {hint}")
            if got == max(dist, key=dist.get):
                run.fail(what, f"you picked {got!r}, the model *farthest* from the data; pick the smallest "
                               "distance (min, not max).")
            run.fail(what, f"{message} Use d(P, Q) = Σ_a |P_a / ΣP − Q_a / ΣQ| and return the name with the "
                           "smallest d.")
        run.passed(what)
    return run.finish()
