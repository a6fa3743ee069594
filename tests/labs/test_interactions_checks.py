"""The check cells of the interactions lab: pass on references, fail with the intended message on mutants."""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from mmlab.labs import CheckFailed
from mmlab.labs.interactions import (
    check_dominant_atom,
    check_emap_projection,
    check_mutual_information,
    check_pick_model,
    check_shared_noisy_copy,
)

MUTANT_DIR = Path(__file__).parent / "mutants"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_mutants_{name}", MUTANT_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXERCISES = {
    "interactions_mutual_information": (check_mutual_information, ["reference", "reference_entropies"]),
    "interactions_dominant_atom": (check_dominant_atom, ["reference", "reference_dict"]),
    "interactions_shared_noisy_copy": (check_shared_noisy_copy, ["reference", "reference_einsum", "returns_list"]),
    "interactions_emap_projection": (check_emap_projection, ["reference", "reference_loops"]),
    "interactions_pick_model": (check_pick_model, ["reference", "reference_sorted"]),
}
MODULES = {name: _load(name) for name in EXERCISES}
REFERENCES = [(name, ref) for name, (_, refs) in EXERCISES.items() for ref in refs]
MUTANT_CASES = [(name, mutant) for name in EXERCISES for mutant in MODULES[name].MUTANTS]


@pytest.mark.parametrize(("module", "function"), REFERENCES)
def test_check_passes_on_reference(module, function, capsys):
    check, _ = EXERCISES[module]
    assert check(getattr(MODULES[module], function)) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ Exercise") and "checks passed" in out


@pytest.mark.parametrize(("module", "mutant"), MUTANT_CASES)
def test_check_fails_on_mutant_with_intended_message(module, mutant):
    check, _ = EXERCISES[module]
    fn, fragment = MODULES[module].MUTANTS[mutant]
    with pytest.raises(CheckFailed, match=re.escape(fragment)) as info:
        check(fn)
    assert re.match(r"✗ Check \d/\d \(", str(info.value)), str(info.value)


@pytest.mark.parametrize("module", list(EXERCISES))
def test_each_exercise_has_at_least_two_mutants(module):
    assert len(MODULES[module].MUTANTS) >= 2


@pytest.mark.parametrize("module", list(EXERCISES))
def test_unsolved_exercise_raises_the_stub_error(module):
    """An unsolved exercise's check cell shows the stub's own NotImplementedError (the student copy relies on it)."""
    check, _ = EXERCISES[module]

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise k: replace this line with your code")

    with pytest.raises(NotImplementedError, match="Exercise k"):
        check(stub)


@pytest.mark.parametrize("module", list(EXERCISES))
def test_student_crash_becomes_feedback(module):
    check, _ = EXERCISES[module]

    def crashes(*args, **kwargs):
        return {}["missing"]

    with pytest.raises(CheckFailed, match="your function raised KeyError"):
        check(crashes)


@pytest.mark.parametrize("module", list(EXERCISES))
def test_check_refuses_a_non_function(module):
    check, _ = EXERCISES[module]
    with pytest.raises(CheckFailed, match="Pass the function itself"):
        check(0.5)


def test_mutual_information_feedback_hides_the_reference_values():
    """The nats message quotes the student's value, never the reference in bits."""
    from mmlab.quantify.distributions import symmetric_channel
    from mmlab.quantify.pid import mutual_information

    fn, _ = MODULES["interactions_mutual_information"].MUTANTS["natural_log"]
    with pytest.raises(CheckFailed) as info:
        check_mutual_information(fn)
    assert f"{mutual_information(symmetric_channel(0.1)):.3f}" not in str(info.value)


def test_shared_noisy_copy_feedback_hides_the_redundancy():
    """The value check uses reveal=False: R = 1 − h(noise) must not be printed."""
    fn, _ = MODULES["interactions_shared_noisy_copy"].MUTANTS["fixed_noise"]
    with pytest.raises(CheckFailed) as info:
        check_shared_noisy_copy(fn)
    h = -0.3 * np.log2(0.3) - 0.7 * np.log2(0.7)
    for digits in (2, 3, 4):
        assert f"{1 - h:.{digits}f}" not in str(info.value)
