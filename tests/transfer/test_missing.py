"""Missing-modality tools: row masks, modality dropout rates, filling and the two imputers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.transfer import CodebookImputer, RidgeImputer, fill_missing, mask_rows, modality_dropout


@pytest.mark.parametrize("rate", [0.0, 0.3, 0.9, 1.0])
def test_mask_rows_has_exactly_the_rate(rate, seed):
    mask = mask_rows(200, rate, random_state=seed)
    assert mask.dtype == torch.bool and int((~mask).sum()) == round(rate * 200)


def test_modality_dropout_rate_matches_p(seed):
    gen = torch.Generator().manual_seed(seed)
    xs = [torch.ones(20000, 2), torch.ones(20000, 3)]
    out, mask = modality_dropout(xs, [0.3, 0.0], generator=gen)
    # modality 0 is dropped with p = 0.3; modality 1 (p = 0) is never dropped, so no sample needs restoring
    assert abs(1 - mask[:, 0].mean().item() - 0.3) < 0.015  # binomial sd of the rate is 0.0032: 4.5 sd margin
    assert bool((mask[:, 1] == 1).all())
    assert torch.equal(out[0], mask[:, :1].expand(-1, 2))


def test_modality_dropout_keeps_one_modality_and_respects_presence():
    gen = torch.Generator().manual_seed(0)
    present = [torch.tensor([True, True, False, True]), torch.tensor([True, False, True, True])]
    _, mask = modality_dropout([torch.ones(4, 1), torch.ones(4, 1)], 1.0, present=present, generator=gen)
    assert bool((mask.sum(1) == 1).all())
    assert mask[1, 1] == 0 and mask[2, 0] == 0  # missing stays missing


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        ((torch.ones(3, 2), 0.5), {}, TypeError, "one \\(batch, d_i\\)"),
        (([], 0.5), {}, ValueError, "at least one"),
        (([torch.ones(3, 2), torch.ones(4, 2)], 0.5), {}, ValueError, "same samples"),
        (([torch.ones(3, 2)], [0.1, 0.2]), {}, ValueError, "one per modality"),
        (([torch.ones(3, 2)], 1.5), {}, ValueError, "p"),
        (([torch.ones(2, 2)], 0.5), {"present": [torch.tensor([True, False])]}, ValueError, "no present modality"),
    ],
)
def test_modality_dropout_validates(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        modality_dropout(*args, **kwargs)


def test_fill_missing_kinds():
    x, present = torch.ones(3, 2), torch.tensor([True, False, True])
    assert torch.equal(fill_missing(x, present, torch.tensor([5.0, 6.0]))[1], torch.tensor([5.0, 6.0]))
    imp = RidgeImputer(alpha=1e-4).fit(torch.eye(2).repeat(3, 1), torch.tensor([[1.0, 0.0], [0.0, 1.0]]).repeat(3, 1))
    filled = fill_missing(x, present, imp, observed=torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    assert torch.allclose(filled[1], torch.tensor([0.0, 1.0]), atol=1e-3)
    with pytest.raises(ValueError, match="observed"):
        fill_missing(x, present, imp)
    with pytest.raises(TypeError, match="boolean"):
        fill_missing(x, torch.tensor([1, 0, 1]))
    with pytest.raises(ValueError, match="'zeros'"):
        fill_missing(x, present, "mean")


def test_ridge_imputer_against_sklearn(rng):
    from sklearn.linear_model import Ridge

    xo, xm = rng.normal(size=(60, 4)), rng.normal(size=(60, 3))
    ref = Ridge(alpha=2.0).fit(xo, xm).predict(xo)
    xo_t, xm_t = torch.as_tensor(xo, dtype=torch.float32), torch.as_tensor(xm, dtype=torch.float32)
    imp = RidgeImputer(alpha=2.0).fit(xo_t, xm_t)
    assert np.allclose(imp(xo_t).numpy(), ref, atol=1e-4)
    with pytest.raises(RuntimeError, match="not fitted"):
        RidgeImputer()(torch.zeros(2, 2))


def test_codebook_imputer_reconstructs_in_the_convex_hull_and_finds_clusters():
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(90) % 3
    centres = torch.tensor([[5.0, 0.0], [0.0, 5.0], [-5.0, -5.0]])
    missing = centres[labels] + 0.1 * torch.randn(90, 2, generator=g)
    observed = torch.nn.functional.one_hot(labels, 3).float()
    imp = CodebookImputer(3, steps=300).fit(observed, missing)
    w = imp.code_weights(observed)
    assert torch.allclose(w.sum(1), torch.ones(90), atol=1e-5) and bool((w >= 0).all())
    assert ((imp(observed) - centres[labels]) ** 2).mean() < 0.5  # recovers each group's centre
    with pytest.raises(ValueError, match="n_codes"):
        CodebookImputer(200).fit(observed, missing)
    with pytest.raises(RuntimeError, match="not fitted"):
        CodebookImputer(3)(observed)
