"""Interactions-lab checks beyond the shared contract of ``test_lab_checks.py``: feedback that hides the answers."""

import numpy as np
import pytest

from mmlab.labs import CheckFailed
from mmlab.labs import check_mutual_information, check_shared_noisy_copy


def test_mutual_information_feedback_hides_the_reference_values(mutants):
    """The nats message quotes the student's value, never the reference in bits."""
    from mmlab.quantify import symmetric_channel
    from mmlab.quantify import mutual_information

    fn, _ = mutants["interactions_mutual_information"].MUTANTS["natural_log"]
    with pytest.raises(CheckFailed) as info:
        check_mutual_information(fn)
    assert f"{mutual_information(symmetric_channel(0.1)):.3f}" not in str(info.value)


def test_shared_noisy_copy_feedback_hides_the_redundancy(mutants):
    """The value check uses reveal=False: R = 1 − h(noise) must not be printed."""
    fn, _ = mutants["interactions_shared_noisy_copy"].MUTANTS["fixed_noise"]
    with pytest.raises(CheckFailed) as info:
        check_shared_noisy_copy(fn)
    h = -0.3 * np.log2(0.3) - 0.7 * np.log2(0.7)
    for digits in (2, 3, 4):
        assert f"{1 - h:.{digits}f}" not in str(info.value)
