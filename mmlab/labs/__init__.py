"""Lab tooling: feedback for check cells, and the student-copy generator.

- :mod:`mmlab.labs` re-exports :class:`CheckFailed` and the expectation helpers
  that topic check modules are built from.
- Topic checks live in one module per lab topic (``mmlab.labs.regression``,
  ``mmlab.labs.fusion``, ``mmlab.labs.interactions``); a lab imports its
  ``check_*`` functions from there.
- :mod:`mmlab.labs.student` turns instructor sources into student copies
  (nbgrader-compatible solution markers) and is what ``make student`` runs.
"""

from mmlab.labs._feedback import (
    CheckFailed,
    CheckRun,
    expect_close,
    expect_shape,
    expect_true,
    run_student,
)

__all__ = ["CheckFailed", "CheckRun", "expect_close", "expect_shape", "expect_true", "run_student"]
