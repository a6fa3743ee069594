"""The check cells of every lab: pass on each correct solution, fail with the intended message on each mutant.

The exercises, their references and mutants are listed in ``conftest.py``;
lab-specific behaviour (what feedback must not reveal, random state) is tested
in ``test_<lab>_checks.py``.
"""

from __future__ import annotations

import re

import pytest

from mmlab.labs import CheckFailed


def test_check_passes_on_reference(reference_case, exercises, mutants, capsys):
    name, function = reference_case
    check, _ = exercises[name]
    assert check(getattr(mutants[name], function)) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ Exercise") and "checks passed" in out


def test_check_fails_on_mutant_with_intended_message(mutant_case, exercises, mutants):
    name, mutant = mutant_case
    check, _ = exercises[name]
    fn, fragment = mutants[name].MUTANTS[mutant]
    with pytest.raises(CheckFailed, match=re.escape(fragment)) as info:
        check(fn)
    message = str(info.value)
    assert re.match(r"✗ Check \d/\d \(", message), message


def test_each_exercise_has_at_least_two_mutants(exercise, mutants):
    assert len(mutants[exercise].MUTANTS) >= 2


def test_unsolved_exercise_raises_the_stub_error(exercise, exercises):
    """An unsolved exercise's check cell shows the stub's own NotImplementedError (the student copies rely on it)."""
    check, _ = exercises[exercise]

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise k: replace this line with your code")

    with pytest.raises(NotImplementedError, match="Exercise k"):
        check(stub)


def test_student_crash_becomes_feedback(exercise, exercises):
    check, _ = exercises[exercise]

    def crashes(*args, **kwargs):
        return {}["missing"]

    with pytest.raises(CheckFailed, match=r"your function raised KeyError: 'missing' \(line \d+ of your code"):
        check(crashes)


def test_check_refuses_a_non_function(exercise, exercises):
    check, _ = exercises[exercise]
    with pytest.raises(CheckFailed, match="Pass the function itself"):
        check(0.5)
