"""Tests of intermediate fusion (MMTM, channel exchange, attention fusions), its cost, and very early fusion.

Also the claims of lecture 1.9 on five seeds with the notebook's quick sizes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes

from mmlab.fusion import (
    COST_KINDS,
    FUSIONS,
    MMTM,
    SEQUENCE_FUSIONS,
    AttentionFusion,
    BottleneckFusion,
    ChannelExchange,
    JointAttentionFusion,
    MaskedMultimodalAutoencoder,
    MultiHeadAttention,
    PerceiverFusion,
    SequenceFusionClassifier,
    TransformerBlock,
    attention_flops,
    build_cost_module,
    count_flops,
    fit_masked_autoencoder,
    fusion_cost_curve,
    loglog_slope,
    make_fusion,
    sequence_fusion_accuracies,
    time_forward,
)

L09 = "lectures/1_representation/09_intermediate_fusion.ipynb"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


# --------------------------------------------------------------------------- attention
def test_attention_matches_the_written_out_formula(torch_gen):
    att = MultiHeadAttention(4, n_heads=1)
    x, c = torch.randn(2, 3, 4, generator=torch_gen), torch.randn(2, 5, 4, generator=torch_gen)
    q, (k, v) = att.q(x), att.kv(c).chunk(2, dim=-1)
    expected = att.out(torch.softmax(q @ k.transpose(1, 2) / 2.0, dim=-1) @ v)
    assert torch.allclose(att(x, c), expected, atol=1e-6)
    assert att.last_weights.shape == (2, 1, 3, 5)
    assert torch.allclose(att.last_weights.sum(-1), torch.ones(2, 1, 3))


def test_attention_validation():
    with pytest.raises(ValueError, match="n_heads must divide dim"):
        MultiHeadAttention(6, n_heads=4)
    with pytest.raises(ValueError, match="tokens of size 6"):
        MultiHeadAttention(6)(torch.randn(2, 3, 5))


def test_transformer_block_is_permutation_equivariant_without_positions(torch_gen):
    block = TransformerBlock(4)
    x = torch.randn(2, 6, 4, generator=torch_gen)
    perm = torch.randperm(6, generator=torch_gen)
    assert torch.allclose(block(x)[:, perm], block(x[:, perm]), atol=1e-5)


# --------------------------------------------------------------------------- fusion layers
def test_joint_attention_mixes_modalities_and_bottleneck_only_through_z(torch_gen):
    xa, xb = torch.randn(2, 3, 8, generator=torch_gen), torch.randn(2, 4, 8, generator=torch_gen)
    other = torch.randn(2, 4, 8, generator=torch_gen)
    joint = JointAttentionFusion(8)
    assert not torch.allclose(joint([xa, xb])[0], joint([xa, other])[0])  # A's tokens see B's
    one = BottleneckFusion(8, n_bottleneck=2, n_layers=1)
    assert torch.allclose(one([xa, xb])[0], one([xa, other])[0])  # first layer: A sees only A and the initial z
    one([xa, xb])
    z = one.last_bottleneck
    one([xa, other])
    assert not torch.allclose(one.last_bottleneck, z)  # the new bottleneck carries B
    two = BottleneckFusion(8, n_bottleneck=2, n_layers=2)
    assert not torch.allclose(two([xa, xb])[0], two([xa, other])[0])  # second layer: B reaches A through z


def test_windowed_bottleneck_equals_full_when_the_window_covers_the_sequence(torch_gen):
    xs = [torch.randn(2, 4, 8, generator=torch_gen), torch.randn(2, 4, 8, generator=torch_gen)]
    full = BottleneckFusion(8, window=None)
    windowed = BottleneckFusion(8, window=4)
    windowed.load_state_dict(full.state_dict())
    assert all(torch.allclose(a, b) for a, b in zip(full(xs), windowed(xs), strict=True))
    with pytest.raises(ValueError, match="multiple of window"):
        BottleneckFusion(8, window=3)([torch.randn(1, 4, 8), torch.randn(1, 4, 8)])


def test_perceiver_output_size_does_not_depend_on_the_inputs(torch_gen):
    p = PerceiverFusion(8, n_latents=3)
    for length in (2, 9):
        assert p([torch.randn(2, length, 8), torch.randn(2, 5, 8)]).shape == (2, 3, 8)


def test_mmtm_is_the_identity_with_zero_excitation_weights(torch_gen):
    mmtm = MMTM([4, 6])
    with torch.no_grad():
        for e in mmtm.excite:
            e.weight.zero_()
            e.bias.zero_()
    xs = [torch.randn(2, 4, 5, generator=torch_gen), torch.randn(2, 6, 3, generator=torch_gen)]
    assert all(torch.allclose(a, b) for a, b in zip(mmtm(xs), xs, strict=True))  # 2 sigma(0) = 1


def test_mmtm_excitation_of_one_stream_depends_on_the_other(torch_gen):
    mmtm = MMTM([4, 4], ratio=1)
    a = torch.randn(2, 4, 5, generator=torch_gen)
    mmtm([a, torch.randn(2, 4, 5, generator=torch_gen)])
    first = mmtm.last_excitation[0]
    mmtm([a, torch.randn(2, 4, 5, generator=torch_gen)])
    assert not torch.allclose(first, mmtm.last_excitation[0])


def test_channel_exchange_swaps_the_channels_with_small_scales(torch_gen):
    cen = ChannelExchange(4, threshold=0.1)
    with torch.no_grad():
        cen.norms[0].weight.copy_(torch.tensor([1.0, 0.05, 1.0, 1.0]))
        cen.norms[1].weight.copy_(torch.tensor([1.0, 1.0, 1.0, -0.01]))
    a, b = (torch.randn(3, 4, 5, generator=torch_gen) for _ in range(2))
    na, nb = cen.norms[0](a), cen.norms[1](b)
    out_a, out_b = cen([a, b])
    assert torch.allclose(out_a[:, 1], nb[:, 1]) and torch.allclose(out_a[:, 0], na[:, 0])
    assert torch.allclose(out_b[:, 3], na[:, 3]) and torch.allclose(out_b[:, 2], nb[:, 2])
    half = 2
    with torch.no_grad():
        assert float(cen.sparsity()) == pytest.approx(
            float(cen.norms[0].weight[:half].abs().sum() + cen.norms[1].weight[half:].abs().sum())
        )
    with pytest.raises(ValueError, match="same shape"):
        cen([a, b[:, :, :3]])


def test_attention_fuse_cell_is_registered_and_not_additive(torch_gen):
    assert FUSIONS["self_attention"] is AttentionFusion
    cell = make_fusion("self_attention", [3, 3], 4)
    a0, a1, b0, b1 = (torch.randn(5, 3, generator=torch_gen) for _ in range(4))
    contrast = cell([a1, b1]) - cell([a1, b0]) - cell([a0, b1]) + cell([a0, b0])
    assert contrast.abs().max() > 1e-3  # attention weights multiply the modalities


@pytest.mark.parametrize("kind", SEQUENCE_FUSIONS)
def test_sequence_classifier_shapes_for_every_fusion(kind, torch_gen):
    net = SequenceFusionClassifier([3, 5], 2, fusion=kind, dim=8)
    out = net([torch.randn(4, 6, 3, generator=torch_gen), torch.randn(4, 6, 5, generator=torch_gen)])
    assert out.shape == (4, 2)
    assert net.penalty().shape == ()


def test_sequence_classifier_validation():
    with pytest.raises(ValueError, match="fusion"):
        SequenceFusionClassifier([3, 3], 2, fusion="tensor")
    net = SequenceFusionClassifier([3, 3], 2, fusion="joint", dim=8)
    with pytest.raises(ValueError, match="2 modalities"):
        net([torch.randn(2, 4, 3)])
    with pytest.raises(ValueError, match=r"\(batch, length, dim\)"):
        net([torch.randn(2, 3), torch.randn(2, 3)])
    with pytest.raises(TypeError, match="floating point"):
        net([torch.ones(2, 4, 3, dtype=torch.long), torch.ones(2, 4, 3)])
    with pytest.raises(ValueError, match="same batch size"):
        net([torch.randn(2, 4, 3), torch.randn(3, 4, 3)])
    with pytest.raises(TypeError, match="pair of ints"):
        MMTM(4)


# --------------------------------------------------------------------------- cost
@pytest.mark.parametrize("kind", COST_KINDS)
@pytest.mark.parametrize("length", [16, 48])
def test_counted_flops_equal_the_closed_form(kind, length):
    module = build_cost_module(kind, 8, device="meta")
    counted = count_flops(module, [torch.empty(3, length, 8, device="meta")] * 2)
    assert counted == 3 * attention_flops(kind, length, 8)


def test_closed_form_by_hand_for_one_block():
    """Joint attention over T = S = 2L = 2 tokens of size d = 1, m = 2: 4T + 4S + 4TS + 4mT = 8 + 8 + 16 + 16."""
    assert attention_flops("joint", 1, 1, ffn_mult=2) == 48


def test_slopes_of_the_closed_forms():
    lengths = np.array([256, 512, 1024, 2048, 4096])
    slope = {k: loglog_slope(lengths, [attention_flops(k, n, 32) for n in lengths]) for k in COST_KINDS}
    assert slope["joint"] > 1.8 and slope["windowed bottleneck"] == pytest.approx(1.0) and slope["perceiver"] < 1.1


def test_loglog_slope_and_validation():
    assert loglog_slope([1, 10, 100], [5, 50, 500]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([1, 2], [0, 1])
    with pytest.raises(ValueError, match="at least 2"):
        loglog_slope([1], [1])
    with pytest.raises(ValueError, match="paired"):
        loglog_slope([1, 2], [1, 2, 3])


def test_time_forward_takes_the_fastest_run():
    ticks = iter([0.0, 5.0, 10.0, 11.0, 20.0, 23.0])  # runs of 5, 1 and 3 seconds
    assert time_forward(torch.nn.Identity(), torch.zeros(1), repeats=3, clock=lambda: next(ticks)) == 1.0
    with pytest.raises(ValueError, match="repeats"):
        time_forward(torch.nn.Identity(), torch.zeros(1), repeats=0)


def test_cost_curve_and_validation():
    curve = fusion_cost_curve(
        [16, 32, 64], dim=8, kinds=["joint", "windowed bottleneck"], time_lengths=[16, 32], window=16
    )
    assert curve.flops["joint"].shape == (3,) and curve.seconds["joint"].shape == (2,)
    assert curve.slopes()["windowed bottleneck"] == pytest.approx(1.0)
    assert set(curve.slopes("seconds")) == {"joint", "windowed bottleneck"}
    with pytest.raises(ValueError, match="no times"):
        fusion_cost_curve([16, 32], dim=8, kinds=["joint"]).slopes("seconds")
    with pytest.raises(ValueError, match="kind"):
        attention_flops("cross", 16, 8)
    with pytest.raises(ValueError, match="multiple of window"):
        attention_flops("windowed bottleneck", 10, 8, window=4)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        count_flops("model", torch.zeros(1))


# --------------------------------------------------------------------------- very early fusion
def test_masked_autoencoder_masks_and_loss(torch_gen):
    mae = MaskedMultimodalAutoencoder([2, 3], [3, 2], dim=8)
    xs = [torch.randn(4, 3, 2, generator=torch_gen), torch.randn(4, 2, 3, generator=torch_gen)]
    hide_b = mae.hide_modality(4, 1)
    assert hide_b[0].tolist() == [False, False, False, True, True]
    mask = mae.random_mask(64, torch.Generator().manual_seed(0), ratio=0.0, whole_modality=1.0)
    assert bool(mask.any(dim=1).all())  # every sample hides something
    rec = mae(xs, hide_b)
    expected = ((rec[1] - xs[1]) ** 2).mean()
    assert torch.allclose(mae.masked_loss(xs, hide_b), expected)
    with pytest.raises(ValueError, match="hides no token"):
        mae.masked_loss(xs, torch.zeros(4, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="boolean tensor of shape"):
        mae(xs, torch.zeros(4, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match="3 tokens"):
        mae([torch.randn(4, 2, 2), xs[1]], hide_b)
    with pytest.raises(ValueError, match="modality must be"):
        mae.hide_modality(4, 2)


def test_hidden_tokens_do_not_leak_into_the_reconstruction(torch_gen):
    """A hidden token's value must not influence any output: it is replaced by the mask vector."""
    mae = MaskedMultimodalAutoencoder([2, 2], [2, 2], dim=8)
    xs = [torch.randn(3, 2, 2, generator=torch_gen), torch.randn(3, 2, 2, generator=torch_gen)]
    hide = mae.hide_modality(3, 1)
    changed = [xs[0], torch.randn(3, 2, 2, generator=torch_gen)]
    assert all(torch.allclose(a, b) for a, b in zip(mae(xs, hide), mae(changed, hide), strict=True))


