r"""Evaluating generators: recognition by an independent classifier, cross-modal coherence, diversity,
nearest-neighbour memorisation, and a kernel estimate of likelihood.

No single number says whether a generator is good (Theis, van den Oord and Bethge, 2016). Each function
here answers one question, and the ethics lecture shows a generator that passes each test while failing
another:

- :func:`fit_judge` and :func:`recognition_rate`: does a classifier trained on *real* data only
  recognise the requested class in the samples? (quality and faithfulness to the condition; blind to
  copying and to a lack of variety);
- :func:`coherence`: do the modalities of generated pairs agree, compared with chance agreement given
  their marginals? (cross-modal consistency);
- :func:`diversity`: how different are samples of one class from each other, compared with real data?
  (blind to quality);
- :func:`nearest_neighbour_distance` and :func:`memorisation_ratio`: are samples closer to the
  training set than to held-out data of the same size? (copying; blind to quality);
- :func:`parzen_log_likelihood`: how likely is held-out data under a kernel density around the samples?
  (an estimate with a known bias, kept to show why likelihood must come from the model itself).

Used by: every generation lecture; ``lectures/4_generation/04_ethics_and_evaluation.ipynb`` compares them.

References: Theis, L., van den Oord, A. and Bethge, M. A note on the evaluation of generative models.
ICLR 2016. Salimans, T. et al. Improved techniques for training GANs. NeurIPS 2016. Carlini, N. et al.
Extracting training data from diffusion models. USENIX Security 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_positive_int, check_same_length, check_scalar

__all__ = [
    "Coherence",
    "coherence",
    "diversity",
    "fit_judge",
    "memorisation_ratio",
    "nearest_neighbour_distance",
    "parzen_log_likelihood",
    "recognition_rate",
]


def _rows(x: Any, name: str) -> np.ndarray:
    arr = check_array(x, name, ndim=2, dtype=float)
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one row; got shape {arr.shape}.")
    return arr


def _labels(y: Any, name: str) -> np.ndarray:
    arr = check_array(y, name, ndim=1)
    if arr.size and not (np.issubdtype(arr.dtype, np.integer) or np.all(arr == np.round(arr))):
        bad = arr[arr != np.round(arr)][0]
        raise ValueError(f"{name} must hold integer class labels; got non-integer values such as {bad!r}.")
    return arr.astype(np.int64)


# --------------------------------------------------------------------------- #
# an independent judge
# --------------------------------------------------------------------------- #
def fit_judge(
    x: npt.ArrayLike, y: npt.ArrayLike, *, C: float = 1.0, standardize: bool = False, max_iter: int = 3000
) -> Any:
    r"""Train the independent classifier that judges generated samples: logistic regression on real data.

    .. math::

        \hat p(y = k \mid x) = \frac{\exp(w_k^\top \tilde x + b_k)}{\sum_j \exp(w_j^\top \tilde x + b_j)},

    fitted by L2-penalised maximum likelihood (scikit-learn, lbfgs), with :math:`\tilde x` the
    standardised features if ``standardize`` (else the raw ones). It never sees a generated sample
    and shares nothing with the generator, so it can judge it.

    Parameters
    ----------
    x : array-like of shape (n, d)
        Real samples (e.g. clean training images), tensors accepted.
    y : array-like of shape (n,)
        Their integer labels.
    C : float, default=1.0
        Inverse L2 strength.
    standardize : bool, default=False
        Standardise the features with the training mean and standard deviation first (for
        spectrograms; pixels in [0, 1] need none).
    max_iter : int, default=3000

    Returns
    -------
    sklearn.pipeline.Pipeline
        Fitted; ``predict(samples)`` gives the recognised classes.

    Raises
    ------
    TypeError, ValueError
        If ``x`` is not a finite 2-D array, ``y`` is not integer labels of the same length, ``y``
        holds fewer than two classes, or ``C``/``max_iter`` is out of range.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.r_[rng.normal(0, 1, (20, 2)), rng.normal(4, 1, (20, 2))]
    >>> judge = fit_judge(x, np.repeat([0, 1], 20))
    >>> judge.predict([[0.0, 0.0], [4.0, 4.0]]).tolist()
    [0, 1]
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = _rows(x, "x")
    y = _labels(y, "y")
    check_same_length([x, y], ["x", "y"])
    if np.unique(y).size < 2:
        raise ValueError("y must hold at least two classes to train a classifier.")
    C = check_scalar(C, "C", min_val=0, include_boundaries="neither")
    max_iter = check_positive_int(max_iter, "max_iter")
    if not isinstance(standardize, bool):
        raise TypeError(f"standardize must be True or False; got {type(standardize).__name__}.")
    steps = ([StandardScaler()] if standardize else []) + [LogisticRegression(C=C, max_iter=max_iter)]
    return make_pipeline(*steps).fit(x, y)


