"""Fairness across groups: rates per group of a protected attribute, their gaps, and a reweighing mitigation.

A protected attribute (a group) that one modality reveals, and that is
correlated with the label in the training data, is a prior a multimodal
model can exploit: its accuracy rises a little and its errors split unevenly
across the groups. Here we measure that gap and shrink it.

- :func:`group_rates`: accuracy, positive rate, true- and false-positive rate
  of the predictions in each group (:class:`GroupRates`);
- :func:`group_gap`: the largest difference of one rate between groups
  (demographic parity for the positive rate, equal opportunity for the
  true-positive rate);
- :func:`reweighing_weights`: the per-sample weights that make the label
  independent of the group in the weighted training set (Kamiran & Calders
  2012);
- :func:`fairness_study`: a text-only model, a fused model and a fused model
  trained with reweighing, with their accuracies and group rates.

Used by: ``lectures/6_quantification/04_modality_bias_and_fairness.ipynb``.

References
----------
Hardt, M., Price, E. and Srebro, N. Equality of opportunity in supervised
learning. NeurIPS 2016.
Kamiran, F. and Calders, T. Data preprocessing techniques for classification
without discrimination. Knowledge and Information Systems 33(1), 2012.
Zhao, J. et al. Men also like shopping: reducing gender bias amplification
using corpus-level constraints. EMNLP 2017.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from mmlab._validation import RandomState, check_array, check_choice, check_positive_int, seed_from_random_state
from mmlab.runtime import seeded

__all__ = [
    "GROUP_RATES",
    "FairnessStudy",
    "GroupRates",
    "fairness_study",
    "group_gap",
    "group_rates",
    "reweighing_weights",
]

#: The per-group rates :func:`group_rates` reports and :func:`group_gap` compares.
GROUP_RATES: tuple[str, ...] = ("accuracy", "positive_rate", "tpr", "fpr")


@dataclass(frozen=True)
class GroupRates:
    """Rates of binary predictions in each group.

    Attributes
    ----------
    groups : tuple of int
        The group values, sorted.
    accuracy, positive_rate, tpr, fpr : dict of int to float
        Per group: share correct, share predicted 1, share predicted 1 among
        the positives (true-positive rate), among the negatives (false-positive rate).
    label_rate : dict of int to float
        Per group: share of positive *labels*.
    size : dict of int to int
        Samples per group.
    """

    groups: tuple[int, ...]
    accuracy: dict[int, float]
    positive_rate: dict[int, float]
    tpr: dict[int, float]
    fpr: dict[int, float]
    label_rate: dict[int, float]
    size: dict[int, int]

    def gap(self, rate: str = "tpr") -> float:
        """:func:`group_gap` of one rate: its largest minus its smallest value across groups."""
        values = getattr(self, check_choice(rate, "rate", GROUP_RATES + ("label_rate",))).values()
        return float(max(values) - min(values))


def group_rates(pred: npt.ArrayLike, y: npt.ArrayLike, group: npt.ArrayLike) -> GroupRates:
    r"""Accuracy, positive rate, TPR and FPR of binary predictions within each group.

    For group :math:`a`,

    .. math::

        \mathrm{PR}_a = P(\hat y = 1 \mid A = a), \quad
        \mathrm{TPR}_a = P(\hat y = 1 \mid Y = 1, A = a), \quad
        \mathrm{FPR}_a = P(\hat y = 1 \mid Y = 0, A = a),

    estimated by the shares in the sample.

    Parameters
    ----------
    pred, y : array-like of shape (N,)
        Predicted and true labels, 0 or 1.
    group : array-like of shape (N,)
        Integer group of each sample (the protected attribute).

    Returns
    -------
    GroupRates

    Raises
    ------
    ValueError
        If the arrays differ in length, are empty, hold labels other than 0
        and 1, or a group has no positive or no negative label (TPR or FPR
        undefined).

    Examples
    --------
    >>> r = group_rates([1, 0, 1, 1], [1, 0, 0, 1], [0, 0, 1, 1])
    >>> r.tpr, r.fpr
    ({0: 1.0, 1: 1.0}, {0: 0.0, 1: 1.0})
    """
    p = check_array(pred, "pred", ndim=1)
    t = check_array(y, "y", ndim=1)
    g = check_array(group, "group", ndim=1)
    if not (p.size == t.size == g.size) or p.size == 0:
        raise ValueError(
            f"pred, y and group must hold the same samples (at least one); got lengths {p.size}, {t.size} and {g.size}."
        )
    for name, v in (("pred", p), ("y", t)):
        if not np.isin(v, (0, 1)).all():
            raise ValueError(f"{name} must hold binary labels 0 and 1; got the values {np.unique(v)[:6].tolist()}.")
    if not np.all(np.mod(g, 1) == 0):
        raise ValueError("group must hold integer group values.")
    p, t, g = p.astype(int), t.astype(int), g.astype(int)
    groups = tuple(int(a) for a in np.unique(g))
    out: dict[str, dict[int, float]] = {k: {} for k in ("accuracy", "positive_rate", "tpr", "fpr", "label_rate")}
    size = {}
    for a in groups:
        rows = g == a
        pos, neg = rows & (t == 1), rows & (t == 0)
        if not pos.any() or not neg.any():
            raise ValueError(
                f"group {a} has no {'positive' if not pos.any() else 'negative'} label, so its "
                "TPR or FPR is undefined; use a larger sample."
            )
        size[a] = int(rows.sum())
        out["accuracy"][a] = float((p[rows] == t[rows]).mean())
        out["positive_rate"][a] = float(p[rows].mean())
        out["tpr"][a] = float(p[pos].mean())
        out["fpr"][a] = float(p[neg].mean())
        out["label_rate"][a] = float(t[rows].mean())
    return GroupRates(groups=groups, size=size, **out)


def group_gap(pred: npt.ArrayLike, y: npt.ArrayLike, group: npt.ArrayLike, *, rate: str = "tpr") -> float:
    r"""The gap of one rate between groups: :math:`\max_a r_a - \min_a r_a`.

    ``rate="positive_rate"`` is the demographic-parity difference,
    ``rate="tpr"`` the equal-opportunity difference (Hardt et al. 2016),
    ``rate="accuracy"`` the accuracy gap.

    Parameters
    ----------
    pred, y, group
        As :func:`group_rates`.
    rate : {"accuracy", "positive_rate", "tpr", "fpr"}, default="tpr"

    Returns
    -------
    float
        In [0, 1]; 0 when every group has the same rate.

    Raises
    ------
    ValueError
        If ``rate`` is unknown, or as :func:`group_rates`.

    Examples
    --------
    >>> group_gap([1, 0, 1, 1], [1, 0, 0, 1], [0, 0, 1, 1], rate="positive_rate")
    0.5
    """
    rate = check_choice(rate, "rate", GROUP_RATES)
    return group_rates(pred, y, group).gap(rate)


def reweighing_weights(y: npt.ArrayLike, group: npt.ArrayLike) -> np.ndarray:
    r"""Per-sample weights that make the label independent of the group (reweighing).

    .. math::

        w_i = \frac{P(A = a_i)\, P(Y = y_i)}{P(A = a_i, Y = y_i)},

    with the probabilities estimated by counts. Under these weights the joint
    of group and label is the product of their marginals, so a model trained
    on the weighted data gains nothing from the group as a prior for the
    label; every sample keeps its features (Kamiran & Calders 2012).

    Parameters
    ----------
    y : array-like of shape (N,)
        Labels (any integers).
    group : array-like of shape (N,)
        Groups (any integers).

    Returns
    -------
    ndarray of shape (N,)
        Positive weights; their mean is 1 when every (group, label) pair occurs.

    Raises
    ------
    ValueError
        If the arrays differ in length, are empty, or are not integers.

    References
    ----------
    Kamiran, F. and Calders, T. Knowledge and Information Systems 33(1), 2012, Section 5.

    Examples
    --------
    >>> reweighing_weights([1, 1, 0, 0, 1, 0], [1, 1, 1, 0, 0, 0]).round(3).tolist()
    [0.75, 0.75, 1.5, 0.75, 1.5, 0.75]
    """
    t = check_array(y, "y", ndim=1)
    g = check_array(group, "group", ndim=1)
    if t.size != g.size or t.size == 0:
        raise ValueError(f"y and group must hold the same samples (at least one); got {t.size} and {g.size}.")
    if not (np.all(np.mod(t, 1) == 0) and np.all(np.mod(g, 1) == 0)):
        raise ValueError("y and group must hold integer values.")
    n = t.size
    weights = np.empty(n)
    for a in np.unique(g):
        for c in np.unique(t):
            cell = (g == a) & (t == c)
            if cell.any():
                weights[cell] = (np.mean(g == a) * np.mean(t == c)) / (cell.sum() / n)
    return weights


# --------------------------------------------------------------------------- #
# the study
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class FairnessStudy:
    """Text-only, fused and reweighed fused models on data with a protected attribute.

    Attributes
    ----------
    accuracy : dict of str to float
        Test accuracy of ``"text"``, ``"fused"`` and ``"fused + reweighing"``.
    rates : dict of str to GroupRates
        Their rates per group on the test set.
    label_gap : float
        The gap between the groups' positive-label rates on the test set.
    models : dict of str to torch.nn.Module
        The trained models (evaluation mode); each takes the list of the
        modalities it uses (``"text"``: the text only).
    """

    accuracy: dict[str, float]
    rates: dict[str, GroupRates]
    label_gap: float
    models: dict[str, Any] = field(default_factory=dict)

    def gap(self, model: str, rate: str = "tpr") -> float:
        """:meth:`GroupRates.gap` of one model."""
        return self.rates[model].gap(rate)


def fairness_study(
    train: Any,
    test: Any,
    *,
    epochs: int,
    lr: float = 3e-3,
    batch_size: int = 64,
    embed_dim: int = 16,
    hidden: int = 32,
    random_state: RandomState = 0,
) -> FairnessStudy:
    """Train a text-only model, a fused model and a fused model with reweighing; measure them per group.

    Data: :func:`mmlab.data.make_protected_attribute` (modality 0 the text,
    modality 1 the image that reveals the group, ``aux["group"]``). Every
    model is an encoders + concatenation + linear head
    :class:`mmlab.fusion.MultimodalClassifier` from the same seed, trained with
    Adam on the (weighted) cross-entropy; the reweighed model's loss weights
    come from :func:`reweighing_weights`.

    Parameters
    ----------
    train, test : SyntheticMultimodal
        With ``aux["group"]``.
    epochs, lr, batch_size, embed_dim, hidden, random_state
        Training and model options.

    Returns
    -------
    FairnessStudy

    Raises
    ------
    TypeError
        If ``train`` or ``test`` has no ``modalities``, ``y`` and ``aux["group"]``.
    ValueError
        If the data do not have two modalities, or an option is invalid.
    """
    from mmlab.fusion import MultimodalClassifier
    from mmlab.train import fit

    for name, data in (("train", train), ("test", test)):
        if not (hasattr(data, "modalities") and hasattr(data, "y") and "group" in getattr(data, "aux", {})):
            raise TypeError(
                f"{name} must be a data set with modalities, y and aux['group'] (mmlab.data.make_protected_attribute)."
            )
        if len(data.modalities) != 2:
            raise ValueError(f"{name} must have two modalities (text, image); got {len(data.modalities)}.")
    epochs = check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    xs = [torch.as_tensor(x, dtype=torch.float32) for x in train.modalities]
    tx = [torch.as_tensor(x, dtype=torch.float32) for x in test.modalities]
    y = torch.as_tensor(train.y).long()
    weights = torch.as_tensor(reweighing_weights(train.y, train.aux["group"]), dtype=torch.float32)

    def weighted(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        # target packs (label, weight) so that each batch carries its own weights
        losses = torch.nn.functional.cross_entropy(out, target[:, 0].long(), reduction="none")
        return (losses * target[:, 1]).sum() / target[:, 1].sum()

    accuracy, rates, models = {}, {}, {}
    for name, keep, reweigh in (("text", (0,), False), ("fused", (0, 1), False), ("fused + reweighing", (0, 1), True)):
        with seeded(seed):
            net = MultimodalClassifier.build(
                [int(xs[i].shape[1]) for i in keep], 2, "concat", embed_dim=embed_dim, hidden=hidden
            )
        inputs = [xs[i] for i in keep]
        if reweigh:
            fit(
                net,
                inputs,
                torch.stack([y.float(), weights], dim=1),
                epochs=epochs,
                lr=lr,
                batch_size=batch_size,
                loss=weighted,
                metrics={},
                random_state=seed,
                progress=False,
                device="cpu",
            )
        else:
            fit(
                net,
                inputs,
                y,
                epochs=epochs,
                lr=lr,
                batch_size=batch_size,
                random_state=seed,
                progress=False,
                device="cpu",
            )
        net.eval()
        with torch.no_grad():
            pred = net([tx[i] for i in keep]).argmax(dim=1).numpy()
        accuracy[name] = float((pred == np.asarray(test.y)).mean())
        rates[name] = group_rates(pred, test.y, test.aux["group"])
        models[name] = net
    label_gap = rates["text"].gap("label_rate")
    return FairnessStudy(accuracy=accuracy, rates=rates, label_gap=label_gap, models=models)
