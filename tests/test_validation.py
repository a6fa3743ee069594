"""Tests of the shared input validators (mmlab._validation)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab._validation import (
    check_array,
    check_choice,
    check_fraction,
    check_modalities,
    check_positive_int,
    check_random_state,
    check_same_length,
)


def test_check_positive_int():
    assert check_positive_int(np.int64(3), "k") == 3
    with pytest.raises(TypeError, match=r"k must be an integer >= 1; got float 2.0"):
        check_positive_int(2.0, "k")
    with pytest.raises(TypeError, match="got bool"):
        check_positive_int(True, "k")
    with pytest.raises(ValueError, match=r"k must be an integer >= 2; got 1"):
        check_positive_int(1, "k", minimum=2)


def test_check_fraction():
    assert check_fraction(0.5, "p") == 0.5
    with pytest.raises(ValueError, match=r"p must lie in \[0.0, 1.0\]; got 1.5"):
        check_fraction(1.5, "p")
    with pytest.raises(ValueError, match=r"\(0.0, 1.0\]"):
        check_fraction(0.0, "p", inclusive=(False, True))
    with pytest.raises(TypeError, match="real number"):
        check_fraction("half", "p")
    with pytest.raises(ValueError, match="got nan"):
        check_fraction(float("nan"), "p")


def test_check_choice():
    assert check_choice("xor", "kind", ["xor", "and"]) == "xor"
    with pytest.raises(ValueError, match=r"kind must be one of \['xor', 'and'\]; got 'or'"):
        check_choice("or", "kind", ["xor", "and"])


def test_check_array():
    assert check_array([[1, 2]], "x", ndim=2).shape == (1, 2)
    assert check_array(torch.ones(3), "x", ndim=1).shape == (3,)
    with pytest.raises(ValueError, match=r"x must have 2 dimension\(s\); got shape \(3,\)"):
        check_array([1, 2, 3], "x", ndim=2)
    with pytest.raises(ValueError, match=r"x must be finite; got 1 NaN"):
        check_array([1.0, np.nan], "x")
    with pytest.raises(TypeError, match="ragged|array-like"):
        check_array([[1, 2], [3]], "x")


def test_check_same_length():
    assert check_same_length([np.zeros(3), np.zeros(3)], ["a", "b"]) == 3
    with pytest.raises(ValueError, match=r"a and b must hold paired samples.*a=3, b=2"):
        check_same_length([np.zeros(3), np.zeros(2)], ["a", "b"])


def test_check_modalities():
    xs = check_modalities((torch.zeros(4, 2), torch.zeros(4, 3)), n_modalities=2, dims=[2, 3])
    assert isinstance(xs, list) and len(xs) == 2
    with pytest.raises(TypeError, match="one \\(batch, d_i\\) tensor per modality"):
        check_modalities(torch.zeros(4, 2))
    with pytest.raises(ValueError, match="at least one modality"):
        check_modalities([])
    with pytest.raises(ValueError, match="must hold 3 modalities; got 2"):
        check_modalities([torch.zeros(4, 2)] * 2, n_modalities=3)
    with pytest.raises(TypeError, match=r"xs\[1\] must be a torch.Tensor; got ndarray"):
        check_modalities([torch.zeros(4, 2), np.zeros((4, 2))])
    with pytest.raises(ValueError, match=r"xs\[0\] must have shape \(batch, d_0\); got shape \(4,\)"):
        check_modalities([torch.zeros(4)])
    with pytest.raises(ValueError, match=r"xs\[1\] must have 5 features"):
        check_modalities([torch.zeros(4, 2), torch.zeros(4, 3)], dims=[2, 5])
    with pytest.raises(ValueError, match=r"same batch size.*\[4, 5\]"):
        check_modalities([torch.zeros(4, 2), torch.zeros(5, 2)])


def test_check_random_state():
    gen = np.random.default_rng(0)
    assert check_random_state(gen) is gen  # a generator continues its own stream
    assert check_random_state(7).integers(1 << 30) == np.random.default_rng(7).integers(1 << 30)
    assert isinstance(check_random_state(None), np.random.Generator)
    for bad in (-1, 1.5, True, "0", np.random.RandomState(0)):
        with pytest.raises(TypeError, match="random_state must be None, a non-negative int"):
            check_random_state(bad)
