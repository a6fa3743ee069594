"""Layout and configuration of the test suite itself.

pytest's default ("prepend") import mode imports every test file as a top-level
module named after its basename, so two test files with the same name in
different folders make collection fail with "import file mismatch". The first
test names the clash before pytest trips over it. The others check what
`make test` and `make test-fast` run (pyproject.toml, Makefile, conftest.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_test_file_basenames_are_unique():
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in (ROOT / "tests").rglob("test_*.py"):
        by_name[path.name].append(path.relative_to(ROOT).as_posix())
    clashes = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    assert not clashes, f"test files must have unique basenames; rename one of each group: {clashes}"


PYTEST_INI = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
MAKEFILE = (ROOT / "Makefile").read_text()
A_NOTEBOOK = next(
    p for top in ("lectures", "labs") for p in sorted((ROOT / top).rglob("*.ipynb")) if "student" not in p.parts
)


def _recipe(target: str) -> str:
    m = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", MAKEFILE, re.MULTILINE)
    assert m, f"the Makefile has no `{target}` target"
    return (m.group(1) + "\n" + m.group(2)).replace("$(RUFF)", "ruff")


def test_pytest_runs_doctests_notebooks_in_this_environment_strictly_with_timeouts():
    opts = PYTEST_INI["addopts"]
    for option in ("--doctest-modules", "--nbval-lax", "--nbval-current-env", "--strict-markers"):
        assert option in opts, f"pyproject's pytest addopts must include {option}"
    assert "mmlab" in PYTEST_INI["testpaths"], "doctests: mmlab must be a testpath"
    assert {"tests", "lectures", "labs"} <= set(PYTEST_INI["testpaths"])
    assert int(PYTEST_INI["timeout"]) > 0, "pytest-timeout needs a default timeout"
    declared = {m.split(":")[0] for m in PYTEST_INI["markers"]}
    assert {"slow", "notebook"} <= declared


def test_make_test_lints_before_pytest_and_test_fast_skips_notebooks_and_slow_tests():
    test, lint, fast = _recipe("test"), _recipe("lint"), _recipe("test-fast")
    assert "lint" in test.splitlines()[0], "`make test` must depend on `lint`"
    assert "ruff check" in lint and "ruff format --check" in lint
    assert re.search(r'-m "not slow and not notebook"', fast)
    assert re.search(r"\bmmlab tests\b", fast), "`make test-fast` runs the doctests (mmlab) and tests/ only"


def _pytest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_notebook_cells_carry_the_notebook_marker():
    run = _pytest("--collect-only", "-p", "no:xdist", "-m", "notebook", str(A_NOTEBOOK))
    assert run.returncode == 0 and re.search(r"\b\d+ tests? collected", run.stdout), run.stdout[-2000:]
    run = _pytest("--collect-only", "-p", "no:xdist", "-m", "not notebook", str(A_NOTEBOOK))
    assert "deselected" in run.stdout, run.stdout[-2000:]


@pytest.mark.parametrize(
    "xdist",
    [pytest.param(["-p", "no:xdist"], id="serial"), pytest.param(["-n", "1"], id="xdist", marks=pytest.mark.slow)],
)
def test_a_run_that_collects_nothing_fails(xdist):
    run = _pytest(*xdist, "-k", "no_test_has_this_name", str(Path(__file__)))
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, (run.returncode, run.stdout[-2000:])
    assert "no tests were collected" in run.stdout
