"""Tests of mmlab.quantify: closed forms, brute force, bad inputs, and the notebook's claims on 5 seeds."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes
from sklearn.metrics import accuracy_score

from mmlab.quantify import EMAPComparison, emap, emap_accuracy


def _brute_force(f, a, b):
    """The defining triple sum, one pair at a time (N^2 separate calls)."""
    n = a.shape[0]
    grid = torch.stack([torch.stack([f(a[i : i + 1], b[j : j + 1])[0] for j in range(n)]) for i in range(n)])
    return grid.mean(dim=1) + grid.mean(dim=0) - grid.mean(dim=(0, 1))


def _nonlinear_pair(seed):
    g = torch.Generator().manual_seed(seed)
    wa, wb, wab = torch.randn(3, 4, generator=g), torch.randn(2, 4, generator=g), torch.randn(4, generator=g)

    def f(a, b):  # additive logits plus a product term in every class
        return torch.tanh(a @ wa) + (b @ wb) ** 2 + wab * (a[:, :1] * b[:, 1:2])

    return f


# --------------------------------------------------------------------------- #
# closed forms
# --------------------------------------------------------------------------- #
def test_emap_of_an_additive_function_is_the_function(seed):
    rng = np.random.default_rng(seed)
    a = torch.as_tensor(rng.normal(size=(40, 3)), dtype=torch.float64)
    b = torch.as_tensor(rng.normal(size=(40, 5)), dtype=torch.float64)

    def f(a, b):  # g(a) + h(b), nonlinear in each
        return torch.stack([torch.sin(a).sum(1) + b[:, 0] ** 3, torch.exp(a[:, 1]) - torch.cos(b).sum(1)], dim=1)

    # float64 throughout: agreement to round-off
    np.testing.assert_allclose(emap(f, a, b).numpy(), f(a, b).numpy(), atol=1e-10)


def test_emap_removes_a_centred_product(seed):
    rng = np.random.default_rng(seed)
    a = torch.as_tensor(rng.normal(size=(30, 2)), dtype=torch.float32)
    b = torch.as_tensor(rng.normal(size=(30, 2)), dtype=torch.float32)
    a_bar, b_bar = a.mean(0), b.mean(0)

    def f(a, b):  # (a - mean a) . (b - mean b): every term averages to 0 over the other modality
        return ((a - a_bar) * (b - b_bar)).sum(1)

    out = emap(f, a, b)
    assert out.shape == (30,)
    np.testing.assert_allclose(out.numpy(), 0.0, atol=1e-5)


def test_emap_is_the_least_squares_additive_fit_under_the_product_of_marginals(seed):
    """Issue 8: EMAP is "the best additive approximation" only in this sense. Fit g(a_i) + h(b_j) to f on all N^2
    pairings with equal weights (numpy least squares, an independent solver); its values at the observed pairs
    (a_i, b_i) are the projection."""
    n = 9
    f = _nonlinear_pair(seed)
    rng = np.random.default_rng(seed)
    a = torch.as_tensor(rng.normal(size=(n, 3)), dtype=torch.float64)
    b = torch.as_tensor(rng.normal(size=(n, 2)), dtype=torch.float64)
    grid = f(a.repeat_interleave(n, 0).float(), b.repeat(n, 1).float()).double().numpy()  # row i*n+j: f(a_i, b_j)
    design = np.hstack([np.kron(np.eye(n), np.ones((n, 1))), np.kron(np.ones((n, 1)), np.eye(n))])
    coef, *_ = np.linalg.lstsq(design, grid, rcond=None)
    at_pairs = (design @ coef).reshape(n, n, -1)[np.arange(n), np.arange(n)]
    np.testing.assert_allclose(emap(f, a.float(), b.float()).numpy(), at_pairs, atol=1e-5)


@pytest.mark.parametrize("pairs_per_call", [1, 7, 25, 10_000])
def test_emap_equals_brute_force_for_any_chunking(pairs_per_call):
    torch.manual_seed(0)
    a, b = torch.randn(9, 3), torch.randn(9, 2)
    f = _nonlinear_pair(0)
    np.testing.assert_allclose(
        emap(f, a, b, pairs_per_call=pairs_per_call).numpy(), _brute_force(f, a, b).numpy(), atol=1e-5
    )


def test_emap_is_equivariant_to_sample_order(seed):
    rng = np.random.default_rng(seed)
    a, b = (
        torch.as_tensor(rng.normal(size=(12, 3)), dtype=torch.float32),
        torch.as_tensor(rng.normal(size=(12, 2)), dtype=torch.float32),
    )
    perm = torch.as_tensor(rng.permutation(12))
    f = _nonlinear_pair(seed)
    np.testing.assert_allclose(emap(f, a[perm], b[perm]).numpy(), emap(f, a, b)[perm].numpy(), atol=1e-5)


def test_a_module_is_called_with_the_fusion_convention():
    class Net(torch.nn.Module):
        def forward(self, xs):
            return torch.cat([xs[0], xs[0] * xs[1]], dim=1)

    a, b = torch.randn(6, 1), torch.randn(6, 1)
    np.testing.assert_allclose(
        emap(Net(), a, b).numpy(), _brute_force(lambda u, v: Net()([u, v]), a, b).numpy(), atol=1e-5
    )


def test_emap_accuracy_matches_sklearn_on_model_and_projection():
    torch.manual_seed(1)
    a, b = torch.randn(60, 1), torch.randn(60, 1)
    y = ((a * b)[:, 0] > 0).long()
    f = lambda u, v: torch.cat([-u * v + 0.1 * u, u * v], dim=1)  # noqa: E731
    r = emap_accuracy(f, a, b, y)
    assert isinstance(r, EMAPComparison) and r.n == 60
    assert r.accuracy == pytest.approx(accuracy_score(y, f(a, b).argmax(1)))
    assert r.projected_accuracy == pytest.approx(accuracy_score(y, emap(f, a, b).argmax(1)))
    assert r.drop == pytest.approx(r.accuracy - r.projected_accuracy)


def test_emap_accuracy_of_a_single_logit_uses_its_sign():
    a, b = torch.tensor([[1.0], [-1.0], [2.0]]), torch.tensor([[0.0], [0.0], [0.0]])
    r = emap_accuracy(lambda u, v: u[:, 0] + v[:, 0], a, b, torch.tensor([1, 0, 1]))
    assert r.accuracy == 1.0 and r.projected_accuracy == 1.0


# --------------------------------------------------------------------------- #
# bad inputs
# --------------------------------------------------------------------------- #
def _f(a, b):
    return torch.cat([a, b], dim=1)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: emap("f", torch.zeros(2, 1), torch.zeros(2, 1)), TypeError, "f must be a callable"),
        (lambda: emap(_f, np.zeros((2, 1)), torch.zeros(2, 1)), TypeError, "xa must be a torch.Tensor"),
        (lambda: emap(_f, torch.zeros(2, 1), torch.zeros(3, 1)), ValueError, "paired samples"),
        (lambda: emap(_f, torch.zeros(0, 1), torch.zeros(0, 1)), ValueError, "N >= 1"),
        (lambda: emap(_f, torch.tensor([[float("nan")]]), torch.zeros(1, 1)), ValueError, "finite"),
        (lambda: emap(lambda a, b: a.sum(), torch.zeros(2, 1), torch.zeros(2, 1)), ValueError, "must return logits"),
        (lambda: emap(lambda a, b: "x", torch.zeros(2, 1), torch.zeros(2, 1)), TypeError, "must return a torch.Tensor"),
        (lambda: emap(_f, torch.zeros(2, 1), torch.zeros(2, 1), pairs_per_call=0), ValueError, "pairs_per_call"),
        (
            lambda: emap_accuracy(_f, torch.zeros(2, 1), torch.zeros(2, 1), [0, 1]),
            TypeError,
            "y must be a torch.Tensor",
        ),
        (
            lambda: emap_accuracy(_f, torch.zeros(2, 1), torch.zeros(2, 1), torch.zeros(3).long()),
            ValueError,
            "y must have shape",
        ),
        (lambda: emap_accuracy(_f, torch.zeros(2, 1), torch.zeros(2, 1), torch.zeros(2)), ValueError, "integer class"),
    ],
)
def test_bad_inputs_are_rejected_with_a_message(call, err, match):
    with pytest.raises(err, match=match):
        call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a second device")
def test_inputs_on_different_devices_are_rejected():
    with pytest.raises(ValueError, match="same device"):
        emap(_f, torch.zeros(2, 1), torch.zeros(2, 1, device="cuda"))


# --------------------------------------------------------------------------- #
# the claims of lectures/6_quantification/03_emap_gradients.ipynb, on 5 seeds
# --------------------------------------------------------------------------- #
#: The notebook's quick sizes, read from its setup cell.
QUICK = quick_sizes("lectures/6_quantification/03_emap_gradients.ipynb")
TASKS = {"additive task": ("uniqueness_0", "uniqueness_1"), "synergy task": "synergy"}


@functools.cache
def _trained(task: str, fusion: str, seed: int):
    from mmlab.data import make_interaction
    from mmlab.fusion.experiments import train_fusion

    train, test = make_interaction(QUICK["n"], TASKS[task], random_state=seed).split((0.7, 0.3), random_state=seed)
    model = train_fusion(train, test, fusion, epochs=QUICK["epochs"], random_state=seed).model.eval()
    dev = next(model.parameters()).device
    xs = [torch.as_tensor(x, device=dev) for x in test.modalities]
    return model, xs, torch.as_tensor(test.y, device=dev)


@pytest.mark.slow
def test_claim_emap_of_a_trained_additive_model_is_the_model(seed):
    from mmlab.train import predict

    model, xs, _ = _trained("additive task", "additive", seed)
    gap = float((emap(model, *xs).cpu() - predict(model, xs)).abs().max())
    assert gap < 1e-4


@pytest.mark.slow
def test_claim_projection_costs_little_on_the_additive_task_and_a_lot_on_synergy(seed):
    results = {}
    for task in TASKS:
        model, xs, y = _trained(task, "mlp", seed)
        results[task] = emap_accuracy(model, *xs, y)
    additive, synergy = results["additive task"], results["synergy task"]
    assert min(additive.accuracy, synergy.accuracy) > 0.9, results
    assert additive.drop <= 0.02, additive
    assert synergy.drop >= 0.25 and abs(synergy.projected_accuracy - 0.5) < 0.15, synergy
