"""The fusion lectures' stochastic claims, rerun on five seeds with each notebook's quick sizes and margins.

Each test reads the quick row of the notebook's size table from the notebook
itself (its setup cell), calls the same ``mmlab.fusion.experiments`` function
the notebook calls, and checks the same margin as the notebook's ``claim``.
A margin that held only for the notebook's seed 0 would fail here.

Also: the validation branches of ``mmlab.fusion.experiments``.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest
import torch
from lecture_exercises import notebook_cells
from lecture_exercises import quick_sizes as _quick_sizes

import mmlab.fusion.experiments as fx
from mmlab.train import predict


def _statements(src: str) -> list[ast.stmt]:
    """Top-level statements of a code cell (none for a cell that is not plain Python, e.g. with a magic)."""
    try:
        return ast.parse(src).body
    except SyntaxError:
        return []


def quick_sizes(notebook: str) -> dict:
    """The ``"quick"`` row of the size table in ``lectures/1_representation/<notebook>``'s setup cell."""
    return _quick_sizes(f"lectures/1_representation/{notebook}")


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


# --------------------------------------------------------------------------- #
# 02: additive and multiplicative fusion
# --------------------------------------------------------------------------- #
def notebook_literal(notebook: str, name: str):
    """The literal value assigned to ``name`` in a code cell of ``lectures/1_representation/<notebook>``."""
    for kind, src in notebook_cells(f"lectures/1_representation/{notebook}"):
        if kind == "code":
            for node in _statements(src):
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
                    return ast.literal_eval(node.value)
    raise AssertionError(f"{notebook}: no literal assignment to {name}")


@pytest.mark.slow
def test_lecture_02_claims_hold_across_seeds(seed):
    s = quick_sizes("02_additive_and_multiplicative_fusion.ipynb")
    models = notebook_literal("02_additive_and_multiplicative_fusion.ipynb", "MODELS")  # the notebook's own table
    res = fx.interaction_accuracies(["synergy", "redundancy"], models, n=s["n"], epochs=s["epochs"], random_state=seed)
    syn = {op: r.score for op, r in res["synergy"].items()}
    red = {op: r.score for op, r in res["redundancy"].items()}
    assert max(syn["additive"], syn["concat + linear head"]) < 0.65, syn
    assert min(syn["concat + MLP head"], syn["multiplicative"], syn["tensor"]) > 0.9, syn
    assert min(red.values()) > 0.95, red
    add_cells, mul_cells = (fx.cell_table(res["synergy"][op]) for op in ("additive", "multiplicative"))
    assert np.abs(add_cells - 0.5).max() < 0.25, add_cells
    assert np.abs(mul_cells - np.array([[0.0, 1.0], [1.0, 0.0]])).max() < 0.2, mul_cells
    big = fx.interaction_accuracies(["synergy"], ["additive"], n=s["n_big"], epochs=s["epochs"], random_state=seed)
    small_train = res["synergy"]["additive"].history.final("accuracy")
    large = big["synergy"]["additive"]
    assert small_train - large.history.final("accuracy") > 0.05 and large.score < 0.65
    r2 = {
        op: r.score
        for op, r in fx.multiplicative_target(
            ["additive", "bilinear"], n=s["n"], epochs=s["epochs"], random_state=seed
        ).items()
    }
    assert r2["bilinear"] > 0.6 and r2["bilinear"] - r2["additive"] > 0.5, r2
    assert r2["additive"] < 0.1, r2


