"""AdditiveFusion (late) and ConcatFusion (early): no cross-modal product term."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import AdditiveFusion, ConcatFusion, n_params


def _mixed_difference(f, a, a2, b, b2):
    """f(a,b) - f(a,b') - f(a',b) + f(a',b'): zero for every a, a', b, b' iff f is additive."""
    return f([a, b]) - f([a, b2]) - f([a2, b]) + f([a2, b2])


def test_additive_fusion_is_additive_and_counts():
    torch.manual_seed(0)
    fuse = AdditiveFusion([4, 3], 5)
    a, a2, b, b2 = torch.randn(8, 4), torch.randn(8, 4), torch.randn(8, 3), torch.randn(8, 3)
    torch.testing.assert_close(_mixed_difference(fuse, a, a2, b, b2), torch.zeros(8, 5), atol=1e-5, rtol=0)
    assert n_params(fuse) == (4 + 3) * 5 + 5
    # one modality is allowed (a unimodal baseline with the same interface)
    assert AdditiveFusion([4], 2)([a]).shape == (8, 2)


def test_concat_without_map_is_torch_cat():
    xs = [torch.randn(3, 2), torch.randn(3, 5)]
    fuse = ConcatFusion([2, 5])
    torch.testing.assert_close(fuse(xs), torch.cat(xs, 1))
    assert fuse.out_dim == 7 and n_params(fuse) == 0


def test_linear_concat_equals_additive_with_split_weights():
    """Early fusion with one linear map and late additive fusion are the same function class."""
    torch.manual_seed(0)
    cat, add = ConcatFusion([2, 5], 3), AdditiveFusion([2, 5], 3)
    with torch.no_grad():
        add.maps[0].weight.copy_(cat.linear.weight[:, :2])
        add.maps[1].weight.copy_(cat.linear.weight[:, 2:])
        add.bias.copy_(cat.linear.bias)
    xs = [torch.randn(4, 2), torch.randn(4, 5)]
    torch.testing.assert_close(cat(xs), add(xs))
    assert n_params(cat) == n_params(add) == 7 * 3 + 3


def test_additive_and_concat_validate_their_sizes():
    with pytest.raises(ValueError, match=r"in_dims\[0\] must be an integer >= 1; got 0"):
        AdditiveFusion([0, 3], 2)
    with pytest.raises(ValueError, match="AdditiveFusion fuses at least 1 modalities; in_dims has 0"):
        AdditiveFusion([], 2)
    with pytest.raises(TypeError, match="out_dim must be an integer"):
        ConcatFusion([2, 3], 2.5)
    with pytest.raises(ValueError, match=r"ConcatFusion\(in_dims=\[100000000, 3\], out_dim=100\) asks for"):
        ConcatFusion([10**8, 3], 100)
    assert ConcatFusion([10**8, 3]).out_dim == 10**8 + 3  # no map, no parameters: nothing to refuse
