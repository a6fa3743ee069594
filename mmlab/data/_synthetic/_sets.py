"""Sets of elements whose label does not depend on their order (structure heterogeneity)."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from mmlab._validation import RandomState, check_choice, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal

__all__ = ["SET_ORDERS", "make_sets"]

#: How :func:`make_sets` lists the elements of a set.
SET_ORDERS: tuple[str, ...] = ("random", "sorted")


def make_sets(
    n: int,
    *,
    set_size: int = 6,
    n_types: int = 4,
    dim: int = 8,
    noise: float = 0.3,
    threshold: int = 2,
    order: str = "random",
    world: int = 0,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw sets of typed elements labelled by how many elements of type 0 they hold.

    A set has :math:`L` elements (``set_size``), each of a type
    :math:`t_j \in \{0, \dots, T-1\}` drawn uniformly, and element :math:`j` is
    the vector :math:`v_{t_j} + \sigma \varepsilon_j` (type embeddings
    :math:`v_t` of unit norm drawn from ``world``, noise
    :math:`\varepsilon_j \sim \mathcal N(0, I)`). The label

    .. math::

        y = \mathbb 1\Big[\big|\{j : t_j = 0\}\big| \ge \theta\Big]

    is a function of the *set*: permuting its elements never changes it.
    ``order`` decides how the elements are listed: ``"random"`` shuffles them,
    ``"sorted"`` lists them by type (a canonical order, like the order of
    tokens a tokenizer emits), which lets an order-sensitive model learn a
    shortcut ("is the element in position :math:`\theta` of type 0?") that
    fails once the same sets come shuffled.

    Parameters
    ----------
    n : int
        Number of sets.
    set_size : int, default=6
        :math:`L`.
    n_types : int, default=4
        :math:`T \ge 2`.
    dim : int, default=8
        Size of each element's vector.
    noise : float, default=0.3
        :math:`\sigma`.
    threshold : int, default=2
        :math:`\theta`, in 1 .. ``set_size``.
    order : {"random", "sorted"}, default="random"
    world : int, default=0
        Seeds the type embeddings (shared by every data set of that world).
    random_state : int or numpy.random.Generator, optional
        Seeds the types, their order and the noise.

    Returns
    -------
    SyntheticMultimodal
        One modality of shape ``(n, set_size * dim)``: element :math:`j`
        occupies columns ``j * dim`` to ``(j + 1) * dim`` (reshape to
        ``(n, set_size, dim)``); ``factors`` ``(n, set_size)`` the types in
        the listed order; ``y`` ``(n,)``.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a size is out of range, ``threshold`` exceeds ``set_size``,
        ``noise`` is negative, ``order`` is unknown, or the request is too
        large for memory.

    References
    ----------
    Zaheer, M. et al. Deep sets. NeurIPS 2017.
    Bronstein, M. M. et al. Geometric deep learning: grids, groups, graphs,
    geodesics, and gauges. arXiv:2104.13478, 2021.

    Examples
    --------
    >>> from mmlab.data import make_sets
    >>> d = make_sets(1000, random_state=0)
    >>> d.modalities[0].shape, round(float(d.y.mean()), 2)
    ((1000, 48), 0.47)
    >>> s = make_sets(5, order="sorted", random_state=0)
    >>> bool((np.diff(s.factors, axis=1) >= 0).all())
    True
    """
    n = check_positive_int(n, "n")
    size = check_positive_int(set_size, "set_size")
    types = check_positive_int(n_types, "n_types", minimum=2)
    dim = check_positive_int(dim, "dim")
    sigma = check_scalar(noise, "noise", min_val=0)
    theta = check_positive_int(threshold, "threshold")
    if theta > size:
        raise ValueError(f"threshold must lie in 1 .. set_size={size}; got {theta}.")
    order = check_choice(order, "order", SET_ORDERS)
    world = check_positive_int(world, "world", minimum=0)
    rng = check_random_state(random_state)
    _check_data_size("make_sets", n, (size * dim,), 0, size, types, 1)

    embed = np.random.default_rng([world, 9090]).standard_normal((types, dim))
    embed /= np.linalg.norm(embed, axis=1, keepdims=True)
    kinds = rng.integers(0, types, size=(n, size)).astype(np.int64)
    if order == "sorted":
        kinds = np.sort(kinds, axis=1)
    y = ((kinds == 0).sum(axis=1) >= theta).astype(np.int64)
    x = embed[kinds] + sigma * rng.standard_normal((n, size, dim))
    truth = PlantedTruth(
        kind="sets",
        description=f"y = 1 when at least {theta} of the {size} elements are of type 0 (order {order})",
        mixing="pure",
        components=("sets",),
        proportions=(1.0,),
        factor_names=tuple(f"m0:type{j}" for j in range(size)),
        factor_modality=(0,) * size,
        label_factors=MappingProxyType({"sets": tuple(range(size))}),
        n_levels=types,
        n_classes=2,
        joint=None,
        code_factors=(tuple(range(size)),),
        atoms=None,
        dominant_atom=None,
        bayes_accuracy=None,
        extra=MappingProxyType({"set_size": size, "dim": dim, "threshold": theta, "order": order, "world": world}),
    )
    return SyntheticMultimodal(
        modalities=(x.reshape(n, size * dim).astype(np.float32),),
        y=y,
        factors=kinds,
        component=np.zeros(n, dtype=np.int64),
        truth=truth,
    )
