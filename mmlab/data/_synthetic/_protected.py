"""A protected attribute that only one modality shows, correlated with the label (fairness)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._projection import _make_projection, _render
from mmlab.data._synthetic._unequal import _class_means

__all__ = ["make_protected_attribute"]


def make_protected_attribute(
    n: int,
    *,
    base_rates: Sequence[float] = (0.3, 0.7),
    group_share: float = 0.5,
    signal: float = 1.5,
    image_noise: float = 0.5,
    dims: int | Sequence[int] = 16,
    hidden: int = 32,
    world: int = 0,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw a binary decision task where one modality shows a protected attribute correlated with the label.

    Each sample belongs to a group :math:`a \in \{0, 1\}` (the protected
    attribute, :math:`P(a = 1)` = ``group_share``) and has a binary label with
    a group-dependent base rate, :math:`P(y = 1 \mid a) = \pi_a` (a historical
    bias in who was labelled positive). Modality 0, the *text* (think: an
    application), renders the label and nothing about the group,

    .. math::

        x_0 = s\, M e_y + \varepsilon, \qquad \varepsilon \sim \mathcal N(0, I),

    with orthonormal class means :math:`M` and signal :math:`s`; modality 1,
    the *image* (think: a photo), renders the group and a nuisance factor and
    nothing about the label. A model that sees both can use the group as a
    prior for the label: on this data that raises its accuracy a little and
    opens a gap between the groups' true-positive rates, which a text-only
    model does not have.

    Parameters
    ----------
    n : int
        Number of samples.
    base_rates : (float, float), default=(0.3, 0.7)
        :math:`(\pi_0, \pi_1)`, each in (0, 1).
    group_share : float in (0, 1), default=0.5
        :math:`P(a = 1)`.
    signal : float, default=1.5
        :math:`s > 0`, how clearly the text shows the label.
    image_noise : float, default=0.5
        Noise standard deviation of the image features (unit-variance clean
        features); the default makes the group easy to read.
    dims : int or sequence of int, default=16
        Feature sizes of the text and the image (the text needs at least 2).
    hidden : int, default=32
        Width of the image's rendering map.
    world : int, default=0
        Seeds the class means and the image map.
    random_state : int or numpy.random.Generator, optional
        Seeds groups, labels, nuisances and noise.

    Returns
    -------
    SyntheticMultimodal
        ``modalities``: text ``(n, d_0)``, image ``(n, d_1)``; ``y`` ``(n,)``;
        ``factors`` columns ``m0:label, m1:group, m1:nuisance``;
        ``aux["group"]`` the protected attribute. ``truth.extra["bayes"]``
        holds, for the Bayes-optimal ``"text"`` model and the Bayes-optimal
        ``"fused"`` model that also knows the group, their ``accuracy``,
        ``tpr`` and ``positive_rate`` per group; ``truth.extra["label_gap"]``
        is :math:`\pi_1 - \pi_0`.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a base rate or ``group_share`` is not in (0, 1), ``signal`` is not
        positive, ``image_noise`` is negative, a size is out of range, or the
        request is too large for memory.

    Notes
    -----
    The text's log-likelihood ratio is :math:`\ell = s (z_1 - z_0)` with
    :math:`z_c = x_0^\top M e_c`, distributed :math:`\mathcal N(\pm s^2, 2 s^2)`
    under :math:`y = 1` / :math:`y = 0`. A Bayes classifier with prior
    :math:`\pi` predicts 1 when :math:`\ell > \tau = \log\frac{1-\pi}{\pi}`, so
    its true-positive rate is :math:`\Phi\big((s^2 - \tau) / (s\sqrt 2)\big)`
    and its false-positive rate :math:`\Phi\big((-s^2 - \tau) / (s\sqrt 2)\big)`.
    The text-only model uses one prior :math:`\bar\pi` for everyone (equal
    true-positive rates); the fused model uses :math:`\pi_a`, a lower threshold
    for the group with the higher base rate.

    References
    ----------
    Hardt, M., Price, E. and Srebro, N. Equality of opportunity in supervised
    learning. NeurIPS 2016.
    Srinivasan, T. and Bisk, Y. Worst of both worlds: biases compound in
    pre-trained vision-and-language models. NAACL GeBNLP workshop 2022.

    Examples
    --------
    >>> from mmlab.data import make_protected_attribute
    >>> d = make_protected_attribute(4000, random_state=0)
    >>> rates = [float(d.y[d.aux["group"] == g].mean()) for g in (0, 1)]
    >>> [round(r, 1) for r in rates]
    [0.3, 0.7]
    >>> bayes = d.truth.extra["bayes"]
    >>> fused, text = bayes["fused"]["tpr"], bayes["text"]["tpr"]
    >>> round(fused[1] - fused[0], 2), text[0] == text[1]
    (0.18, True)
    """
    n = check_positive_int(n, "n")
    rates = _check_rates(base_rates)
    share = check_fraction(group_share, "group_share", inclusive=(False, False))
    s = check_scalar(signal, "signal", min_val=0, include_boundaries="neither")
    noise = check_scalar(image_noise, "image_noise", min_val=0)
    dims_t = _check_dims(dims, 2)
    if dims_t[0] < 2:
        raise ValueError(f"the text needs at least 2 dimensions (one per class mean); got dims={list(dims_t)}.")
    hidden = check_positive_int(hidden, "hidden")
    world = check_positive_int(world, "world", minimum=0)
    rng = check_random_state(random_state)
    _check_data_size("make_protected_attribute", n, dims_t, hidden, 3, 2, 2)

    means = _class_means((dims_t[0],), 2, world)[0]
    image_map = _make_projection(2, 2, dims_t[1], hidden, np.random.default_rng([world, 5151]))
    group = (rng.random(n) < share).astype(np.int64)
    y = (rng.random(n) < np.asarray(rates)[group]).astype(np.int64)
    nuisance = rng.integers(0, 2, size=n)
    text = (s * means[:, y].T + rng.standard_normal((n, dims_t[0]))).astype(np.float32)
    image = _render(np.stack([group, nuisance], axis=1), 2, image_map, noise, rng)
    factors = np.stack([y, group, nuisance], axis=1).astype(np.int64)

    joint = np.zeros((2, 2, 2))  # p(label code, group, y)
    for a, pa in ((0, 1.0 - share), (1, share)):
        joint[1, a, 1] = pa * rates[a]
        joint[0, a, 0] = pa * (1.0 - rates[a])
    mean_rate = (1.0 - share) * rates[0] + share * rates[1]
    bayes = {
        "text": _bayes_rates(s, rates, share, (mean_rate, mean_rate)),
        "fused": _bayes_rates(s, rates, share, rates),
    }
    truth = PlantedTruth(
        kind="protected",
        description=f"P(y = 1 | group a) = {rates}; the text renders y, the image renders a",
        mixing="pure",
        components=("protected",),
        proportions=(1.0,),
        factor_names=("m0:label", "m1:group", "m1:nuisance"),
        factor_modality=(0, 1, 1),
        label_factors=MappingProxyType({"protected": (0,)}),
        n_levels=2,
        n_classes=2,
        joint=joint,
        code_factors=((0,), (1,)),
        atoms=None,
        dominant_atom=None,
        bayes_accuracy=bayes["fused"]["accuracy"],
        extra=MappingProxyType(
            {
                "base_rates": rates,
                "group_share": share,
                "signal": s,
                "label_gap": rates[1] - rates[0],
                "bayes": MappingProxyType(bayes),
                "world": world,
            }
        ),
    )
    return SyntheticMultimodal(
        modalities=(text, image),
        y=y,
        factors=factors,
        component=np.zeros(n, dtype=np.int64),
        truth=truth,
        aux=MappingProxyType({"group": group}),
    )


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _check_rates(base_rates: Any) -> tuple[float, float]:
    if isinstance(base_rates, (str, bytes)) or not isinstance(base_rates, Sequence):
        raise TypeError(f"base_rates must be a pair (pi_0, pi_1); got {type(base_rates).__name__}.")
    if len(base_rates) != 2:
        raise ValueError(f"base_rates must give one rate per group (2); got {list(base_rates)}.")
    return tuple(
        check_fraction(r, f"base_rates[{i}]", inclusive=(False, False))  # type: ignore[return-value]
        for i, r in enumerate(base_rates)
    )


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _bayes_rates(s: float, rates: tuple[float, float], share: float, priors: tuple[float, float]) -> Mapping[str, Any]:
    """Accuracy, TPR and positive rate per group of the text's Bayes rule with a prior per group."""
    tpr, fpr = [], []
    for prior in priors:
        tau = math.log((1.0 - prior) / prior)
        tpr.append(_phi((s * s - tau) / (s * math.sqrt(2.0))))
        fpr.append(_phi((-s * s - tau) / (s * math.sqrt(2.0))))
    positive = [rates[a] * tpr[a] + (1.0 - rates[a]) * fpr[a] for a in (0, 1)]
    correct = [rates[a] * tpr[a] + (1.0 - rates[a]) * (1.0 - fpr[a]) for a in (0, 1)]
    accuracy = (1.0 - share) * correct[0] + share * correct[1]
    return MappingProxyType(
        {"accuracy": accuracy, "tpr": tuple(tpr), "fpr": tuple(fpr), "positive_rate": tuple(positive)}
    )
