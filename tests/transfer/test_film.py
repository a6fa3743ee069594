"""FiLM: identity at gamma = 1, beta = 0, the equation, and the slot task."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import n_params
from mmlab.transfer import FiLM, SlotReader, make_slot_task, slot_gamma_blocks


def test_film_is_the_identity_at_initialisation(torch_gen):
    film = FiLM(7, 3)
    h, z = torch.randn(5, 7, generator=torch_gen), torch.randn(5, 3, generator=torch_gen)
    assert torch.equal(film(h, z), h)
    gamma, beta = film.modulation(z)
    assert torch.equal(gamma, torch.ones(5, 7)) and torch.equal(beta, torch.zeros(5, 7))


def test_film_computes_gamma_times_h_plus_beta(torch_gen):
    film = FiLM(4, 2)
    with torch.no_grad():
        for p in film.parameters():
            p.normal_(generator=torch_gen)
    h, z = torch.randn(3, 4, generator=torch_gen), torch.randn(3, 2, generator=torch_gen)
    gamma = z @ film.gamma.weight.T + film.gamma.bias
    beta = z @ film.beta.weight.T + film.beta.bias
    assert torch.allclose(film(h, z), gamma * h + beta, atol=1e-6)
    assert n_params(film) == 2 * 4 * (2 + 1)


def test_film_gradcheck():
    film = FiLM(3, 2).double()
    h = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    z = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: film(a, b), (h, z))


def test_film_validates():
    film = FiLM(3, 2)
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        film(torch.zeros(2, 4), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="same samples"):
        film(torch.zeros(2, 3), torch.zeros(3, 2))
    with pytest.raises(TypeError, match="floating"):
        film(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 2))


def test_slot_task_labels_are_the_selected_digits():
    feats = torch.arange(40.0).reshape(20, 2)
    labels = torch.arange(20) % 10
    task = make_slot_task(feats, labels, 50, n_slots=3, random_state=0)
    assert task.images.shape == (50, 6) and task.instruction.shape == (50, 3)
    assert torch.equal(task.instruction.argmax(1), task.slot)
    assert torch.equal(task.y, task.digits[torch.arange(50), task.slot])
    # the selected slot's features are the features of a sample with that label
    chosen = task.images.reshape(50, 3, 2)[torch.arange(50), task.slot, 0]
    assert torch.equal(labels[(chosen / 2).long()], task.y)
    with pytest.raises(ValueError, match=">= 2"):
        make_slot_task(feats, labels, 5, n_slots=1)


def test_slot_reader_modes_and_gamma_blocks():
    film, cat = SlotReader(2, 3, channels=4), SlotReader(2, 3, channels=4, mode="concat", hidden=8)
    xs = [torch.randn(5, 6), torch.eye(3)[[0, 1, 2, 0, 1]]]
    assert film(xs).shape == cat(xs).shape == (5, 10)
    blocks = slot_gamma_blocks(film)
    assert blocks.shape == (3, 3) and (blocks == 1.0).all()  # identity start: |gamma| = 1 everywhere
    with pytest.raises(TypeError, match="mode='film'"):
        slot_gamma_blocks(cat)
    with pytest.raises(ValueError, match="mode"):
        SlotReader(2, 3, mode="add")
