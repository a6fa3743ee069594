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


def seed_from_random_state(random_state: RandomState, name: str = "random_state") -> int:
    """An integer seed for torch from ``random_state`` (int, Generator or None).

    An int is returned as it is (so ``random_state=3`` always means the same
    run); a generator yields its next draw (so a stream of calls gets
    independent seeds); ``None`` draws fresh entropy.

    Raises
    ------
    TypeError
        If ``random_state`` is not None, an int or a :class:`numpy.random.Generator`.
    ValueError
        If ``random_state`` is an int outside [0, 2**63).
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < 2**63:
            raise ValueError(f"{name} must be None, an int in [0, 2**63) or a numpy.random.Generator; "
                             f"got {random_state!r}.")
        return int(random_state)
    try:
        rng = check_random_state(random_state)
    except TypeError:
        raise TypeError(f"{name} must be None, a non-negative int or a numpy.random.Generator; "
                        f"got {type(random_state).__name__} {random_state!r}.") from None
    return int(rng.integers(0, 2**63 - 1))


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


#: A float64 probability table may miss 1 by this much and still count as normalised
#: (1e-6 for tables stored in 32 bits or fewer); accepted tables are rescaled to sum to 1.
SUM_RTOL: float = 1e-9


def check_scalar(value: Any, name: str, target_type: type | tuple[type, ...] = numbers.Real, *,
                 min_val: float | None = None, max_val: float | None = None,
                 include_boundaries: str = "both") -> Any:
    """Check that ``value`` is a finite scalar of ``target_type`` inside an interval; return it.

    The counterpart of :func:`sklearn.utils.check_scalar`, used for every
    "real number in range" argument of mmlab (learning rates, tolerances,
    noise levels, confidence levels).

    Parameters
    ----------
    value : object
        The value to check. ``bool`` is never accepted as a number.
    name : str
        The argument's name, used in the message.
    target_type : type or tuple of types, default=numbers.Real
        ``numbers.Real`` for a real number, ``numbers.Integral`` for an integer.
    min_val, max_val : float, optional
        Bounds of the interval; ``None`` leaves that side open.
    include_boundaries : {"both", "left", "right", "neither"}, default="both"
        Which bounds belong to the interval.

    Returns
    -------
    float or int
        ``value`` as a Python ``float`` (``int`` when ``target_type`` is integral).

    Raises
    ------
    TypeError
        If ``value`` is not of ``target_type`` (or is a bool).
    ValueError
        If ``value`` is NaN or infinite, or outside the interval.

    Examples
    --------
    >>> check_scalar(0.3, "noise", min_val=0, max_val=1)
    0.3
    >>> check_scalar(2, "k", numbers.Integral, min_val=1)
    2
    """
    if include_boundaries not in ("both", "left", "right", "neither"):
        raise ValueError(f"include_boundaries must be 'both', 'left', 'right' or 'neither'; got {include_boundaries!r}.")
    integral = target_type is numbers.Integral or (isinstance(target_type, tuple) and numbers.Integral in target_type
                                                   and numbers.Real not in target_type)
    kind = "an integer" if integral else "a real number"
    left_closed = include_boundaries in ("both", "left")
    right_closed = include_boundaries in ("both", "right")
    interval = (("[" if left_closed else "(") + ("-inf" if min_val is None else f"{min_val:g}") + ", "
                + ("inf" if max_val is None else f"{max_val:g}") + ("]" if right_closed else ")"))
    if isinstance(value, bool) or not isinstance(value, target_type) or isinstance(value, complex):
        raise TypeError(f"{name} must be {kind} in {interval}; got {type(value).__name__} {value!r}.")
    if integral:
        value = int(value)
    else:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite real number in {interval}; got {value}.")
    too_low = min_val is not None and (value < min_val if left_closed else value <= min_val)
    too_high = max_val is not None and (value > max_val if right_closed else value >= max_val)
    if too_low or too_high:
        raise ValueError(f"{name} must lie in {interval}; got {value}.")
    return value


def check_probability_table(p: Any, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``p`` as a float64 probability table that sums to exactly 1, or raise.

    A probability table is a non-empty real array of finite, non-negative
    numbers summing to 1. The sum may miss 1 by :data:`SUM_RTOL` (float64
    input) or by 1e-6 (input stored in 32 bits or fewer, whose own rounding
    is that large); the accepted table is rescaled to sum to 1. This is the
    one table check of mmlab: the information measures, the PID solvers and
    the table builders all call it.

    Parameters
    ----------
    p : array-like
        The table.
    name : str
        The argument's name, used in messages.
    ndim : int, optional
        The number of axes the caller needs (e.g. 3 for ``p[x1, x2, y]``).

    Returns
    -------
    ndarray of float64
        The validated, renormalised table (a new array).

    Raises
    ------
    TypeError
        If ``p`` is not real-valued numbers (strings, objects, complex numbers).
    ValueError
        If ``p`` has the wrong number of axes, is empty, holds NaN, infinite or
        negative entries, or does not sum to 1.

    Examples
    --------
    >>> check_probability_table([[0.5, 0.0], [0.0, 0.5]], "p", ndim=2).sum()
    np.float64(1.0)
    """
    if hasattr(p, "detach"):  # a torch tensor
        p = p.detach().cpu().numpy()
    raw = np.asarray(p) if not isinstance(p, np.ndarray) else p
    if raw.dtype.kind == "c":
        raise TypeError(f"{name} must hold real probabilities; got complex dtype {raw.dtype}. "
                        "Take the real part or the modulus explicitly if that is what you mean.")
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array-like of numbers (probabilities); got dtype {raw.dtype} "
                        f"({type(p).__name__}).")
    rtol = SUM_RTOL if raw.dtype.itemsize >= 8 or raw.dtype.kind in "biu" else 1e-6
    arr = check_array(raw, name, ndim=ndim, finite=False, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty probability table; got shape {arr.shape}.")
    n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
    if n_bad:
        raise ValueError(f"{name} must be finite; got {n_bad} NaN or infinite entr{'y' if n_bad == 1 else 'ies'}. "
                         "A probability table holds numbers in [0, 1].")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative; got {int(np.count_nonzero(arr < 0))} negative entries "
                         f"(smallest {arr.min():.3g}). A probability table holds numbers in [0, 1].")
    total = float(arr.sum())
    if abs(total - 1.0) > rtol:
        raise ValueError(f"{name} must sum to 1 (a probability table); it sums to {total:.10g}. "
                         "Divide counts by their total (p / p.sum()) first.")
    return arr / total
