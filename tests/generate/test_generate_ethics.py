"""Planted style bias (mmlab/generate/_ethics.py)."""

import numpy as np
import pytest
import torch

from mmlab.generate import is_faint, plant_faint_style


def test_shares_are_exact_per_class_and_only_faint_images_change(seed):
    y = torch.tensor([0] * 50 + [1] * 30 + [2] * 20)
    x = torch.rand(100, 9, generator=torch.Generator().manual_seed(seed))
    biased, faint = plant_faint_style(x, y, target=1, target_share=0.9, other_share=0.1, factor=0.5, random_state=seed)
    assert faint[:50].sum() == 5 and faint[50:80].sum() == 27 and faint[80:].sum() == 2
    assert torch.allclose(biased[torch.from_numpy(faint)], 0.5 * x[torch.from_numpy(faint)])
    assert torch.equal(biased[torch.from_numpy(~faint)], x[torch.from_numpy(~faint)])


def test_faint_images_are_detected_by_their_darkest_pixel():
    x = torch.rand(200, 64, generator=torch.Generator().manual_seed(0)) * 0.3 + 0.7  # every image has a pixel > 0.7
    x[:, 0] = 1.0
    y = torch.arange(200) % 2
    biased, faint = plant_faint_style(x, y, target=0, factor=0.4)
    assert np.array_equal(is_faint(biased), faint)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda x, y: plant_faint_style(x, y, target=5), ValueError, "target"),
        (lambda x, y: plant_faint_style(x * 2, y, target=0), ValueError, r"\[0, 1\]"),
        (lambda x, y: plant_faint_style(x, y[:3], target=0), ValueError, "paired"),
        (lambda x, y: plant_faint_style(x.numpy(), y, target=0), TypeError, "torch.Tensor"),
        (lambda x, y: plant_faint_style(x, y, target=0, factor=1.0), ValueError, "factor"),
        (lambda x, y: plant_faint_style(x, y, target=0, target_share=1.5), ValueError, "target_share"),
        (lambda x, y: is_faint([[0.5]], threshold=1.0), ValueError, "threshold"),
        (lambda x, y: is_faint([0.5, 0.2]), ValueError, "dimension"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call(torch.rand(4, 3), torch.tensor([0, 0, 1, 1]))
