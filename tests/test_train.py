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


# ----------------------------------------------------------------- optimizers and weight decay
def _one_param_model():
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(2.0)
    return model


_NO_GRADIENT = lambda out, y: out.sum() * 0.0  # noqa: E731  every step sees a zero gradient


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_weight_decay_reaches_the_optimizer_with_its_own_rule(optimizer):
    """Two full-batch steps with a zero loss gradient: only weight decay moves the weight, by each rule."""
    lr, wd, w0 = 0.1, 0.1, 2.0
    model = _one_param_model()
    fit(
        model,
        torch.ones(4, 1),
        torch.zeros(4),
        epochs=2,
        batch_size=4,
        lr=lr,
        weight_decay=wd,
        optimizer=optimizer,
        loss=_NO_GRADIENT,
        metrics=(),
        progress=False,
        device="cpu",
    )
    w = model.weight.item()
    if optimizer == "adamw":  # decoupled decay: w <- w (1 - lr wd), twice
        expected = w0 * (1 - lr * wd) ** 2
    elif optimizer == "adam":  # L2 in the gradient g = wd w, then Adam's normalised step (about lr each)
        expected, m, v = w0, 0.0, 0.0
        for t in (1, 2):
            g = wd * expected
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            expected -= lr * (m / (1 - 0.9**t)) / ((v / (1 - 0.999**t)) ** 0.5 + 1e-8)
    else:  # SGD with momentum 0.9 on the gradient wd * w
        w1 = w0 - lr * wd * w0
        expected = w1 - lr * (0.9 * wd * w0 + wd * w1)
    assert w == pytest.approx(expected, rel=1e-5)
    untouched = _one_param_model()
    fit(
        untouched,
        torch.ones(4, 1),
        torch.zeros(4),
        epochs=2,
        batch_size=4,
        lr=lr,
        weight_decay=0.0,
        optimizer=optimizer,
        loss=_NO_GRADIENT,
        metrics=(),
        progress=False,
        device="cpu",
    )
    assert untouched.weight.item() == w0


# ----------------------------------------------------------------- bad inputs
def _xs():
    return [torch.zeros(8, 3), torch.zeros(8, 2)], torch.zeros(8, dtype=torch.long)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(epochs=0), ValueError, "epochs must be an integer >= 1"),
        (dict(epochs=1, batch_size=0), ValueError, "batch_size must be an integer >= 1"),
        (dict(epochs=1, lr=-1.0), ValueError, r"lr must be > 0; got -1.0"),
        (dict(epochs=1, lr=float("nan")), ValueError, r"lr must be a finite real number > 0; got nan"),
        (dict(epochs=1, lr="fast"), TypeError, r"lr must be a real number > 0; got str 'fast'"),
        (dict(epochs=1, weight_decay=-1.0), ValueError, r"weight_decay must be >= 0; got -1.0"),
        (
            dict(epochs=1, weight_decay=float("inf")),
            ValueError,
            r"weight_decay must be a finite real number >= 0; got inf",
        ),
        (
            dict(epochs=1, random_state="abc"),
            TypeError,
            r"random_state must be None, a non-negative int or a numpy.random.Generator; got str 'abc'",
        ),
        (dict(epochs=1, random_state=1.7), TypeError, r"random_state must be None.*got float 1.7"),
        (dict(epochs=1, random_state=-5), ValueError, r"random_state must be None, an int in \[0, 2\*\*63\).*got -5"),
        (dict(epochs=1, loss="hinge"), ValueError, r"loss must be one of \['bce', 'cross_entropy', 'mse'\]"),
        (dict(epochs=1, metrics=("f1",)), ValueError, r"unknown metric\(s\) \['f1'\]"),
        (dict(epochs=1, optimizer="lbfgs"), ValueError, "optimizer must be one of"),
        (dict(epochs=1, device="warp-drive"), ValueError, "device must name a torch device"),
    ],
)
def test_fit_rejects_bad_options(kwargs, err, match):
    xs, y = _xs()
    model = TwoTower(3, 2, 2)
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(err, match=match):
        fit(model, xs, y, progress=False, device=kwargs.pop("device", "cpu"), **kwargs)
    # refused before any training step
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


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
    with pytest.raises(TypeError, match="targets must be a torch.Tensor; got list"):
        fit(TwoTower(3, 2, 2), xs, [0] * 8, epochs=1, progress=False, device="cpu")


