"""Check cells of the transference lab (``labs/5_transference/01_transference.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on seeded inputs,
validates what comes back, compares it with a reference computed here from the
lab's equations (never with :class:`mmlab.transfer.BottleneckAdapter`,
:class:`mmlab.transfer.FiLM`, :func:`mmlab.transfer.modality_dropout` or
:func:`mmlab.transfer.cosine_logits`, which the exercises ask the student to
write), and raises :class:`mmlab.labs.CheckFailed` with a message that names
the failing property and a hint, never the expected numbers. Every check is
decorated with :func:`~mmlab.labs.forbid`: calling the library's version fails it.

=============================  ==================================================================
check                          student function
=============================  ==================================================================
check_adapter_forward          ``adapter_forward(x, w_down, b_down, w_up, b_up) -> (n, d)``
check_adapter_n_params         ``adapter_n_params(dim, bottleneck) -> int``
check_film                     ``film(h, z, w_gamma, b_gamma, w_beta, b_beta) -> (n, C)``
check_drop_modalities          ``drop_modalities(xs, p, generator) -> (list of (n, d_i), mask (n, M))``
check_zero_shot_predict        ``zero_shot_predict(z, class_embeddings) -> (n,) class indices``
=============================  ==================================================================
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import torch

from mmlab.labs._feedback import CheckRun, expect_array, expect_close, expect_integer, forbid
from mmlab.labs._feedback import run_student as _run_student
from mmlab.runtime import seeded

__all__ = [
    "check_adapter_forward",
    "check_adapter_n_params",
    "check_drop_modalities",
    "check_film",
    "check_zero_shot_predict",
]

_ATOL = 1e-5

#: Seeds of the global generator while a student's dropout runs (a new one per call).
_GLOBAL_SEEDS = itertools.count(1000)


def _run(run: CheckRun, fn: Callable[..., Any], *args: Any, what: str) -> Any:
    """:func:`mmlab.labs.run_student` with torch's global random state saved and restored around the call."""
    with torch.random.fork_rng(devices=[]):
        return _run_student(run, fn, *args, what=what)


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _tensor(run: CheckRun, got: Any, what: str) -> torch.Tensor:
    return expect_array(run, got, what=what, tensor=True)


def _same_shape(run: CheckRun, got: torch.Tensor, shape: tuple[int, ...], what: str, hint: str) -> None:
    if tuple(got.shape) != shape:
        run.fail(what, f"expected shape {shape}, got {tuple(got.shape)}. {hint}")


# --------------------------------------------------------------------------- #
# private references
# --------------------------------------------------------------------------- #
def _adapter_reference(
    x: torch.Tensor, w_down: torch.Tensor, b_down: torch.Tensor, w_up: torch.Tensor, b_up: torch.Tensor
) -> torch.Tensor:
    """x + ReLU(x W_down^T + b_down) W_up^T + b_up, one sample at a time."""
    rows = []
    for row in x:
        hidden = torch.clamp(w_down @ row + b_down, min=0.0)
        rows.append(row + w_up @ hidden + b_up)
    return torch.stack(rows)


def _adapter_count_reference(dim: int, bottleneck: int) -> int:
    """Weights and biases of the down- (d -> r) and up-projection (r -> d)."""
    return (dim * bottleneck + bottleneck) + (bottleneck * dim + dim)


def _film_reference(
    h: torch.Tensor,
    z: torch.Tensor,
    w_gamma: torch.Tensor,
    b_gamma: torch.Tensor,
    w_beta: torch.Tensor,
    b_beta: torch.Tensor,
) -> torch.Tensor:
    gamma = torch.einsum("cd,nd->nc", w_gamma, z) + b_gamma
    beta = torch.einsum("cd,nd->nc", w_beta, z) + b_beta
    return gamma * h + beta


