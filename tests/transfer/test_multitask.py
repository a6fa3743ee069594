"""The multitask model of lecture 5.4 (its heterogeneity matrix: tests/quantify/test_transfer_heterogeneity.py)."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import n_params
from mmlab.transfer import MultitaskModel, few_labels, fit_multitask


def test_few_labels_takes_k_per_class():
    y = torch.tensor([0, 1, 2] * 10)
    rows = few_labels(y, 4, random_state=0)
    assert torch.bincount(y[rows]).tolist() == [4, 4, 4] and len(set(rows.tolist())) == 12
    with pytest.raises(ValueError, match="not available"):
        few_labels(y, 11)


def test_multitask_groups_share_trunks():
    dims, classes = {"a": 4, "b": 4, "c": 6}, {"a": 2, "b": 3, "c": 2}
    separate = MultitaskModel(dims, classes, hidden=5)
    shared = MultitaskModel(dims, classes, groups=[["a", "b"], ["c"]], hidden=5)
    trunk = lambda d: (d * 5 + 5) + (5 * 5 + 5)  # noqa: E731  input layer and second layer
    heads = (5 + 1) * 2 + (5 + 1) * 3 + (5 + 1) * 2
    assert n_params(separate) == trunk(4) * 2 + trunk(6) + heads
    assert n_params(shared) == trunk(4) + trunk(6) + heads
    assert shared.trunks[shared.group_of["a"]] is shared.trunks[shared.group_of["b"]]
    with pytest.raises(ValueError, match="same width"):
        MultitaskModel(dims, classes, groups=[["a", "c"], ["b"]])
    with pytest.raises(ValueError, match="exactly once"):
        MultitaskModel(dims, classes, groups=[["a"], ["b"]])
    with pytest.raises(KeyError, match="unknown task"):
        shared("d", torch.zeros(1, 4))


def test_fit_multitask_learns_each_task():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 3, generator=g)
    data = {"sign": (x, (x[:, 0] > 0).long()), "other": (x, (x[:, 1] > 0).long())}
    model = fit_multitask(
        MultitaskModel({"sign": 3, "other": 3}, {"sign": 2, "other": 2}, groups=[["sign", "other"]]), data, steps=200
    )
    for task, (xt, yt) in data.items():
        assert (model(task, xt).argmax(1) == yt).float().mean() > 0.9
    with pytest.raises(ValueError, match="lacks"):
        fit_multitask(model, {"zzz": data["sign"]}, steps=1)
