"""The check cells of the interaction-regression lab: pass on references, fail with the intended message on mutants."""

import importlib.util
import re
from pathlib import Path

import pytest

from mmlab.labs import CheckFailed
from mmlab.labs.regression import check_decide_h2, check_fit_additive, check_fit_interaction, check_simple_slope

MUTANT_DIR = Path(__file__).parent / "mutants"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_mutants_{name}", MUTANT_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXERCISES = {
    "regression_fit_additive": (check_fit_additive, ["reference"]),
    "regression_fit_interaction": (check_fit_interaction, ["reference", "reference_reordered"]),
    "regression_simple_slope": (check_simple_slope, ["reference", "reference_normal_quantile"]),
    "regression_decide_h2": (check_decide_h2, ["reference", "reference_by_hand"]),
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
    message = str(info.value)
    assert re.match(r"✗ Check \d/\d \(", message), message
    assert info.value.__traceback__ is not None  # raised from the check, but internals are cut below


@pytest.mark.parametrize("module", list(EXERCISES))
def test_each_exercise_has_at_least_two_mutants(module):
    assert len(MODULES[module].MUTANTS) >= 2


@pytest.mark.parametrize("module", list(EXERCISES))
def test_unsolved_exercise_raises_the_stub_error(module):
    """An unsolved exercise's check cell shows the stub's own NotImplementedError (the student copies rely on it)."""
    check, _ = EXERCISES[module]

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise k: replace this line with your code")

    with pytest.raises(NotImplementedError, match="Exercise k"):
        check(stub)


def test_simple_slope_message_hides_the_interval():
    """The CI feedback must not print the reference interval (it would give the answer away)."""
    from mmlab.labs.regression import _reference
    from mmlab.regression import simple_slopes

    ref = simple_slopes(_reference(0, "interaction")).loc[1]
    fn, _ = MODULES["regression_simple_slope"].MUTANTS["no_covariance"]
    with pytest.raises(CheckFailed) as info:
        check_simple_slope(fn)
    for value in (ref["ci_low"], ref["ci_high"], ref["std_error"]):
        for digits in (3, 4):
            assert f"{value:.{digits}f}" not in str(info.value)


def test_fit_checks_do_not_reveal_the_coefficients():
    from mmlab.labs.regression import _reference

    fn, _ = MODULES["regression_fit_interaction"].MUTANTS["rescaled_smiling"]
    with pytest.raises(CheckFailed) as info:
        check_fit_interaction(fn)
    for value in _reference(0, "interaction").params:
        assert f"{value:.3f}" not in str(info.value)


def test_check_refuses_a_non_function():
    with pytest.raises(CheckFailed, match="Pass the function itself"):
        check_fit_additive(42)


def test_student_crash_becomes_feedback():
    def crashes(data):
        return data["no_such_column"]

    with pytest.raises(CheckFailed, match="your function raised KeyError"):
        check_fit_additive(crashes)
