r"""The multimodal learning process: overfitting-to-generalisation ratio (OGR) and gradient blending.

Adding a modality can make a classifier *worse* (Wang, Tran and Feiszli
2020: on Kinetics, audio + RGB reaches 71.4 % top-1 and RGB alone 72.6 %):
the joint model overfits through the modality it memorises fastest before it
has learned the one that generalises. This module measures that and applies
their remedy.

- :class:`MultiHeadClassifier`: one encoder and one head per modality plus a
  fused head on the concatenated encodings (late fusion), all trained
  together; ``forward`` returns every head's logits;
- :func:`train_heads`: trains it on a weighted sum of the heads' losses and
  records every head's training and validation loss per epoch
  (:class:`LearningCurves`); one-hot weights train one unimodal model or the
  plain (naive) late-fusion model;
- :func:`overfitting_to_generalization_ratio`: OGR between two checkpoints;
- :func:`gradient_blend_weights`: the blending weights
  :math:`w_k \propto \Delta G_k / \Delta O_k^2`;
- :func:`estimate_blend_weights`, :func:`refit_fused_head` and
  :func:`blending_study`: the offline gradient-blending recipe end to end.

Used by: ``lectures/6_quantification/07_learning_process.ipynb`` and the
second quantification lab.

References
----------
Wang, W., Tran, D. and Feiszli, M. What makes training multi-modal
classification networks hard? CVPR 2020.
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
    check_positive_int,
    check_scalar,
    seed_from_random_state,
    split_modalities_and_labels,
)
from mmlab.runtime import seeded

__all__ = [
    "BlendEstimate",
    "BlendingStudy",
    "LearningCurves",
    "MultiHeadClassifier",
    "blending_study",
    "estimate_blend_weights",
    "gradient_blend_weights",
    "overfitting_to_generalization_ratio",
    "refit_fused_head",
    "train_heads",
]


# --------------------------------------------------------------------------- #
# OGR and the blending weights
# --------------------------------------------------------------------------- #
def overfitting_to_generalization_ratio(
    train_loss: npt.ArrayLike, val_loss: npt.ArrayLike, *, start: int = 0, end: int = -1
) -> float:
    r"""The overfitting-to-generalisation ratio of one model between two checkpoints.

    With :math:`L^T_N` and :math:`L^V_N` the training and validation losses at
    checkpoint :math:`N`, the *overfitting* is the gap
    :math:`O_N = L^V_N - L^T_N`, and between checkpoints :math:`N` and
    :math:`N + n`

    .. math::

        \Delta O = O_{N+n} - O_N, \qquad \Delta G = L^V_N - L^V_{N+n}, \qquad
        \mathrm{OGR} = \left| \frac{\Delta O}{\Delta G} \right|,

    how much the gap grew per unit of validation loss gained. A small OGR is
    learning that generalises; a large one, memorisation.

    Parameters
    ----------
    train_loss, val_loss : array-like of shape (K,)
        Losses at checkpoints 0 .. K-1 (e.g. after each epoch, 0 = before training).
    start, end : int, default=0 and -1
        The checkpoints :math:`N` and :math:`N + n` (Python indices; ``end``
        must come after ``start``).

    Returns
    -------
    float
        ``inf`` when the validation loss did not change (:math:`\Delta G = 0`).

    Raises
    ------
    ValueError
        If the curves differ in length, hold fewer than two checkpoints, are
        not finite, or ``end`` does not come after ``start``.

    References
    ----------
    Wang, W., Tran, D. and Feiszli, M. CVPR 2020, Section 3.2 (Eq. 5-6).

    Examples
    --------
    >>> overfitting_to_generalization_ratio([1.0, 0.25], [1.0, 0.5])
    0.5
    """
    lt, lv = _check_pair(train_loss, val_loss)
    i, j = _checkpoints(len(lt), start, end)
    delta_o = (lv[j] - lt[j]) - (lv[i] - lt[i])
    delta_g = lv[i] - lv[j]
    return float("inf") if delta_g == 0 else float(abs(delta_o / delta_g))


def gradient_blend_weights(
    delta_g: Mapping[str, float], delta_o: Mapping[str, float], *, min_overfitting: float = 0.01
) -> dict[str, float]:
    r"""Gradient-blending weights of several heads from their generalisation and overfitting.

    .. math::

        w_k = \frac{1}{Z} \frac{\max(\Delta G_k, 0)}{\max(\Delta O_k, \delta)^2},
        \qquad Z = \sum_k \frac{\max(\Delta G_k, 0)}{\max(\Delta O_k, \delta)^2},

    the weights that minimise the overfitting of the blended loss per unit of
    generalisation (Wang et al. 2020, Proposition 1, with :math:`\sigma_k^2`
    estimated by :math:`\Delta O_k^2`). A head whose validation loss did not
    improve gets weight 0; :math:`\delta` (``min_overfitting``) keeps a head
    that has not yet started to overfit from taking all the weight.

    Parameters
    ----------
    delta_g, delta_o : mapping of str to float
        :math:`\Delta G_k` and :math:`\Delta O_k` per head (same keys), as
        in :func:`overfitting_to_generalization_ratio`.
    min_overfitting : float, default=0.01
        :math:`\delta > 0`, in loss units.

    Returns
    -------
    dict of str to float
        The weights, summing to 1, in the order of ``delta_g``.

    Raises
    ------
    TypeError
        If an argument is not a mapping of numbers.
    ValueError
        If the keys differ or are empty, a value is not finite, or no head
        improved its validation loss (every :math:`\Delta G_k \le 0`).

    References
    ----------
    Wang, W., Tran, D. and Feiszli, M. CVPR 2020, Section 3.3.

    Examples
    --------
    >>> w = gradient_blend_weights({"a": 0.2, "b": 0.1}, {"a": 0.1, "b": 0.2})
    >>> {k: round(v, 3) for k, v in w.items()}
    {'a': 0.889, 'b': 0.111}
    """
    if not isinstance(delta_g, Mapping) or not isinstance(delta_o, Mapping):
        raise TypeError("delta_g and delta_o must be mappings of head name to a number.")
    if not delta_g or set(delta_g) != set(delta_o):
        raise ValueError(
            f"delta_g and delta_o must name the same heads (at least one); got {list(delta_g)} and {list(delta_o)}."
        )
    floor = check_scalar(min_overfitting, "min_overfitting", min_val=0, include_boundaries="neither")
    raw = {}
    for k in delta_g:
        g = check_scalar(delta_g[k], f"delta_g[{k!r}]")
        o = check_scalar(delta_o[k], f"delta_o[{k!r}]")
        raw[k] = max(g, 0.0) / max(o, floor) ** 2
    total = sum(raw.values())
    if total <= 0:
        raise ValueError(
            f"no head improved its validation loss (every delta_g <= 0: {dict(delta_g)}); the weights "
            "are undefined. Measure over an earlier or shorter window."
        )
    return {k: v / total for k, v in raw.items()}


# --------------------------------------------------------------------------- #
# the model and its training
# --------------------------------------------------------------------------- #
class MultiHeadClassifier(nn.Module):
    r"""Late fusion with a head per modality and a fused head on the concatenated encodings.

    .. math::

        f(x) = \big[h_1(e_1(x_1)), \dots, h_M(e_M(x_M)), h_F([e_1(x_1); \dots; e_M(x_M)])\big]

    Each encoder :math:`e_m` is an MLP with one hidden ReLU layer; each head
    :math:`h_m` and the fused head :math:`h_F` is linear. Trained with a
    one-hot weight on head :math:`m` it is a unimodal model of modality
    :math:`m`; with the weight on :math:`h_F` alone, plain late fusion; with
    blended weights, gradient blending. At prediction time the fused head
    answers (:meth:`predict_fused`).

    Parameters
    ----------
    in_dims : sequence of int
        Feature size of each modality (at least one).
    n_classes : int
    embed_dim : int, default=16
    hidden : int, default=32

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive int, or ``in_dims`` is empty.

    Examples
    --------
    >>> net = MultiHeadClassifier([4, 6], 3)
    >>> net([torch.randn(5, 4), torch.randn(5, 6)]).shape   # (batch, heads = M + 1, classes)
    torch.Size([5, 3, 3])
    """

    def __init__(self, in_dims: Sequence[int], n_classes: int, *, embed_dim: int = 16, hidden: int = 32) -> None:
        super().__init__()
        if isinstance(in_dims, (str, bytes)) or not isinstance(in_dims, Sequence) or not in_dims:
            raise ValueError(f"in_dims must list the feature size of at least one modality; got {in_dims!r}.")
        dims = [check_positive_int(d, f"in_dims[{i}]") for i, d in enumerate(in_dims)]
        c = check_positive_int(n_classes, "n_classes", minimum=2)
        e = check_positive_int(embed_dim, "embed_dim")
        h = check_positive_int(hidden, "hidden")
        self.in_dims = tuple(dims)
        self.encoders = nn.ModuleList(nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, e)) for d in dims)
        self.heads = nn.ModuleList(nn.Linear(e, c) for _ in dims)
        self.fused = nn.Linear(e * len(dims), c)

    @property
    def n_heads(self) -> int:
        """Number of heads: one per modality plus the fused one."""
        return len(self.heads) + 1

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        z = [enc(x) for enc, x in zip(self.encoders, xs, strict=True)]
        logits = [head(zi) for head, zi in zip(self.heads, z, strict=True)] + [self.fused(torch.cat(z, dim=1))]
        return torch.stack(logits, dim=1)

    def predict_fused(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The fused head's logits ``(batch, n_classes)``, in evaluation mode and without gradients."""
        was = self.training
        self.eval()
        with torch.no_grad():
            out = self(xs)[:, -1]
        self.train(was)
        return out


