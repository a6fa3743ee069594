"""Shared input validators: every public mmlab function checks its inputs here.

Each validator raises ``TypeError``/``ValueError`` with a message in four
parts: the argument, what was expected, what was received, and (where there is
one) the remedy. The validators return the value in a normalised form so that
callers can write ``x = check_...(x, "x")`` on their first lines.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

#: What a ``random_state`` argument accepts: ``None`` (fresh entropy), a seed, or a generator.
RandomState = int | np.random.Generator | None


def check_random_state(random_state: RandomState) -> np.random.Generator:
    """A NumPy generator from ``None``, a non-negative int seed or a generator (never the global state).

    The counterpart of :func:`sklearn.utils.check_random_state` for
    :class:`numpy.random.Generator`: a generator is returned as it is (so
    draws continue its stream), a seed makes a new one.

    Raises
    ------
    TypeError
        If ``random_state`` is not None, an int or a :class:`numpy.random.Generator`
        (a float, a string, a bool, a legacy ``RandomState``).
    ValueError
        If ``random_state`` is a negative int.

    Examples
    --------
    >>> check_random_state(0).integers(10) == np.random.default_rng(0).integers(10)
    np.True_
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            f"random_state must be None, a non-negative int or a numpy.random.Generator; "
            f"got {type(random_state).__name__} {random_state!r}."
        )
    if random_state < 0:
        raise ValueError(
            f"random_state must be None, a non-negative int or a numpy.random.Generator; "
            f"got the negative int {random_state}."
        )
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
            raise ValueError(
                f"{name} must be None, an int in [0, 2**63) or a numpy.random.Generator; got {random_state!r}."
            )
        return int(random_state)
    try:
        rng = check_random_state(random_state)
    except TypeError:
        raise TypeError(
            f"{name} must be None, a non-negative int or a numpy.random.Generator; "
            f"got {type(random_state).__name__} {random_state!r}."
        ) from None
    return int(rng.integers(0, 2**63 - 1))


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (floats such as ``2.0`` and bools are refused).
    ValueError
        If ``value < minimum``.

    Examples
    --------
    >>> check_positive_int(np.int64(3), "n")
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {type(value).__name__} {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def check_fraction(
    value: Any, name: str, *, low: float = 0.0, high: float = 1.0, inclusive: tuple[bool, bool] = (True, True)
) -> float:
    """Return ``value`` as a float in the interval [low, high] (ends per ``inclusive``).

    A shorthand of :func:`check_scalar` for shares, probabilities and levels.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If it is NaN, infinite or outside the interval.

    Examples
    --------
    >>> check_fraction(0.25, "test_fraction", inclusive=(False, False))
    0.25
    """
    bounds = {(True, True): "both", (True, False): "left", (False, True): "right", (False, False): "neither"}
    return check_scalar(
        value,
        name,
        numbers.Real,
        min_val=low,
        max_val=high,
        include_boundaries=bounds[(bool(inclusive[0]), bool(inclusive[1]))],
    )


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise listing them.

    Raises
    ------
    ValueError
        If ``value`` is not one of ``choices``.
    """
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}.")
    return value


def check_array(
    x: npt.ArrayLike, name: str, *, ndim: int | tuple[int, ...] | None = None, finite: bool = True, dtype: Any = None
) -> np.ndarray:
    """Convert ``x`` to a NumPy array and check its number of dimensions and finiteness.

    Raises
    ------
    TypeError
        If ``x`` cannot be converted to a numeric array (strings, ragged rows).
    ValueError
        If it has the wrong number of dimensions or (with ``finite=True``)
        holds NaN or infinite values.
    """
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
    """Check that paired inputs have the same number of rows; return that number.

    Raises
    ------
    ValueError
        If the inputs differ in length.
    """
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) > 1:
        pairs = ", ".join(f"{n}={k}" for n, k in zip(names, lengths, strict=True))
        raise ValueError(
            f"{' and '.join(names)} must hold paired samples (same first dimension); got {pairs}. "
            "Drop unpaired rows or align them by id first."
        )
    return lengths[0] if lengths else 0


def split_modalities_and_labels(data: Any, name: str) -> tuple[Any, Any]:
    """``(modalities, labels)`` of a data set or split (``.modalities``, ``.y``) or of a pair ``(xs, y)``.

    Only unpacks: callers convert and check the parts for what they need.

    Raises
    ------
    TypeError
        If ``data`` has neither the two attributes nor the shape of a pair.

    Examples
    --------
    >>> split_modalities_and_labels(([[1.0], [2.0]], [0, 1]), "data")
    ([[1.0], [2.0]], [0, 1])
    """
    if hasattr(data, "modalities") and hasattr(data, "y"):
        return data.modalities, data.y
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data[0], data[1]
    raise TypeError(
        f"{name} must have `modalities` and `y` (a data set or split) or be a pair (xs, y); got {type(data).__name__}."
    )


def check_modalities(
    xs: Any,
    *,
    n_modalities: int | None = None,
    dims: Sequence[int | None] | None = None,
    name: str = "xs",
    floating: bool = False,
    dtype: Any = None,
    device: Any = None,
    finite: bool = False,
) -> list:
    """Check a fusion input: a sequence of ``(batch, d_i)`` torch tensors, one per modality.

    Parameters
    ----------
    xs : sequence of torch.Tensor
    n_modalities : int, optional
        The number of modalities the caller was built for.
    dims : sequence of int or None, optional
        The feature size ``d_i`` the caller expects for each modality (``None``: any).
    name : str, default="xs"
        The argument's name, used in messages.
    floating : bool, default=False
        Require floating-point tensors.
    dtype : torch.dtype or sequence of (torch.dtype or None), optional
        The dtype each modality must have (a module's parameter dtype), one for
        all or one per modality.
    device : torch.device or sequence of (torch.device or None), optional
        The device each modality must live on (a module's parameter device).
    finite : bool, default=False
        Require finite values (costs one pass over the data).

    Returns
    -------
    list of torch.Tensor

    Raises
    ------
    TypeError
        If ``xs`` is not a list or tuple of tensors, or a tensor has the wrong
        dtype (not floating point, or not the module's dtype).
    ValueError
        If ``xs`` is empty, holds the wrong number of modalities, a tensor is
        not 2-D, has the wrong feature size, lives on the wrong device or (with
        ``finite=True``) holds NaN or infinite values, or the batch sizes differ.

    Examples
    --------
    >>> import torch
    >>> len(check_modalities([torch.zeros(4, 2), torch.zeros(4, 3)], dims=[2, 3], dtype=torch.float32))
    2
    """
    import torch

    def per_modality(spec: Any, i: int) -> Any:
        if spec is None or isinstance(spec, (torch.dtype, torch.device, str)):
            return spec
        return spec[i] if i < len(spec) else None

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
        if dims is not None and dims[i] is not None and x.shape[1] != dims[i]:
            raise ValueError(
                f"{name}[{i}] must have {dims[i]} features (the size this module was built for); "
                f"got shape {tuple(x.shape)}."
            )
        want = per_modality(dtype, i)
        if (floating or want is not None) and not (x.is_floating_point() or x.is_complex()):
            to = want if want is not None else torch.get_default_dtype()
            raise TypeError(
                f"{name}[{i}] must be floating point ({to}); got dtype {x.dtype}. Convert it with x.to({to})."
            )
        if want is not None and x.dtype != want:
            raise TypeError(
                f"{name}[{i}] must have dtype {want} (the dtype of this module's parameters); got "
                f"{x.dtype}. Convert the input with x.to({want}) or the module with module.to({x.dtype})."
            )
        where = per_modality(device, i)
        where = None if where is None else torch.device(where)
        if where is not None and (
            x.device.type != where.type or (where.index is not None and x.device.index != where.index)
        ):
            raise ValueError(
                f"{name}[{i}] must be on device {where} (where this module's parameters are); "
                f"got {x.device}. Move it with x.to({str(where)!r})."
            )
        if finite and x.is_floating_point() and not bool(torch.isfinite(x).all()):
            raise ValueError(f"{name}[{i}] must be finite; got NaN or infinite values. Impute or drop those rows.")
    batches = [x.shape[0] for x in xs]
    if len(set(batches)) > 1:
        raise ValueError(f"all modalities in {name} must have the same batch size (paired samples); got {batches}.")
    return xs


#: The most numbers mmlab allocates for one request (a parameter count, a data set, a table) unless
#: ``MMLAB_MAX_ELEMENTS`` says otherwise: 2**28, 1 GiB as float32. Larger requests are refused up front,
#: with the size asked for, instead of failing by exhausting memory.
MAX_ELEMENTS: int = 2**28


def max_elements() -> int:
    """The allocation limit: ``MMLAB_MAX_ELEMENTS`` when set, else :data:`MAX_ELEMENTS`.

    Raises
    ------
    ValueError
        If ``MMLAB_MAX_ELEMENTS`` is set to anything but a positive integer.
    """
    env = os.environ.get("MMLAB_MAX_ELEMENTS", "").strip()
    if not env:
        return MAX_ELEMENTS
    try:
        limit = int(env)
    except ValueError:
        limit = 0
    if limit < 1:
        raise ValueError(f"MMLAB_MAX_ELEMENTS must be a positive integer (a number of elements); got {env!r}.")
    return limit


def check_size(n_elements: int, name: str, *, what: str = "numbers", detail: str = "", remedy: str = "") -> int:
    """Refuse a request for more than :func:`max_elements` numbers before anything is allocated.

    Parameters
    ----------
    n_elements : int
        How many numbers the request would allocate (parameters, array entries).
    name : str
        The request with its arguments, e.g. ``"TensorFusion(in_dims=[1000, 1000, 1000], out_dim=10)"``.
    what : str, default="numbers"
        What is counted, e.g. ``"parameters"``.
    detail : str, optional
        How the count follows from the arguments, e.g. ``"out_dim * prod(d_i + 1)"``.
    remedy : str, optional
        What to change instead.

    Returns
    -------
    int
        ``n_elements``.

    Raises
    ------
    ValueError
        If ``n_elements`` exceeds the limit; the message gives the size asked
        for and the limit.

    Examples
    --------
    >>> check_size(10**6, "make_interaction(n=1000000)")
    1000000
    """
    n_elements = int(n_elements)
    limit = max_elements()
    if n_elements > limit:
        how = f" ({detail})" if detail else ""
        raise ValueError(
            f"{name} asks for {n_elements:,} {what}{how}, {n_elements * 4 / 2**30:.3g} GiB as float32; mmlab "
            f"refuses more than {limit:,} numbers ({limit * 4 / 2**30:.3g} GiB) in one request, so that it fails "
            f"here rather than by exhausting memory. {remedy + ' ' if remedy else ''}"
            "Set MMLAB_MAX_ELEMENTS to raise the limit on a machine with the memory."
        )
    return n_elements


#: A float64 probability table may miss 1 by this much and still count as normalised
#: (1e-6 for tables stored in 32 bits or fewer); accepted tables are rescaled to sum to 1.
SUM_RTOL: float = 1e-9


def check_scalar(
    value: Any,
    name: str,
    target_type: type | tuple[type, ...] = numbers.Real,
    *,
    min_val: float | None = None,
    max_val: float | None = None,
    include_boundaries: str = "both",
) -> Any:
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
        raise ValueError(
            f"include_boundaries must be 'both', 'left', 'right' or 'neither'; got {include_boundaries!r}."
        )
    integral = target_type is numbers.Integral or (
        isinstance(target_type, tuple) and numbers.Integral in target_type and numbers.Real not in target_type
    )
    kind = "an integer" if integral else "a real number"
    left_closed = include_boundaries in ("both", "left")
    right_closed = include_boundaries in ("both", "right")
    if min_val is not None and max_val is not None:  # "in [0, 1)"
        where = ("[" if left_closed else "(") + f"{min_val:g}, {max_val:g}" + ("]" if right_closed else ")")
        constraint, out_of_range = f" in {where}", f"must lie in {where}"
    elif min_val is not None:  # ">= 0"
        constraint = f" {'>=' if left_closed else '>'} {min_val:g}"
        out_of_range = "must be" + constraint
    elif max_val is not None:  # "<= 1"
        constraint = f" {'<=' if right_closed else '<'} {max_val:g}"
        out_of_range = "must be" + constraint
    else:
        constraint, out_of_range = "", ""
    if isinstance(value, bool) or not isinstance(value, target_type) or isinstance(value, complex):
        raise TypeError(f"{name} must be {kind}{constraint}; got {type(value).__name__} {value!r}.")
    if integral:
        value = int(value)
    else:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite real number{constraint}; got {value}.")
    too_low = min_val is not None and (value < min_val if left_closed else value <= min_val)
    too_high = max_val is not None and (value > max_val if right_closed else value >= max_val)
    if too_low or too_high:
        raise ValueError(f"{name} {out_of_range}; got {value}.")
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
        raise TypeError(
            f"{name} must hold real probabilities; got complex dtype {raw.dtype}. "
            "Take the real part or the modulus explicitly if that is what you mean."
        )
    if raw.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array-like of numbers (probabilities); got dtype {raw.dtype} ({type(p).__name__})."
        )
    rtol = SUM_RTOL if raw.dtype.itemsize >= 8 or raw.dtype.kind in "biu" else 1e-6
    arr = check_array(raw, name, ndim=ndim, finite=False, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty probability table; got shape {arr.shape}.")
    n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
    if n_bad:
        raise ValueError(
            f"{name} must be finite; got {n_bad} NaN or infinite entr{'y' if n_bad == 1 else 'ies'}. "
            "A probability table holds numbers in [0, 1]."
        )
    if np.any(arr < 0):
        raise ValueError(
            f"{name} must be non-negative; got {int(np.count_nonzero(arr < 0))} negative entries "
            f"(smallest {arr.min():.3g}). A probability table holds numbers in [0, 1]."
        )
    total = float(arr.sum())
    if abs(total - 1.0) > rtol:
        raise ValueError(
            f"{name} must sum to 1 (a probability table); it sums to {total:.10g}. "
            "Divide counts by their total (p / p.sum()) first."
        )
    return arr / total


def check_probability_stack(p: Any, name: str, *, table_ndim: int) -> np.ndarray:
    """Return ``p`` as a float64 stack of probability tables (its last ``table_ndim`` axes), or raise.

    The vectorised counterpart of :func:`check_probability_table` for arrays
    holding many tables at once, ``p[..., i_1, ..., i_k]`` with ``k =
    table_ndim``: every table must be real, finite, non-negative and sum to 1
    within :data:`SUM_RTOL` (1e-6 for input stored in 32 bits or fewer); each
    accepted table is rescaled to sum to exactly 1.

    Parameters
    ----------
    p : array-like of shape (..., n_1, ..., n_k)
        One table or a stack of tables.
    name : str
        The argument's name, used in messages.
    table_ndim : int
        The number of trailing axes that form one table (e.g. 3 for ``q[..., x1, x2, y]``).

    Returns
    -------
    ndarray of float64
        The validated, renormalised stack (a new array).

    Raises
    ------
    TypeError
        If ``p`` is not real-valued numbers (strings, objects, complex numbers).
    ValueError
        If ``p`` has fewer than ``table_ndim`` axes, is empty, holds NaN,
        infinite or negative entries, or a table does not sum to 1.

    Examples
    --------
    >>> check_probability_stack(np.full((5, 2, 2), 0.25), "q", table_ndim=2).shape
    (5, 2, 2)
    """
    if hasattr(p, "detach"):  # a torch tensor
        p = p.detach().cpu().numpy()
    raw = np.asarray(p) if not isinstance(p, np.ndarray) else p
    if raw.dtype.kind == "c":
        raise TypeError(
            f"{name} must hold real probabilities; got complex dtype {raw.dtype}. "
            "Take the real part or the modulus explicitly if that is what you mean."
        )
    if raw.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array-like of numbers (probabilities); got dtype {raw.dtype} ({type(p).__name__})."
        )
    if raw.ndim < table_ndim:
        raise ValueError(
            f"{name} must have at least {table_ndim} axes (one table, or a stack of tables in its "
            f"last {table_ndim} axes); got shape {raw.shape}."
        )
    rtol = SUM_RTOL if raw.dtype.itemsize >= 8 or raw.dtype.kind in "biu" else 1e-6
    arr = raw.astype(float)
    if arr.size == 0:
        raise ValueError(f"{name} must hold non-empty probability tables; got shape {arr.shape}.")
    n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
    if n_bad:
        raise ValueError(
            f"{name} must be finite; got {n_bad} NaN or infinite entr{'y' if n_bad == 1 else 'ies'}. "
            "A probability table holds numbers in [0, 1]."
        )
    if np.any(arr < 0):
        raise ValueError(
            f"{name} must be non-negative; got {int(np.count_nonzero(arr < 0))} negative entries "
            f"(smallest {arr.min():.3g}). A probability table holds numbers in [0, 1]."
        )
    axes = tuple(range(-table_ndim, 0))
    totals = arr.sum(axis=axes, keepdims=True)
    off = np.abs(totals - 1.0) > rtol
    if np.any(off):
        worst = float(totals.ravel()[np.argmax(np.abs(totals - 1.0).ravel())])
        raise ValueError(
            f"every table in {name} (its last {table_ndim} axes) must sum to 1; "
            f"{int(np.count_nonzero(off))} of {totals.size} do not (one sums to {worst:.10g}). "
            "Divide counts by their total first."
        )
    return arr / totals
