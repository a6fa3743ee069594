"""Reference answers: lectures/6_quantification/04_modality_bias_and_fairness.ipynb, Exercises."""

from __future__ import annotations

import numpy as np
import torch

from mmlab.data import make_biased_vqa, make_protected_attribute
from mmlab.quantify import biased_vqa_study, fairness_study, group_gap, modality_utilisation

NOTEBOOK = "lectures/6_quantification/04_modality_bias_and_fairness.ipynb"


def _tests(sizes: dict) -> dict:
    return {
        "in-distribution": make_biased_vqa(sizes["n_test"], bias=0.9, random_state=1),
        "counter-bias": make_biased_vqa(sizes["n_test"], bias=0.0, random_state=2),
    }


def exercise_1(sizes: dict) -> None:
    """The stronger the prior, the more the fused model follows it: counter-bias accuracy falls as b grows."""
    counter = {}
    for b in (0.5, 0.97):
        train = make_biased_vqa(sizes["n_train"], bias=b, random_state=0)
        study = biased_vqa_study(train, _tests(sizes), epochs=sizes["epochs"], every=10_000, random_state=0)
        counter[b] = study.accuracy["fused"]["counter-bias"]
    assert counter[0.5] > counter[0.97] + 0.1, counter


def exercise_2(sizes: dict) -> None:
    """In distribution the fused model rests on both: shuffling either modality costs accuracy; the question's
    prior (the object) is also visible in the image, so neither shuffle alone reduces it to chance."""
    train = make_biased_vqa(sizes["n_train"], bias=0.9, random_state=0)
    tests = _tests(sizes)
    fused = biased_vqa_study(train, tests, epochs=sizes["epochs"], every=10_000, random_state=0).models["fused"]
    data = tests["in-distribution"]
    xs, y = [torch.as_tensor(x) for x in data.modalities], torch.as_tensor(data.y)
    use = {m: modality_utilisation(fused, xs, y, modality=i) for i, m in enumerate(("question", "image"))}
    assert min(use.values()) > 0.05 and max(use.values()) < 0.75, use


def exercise_3(sizes: dict) -> None:
    """One threshold per group on the fused model's score equalises the TPRs; applying it needs each test sample's
    group, which reweighing (a change to training only) does not."""
    fair = make_protected_attribute(sizes["n_fair"], random_state=0)
    train, test = fair.split((0.5, 0.5), random_state=0)
    study = fairness_study(train, test, epochs=sizes["fair_epochs"], random_state=0)
    target = np.mean(list(study.rates["text"].tpr.values()))
    with torch.no_grad():
        score = torch.softmax(study.models["fused"]([torch.as_tensor(x) for x in test.modalities]), 1)[:, 1].numpy()
    group, y = test.aux["group"], test.y
    pred = np.zeros_like(y)
    for a in (0, 1):
        rows = group == a
        threshold = np.quantile(score[rows & (y == 1)], 1 - target)  # accept that share of the group's positives
        pred[rows] = score[rows] >= threshold
    assert study.gap("fused", "tpr") > 0.1
    assert group_gap(pred, y, group, rate="tpr") < 0.03


def exercise_4(sizes: dict) -> None:
    """A perfect classifier copies the labels: its positive-rate gap is the label gap (the groups' base rates
    differ), while its TPR is 1 in every group. Equal opportunity conditions on the label; demographic parity does
    not."""
    fair = make_protected_attribute(sizes["n_fair"], random_state=0)
    y, group = fair.y, fair.aux["group"]
    assert abs(group_gap(y, y, group, rate="positive_rate") - fair.truth.extra["label_gap"]) < 0.05
    assert group_gap(y, y, group, rate="tpr") == 0.0
