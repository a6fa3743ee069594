"""The contract every fusion operator shares: shapes, validation, gradient flow, dtype/device, gradcheck."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import FUSIONS, Fusion, TensorFusion, make_fusion, n_params

# in_dims / out_dim per operator: bilinear takes exactly two modalities
CASES = {name: ([4, 3] if name == "bilinear" else [4, 3, 2]) for name in FUSIONS}


def _build(name: str, dims, out_dim=5, **kw):
    return make_fusion(name, dims, None if name in ("concat", "shift") and out_dim is None else out_dim, **kw)


def _inputs(dims, batch=6, seed=0, dtype=torch.float32, requires_grad=False):
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(batch, d, generator=gen, dtype=dtype).requires_grad_(requires_grad) for d in dims]


@pytest.mark.parametrize("name", list(FUSIONS))
def test_output_shape_and_base_class(name):
    dims = CASES[name]
    fuse = _build(name, dims)
    out = fuse(_inputs(dims))
    assert isinstance(fuse, Fusion)
    assert out.shape == (6, fuse.out_dim) == (6, 5)
    assert fuse.in_dims == tuple(dims) and fuse.n_modalities == len(dims)
    assert torch.isfinite(out).all()
    assert f"in_dims={tuple(dims)}" in repr(fuse)


@pytest.mark.parametrize("name", list(FUSIONS))
def test_gradients_reach_every_parameter_and_input(name):
    dims = CASES[name]
    torch.manual_seed(0)
    fuse = _build(name, dims)
    xs = _inputs(dims, requires_grad=True)
    out = fuse(xs)
    # a random readout: a plain sum would be constant under a layer norm
    (out * torch.randn(out.shape, generator=torch.Generator().manual_seed(1))).sum().backward()
    for pname, p in fuse.named_parameters():
        assert p.grad is not None, f"{name}: no gradient reaches {pname}"
        assert torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, f"{name}: zero gradient at {pname}"
    for i, x in enumerate(xs):
        assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0, f"{name}: zero gradient at input {i}"


@pytest.mark.parametrize("name", list(FUSIONS))
def test_input_validation(name):
    dims = CASES[name]
    fuse = _build(name, dims)
    xs = _inputs(dims)
    m = len(dims)
    with pytest.raises(ValueError, match=f"must hold {m} modalities; got {m - 1}"):
        fuse(xs[:-1])
    with pytest.raises(ValueError, match=f"must hold {m} modalities; got {m + 1}"):
        fuse(xs + [xs[0]])
    with pytest.raises(ValueError, match="must have 4 features"):
        fuse([torch.randn(6, 7)] + xs[1:])
    with pytest.raises(ValueError, match="same batch size"):
        fuse([xs[0][:5]] + xs[1:])
    with pytest.raises(TypeError, match="list or tuple with one"):
        fuse(xs[0])
    with pytest.raises(TypeError, match=r"xs\[1\] must be a torch.Tensor"):
        fuse([xs[0], xs[1].numpy()] + xs[2:])
    with pytest.raises(ValueError, match=r"must have shape \(batch, d_0\)"):
        fuse([xs[0].unsqueeze(0)] + xs[1:])
    with pytest.raises(ValueError, match="at least one modality"):
        fuse([])


@pytest.mark.parametrize("name", list(FUSIONS))
def test_follows_the_inputs_dtype(name):
    dims = CASES[name]
    fuse = _build(name, dims).double()
    out = fuse(_inputs(dims, dtype=torch.float64))
    assert out.dtype == torch.float64
    assert all(p.dtype == torch.float64 for p in fuse.parameters())


@pytest.mark.parametrize("name, kw", [("tensor", {}), ("low_rank", {"rank": 2}), ("polynomial", {"order": 3, "rank": 2}),
                                      ("gated", {}), ("bilinear", {}), ("shift", {}), ("multiplicative", {})])
def test_gradcheck_float64(name, kw):
    """Analytic gradients equal finite differences on a tiny instance (float64)."""
    dims = [3, 2] if name == "bilinear" else [3, 2, 2]
    torch.manual_seed(0)
    fuse = make_fusion(name, dims, 2, **kw).double()
    xs = tuple(_inputs(dims, batch=3, dtype=torch.float64, requires_grad=True))
    assert torch.autograd.gradcheck(lambda *a: fuse(list(a)), xs, eps=1e-6, atol=1e-5)


def test_constructor_validation():
    with pytest.raises(TypeError, match="one feature size per modality"):
        TensorFusion(32, 4)
    with pytest.raises(ValueError, match="at least 2 modalities"):
        TensorFusion([32], 4)
    with pytest.raises(ValueError, match=r"in_dims\[1\] must be an integer >= 1"):
        TensorFusion([3, 0], 4)
    with pytest.raises(TypeError, match="out_dim must be an integer"):
        TensorFusion([3, 3], 4.0)
    with pytest.raises(ValueError, match="exactly 2 modalities"):
        make_fusion("bilinear", [3, 3, 3], 4)
    with pytest.raises(ValueError, match="name must be one of"):
        make_fusion("attention", [3, 3], 4)
    with pytest.raises(ValueError, match="out_dim may be None only"):
        make_fusion("tensor", [3, 3], None)


def test_n_params():
    lin = torch.nn.Linear(3, 2)
    assert n_params(lin) == 8
    lin.bias.requires_grad_(False)
    assert n_params(lin) == 6 and n_params(lin, trainable_only=False) == 8
    with pytest.raises(TypeError, match="torch.nn.Module"):
        n_params([lin])