@dataclass
class LearningCurves:
    """Training and validation loss of every head after each epoch (checkpoint 0 = before training).

    Attributes
    ----------
    heads : tuple of str
        Head names: the modality names, then ``"fused"``.
    weights : tuple of float
        The loss weight of each head during training.
    train_loss, val_loss : dict of str to list of float
        Per head, the loss on the whole training and validation sets at each checkpoint.
    """

    heads: tuple[str, ...]
    weights: tuple[float, ...]
    train_loss: dict[str, list[float]] = field(default_factory=dict)
    val_loss: dict[str, list[float]] = field(default_factory=dict)

    @property
    def epochs(self) -> list[int]:
        """The checkpoints, 0 .. number of epochs."""
        return list(range(len(next(iter(self.train_loss.values())))))

    def ogr(self, head: str, start: int = 0, end: int = -1) -> float:
        """:func:`overfitting_to_generalization_ratio` of one head."""
        return overfitting_to_generalization_ratio(self.train_loss[head], self.val_loss[head], start=start, end=end)

    def deltas(self, head: str, start: int = 0, end: int = -1) -> tuple[float, float]:
        r"""``(ΔG, ΔO)`` of one head between two checkpoints."""
        lt, lv = np.asarray(self.train_loss[head]), np.asarray(self.val_loss[head])
        i, j = _checkpoints(len(lt), start, end)
        return float(lv[i] - lv[j]), float((lv[j] - lt[j]) - (lv[i] - lt[i]))


