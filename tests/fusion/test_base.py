"""The contract every fusion operator shares: shapes, validation, gradient flow, dtype/device, sizes, gradcheck."""

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


@pytest.mark.parametrize(
    "name, kw",
    [
        ("tensor", {}),
        ("low_rank", {"rank": 2}),
        ("polynomial", {"order": 3, "rank": 2}),
        ("gated", {}),
        ("bilinear", {}),
        ("shift", {}),
        ("multiplicative", {}),
    ],
)
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


# --------------------------------------------------------------------------- #
# wrong dtypes and devices get mmlab's messages, not torch's "mat1 and mat2" errors
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", list(FUSIONS))
def test_float64_inputs_to_a_float32_module_are_refused_with_the_fix(name):
    dims = CASES[name]
    fuse = _build(name, dims)
    xs = _inputs(dims)
    with pytest.raises(
        TypeError,
        match=r"xs\[1\] must have dtype torch.float32 \(the dtype of this module's "
        r"parameters\); got torch.float64.*module.to\(torch.float64\)",
    ):
        fuse([xs[0], xs[1].double()] + xs[2:])


@pytest.mark.parametrize("name", list(FUSIONS))
def test_integer_inputs_are_refused_with_the_fix(name):
    dims = CASES[name]
    fuse = _build(name, dims)
    xs = [x.round().long() for x in _inputs(dims)]
    with pytest.raises(
        TypeError,
        match=r"xs\[0\] must be floating point \(torch.float32\); got dtype "
        r"torch.int64. Convert it with x.to\(torch.float32\)",
    ):
        fuse(xs)


@pytest.mark.parametrize("name", ["additive", "tensor", "gated"])
def test_mixed_precision_inputs_pass_under_autocast(name):
    """Autocast hands a layer bfloat16 activations while its parameters stay float32: not a user error."""
    dims = CASES[name]
    fuse = _build(name, dims)
    xs = [x.to(torch.bfloat16) for x in _inputs(dims)]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert fuse(xs).shape == (6, 5)
    with pytest.raises(TypeError, match="must have dtype torch.float32"):
        fuse(xs)  # outside autocast the mismatch is a mistake again


def test_parameter_free_concat_still_needs_floating_inputs():
    from mmlab.fusion import ConcatFusion

    fuse = ConcatFusion([2, 3])
    assert fuse([torch.zeros(2, 2, dtype=torch.float64), torch.zeros(2, 3, dtype=torch.float64)]).dtype == torch.float64
    with pytest.raises(TypeError, match=r"xs\[1\] must be floating point"):
        fuse([torch.zeros(2, 2), torch.zeros(2, 3, dtype=torch.long)])


@pytest.mark.parametrize("name", list(FUSIONS))
def test_inputs_on_another_device_are_refused(name):
    dims = CASES[name]
    fuse = _build(name, dims)
    xs = [x.to("meta") for x in _inputs(dims)]  # a device torch knows on every machine
    with pytest.raises(ValueError, match=r"xs\[0\] must be on device cpu .*got meta"):
        fuse(xs)


# --------------------------------------------------------------------------- #
# sizes that would exhaust memory are refused before anything is allocated
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", list(FUSIONS))
def test_huge_operators_are_refused_up_front(name):
    dims = [10**7] * (2 if name == "bilinear" else 3)
    with pytest.raises(ValueError, match=r"asks for [\d,]+ parameters.*refuses more than 268,435,456 numbers"):
        _build(name, dims, out_dim=10**4)


def test_tensor_fusion_of_three_1000_d_modalities_names_the_request_and_the_remedy():
    with pytest.raises(ValueError, match="asks for") as err:
        TensorFusion([1000] * 3, 10)
    text = str(err.value)
    assert "TensorFusion(in_dims=[1000, 1000, 1000], out_dim=10) asks for 10,030,030,010 parameters" in text
    assert "out_dim * prod(d_i + 1)" in text and "LowRankFusion" in text and "MMLAB_MAX_ELEMENTS" in text


def test_the_limit_follows_mmlab_max_elements(monkeypatch):
    monkeypatch.setenv("MMLAB_MAX_ELEMENTS", "1000")
    assert n_params(TensorFusion([3, 4], 2)) == 40
    with pytest.raises(ValueError, match="asks for 1,210 parameters"):
        TensorFusion([10, 10], 10)
    # the fused tensor of a forward batch counts too: batch * prod(d_i + 1)
    tfn = TensorFusion([3, 4], 2)
    assert tfn(_inputs([3, 4], batch=50)).shape == (50, 2)  # 50 * 20 = 1000 numbers
    with pytest.raises(ValueError, match=r"fused tensor for a batch of 51 asks for 1,020 numbers.*smaller batches"):
        tfn(_inputs([3, 4], batch=51))


def test_n_params():
    lin = torch.nn.Linear(3, 2)
    assert n_params(lin) == 8
    lin.bias.requires_grad_(False)
    assert n_params(lin) == 6 and n_params(lin, trainable_only=False) == 8
    with pytest.raises(TypeError, match="torch.nn.Module"):
        n_params([lin])
