"""Reference answers: lectures/2_alignment/03_connectionist_temporal_classification.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import torch

import mmlab.align.experiments as ax
from mmlab.align import CTCRecognizer, alignment_segments, ctc_forced_align, ctc_greedy_decode
from mmlab.data import load_digit_strings
from mmlab.runtime import seeded

NOTEBOOK = "lectures/2_alignment/03_connectionist_temporal_classification.ipynb"


@cache
def _trained(epochs: int, hidden: int):
    return ax.run_ctc(
        load_digit_strings("train"),
        load_digit_strings("test"),
        epochs=epochs,
        hidden=hidden,
        random_state=0,
        device="cpu",
    )


def exercise_1(sizes: dict) -> None:
    """An untrained model's forced alignment is arbitrary: its emissions pile up where the random read-out happens
    to favour the labels, far less often inside the true segments than a random frame would be."""
    test = load_digit_strings("test")
    with seeded(0):
        model = CTCRecognizer(20, 10)
    x, n = test.padded()
    centres = [
        (lambda s: (s[:, 0] + s[:, 1] - 1) / 2)(alignment_segments(model.align(x[i], int(n[i]), d), len(d)))
        for i, d in enumerate(test.digits[:100])
    ]
    inside = np.mean(ax.segment_distances(np.concatenate(centres), np.concatenate(test.segments[:100])) == 0)
    coverage = np.mean(
        [(s[:, 1] - s[:, 0]).sum() / len(f) for s, f in zip(test.segments[:100], test.frames[:100], strict=True)]
    )
    assert inside < coverage - 0.2, (inside, coverage)


def exercise_2(sizes: dict) -> None:
    """The narrower model stays on the blank plateau for longer: over the notebook's epochs its loss barely moves
    after the first epoch, with twice as many it leaves the plateau, its loss falls far below it and it decodes most
    strings. The run with the notebook's epochs is the first half of the run with twice as many (the same initial
    weights, and the batches of epoch k are drawn from seed + k), so its loss curve is ``long.history.loss[:epochs]``
    and one run of twice the epochs shows both."""
    epochs = sizes["epochs"]
    long = _trained(2 * epochs, 32)
    loss = long.history.loss
    plateau, after = loss[1] - loss[epochs - 1], loss[epochs - 1] - loss[-1]
    assert after > 4 * plateau and loss[-1] < 0.5 * loss[epochs - 1], (plateau, after, loss)
    assert long.greedy_accuracy > 0.5, long.greedy_accuracy


def exercise_3(sizes: dict) -> None:
    """[3, 3, 0, 3] -> [3, 3] (the blank separates two 3s) and [3, 3, 3] -> [3]: a repeated label needs a blank
    frame in between, so T >= |l| + repeats; forced alignment refuses a shorter sequence."""

    def one_hot(path):
        return torch.nn.functional.one_hot(torch.tensor(path), 4).float()

    assert ctc_greedy_decode(one_hot([3, 3, 0, 3])) == [[3, 3]]
    assert ctc_greedy_decode(one_hot([3, 3, 3])) == [[3]]
    with pytest.raises(ValueError, match="needs at least 3 frames"):
        ctc_forced_align(torch.zeros(2, 4).log_softmax(-1), [3, 3])


def exercise_4(sizes: dict) -> None:
    """The true order is cheaper for (nearly) every string: the model has learnt the order of the digits, which is
    exactly what CTC trains."""
    run = _trained(sizes["epochs"], sizes["hidden"])
    test = load_digit_strings("test")
    x, n = test.padded()
    run.model.eval()
    with torch.no_grad():
        log_probs = run.model([x, n])
    better = []
    for i, digits in enumerate(test.digits):
        labels = torch.tensor(digits) + 1
        swapped = labels.clone()
        swapped[[0, 1]] = swapped[[1, 0]]
        lp = log_probs[i : i + 1, : int(n[i])].transpose(0, 1)
        loss = [
            float(torch.nn.functional.ctc_loss(lp, lab[None], [int(n[i])], [len(lab)], reduction="sum"))
            for lab in (labels, swapped)
        ]
        better.append(loss[0] < loss[1])
    assert np.mean(better) > 0.95, np.mean(better)
