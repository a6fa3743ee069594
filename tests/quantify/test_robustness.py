"""Tests of mmlab.quantify's robustness tools (noise topologies, curves, MultiBench's scores), and the seed test of
lecture 6.5's noise-robustness claims."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes
from torch import nn

from mmlab.quantify import (
    NOISE_KINDS,
    ModalitySubset,
    NoiseAugmented,
    RobustnessStudy,
    add_noise,
    effective_robustness,
    relative_robustness,
    robustness_curve,
    robustness_study,
)

LECTURE = "lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb"


class ReadOne(nn.Module):
    """Logits = the first C features of one modality: accuracy depends only on that modality."""

    def __init__(self, m: int, c: int = 3) -> None:
        super().__init__()
        self.m, self.c = m, c

    def forward(self, xs):
        return xs[self.m][:, : self.c]


def _data(seed: int, n: int = 600, c: int = 3):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, c, (n,), generator=g)
    xs = [torch.nn.functional.one_hot(y, c).float() * 3 + 0.3 * torch.randn(n, c, generator=g) for _ in range(2)]
    return xs, y


# --------------------------------------------------------------------------- add_noise
def test_noise_levels_and_kinds(seed):
    x = torch.randn(2000, 4, generator=torch.Generator().manual_seed(seed)) * torch.tensor([1.0, 2.0, 3.0, 4.0])
    gen = torch.Generator().manual_seed(1)
    assert torch.equal(add_noise(x, 0.0), x) and add_noise(x, 0.0) is not x
    noisy = add_noise(x, 0.5, amplitude=2.0, generator=gen)
    np.testing.assert_allclose((noisy - x).std(0).numpy(), x.std(0, unbiased=False).numpy(), rtol=0.06)  # 0.5 * 2 * sd
    dropped = add_noise(x, 0.3, kind="dropout", generator=gen)
    assert float((dropped == 0).float().mean()) == pytest.approx(0.3, abs=0.02)
    missing = add_noise(x, 0.4, kind="missing", generator=gen)
    rows = (missing == 0).all(dim=1)
    assert float(rows.float().mean()) == pytest.approx(0.4, abs=0.04)
    assert torch.equal(missing[~rows], x[~rows])
    assert set(NOISE_KINDS) == {"gaussian", "dropout", "missing"}


def test_noise_keeps_shape_dtype_and_uses_the_given_scale():
    x = torch.zeros(5, 2, 3, dtype=torch.float64)
    out = add_noise(x, 1.0, scale=2.0, amplitude=1.0, generator=torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.dtype == torch.float64 and out.abs().sum() > 0


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        ((np.zeros((3, 2)), 0.5), {}, TypeError, "floating-point torch.Tensor"),
        ((torch.zeros(3, 2, dtype=torch.long), 0.5), {}, TypeError, "floating-point"),
        ((torch.zeros(0, 2), 0.5), {}, ValueError, "at least one row"),
        ((torch.tensor([[float("nan")]]), 0.5), {}, ValueError, "finite"),
        ((torch.zeros(3, 2), 1.5), {}, ValueError, "level"),
        ((torch.zeros(3, 2), 0.5), {"kind": "blur"}, ValueError, "kind"),
        ((torch.zeros(3, 2), 0.5), {"amplitude": -1.0}, ValueError, "amplitude"),
    ],
)
def test_add_noise_bad_inputs(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        add_noise(*args, **kwargs)


# --------------------------------------------------------------------------- curves
def test_a_curve_falls_only_for_the_modality_the_model_reads(seed):
    xs, y = _data(seed)
    reads_0 = ReadOne(0)
    on_0 = robustness_curve(reads_0, xs, y, modality=0, random_state=seed)
    on_1 = robustness_curve(reads_0, xs, y, modality=1, random_state=seed)
    assert on_0[0] > 0.95 and on_0[-1] < 0.7 and np.all(np.diff(on_0) <= 0.03)
    np.testing.assert_allclose(on_1, on_1[0])  # noise on a modality it ignores changes nothing


def test_curve_is_deterministic_and_restores_training_mode():
    xs, y = _data(0)
    model = ModalitySubset(ReadOne(0), [0, 1]).train()
    a = robustness_curve(model, xs, y, modality=0, kind="dropout", random_state=3)
    b = robustness_curve(model, xs, y, modality=0, kind="dropout", random_state=3)
    np.testing.assert_array_equal(a, b)
    assert model.training


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(modality=2), ValueError, "modality"),
        (dict(modality=0, levels=[0.0]), ValueError, "at least two"),
        (dict(modality=0, levels=[0.0, 0.5, 0.4]), ValueError, "increase"),
        (dict(modality=0, levels=[0.0, 1.5]), ValueError, "within"),
        (dict(modality=0, kind="blur"), ValueError, "kind"),
        (dict(modality=0, repeats=0), ValueError, "repeats"),
    ],
)
def test_curve_bad_arguments(kwargs, err, match):
    xs, y = _data(0, n=20)
    with pytest.raises(err, match=match):
        robustness_curve(ReadOne(0), xs, y, **kwargs)


def test_curve_bad_data():
    xs, y = _data(0, n=20)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        robustness_curve(lambda xs: xs[0], xs, y, modality=0)
    with pytest.raises(TypeError, match="list of modality tensors"):
        robustness_curve(ReadOne(0), xs[0], y, modality=0)
    with pytest.raises(ValueError, match="same samples"):
        robustness_curve(ReadOne(0), xs, y[:-1], modality=0)


# --------------------------------------------------------------------------- MultiBench's summaries
def test_relative_robustness_is_the_area_under_the_curve(rng):
    levels = np.sort(np.concatenate([[0.0, 1.0], rng.uniform(size=7)]))
    f = rng.uniform(0.2, 1.0, size=levels.size)
    assert relative_robustness(levels, f) == pytest.approx(np.trapezoid(f, levels), abs=1e-12)  # numpy's trapezoid
    assert relative_robustness([0, 1], [0.9, 0.5]) == pytest.approx(0.7)  # a line: exact


def test_relative_robustness_on_multibench_levels_matches_its_helper():
    """MultiBench sums (f_i + f_{i+1}) * 0.1 / 2 over its 11 levels."""
    f = np.linspace(0.9, 0.3, 11) ** 2
    helper = sum((f[i] + f[i + 1]) * 0.1 / 2 for i in range(10))
    assert relative_robustness(np.linspace(0, 1, 11), f) == pytest.approx(helper)


def test_effective_robustness_identities(rng):
    levels = np.linspace(0, 1, 6)
    b = 0.9 - 0.5 * levels**2
    assert effective_robustness(levels, b, b) == 0.0
    assert effective_robustness(levels, b - 0.2, b) == pytest.approx(0.0, abs=1e-12)  # parallel: same rate
    flatter = 0.8 - 0.1 * levels
    manual = np.sum(flatter - (b + flatter[0] - b[0]))
    assert effective_robustness(levels, flatter, b) == pytest.approx(manual) and manual > 0


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: relative_robustness([0, 1], [0.5]), "one value per noise level"),
        (lambda: relative_robustness([0, 1], [0.5, float("nan")]), "finite"),
        (lambda: effective_robustness([0, 1], [0.5, 0.4], [0.5]), "baseline"),
        (lambda: relative_robustness([[0, 1]], [0.5, 0.4]), "dimension"),
    ],
)
def test_scores_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- the study and the wrappers
def test_study_table_and_normalisation():
    xs, y = _data(1)
    study = robustness_study(
        {"reads 0": ReadOne(0), "reads 1": ReadOne(1)}, xs, y, modality_names=("a", "b"), levels=np.linspace(0, 1, 6)
    )
    table = study.table()
    assert study.baseline == "reads 0" and study.models == ("reads 0", "reads 1")
    assert table.loc[("reads 0", "b"), "effective"] == pytest.approx(0.0)
    assert table.loc[("reads 1", "a"), "relative"] == pytest.approx(study.clean("reads 1"))  # a flat curve
    assert table.loc[("reads 1", "a"), "relative_normalised"] == 1.0
    assert table.loc[("reads 0", "a"), "relative_normalised"] == 0.0
    assert isinstance(study, RobustnessStudy)


def test_study_bad_arguments():
    xs, y = _data(0, n=20)
    with pytest.raises(TypeError, match="mapping"):
        robustness_study([ReadOne(0)], xs, y)
    with pytest.raises(ValueError, match="at least one model"):
        robustness_study({}, xs, y)
    with pytest.raises(ValueError, match="modality_names"):
        robustness_study({"m": ReadOne(0)}, xs, y, modality_names=("a",))
    with pytest.raises(ValueError, match="baseline"):
        robustness_study({"m": ReadOne(0)}, xs, y, baseline="other")


def test_modality_subset():
    inner = nn.Linear(3, 2)
    wrapped = ModalitySubset(nn.Sequential(), [1])
    wrapped.model = type("M", (nn.Module,), {"forward": lambda self, xs: inner(xs[0])})()
    xs = [torch.randn(4, 5), torch.randn(4, 3)]
    assert torch.equal(wrapped(xs), inner(xs[1]))
    with pytest.raises(TypeError, match="torch.nn.Module"):
        ModalitySubset("model", [0])
    with pytest.raises(TypeError, match="indices"):
        ModalitySubset(nn.Linear(1, 1), "0")
    with pytest.raises(ValueError, match="distinct"):
        ModalitySubset(nn.Linear(1, 1), [0, 0])


def test_noise_augmented_corrupts_only_in_training_and_is_reproducible():
    record = []

    class Spy(nn.Module):
        def forward(self, xs):
            record.append([x.clone() for x in xs])
            return xs[0]

    xs = [torch.ones(1000, 2), torch.ones(1000, 3)]
    a, b = NoiseAugmented(Spy(), p=0.5, random_state=1), NoiseAugmented(Spy(), p=0.5, random_state=1)
    a.eval()(xs)
    assert all(torch.equal(r, x) for r, x in zip(record[-1], xs, strict=True))
    xs_varied = [torch.randn(1000, 2), torch.randn(1000, 3)]
    a.train()(xs_varied)
    b.train()(xs_varied)
    changed = [(r != x).any(dim=1) for r, x in zip(record[-2], xs_varied, strict=True)]
    assert torch.equal(record[-2][0], record[-1][0])  # same random_state, same corruption
    assert not (changed[0] & changed[1]).any()  # one modality per sample
    assert float((changed[0] | changed[1]).float().mean()) == pytest.approx(0.5, abs=0.06)
    with pytest.raises(ValueError, match="p"):
        NoiseAugmented(Spy(), p=2.0)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        NoiseAugmented("model")


# --------------------------------------------------------------------------- lecture 6.5, seed test
@pytest.mark.slow
def test_lecture_6_5_noise_claims_hold_across_seeds(seed):
    import mmlab.fusion.experiments as fx

    s = quick_sizes(LECTURE)
    res = fx.av_digits_accuracies(["additive", "concat", "low_rank"], epochs=s["epochs"], random_state=seed)
    noisy = fx.av_digits_accuracies(
        ["additive"],
        epochs=s["epochs"],
        random_state=seed,
        unimodal=False,
        wrap=lambda m: NoiseAugmented(m, p=0.3, random_state=seed),
    )
    names = ("image", "audio", "text")
    models = {
        "late fusion": res["additive"].model,
        "early fusion": res["concat"].model,
        "low-rank fusion": res["low_rank"].model,
        "late fusion + noise training": noisy["additive"].model,
    }
    models.update({f"{m} only": ModalitySubset(res[m].model, [i]) for i, m in enumerate(names)})
    xt, yt = res["additive"].test
    study = robustness_study(models, xt, yt, modality_names=names, baseline="late fusion", random_state=seed)
    late, trained = "late fusion", "late fusion + noise training"
    rr = {m: study.relative(late, m) for m in names}
    assert rr["image"] <= min(rr["audio"], rr["text"]) - 0.1, rr
    plain = ("late fusion", "early fusion", "low-rank fusion")
    best_clean = max(study.clean("audio only"), study.clean("text only"))
    worst = [float(study.curves[m]["image"][-1]) for m in plain]
    assert max(worst) <= best_clean - 0.1 and min(study.clean(m) for m in plain) > best_clean, (worst, best_clean)
    er = {m: study.effective(m, "image") for m in models}
    flat = max(er, key=er.get)
    assert flat in ("audio only", "text only") and study.clean(late) - study.clean(flat) >= 0.1, er
    gain = study.relative(trained, "image") - study.relative(late, "image")
    top = float(study.curves[trained]["image"][-1] - study.curves[late]["image"][-1])
    assert gain >= 0.02 and top >= 0.03 and study.clean(trained) >= study.clean(late) - 0.03, (gain, top)
    # the explorer's claim: at level 0.5 on the image every fused model beats the image-only model by >= 0.1,
    # and noise training is at least as accurate as plain late fusion
    i = int(np.argmin(np.abs(study.levels - 0.5)))
    at = {m: float(study.curves[m]["image"][i]) for m in models}
    fused = [m for m in at if "fusion" in m]
    assert min(at[m] for m in fused) >= at["image only"] + 0.1 and at[trained] >= at[late], at
