"""The DTW slider: it runs headless, and the path's slope follows the replay rate."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.widgets import rate_pair, warping_explorer


@pytest.mark.parametrize("rate", [0.5, 1.0, 2.0, 3.0])
def test_rate_pair_replays_the_second_half_faster(rate):
    x, y, w = rate_pair(rate, n=40)
    assert len(x) == 40 and len(y) == len(w) and w[-1] <= 39
    np.testing.assert_allclose(y[:20], x[:20])
    np.testing.assert_allclose(np.diff(w[21:]), rate)


def test_explorer_redraws_and_tracks_the_rate():
    explorer = warping_explorer(rate=2.0)
    assert explorer.explorer_state["rate"] == 2.0
    for rate in (0.5, 1.0, 3.0):
        explorer.controls["rate"].value = rate
        state = explorer.explorer_state
        assert state["rate"] == rate and abs(state["slope"] - rate) < 0.1 * rate + 0.05
        assert state["path"][0].tolist() == [0, 0]


@pytest.mark.parametrize("kwargs, match", [({"rate": 5.0}, "rate"), ({"step": 0.0}, "step"), ({"n": 4}, "n")])
def test_explorer_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        warping_explorer(**kwargs)


def test_rate_pair_bad_arguments():
    with pytest.raises(ValueError, match="rate"):
        rate_pair(0.0)
