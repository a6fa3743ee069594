"""Interactions-lab checks beyond the shared contract of ``test_lab_checks.py``: feedback that hides the answers."""

import numpy as np
import pytest

from mmlab.labs import CheckFailed, check_mutual_information, check_shared_noisy_copy


def test_mutual_information_feedback_hides_the_reference_values(mutants):
    """The nats message quotes the student's value, never the reference in bits."""
    from mmlab.quantify import mutual_information, symmetric_channel

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


@pytest.mark.parametrize("mutant", ["always_synergy", "swapped_sources", "smallest_atom", "by_mutual_information"])
def test_dominant_atom_feedback_gives_no_atom_values(mutants, mutant):
    import re

    from mmlab.labs import check_dominant_atom

    fn, _ = mutants["interactions_dominant_atom"].MUTANTS[mutant]
    with pytest.raises(CheckFailed) as info:
        check_dominant_atom(fn)
    message = str(info.value)
    assert re.search(r"\d\.\d", message) is None and "bit" not in message, message
    assert "dominant atom:" not in message


@pytest.mark.parametrize("mutant", ["natural_log", "no_zero_mask", "row_marginal_twice"])
def test_mutual_information_feedback_never_says_how_far_off(mutants, mutant):
    from mmlab.labs._interactions import _mi_bits, _symmetric_channel

    fn, _ = mutants["interactions_mutual_information"].MUTANTS[mutant]
    with pytest.raises(CheckFailed) as info:
        check_mutual_information(fn)
    assert "off by" not in str(info.value)
    assert f"{_mi_bits(_symmetric_channel(0.1)):.3f}" not in str(info.value)


def test_shared_noisy_copy_validates_every_table_before_the_pid(mutants):
    """A table right at noise 0.1 but not a distribution at 0.3 gets feedback, not a solver error."""
    fn, _ = mutants["interactions_shared_noisy_copy"].MUTANTS["capped_noise"]
    with pytest.raises(CheckFailed, match="at noise 0.3 does not sum to 1"):
        check_shared_noisy_copy(fn)
