"""Message-first feedback for lab check cells, and the tripwire that makes the student do the work.

A check runs a student's function on known inputs and compares the result with
a reference computed inside the check module (never with the public mmlab
function the exercise asks the student to write). When something is off it
raises :class:`CheckFailed`, whose text is the whole message (which property
failed, and a hint), so a student reads a sentence instead of a stack of mmlab
internals. On success a check prints what it verified.

The pieces every lab's ``_<topic>.py`` builds its ``check_*`` functions from:

- :class:`CheckRun` counts and labels the sub-checks (``✗ Check 2/4 (what): ...``);
- :func:`run_student` calls the student's function: a crash becomes feedback
  naming the student's line, an unsolved stub's ``NotImplementedError`` passes
  through, and, inside a check decorated with :func:`forbid`, a call of a
  forbidden library function fails the check;
- validators of what came back, each failing with a message that names the
  problem (``None``, a list, a string, a non-integer, a wrong shape, NaN):
  :func:`expect_number`, :func:`expect_integer`, :func:`expect_array`,
  :func:`expect_choice`; comparisons :func:`expect_close` (hides the reference
  value unless ``reveal=True``), :func:`expect_shape`, :func:`expect_true`;
- the tripwire: :func:`forbid` declares, on the check, what the exercise asks
  the student to write (``asks_for``: public mmlab names the lab must not hand
  out, verified statically by ``tests/hygiene/test_lab_namespaces.py``) and
  which other library calls would short-cut it (``shortcuts``); while the
  student's function runs, any call of those functions, classes (construction)
  or methods, however reached (an import inside the function, a module
  attribute, an alias, ``functools.partial``, another mmlab function), fails
  the check with "Exercise k asks you to <task>; your function calls mmlab's
  `name`". :func:`tripwire` is the underlying context manager;
- :func:`install_ipython_display` (run when :mod:`mmlab.labs` is imported in
  IPython) shows a :class:`CheckFailed` as the check cell's line and the
  message, without the frames inside mmlab.

Example (a check module of a future lab)::

    @forbid("mmlab.align.dtw_path", task="compute the alignment path yourself",
            shortcuts=("mmlab.align.dtw_cost",))
    def check_dtw(fn):
        run = CheckRun("Exercise 2 (dynamic time warping)", 3)
        path = expect_array(run, run_student(run, fn, a, b, what="returns a path"), what="returns a path")
        ...
        return run.finish()
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import inspect
import linecache
import numbers
import os
import re
import sys
import sysconfig
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from mmlab.exceptions import CheckFailed

__all__ = [
    "RETURNED_NONE",
    "CheckFailed",
    "CheckRun",
    "ForbiddenCalls",
    "expect_array",
    "expect_choice",
    "expect_close",
    "expect_integer",
    "expect_number",
    "expect_shape",
    "expect_true",
    "forbid",
    "install_ipython_display",
    "run_student",
    "tripwire",
]

#: The message for a student function that returned nothing.
RETURNED_NONE = "your function returned None. Did you forget the `return` statement?"

_C = TypeVar("_C", bound=Callable[..., Any])


def _hide_internal_traceback(exc: CheckFailed) -> CheckFailed:
    exc.__traceback__ = None
    exc.__cause__ = None
    exc.__suppress_context__ = True
    return exc


def _outside_mmlab(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback without its frames inside mmlab (the student's cells and code stay)."""
    package = str(Path(__file__).resolve().parents[1]) + os.sep
    kept = []
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith("<") or not str(Path(filename).resolve()).startswith(package):
            kept.append(tb)
        tb = tb.tb_next
    chain = None
    for entry in reversed(kept):
        chain = types.TracebackType(chain, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return chain


def _show_check_failed(
    shell: Any, etype: type, value: BaseException, tb: types.TracebackType | None, tb_offset: int | None = None
) -> None:
    """IPython handler for :class:`CheckFailed`: the check cell's line and the message, no mmlab frames."""
    shell.showtraceback((etype, value, _outside_mmlab(tb)), tb_offset=tb_offset)


def install_ipython_display(shell: Any = None) -> bool:
    """Show a :class:`CheckFailed` in IPython without the frames inside mmlab; True if installed.

    Called when :mod:`mmlab.labs` is imported. Does nothing outside IPython,
    or when the shell already has custom exception handlers of its own.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    current = tuple(getattr(shell, "custom_exceptions", ()))
    if current and current != (CheckFailed,):
        return False
    shell.set_custom_exc((CheckFailed,), _show_check_failed)
    return True


class CheckRun:
    """Count and label the sub-checks of one exercise: ``Check 2/4 (what): ...``.

    Parameters
    ----------
    exercise : str
        The exercise's title, e.g. ``"Exercise 2 (tensor-fusion parameter count)"``;
        used in the success line and, by :func:`forbid`, as "Exercise 2".
    n_checks : int
        How many sub-checks the exercise has.
    """

    def __init__(self, exercise: str, n_checks: int) -> None:
        self.exercise = exercise
        self.n_checks = n_checks
        self.done: list[str] = []

    def fail(self, what: str, message: str) -> None:
        """Raise :class:`CheckFailed` for the current sub-check.

        Raises
        ------
        CheckFailed
            Always: ``"✗ Check k/n (what): message"``, without a traceback into mmlab.
        """
        k = len(self.done) + 1
        raise _hide_internal_traceback(CheckFailed(f"✗ Check {k}/{self.n_checks} ({what}): {message}"))

    def passed(self, what: str) -> None:
        """Record that the current sub-check passed."""
        self.done.append(what)

    def finish(self) -> bool:
        """Print the success line listing what was verified, and return True."""
        listed = "; ".join(self.done)
        print(f"✓ {self.exercise}: all {len(self.done)} checks passed ({listed}).")
        return True

    @property
    def exercise_label(self) -> str:
        """``"Exercise k"`` from the title (the whole title if it has no number)."""
        found = re.match(r"\s*(Exercise\s+\d+)", self.exercise)
        return found.group(1) if found else self.exercise


# --------------------------------------------------------------------------- #
# the tripwire
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class ForbiddenCalls:
    """What an exercise asks the student to write, and the library calls that would skip the work.

    Attributes
    ----------
    asks_for : tuple of str
        Dotted public paths (``"mmlab.quantify.mutual_information"``, a class
        ``"mmlab.fusion.TensorFusion"`` or a method
        ``"mmlab.fusion.TensorFusion.fused_tensor"``) of what the exercise asks
        for. A lab must not import, define or call these names
        (``tests/hygiene/test_lab_namespaces.py``), and the student's function
        must not call them.
    task : str
        What the exercise asks, after "Exercise k asks you to", e.g.
        ``"compute the mutual information from the table yourself"``.
    shortcuts : tuple of str
        Further paths the student's function must not call (one-line detours
        such as ``exact_pid(p[:, None, :]).unique1`` for a mutual information);
        the lab may use them elsewhere.
    hint : str
        A sentence appended to the message (what to use instead).
    """

    asks_for: tuple[str, ...]
    task: str
    shortcuts: tuple[str, ...] = ()
    hint: str = ""

    @property
    def targets(self) -> tuple[str, ...]:
        """Every path the student's function must not call."""
        return self.asks_for + self.shortcuts

    def public_names(self) -> tuple[str, ...]:
        """The importable names of ``asks_for`` (``TensorFusion`` for ``...TensorFusion.fused_tensor``)."""
        return tuple(dict.fromkeys(_resolve(path)[2][0] for path in self.asks_for))

    def message(self, exercise: str, label: str) -> str:
        """The feedback for a call of ``label`` inside the student's function."""
        text = f"{exercise} asks you to {self.task}; your function calls mmlab's `{label}`."
        return text + (f" {self.hint}" if self.hint else "")


