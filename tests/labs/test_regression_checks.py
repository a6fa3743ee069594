"""Regression-lab checks beyond the shared contract of ``test_lab_checks.py``: feedback that hides the answers."""

import pytest

from mmlab.labs import CheckFailed
from mmlab.labs import check_fit_interaction, check_simple_slope


def test_simple_slope_message_hides_the_interval(mutants):
    """The CI feedback must not print the reference interval (it would give the answer away)."""
    from mmlab.labs._regression import _reference
    from mmlab.regression import simple_slopes

    ref = simple_slopes(_reference(0, "interaction")).loc[1]
    fn, _ = mutants["regression_simple_slope"].MUTANTS["no_covariance"]
    with pytest.raises(CheckFailed) as info:
        check_simple_slope(fn)
    for value in (ref["ci_low"], ref["ci_high"], ref["std_error"]):
        for digits in (3, 4):
            assert f"{value:.{digits}f}" not in str(info.value)


def test_fit_checks_do_not_reveal_the_coefficients(mutants):
    from mmlab.labs._regression import _reference

    fn, _ = mutants["regression_fit_interaction"].MUTANTS["rescaled_smiling"]
    with pytest.raises(CheckFailed) as info:
        check_fit_interaction(fn)
    for value in _reference(0, "interaction").params:
        assert f"{value:.3f}" not in str(info.value)
