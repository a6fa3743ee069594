"""Regression-lab checks beyond the shared contract of ``test_lab_checks.py``: feedback that hides the answers."""

import pytest

from mmlab.labs import CheckFailed, check_fit_interaction, check_simple_slope


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


def _messages(mutants, name, which):
    from mmlab.labs._regression import check_decide_h2, check_simple_slope

    check = {"regression_simple_slope": check_simple_slope, "regression_decide_h2": check_decide_h2}[name]
    out = []
    for mutant in which:
        fn, _ = mutants[name].MUTANTS[mutant]
        with pytest.raises(CheckFailed) as info:
            check(fn)
        out.append(str(info.value))
    return out


def test_slope_feedback_hides_the_slopes_and_the_distance(mutants):
    from mmlab.labs._regression import _reference, _slope_reference

    fit = _reference(0, "interaction")
    slopes = [_slope_reference(fit, level)[0] for level in (0, 1)]
    for message in _messages(mutants, "regression_simple_slope", ["w3_for_critics", "always_w1", "typed_numbers"]):
        assert "off by" not in message
        for value in slopes:
            for digits in (2, 3, 4):
                assert f"{value:.{digits}f}" not in message, message


def test_f_test_feedback_hides_f_and_p(mutants):
    from mmlab.labs._regression import _nested, _reference

    f_value, p_value = _nested(_reference(0, "additive"), _reference(0, "interaction"))
    for message in _messages(
        mutants,
        "regression_decide_h2",
        ["t_not_squared", "wrong_denominator_df", "swapped_rss", "cdf_not_sf", "ignores_alpha"],
    ):
        assert "off by" not in message
        assert f"{f_value:.2f}" not in message and f"{f_value:.3g}" not in message
        assert f"{p_value:.2g}" not in message and f"{p_value:.3g}" not in message
