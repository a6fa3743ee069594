"""The behavioural claims the fusion lectures make, checked on five seeds at small scale.

Each test trains small models on data from :mod:`mmlab.data` with a
local full-batch Adam loop (no dependence on mmlab.train) and checks the claim
with a margin that held on every seed we measured; the figures are printed
(``pytest -s``). Models are initialised inside ``torch.random.fork_rng`` so the
global torch random state is left as it was.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from mmlab.data import corrupt_modality, make_cue_flip, make_interaction, make_polynomial
from mmlab.fusion import MultimodalClassifier, n_params

pytestmark = pytest.mark.slow


def _model(seed: int, *args, **kwargs) -> MultimodalClassifier:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return MultimodalClassifier.build(*args, **kwargs)


def _fit(model, xs, y, *, steps=200, lr=1e-2, weight_decay=0.0, regression=False):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(steps):
        opt.zero_grad()
        out = model(xs)
        loss = F.mse_loss(out.squeeze(-1), y) if regression else F.cross_entropy(out, y)
        loss.backward()
        opt.step()
    return model


@torch.no_grad()
def _accuracy(model, xs, y) -> float:
    return (model(xs).argmax(1) == y).float().mean().item()


@torch.no_grad()
def _r2(model, xs, y) -> float:
    return (1 - ((model(xs).squeeze(-1) - y) ** 2).mean() / y.var()).item()


def _train_test(data, seed):
    train, test = data.split((0.6, 0.4), random_state=seed)
    return train.to_torch(), test.to_torch(), test


def _synergy_or_redundancy(seed, task, fusions):
    # 2000 samples: with 1000, the additive model memorises the training noise (train accuracy 1.0) and
    # on one seed in ten drifted to a partial 3-of-4-cells solution (test accuracy 0.59)
    (xtr, ytr), (xte, yte), _ = _train_test(make_interaction(2000, task, random_state=seed), seed)
    acc = {}
    for f in fusions:
        net = _fit(_model(seed, [16, 16], 2, fusion=f), xtr, ytr)
        acc[f] = round(_accuracy(net, xte, yte), 3)
    print(f"[{task}] seed {seed}: {acc}")
    return acc


def test_a_additive_stays_at_chance_on_synergy_while_multiplicative_and_tensor_solve_it(seed):
    acc = _synergy_or_redundancy(seed, "synergy", ("additive", "multiplicative", "tensor"))
    assert acc["additive"] < 0.6
    assert acc["multiplicative"] > 0.9 and acc["tensor"] > 0.9


def test_b_every_fusion_solves_redundancy(seed):
    acc = _synergy_or_redundancy(seed, "redundancy", ("additive", "multiplicative", "tensor"))
    assert min(acc.values()) > 0.9


def test_c_low_rank_within_a_few_points_of_tensor_fusion_with_10x_fewer_parameters(seed):
    data = make_interaction(1500, "synergy", n_modalities=3, random_state=seed)  # parity of three bits
    (xtr, ytr), (xte, yte), _ = _train_test(data, seed)
    tfn = _fit(_model(seed, [16] * 3, 2, fusion="tensor", embed_dim=8), xtr, ytr, steps=250)
    lmf = _fit(_model(seed, [16] * 3, 2, fusion="low_rank", embed_dim=8, rank=2), xtr, ytr, steps=250)
    acc_t, acc_l = _accuracy(tfn, xte, yte), _accuracy(lmf, xte, yte)
    ratio = n_params(tfn.fusion) / n_params(lmf.fusion)
    print(f"[TFN vs LMF] seed {seed}: TFN {acc_t:.3f} ({n_params(tfn)} params, fusion {n_params(tfn.fusion)}), "
          f"LMF {acc_l:.3f} ({n_params(lmf)} params, fusion {n_params(lmf.fusion)}), fusion ratio {ratio:.1f}")
    assert acc_t > 0.9
    assert acc_l >= acc_t - 0.03
    assert ratio >= 10


def test_d_fit_of_an_order_3_target_rises_with_polynomial_order(seed):
    # t = T1 + T2 + T3 (one unit of variance per order); an order-P fusion can reach R^2 = P/3
    data = make_polynomial(1500, n_modalities=3, orders=(1, 2, 3), noise=0.1, random_state=seed)
    (xtr, ytr), (xte, yte), _ = _train_test(data, seed)
    r2 = {}
    for order in (1, 2, 3):
        net = _model(seed, [16] * 3, 1, fusion="polynomial", order=order, rank=8)
        r2[order] = round(_r2(_fit(net, xtr, ytr, steps=300, regression=True), xte, yte), 3)
    print(f"[polynomial order, R^2] seed {seed}: {r2}")
    assert r2[2] > r2[1] + 0.15
    assert r2[3] > r2[2] + 0.15
    assert r2[3] > 0.9


def test_d_parity_of_three_bits_needs_order_3(seed):
    data = make_polynomial(1000, n_modalities=3, orders=(3,), task="classification", random_state=seed)
    (xtr, ytr), (xte, yte), _ = _train_test(data, seed)
    acc = {}
    for order in (1, 2, 3):
        net = _model(seed, [16] * 3, 2, fusion="polynomial", order=order, rank=8)
        acc[order] = round(_accuracy(_fit(net, xtr, ytr, steps=250), xte, yte), 3)
    print(f"[polynomial order, parity accuracy] seed {seed}: {acc}")
    assert acc[1] < 0.6 and acc[2] < 0.6 and acc[3] > 0.9


def test_e_gates_move_toward_the_clean_modality(seed):
    data = make_interaction(1000, "redundancy", random_state=seed)
    train, test = data.split((0.6, 0.4), random_state=seed)

    def corrupt(d, s):  # modality 0 noise on 25% of rows, modality 1 on another 25%, never both
        u = np.random.default_rng(s).random(d.n)
        m0, m1 = u < 0.25, (u >= 0.25) & (u < 0.5)
        xs, _ = corrupt_modality(d.modalities, 0, rows=m0, random_state=s)
        xs, _ = corrupt_modality(xs, 1, rows=m1, random_state=s + 1)
        return [torch.as_tensor(x) for x in xs], torch.as_tensor(d.y), torch.as_tensor(m0), torch.as_tensor(m1)

    xtr, ytr, _, _ = corrupt(train, seed)
    xte, yte, m0, m1 = corrupt(test, seed + 1000)
    net = _fit(_model(seed, [16, 16], 2, fusion="gated"), xtr, ytr, steps=300)
    acc = _accuracy(net, xte, yte)
    g1 = net.fusion.last_gates.mean(-1)[:, 1]  # weight on modality 1, per sample
    clean = ~(m0 | m1)
    figures = dict(acc=round(acc, 3), gate1_m0_corrupted=round(g1[m0].mean().item(), 3),
                   gate1_clean=round(g1[clean].mean().item(), 3), gate1_m1_corrupted=round(g1[m1].mean().item(), 3))
    print(f"[GMU gates] seed {seed}: {figures}")
    assert acc > 0.9
    assert figures["gate1_m0_corrupted"] > figures["gate1_clean"] > figures["gate1_m1_corrupted"]
    assert figures["gate1_m0_corrupted"] - figures["gate1_m1_corrupted"] > 0.15


def test_f_mixture_weights_move_away_from_additive_on_synergy(seed):
    w = {}
    for task in ("synergy", "redundancy"):
        (xtr, ytr), (xte, yte), _ = _train_test(make_interaction(1000, task, random_state=seed), seed)
        net = _fit(_model(seed, [16, 16], 2, fusion="mixture"), xtr, ytr)
        w[task] = {k: round(v, 3) for k, v in net.fusion.weights_by_name().items()}
        w[task]["acc"] = round(_accuracy(net, xte, yte), 3)
    print(f"[mixture weights] seed {seed}: {w}")
    syn = w["synergy"]
    assert syn["acc"] > 0.9 and w["redundancy"]["acc"] > 0.9
    assert syn["additive"] < min(syn["multiplicative"], syn["tensor"])
    assert syn["additive"] < w["redundancy"]["additive"] - 0.04


def test_g_bilinear_beats_additive_on_a_multiplicative_target(seed):
    data = make_polynomial(1000, n_modalities=2, orders=(2,), n_levels=4, noise=0.1, random_state=seed)
    (xtr, ytr), (xte, yte), _ = _train_test(data, seed)
    r2 = {f: round(_r2(_fit(_model(seed, [16, 16], 1, fusion=f), xtr, ytr, regression=True, steps=300), xte, yte), 3)
          for f in ("additive", "bilinear")}
    print(f"[multiplicative target, R^2] seed {seed}: {r2}")
    assert r2["bilinear"] > 0.9
    assert r2["additive"] < 0.1  # an additive model cannot explain any of z_A z_B's variance


def test_h_shift_is_larger_where_the_cue_flips_the_label(seed):
    data = make_cue_flip(2000, flip_rate=0.25, random_state=seed)
    (xtr, ytr), (xte, yte), test = _train_test(data, seed)
    # a loose bound (beta = 8) so that shifts do not all saturate at beta * |x_0|, and weight decay so
    # that the model does not shift where it need not (with beta = 1 and no decay every sample saturates)
    net = _fit(_model(seed, [16, 16], 2, fusion="shift", beta=8.0), xtr, ytr, steps=300, weight_decay=0.3)
    acc = _accuracy(net, xte, yte)
    rel = net.fusion.last_relative_shift
    flipped = torch.as_tensor(test.aux["flipped"])
    figures = dict(acc=round(acc, 3), shift_flipped=round(rel[flipped].mean().item(), 3),
                   shift_kept=round(rel[~flipped].mean().item(), 3))
    print(f"[modality shift, |shift|/|language|] seed {seed}: {figures}")
    assert acc > 0.9
    assert figures["shift_flipped"] > 1.5 * figures["shift_kept"]
