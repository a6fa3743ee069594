"""Reference answers: lectures/5_transference/04_multitask_and_heterogeneity.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np

from mmlab.quantify import transfer_heterogeneity
from mmlab.transfer import sharing_comparison, standardized_views

NOTEBOOK = "lectures/5_transference/04_multitask_and_heterogeneity.ipynb"


@cache
def _views():
    return standardized_views(heterogeneity=True)


def _matrix(sizes: dict, **changes):
    """The notebook's matrix (input layer kept, its quick sizes), with ``changes`` to its arguments.

    Computed once per arguments: exercises 1, 2 and 4 all compare with the notebook's own matrix.
    """
    return _cached_matrix(tuple(sorted(sizes.items())), tuple(sorted(changes.items())))


@cache
def _cached_matrix(sizes: tuple, changes: tuple):
    sizes, changes = dict(sizes), dict(changes)
    views, y_train, y_test = _views()
    kwargs = (
        dict(
            input_layer="keep",
            n_shot=sizes["n_shot"],
            epochs=sizes["epochs"],
            transfer_epochs=sizes["transfer_epochs"],
            repeats=sizes["repeats"],
            token=32,
        )
        | changes
    )
    return transfer_heterogeneity(
        ({m: v[0] for m, v in views.items()}, y_train), ({m: v[1] for m, v in views.items()}, y_test), **kwargs
    )


def exercise_1(sizes: dict) -> None:
    """The transposed image is not closest to either image view (here: text), and it is farther from the image than
    the clean image by a wide margin: to a model that reads the raw coordinates through a shared input layer, the same
    pixels in another layout are a modality of their own."""
    het = _matrix(sizes)
    names = list(het.names)
    d = lambda a, b: het.symmetric[names.index(a), names.index(b)]  # noqa: E731
    assert het.closest("transposed") not in ("image", "clean"), het.symmetric
    assert d("image", "transposed") > d("image", "clean") + 0.2, het.symmetric


def exercise_2(sizes: dict) -> None:
    """With 200 labelled target samples the model trained from scratch is much better, so the start matters less:
    the heterogeneities shrink (about halve), and so do the transfer gains over scratch."""
    few, more = _matrix(sizes), _matrix(sizes, n_shot=200)
    off = ~np.eye(len(few.names), dtype=bool)
    assert more.heterogeneity[off].mean() < 0.7 * few.heterogeneity[off].mean(), (few.heterogeneity, more.heterogeneity)
    assert np.abs(more.gain[off]).mean() < np.abs(few.gain[off]).mean(), (few.gain, more.gain)
    assert (more.scratch > few.scratch).all(), (few.scratch, more.scratch)


def exercise_3(sizes: dict) -> None:
    """Text is heterogeneous to every other view, so no sharing helps it: separate models are best for it."""
    views, y_train, y_test = _views()
    names = list(views)
    groupings = {
        "separate": None,
        "text with audio": [["text", "audio"], ["image", "clean"], ["transposed"]],
        "share all": [names],
    }
    res = sharing_comparison(views, y_train, y_test, "text", sizes["k"], groupings, steps=sizes["steps"])
    low = {g: r["text"] for g, r in res.items()}
    assert low["separate"] >= max(low["text with audio"], low["share all"]), low


def exercise_4(sizes: dict) -> None:
    """With a fresh input layer the matrix goes flat: every entry is near 0, the transposed image is no farther from
    the image than the clean image (a linear input layer can absorb any reordering of the pixels), and the diagonal
    is no better than scratch. With 50 labels the new 64-wide input layer has to be learned from scratch, and a
    pretrained body is of no use behind an input layer that does not yet speak its language: on these views, what
    transfers is mostly the input layer."""
    kept, new = _matrix(sizes), _matrix(sizes, input_layer="new")
    names = list(new.names)
    d = lambda a, b: new.symmetric[names.index(a), names.index(b)]  # noqa: E731
    assert np.abs(new.symmetric).max() < 0.5 * np.abs(kept.symmetric).max(), (kept.symmetric, new.symmetric)
    assert d("image", "transposed") < d("image", "clean") + 0.05, new.symmetric
    assert np.diag(new.gain).mean() < 0.05 < np.diag(kept.gain).mean(), (np.diag(new.gain), np.diag(kept.gain))