def _cosine_reference(z: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
    zn = z / z.norm(dim=1, keepdim=True)
    cn = classes / classes.norm(dim=1, keepdim=True)
    return (zn @ cn.T).argmax(dim=1)


# --------------------------------------------------------------------------- #
# exercise 1: the adapter's forward pass
# --------------------------------------------------------------------------- #
def _adapter_case(seed: int, n: int = 12, d: int = 10, r: int = 3) -> tuple[torch.Tensor, ...]:
    gen = _gen(seed)
    return (
        torch.randn(n, d, generator=gen),
        torch.randn(r, d, generator=gen),
        torch.randn(r, generator=gen),
        torch.randn(d, r, generator=gen),
        torch.randn(d, generator=gen),
    )


def _adapter_variants(
    x: torch.Tensor, wd: torch.Tensor, bd: torch.Tensor, wu: torch.Tensor, bu: torch.Tensor
) -> dict[str, torch.Tensor]:
    hidden = torch.relu(x @ wd.T + bd)
    return {
        "no_residual": hidden @ wu.T + bu,
        "no_relu": x + (x @ wd.T + bd) @ wu.T + bu,
        "no_up_bias": x + hidden @ wu.T,
        "no_down_bias": x + torch.relu(x @ wd.T) @ wu.T + bu,
        "relu_after_up": x + torch.relu(hidden @ wu.T + bu),
    }


_ADAPTER_HINTS = {
    "no_residual": "you left out the residual: the adapter adds its correction to x itself (a(x) = x + ...), which "
    "is why it starts as the identity.",
    "no_relu": "there is no non-linearity: apply the ReLU to the down-projection (the bottleneck), before the "
    "up-projection.",
    "no_up_bias": "the up-projection's bias b_up is missing.",
    "no_down_bias": "the down-projection's bias b_down is missing (it goes inside the ReLU).",
    "relu_after_up": "the ReLU belongs to the bottleneck, between the two projections, not after the up-projection.",
}


@forbid(
    "mmlab.transfer.BottleneckAdapter",
    task="write the adapter's forward pass yourself",
    hint="Use matrix products (@), torch.relu and +.",
)
def check_adapter_forward(fn: Callable[..., torch.Tensor]) -> bool:
    """Check ``adapter_forward(x, w_down, b_down, w_up, b_up)``: a(x) = x + ReLU(x W_down^T + b_down) W_up^T + b_up.

    Verifies the output shape, the values against a reference computed here
    (naming the usual mistakes: no residual, no ReLU or ReLU in the wrong
    place, a missing bias), and that the adapter is the identity when the
    up-projection is zero.
    """
    run = CheckRun("Exercise 1 (adapter forward pass)", 3)
    args = _adapter_case(11)
    what = "output shape"
    got = _tensor(run, _run(run, fn, *[a.clone() for a in args], what=what), what)
    _same_shape(
        run,
        got,
        (12, 10),
        what,
        "The adapter maps (n, d) to (n, d): down to r, back up to d, and adds x. "
        "With w_down of shape (r, d), the down-projection is x @ w_down.T.",
    )
    run.passed(what)

    what = "values match the equation"
    expected = _adapter_reference(*args)
    g = got.detach().cpu().double()
    if not torch.allclose(g, expected.double(), atol=1e-4):
        for name, value in _adapter_variants(*args).items():
            if torch.allclose(g, value.double(), atol=1e-4):
                run.fail(what, _ADAPTER_HINTS[name])
    expect_close(
        run,
        g,
        expected,
        what=what,
        atol=1e-4,
        hint="Compute the bottleneck ReLU(x @ w_down.T + b_down), project it back with w_up, add b_up and x.",
    )

    what = "identity when the up-projection is zero"
    x, wd, bd, wu, bu = _adapter_case(12, n=5, d=6, r=2)
    out = _tensor(run, _run(run, fn, x.clone(), wd, bd, torch.zeros_like(wu), torch.zeros_like(bu), what=what), what)
    _same_shape(run, out, (5, 6), what, "The shape must not depend on the weights' values.")
    expect_close(
        run,
        out.detach(),
        x,
        what=what,
        atol=_ATOL,
        hint="With W_up = 0 and b_up = 0 the correction vanishes and a(x) must equal x.",
    )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 2: the adapter's parameter count
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.transfer.BottleneckAdapter",
    task="count the adapter's parameters yourself",
    shortcuts=("mmlab.fusion.n_params",),
    hint="Count with integer arithmetic from dim and bottleneck.",
)
def check_adapter_n_params(fn: Callable[[int, int], int]) -> bool:
    """Check ``adapter_n_params(dim, bottleneck)``: the weights and biases of both projections.

    Verifies that a whole number comes back, the count for d = 384, r = 16 (with
    a diagnosis of the usual slips) and for other sizes. The expected counts are
    never printed.
    """
    run = CheckRun("Exercise 2 (adapter parameter count)", 3)
    what = "returns an integer"
    got = expect_integer(
        run, _run(run, fn, 384, 16, what=what), what=what, hint="Return the number of parameters as an int."
    )
    run.passed(what)

    what = "the chapter's adapter (d = 384, r = 16)"
    d, r = 384, 16
    if got != _adapter_count_reference(d, r):
        slips = {
            2 * d * r: "You counted the two weight matrices but not the biases (one per output of each projection).",
            2 * d * r + r: "The up-projection's bias is missing: it has one entry per output, d of them.",
            2 * d * r + d: "The down-projection's bias is missing: it has one entry per bottleneck unit.",
            d * d + d: "That is a full d x d layer; the adapter goes down to r and back up.",
            2 * d * r + 2 * r: "Each projection's bias has as many entries as its *outputs*: r for the "
            "down-projection, d for the up-projection.",
        }
        hint = slips.get(
            got, "Count the weights and the biases of the down-projection (d -> r) and of the up-projection (r -> d)."
        )
        run.fail(what, f"for dim=384, bottleneck=16 your count {got:,} is not the adapter's. {hint}")
    run.passed(what)

    what = "other sizes"
    for dim, bottleneck in ((8, 2), (5, 1), (100, 7), (1, 1)):
        value = expect_integer(
            run,
            _run(run, fn, dim, bottleneck, what=what),
            what=what,
            hint=f"That was for dim={dim}, bottleneck={bottleneck}.",
        )
        if value != _adapter_count_reference(dim, bottleneck):
            run.fail(
                what,
                f"for dim={dim}, bottleneck={bottleneck} your count {value:,} is not the adapter's. Use "
                "both arguments; do not fix the sizes of the micro-example.",
            )
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 3: FiLM
# --------------------------------------------------------------------------- #
def _film_case(seed: int, n: int = 9, c: int = 6, d: int = 4) -> tuple[torch.Tensor, ...]:
    gen = _gen(seed)
    return (
        torch.randn(n, c, generator=gen),
        torch.randn(n, d, generator=gen),
        torch.randn(c, d, generator=gen),
        torch.randn(c, generator=gen) + 1.0,
        torch.randn(c, d, generator=gen),
        torch.randn(c, generator=gen),
    )


