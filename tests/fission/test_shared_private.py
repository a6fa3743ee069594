"""Tests of the shared/private fission model and the kernel dependence measure."""

from __future__ import annotations

import pytest
import torch

from mmlab.fission import CODE_NAMES, SharedPrivateModel, fit_fission, kernel_dependence


def test_kernel_dependence_sees_nonlinear_dependence(torch_gen):
    x = torch.randn(400, 1, generator=torch_gen)
    assert float(kernel_dependence(x, x**2)) > 0.3  # uncorrelated, but dependent
    assert float(kernel_dependence(x, torch.randn(400, 1, generator=torch_gen))) < 0.05
    assert float(kernel_dependence(x, 5 * x + 2)) == pytest.approx(1.0, abs=1e-5)  # Gaussian kernels, median scale


def test_kernel_dependence_is_symmetric_and_bounded(torch_gen):
    x, y = torch.randn(100, 3, generator=torch_gen), torch.randn(100, 2, generator=torch_gen)
    assert float(kernel_dependence(x, y)) == pytest.approx(float(kernel_dependence(y, x)), abs=1e-6)
    assert 0.0 <= float(kernel_dependence(x, y)) <= 1.0


def test_kernel_dependence_bad_inputs():
    with pytest.raises(ValueError, match="paired rows"):
        kernel_dependence(torch.ones(4, 2), torch.ones(5, 2))
    with pytest.raises(TypeError, match="floating-point"):
        kernel_dependence(torch.ones(4, 2, dtype=torch.long), torch.ones(4, 2))
    with pytest.raises(ValueError, match=r"\(n, features\)"):
        kernel_dependence(torch.ones(4), torch.ones(4))


def test_model_codes_losses_and_cross_reconstruction(torch_gen):
    model = SharedPrivateModel([5, 6], code_dim=3, hidden=8)
    xs = [torch.randn(10, 5, generator=torch_gen), torch.randn(10, 6, generator=torch_gen)]
    codes = model(xs)
    assert codes.shape == (4, 10, 3)
    parts = model.losses(xs)
    assert set(parts) == {"reconstruction", "alignment", "overlap"}
    expected = parts["reconstruction"] + parts["alignment"] + model.overlap * parts["overlap"]
    assert torch.allclose(model.loss(xs), expected)
    as_numpy = model.codes(xs)
    assert list(as_numpy) == list(CODE_NAMES) and as_numpy["private_1"].shape == (10, 3)


def test_overlap_penalty_moves_only_the_code_on_the_left(torch_gen):
    """The partner's code is detached: the penalty's gradient reaches the private encoder, not the partner's shared one
    (in the p_m vs s_m' terms)."""
    model = SharedPrivateModel([4, 4], code_dim=2, hidden=8)
    xs = [torch.randn(16, 4, generator=torch_gen), torch.randn(16, 4, generator=torch_gen)]
    s0, s1, p0, p1 = model(xs)
    from mmlab.fission import kernel_dependence as cka

    cka(p0, s1.detach()).backward()
    assert all(p.grad is None or not p.grad.any() for p in model.shared[1].parameters())
    assert any(p.grad is not None and p.grad.any() for p in model.private[0].parameters())


def test_fit_fission_trains_and_validates(torch_gen):
    xs = [torch.randn(64, 4, generator=torch_gen), torch.randn(64, 4, generator=torch_gen)]
    model = SharedPrivateModel([4, 4], code_dim=2, overlap=0.0)
    assert len(fit_fission(model, xs, epochs=2, batch_size=32)) == 4
    with pytest.raises(TypeError, match="SharedPrivateModel"):
        fit_fission(torch.nn.Linear(2, 2), xs, epochs=1)
    with pytest.raises(ValueError, match="overlap"):
        SharedPrivateModel([4, 4], overlap=-1.0)
    with pytest.raises(ValueError, match="temperature"):
        SharedPrivateModel([4, 4], temperature=0.0)