def recognition_rate(judge: Any, samples: npt.ArrayLike, requested: npt.ArrayLike) -> float:
    r"""Share of generated samples in which the judge recognises the requested class.

    .. math::

        \operatorname{acc} = \frac1n \sum_{i=1}^{n} \mathbb 1\big[\hat y(s_i) = r_i\big],

    with :math:`\hat y` the judge's prediction (:func:`fit_judge`) and :math:`r_i` the class the
    condition asked for. Chance is :math:`1/K` for balanced requests. It measures quality *and*
    faithfulness to the condition, and nothing about variety or copying.

    Parameters
    ----------
    judge : fitted classifier
        Has ``predict``.
    samples : array-like of shape (n, d)
    requested : array-like of shape (n,)

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``judge`` has no ``predict`` method.
    ValueError
        If the inputs are not paired, empty, or not finite.

    Examples
    --------
    >>> x = np.r_[np.zeros((5, 2)), np.ones((5, 2))]
    >>> recognition_rate(fit_judge(x, np.repeat([0, 1], 5)), [[0.0, 0.0], [1.0, 1.0]], [0, 0])
    0.5
    """
    if not callable(getattr(judge, "predict", None)):
        raise TypeError(
            f"judge must be a fitted classifier with a predict method (see fit_judge); got {type(judge).__name__}."
        )
    samples = _rows(samples, "samples")
    requested = _labels(requested, "requested")
    check_same_length([samples, requested], ["samples", "requested"])
    return float(np.mean(judge.predict(samples) == requested))


# --------------------------------------------------------------------------- #
# coherence
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Coherence:
    """Agreement of the classes recognised in the two halves of generated pairs, and its chance level.

    Attributes
    ----------
    agreement : float
        Share of pairs whose two halves are recognised as the same class.
    chance : float
        The agreement expected if the halves were paired at random, given how often each class is
        recognised in each modality: :math:`\\sum_k \\hat p_a(k) \\hat p_b(k)`.
    """

    agreement: float
    chance: float

    @property
    def lift(self) -> float:
        """``agreement / chance`` (1 means no more coherent than random pairing)."""
        return self.agreement / self.chance if self.chance > 0 else float("inf")


def coherence(labels_a: npt.ArrayLike, labels_b: npt.ArrayLike) -> Coherence:
    r"""Cross-modal coherence of generated pairs: how often both halves show the same class, against chance.

    .. math::

        \text{agreement} = \frac1n \sum_{i=1}^n \mathbb 1[a_i = b_i], \qquad
        \text{chance} = \sum_{k} \hat p_a(k)\, \hat p_b(k), \quad
        \hat p_a(k) = \frac1n \sum_i \mathbb 1[a_i = k],

    where :math:`a_i` and :math:`b_i` are the classes an independent classifier recognises in the two
    modalities of pair :math:`i`. The chance level is the agreement of the same samples paired at
    random; it is 1/K only when both modalities show every class equally often.

    Parameters
    ----------
    labels_a, labels_b : array-like of shape (n,)
        Recognised classes of each half.

    Returns
    -------
    Coherence

    Raises
    ------
    ValueError
        If the inputs are not paired, empty, not 1-D, or not integer labels.

    See Also
    --------
    recognition_rate : agreement with a requested class instead of with the other half.

    References
    ----------
    Shi, Y., Siddharth, N., Paige, B. and Torr, P. Variational mixture-of-experts autoencoders for
    multi-modal deep generative models. NeurIPS 2019 (coherence of cross- and joint generation).

    Examples
    --------
    >>> c = coherence([0, 1, 1, 2], [0, 1, 2, 2])
    >>> c.agreement, c.chance
    (0.75, 0.3125)
    """
    a = _labels(labels_a, "labels_a")
    b = _labels(labels_b, "labels_b")
    n = check_same_length([a, b], ["labels_a", "labels_b"])
    if n == 0:
        raise ValueError("labels_a and labels_b must hold at least one pair.")
    return Coherence(*_coherence(a, b))