def train_heads(
    model: MultiHeadClassifier,
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    *,
    weights: Sequence[float],
    epochs: int,
    val: tuple[Sequence[torch.Tensor], torch.Tensor] | None = None,
    names: Sequence[str] | None = None,
    optimizer: str = "sgd",
    lr: float = 0.02,
    batch_size: int = 32,
    random_state: RandomState = 0,
) -> LearningCurves:
    r"""Train a :class:`MultiHeadClassifier` on a weighted sum of its heads' losses, recording every head.

    .. math::

        \mathcal L = \sum_{k=1}^{M+1} w_k\, \mathrm{CE}\big(h_k(x), y\big),

    minimised by mini-batch SGD with momentum 0.9 (the optimiser of Wang et
    al.; with SGD a weight scales the step of the parameters only its head
    uses) or Adam. Heads with weight 0 are not trained but are still
    recorded. After every epoch each head's mean loss on the whole training
    set and on ``val`` is stored.

    Parameters
    ----------
    model : MultiHeadClassifier
    xs : sequence of torch.Tensor
        Training modalities, ``(n, d_m)`` each.
    y : torch.Tensor of shape (n,)
        Integer labels.
    weights : sequence of float
        :math:`w_k \ge 0`, one per head (modalities, then fused), not all 0.
    epochs : int
    val : (xs, y), optional
        Validation data (required to record validation losses).
    names : sequence of str, optional
        Modality names; default ``"m0"``, ``"m1"``, ...
    optimizer : {"sgd", "adam"}, default="sgd"
    lr : float, default=0.02
    batch_size : int, default=32
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the batch order.

    Returns
    -------
    LearningCurves

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`MultiHeadClassifier`.
    ValueError
        If the weights do not give one non-negative value per head with a
        positive sum, the data are not paired with ``model``'s modalities,
        or a size or option is invalid.
    """
    if not isinstance(model, MultiHeadClassifier):
        raise TypeError(f"model must be a MultiHeadClassifier; got {type(model).__name__}.")
    w = check_array(weights, "weights", ndim=1, dtype=float)
    if w.size != model.n_heads or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(
            f"weights must give one non-negative weight per head ({model.n_heads}: the modalities, then "
            f"the fused head) with a positive sum; got {w.tolist()}."
        )
    xs, y = _check_data(model, xs, y, "xs")
    if val is not None:
        val = _check_data(model, val[0], val[1], "val")
    epochs = check_positive_int(epochs, "epochs")
    optimizer = check_choice(optimizer, "optimizer", ("sgd", "adam"))
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = seed_from_random_state(random_state)
    heads = tuple(names) if names is not None else tuple(f"m{i}" for i in range(len(xs)))
    if len(heads) != len(xs):
        raise ValueError(f"names must give one name per modality ({len(xs)}); got {list(heads)}.")
    curves = LearningCurves(heads=(*heads, "fused"), weights=tuple(float(v) for v in w))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=lr, momentum=0.9) if optimizer == "sgd" else torch.optim.Adam(params, lr=lr)
    wt = torch.as_tensor(w, dtype=torch.float32)
    active = [k for k in range(model.n_heads) if w[k] > 0]
    _record(model, curves, xs, y, val)
    n = y.shape[0]
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 7919 + epoch))
        for idx in order.split(batch_size):
            out = model([x[idx] for x in xs])
            loss = sum(wt[k] * nn.functional.cross_entropy(out[:, k], y[idx]) for k in active)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        _record(model, curves, xs, y, val)
    model.eval()
    return curves


