"""Noise topologies and robustness curves: accuracy against the noise level of one modality (MultiBench).

A *noise topology* says which modality is degraded and how: additive Gaussian
noise on its features, entries dropped, or the whole modality missing on some
samples. Sweeping the noise level from 0 to 1 on one modality and recording a
model's accuracy gives its *robustness curve*; MultiBench summarises a curve by
two numbers: **relative robustness**, the area under it, and **effective
robustness**, how much accuracy it keeps beyond what a reference model (late
fusion) keeps from the same clean accuracy.

- :func:`add_noise`: one noise topology at one level (:data:`NOISE_KINDS`);
- :func:`robustness_curve`: accuracy at each noise level of one modality;
- :func:`relative_robustness`, :func:`effective_robustness`: MultiBench's
  summaries of a curve;
- :func:`robustness_study` / :class:`RobustnessStudy`: every model x every
  noisy modality, with :meth:`RobustnessStudy.table`;
- :class:`NoiseAugmented`: a training-time wrapper that corrupts one random
  modality per sample (robust training by augmentation);
- :class:`ModalitySubset`: lets a unimodal model take the list of all
  modalities, so that it joins the same study.

Used by: ``lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb``,
the robustness explorer (:func:`mmlab.widgets.robustness_explorer`) and the
second quantification lab.

References
----------
Liang, P. P. et al. MultiBench: multiscale benchmarks for multimodal
representation learning. NeurIPS 2021 Datasets and Benchmarks.
Taori, R. et al. Measuring robustness to natural distribution shifts in image
classification. NeurIPS 2020 (effective robustness).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from mmlab._validation import (
    RandomState,
    check_array,
    check_choice,
    check_fraction,
    check_positive_int,
    check_scalar,
    seed_from_random_state,
)

__all__ = [
    "NOISE_KINDS",
    "ModalitySubset",
    "NoiseAugmented",
    "RobustnessStudy",
    "add_noise",
    "effective_robustness",
    "relative_robustness",
    "robustness_curve",
    "robustness_study",
]

#: The noise topologies :func:`add_noise` applies to one modality.
NOISE_KINDS: tuple[str, ...] = ("gaussian", "dropout", "missing")

#: Noise levels of a MultiBench robustness curve: 0, 0.1, ..., 1.
DEFAULT_LEVELS: tuple[float, ...] = tuple(np.round(np.linspace(0.0, 1.0, 11), 10))


# --------------------------------------------------------------------------- #
# one noise topology
# --------------------------------------------------------------------------- #
def add_noise(
    x: torch.Tensor,
    level: float,
    *,
    kind: str = "gaussian",
    amplitude: float = 3.0,
    scale: torch.Tensor | float | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    r"""Degrade one modality's features at a noise level in [0, 1].

    With :math:`\lambda` the ``level``:

    - ``"gaussian"``: :math:`\tilde x = x + \lambda A \sigma \odot \varepsilon`,
      :math:`\varepsilon \sim \mathcal N(0, I)`, with :math:`\sigma` the
      per-feature standard deviation of ``x`` (or ``scale``) and :math:`A` the
      ``amplitude`` (noise as large as the features at :math:`\lambda = 1/A`);
    - ``"dropout"``: every entry is set to 0 with probability :math:`\lambda`
      (missing values, imputed by the mean of standardised features);
    - ``"missing"``: the whole modality of a sample is set to 0 with
      probability :math:`\lambda` (a sensor that is off).

    Parameters
    ----------
    x : torch.Tensor of shape (n, ...)
        The modality's features (standardised: 0 is the mean).
    level : float in [0, 1]
        :math:`\lambda`.
    kind : {"gaussian", "dropout", "missing"}, default="gaussian"
    amplitude : float, default=3.0
        :math:`A`, for ``"gaussian"``.
    scale : torch.Tensor or float, optional
        :math:`\sigma`, broadcastable to one row of ``x``; default the
        per-feature standard deviation of ``x`` over its rows.
    generator : torch.Generator, optional
        Source of the noise (a CPU generator).

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``; ``x`` itself is not modified.

    Raises
    ------
    TypeError
        If ``x`` is not a floating-point tensor.
    ValueError
        If ``x`` has no rows or is not finite, ``level`` is outside [0, 1],
        ``kind`` is unknown, or ``amplitude`` is negative.

    Examples
    --------
    >>> x = torch.ones(4, 3)
    >>> add_noise(x, 1.0, kind="missing").abs().sum().item(), add_noise(x, 0.0).equal(x)
    (0.0, True)
    """
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(
            f"x must be a floating-point torch.Tensor of shape (n, ...); got "
            f"{type(x).__name__ if not isinstance(x, torch.Tensor) else x.dtype}."
        )
    if x.ndim < 1 or x.shape[0] == 0:
        raise ValueError(f"x must have at least one row; got shape {tuple(x.shape)}.")
    if not bool(torch.isfinite(x).all()):
        raise ValueError("x must be finite; got NaN or infinite values.")
    level = check_fraction(level, "level")
    kind = check_choice(kind, "kind", NOISE_KINDS)
    amplitude = check_scalar(amplitude, "amplitude", min_val=0)
    return _noise_core(x, level, kind, amplitude, scale, generator)


def _noise_core(
    x: torch.Tensor, level: float, kind: str, amplitude: float, scale: Any, generator: torch.Generator | None
) -> torch.Tensor:
    """:func:`add_noise` on validated inputs (noise drawn on the CPU, then moved to ``x``'s device)."""
    if level == 0.0:
        return x.clone()
    if kind == "gaussian":
        sigma = x.std(dim=0, unbiased=False) if scale is None else torch.as_tensor(scale, dtype=x.dtype)
        eps = torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device)
        return x + level * amplitude * sigma.to(x.device) * eps
    if kind == "dropout":
        keep = torch.rand(x.shape, generator=generator) >= level
    else:  # missing: one draw per sample
        keep = (torch.rand(x.shape[0], generator=generator) >= level).reshape(-1, *([1] * (x.ndim - 1)))
    return x * keep.to(device=x.device, dtype=x.dtype)


