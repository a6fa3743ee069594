"""Reference answers: lectures/1_representation/07_contrastive_learning.ipynb, Exercises."""

from __future__ import annotations

import functools

import torch

import mmlab.coordination.experiments as cx
from mmlab.coordination import SimCLR, augment_signals, fit_simclr, signal_encoder
from mmlab.data import make_shifted_signals
from mmlab.fission import linear_probe
from mmlab.runtime import seeded

NOTEBOOK = "lectures/1_representation/07_contrastive_learning.ipynb"


def exercise_1(sizes: dict) -> None:
    """At temperature 1 the softmax over candidates is flat, so hard negatives (similar but wrong candidates) get
    little more weight than easy ones; retrieval does not improve and recall@1 ends up no higher than at 0.1."""
    cold = cx.contrastive_retrieval(n=sizes["n"], epochs=sizes["epochs"], temperature=0.1)
    warm = cx.contrastive_retrieval(n=sizes["n"], epochs=sizes["epochs"], temperature=1.0)
    assert warm.recall[1] < cold.recall[1] + 0.02, (warm.recall, cold.recall)


def exercise_2(sizes: dict) -> None:
    """With twice the steps the batch of 4 improves, but the gap to 64 negatives does not close: the saturated
    objective keeps teaching less per step."""
    sweep = cx.negatives_sweep((4, 64), steps=2 * sizes["steps"], n=sizes["n"])
    assert sweep[64]["recall"] - sweep[4]["recall"] > 0.04, sweep


def exercise_3(sizes: dict) -> None:
    """Without shifts among the augmentations the encoder is not pushed to be shift-invariant; it learns amplitude-
    and noise-invariant features of the raw positions, and the probe falls far below the shift-augmented SimCLR."""
    data = make_shifted_signals(sizes["ssl_n"] + 1000, random_state=0)
    x, y = torch.as_tensor(data.modalities[0]), data.y
    n = sizes["ssl_n"]
    with seeded(0):
        encoder = signal_encoder(x.shape[1])
        model = SimCLR(encoder, 32)
    fit_simclr(model, x[:n], functools.partial(augment_signals, shift=False), epochs=sizes["ssl_epochs"])
    with torch.no_grad():
        acc = linear_probe(encoder(x[:200]).numpy(), y[:200], encoder(x[n:]).numpy(), y[n:])
    assert acc < 0.85, acc