_ACTIVE_RULE: contextvars.ContextVar[ForbiddenCalls | None] = contextvars.ContextVar("mmlab_forbidden", default=None)


def forbid(*asks_for: str, task: str, shortcuts: Sequence[str] = (), hint: str = "") -> Callable[[_C], _C]:
    """Decorate a check: the student's function must not call what the exercise asks for.

    While the decorated check runs, :func:`run_student` watches every call the
    student's function makes (with :func:`tripwire`); a call of any path in
    ``asks_for`` or ``shortcuts`` fails the current sub-check with
    ``"Exercise k asks you to {task}; your function calls mmlab's `name`. {hint}"``.
    The decorated check carries the rule as ``check.forbidden``
    (a :class:`ForbiddenCalls`), which the namespace hygiene test reads to
    verify that the lab does not hand out ``asks_for``.

    Parameters
    ----------
    *asks_for : str
        Dotted public paths of the functions, classes or methods the exercise
        asks the student to write.
    task : str
        What the exercise asks, completing "Exercise k asks you to ...".
    shortcuts : sequence of str, optional
        Other paths whose call would skip the work.
    hint : str, optional
        A sentence appended to the message.

    Returns
    -------
    callable
        The decorator.
    """
    rule = ForbiddenCalls(tuple(asks_for), task, tuple(shortcuts), hint)

    def decorate(check: _C) -> _C:
        @functools.wraps(check)
        def checked(*args: Any, **kwargs: Any) -> Any:
            token = _ACTIVE_RULE.set(rule)
            try:
                return check(*args, **kwargs)
            finally:
                _ACTIVE_RULE.reset(token)

        checked.forbidden = rule  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def _resolve(path: str) -> tuple[Any, type | None, list[str]]:
    """Import a dotted path: ``(object, owning class or None, attribute names after the module)``."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        obj: Any = module
        owner = None
        for name in parts[cut:]:
            owner = obj if isinstance(obj, type) else None
            try:
                obj = getattr(obj, name)
            except AttributeError:
                raise ValueError(f"forbid/tripwire: {path!r} does not exist ({name!r} is missing).") from None
        return obj, owner, parts[cut:]
    raise ValueError(
        f"forbid/tripwire: no module found in {path!r}; give a dotted path such as 'mmlab.quantify.mutual_information'."
    )


@dataclass(frozen=True)
class _Watch:
    label: str
    instance_of: type | None = None  # for a constructor: the call counts only if self is one of these
    self_name: str = ""


def _watch_list(targets: Iterable[str]) -> tuple[dict[Any, _Watch], dict[int, tuple[Any, _Watch]]]:
    """Code objects (Python functions) and C functions to watch, with the label to report."""
    codes: dict[Any, _Watch] = {}
    builtins: dict[int, tuple[Any, _Watch]] = {}
    for path in targets:
        obj, _, chain = _resolve(path)
        label = ".".join(chain)
        if isinstance(obj, type):  # construction: watch the __init__ that runs, only for this class
            init = inspect.unwrap(obj.__init__)
            code = getattr(init, "__code__", None)
            if code is None or not code.co_varnames:
                raise TypeError(f"tripwire: cannot watch the construction of {path}: it has no Python __init__.")
            codes[code] = _Watch(label, obj, code.co_varnames[0])
            continue
        function = inspect.unwrap(obj)
        if isinstance(function, (staticmethod, classmethod)):
            function = function.__func__
        code = getattr(function, "__code__", None)
        if code is not None:
            codes[code] = _Watch(label)
        elif callable(obj):
            builtins[id(obj)] = (obj, _Watch(label))
        else:
            raise TypeError(f"tripwire: {path} is not a function, class or method.")
    return codes, builtins


@contextlib.contextmanager
def tripwire(targets: Iterable[str]) -> Iterator[list[str]]:
    """Record every call of the named functions, classes and methods while the block runs.

    Uses :func:`sys.setprofile`, so a call is seen however it is reached (an
    alias, a module attribute, ``functools.partial``, a stored reference, or
    another library function); nothing is replaced or patched. A class is
    called when one of its instances is constructed.

    Parameters
    ----------
    targets : iterable of str
        Dotted paths, e.g. ``"mmlab.quantify.emap"``, ``"mmlab.fusion.LowRankFusion"``.

    Yields
    ------
    list of str
        Filled, in call order, with the label (``"emap"``, ``"LowRankFusion"``,
        ``"TensorFusion.fused_tensor"``) of each watched call.

    Examples
    --------
    >>> from mmlab.labs import tripwire
    >>> from mmlab.quantify import entropy
    >>> with tripwire(["mmlab.quantify.entropy"]) as calls:
    ...     _ = entropy([0.5, 0.5])
    >>> calls
    ['entropy']
    """
    codes, builtins = _watch_list(targets)
    calls: list[str] = []
    if not codes and not builtins:
        yield calls
        return
    previous = sys.getprofile()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            watch = codes.get(frame.f_code)
            if watch is not None and (
                watch.instance_of is None or isinstance(frame.f_locals.get(watch.self_name), watch.instance_of)
            ):
                calls.append(watch.label)
        elif event == "c_call" and builtins:
            found = builtins.get(id(arg))
            if found is not None and found[0] is arg:
                calls.append(found[1].label)
        if previous is not None and callable(previous):
            previous(frame, event, arg)

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)


# --------------------------------------------------------------------------- #
# running the student's function
# --------------------------------------------------------------------------- #
def run_student(run: CheckRun, fn: Callable[..., Any], *args: Any, what: str = "runs", **kwargs: Any) -> Any:
    """Call a student's function and turn a crash, or a forbidden call, into feedback.

    ``NotImplementedError`` (an unsolved exercise) propagates unchanged, so the
    check cell of an unsolved exercise shows the stub's message; any other
    exception becomes a :class:`CheckFailed` naming the error and the line of the
    student's code where it happened. Inside a check decorated with
    :func:`forbid`, a call of a forbidden library function fails the check with
    the rule's message, even if the student's function caught an exception.
    """
    if not callable(fn):
        run.fail(what, f"expected a function, got {type(fn).__name__}. Pass the function itself, not its result.")
    rule = _ACTIVE_RULE.get()
    crash = None
    with tripwire(rule.targets if rule is not None else ()) as calls:
        try:
            result = fn(*args, **kwargs)
        except NotImplementedError:
            # An unsolved exercise: let the stub's own message ("Exercise k: replace this
            # line with your code") reach the student unchanged. The student-copy test
            # relies on this: unsolved checks fail with NotImplementedError only.
            raise
        except CheckFailed:
            raise
        except Exception as err:
            etype, _, tb = sys.exc_info()
            crash = f"your function raised {etype.__name__}: {err}{_student_line(tb)}."
    if calls and rule is not None:
        run.fail(what, rule.message(run.exercise_label, calls[0]))
    if crash is not None:
        run.fail(what, crash)
    return result


def _library_dirs() -> tuple[str, ...]:
    """Folders whose code is not the student's: this package, the standard library, installed packages."""
    paths = sysconfig.get_paths()
    dirs = {Path(__file__).resolve().parents[1]}
    dirs.update(Path(paths[key]).resolve() for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths)
    return tuple(sorted(str(d) + os.sep for d in dirs))


