"""Tests of mmlab.quantify's modality-bias tools, and the seed tests of lecture 6.4 (biased VQA) and of lecture 6.8's
model-simulation and debugging claims."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes
from torch import nn

from mmlab.data import load_av_digits, make_biased_vqa
from mmlab.fusion.experiments import train_fusion
from mmlab.quantify import BiasStudy, ProbeCurves, biased_vqa_study, modality_utilisation, probe_training

LECTURE = "lectures/6_quantification/04_modality_bias_and_fairness.ipynb"
CLOSING = "lectures/6_quantification/08_evaluating_quantification.ipynb"


class ReadsSecond(nn.Module):
    def forward(self, xs):
        return xs[1][:, :3]


class LinearOnSecond(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(5, 3)

    def forward(self, xs):
        return self.lin(xs[1])


def _xy(seed=0, n=300):
    g = torch.Generator().manual_seed(seed)
    xs = [torch.randn(n, 4, generator=g), torch.randn(n, 5, generator=g)]
    return xs, xs[1][:, :3].argmax(dim=1)


def test_utilisation_of_an_ignored_modality_is_zero_and_of_the_used_one_large(seed):
    xs, y = _xy(seed)
    assert modality_utilisation(ReadsSecond(), xs, y, modality=0, random_state=seed) == 0.0
    assert modality_utilisation(ReadsSecond(), xs, y, modality=1, random_state=seed) > 0.5


def test_utilisation_bad_inputs():
    xs, y = _xy()
    with pytest.raises(TypeError, match="torch.nn.Module"):
        modality_utilisation(lambda xs: xs[0], xs, y, modality=0)
    with pytest.raises(ValueError, match="modality"):
        modality_utilisation(ReadsSecond(), xs, y, modality=2)
    with pytest.raises(ValueError, match="accuracy is 0"):
        modality_utilisation(ReadsSecond(), xs, (y + 1) % 3, modality=0)
    with pytest.raises(ValueError, match="paired"):
        modality_utilisation(ReadsSecond(), xs, y[:-1], modality=0)


def test_probe_training_records_on_schedule():
    xs, y = _xy(n=200)
    torch.manual_seed(0)
    curves = probe_training(
        LinearOnSecond(), xs, y, probes={"train": (xs, y)}, epochs=3, every=2, batch_size=50, lr=1e-2
    )
    # 4 steps per epoch, 12 steps: checkpoints 0, 2, 4, ..., 12
    assert curves.steps == list(range(0, 13, 2)) and len(curves.accuracy["train"]) == 7
    assert curves.accuracy["train"][-1] > curves.accuracy["train"][0]
    assert curves.first_step_reaching("train", 0.0) == 0 and curves.first_step_reaching("train", 1.1) is None
    assert curves.at_step("train", 4) == curves.accuracy["train"][2]
    with pytest.raises(ValueError, match="not recorded"):
        curves.at_step("train", 3)
    assert isinstance(curves, ProbeCurves)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(probes={}), ValueError, "at least one"),
        (dict(probes=[1]), TypeError, "mapping"),
        (dict(probes={"p": ([torch.randn(5, 4)], torch.zeros(4))}), ValueError, "probes"),
        (dict(probes={"p": _xy(n=5)}, every=0), ValueError, "every"),
        (dict(probes={"p": _xy(n=5)}, lr=0.0), ValueError, "lr"),
    ],
)
def test_probe_training_bad_arguments(kwargs, err, match):
    xs, y = _xy(n=20)
    with pytest.raises(err, match=match):
        probe_training(ReadsSecond(), xs, y, epochs=1, **kwargs)


def test_bias_study_small():
    train = make_biased_vqa(300, random_state=0)
    study = biased_vqa_study(train, {"cb": make_biased_vqa(100, bias=0.0, random_state=1)}, epochs=1, every=2)
    assert isinstance(study, BiasStudy) and set(study.accuracy) == {"question", "image", "fused"}
    assert study.curves["fused"].steps[0] == 0
    with pytest.raises(ValueError, match="two modalities"):
        biased_vqa_study(([train.modalities[0]], train.y), {"cb": train}, epochs=1)
    with pytest.raises(TypeError, match="mapping"):
        biased_vqa_study(train, [train], epochs=1)


# --------------------------------------------------------------------------- lecture 6.4, seed test (bias)
def _vqa(seed, s):
    train = make_biased_vqa(s["n_train"], bias=0.9, random_state=seed)
    tests = {
        "in-distribution": make_biased_vqa(s["n_test"], bias=0.9, random_state=1000 + seed),
        "counter-bias": make_biased_vqa(s["n_test"], bias=0.0, random_state=2000 + seed),
    }
    return train, tests


@pytest.mark.slow
def test_lecture_6_4_bias_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURE)
    train, tests = _vqa(seed, s)
    study = biased_vqa_study(train, tests, epochs=s["epochs"], every=s["every"], random_state=seed)
    fused, image, question = (study.accuracy[m] for m in ("fused", "image", "question"))
    assert fused["in-distribution"] >= max(image["in-distribution"], question["in-distribution"]) - 0.02
    assert fused["in-distribution"] > 0.85 and question["counter-bias"] < 0.05
    assert fused["in-distribution"] - fused["counter-bias"] >= 0.4
    assert image["counter-bias"] - fused["counter-bias"] >= 0.06, (image, fused)
    curves = study.curves
    reached = curves["fused"].first_step_reaching("in-distribution", question["in-distribution"] - 0.02)
    early = curves["fused"].at_step("counter-bias", reached)
    assert early <= 0.3 and fused["counter-bias"] - early >= 0.08, (reached, early)
    assert curves["image"].at_step("counter-bias", reached) - early >= 0.1
    balanced_train = make_biased_vqa(s["n_train"], bias=0.25, random_state=3000 + seed)
    balanced = biased_vqa_study(balanced_train, tests, epochs=s["epochs"], every=s["every"], random_state=seed).accuracy
    assert balanced["fused"]["counter-bias"] - fused["counter-bias"] >= 0.15
    assert balanced["fused"]["counter-bias"] >= balanced["image"]["counter-bias"] - 0.08


# --------------------------------------------------------------------------- lecture 6.8, seed tests
@pytest.mark.slow
def test_lecture_6_8_simulation_claims_hold_across_seeds(seed):
    s = quick_sizes(CLOSING)
    train = make_biased_vqa(s["n_vqa"], bias=0.9, random_state=seed)
    tests = {
        "in": make_biased_vqa(1000, bias=0.9, random_state=1000 + seed),
        "cb": make_biased_vqa(1000, bias=0.0, random_state=2000 + seed),
    }
    fused = biased_vqa_study(train, tests, epochs=s["epochs"], every=10_000, random_state=seed).models["fused"]
    agree = {}
    for name, data in tests.items():
        with torch.no_grad():
            out = fused([torch.as_tensor(x) for x in data.modalities]).argmax(dim=1).numpy()
        agree[name] = (float(np.mean(out == data.y)), float(np.mean(out == data.aux["typical"])))
    assert min(agree["in"]) >= 0.85, agree
    assert agree["cb"][1] - agree["cb"][0] >= 0.1, agree


@pytest.mark.slow
def test_lecture_6_8_debugging_claims_hold_across_seeds(seed):
    s = quick_sizes(CLOSING)
    train, test = load_av_digits("train"), load_av_digits("test")
    mean, std = [x.mean(0) for x in train.modalities], [x.std(0) + 1e-6 for x in train.modalities]
    xs = [(x - m) / sd for x, m, sd in zip(train.modalities, mean, std, strict=True)]
    xt = [(x - m) / sd for x, m, sd in zip(test.modalities, mean, std, strict=True)]
    kw = dict(epochs=s["av_epochs"], batch_size=128, lr=5e-3, random_state=seed)
    buggy = train_fusion(([xs[0], torch.zeros_like(xs[1]), xs[2]], train.y), (xt, test.y), "additive", **kw)
    fixed = train_fusion((xs, train.y), (xt, test.y), "additive", **kw)
    use = [modality_utilisation(buggy.model, xt, test.y, modality=i) for i in range(3)]
    use_fixed = modality_utilisation(fixed.model, xt, test.y, modality=1)
    assert use[1] < 0.02 and min(use[0], use[2]) >= 0.1, use
    assert use_fixed >= 0.1 and fixed.score - buggy.score >= 0.03, (use_fixed, buggy.score, fixed.score)
