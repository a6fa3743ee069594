"""Check cells of the fusion lab (``labs/1_representation/02_fusion.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded random
inputs, validates what comes back, compares it with a reference computed here
from the lab's equations (never with :class:`mmlab.fusion.TensorFusion`,
:class:`mmlab.fusion.LowRankFusion` or :func:`mmlab.fusion.n_params`, which the
exercises ask the student to write), and raises :class:`mmlab.labs.CheckFailed`
with a message that names the failing property, gives expected and received
shapes, and points to the likely cause. Counts and values that would give an
answer away are not printed. Exercises 1 to 3 are decorated with
:func:`~mmlab.labs.forbid`: building or calling the library's operator fails
the check.

===============================  =====================================================================
check                            student function
===============================  =====================================================================
check_tensor_fusion_features     ``tensor_fusion_features(xs) -> (batch, prod(d_i + 1))``
check_tensor_fusion_n_params     ``tensor_fusion_n_params(in_dims, out_dim) -> int``
check_low_rank_fusion            ``low_rank_fusion(xs, factors, rank_weights, bias) -> (batch, d_out)``
check_interaction_contrast       ``interaction_contrast(f, a0, a1, b0, b1) -> (batch, k)``
===============================  =====================================================================

The private references (tested against the library in ``tests/labs``):
:func:`_features_reference`, :func:`_tensor_count_reference` and
:func:`_low_rank_reference`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from mmlab.labs._feedback import (
    CheckRun,
    expect_array,
    expect_close,
    expect_integer,
    forbid,
    run_student,
)
from mmlab.runtime import seeded

__all__ = [
    "check_interaction_contrast",
    "check_low_rank_fusion",
    "check_tensor_fusion_features",
    "check_tensor_fusion_n_params",
]

_ATOL = 1e-5


def _randn(gen: torch.Generator, *shape: int, requires_grad: bool = False) -> torch.Tensor:
    return torch.randn(*shape, generator=gen).requires_grad_(requires_grad)


def _tensor(run: CheckRun, got: Any, what: str) -> torch.Tensor:
    """Fail unless ``got`` is a tensor of real numbers (specific messages for None, arrays and lists)."""
    return expect_array(run, got, what=what, tensor=True)


def _with_one(x: torch.Tensor) -> torch.Tensor:
    return torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype)], dim=1)


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _features_reference(xs: Sequence[torch.Tensor]) -> torch.Tensor:
    """vec([x_1; 1] (x) ... (x) [x_M; 1]) per sample, the last modality's index changing fastest."""
    z = _with_one(xs[0])
    for x in xs[1:]:
        z = torch.einsum("bi,bj->bij", z, _with_one(x)).reshape(z.shape[0], -1)
    return z


def _tensor_count_reference(in_dims: Sequence[int], out_dim: int) -> int:
    """Weights of a bias-free linear map from prod(d_i + 1) features to out_dim outputs."""
    return out_dim * math.prod(d + 1 for d in in_dims)


