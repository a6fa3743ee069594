"""Repository-wide pytest hooks (this file sits at the root so that it also covers
the notebooks under lectures/ and labs/, which nbval collects).

- A run that collects no test fails (exit status 1) instead of pytest's 5: a
  test command that silently tests nothing must not look green (also under xdist).
- Every nbval item (one per notebook cell) carries the ``notebook`` marker, so
  ``-m "not notebook"`` (``make test-fast``) skips the notebooks.
- Timeouts (pytest-timeout): pyproject's ``timeout`` for unit tests and doctests,
  ``SLOW_TIMEOUT`` for tests marked ``slow``; a notebook cell gets nbval's
  ``--nbval-cell-timeout`` (pyproject: 300 s), after which nbval interrupts the
  kernel and fails the cell (the notebook's remaining cells still report), plus
  ``NOTEBOOK_GRACE`` as a backstop for a kernel that ignores the interrupt.
- ``make test`` (``--dist loadscope``) schedules by :func:`scheduling_scope`: a file's tests
  on one worker (a notebook's cells share one kernel), but each seed of a file's seed tests,
  each lecture's reference answers and each student copy apart, handed out longest first
  (:func:`scheduling_order`), so that the long tests spread over the workers.
- The terminal summary lists the slowest notebooks (summed over their cells).
- Kernels draw with matplotlib's inline backend; this process with Agg.
"""

from __future__ import annotations

import os
import re
import statistics
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

SLOW_TIMEOUT = 300
NOTEBOOK_GRACE = 30


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m/-k deselection sees the items
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cell_timeout = float(getattr(config.option, "nbval_cell_timeout", SLOW_TIMEOUT))
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
            timeout = cell_timeout + NOTEBOOK_GRACE
        elif item.get_closest_marker("slow") is not None:
            timeout = SLOW_TIMEOUT
        else:
            continue
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(timeout))


_SEED_PARAM = re.compile(r"[\[-](seed\d+)[\]-]")
_ANSWER_PARAM = re.compile(r"::test_reference_answer_runs_and_holds\[(lecture_\d+_\d+)-")
_STUDENT_COPY = re.compile(r"^(tests/hygiene/test_student_copies\.py)::\w+\[(.+)\]$")
#: Files whose few tests run for tens of seconds each (a course term through nbgrader, a JupyterHub).
_LONG_FILES = ("tests/classroom/",)


def scheduling_scope(nodeid: str) -> str:
    """The unit of work that ``make test`` (``--dist loadscope``) gives one worker: its tests run in one process.

    A file's tests stay together (a notebook's cells share one kernel; a test module's caches are computed
    once), except the long ones: a file's seed-parametrized tests form one unit per seed (a model cached by
    seed serves all of that seed's tests), and the reference answers of one lecture form one unit (they share
    the models they cache), so that the workers share the long tests evenly.

    >>> scheduling_scope("lectures/1_representation/01_interaction_regression.ipynb::Cell 3")
    'lectures/1_representation/01_interaction_regression.ipynb'
    >>> scheduling_scope("tests/align/test_alignment_notebook_claims.py::test_lecture_05_claims[seed4]")
    'tests/align/test_alignment_notebook_claims.py::seed4'
    >>> scheduling_scope("tests/test_lecture_exercises.py::test_reference_answer_runs_and_holds[lecture_2_4-exercise4]")
    'tests/test_lecture_exercises.py::lecture_2_4'
    """
    path = nodeid.split("::", 1)[0]
    seed = _SEED_PARAM.search(nodeid)
    if seed:
        return f"{path}::{seed.group(1)}"
    answer = _ANSWER_PARAM.search(nodeid)
    if answer:
        return f"{path}::{answer.group(1)}"
    student_copy = _STUDENT_COPY.match(nodeid)
    if student_copy:  # each student copy runs in a kernel of its own
        return f"{student_copy.group(1)}::{student_copy.group(2)}"
    return path


def scheduling_order(scope: str, n_tests: int) -> tuple[int, int]:
    """Sort key of a scope in the work queue: the long units first, the many short test files last.

    Longest first is the classic rule for spreading jobs over a few machines: the short units that come
    last fill in the gaps, so that no worker is left running one long unit while the other idles.
    Seeds, lecture answers, student copies and the classroom files are long for their few tests;
    notebooks come next; the rest, ordered by their number of tests (xdist's default), last.

    >>> sorted([("tests/test_train.py", 40), ("lectures/x.ipynb", 12), ("tests/a.py::seed1", 3)],
    ...        key=lambda s: scheduling_order(*s))
    [('tests/a.py::seed1', 3), ('lectures/x.ipynb', 12), ('tests/test_train.py', 40)]
    """
    if "::" in scope or scope.startswith(_LONG_FILES):
        return (0, -n_tests)
    if scope.endswith(".ipynb"):
        return (1, -n_tests)
    return (2, -n_tests)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """With ``--dist loadscope``, xdist's scope scheduler with :func:`scheduling_scope` as the scope of a test."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class _Scheduler(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scheduling_scope(nodeid)

        def schedule(self) -> None:
            if self.collection is not None:  # later calls: xdist reschedules
                return super().schedule()
            # The first call: let xdist build the work queue with no node to hand it to, put the queue in
            # scheduling_order, then hand out the first units as xdist does (one each, then two each).
            assigned, self.assigned_work = self.assigned_work, {}
            try:
                super().schedule()
            finally:
                self.assigned_work = assigned
            if len(self.workqueue) < len(self.nodes):  # fewer units than workers: xdist's own way
                self.collection = None
                return super().schedule()
            queue = sorted(self.workqueue.items(), key=lambda kv: scheduling_order(kv[0], len(kv[1])))
            self.workqueue.clear()
            self.workqueue.update(queue)
            for node in self.nodes:
                self._assign_work_unit(node)
            for node in self.nodes:
                self._reschedule(node)

    return _Scheduler(config, log)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _NOTEBOOK_SECONDS[path] += report.duration


_RAN_NOTHING: list[bool] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Runs in the xdist controller too, whose exit status is the one the shell sees.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        _RAN_NOTHING.append(True)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _RAN_NOTHING:
        terminalreporter.write_line(
            "ERROR: no tests were collected; a test run that tests nothing counts as failed.", red=True
        )
    if _NOTEBOOK_SECONDS:
        terminalreporter.section("slowest notebooks (seconds, summed over cells)")
        for path, seconds in sorted(_NOTEBOOK_SECONDS.items(), key=lambda kv: -kv[1])[:15]:
            terminalreporter.write_line(f"{seconds:7.1f}  {path}")
        times = sorted(_NOTEBOOK_SECONDS.values())
        terminalreporter.write_line(
            f"{len(times)} notebooks: median {statistics.median(times):.1f} s, total {sum(times):.0f} s "
            "(the quick profile's budget: each under 60 s on 2 cores, median under 20 s)"
        )
