"""Reference answers: lectures/6_quantification/08_evaluating_quantification.ipynb, Exercises."""

from __future__ import annotations

import numpy as np
import torch

from mmlab.data import load_av_digits, make_biased_vqa, make_interaction
from mmlab.fusion.experiments import train_fusion
from mmlab.quantify import batch_pid, biased_vqa_study, emap_accuracy, interaction_strength, modality_utilisation

NOTEBOOK = "lectures/6_quantification/08_evaluating_quantification.ipynb"


def exercise_1(sizes: dict) -> None:
    """A neural estimator's values vary with training (a tolerance of a tenth of a bit is generous); which atom is
    largest is far more stable, so a ranking check is the robust one."""
    syn = make_interaction(sizes["n"], "synergy", random_state=0)
    result = batch_pid(*syn.modalities, syn.y, epochs=3, discriminator_epochs=20, random_state=0)
    assert result.dominant == "synergy", result


def exercise_2(sizes: dict) -> None:
    """Adding "unless the image-only model is confident" brings the simulated user closer to the model on
    counter-bias samples: the fused model does follow the image where the colour is unmistakable."""
    train = make_biased_vqa(sizes["n_vqa"], bias=0.9, random_state=0)
    test = make_biased_vqa(1000, bias=0.0, random_state=2)
    study = biased_vqa_study(train, {"counter-bias": test}, epochs=sizes["epochs"], every=10_000, random_state=0)
    xs = [torch.as_tensor(x) for x in test.modalities]
    with torch.no_grad():
        output = study.models["fused"](xs).argmax(dim=1).numpy()
        image = torch.softmax(study.models["image"]([xs[1]]), dim=1)
    confident = (image.max(dim=1).values > 0.9).numpy()
    guess = np.where(confident, image.argmax(dim=1).numpy(), test.aux["typical"])
    informed = float(np.mean(output == test.aux["typical"]))
    assert float(np.mean(output == guess)) > informed + 0.02, (informed, float(np.mean(output == guess)))


def exercise_3(sizes: dict) -> None:
    """Shuffled text rows keep the text's distribution but break its link to the label: the model learns to ignore
    the text, and its utilisation is near 0, as for the zeroed audio."""
    train, test = load_av_digits("train"), load_av_digits("test")
    mean, std = [x.mean(0) for x in train.modalities], [x.std(0) + 1e-6 for x in train.modalities]
    xs = [(x - m) / s for x, m, s in zip(train.modalities, mean, std, strict=True)]
    xt = [(x - m) / s for x, m, s in zip(test.modalities, mean, std, strict=True)]
    perm = torch.randperm(len(train.y), generator=torch.Generator().manual_seed(0))
    buggy = train_fusion(
        ([xs[0], xs[1], xs[2][perm]], train.y),
        (xt, test.y),
        "additive",
        epochs=sizes["av_epochs"],
        batch_size=128,
        lr=5e-3,
    )
    use = [modality_utilisation(buggy.model, xt, test.y, modality=i) for i in range(3)]
    assert use[2] < 0.03 and min(use[0], use[1]) > 0.1, use


def exercise_4(sizes: dict) -> None:
    """Lecture 6.3's ReLU MLP on XOR: EMAP says its accuracy rests on an interaction (the projection falls to
    chance), while its mixed second derivatives are zero on almost every sample. EMAP is right about the
    decisions; the gradients miss interactions that live in the ReLU kinks."""
    train, test = make_interaction(sizes["n"], "synergy", random_state=0).split((0.7, 0.3), random_state=0)
    model = train_fusion(train, test, "mlp", epochs=20, random_state=0).model.eval()
    xa, xb = (torch.as_tensor(x) for x in test.modalities)
    drop = emap_accuracy(model, xa, xb, torch.as_tensor(test.y)).drop
    zero = float((interaction_strength(model, xa, xb) == 0).double().mean())
    assert drop >= 0.25 and zero >= 0.99, (drop, zero)
