"""Reference answers: lectures/5_transference/03_film_and_missing_modalities.ipynb, Exercises."""

from __future__ import annotations

import torch

from mmlab.transfer import (
    CodebookImputer,
    RidgeImputer,
    mask_rows,
    missing_rate_curves,
    slot_reading,
    standardized_views,
)

NOTEBOOK = "lectures/5_transference/03_film_and_missing_modalities.ipynb"


def exercise_1(sizes: dict) -> None:
    """Four times the data narrows the gap but FiLM stays ahead: the gating is easy for FiLM, learnable for the MLP."""
    small = slot_reading(n_train=sizes["n_train"], n_test=sizes["n_test"], epochs=sizes["epochs"])["accuracy"]
    big = slot_reading(n_train=4 * sizes["n_train"], n_test=sizes["n_test"], epochs=sizes["epochs"])["accuracy"]
    assert big["film"] > big["concat"], big
    assert big["film"] - big["concat"] < small["film"] - small["concat"], (small, big)


def exercise_2(sizes: dict) -> None:
    """With half the audio, every model learns to use it, so every curve falls as more test audio is missing."""
    res = missing_rate_curves(train_missing=0.5, epochs=sizes["missing_epochs"])
    for method, acc in res["accuracy"].items():
        assert acc[0] > acc[-1], (method, acc)


def exercise_3(sizes: dict) -> None:
    """Fitted on 108 complete pairs, neither imputer predicts the test audio better than the training mean: the
    image says which digit it is, not how this recording sounds (and the ridge map overfits)."""
    views, y_train, _ = standardized_views()
    (image_train, image_test), (audio_train, audio_test) = views["image"], views["audio"]
    present = mask_rows(len(y_train), 0.9, random_state=0)
    mean_error = float(((audio_train[present].mean(0) - audio_test) ** 2).mean())
    for imputer in (RidgeImputer(), CodebookImputer()):
        imputer.fit(image_train[present], audio_train[present])
        with torch.no_grad():
            error = float(((imputer(image_test) - audio_test) ** 2).mean())
        assert error > mean_error, (type(imputer).__name__, error, mean_error)
