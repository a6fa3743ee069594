"""The fast paths of mmlab.generate agree with their plain definitions: the vectorised within-class partners of
the MFM, the one-pass range checks of the models' training inputs, and the training loop's per-step shortcuts."""

import pytest
import torch

from mmlab.generate import CVAE, MFM, VQVAE, fit_generator
from mmlab.generate._common import finite_range
from mmlab.generate._mfm import _partners


def _partners_by_class(y: torch.Tensor) -> torch.Tensor:
    """The definition: a random order inside each class, then each row takes the previous row of its class."""
    order = torch.argsort(y.float() + torch.rand(y.shape[0], device=y.device) * 0.5)
    sorted_y = y[order]
    partner = torch.empty_like(order)
    for k in sorted_y.unique():
        block = order[sorted_y == k]
        partner[block] = block.roll(1)
    return partner


@pytest.mark.parametrize("labels", [[], [4], [2, 2], [0, 1, 2], [9, 0, 9, 3, 3, 3, 0, 9, 7]])
def test_partners_match_the_per_class_definition_on_small_cases(labels):
    y = torch.tensor(labels, dtype=torch.int64)
    torch.manual_seed(0)
    fast = _partners(y)
    torch.manual_seed(0)
    assert torch.equal(fast, _partners_by_class(y))


def test_partners_match_the_per_class_definition_and_draw_the_same_randomness(seed):
    g = torch.Generator().manual_seed(seed)
    for n in (1, 5, 64, 300):
        y = torch.randint(0, 10, (n,), generator=g)
        torch.manual_seed(seed)
        fast, state = _partners(y), torch.get_rng_state()
        torch.manual_seed(seed)
        assert torch.equal(fast, _partners_by_class(y))
        assert torch.equal(state, torch.get_rng_state())  # the global generator moves as before


@pytest.mark.parametrize("values", [[0.0, float("nan")], [float("inf"), 0.0], [0.0, -float("inf")]])
def test_finite_range_rejects_nan_and_infinities(values):
    with pytest.raises(ValueError, match="x must be finite"):
        finite_range(torch.tensor(values), "x")


def test_finite_range_is_the_minimum_and_maximum():
    x = torch.tensor([[0.25, -3.0], [7.5, 1.0]], requires_grad=True)
    assert finite_range(x, "x") == (-3.0, 7.5)


@pytest.mark.parametrize(
    "make",
    [
        lambda x: (CVAE(64), [x]),
        lambda x: (VQVAE(), [x]),
        lambda x: (MFM([64, 3], 2), [x, torch.rand(2, 3), torch.tensor([0, 1])]),
    ],
)
@pytest.mark.parametrize(
    "bad, message",
    [(float("nan"), "must be finite"), (-float("inf"), "must be finite"), (1.5, "lie in"), (-0.5, "lie in")],
)
def test_training_inputs_are_checked_for_finite_values_and_their_range(make, bad, message):
    x = torch.rand(2, 64)
    x[1, 0] = bad
    model, batch = make(x)
    with pytest.raises(ValueError, match=message):
        model.loss_terms(batch)


def test_training_batches_run_in_training_mode_and_validation_passes_in_evaluation_mode():
    seen = []

    class Probe(CVAE):
        def loss_terms(self, batch):
            seen.append(all(m.training for m in self.modules()))
            return super().loss_terms(batch)

    x = torch.rand(40, 4)
    model = Probe(4, latent_dim=2)
    fit_generator(model, [x], val=[x[:8]], epochs=3, batch_size=16, progress=False, device="cpu")
    assert seen == [True, True, True, False] * 3  # per epoch: three training batches, then one validation pass
    assert not any(m.training for m in model.modules())  # evaluation mode at the end
