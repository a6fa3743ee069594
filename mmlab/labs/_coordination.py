"""Check cells of the coordination lab (``labs/1_representation/03_coordination.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded inputs,
validates what comes back, compares it with a reference computed here from the
lab's equations (never with :class:`mmlab.coordination.CCA`,
:func:`mmlab.coordination.info_nce`, :class:`mmlab.fusion.BottleneckFusion` or
:func:`mmlab.fission.linear_probe`, which the exercises ask the student to
write), and raises :class:`mmlab.labs.CheckFailed` with a message that names
the failing property and a likely cause, without printing the answer. Every
check is decorated with :func:`~mmlab.labs.forbid`: calling the library's
version fails it.

==============================  =================================================================
check                           student function
==============================  =================================================================
check_canonical_correlations    ``canonical_correlations(x, y, k) -> (k,)``
check_info_nce                  ``info_nce_loss(za, zb, temperature) -> scalar tensor``
check_bottleneck_layer          ``bottleneck_layer(xa, xb, z) -> (xa', xb', z')``
check_probe_accuracy            ``probe_accuracy(train_z, train_y, test_z, test_y, alpha) -> float``
==============================  =================================================================

The private references (tested against the library in ``tests/labs/test_references.py``
and ``tests/labs/test_coordination_checks.py``): :func:`_cca_reference`,
:func:`_info_nce_reference`, :func:`_bottleneck_reference`, :func:`_probe_reference`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from mmlab.labs._feedback import (
    CheckRun,
    expect_array,
    expect_close,
    expect_number,
    forbid,
    run_student,
)

__all__ = ["check_bottleneck_layer", "check_canonical_correlations", "check_info_nce", "check_probe_accuracy"]


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _cca_reference(x: np.ndarray, y: np.ndarray, k: int, *, centre: bool = True, whiten: bool = True) -> np.ndarray:
    """Top-k singular values of Sxx^{-1/2} Sxy Syy^{-1/2} (the switches build the usual mistakes)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if centre:
        x, y = x - x.mean(axis=0), y - y.mean(axis=0)
    n = x.shape[0]
    sxx, syy, sxy = x.T @ x / (n - 1), y.T @ y / (n - 1), x.T @ y / (n - 1)
    t = _inv_sqrt(sxx) @ sxy @ _inv_sqrt(syy) if whiten else sxy
    return np.linalg.svd(t, compute_uv=False)[:k]


