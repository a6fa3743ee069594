"""Additive versus multiplicative, tensor, low-rank and polynomial fusion on planted interactions (lectures 02, 03)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from mmlab._validation import RandomState, check_choice, check_positive_int, seed_from_random_state
from mmlab.data import make_interaction, make_polynomial
from mmlab.fusion.experiments._train import _TRAIN_DEFAULTS, FitResult, _seed, as_xy, train_fusion
from mmlab.train import predict

__all__ = [
    "cell_table",
    "factor_corners",
    "interaction_accuracies",
    "multiplicative_target",
    "polynomial_orders",
    "tensor_vs_low_rank",
]


# --------------------------------------------------------------------------- #
# reading what a two-modality model computes
# --------------------------------------------------------------------------- #
def cell_table(result: FitResult, component: str | None = None) -> np.ndarray:
    r"""Mean predicted probability of class 1 in each cell of the two label factors.

    For a two-modality data set from :func:`mmlab.data.make_interaction`
    with binary factors, cell :math:`(a, b)` averages :math:`\hat P(y = 1 \mid x)`
    over the test samples whose label factors (one per modality) are
    :math:`a` and :math:`b`. For synergy the target table is XOR.

    Parameters
    ----------
    result : FitResult
        A classification result whose ``test`` is a synthetic data set with binary labels.
    component : str, optional
        Which rule's factors to use (default the first planted rule).

    Returns
    -------
    ndarray of shape (k, k)

    Raises
    ------
    ValueError
        If the test data is not a two-modality synthetic data set with two classes.
    """
    test = result.test
    truth = getattr(test, "truth", None)
    if truth is None or truth.n_classes != 2 or len(test.modalities) != 2:
        raise ValueError(
            "cell_table needs a FitResult whose test data is a two-modality synthetic data set with "
            "binary labels (from make_interaction)."
        )
    cols = truth.label_factors[component or truth.components[0]]
    prob = torch.softmax(predict(result.model, as_xy(test)[0]), dim=1)[:, 1].numpy()
    k = truth.n_levels
    table = np.full((k, k), np.nan)
    for a in range(k):
        for b in range(k):
            sel = (test.factors[:, cols[0]] == a) & (test.factors[:, cols[1]] == b)
            if sel.any():
                table[a, b] = prob[sel].mean()
    return table


def factor_corners(
    data: Any, n_per_value: int = 100, component: str | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Samples of each modality grouped by the value of its label factor: ``(a0, a1, b0, b1)``.

    For a two-modality synthetic data set with binary factors, ``a0`` holds
    modality A's features of the first ``n_per_value`` samples whose label
    factor in A is 0, ``a1`` those whose factor is 1, and likewise ``b0``,
    ``b1`` for modality B. Pairing them row by row gives the four corners
    :math:`(a_i, b_j)` of the interaction contrast
    :math:`f(a_1,b_1) - f(a_1,b_0) - f(a_0,b_1) + f(a_0,b_0)`.

    Parameters
    ----------
    data : SyntheticMultimodal
        Two modalities, binary factors (e.g. a test split from :func:`make_interaction`).
    n_per_value : int, default=100
    component : str, optional
        Which planted rule's factors to use (default the first).

    Returns
    -------
    a0, a1, b0, b1 : torch.Tensor
        float32, shapes ``(n_per_value, d_A)`` and ``(n_per_value, d_B)``.

    Raises
    ------
    ValueError
        If the data is not a two-modality synthetic set with binary factors, or
        holds fewer than ``n_per_value`` samples with some factor value.
    """
    n_per_value = check_positive_int(n_per_value, "n_per_value")
    truth = getattr(data, "truth", None)
    if truth is None or len(data.modalities) != 2 or truth.n_levels != 2:
        raise ValueError(
            "factor_corners needs a two-modality synthetic data set with binary factors (from make_interaction)."
        )
    cols = truth.label_factors[component or truth.components[0]]
    out = []
    for m, col in enumerate(cols[:2]):
        for value in (0, 1):
            rows = np.flatnonzero(data.factors[:, col] == value)
            if rows.size < n_per_value:
                raise ValueError(
                    f"modality {m} has only {rows.size} samples with factor value {value}; "
                    f"n_per_value={n_per_value} is too many. Use a smaller n_per_value or more data."
                )
            out.append(torch.as_tensor(data.modalities[m][rows[:n_per_value]], dtype=torch.float32))
    a0, a1, b0, b1 = out
    return a0, a1, b0, b1