# --------------------------------------------------------------------------- #
# a curve and its two summaries
# --------------------------------------------------------------------------- #
def robustness_curve(
    model: nn.Module,
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    *,
    modality: int,
    kind: str = "gaussian",
    levels: npt.ArrayLike = DEFAULT_LEVELS,
    amplitude: float = 3.0,
    repeats: int = 1,
    random_state: RandomState = 0,
) -> np.ndarray:
    r"""Accuracy of a model as the noise on one modality grows.

    .. math::

        f(\lambda_i) = \frac1N \sum_{j=1}^N
        \mathbb 1\big[\arg\max_c\, g(x_{j,1}, \dots, \tilde x_{j,m}(\lambda_i), \dots, x_{j,M})_c = y_j\big],

    where only modality :math:`m` is degraded by :func:`add_noise`, the other
    modalities stay clean, and the noise scale :math:`\sigma` is the clean
    modality's per-feature standard deviation. The same noise draw is scaled
    for every level (common random numbers), so the curve is smooth in
    :math:`\lambda`.

    Parameters
    ----------
    model : torch.nn.Module
        Called as ``model(list of modality tensors)``, returning logits ``(N, C)``.
    xs : sequence of torch.Tensor
        Clean test modalities, ``(N, d_m)`` each.
    y : torch.Tensor of shape (N,)
        Integer labels.
    modality : int
        Which modality to degrade.
    kind : {"gaussian", "dropout", "missing"}, default="gaussian"
    levels : array-like of float in [0, 1], default=(0, 0.1, ..., 1)
        Increasing noise levels.
    amplitude : float, default=3.0
        For ``"gaussian"``, see :func:`add_noise`.
    repeats : int, default=1
        Noise draws averaged per level.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the noise.

    Returns
    -------
    ndarray of shape (len(levels),)
        The accuracy at each level.

    Raises
    ------
    TypeError
        If ``model`` is not a module or ``xs`` is not a list of tensors.
    ValueError
        If ``modality`` is out of range, the modalities or ``y`` are not
        paired, ``levels`` is not an increasing sequence in [0, 1], or an
        option is invalid.

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> clf = MultimodalClassifier.build([2, 2], 2, "additive")
    >>> xs, y = [torch.randn(20, 2), torch.randn(20, 2)], torch.randint(0, 2, (20,))
    >>> robustness_curve(clf, xs, y, modality=0, levels=[0.0, 1.0]).shape
    (2,)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module called with a list of modalities; got {type(model).__name__}."
        )
    xs, y = _check_inputs(xs, y)
    if isinstance(modality, bool) or not isinstance(modality, int) or not 0 <= modality < len(xs):
        raise ValueError(f"modality must be an index in 0 .. {len(xs) - 1}; got {modality!r}.")
    kind = check_choice(kind, "kind", NOISE_KINDS)
    lv = _check_levels(levels)
    amplitude = check_scalar(amplitude, "amplitude", min_val=0)
    repeats = check_positive_int(repeats, "repeats")
    seed = seed_from_random_state(random_state)
    return _curve_core(model, xs, y, modality, kind, lv, amplitude, repeats, seed)


def _curve_core(
    model: nn.Module,
    xs: list[torch.Tensor],
    y: torch.Tensor,
    modality: int,
    kind: str,
    levels: np.ndarray,
    amplitude: float,
    repeats: int,
    seed: int,
) -> np.ndarray:
    """:func:`robustness_curve` on validated inputs."""
    was_training = model.training
    model.eval()
    dev = next((p.device for p in model.parameters()), xs[0].device)  # evaluate where the model lives
    xs, y = [x.to(dev) for x in xs], y.to(dev)
    x = xs[modality]
    sigma = x.std(dim=0, unbiased=False)
    acc = np.zeros(len(levels))
    with torch.no_grad():
        for r in range(repeats):
            for i, level in enumerate(levels):
                gen = torch.Generator().manual_seed(seed * 1009 + r)  # the same draw at every level
                noisy = list(xs)
                noisy[modality] = _noise_core(x, float(level), kind, amplitude, sigma, gen)
                pred = model(noisy).argmax(dim=1)
                acc[i] += float((pred == y.to(pred.device)).double().mean()) / repeats
    model.train(was_training)
    return acc


def relative_robustness(levels: npt.ArrayLike, accuracy: npt.ArrayLike) -> float:
    r"""MultiBench's relative robustness: the area under a robustness curve.

    .. math::

        \mathrm{RR} = \int_{\lambda_0}^{\lambda_K} f(\lambda)\, d\lambda
        \approx \sum_{i=0}^{K-1} \frac{f(\lambda_i) + f(\lambda_{i+1})}{2}\, (\lambda_{i+1} - \lambda_i)

    (the trapezoid rule; on MultiBench's levels 0, 0.1, ..., 1 this is its
    ``relative_robustness_helper``, before the max-min normalisation across
    methods). A model that keeps its accuracy has a large area whatever its
    clean accuracy, so RR mixes accuracy and robustness.

    Parameters
    ----------
    levels : array-like of shape (K+1,)
        Increasing noise levels :math:`\lambda_i` in [0, 1].
    accuracy : array-like of shape (K+1,)
        :math:`f(\lambda_i)`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the arrays differ in length, hold fewer than two points, are not
        finite, or the levels do not increase within [0, 1].

    Examples
    --------
    >>> relative_robustness([0.0, 0.5, 1.0], [0.9, 0.7, 0.5])
    0.7
    """
    lv = _check_levels(levels)
    f = _check_curve(accuracy, len(lv), "accuracy")
    return float(np.sum((f[1:] + f[:-1]) / 2.0 * np.diff(lv)))


def effective_robustness(levels: npt.ArrayLike, accuracy: npt.ArrayLike, baseline: npt.ArrayLike) -> float:
    r"""MultiBench's effective robustness: accuracy kept beyond a reference model's, from the same clean accuracy.

    .. math::

        \mathrm{ER} = \sum_{i=0}^{K} \Big( f(\lambda_i)
                     - \big[\, b(\lambda_i) + f(\lambda_0) - b(\lambda_0) \,\big] \Big),

    where :math:`b` is the reference curve (MultiBench uses late fusion)
    shifted to start at the model's clean accuracy :math:`f(\lambda_0)`.
    Positive: the model loses accuracy more slowly than the reference; 0: at
    the same rate (the reference itself scores 0); negative: faster. Unlike
    :func:`relative_robustness` it does not reward clean accuracy.

    Parameters
    ----------
    levels : array-like of shape (K+1,)
        The noise levels both curves were measured at (only checked).
    accuracy, baseline : array-like of shape (K+1,)
        The model's curve :math:`f` and the reference curve :math:`b`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`relative_robustness`, for either curve.

    Examples
    --------
    >>> effective_robustness([0, 0.5, 1], [0.9, 0.8, 0.7], [0.8, 0.6, 0.4])
    0.3
    """
    lv = _check_levels(levels)
    f = _check_curve(accuracy, len(lv), "accuracy")
    b = _check_curve(baseline, len(lv), "baseline")
    return float(np.sum((f - b) - (f[0] - b[0])))  # f_i - (b_i + f_0 - b_0), exactly 0 for f = b


# --------------------------------------------------------------------------- #
# a whole study: models x noisy modalities
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class RobustnessStudy:
    """Robustness curves of several models, one per noisy modality, at the same levels.

    Attributes
    ----------
    levels : ndarray of shape (K+1,)
    curves : mapping of str to mapping of str to ndarray
        ``curves[model][modality]``: the accuracy at each level.
    kind : str
        The noise topology (:data:`NOISE_KINDS`).
    baseline : str
        The reference model of :func:`effective_robustness`.
    """

    levels: np.ndarray
    curves: Mapping[str, Mapping[str, np.ndarray]]
    kind: str
    baseline: str
    modalities: tuple[str, ...] = field(default=())

    @property
    def models(self) -> tuple[str, ...]:
        """The model names, in the order they were given."""
        return tuple(self.curves)

    def clean(self, model: str) -> float:
        """The clean accuracy (level 0) of ``model``."""
        return float(next(iter(self.curves[model].values()))[0])

    def relative(self, model: str, modality: str) -> float:
        """:func:`relative_robustness` of one curve."""
        return relative_robustness(self.levels, self.curves[model][modality])

    def effective(self, model: str, modality: str) -> float:
        """:func:`effective_robustness` of one curve against the baseline model's curve."""
        return effective_robustness(self.levels, self.curves[model][modality], self.curves[self.baseline][modality])

    def table(self) -> Any:
        """One row per (model, noisy modality): clean accuracy, accuracy at the top level, RR, ER, and RR and ER
        max-min normalised across models (MultiBench's reported scores).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``(model, modality)``.
        """
        import pandas as pd

        rows = []
        for model, per in self.curves.items():
            for modality, curve in per.items():
                rows.append(
                    {
                        "model": model,
                        "modality": modality,
                        "clean": float(curve[0]),
                        "noisiest": float(curve[-1]),
                        "relative": self.relative(model, modality),
                        "effective": self.effective(model, modality),
                    }
                )
        table = pd.DataFrame(rows).set_index(["model", "modality"])
        for col in ("relative", "effective"):
            grouped = table[col].groupby(level="modality")
            span = (grouped.transform("max") - grouped.transform("min")).replace(0.0, np.nan)
            table[f"{col}_normalised"] = ((table[col] - grouped.transform("min")) / span).fillna(0.0)
        return table


