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
