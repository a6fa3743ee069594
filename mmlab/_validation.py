"""Shared input validators: every public mmlab function checks its inputs here.

Each validator raises ``TypeError``/``ValueError`` with a message in four
parts: the argument, what was expected, what was received, and (where there is
one) the remedy. The validators return the value in a normalised form so that
callers can write ``x = check_...(x, "x")`` on their first lines.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Union

import numpy as np
import numpy.typing as npt


#: What a ``random_state`` argument accepts: ``None`` (fresh entropy), a seed, or a generator.
RandomState = Union[None, int, np.random.Generator]


def check_random_state(random_state: RandomState) -> np.random.Generator:
    """A NumPy generator from ``None``, a non-negative int seed or a generator (never the global state).

    The counterpart of :func:`sklearn.utils.check_random_state` for
    :class:`numpy.random.Generator`: a generator is returned as it is (so
    draws continue its stream), a seed makes a new one.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral) or random_state < 0:
        raise TypeError(f"random_state must be None, a non-negative int or a numpy.random.Generator; "
                        f"got {type(random_state).__name__} {random_state!r}.")
    return np.random.default_rng(int(random_state))


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {type(value).__name__} {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def check_fraction(value: Any, name: str, *, low: float = 0.0, high: float = 1.0,
                   inclusive: tuple[bool, bool] = (True, True)) -> float:
    """Return ``value`` as a float in the interval [low, high] (ends per ``inclusive``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number in [{low}, {high}]; got {type(value).__name__} {value!r}.")
    v = float(value)
    lo_ok = v >= low if inclusive[0] else v > low
    hi_ok = v <= high if inclusive[1] else v < high
    if not (np.isfinite(v) and lo_ok and hi_ok):
        left = "[" if inclusive[0] else "("
        right = "]" if inclusive[1] else ")"
        raise ValueError(f"{name} must lie in {left}{low}, {high}{right}; got {v}.")
    return v


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise listing them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}.")
    return value


def check_array(x: npt.ArrayLike, name: str, *, ndim: int | tuple[int, ...] | None = None,
                finite: bool = True, dtype: Any = None) -> np.ndarray:
    """Convert ``x`` to a NumPy array and check its number of dimensions and finiteness."""
    if hasattr(x, "detach"):  # a torch tensor
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be array-like of numbers; got {type(x).__name__} ({err}).") from None
    if arr.dtype == object:
        raise TypeError(f"{name} must be a numeric array; got an object array (ragged rows?).")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(
                f"{name} must have {' or '.join(map(str, allowed))} dimension(s); "
                f"got shape {arr.shape} ({arr.ndim} dimensions)."
            )
    if finite and np.issubdtype(arr.dtype, np.number) and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; got {bad} NaN or infinite value(s). Impute or drop them first.")
    return arr


def check_same_length(arrays: Sequence[Any], names: Sequence[str]) -> int:
    """Check that paired inputs have the same number of rows; return that number."""
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) > 1:
        pairs = ", ".join(f"{n}={k}" for n, k in zip(names, lengths))
        raise ValueError(
            f"{' and '.join(names)} must hold paired samples (same first dimension); got {pairs}. "
            "Drop unpaired rows or align them by id first."
        )
    return lengths[0] if lengths else 0


def check_modalities(xs: Any, *, n_modalities: int | None = None, dims: Sequence[int] | None = None,
                     name: str = "xs") -> list:
    """Check a fusion input: a sequence of ``(batch, d_i)`` torch tensors, one per modality.

    Parameters
    ----------
    xs : sequence of torch.Tensor
    n_modalities : int, optional
        The number of modalities the caller was built for.
    dims : sequence of int, optional
        The feature size ``d_i`` the caller expects for each modality.

    Returns
    -------
    list of torch.Tensor
    """
    import torch

    if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence):
        raise TypeError(
            f"{name} must be a list or tuple with one (batch, d_i) tensor per modality; "
            f"got {type(xs).__name__}. Wrap a single modality as [x]."
        )
    xs = list(xs)
    if not xs:
        raise ValueError(f"{name} must hold at least one modality; got an empty sequence.")
    if n_modalities is not None and len(xs) != n_modalities:
        raise ValueError(f"{name} must hold {n_modalities} modalities; got {len(xs)}.")
    for i, x in enumerate(xs):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name}[{i}] must be a torch.Tensor; got {type(x).__name__}.")
        if x.ndim != 2:
            raise ValueError(f"{name}[{i}] must have shape (batch, d_{i}); got shape {tuple(x.shape)}.")
        if dims is not None and x.shape[1] != dims[i]:
            raise ValueError(
                f"{name}[{i}] must have {dims[i]} features (the size this module was built for); "
                f"got shape {tuple(x.shape)}."
            )
    batches = [x.shape[0] for x in xs]
    if len(set(batches)) > 1:
        raise ValueError(
            f"all modalities in {name} must have the same batch size (paired samples); got {batches}."
        )
    return xs
