"""Shared machinery of the lab-check tests: one table of every lab's exercises, derived from the mutants files.

Every exercise of every lab has a mutants file ``tests/labs/mutants/<lab>_<x>.py``:
one or more correct solutions (``reference``, ``reference_*``: written
differently, so the check does not insist on one way) and a ``MUTANTS`` table of
plausible wrong answers, each with the fragment of feedback it must produce.
``EXERCISES`` is built from those files; only exceptions to two naming rules are
listed by hand:

- the check of ``<lab>_<x>.py`` is ``mmlab.labs.check_<x>`` (``CHECK_NAMES``
  lists the few files named otherwise), and it must live in ``mmlab/labs/_<lab>.py``;
- its correct solutions are the file's functions named ``reference`` or
  ``reference_*`` (``EXTRA_REFERENCES`` adds correct solutions named otherwise).

``test_lab_checks.py`` fails when a ``check_*`` of ``mmlab.labs`` has no mutants
file, or a mutants file has no check, so a new lab cannot be left out of the
shared contract. ``pytest_generate_tests`` turns the table into the parameters
``exercise``, ``reference_case`` and ``mutant_case``; a test module that sets
``LAB_MUTANTS = "<lab>"`` gets them restricted to that lab's exercises (for
lab-specific tests). The ``exercises`` and ``mutants`` fixtures give the table and the loaded
modules, ``registry`` the rules it was derived by.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

import mmlab.labs

MUTANT_DIR = Path(__file__).parent / "mutants"

#: mutants files whose check is not ``check_<x>`` for ``<lab>_<x>.py``
CHECK_NAMES = {
    "fusion_tensor_features": "check_tensor_fusion_features",
    "fusion_tensor_n_params": "check_tensor_fusion_n_params",
    "fusion_low_rank": "check_low_rank_fusion",
    "generate_coherence": "check_coherence_with_chance",
}

#: correct solutions not named ``reference*`` (they must pass the check too)
EXTRA_REFERENCES = {
    "interactions_shared_noisy_copy": ["returns_list"],
}


@cache
def load_mutants(name: str) -> ModuleType:
    """Import ``tests/labs/mutants/<name>.py`` (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"_mutants_{name}", MUTANT_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_name(name: str) -> str:
    """The name in ``mmlab.labs`` of the check that the mutants file ``name`` exercises."""
    return CHECK_NAMES.get(name, "check_" + name.split("_", 1)[-1])


def reference_names(name: str) -> list[str]:
    """The correct solutions of a mutants file, ``reference`` first (definition order)."""
    module = load_mutants(name)
    found = [k for k, v in vars(module).items() if (k == "reference" or k.startswith("reference_")) and callable(v)]
    return found + EXTRA_REFERENCES.get(name, [])


def _exercises() -> dict[str, tuple[Callable | None, list[str]]]:
    # A file without a check maps to None; test_every_mutants_file_has_a_check_of_its_lab names it.
    return {
        path.stem: (getattr(mmlab.labs, check_name(path.stem), None), reference_names(path.stem))
        for path in sorted(MUTANT_DIR.glob("*.py"))
    }


#: mutants file -> (check function, names of the correct solutions in the file), for every lab
EXERCISES = _exercises()


def lab_of(name: str) -> str:
    """``"align"`` for ``"align_sinkhorn_plan"``."""
    return name.split("_", 1)[0]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    lab = getattr(metafunc.module, "LAB_MUTANTS", None)
    names = [name for name in EXERCISES if lab is None or lab_of(name) == lab]
    if "exercise" in metafunc.fixturenames:
        metafunc.parametrize("exercise", names)
    elif "reference_case" in metafunc.fixturenames:
        cases = [(name, ref) for name in names for ref in EXERCISES[name][1]]
        metafunc.parametrize("reference_case", cases, ids=[f"{n}-{r}" for n, r in cases])
    elif "mutant_case" in metafunc.fixturenames:
        cases = [(name, mutant) for name in names for mutant in load_mutants(name).MUTANTS]
        metafunc.parametrize("mutant_case", cases, ids=[f"{n}-{m}" for n, m in cases])


@pytest.fixture
def exercises():
    """``EXERCISES``: mutants file name -> (check function, names of its correct solutions)."""
    return EXERCISES


@pytest.fixture
def mutants():
    """The loaded mutants modules, by file name: ``mutants["fusion_low_rank"].MUTANTS``."""
    return {name: load_mutants(name) for name in EXERCISES}


@pytest.fixture
def registry():
    """How ``EXERCISES`` was derived: the mutants folder, ``CHECK_NAMES``, ``EXTRA_REFERENCES`` and the naming rules."""
    return SimpleNamespace(
        mutant_dir=MUTANT_DIR,
        check_names=CHECK_NAMES,
        extra_references=EXTRA_REFERENCES,
        check_name=check_name,
        lab_of=lab_of,
    )
