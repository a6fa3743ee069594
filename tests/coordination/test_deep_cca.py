"""Tests of the differentiable CCA objective and deep CCA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.coordination import CCA, DeepCCA, cca_objective, fit_deep_cca
from mmlab.runtime import seeded


def test_objective_equals_the_sum_of_canonical_correlations(rng):
    x, y = rng.standard_normal((300, 4)), rng.standard_normal((300, 3))
    y[:, 0] += x[:, 1]
    rho = CCA(3, reg=1e-3).fit(x, y).correlations_
    got = cca_objective(torch.as_tensor(x), torch.as_tensor(y), reg=1e-3)
    assert float(got) == pytest.approx(rho.sum(), abs=1e-8)
    top = cca_objective(torch.as_tensor(x), torch.as_tensor(y), n_components=1, reg=1e-3)
    assert float(top) == pytest.approx(rho[0], abs=1e-8)


def test_objective_gradients_in_float64(torch_gen):
    ha = torch.randn(40, 3, generator=torch_gen, dtype=torch.float64, requires_grad=True)
    hb = torch.randn(40, 2, generator=torch_gen, dtype=torch.float64)
    hb = (hb + ha[:, :2].detach() * 0.5).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda a, b: cca_objective(a, b, reg=1e-2), (ha, hb))


def test_objective_bad_inputs():
    with pytest.raises(ValueError, match="paired rows"):
        cca_objective(torch.ones(5, 2), torch.ones(4, 2))
    with pytest.raises(ValueError, match="at most min"):
        cca_objective(torch.randn(5, 2), torch.randn(5, 2), n_components=3)
    with pytest.raises(TypeError, match="floating-point"):
        cca_objective(torch.ones(5, 2, dtype=torch.long), torch.ones(5, 2))
    with pytest.raises(ValueError, match="reg"):
        cca_objective(torch.randn(5, 2), torch.randn(5, 2), reg=0.0)
    with pytest.raises(ValueError, match=r"\(n, features\)"):
        cca_objective(torch.randn(5), torch.randn(5))


def test_deep_cca_finds_the_nonlinear_pairing_that_linear_cca_misses():
    from mmlab.data import make_nonlinear_pairs

    data = make_nonlinear_pairs(1200, random_state=0)
    train, test = data.split((0.5, 0.5), random_state=0)
    xs = [torch.as_tensor(x) for x in train.modalities]
    with seeded(0):
        model = DeepCCA([8, 8], out_dim=4)
    fit_deep_cca(model, xs, epochs=40, batch_size=200)
    deep = CCA(2, reg=1e-4).fit(*model.transform(xs))
    rho = deep.score(*model.transform([torch.as_tensor(x) for x in test.modalities]))
    assert rho.min() > 0.8, rho
    assert np.abs(CCA(2).fit(*train.modalities).score(*test.modalities)).max() < 0.15


def test_deep_cca_shapes_and_validation():
    model = DeepCCA([3, 5], out_dim=2, hidden=8, n_layers=1)
    assert model([torch.randn(4, 3), torch.randn(4, 5)]).shape == (2, 4, 2)
    a, b = model.transform([torch.randn(4, 3), torch.randn(4, 5)])
    assert a.shape == (4, 2) and b.shape == (4, 2)
    with pytest.raises(ValueError, match="2 modalities"):
        model([torch.randn(4, 3)])
    with pytest.raises(ValueError, match="reg"):
        fit_deep_cca(model, [torch.randn(8, 3), torch.randn(8, 5)], epochs=1, reg=-1.0)
