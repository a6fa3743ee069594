"""Reference answers: lectures/5_transference/02_colearning_zero_shot_translation.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np

from mmlab.data import make_digit_captions, number_name
from mmlab.transfer import load_text_encoder, standardized_views, translation_vs_unimodal, zero_shot_numbers

NOTEBOOK = "lectures/5_transference/02_colearning_zero_shot_translation.ipynb"


@cache
def _encoder():
    return load_text_encoder()


def _zero_shot(sizes: dict, names, **kwargs) -> float:
    """Zero-shot accuracy on the numbers 20..99 named by ``names`` (once per arguments: exercises 1 and 3 share one)."""
    return _cached_zero_shot(tuple(sorted(sizes.items())), tuple(names), tuple(sorted(kwargs.items())))


@cache
def _cached_zero_shot(sizes: tuple, names: tuple, kwargs: tuple) -> float:
    sizes = dict(sizes)
    return zero_shot_numbers(
        _encoder().encode(list(names)),
        n_unseen=20,
        n_train=sizes["n_train"],
        n_test=sizes["n_test"],
        epochs=sizes["epochs"],
        **dict(kwargs),
    )["accuracy"]


def exercise_1(sizes: dict) -> None:
    """The hidden layer does not help: both are far above chance and the linear map is at least as good (more
    capacity fits the seen numbers more specifically, which transfers less)."""
    names = [number_name(n) for n in range(20, 100)]
    linear, hidden = _zero_shot(sizes, names), _zero_shot(sizes, names, hidden=128)
    assert min(linear, hidden) > 0.4 and linear >= hidden - 0.02, (linear, hidden)


def exercise_2(sizes: dict) -> None:
    """With every label available the translation adds nothing (within 0.02)."""
    views, y_train, y_test = standardized_views()
    target = _encoder().encode(list(make_digit_captions(y_train.numpy(), random_state=0).captions))
    target = (target - target.mean(0)) / target.std(0)
    res = translation_vs_unimodal(
        views["image"],
        target,
        y_train,
        y_test,
        labelled_fraction=1.0,
        epochs=sizes["mctn_epochs"],
        repeats=sizes["repeats"],
    )
    assert abs(np.mean(res["translation"]) - np.mean(res["unimodal"])) < 0.02, res


def exercise_3(sizes: dict) -> None:
    """Numerals ("42", one token each) are not compositional for the encoder: zero-shot accuracy falls far below
    the number names' (it stays above chance, 0.05: nearby numerals still share some similarity)."""
    names = _zero_shot(sizes, [number_name(n) for n in range(20, 100)])
    numerals = _zero_shot(sizes, [str(n) for n in range(20, 100)])
    assert numerals < names - 0.2, (names, numerals)
