"""Check cells of the fusion lab (``labs/1_representation/02_fusion.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded random
inputs, compares it with mmlab's reference operator (:class:`mmlab.fusion.TensorFusion`,
:class:`mmlab.fusion.LowRankFusion`, ...) holding the *same* weights, and raises
:class:`mmlab.labs.CheckFailed` with a message that names the failing property,
gives expected and received shapes or values, and points to the likely cause.
Values that would give an answer away are not printed.

===============================  =====================================================================
check                            student function
===============================  =====================================================================
check_tensor_fusion_features     ``tensor_fusion_features(xs) -> (batch, prod(d_i + 1))``
check_tensor_fusion_n_params     ``tensor_fusion_n_params(in_dims, out_dim) -> int``
check_low_rank_fusion            ``low_rank_fusion(xs, factors, rank_weights, bias) -> (batch, d_out)``
check_interaction_contrast       ``interaction_contrast(f, a0, a1, b0, b1) -> (batch, k)``
===============================  =====================================================================
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from mmlab.labs._feedback import CheckRun, expect_close, expect_shape, run_student

__all__ = [
    "check_interaction_contrast",
    "check_low_rank_fusion",
    "check_tensor_fusion_features",
    "check_tensor_fusion_n_params",
]

_RETURNED_NONE = "your function returned None. Did you forget the `return` statement?"
_ATOL = 1e-5


def _randn(gen: torch.Generator, *shape: int, requires_grad: bool = False) -> torch.Tensor:
    return torch.randn(*shape, generator=gen).requires_grad_(requires_grad)


def _expect_tensor(run: CheckRun, got: Any, what: str) -> None:
    """Fail unless ``got`` is a torch tensor (with a specific message for None, arrays and lists)."""
    if got is None:
        run.fail(what, _RETURNED_NONE)
    if isinstance(got, np.ndarray):
        run.fail(what, "you returned a NumPy array; return a torch.Tensor (stay in torch so that gradients can "
                       "flow back to the encoders).")
    if not isinstance(got, torch.Tensor):
        run.fail(what, f"expected a torch.Tensor, got {type(got).__name__}.")


# --------------------------------------------------------------------------- #
# exercise 1: the tensor-fusion features
# --------------------------------------------------------------------------- #
def check_tensor_fusion_features(fn: Callable[[list[torch.Tensor]], torch.Tensor]) -> bool:
    """Check ``tensor_fusion_features(xs)``: the flattened outer product of ``[x_i; 1]``.

    Verifies the output shape for two modalities (with a diagnosis of the usual
    shape mistakes), the values against :meth:`mmlab.fusion.TensorFusion.fused_tensor`
    (order included), the same for three modalities, and that gradients flow
    from the features back to the inputs, so that a linear layer on them gives
    exactly :class:`~mmlab.fusion.TensorFusion`'s output with the same weights.
    """
    from mmlab.fusion import TensorFusion

    run = CheckRun("Exercise 1 (tensor-fusion features)", 4)
    gen = torch.Generator().manual_seed(101)
    xs = [_randn(gen, 32, 16), _randn(gen, 32, 3)]
    got = run_student(run, fn, [x.clone() for x in xs], what="output shape")
    _expect_tensor(run, got, "output shape")
    _expect_feature_shape(run, got, (32, 16, 3))

    ref = TensorFusion([16, 3], 5)
    expected = ref.fused_tensor(xs).detach()
    _expect_feature_values(run, got.detach(), expected, "values on two modalities")

    xs3 = [_randn(gen, 8, 5), _randn(gen, 8, 4), _randn(gen, 8, 3)]
    got3 = run_student(run, fn, [x.clone() for x in xs3], what="three modalities")
    _expect_tensor(run, got3, "three modalities")
    width = 6 * 5 * 4
    if tuple(got3.shape) != (8, width):
        hint = ""
        if tuple(got3.shape) == (8, 6 * 5):
            hint = (" That is the size for the first two modalities only: loop over *all* modalities, "
                    "multiplying the running tensor by each next [x_i; 1].")
        run.fail("three modalities", f"expected shape (8, {width}) = (batch, (5+1)·(4+1)·(3+1)), got "
                                     f"{tuple(got3.shape)}.{hint}")
    ref3 = TensorFusion([5, 4, 3], 4)
    expect_close(run, got3.detach(), ref3.fused_tensor(xs3).detach(), what="three modalities", atol=_ATOL,
                 reveal=False, hint="Two modalities work, so check how you add the third: the running tensor "
                                    "(batch, D) times [x_3; 1] (batch, d_3 + 1) becomes (batch, D·(d_3 + 1)), "
                                    "flattened row by row.")

    inputs = [x.detach().clone().requires_grad_(True) for x in xs3]
    feats = run_student(run, fn, inputs, what="gradients reach the inputs")
    _expect_tensor(run, feats, "gradients reach the inputs")
    if not feats.requires_grad:
        run.fail("gradients reach the inputs", "your features are cut off from the autograd graph (.detach(), "
                                               ".numpy() or torch.tensor(...) of a tensor?). A fusion layer must "
                                               "pass gradients back to the encoders: use torch operations only.")
    z_student = ref3.linear(feats)
    z_student.sum().backward()
    if any(x.grad is None for x in inputs):
        run.fail("gradients reach the inputs", "some modality received no gradient: every modality must enter "
                                               "the outer product.")
    expect_close(run, z_student.detach(), ref3(xs3).detach(), what="gradients reach the inputs", atol=1e-4,
                 reveal=False, hint="A linear layer on your features should equal TensorFusion with the same "
                                    "weights.")
    return run.finish()


def _expect_feature_shape(run: CheckRun, got: torch.Tensor, sizes: tuple[int, int, int]) -> None:
    batch, d_a, d_b = sizes
    expected = (batch, (d_a + 1) * (d_b + 1))
    shape = tuple(got.shape)
    if shape == expected:
        run.passed("output shape")
        return
    lead = (f"expected {expected} = (batch, ({d_a}+1)·({d_b}+1)), got {shape}")
    if shape == (batch, d_a * d_b):
        hint = (f" = (batch, {d_a}·{d_b}). Did you forget to append the constant 1 to each modality before the "
                "outer product? Without it the unimodal terms and the bias disappear.")
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
    g, e = got.double().numpy(), expected.double().numpy()
    if np.allclose(g, e, atol=_ATOL):
        run.passed(what)
        return
    if np.allclose(np.sort(g, axis=1), np.sort(e, axis=1), atol=_ATOL):
        run.fail(what, "you have the right numbers in a different order. Append the 1 at the end of each modality "
                       "([x; 1], not [1; x]) and flatten row by row, so that the index of the last modality "
                       "changes fastest (einsum 'bi,bj->bij' followed by reshape(batch, -1)).")
    diff = float(np.max(np.abs(g - e)))
    run.fail(what, f"largest difference {diff:.3g} from the reference. Check that each modality gets a constant 1 "
                   "(not 0) and that you multiply the entries (outer product), per sample. Worked example: "
                   "x_A = [2, 3] and x_B = [5] give [10, 2, 15, 3, 5, 1].")


# --------------------------------------------------------------------------- #
# exercise 2: the parameter count
# --------------------------------------------------------------------------- #
def check_tensor_fusion_n_params(fn: Callable[[Sequence[int], int], int]) -> bool:
    """Check ``tensor_fusion_n_params(in_dims, out_dim)`` against the count of a built TensorFusion.

    Verifies that it returns an integer, that it matches ``n_params`` of a
    :class:`mmlab.fusion.TensorFusion` for two modalities (with a diagnosis of
    the usual slips), and for three modalities and other sizes.
    """
    from mmlab.fusion import TensorFusion, n_params

    run = CheckRun("Exercise 2 (tensor-fusion parameter count)", 3)
    got = run_student(run, fn, [16, 3], 5, what="returns an integer")
    if got is None:
        run.fail("returns an integer", _RETURNED_NONE)
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        got = got.item()
    if isinstance(got, bool) or not (isinstance(got, numbers.Integral)
                                     or (isinstance(got, float) and float(got).is_integer())):
        run.fail("returns an integer", f"expected a whole number of parameters, got {type(got).__name__} {got!r}.")
    run.passed("returns an integer")

    expected = n_params(TensorFusion([16, 3], 5))
    got = int(got)
    if got != expected:
        slips = {16 * 3 * 5: "You multiplied d_i instead of (d_i + 1): the appended 1 adds a row and a column.",
                 17 * 4: "You forgot the output size: W has one row of prod(d_i + 1) weights per output.",
                 (17 + 4) * 5: "You added the sizes; the outer product multiplies them.",
                 (16 + 3) * 5: "That is the count of a linear layer on the concatenation; tensor fusion's "
                               "input has prod(d_i + 1) entries.",
                 17 * 4 * 5 + 5: "TensorFusion has no separate bias (the constant entry of the tensor plays "
                                 "that role): do not add out_dim."}
        hint = slips.get(got, "The layer maps the flattened tensor, of prod(d_i + 1) entries, to out_dim outputs.")
        run.fail("two modalities", f"for in_dims=[16, 3], out_dim=5 expected {expected:,} "
                                   f"= (16+1)·(3+1)·5, got {got:,}. {hint}")
    run.passed("two modalities")

    for dims, out in (([32, 32, 32], 1), ([7, 2, 5], 3), ([1, 1], 1), ([4, 9, 2], 6)):
        value = run_student(run, fn, list(dims), out, what="three modalities and other sizes")
        try:
            value = int(value.item() if isinstance(value, torch.Tensor) else value)
        except (TypeError, ValueError):
            run.fail("three modalities and other sizes", f"for in_dims={dims} your function returned "
                                                         f"{type(value).__name__} {value!r}, not a number.")
        ref = n_params(TensorFusion(dims, out))
        if value != ref:
            hint = (" Loop over all modalities, not just the first two." if value == math.prod(
                d + 1 for d in dims[:2]) * out else " Use every entry of in_dims and out_dim.")
            run.fail("three modalities and other sizes",
                     f"for in_dims={dims}, out_dim={out} your count is off by {abs(value - ref):,}.{hint}")
    run.passed("three modalities and other sizes")
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: low-rank fusion
# --------------------------------------------------------------------------- #
def check_low_rank_fusion(fn: Callable[..., torch.Tensor]) -> bool:
    """Check ``low_rank_fusion(xs, factors, rank_weights, bias)`` against :class:`mmlab.fusion.LowRankFusion`.

    The student's function receives the parameters of a reference
    ``LowRankFusion`` (random rank weights and bias, so forgetting either
    shows). Verifies the output shape, agreement with the reference on two
    and on three modalities (with a diagnosis of the usual mistakes), and that
    gradients reach the factors as they do in the reference.
    """
    run = CheckRun("Exercise 3 (low-rank fusion)", 4)
    ref, xs = _lmf_case(seed=202, dims=(6, 4), out=5, rank=3, batch=32)
    args = _lmf_args(ref)
    got = run_student(run, fn, [x.clone() for x in xs], *args, what="output shape")
    _expect_tensor(run, got, "output shape")
    shape = tuple(got.shape)
    hint = ""
    if shape == (32, 3, 5):
        hint = " You kept the rank dimension: sum over k, weighting term k by rank_weights[k]."
    elif shape == (32, 3):
        hint = " Each rank term is a vector of d_out numbers; sum over the rank, not over the outputs."
    expect_shape(run, got, (32, 5), what="output shape", hint=(hint or "Expected (batch, d_out).").strip())

    with torch.no_grad():
        expected = ref(xs)
    _expect_lmf_values(run, got.detach(), expected, xs, ref, "agrees with LowRankFusion (two modalities)")

    ref3, xs3 = _lmf_case(seed=303, dims=(5, 4, 3), out=4, rank=2, batch=16)
    got3 = run_student(run, fn, [x.clone() for x in xs3], *_lmf_args(ref3),
                       what="agrees with LowRankFusion (three modalities)")
    _expect_tensor(run, got3, "agrees with LowRankFusion (three modalities)")
    with torch.no_grad():
        expected3 = ref3(xs3)
    if tuple(got3.shape) != tuple(expected3.shape):
        run.fail("agrees with LowRankFusion (three modalities)",
                 f"expected shape {tuple(expected3.shape)}, got {tuple(got3.shape)}. Loop over every modality "
                 "(zip(xs, factors)), not a fixed two.")
    _expect_lmf_values(run, got3.detach(), expected3, xs3, ref3, "agrees with LowRankFusion (three modalities)")

    params = [p.detach().clone().requires_grad_(True) for p in _lmf_args(ref3, flat=True)]
    n_mod = len(ref3.factors)
    out = run_student(run, fn, [x.clone() for x in xs3], params[:n_mod], params[n_mod], params[n_mod + 1],
                      what="gradients reach the factors")
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        run.fail("gradients reach the factors", "your output is cut off from the autograd graph (.detach(), "
                                                ".numpy(), .data or torch.tensor(...)?); the factors could not "
                                                "be trained. Use torch operations on the arguments.")
    out.sum().backward()
    missing = [name for name, p in zip([f"factors[{i}]" for i in range(n_mod)] + ["rank_weights", "bias"], params)
               if p.grad is None]
    if missing:
        run.fail("gradients reach the factors", f"{', '.join(missing)} received no gradient: every parameter must "
                                                "be used in the output.")
    ref_params = [*ref3.factors, ref3.rank_weights, ref3.bias]  # the order of the student's arguments
    ref3.zero_grad()
    ref3(xs3).sum().backward()
    expect_close(run, torch.cat([p.grad.reshape(-1) for p in params]),
                 torch.cat([p.grad.reshape(-1) for p in ref_params]), what="gradients reach the factors",
                 atol=1e-4, reveal=False, hint="The outputs match, so gradients should too; did you modify a "
                                               "parameter in place?")
    return run.finish()


def _lmf_case(*, seed: int, dims: tuple[int, ...], out: int, rank: int,
              batch: int) -> tuple[Any, list[torch.Tensor]]:
    """A LowRankFusion with random (non-default) rank weights and bias, and random inputs."""
    from mmlab.fusion import LowRankFusion

    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        ref = LowRankFusion(list(dims), out, rank=rank)
    with torch.no_grad():
        ref.rank_weights.copy_(torch.rand(rank, generator=gen) + 0.5)
        ref.bias.copy_(torch.randn(out, generator=gen))
    return ref, [_randn(gen, batch, d) for d in dims]


def _lmf_args(ref: Any, *, flat: bool = False) -> Any:
    factors = [f.detach().clone() for f in ref.factors]
    lam, bias = ref.rank_weights.detach().clone(), ref.bias.detach().clone()
    return [*factors, lam, bias] if flat else (factors, lam, bias)


def _lmf_variants(xs: list[torch.Tensor], ref: Any) -> dict[str, torch.Tensor]:
    """Outputs of the usual wrong versions, to name the mistake."""
    with torch.no_grad():
        terms = [torch.einsum("bi,kio->bko", torch.cat([x, torch.ones(x.shape[0], 1)], 1), w)
                 for x, w in zip(xs, ref.factors)]
        prod = torch.stack(terms).prod(0)
        lam, b = ref.rank_weights, ref.bias
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


def _expect_lmf_values(run: CheckRun, got: torch.Tensor, expected: torch.Tensor, xs: list[torch.Tensor],
                       ref: Any, what: str) -> None:
    if got.shape == expected.shape and torch.allclose(got.double(), expected.double(), atol=1e-4):
        run.passed(what)
        return
    if got.shape == expected.shape:
        for name, value in _lmf_variants(xs, ref).items():
            if torch.allclose(got.double(), value.double(), atol=1e-4):
                run.fail(what, _LMF_HINTS[name])
    expect_close(run, got, expected, what=what, atol=1e-4, reveal=False,
                 hint="Check the equation z = sum_k lambda_k ⊙_i (W_i^(k) [x_i; 1]) + b: append a 1 to each "
                      "modality, apply its factor for every k, multiply across modalities, then sum over k.")


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
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(404)
        add, bil = AdditiveFusion([3, 5], 2), BilinearFusion([3, 5], 2)
        with torch.no_grad():
            add.bias.normal_()

    got = run_student(run, fn, add, a0, a1, b0, b1, what="output shape")
    _expect_tensor(run, got, "output shape")
    shape = tuple(got.shape)
    hint = "Expected one contrast per sample and output: (batch, k)."
    if shape in ((2,), (1, 2)):
        hint = "You averaged or summed over the batch: return one contrast per sample, shape (batch, k)."
    elif shape == (16,) or shape == (16, 1):
        hint = "You reduced over the outputs: keep all k outputs of f, shape (batch, k)."
    expect_shape(run, got, (16, 2), what="output shape", hint=hint)

    worst = float(got.detach().abs().max())
    if worst > 1e-4:
        run.fail("zero for an additive model", f"for additive fusion f(a, b) = g(a) + h(b) the contrast must be 0 "
                                               f"for every sample, but yours reaches {worst:.3g}. Check the four "
                                               "signs: + f(a1, b1) - f(a1, b0) - f(a0, b1) + f(a0, b0).")
    run.passed("zero for an additive model")

    with torch.no_grad():
        expected = bil([a1, b1]) - bil([a1, b0]) - bil([a0, b1]) + bil([a0, b0])
        got_b = run_student(run, fn, bil, a0, a1, b0, b1, what="matches the definition on bilinear fusion")
    _expect_tensor(run, got_b, "matches the definition on bilinear fusion")
    if got_b.shape == expected.shape and torch.allclose(got_b.detach(), -expected, atol=_ATOL):
        run.fail("matches the definition on bilinear fusion",
                 "your contrast has the opposite sign: it starts with + f(a1, b1) and ends with + f(a0, b0).")
    expect_close(run, got_b.detach(), expected, what="matches the definition on bilinear fusion", atol=_ATOL,
                 reveal=False, hint="Each of the four terms calls f on a list [x_A, x_B]: [a1, b1], [a1, b0], "
                                    "[a0, b1], [a0, b0].")

    m, n = _randn(gen, 3, 4), _randn(gen, 5, 4)

    def product(xs: list[torch.Tensor]) -> torch.Tensor:  # (x_A M) ⊙ (x_B N): contrast = ((a1-a0) M) ⊙ ((b1-b0) N)
        return (xs[0] @ m) * (xs[1] @ n)

    got_p = run_student(run, fn, product, a0, a1, b0, b1, what="works for any model f")
    _expect_tensor(run, got_p, "works for any model f")
    expect_close(run, got_p.detach(), ((a1 - a0) @ m) * ((b1 - b0) @ n), what="works for any model f",
                 atol=1e-4, reveal=False, hint="Use only calls f([x_A, x_B]); do not reach into a module's "
                                               "weights.")
    return run.finish()
