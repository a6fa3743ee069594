"""Fixtures shared by the unit tests."""

from __future__ import annotations

import numpy as np
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
