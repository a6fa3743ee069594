"""Scenes seen as local elements by two modalities: regions of an image, segments of a sound.

Fine-grained fission (deep multimodal clustering, Hu et al. 2019) looks below
the level of whole samples: an image has several regions and a soundtrack
several segments, and some of them come from the same object (a dog seen and
heard). :func:`make_local_scenes` plants exactly that: every scene holds a
few object categories, each present category appears as one local element in
each modality, the other elements are background, and the category of every
element is returned, so cluster correspondences and element matches can be
scored against the truth.

Used by ``lectures/1_representation/08_representation_fission.ipynb``.

References
----------
Hu, D., Nie, F. and Li, X. Deep multimodal clustering for unsupervised
audiovisual learning. CVPR 2019.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from mmlab._validation import RandomState, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._coordinated import PlantedData

__all__ = ["make_local_scenes"]


def make_local_scenes(
    n: int,
    *,
    n_categories: int = 6,
    n_present: int = 2,
    n_elements: int = 4,
    dims: int | tuple[int, int] = 8,
    noise: float = 0.5,
    random_state: RandomState = None,
) -> PlantedData:
    r"""Draw scenes whose objects appear as local elements in both modalities.

    Each scene holds ``n_present`` distinct categories out of
    :math:`K` = ``n_categories``. Modality :math:`i` has :math:`E` =
    ``n_elements`` local elements (image regions, sound segments), in random
    order: one per present category, rendered as that category's prototype
    :math:`\mu_{i,c}` (a fixed random vector of norm :math:`\sqrt{d_i}`, drawn
    separately for each modality, so the two modalities' features of one
    category are unrelated), and background elements drawn as pure noise.
    Every element gets noise :math:`\sigma \varepsilon`:

    .. math::

        e_{i,j} = \mu_{i, c_{i,j}} + \sigma\varepsilon \quad (c_{i,j} \ne -1), \qquad
        e_{i,j} = \varepsilon \quad (\text{background}, c_{i,j} = -1).

    Nothing but co-occurrence links a category's look to its sound: the
    only way to learn the correspondence without labels is to notice which
    clusters of regions and of segments appear in the same scenes.

    Parameters
    ----------
    n : int
        Number of scenes.
    n_categories : int, default=6
        :math:`K \ge 2`.
    n_present : int, default=2
        Categories per scene, ``1 <= n_present <= min(K, E)``.
    n_elements : int, default=4
        :math:`E`, elements per modality.
    dims : int or pair of int, default=8
        Element feature size per modality.
    noise : float, default=0.5
        :math:`\sigma`.
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    PlantedData
        Modalities ``(n, E, d_i)`` float32; ``y`` the first present category;
        ``latents``: ``"categories_0"``, ``"categories_1"`` ``(n, E)`` int64
        (category of each element, -1 for background) and ``"present"``
        ``(n, n_present)``.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a size is out of range (``n_present`` above ``n_categories`` or
        ``n_elements``), or ``noise`` is negative.

    Examples
    --------
    >>> from mmlab.data import make_local_scenes
    >>> d = make_local_scenes(10, random_state=0)
    >>> d.modalities[0].shape, d.latents["categories_1"].shape
    ((10, 4, 8), (10, 4))
    """
    n = check_positive_int(n, "n")
    k = check_positive_int(n_categories, "n_categories", minimum=2)
    e = check_positive_int(n_elements, "n_elements")
    present_n = check_positive_int(n_present, "n_present")
    if present_n > min(k, e):
        raise ValueError(f"n_present must be at most min(n_categories, n_elements) = {min(k, e)}; got {present_n}.")
    dims_t = _check_dims(dims, 2)
    noise = check_scalar(noise, "noise", min_val=0)
    rng = check_random_state(random_state)
    _check_data_size("make_local_scenes", n, [e * d for d in dims_t], 0, 2 * e, k, 1)

    prototypes = []
    for d in dims_t:  # mu_{i,c}: random directions scaled to norm sqrt(d)
        p = rng.standard_normal((k, d))
        prototypes.append(p / np.linalg.norm(p, axis=1, keepdims=True) * math.sqrt(d))
    present = np.argsort(rng.random((n, k)), axis=1)[:, :present_n]
    xs, cats = [], []
    for d, proto in zip(dims_t, prototypes, strict=True):
        c = np.full((n, e), -1, dtype=np.int64)
        c[:, :present_n] = present
        c = np.take_along_axis(c, np.argsort(rng.random((n, e)), axis=1), axis=1)  # random element order
        x = rng.standard_normal((n, e, d))  # background: noise
        obj = c >= 0
        x[obj] = proto[c[obj]] + noise * rng.standard_normal((int(obj.sum()), d))
        xs.append(x.astype(np.float32))
        cats.append(c)
    return PlantedData(
        modalities=tuple(xs),
        y=present[:, 0].astype(np.int64),
        latents=MappingProxyType({"categories_0": cats[0], "categories_1": cats[1], "present": present}),
        description=(
            f"{present_n} of {k} categories per scene, each one element in both modalities among {e}; "
            f"the rest background; y = a present category"
        ),
        names=("regions", "segments"),
        constants=MappingProxyType({"n_categories": k}),
    )