# --------------------------------------------------------------------------- #
# 03: tensor, low-rank and polynomial fusion
# --------------------------------------------------------------------------- #
@pytest.mark.slow
def test_lecture_03_claims_hold_across_seeds(seed):
    s = quick_sizes("03_tensor_lowrank_polynomial_fusion.ipynb")
    tl = fx.tensor_vs_low_rank(n=s["n"], epochs=s["epochs"], random_state=seed, rank=s["rank"], embed_dim=16)
    acc = {k: r.score for k, r in tl.items()}
    assert min(acc.values()) > 0.9 and abs(acc["tensor"] - acc["low_rank"]) <= 0.05, acc
    assert tl["tensor"].fusion_params >= 10 * tl["low_rank"].fusion_params
    parity = {
        p: r.score
        for p, r in fx.polynomial_orders(
            (1, 2, 3), n=s["n"], epochs=s["epochs"], random_state=seed, target="parity"
        ).items()
    }
    assert parity[3] > max(parity[1], parity[2]) + 0.3 and max(parity[1], parity[2]) < 0.65, parity
    stairs = {
        p: r.score
        for p, r in fx.polynomial_orders(
            (1, 2, 3), n=s["n"], epochs=s["epochs"], random_state=seed, target="staircase"
        ).items()
    }
    assert stairs[2] - stairs[1] > 0.15 and stairs[3] - stairs[2] > 0.15, stairs


def test_tensor_fusion_count_matches_closed_form_in_the_experiment():
    """The trained TFN of lecture 03 has (dA+1)(dB+1)(dC+1)·dout parameters (independent arithmetic)."""
    tl = fx.tensor_vs_low_rank(n=60, epochs=1, random_state=0, rank=2, embed_dim=5)
    fusion = tl["tensor"].model.fusion
    assert tl["tensor"].fusion_params == 6 * 6 * 6 * fusion.out_dim
    assert tl["low_rank"].fusion_params == 2 * fusion.out_dim * 18 + 2 + fusion.out_dim


# --------------------------------------------------------------------------- #
# 04: gated, shift and mixture fusion
# --------------------------------------------------------------------------- #
@pytest.mark.slow
def test_lecture_04_claims_hold_across_seeds(seed):
    s = quick_sizes("04_gated_shift_mixture_fusion.ipynb")
    gate = fx.gates_under_corruption(n=s["n"], epochs=s["epochs"], random_state=seed, fraction=0.3, scale=3.0)
    m = {k: gate.mean_gate(k) for k in (0, 1, 2)}
    assert m[2] - m[1] > 0.25 and m[1] < m[0] < m[2], m
    costly = fx.shift_on_cue_flip(n=s["n"], epochs=s["epochs"], random_state=seed, shift_cost=0.1)
    assert costly.ratio() > 5 and costly.fit.score > 0.9, (costly.ratio(), costly.fit.score)
    plain = fx.shift_on_cue_flip(n=s["n"], epochs=s["epochs"], random_state=seed, shift_cost=0.0)
    assert plain.ratio() < 1.5, plain.ratio()
    w_syn = fx.mixture_weights(
        "synergy", ("additive", "multiplicative"), n=s["n"], epochs=s["epochs"], random_state=seed
    )[0]["multiplicative"]
    w_red = fx.mixture_weights(
        "redundancy", ("additive", "multiplicative"), n=s["n"], epochs=s["epochs"], random_state=seed
    )[0]["multiplicative"]
    assert w_syn > 0.6 and w_syn - w_red > 0.1, (w_syn, w_red)
    mlp = fx.interaction_accuracies(["synergy"], ["mlp"], n=s["n"], epochs=s["epochs"], random_state=seed)
    assert mlp["synergy"]["mlp"].score > 0.9


# --------------------------------------------------------------------------- #
# 05: AV-Digits
# --------------------------------------------------------------------------- #
@pytest.mark.slow
def test_lecture_05_claims_hold_across_seeds(seed):
    s = quick_sizes("05_fusion_on_av_digits.ipynb")
    operators = notebook_literal("05_fusion_on_av_digits.ipynb", "OPERATORS")
    res = fx.av_digits_accuracies(operators, epochs=s["epochs"], random_state=seed)
    acc = {k: r.score for k, r in res.items()}
    uni = [acc["image"], acc["audio"], acc["text"]]
    assert 0.5 < min(uni) and max(uni) < 0.9, acc
    assert min(acc["additive"], acc["concat"]) - max(uni) > 0.08, acc
    assert max(acc[op] for op in ("mlp", "tensor", "low_rank", "gated")) <= max(acc["additive"], acc["concat"]) + 0.02
    # the Bayes combination: the sum of the unimodal models' log-probabilities
    log_post = sum(torch.log_softmax(predict(res[m].model, res[m].test[0]), dim=1) for m in ("image", "audio", "text"))
    bayes = float((log_post.argmax(dim=1) == torch.as_tensor(res["image"].test[1])).double().mean())
    assert bayes - max(uni) > 0.1 and bayes >= max(acc[op] for op in operators), (bayes, acc)
    explorer = fx.interaction_accuracies(
        ["synergy"], ["additive"], n=s["explorer_n"], epochs=s["explorer_epochs"], random_state=0
    )  # the widget's starting run is always seed 0
    assert explorer["synergy"]["additive"].score < 0.65


