"""Tests of mmlab.runtime: device, seeds, profiles, sizes, claims."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from mmlab import ClaimFailed, claim, device, profile, seed_everything, set_num_threads, sizes


# ----------------------------------------------------------------- claim
def test_claim_true_prints_one_line_with_figures(capsys):
    assert claim("low-rank fusion is smaller", 10 < 100, lmf=10, tfn=100, acc=0.912345) is None  # no Out[n]: True
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("✓ low-rank fusion is smaller")
    assert "lmf=10" in out and "tfn=100" in out and "acc=0.9123" in out


def test_claim_false_raises_with_text_and_figures(capsys):
    with pytest.raises(ClaimFailed, match=r"additive fusion solves XOR.*acc=0.5"):
        claim("additive fusion solves XOR", 0.5 > 0.9, acc=0.5)
    assert capsys.readouterr().out.startswith("✗ additive fusion solves XOR")


def test_claim_failed_is_an_assertion_error():
    # nbval and pytest report AssertionErrors as failures, not crashes.
    assert issubclass(ClaimFailed, AssertionError)


@pytest.mark.parametrize("cond", [np.bool_(True), torch.tensor(True), torch.tensor([True]), np.array(True)])
def test_claim_accepts_single_booleans(cond):
    claim("single truth value", cond)


@pytest.mark.parametrize("cond", [torch.tensor([True, False]), np.array([True, True])])
def test_claim_rejects_many_element_conditions(cond):
    with pytest.raises(TypeError, match=r"single truth value.*shape \(2,\).*\.all\(\)"):
        claim("ambiguous", cond)


@pytest.mark.parametrize("cond", [1, 0.5, "yes", None])
def test_claim_rejects_non_bool_conditions(cond):
    with pytest.raises(TypeError, match="must be a bool"):
        claim("not a comparison", cond)


@pytest.mark.parametrize("text", ["", "   ", None, 3])
def test_claim_rejects_bad_text(text):
    with pytest.raises(TypeError, match="non-empty string"):
        claim(text, True)


def test_claim_formats_tensor_figures(capsys):
    claim("tensor figure", True, acc=torch.tensor(0.75))
    assert "acc=0.75" in capsys.readouterr().out


# ----------------------------------------------------------------- profile / sizes
@pytest.mark.parametrize("value", ["quick", "full", "QUICK", " full "])
def test_profile_from_environment(monkeypatch, value):
    monkeypatch.setenv("MMLAB_PROFILE", value)
    assert profile() == value.strip().lower()


def test_profile_invalid_value_lists_allowed(monkeypatch):
    monkeypatch.setenv("MMLAB_PROFILE", "fast")
    with pytest.raises(ValueError, match=r"one of quick, full; got 'fast'"):
        profile()


def test_profile_default_follows_cuda(monkeypatch):
    monkeypatch.delenv("MMLAB_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert profile() == "quick"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert profile() == "full"


TABLE = {"quick": {"n": 100, "epochs": 5}, "full": {"n": 10_000, "epochs": 50}}


def test_sizes_picks_profile_row(monkeypatch):
    assert sizes(TABLE) == {"n": 100, "epochs": 5}
    assert sizes(TABLE, which="full") == {"n": 10_000, "epochs": 50}
    monkeypatch.setenv("MMLAB_PROFILE", "full")
    assert sizes(TABLE)["n"] == 10_000


def test_sizes_returns_a_copy():
    row = sizes(TABLE)
    row["n"] = 1
    assert TABLE["quick"]["n"] == 100


@pytest.mark.parametrize(
    "table, match",
    [
        ([1, 2], "must be a mapping"),
        ({"quick": {"n": 1}}, r"missing \['full'\]"),
        ({"quick": {"n": 1}, "full": {"n": 2}, "gpu": {"n": 3}}, r"unexpected \['gpu'\]"),
        ({"quick": {"n": 1}, "full": {"m": 2}}, r"only in quick: \['n'\]"),
        ({"quick": 3, "full": {"n": 2}}, "must be a mapping of sizes"),
    ],
)
def test_sizes_rejects_bad_tables(table, match):
    with pytest.raises((TypeError, ValueError), match=match):
        sizes(table)


def test_sizes_rejects_unknown_profile():
    with pytest.raises(ValueError, match="which must be one of"):
        sizes(TABLE, which="medium")


# ----------------------------------------------------------------- seeds / device / threads
def test_seed_everything_makes_python_numpy_torch_repeat():
    assert seed_everything(123) == 123
    a = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002  global state is the subject
    seed_everything(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002  global state is the subject
    assert a == b
    seed_everything(124)  # and another seed gives other draws in every library
    c = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002  global state is the subject
    assert all(x != y for x, y in zip(a, c, strict=True))


def test_seed_everything_applies_the_thread_setting(monkeypatch):
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        monkeypatch.setenv("MMLAB_NUM_THREADS", "1")
        seed_everything(0)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad, err", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, err):
    with pytest.raises(err, match="seed must"):
        seed_everything(bad)


class _Backend:
    def __init__(self, available: bool) -> None:
        self.available = available

    def is_available(self) -> bool:
        return self.available


@pytest.mark.parametrize(
    "cuda, mps, expected",
    [
        (True, True, "cuda"),  # CUDA first, even where MPS exists
        (False, True, "mps"),  # then Apple's GPU
        (False, False, "cpu"),  # then the CPU
    ],
)
def test_device_prefers_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.delenv("MMLAB_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends, "mps", _Backend(mps))
    assert device() == torch.device(expected)


def test_device_without_an_mps_backend_falls_back_to_cpu(monkeypatch):
    monkeypatch.delenv("MMLAB_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.delattr(torch.backends, "mps")  # builds without the MPS module
    assert device() == torch.device("cpu")


def test_device_override_wins_over_detection(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv("MMLAB_DEVICE", " cpu ")
    assert device() == torch.device("cpu")
    monkeypatch.setenv("MMLAB_DEVICE", "cuda:1")
    assert device() == torch.device("cuda", 1)  # named, not opened: the choice is the user's
    monkeypatch.setenv("MMLAB_DEVICE", "warp-drive")
    with pytest.raises(ValueError, match="MMLAB_DEVICE must name a torch device.*'warp-drive'"):
        device()


def test_set_num_threads(monkeypatch):
    before = torch.get_num_threads()
    try:
        assert set_num_threads(1) == 1
        monkeypatch.setenv("MMLAB_NUM_THREADS", "1")
        assert set_num_threads() == 1
        monkeypatch.setenv("MMLAB_NUM_THREADS", "many")
        with pytest.raises(ValueError, match="MMLAB_NUM_THREADS must be a positive integer"):
            set_num_threads()
        with pytest.raises(ValueError, match=r"n must be an integer >= 1; got 0"):
            set_num_threads(0)
        with pytest.raises(TypeError, match=r"n must be an integer >= 1; got float 2.0"):
            set_num_threads(2.0)
        assert torch.get_num_threads() == 1  # a refused call leaves the setting alone
    finally:
        torch.set_num_threads(before)