def test_fit_refuses_zero_samples():
    """It used to return a loss of [nan]."""
    xs, y = _xs()
    with pytest.raises(ValueError, match="inputs must hold at least one sample; got 0 rows"):
        fit(TwoTower(3, 2, 2), [x[:0] for x in xs], y[:0], epochs=1, progress=False, device="cpu")
    empty = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xs[0][:0], y[:0]), batch_size=4)
    with pytest.raises(ValueError, match="yielded no batch"):
        fit(nn.Linear(3, 2), empty, epochs=1, progress=False, device="cpu")


@pytest.mark.parametrize(
    "targets",
    [
        torch.full((8,), 0.7),
        torch.rand(8, generator=torch.Generator().manual_seed(0)) * 2,
        torch.zeros(8, dtype=torch.float64),
        torch.zeros(8, dtype=torch.bool),
    ],
)
def test_fit_refuses_non_integer_classes_for_cross_entropy(targets):
    """Float labels used to be truncated to classes silently (0.7 -> class 0)."""
    xs, _ = _xs()
    with pytest.raises(
        TypeError,
        match=r"targets must hold integer class indices for loss='cross_entropy'; "
        rf"got dtype {targets.dtype}.*targets.long\(\).*loss='mse'",
    ):
        fit(TwoTower(3, 2, 2), xs, targets, epochs=1, progress=False, device="cpu")


def test_fit_checks_class_labels_against_the_logits():
    xs, y = _xs()
    with pytest.raises(ValueError, match="class indices 0 .. C-1.*got the label -1"):
        fit(TwoTower(3, 2, 2), xs, y - 1, epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match=r"class indices up to 2.*C > 2; the model returns shape \(8, 2\)"):
        fit(TwoTower(3, 2, 2), xs, torch.arange(8) % 3, epochs=1, batch_size=8, progress=False, device="cpu")
    with pytest.raises(ValueError, match=r"shape \(n,\), one class index per sample"):
        fit(TwoTower(3, 2, 2), xs, torch.zeros(8, 2, dtype=torch.long), epochs=1, progress=False, device="cpu")


def test_fit_checks_regression_and_bce_targets_and_finite_inputs():
    xs, y = _xs()
    with pytest.raises(ValueError, match=r"targets must be finite for loss='mse'"):
        fit(
            nn.Linear(3, 1),
            xs[0],
            torch.full((8,), float("nan")),
            loss="mse",
            metrics=(),
            epochs=1,
            progress=False,
            device="cpu",
        )
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\] for loss='bce'.*from 0 to 2"):
        fit(nn.Linear(3, 1), xs[0], torch.arange(8) % 3, loss="bce", metrics=(), epochs=1, progress=False, device="cpu")
    bad = xs[1].clone()
    bad[3, 1] = float("inf")
    with pytest.raises(ValueError, match=r"inputs\[1\] must be finite"):
        fit(TwoTower(3, 2, 2), [xs[0], bad], y, epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match=r"val targets must hold integer class indices|val targets.*paired"):
        fit(TwoTower(3, 2, 2), xs, y, val=(xs, y[:3]), epochs=1, progress=False, device="cpu")
    with pytest.raises(TypeError, match="val must be a pair"):
        fit(TwoTower(3, 2, 2), xs, y, val=xs[0], epochs=1, progress=False, device="cpu")


def test_fit_accepts_probabilities_for_bce_and_a_custom_loss_with_any_targets():
    x = torch.randn(16, 3, generator=torch.Generator().manual_seed(0))
    soft = torch.linspace(0, 1, 16)
    assert len(fit(nn.Linear(3, 1), x, soft, loss="bce", metrics=(), epochs=2, progress=False, device="cpu").loss) == 2
    custom = lambda out, y: ((out[:, 0] - y) ** 2).mean()  # noqa: E731  float targets are the loss's business
    assert (
        len(fit(nn.Linear(3, 1), x, soft * 3.5, loss=custom, metrics=(), epochs=1, progress=False, device="cpu").loss)
        == 1
    )


def test_evaluate_rejects_mismatched_targets():
    xs, y = _xs()
    with pytest.raises(ValueError, match="paired samples; got 8 and 3"):
        evaluate(TwoTower(3, 2, 2), xs, y[:3])
    with pytest.raises(TypeError, match="targets must be a torch.Tensor"):
        evaluate(TwoTower(3, 2, 2), xs, [0] * 8)
    with pytest.raises(TypeError, match="integer class indices"):
        evaluate(TwoTower(3, 2, 2), xs, y.float(), loss="cross_entropy")
    with pytest.raises(ValueError, match="loss must be one of"):
        evaluate(TwoTower(3, 2, 2), xs, y, loss="hinge")
