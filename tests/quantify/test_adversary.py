"""Tests of mmlab.quantify's single-source adversary tools and the seed test of lecture 6.5's adversary claims."""

from __future__ import annotations

import pytest
import torch
from lecture_exercises import quick_sizes
from torch import nn

from mmlab.data import make_unequal_modalities
from mmlab.fusion import MultimodalClassifier
from mmlab.quantify import (
    MeanFusion,
    OddOneOutNetwork,
    RobustFusion,
    single_source_attack,
    single_source_study,
    train_odd_one_out,
)

LECTURE = "lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb"


def _branches(m=3, d=4, c=5, seed=0):
    torch.manual_seed(seed)
    return [MultimodalClassifier.build([d], c, "concat") for _ in range(m)]


def test_attack_stays_in_the_ball_moves_one_modality_and_raises_the_loss(seed):
    torch.manual_seed(seed)
    net = MultimodalClassifier.build([3, 3], 2, "concat").eval()
    g = torch.Generator().manual_seed(seed)
    xs, y = [torch.randn(64, 3, generator=g), torch.randn(64, 3, generator=g)], torch.randint(0, 2, (64,), generator=g)
    adv = single_source_attack(net, xs, y, modality=1, eps=0.3, steps=10, random_state=seed)
    assert adv[0] is xs[0] and float((adv[1] - xs[1]).abs().max()) <= 0.3 + 1e-6
    with torch.no_grad():
        assert nn.functional.cross_entropy(net(adv), y) > nn.functional.cross_entropy(net(xs), y)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(modality=2, eps=0.1), ValueError, "modality"),
        (dict(modality=0, eps=0.0), ValueError, "eps"),
        (dict(modality=0, eps=0.1, steps=0), ValueError, "steps"),
        (dict(modality=0, eps=0.1, step_size=-1.0), ValueError, "step_size"),
    ],
)
def test_attack_bad_arguments(kwargs, err, match):
    net = MultimodalClassifier.build([3, 3], 2, "concat")
    with pytest.raises(err, match=match):
        single_source_attack(net, [torch.randn(4, 3), torch.randn(4, 3)], torch.zeros(4, dtype=torch.long), **kwargs)


def test_attack_bad_inputs():
    net = MultimodalClassifier.build([3, 3], 2, "concat")
    with pytest.raises(TypeError, match="torch.nn.Module"):
        single_source_attack(
            lambda xs: xs[0], [torch.randn(4, 3)], torch.zeros(4, dtype=torch.long), modality=0, eps=0.1
        )
    with pytest.raises(TypeError, match="floating-point"):
        single_source_attack(net, [torch.zeros(4, 3, dtype=torch.long)], torch.zeros(4), modality=0, eps=0.1)
    with pytest.raises(ValueError, match="paired"):
        single_source_attack(
            net, [torch.randn(4, 3), torch.randn(4, 3)], torch.zeros(3, dtype=torch.long), modality=0, eps=0.1
        )


def test_mean_fusion_is_the_mean_of_the_branch_log_probabilities():
    branches = _branches()
    xs = [torch.randn(6, 4) for _ in range(3)]
    manual = sum(torch.log_softmax(b([x]), dim=1) for b, x in zip(branches, xs, strict=True)) / 3
    assert torch.allclose(MeanFusion(branches)(xs), manual, atol=1e-6)
    with pytest.raises(TypeError, match="branches"):
        MeanFusion([])


def test_robust_fusion_leaves_out_the_modality_the_detector_blames():
    branches = _branches()
    xs = [torch.randn(6, 4) for _ in range(3)]
    detector = OddOneOutNetwork(3)
    for blamed in range(4):  # 0: none, i + 1: modality i
        with torch.no_grad():
            detector.net[-1].weight.zero_()
            detector.net[-1].bias.copy_(torch.full((4,), -1e4))
            detector.net[-1].bias[blamed] = 1e4
        out = RobustFusion(branches, detector)(xs)
        lp = torch.stack([torch.log_softmax(b([x]), dim=1) for b, x in zip(branches, xs, strict=True)], dim=1)
        keep = [m for m in range(3) if m != blamed - 1]
        assert torch.allclose(out, lp[:, keep].mean(dim=1), atol=1e-5), blamed


def test_robust_fusion_and_detector_validation():
    with pytest.raises(ValueError, match="n_modalities"):
        OddOneOutNetwork(2)
    with pytest.raises(TypeError, match="OddOneOutNetwork"):
        RobustFusion(_branches(), nn.Linear(2, 2))
    with pytest.raises(ValueError, match="3 modalities"):
        RobustFusion(_branches(m=4), OddOneOutNetwork(3))
    features = OddOneOutNetwork(3).features(torch.log_softmax(torch.randn(2, 3, 5), dim=2))
    assert features.shape == (2, 6) and float(features[:, :3].min()) >= 0 and float(features[:, :3].max()) <= 1


def test_detector_training_learns_to_name_a_perturbed_modality():
    d = make_unequal_modalities(900, n_classes=5, dims=(8, 8, 8), signal=(3.0, 3.0, 3.0), random_state=0)
    xs, y = [torch.as_tensor(x) for x in d.modalities], torch.as_tensor(d.y)
    branches = _branches(d=8)
    from mmlab.train import fit

    for b, x in zip(branches, xs, strict=True):
        fit(b, [x], y, epochs=10, lr=5e-3, progress=False, device="cpu")
    detector = train_odd_one_out(OddOneOutNetwork(3), branches, xs, y, eps=2.0, steps=5, epochs=15)
    attacked = single_source_attack(MeanFusion(branches), xs, y, modality=1, eps=2.0, steps=5, random_state=9)
    with torch.no_grad():
        named = RobustFusion(branches, detector).odd_one_out(attacked).argmax(dim=1)
        clean = RobustFusion(branches, detector)(xs).argmax(dim=1)
    assert float((named == 2).double().mean()) > 0.8 and not detector.training
    assert float((clean == y).double().mean()) > 0.9  # leaving a modality out costs little on clean samples
    with pytest.raises(ValueError, match="same number of modalities"):
        train_odd_one_out(OddOneOutNetwork(3), branches[:2], xs[:2], y, eps=1.0)


@pytest.mark.slow
def test_lecture_6_5_adversary_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURE)
    three = make_unequal_modalities(
        s["n_adv"], n_classes=10, dims=(32, 32, 32), signal=(3.5, 3.5, 3.5), random_state=seed
    )
    train, test = three.split((0.6, 0.4), random_state=seed)
    study = single_source_study(train, test, eps=2.0, epochs=s["adv_epochs"], steps=s["adv_steps"], random_state=seed)
    assert min(study.clean.values()) >= 0.95, study.clean
    assert max(study.worst("concat"), study.worst("mean")) < 0.1, study.attacked
    assert study.kept("robust") >= 0.75, study.attacked["robust"]
    tx, ty = [torch.as_tensor(x) for x in test.modalities], torch.as_tensor(test.y)
    for m in range(3):
        adv = single_source_attack(study.models["mean"], tx, ty, modality=m, eps=2.0, steps=s["adv_steps"])
        with torch.no_grad():
            named = study.models["robust"].odd_one_out(adv).argmax(dim=1)
        assert float((named == m + 1).double().mean()) >= 0.8, m
