"""Corrupt one modality on some samples (gated fusion, robustness)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from mmlab._validation import (
    RandomState,
    check_array,
    check_choice,
    check_fraction,
    check_random_state,
    check_same_length,
    check_scalar,
)

__all__ = ["corrupt_modality"]


def corrupt_modality(
    modalities: Sequence[npt.ArrayLike],
    index: int,
    *,
    fraction: float | None = None,
    rows: npt.ArrayLike | None = None,
    mode: str = "replace",
    scale: float = 1.0,
    random_state: RandomState = None,
) -> tuple[list[np.ndarray], np.ndarray]:
    r"""Corrupt one modality for a random share of the samples.

    On a random set of exactly ``round(fraction * n)`` samples (or on the
    given ``rows``), modality ``index`` becomes

    .. math::

        \tilde x = \xi \ (\text{mode="replace"}) \quad\text{or}\quad
        \tilde x = x + \xi \ (\text{mode="noise"}), \qquad \xi \sim \mathcal N(0, s^2 I),

    with :math:`s` = ``scale``. Replacing destroys the modality's information
    on those rows while keeping its scale (the generators' features have unit
    variance), so a model cannot spot corruption from magnitude alone.

    Parameters
    ----------
    modalities : sequence of array-like
        One ``(n, d_i)`` array per modality (e.g. ``data.modalities``).
    index : int
        Which modality to corrupt (0-based).
    fraction : float, optional
        Share of the rows corrupted, in [0, 1]; default 1 (all rows) unless
        ``rows`` is given.
    rows : array-like of bool or int, optional
        Corrupt exactly these rows instead (a boolean mask of length ``n`` or
        row indices); e.g. disjoint masks to corrupt modality 0 on some
        samples and modality 1 on others. Not together with ``fraction``.
    mode : {"replace", "noise"}, default="replace"
    scale : float, default=1.0
        :math:`s`, standard deviation of the noise.
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    modalities : list of ndarray
        Copies (float32); only modality ``index`` differs from the input.
    mask : ndarray of bool, shape (n,)
        True on the corrupted rows.

    Raises
    ------
    TypeError
        If ``modalities`` is not a non-empty list or tuple of arrays, ``index``
        is not an integer, ``rows`` is neither a boolean mask nor integer
        indices, or a number argument has the wrong type.
    ValueError
        If the modalities are not paired ``(n, d_i)`` finite arrays, ``index``
        names no modality, both ``fraction`` and ``rows`` are given, ``rows``
        does not fit ``n``, ``fraction`` leaves [0, 1], ``scale`` is negative
        or not finite, or ``mode`` is unknown.

    Examples
    --------
    >>> from mmlab.data import corrupt_modality, make_interaction
    >>> d = make_interaction(100, "redundancy", random_state=0)
    >>> xs, mask = corrupt_modality(d.modalities, 0, fraction=0.5, random_state=0)
    >>> int(mask.sum())
    50
    """
    if isinstance(modalities, (str, bytes, np.ndarray)) or not isinstance(modalities, Sequence) or not modalities:
        raise TypeError(
            "modalities must be a non-empty list or tuple with one (n, d_i) array per modality; "
            f"got {type(modalities).__name__}."
        )
    arrays = [
        check_array(x, f"modalities[{i}]", ndim=2).astype(np.float32, copy=True) for i, x in enumerate(modalities)
    ]
    n = check_same_length(arrays, [f"modalities[{i}]" for i in range(len(arrays))])
    index = check_scalar(index, "index", numbers.Integral)
    if not 0 <= index < len(arrays):
        raise ValueError(f"index must name one of the {len(arrays)} modalities (0..{len(arrays) - 1}); got {index}.")
    mode = check_choice(mode, "mode", ("replace", "noise"))
    scale = check_scalar(scale, "scale", min_val=0)
    rng = check_random_state(random_state)
    mask = np.zeros(n, dtype=bool)
    if rows is not None:
        if fraction is not None:
            raise ValueError("give either fraction (a random share of rows) or rows (exactly these rows), not both.")
        r = check_array(rows, "rows", ndim=1)
        if r.dtype == bool:
            if r.shape[0] != n:
                raise ValueError(f"rows as a boolean mask must have {n} entries (one per sample); got {r.shape[0]}.")
            mask = r.copy()
        elif np.issubdtype(r.dtype, np.integer):
            if r.size and (r.min() < 0 or r.max() >= n):
                raise ValueError(f"rows must be indices in [0, {n}); got values from {r.min()} to {r.max()}.")
            mask[r] = True
        else:
            raise TypeError(f"rows must be a boolean mask or integer indices; got dtype {r.dtype}.")
    else:
        fraction = 1.0 if fraction is None else check_fraction(fraction, "fraction")
        mask[rng.permutation(n)[: int(round(fraction * n))]] = True
    xi = (scale * rng.standard_normal((int(mask.sum()), arrays[index].shape[1]))).astype(np.float32)
    if mode == "replace":
        arrays[index][mask] = xi
    else:
        arrays[index][mask] += xi
    return arrays, mask
