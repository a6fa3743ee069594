"""Zero-shot projector, number pairs, class splits, and the cyclic translator."""

from __future__ import annotations

import pytest
import torch

from mmlab.data import number_name
from mmlab.transfer import (
    CyclicTranslator,
    ZeroShotProjector,
    fit_cyclic_translator,
    make_number_pairs,
    split_classes,
    translation_vs_unimodal,
)


def test_number_names():
    assert [number_name(n) for n in (0, 10, 13, 20, 42, 99)] == [
        "zero",
        "ten",
        "thirteen",
        "twenty",
        "forty-two",
        "ninety-nine",
    ]
    with pytest.raises(ValueError, match="0..99"):
        number_name(100)
    with pytest.raises(TypeError, match="integer"):
        number_name(4.0)


def test_number_pairs_show_the_right_digits():
    feats = torch.arange(30.0).reshape(30, 1)
    labels = torch.arange(30) % 10
    pairs = make_number_pairs(feats, labels, [42, 57, 90], 40, random_state=1)
    tens, units = labels[pairs.x[:, 0].long()], labels[pairs.x[:, 1].long()]
    assert torch.equal(10 * tens + units, pairs.number)
    with pytest.raises(ValueError, match="no sample"):
        make_number_pairs(feats[:5], labels[:5], [57], 3)
    with pytest.raises(ValueError, match="two-digit"):
        make_number_pairs(feats, labels, [7], 3)


def test_split_classes_is_a_partition():
    seen, unseen = split_classes(list(range(20, 100)), 20, random_state=3)
    assert len(unseen) == 20 and sorted([*seen, *unseen]) == list(range(20, 100))
    with pytest.raises(ValueError, match="between 1 and"):
        split_classes([1, 2], 2)


def test_projector_scores_are_scaled_cosines():
    proj = ZeroShotProjector(3, 4, scale=2.0)
    x, c = torch.randn(5, 3), torch.randn(6, 4)
    g = proj.embed(x)
    ref = 2.0 * torch.nn.functional.normalize(g, dim=1) @ torch.nn.functional.normalize(c, dim=1).T
    assert torch.allclose(proj(x, c), ref, atol=1e-6)


def test_cyclic_translator_losses_and_baseline():
    g = torch.Generator().manual_seed(0)
    y = torch.arange(60) % 3
    x = torch.randn(60, 4, generator=g) + y[:, None]
    t = torch.randn(60, 5, generator=g) + 2 * y[:, None]
    labelled = torch.zeros(60, dtype=torch.bool)
    labelled[:6] = True
    model = CyclicTranslator(4, 5, 3, code_dim=4, hidden=8)
    z, trans, cyc = model.losses(x, t)
    assert z.shape == (60, 4) and trans.ndim == 0 and cyc.ndim == 0
    before = model.losses(x, t)[1].item()
    fit_cyclic_translator(model, x, t, y, labelled, epochs=30, random_state=0)
    assert model.losses(x, t)[1].item() < before  # the translation is learned
    base = fit_cyclic_translator(CyclicTranslator(4, 5, 3), x, None, y, labelled, epochs=2, translate=False)
    assert base(x).shape == (60, 3)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"labelled": torch.ones(60)}, TypeError, "boolean"),
        ({"labelled": torch.zeros(60, dtype=torch.bool)}, ValueError, "no row"),
        ({"target": None}, ValueError, "needs the target"),
        ({"y": torch.zeros(59, dtype=torch.long)}, ValueError, "same samples"),
    ],
)
def test_fit_cyclic_translator_validates(kwargs, err, match):
    args = {
        "source": torch.randn(60, 4),
        "target": torch.randn(60, 5),
        "y": torch.zeros(60, dtype=torch.long),
        "labelled": torch.ones(60, dtype=torch.bool),
    }
    args.update(kwargs)
    with pytest.raises(err, match=match):
        fit_cyclic_translator(
            CyclicTranslator(4, 5, 2), args["source"], args["target"], args["y"], args["labelled"], epochs=1
        )


def test_translation_vs_unimodal_trains_each_method_on_its_own_seed():
    """Leaving one method out does not change the other's accuracies (a control needs only the translation)."""
    g = torch.Generator().manual_seed(0)
    y = torch.arange(80) % 3
    x = torch.randn(80, 4, generator=g) + y[:, None]
    target = torch.randn(60, 5, generator=g) + 2 * y[:60, None]
    args = ((x[:60], x[60:]), target, y[:60], y[60:])
    opts = {"labelled_fraction": 0.5, "epochs": 2, "repeats": 2, "random_state": 3}
    both = translation_vs_unimodal(*args, **opts)
    assert len(both["unimodal"]) == len(both["translation"]) == 2
    assert translation_vs_unimodal(*args, methods=("translation",), **opts) == {"translation": both["translation"]}
    assert translation_vs_unimodal(*args, methods=["unimodal"], **opts) == {"unimodal": both["unimodal"]}
    with pytest.raises(ValueError, match="method"):
        translation_vs_unimodal(*args, methods=("cycle",), **opts)
