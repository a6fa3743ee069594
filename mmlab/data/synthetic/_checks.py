"""Argument checks shared by the generators (random state, sizes, non-negative reals)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from mmlab._validation import check_positive_int

RandomState = Union[None, int, np.random.Generator]


def _rng(random_state: RandomState) -> np.random.Generator:
    """A NumPy generator from ``None``, an int seed or a generator (never global state)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral) or random_state < 0:
        raise TypeError(f"random_state must be None, a non-negative int or a numpy.random.Generator; "
                        f"got {type(random_state).__name__} {random_state!r}.")
    return np.random.default_rng(int(random_state))


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
