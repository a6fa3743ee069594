"""Tests of the shared input validators (mmlab._validation): one layer, one message format."""

from __future__ import annotations

import numbers

import numpy as np
import pytest
import torch

from mmlab._validation import (
    MAX_ELEMENTS,
    check_array,
    check_choice,
    check_fraction,
    check_modalities,
    check_positive_int,
    check_random_state,
    check_same_length,
    check_scalar,
    check_size,
    max_elements,
    seed_from_random_state,
)


def test_check_positive_int():
    assert check_positive_int(np.int64(3), "k") == 3
    with pytest.raises(TypeError, match=r"k must be an integer >= 1; got float 2.0"):
        check_positive_int(2.0, "k")
    with pytest.raises(TypeError, match="got bool"):
        check_positive_int(True, "k")
    with pytest.raises(ValueError, match=r"k must be an integer >= 2; got 1"):
        check_positive_int(1, "k", minimum=2)


# ----------------------------------------------------------------- check_scalar: the one "number in range" check
@pytest.mark.parametrize(
    "kwargs, value, message",
    [
        (dict(min_val=0, max_val=1), 1.5, r"p must lie in \[0, 1\]; got 1.5"),
        (dict(min_val=0, max_val=1, include_boundaries="neither"), 0.0, r"p must lie in \(0, 1\); got 0.0"),
        (dict(min_val=0, max_val=1, include_boundaries="left"), 1.0, r"p must lie in \[0, 1\); got 1.0"),
        (dict(min_val=0, max_val=1, include_boundaries="right"), 0.0, r"p must lie in \(0, 1\]; got 0.0"),
        (dict(min_val=0), -1.0, r"p must be >= 0; got -1.0"),
        (dict(min_val=1, include_boundaries="neither"), 1.0, r"p must be > 1; got 1.0"),
        (dict(max_val=1), 2.0, r"p must be <= 1; got 2.0"),
        (dict(max_val=1, include_boundaries="left"), 1.0, r"p must be < 1; got 1.0"),
    ],
)
def test_check_scalar_names_the_interval_and_the_value(kwargs, value, message):
    with pytest.raises(ValueError, match=message):
        check_scalar(value, "p", **kwargs)


def test_check_scalar_accepts_the_boundaries_it_includes_and_returns_plain_numbers():
    assert check_scalar(0, "p", min_val=0, max_val=1) == 0.0
    assert type(check_scalar(np.float32(0.5), "p")) is float
    assert check_scalar(1, "p", min_val=0, max_val=1, include_boundaries="right") == 1.0
    out = check_scalar(np.int64(3), "k", numbers.Integral, min_val=1)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", ["0.5", None, True, 1 + 0j, torch.tensor(0.5), [0.5]])
def test_check_scalar_refuses_non_numbers_with_a_type_error(value):
    with pytest.raises(TypeError, match=r"p must be a real number in \[0, 1\]; got"):
        check_scalar(value, "p", min_val=0, max_val=1)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_check_scalar_refuses_nan_and_infinity_even_without_bounds(value):
    with pytest.raises(ValueError, match="lr must be a finite real number"):
        check_scalar(value, "lr")


def test_check_scalar_integral_refuses_floats_and_bad_boundaries_option():
    with pytest.raises(TypeError, match=r"k must be an integer >= 1; got float 2.0"):
        check_scalar(2.0, "k", numbers.Integral, min_val=1)
    with pytest.raises(ValueError, match="include_boundaries must be"):
        check_scalar(1.0, "p", include_boundaries="open")


def test_check_fraction_is_check_scalar_on_an_interval():
    assert check_fraction(0.5, "p") == 0.5
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]; got 1.5"):
        check_fraction(1.5, "p")
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        check_fraction(0.0, "p", inclusive=(False, True))
    with pytest.raises(TypeError, match="real number"):
        check_fraction("half", "p")
    with pytest.raises(ValueError, match="got nan"):
        check_fraction(float("nan"), "p")
    # same message as check_scalar for the same interval
    with pytest.raises(ValueError, match="must lie in") as a:
        check_fraction(2.0, "t", low=0.0, high=0.5, inclusive=(True, False))
    with pytest.raises(ValueError, match="must lie in") as b:
        check_scalar(2.0, "t", min_val=0.0, max_val=0.5, include_boundaries="left")
    assert str(a.value) == str(b.value)


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
    with pytest.raises(TypeError, match="array-like of numbers"):
        check_array(["a", "b"], "x", dtype=float)


