"""Argument checks shared by the generators (sizes, non-negative reals); random states: :mod:`mmlab._validation`."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from mmlab._validation import check_positive_int


def _check_nonneg(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0; got {type(value).__name__} {value!r}.")
    if not (math.isfinite(float(value)) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0; got {value}.")
    return float(value)


def _check_dims(dims: Any, m: int) -> tuple[int, ...]:
    if isinstance(dims, numbers.Integral) and not isinstance(dims, bool):
        return (check_positive_int(dims, "dims"),) * m
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence):
        raise TypeError(f"dims must be an int or a sequence of {m} ints; got {type(dims).__name__} {dims!r}.")
    if len(dims) != m:
        raise ValueError(f"dims must give one size per modality ({m}); got {len(dims)}: {list(dims)}.")
    return tuple(check_positive_int(d, f"dims[{i}]") for i, d in enumerate(dims))
