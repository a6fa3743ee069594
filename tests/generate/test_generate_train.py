"""fit_generator and evaluate_terms (mmlab/generate/_train.py): history, determinism, early stopping, errors."""

import pytest
import torch
from torch import nn

from mmlab.generate import CVAE, evaluate_terms, fit_generator


def _x(n=96, seed=0):
    return torch.rand(n, 8, generator=torch.Generator().manual_seed(seed))


def test_history_records_every_term_per_epoch_and_validation():
    model = CVAE(8, latent_dim=2, hidden=8)
    history = fit_generator(model, [_x()], val=[_x(32, 1)], epochs=4, progress=False, device="cpu")
    assert history.epoch == [1, 2, 3, 4] and len(history.loss) == 4 and len(history.val_loss) == 4
    assert set(history.metrics) == {"reconstruction", "kl", "val_reconstruction", "val_kl"}
    assert not model.training  # left in evaluation mode


def test_runs_are_reproducible_under_the_same_seeds():
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = CVAE(8, latent_dim=2, hidden=8)
        runs.append(fit_generator(model, [_x()], epochs=3, random_state=5, progress=False, device="cpu").loss)
    assert runs[0] == runs[1]


def test_keep_best_restores_the_epoch_with_the_lowest_validation_loss():
    torch.manual_seed(0)
    model = CVAE(8, latent_dim=2, hidden=8)
    val = [_x(32, 1)]
    history = fit_generator(model, [_x()], val=val, epochs=6, lr=5e-2, keep_best=True, progress=False, device="cpu")
    torch.manual_seed(1)
    # the restored model scores its best validation loss again (up to the sampling noise of the reconstruction term)
    assert evaluate_terms(model, val)["loss"] == pytest.approx(min(history.val_loss), rel=0.05)


class _Bad(nn.Module):
    def __init__(self, terms):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))
        self.terms = terms

    def loss_terms(self, batch):
        return self.terms(self.w)


@pytest.mark.parametrize(
    "model, inputs, kwargs, err, match",
    [
        (nn.Linear(2, 2), [torch.zeros(4, 2)], {}, TypeError, "loss_terms"),
        (CVAE(8), torch.zeros(4, 8), {}, TypeError, "list or tuple"),
        (CVAE(8), [torch.zeros(4, 8), torch.zeros(3, 8)], {}, ValueError, "paired"),
        (CVAE(8), [torch.zeros(0, 8)], {}, ValueError, "at least one sample"),
        (CVAE(8), [torch.zeros(4, 8)], {"keep_best": True}, ValueError, "keep_best"),
        (CVAE(8), [torch.zeros(4, 8)], {"val": [torch.zeros(4, 8), torch.zeros(4, 8)]}, ValueError, "structure"),
        (CVAE(8), [torch.zeros(4, 8)], {"lr": 0.0}, ValueError, "lr"),
        (_Bad(lambda w: w), [torch.zeros(4, 1)], {}, TypeError, "dict with the key 'loss'"),
        (_Bad(lambda w: {"loss": w.sum(), "x": w.expand(3)}), [torch.zeros(4, 1)], {}, TypeError, "scalar tensors"),
        (_Bad(lambda w: {"loss": w.sum() * float("nan")}), [torch.zeros(4, 1)], {}, ValueError, "became nan"),
    ],
)
def test_bad_inputs_are_refused(model, inputs, kwargs, err, match):
    with pytest.raises(err, match=match):
        fit_generator(model, inputs, epochs=1, progress=False, device="cpu", **kwargs)
