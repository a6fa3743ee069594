"""Targets made of products of one factor per modality (multiplicative, order-3)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from mmlab._validation import (
    RandomState,
    check_array,
    check_choice,
    check_positive_int,
    check_random_state,
    check_scalar,
)
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._projection import _make_projection, _render

__all__ = ["make_polynomial"]


def make_polynomial(
    n: int,
    *,
    n_modalities: int = 3,
    orders: Sequence[int] = (3,),
    weights: Sequence[float] | None = None,
    task: str = "regression",
    n_levels: int = 2,
    target_noise: float = 0.0,
    dims: int | Sequence[int] = 16,
    noise: float = 0.1,
    n_nuisance: int = 1,
    hidden: int = 32,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw data whose target is a sum of products of one factor per modality.

    Each modality :math:`i` renders a value factor :math:`v_i` (uniform on
    :math:`k` evenly spaced levels in :math:`[-1, 1]`, variance :math:`\tau^2`)
    and nuisance factors. With :math:`z_i = v_i / \tau` the target is

    .. math::

        t = \sum_{p \in \text{orders}} w_p\, T_p, \qquad
        T_p = \binom{M}{p}^{-1/2} \sum_{S \subseteq \{0..M-1\},\ |S| = p}\ \prod_{i \in S} z_i .

    The :math:`T_p` have mean 0 and variance 1 and are uncorrelated (products of
    independent zero-mean factors), so a model whose fusion can form products of
    at most :math:`P` modalities explains at most
    :math:`\sum_{p \le P} w_p^2 / (\sum_p w_p^2 + \eta^2)` of the variance of
    :math:`y = t + \eta\,\varepsilon` (``truth.extra["r2_ceiling"]``).
    Classification labels are :math:`y = \mathbb 1[t > 0]`; with binary levels
    and ``orders=(M,)`` this is the parity of the :math:`M` bits (pure synergy).

    Features are rendered as in :func:`make_interaction`.

    Parameters
    ----------
    n : int
        Number of samples.
    n_modalities : int, default=3
        :math:`M`, 2 or 3.
    orders : sequence of int, default=(3,)
        Interaction orders present in the target, each in ``1..n_modalities``.
        ``n_modalities=2, orders=(2,)`` is the multiplicative target
        :math:`t = z_0 z_1` (bilinear fusion); ``orders=(1, 2, 3)`` on three
        modalities gives a staircase of reachable :math:`R^2` by fusion order.
    weights : sequence of float, optional
        :math:`w_p` per order (default all ones).
    task : {"regression", "classification"}, default="regression"
    n_levels : int, default=2
        :math:`k`; many levels approximate continuous factors. Use an even
        :math:`k` for classification so that :math:`t = 0` cannot occur by a
        zero level.
    target_noise : float, default=0.0
        :math:`\eta`, Gaussian noise added to a regression target.
    noise : float, default=0.1
        Feature noise, as in :func:`make_interaction` but lower by default
        (see Notes).
    dims, n_nuisance, hidden, random_state
        As in :func:`make_interaction`.

    Returns
    -------
    SyntheticMultimodal
        ``y`` float32 (regression) or int64 in {0, 1} (classification);
        ``factors`` hold the level index of each :math:`v_i`, then nuisances;
        ``aux["target"]`` is the noise-free :math:`t`.

    Raises
    ------
    TypeError
        On arguments of the wrong type (e.g. ``orders`` not a sequence).
    ValueError
        On out-of-range orders, weights of the wrong length or all zero, an
        unknown task, a negative or non-finite noise level, out-of-range sizes,
        or a request too large for memory (as in :func:`make_interaction`).

    Notes
    -----
    Why less feature noise than :func:`make_interaction`: per-sample noise
    makes every training point unique, and on a regression target a model
    that cannot express the high-order part (e.g. order-1 fusion) fits that
    part's variance by memorising the noise of the training points. With
    noise 0.5 and about 1000 training samples the test :math:`R^2` of such a
    model drops below 0; with 0.1 it stays between 0 and its ceiling (order 1:
    0.12 to 0.31 against a ceiling of 1/3 in our runs).

    Examples
    --------
    >>> from mmlab.data import make_polynomial
    >>> d = make_polynomial(500, n_modalities=3, orders=(1, 2, 3), random_state=0)
    >>> [round(v, 3) for v in d.truth.extra["r2_ceiling"].values()]
    [0.333, 0.667, 1.0]
    """
    n = check_positive_int(n, "n")
    m = check_positive_int(n_modalities, "n_modalities", minimum=2)
    if m > 3:
        raise ValueError(f"n_modalities must be 2 or 3; got {m}.")
    if isinstance(orders, (str, bytes)) or not isinstance(orders, Sequence) or not orders:
        raise TypeError(f"orders must be a non-empty sequence of integers, e.g. (1, 2, 3); got {orders!r}.")
    orders_t = tuple(check_positive_int(p, f"orders[{j}]") for j, p in enumerate(orders))
    if max(orders_t) > m or len(set(orders_t)) != len(orders_t):
        raise ValueError(f"orders must be distinct integers in 1..n_modalities={m}; got {orders_t}.")
    if weights is None:
        w = np.ones(len(orders_t))
    else:
        w = check_array(weights, "weights", ndim=1, dtype=float)
        if w.shape[0] != len(orders_t):
            raise ValueError(f"weights must give one weight per order ({len(orders_t)}); got {w.shape[0]}.")
        if not np.any(w != 0):
            raise ValueError("weights must not all be zero; the target would be constant.")
    task = check_choice(task, "task", ("regression", "classification"))
    k = check_positive_int(n_levels, "n_levels", minimum=2)
    target_noise = check_scalar(target_noise, "target_noise", min_val=0)
    dims_t = _check_dims(dims, m)
    noise = check_scalar(noise, "noise", min_val=0)
    n_nuisance = check_positive_int(n_nuisance, "n_nuisance", minimum=0)
    hidden = check_positive_int(hidden, "hidden")
    rng = check_random_state(random_state)
    _check_data_size("make_polynomial", n, dims_t, hidden, m * (1 + n_nuisance), k, 1 + n_nuisance)

    levels = np.linspace(-1.0, 1.0, k)
    tau = float(np.sqrt(np.mean(levels**2)))
    slots = ["value"] + [f"nuisance{j}" for j in range(n_nuisance)]
    n_slots = len(slots)
    names = tuple(f"m{i}:{s}" for i in range(m) for s in slots)
    value_cols = tuple(i * n_slots for i in range(m))

    projections = [_make_projection(n_slots, k, d, hidden, rng) for d in dims_t]
    factors = rng.integers(0, k, size=(n, m * n_slots)).astype(np.int64)
    xs = tuple(
        _render(factors[:, i * n_slots : (i + 1) * n_slots], k, proj, noise, rng) for i, proj in enumerate(projections)
    )
    t = _polynomial_target(levels[factors[:, list(value_cols)]] / tau, orders_t, w)
    if task == "regression":
        y = (t + target_noise * rng.standard_normal(n)).astype(np.float32)
    else:
        y = (t > 0).astype(np.int64)

    total = float(np.sum(w**2) + target_noise**2)
    ceiling = {
        P: float(sum(wp**2 for p, wp in zip(orders_t, w, strict=True) if p <= P) / total) for P in range(1, m + 1)
    }
    joint, bayes, n_classes = None, None, None
    if task == "classification":
        n_classes = 2
        grid = np.array(list(itertools.product(range(k), repeat=m)), dtype=np.int64)
        ys = (_polynomial_target(levels[grid] / tau, orders_t, w) > 0).astype(np.int64)
        joint = np.zeros((k,) * m + (2,))
        np.add.at(joint, (*grid.T, ys), 1.0 / k**m)
        bayes = 1.0
    terms = " + ".join(f"{wp:g}·T{p}" for p, wp in zip(orders_t, w, strict=True))
    truth = PlantedTruth(
        kind="polynomial",
        description=f"t = {terms} (T_p: normalised sum of products of p modalities' values)"
        + ("; y = 1[t > 0]" if task == "classification" else ""),
        mixing="pure",
        components=tuple(f"order{p}" for p in orders_t),
        proportions=tuple(1.0 for _ in orders_t),
        factor_names=names,
        factor_modality=tuple(i for i in range(m) for _ in slots),
        label_factors=MappingProxyType({f"order{p}": value_cols for p in orders_t}),
        n_levels=k,
        n_classes=n_classes,
        joint=joint,
        code_factors=tuple((c,) for c in value_cols),
        atoms=None,
        dominant_atom="synergy" if (orders_t == (m,) and task == "classification" and k == 2) else None,
        bayes_accuracy=bayes,
        extra=MappingProxyType(
            {
                "levels": levels,
                "tau": tau,
                "orders": orders_t,
                "weights": tuple(map(float, w)),
                "variance_by_order": {p: float(wp**2) for p, wp in zip(orders_t, w, strict=True)},
                "r2_ceiling": ceiling,
            }
        ),
    )
    return SyntheticMultimodal(
        modalities=xs,
        y=y,
        factors=factors,
        component=np.zeros(n, dtype=np.int64),
        truth=truth,
        aux=MappingProxyType({"target": t.astype(np.float32)}),
    )


def _polynomial_target(z: np.ndarray, orders: tuple[int, ...], w: np.ndarray) -> np.ndarray:
    """``sum_p w_p T_p`` for standardised factor values ``z`` of shape (n, M)."""
    m = z.shape[1]
    t = np.zeros(z.shape[0])
    for p, wp in zip(orders, w, strict=True):
        subsets = list(itertools.combinations(range(m), p))
        tp = sum(np.prod(z[:, list(s)], axis=1) for s in subsets)
        t += wp * tp / math.sqrt(len(subsets))
    return t
