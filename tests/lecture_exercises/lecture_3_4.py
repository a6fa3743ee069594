"""Reference answers: lectures/3_reasoning/04_causal_knowledge_counting.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np
import torch

import mmlab.reason.experiments as rx
from mmlab.data import SCENE_COLORS, SCENE_SHAPES, execute_program, make_scene_qa, make_scenes
from mmlab.reason import (
    CountingModel,
    KnowledgeGraph,
    MonolithicVQA,
    augment_with_interventions,
    intervention_test,
    scene_knowledge_graph,
    standard_interventions,
)
from mmlab.runtime import seeded
from mmlab.train import fit, predict

NOTEBOOK = "lectures/3_reasoning/04_causal_knowledge_counting.ipynb"

CIRCLE = ("exists", ("filter", "shape", "circle", ("scene",)))


def _seeded(build):
    with seeded(0):
        return build()


@cache
def _causal(n: int, epochs: int, strength: float = 1.0, augment: tuple[int, ...] = ()) -> dict:
    """Section 1's experiment (as ``rx.causal_experiment``, random_state=0), with the correlation's strength in the
    training data and the interventions it is augmented with as choices."""
    edits = standard_interventions("circle", "red")
    train = make_scenes(n, spurious=("circle", "red"), spurious_strength=strength, random_state=0)
    if augment:
        train = augment_with_interventions(train, [edits[i] for i in augment], random_state=3)
    model = _seeded(lambda: MonolithicVQA(1, dim=16, hidden=64))
    y = torch.as_tensor(execute_program(CIRCLE, train)).float()
    fit(
        model,
        [torch.as_tensor(train.images), torch.ones(train.n, 1)],
        y,
        epochs=epochs,
        lr=2e-3,
        loss="bce",
        batch_size=64,
        progress=False,
        random_state=0,
        device="cpu",
    )

    def answer(scenes):
        out = predict(model, [torch.as_tensor(scenes.images), torch.ones(scenes.n, 1)], device="cpu")
        return (out.reshape(-1) > 0).numpy()

    correlated = make_scenes(1000, spurious=("circle", "red"), random_state=1)
    uncorrelated = make_scenes(1000, random_state=2)
    report = intervention_test(answer, correlated, CIRCLE, edits, random_state=4)
    return {
        "invariance_failure": report.invariance_failure,
        "covariance_failure": report.covariance_failure,
        "accuracy_uncorrelated": float((answer(uncorrelated) == execute_program(CIRCLE, uncorrelated)).mean()),
    }


def exercise_1(sizes: dict) -> None:
    """Both failure rates collapse to about 0 (and accuracy without the correlation rises to about 1): when one object
    in five breaks the rule, colour stops predicting the answer on the training data itself, so the model has to
    read shape. The intervention test is the same as in the lecture (fresh, fully correlated scenes)."""
    full = _causal(sizes["n_causal"], sizes["epochs_causal"])
    weak = _causal(sizes["n_causal"], sizes["epochs_causal"], strength=0.8)
    assert full["invariance_failure"] > 0.5 and full["covariance_failure"] > 0.5, full
    assert weak["invariance_failure"] < 0.1 and weak["covariance_failure"] < 0.1, weak
    assert weak["accuracy_uncorrelated"] > full["accuracy_uncorrelated"] + 0.15, (weak, full)


def exercise_2(sizes: dict) -> None:
    """Both fall, not only the invariance failure: a recoloured circle labelled "yes" and an added red square
    labelled "no" already break the colour shortcut, so the model reads shape and then also follows the relevant
    edits. The invariance failure drops to about 0; the covariance failure falls by more than 0.2 too, though less
    reliably across seeds than with all four edits."""
    base = _causal(sizes["n_causal"], sizes["epochs_causal"])
    irrelevant = _causal(sizes["n_causal"], sizes["epochs_causal"], augment=(0, 1))
    kinds = [e.kind for e in standard_interventions("circle", "red")]
    assert kinds[:2] == ["irrelevant", "irrelevant"], kinds
    assert irrelevant["invariance_failure"] < base["invariance_failure"] - 0.5, (base, irrelevant)
    assert irrelevant["covariance_failure"] < base["covariance_failure"] - 0.2, (base, irrelevant)


def exercise_3(sizes: dict) -> None:
    """Only the questions about fruit change (food already covered the pea, as a vegetable), and only on scenes with
    a green circle and no red one. Nothing needs retraining: the same module network, running the new program the
    graph gives, answers the changed questions right. (The pixels-and-words model would need retraining: its
    answers about fruit were learned from the old labels.)"""
    old = scene_knowledge_graph()
    new = KnowledgeGraph(old.triples)
    new.add("pea", "is_a", "fruit")
    concepts = sorted({tail for _, _, tail in old.query(relation="is_a")})
    assert [c for c in concepts if old.ground(c) != new.ground(c)] == ["fruit"]
    scenes = make_scenes(1000, n_objects=(1, 4), random_state=5)
    before, after = execute_program(old.program("fruit"), scenes), execute_program(new.program("fruit"), scenes)
    changed = before != after
    has = {
        c: ((scenes.color == SCENE_COLORS.index(c)) & (scenes.shape == SCENE_SHAPES.index("circle"))).any(axis=(1, 2))
        for c in ("red", "green")
    }
    assert (changed == (has["green"] & ~has["red"])).all()
    nmn = rx.nmn_vs_monolithic(n=sizes["n_qa"], epochs=min(sizes["epochs_nmn"], 10), random_state=0).models["nmn"]
    with torch.no_grad():
        answers = nmn.answer(torch.as_tensor(scenes.images), [new.program("fruit")] * scenes.n).numpy() > 0.5
    assert changed.mean() > 0.1 and (answers[changed] == after[changed]).mean() > 0.9, changed.mean()


def exercise_4(sizes: dict) -> None:
    """No: with 64 features the global counter's error stays near that of predicting the mean, far above the
    modulated counter's. Its features would have to encode one count per colour-shape pair before pooling, and they
    do (a linear read-out of the pooled features recovers every pair's count, R^2 > 0.8); what is missing is the
    question's multiplicative selection of one of them, which a head on [pooled features; question] does not learn
    and which modulation puts in before pooling."""
    opts = {"family": "count_pair", "n_objects": (3, 10)}
    train, test = make_scene_qa(sizes["n_count"], random_state=0, **opts), make_scene_qa(1000, random_state=1, **opts)
    x = [torch.as_tensor(train.scenes.images), torch.as_tensor(train.tokens)]
    xt = [torch.as_tensor(test.scenes.images), torch.as_tensor(test.tokens)]
    rmse, models = {}, {}
    for name, fusion, dim in (("global_64", "global", 64), ("modulated", "modulated", 16)):
        models[name] = _seeded(lambda f=fusion, d=dim: CountingModel(train.tokens.shape[1], fusion=f, dim=d))
        fit(
            models[name],
            x,
            torch.as_tensor(train.answers).float(),
            epochs=sizes["epochs_count"],
            lr=3e-3,
            loss="mse",
            metrics=("mse",),
            batch_size=64,
            progress=False,
            random_state=0,
            device="cpu",
        )
        rmse[name] = float(np.sqrt(((predict(models[name], xt, device="cpu").numpy() - test.answers) ** 2).mean()))
    baseline = float(np.sqrt(((test.answers - train.answers.mean()) ** 2).mean()))
    assert rmse["global_64"] > rmse["modulated"] + 0.3 and rmse["global_64"] > baseline - 0.2, (rmse, baseline)

    def pooled_and_counts(qa):
        with torch.no_grad():
            pooled = models["global_64"].encoder(torch.as_tensor(qa.scenes.images)).mean(dim=(2, 3)).numpy()
        s = qa.scenes
        counts = np.stack([((s.color == c) & (s.shape == k)).sum(axis=(1, 2)) for c in range(3) for k in range(3)], 1)
        return np.c_[pooled, np.ones(len(pooled))], counts.astype(float)

    (f_train, c_train), (f_test, c_test) = pooled_and_counts(train), pooled_and_counts(test)
    readout = np.linalg.lstsq(f_train, c_train, rcond=None)[0]
    r2 = 1 - ((f_test @ readout - c_test) ** 2).sum(0) / ((c_test - c_test.mean(0)) ** 2).sum(0)
    assert r2.min() > 0.8, r2
