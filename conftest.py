"""Repository-wide pytest hooks (this file sits at the root so that it also covers
the notebooks under lectures/ and labs/, which nbval collects).

- A run that collects no test fails (exit status 1) instead of pytest's 5: a
  test command that silently tests nothing must not look green.
- The terminal summary lists the slowest notebooks (summed over their cells).
- Kernels draw with matplotlib's inline backend; this process with Agg.
"""

from __future__ import annotations

import os
from collections import defaultdict

import matplotlib
import pytest

from mmlab.book import INLINE_BACKEND

# Notebook kernels started by nbval inherit this process's environment: they draw with the
# inline backend (as in JupyterLab and `make book`), while figures made by unit tests in this
# process go to Agg and are never shown.
os.environ["MPLBACKEND"] = INLINE_BACKEND
matplotlib.use("Agg")

_NOTEBOOK_SECONDS: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _NOTEBOOK_SECONDS[path] += report.duration


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    ran = sum(len(terminalreporter.stats.get(key, ())) for key in ("passed", "failed", "skipped", "error"))
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED or ran == 0:
        terminalreporter.write_line(
            "ERROR: no tests were collected; a test run that tests nothing counts as failed.", red=True)
    if _NOTEBOOK_SECONDS:
        terminalreporter.section("slowest notebooks (seconds, summed over cells)")
        for path, seconds in sorted(_NOTEBOOK_SECONDS.items(), key=lambda kv: -kv[1])[:15]:
            terminalreporter.write_line(f"{seconds:7.1f}  {path}")