def _record(
    model: MultiHeadClassifier,
    curves: LearningCurves,
    xs: list[torch.Tensor],
    y: torch.Tensor,
    val: tuple[list[torch.Tensor], torch.Tensor] | None,
) -> None:
    model.eval()
    with torch.no_grad():
        sets = [((xs, y), curves.train_loss)] + ([(val, curves.val_loss)] if val is not None else [])
        for (bx, by), store in sets:
            out = model(bx)
            for k, name in enumerate(curves.heads):
                store.setdefault(name, []).append(float(nn.functional.cross_entropy(out[:, k], by)))


def refit_fused_head(
    model: MultiHeadClassifier,
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    val: tuple[Sequence[torch.Tensor], torch.Tensor],
    *,
    epochs: int = 40,
    lr: float = 0.02,
    batch_size: int = 32,
    random_state: RandomState = 0,
) -> int:
    r"""Re-fit the fused head on frozen encoders, keeping the epoch with the lowest validation loss.

    The encoders :math:`e_m` are frozen and a fresh linear head
    :math:`h_F` is trained on :math:`[e_1(x_1); \dots; e_M(x_M)]` by SGD with
    momentum; after every epoch its validation loss is measured and the best
    head (epoch 0: the fresh head) replaces ``model.fused``. This is how
    MultiBench deploys a gradient-blended model: the blend shapes the
    encoders, the fused head is then fitted to them.

    Parameters
    ----------
    model : MultiHeadClassifier
        Modified in place (only ``model.fused``).
    xs, y : training data
    val : (xs, y)
        Held-out data that pick the epoch.
    epochs, lr, batch_size, random_state
        As :func:`train_heads`.

    Returns
    -------
    int
        The epoch kept.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`MultiHeadClassifier`.
    ValueError
        If the data do not fit the model, or an option is invalid.

    References
    ----------
    Liang, P. P. et al. MultiBench. NeurIPS 2021 (``training_structures/gradient_blend.py``: the head is fine-tuned
    on the blended encoders' features).
    """
    if not isinstance(model, MultiHeadClassifier):
        raise TypeError(f"model must be a MultiHeadClassifier; got {type(model).__name__}.")
    xs, y = _check_data(model, xs, y, "xs")
    vx, vy = _check_data(model, val[0], val[1], "val")
    epochs = check_positive_int(epochs, "epochs")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = seed_from_random_state(random_state)
    model.eval()
    with torch.no_grad():
        z_train = torch.cat([enc(x) for enc, x in zip(model.encoders, xs, strict=True)], dim=1)
        z_val = torch.cat([enc(x) for enc, x in zip(model.encoders, vx, strict=True)], dim=1)
    with seeded(seed):
        head = nn.Linear(model.fused.in_features, model.fused.out_features)
    opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=0.9)

    def val_loss() -> float:
        with torch.no_grad():
            return float(nn.functional.cross_entropy(head(z_val), vy))

    best, best_epoch, best_state = val_loss(), 0, {k: v.clone() for k, v in head.state_dict().items()}
    for epoch in range(1, epochs + 1):
        order = torch.randperm(y.shape[0], generator=torch.Generator().manual_seed(seed * 7919 + epoch))
        for idx in order.split(batch_size):
            loss = nn.functional.cross_entropy(head(z_train[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        current = val_loss()
        if current < best:
            best, best_epoch, best_state = current, epoch, {k: v.clone() for k, v in head.state_dict().items()}
    model.fused.load_state_dict(best_state)
    return best_epoch


# --------------------------------------------------------------------------- #
# the offline gradient-blending recipe
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class BlendEstimate:
    """What :func:`estimate_blend_weights` measured: per head, over the estimation window.

    Attributes
    ----------
    weights : dict of str to float
        The blending weights (sum 1).
    delta_g, delta_o, ogr : dict of str to float
        :math:`\\Delta G`, :math:`\\Delta O` and OGR of each head trained alone.
    curves : dict of str to LearningCurves
        The run of each head trained alone.
    """

    weights: dict[str, float]
    delta_g: dict[str, float]
    delta_o: dict[str, float]
    ogr: dict[str, float]
    curves: dict[str, LearningCurves]


def estimate_blend_weights(
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    val: tuple[Sequence[torch.Tensor], torch.Tensor],
    *,
    n_classes: int,
    window: int = 2,
    names: Sequence[str] | None = None,
    min_overfitting: float = 0.01,
    embed_dim: int = 16,
    hidden: int = 32,
    lr: float = 0.02,
    batch_size: int = 32,
    random_state: RandomState = 0,
) -> BlendEstimate:
    r"""Estimate gradient-blending weights: train each head alone for ``window`` epochs and measure it.

    For each head :math:`k` (every modality alone, and the fused head alone,
    i.e. plain late fusion) a fresh :class:`MultiHeadClassifier` is trained
    with weight 1 on that head from the same initialisation, and
    :math:`\Delta G_k`, :math:`\Delta O_k` are read between checkpoints 0 and
    ``window`` on ``val``, a split held out from training. The weights follow
    from :func:`gradient_blend_weights` (Wang et al.'s *offline* G-Blend).

    Parameters
    ----------
    xs, y : training data
    val : (xs, y)
        Held-out data for the validation losses.
    n_classes : int
    window : int, default=2
        Epochs of the estimate (Wang et al.'s super-epoch).
    names, embed_dim, hidden, lr, batch_size, random_state
        As :class:`MultiHeadClassifier` and :func:`train_heads`.
    min_overfitting : float, default=0.01
        As :func:`gradient_blend_weights`.

    Returns
    -------
    BlendEstimate

    Raises
    ------
    ValueError
        As :func:`train_heads` and :func:`gradient_blend_weights`.
    """
    window = check_positive_int(window, "window")
    seed = seed_from_random_state(random_state)
    dims = [int(x.shape[1]) for x in xs]
    heads = (*(tuple(names) if names is not None else tuple(f"m{i}" for i in range(len(dims)))), "fused")
    curves, dg, do, ogr = {}, {}, {}, {}
    for k, head in enumerate(heads):
        model = _fresh(dims, n_classes, embed_dim, hidden, seed)
        onehot = [1.0 if j == k else 0.0 for j in range(len(heads))]
        run = train_heads(
            model,
            xs,
            y,
            weights=onehot,
            epochs=window,
            val=val,
            names=heads[:-1],
            lr=lr,
            batch_size=batch_size,
            random_state=seed,
        )
        curves[head] = run
        dg[head], do[head] = run.deltas(head)
        ogr[head] = run.ogr(head)
    weights = gradient_blend_weights(dg, do, min_overfitting=min_overfitting)
    return BlendEstimate(weights=weights, delta_g=dg, delta_o=do, ogr=ogr, curves=curves)


@dataclass(frozen=True)
class BlendingStudy:
    """Unimodal, naive late-fusion and gradient-blended models on the same data (:func:`blending_study`).

    Attributes
    ----------
    accuracy : dict of str to float
        Test accuracy of each modality's unimodal model (by name), ``"naive"``
        (late fusion trained on the fused head alone), ``"naive_refit"`` (the
        same after :func:`refit_fused_head`, a control) and ``"blended"`` (the
        model trained with the blending weights, its fused head refit by
        :func:`refit_fused_head` as MultiBench deploys it).
    estimate : BlendEstimate
    curves : dict of str to LearningCurves
        The full runs: each unimodal model, ``"naive"`` and ``"blended"``.
    """

    accuracy: dict[str, float]
    estimate: BlendEstimate
    curves: dict[str, LearningCurves]

    @property
    def best_unimodal(self) -> tuple[str, float]:
        """The most accurate unimodal model and its accuracy."""
        uni = {k: v for k, v in self.accuracy.items() if k not in ("naive", "naive_refit", "blended")}
        best = max(uni, key=uni.get)
        return best, uni[best]


def blending_study(
    train: Any,
    val: Any,
    test: Any,
    *,
    epochs: int,
    window: int = 2,
    names: Sequence[str] | None = None,
    min_overfitting: float = 0.01,
    lr: float = 0.02,
    batch_size: int = 32,
    embed_dim: int = 16,
    hidden: int = 32,
    random_state: RandomState = 0,
) -> BlendingStudy:
    """Train unimodal models, naive late fusion and gradient blending, and score each on ``test``.

    Every model is a :class:`MultiHeadClassifier` with the same initialisation,
    trained by :func:`train_heads` (SGD) for ``epochs`` on ``train`` with
    validation losses on ``val``; only the loss weights differ: one-hot on a
    modality's head (unimodal), one-hot on the fused head (naive), or
    :func:`estimate_blend_weights` (blended). A unimodal model answers with its
    own head, the others with the fused head; the blended model's fused head
    is refit on its frozen encoders first (:func:`refit_fused_head`, as
    MultiBench deploys gradient blending), and so, as a control, is a copy of
    the naive model's.

    Parameters
    ----------
    train, val, test : data set with ``modalities`` and ``y`` (or a pair)
        E.g. the parts of :meth:`mmlab.data.SyntheticMultimodal.split`.
    epochs : int
    window, min_overfitting
        As :func:`estimate_blend_weights`.
    names, lr, batch_size, embed_dim, hidden, random_state
        As :func:`train_heads` and :class:`MultiHeadClassifier`.

    Returns
    -------
    BlendingStudy

    Raises
    ------
    TypeError
        If a data argument has no modalities and labels.
    ValueError
        As :func:`train_heads` and :func:`estimate_blend_weights`.

    Examples
    --------
    >>> from mmlab.data import make_unequal_modalities
    >>> d = make_unequal_modalities(400, dims=(8, 64), signal=(1.7, 0.7), random_state=0)
    >>> study = blending_study(*d.split((0.5, 0.25, 0.25), random_state=0), epochs=2)
    >>> sorted(study.accuracy)
    ['blended', 'm0', 'm1', 'naive', 'naive_refit']
    """
    xs, y = _as_tensors(train, "train")
    vx, vy = _as_tensors(val, "val")
    tx, ty = _as_tensors(test, "test")
    seed = seed_from_random_state(random_state)
    n_classes = int(max(int(y.max()), int(vy.max()), int(ty.max())) + 1)
    heads = tuple(names) if names is not None else tuple(f"m{i}" for i in range(len(xs)))
    estimate = estimate_blend_weights(
        xs,
        y,
        (vx, vy),
        n_classes=n_classes,
        window=window,
        names=heads,
        min_overfitting=min_overfitting,
        embed_dim=embed_dim,
        hidden=hidden,
        lr=lr,
        batch_size=batch_size,
        random_state=seed,
    )
    dims = [int(x.shape[1]) for x in xs]
    runs = {
        **{h: [1.0 if j == k else 0.0 for j in range(len(heads) + 1)] for k, h in enumerate(heads)},
        "naive": [0.0] * len(heads) + [1.0],
        "blended": [estimate.weights[h] for h in (*heads, "fused")],
    }
    accuracy, curves = {}, {}

    def score(model: MultiHeadClassifier, k: int) -> float:
        with torch.no_grad():
            return float((model(tx)[:, k].argmax(dim=1) == ty).double().mean())

    for name, weights in runs.items():
        model = _fresh(dims, n_classes, embed_dim, hidden, seed)
        curves[name] = train_heads(
            model,
            xs,
            y,
            weights=weights,
            epochs=epochs,
            val=(vx, vy),
            names=heads,
            lr=lr,
            batch_size=batch_size,
            random_state=seed,
        )
        if name in heads:
            accuracy[name] = score(model, heads.index(name))
            continue
        if name == "naive":
            accuracy["naive"] = score(model, -1)
        refit_fused_head(model, xs, y, (vx, vy), lr=lr, batch_size=batch_size, random_state=seed)
        accuracy["naive_refit" if name == "naive" else "blended"] = score(model, -1)
    return BlendingStudy(accuracy=accuracy, estimate=estimate, curves=curves)


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _fresh(dims: list[int], n_classes: int, embed_dim: int, hidden: int, seed: int) -> MultiHeadClassifier:
    """A model initialised from ``seed`` without touching the global random state."""
    with seeded(seed):
        return MultiHeadClassifier(dims, n_classes, embed_dim=embed_dim, hidden=hidden)


def _as_tensors(data: Any, name: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    xs, y = split_modalities_and_labels(data, name)
    return [torch.as_tensor(x, dtype=torch.float32) for x in xs], torch.as_tensor(y).long()


def _check_data(model: MultiHeadClassifier, xs: Any, y: Any, name: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or len(xs) != len(model.in_dims):
        raise ValueError(f"{name} must be a list of {len(model.in_dims)} modality tensors, one per encoder.")
    for i, (x, d) in enumerate(zip(xs, model.in_dims, strict=True)):
        if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.shape[1] != d:
            raise ValueError(
                f"{name}[{i}] must be a tensor of shape (n, {d}); got "
                f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}."
            )
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or any(x.shape[0] != y.shape[0] for x in xs):
        raise ValueError(f"the labels of {name} must be a 1-D tensor paired with its modalities.")
    return [x.float() for x in xs], y.long()


def _check_pair(train_loss: Any, val_loss: Any) -> tuple[np.ndarray, np.ndarray]:
    lt = check_array(train_loss, "train_loss", ndim=1, dtype=float)
    lv = check_array(val_loss, "val_loss", ndim=1, dtype=float)
    if lt.size != lv.size or lt.size < 2:
        raise ValueError(
            f"train_loss and val_loss must give the losses at the same checkpoints (at least two); got "
            f"{lt.size} and {lv.size} values."
        )
    return lt, lv


def _checkpoints(k: int, start: int, end: int) -> tuple[int, int]:
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not -k <= v < k:
            raise ValueError(f"{name} must index one of the {k} checkpoints; got {v!r}.")
    i, j = int(start) % k, int(end) % k
    if j <= i:
        raise ValueError(f"end must come after start; got checkpoints {i} and {j}.")
    return i, j
