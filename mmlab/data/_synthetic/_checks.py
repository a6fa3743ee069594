"""Argument checks the generators share (feature sizes, the size of a request); scalars, random states and
arrays are checked by :mod:`mmlab._validation`."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from mmlab._validation import check_positive_int, check_size


def _check_data_size(
    generator: str, n: int, dims: Sequence[int], hidden: int, n_factors: int, n_levels: int, n_slots: int
) -> None:
    """Refuse a data set whose arrays would exhaust memory, before drawing anything.

    The peak is about ``n * (sum(dims) + hidden + n_factors)`` numbers (features, the projection's hidden
    layer, the factors) plus the projections' first layers, ``n_slots * n_levels * hidden`` per modality.
    """
    per_row = sum(dims) + hidden + n_factors
    total = n * per_row + len(dims) * n_slots * n_levels * hidden
    check_size(
        total,
        f"{generator}(n={n}, dims={tuple(dims)}, hidden={hidden}, n_levels={n_levels})",
        detail=f"n x (sum(dims) + hidden + factors) = {n:,} x {per_row}, plus the projections",
        remedy="Lower n (or dims, hidden, n_levels).",
    )


def _check_dims(dims: Any, m: int) -> tuple[int, ...]:
    if isinstance(dims, numbers.Integral) and not isinstance(dims, bool):
        return (check_positive_int(dims, "dims"),) * m
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence):
        raise TypeError(f"dims must be an int or a sequence of {m} ints; got {type(dims).__name__} {dims!r}.")
    if len(dims) != m:
        raise ValueError(f"dims must give one size per modality ({m}); got {len(dims)}: {list(dims)}.")
    return tuple(check_positive_int(d, f"dims[{i}]") for i, d in enumerate(dims))
