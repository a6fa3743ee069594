"""The transference lab's checks (``labs/5_transference/01_transference.ipynb``) beyond the shared contract.

The shared contract of ``test_lab_checks.py`` (references pass, mutants in ``tests/labs/mutants/transfer_*.py``
fail with their intended message, a mutant calling the library meets the
tripwire, stubs, crashes and garbage, profiler and random state) runs on these
exercises from ``conftest.EXERCISES``. Here:
what the feedback of the adapter count hides.
"""

from __future__ import annotations

import pytest

from mmlab.labs import CheckFailed, check_adapter_n_params


def test_feedback_never_prints_the_expected_count(mutants):
    """The adapter count's expected value (12,688 for d = 384, r = 16) never appears in a failure message."""
    for name in ("weights_only", "no_up_bias", "full_layer", "bias_per_input"):
        fn, _ = mutants["transfer_adapter_n_params"].MUTANTS[name]
        with pytest.raises(CheckFailed) as info:
            check_adapter_n_params(fn)
        assert "12,688" not in str(info.value) and "12688" not in str(info.value)
