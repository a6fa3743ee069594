"""Reference answers: lectures/5_transference/01_pretrained_encoders_adapters.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np
import torch

from mmlab.transfer import caption_task, few_label_curve, few_labels, load_text_encoder

NOTEBOOK = "lectures/5_transference/01_pretrained_encoders_adapters.ipynb"


@cache
def _encoders() -> dict:
    return {"pretrained": load_text_encoder(), "random": load_text_encoder(pretrained=False)}


@cache
def _task(informative: float = 0.75):
    return caption_task(_encoders(), informative=informative)


def exercise_1(sizes: dict) -> None:
    """By form, the pretrained encoder gains least on the plain word (both encoders read "seven" as "seven") and
    most on forms that need knowledge: numerals, ordinals, "times" and group nouns."""
    from mmlab.transfer import AdapterClassifier

    task = _task()
    rows = few_labels(task.y_train, sizes["k"], random_state=sizes["k"])
    by_form = {}
    for name in ("pretrained", "random"):
        train, test, classes = task.features[name]
        torch.manual_seed(0)
        model = AdapterClassifier(classes, bottleneck=16, other_dim=64)
        opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4, foreach=True)
        for _ in range(sizes["epochs"]):
            loss = torch.nn.functional.cross_entropy(model([train[rows], task.image_train[rows]]), task.y_train[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            correct = (model([test, task.image_test]).argmax(1) == task.y_test).numpy()
        by_form[name] = {f: correct[task.form_test == f].mean() for f in np.unique(task.form_test)}
    gain = {f: by_form["pretrained"][f] - by_form["random"][f] for f in by_form["pretrained"]}
    assert gain["word"] < min(gain["numeral"], gain["ordinal"], gain["times"], gain["group"]), gain


def exercise_2(sizes: dict) -> None:
    """Without generic captions the text decides almost everything and the pretrained encoder's lead grows."""
    curve = lambda t: few_label_curve(t, [sizes["k"]], epochs=sizes["epochs"])["accuracy"]  # noqa: E731
    base, clean = curve(_task()), curve(_task(1.0))
    gap = lambda acc: acc["pretrained"][0] - acc["scratch"][0]  # noqa: E731
    assert clean["pretrained"][0] > 0.9 and gap(clean) > gap(base), (base, clean)


def exercise_3(sizes: dict) -> None:
    """With zero training steps (text only) the adapter is the identity and the model is the zero-shot classifier."""
    task = _task()
    untrained = few_label_curve(task, [sizes["k"]], encoders=["pretrained"], use_image=False, epochs=0)
    _, test, classes = task.features["pretrained"]
    zero_shot = float(((test @ classes.T).argmax(1) == task.y_test).double().mean())
    assert abs(untrained["accuracy"]["pretrained"][0] - zero_shot) < 1e-9