def _film_variants(
    h: torch.Tensor, z: torch.Tensor, wg: torch.Tensor, bg: torch.Tensor, wb: torch.Tensor, bb: torch.Tensor
) -> dict[str, torch.Tensor]:
    gamma, beta = z @ wg.T + bg, z @ wb.T + bb
    return {
        "swapped": beta * h + gamma,
        "additive": h + gamma + beta,
        "no_beta": gamma * h,
        "no_bias": (z @ wg.T) * h + z @ wb.T,
        "scale_shift_order": gamma * (h + beta),
    }


_FILM_HINTS = {
    "swapped": "gamma and beta are swapped: gamma (from w_gamma, b_gamma) multiplies h, beta is added.",
    "additive": "you added gamma to h; FiLM *multiplies* h by gamma (elementwise) and then adds beta.",
    "no_beta": "the shift beta(z) = z W_beta^T + b_beta is missing.",
    "no_bias": "the biases b_gamma and b_beta are missing; without them FiLM cannot be the identity.",
    "scale_shift_order": "you shifted before scaling: FiLM is gamma * h + beta, not gamma * (h + beta).",
}


@forbid("mmlab.transfer.FiLM", task="write FiLM yourself", hint="Use matrix products (@), * and +.")
def check_film(fn: Callable[..., torch.Tensor]) -> bool:
    """Check ``film(h, z, w_gamma, b_gamma, w_beta, b_beta)``: gamma(z) * h + beta(z), per channel.

    Verifies the output shape, the values against a reference (naming swapped,
    additive and bias-less versions), and the identity at gamma = 1, beta = 0.
    """
    run = CheckRun("Exercise 3 (FiLM)", 3)
    args = _film_case(31)
    what = "output shape"
    got = _tensor(run, _run(run, fn, *[a.clone() for a in args], what=what), what)
    _same_shape(
        run,
        got,
        (9, 6),
        what,
        "FiLM returns features of the same shape as h: one scale and one shift per "
        "channel. With w_gamma of shape (C, D), gamma(z) = z @ w_gamma.T + b_gamma.",
    )
    run.passed(what)

    what = "values match the equation"
    expected = _film_reference(*args)
    g = got.detach().cpu().double()
    if not torch.allclose(g, expected.double(), atol=1e-4):
        for name, value in _film_variants(*args).items():
            if torch.allclose(g, value.double(), atol=1e-4):
                run.fail(what, _FILM_HINTS[name])
    expect_close(
        run,
        g,
        expected,
        what=what,
        atol=1e-4,
        hint="Compute gamma = z @ w_gamma.T + b_gamma and beta = z @ w_beta.T + b_beta, then gamma * h + beta.",
    )

    what = "identity at gamma = 1, beta = 0"
    h, z, wg, _, wb, _ = _film_case(32, n=4, c=5, d=3)
    out = _tensor(
        run,
        _run(
            run, fn, h.clone(), z, torch.zeros_like(wg), torch.ones(5), torch.zeros_like(wb), torch.zeros(5), what=what
        ),
        what,
    )
    _same_shape(run, out, (4, 5), what, "The shape must not depend on the weights' values.")
    expect_close(
        run,
        out.detach(),
        h,
        what=what,
        atol=_ATOL,
        hint="With W = 0, b_gamma = 1 and b_beta = 0, FiLM must return h unchanged.",
    )
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 4: modality dropout
# --------------------------------------------------------------------------- #
def _call_dropout(
    run: CheckRun, fn: Callable[..., Any], xs: list[torch.Tensor], p: float, seed: int, what: str
) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Run the student's function (global random state saved and restored) and validate its (list, mask) result.

    Inside the saved state the global generator is seeded with a new number at
    every call, so a function that ignores ``generator`` gives different masks
    for the same ``seed``.
    """
    with seeded(next(_GLOBAL_SEEDS)):
        result = _run(run, fn, [x.clone() for x in xs], p, _gen(seed), what=what)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        run.fail(
            what,
            f"expected a pair (dropped, mask), got {type(result).__name__}"
            f"{' of length ' + str(len(result)) if isinstance(result, (tuple, list)) else ''}. "
            "Return both: `return dropped, mask`.",
        )
    dropped, mask = result
    if not isinstance(dropped, (list, tuple)) or len(dropped) != len(xs):
        run.fail(
            what,
            f"the first element must be a list with one tensor per modality ({len(xs)}); got {type(dropped).__name__}.",
        )
    dropped = [_tensor(run, x, what) for x in dropped]
    for i, (x, ref) in enumerate(zip(dropped, xs, strict=True)):
        if tuple(x.shape) != tuple(ref.shape):
            run.fail(
                what,
                f"modality {i} must keep its shape {tuple(ref.shape)}; got {tuple(x.shape)}. Dropping "
                "sets a sample's modality to zeros, it does not remove rows.",
            )
    if isinstance(mask, torch.Tensor) and mask.dtype == torch.bool:
        mask = mask.float()
    mask = _tensor(run, mask, what)
    if tuple(mask.shape) != (xs[0].shape[0], len(xs)):
        run.fail(
            what,
            f"the mask must have shape (n, M) = {(xs[0].shape[0], len(xs))}, one column per modality; "
            f"got {tuple(mask.shape)}.",
        )
    values = mask.detach().cpu()
    if not bool(((values == 0) | (values == 1)).all()):
        run.fail(what, "the mask must hold only 0 (dropped) and 1 (kept).")
    return [x.detach().cpu() for x in dropped], values.double()


@forbid(
    "mmlab.transfer.modality_dropout",
    task="write modality dropout yourself",
    hint="Draw the mask with torch.rand(..., generator=generator) and compare it with p.",
)
def check_drop_modalities(fn: Callable[..., Any]) -> bool:
    """Check ``drop_modalities(xs, p, generator)``: each modality of each sample dropped with probability p.

    Verifies the result's form (the modalities with their shapes and a 0/1 mask
    of shape (n, M)), that dropped entries are zeros and kept ones unchanged,
    nothing dropped at p = 0, the drop rate of every modality near p on many
    samples, independent draws across modalities, and that the same generator
    seed gives the same mask (the draws come from ``generator``).
    """
    run = CheckRun("Exercise 4 (modality dropout)", 5)
    gen = _gen(41)
    xs = [torch.randn(6, 3, generator=gen) + 5.0, torch.randn(6, 2, generator=gen) + 5.0]
    what = "returns the modalities and a 0/1 mask"
    dropped, mask = _call_dropout(run, fn, xs, 0.5, 1, what)
    run.passed(what)

    what = "dropped entries are zeros, kept ones unchanged"
    for i, (x, ref) in enumerate(zip(dropped, xs, strict=True)):
        expected = ref * mask[:, i : i + 1].to(ref.dtype)
        if not torch.allclose(x.double(), expected.double(), atol=_ATOL):
            run.fail(
                what,
                f"modality {i} does not match the mask: where mask[:, {i}] is 0 the row must be all "
                "zeros, where it is 1 the row must be unchanged (multiply by mask[:, i:i+1]).",
            )
    zero, zmask = _call_dropout(run, fn, xs, 0.0, 2, what)
    if not bool((zmask == 1).all()) or not all(torch.equal(a, b) for a, b in zip(zero, xs, strict=True)):
        run.fail(
            what,
            "with p = 0 nothing may be dropped. Keep a modality when the uniform draw is >= p "
            "(drop it when it is < p).",
        )
    run.passed(what)

    what = "each modality is dropped with probability p"
    n = 4000
    big = [torch.ones(n, 1), torch.ones(n, 2), torch.ones(n, 1)]
    for p in (0.3, 0.8):
        _, m = _call_dropout(run, fn, big, p, 3, what)
        rates = (1 - m.mean(0)).tolist()
        if any(abs(rate - p) > 0.04 for rate in rates):  # binomial sd <= 0.008 at n = 4000: a 5-sd margin
            flipped = all(abs(rate - (1 - p)) < 0.04 for rate in rates)
            hint = (
                " You drop with probability 1 - p: drop where the draw is < p, keep where it is >= p."
                if flipped
                else " Draw one uniform number per sample and modality and drop where it is < p."
            )
            run.fail(
                what, f"with p = {p} the observed drop rates per modality are {[round(r, 2) for r in rates]}." + hint
            )
    run.passed(what)

    what = "modalities are dropped independently"
    _, m = _call_dropout(run, fn, big, 0.5, 4, what)
    both = float(((m[:, 0] == 0) & (m[:, 1] == 0)).double().mean())
    if abs(both - 0.25) > 0.04:
        run.fail(
            what,
            f"with p = 0.5 the share of samples that lose both of two modalities is {both:.2f}; "
            "independent draws give about a quarter. Draw a separate number for every modality "
            "(a mask of shape (n, M)), not one per sample.",
        )
    run.passed(what)

    what = "the draws come from the generator"
    _, m1 = _call_dropout(run, fn, big, 0.5, 5, what)
    _, m2 = _call_dropout(run, fn, big, 0.5, 5, what)
    if not torch.equal(m1, m2):
        run.fail(
            what,
            "two calls with generators of the same seed gave different masks. Pass generator=generator "
            "to torch.rand so that a run can be repeated.",
        )
    run.passed(what)
    return run.finish()


# --------------------------------------------------------------------------- #
# exercise 5: a zero-shot classifier by cosine similarity
# --------------------------------------------------------------------------- #
def _zero_shot_case(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = _gen(seed)
    classes = torch.randn(5, 8, generator=gen) * torch.tensor([0.3, 3.0, 1.0, 0.5, 2.0])[:, None]
    z = torch.randn(40, 8, generator=gen) * (torch.rand(40, 1, generator=gen) * 5 + 0.1)
    return z, classes


@forbid(
    "mmlab.transfer.cosine_logits",
    task="compute the cosine similarities yourself",
    hint="Divide by the norms (x.norm(dim=1, keepdim=True)) and use a matrix product.",
)
def check_zero_shot_predict(fn: Callable[..., Any]) -> bool:
    """Check ``zero_shot_predict(z, class_embeddings)``: the class of largest cosine similarity for every row.

    Verifies the result's form (one integer class index per sample), the
    predictions against a reference on embeddings whose norms differ (so a
    plain dot product or a distance gives other answers), and invariance to
    rescaling the inputs.
    """
    run = CheckRun("Exercise 5 (zero-shot classifier)", 3)
    z, classes = _zero_shot_case(51)
    what = "one class index per sample"
    got = _tensor(run, _run(run, fn, z.clone(), classes.clone(), what=what), what)
    if tuple(got.shape) != (40,):
        hint = (
            " That is the whole similarity matrix: take the arg-max over the classes (dim=1)."
            if tuple(got.shape) == (40, 5)
            else " Return one index per row of z (arg-max over the classes)."
        )
        run.fail(what, f"expected shape (40,), got {tuple(got.shape)}.{hint}")
    values = got.detach().cpu().double()
    if not bool((values == values.round()).all()) or float(values.min()) < 0 or float(values.max()) > 4:
        run.fail(what, "the result must hold class indices 0 .. K-1 (integers), not similarities or probabilities.")
    run.passed(what)

    what = "predictions match cosine similarity"
    expected = _cosine_reference(z, classes)
    pred = values.long()
    if not torch.equal(pred, expected):
        dot = (z @ classes.T).argmax(dim=1)
        dist = torch.cdist(z, classes).argmin(dim=1)
        class_only = (z @ (classes / classes.norm(dim=1, keepdim=True)).T).argmax(dim=1)
        wrong = int((pred != expected).sum())
        if torch.equal(pred, dot):
            run.fail(
                what,
                "you used the plain dot product; cosine similarity divides by both norms, so a long "
                "class vector does not win just by its length.",
            )
        if torch.equal(pred, dist):
            run.fail(
                what,
                "you picked the nearest class by Euclidean distance; the zero-shot classifier compares "
                "directions (cosine), whatever the lengths.",
            )
        if torch.equal(pred, class_only) and not torch.equal(class_only, expected):
            run.fail(what, "normalise the class embeddings *and* the samples (here the samples' norms matter).")
        run.fail(
            what,
            f"{wrong} of 40 predictions differ from the class of largest cosine similarity. Normalise the "
            "rows of both inputs, multiply, and take the arg-max over the classes.",
        )
    run.passed(what)

    what = "unchanged when the inputs are rescaled"
    scaled = _tensor(run, _run(run, fn, 7.0 * z, 0.01 * classes, what=what), what)
    if tuple(scaled.shape) != (40,) or not torch.equal(scaled.detach().cpu().long(), expected):
        run.fail(
            what,
            "multiplying all samples by 7 and all class embeddings by 0.01 changed your predictions; "
            "cosine similarity ignores lengths.",
        )
    run.passed(what)
    return run.finish()
