"""A visual-question-answering-like task with a planted language prior ("what colour is the banana?")."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._projection import _make_projection, _render

__all__ = ["make_biased_vqa"]


def make_biased_vqa(
    n: int,
    *,
    bias: float = 0.9,
    n_objects: int = 4,
    question_noise: float = 0.3,
    image_noise: float = 2.0,
    dims: int | Sequence[int] = (16, 32),
    hidden: int = 32,
    world: int = 0,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw question-image pairs whose answer (a colour) the question's object usually gives away.

    Each sample shows one object :math:`o \in \{0, \dots, K-1\}` in a colour
    :math:`c \in \{0, \dots, K-1\}` and asks "what colour is the :math:`o`?".
    Object :math:`o` has a *typical* colour, :math:`t(o) = o` (the banana is
    usually yellow), and

    .. math::

        P(c = t(o) \mid o) = b, \qquad
        P(c = c' \mid o) = \frac{1 - b}{K - 1} \quad (c' \ne t(o)),
        \qquad y = c,

    with :math:`b` the ``bias``. Modality 0, the *question*, renders the object
    and a phrasing factor (nuisance) with little noise; modality 1, the
    *image*, renders the object, its colour and a background factor
    (nuisance) with more noise, so the colour is visible but takes more
    learning to read. The question alone predicts the answer with accuracy
    :math:`b` (for :math:`b \ge 1/K`) and is always wrong on *counter-bias*
    samples, :math:`c \ne t(o)` (``aux["counter_bias"]``); only the image can
    answer those.

    Features are rendered as in :func:`make_interaction` (a fixed random
    two-layer tanh map of the one-hot factors, standardised, plus Gaussian
    noise), with the maps drawn from ``world`` so that data sets with
    different biases share them: train on ``bias=0.9``, test on ``bias=0``
    (every sample counter-bias) or ``bias=1/K`` (balanced), as VQA-CP
    (Agrawal et al. 2018) re-splits VQA.

    Parameters
    ----------
    n : int
        Number of samples.
    bias : float in [0, 1], default=0.9
        :math:`b`, the probability that an object has its typical colour;
        ``1 / n_objects`` makes colour independent of the object.
    n_objects : int, default=4
        :math:`K`, objects and colours (and answer classes).
    question_noise, image_noise : float, default=0.3 and 2.0
        Noise standard deviation of each modality's features (the clean
        features have unit variance).
    dims : int or sequence of int, default=(16, 32)
        Feature sizes of the question and the image.
    hidden : int, default=32
        Width of the rendering maps' hidden layer.
    world : int, default=0
        Seeds the rendering maps (how objects, colours and phrasings look).
    random_state : int or numpy.random.Generator, optional
        Seeds the objects, colours, nuisances and noise.

    Returns
    -------
    SyntheticMultimodal
        ``modalities``: question ``(n, d_0)`` and image ``(n, d_1)``; ``y`` the
        colour; ``factors`` columns ``m0:object, m0:phrasing, m1:object,
        m1:colour, m1:background``; ``aux["counter_bias"]`` (bool) and
        ``aux["typical"]`` (the typical colour of each sample's object);
        ``truth.joint`` the exact table ``p(object, colour, y)``.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If ``bias`` is not in [0, 1], a noise level is negative or not finite,
        a size is out of range, or the request is too large for memory.

    References
    ----------
    Goyal, Y. et al. Making the V in VQA matter: elevating the role of image
    understanding in visual question answering. CVPR 2017.
    Agrawal, A. et al. Don't just assume; look and answer: overcoming priors for
    visual question answering. CVPR 2018.

    Examples
    --------
    >>> from mmlab.data import make_biased_vqa
    >>> d = make_biased_vqa(2000, bias=0.9, random_state=0)
    >>> round(float(d.aux["counter_bias"].mean()), 2), d.truth.extra["question_only_accuracy"]
    (0.1, 0.9)
    >>> bool(make_biased_vqa(50, bias=0.0, random_state=1).aux["counter_bias"].all())
    True
    """
    n = check_positive_int(n, "n")
    b = check_fraction(bias, "bias")
    k = check_positive_int(n_objects, "n_objects", minimum=2)
    q_noise = check_scalar(question_noise, "question_noise", min_val=0)
    i_noise = check_scalar(image_noise, "image_noise", min_val=0)
    dims_t = _check_dims(dims, 2)
    hidden = check_positive_int(hidden, "hidden")
    world = check_positive_int(world, "world", minimum=0)
    rng = check_random_state(random_state)
    _check_data_size("make_biased_vqa", n, dims_t, hidden, 5, k, 3)

    maps = np.random.default_rng([world, 4242])
    question_map = _make_projection(2, k, dims_t[0], hidden, maps)  # object, phrasing
    image_map = _make_projection(3, k, dims_t[1], hidden, maps)  # object, colour, background

    obj = rng.integers(0, k, size=n)
    typical = rng.random(n) < b
    other = (obj + rng.integers(1, k, size=n)) % k  # uniform over the K - 1 atypical colours
    colour = np.where(typical, obj, other).astype(np.int64)
    phrasing, background = rng.integers(0, k, size=n), rng.integers(0, k, size=n)
    factors = np.stack([obj, phrasing, obj, colour, background], axis=1).astype(np.int64)
    xs = (_render(factors[:, :2], k, question_map, q_noise, rng), _render(factors[:, 2:], k, image_map, i_noise, rng))

    joint = np.zeros((k, k, k))  # p(object, colour, y = colour)
    for o in range(k):
        for c in range(k):
            joint[o, c, c] = (b if c == o else (1.0 - b) / (k - 1)) / k
    question_acc = max(b, (1.0 - b) / (k - 1))
    truth = PlantedTruth(
        kind="biased_vqa",
        description=f"y = colour of the object; P(colour = typical colour of the object) = {b:g}",
        mixing="pure",
        components=("biased_vqa",),
        proportions=(1.0,),
        factor_names=("m0:object", "m0:phrasing", "m1:object", "m1:colour", "m1:background"),
        factor_modality=(0, 0, 1, 1, 1),
        label_factors=MappingProxyType({"biased_vqa": (3,)}),
        n_levels=k,
        n_classes=k,
        joint=joint,
        code_factors=((0,), (3,)),
        atoms=None,
        dominant_atom=None,
        bayes_accuracy=1.0,
        extra=MappingProxyType(
            {"bias": b, "typical_colour": tuple(range(k)), "question_only_accuracy": question_acc, "world": world}
        ),
    )
    aux = MappingProxyType({"counter_bias": colour != obj, "typical": obj.astype(np.int64)})
    return SyntheticMultimodal(
        modalities=xs, y=colour, factors=factors, component=np.zeros(n, dtype=np.int64), truth=truth, aux=aux
    )
