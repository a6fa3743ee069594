"""Tests of mmlab.quantify: closed forms, finite differences, both methods, and the notebook's claims."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes
from torch import nn

from mmlab.quantify import interaction_strength, mixed_gradients

METHODS = ("autograd", "vmap")


def _smooth_net(seed: int, d_a: int = 3, d_b: int = 2, n_classes: int = 3) -> nn.Module:
    g = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(d_a + d_b, 8), nn.Tanh(), nn.Linear(8, n_classes)).double()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64))
    return net


def _finite_difference(f, a, b, c, h=1e-4):
    """Central mixed difference [f(a+h e_k, b+h e_m) - f(a+h, b-h) - f(a-h, b+h) + f(a-h, b-h)] / 4h^2."""
    n, d_a, d_b = a.shape[0], a.shape[1], b.shape[1]
    out = torch.zeros(n, d_a, d_b, dtype=torch.float64)
    rows = torch.arange(n)
    for k in range(d_a):
        for m in range(d_b):
            ea, eb = torch.zeros_like(a), torch.zeros_like(b)
            ea[:, k], eb[:, m] = h, h
            val = (f(a + ea, b + eb) - f(a + ea, b - eb) - f(a - ea, b + eb) + f(a - ea, b - eb))[rows, c]
            out[:, k, m] = val.detach() / (4 * h * h)
    return out


# --------------------------------------------------------------------------- #
# closed forms and references
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("method", METHODS)
def test_additive_model_has_exactly_zero_mixed_gradients(method, seed):
    rng = np.random.default_rng(seed)
    a = torch.as_tensor(rng.normal(size=(10, 3)))
    b = torch.as_tensor(rng.normal(size=(10, 4)))
    ga, gb = _smooth_net(seed, 3, 0), _smooth_net(seed + 1, 4, 0)  # g(a) + h(b), nonlinear in each
    h = mixed_gradients(lambda u, v: ga(u) + gb(v), a, b, method=method)
    assert h.shape == (10, 3, 4)
    assert torch.count_nonzero(h) == 0


@pytest.mark.parametrize("method", METHODS)
def test_dot_product_has_identity_mixed_hessian(method, seed):
    rng = np.random.default_rng(seed)
    a, b = torch.as_tensor(rng.normal(size=(5, 4))), torch.as_tensor(rng.normal(size=(5, 4)))
    h = mixed_gradients(lambda u, v: (u * v).sum(1), a, b, method=method)  # d^2 (a.b) / da_k db_l = [k = l]
    np.testing.assert_allclose(h.numpy(), np.broadcast_to(np.eye(4), (5, 4, 4)), atol=1e-12)
    np.testing.assert_allclose(
        interaction_strength(lambda u, v: (u * v).sum(1), a, b, method=method).numpy(), 2.0, atol=1e-12
    )  # ||I_4||_F = 2


def test_scalar_product_has_mixed_derivative_one():
    a, b = torch.tensor([[0.3], [-2.0]]), torch.tensor([[5.0], [0.1]])
    np.testing.assert_allclose(mixed_gradients(lambda u, v: u[:, 0] * v[:, 0], a, b).numpy().ravel(), [1.0, 1.0])


@pytest.mark.parametrize("method", METHODS)
def test_bilinear_form_returns_its_matrix(method):
    w = torch.tensor([[1.0, -2.0], [0.5, 3.0], [0.0, 1.0]])
    h = mixed_gradients(lambda u, v: ((u @ w) * v).sum(1), torch.randn(6, 3), torch.randn(6, 2), method=method)
    np.testing.assert_allclose(h.numpy(), np.broadcast_to(w.numpy(), (6, 3, 2)), atol=1e-6)


@pytest.mark.parametrize("method", METHODS)
def test_smooth_network_matches_central_finite_differences(method, seed):
    net = _smooth_net(seed)
    f = lambda u, v: net(torch.cat([u, v], dim=1))  # noqa: E731
    rng = np.random.default_rng(seed)
    a, b = torch.as_tensor(rng.normal(size=(7, 3))), torch.as_tensor(rng.normal(size=(7, 2)))
    c = torch.as_tensor(rng.integers(0, 3, size=7))
    # central differences are O(h^2) accurate: 1e-4 step in float64 leaves ~1e-7 error
    np.testing.assert_allclose(
        mixed_gradients(f, a, b, target=c, method=method).numpy(), _finite_difference(f, a, b, c).numpy(), atol=1e-6
    )


def test_vmap_and_autograd_agree_with_every_target_kind(seed):
    net = _smooth_net(seed)
    f = lambda u, v: net(torch.cat([u, v], dim=1))  # noqa: E731
    rng = np.random.default_rng(seed)
    a, b = torch.as_tensor(rng.normal(size=(6, 3))), torch.as_tensor(rng.normal(size=(6, 2)))
    for target in ("predicted", 1, torch.as_tensor(rng.integers(0, 3, size=6))):
        np.testing.assert_allclose(
            mixed_gradients(f, a, b, target=target, method="vmap", chunk_size=4).numpy(),
            mixed_gradients(f, a, b, target=target, method="autograd").numpy(),
            atol=1e-10,
        )


def test_predicted_target_differentiates_the_argmax_logit():
    net = _smooth_net(3)
    f = lambda u, v: net(torch.cat([u, v], dim=1))  # noqa: E731
    a, b = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64)
    pred = f(a, b).argmax(1)
    np.testing.assert_allclose(mixed_gradients(f, a, b).numpy(), mixed_gradients(f, a, b, target=pred).numpy())


def test_module_is_called_with_the_fusion_convention():
    class Product(nn.Module):
        def forward(self, xs):
            return (xs[0] * xs[1]).sum(1, keepdim=True)

    h = mixed_gradients(Product(), torch.randn(3, 2), torch.randn(3, 2))
    np.testing.assert_allclose(h.numpy(), np.broadcast_to(np.eye(2), (3, 2, 2)))


def test_relu_network_is_flat_between_kinks():
    """The documented blind spot: a piecewise-linear network has zero second derivatives almost everywhere."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    s = interaction_strength(lambda u, v: net(torch.cat([u, v], 1)), torch.randn(50, 2), torch.randn(50, 2))
    assert float(s.max()) == 0.0


