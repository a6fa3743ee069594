"""The orientation chapter's plotting helper (mmlab/viz/_orientation.py): the modality gallery."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.image import AxesImage

from mmlab.data import load_dataset
from mmlab.viz import plot_modality_gallery


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def samples():
    return [load_dataset("av_digits", "val"), load_dataset("book_reviews"), load_dataset("interaction")]


def test_one_row_per_data_set_one_panel_per_modality_and_the_target(samples):
    fig = plot_modality_gallery(samples, index={"av_digits": 4, "book_reviews": 7})
    axes = np.array(fig.axes).reshape(3, 4)
    visible = [[ax.axison for ax in row] for row in axes]
    assert visible == [[True, True, True, True], [True, True, False, True], [True, True, False, True]]
    assert fig._suptitle is not None and fig._suptitle.get_text()
    for ax in axes.ravel():
        if ax.axison:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_images_and_sequences_are_drawn_in_their_layout(samples):
    fig = plot_modality_gallery(samples[:1], index=4)
    image_ax, audio_ax, text_ax, _ = fig.axes
    (image,), (spectrogram,) = image_ax.get_images(), audio_ax.get_images()
    assert isinstance(image, AxesImage) and image.get_array().shape == (8, 8)
    np.testing.assert_allclose(image.get_array(), samples[0]["image"][4].reshape(8, 8))
    assert spectrogram.get_array().shape == (20, 24) and audio_ax.get_ylabel() == "mel band"
    heights = [p.get_height() for p in text_ax.patches]
    np.testing.assert_allclose(heights, samples[0]["text"][4])


def test_a_table_column_marks_the_drawn_sample_and_the_target_its_class(samples):
    fig = plot_modality_gallery(samples[1:2], index=7, captions={("book_reviews", "critic"): "a caption"})
    smiling_ax, critic_ax, target_ax = fig.axes  # two columns, then the target
    (line,) = smiling_ax.get_lines()
    assert line.get_xdata()[0] == pytest.approx(samples[1]["smiling"][7])
    assert critic_ax.get_title().endswith("a caption")
    assert target_ax.get_lines()[0].get_xdata()[0] == pytest.approx(samples[1].y[7])  # a regression target

    fig = plot_modality_gallery(samples[:1], index=4)
    red = [p for p in fig.axes[3].patches if p.get_facecolor()[:3] == pytest.approx((0.839, 0.153, 0.157), abs=0.01)]
    assert len(red) == 1 and red[0].get_x() + red[0].get_width() / 2 == pytest.approx(samples[0].y[4])


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ([], TypeError, "non-empty list"),
        ("av_digits", TypeError, "non-empty list"),
        ([np.zeros(3)], TypeError, r"samples\[0\] must be a DatasetSample"),
    ],
)
def test_bad_samples_raise(bad, error, match):
    with pytest.raises(error, match=match):
        plot_modality_gallery(bad)


def test_bad_indices_raise(samples):
    with pytest.raises(TypeError, match="index must be an int or a mapping"):
        plot_modality_gallery(samples, index=1.5)
    with pytest.raises(ValueError, match=r"index of 'book_reviews' must be a row in \[0, 300\); got 300"):
        plot_modality_gallery(samples, index={"book_reviews": 300})
    with pytest.raises(ValueError, match="must be a row"):
        plot_modality_gallery(samples, index=-1)
