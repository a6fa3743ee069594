"""A primary modality whose label a secondary cue flips (modality-shifting fusion)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._projection import _make_projection, _render

__all__ = ["make_cue_flip"]


def make_cue_flip(
    n: int,
    *,
    flip_rate: float = 0.25,
    dims: int | Sequence[int] = 16,
    noise: float = 0.5,
    n_nuisance: int = 1,
    hidden: int = 32,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw a primary modality whose label a secondary cue sometimes flips.

    Modality 0 (think *language*) renders a binary sentiment factor :math:`s`;
    modality 1 (think *nonverbal*) renders a binary cue :math:`c` with
    :math:`P(c = 1) = \rho` (``flip_rate``); both also render nuisance factors.
    The label is

    .. math::

        y = s \oplus c ,

    i.e. the language sentiment, flipped where the cue is present (a sarcastic
    smile, a contradicting tone). With :math:`\rho < 1/2` most labels follow the
    language alone, so a language representation shifted by the nonverbal
    modality should move most where :math:`c = 1` (``aux["flipped"]``).

    Parameters
    ----------
    n : int
    flip_rate : float, default=0.25
        :math:`\rho`, in (0, 1).
    dims, noise, n_nuisance, hidden, random_state
        As in :func:`make_interaction`.

    Returns
    -------
    SyntheticMultimodal
        Two modalities; ``factors`` columns ``m0:sentiment, m0:nuisance*,
        m1:cue, m1:nuisance*``; ``aux["flipped"]`` is the boolean
        ``(n,)`` mask :math:`c = 1`.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If ``flip_rate`` is not in (0, 1), ``noise`` is negative or not
        finite, a size is out of range, or the request is too large for memory
        (as in :func:`make_interaction`).

    References
    ----------
    Wang, Y. et al. Words can shift: dynamically adjusting word representations
    using nonverbal behaviors. AAAI 2019.
    Rahman, W. et al. Integrating multimodal information in large pretrained
    transformers. ACL 2020.

    Examples
    --------
    >>> from mmlab.data import make_cue_flip
    >>> d = make_cue_flip(200, flip_rate=0.25, random_state=0)
    >>> bool((d.y == (d.factors[:, 0] ^ d.aux["flipped"])).all())
    True
    """
    n = check_positive_int(n, "n")
    rho = check_fraction(flip_rate, "flip_rate", inclusive=(False, False))
    dims_t = _check_dims(dims, 2)
    noise = check_scalar(noise, "noise", min_val=0)
    n_nuisance = check_positive_int(n_nuisance, "n_nuisance", minimum=0)
    hidden = check_positive_int(hidden, "hidden")
    rng = check_random_state(random_state)

    n_slots = 1 + n_nuisance
    _check_data_size("make_cue_flip", n, dims_t, hidden, 2 * n_slots, 2, n_slots)
    names = tuple(f"m0:{s}" for s in ["sentiment"] + [f"nuisance{j}" for j in range(n_nuisance)]) + tuple(
        f"m1:{s}" for s in ["cue"] + [f"nuisance{j}" for j in range(n_nuisance)]
    )
    projections = [_make_projection(n_slots, 2, d, hidden, rng) for d in dims_t]
    factors = rng.integers(0, 2, size=(n, 2 * n_slots)).astype(np.int64)
    factors[:, n_slots] = (rng.random(n) < rho).astype(np.int64)
    xs = tuple(
        _render(factors[:, i * n_slots : (i + 1) * n_slots], 2, proj, noise, rng) for i, proj in enumerate(projections)
    )
    s, c = factors[:, 0], factors[:, n_slots]
    y = (s ^ c).astype(np.int64)
    joint = np.zeros((2, 2, 2))
    for sv, cv in itertools.product(range(2), repeat=2):
        joint[sv, cv, sv ^ cv] = 0.5 * (rho if cv else 1.0 - rho)
    truth = PlantedTruth(
        kind="cue_flip",
        description=f"y = sentiment XOR cue, P(cue = 1) = {rho:g}",
        mixing="pure",
        components=("cue_flip",),
        proportions=(1.0,),
        factor_names=names,
        factor_modality=tuple([0] * n_slots + [1] * n_slots),
        label_factors=MappingProxyType({"cue_flip": (0, n_slots)}),
        n_levels=2,
        n_classes=2,
        joint=joint,
        code_factors=((0,), (n_slots,)),
        atoms=None,
        dominant_atom=None,
        bayes_accuracy=1.0,
        extra=MappingProxyType({"flip_rate": rho}),
    )
    return SyntheticMultimodal(
        modalities=xs,
        y=y,
        factors=factors,
        component=np.zeros(n, dtype=np.int64),
        truth=truth,
        aux=MappingProxyType({"flipped": c.astype(bool)}),
    )
