"""MultimodalClassifier: encoders, fusion and head; building by name; input checks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mmlab.fusion import FUSIONS, AdditiveFusion, MultimodalClassifier, n_params


@pytest.mark.parametrize("name", [n for n in FUSIONS if n != "bilinear"] + ["bilinear"])
def test_build_every_fusion(name):
    dims = [5, 4] if name == "bilinear" else [5, 4, 3]
    torch.manual_seed(0)
    net = MultimodalClassifier.build(dims, 3, fusion=name, embed_dim=6, hidden=8)
    xs = [torch.randn(7, d) for d in dims]
    assert net(xs).shape == (7, 3)
    assert [e.shape for e in net.encode(xs)] == [(7, 6)] * len(dims)
    assert net.in_dims == tuple(dims)


def test_additive_model_is_additive_whatever_the_encoders():
    """encoders -> additive fusion -> linear head: f(a,b) - f(a,b') - f(a',b) + f(a',b') = 0."""
    torch.manual_seed(0)
    net = MultimodalClassifier.build([5, 4], 2, fusion="additive", encoder_layers=2)
    a, a2, b, b2 = torch.randn(9, 5), torch.randn(9, 5), torch.randn(9, 4), torch.randn(9, 4)
    mixed = net([a, b]) - net([a, b2]) - net([a2, b]) + net([a2, b2])
    torch.testing.assert_close(mixed, torch.zeros(9, 2), atol=1e-5, rtol=0)
    # ... and a nonlinear head breaks additivity
    mlp = MultimodalClassifier.build([5, 4], 2, fusion="additive", head="mlp")
    assert (mlp([a, b]) - mlp([a, b2]) - mlp([a2, b]) + mlp([a2, b2])).abs().max() > 1e-4


def test_head_options_and_encoder_depth():
    net = MultimodalClassifier.build([5, 4], 2, fusion="tensor", head="none", embed_dim=3)
    assert net.fusion.out_dim == 2 and isinstance(net.head, nn.Identity)
    lin = MultimodalClassifier.build([5, 4], 2, fusion="concat", encoder_layers=0, embed_dim=3)
    assert isinstance(lin.encoders[0], nn.Linear) and lin.fusion.out_dim == 6
    assert n_params(lin) == (5 + 1) * 3 + (4 + 1) * 3 + (6 + 1) * 2
    shift = MultimodalClassifier.build([5, 4], 2, fusion="shift", embed_dim=3)
    assert shift.fusion.out_dim == 3
    custom = MultimodalClassifier.build([5, 4], 2, fusion=AdditiveFusion([16, 16], 7))
    assert custom.head.in_features == 7


def test_hand_made_model_and_in_dims_inference():
    net = MultimodalClassifier([nn.Sequential(nn.Linear(5, 3), nn.ReLU()), None], AdditiveFusion([3, 2], 2))
    assert net.in_dims is None  # the identity encoder has no known input size
    assert net([torch.randn(4, 5), torch.randn(4, 2)]).shape == (4, 2)
    checked = MultimodalClassifier([nn.Linear(5, 3), None], AdditiveFusion([3, 2], 2), in_dims=[5, 2])
    with pytest.raises(ValueError, match=r"xs\[1\] must have 2 features"):
        checked([torch.randn(4, 5), torch.randn(4, 3)])


def test_forward_validation():
    net = MultimodalClassifier.build([5, 4], 2, fusion="tensor")
    with pytest.raises(ValueError, match="must hold 2 modalities; got 1"):
        net([torch.randn(3, 5)])
    with pytest.raises(ValueError, match="must have 5 features"):
        net([torch.randn(3, 6), torch.randn(3, 4)])
    with pytest.raises(ValueError, match="same batch size"):
        net([torch.randn(3, 5), torch.randn(2, 4)])


def test_constructor_validation():
    fuse = AdditiveFusion([3, 2], 2)
    with pytest.raises(TypeError, match="one module"):
        MultimodalClassifier(nn.Linear(3, 3), fuse)
    with pytest.raises(TypeError, match=r"encoders\[1\] must be a torch.nn.Module"):
        MultimodalClassifier([None, "mlp"], fuse)
    with pytest.raises(TypeError, match="fusion must be a torch.nn.Module"):
        MultimodalClassifier([None, None], "additive")
    with pytest.raises(TypeError, match="head must be"):
        MultimodalClassifier([None, None], fuse, head="linear")
    with pytest.raises(ValueError, match="one size per encoder"):
        MultimodalClassifier([None, None], fuse, in_dims=[3])
    with pytest.raises(ValueError, match="head must be one of"):
        MultimodalClassifier.build([3, 2], 2, head="rnn")
    with pytest.raises(ValueError, match="encoder_layers must be an integer >= 0"):
        MultimodalClassifier.build([3, 2], 2, encoder_layers=-1)
    with pytest.raises(ValueError, match="n_outputs must be an integer >= 1"):
        MultimodalClassifier.build([3, 2], 0)
    with pytest.raises(ValueError, match="name must be one of"):
        MultimodalClassifier.build([3, 2], 2, fusion="attention")
    with pytest.raises(ValueError, match="out_dim attribute"):
        MultimodalClassifier.build([3, 2], 2, fusion=nn.Identity())


def test_forward_dtype_checks_follow_each_encoder():
    net = MultimodalClassifier.build([5, 4], 2, fusion="tensor")
    with pytest.raises(TypeError, match=r"xs\[1\] must have dtype torch.float32.*got torch.float64"):
        net([torch.randn(3, 5), torch.randn(3, 4, dtype=torch.float64)])
    with pytest.raises(TypeError, match=r"xs\[0\] must be floating point"):
        net([torch.ones(3, 5, dtype=torch.long), torch.randn(3, 4)])
    # an encoder that takes token ids is not held to a float dtype
    tokens = MultimodalClassifier(
        [nn.Sequential(nn.Embedding(10, 3), nn.Flatten()), nn.Linear(4, 3)], AdditiveFusion([6, 3], 2)
    )
    assert tokens([torch.randint(0, 10, (7, 2)), torch.randn(7, 4)]).shape == (7, 2)


def test_build_refuses_encoders_and_heads_too_large_for_memory():
    with pytest.raises(ValueError, match=r"encoder 0 \(in_dim=100000000, hidden=32, embed_dim=16\) asks for"):
        MultimodalClassifier.build([10**8, 4], 2)
    with pytest.raises(ValueError, match=r"the head \(in_dim=16, n_outputs=100000000\) asks for"):
        MultimodalClassifier.build([5, 4], 10**8, fusion="additive")
