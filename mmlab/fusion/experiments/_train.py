"""One model, one score: the training helper every fusion experiment uses, and shared private helpers."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import (
    RandomState,
    check_choice,
    check_positive_int,
    seed_from_random_state,
    split_modalities_and_labels,
)
from mmlab.fusion import FUSIONS, MultimodalClassifier, n_params
from mmlab.runtime import seeded
from mmlab.train import History, fit, predict

__all__ = ["FitResult", "as_xy", "train_fusion"]

#: Training options every experiment shares unless told otherwise.
_TRAIN_DEFAULTS: dict[str, Any] = {"batch_size": 128, "lr": 5e-3}


# --------------------------------------------------------------------------- #
# one model
# --------------------------------------------------------------------------- #
@dataclass
class FitResult:
    """A trained model and its test score.

    Attributes
    ----------
    model : MultimodalClassifier
    score : float
        Test accuracy (classification) or test :math:`R^2` (regression).
    metric : str
        ``"accuracy"`` or ``"r2"``.
    fusion_params : int
        Parameters of the fusion operator alone.
    total_params : int
        Parameters of the whole model (encoders, fusion, head).
    history : History
        The training record of :func:`mmlab.train.fit`.
    test : object
        The test data the score was computed on (as passed to :func:`train_fusion`).
    """

    model: nn.Module
    score: float
    metric: str
    fusion_params: int
    total_params: int
    history: History
    test: Any = None


def as_xy(data: Any) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Return ``(list of (n, d_i) float tensors, labels)`` from a data object or a pair.

    Parameters
    ----------
    data : SyntheticMultimodal, MultimodalSplit or (sequence of arrays, array)
        Anything with ``modalities`` and ``y`` attributes, or a pair.

    Returns
    -------
    xs : list of torch.Tensor
    y : torch.Tensor

    Raises
    ------
    TypeError
        If ``data`` is neither.
    """
    xs, y = split_modalities_and_labels(data, "data")
    return [torch.as_tensor(x, dtype=torch.float32) for x in xs], torch.as_tensor(y)


