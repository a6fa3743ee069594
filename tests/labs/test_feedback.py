"""Tests of the check-cell feedback machinery (mmlab.labs._feedback via mmlab.labs)."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.labs import CheckFailed, CheckRun, expect_close, expect_shape, expect_true, run_student


def test_success_line_lists_what_was_verified(capsys):
    run = CheckRun("Exercise 1", 2)
    expect_shape(run, np.zeros((2, 3)), (2, 3), what="output shape")
    expect_close(run, 0.5, 0.5, what="value")
    assert run.finish()
    assert capsys.readouterr().out == "✓ Exercise 1: all 2 checks passed (output shape; value).\n"


def test_shape_failure_is_numbered_and_has_the_hint():
    run = CheckRun("Exercise 1", 3)
    with pytest.raises(CheckFailed, match=r"^✗ Check 1/3 \(output shape\): expected shape \(32, 68\), got \(32, 48\)\. "
                                          r"Did you append 1\?$"):
        expect_shape(run, np.zeros((32, 48)), (32, 68), what="output shape", hint="Did you append 1?")


def test_close_failure_reports_expected_got_and_difference():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed, match=r"expected 1, got 0\.6931 \(off by 0\.307\)"):
        expect_close(run, np.log(2), 1.0, what="entropy in bits")


def test_close_failure_can_hide_the_answer():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed) as info:
        expect_close(run, 0.2, 0.311, what="redundancy", reveal=False)
    assert "0.311" not in str(info.value) and "off by 0.111" in str(info.value)


def test_close_failure_on_arrays_names_the_worst_index():
    run = CheckRun("Ex", 1)
    with pytest.raises(CheckFailed, match=r"largest difference 2 at index \(1, 0\) \(expected 3, got 5\)"):
        expect_close(run, [[1, 2], [5, 4]], [[1, 2], [3, 4]], what="table")


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

    with pytest.raises(CheckFailed, match=r"your function raised ZeroDivisionError: division by zero "
                                          r"\(line \d+ of your code: `return x / 0`\)"):
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
