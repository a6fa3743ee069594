"""``make test`` spreads the long tests over the workers: conftest.py's scheduling scopes."""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _root_conftest():
    spec = importlib.util.spec_from_file_location("_root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scheduling_scope_examples_hold():
    result = doctest.testmod(_root_conftest(), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 3 and result.failed == 0, result


def test_a_notebooks_cells_share_a_scope_and_a_files_seeds_one_each():
    scope = _root_conftest().scheduling_scope
    cells = {scope(f"labs/2_alignment/01_alignment.ipynb::Cell {k}") for k in range(30)}
    assert cells == {"labs/2_alignment/01_alignment.ipynb"}
    claims = "tests/reason/test_reason_notebook_claims.py"
    seeds = {scope(f"{claims}::test_lecture_0{k}_claims[seed{s}]") for s in range(5) for k in (1, 2)}
    assert seeds == {f"{claims}::seed{s}" for s in range(5)}
    plain = {scope(f"tests/test_train.py::test_fit[{case}]") for case in ("a", "b")}
    assert plain == {"tests/test_train.py"}


def test_student_copies_run_apart_and_long_units_are_handed_out_first():
    conftest = _root_conftest()
    copies = "tests/hygiene/test_student_copies.py::test_student_copy_fails_only_on_unsolved_exercises"
    scopes = {conftest.scheduling_scope(f"{copies}[labs/student/{lab}.ipynb]") for lab in ("a/01_x", "b/01_y")}
    assert len(scopes) == 2
    queue = [
        ("tests/labs/test_lab_checks.py", 1400),
        ("lectures/1_representation/01_interaction_regression.ipynb", 20),
        ("tests/classroom/test_demo_hub.py", 1),
        ("tests/reason/test_reason_notebook_claims.py::seed3", 4),
        ("tests/test_lecture_exercises.py::lecture_2_4", 4),
    ]
    ordered = [scope for scope, n in sorted(queue, key=lambda s: conftest.scheduling_order(*s))]
    assert ordered[-1] == "tests/labs/test_lab_checks.py"
    assert ordered[-2].endswith(".ipynb")
    assert set(ordered[:3]) == {scope for scope, _ in queue[2:]}