def _low_rank_reference(
    xs: Sequence[torch.Tensor], factors: Sequence[torch.Tensor], rank_weights: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """z = sum_k lambda_k prod_i ([x_i; 1]^T W_i^(k)) + b, one rank term at a time."""
    z = bias.expand(xs[0].shape[0], -1)
    for k in range(rank_weights.shape[0]):
        term = torch.ones_like(z)
        for x, w in zip(xs, factors, strict=True):
            term = term * (_with_one(x) @ w[k])
        z = z + rank_weights[k] * term
    return z


# --------------------------------------------------------------------------- #
# exercise 1: the tensor-fusion features
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.fusion.TensorFusion",
    "mmlab.fusion.TensorFusion.fused_tensor",
    task="build the tensor-fusion features yourself",
    shortcuts=("mmlab.fusion.make_fusion",),
    hint="Use torch.cat, torch.einsum and reshape on the inputs.",
)
def check_tensor_fusion_features(fn: Callable[[list[torch.Tensor]], torch.Tensor]) -> bool:
    """Check ``tensor_fusion_features(xs)``: the flattened outer product of ``[x_i; 1]``.

    Verifies the output shape for two modalities (with a diagnosis of the usual
    shape mistakes), the values (order included) against a reference computed
    here, the same for three modalities, and that gradients flow from the
    features back to every input exactly as through the reference. Building a
    :class:`mmlab.fusion.TensorFusion` fails the check.
    """
    run = CheckRun("Exercise 1 (tensor-fusion features)", 4)
    gen = torch.Generator().manual_seed(101)
    xs = [_randn(gen, 32, 16), _randn(gen, 32, 3)]
    got = _tensor(run, run_student(run, fn, [x.clone() for x in xs], what="output shape"), "output shape")
    _expect_feature_shape(run, got, (32, 16, 3))
    _expect_feature_values(run, got.detach(), _features_reference(xs), "values on two modalities")

    xs3 = [_randn(gen, 8, 5), _randn(gen, 8, 4), _randn(gen, 8, 3)]
    got3 = _tensor(run, run_student(run, fn, [x.clone() for x in xs3], what="three modalities"), "three modalities")
    width = 6 * 5 * 4
    if tuple(got3.shape) != (8, width):
        hint = ""
        if tuple(got3.shape) == (8, 6 * 5):
            hint = (
                " That is the size for the first two modalities only: loop over *all* modalities, "
                "multiplying the running tensor by each next [x_i; 1]."
            )
        run.fail(
            "three modalities",
            f"expected shape (8, {width}) = (batch, (5+1)·(4+1)·(3+1)), got {tuple(got3.shape)}.{hint}",
        )
    expect_close(
        run,
        got3.detach(),
        _features_reference(xs3),
        what="three modalities",
        atol=_ATOL,
        hint="Two modalities work, so check how you add the third: the running tensor "
        "(batch, D) times [x_3; 1] (batch, d_3 + 1) becomes (batch, D·(d_3 + 1)), "
        "flattened row by row.",
    )

    what = "gradients reach the inputs"
    inputs = [x.detach().clone().requires_grad_(True) for x in xs3]
    feats = _tensor(run, run_student(run, fn, inputs, what=what), what)
    if tuple(feats.shape) != (8, width):
        run.fail(
            what,
            f"with inputs that require gradients your function returned shape {tuple(feats.shape)}, "
            f"not (8, {width}) as before.",
        )
    if not feats.requires_grad:
        run.fail(
            what,
            "your features are cut off from the autograd graph (.detach(), .numpy() or "
            "torch.tensor(...) of a tensor?). A fusion layer must pass gradients back to the encoders: "
            "use torch operations only.",
        )
    weights = _randn(gen, width, 4).double()
    ref_inputs = [x.detach().clone().requires_grad_(True) for x in xs3]
    (_features_reference(ref_inputs).double() @ weights).sum().backward()
    _backward(run, (feats.double() @ weights).sum(), what)
    if any(x.grad is None for x in inputs):
        run.fail(what, "some modality received no gradient: every modality must enter the outer product.")
    expect_close(
        run,
        torch.cat([x.grad.reshape(-1) for x in inputs]),
        torch.cat([x.grad.reshape(-1) for x in ref_inputs]),
        what=what,
        atol=1e-4,
        hint="The values match, so the gradients should too; did you modify a tensor in place?",
    )
    return run.finish()


def _backward(run: CheckRun, loss: torch.Tensor, what: str) -> None:
    """``loss.backward()``, with an error in the student's graph turned into feedback."""
    try:
        loss.backward()
    except RuntimeError as err:
        run.fail(
            what,
            f"computing gradients through your output failed ({str(err).splitlines()[0]}). Avoid "
            "in-place changes (+=, [...] =) of tensors that need gradients.",
        )


