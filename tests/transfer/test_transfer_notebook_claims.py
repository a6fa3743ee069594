"""The transference lectures' stochastic claims, rerun on five seeds with each notebook's quick sizes and margins.

Each test reads the quick row of the notebook's size table from the notebook
itself (its setup cell), calls the same ``mmlab.transfer`` functions the
notebook calls with ``random_state=seed``, and checks the same margins as the
notebook's ``claim`` calls. A margin that held only for seed 0 fails here.

What does not depend on the seed is computed once per module (the encoders,
the embeddings of the class names, the standardised views); each model is
trained once per seed, and a control that shares a model with the main
comparison (the unimodal baseline of the shuffled-target control) is not
trained twice.
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch

import mmlab.transfer as tr
from mmlab.data import make_digit_captions, number_name
from mmlab.quantify import transfer_heterogeneity

LECTURES = Path(__file__).resolve().parents[2] / "lectures" / "5_transference"


@cache
def quick_sizes(notebook: str) -> dict:
    """The ``"quick"`` row of the ``mmlab.sizes({...})`` table in the notebook's first code cell."""
    cells = json.loads((LECTURES / notebook).read_text(encoding="utf-8"))["cells"]
    setup = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for node in ast.walk(ast.parse(setup)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "sizes":
            table = node.args[0]
            for key, value in zip(table.keys, table.values, strict=True):
                if ast.literal_eval(key) == "quick":
                    return dict(ast.literal_eval(value))
    raise AssertionError(f"{notebook}: no size table")


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def encoders():
    return {"pretrained": tr.load_text_encoder(), "random": tr.load_text_encoder(pretrained=False)}


@cache
def _views(heterogeneity: bool = False):
    return tr.standardized_views(heterogeneity=heterogeneity)


@pytest.fixture(scope="module")
def name_embeddings(encoders):
    """The pretrained encoder's embeddings of the names of 20..99 and of the ten digits (seed-independent)."""
    enc = encoders["pretrained"]
    return enc.encode([number_name(n) for n in range(20, 100)]), enc.encode([number_name(d) for d in range(10)])


@pytest.mark.slow
def test_lecture_01_claims_hold_across_seeds(seed, encoders):
    s = quick_sizes("01_pretrained_encoders_adapters.ipynb")
    task = tr.caption_task(encoders, random_state=seed)
    _, test_emb, class_emb = task.features["pretrained"]
    correct = ((test_emb @ class_emb.T).argmax(1) == task.y_test).numpy()
    by_form = {f: correct[task.form_test == f].mean() for f in np.unique(task.form_test)}
    assert min(by_form["word"], by_form["numeral"], by_form["ordinal"]) > 0.7 > by_form["group"], by_form
    assert by_form["generic"] < 0.3, by_form
    ks = [s["k"], s["labels"][-1]]  # each k draws its own rows, so a subset of the curve gives the same values
    curve = tr.few_label_curve(task, ks, epochs=s["epochs"], repeats=s["repeats"], random_state=seed)["accuracy"]
    at_k, last = ({e: a[i] for e, a in curve.items()} for i in (0, 1))
    assert at_k["pretrained"] - max(at_k["random"], at_k["scratch"]) > 0.08 and min(at_k.values()) > 0.3, at_k
    assert max(last.values()) - min(last.values()) < 0.05, last
    pt = tr.prompt_tuning(
        encoders["pretrained"], task, s["k"], n_prompt=4, epochs=s["prompt_epochs"], random_state=seed
    )
    no_pre = tr.few_label_curve(
        task,
        [s["k"]],
        encoders=["random", "scratch"],
        use_image=False,
        epochs=s["epochs"],
        repeats=s["repeats"],
        random_state=seed,
    )["accuracy"]
    assert pt["prompt"] - pt["zero_shot"] > 0.02, pt
    assert pt["prompt"] - max(a[0] for a in no_pre.values()) > 0.1, (pt, no_pre)


@pytest.mark.slow
def test_lecture_02_claims_hold_across_seeds(seed, encoders, name_embeddings):
    s = quick_sizes("02_colearning_zero_shot_translation.ipynb")
    enc = encoders["pretrained"]
    names, digit_names = name_embeddings
    zs = tr.zero_shot_numbers(
        names, n_unseen=20, n_train=s["n_train"], n_test=s["n_test"], epochs=s["epochs"], random_state=seed
    )
    assert zs["accuracy"] > 0.4
    single = tr.zero_shot_digits(
        digit_names,
        n_unseen=3,
        splits=s["splits"],
        epochs=s["epochs"],
        random_state=seed,
    )
    assert single["accuracy"] < single["chance"] + 0.1, single
    assert zs["accuracy"] / zs["chance"] > 3 * single["accuracy"] / single["chance"]
    views, y_train, y_test = _views()
    target = enc.encode(list(make_digit_captions(y_train.numpy(), random_state=seed).captions))
    target = (target - target.mean(0)) / target.std(0)
    shuffled = target[torch.randperm(len(target), generator=torch.Generator().manual_seed(seed + 1))]
    opts = dict(labelled_fraction=s["labelled"], epochs=s["mctn_epochs"], repeats=s["repeats"], random_state=seed)
    paired = tr.translation_vs_unimodal(views["image"], target, y_train, y_test, **opts)
    # the unimodal model never sees the target: the control retrains only the translation (seeded on its own)
    control = tr.translation_vs_unimodal(views["image"], shuffled, y_train, y_test, methods=("translation",), **opts)
    uni, trans, shuf = (np.mean(v) for v in (paired["unimodal"], paired["translation"], control["translation"]))
    assert trans - uni > 0.01 and uni > 0.4, (uni, trans)
    assert shuf < trans, (shuf, trans)


@pytest.mark.slow
def test_lecture_03_claims_hold_across_seeds(seed):
    s = quick_sizes("03_film_and_missing_modalities.ipynb")
    slots = tr.slot_reading(n_train=s["n_train"], n_test=s["n_test"], epochs=s["epochs"], random_state=seed)
    acc, params = slots["accuracy"], slots["params"]
    assert acc["film"] - acc["concat"] > 0.2 and acc["concat"] > 0.15 and params["film"] < params["concat"], acc
    blocks = tr.slot_gamma_blocks(slots["models"]["film"])
    diag, off = np.diag(blocks), blocks[~np.eye(4, dtype=bool)]
    assert (blocks.argmax(1) == np.arange(4)).all() and diag.min() > 2 * off.mean(), blocks
    missing = tr.missing_rate_curves(
        train_missing=0.9, test_rates=(0.0, 0.5, 0.9, 1.0), epochs=s["missing_epochs"], random_state=seed
    )
    at90 = {m: a[2] for m, a in missing["accuracy"].items()}
    aware = {m: a for m, a in at90.items() if m != "zero-filling"}
    assert min(aware.values()) - at90["zero-filling"] > 0.15 and at90["zero-filling"] > 0.2, at90
    assert max(aware.values()) - min(aware.values()) < 0.1, at90
    zero = missing["accuracy"]["zero-filling"]
    assert all(min(a[i] for m, a in missing["accuracy"].items() if m != "zero-filling") > zero[i] for i in range(4)), (
        missing["accuracy"]
    )


@pytest.mark.slow
def test_lecture_04_claims_hold_across_seeds(seed):
    s = quick_sizes("04_multitask_and_heterogeneity.ipynb")
    views, y_train, y_test = _views(heterogeneity=True)
    het = transfer_heterogeneity(
        ({m: v[0] for m, v in views.items()}, y_train),
        ({m: v[1] for m, v in views.items()}, y_test),
        input_layer="keep",
        n_shot=s["n_shot"],
        epochs=s["epochs"],
        transfer_epochs=s["transfer_epochs"],
        repeats=s["repeats"],
        token=32,
        random_state=seed,
    )
    names = list(het.names)
    d = lambda a, b: round(float(het.symmetric[names.index(a), names.index(b)]), 3)  # noqa: E731
    gain = lambda a, b: round(float(het.gain[names.index(a), names.index(b)]), 3)  # noqa: E731
    assert het.closest("image") == "clean" and het.closest("clean") == "image", het.symmetric
    assert d("image", "transposed") - d("image", "clean") > 0.15, het.symmetric
    assert min(gain("image", "clean"), gain("clean", "image")) > 0.05, het.gain
    alone = lambda *group: [list(group)] + [[m] for m in names if m not in group]  # noqa: E731
    groupings = {
        "separate": None,
        "share all": [names],
        "heterogeneity-aware": alone("clean", het.closest("clean")),
        "clean with audio": alone("clean", "audio"),
    }
    share = tr.sharing_comparison(
        views, y_train, y_test, "clean", s["k"], groupings, steps=s["steps"], random_state=seed
    )
    low = {g: r["clean"] for g, r in share.items()}
    assert low["heterogeneity-aware"] - low["separate"] > 0.02 and low["separate"] > 0.5, low
    assert low["clean with audio"] < low["separate"], low
    assert low["heterogeneity-aware"] > low["share all"], low