def robustness_study(
    models: Mapping[str, nn.Module],
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    *,
    modality_names: Sequence[str] | None = None,
    kind: str = "gaussian",
    levels: npt.ArrayLike = DEFAULT_LEVELS,
    amplitude: float = 3.0,
    baseline: str | None = None,
    repeats: int = 1,
    random_state: RandomState = 0,
) -> RobustnessStudy:
    """Robustness curves of every model for noise on every modality (:func:`robustness_curve`).

    Every model sees the same noise draws, so differences between curves are
    differences between models.

    Parameters
    ----------
    models : mapping of str to torch.nn.Module
        Each called with the list of all modalities (wrap a unimodal model in
        :class:`ModalitySubset`).
    xs, y, kind, levels, amplitude, repeats, random_state
        As in :func:`robustness_curve`.
    modality_names : sequence of str, optional
        Default ``"m0"``, ``"m1"``, ...
    baseline : str, optional
        The reference of effective robustness; default the first model.

    Returns
    -------
    RobustnessStudy

    Raises
    ------
    TypeError
        If ``models`` is not a mapping of modules.
    ValueError
        If ``models`` is empty, ``baseline`` is not one of them,
        ``modality_names`` does not name every modality, or as
        :func:`robustness_curve`.
    """
    if not isinstance(models, Mapping) or not all(isinstance(m, nn.Module) for m in models.values()):
        raise TypeError("models must be a mapping of names to torch.nn.Module (called with a list of modalities).")
    if not models:
        raise ValueError("models must hold at least one model.")
    xs, y = _check_inputs(xs, y)
    names = tuple(modality_names) if modality_names is not None else tuple(f"m{i}" for i in range(len(xs)))
    if len(names) != len(xs) or len(set(names)) != len(names):
        raise ValueError(f"modality_names must give {len(xs)} distinct names, one per modality; got {list(names)}.")
    baseline = next(iter(models)) if baseline is None else check_choice(baseline, "baseline", list(models))
    kind = check_choice(kind, "kind", NOISE_KINDS)
    lv = _check_levels(levels)
    amplitude = check_scalar(amplitude, "amplitude", min_val=0)
    repeats = check_positive_int(repeats, "repeats")
    seed = seed_from_random_state(random_state)
    curves = {
        name: {mod: _curve_core(model, xs, y, i, kind, lv, amplitude, repeats, seed) for i, mod in enumerate(names)}
        for name, model in models.items()
    }
    return RobustnessStudy(levels=lv, curves=curves, kind=kind, baseline=baseline, modalities=names)


