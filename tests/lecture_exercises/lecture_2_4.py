"""Reference answers: lectures/2_alignment/04_clustering_targets.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np
import torch

import mmlab.align.experiments as ax
from lecture_exercises import lecture_2_3, quick_sizes
from mmlab.align import kmeans_targets, linear_probe, span_mask
from mmlab.data import load_digit_strings
from mmlab.quantify import mutual_information

NOTEBOOK = "lectures/2_alignment/04_clustering_targets.ipynb"


@cache
def _run(n_clusters: int, epochs: int):
    return ax.run_clustering_targets(
        load_digit_strings("train"),
        load_digit_strings("test"),
        n_clusters=n_clusters,
        epochs=epochs,
        random_state=0,
        device="cpu",
    )


def _unit_information(targets, data) -> float:
    labels = np.concatenate(data.frame_labels(silence=10))
    table = np.zeros((int(max(t.max() for t in targets)) + 1, 11))
    np.add.at(table, (np.concatenate(targets), labels), 1.0)
    return mutual_information(table / table.sum())


def _features(fn, data) -> list:
    x, n = data.padded()
    out = fn(x, n).numpy()
    return [out[i, :k] for i, k in enumerate(data.lengths())]


def exercise_1(sizes: dict) -> None:
    """Not at this scale: the units found on the small, briefly trained model's features carry less information
    about the digit than the raw-frame units. HuBERT's second iteration pays off after far longer training."""
    train = load_digit_strings("train")
    run = _run(sizes["n_clusters"], sizes["epochs"])
    second, _ = kmeans_targets(_features(run.model.represent, train), sizes["n_clusters"], random_state=0)
    first = mutual_information(run.cluster_digit_table)
    assert _unit_information(second, train) < first, (_unit_information(second, train), first)


def exercise_2(sizes: dict) -> None:
    """A frame is hidden unless none of the 5 frames up to it starts a span: 1 - (1 - 0.2)^5 = 0.67 (less near the
    start of a sequence)."""
    mask = span_mask(torch.full((400,), 200), start_prob=0.2, span=5, generator=torch.Generator().manual_seed(0))
    assert abs(float(mask[:, 10:].float().mean()) - (1 - 0.8**5)) < 0.01


def exercise_3(sizes: dict) -> None:
    """More units split the frames more finely, so they carry more information about the digit."""
    train = load_digit_strings("train")
    few, _ = kmeans_targets(train.frames, 8, random_state=0)
    many, _ = kmeans_targets(train.frames, 100, random_state=0)
    assert _unit_information(many, train) > _unit_information(few, train) + 0.2


def exercise_4(sizes: dict) -> None:
    """The CTC encoder, trained with the digit sequences, is read more easily than the self-supervised one."""
    train, test = load_digit_strings("train"), load_digit_strings("test")
    notebook_03 = quick_sizes(lecture_2_3.NOTEBOOK)  # the recogniser notebook 03 trains (the same cached run)
    ctc = lecture_2_3._trained(notebook_03["epochs"], notebook_03["hidden"])
    ctc.model.eval()

    def encode(x, n):
        with torch.no_grad():
            return ctc.model.encoder(x[:, : int(n.max())])

    def flat(data):
        f = np.concatenate(_features(encode, data))
        y = np.concatenate(data.frame_labels())
        return f[y >= 0], y[y >= 0]

    supervised = linear_probe(*flat(train), *flat(test), max_samples=8000, random_state=0)
    assert supervised > _run(sizes["n_clusters"], sizes["epochs"]).probe["learned"] + 0.05, supervised