def _coherence(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    classes = np.union1d(a, b)
    p_a = np.array([np.mean(a == k) for k in classes])
    p_b = np.array([np.mean(b == k) for k in classes])
    return float(np.mean(a == b)), float(p_a @ p_b)


# --------------------------------------------------------------------------- #
# diversity and memorisation
# --------------------------------------------------------------------------- #
def diversity(samples: npt.ArrayLike, labels: npt.ArrayLike | None = None) -> float:
    r"""Mean Euclidean distance between two different samples (of the same class, if labels are given).

    .. math::

        D = \frac{1}{|G|} \sum_{g \in G} \frac{1}{n_g (n_g - 1)} \sum_{i \ne j \in g} \lVert s_i - s_j \rVert_2,

    over the groups :math:`g` of samples with one label (one group without labels; groups with fewer
    than two samples are skipped). Compare it with the same number on real data: near 0 means the
    generator repeats itself (mode collapse), whatever its quality.

    Parameters
    ----------
    samples : array-like of shape (n, d)
    labels : array-like of shape (n,), optional

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the inputs are not paired or finite, or no group holds two samples.

    Examples
    --------
    >>> diversity([[0.0, 0.0], [3.0, 4.0]])
    5.0
    >>> diversity([[0.0], [1.0], [5.0], [5.0]], labels=[0, 0, 1, 1])  # (1 + 0) / 2
    0.5
    """
    s = _rows(samples, "samples")
    groups = [np.arange(s.shape[0])]
    if labels is not None:
        y = _labels(labels, "labels")
        check_same_length([s, y], ["samples", "labels"])
        groups = [np.flatnonzero(y == k) for k in np.unique(y)]
    values = []
    for idx in groups:
        if idx.size < 2:
            continue
        g = s[idx]
        d = np.sqrt(np.maximum(_sq_dist(g, g), 0.0))
        values.append(d.sum() / (idx.size * (idx.size - 1)))
    if not values:
        raise ValueError("diversity needs at least two samples in one group.")
    return float(np.mean(values))


def nearest_neighbour_distance(samples: npt.ArrayLike, reference: npt.ArrayLike) -> np.ndarray:
    r"""Euclidean distance from each sample to its nearest row of ``reference``.

    .. math::

        d(s_i, R) = \min_{r \in R} \lVert s_i - r \rVert_2 .

    Parameters
    ----------
    samples : array-like of shape (n, d)
    reference : array-like of shape (m, d)

    Returns
    -------
    ndarray of shape (n,)

    Raises
    ------
    ValueError
        If an input is empty, not 2-D or not finite, or the widths differ.

    Examples
    --------
    >>> nearest_neighbour_distance([[0.0, 0.0]], [[3.0, 4.0], [6.0, 8.0]])
    array([5.])
    """
    s = _rows(samples, "samples")
    r = _rows(reference, "reference")
    if s.shape[1] != r.shape[1]:
        raise ValueError(f"samples and reference must have the same width; got {s.shape[1]} and {r.shape[1]}.")
    return np.sqrt(np.maximum(_sq_dist(s, r).min(axis=1), 0.0))


def memorisation_ratio(samples: npt.ArrayLike, train: npt.ArrayLike, heldout: npt.ArrayLike) -> float:
    r"""Median ratio of a sample's distance to the training set over its distance to held-out data.

    .. math::

        \rho = \operatorname{median}_i \frac{d(s_i, X_{\text{train}})}{d(s_i, X_{\text{held-out}})},

    with :math:`d` the nearest-neighbour distance (:func:`nearest_neighbour_distance`) and two
    reference sets *of the same size* drawn from the same distribution (so that neither is closer
    merely by being larger). A generator that has learned the distribution gives :math:`\rho \approx 1`;
    one that reproduces its training examples gives :math:`\rho \ll 1`.

    Parameters
    ----------
    samples : array-like of shape (n, d)
    train, heldout : array-like of shape (m, d)
        Equally many training and held-out rows (subsample the larger set first).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``train`` and ``heldout`` differ in size, an input is empty or not finite, or the widths differ.

    References
    ----------
    Carlini, N. et al. Extracting training data from diffusion models. USENIX Security 2023 (copies found
    by nearest-neighbour search in the training set).

    Examples
    --------
    >>> train, heldout = [[0.0], [10.0]], [[1.0], [12.0]]
    >>> memorisation_ratio([[0.1], [9.9]], train, heldout)  # both samples sit on training points
    0.079...
    """
    t = _rows(train, "train")
    h = _rows(heldout, "heldout")
    if t.shape[0] != h.shape[0]:
        raise ValueError(
            f"train and heldout must hold equally many rows, so that their nearest-neighbour distances "
            f"are comparable; got {t.shape[0]} and {h.shape[0]}. Subsample the larger one."
        )
    d_train = nearest_neighbour_distance(samples, t)
    d_held = nearest_neighbour_distance(samples, h)
    return float(np.median(d_train / np.maximum(d_held, 1e-12)))


# --------------------------------------------------------------------------- #
# likelihood by a kernel density
# --------------------------------------------------------------------------- #
def parzen_log_likelihood(samples: npt.ArrayLike, data: npt.ArrayLike, *, bandwidth: float) -> np.ndarray:
    r"""Log-density of each data row under a Gaussian kernel density centred on the generated samples.

    .. math::

        \log \hat p(x) = \log \frac1n \sum_{i=1}^{n}
        \mathcal N\big(x;\, s_i, \sigma^2 I\big)
        = \operatorname{logsumexp}_i\Big(-\frac{\lVert x - s_i\rVert^2}{2\sigma^2}\Big) - \log n
          - \frac d2 \log(2\pi\sigma^2),

    in nats. The "Parzen window" estimate of a generator's likelihood from its samples; in high
    dimension it needs very many samples and can rank generators wrongly (Theis et al., 2016). A
    generator that copies its training set scores well on it.

    Parameters
    ----------
    samples : array-like of shape (n, d)
        Generated samples :math:`s_i`.
    data : array-like of shape (m, d)
        Held-out rows :math:`x` to score.
    bandwidth : float
        :math:`\sigma > 0` (choose it on validation data).

    Returns
    -------
    ndarray of shape (m,)

    Raises
    ------
    ValueError
        If an input is empty or not finite, the widths differ, or ``bandwidth`` is not positive.

    References
    ----------
    Theis, L., van den Oord, A. and Bethge, M. A note on the evaluation of generative models. ICLR 2016.

    Examples
    --------
    >>> ll = parzen_log_likelihood([[0.0]], [[0.0]], bandwidth=1.0)  # log N(0; 0, 1)
    >>> round(float(ll[0]), 4)
    -0.9189
    """
    s = _rows(samples, "samples")
    x = _rows(data, "data")
    if s.shape[1] != x.shape[1]:
        raise ValueError(f"samples and data must have the same width; got {s.shape[1]} and {x.shape[1]}.")
    sigma = check_scalar(bandwidth, "bandwidth", min_val=0, include_boundaries="neither")
    from scipy.special import logsumexp

    logk = -_sq_dist(x, s) / (2 * sigma**2)
    d = s.shape[1]
    return logsumexp(logk, axis=1) - np.log(s.shape[0]) - 0.5 * d * np.log(2 * np.pi * sigma**2)


def _sq_dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of a and b, (len(a), len(b))."""
    return (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None, :]