# --------------------------------------------------------------------------- #
# additive versus multiplicative (lecture 02)
# --------------------------------------------------------------------------- #
def interaction_accuracies(
    interactions: Sequence[str] = ("synergy", "redundancy"),
    operators: Sequence[str] | Mapping[str, str | Mapping[str, Any]] = ("additive", "multiplicative", "tensor"),
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    noise: float = 0.5,
    **train_kwargs: Any,
) -> dict[str, dict[str, FitResult]]:
    """Train every fusion operator on every planted interaction (two modalities, binary factors).

    Parameters
    ----------
    interactions : sequence of str
        Names for :func:`mmlab.data.make_interaction`.
    operators : sequence of str, or mapping of str to str or mapping
        Names for :func:`mmlab.fusion.make_fusion`; or ``{label: model}`` where
        ``model`` is a fusion name or a dict of :func:`train_fusion` keyword
        arguments with a ``"fusion"`` entry, e.g.
        ``{"concat + MLP head": {"fusion": "concat", "head": "mlp"}}``.
    n : int
        Samples per data set (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split and the models.
    noise : float, default=0.5
        Feature noise of the generator.
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`, shared by every model
        (``head=``, ``lr=``, ``weight_decay=``, ``fusion_options=`` ...).

    Returns
    -------
    dict
        ``results[interaction][label]`` is a :class:`FitResult` (the label is
        the operator's name when ``operators`` is a sequence).

    Raises
    ------
    TypeError
        If a model in ``operators`` is neither a name nor a mapping.
    ValueError
        If a model given as a mapping has no ``"fusion"`` entry, ``n`` is not a
        positive int or ``random_state`` is invalid.
    """
    seed = seed_from_random_state(random_state)
    n = check_positive_int(n, "n")
    models = _model_specs(operators)
    out: dict[str, dict[str, FitResult]] = {}
    for j, interaction in enumerate(interactions):
        data = make_interaction(n, interaction, noise=noise, random_state=_seed(seed, 1, j))
        train, test = data.split((0.7, 0.3), random_state=_seed(seed, 2, j))
        out[interaction] = {
            label: train_fusion(
                train, test, epochs=epochs, random_state=seed, **{**_TRAIN_DEFAULTS, **train_kwargs, **spec}
            )
            for label, spec in models.items()
        }
    return out


