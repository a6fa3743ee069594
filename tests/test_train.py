"""Tests of mmlab.train: the in-memory training loop, prediction and evaluation."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mmlab.train import METRICS, History, evaluate, fit, predict


class TwoTower(nn.Module):
    """Concatenate two modalities and classify (the multimodal calling convention)."""

    def __init__(self, da: int, db: int, k: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(da + db, 16), nn.ReLU(), nn.Linear(16, k))

    def forward(self, xs):
        return self.net(torch.cat(xs, dim=1))


def _linear_task(gen: torch.Generator, n: int = 400):
    xa = torch.randn(n, 3, generator=gen)
    xb = torch.randn(n, 2, generator=gen)
    y = ((xa[:, 0] + xb[:, 1]) > 0).long()
    return [xa, xb], y


def test_fit_learns_a_separable_multimodal_task(torch_gen):
    xs, y = _linear_task(torch_gen)
    torch.manual_seed(0)
    model = TwoTower(3, 2, 2)
    hist = fit(model, xs, y, epochs=30, batch_size=64, lr=1e-2, val=(xs, y), progress=False, device="cpu")
    assert isinstance(hist, History)
    assert hist.epoch == list(range(1, 31))
    assert hist.loss[-1] < hist.loss[0]
    # a linearly separable task: a 2-layer MLP fits it well above chance on every seed
    assert hist.final("val_accuracy") > 0.9
    assert set(hist.metrics) == {"accuracy", "val_accuracy"}
    assert len(hist.val_loss) == 30


def test_fit_is_reproducible_for_a_seed():
    gen = torch.Generator().manual_seed(0)
    xs, y = _linear_task(gen)
    runs = []
    for _ in range(2):
        torch.manual_seed(1)
        model = TwoTower(3, 2, 2)
        runs.append(fit(model, xs, y, epochs=3, random_state=7, progress=False, device="cpu").loss)
    assert runs[0] == runs[1]


def test_fit_accepts_a_dataloader_and_a_unimodal_tensor():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(200, 4, generator=gen)
    y = (x[:, 0] > 0).long()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=50, shuffle=True)
    model = nn.Linear(4, 2)
    hist = fit(model, loader, epochs=5, lr=0.05, progress=False, device="cpu")
    assert len(hist.loss) == 5
    hist2 = fit(nn.Linear(4, 2), x, y, epochs=5, lr=0.05, progress=False, device="cpu")
    assert hist2.final("accuracy") > 0.8


def test_fit_mse_regression_and_custom_metric():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(256, 3, generator=gen)
    y = x @ torch.tensor([1.0, -2.0, 0.5])
    model = nn.Linear(3, 1)
    hist = fit(model, x, y, epochs=60, lr=0.05, loss="mse", metrics=("mse", "mae"), progress=False, device="cpu")
    assert hist.final("mse") < 1e-2
    scores = evaluate(model, x, y, metrics={"mse": METRICS["mse"]}, loss="mse")
    assert scores["mse"] == pytest.approx(scores["loss"], rel=1e-5)


def test_predict_shapes_and_restores_mode():
    model = TwoTower(3, 2, 4)
    model.train()
    out = predict(model, [torch.zeros(10, 3), torch.zeros(10, 2)], batch_size=3)
    assert out.shape == (10, 4)
    assert model.training


def test_accuracy_metric_handles_single_logit():
    out = torch.tensor([[2.0], [-1.0], [0.5]])
    assert METRICS["accuracy"](out, torch.tensor([1, 0, 0])).item() == pytest.approx(2 / 3)


def test_history_final_and_as_dict():
    h = History(epoch=[1, 2], loss=[1.0, 0.5], metrics={"accuracy": [0.5, 0.7]})
    assert h.final() == 0.5 and h.final("accuracy") == 0.7
    assert h.as_dict() == {"epoch": [1, 2], "loss": [1.0, 0.5], "accuracy": [0.5, 0.7]}
    with pytest.raises(KeyError, match="no series named 'f1'"):
        h.final("f1")
    with pytest.raises(ValueError, match="is empty"):
        h.final("val_loss")


# ----------------------------------------------------------------- bad inputs
def _xs():
    return [torch.zeros(8, 3), torch.zeros(8, 2)], torch.zeros(8, dtype=torch.long)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(epochs=0), ValueError, "epochs must be an integer >= 1"),
        (dict(epochs=1, batch_size=0), ValueError, "batch_size must be an integer >= 1"),
        (dict(epochs=1, lr=-1.0), ValueError, "lr must be a positive"),
        (dict(epochs=1, weight_decay=-1.0), ValueError, "weight_decay must be a non-negative"),
        (dict(epochs=1, loss="hinge"), ValueError, r"loss must be one of \['bce', 'cross_entropy', 'mse'\]"),
        (dict(epochs=1, metrics=("f1",)), ValueError, r"unknown metric\(s\) \['f1'\]"),
        (dict(epochs=1, optimizer="lbfgs"), ValueError, "optimizer must be one of"),
    ],
)
def test_fit_rejects_bad_options(kwargs, err, match):
    xs, y = _xs()
    with pytest.raises(err, match=match):
        fit(TwoTower(3, 2, 2), xs, y, progress=False, device="cpu", **kwargs)


def test_fit_rejects_bad_data():
    xs, y = _xs()
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit("model", xs, y, epochs=1)
    with pytest.raises(ValueError, match="paired samples; got 8 input rows and 7 targets"):
        fit(TwoTower(3, 2, 2), xs, y[:7], epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match=r"same first dimension\); got \[8, 7\]"):
        fit(TwoTower(3, 2, 2), [xs[0], xs[1][:7]], y, epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match="targets is required"):
        fit(TwoTower(3, 2, 2), xs, None, epochs=1, progress=False, device="cpu")
    with pytest.raises(TypeError, match="a list/tuple of tensors"):
        fit(TwoTower(3, 2, 2), {"a": xs[0]}, y, epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match="empty sequence"):
        fit(TwoTower(3, 2, 2), [], y, epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match="no trainable parameters"):
        fit(nn.Identity(), xs[0], y, epochs=1, progress=False, device="cpu")


def test_evaluate_rejects_mismatched_targets():
    xs, y = _xs()
    with pytest.raises(ValueError, match="paired samples; got 8 and 3"):
        evaluate(TwoTower(3, 2, 2), xs, y[:3])
    with pytest.raises(TypeError, match="targets must be a torch.Tensor"):
        evaluate(TwoTower(3, 2, 2), xs, [0] * 8)


def test_adam_uses_the_fused_update_on_cpu():
    from mmlab.train import _make_optimizer

    model = torch.nn.Linear(3, 2)
    for name in ("adam", "adamw"):
        opt = _make_optimizer(name, model, 1e-3, 0.0)
        assert opt.defaults["fused"] is True, name
    # the fused and the per-parameter updates agree (same step, round-off apart)
    torch.manual_seed(0)
    a, b = torch.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    b.load_state_dict(a.state_dict())
    fused = torch.optim.Adam(a.parameters(), lr=1e-2, fused=True)
    loop = torch.optim.Adam(b.parameters(), lr=1e-2)
    x = torch.randn(8, 4)
    for _ in range(5):
        for model_, opt in ((a, fused), (b, loop)):
            opt.zero_grad()
            model_(x).pow(2).sum().backward()
            opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q)