# --------------------------------------------------------------------------- #
# model wrappers
# --------------------------------------------------------------------------- #
class ModalitySubset(nn.Module):
    """Let a model of some modalities take the list of all of them: ``forward(xs) = model([xs[i] for i in keep])``.

    Parameters
    ----------
    model : torch.nn.Module
        Called with a list of the kept modalities.
    keep : sequence of int
        Indices of the modalities ``model`` uses.

    Raises
    ------
    TypeError
        If ``model`` is not a module or ``keep`` is not a sequence of ints.
    ValueError
        If ``keep`` is empty or repeats an index.

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> only_b = ModalitySubset(MultimodalClassifier.build([3], 2, "concat"), [1])
    >>> only_b([torch.randn(4, 5), torch.randn(4, 3)]).shape
    torch.Size([4, 2])
    """

    def __init__(self, model: nn.Module, keep: Sequence[int]) -> None:
        super().__init__()
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
        if (
            isinstance(keep, (str, bytes))
            or not isinstance(keep, Sequence)
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in keep)
        ):
            raise TypeError(f"keep must be a sequence of modality indices; got {keep!r}.")
        if not keep or len(set(keep)) != len(keep) or min(keep) < 0:
            raise ValueError(f"keep must list distinct non-negative modality indices; got {list(keep)}.")
        self.model = model
        self.keep = tuple(keep)

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        return self.model([xs[i] for i in self.keep])


