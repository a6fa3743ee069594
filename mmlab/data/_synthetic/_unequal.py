"""Modalities that carry the same label with unequal strength, dimension and scale (the learning process)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab._validation import RandomState, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal

__all__ = ["gaussian_bayes_accuracy", "make_unequal_modalities"]


def make_unequal_modalities(
    n: int,
    *,
    n_classes: int = 2,
    dims: Sequence[int] = (16, 16),
    signal: Sequence[float] = (2.0, 1.0),
    scale: float | Sequence[float] = 1.0,
    world: int = 0,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw modalities that all render the label, each with its own strength, dimension and scale.

    Modality :math:`m` of a sample with label :math:`y \in \{0, \dots, C-1\}` is

    .. math::

        x_m = a_m \big( s_m\, M_m e_y + \varepsilon_m \big), \qquad
        \varepsilon_m \sim \mathcal N(0, I_{d_m}),

    where :math:`M_m \in \mathbb R^{d_m \times C}` has orthonormal columns (the
    class means, drawn once from ``world``), :math:`e_y` is the one-hot code
    of the label, :math:`s_m` the modality's *signal* (the distance of every
    class mean from the origin in units of the noise) and :math:`a_m` its
    *scale* (the units the modality is measured in). The modalities are
    independent given :math:`y`. Large :math:`d_m` with small :math:`s_m`
    makes a modality that is weak but easy to memorise; large :math:`a_m`
    makes its gradients large.

    Parameters
    ----------
    n : int
        Number of samples.
    n_classes : int, default=2
        :math:`C`, balanced classes.
    dims : sequence of int, default=(16, 16)
        :math:`d_m`, one per modality (at least two modalities, each
        :math:`d_m \ge C`).
    signal : sequence of float, default=(2.0, 1.0)
        :math:`s_m \ge 0`, one per modality.
    scale : float or sequence of float, default=1.0
        :math:`a_m > 0`, one for all or one per modality.
    world : int, default=0
        Seeds the class means :math:`M_m`. Data sets drawn with the same world
        (and sizes) share them, whatever their ``random_state``.
    random_state : int or numpy.random.Generator, optional
        Seeds the labels and the noise.

    Returns
    -------
    SyntheticMultimodal
        ``modalities`` ``(n, d_m)`` float32; ``y`` ``(n,)`` int64; ``factors``
        ``(n, M)``: the label as each modality renders it (``m<i>:class``);
        ``truth.bayes_accuracy`` the best accuracy from all modalities, and
        ``truth.extra["bayes_per_modality"]`` from each one alone
        (:func:`gaussian_bayes_accuracy`), plus ``signal`` and ``scale``.

    Raises
    ------
    TypeError
        On arguments of the wrong type (e.g. ``dims`` not a sequence).
    ValueError
        If fewer than two modalities are given, ``signal``/``scale`` do not
        give one value per modality, a dimension is smaller than ``n_classes``,
        a signal is negative, a scale is not positive, or the request is too
        large for memory.

    Notes
    -----
    With orthonormal class means the projections :math:`z_c = x_m^\top M_m e_c / a_m`
    are independent, :math:`z_y \sim \mathcal N(s_m, 1)` and the others
    :math:`\mathcal N(0, 1)`, so the best accuracy from modality :math:`m`
    alone is :math:`\int \varphi(t)\, \Phi(t + s_m)^{C-1} dt`. Given :math:`y`
    the modalities are independent and their concatenated means are again
    orthogonal, with norm :math:`\sqrt{\sum_m s_m^2}`: the same formula with
    that signal gives the Bayes accuracy of all modalities together.

    References
    ----------
    Wang, W., Tran, D. and Feiszli, M. What makes training multi-modal
    classification networks hard? CVPR 2020 (modalities that overfit and
    generalise at different rates).

    Examples
    --------
    >>> from mmlab.data import make_unequal_modalities
    >>> d = make_unequal_modalities(500, dims=(16, 64), signal=(2.0, 1.0), random_state=0)
    >>> d.dims, [round(b, 3) for b in d.truth.extra["bayes_per_modality"]], round(d.truth.bayes_accuracy, 3)
    ((16, 64), [0.921, 0.76], 0.943)
    """
    n = check_positive_int(n, "n")
    c = check_positive_int(n_classes, "n_classes", minimum=2)
    dims_t = _check_sizes(dims, c)
    m = len(dims_t)
    signals = _per_modality(signal, m, "signal", positive=False)
    scales = _per_modality(scale, m, "scale", positive=True)
    world = check_positive_int(world, "world", minimum=0)
    rng = check_random_state(random_state)
    _check_data_size("make_unequal_modalities", n, dims_t, 0, m, c, 1)

    means = _class_means(dims_t, c, world)
    y = rng.integers(0, c, size=n).astype(np.int64)
    xs = tuple(
        (a * (s * mu[:, y].T + rng.standard_normal((n, d)))).astype(np.float32)
        for mu, d, s, a in zip(means, dims_t, signals, scales, strict=True)
    )
    per = tuple(gaussian_bayes_accuracy(s, c) for s in signals)
    joint_signal = math.sqrt(sum(s * s for s in signals))
    names = tuple(f"m{i}:class" for i in range(m))
    truth = PlantedTruth(
        kind="unequal",
        description=f"every modality renders y (C={c}) with signals {signals} and scales {scales}",
        mixing="pure",
        components=("unequal",),
        proportions=(1.0,),
        factor_names=names,
        factor_modality=tuple(range(m)),
        label_factors=MappingProxyType({"unequal": tuple(range(m))}),
        n_levels=c,
        n_classes=c,
        joint=None,
        code_factors=tuple((i,) for i in range(m)),
        atoms=None,
        dominant_atom=None,
        bayes_accuracy=gaussian_bayes_accuracy(joint_signal, c),
        extra=MappingProxyType({"signal": signals, "scale": scales, "bayes_per_modality": per, "world": world}),
    )
    factors = np.repeat(y[:, None], m, axis=1)
    return SyntheticMultimodal(modalities=xs, y=y, factors=factors, component=np.zeros(n, dtype=np.int64), truth=truth)