def _expect_feature_shape(run: CheckRun, got: torch.Tensor, sizes: tuple[int, int, int]) -> None:
    batch, d_a, d_b = sizes
    expected = (batch, (d_a + 1) * (d_b + 1))
    shape = tuple(got.shape)
    if shape == expected:
        run.passed("output shape")
        return
    lead = f"expected {expected} = (batch, ({d_a}+1)·({d_b}+1)), got {shape}"
    if shape == (batch, d_a * d_b):
        hint = (
            f" = (batch, {d_a}·{d_b}). Did you forget to append the constant 1 to each modality before the "
            "outer product? Without it the unimodal terms and the bias disappear."
        )
    elif shape in ((batch, d_a + d_b), (batch, d_a + d_b + 2), (batch, d_a + d_b + 1)):
        hint = " Did you concatenate the modalities? Tensor fusion takes their outer product, not their concatenation."
    elif shape == (batch, d_a + 1, d_b + 1):
        hint = " You built the right tensor but did not flatten it: reshape it to (batch, -1)."
    elif len(shape) == 2 and shape[0] == d_a + 1 and shape[1] == d_b + 1:
        hint = " That is one sample's tensor: compute the outer product per sample (keep the batch dimension)."
    elif len(shape) >= 1 and shape[0] != batch:
        hint = " The first dimension must stay the batch: one row of features per sample."
    else:
        hint = " Build [x_A; 1] and [x_B; 1], take their per-sample outer product, and flatten it."
    run.fail("output shape", lead + "." + hint if not hint.startswith(" =") else lead + hint)


def _expect_feature_values(run: CheckRun, got: torch.Tensor, expected: torch.Tensor, what: str) -> None:
    g, e = got.cpu().double().numpy(), expected.double().numpy()
    if np.allclose(g, e, atol=_ATOL):
        run.passed(what)
        return
    if np.allclose(np.sort(g, axis=1), np.sort(e, axis=1), atol=_ATOL):
        run.fail(
            what,
            "you have the right numbers in a different order. Append the 1 at the end of each modality "
            "([x; 1], not [1; x]) and flatten row by row, so that the index of the last modality "
            "changes fastest (einsum 'bi,bj->bij' followed by reshape(batch, -1)).",
        )
    n_bad = int((~np.isclose(g, e, atol=_ATOL)).sum())
    run.fail(
        what,
        f"{n_bad} of {g.size} entries differ from the reference. Check that each modality gets a "
        "constant 1 (not 0) and that you multiply the entries (outer product), per sample. Worked "
        "example: x_A = [2, 3] and x_B = [5] give [10, 2, 15, 3, 5, 1].",
    )