def _inv_sqrt(s: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(s)
    return (v / np.sqrt(w)) @ v.T


def _info_nce_reference(
    za: torch.Tensor, zb: torch.Tensor, temperature: float, *, symmetric: bool = True, normalize: bool = True
) -> torch.Tensor:
    """Symmetric InfoNCE with cosine similarities over temperature (the switches build the usual mistakes)."""
    if normalize:
        za, zb = F.normalize(za, dim=1), F.normalize(zb, dim=1)
    logits = za @ zb.T / temperature
    target = torch.arange(za.shape[0])
    loss = F.cross_entropy(logits, target)
    return 0.5 * (loss + F.cross_entropy(logits.T, target)) if symmetric else loss


def _attend(t: torch.Tensor, *, residual: bool = True, scale: bool = True, dim: int = -1) -> torch.Tensor:
    """t + softmax(t t^T / sqrt(d)) t, per sample."""
    scores = t @ t.transpose(1, 2) / (math.sqrt(t.shape[2]) if scale else 1.0)
    out = torch.softmax(scores, dim=dim) @ t
    return t + out if residual else out


def _bottleneck_reference(
    xa: torch.Tensor, xb: torch.Tensor, z: torch.Tensor, **options: Any
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One parameter-free bottleneck layer: each modality attends over [x_m; z]; z' is the mean of both updates."""
    la, lb = xa.shape[1], xb.shape[1]
    a = _attend(torch.cat([xa, z], dim=1), **options)
    b = _attend(torch.cat([xb, z], dim=1), **options)
    return a[:, :la], b[:, :lb], 0.5 * (a[:, la:] + b[:, lb:])


def _probe_reference(
    train_z: np.ndarray,
    train_y: np.ndarray,
    test_z: np.ndarray,
    test_y: np.ndarray,
    alpha: float,
    *,
    standardize: bool = True,
    test_stats: bool = False,
    penalize_bias: bool = False,
) -> float:
    """Closed-form ridge probe on one-hot targets, standardised with the training statistics."""
    ztr, zte = np.asarray(train_z, float), np.asarray(test_z, float)
    if standardize:
        mean, std = ztr.mean(axis=0), ztr.std(axis=0)
        std = np.where(std < 1e-12, 1.0, std)
        t_mean, t_std = (
            (zte.mean(axis=0), np.where(zte.std(axis=0) < 1e-12, 1.0, zte.std(axis=0))) if test_stats else (mean, std)
        )
        ztr, zte = (ztr - mean) / std, (zte - t_mean) / t_std
    n, d = ztr.shape
    classes = np.unique(train_y)
    a = np.hstack([ztr, np.ones((n, 1))])
    onehot = (np.asarray(train_y)[:, None] == classes[None, :]).astype(float)
    penalty = alpha * n * np.diag(np.r_[np.ones(d), 1.0 if penalize_bias else 0.0])
    w = np.linalg.solve(a.T @ a + penalty, a.T @ onehot)
    pred = classes[(np.hstack([zte, np.ones((zte.shape[0], 1))]) @ w).argmax(axis=1)]
    return float((pred == np.asarray(test_y)).mean())


# --------------------------------------------------------------------------- #
# exercise 1: canonical correlations from the covariance blocks
# --------------------------------------------------------------------------- #
def _cca_case(seed: int, n: int = 400, p: int = 5, q: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Paired data with three planted correlated directions and non-zero means."""
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((n, 3))
    x = np.hstack([shared + rng.normal(0, [0.2, 0.6, 1.2], (n, 3)), rng.standard_normal((n, p - 3))])
    y = np.hstack([shared + rng.normal(0, [0.3, 0.8, 1.5], (n, 3)), rng.standard_normal((n, q - 3))])
    mix_x, mix_y = rng.standard_normal((p, p)), rng.standard_normal((q, q))
    return x @ mix_x + rng.normal(0, 3, p), y @ mix_y + rng.normal(0, 3, q)


@forbid(
    "mmlab.coordination.CCA",
    "mmlab.coordination.canonical_correlations",
    task="compute the canonical correlations from the covariance blocks yourself",
    shortcuts=("mmlab.coordination.cca_objective",),
    hint="Use NumPy: centre, the three covariance blocks, np.linalg.eigh for the inverse square roots, np.linalg.svd.",
)
def check_canonical_correlations(fn: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> bool:
    """Check ``canonical_correlations(x, y, k)``: the top-k singular values of the whitened cross-covariance.

    Verifies the number of values returned, their values on a planted case
    (with a diagnosis of the usual slips: no centring, no whitening, squared
    correlations, ascending order), that they do not change when a modality
    is rescaled and shifted, and that swapping the modalities gives the same
    correlations.
    """
    run = CheckRun("Exercise 1 (canonical correlations)", 4)
    x, y = _cca_case(101)
    what = "returns k correlations"
    got = expect_array(run, run_student(run, fn, x.copy(), y.copy(), 3, what=what), what=what)
    if got.shape != (3,):
        hint = "Return a 1-D array of the k largest canonical correlations."
        if got.shape in ((4,), (5,)):
            hint = "You returned all of them: keep only the first k (the largest)."
        elif got.ndim == 2:
            hint = "Return only the singular values (np.linalg.svd(..., compute_uv=False)), not a matrix."
        run.fail(what, f"with k=3 expected shape (3,), got {got.shape}. {hint}")
    run.passed(what)

    what = "values on a planted case"
    expected = _cca_reference(x, y, 3)
    if not np.allclose(got, expected, atol=1e-6, rtol=1e-5):
        slips = {
            "no_centre": (
                _cca_reference(x, y, 3, centre=False),
                "you did not centre the data: subtract each column's mean before the covariances.",
            ),
            "no_whiten": (
                _cca_reference(x, y, 3, whiten=False),
                "these are singular values of the raw cross-covariance: whiten it first, "
                "Sxx^(-1/2) Sxy Syy^(-1/2), so that the values are correlations.",
            ),
            "squared": (
                expected**2,
                "these are squared correlations (eigenvalues of T^T T): take the singular values of T itself.",
            ),
        }
        for value, message in slips.values():
            if value.shape == got.shape and np.allclose(got, value, atol=1e-6, rtol=1e-5):
                run.fail(what, message)
        if np.allclose(np.sort(got)[::-1], expected, atol=1e-6, rtol=1e-5):
            run.fail(what, "right values, wrong order: return the largest correlation first.")
        if np.any(got > 1 + 1e-9) or np.any(got < -1e-9):
            run.fail(
                what,
                "canonical correlations lie in [0, 1]; yours do not. Whiten both blocks and take the "
                "singular values of Sxx^(-1/2) Sxy Syy^(-1/2).",
            )
    expect_close(
        run,
        got,
        expected,
        what=what,
        atol=1e-6,
        rtol=1e-5,
        hint="Compute Sxx, Syy, Sxy from centred data (divide by n - 1), the inverse square roots by "
        "eigh (V diag(1/sqrt(w)) V^T), then the singular values of Sxx^(-1/2) Sxy Syy^(-1/2).",
    )

    what = "unchanged when a modality is rescaled and shifted"
    moved = expect_array(run, run_student(run, fn, 4.0 * x - 7.0, y.copy(), 3, what=what), (3,), what=what)
    expect_close(
        run,
        moved,
        expected,
        what=what,
        atol=1e-6,
        rtol=1e-5,
        hint="Correlations do not depend on units or offsets: centre the data and whiten both blocks.",
    )

    what = "symmetric in the two modalities"
    swapped = expect_array(run, run_student(run, fn, y.copy(), x.copy(), 3, what=what), (3,), what=what)
    expect_close(
        run,
        swapped,
        expected,
        what=what,
        atol=1e-6,
        rtol=1e-5,
        hint="Swapping x and y must give the same correlations: whiten *both* covariance blocks.",
    )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 2: the InfoNCE loss
# --------------------------------------------------------------------------- #
def _nce_case(seed: int, n: int = 16, d: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    za = 2.0 * torch.randn(n, d, generator=gen)
    return za, za + 1.5 * torch.randn(n, d, generator=gen)  # related pairs of different norms


_NCE_SLIPS = {
    "one_direction": (
        {"symmetric": False},
        "you computed only the A -> B direction; average it with B -> A (cross-entropy of the transposed logits).",
    ),
    "no_normalize": (
        {"normalize": False},
        "your similarities are dot products: normalise every embedding to unit length first (cosine similarity).",
    ),
}


@forbid(
    "mmlab.coordination.info_nce",
    task="write the InfoNCE loss yourself",
    shortcuts=("mmlab.coordination.nt_xent", "mmlab.coordination.fit_contrastive"),
    hint="Use torch.nn.functional.normalize and torch.nn.functional.cross_entropy.",
)
def check_info_nce(fn: Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor]) -> bool:
    """Check ``info_nce_loss(za, zb, temperature)``: the symmetric InfoNCE of a batch of pairs.

    Verifies that one scalar tensor comes back, its value against a reference
    computed here (with a diagnosis of one-directional, unnormalised,
    temperature-free and summed versions), that swapping the modalities gives
    the same loss, and that gradients reach both embeddings as through the
    reference.
    """
    run = CheckRun("Exercise 2 (InfoNCE loss)", 4)
    za, zb = _nce_case(202)
    what = "returns one number"
    got = expect_array(run, run_student(run, fn, za.clone(), zb.clone(), 0.1, what=what), what=what, tensor=True)
    if tuple(got.shape) not in ((), (1,)):
        hint = "Average over the batch: the loss is one number."
        if tuple(got.shape) == (16,):
            hint = "You returned one loss per sample: take the mean over the batch (cross_entropy does it)."
        elif tuple(got.shape) == (16, 16):
            hint = "You returned the similarity matrix: the loss is the cross-entropy of its rows (and columns)."
        run.fail(what, f"expected a scalar tensor, got shape {tuple(got.shape)}. {hint}")
    run.passed(what)

    what = "value on a batch of 16 pairs"
    value = got.detach().reshape(()).double()
    expected = _info_nce_reference(za, zb, 0.1).double()
    if not torch.allclose(value, expected, atol=1e-5):
        for options, message in _NCE_SLIPS.values():
            if torch.allclose(value, _info_nce_reference(za, zb, 0.1, **options).double(), atol=1e-5):
                run.fail(what, message)
        if torch.allclose(value, _info_nce_reference(za, zb, 1.0).double(), atol=1e-5):
            run.fail(what, "your loss ignores the temperature: divide the cosine similarities by it.")
        if torch.allclose(value, 16 * expected, atol=1e-4):
            run.fail(what, "you summed over the batch: take the mean, so the loss does not grow with the batch size.")
    expect_close(
        run,
        value,
        expected,
        what=what,
        atol=1e-5,
        hint="Normalise both embeddings, form logits = za @ zb.T / temperature, and average the "
        "cross-entropies of the rows and of the columns against targets 0, 1, ..., N-1.",
    )

    what = "symmetric in the two modalities"
    swapped = expect_array(run, run_student(run, fn, zb.clone(), za.clone(), 0.1, what=what), what=what, tensor=True)
    expect_close(
        run,
        swapped.detach().reshape(-1)[:1],
        value.reshape(1),
        what=what,
        atol=1e-5,
        hint="loss(za, zb) must equal loss(zb, za): average both directions.",
    )

    what = "gradients reach both embeddings"
    a, b = za.clone().requires_grad_(True), zb.clone().requires_grad_(True)
    out = expect_array(run, run_student(run, fn, a, b, 0.1, what=what), what=what, tensor=True)
    if not out.requires_grad:
        run.fail(
            what,
            "your loss is cut off from the autograd graph (.detach(), .item(), .numpy() or "
            "torch.tensor(...)?): the encoders could not be trained with it.",
        )
    try:
        out.reshape(-1)[0].backward()
    except RuntimeError as err:
        run.fail(what, f"computing gradients through your loss failed ({str(err).splitlines()[0]}).")
    if a.grad is None or b.grad is None:
        run.fail(what, "one of the embeddings received no gradient: both must enter the similarity matrix.")
    ra, rb = za.clone().requires_grad_(True), zb.clone().requires_grad_(True)
    _info_nce_reference(ra, rb, 0.1).backward()
    expect_close(
        run,
        torch.cat([a.grad.reshape(-1), b.grad.reshape(-1)]),
        torch.cat([ra.grad.reshape(-1), rb.grad.reshape(-1)]),
        what=what,
        atol=1e-5,
        hint="The values match, so the gradients should too; did you modify a tensor in place?",
    )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: a bottleneck attention layer
# --------------------------------------------------------------------------- #
def _bottleneck_case(
    seed: int, b: int = 3, la: int = 5, lb: int = 7, nb: int = 2, d: int = 4
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return (
        torch.randn(b, la, d, generator=gen),
        torch.randn(b, lb, d, generator=gen),
        torch.randn(b, nb, d, generator=gen),
    )


def _three(run: CheckRun, got: Any, what: str, shapes: list[tuple[int, ...]]) -> list[torch.Tensor]:
    """Fail unless ``got`` is three tensors of the given shapes."""
    if got is None:
        run.fail(what, "your function returned None. Did you forget the `return` statement?")
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        kind = f"{type(got).__name__}" + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "")
        run.fail(what, f"expected three tensors (xa_new, xb_new, z_new), got {kind}. Return them as a tuple.")
    out = []
    for name, value, shape in zip(("xa_new", "xb_new", "z_new"), got, shapes, strict=True):
        t = expect_array(run, value, what=what, tensor=True)
        if tuple(t.shape) != shape:
            hint = ""
            if name == "z_new" and len(t.shape) == 3 and t.shape[1] == 2 * shape[1]:
                hint = " You stacked both modalities' bottleneck updates: average them instead."
            elif name != "z_new" and len(t.shape) == 3 and t.shape[1] == shape[1] + 2:
                hint = " You kept the bottleneck tokens: split them off the modality's tokens."
            run.fail(what, f"{name} must have shape {shape} = (batch, tokens, dim), got {tuple(t.shape)}.{hint}")
        out.append(t)
    return out


_BOTTLENECK_SLIPS = {
    "no_residual": ({"residual": False}, "you left out the residual connection: attend(t) = t + softmax(...) t."),
    "no_scale": ({"scale": False}, "you did not scale the scores: divide t t^T by sqrt(d) before the softmax."),
    "wrong_axis": (
        {"dim": 1},
        "your softmax normalises over the queries: each query's weights over the keys must "
        "sum to 1 (softmax over the last axis).",
    ),
}


@forbid(
    "mmlab.fusion.BottleneckFusion",
    task="write the bottleneck layer yourself",
    shortcuts=("mmlab.fusion.JointAttentionFusion", "mmlab.fusion.MultiHeadAttention", "mmlab.fusion.TransformerBlock"),
    hint="Use torch.cat, matrix products (@), torch.softmax and slicing.",
)
def check_bottleneck_layer(fn: Callable[..., Any]) -> bool:
    """Check ``bottleneck_layer(xa, xb, z)``: one parameter-free attention-bottleneck layer.

    Verifies the three shapes returned, that modality A's new tokens do not
    depend on modality B's tokens (the defining property of a bottleneck), that
    the new bottleneck depends on both modalities, and the values against a
    reference computed here (with a diagnosis of a missing residual, a missing
    scale and a softmax over the wrong axis).
    """
    run = CheckRun("Exercise 3 (bottleneck layer)", 4)
    xa, xb, z = _bottleneck_case(303)
    shapes = [tuple(xa.shape), tuple(xb.shape), tuple(z.shape)]
    what = "returns (xa_new, xb_new, z_new) of the input shapes"
    got = _three(run, run_student(run, fn, xa.clone(), xb.clone(), z.clone(), what=what), what, shapes)
    run.passed(what)

    what = "modality A's tokens never see modality B's"
    other = xb + torch.randn(xb.shape, generator=torch.Generator().manual_seed(9))
    moved = _three(run, run_student(run, fn, xa.clone(), other, z.clone(), what=what), what, shapes)
    if not torch.allclose(moved[0].detach(), got[0].detach(), atol=1e-6):
        run.fail(
            what,
            "changing modality B's tokens changed modality A's new tokens: your A tokens attend to B "
            "directly. In a bottleneck layer each modality attends only over its own tokens and the "
            "bottleneck, [x_m; z]; only z_new mixes the modalities.",
        )
    run.passed(what)

    what = "the new bottleneck carries both modalities"
    if torch.allclose(moved[2].detach(), got[2].detach(), atol=1e-6):
        run.fail(
            what,
            "changing modality B's tokens left z_new unchanged: z_new must average the bottleneck "
            "updates of *both* modalities, (z_A + z_B) / 2.",
        )
    run.passed(what)

    what = "values"
    expected = _bottleneck_reference(xa, xb, z)
    got_d = [g.detach().double() for g in got]
    if not all(torch.allclose(g, e.double(), atol=1e-5) for g, e in zip(got_d, expected, strict=True)):
        for options, message in _BOTTLENECK_SLIPS.values():
            variant = _bottleneck_reference(xa, xb, z, **options)
            if all(torch.allclose(g, v.double(), atol=1e-5) for g, v in zip(got_d, variant, strict=True)):
                run.fail(what, message)
    expect_close(
        run,
        torch.cat([g.reshape(-1) for g in got_d]),
        torch.cat([e.reshape(-1) for e in expected]),
        what=what,
        atol=1e-5,
        hint="For each modality: t = cat([x_m, z], dim=1); new = t + softmax(t @ t^T / sqrt(d), dim=-1) @ t; "
        "split new into the modality's tokens and its bottleneck update; z_new is the mean of the two "
        "updates.",
    )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 4: a linear probe in closed form
# --------------------------------------------------------------------------- #
def _probe_case(kind: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Probe data designed so that each usual mistake changes the accuracy."""
    rng = np.random.default_rng(seed)
    if kind == "scales":  # one informative feature on a tiny scale among loud noise: standardisation matters
        y = rng.integers(0, 3, 600)
        z = np.hstack([(y + 0.3 * rng.standard_normal(600))[:, None] * 0.01, 100 * rng.standard_normal((600, 4))])
        return z[:300], y[:300], z[300:], y[300:], 0.05
    if kind == "shift":  # test features offset: standardise the test data with the *training* statistics
        y = rng.integers(0, 2, 600)
        z = np.hstack([(2 * y - 1 + 0.8 * rng.standard_normal(600))[:, None], rng.standard_normal((600, 2))])
        z[300:, 0] += 0.9
        return z[:300], y[:300], z[300:], y[300:], 1e-3
    # labels that are not 0..C-1, imbalanced classes and a strong penalty: the bias must not be penalised
    y = rng.choice([3, 7, 9], size=600, p=[0.7, 0.2, 0.1])
    centres = {3: 0.0, 7: 1.0, 9: 2.0}
    z = np.array([centres[v] for v in y])[:, None] + 0.6 * rng.standard_normal((600, 3))
    return z[:300], y[:300], z[300:], y[300:], 0.5


@forbid(
    "mmlab.fission.linear_probe",
    "mmlab.fission.probe_table",
    task="write the ridge probe yourself",
    hint="Use NumPy: the training mean and std, np.hstack with a column of ones, np.linalg.solve, argmax.",
)
def check_probe_accuracy(fn: Callable[..., float]) -> bool:
    """Check ``probe_accuracy(train_z, train_y, test_z, test_y, alpha)``: held-out accuracy of a ridge probe.

    Three cases, each built so that one usual mistake changes the accuracy:
    features on very different scales (standardise), test features with an
    offset (standardise with the *training* statistics), and labels 3/7/9 with
    a strong penalty (map the classes back; do not penalise the bias).
    """
    run = CheckRun("Exercise 4 (ridge probe)", 4)
    ztr, ytr, zte, yte, alpha = _probe_case("scales", 404)
    what = "returns one accuracy in [0, 1]"
    got = expect_number(
        run,
        run_student(run, fn, ztr.copy(), ytr.copy(), zte.copy(), yte.copy(), alpha, what=what),
        what=what,
        hint="Return the share of test samples predicted correctly, a float.",
    )
    if not 0.0 <= got <= 1.0:
        run.fail(
            what,
            f"an accuracy lies in [0, 1]; you returned {got:.4g}. Return the share of correct predictions, "
            "not a count.",
        )
    run.passed(what)

    what = "features on very different scales"
    _expect_accuracy(
        run,
        got,
        (ztr, ytr, zte, yte, alpha),
        what,
        hint="Standardise with the training mean and std, append a column of ones, solve "
        "(A^T A + alpha n D) W = A^T Y with one-hot Y (D: the identity with 0 for the bias), and "
        "predict the class of the largest score.",
    )

    what = "test features standardised with the training statistics"
    case = _probe_case("shift", 405)
    value = expect_number(run, run_student(run, fn, *(np.copy(a) for a in case[:4]), case[4], what=what), what=what)
    _expect_accuracy(
        run,
        value,
        case,
        what,
        hint="Compute the mean and std once, on train_z, and apply them to both train_z and test_z.",
    )

    what = "labels 3, 7, 9 and a strong penalty"
    case = _probe_case("labels", 406)
    value = expect_number(run, run_student(run, fn, *(np.copy(a) for a in case[:4]), case[4], what=what), what=what)
    _expect_accuracy(
        run,
        value,
        case,
        what,
        hint="One-hot over classes = np.unique(train_y); predict classes[argmax]; penalise every weight "
        "except the bias.",
    )
    return run.finish()


_PROBE_SLIPS = {
    "standardize": (
        False,
        "you did not standardise the features: with one informative feature on a tiny scale, the "
        "penalty shrinks its weight away. Subtract the training mean and divide by the training "
        "std.",
    ),
    "test_stats": (
        True,
        "you standardised the test features with their own mean and std: use the training "
        "statistics, so that the probe sees test data as the training data would be seen.",
    ),
    "penalize_bias": (
        True,
        "you penalised the bias too: leave the last diagonal entry of the penalty at 0, so that "
        "the intercept can follow the class frequencies.",
    ),
}


def _expect_accuracy(run: CheckRun, value: float, case: tuple[Any, ...], what: str, *, hint: str) -> None:
    """Compare an accuracy with the reference's on one case, naming the usual mistake when it is recognised."""
    expected = _probe_reference(*case)
    if abs(value - expected) <= 1e-9:
        run.passed(what)
        return
    for option, (setting, message) in _PROBE_SLIPS.items():
        if abs(value - _probe_reference(*case, **{option: setting})) <= 1e-9:
            run.fail(what, message)
    if value == 0.0 and not np.array_equal(np.unique(case[1]), np.arange(np.unique(case[1]).size)):
        run.fail(
            what,
            "no prediction matched: are you comparing column indices (0, 1, 2) with the labels (3, 7, 9)? "
            "Map the argmax back with classes = np.unique(train_y).",
        )
    run.fail(what, f"your accuracy {value:.4f} differs from that of the probe the exercise describes. {hint}")
