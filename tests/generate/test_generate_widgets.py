"""The latent explorer (mmlab/widgets/_generation.py) runs headless and refuses bad input."""

import contextlib
import io

import pytest
import torch

from mmlab.generate import CVAE
from mmlab.widgets import latent_explorer


def test_explorer_draws_headless_and_redraws_on_a_change():
    model = CVAE(64, 3, latent_dim=2)
    with contextlib.redirect_stdout(io.StringIO()):
        explorer = latent_explorer(model, {"a": torch.zeros(1, 3), "b": torch.ones(1, 3)}, start="b")
        assert explorer.explorer_state["condition"] == "b"
        explorer.controls["z2"].value = -1.0
    state = explorer.explorer_state
    assert state["z"] == (0.0, -1.0) and state["image"].shape == (8, 8)
    with torch.no_grad():
        expected = torch.sigmoid(model.eval().decode(torch.tensor([[0.0, -1.0]]), torch.ones(1, 3)))
    assert torch.allclose(torch.from_numpy(state["image"]).reshape(1, 64), expected, atol=1e-6)


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        ((object(), {"a": torch.zeros(1, 3)}), {}, TypeError, "CVAE"),
        ((CVAE(64, 3, latent_dim=1), {"a": torch.zeros(1, 3)}), {}, ValueError, "two latent"),
        ((CVAE(64, 3, latent_dim=2), {}), {}, ValueError, "at least one"),
        ((CVAE(64, 3, latent_dim=2), {"a": torch.zeros(2, 3)}), {}, ValueError, r"\(1, 3\)"),
        ((CVAE(64, 3, latent_dim=2), {"a": torch.zeros(1, 3)}), {"start": "z"}, ValueError, "start"),
        ((CVAE(64, 3, latent_dim=2), {"a": torch.zeros(1, 3)}), {"span": 0.0}, ValueError, "span"),
    ],
)
def test_bad_inputs_are_refused(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        latent_explorer(*args, **kwargs)
