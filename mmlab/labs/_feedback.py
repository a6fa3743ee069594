"""Message-first feedback for lab check cells.

A check runs a student's function on known inputs and compares the result with
mmlab's reference. When something is off it raises :class:`CheckFailed`, whose
text is the whole message (what property failed, expected vs got, the likely
cause) and whose traceback is cut at the check cell, so a student reads a
sentence instead of a stack of mmlab internals. On success a check prints what
it verified.

Topic modules (``mmlab.labs``, ``mmlab.labs``, ...) build
their ``check_*`` functions from the small expectations below.
"""

from __future__ import annotations

import linecache
import os
import sys
import sysconfig
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mmlab.exceptions import CheckFailed

__all__ = ["CheckFailed", "CheckRun", "expect_close", "expect_shape", "expect_true", "run_student"]


def _hide_internal_traceback(exc: CheckFailed) -> CheckFailed:
    exc.__traceback__ = None
    exc.__cause__ = None
    exc.__suppress_context__ = True
    return exc


class CheckRun:
    """Count and label the sub-checks of one exercise: ``Check 2/4 (what): ...``.

    Parameters
    ----------
    exercise : str
        The exercise's title, used in the success line.
    n_checks : int
        How many sub-checks the exercise has.
    """

    def __init__(self, exercise: str, n_checks: int) -> None:
        self.exercise = exercise
        self.n_checks = n_checks
        self.done: list[str] = []

    def fail(self, what: str, message: str) -> None:
        """Raise :class:`CheckFailed` for the current sub-check."""
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


def run_student(run: CheckRun, fn: Callable[..., Any], *args: Any, what: str = "runs", **kwargs: Any) -> Any:
    """Call a student's function and turn a crash into feedback.

    ``NotImplementedError`` (an unsolved exercise) propagates unchanged, so the
    check cell of an unsolved exercise shows the stub's message; any other
    exception becomes a :class:`CheckFailed` naming the error and the line of the
    student's code where it happened.
    """
    if not callable(fn):
        run.fail(what, f"expected a function, got {type(fn).__name__}. Pass the function itself, not its result.")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        # An unsolved exercise: let the stub's own message ("Exercise k: replace this
        # line with your code") reach the student unchanged. The student-copy test
        # relies on this: unsolved checks fail with NotImplementedError only.
        raise
    except CheckFailed:
        raise
    except Exception as err:  # noqa: BLE001 - any student error becomes feedback
        etype, _, tb = sys.exc_info()
        line = _student_line(tb)
        run.fail(what, f"your function raised {etype.__name__}: {err}{line}.")
    return None  # unreachable


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


def expect_shape(run: CheckRun, got: Any, expected: Sequence[int], *, what: str, hint: str = "") -> None:
    """Fail unless ``got`` has exactly the shape ``expected``."""
    shape = tuple(getattr(got, "shape", ()))
    if shape != tuple(expected):
        run.fail(what, f"expected shape {tuple(expected)}, got {shape}." + (f" {hint}" if hint else ""))
    run.passed(what)


def expect_close(run: CheckRun, got: Any, expected: Any, *, what: str, atol: float = 1e-6,
                 rtol: float = 1e-5, hint: str = "", reveal: bool = True) -> None:
    """Fail unless ``got`` equals ``expected`` within tolerance.

    ``reveal=False`` keeps the expected value out of the message (for values
    that would give the answer away); the message then says only how far off
    the student is.
    """
    try:
        g = np.asarray(got.detach().cpu() if hasattr(got, "detach") else got, dtype=float)
    except (TypeError, ValueError):
        run.fail(what, f"expected a number or an array of numbers, got {type(got).__name__}.")
    e = np.asarray(expected.detach().cpu() if hasattr(expected, "detach") else expected, dtype=float)
    if g.shape != e.shape:
        run.fail(what, f"expected shape {e.shape}, got {g.shape}." + (f" {hint}" if hint else ""))
    if not np.all(np.isfinite(g)):
        run.fail(what, "your result contains NaN or infinite values." + (f" {hint}" if hint else ""))
    if not np.allclose(g, e, atol=atol, rtol=rtol):
        diff = float(np.max(np.abs(g - e)))
        if g.size == 1 and reveal:
            detail = f"expected {float(e.ravel()[0]):.4g}, got {float(g.ravel()[0]):.4g} (off by {diff:.3g})."
        elif g.size == 1:
            detail = f"your value {float(g.ravel()[0]):.4g} is off by {diff:.3g}."
        else:
            worst = np.unravel_index(int(np.argmax(np.abs(g - e))), g.shape)
            detail = f"largest difference {diff:.3g} at index {tuple(int(i) for i in worst)}"
            detail += f" (expected {e[worst]:.4g}, got {g[worst]:.4g})." if reveal else "."
        run.fail(what, detail + (f" {hint}" if hint else ""))
    run.passed(what)


def expect_true(run: CheckRun, condition: bool, *, what: str, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not bool(condition):
        run.fail(what, message)
    run.passed(what)
