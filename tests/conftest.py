"""Fixtures shared by the unit tests."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import torch

SEEDS = (0, 1, 2, 3, 4)


@pytest.fixture(params=SEEDS, ids=lambda s: f"seed{s}")
def seed(request: pytest.FixtureRequest) -> int:
    """Each seed in :data:`SEEDS`; stochastic tests that use it run five times."""
    return request.param


@pytest.fixture
def rng(seed: int) -> np.random.Generator:
    """A NumPy generator seeded per test run (no global random state)."""
    return np.random.default_rng(seed)


@pytest.fixture
def torch_gen(seed: int) -> torch.Generator:
    """A torch generator seeded per test run."""
    return torch.Generator().manual_seed(seed)


@pytest.fixture(autouse=True)
def _quick_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests see the quick profile unless they set MMLAB_PROFILE themselves."""
    monkeypatch.setenv("MMLAB_PROFILE", "quick")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test opened, so figures do not pile up across tests."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _simulated_reviews(seed: int = 0, n: int = 120) -> pd.DataFrame:
    """A small book-review-like frame with a planted interaction (w = 5, 0.7, -3, 1.3; noise sd 1)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3, n)
    g = rng.integers(0, 2, n)
    return pd.DataFrame({"smiling": x, "critic": g, "score": 5 + 0.7 * x - 3 * g + 1.3 * x * g + rng.normal(0, 1, n)})


@pytest.fixture
def make_reviews():
    """``make_reviews(seed=0, n=120)``: a small simulated review frame for plotting and widget tests."""
    return _simulated_reviews


@pytest.fixture
def one_torch_thread():
    """Torch on one thread for the test (the claims' seed tests train as a notebook kernel under make test does)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
