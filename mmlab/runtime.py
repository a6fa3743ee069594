"""Runtime machinery shared by every notebook: device, seeds, profiles, claims.

Every lecture and lab starts with the same four calls::

    from mmlab import claim, device, profile, seed_everything, sizes
    seed_everything(0)
    SIZES = sizes({"quick": dict(n=2000, epochs=20), "full": dict(n=50000, epochs=200)})
    print(device(), profile())

and states what it shows with :func:`claim`, which fails the notebook (and so
nbval and ``make book``) when the figure it is given does not back the text.

Used by: every notebook under ``lectures/`` and ``labs/``.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mmlab._validation import check_positive_int
from mmlab.exceptions import ClaimFailed

if TYPE_CHECKING:  # torch is imported where it is used, so `import mmlab` stays light
    import torch

__all__ = [
    "PROFILES",
    "ClaimFailed",
    "claim",
    "device",
    "profile",
    "seed_everything",
    "seeded",
    "set_num_threads",
    "sizes",
]

#: The allowed values of ``MMLAB_PROFILE``.
PROFILES: tuple[str, ...] = ("quick", "full")


# --------------------------------------------------------------------------- #
# device and threads
# --------------------------------------------------------------------------- #
def device() -> torch.device:
    """Return the best available torch device: ``cuda``, then ``mps``, then ``cpu``.

    ``MMLAB_DEVICE`` overrides the choice (e.g. ``MMLAB_DEVICE=cpu`` on a GPU box
    to reproduce what CI sees).

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If ``MMLAB_DEVICE`` is set to something that is not a torch device.

    Examples
    --------
    >>> device().type in ("cuda", "mps", "cpu")
    True
    """
    import torch

    forced = os.environ.get("MMLAB_DEVICE", "").strip()
    if forced:
        try:
            return torch.device(forced)
        except RuntimeError as err:
            raise ValueError(
                f"MMLAB_DEVICE must name a torch device such as 'cpu' or 'cuda:0'; got {forced!r} ({err})."
            ) from None
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_num_threads(n: int | None = None) -> int:
    """Limit torch's intra-op threads (one per kernel when notebooks run in parallel).

    Parameters
    ----------
    n : int or None, default=None
        Number of threads. ``None`` reads ``MMLAB_NUM_THREADS`` and, if unset,
        leaves torch's default alone.

    Returns
    -------
    int
        The number of threads torch now uses.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` (or ``MMLAB_NUM_THREADS``) is not a positive integer.
    """
    import torch

    if n is None:
        env = os.environ.get("MMLAB_NUM_THREADS", "").strip()
        if not env:
            return torch.get_num_threads()
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"MMLAB_NUM_THREADS must be a positive integer; got {env!r}.") from None
    n = check_positive_int(n, "n")
    torch.set_num_threads(n)
    return torch.get_num_threads()


# --------------------------------------------------------------------------- #
# seeds
# --------------------------------------------------------------------------- #
def seed_everything(seed: int = 0) -> int:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and CUDA).

    Also applies ``MMLAB_NUM_THREADS`` (see :func:`set_num_threads`), so that the
    setup cell of a notebook is the one place where the run is made reproducible.

    Parameters
    ----------
    seed : int, default=0
        A non-negative integer below 2**32.

    Returns
    -------
    int
        The seed, so a notebook can print it.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.
    ValueError
        If ``seed`` is outside [0, 2**32) (NumPy's global generator takes no more).

    Examples
    --------
    >>> seed_everything(3)
    3
    """
    seed = check_positive_int(seed, "seed", minimum=0)
    if seed >= 2**32:
        raise ValueError(f"seed must be in [0, 2**32) (NumPy's global generator takes no more); got {seed}.")
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  seeding the global generator is this function's job
    torch.manual_seed(seed)  # also seeds every CUDA device
    set_num_threads()
    return seed


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Draw from torch's global CPU generator seeded with ``seed``, and give the caller's state back afterwards.

    The package builds every model inside it, so that a ``random_state`` gives
    the same initialisation each time without touching the notebook's own
    random state (:func:`torch.random.fork_rng` on the CPU, then
    :func:`torch.manual_seed`).

    Parameters
    ----------
    seed : int
        Taken modulo 2**63 (so that a sum of seeds never overflows torch's
        seed), then passed to :func:`torch.manual_seed`.

    Examples
    --------
    >>> import torch
    >>> with seeded(3):
    ...     a = torch.rand(2)
    >>> with seeded(3):
    ...     b = torch.rand(2)
    >>> torch.equal(a, b)
    True
    """
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed) % 2**63)
        yield


# --------------------------------------------------------------------------- #
# profiles
# --------------------------------------------------------------------------- #
def profile() -> str:
    """Return the run profile: ``"quick"`` (CPU, CI, laptops) or ``"full"`` (GPU).

    ``MMLAB_PROFILE`` sets it; otherwise it is ``"full"`` when CUDA is available
    and ``"quick"`` otherwise.

    Raises
    ------
    ValueError
        If ``MMLAB_PROFILE`` is set to anything but one of :data:`PROFILES`.

    Examples
    --------
    >>> profile() in PROFILES
    True
    """
    value = os.environ.get("MMLAB_PROFILE", "").strip().lower()
    if value:
        if value not in PROFILES:
            raise ValueError(
                f"MMLAB_PROFILE must be one of {', '.join(PROFILES)}; got {value!r}. "
                "Unset it to choose automatically (full with CUDA, quick without)."
            )
        return value
    import torch

    return "full" if torch.cuda.is_available() else "quick"


def sizes(table: Mapping[str, Mapping[str, Any]], *, which: str | None = None) -> dict[str, Any]:
    """Pick a notebook's sizes for the current profile from its one size table.

    Parameters
    ----------
    table : mapping
        ``{"quick": {...}, "full": {...}}``; both profiles must be present and
        name the same keys, so that no notebook silently lacks a size in one
        profile.
    which : str, optional
        The profile to pick; default :func:`profile`.

    Returns
    -------
    dict
        A copy of ``table[which]``.

    Raises
    ------
    TypeError
        If ``table`` or one of its rows is not a mapping.
    ValueError
        If ``table`` lacks a profile or has an extra one, the two rows name
        different sizes, or ``which`` (or ``MMLAB_PROFILE``) is not a profile.

    Examples
    --------
    >>> sizes({"quick": {"n": 100}, "full": {"n": 10_000}}, which="quick")
    {'n': 100}
    """
    if not isinstance(table, Mapping):
        raise TypeError(
            f"table must be a mapping such as {{'quick': {{...}}, 'full': {{...}}}}; got {type(table).__name__}."
        )
    missing = [p for p in PROFILES if p not in table]
    extra = [k for k in table if k not in PROFILES]
    if missing or extra:
        raise ValueError(f"table must have exactly the keys {list(PROFILES)}; missing {missing}, unexpected {extra}.")
    for p in PROFILES:
        if not isinstance(table[p], Mapping):
            raise TypeError(f"table[{p!r}] must be a mapping of sizes; got {type(table[p]).__name__}.")
    keys = {p: set(table[p]) for p in PROFILES}
    if keys["quick"] != keys["full"]:
        raise ValueError(
            "the quick and full rows must name the same sizes; "
            f"only in quick: {sorted(keys['quick'] - keys['full'])}, "
            f"only in full: {sorted(keys['full'] - keys['quick'])}."
        )
    which = profile() if which is None else which
    if which not in PROFILES:
        raise ValueError(f"which must be one of {list(PROFILES)}; got {which!r}.")
    return dict(table[which])


# --------------------------------------------------------------------------- #
# claims
# --------------------------------------------------------------------------- #
def _as_bool(condition: Any) -> bool:
    """Turn a claim's condition into a bool, refusing anything ambiguous."""
    if isinstance(condition, (bool, np.bool_)):
        return bool(condition)
    shape = getattr(condition, "shape", None)
    if shape is not None:
        size = int(np.prod(shape)) if len(shape) else 1
        if size != 1:
            raise TypeError(
                "claim's condition must be a single truth value; got an array/tensor "
                f"of shape {tuple(shape)}. Reduce it first, e.g. with .all() or .any()."
            )
        return bool(condition.item() if hasattr(condition, "item") else condition)
    raise TypeError(
        f"claim's condition must be a bool (the result of a comparison); got {type(condition).__name__} {condition!r}."
    )


def _format_figure(value: Any) -> str:
    if hasattr(value, "item") and getattr(value, "shape", None) in ((), (1,)):
        value = value.item()
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def claim(text: str, condition: Any, **figures: Any) -> None:
    """State what a notebook shows, and fail the notebook when it is not so.

    Prints one line, ``✓ text  (name=value, ...)`` or ``✗ ...``, and raises
    :class:`ClaimFailed` when ``condition`` is false, so nbval and ``make book``
    report the notebook as failed.

    Parameters
    ----------
    text : str
        The statement, in words a student reads.
    condition : bool
        A single truth value computed in the notebook (NumPy and one-element
        torch booleans are accepted). Arrays with several elements are refused:
        reduce them with ``.all()``/``.any()`` first.
    **figures
        The numbers that back the claim (accuracies, parameter counts, bits),
        printed next to it.

    Returns
    -------
    None
        Nothing, so a cell that ends in a claim shows only the claim's line
        (a false claim raises).

    Raises
    ------
    TypeError
        If ``text`` is not a string or ``condition`` is not a single truth value.
    ClaimFailed
        If ``condition`` is false.
    """
    if not isinstance(text, str) or not text.strip():
        raise TypeError(f"claim's text must be a non-empty string; got {text!r}.")
    ok = _as_bool(condition)
    shown = ", ".join(f"{k}={_format_figure(v)}" for k, v in figures.items())
    line = f"{'✓' if ok else '✗'} {text}" + (f"  ({shown})" if shown else "")
    print(line, flush=True)
    if not ok:
        raise ClaimFailed(f"claim does not hold: {text}" + (f"  ({shown})" if shown else ""))
