"""MLPFusion: a multilayer perceptron over the concatenated modalities."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import MLPFusion, n_params


def _mixed_difference(f, a, a2, b, b2):
    """f(a,b) - f(a,b') - f(a',b) + f(a',b'): zero for every a, a', b, b' iff f is additive."""
    return f([a, b]) - f([a, b2]) - f([a2, b]) + f([a2, b2])


def test_mlp_fusion_counts_and_is_not_additive():
    torch.manual_seed(0)
    fuse = MLPFusion([4, 3], 5, hidden=8, n_layers=2)
    assert n_params(fuse) == (7 + 1) * 8 + (8 + 1) * 8 + (8 + 1) * 5
    a, a2, b, b2 = torch.randn(8, 4), torch.randn(8, 4), torch.randn(8, 3), torch.randn(8, 3)
    assert _mixed_difference(fuse, a, a2, b, b2).abs().max() > 1e-3


def test_mlp_fusion_is_the_network_on_the_concatenation():
    torch.manual_seed(0)
    fuse = MLPFusion([2, 3], 4, hidden=5)
    xs = [torch.randn(6, 2), torch.randn(6, 3)]
    torch.testing.assert_close(fuse(xs), fuse.net(torch.cat(xs, 1)))
    assert [m.out_features for m in fuse.net if isinstance(m, torch.nn.Linear)] == [5, 4]


def test_mlp_fusion_validation():
    with pytest.raises(ValueError, match="hidden must be an integer >= 1"):
        MLPFusion([2, 3], 4, hidden=0)
    with pytest.raises(TypeError, match="n_layers must be an integer"):
        MLPFusion([2, 3], 4, n_layers=1.0)
    with pytest.raises(ValueError, match=r"MLPFusion\(in_dims=\[2, 3\], out_dim=4, hidden=100000000\) asks for"):
        MLPFusion([2, 3], 4, hidden=10**8)
