"""Reference answers: lectures/6_quantification/06_heterogeneity_transfer_and_structure.ipynb, Exercises."""

from __future__ import annotations

import torch
from torch import nn

from mmlab.data import load_av_digits, make_interaction, make_sets
from mmlab.quantify import (
    DeepSets,
    cyclic_shift,
    equivariance_error,
    invariance_error,
    permute_elements,
    transfer_heterogeneity,
)
from mmlab.train import evaluate, fit

NOTEBOOK = "lectures/6_quantification/06_heterogeneity_transfer_and_structure.ipynb"


def _asymmetry(sizes: dict, n_shot: int) -> float:
    data = make_interaction(sizes["n_transfer"], ("redundancy", "uniqueness_0"), n_modalities=3, random_state=0)
    h = transfer_heterogeneity(
        *data.split((0.6, 0.4), random_state=0),
        epochs=sizes["epochs"],
        transfer_epochs=sizes["epochs"],
        n_shot=n_shot,
        repeats=sizes["repeats"],
    )
    return float(h.heterogeneity[1:, 0].mean() - h.heterogeneity[0, 1:].mean())


def exercise_1(sizes: dict) -> None:
    """With 256 labelled target samples the second bit can be learned during fine-tuning from any source: the
    asymmetry shrinks. A heterogeneity matrix is a statement about a transfer budget."""
    few, many = _asymmetry(sizes, sizes["n_shot"]), _asymmetry(sizes, 256)
    assert many < few - 0.05, (few, many)


class MaxSets(DeepSets):
    """DeepSets with max pooling: still invariant, but it cannot count."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.rho(self.phi(x).max(dim=1).values)


def exercise_2(sizes: dict) -> None:
    """Max pooling is permutation-invariant too, but it sees which types are present, not how often: on noise-free
    elements it cannot tell one element of type 0 from two. Its accuracy is bounded by the best rule that reads
    only the set of present types (which guesses the count from how many other types crowd the set), far below
    sum pooling. (With noisy elements it recovers a little counting from the noise: the largest of two noisy copies
    tends to be larger than one.)"""
    as_sets = lambda d: torch.as_tensor(d.modalities[0]).reshape(-1, 6, 8)  # noqa: E731
    train, test = make_sets(sizes["n_sets"], noise=0.0, random_state=0), make_sets(1000, noise=0.0, random_state=1)
    acc = {}
    for name, cls in (("sum", DeepSets), ("max", MaxSets)):
        torch.manual_seed(0)
        model = cls(8, 2)
        assert invariance_error(model, as_sets(test), lambda s: permute_elements(s, [5, 4, 3, 2, 1, 0])) < 1e-5
        fit(
            model,
            as_sets(train),
            torch.as_tensor(train.y),
            epochs=sizes["set_epochs"],
            lr=3e-3,
            batch_size=64,
            progress=False,
            device="cpu",
        )
        acc[name] = evaluate(model, as_sets(test), torch.as_tensor(test.y))["accuracy"]
    present = [frozenset(row) for row in test.factors.tolist()]  # what max pooling can know
    best = 0
    for key in set(present):
        labels = test.y[[p == key for p in present]]
        best += max(labels.sum(), len(labels) - labels.sum())
    bound = best / len(present)
    assert acc["max"] <= bound + 0.01 and bound < 0.8 and acc["sum"] >= bound + 0.15, (acc, bound)


def exercise_3(sizes: dict) -> None:
    """A circular 2-D convolution commutes with shifts along both axes; a generic filter does not commute with a
    90° rotation (that would need rotation-symmetric filters, or a group convolution)."""
    images = load_av_digits("test")["image"][:32].reshape(-1, 1, 8, 8)
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 4, 3, padding=1, padding_mode="circular")
    shift = lambda s: cyclic_shift(s, (1, 2), dims=(-2, -1))  # noqa: E731
    rotate = lambda s: torch.rot90(s, 1, dims=(-2, -1))  # noqa: E731
    assert equivariance_error(conv, images, shift) < 1e-5
    assert equivariance_error(conv, images, rotate) > 0.1


def exercise_4(sizes: dict) -> None:
    """Trained on shuffled sets the MLP cannot use the order shortcut and learns part of the counting, but from
    the same number of sets it stays below DeepSets, which needs no data to learn the invariance."""
    as_sets = lambda d: torch.as_tensor(d.modalities[0]).reshape(-1, 6, 8)  # noqa: E731
    train = make_sets(sizes["n_sets"], order="random", random_state=0)
    test = make_sets(1000, order="random", random_state=1)
    acc = {}
    for name in ("MLP", "DeepSets"):
        torch.manual_seed(0)
        model = (
            DeepSets(8, 2)
            if name == "DeepSets"
            else nn.Sequential(nn.Flatten(1), nn.Linear(48, 64), nn.ReLU(), nn.Linear(64, 2))
        )
        fit(
            model,
            as_sets(train),
            torch.as_tensor(train.y),
            epochs=sizes["set_epochs"],
            lr=3e-3,
            batch_size=64,
            progress=False,
            device="cpu",
        )
        acc[name] = evaluate(model, as_sets(test), torch.as_tensor(test.y))["accuracy"]
    assert acc["MLP"] > 0.6 and acc["DeepSets"] >= acc["MLP"] + 0.03, acc


def exercise_5(sizes: dict) -> None:
    """With the source's input layer kept, a target's features are read as if they were the source's coordinates.
    Our modalities are rendered by unrelated random maps, so every move between two modalities now also pays for the
    wrong coordinates: the two shared-bit modalities cost each other more than 0.05 in both directions although they
    carry the same information, and even moving out of the two-bit modality costs. The asymmetry survives (into the
    two-bit modality still costs more), but the matrix now mixes layout with information: which input layer to keep
    is part of what a heterogeneity matrix measures."""
    data = make_interaction(sizes["n_transfer"], ("redundancy", "uniqueness_0"), n_modalities=3, random_state=0)
    split = data.split((0.6, 0.4), random_state=0)
    kwargs = dict(
        epochs=sizes["epochs"], transfer_epochs=sizes["epochs"], n_shot=sizes["n_shot"], repeats=sizes["repeats"]
    )
    new = transfer_heterogeneity(*split, **kwargs).heterogeneity
    kept = transfer_heterogeneity(*split, input_layer="keep", **kwargs).heterogeneity
    assert max(abs(new[1, 2]), abs(new[2, 1])) <= 0.06 and min(kept[1, 2], kept[2, 1]) > 0.05, (new, kept)
    assert kept[0, 1:].mean() > new[0, 1:].mean() + 0.05, (new, kept)
    assert kept[1:, 0].mean() - kept[0, 1:].mean() >= 0.08, kept