def test_check_same_length():
    assert check_same_length([np.zeros(3), np.zeros(3)], ["a", "b"]) == 3
    with pytest.raises(ValueError, match=r"a and b must hold paired samples.*a=3, b=2"):
        check_same_length([np.zeros(3), np.zeros(2)], ["a", "b"])


# ----------------------------------------------------------------- check_modalities
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


def test_check_modalities_dtype_device_and_finiteness():
    x = torch.zeros(4, 2)
    with pytest.raises(TypeError, match=r"xs\[1\] must have dtype torch.float32.*got torch.float64.*x.to\("):
        check_modalities([x, x.double()], dtype=torch.float32)
    with pytest.raises(TypeError, match=r"xs\[0\] must be floating point.*got dtype torch.int64"):
        check_modalities([x.long(), x], floating=True)
    # one dtype per modality; None leaves that modality alone (an encoder of token ids)
    check_modalities([x.long(), x], dtype=[None, torch.float32])
    with pytest.raises(ValueError, match=r"xs\[0\] must be on device meta"):
        check_modalities([x], device=torch.device("meta"))
    with pytest.raises(ValueError, match=r"xs\[1\] must be finite"):
        check_modalities([x, torch.full((4, 2), float("nan"))], finite=True)
    check_modalities([x, torch.full((4, 2), float("nan"))])  # finiteness is opt-in (it costs a pass)


# ----------------------------------------------------------------- check_size
def test_check_size_reports_the_request_and_the_limit(monkeypatch):
    monkeypatch.delenv("MMLAB_MAX_ELEMENTS", raising=False)
    assert max_elements() == MAX_ELEMENTS
    assert check_size(MAX_ELEMENTS, "ok") == MAX_ELEMENTS
    with pytest.raises(ValueError, match="asks for") as err:
        check_size(
            10**10,
            "TensorFusion(in_dims=[1000, 1000, 1000], out_dim=10)",
            what="parameters",
            detail="out_dim * prod(d_i + 1)",
            remedy="Use LowRankFusion.",
        )
    text = str(err.value)
    assert "TensorFusion(in_dims=[1000, 1000, 1000], out_dim=10) asks for 10,000,000,000 parameters" in text
    assert f"{MAX_ELEMENTS:,}" in text and "Use LowRankFusion." in text and "MMLAB_MAX_ELEMENTS" in text


def test_check_size_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", "100")
    assert check_size(100, "x") == 100
    with pytest.raises(ValueError, match="asks for 101 numbers"):
        check_size(101, "x")
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", "lots")
    with pytest.raises(ValueError, match="MMLAB_MAX_ELEMENTS must be a positive integer"):
        check_size(1, "x")


# ----------------------------------------------------------------- random states
def test_check_random_state():
    gen = np.random.default_rng(0)
    assert check_random_state(gen) is gen  # a generator continues its own stream
    assert check_random_state(7).integers(1 << 30) == np.random.default_rng(7).integers(1 << 30)
    assert isinstance(check_random_state(None), np.random.Generator)
    for bad in (1.5, True, "0", np.random.RandomState(0)):
        with pytest.raises(TypeError, match="random_state must be None, a non-negative int"):
            check_random_state(bad)
    with pytest.raises(ValueError, match="random_state must be None, a non-negative int.*negative int -1"):
        check_random_state(-1)


def test_seed_from_random_state():
    assert seed_from_random_state(5) == 5
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    assert seed_from_random_state(a) == seed_from_random_state(b)  # a generator's next draw
    assert seed_from_random_state(a) != seed_from_random_state(np.random.default_rng(3))  # the stream moves on
    with pytest.raises(TypeError, match="seed must be None"):
        seed_from_random_state("abc", "seed")
    with pytest.raises(ValueError, match=r"random_state must be None, an int in \[0, 2\*\*63\)"):
        seed_from_random_state(-5)