class NoiseAugmented(nn.Module):
    r"""Training-time augmentation: corrupt one modality of a share of the samples, at a random level.

    In training mode, each sample is corrupted with probability ``p``: one of
    its modalities, chosen uniformly, gets Gaussian noise
    :math:`\lambda A \sigma_{\text{batch}} \varepsilon` with
    :math:`\lambda \sim U(0, 1)` (the same family as the test-time noise of
    :func:`add_noise`). In evaluation mode it is the wrapped model. Training
    on degraded copies is the simplest of the robust-training recipes
    MultiBench compares; it teaches the fusion to discount a modality that
    disagrees with the others.

    Parameters
    ----------
    model : torch.nn.Module
        Called with a list of modalities.
    p : float in [0, 1], default=0.3
        Share of the samples corrupted in each batch.
    amplitude : float, default=3.0
        :math:`A`.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the wrapper's own generator (the global random state is not used).

    Raises
    ------
    TypeError
        If ``model`` is not a module.
    ValueError
        If ``p`` is outside [0, 1] or ``amplitude`` is negative.

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> net = NoiseAugmented(MultimodalClassifier.build([3, 3], 2, "additive"), p=0.5)
    >>> xs = [torch.randn(8, 3), torch.randn(8, 3)]
    >>> bool(torch.equal(net.eval()(xs), net.model(xs)))
    True
    """

    def __init__(
        self, model: nn.Module, *, p: float = 0.3, amplitude: float = 3.0, random_state: RandomState = 0
    ) -> None:
        super().__init__()
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
        self.model = model
        self.p = check_fraction(p, "p")
        self.amplitude = check_scalar(amplitude, "amplitude", min_val=0)
        self._generator = torch.Generator().manual_seed(seed_from_random_state(random_state))

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return self.model(xs)
        n, m = xs[0].shape[0], len(xs)
        device, gen = xs[0].device, self._generator  # drawn on the CPU from the wrapper's own generator
        hit = (torch.rand(n, generator=gen) < self.p).to(device)
        which = torch.randint(0, m, (n,), generator=gen).to(device)
        level = torch.rand(n, generator=gen).to(device)
        out = []
        for i, x in enumerate(xs):
            shape = (-1, *([1] * (x.ndim - 1)))
            rows = (hit & (which == i)).to(x.dtype).reshape(shape)
            eps = torch.randn(x.shape, generator=gen, dtype=x.dtype).to(device)
            out.append(x + rows * level.to(x.dtype).reshape(shape) * self.amplitude * x.std(dim=0) * eps)
        return self.model(out)


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _check_levels(levels: Any) -> np.ndarray:
    lv = check_array(levels, "levels", ndim=1, dtype=float)
    if lv.size < 2:
        raise ValueError(f"levels must hold at least two noise levels; got {lv.tolist()}.")
    if lv.min() < 0 or lv.max() > 1 or np.any(np.diff(lv) <= 0):
        raise ValueError(f"levels must increase strictly within [0, 1]; got {lv.tolist()}.")
    return lv


def _check_curve(values: Any, n: int, name: str) -> np.ndarray:
    f = check_array(values, name, ndim=1, dtype=float)
    if f.size != n:
        raise ValueError(f"{name} must give one value per noise level ({n}); got {f.size}.")
    return f


def _check_inputs(xs: Any, y: Any) -> tuple[list[torch.Tensor], torch.Tensor]:
    if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or not xs:
        raise TypeError("xs must be a non-empty list of modality tensors, one (N, d_m) tensor each.")
    if not all(isinstance(x, torch.Tensor) and x.is_floating_point() for x in xs):
        raise TypeError("every modality in xs must be a floating-point torch.Tensor.")
    lengths = [int(x.shape[0]) for x in xs]
    if not isinstance(y, torch.Tensor) or y.ndim != 1:
        raise ValueError(f"y must be a 1-D tensor of labels; got {type(y).__name__}.")
    if len(set(lengths + [int(y.shape[0])])) != 1 or lengths[0] == 0:
        raise ValueError(
            f"the modalities and y must hold the same samples (same first dimension, at least one); "
            f"got {lengths} rows and {int(y.shape[0])} labels."
        )
    return list(xs), y