# --------------------------------------------------------------------------- #
# exercise 2: the parameter count
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.fusion.tensor_fusion_n_params",
    "mmlab.fusion.n_params",
    "mmlab.fusion.TensorFusion",
    task="count the parameters yourself",
    shortcuts=("mmlab.fusion.make_fusion",),
    hint="Count from in_dims and out_dim with integer arithmetic; do not build a layer.",
)
def check_tensor_fusion_n_params(fn: Callable[[Sequence[int], int], int]) -> bool:
    """Check ``tensor_fusion_n_params(in_dims, out_dim)`` against the count of a bias-free linear layer.

    Verifies that every value returned is a whole number (a float is accepted
    only if whole; ``int()`` would hide a fraction), the count for two
    modalities (with a diagnosis of the usual slips), and for three modalities
    and other sizes. The expected counts are never printed; calling
    :func:`mmlab.fusion.n_params`, :func:`mmlab.fusion.tensor_fusion_n_params` or
    building a :class:`mmlab.fusion.TensorFusion` fails the check.
    """
    run = CheckRun("Exercise 2 (tensor-fusion parameter count)", 3)
    what = "returns an integer"
    got = expect_integer(
        run, run_student(run, fn, [16, 3], 5, what=what), what=what, hint="Return the number of weights as an int."
    )
    run.passed(what)

    expected = _tensor_count_reference([16, 3], 5)
    if got != expected:
        slips = {
            16 * 3 * 5: "You multiplied d_i instead of (d_i + 1): the appended 1 adds one entry per modality.",
            17 * 4: "You forgot the output size: every output has its own weight for each feature.",
            (17 + 4) * 5: "You added the sizes; the outer product multiplies them.",
            (16 + 3) * 5: "That is the count of a linear layer on the concatenation; tensor fusion's "
            "features are the outer product (Exercise 1).",
            17 * 4 * 5 + 5: "TensorFusion has no separate bias (the constant entry of the tensor plays "
            "that role): do not add out_dim.",
        }
        hint = slips.get(
            got,
            "Count the features of Exercise 1 for these sizes, then the weights of a bias-free "
            "linear layer from them to out_dim outputs.",
        )
        run.fail(
            "two modalities", f"for in_dims=[16, 3], out_dim=5 your count {got:,} is not the number of weights. {hint}"
        )
    run.passed("two modalities")

    what = "three modalities and other sizes"
    for dims, out in (([32, 32, 32], 1), ([7, 2, 5], 3), ([1, 1], 1), ([4, 9, 2], 6)):
        value = expect_integer(
            run,
            run_student(run, fn, list(dims), out, what=what),
            what=what,
            hint=f"That was for in_dims={dims}, out_dim={out}.",
        )
        ref = _tensor_count_reference(dims, out)
        if value != ref:
            hint = (
                " Loop over all modalities, not just the first two."
                if value == math.prod(d + 1 for d in dims[:2]) * out
                else " Use every entry of in_dims and out_dim."
            )
            run.fail(
                what, f"for in_dims={dims}, out_dim={out} your count {value:,} is not the number of weights.{hint}"
            )
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: low-rank fusion
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.fusion.LowRankFusion",
    task="implement the low-rank forward pass yourself",
    shortcuts=("mmlab.fusion.make_fusion",),
    hint="Use torch.einsum (or matmul) on the arguments.",
)
def check_low_rank_fusion(fn: Callable[..., torch.Tensor]) -> bool:
    """Check ``low_rank_fusion(xs, factors, rank_weights, bias)`` against a reference computed here.

    The student's function receives random factors, rank weights and bias
    (non-trivial, so forgetting either shows). Verifies the output shape,
    agreement with the reference on two and on three modalities (with a
    diagnosis of the usual mistakes), and that gradients reach every
    parameter as they do through the reference. Building a
    :class:`mmlab.fusion.LowRankFusion` fails the check.
    """
    run = CheckRun("Exercise 3 (low-rank fusion)", 4)
    args, xs = _lmf_case(seed=202, dims=(6, 4), out=5, rank=3, batch=32)
    what = "output shape"
    got = _tensor(run, run_student(run, fn, [x.clone() for x in xs], *_lmf_copy(args), what=what), what)
    shape = tuple(got.shape)
    hint = "Expected (batch, d_out)."
    if shape == (32, 3, 5):
        hint = "You kept the rank dimension: sum over k, weighting term k by rank_weights[k]."
    elif shape == (32, 3):
        hint = "Each rank term is a vector of d_out numbers; sum over the rank, not over the outputs."
    if shape != (32, 5):
        run.fail(what, f"expected shape (32, 5), got {shape}. {hint}")
    run.passed(what)
    _expect_lmf_values(run, got.detach(), xs, args, "agrees with the equation (two modalities)")

    args3, xs3 = _lmf_case(seed=303, dims=(5, 4, 3), out=4, rank=2, batch=16)
    what = "agrees with the equation (three modalities)"
    got3 = _tensor(run, run_student(run, fn, [x.clone() for x in xs3], *_lmf_copy(args3), what=what), what)
    if tuple(got3.shape) != (16, 4):
        run.fail(
            what,
            f"expected shape (16, 4), got {tuple(got3.shape)}. Loop over every modality "
            "(zip(xs, factors)), not a fixed two.",
        )
    _expect_lmf_values(run, got3.detach(), xs3, args3, what)

    what = "gradients reach the factors"
    factors, lam, bias = _lmf_copy(args3, requires_grad=True)
    out = _tensor(run, run_student(run, fn, [x.clone() for x in xs3], factors, lam, bias, what=what), what)
    if not out.requires_grad:
        run.fail(
            what,
            "your output is cut off from the autograd graph (.detach(), .numpy(), .data or "
            "torch.tensor(...)?); the factors could not be trained. Use torch operations on the "
            "arguments.",
        )
    _backward(run, out.double().sum(), what)
    params = [*factors, lam, bias]
    missing = [
        name
        for name, p in zip(
            [f"factors[{i}]" for i in range(len(factors))] + ["rank_weights", "bias"], params, strict=True
        )
        if p.grad is None
    ]
    if missing:
        run.fail(what, f"{', '.join(missing)} received no gradient: every parameter must be used in the output.")
    ref_params = _lmf_copy(args3, requires_grad=True)
    _low_rank_reference(xs3, *ref_params).sum().backward()
    ref_flat = [*ref_params[0], ref_params[1], ref_params[2]]
    expect_close(
        run,
        torch.cat([p.grad.reshape(-1) for p in params]),
        torch.cat([p.grad.reshape(-1) for p in ref_flat]),
        what=what,
        atol=1e-4,
        hint="The outputs match, so gradients should too; did you modify a parameter in place?",
    )
    return run.finish()