def train_fusion(
    train: Any,
    test: Any,
    fusion: str | nn.Module = "additive",
    *,
    epochs: int,
    task: str = "classification",
    embed_dim: int = 16,
    hidden: int = 32,
    encoder_layers: int = 1,
    fusion_dim: int | None = None,
    head: str = "linear",
    fusion_options: Mapping[str, Any] | None = None,
    batch_size: int = 64,
    lr: float = 3e-3,
    weight_decay: float = 0.0,
    optimizer: str = "adam",
    random_state: RandomState = 0,
    loss: str | Callable | None = None,
    wrap: Callable[[nn.Module], nn.Module] | None = None,
) -> FitResult:
    r"""Train encoders + ``fusion`` + a head on ``train`` and score it on ``test``.

    The model is :meth:`MultimodalClassifier.build` with MLP encoders of
    output size ``embed_dim``; the score is the test accuracy, or for
    regression the test coefficient of determination

    .. math::

        R^2 = 1 - \frac{\sum_j (y_j - \hat y_j)^2}{\sum_j (y_j - \bar y)^2}.

    The keyword arguments come in three groups, kept apart so that an option
    always reaches the object it belongs to: the **model** (``embed_dim``,
    ``hidden``, ``encoder_layers``, ``fusion_dim``, ``head``), the **fusion
    operator** (``fusion_options``, e.g. ``{"rank": 4}``) and the **training**
    (``batch_size``, ``lr``, ``weight_decay``, ``optimizer``, ``loss``,
    ``random_state``: passed to :func:`mmlab.train.fit`).

    Parameters
    ----------
    train, test : data set or (modalities, y)
        See :func:`as_xy`.
    fusion : str or torch.nn.Module, default="additive"
        A :func:`mmlab.fusion.make_fusion` name or a module built for ``embed_dim`` inputs.
    epochs : int
    task : {"classification", "regression"}, default="classification"
    embed_dim, hidden, encoder_layers, fusion_dim, head
        Passed to :meth:`MultimodalClassifier.build` (``head="mlp"`` puts a
        one-hidden-layer MLP on the fused vector instead of a linear map).
    fusion_options : mapping, optional
        Options of the fusion operator, passed to :func:`mmlab.fusion.make_fusion`
        (``rank=``, ``order=``, ``operators=``, ``beta=``, ``bias=`` ...). Only for
        a fusion given by name.
    batch_size, lr, weight_decay, optimizer
        Passed to :func:`mmlab.train.fit`.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the model's initialisation and the batch order.
    loss : str or callable, optional
        Default cross-entropy (classification) or MSE (regression).
    wrap : callable, optional
        ``wrap(model)`` returns the module that is trained (e.g. one that adds a
        penalty); the returned :class:`FitResult` holds the unwrapped model.

    Returns
    -------
    FitResult

    Raises
    ------
    TypeError
        If ``fusion_options`` is not a mapping, or names an option the fusion
        operator does not take (the message lists the ones it takes).
    ValueError
        If ``task`` or ``head`` is unknown, ``epochs`` is not a positive int, or
        ``fusion_options`` is given with a fusion module.

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> train, test = make_interaction(200, "synergy", random_state=0).split((0.7, 0.3), random_state=0)
    >>> r = train_fusion(train, test, "low_rank", epochs=1, fusion_options={"rank": 2}, weight_decay=1e-4)
    >>> r.metric, r.model.fusion.rank
    ('accuracy', 2)
    """
    seed = seed_from_random_state(random_state)
    task = check_choice(task, "task", ("classification", "regression"))
    epochs = check_positive_int(epochs, "epochs")
    options = _check_fusion_options(fusion, fusion_options)
    xs, y = as_xy(train)
    xt, yt = as_xy(test)
    n_out = 1 if task == "regression" else int(max(int(y.max()), int(yt.max())) + 1)
    with seeded(seed):
        model = MultimodalClassifier.build(
            [x.shape[1] for x in xs],
            n_out,
            fusion,
            embed_dim=embed_dim,
            hidden=hidden,
            encoder_layers=encoder_layers,
            fusion_dim=fusion_dim,
            head=head,
            **options,
        )
    trained = model if wrap is None else wrap(model)
    if loss is None:
        loss = "mse" if task == "regression" else "cross_entropy"
    metrics = ("mse",) if task == "regression" else ("accuracy",)
    history = fit(
        trained,
        xs,
        y.float() if task == "regression" else y,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        random_state=int(seed),
        progress=False,
    )
    out = predict(model, xt)
    if task == "regression":
        pred, target = out.reshape(-1).double(), yt.reshape(-1).double()
        score = float(1.0 - ((target - pred) ** 2).sum() / ((target - target.mean()) ** 2).sum())
    else:
        score = float((out.argmax(dim=1) == yt.cpu()).double().mean())
    return FitResult(
        model=model,
        score=score,
        metric="r2" if task == "regression" else "accuracy",
        fusion_params=n_params(model.fusion),
        total_params=n_params(model),
        history=history,
        test=test,
    )


def _check_fusion_options(fusion: str | nn.Module, fusion_options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate ``fusion_options`` against the operator's constructor; return them as a dict."""
    if fusion_options is None:
        return {}
    if not isinstance(fusion_options, Mapping):
        raise TypeError(
            f"fusion_options must be a mapping of option names to values (e.g. {{'rank': 4}}); "
            f"got {type(fusion_options).__name__}."
        )
    options = dict(fusion_options)
    if not options:
        return options
    if isinstance(fusion, nn.Module):
        raise ValueError(
            f"fusion_options {sorted(options)} apply only to a fusion given by name; the fusion "
            "module you passed is already built. Pass its options to its constructor instead."
        )
    cls = FUSIONS.get(fusion) if isinstance(fusion, str) else None
    if cls is None:
        return options  # make_fusion reports an unknown name
    params = inspect.signature(cls).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return options
    accepted = [
        name
        for name, p in params.items()
        if name not in ("in_dims", "out_dim")
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise TypeError(
            f"fusion_options {unknown} are not options of the {fusion!r} fusion operator, which takes "
            f"{accepted or 'no options'}. Training options (lr, weight_decay, batch_size, optimizer) "
            "and model options (embed_dim, hidden, head, ...) are keyword arguments of train_fusion "
            "itself."
        )
    return options


# --------------------------------------------------------------------------- #
# private helpers shared by the experiments
# --------------------------------------------------------------------------- #
def _seed(seed: int, *salt: int) -> np.random.Generator:
    """An independent generator per (seed, purpose): data, split and corruption never share a stream."""
    return np.random.default_rng([seed_from_random_state(seed, "random_state"), *salt])


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device
