"""The registry of fusion operators: FUSIONS, make_fusion, register_fusion."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import (
    FUSIONS,
    AdditiveFusion,
    ConcatFusion,
    LowRankFusion,
    MixtureOfFusions,
    ModalityShiftFusion,
    TensorFusion,
    make_fusion,
    register_fusion,
)


def test_every_name_builds_its_class_with_the_options():
    assert set(FUSIONS) >= {
        "additive",
        "concat",
        "mlp",
        "multiplicative",
        "bilinear",
        "tensor",
        "low_rank",
        "polynomial",
        "gated",
        "shift",
        "mixture",
    }
    for name, cls in FUSIONS.items():
        dims = [4, 3] if name == "bilinear" else [4, 3, 2]
        assert type(make_fusion(name, dims, 5)) is cls, name
    lmf = make_fusion("low_rank", [8, 8, 8], 4, rank=2)
    assert isinstance(lmf, LowRankFusion) and lmf.rank == 2
    assert make_fusion("polynomial", [2, 2], 1, order=2, rank=3).order == 2


def test_out_dim_none_only_where_it_means_something():
    assert isinstance(make_fusion("concat", [2, 3], None), ConcatFusion)
    assert make_fusion("concat", [2, 3], None).out_dim == 5
    shift = make_fusion("shift", [6, 3], None)
    assert isinstance(shift, ModalityShiftFusion) and shift.out_dim == 6
    with pytest.raises(ValueError, match="out_dim may be None only for 'concat' and 'shift'; 'tensor' needs an int"):
        make_fusion("tensor", [3, 3], None)


def test_make_fusion_rejects_unknown_names_and_bad_options():
    with pytest.raises(ValueError, match=r"name must be one of \['additive'.*got 'attention'"):
        make_fusion("attention", [3, 3], 4)
    with pytest.raises(ValueError, match="exactly 2 modalities"):
        make_fusion("bilinear", [3, 3, 3], 4)
    with pytest.raises(TypeError, match="unexpected keyword argument 'rank'"):
        make_fusion("tensor", [3, 3], 4, rank=2)


def test_mixture_is_registered_and_builds_its_operators_by_name():
    mix = make_fusion("mixture", [4, 3], 5, operators=("additive", "tensor"))
    assert isinstance(mix, MixtureOfFusions) and mix.names == ("additive", "tensor")
    assert isinstance(mix.operators[1], TensorFusion)


def test_register_fusion_adds_a_name_that_make_fusion_and_the_mixture_accept():
    assert "sum" not in FUSIONS

    class SumFusion(AdditiveFusion):
        pass

    try:
        register_fusion("sum", SumFusion)
        assert type(make_fusion("sum", [2, 2], 3)) is SumFusion
        register_fusion("sum", SumFusion)  # the same class again: a no-op
        mix = MixtureOfFusions([2, 2], 3, ["sum", "tensor"])
        assert mix([torch.zeros(4, 2), torch.zeros(4, 2)]).shape == (4, 3)
        with pytest.raises(ValueError, match="'sum' is already registered to SumFusion"):
            register_fusion("sum", TensorFusion)
    finally:
        FUSIONS.pop("sum", None)  # leave the registry as the other tests expect it


def test_register_fusion_validates_its_arguments():
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        register_fusion("", AdditiveFusion)
    with pytest.raises(TypeError, match="cls must be a torch.nn.Module subclass"):
        register_fusion("fn", lambda in_dims, out_dim: None)
    with pytest.raises(TypeError, match="cls must be a torch.nn.Module subclass"):
        register_fusion("inst", AdditiveFusion([2, 2], 1))