def _lmf_case(
    *, seed: int, dims: tuple[int, ...], out: int, rank: int, batch: int
) -> tuple[tuple[list[torch.Tensor], torch.Tensor, torch.Tensor], list[torch.Tensor]]:
    """Random factors (rank, d_i + 1, out), rank weights in [0.5, 1.5), a random bias, and random inputs."""
    gen = torch.Generator().manual_seed(seed)
    factors = [0.5 * _randn(gen, rank, d + 1, out) for d in dims]
    rank_weights = torch.rand(rank, generator=gen) + 0.5
    bias = _randn(gen, out)
    return (factors, rank_weights, bias), [_randn(gen, batch, d) for d in dims]


def _lmf_copy(
    args: tuple[list[torch.Tensor], torch.Tensor, torch.Tensor], *, requires_grad: bool = False
) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
    """Fresh copies of (factors, rank_weights, bias), so a student's in-place change cannot touch the reference."""
    factors, lam, bias = args
    copy = [f.detach().clone().requires_grad_(requires_grad) for f in factors]
    return copy, lam.detach().clone().requires_grad_(requires_grad), bias.detach().clone().requires_grad_(requires_grad)


def _lmf_variants(
    xs: list[torch.Tensor],
    args: tuple[list[torch.Tensor], torch.Tensor, torch.Tensor],
) -> dict[str, torch.Tensor]:
    """Outputs of the usual wrong versions, to name the mistake."""
    factors, lam, b = args
    with torch.no_grad():
        terms = [torch.einsum("bi,kio->bko", _with_one(x), w) for x, w in zip(xs, factors, strict=True)]
        prod = torch.stack(terms).prod(0)
        out = {
            "no_bias": torch.einsum("bko,k->bo", prod, lam),
            "no_lambda": prod.sum(1) + b,
            "sum_over_modalities": torch.einsum("bko,k->bo", torch.stack(terms).sum(0), lam) + b,
        }
        if len(terms) > 2:
            out["first_two"] = torch.einsum("bko,k->bo", terms[0] * terms[1], lam) + b
        return out


_LMF_HINTS = {
    "no_bias": "you left out the bias b: add it after the sum over the rank.",
    "no_lambda": "you left out the rank weights: term k must be scaled by rank_weights[k] before the sum.",
    "first_two": "you used only the first two modalities: loop over all of them (zip(xs, factors)).",
    "sum_over_modalities": "you added the modality terms; low-rank fusion multiplies them elementwise (⊙), which "
    "is where the cross-modal products come from. Adding them gives additive fusion.",
}


def _expect_lmf_values(
    run: CheckRun,
    got: torch.Tensor,
    xs: list[torch.Tensor],
    args: tuple[list[torch.Tensor], torch.Tensor, torch.Tensor],
    what: str,
) -> None:
    with torch.no_grad():
        expected = _low_rank_reference(xs, *args)
    g = got.cpu().double()
    if g.shape == expected.shape and torch.allclose(g, expected.double(), atol=1e-4):
        run.passed(what)
        return
    if g.shape == expected.shape:
        for name, value in _lmf_variants(xs, args).items():
            if torch.allclose(g, value.double(), atol=1e-4):
                run.fail(what, _LMF_HINTS[name])
    expect_close(
        run,
        g,
        expected,
        what=what,
        atol=1e-4,
        hint="Check the equation z = sum_k lambda_k ⊙_i (W_i^(k) [x_i; 1]) + b: append a 1 to each "
        "modality, apply its factor for every k, multiply across modalities, then sum over k.",
    )