# --------------------------------------------------------------------------- #
# the experiment functions themselves
# --------------------------------------------------------------------------- #
def test_training_and_fusion_options_reach_their_own_objects():
    """Issue 8: weight_decay went to the fusion's constructor; now training options reach mmlab.train.fit."""
    from mmlab.data import make_interaction

    train, test = make_interaction(120, "synergy", random_state=0).split((0.7, 0.3), random_state=0)
    plain = fx.train_fusion(train, test, "tensor", epochs=2)
    decayed = fx.train_fusion(train, test, "tensor", epochs=2, weight_decay=0.5, optimizer="adamw")
    assert decayed.model.fusion.linear.weight.norm() < plain.model.fusion.linear.weight.norm()
    low_rank = fx.train_fusion(train, test, "low_rank", epochs=1, fusion_options={"rank": 2}, head="mlp")
    assert low_rank.model.fusion.rank == 2 and not isinstance(low_rank.model.head, torch.nn.Linear)


def test_interaction_accuracies_takes_labelled_models():
    res = fx.interaction_accuracies(
        ["synergy"],
        {"plain": "concat", "mlp head": {"fusion": "concat", "head": "mlp"}},
        n=80,
        epochs=1,
        random_state=0,
    )["synergy"]
    assert list(res) == ["plain", "mlp head"]
    assert isinstance(res["plain"].model.head, torch.nn.Linear)
    assert not isinstance(res["mlp head"].model.head, torch.nn.Linear)


def test_pairwise_target_has_no_order_3_term():
    res = fx.polynomial_orders((2,), n=60, epochs=1, random_state=0, target="pairwise")
    assert res[2].metric == "r2" and res[2].test.truth.extra["r2_ceiling"][1] == 0.0


def test_same_seed_same_result_and_global_state_untouched():
    torch.manual_seed(7)
    expected = torch.rand(2)
    torch.manual_seed(7)
    a = fx.interaction_accuracies(["synergy"], ["additive"], n=80, epochs=2, random_state=3)["synergy"]["additive"]
    assert torch.equal(torch.rand(2), expected)  # models are initialised in a forked RNG
    b = fx.interaction_accuracies(["synergy"], ["additive"], n=80, epochs=2, random_state=3)["synergy"]["additive"]
    assert a.score == b.score and a.history.loss == b.history.loss


def test_regression_score_is_r2():
    """R^2 of train_fusion equals 1 - SSE/SST computed independently from the predictions."""
    from mmlab.data import make_polynomial
    from mmlab.train import predict

    data = make_polynomial(200, n_modalities=2, orders=(2,), random_state=0)
    train, test = data.split((0.7, 0.3), random_state=0)
    r = fx.train_fusion(train, test, "bilinear", epochs=2, task="regression")
    pred = predict(r.model, fx.as_xy(test)[0]).reshape(-1).double().numpy()
    y = test.y.astype(float)
    assert r.metric == "r2"
    assert r.score == pytest.approx(1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum(), rel=1e-6)


