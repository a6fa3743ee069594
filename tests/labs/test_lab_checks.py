"""The contract of every check cell of every lab, run on every exercise in ``conftest.EXERCISES``.

- the table is complete: every ``check_*`` of :mod:`mmlab.labs` has a mutants
  file, and every mutants file names a check of its own lab;
- a check passes on each correct solution and fails, with the intended message,
  on each mutant (a mutant that calls the library is caught by the tripwire);
- an unsolved stub's ``NotImplementedError`` passes through; a crash, a
  non-function or any garbage return becomes ``CheckFailed``, never a traceback
  from inside mmlab;
- the success line counts the sub-checks the failures count, and a check leaves
  no profiler and no moved global random state behind.

Lab-specific behaviour (what feedback must not reveal, the private references
against the library) is tested in ``test_<lab>_checks.py``.
"""

from __future__ import annotations

import functools
import random
import re
import sys
from collections import Counter

import numpy as np
import pytest
import torch

import mmlab.labs
from mmlab.labs import CheckFailed

FAILURE = re.compile(r"✗ Check (\d+)/(\d+) \(")


# --------------------------------------------------------------------------- the table is complete
def test_every_check_of_mmlab_labs_has_one_mutants_file(exercises, registry):
    public = {n for n in [*mmlab.labs.__all__, *dir(mmlab.labs)] if n.startswith("check_")}
    covered = Counter(registry.check_name(name) for name in exercises)
    missing = sorted(public - set(covered))
    assert not missing, (
        f"{missing} have no mutants file: add tests/labs/mutants/<lab>_<x>.py for check_<x> (references and "
        "MUTANTS), or list a differently named file in CHECK_NAMES in tests/labs/conftest.py"
    )
    assert not [n for n, k in covered.items() if k > 1], f"checks with several mutants files: {covered}"


def test_every_mutants_file_has_a_check_of_its_lab(exercise, exercises, mutants, registry):
    check, refs = exercises[exercise]
    name = registry.check_name(exercise)
    assert check is not None, f"mutants/{exercise}.py: mmlab.labs has no {name} (see CHECK_NAMES in conftest.py)"
    assert check.__module__ == f"mmlab.labs._{registry.lab_of(exercise)}", (exercise, check.__module__)
    assert refs and refs[0] == "reference", f"mutants/{exercise}.py needs a correct solution named `reference`"
    assert all(callable(getattr(mutants[exercise], ref, None)) for ref in refs), refs
    table = mutants[exercise].MUTANTS
    assert isinstance(table, dict) and all(callable(fn) and isinstance(msg, str) for fn, msg in table.values())


def test_the_naming_exceptions_are_needed(exercises, registry):
    """CHECK_NAMES only lists existing files whose check is not ``check_<x>``; EXTRA_REFERENCES existing files."""
    for name in registry.check_names:
        assert (registry.mutant_dir / f"{name}.py").exists(), name
        assert not hasattr(mmlab.labs, "check_" + name.split("_", 1)[1]), f"{name} needs no entry in CHECK_NAMES"
    assert set(registry.extra_references) <= set(exercises)


# --------------------------------------------------------------------------- correct solutions and mutants
def test_check_passes_on_reference(reference_case, exercises, mutants, capsys):
    name, function = reference_case
    check, _ = exercises[name]
    assert check(getattr(mutants[name], function)) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ Exercise") and re.search(r"all \d+ checks passed", out), out


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")
def test_check_fails_on_mutant_with_intended_message(mutant_case, exercises, mutants):
    name, mutant = mutant_case
    check, _ = exercises[name]
    fn, fragment = mutants[name].MUTANTS[mutant]
    with pytest.raises(CheckFailed, match=re.escape(fragment)) as info:
        check(fn)
    message = str(info.value)
    assert FAILURE.match(message), message
    if "library" in mutant:  # a one-line call of the library is caught by the tripwire, not by luck
        assert "your function calls mmlab's" in message, message


