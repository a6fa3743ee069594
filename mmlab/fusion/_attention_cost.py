"""What intermediate fusion costs: FLOPs counted on the module, in closed form, measured time, log-log slopes.

The claim of attention bottlenecks and Perceiver-style latents is about cost:
full attention over the tokens of all modalities grows with the *square* of
the sequence length, bottlenecks and latents *linearly*. This module measures
it three ways that can be compared:

- :func:`count_flops`: the floating-point operations of one forward pass,
  counted by :class:`torch.utils.flop_counter.FlopCounterMode` on the actual
  module (on the ``meta`` device, so long sequences cost no memory or time);
- :func:`attention_flops`: the same count in closed form, from the equations;
- :func:`time_forward`: wall-clock seconds of a forward pass (best of several
  repeats, which is robust to a busy machine);
- :func:`loglog_slope`: the exponent :math:`k` of a fitted power law
  :math:`\text{cost} \\propto L^k` (1 = linear, 2 = quadratic);
- :func:`fusion_cost_curve`: all of it over a range of lengths.

Used by: ``lectures/1_representation/09_intermediate_fusion.ipynb`` and
``bench/bench_attention_cost.py``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from mmlab._validation import check_array, check_choice, check_positive_int, check_same_length
from mmlab.fusion._intermediate import BottleneckFusion, JointAttentionFusion, PerceiverFusion
from mmlab.runtime import seeded

__all__ = [
    "COST_KINDS",
    "CostCurve",
    "attention_flops",
    "build_cost_module",
    "count_flops",
    "fusion_cost_curve",
    "loglog_slope",
    "time_forward",
]

#: The fusion layers whose cost :func:`fusion_cost_curve` compares.
COST_KINDS: tuple[str, ...] = ("joint", "bottleneck", "windowed bottleneck", "perceiver")


def build_cost_module(
    kind: str,
    dim: int,
    *,
    n_bottleneck: int = 4,
    n_latents: int = 8,
    window: int = 16,
    n_heads: int = 2,
    device: torch.device | str | None = None,
) -> nn.Module:
    """One fusion layer of the given kind, for cost measurements (two modalities, one layer).

    Parameters
    ----------
    kind : str
        One of :data:`COST_KINDS`: ``"joint"`` (:class:`JointAttentionFusion`),
        ``"bottleneck"`` (:class:`BottleneckFusion`, attention over the whole
        modality plus the bottleneck), ``"windowed bottleneck"`` (the same,
        attention within windows of ``window`` tokens plus the bottleneck),
        ``"perceiver"`` (:class:`PerceiverFusion`).
    dim : int
    n_bottleneck, n_latents, window, n_heads : int
    device : torch.device or str, optional
        ``"meta"`` builds it without memory (for :func:`count_flops`).

    Returns
    -------
    torch.nn.Module

    Raises
    ------
    ValueError
        If ``kind`` is unknown or a size is < 1.

    Examples
    --------
    >>> type(build_cost_module("perceiver", 8)).__name__
    'PerceiverFusion'
    """
    kind = check_choice(kind, "kind", COST_KINDS)
    with torch.device(device) if device is not None else contextlib.nullcontext():
        if kind == "joint":
            return JointAttentionFusion(dim, n_heads=n_heads)
        if kind == "perceiver":
            return PerceiverFusion(dim, n_latents=n_latents, n_heads=n_heads)
        return BottleneckFusion(
            dim, n_bottleneck=n_bottleneck, n_heads=n_heads, window=window if kind == "windowed bottleneck" else None
        )


def count_flops(module: nn.Module, inputs: Sequence[torch.Tensor] | torch.Tensor) -> int:
    """Floating-point operations of one forward pass, counted by torch's ``FlopCounterMode``.

    Matrix products count 2 FLOPs per multiply-add; element-wise operations
    (softmax, layer norm, activations) are not counted, as in the closed forms
    of :func:`attention_flops`. Inputs and module may live on the ``meta``
    device, where nothing is computed.

    Parameters
    ----------
    module : torch.nn.Module
    inputs : tensor or list of tensors
        What ``module`` is called with.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``module`` is not a ``torch.nn.Module``.

    Examples
    --------
    >>> import torch
    >>> count_flops(torch.nn.Linear(4, 3, bias=False), torch.zeros(5, 4))  # 2 * 5 * 4 * 3
    120
    """
    from torch.utils.flop_counter import FlopCounterMode

    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {type(module).__name__}.")
    counter = FlopCounterMode(display=False)
    with counter:  # (not under no_grad: the counter's module tracker expects autograd to be on)
        module(inputs)
    return int(counter.get_total_flops())


def attention_flops(
    kind: str, length: int, dim: int, *, n_bottleneck: int = 4, n_latents: int = 8, window: int = 16, ffn_mult: int = 2
) -> int:
    r"""Closed-form FLOPs of one fusion layer over two modalities of ``length`` tokens each.

    A transformer block over :math:`T` query tokens attending to :math:`S`
    context tokens of size :math:`d` costs (2 FLOPs per multiply-add)

    .. math::

        F(T, S) = \underbrace{2 T d^2 + 4 S d^2 + 2 T d^2}_{W_Q,\ [W_K, W_V],\ W_O}
                  + \underbrace{4 T S d}_{Q K^\top,\ A V} + \underbrace{4 m T d^2}_{\text{feed-forward}} ,

    with feed-forward width :math:`m d`. Then, for modalities of :math:`L`
    tokens, :math:`B` bottleneck tokens, :math:`N` latents and windows of
    :math:`w` tokens:

    - joint attention: :math:`F(2L, 2L)`, quadratic in :math:`L`;
    - bottleneck: :math:`2 F(L + B, L + B)`;
    - windowed bottleneck: :math:`2 (L / w) F(w + B, w + B)`, linear in :math:`L`;
    - Perceiver: :math:`F(N, 2L) + F(N, N)`, linear in :math:`L`.

    Parameters
    ----------
    kind : str
        One of :data:`COST_KINDS`.
    length : int
        :math:`L`, tokens per modality (a multiple of ``window`` for the windowed bottleneck).
    dim : int
        :math:`d`.
    n_bottleneck, n_latents, window, ffn_mult : int
        :math:`B, N, w, m`.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``kind`` is unknown, a size is < 1, or ``length`` is not a multiple of ``window``.

    Examples
    --------
    >>> attention_flops("joint", 64, 16) < attention_flops("joint", 128, 16) / 2
    True
    """
    kind = check_choice(kind, "kind", COST_KINDS)
    length, dim = check_positive_int(length, "length"), check_positive_int(dim, "dim")
    b, n, w, m = (
        check_positive_int(v, name)
        for v, name in (
            (n_bottleneck, "n_bottleneck"),
            (n_latents, "n_latents"),
            (window, "window"),
            (ffn_mult, "ffn_mult"),
        )
    )

    def block(t: int, s: int) -> int:  # F(T, S)
        return 4 * t * dim * dim + 4 * s * dim * dim + 4 * t * s * dim + 4 * m * t * dim * dim

    if kind == "joint":
        return block(2 * length, 2 * length)
    if kind == "bottleneck":
        return 2 * block(length + b, length + b)
    if kind == "perceiver":
        return block(n, 2 * length) + block(n, n)
    if length % w:
        raise ValueError(f"length must be a multiple of window={w} for the windowed bottleneck; got {length}.")
    return 2 * (length // w) * block(w + b, w + b)


def time_forward(
    module: nn.Module,
    inputs: Sequence[torch.Tensor] | torch.Tensor,
    *,
    repeats: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Seconds of one forward pass without gradients: the minimum over ``repeats`` runs (after one warm-up).

    The minimum, not the mean: on a busy machine other processes only ever
    add time, so the fastest run is the best estimate of the module's own cost.

    Parameters
    ----------
    module : torch.nn.Module
    inputs : tensor or list of tensors
    repeats : int, default=3
    clock : callable, default=time.perf_counter

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``module`` is not a ``torch.nn.Module``.
    ValueError
        If ``repeats`` < 1.

    Examples
    --------
    >>> import torch
    >>> time_forward(torch.nn.Linear(4, 3), torch.zeros(5, 4)) >= 0
    True
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {type(module).__name__}.")
    repeats = check_positive_int(repeats, "repeats")
    best = float("inf")
    with torch.no_grad():
        module(inputs)  # warm-up: allocations, lazy initialisation
        for _ in range(repeats):
            start = clock()
            module(inputs)
            best = min(best, clock() - start)
    return best


def loglog_slope(lengths: npt.ArrayLike, costs: npt.ArrayLike) -> float:
    r"""The exponent :math:`k` of the least-squares fit :math:`\log c = k \log L + a`.

    Parameters
    ----------
    lengths : array-like of shape (n,)
        Positive sizes :math:`L`.
    costs : array-like of shape (n,)
        Positive costs :math:`c` (FLOPs or seconds).

    Returns
    -------
    float
        About 1 for a linear cost, 2 for a quadratic one.

    Raises
    ------
    ValueError
        If the arrays are not 1-D and paired, hold fewer than 2 points, or a
        value is not positive.

    Examples
    --------
    >>> round(loglog_slope([1, 2, 4, 8], [3, 12, 48, 192]), 6)
    2.0
    """
    x = check_array(lengths, "lengths", ndim=1, dtype=float)
    y = check_array(costs, "costs", ndim=1, dtype=float)
    check_same_length([x, y], ["lengths", "costs"])
    if x.size < 2:
        raise ValueError(f"loglog_slope needs at least 2 points; got {x.size}.")
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError(
            f"lengths and costs must be positive to take logarithms; got min length {x.min():g}, min cost {y.min():g}."
        )
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@dataclass
class CostCurve:
    """Costs of fusion layers over a range of sequence lengths, as :func:`fusion_cost_curve` returns them.

    Attributes
    ----------
    lengths : ndarray of shape (n,)
        Tokens per modality.
    flops : dict of str to ndarray
        Counted FLOPs per kind, one per length.
    seconds : dict of str to ndarray
        Measured forward time per kind (empty when not timed).
    """

    lengths: np.ndarray
    flops: dict[str, np.ndarray]
    seconds: dict[str, np.ndarray] = field(default_factory=dict)
    time_lengths: np.ndarray = field(default_factory=lambda: np.array([]))

    def slopes(self, what: str = "flops") -> dict[str, float]:
        """Fitted log-log slope per kind of ``"flops"`` or ``"seconds"``.

        Raises
        ------
        ValueError
            If ``what`` is unknown or nothing was timed.
        """
        what = check_choice(what, "what", ("flops", "seconds"))
        table = self.flops if what == "flops" else self.seconds
        if not table:
            raise ValueError("no times were measured; call fusion_cost_curve(..., time_lengths=...) to time them.")
        lengths = self.lengths if what == "flops" else self.time_lengths
        return {k: loglog_slope(lengths, v) for k, v in table.items()}


def fusion_cost_curve(
    lengths: Sequence[int],
    *,
    dim: int = 32,
    kinds: Sequence[str] = COST_KINDS,
    time_lengths: Sequence[int] = (),
    batch: int = 2,
    repeats: int = 3,
    n_bottleneck: int = 4,
    n_latents: int = 8,
    window: int = 16,
    random_state: int = 0,
) -> CostCurve:
    """Count FLOPs (and optionally time) of fusion layers over sequence lengths.

    FLOPs are counted on the ``meta`` device for every length in ``lengths``;
    times are measured on the CPU for the (shorter) lengths in
    ``time_lengths``, with :func:`time_forward`.

    Parameters
    ----------
    lengths : sequence of int
        Tokens per modality for the FLOP count (multiples of ``window``).
    dim : int, default=32
    kinds : sequence of str, default=COST_KINDS
    time_lengths : sequence of int, default=()
        Lengths to time (none by default).
    batch, repeats, n_bottleneck, n_latents, window : int
    random_state : int, default=0
        Seeds the module weights and inputs of the timed runs.

    Returns
    -------
    CostCurve

    Raises
    ------
    ValueError
        If a kind is unknown, a size is < 1 or a length is not a multiple of ``window``.

    Examples
    --------
    >>> curve = fusion_cost_curve([32, 64, 128], dim=8, kinds=["joint", "perceiver"])
    >>> {k: round(v) for k, v in curve.slopes().items()}
    {'joint': 2, 'perceiver': 1}
    """
    lengths = [check_positive_int(v, "lengths[i]") for v in lengths]
    kinds = [check_choice(k, "kinds[i]", COST_KINDS) for k in kinds]
    options = {"n_bottleneck": n_bottleneck, "n_latents": n_latents, "window": window}
    flops: dict[str, np.ndarray] = {}
    for kind in kinds:
        module = build_cost_module(kind, dim, device="meta", **options)
        flops[kind] = np.array(
            [count_flops(module, [torch.empty(batch, n, dim, device="meta")] * 2) / batch for n in lengths], dtype=float
        )
    seconds: dict[str, np.ndarray] = {}
    if time_lengths:
        gen = torch.Generator().manual_seed(random_state)
        for kind in kinds:
            with seeded(random_state):
                module = build_cost_module(kind, dim, **options).eval()
            seconds[kind] = np.array(
                [
                    time_forward(module, [torch.randn(batch, n, dim, generator=gen) for _ in range(2)], repeats=repeats)
                    for n in time_lengths
                ]
            )
    return CostCurve(lengths=np.array(lengths), flops=flops, seconds=seconds, time_lengths=np.array(list(time_lengths)))