def test_fit_masked_autoencoder_validates():
    mae = MaskedMultimodalAutoencoder([2, 2], [2, 2], dim=8)
    xs = [torch.randn(20, 2, 2), torch.randn(20, 2, 2)]
    assert len(fit_masked_autoencoder(mae, xs, epochs=1, batch_size=10)) == 2
    with pytest.raises(TypeError, match="MaskedMultimodalAutoencoder"):
        fit_masked_autoencoder(torch.nn.Linear(2, 2), xs, epochs=1)
    with pytest.raises(ValueError, match="ratio"):
        fit_masked_autoencoder(mae, xs, epochs=1, ratio=1.5)


# --------------------------------------------------------------------------- lecture 1.9 on five seeds
@pytest.mark.slow
def test_lecture_09_accuracy_claims_hold_across_seeds(seed):
    s = quick_sizes(L09)
    dense = sequence_fusion_accuracies(
        ["late", "mmtm", "exchange"],
        n=s["n"],
        epochs=s["dense_epochs"],
        n_markers=8,
        amplitude=1.5,
        noise=1.0,
        random_state=seed,
    )
    assert min(dense["mmtm"], dense["exchange"]) > 0.8 and dense["late"] < 0.6, dense
    sparse = sequence_fusion_accuracies(
        ["late", "mmtm", "bottleneck", "perceiver", "joint"],
        n=s["n"],
        epochs=s["epochs"],
        aligned=False,
        window=4,
        random_state=seed,
    )
    assert min(sparse["bottleneck"], sparse["joint"]) > 0.9, sparse
    assert abs(sparse["bottleneck"] - sparse["joint"]) < 0.06 and sparse["bottleneck"] - sparse["mmtm"] > 0.1, sparse
    assert sparse["perceiver"] > 0.8 and sparse["late"] < 0.6, sparse


def test_lecture_09_cost_claims():
    """FLOPs are deterministic; the timing claim has a wide margin (rerun three times, it must hold each time).

    Each time is the fastest of five forward passes (the notebook takes three), so that a test worker sharing
    the machine with other processes measures the module, not the wait."""
    s = quick_sizes(L09)
    lengths = [256 * 2**k for k in range(int(math.log2(s["max_len"] // 256)) + 1)]
    for _ in range(3):
        curve = fusion_cost_curve(lengths, dim=32, time_lengths=[128, 256, 512, 1024], repeats=5)
        slope, tslope = curve.slopes("flops"), curve.slopes("seconds")
        assert slope["joint"] > 1.8 and max(slope["windowed bottleneck"], slope["perceiver"]) < 1.1, slope
        assert slope["bottleneck"] > 1.7 and curve.flops["bottleneck"][-1] / curve.flops["joint"][-1] < 0.6
        assert tslope["joint"] - tslope["windowed bottleneck"] > 0.7, tslope