# --------------------------------------------------------------------------- #
# exercise 4: the interaction contrast
# --------------------------------------------------------------------------- #
def check_interaction_contrast(fn: Callable[..., torch.Tensor]) -> bool:
    """Check ``interaction_contrast(f, a0, a1, b0, b1)``: the double difference of a two-modality model.

    Verifies the output shape (one contrast per sample and output), that it is
    exactly zero for additive fusion with random weights, that it matches the
    definition on bilinear fusion, and on a plain Python function (so it only
    calls ``f``).
    """
    from mmlab.fusion import AdditiveFusion, BilinearFusion

    run = CheckRun("Exercise 4 (interaction contrast)", 4)
    gen = torch.Generator().manual_seed(404)
    a0, a1, b0, b1 = _randn(gen, 16, 3), _randn(gen, 16, 3), _randn(gen, 16, 5), _randn(gen, 16, 5)
    with seeded(404):
        add, bil = AdditiveFusion([3, 5], 2), BilinearFusion([3, 5], 2)
        with torch.no_grad():
            add.bias.normal_()

    got = _tensor(run, run_student(run, fn, add, a0, a1, b0, b1, what="output shape"), "output shape")
    shape = tuple(got.shape)
    hint = "Expected one contrast per sample and output: (batch, k)."
    if shape in ((2,), (1, 2)):
        hint = "You averaged or summed over the batch: return one contrast per sample, shape (batch, k)."
    elif shape == (16,) or shape == (16, 1):
        hint = "You reduced over the outputs: keep all k outputs of f, shape (batch, k)."
    if shape != (16, 2):
        run.fail("output shape", f"expected shape (16, 2), got {shape}. {hint}")
    run.passed("output shape")

    worst = float(got.detach().abs().max())
    if worst > 1e-4:
        run.fail(
            "zero for an additive model",
            "for additive fusion f(a, b) = g(a) + h(b) the contrast must be 0 "
            f"for every sample, but yours reaches {worst:.3g}. Check the four "
            "signs: + f(a1, b1) - f(a1, b0) - f(a0, b1) + f(a0, b0).",
        )
    run.passed("zero for an additive model")

    what = "matches the definition on bilinear fusion"
    with torch.no_grad():
        expected = (bil([a1, b1]) - bil([a1, b0]) - bil([a0, b1]) + bil([a0, b0])).double()
        got_b = _tensor(run, run_student(run, fn, bil, a0, a1, b0, b1, what=what), what)
    if got_b.shape == expected.shape and torch.allclose(got_b.detach().cpu().double(), -expected, atol=_ATOL):
        run.fail(what, "your contrast has the opposite sign: it starts with + f(a1, b1) and ends with + f(a0, b0).")
    expect_close(
        run,
        got_b.detach(),
        expected,
        what=what,
        atol=_ATOL,
        hint="Each of the four terms calls f on a list [x_A, x_B]: [a1, b1], [a1, b0], [a0, b1], [a0, b0].",
    )

    m, n = _randn(gen, 3, 4), _randn(gen, 5, 4)

    def product(xs: list[torch.Tensor]) -> torch.Tensor:  # (x_A M) ⊙ (x_B N): contrast = ((a1-a0) M) ⊙ ((b1-b0) N)
        return (xs[0] @ m) * (xs[1] @ n)

    what = "works for any model f"
    got_p = _tensor(run, run_student(run, fn, product, a0, a1, b0, b1, what=what), what)
    expect_close(
        run,
        got_p.detach(),
        ((a1 - a0) @ m) * ((b1 - b0) @ n),
        what=what,
        atol=1e-4,
        hint="Use only calls f([x_A, x_B]); do not reach into a module's weights.",
    )
    return run.finish()
