"""The reasoning lab's checks (``labs/3_reasoning/01_reasoning.ipynb``) beyond the shared contract.

The shared contract of ``test_lab_checks.py`` (references pass, mutants in ``tests/labs/mutants/reason_*.py``
fail with their intended message, a mutant calling the library meets the
tripwire, stubs, crashes and garbage, profiler and random state) runs on these
exercises from ``conftest.EXERCISES``. Here:
what the feedback of the intervention test hides.
"""

from __future__ import annotations

import pytest

from mmlab.labs import CheckFailed, check_intervention_failures


def test_feedback_never_prints_the_reference_rates(mutants):
    """The worked case's expected rates (1/3 and 1/2 here) never appear in a failure message."""
    fn, _ = mutants["reason_intervention_failures"].MUTANTS["accuracy_instead"]
    with pytest.raises(CheckFailed) as info:
        check_intervention_failures(fn)
    assert "0.3333" not in str(info.value) and "0.5" not in str(info.value).replace("0.5 ", "")
