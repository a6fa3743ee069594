"""Fusion-lab checks beyond the shared contract of ``test_lab_checks.py``.

No answer keys, shape messages, random state.
"""

import pytest

from mmlab.labs import (
    CheckFailed,
    check_interaction_contrast,
    check_low_rank_fusion,
    check_tensor_fusion_features,
    check_tensor_fusion_n_params,
)


def test_parameter_count_check_needs_no_answer_key(mutants):
    """The hidden-size cases report only how far off a count is, never the expected count."""
    fn, _ = mutants["fusion_tensor_n_params"].MUTANTS["first_two_only"]
    with pytest.raises(CheckFailed) as info:
        check_tensor_fusion_n_params(fn)
    assert "35,937" not in str(info.value) and "35937" not in str(info.value)


def test_feature_check_message_names_the_shapes(mutants):
    """The shape message gives expected and received shapes with the arithmetic behind them (STYLE.md §4)."""
    fn, _ = mutants["fusion_tensor_features"].MUTANTS["no_one"]
    with pytest.raises(CheckFailed) as info:
        check_tensor_fusion_features(fn)
    assert "(32, 68)" in str(info.value) and "(32, 48)" in str(info.value)


def test_checks_leave_global_random_state_alone(mutants):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_low_rank_fusion(mutants["fusion_low_rank"].reference)
    check_interaction_contrast(mutants["fusion_interaction_contrast"].reference)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("mutant", ["no_plus_one", "no_out_dim", "sum_of_sizes", "with_bias", "first_two_only"])
def test_parameter_count_feedback_gives_neither_the_count_nor_the_formula(mutants, mutant):
    fn, _ = mutants["fusion_tensor_n_params"].MUTANTS[mutant]
    with pytest.raises(CheckFailed) as info:
        check_tensor_fusion_n_params(fn)
    message = str(info.value)
    for answer in ("340", "(16+1)·(3+1)·5", "35,937", "35937", "off by", "prod(d_i + 1)"):
        assert answer not in message, message


def test_a_student_may_work_in_float64(mutants):
    """Ones of another dtype promote the features to float64: the values are right, so the check passes."""

    def features64(xs):
        return mutants["fusion_tensor_features"].reference([x.double() for x in xs])

    assert check_tensor_fusion_features(features64)
