"""The check cells of the fusion lab: pass on references, fail with the intended message on mutants."""

import importlib.util
import re
from pathlib import Path

import pytest

from mmlab.labs import CheckFailed
from mmlab.labs.fusion import (
    check_interaction_contrast,
    check_low_rank_fusion,
    check_tensor_fusion_features,
    check_tensor_fusion_n_params,
)

MUTANT_DIR = Path(__file__).parent / "mutants"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_mutants_{name}", MUTANT_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXERCISES = {
    "fusion_tensor_features": (check_tensor_fusion_features, ["reference", "reference_by_broadcasting"]),
    "fusion_tensor_n_params": (check_tensor_fusion_n_params, ["reference", "reference_prod"]),
    "fusion_low_rank": (check_low_rank_fusion, ["reference", "reference_loops"]),
    "fusion_interaction_contrast": (check_interaction_contrast, ["reference", "reference_batched"]),
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


def test_parameter_count_check_needs_no_answer_key():
    """The hidden-size cases report only how far off a count is, never the expected count."""
    fn, _ = MODULES["fusion_tensor_n_params"].MUTANTS["first_two_only"]
    with pytest.raises(CheckFailed) as info:
        check_tensor_fusion_n_params(fn)
    assert "35,937" not in str(info.value) and "35937" not in str(info.value)


def test_feature_check_message_names_the_shapes():
    """The shape message gives expected and received shapes with the arithmetic behind them (STYLE.md §4)."""
    fn, _ = MODULES["fusion_tensor_features"].MUTANTS["no_one"]
    with pytest.raises(CheckFailed) as info:
        check_tensor_fusion_features(fn)
    assert "(32, 68)" in str(info.value) and "(32, 48)" in str(info.value)


def test_checks_leave_global_random_state_alone():
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_low_rank_fusion(MODULES["fusion_low_rank"].reference)
    check_interaction_contrast(MODULES["fusion_interaction_contrast"].reference)
    assert torch.equal(torch.rand(3), expected)
