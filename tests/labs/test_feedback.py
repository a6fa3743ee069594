"""Tests of the check-cell feedback machinery (mmlab.labs._feedback via mmlab.labs)."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.labs import (
    CheckFailed,
    CheckRun,
    ForbiddenCalls,
    expect_array,
    expect_choice,
    expect_close,
    expect_integer,
    expect_number,
    expect_shape,
    expect_true,
    forbid,
    run_student,
    tripwire,
)


def test_success_line_lists_what_was_verified(capsys):
    run = CheckRun("Exercise 1", 2)
    expect_shape(run, np.zeros((2, 3)), (2, 3), what="output shape")
    expect_close(run, 0.5, 0.5, what="value")
    assert run.finish()
    assert capsys.readouterr().out == "✓ Exercise 1: all 2 checks passed (output shape; value).\n"


def test_shape_failure_is_numbered_and_has_the_hint():
    run = CheckRun("Exercise 1", 3)
    with pytest.raises(
        CheckFailed,
        match=r"^✗ Check 1/3 \(output shape\): expected shape \(32, 68\), got \(32, 48\)\. "
        r"Did you append 1\?$",
    ):
        expect_shape(run, np.zeros((32, 48)), (32, 68), what="output shape", hint="Did you append 1?")


def test_close_failure_reveals_expected_only_when_asked():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed, match=r"expected 1, got 0\.6931 \(off by 0\.307\)"):
        expect_close(run, np.log(2), 1.0, what="entropy in bits", reveal=True)


def test_close_failure_hides_the_answer_and_the_distance_by_default():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed) as info:
        expect_close(run, 0.2, 0.311, what="redundancy")
    message = str(info.value)
    assert "0.311" not in message and "0.111" not in message and "off by" not in message
    assert "your value 0.2 is not the expected one" in message


def test_close_failure_says_when_a_value_is_close():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed, match="close \\(within 1%\\): are you rounding"):
        expect_close(run, 0.3105, 0.311, what="redundancy")


def test_close_failure_on_arrays_counts_entries_and_names_the_first_index():
    run = CheckRun("Ex", 1)
    with pytest.raises(
        CheckFailed,
        match=r"1 of 4 entries differ from the reference "
        r"\(the first at index \(1, 0\)\)\.$",
    ):
        expect_close(run, [[1, 2], [5, 4]], [[1, 2], [3, 4]], what="table")
    with pytest.raises(CheckFailed, match=r"largest difference 2 at index \(1, 0\) \(expected 3, got 5\)"):
        expect_close(run, [[1, 2], [5, 4]], [[1, 2], [3, 4]], what="table", reveal=True)


def test_close_failure_on_shape_and_nan():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed, match=r"expected shape \(2,\), got \(3,\)"):
        expect_close(run, [1, 2, 3], [1, 2], what="vector")
    with pytest.raises(CheckFailed, match="NaN or infinite"):
        expect_close(run, [np.nan, 1], [1, 2], what="vector")
    with pytest.raises(CheckFailed, match="expected a number"):
        expect_close(run, "abc", 1.0, what="value")


def test_expect_true():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed, match=r"\(symmetry\): loss differs"):
        expect_true(run, False, what="symmetry", message="loss differs")


def test_run_student_passes_results_and_not_implemented_through():
    run = CheckRun("Ex", 1)
    assert run_student(run, lambda a: a + 1, 1) == 2

    def stub():
        raise NotImplementedError("Exercise 2: replace this line with your code")

    with pytest.raises(NotImplementedError, match="Exercise 2"):
        run_student(run, stub)


def test_run_student_turns_crashes_into_feedback_without_internal_traceback():
    run = CheckRun("Ex", 1)

    def broken(x):
        return x / 0

    with pytest.raises(
        CheckFailed,
        match=r"your function raised ZeroDivisionError: division by zero "
        r"\(line \d+ of your code: `return x / 0`\)",
    ):
        run_student(run, broken, 1, what="runs")
    with pytest.raises(CheckFailed, match="expected a function, got int"):
        run_student(run, 3)


def test_run_student_points_at_the_student_line_not_inside_a_library():
    import torch

    run = CheckRun("Ex", 1)

    def mismatched(a, b):
        product = a @ b  # the error is raised inside torch
        return product

    with pytest.raises(CheckFailed, match=r"RuntimeError: .*\(line \d+ of your code: `product = a @ b  # the error"):
        run_student(run, mismatched, torch.zeros(2, 3), torch.zeros(2, 3))

    def deep(x):
        return np.linalg.inv(x)  # numpy raises several frames down

    with pytest.raises(CheckFailed, match=r"LinAlgError: .*`return np.linalg.inv\(x\)"):
        run_student(run, deep, np.zeros((2, 2)))


# --------------------------------------------------------------------------- validators of returned values
@pytest.mark.parametrize(
    "value, fragment",
    [
        (None, "your function returned None. Did you forget the `return` statement?"),
        ("0.5", "expected one number, got str '0.5'"),
        ([0.5, 0.2], "expected one number, got list of length 2"),
        (np.ones(3), "expected one number, got ndarray of shape (3,)"),
        (True, "expected one number, got bool True"),
        (float("nan"), "expected a finite number"),
        (1 + 2j, "expected one number, got complex"),
    ],
)
def test_expect_number_names_what_came_back(value, fragment):
    with pytest.raises(CheckFailed) as info:
        expect_number(CheckRun("Ex", 1), value, what="value")
    assert fragment in str(info.value)


def test_expect_number_accepts_scalars_of_every_library():
    import torch

    run = CheckRun("Ex", 1)
    assert [
        expect_number(run, v, what="v") for v in (1, 0.5, np.float32(0.25), np.array([2.0]), torch.tensor(3.0))
    ] == [1.0, 0.5, 0.25, 2.0, 3.0]


@pytest.mark.parametrize(
    "value, fragment",
    [
        (339.9, "expected a whole number, got float 339.9"),
        (340.00000000000006, "got float 340.00000000000006"),
        ("340", "expected a whole number, got str '340'"),
        (None, "returned None"),
        (False, "got bool False"),
    ],
)
def test_expect_integer_refuses_what_int_would_truncate(value, fragment):
    with pytest.raises(CheckFailed) as info:
        expect_integer(CheckRun("Ex", 1), value, what="count")
    assert fragment in str(info.value)


def test_expect_integer_accepts_whole_numbers():
    import torch

    run = CheckRun("Ex", 1)
    assert [expect_integer(run, v, what="n") for v in (340, 340.0, np.int64(340), torch.tensor(340))] == [340] * 4


@pytest.mark.parametrize(
    "value, kwargs, fragment",
    [
        (None, {}, "returned None"),
        ([[1, 2], [3]], {}, "expected an array of numbers, got list of length 2"),
        ("abc", {}, "expected an array of numbers, got str"),
        (np.zeros((2, 3)), {"shape": (3, 2)}, "expected shape (3, 2), got (2, 3)"),
        (np.array([1.0, np.inf]), {}, "NaN or infinite"),
        ([1.0, 2.0], {"tensor": True}, "you returned a list; return one torch.Tensor"),
        (np.zeros(2), {"tensor": True}, "you returned a NumPy array; return a torch.Tensor"),
        (3.0, {"tensor": True}, "expected a torch.Tensor, got float 3.0"),
    ],
)
def test_expect_array_names_the_problem(value, kwargs, fragment):
    with pytest.raises(CheckFailed) as info:
        expect_array(CheckRun("Ex", 1), value, what="table", **kwargs)
    assert fragment in str(info.value)


def test_expect_array_returns_floats_or_the_tensor():
    import torch

    run = CheckRun("Ex", 1)
    out = expect_array(run, [[1, 2], [3, 4]], (2, 2), what="table")
    assert out.dtype == float and out.shape == (2, 2)
    t = torch.ones(2, 3)
    assert expect_array(run, t, (2, 3), what="t", tensor=True) is t


def test_expect_choice_and_expect_shape_name_what_came_back():
    run = CheckRun("Ex", 1)
    assert expect_choice(run, "b", ["a", "b"], what="name") == "b"
    with pytest.raises(CheckFailed, match=r"expected one of \['a', 'b'\], got list of length 1"):
        expect_choice(run, ["a"], ["a", "b"], what="name")
    with pytest.raises(CheckFailed, match="returned None"):
        expect_shape(run, None, (2,), what="shape")
    with pytest.raises(CheckFailed, match=r"expected an array or tensor of shape \(2,\), got list of length 2"):
        expect_shape(run, [1, 2], (2,), what="shape")


# --------------------------------------------------------------------------- the tripwire
def test_tripwire_records_calls_however_they_are_reached():
    import functools

    import mmlab.quantify as quantify
    from mmlab.quantify import mutual_information as alias

    table = np.array([[0.5, 0.0], [0.0, 0.5]])
    with tripwire(["mmlab.quantify.mutual_information"]) as calls:
        alias(table)
        quantify.pid.mutual_information(table)
        functools.partial(alias)(table)
    assert calls == ["mutual_information"] * 3


def test_tripwire_sees_calls_from_inside_the_library_and_constructions():
    import torch

    from mmlab.fusion import LowRankFusion, make_fusion

    with tripwire(["mmlab.fusion.TensorFusion", "mmlab.fusion.TensorFusion.fused_tensor"]) as calls:
        LowRankFusion([2, 3], 1)  # another class: not recorded
        layer = make_fusion("tensor", [2, 3], 1)  # constructed inside the library: recorded
        layer([torch.ones(4, 2), torch.ones(4, 3)])  # forward calls fused_tensor: recorded
    assert calls == ["TensorFusion", "TensorFusion.fused_tensor"]


def test_tripwire_leaves_the_profiler_as_it_was():
    import sys

    def previous(frame, event, arg):
        return None

    sys.setprofile(previous)
    try:
        with tripwire(["mmlab.quantify.entropy"]) as calls:
            pass
        assert sys.getprofile() is previous and calls == []
    finally:
        sys.setprofile(None)


def test_tripwire_rejects_paths_that_do_not_exist():
    with pytest.raises(ValueError, match="does not exist"):
        with tripwire(["mmlab.quantify.no_such_function"]):
            pass
    with pytest.raises(ValueError, match="no module found"):
        with tripwire(["nonexistent_package_xyz.f"]):
            pass


@forbid(
    "mmlab.quantify.entropy",
    task="compute the entropy yourself",
    shortcuts=("mmlab.quantify.exact_pid",),
    hint="Use np.log2.",
)
def _check_entropy(fn):
    run = CheckRun("Exercise 7 (entropy)", 1)
    value = expect_number(run, run_student(run, fn, np.array([0.5, 0.5]), what="value"), what="value")
    expect_close(run, value, 1.0, what="value")
    return run.finish()


def test_forbid_fails_a_check_whose_function_calls_the_library(capsys):
    from mmlab.quantify import entropy

    assert _check_entropy(lambda p: float(-(p * np.log2(p)).sum()))
    assert "✓ Exercise 7 (entropy)" in capsys.readouterr().out
    expected = (
        "✗ Check 1/1 (value): Exercise 7 asks you to compute the entropy yourself; your function calls "
        "mmlab's `entropy`. Use np.log2."
    )
    for fn in (entropy, lambda p: entropy(p)):
        with pytest.raises(CheckFailed) as info:
            _check_entropy(fn)
        assert str(info.value) == expected


def test_forbid_catches_a_call_the_student_swallowed():
    def sneaky(p):
        from mmlab.quantify import exact_pid

        try:
            exact_pid("not a table")
        except Exception:
            pass
        return float(-(p * np.log2(p)).sum())

    with pytest.raises(CheckFailed, match="your function calls mmlab's `exact_pid`"):
        _check_entropy(sneaky)


def test_forbid_declares_the_rule_on_the_check_and_is_off_outside_it():
    from mmlab.quantify import entropy

    rule = _check_entropy.forbidden
    assert isinstance(rule, ForbiddenCalls)
    assert rule.public_names() == ("entropy",)
    assert rule.targets == ("mmlab.quantify.entropy", "mmlab.quantify.exact_pid")
    run = CheckRun("Exercise 7", 1)
    assert run_student(run, entropy, np.array([0.5, 0.5])) == 1.0  # no active rule: allowed


def test_public_names_give_the_class_of_a_method():
    rule = ForbiddenCalls(("mmlab.fusion.TensorFusion.fused_tensor", "mmlab.fusion.n_params"), task="t")
    assert rule.public_names() == ("TensorFusion", "n_params")


# --------------------------------------------------------------------------- display in IPython
def test_a_failed_check_is_shown_without_mmlab_frames():
    import sys
    import types

    from mmlab.labs import check_mutual_information, install_ipython_display

    shown = []

    class Shell:
        custom_exceptions = ()

        def set_custom_exc(self, exc_tuple, handler):
            self.custom_exceptions, self.handler = exc_tuple, types.MethodType(handler, self)

        def showtraceback(self, exc_tuple, tb_offset=None):
            shown.append(exc_tuple)

    shell = Shell()
    assert install_ipython_display(shell) and shell.custom_exceptions == (CheckFailed,)
    try:
        check_mutual_information(lambda p: 1.0)  # this test's frame, then frames inside mmlab
    except CheckFailed:
        shell.handler(*sys.exc_info())
    etype, value, tb = shown[0]
    files = []
    while tb is not None:
        files.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    assert etype is CheckFailed and "Check 2/6" in str(value)
    assert files == [__file__], files


def test_the_display_is_not_installed_over_other_handlers_or_outside_ipython():
    from mmlab.labs import install_ipython_display

    class Shell:
        custom_exceptions = (KeyError,)

        def set_custom_exc(self, exc_tuple, handler):
            raise AssertionError("must not replace another library's handler")

    assert install_ipython_display(Shell()) is False
    assert install_ipython_display() is False  # plain pytest: no IPython shell
