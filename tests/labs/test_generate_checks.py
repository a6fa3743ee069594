"""The generation lab's checks (mmlab/labs/_generate.py) beyond the shared contract of ``test_lab_checks.py``.

The shared contract (references pass, mutants in ``tests/labs/mutants/generate_*.py`` fail with their intended
message, stubs, crashes and garbage, random state) runs on these exercises from ``conftest.EXERCISES``. Here: every
exercise has a mutant that calls the library, what each check forbids, garbage that is shaped like a right answer,
what feedback must not give away, and the checks' private references tied to ``mmlab.generate``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from mmlab.generate import coherence, gaussian_kl, vector_quantize
from mmlab.labs import (
    CheckFailed,
    check_coherence_with_chance,
    check_kl_to_prior,
    check_quantize,
    check_reparameterize,
)
from mmlab.labs._generate import _coherence_reference, _kl_reference, _quantize_reference

#: conftest.py restricts ``exercise`` to this lab's mutants files
LAB_MUTANTS = "generate"


def test_each_exercise_has_a_mutant_that_calls_the_library(exercise, mutants):
    assert "calls_library" in mutants[exercise].MUTANTS


@pytest.mark.parametrize(
    "check, asked",
    [
        (check_reparameterize, "mmlab.generate.reparameterize"),
        (check_kl_to_prior, "mmlab.generate.gaussian_kl"),
        (check_quantize, "mmlab.generate.vector_quantize"),
        (check_coherence_with_chance, "mmlab.generate.coherence"),
    ],
)
def test_checks_declare_what_the_exercise_asks_for(check, asked):
    assert asked in check.forbidden.asks_for


SHAPED_LIKE_ANSWERS = {
    "pair of tensors": (torch.zeros(2), torch.zeros(2)),
    "pair of nans": (float("nan"), float("nan")),
    "pair of strings": ("a", "b"),
    "triple": (0.1, 0.2, 0.3),
    "pair with a list": ([0.0], torch.zeros(1, dtype=torch.long)),
}


@pytest.mark.parametrize("garbage", list(SHAPED_LIKE_ANSWERS))
@pytest.mark.parametrize(
    "check", [check_reparameterize, check_kl_to_prior, check_quantize, check_coherence_with_chance]
)
def test_answers_of_the_right_form_but_wrong_content_get_feedback(check, garbage):
    value = SHAPED_LIKE_ANSWERS[garbage]
    with pytest.raises(CheckFailed) as info:
        check(lambda *args, **kwargs: value)
    assert re.match(r"✗ Check \d/\d \(", str(info.value)), str(info.value)


def test_private_references_agree_with_the_library(rng):
    mu, log_var = torch.from_numpy(rng.normal(size=(9, 3))), torch.from_numpy(rng.normal(size=(9, 3)))
    assert torch.allclose(_kl_reference(mu, log_var), gaussian_kl(mu, log_var))
    z_e, codebook = torch.from_numpy(rng.normal(size=(20, 4))), torch.from_numpy(rng.normal(size=(7, 4)))
    ref_q, ref_k = _quantize_reference(z_e, codebook)
    lib_q, lib_k = vector_quantize(z_e, codebook)
    assert torch.equal(ref_k, lib_k) and torch.allclose(ref_q, lib_q)
    a, b = rng.integers(0, 5, 100), rng.integers(0, 7, 100)
    lib = coherence(a, b)
    assert np.allclose(_coherence_reference(a, b), (lib.agreement, lib.chance))


def test_feedback_gives_neither_values_nor_the_formula_away(mutants):
    fn, _ = mutants["generate_kl_to_prior"].MUTANTS["wrong_sign"]
    with pytest.raises(CheckFailed) as info:
        check_kl_to_prior(fn)
    assert not re.search(r"\d\.\d{3}", str(info.value))  # no expected KL values
    fn, _ = mutants["generate_coherence"].MUTANTS["one_over_k"]
    with pytest.raises(CheckFailed) as info:
        check_coherence_with_chance(fn)
    assert not re.search(r"0\.\d", str(info.value))  # no expected agreement or chance level
    fn, _ = mutants["generate_reparameterize"].MUTANTS["uses_variance"]
    with pytest.raises(CheckFailed) as info:
        check_reparameterize(fn)
    assert "exp(log_var / 2)" in str(info.value) and "+ torch.exp(0.5" not in str(info.value)


def test_checks_leave_global_random_state_alone(mutants):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_reparameterize(mutants["generate_reparameterize"].reference)
    check_quantize(mutants["generate_quantize"].reference)
    assert torch.equal(torch.rand(3), expected)
