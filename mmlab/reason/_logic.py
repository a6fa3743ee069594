"""Soft logic: differentiable AND, OR, NOT (t-norms), and programs executed on attention maps.

A t-norm :math:`T` generalises AND from {0, 1} to [0, 1]; with the standard
negation :math:`N(a) = 1 - a` it has a dual t-conorm (OR)
:math:`S(a, b) = 1 - T(1 - a, 1 - b)`, so De Morgan's laws hold exactly:

=============  =========================  ===============================
family         AND :math:`T(a, b)`         OR :math:`S(a, b)`
=============  =========================  ===============================
product        :math:`a b`                 :math:`a + b - a b`
Łukasiewicz    :math:`\\max(0, a + b - 1)`   :math:`\\min(1, a + b)`
Gödel (min)    :math:`\\min(a, b)`          :math:`\\max(a, b)`
=============  =========================  ===============================

The same operators compose *answers* (VQA-LOL: "is there a red circle AND no
blue square?" from the probabilities of the two premises) and *attention
maps* (neural module networks: the map of "red" AND the map of "circle" is
the map of "red circle"). :func:`execute_soft` evaluates a scene-world
program (:func:`mmlab.data.execute_program`'s language) on soft attention
maps that a perception model gives for each attribute value.

Used by: ``lectures/3_reasoning/03_neural_modules_and_soft_logic.ipynb`` and
the reasoning lab.

References
----------
Gokhale, T., Banerjee, P., Baral, C. and Yang, Y. VQA-LOL: visual question
answering under the lens of logic. ECCV 2020.
Klement, E. P., Mesiar, R. and Pap, E. Triangular norms. Kluwer, 2000.
van Krieken, E., Acar, E. and van Harmelen, F. Analyzing differentiable fuzzy
logic operators. Artificial Intelligence 302, 2022.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from mmlab._validation import check_choice

__all__ = [
    "TNORMS",
    "execute_soft",
    "soft_and",
    "soft_count",
    "soft_exists",
    "soft_not",
    "soft_or",
    "soft_relate",
]

#: The t-norm families :func:`soft_and` and :func:`soft_or` know.
TNORMS: tuple[str, ...] = ("product", "lukasiewicz", "godel")


def _check_truth(a: Any, name: str) -> torch.Tensor:
    if not isinstance(a, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of truth values in [0, 1]; got {type(a).__name__}.")
    if not a.is_floating_point():
        raise TypeError(f"{name} must be floating point (truth values in [0, 1]); got dtype {a.dtype}.")
    d = a.detach()
    if d.numel() and (bool(torch.isnan(d).any()) or float(d.min()) < -1e-6 or float(d.max()) > 1 + 1e-6):
        raise ValueError(
            f"{name} must hold truth values in [0, 1]; got values from {float(d.min()):.3g} to "
            f"{float(d.max()):.3g}. Apply torch.sigmoid to logits first."
        )
    return a


def _check_pair(a: Any, b: Any, tnorm: str) -> tuple[torch.Tensor, torch.Tensor]:
    a, b = _check_truth(a, "a"), _check_truth(b, "b")
    check_choice(tnorm, "tnorm", TNORMS)
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape (one truth value each); got {tuple(a.shape)} and {tuple(b.shape)}."
        )
    return a, b


def soft_and(a: torch.Tensor, b: torch.Tensor, *, tnorm: str = "product") -> torch.Tensor:
    r"""Differentiable AND of truth values: the t-norm :math:`T(a, b)`, elementwise.

    .. math::

        T_{prod}(a, b) = a b, \qquad T_{Luk}(a, b) = \max(0, a + b - 1), \qquad T_{min}(a, b) = \min(a, b)

    Every t-norm agrees with Boolean AND on {0, 1}, is commutative,
    associative, monotone, and has 1 as its identity.

    Parameters
    ----------
    a, b : torch.Tensor
        Truth values in [0, 1], same shape.
    tnorm : {"product", "lukasiewicz", "godel"}, default="product"

    Returns
    -------
    torch.Tensor
        Same shape as ``a``.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a floating-point tensor.
    ValueError
        If they hold values outside [0, 1] or differ in shape, or ``tnorm`` is unknown.

    See Also
    --------
    soft_or, soft_not

    Examples
    --------
    >>> a, b = torch.tensor([0.9, 0.5]), torch.tensor([0.8, 0.4])
    >>> soft_and(a, b)
    tensor([0.7200, 0.2000])
    >>> soft_and(a, b, tnorm="lukasiewicz")
    tensor([0.7000, 0.0000])
    """
    a, b = _check_pair(a, b, tnorm)
    return _and(a, b, tnorm)


def soft_or(a: torch.Tensor, b: torch.Tensor, *, tnorm: str = "product") -> torch.Tensor:
    r"""Differentiable OR: the t-conorm dual to ``tnorm``, :math:`S(a, b) = 1 - T(1 - a, 1 - b)`.

    .. math::

        S_{prod}(a, b) = a + b - a b, \qquad S_{Luk}(a, b) = \min(1, a + b), \qquad S_{max}(a, b) = \max(a, b)

    Parameters
    ----------
    a, b : torch.Tensor
        Truth values in [0, 1], same shape.
    tnorm : {"product", "lukasiewicz", "godel"}, default="product"

    Returns
    -------
    torch.Tensor

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a floating-point tensor.
    ValueError
        If they hold values outside [0, 1] or differ in shape, or ``tnorm`` is unknown.

    Examples
    --------
    >>> soft_or(torch.tensor([0.9, 0.5]), torch.tensor([0.8, 0.4]))
    tensor([0.9800, 0.7000])
    """
    a, b = _check_pair(a, b, tnorm)
    return _or(a, b, tnorm)


def soft_not(a: torch.Tensor) -> torch.Tensor:
    r"""Differentiable NOT: the standard negation :math:`N(a) = 1 - a`.

    Parameters
    ----------
    a : torch.Tensor
        Truth values in [0, 1].

    Returns
    -------
    torch.Tensor

    Raises
    ------
    TypeError
        If ``a`` is not a floating-point tensor.
    ValueError
        If it holds values outside [0, 1].

    Examples
    --------
    >>> soft_not(torch.tensor([0.9, 0.25]))
    tensor([0.1000, 0.7500])
    """
    return 1.0 - _check_truth(a, "a")


def soft_exists(attention: torch.Tensor) -> torch.Tensor:
    r"""The probability that at least one cell is attended: noisy-OR over the grid.

    .. math::

        \exists(\alpha) = 1 - \prod_{r, c} (1 - \alpha_{rc})

    (the product t-conorm folded over the cells), computed in the log domain.

    Parameters
    ----------
    attention : torch.Tensor of shape (n, rows, cols)
        Per-cell truth values in [0, 1].

    Returns
    -------
    torch.Tensor of shape (n,)

    Raises
    ------
    TypeError
        If ``attention`` is not a floating-point tensor.
    ValueError
        If it is not 3-D or holds values outside [0, 1].

    Examples
    --------
    >>> soft_exists(torch.tensor([[[0.5, 0.5], [0.0, 0.0]]]))
    tensor([0.7500])
    """
    attention = _check_map(attention)
    return _exists(attention)


def soft_count(attention: torch.Tensor) -> torch.Tensor:
    r"""The expected number of attended cells, :math:`\sum_{r, c} \alpha_{rc}`.

    Parameters
    ----------
    attention : torch.Tensor of shape (n, rows, cols)

    Returns
    -------
    torch.Tensor of shape (n,)

    Raises
    ------
    TypeError
        If ``attention`` is not a floating-point tensor.
    ValueError
        If it is not 3-D or holds values outside [0, 1].

    Examples
    --------
    >>> soft_count(torch.tensor([[[0.5, 1.0], [0.0, 0.25]]]))
    tensor([1.7500])
    """
    return _check_map(attention).sum(dim=(1, 2))


def soft_relate(attention: torch.Tensor, direction: str) -> torch.Tensor:
    r"""Cells on ``direction``'s side of an attended cell in the same row or column (soft).

    For ``"left"``: :math:`\rho_{rc} = \max_{c' > c} \alpha_{rc'}` (Gödel OR over
    the cells to the right), so a cell is "left of the red object" as much as
    some cell further right is red. ``"right"``, ``"above"``, ``"below"`` are
    the mirror images. On hard {0, 1} maps this is the ground-truth ``relate``
    of :func:`mmlab.data.execute_program` (before intersecting with the
    occupied cells).

    Parameters
    ----------
    attention : torch.Tensor of shape (n, rows, cols)
    direction : {"left", "right", "above", "below"}

    Returns
    -------
    torch.Tensor of shape (n, rows, cols)

    Raises
    ------
    TypeError
        If ``attention`` is not a floating-point tensor.
    ValueError
        If it is not 3-D, holds values outside [0, 1], or ``direction`` is unknown.

    Examples
    --------
    >>> soft_relate(torch.tensor([[[0.0, 0.0, 0.9]]]), "left")
    tensor([[[0.9000, 0.9000, 0.0000]]])
    """
    from mmlab.data import SCENE_RELATIONS

    attention = _check_map(attention)
    check_choice(direction, "direction", SCENE_RELATIONS)
    return _relate(attention, direction)


def execute_soft(
    program: tuple, find: Callable[[str, str], torch.Tensor], objects: torch.Tensor, *, tnorm: str = "product"
) -> torch.Tensor:
    """Evaluate a scene-world program on soft attention maps, composing them with soft logic.

    ``("scene",)`` is the object map ``objects``; ``("filter", attr, value, s)``
    is ``s AND find(attr, value)``; ``("relate", d, s)`` is
    ``soft_relate(s, d) AND objects``; ``and``/``or``/``not`` use the t-norm
    family ``tnorm`` on maps (per cell; NOT stays within the objects) or on
    answers; ``exists`` is :func:`soft_exists`, ``count`` :func:`soft_count`.

    Parameters
    ----------
    program : tuple
        A program of :func:`mmlab.data.execute_program`'s language.
    find : callable
        ``find(attr, value) -> (n, rows, cols)`` truth values: the attention
        map of one attribute value (``find("color", "red")``).
    objects : torch.Tensor of shape (n, rows, cols)
        The probability that each cell holds an object.
    tnorm : {"product", "lukasiewicz", "godel"}, default="product"

    Returns
    -------
    torch.Tensor
        ``(n, rows, cols)`` for a set, ``(n,)`` for a yes/no probability or a count.

    Raises
    ------
    TypeError
        If ``find`` is not callable or ``objects`` is not a floating-point tensor.
    ValueError
        If the program is malformed, ``tnorm`` is unknown, or a map has the
        wrong shape or values outside [0, 1].

    Examples
    --------
    >>> from mmlab.data import make_scenes
    >>> s = make_scenes(2, random_state=0)
    >>> truth = lambda attr, value: torch.tensor(s.attribute(attr) == ("red", "green", "blue").index(value)).float()
    >>> objects = torch.tensor(s.occupied).float()
    >>> execute_soft(("count", ("filter", "color", "green", ("scene",))), truth, objects)
    tensor([3., 1.])
    """
    from mmlab.data._scenes import _kind

    if not callable(find):
        raise TypeError(f"find must be a function find(attr, value) -> attention map; got {type(find).__name__}.")
    check_choice(tnorm, "tnorm", TNORMS)
    objects = _check_map(objects, "objects")
    _kind(program)
    return _execute_soft(program, find, objects, tnorm)


# --------------------------------------------------------------------------- #
# private cores (inputs validated)
# --------------------------------------------------------------------------- #
def _and(a: torch.Tensor, b: torch.Tensor, tnorm: str) -> torch.Tensor:
    if tnorm == "product":
        return a * b
    if tnorm == "lukasiewicz":
        return torch.clamp(a + b - 1.0, min=0.0)
    return torch.minimum(a, b)


def _or(a: torch.Tensor, b: torch.Tensor, tnorm: str) -> torch.Tensor:
    if tnorm == "product":
        return a + b - a * b
    if tnorm == "lukasiewicz":
        return torch.clamp(a + b, max=1.0)
    return torch.maximum(a, b)


def _exists(attention: torch.Tensor) -> torch.Tensor:
    log_none = torch.log1p(-attention.clamp(max=1.0 - 1e-6)).sum(dim=(1, 2))
    return 1.0 - torch.exp(log_none)


def _relate(attention: torch.Tensor, direction: str) -> torch.Tensor:
    dim = 2 if direction in ("left", "right") else 1
    flip = direction in ("right", "below")
    x = attention.flip(dim) if flip else attention
    # max over the cells strictly after each cell along dim
    suffix = x.flip(dim).cummax(dim).values.flip(dim)
    shifted = torch.cat([suffix.narrow(dim, 1, x.shape[dim] - 1), torch.zeros_like(suffix.narrow(dim, 0, 1))], dim=dim)
    return shifted.flip(dim) if flip else shifted


def _check_map(attention: Any, name: str = "attention") -> torch.Tensor:
    attention = _check_truth(attention, name)
    if attention.ndim != 3:
        raise ValueError(f"{name} must have shape (n, rows, cols); got {tuple(attention.shape)}.")
    return attention


def _execute_soft(
    program: tuple,
    find: Callable[[str, str], torch.Tensor],
    objects: torch.Tensor,
    tnorm: str,
    *,
    check_maps: bool = True,
) -> torch.Tensor:
    """The soft execution of a validated ``program``; ``check_maps=False`` trusts ``find``'s maps (the caller
    checked every map it can return, e.g. :func:`mmlab.reason._modules.execute_grouped`)."""
    from mmlab.data._scenes import _kind

    op = program[0]
    if op == "scene":
        return objects

    def run(child: tuple) -> torch.Tensor:
        return _execute_soft(child, find, objects, tnorm, check_maps=check_maps)

    if op == "filter":
        child = run(program[3])
        found = find(program[1], program[2])
        if check_maps:
            found = _check_map(found, f"find({program[1]!r}, {program[2]!r})")
            if found.shape != objects.shape:
                raise ValueError(
                    f"find({program[1]!r}, {program[2]!r}) must return shape {tuple(objects.shape)} "
                    f"(like objects); got {tuple(found.shape)}."
                )
        return _and(child, found, tnorm)
    if op == "relate":
        return _and(_relate(run(program[2]), program[1]), objects, tnorm)
    if op == "exists":
        return _exists(run(program[1]))
    if op == "count":
        return run(program[1]).sum(dim=(1, 2))
    if op == "not":
        value = 1.0 - run(program[1])
        return _and(value, objects, tnorm) if _kind(program) == "set" else value
    a = run(program[1])
    b = run(program[2])
    return _and(a, b, tnorm) if op == "and" else _or(a, b, tnorm)
