"""Soft logic (mmlab/reason/_logic.py): t-norm laws, attention-map execution, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.data import SCENE_ATTRIBUTES, execute_program, make_scenes
from mmlab.reason import TNORMS, execute_soft, soft_and, soft_count, soft_exists, soft_not, soft_or, soft_relate

BITS = (torch.tensor([0.0, 0.0, 1.0, 1.0]), torch.tensor([0.0, 1.0, 0.0, 1.0]))


@pytest.fixture
def ab(torch_gen):
    return torch.rand(500, generator=torch_gen, dtype=torch.float64), torch.rand(
        500, generator=torch_gen, dtype=torch.float64
    )


@pytest.mark.parametrize("tnorm", TNORMS)
def test_boolean_on_bits(tnorm):
    assert soft_and(*BITS, tnorm=tnorm).tolist() == [0, 0, 0, 1]
    assert soft_or(*BITS, tnorm=tnorm).tolist() == [0, 1, 1, 1]
    assert soft_not(BITS[0]).tolist() == [1, 1, 0, 0]


@pytest.mark.parametrize("tnorm", TNORMS)
def test_t_norm_axioms_and_de_morgan(tnorm, ab):
    a, b = ab
    c = torch.roll(a, 1)
    assert torch.allclose(soft_and(a, b, tnorm=tnorm), soft_and(b, a, tnorm=tnorm))  # commutative
    assert torch.allclose(
        soft_and(a, soft_and(b, c, tnorm=tnorm), tnorm=tnorm), soft_and(soft_and(a, b, tnorm=tnorm), c, tnorm=tnorm)
    )  # associative
    assert torch.allclose(soft_and(a, torch.ones_like(a), tnorm=tnorm), a)  # identity 1
    assert torch.all(soft_and(a, b, tnorm=tnorm) <= soft_and(torch.maximum(a, b), b, tnorm=tnorm) + 1e-12)  # monotone
    assert torch.all(soft_and(a, b, tnorm=tnorm) <= torch.minimum(a, b) + 1e-12)  # Gödel is the largest t-norm
    gap = soft_not(soft_and(a, b, tnorm=tnorm)) - soft_or(soft_not(a), soft_not(b), tnorm=tnorm)
    assert gap.abs().max() < 1e-12


def test_contradiction_bounds(ab):
    a, _ = ab
    assert soft_and(a, soft_not(a), tnorm="lukasiewicz").max() == 0
    assert soft_and(a, soft_not(a), tnorm="product").max() <= 0.25
    assert soft_and(a, soft_not(a), tnorm="godel").max() <= 0.5


def test_gradients_flow():
    a = torch.tensor([0.3, 0.8], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.6, 0.1], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, y: soft_or(x, y), (a, b))
    assert torch.autograd.gradcheck(lambda x: soft_exists(x.reshape(1, 1, 2)), (a,))


def test_exists_count_relate_on_hard_maps(seed):
    s = make_scenes(50, random_state=seed)
    red = torch.tensor(s.color == 0).double()
    assert torch.equal(
        soft_exists(red) > 0.5, torch.tensor(execute_program(("exists", ("filter", "color", "red", ("scene",))), s))
    )
    assert torch.equal(soft_count(red), red.sum((1, 2)))
    for d in ("left", "right", "above", "below"):
        expected = execute_program(("relate", d, ("filter", "color", "red", ("scene",))), s)
        got = (soft_relate(red, d) > 0.5).numpy() & s.occupied
        assert np.array_equal(got, expected), d


@pytest.mark.parametrize("tnorm", TNORMS)
def test_execute_soft_matches_symbolic_programs(tnorm):
    s = make_scenes(80, random_state=3)

    def truth(attr, value):
        return torch.tensor(s.attribute(attr) == SCENE_ATTRIBUTES[attr].index(value)).double()

    objects = torch.tensor(s.occupied).double()
    red, circle = ("filter", "color", "red", ("scene",)), ("filter", "shape", "circle", ("scene",))
    programs = [
        ("count", ("and", red, ("not", circle))),
        ("exists", ("or", red, circle)),
        ("count", ("relate", "above", ("filter", "fill", "hollow", ("scene",)))),
        ("and", ("exists", red), ("not", ("exists", circle))),
    ]
    for p in programs:
        got = execute_soft(p, truth, objects, tnorm=tnorm).numpy()
        assert np.allclose(got, execute_program(p, s).astype(float), atol=1e-5), p  # exists clamps at 1 - 1e-6


def test_bad_inputs():
    a = torch.tensor([0.5])
    with pytest.raises(TypeError, match="torch.Tensor"):
        soft_and([0.5], a)
    with pytest.raises(TypeError, match="floating point"):
        soft_or(torch.tensor([1]), a)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        soft_not(torch.tensor([1.5]))
    with pytest.raises(ValueError, match="same shape"):
        soft_and(a, torch.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="tnorm"):
        soft_and(a, a, tnorm="max")
    with pytest.raises(ValueError, match=r"\(n, rows, cols\)"):
        soft_exists(a)
    with pytest.raises(ValueError, match="direction"):
        soft_relate(torch.zeros(1, 2, 2), "behind")
    with pytest.raises(TypeError, match="find must be a function"):
        execute_soft(("scene",), None, torch.zeros(1, 2, 2))
    with pytest.raises(ValueError, match="must return shape"):
        execute_soft(
            ("exists", ("filter", "color", "red", ("scene",))), lambda *_: torch.zeros(1, 3, 3), torch.zeros(1, 2, 2)
        )
    with pytest.raises(ValueError, match="unknown program operation"):
        execute_soft(("fly",), lambda *_: None, torch.zeros(1, 2, 2))