def gaussian_bayes_accuracy(signal: float, n_classes: int = 2) -> float:
    r"""Best accuracy on :math:`C` classes whose means are orthonormal directions scaled by ``signal``.

    .. math::

        P(\text{correct}) = \int_{-\infty}^{\infty} \varphi(t)\, \Phi(t + s)^{C-1}\, dt,

    with :math:`\varphi, \Phi` the standard normal density and distribution
    function and :math:`s` the signal (unit noise): the correct class's
    projection must beat the :math:`C - 1` others.

    Parameters
    ----------
    signal : float
        :math:`s \ge 0`.
    n_classes : int, default=2
        :math:`C \ge 2`.

    Returns
    -------
    float
        In :math:`[1/C, 1)`; for :math:`C = 2` it equals :math:`\Phi(s / \sqrt 2)`.

    Examples
    --------
    >>> round(gaussian_bayes_accuracy(0.0, 4), 6), round(gaussian_bayes_accuracy(1.0), 4)
    (0.25, 0.7602)
    """
    s = check_scalar(signal, "signal", min_val=0)
    c = check_positive_int(n_classes, "n_classes", minimum=2)
    from scipy.special import ndtr

    t = np.linspace(-12.0, 12.0, 24001)
    density = np.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    return float(np.clip(np.trapezoid(density * ndtr(t + s) ** (c - 1), t), 1.0 / c, 1.0))


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _class_means(dims: tuple[int, ...], c: int, world: int) -> list[np.ndarray]:
    """One (d_m, C) matrix with orthonormal columns per modality, from the world seed."""
    gen = np.random.default_rng([world, 7031])
    return [np.linalg.qr(gen.standard_normal((d, c)))[0] for d in dims]


def _check_sizes(dims: Any, c: int) -> tuple[int, ...]:
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence):
        raise TypeError(f"dims must be a sequence of ints, one per modality; got {type(dims).__name__} {dims!r}.")
    if len(dims) < 2:
        raise ValueError(f"dims must give at least two modalities; got {list(dims)}.")
    out = tuple(check_positive_int(d, f"dims[{i}]") for i, d in enumerate(dims))
    small = [d for d in out if d < c]
    if small:
        raise ValueError(
            f"every modality needs at least n_classes={c} dimensions to hold orthonormal class means; "
            f"got dims={list(out)}. Raise the small dimensions or lower n_classes."
        )
    return out


def _per_modality(value: Any, m: int, name: str, *, positive: bool) -> tuple[float, ...]:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        values: Sequence[Any] = [value] * m
    elif isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a number or a sequence of {m} numbers; got {type(value).__name__}.")
    else:
        values = value
    if len(values) != m:
        raise ValueError(f"{name} must give one value per modality ({m}); got {len(values)}: {list(values)}.")
    bound = "neither" if positive else "left"
    return tuple(check_scalar(v, f"{name}[{i}]", min_val=0, include_boundaries=bound) for i, v in enumerate(values))