def test_gate_and_shift_results_are_per_test_sample():
    gate = fx.gates_under_corruption(n=100, epochs=1, random_state=0)
    assert gate.gate_a.shape == gate.status.shape == (30,)
    assert set(np.unique(gate.status)) == {0, 1, 2} and np.all((gate.gate_a > 0) & (gate.gate_a < 1))
    shift = fx.shift_on_cue_flip(n=100, epochs=1, random_state=0, shift_cost=0.1)
    assert shift.relative_shift.shape == shift.flipped.shape == (30,)
    assert np.all(shift.relative_shift <= 1.0 + 1e-6)  # beta = 1 caps the relative shift


def test_factor_corners_group_samples_by_their_label_bit():
    from mmlab.data import make_interaction

    data = make_interaction(200, "synergy", random_state=0)
    a0, a1, b0, b1 = fx.factor_corners(data, 20)
    col_a, col_b = data.truth.label_factors["synergy"]
    rows_a0 = np.flatnonzero(data.factors[:, col_a] == 0)[:20]
    assert torch.equal(a0, torch.as_tensor(data.modalities[0][rows_a0]))
    assert a1.shape == (20, 16) and b0.shape == b1.shape == (20, 16)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: fx.as_xy(3), TypeError, "modalities"),
        (
            lambda: fx.train_fusion(
                ([torch.zeros(4, 2)], torch.zeros(4)), ([torch.zeros(4, 2)], torch.zeros(4)), epochs=1, task="ranking"
            ),
            ValueError,
            "task",
        ),
        (
            lambda: fx.train_fusion(
                ([torch.zeros(4, 2)], torch.zeros(4)), ([torch.zeros(4, 2)], torch.zeros(4)), epochs=0
            ),
            ValueError,
            "epochs",
        ),
        (lambda: fx.interaction_accuracies(n=0, epochs=1), ValueError, "n must"),
        (lambda: fx.interaction_accuracies(n=50, epochs=1, random_state=-1), ValueError, "random_state"),
        (lambda: fx.polynomial_orders(n=50, epochs=1, target="cubic"), ValueError, "target"),
        (lambda: fx.gates_under_corruption(n=50, epochs=1, fraction=0.7), ValueError, "fraction"),
        (lambda: fx.shift_on_cue_flip(n=50, epochs=1, shift_cost=-1.0), ValueError, "shift_cost"),
        (lambda: fx.cell_table(fx.FitResult(None, 0.0, "accuracy", 0, 0, None, test=None)), ValueError, "two-modality"),
        (lambda: fx.factor_corners(object()), ValueError, "two-modality"),
        (
            lambda: fx.train_fusion(
                ([torch.zeros(4, 2)], torch.zeros(4)),
                ([torch.zeros(4, 2)], torch.zeros(4)),
                "tensor",
                epochs=1,
                fusion_options={"weight_decay": 0.1},
            ),
            TypeError,
            r"not options of the 'tensor'.*weight_decay",
        ),
        (
            lambda: fx.train_fusion(
                ([torch.zeros(4, 2)], torch.zeros(4)),
                ([torch.zeros(4, 2)], torch.zeros(4)),
                "tensor",
                epochs=1,
                fusion_options=[("bias", True)],
            ),
            TypeError,
            "mapping",
        ),
        (
            lambda: fx.train_fusion(
                ([torch.zeros(4, 2)], torch.zeros(4)),
                ([torch.zeros(4, 2)], torch.zeros(4)),
                torch.nn.Identity(),
                epochs=1,
                fusion_options={"rank": 2},
            ),
            ValueError,
            "given by name",
        ),
        (lambda: fx.interaction_accuracies(["synergy"], "additive", n=50, epochs=1), TypeError, "single string"),
        (
            lambda: fx.interaction_accuracies(["synergy"], {"x": {"head": "mlp"}}, n=50, epochs=1),
            ValueError,
            "must name its fusion",
        ),
        (lambda: fx.interaction_accuracies(["synergy"], {"x": 3}, n=50, epochs=1), TypeError, "fusion name or a dict"),
        (
            lambda: fx.factor_corners(
                __import__("mmlab.data", fromlist=["x"]).make_interaction(20, "synergy", random_state=0), 50
            ),
            ValueError,
            "too many",
        ),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
