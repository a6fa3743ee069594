"""Reference answers: lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb, Exercises."""

from __future__ import annotations

import numpy as np
import torch

import mmlab.fusion.experiments as fx
from mmlab.data import load_av_digits, make_unequal_modalities
from mmlab.quantify import effective_robustness, relative_robustness, robustness_study, single_source_study

NOTEBOOK = "lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb"
NAMES = ("image", "audio", "text")


def _models(sizes: dict) -> tuple[dict, list, torch.Tensor]:
    res = fx.av_digits_accuracies(["additive", "concat"], epochs=sizes["epochs"], unimodal=False, random_state=0)
    xt, yt = res["additive"].test
    return {"late fusion": res["additive"].model, "early fusion": res["concat"].model}, xt, yt


def exercise_1(sizes: dict) -> None:
    """A missing image (zeros: the mean of standardised features) only removes its evidence; noise adds wrong
    evidence that outvotes the other modalities. So every curve falls less under "missing"."""
    models, xt, yt = _models(sizes)
    noisy = robustness_study(models, xt, yt, modality_names=NAMES, kind="gaussian")
    missing = robustness_study(models, xt, yt, modality_names=NAMES, kind="missing")
    for m in models:
        assert missing.relative(m, "image") > noisy.relative(m, "image"), m


def exercise_2(sizes: dict) -> None:
    """By hand: the trapezoid sum and the shifted differences give the library's numbers."""
    models, xt, yt = _models(sizes)
    study = robustness_study(models, xt, yt, modality_names=NAMES, baseline="late fusion")
    lv, f, b = study.levels, study.curves["early fusion"]["image"], study.curves["late fusion"]["image"]
    rr = sum((f[i] + f[i + 1]) / 2 * (lv[i + 1] - lv[i]) for i in range(len(lv) - 1))
    er = sum(f[i] - (b[i] + f[0] - b[0]) for i in range(len(lv)))
    assert abs(rr - relative_robustness(lv, f)) < 1e-12 and abs(er - effective_robustness(lv, f, b)) < 1e-12


def exercise_3(sizes: dict) -> None:
    """A smaller budget does less harm: every model's worst-case accuracy is at least as high at eps = 0.5 as at 2,
    and the undefended models are far from collapsed at 0.5."""
    three = make_unequal_modalities(
        sizes["n_adv"], n_classes=10, dims=(32, 32, 32), signal=(3.5, 3.5, 3.5), random_state=0
    )
    train, test = three.split((0.6, 0.4), random_state=0)
    worst = {}
    for eps in (0.5, 2.0):
        study = single_source_study(train, test, eps=eps, epochs=sizes["adv_epochs"], steps=sizes["adv_steps"])
        worst[eps] = {m: study.worst(m) for m in study.clean}
    assert all(worst[0.5][m] >= worst[2.0][m] - 0.02 for m in worst[0.5]), worst
    assert min(worst[0.5]["concat"], worst[0.5]["mean"]) > max(worst[2.0]["concat"], worst[2.0]["mean"]) + 0.2, worst


def exercise_4(sizes: dict) -> None:
    """On AV-Digits every modality alone is wrong a quarter of the time or more, so on many samples one clean
    modality already disagrees with the truth and an attacker can side with it: the robust model keeps much less
    of its clean accuracy than on the synthetic data."""
    train, test = load_av_digits("train"), load_av_digits("test")
    mean, std = [x.mean(0) for x in train.modalities], [x.std(0) + 1e-6 for x in train.modalities]
    scale = lambda d: [(x - m) / s for x, m, s in zip(d.modalities, mean, std, strict=True)]  # noqa: E731
    study = single_source_study(
        (scale(train), train.y), (scale(test), test.y), eps=1.0, epochs=sizes["epochs"], steps=sizes["adv_steps"]
    )
    assert study.clean["robust"] > 0.85 and study.kept("robust") < 0.75, (study.clean, study.attacked)
    assert np.isfinite(study.worst("robust"))
