"""Fusion-lab checks beyond the shared contract of ``test_lab_checks.py``: no answer keys, shape messages, random state."""

import pytest

from mmlab.labs import CheckFailed
from mmlab.labs import (
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
