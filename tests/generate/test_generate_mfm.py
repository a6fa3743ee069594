"""The factorized multimodal VAE (mmlab/generate/_mfm.py): terms, partners, generation, swaps, validation."""

import pytest
import torch

from mmlab.generate import MFM
from mmlab.generate._mfm import _partners


def _data(n=24, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.rand(n, 6, generator=g), torch.rand(n, 10, generator=g)], torch.arange(n) % 3


def test_loss_terms_and_their_total():
    model = MFM([6, 10], 3, names=("a", "b")).eval()
    xs, y = _data()
    torch.manual_seed(0)
    terms = model.loss_terms([*xs, y])
    assert set(terms) == {"loss", "reconstruction_a", "reconstruction_b", "kl", "label"}
    total = terms["reconstruction_a"] + terms["reconstruction_b"] + terms["kl"] + model.label_weight * terms["label"]
    assert torch.allclose(terms["loss"], total)


def test_partners_are_other_members_of_the_same_class(seed):
    torch.manual_seed(seed)
    y = torch.tensor([0, 0, 0, 1, 1, 2, 3, 3, 3, 3])
    p = _partners(y)
    assert torch.equal(y[p], y)
    alone = torch.tensor([5])  # class 2 has one member: it is its own partner
    assert torch.equal(p[alone], alone)
    others = torch.tensor([i for i in range(10) if i != 5])
    assert bool((p[others] != others).all())
    assert sorted(p.tolist()) == list(range(10))  # a permutation


def test_generation_is_deterministic_and_accepts_shared_codes():
    model = MFM([6, 10], 3)
    a = model.generate(5, random_state=1)
    assert [t.shape for t in a] == [(5, 6), (5, 10)]
    assert all(torch.equal(u, v) for u, v in zip(a, model.generate(5, random_state=1), strict=True))
    shared = torch.zeros(5, model.shared_dim)
    b = model.generate(5, shared=shared, random_state=1)
    assert all(bool(((t > 0) & (t < 1)).all()) for t in b)


def test_swap_with_oneself_is_the_reconstruction_and_the_head_reads_the_shared_code():
    model = MFM([6, 10], 3).eval()
    xs, _ = _data()
    own = model.swap_private(xs, torch.arange(24), m=1)
    with torch.no_grad():
        mu_s, _ = model.encode_shared(xs)
        mu_b, _ = model.encode_private(xs[1], 1)
        expected = torch.sigmoid(model.decode(1, mu_s, mu_b))
    assert torch.allclose(own, expected)
    assert model.predict_class(mu_s).shape == (24,)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda m, xs, y: m.loss_terms(xs), ValueError, "batch must be"),
        (lambda m, xs, y: m.loss_terms([*xs, y.float()]), TypeError, "integer"),
        (lambda m, xs, y: m.loss_terms([*xs, y[:5]]), ValueError, "one label per sample"),
        (lambda m, xs, y: m.loss_terms([*xs, y + 5]), ValueError, "labels in 0"),
        (lambda m, xs, y: m.loss_terms([xs[0] * 4, xs[1], y]), ValueError, r"\[0, 1\]"),
        (lambda m, xs, y: m.encode_shared([xs[0], xs[1][:5]]), ValueError, "paired"),
        (lambda m, xs, y: m.encode_shared([xs[1], xs[0]]), ValueError, "6 columns"),
        (lambda m, xs, y: m.encode_private(xs[0], 2), ValueError, "modality index"),
        (lambda m, xs, y: m.decode(0, torch.zeros(2, 8), torch.zeros(3, 4)), ValueError, "paired rows"),
        (lambda m, xs, y: m.generate(0), ValueError, "n"),
        (lambda m, xs, y: m.generate(2, shared=torch.zeros(3, 8)), ValueError, "shared must have shape"),
        (lambda m, xs, y: m.swap_private(xs, torch.zeros(3, dtype=torch.long)), TypeError, "partner"),
        (lambda m, xs, y: m.swap_private(xs, torch.full((24,), 30)), ValueError, "row indices"),
        (lambda m, xs, y: MFM([6], 3), ValueError, "two or more"),
        (lambda m, xs, y: MFM([6, 10], 3, names=("a", "a")), ValueError, "once"),
        (lambda m, xs, y: MFM([6, 10], 3, label_weight=-1.0), ValueError, "label_weight"),
        (lambda m, xs, y: MFM([6, 10], 3, swap_within_class=1), TypeError, "swap_within_class"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    xs, y = _data()
    with pytest.raises(err, match=match):
        call(MFM([6, 10], 3), xs, y)
