"""Shared machinery of the lab-check tests.

Every exercise of every lab has a mutants file in ``tests/labs/mutants/``: one
or more correct ``reference`` solutions (written differently, so the check does
not insist on one way) and a ``MUTANTS`` table of plausible wrong answers, each
with the fragment of feedback it must produce. ``EXERCISES`` names the check
function and the references of each file; ``pytest_generate_tests`` turns the
table into the parameters of ``test_lab_checks.py``; the ``exercises`` and
``mutants`` fixtures give the tests the table and the loaded modules.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from mmlab.labs import (
    check_interaction_contrast,
    check_low_rank_fusion,
    check_tensor_fusion_features,
    check_tensor_fusion_n_params,
)
from mmlab.labs import (
    check_dominant_atom,
    check_emap_projection,
    check_mutual_information,
    check_pick_model,
    check_shared_noisy_copy,
)
from mmlab.labs import check_decide_h2, check_fit_additive, check_fit_interaction, check_simple_slope

MUTANT_DIR = Path(__file__).parent / "mutants"

#: mutants file -> (check function, names of the correct solutions in the file)
EXERCISES = {
    # labs/1_representation/01_interaction_regression.ipynb
    "regression_fit_additive": (check_fit_additive, ["reference"]),
    "regression_fit_interaction": (check_fit_interaction, ["reference", "reference_reordered"]),
    "regression_simple_slope": (check_simple_slope, ["reference", "reference_normal_quantile"]),
    "regression_decide_h2": (check_decide_h2, ["reference", "reference_by_hand"]),
    # labs/1_representation/02_fusion.ipynb
    "fusion_tensor_features": (check_tensor_fusion_features, ["reference", "reference_by_broadcasting"]),
    "fusion_tensor_n_params": (check_tensor_fusion_n_params, ["reference", "reference_prod"]),
    "fusion_low_rank": (check_low_rank_fusion, ["reference", "reference_loops"]),
    "fusion_interaction_contrast": (check_interaction_contrast, ["reference", "reference_batched"]),
    # labs/6_quantification/01_interactions.ipynb
    "interactions_mutual_information": (check_mutual_information, ["reference", "reference_entropies"]),
    "interactions_dominant_atom": (check_dominant_atom, ["reference", "reference_dict"]),
    "interactions_shared_noisy_copy": (check_shared_noisy_copy, ["reference", "reference_einsum", "returns_list"]),
    "interactions_emap_projection": (check_emap_projection, ["reference", "reference_loops"]),
    "interactions_pick_model": (check_pick_model, ["reference", "reference_sorted"]),
}


@cache
def load_mutants(name: str) -> ModuleType:
    """Import ``tests/labs/mutants/<name>.py`` (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"_mutants_{name}", MUTANT_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "exercise" in metafunc.fixturenames:
        metafunc.parametrize("exercise", list(EXERCISES))
    elif "reference_case" in metafunc.fixturenames:
        cases = [(name, ref) for name, (_, refs) in EXERCISES.items() for ref in refs]
        metafunc.parametrize("reference_case", cases, ids=[f"{n}-{r}" for n, r in cases])
    elif "mutant_case" in metafunc.fixturenames:
        cases = [(name, mutant) for name in EXERCISES for mutant in load_mutants(name).MUTANTS]
        metafunc.parametrize("mutant_case", cases, ids=[f"{n}-{m}" for n, m in cases])


@pytest.fixture
def exercises():
    """``EXERCISES``: mutants file name -> (check function, names of its correct solutions)."""
    return EXERCISES


@pytest.fixture
def mutants():
    """The loaded mutants modules, by file name: ``mutants["fusion_low_rank"].MUTANTS``."""
    return {name: load_mutants(name) for name in EXERCISES}