def test_each_exercise_has_at_least_two_mutants(exercise, mutants):
    assert len(mutants[exercise].MUTANTS) >= 2


# --------------------------------------------------------------------------- stubs, crashes, garbage
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


GARBAGE = {
    "None": None,
    "string": "abc",
    "list": [1, 2],
    "nested list": [[0.5, 0.5], [0.0]],
    "nested": [[0.5], [0.0, 1.0]],
    "dict": {"a": 1},
    "nan": float("nan"),
    "huge": 1e300,
    "negative": -1,
    "bool": True,
    "object": object(),
    "array": np.zeros((2, 2, 2)),
    "tensor": torch.full((3,), float("nan")),
    "complex": 1 + 2j,
    "function": len,
    "pair of strings": ("a", "b"),
    "pair of nan": (float("nan"), 0.5),
    "pair of nans": (float("nan"), float("nan")),
    "pair of tensors": (torch.zeros(2), torch.zeros(2)),
    "three tensors of the wrong shape": (torch.zeros(1), torch.zeros(1), torch.zeros(1)),
}

#: (exercise, garbage) pairs that still end in a traceback from mmlab: bugs to fix in the check, then delete here
KNOWN_TRACEBACKS = {}


@pytest.mark.parametrize("garbage", list(GARBAGE))
def test_a_check_never_ends_in_a_traceback_from_mmlab(exercise, exercises, garbage, request):
    """Whatever a student's function returns, the check answers with CheckFailed naming the problem."""
    if (exercise, garbage) in KNOWN_TRACEBACKS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_TRACEBACKS[exercise, garbage], strict=True))
    check, _ = exercises[exercise]
    value = GARBAGE[garbage]
    with pytest.raises(CheckFailed) as info:
        check(lambda *args, **kwargs: value)
    assert FAILURE.match(str(info.value)), str(info.value)


# --------------------------------------------------------------------------- counting and side effects
def _global_random_state() -> tuple:
    return torch.get_rng_state(), np.random.get_state(), random.getstate()  # noqa: NPY002 - the legacy global state


def _same_state(a: tuple, b: tuple) -> bool:
    return torch.equal(a[0], b[0]) and np.array_equal(a[1][1], b[1][1]) and a[1][2:] == b[1][2:] and a[2] == b[2]


def _own_draws_undone(fn):
    """``fn`` with its own draws from the global generators undone, so that only the check's draws remain.

    Some mutants build a library module (``nn.Linear`` draws its weights); that is the student's code
    moving the global state, not the check's.
    """

    @functools.wraps(fn)
    def student(*args, **kwargs):
        np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002
        with torch.random.fork_rng(devices=[]):
            try:
                return fn(*args, **kwargs)
            finally:
                np.random.set_state(np_state)  # noqa: NPY002
                random.setstate(py_state)

    return student


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")
def test_checks_count_consistently_and_leave_no_state_behind(exercise, exercises, mutants, capsys):
    """After every correct solution and every mutant: "all n checks passed" matches the "Check k/n" of the
    failures, no profiler is left installed, and the global torch, NumPy and Python generators are untouched."""
    check, refs = exercises[exercise]
    torch.manual_seed(123)
    before = _global_random_state()
    for ref in refs:
        assert check(getattr(mutants[exercise], ref)) is True
    counted = {int(n) for n in re.findall(r"all (\d+) checks passed", capsys.readouterr().out)}
    for fn, _ in mutants[exercise].MUTANTS.values():
        with pytest.raises(CheckFailed) as info:
            check(_own_draws_undone(fn))
        counted.add(int(FAILURE.match(str(info.value)).group(2)))
    assert len(counted) == 1, f"the success line and the failures count different numbers of sub-checks: {counted}"
    assert sys.getprofile() is None
    assert _same_state(_global_random_state(), before), "a check moved the global random state"