# --------------------------------------------------------------------------- #
# bad inputs
# --------------------------------------------------------------------------- #
def _f(a, b):
    return torch.cat([a, b], dim=1) ** 2


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(f=3), TypeError, "f must be a callable"),
        (dict(xa=np.zeros((2, 2))), TypeError, "xa must be a torch.Tensor"),
        (dict(xa=torch.zeros(2, 2, dtype=torch.long)), TypeError, "floating point"),
        (dict(xb=torch.zeros(2, 2, 1)), ValueError, r"shape \(N, d\)"),
        (dict(xb=torch.zeros(3, 2)), ValueError, "paired samples"),
        (dict(xa=torch.tensor([[float("inf"), 0.0], [0.0, 0.0]])), ValueError, "finite"),
        (dict(method="hessian"), ValueError, "method must be one of"),
        (dict(target="true"), ValueError, "target must be one of"),
        (dict(target=9), ValueError, r"class index in \[0, 4\)"),
        (dict(target=torch.tensor([0, 7])), ValueError, r"classes must lie in \[0, 4\)"),
        (dict(target=torch.tensor([0.0, 1.0])), ValueError, "one integer class per sample"),
        (dict(target=1.5), TypeError, "target must be 'predicted'"),
        (dict(chunk_size=0), ValueError, "chunk_size"),
        (dict(f=lambda a, b: a.sum()), ValueError, "must return logits"),
        (dict(f=lambda a, b: [a]), TypeError, "must return a torch.Tensor"),
    ],
)
def test_bad_inputs_are_rejected_with_a_message(kwargs, err, match):
    args = {"f": _f, "xa": torch.zeros(2, 2), "xb": torch.zeros(2, 2)}
    args.update(kwargs)
    f, xa, xb = args.pop("f"), args.pop("xa"), args.pop("xb")
    with pytest.raises(err, match=match):
        mixed_gradients(f, xa, xb, **args)


# --------------------------------------------------------------------------- #
# the claims of lectures/6_quantification/03_emap_gradients.ipynb, on 5 seeds
# --------------------------------------------------------------------------- #
QUICK = quick_sizes("lectures/6_quantification/03_emap_gradients.ipynb")  # read from its setup cell
TASKS = {"additive task": ("uniqueness_0", "uniqueness_1"), "synergy task": "synergy"}


@functools.cache
def _strength(task: str, fusion: str, seed: int) -> np.ndarray:
    from mmlab.data import make_interaction
    from mmlab.fusion.experiments import train_fusion

    train, test = make_interaction(QUICK["n"], TASKS[task], random_state=seed).split((0.7, 0.3), random_state=seed)
    model = train_fusion(train, test, fusion, epochs=QUICK["epochs"], random_state=seed).model.eval()
    dev = next(model.parameters()).device
    return interaction_strength(model, *[torch.as_tensor(x, device=dev) for x in test.modalities]).cpu().numpy()


@pytest.mark.slow
def test_claim_gradients_zero_for_additive_and_nonzero_where_synergy_is_planted(seed):
    assert _strength("additive task", "additive", seed).max() == 0.0
    synergy = _strength("synergy task", "multiplicative", seed)
    assert synergy.min() > 0.0
    assert np.median(synergy) > np.median(_strength("additive task", "multiplicative", seed))


@pytest.mark.slow
def test_claim_relu_mlp_that_solves_xor_has_zero_mixed_gradients(seed):
    assert np.mean(_strength("synergy task", "mlp", seed) == 0.0) >= 0.99