def _student_line(tb: Any) -> str:
    """`` (line k of your code: `source`)`` for the deepest traceback frame outside libraries, or ``""``."""
    library = _library_dirs()
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        resolved = str(Path(filename).resolve()) if not filename.startswith("<") else filename
        if not resolved.startswith(library) and not filename.startswith("<frozen"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return ""
    source = linecache.getline(*found).strip()
    return f" (line {found[1]} of your code: `{source}`)" if source else f" (line {found[1]} of your code)"


# --------------------------------------------------------------------------- #
# validating what came back
# --------------------------------------------------------------------------- #
def _with_hint(message: str, hint: str) -> str:
    return message + (f" {hint}" if hint else "")


def _describe(value: Any) -> str:
    """``float 339.99999999999994``, ``list of length 3``, ``str '1,234'``: what a student returned."""
    name = type(value).__name__
    if isinstance(value, (list, tuple, dict, set)):
        return f"{name} of length {len(value)}"
    if hasattr(value, "shape") and getattr(value, "ndim", 0):
        return f"{name} of shape {tuple(value.shape)}"
    text = repr(value)
    return f"{name} {text[:40] + '...' if len(text) > 43 else text}"


def _scalar(value: Any) -> Any:
    """A one-element array or tensor as a Python scalar; anything else unchanged."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
    if isinstance(value, np.generic) or (
        hasattr(value, "shape") and hasattr(value, "item") and int(np.prod(value.shape)) == 1
    ):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


def expect_number(run: CheckRun, value: Any, *, what: str, hint: str = "") -> float:
    """Return ``value`` as a finite float, or fail naming what came back instead.

    Accepts Python and NumPy numbers and one-element arrays or tensors; fails on
    ``None``, booleans, strings, containers, complex numbers, NaN and infinity.
    """
    if value is None:
        run.fail(what, RETURNED_NONE)
    v = _scalar(value)
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        run.fail(what, _with_hint(f"expected one number, got {_describe(value)}.", hint))
    if not np.isfinite(float(v)):
        run.fail(what, _with_hint(f"your function returned {float(v)}; expected a finite number.", hint))
    return float(v)


def expect_integer(run: CheckRun, value: Any, *, what: str, hint: str = "") -> int:
    """Return ``value`` as an int, or fail: a float must be whole (``int()`` would truncate 339.9 to 339)."""
    if value is None:
        run.fail(what, RETURNED_NONE)
    v = _scalar(value)
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        run.fail(what, _with_hint(f"expected a whole number, got {_describe(value)}.", hint))
    if isinstance(v, numbers.Integral):
        return int(v)
    if not (np.isfinite(float(v)) and float(v).is_integer()):
        run.fail(
            what,
            _with_hint(
                f"expected a whole number, got {type(v).__name__} {v!r}. Count with "
                "integers (int arithmetic, math.prod); floating-point steps such as "
                "division or exp/log leave fractions.",
                hint,
            ),
        )
    return int(v)


def expect_array(
    run: CheckRun, value: Any, shape: Sequence[int] | None = None, *, what: str, tensor: bool = False, hint: str = ""
) -> Any:
    """Validate an array result: numeric, the given shape, finite; return it as float ndarray (or the tensor).

    Parameters
    ----------
    run : CheckRun
    value : Any
        What the student's function returned.
    shape : sequence of int, optional
        The required shape.
    what : str
        The sub-check's label.
    tensor : bool, default=False
        Require a ``torch.Tensor`` (a NumPy array, list or tuple then fails
        with a message that says so) and return it unchanged; otherwise
        arrays, tensors and nested lists are accepted and returned as a float
        NumPy array.
    hint : str, optional
        Appended to a shape message.
    """
    if value is None:
        run.fail(what, RETURNED_NONE)
    if tensor:
        import torch

        if isinstance(value, np.ndarray):
            run.fail(
                what,
                "you returned a NumPy array; return a torch.Tensor (stay in torch, so that gradients "
                "can flow and the result keeps its device).",
            )
        if isinstance(value, (list, tuple)):
            run.fail(
                what,
                f"you returned a {type(value).__name__}; return one torch.Tensor "
                "(torch.stack or torch.cat joins tensors into one).",
            )
        if not isinstance(value, torch.Tensor):
            run.fail(what, f"expected a torch.Tensor, got {_describe(value)}.")
        if value.is_complex() or value.dtype == torch.bool:
            run.fail(what, f"expected a tensor of real numbers, got dtype {value.dtype}.")
        got_shape = tuple(value.shape)
        arr = None
    else:
        if isinstance(value, (str, bytes, dict, set)) or callable(value):
            run.fail(what, f"expected an array of numbers, got {_describe(value)}.")
        source = value.detach().cpu().numpy() if hasattr(value, "detach") else value
        try:
            arr = np.asarray(source)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
            run.fail(
                what,
                f"expected an array of numbers, got {_describe(value)} (with entries that are not "
                "numbers, or rows of different lengths).",
            )
        if np.iscomplexobj(arr):
            run.fail(what, "expected real numbers, got complex ones.")
        got_shape = arr.shape
    if shape is not None and got_shape != tuple(shape):
        run.fail(what, _with_hint(f"expected shape {tuple(shape)}, got {got_shape}.", hint))
    finite = bool(value.detach().isfinite().all()) if arr is None else bool(np.all(np.isfinite(arr)))
    if not finite:
        run.fail(what, "your result contains NaN or infinite values.")
    return value if arr is None else arr.astype(float)


def expect_choice(run: CheckRun, value: Any, choices: Sequence[str], *, what: str, hint: str = "") -> str:
    """Return ``value`` if it is one of ``choices`` (strings), or fail naming what came back."""
    if value is None:
        run.fail(what, RETURNED_NONE)
    if not isinstance(value, str) or value not in choices:
        run.fail(what, _with_hint(f"expected one of {list(choices)}, got {_describe(value)}.", hint))
    return value


def expect_shape(run: CheckRun, got: Any, expected: Sequence[int], *, what: str, hint: str = "") -> None:
    """Fail unless ``got`` has exactly the shape ``expected`` (``None`` and lists get their own message)."""
    if got is None:
        run.fail(what, RETURNED_NONE)
    if not hasattr(got, "shape"):
        run.fail(
            what, _with_hint(f"expected an array or tensor of shape {tuple(expected)}, got {_describe(got)}.", hint)
        )
    shape = tuple(got.shape)
    if shape != tuple(expected):
        run.fail(what, _with_hint(f"expected shape {tuple(expected)}, got {shape}.", hint))
    run.passed(what)


def expect_close(
    run: CheckRun,
    got: Any,
    expected: Any,
    *,
    what: str,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    hint: str = "",
    reveal: bool = False,
) -> None:
    """Fail unless ``got`` equals ``expected`` within tolerance.

    By default the message never contains the expected value, nor how far off
    the student is (which would give it away): it says that the value differs
    (for arrays, how many entries and the first index), whether it is close
    (within 1 %, a sign of rounding), and the hint. ``reveal=True`` prints
    expected and received values, for quantities that are not the answer.
    """
    if got is None:
        run.fail(what, RETURNED_NONE)
    try:
        g = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got, dtype=float)
    except (TypeError, ValueError):
        run.fail(what, f"expected a number or an array of numbers, got {_describe(got)}.")
    e = np.asarray(expected.detach().cpu() if hasattr(expected, "detach") else expected, dtype=float)
    if g.shape != e.shape:
        run.fail(what, _with_hint(f"expected shape {e.shape}, got {g.shape}.", hint))
    if not np.all(np.isfinite(g)):
        run.fail(what, _with_hint("your result contains NaN or infinite values.", hint))
    bad = ~np.isclose(g, e, atol=atol, rtol=rtol)
    if bad.any():
        diff = float(np.max(np.abs(g - e)))
        if reveal and g.size == 1:
            detail = f"expected {float(e.ravel()[0]):.4g}, got {float(g.ravel()[0]):.4g} (off by {diff:.3g})."
        elif reveal:
            worst = np.unravel_index(int(np.argmax(np.abs(g - e))), g.shape)
            detail = (
                f"largest difference {diff:.3g} at index {tuple(int(i) for i in worst)} "
                f"(expected {e[worst]:.4g}, got {g[worst]:.4g})."
            )
        else:
            close = bool(np.all(np.abs(g - e) <= 0.01 * np.maximum(np.abs(e), 1e-12)))
            if g.size == 1:
                detail = f"your value {float(g.ravel()[0]):.4g} is not the expected one."
            else:
                first = tuple(int(i) for i in np.argwhere(bad)[0])
                detail = f"{int(bad.sum())} of {g.size} entries differ from the reference (the first at index {first})."
            if close:
                detail += " It is close (within 1%): are you rounding, or using an approximation?"
        run.fail(what, _with_hint(detail, hint))
    run.passed(what)


def expect_true(run: CheckRun, condition: bool, *, what: str, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not bool(condition):
        run.fail(what, message)
    run.passed(what)
