"""Every exception and warning class mmlab raises, in one place (the scikit-learn convention).

The policy:

- a bad argument raises :class:`TypeError` (wrong kind of object) or
  :class:`ValueError` (right kind, wrong value: shape, range, a table that
  does not sum to 1), with a message that names the argument, says what was
  expected and what was received, and suggests the fix;
- a computation that cannot deliver a correct answer raises
  :class:`SolverError` (never a silent or merely warned wrong answer);
- a notebook's claim that does not hold raises :class:`ClaimFailed`, so nbval
  and ``make book`` fail the notebook;
- a lab check that finds a mistake raises :class:`CheckFailed`, whose text is
  the whole feedback (no traceback into mmlab);
- :class:`ConvergenceWarning` flags an iterative fit (a training loop, an
  estimator) that stopped before its tolerance while its result is still
  usable, as scikit-learn's does.
"""

from __future__ import annotations

__all__ = ["CheckFailed", "ClaimFailed", "ConvergenceWarning", "SolverError"]


class ClaimFailed(AssertionError):
    """A notebook's claim did not hold: the figure computed does not back the text."""


class CheckFailed(Exception):
    """A lab check found a mistake; the message is the whole feedback for the student."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # the message alone, no repr noise
        return self.message


class SolverError(RuntimeError):
    """A solver could not reach a correct answer; raised instead of returning a wrong one."""


class ConvergenceWarning(RuntimeWarning):
    """An iterative method stopped before its tolerance; the result is usable but less accurate."""