def _model_specs(operators: Sequence[str] | Mapping[str, str | Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{label: train_fusion keyword arguments}`` from a list of names or a mapping of labels to models."""
    if isinstance(operators, str):
        raise TypeError(
            f"operators must be a sequence of fusion names or a mapping of labels to models; got the "
            f"single string {operators!r}. Wrap it in a list: [{operators!r}]."
        )
    items = operators.items() if isinstance(operators, Mapping) else ((op, op) for op in operators)
    specs: dict[str, dict[str, Any]] = {}
    for label, model in items:
        if isinstance(model, str):
            specs[str(label)] = {"fusion": model}
        elif isinstance(model, Mapping):
            if "fusion" not in model:
                raise ValueError(
                    f"the model {label!r} in operators must name its fusion, e.g. "
                    f"{{'fusion': 'concat', 'head': 'mlp'}}; got the keys {sorted(model)}."
                )
            specs[str(label)] = dict(model)
        else:
            raise TypeError(
                f"each model in operators must be a fusion name or a dict of train_fusion options; "
                f"got {type(model).__name__} for {label!r}."
            )
    return specs


def multiplicative_target(
    operators: Sequence[str] = ("additive", "bilinear"),
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    n_levels: int = 4,
    **train_kwargs: Any,
) -> dict[str, FitResult]:
    r"""Regress the multiplicative target :math:`t = z_A z_B` with each operator.

    The data come from :func:`mmlab.data.make_polynomial` with two
    modalities and ``orders=(2,)``: every additive function of the two
    modalities explains none of the variance of :math:`t` (its conditional mean
    given either factor is 0), so an additive model's test :math:`R^2` stays
    near (or below) 0, while a model that forms products can reach 1.

    Parameters
    ----------
    operators : sequence of str, default=("additive", "bilinear")
        Names for :func:`mmlab.fusion.make_fusion`.
    n : int
        Samples (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split and the models.
    n_levels : int, default=4
        Levels of each value factor (see :func:`mmlab.data.make_polynomial`).
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`: model options
        (``embed_dim=``, ``head=`` ...), training options (``lr=``,
        ``weight_decay=``, ``batch_size=`` ...) and ``fusion_options=``.

    Returns
    -------
    dict
        ``{operator: FitResult}`` with ``score`` the test :math:`R^2`.

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``n`` or ``epochs`` is not a positive int, or an operator is unknown.
    """
    seed = seed_from_random_state(random_state)
    data = make_polynomial(
        check_positive_int(n, "n"), n_modalities=2, orders=(2,), n_levels=n_levels, random_state=_seed(seed, 3)
    )
    train, test = data.split((0.7, 0.3), random_state=_seed(seed, 4))
    return {
        op: train_fusion(
            train, test, op, epochs=epochs, random_state=seed, task="regression", **{**_TRAIN_DEFAULTS, **train_kwargs}
        )
        for op in operators
    }


# --------------------------------------------------------------------------- #
# tensor, low-rank and polynomial fusion (lecture 03)
# --------------------------------------------------------------------------- #
def tensor_vs_low_rank(
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    rank: int = 4,
    embed_dim: int = 16,
    interaction: str = "synergy",
    **train_kwargs: Any,
) -> dict[str, FitResult]:
    """Train tensor fusion and rank-``rank`` low-rank fusion on a three-modality task.

    The default task is three-modality synergy: the label is the parity of one
    bit per modality, which needs the trimodal product that both operators
    contain.

    Parameters
    ----------
    n : int
        Samples (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split and the models.
    rank : int, default=4
        Rank of the low-rank fusion.
    embed_dim : int, default=16
        Size of each encoding (the fusion's input size per modality).
    interaction : str, default="synergy"
        Planted interaction of :func:`mmlab.data.make_interaction` (three modalities).
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`: model options
        (``embed_dim=``, ``head=`` ...), training options (``lr=``,
        ``weight_decay=``, ``batch_size=`` ...) and ``fusion_options=``.

    Returns
    -------
    dict
        ``{"tensor": FitResult, "low_rank": FitResult}``.

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``n``, ``epochs`` or ``rank`` is not a positive int, or
        ``interaction`` is unknown.
    """
    seed = seed_from_random_state(random_state)
    data = make_interaction(check_positive_int(n, "n"), interaction, n_modalities=3, random_state=_seed(seed, 5))
    train, test = data.split((0.7, 0.3), random_state=_seed(seed, 6))
    kw = {**_TRAIN_DEFAULTS, **train_kwargs, "embed_dim": embed_dim}
    return {
        "tensor": train_fusion(train, test, "tensor", epochs=epochs, random_state=seed, **kw),
        "low_rank": train_fusion(
            train, test, "low_rank", epochs=epochs, random_state=seed, fusion_options={"rank": rank}, **kw
        ),
    }


def polynomial_orders(
    orders: Sequence[int] = (1, 2, 3),
    *,
    n: int,
    epochs: int,
    random_state: RandomState = 0,
    target: str = "parity",
    rank: int = 8,
    embed_dim: int = 8,
    **train_kwargs: Any,
) -> dict[int, FitResult]:
    r"""Train polynomial fusion of each order on a three-modality target.

    ``target="parity"``: classification of :math:`y = \mathbb 1[z_A z_B z_C > 0]`
    with binary factors (the parity of three bits; a pure order-3
    interaction). ``target="staircase"``: regression of
    :math:`t = T_1 + T_2 + T_3` (sums of all products of one, two and three
    modalities, each of variance 1), where a model of order :math:`P` can
    explain at most :math:`P/3` of the variance. ``target="pairwise"``:
    regression of :math:`t = T_2 = (z_A z_B + z_A z_C + z_B z_C)/\sqrt 3` alone,
    which order 1 cannot explain at all and every order :math:`P \ge 2` can
    (the constant in :math:`u = [1; x_A; x_B; x_C]` keeps the lower orders).

    Parameters
    ----------
    orders : sequence of int, default=(1, 2, 3)
        Orders :math:`P` of the polynomial fusion to train.
    n : int
        Samples (70 % train, 30 % test).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the data, the split and the models.
    target : {"parity", "staircase", "pairwise"}, default="parity"
    rank, embed_dim : int
        Rank of the polynomial fusion and size of each encoding.
    **train_kwargs
        Other keyword arguments of :func:`train_fusion` (``lr=``, ``weight_decay=`` ...).

    Returns
    -------
    dict
        ``{order: FitResult}``; ``score`` is the accuracy (parity) or :math:`R^2` (staircase, pairwise).

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``n`` or ``epochs`` is not a positive int, an order is not 1-3, or
        ``target`` is unknown.
    """
    seed = seed_from_random_state(random_state)
    target = check_choice(target, "target", ("parity", "staircase", "pairwise"))
    n = check_positive_int(n, "n")
    if target == "parity":
        data = make_polynomial(n, n_modalities=3, orders=(3,), task="classification", random_state=_seed(seed, 7))
    elif target == "staircase":
        data = make_polynomial(n, n_modalities=3, orders=(1, 2, 3), random_state=_seed(seed, 8))
    else:
        data = make_polynomial(n, n_modalities=3, orders=(2,), random_state=_seed(seed, 17))
    train, test = data.split((0.7, 0.3), random_state=_seed(seed, 9))
    task = "classification" if target == "parity" else "regression"
    kw = {**_TRAIN_DEFAULTS, **train_kwargs, "embed_dim": embed_dim}
    return {
        int(p): train_fusion(
            train,
            test,
            "polynomial",
            epochs=epochs,
            random_state=seed,
            task=task,
            fusion_options={"order": int(p), "rank": rank},
            **kw,
        )
        for p in orders
    }
