"""Input-dependent fusion: gates under corruption, modality shift on a cue flip, mixture weights (lecture 04)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_scalar, seed_from_random_state
from mmlab.data import corrupt_modality, make_cue_flip, make_interaction
from mmlab.fusion.experiments._train import _TRAIN_DEFAULTS, FitResult, _device_of, _seed, as_xy, train_fusion

__all__ = ["GateResult", "ShiftResult", "gates_under_corruption", "mixture_weights", "shift_on_cue_flip"]


# --------------------------------------------------------------------------- #
# gated, shift and mixture fusion (lecture 04)
# --------------------------------------------------------------------------- #
@dataclass
class GateResult:
    """Gates of a trained GMU on test samples, grouped by which modality was corrupted.

    Attributes
    ----------
    fit : FitResult
    gate_a : ndarray, shape (n_test,)
        Weight of modality A per test sample (mean over output units); B gets ``1 - gate_a``.
    status : ndarray of int, shape (n_test,)
        0 = both clean, 1 = A corrupted, 2 = B corrupted.
    """

    fit: FitResult
    gate_a: np.ndarray
    status: np.ndarray

    def mean_gate(self, status: int) -> float:
        """Mean weight of modality A over the test samples with the given status."""
        return float(self.gate_a[self.status == status].mean())


def gates_under_corruption(
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    fraction: float = 0.3,
    scale: float = 3.0,
    mode: str = "noise",
    interaction: str = "redundancy",
    **train_kwargs: Any,
) -> GateResult:
    """Train a gated (GMU) model where a share of samples has modality A or B corrupted.

    Both modalities carry the label (redundancy). In train and test alike,
    ``fraction`` of the samples get modality A corrupted and another, disjoint
    ``fraction`` get modality B corrupted (:func:`mmlab.data.corrupt_modality`,
    Gaussian noise of standard deviation ``scale`` added, or the features
    replaced with ``mode="replace"``); the rest are clean. A useful gate leans
    on the clean modality of each sample.

    Parameters
    ----------
    n : int
        Samples (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split, the corruption and the model.
    fraction : float, default=0.3
        Share of samples with A corrupted, and (disjoint) with B corrupted; at most 0.5.
    scale : float, default=3.0
        Standard deviation of the corrupting noise.
    mode : {"noise", "replace"}, default="noise"
        Add noise to the features, or replace them (see :func:`mmlab.data.corrupt_modality`).
    interaction : str, default="redundancy"
        Planted interaction of :func:`mmlab.data.make_interaction`.
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`: model options
        (``embed_dim=``, ``head=`` ...), training options (``lr=``,
        ``weight_decay=``, ``batch_size=`` ...) and ``fusion_options=``.

    Returns
    -------
    GateResult

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``n`` or ``epochs`` is not a positive int, ``fraction`` is outside
        [0, 0.5], or ``mode`` or ``interaction`` is unknown.
    """
    seed = seed_from_random_state(random_state)
    fraction = check_fraction(fraction, "fraction", high=0.5)
    data = make_interaction(check_positive_int(n, "n"), interaction, random_state=_seed(seed, 10))
    parts = data.split((0.7, 0.3), random_state=_seed(seed, 11))
    corrupted = [_corrupt_two_sided(part, fraction, scale, mode, _seed(seed, 12, j)) for j, part in enumerate(parts)]
    (train, _), (test, status) = corrupted
    result = train_fusion(train, test, "gated", epochs=epochs, random_state=seed, **{**_TRAIN_DEFAULTS, **train_kwargs})
    model, xs = _eval_on(result, test)
    with torch.no_grad():
        gates = model.fusion.gates(model.encode(xs))  # (n, 2, out_dim)
    return GateResult(fit=result, gate_a=gates[:, 0].mean(dim=1).cpu().numpy(), status=status)


@dataclass
class ShiftResult:
    """Shift sizes of a trained modality-shift model on test samples.

    Attributes
    ----------
    fit : FitResult
    relative_shift : ndarray, shape (n_test,)
        :math:`\\lVert \\alpha H \\rVert / \\lVert x_0 \\rVert` per test sample (in [0, beta]).
    flipped : ndarray of bool, shape (n_test,)
        True where the nonverbal cue flips the label.
    """

    fit: FitResult
    relative_shift: np.ndarray
    flipped: np.ndarray

    def ratio(self) -> float:
        """Mean relative shift on flipped samples over that on the others."""
        return float(self.relative_shift[self.flipped].mean() / max(self.relative_shift[~self.flipped].mean(), 1e-12))


def shift_on_cue_flip(
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    shift_cost: float = 0.0,
    flip_rate: float = 0.25,
    **train_kwargs: Any,
) -> ShiftResult:
    r"""Train a modality-shift (MAG) model where a nonverbal cue flips a language label.

    The data come from :func:`mmlab.data.make_cue_flip`
    (:math:`y = s \oplus c`). The model is trained on

    .. math::

        \mathcal L = \mathrm{CE}(f(x), y) + \lambda \,
        \frac{1}{B}\sum_{j=1}^{B} \frac{\lVert \alpha_j H_j \rVert_2}{\lVert x_{0,j} \rVert_2},

    where :math:`\lambda` is ``shift_cost``: with :math:`\lambda = 0` this is
    plain MAG training; :math:`\lambda > 0` charges the model for every shift,
    so it shifts only where the shift pays (where the cue changes the label).

    Parameters
    ----------
    n : int
        Samples (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split and the model.
    shift_cost : float, default=0.0
        :math:`\lambda \ge 0`.
    flip_rate : float, default=0.25
        Share of samples whose cue flips the label.
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`: model options
        (``embed_dim=``, ``head=`` ...), training options (``lr=``,
        ``weight_decay=``, ``batch_size=`` ...) and ``fusion_options=``.

    Returns
    -------
    ShiftResult

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``n`` or ``epochs`` is not a positive int, ``shift_cost`` is negative
        or not a number, or ``flip_rate`` is out of range.
    """
    seed = seed_from_random_state(random_state)
    shift_cost = check_scalar(shift_cost, "shift_cost", min_val=0)
    data = make_cue_flip(check_positive_int(n, "n"), flip_rate=flip_rate, random_state=_seed(seed, 13))
    cue_col = data.truth.label_factors["cue_flip"][1]
    train, test = data.split((0.7, 0.3), random_state=_seed(seed, 14))
    holder: dict[str, _ShiftCost] = {}

    def wrap(model: nn.Module) -> nn.Module:
        holder["w"] = _ShiftCost(model)
        return holder["w"]

    def loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(out, y.long()) + float(shift_cost) * holder["w"].penalty

    result = train_fusion(
        train,
        test,
        "shift",
        epochs=epochs,
        random_state=seed,
        wrap=wrap,
        loss=loss,
        **{**_TRAIN_DEFAULTS, **train_kwargs},
    )
    model, xs = _eval_on(result, test)
    with torch.no_grad():
        enc = model.encode(xs)
        rel = model.fusion.shift(enc).norm(dim=1) / (enc[0].norm(dim=1) + model.fusion.eps)
    return ShiftResult(fit=result, relative_shift=rel.cpu().numpy(), flipped=test.factors[:, cue_col].astype(bool))


def mixture_weights(
    interaction: str,
    operators: Sequence[str] = ("additive", "multiplicative"),
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    **train_kwargs: Any,
) -> tuple[dict[str, float], FitResult]:
    r"""Train a mixture of fusion operators on one planted interaction; return its learned weights.

    The fusion is :class:`mmlab.fusion.MixtureOfFusions`,
    :math:`z = \sum_j \pi_j N(f_j(x))` with :math:`\pi = \operatorname{softmax}(\theta)`
    learned with the rest of the model.

    Parameters
    ----------
    interaction : str
        Planted interaction of :func:`mmlab.data.make_interaction`.
    operators : sequence of str, default=("additive", "multiplicative")
        The mixed operators (names of :func:`mmlab.fusion.make_fusion`).
    n : int
        Samples (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split and the model.
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`: model options
        (``embed_dim=``, ``head=`` ...), training options (``lr=``,
        ``weight_decay=``, ``batch_size=`` ...) and ``fusion_options=``.

    Returns
    -------
    weights : dict of str to float
        :math:`\pi_j` by operator name (sum to 1).
    fit : FitResult

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``n`` or ``epochs`` is not a positive int, or ``interaction`` or an
        operator is unknown.
    """
    seed = seed_from_random_state(random_state)
    data = make_interaction(check_positive_int(n, "n"), interaction, random_state=_seed(seed, 15))
    train, test = data.split((0.7, 0.3), random_state=_seed(seed, 16))
    result = train_fusion(
        train,
        test,
        "mixture",
        epochs=epochs,
        random_state=seed,
        fusion_options={"operators": tuple(operators)},
        **{**_TRAIN_DEFAULTS, **train_kwargs},
    )
    return result.model.fusion.weights_by_name(), result


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _eval_on(result: FitResult, test: Any) -> tuple[nn.Module, list[torch.Tensor]]:
    """The trained model of ``result`` in evaluation mode, and the modalities of ``test`` on its device."""
    model = result.model.eval()
    return model, [x.to(_device_of(model)) for x in as_xy(test)[0]]


class _ShiftCost(nn.Module):
    """Run a shift-fusion classifier and keep the batch's mean relative shift (with gradients)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.penalty = torch.zeros(())

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        enc = self.model.encode(xs)
        fusion = self.model.fusion
        self.penalty = (fusion.shift(enc).norm(dim=1) / (enc[0].norm(dim=1) + fusion.eps)).mean()
        return self.model.head(fusion(enc))


def _corrupt_two_sided(
    part: Any, fraction: float, scale: float, mode: str, seed: int
) -> tuple[tuple[list[np.ndarray], np.ndarray], np.ndarray]:
    """Corrupt A on ``fraction`` of the rows and B on a disjoint ``fraction``; return ((xs, y), status)."""
    rng = np.random.default_rng(seed)
    xs, mask_a = corrupt_modality(part.modalities, 0, fraction=fraction, mode=mode, scale=scale, random_state=rng)
    rest = np.flatnonzero(~mask_a)
    share_b = min(1.0, fraction / max(1.0 - fraction, 1e-12))
    sub, mask_rest = corrupt_modality(
        [x[rest] for x in xs], 1, fraction=share_b, mode=mode, scale=scale, random_state=rng
    )
    xs[1][rest] = sub[1]
    status = np.zeros(part.n, dtype=np.int64)
    status[mask_a] = 1
    status[rest[mask_rest]] = 2
    return (xs, part.y), status
