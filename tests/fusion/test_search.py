"""Tests of the differentiable search over fuse cells, and the claims of lecture 1.10 on five seeds."""

from __future__ import annotations

import pytest
import torch
from lecture_exercises import quick_sizes

from mmlab.data import make_interaction
from mmlab.fusion import (
    FUSIONS,
    SEARCH_CELLS,
    FusionCellSearch,
    masked_reconstruction,
    search_fusion_cell,
    search_vs_hand_picked,
)

L10 = "lectures/1_representation/10_early_fusion_and_search.ipynb"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def test_relaxed_cell_is_the_softmax_weighted_sum_of_its_cells(torch_gen):
    cell = FusionCellSearch([3, 5], 4)
    with torch.no_grad():
        cell.logits.copy_(torch.tensor([0.5, -1.0, 2.0]))
    xs = [torch.randn(6, 3, generator=torch_gen), torch.randn(6, 5, generator=torch_gen)]
    pi = torch.softmax(cell.logits.detach(), 0)
    expected = sum(p * n(c(xs)) for p, c, n in zip(pi, cell.cells, cell.norms, strict=True))
    assert torch.allclose(cell(xs), expected, atol=1e-6)
    assert cell.chosen() == "self_attention"
    assert cell.weights_by_name()["self_attention"] == pytest.approx(float(pi[2]))
    assert FUSIONS["search"] is FusionCellSearch and cell.arch_parameters()[0] is cell.logits


def test_one_hot_logits_reduce_to_one_cell(torch_gen):
    cell = FusionCellSearch([3, 3], 4, cells=("concat", "additive"))
    with torch.no_grad():
        cell.logits.copy_(torch.tensor([50.0, -50.0]))
    xs = [torch.randn(2, 3, generator=torch_gen), torch.randn(2, 3, generator=torch_gen)]
    cell.eval()  # running statistics of a fresh batch norm: mean 0, variance 1, i.e. the identity
    assert torch.allclose(cell(xs), cell.cells[0](xs), atol=1e-4)


def test_search_updates_alpha_on_validation_data_only():
    """With validation data whose labels are independent of the inputs, the network still fits the training data;
    alpha moves only through validation batches, the weights only through training batches."""
    train, val = make_interaction(300, "synergy", random_state=0).split((0.5, 0.5), random_state=0)
    result = search_fusion_cell(train, val, epochs=2, stop_at=None)
    assert result.trajectory.shape == (3, len(SEARCH_CELLS))
    assert result.trajectory[0].tolist() == pytest.approx([1 / 3] * 3)
    assert result.chosen in SEARCH_CELLS and sum(result.weights.values()) == pytest.approx(1.0)


def test_validation():
    with pytest.raises(TypeError, match="cells"):
        FusionCellSearch([3, 3], 4, cells="concat")
    with pytest.raises(ValueError, match="distinct"):
        FusionCellSearch([3, 3], 4, cells=("concat", "concat"))
    with pytest.raises(ValueError, match="name must be one of"):
        FusionCellSearch([3, 3], 4, cells=("concat", "sum"))
    train, val = make_interaction(60, "synergy", random_state=0).split((0.5, 0.5))
    with pytest.raises(ValueError, match="arch_lr"):
        search_fusion_cell(train, val, epochs=1, arch_lr=0.0)
    with pytest.raises(TypeError, match="modalities"):
        search_fusion_cell("data", val, epochs=1)
    with pytest.raises(ValueError, match="stop_at"):
        search_fusion_cell(train, val, epochs=1, stop_at=1.5)


def test_search_stops_once_a_cell_holds_the_weight():
    train, val = make_interaction(600, "synergy", random_state=1).split((0.5, 0.5), random_state=1)
    result = search_fusion_cell(train, val, epochs=30, stop_at=0.6)
    assert len(result.trajectory) < 31 and result.trajectory[-1].max() >= 0.6
    assert result.trajectory[-2].max() < 0.6 or len(result.trajectory) == 2


# --------------------------------------------------------------------------- lecture 1.10 on five seeds
@pytest.mark.slow
def test_lecture_10_claims_hold_across_seeds(seed):
    s = quick_sizes(L10)
    rec = masked_reconstruction(n=s["n"], epochs=s["epochs"], random_state=seed)
    assert max(rec.ratio(0), rec.ratio(1)) < 0.8, (rec.ratio(0), rec.ratio(1))
    search = search_vs_hand_picked(interaction="synergy", n=s["n_search"], epochs=s["search_epochs"], random_state=seed)
    hand = search.hand_picked
    assert search.chosen_score >= max(hand.values()) - 0.02, (search.search.chosen, hand)
    assert max(hand.values()) - min(hand.values()) > 0.3, hand
