"""Plots of challenge 4 (mmlab/viz/_generation.py): each draws, labels, and refuses bad input."""

import numpy as np
import pytest
import torch

from mmlab.train import History
from mmlab.viz import (
    plot_elbo_terms,
    plot_generated_pairs,
    plot_generator_metrics,
    plot_nearest_neighbour_distances,
    plot_sample_grid,
    plot_summary_units,
    plot_token_grid,
)


def test_sample_grid_has_one_axes_per_image_and_row_labels():
    fig = plot_sample_grid(torch.rand(3, 4, 64), row_labels=["a", "b", "c"], title="t")
    assert len(fig.axes) == 12 and fig.axes[0].get_ylabel() == "a"


def test_elbo_terms_with_validation():
    h = History(
        epoch=[1, 2],
        loss=[3.0, 2.0],
        metrics={
            "reconstruction": [2.5, 1.8],
            "kl": [0.5, 0.2],
            "val_reconstruction": [2.6, 1.9],
            "val_kl": [0.4, 0.3],
        },
    )
    fig = plot_elbo_terms(h)
    assert len(fig.axes) == 2 and all(len(ax.lines) == 2 for ax in fig.axes)
    assert fig.axes[0].get_xlabel() == "epoch"


def test_token_grid_pairs_and_distances_and_metrics_and_summary(rng):
    fig = plot_token_grid(rng.random(64), np.arange(16), reconstruction=rng.random(64))
    assert len(fig.axes) == 2 and len(fig.axes[0].texts) == 16
    fig = plot_generated_pairs(rng.random((3, 64)), rng.random((3, 480)), labels=["1", "2", "3"])
    assert len(fig.axes) == 6
    fig = plot_nearest_neighbour_distances({"g": {"training": rng.random(20), "held-out": rng.random(20)}})
    assert fig.axes[0].get_title() == "g"
    ax = plot_generator_metrics({"a": {"m1": 1.0, "m2": 0.5}, "b": {"m1": 0.2, "m2": 0.1}}, flags={"b": {"m1": True}})
    assert len(ax.texts) == 4 and ax.get_ylabel() == "generator"
    fig = plot_summary_units(rng.random(64), rng.random(480), "eins", [0, 8, 32])
    assert "1 of 8 rows" in fig.axes[0].get_title() and "kept" in fig.axes[2].get_title()


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: plot_sample_grid(np.zeros((2, 64))), ValueError, "dimension"),
        (lambda: plot_sample_grid(np.zeros((1, 2, 63))), ValueError, "pixels"),
        (lambda: plot_sample_grid(np.zeros((2, 2, 64)), row_labels=["a"]), ValueError, "row_labels"),
        (lambda: plot_elbo_terms(object()), TypeError, "History"),
        (lambda: plot_elbo_terms(History(epoch=[1], loss=[1.0], metrics={"kl": [1.0]})), ValueError, "reconstruction"),
        (lambda: plot_token_grid(np.zeros(64), np.arange(15)), ValueError, "square grid"),
        (lambda: plot_generated_pairs(np.zeros((2, 64)), np.zeros((3, 480))), ValueError, "paired"),
        (lambda: plot_nearest_neighbour_distances({}), ValueError, "at least one"),
        (lambda: plot_generator_metrics({"a": {"x": 1.0}, "b": {"y": 1.0}}), ValueError, "same metrics"),
        (lambda: plot_summary_units(np.zeros(64), np.zeros(480), "w", [40]), ValueError, "0 .. 32"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call()
