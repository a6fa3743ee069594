"""Tests of mmlab.quantify: clustering and batch PID estimators, Sinkhorn, model selection."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes
from sklearn.metrics import adjusted_rand_score

from mmlab.data import make_interaction
from mmlab.quantify import (
    ATOMS,
    ESTIMATORS,
    PIDResult,
    batch_pid,
    cluster_pid,
    dataset_pid,
    discretize,
    exact_pid,
    from_samples,
    interaction_distance,
    model_pid,
    rank_by_interactions,
    sinkhorn_project,
)

#: The quick sizes of lectures/6_quantification/02_pid_estimators_model_selection.ipynb, read from its setup cell.
QUICK = quick_sizes("lectures/6_quantification/02_pid_estimators_model_selection.ipynb")
RULES = {"redundancy": "redundancy", "uniqueness": "uniqueness_0", "synergy": "synergy"}


# --------------------------------------------------------------------------- #
# the result type
# --------------------------------------------------------------------------- #
def test_pid_estimate_total_dominant_and_views():
    est = PIDResult(0.1, 0.5, 0.0, 0.3, 0.9, method="cluster")
    assert est.total == pytest.approx(0.9)
    assert est.dominant == "unique1"
    np.testing.assert_allclose(est.as_array(), [0.1, 0.5, 0.0, 0.3])
    assert est.as_dict() == pytest.approx(
        {"redundancy": 0.1, "unique1": 0.5, "unique2": 0.0, "synergy": 0.3, "total": 0.9}
    )
    assert ATOMS == ("redundancy", "unique1", "unique2", "synergy")


# --------------------------------------------------------------------------- #
# clustering estimator
# --------------------------------------------------------------------------- #
def test_discretize_recovers_well_separated_blobs(seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=10.0, size=(5, 3))
    truth = rng.integers(0, 5, size=300)
    x = centres[truth] + rng.normal(scale=0.1, size=(300, 3))
    codes = discretize(x, 5, random_state=seed)
    assert codes.dtype == np.int64 and codes.shape == (300,)
    assert adjusted_rand_score(truth, codes) == 1.0  # same partition up to names (sklearn's reference index)


def test_discretize_accepts_a_vector():
    assert sorted(np.unique(discretize(np.r_[np.zeros(5), np.ones(5) * 9], 2))) == [0, 1]


def test_cluster_pid_on_given_codes_is_the_exact_pid_of_the_empirical_table(seed):
    d = make_interaction(800, "synergy", random_state=seed)
    c1, c2 = d.codes()
    est = cluster_pid(c1, c2, d.y)  # 1-D integer codes are used as they are
    exact = exact_pid(d.empirical_joint())
    np.testing.assert_allclose(
        est.as_array(), [exact.redundancy, exact.unique1, exact.unique2, exact.synergy], atol=1e-7
    )
    assert est.method == "cluster" and est.info["sizes"] == (2, 2, 2)


def test_cluster_pid_equals_discretize_then_exact_pid():
    d = make_interaction(600, "redundancy", random_state=3)
    codes = [discretize(x, 8, random_state=5) for x in d.modalities]
    exact = exact_pid(from_samples(*codes, d.y))
    est = cluster_pid(*d.modalities, d.y, n_clusters=8, random_state=5)
    np.testing.assert_allclose(
        est.as_array(), [exact.redundancy, exact.unique1, exact.unique2, exact.synergy], atol=1e-7
    )


def test_smoothing_adds_a_pseudo_count_per_cell():
    x1, x2, y = np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    est = cluster_pid(x1, x2, y, smoothing=0.5)
    counts = from_samples(x1, x2, y) * 4
    np.testing.assert_allclose(est.info["joint"], (counts + 0.5) / (4 + 0.5 * 8))


def test_continuous_label_is_clustered():
    rng = np.random.default_rng(0)
    bit = rng.integers(0, 2, size=400)
    x1 = np.c_[bit * 6.0 + rng.normal(scale=0.2, size=400)]
    x2 = rng.normal(size=(400, 2))
    y = bit * 10.0 + rng.normal(scale=0.1, size=400)  # float dtype: a continuous target
    est = cluster_pid(x1, x2, y, n_clusters=2, label_clusters=2)
    assert est.info["sizes"][2] == 2
    assert est.dominant == "unique1" and est.unique1 == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: discretize(np.zeros((3, 2)), 5), ValueError, "at least n_clusters=5 rows"),
        (lambda: discretize(np.zeros((3, 2, 1)), 2), ValueError, "dimension"),
        (lambda: discretize(np.array([[np.nan, 0.0]] * 3), 2), ValueError, "finite"),
        (lambda: discretize(np.zeros((4, 2)), 0), ValueError, "n_clusters"),
        (lambda: cluster_pid(np.zeros((5, 2)), np.zeros((4, 2)), np.zeros(5, int)), ValueError, "paired samples"),
        (lambda: cluster_pid([0, 1], [0, 1], [[0], [1]]), ValueError, r"y must have shape \(n,\)"),
        (lambda: cluster_pid([0, 1], [0, 1], [1, 1]), ValueError, "at least two values"),
        (lambda: cluster_pid([0, 1], [0, 1], [0, 1], smoothing=-1.0), ValueError, r"smoothing must be .*>= 0"),
        (lambda: cluster_pid([0, 1], [0, 1], [0, 1], smoothing="a"), TypeError, "smoothing must be a real"),
        (
            lambda: cluster_pid(np.zeros((3, 2)), [0, 1, 0], [0, 1, 0], n_clusters=5),
            ValueError,
            "x1 must have at least",
        ),
        (lambda: cluster_pid([0, 1], [0, 1], [0, 1], random_state="x"), TypeError, "random_state"),
    ],
)
def test_clustering_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --------------------------------------------------------------------------- #
# Sinkhorn projection (the solver itself, mmlab.align.sinkhorn, is tested in tests/align/test_transport.py:
# both its exp and log-domain paths against POT, batches, gradients, validation)
# --------------------------------------------------------------------------- #
def _marginals(rng, n1, n2, c):
    rows = torch.as_tensor(rng.random((n1, c)), dtype=torch.float64)
    cols = torch.as_tensor(rng.random((n2, c)), dtype=torch.float64)
    rows = rows / rows.sum()
    return rows, cols / cols.sum(0) * rows.sum(0)  # equal per-class totals: a coupling exists


@pytest.mark.parametrize("scale", [1.0, 40.0])  # 40: logits span > 30, the log-domain path
def test_sinkhorn_meets_both_marginals(seed, scale):
    """The PID's projection lands in Delta_p: per class, rows sum to q(x1, y), columns to q(x2, y)."""
    rng = np.random.default_rng(seed)
    logits = (scale * torch.as_tensor(rng.normal(size=(7, 5, 3)))).requires_grad_(True)
    rows, cols = _marginals(rng, 7, 5, 3)
    q = sinkhorn_project(logits, rows, cols, n_iter=2000)
    assert q.shape == (7, 5, 3) and bool((q >= 0).all())
    q_ = q.detach()
    np.testing.assert_allclose(q_.sum(0).numpy(), cols.numpy(), atol=1e-10)  # last update: exact
    np.testing.assert_allclose(q_.sum(1).numpy(), rows.numpy(), atol=1e-6)  # converged
    # the projection only rescales rows and columns of each class: log q - logits is u[a] + v[b]
    resid = torch.log(q_) - logits.detach()
    np.testing.assert_allclose((resid - resid[:, :1] - resid[:1] + resid[:1, :1]).numpy(), 0.0, atol=1e-6)
    q[:, :, 0].sum().backward()  # batch_pid trains its coupling network through this projection
    assert logits.grad is not None and bool(torch.isfinite(logits.grad).all())


def test_sinkhorn_exp_and_log_domain_paths_agree_before_convergence(monkeypatch):
    """batch_pid runs a few unconverged iterations: both of mmlab.align.sinkhorn's paths give the same iterates."""
    import mmlab.align._transport as transport

    rng = np.random.default_rng(0)
    logits = torch.as_tensor(rng.normal(size=(6, 4, 2)))
    rows, cols = _marginals(rng, 6, 4, 2)
    fast = sinkhorn_project(logits, rows, cols, n_iter=5)
    monkeypatch.setattr(transport, "_EXP_RANGE", 0.0)  # force the log-domain updates
    np.testing.assert_allclose(sinkhorn_project(logits, rows, cols, n_iter=5).numpy(), fast.numpy(), atol=1e-12)


def test_sinkhorn_rescales_column_totals_within_tolerance():
    """Per-class totals that differ by less than 1e-4 (rounding) are accepted: the columns are rescaled to the rows'."""
    rng = np.random.default_rng(0)
    rows, cols = _marginals(rng, 4, 3, 2)
    q = sinkhorn_project(torch.zeros(4, 3, 2, dtype=torch.float64), rows, cols * (1 + 1e-6), n_iter=500)
    np.testing.assert_allclose(q.sum(0).numpy(), cols.numpy(), atol=1e-12)
    np.testing.assert_allclose(q.sum(1).numpy(), rows.numpy(), atol=1e-9)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(logits=np.zeros((2, 2, 1))), TypeError, "logits must be a floating-point"),
        (dict(logits=torch.zeros(2, 2)), ValueError, r"logits must have shape \(n1, n2, C\)"),
        (dict(rows=torch.full((3, 1), 0.25)), ValueError, "row_marginals must have shape"),
        (dict(rows=torch.tensor([[-0.5], [1.5]])), ValueError, "finite and non-negative"),
        (dict(cols=torch.tensor([[0.1], [0.1]])), ValueError, "same positive total for every class"),
        (dict(rows=torch.zeros(2, 1), cols=torch.zeros(2, 1)), ValueError, "same positive total for every class"),
    ],
)
def test_sinkhorn_bad_inputs(kwargs, err, match):
    """Wrong tables are named with the PID's argument names (n_iter: test_quantify_inputs.py)."""
    args = {"logits": torch.zeros(2, 2, 1), "rows": torch.full((2, 1), 0.5), "cols": torch.full((2, 1), 0.5)}
    args.update(kwargs)
    with pytest.raises(err, match=match):
        sinkhorn_project(args["logits"], args["rows"], args["cols"], n_iter=10)


# --------------------------------------------------------------------------- #
# batch estimator
# --------------------------------------------------------------------------- #
def test_batch_pid_with_given_discriminators_reads_the_copy_structure():
    """Y = bit of x1; perfect (known) classifiers: I1 = 1, I2 = 0, so U1 = 1 and the rest 0."""
    rng = np.random.default_rng(0)
    bit = rng.integers(0, 2, size=400)
    x1 = torch.as_tensor(np.c_[bit * 2.0 - 1.0], dtype=torch.float32)
    x2 = torch.as_tensor(rng.normal(size=(400, 1)), dtype=torch.float32)

    class One(torch.nn.Module):  # logits from x1 only, confident
        def forward(self, x):
            x = torch.cat(x, 1)[:, :1] if isinstance(x, list) else x
            return torch.cat([-20 * x, 20 * x], dim=1)

    class Flat(torch.nn.Module):
        def forward(self, x):
            return torch.zeros(x.shape[0], 2)

    est = batch_pid(x1, x2, torch.as_tensor(bit), discriminators=(One(), Flat(), One()), epochs=1, random_state=0)
    assert est.method == "batch"
    np.testing.assert_allclose(est.as_array(), [0.0, 1.0, 0.0, 0.0], atol=0.02)
    assert est.info["accuracy"][0] == 1.0


def test_batch_pid_accepts_a_classifier_certain_of_one_class():
    """p(y=1 | x1) underflows to exactly 0: the batch marginals still give every class a positive, equal mass."""

    class Certain(torch.nn.Module):  # always class 0, with probability 1 in float32
        def forward(self, x):
            n = (x[0] if isinstance(x, list) else x).shape[0]
            return torch.tensor([[200.0, -200.0]]).expand(n, 2)

    class Flat(torch.nn.Module):
        def forward(self, x):
            return torch.zeros((x[0] if isinstance(x, list) else x).shape[0], 2)

    rng = np.random.default_rng(0)
    x1, x2 = (torch.as_tensor(rng.normal(size=(200, 2)), dtype=torch.float32) for _ in range(2))
    est = batch_pid(
        x1,
        x2,
        torch.as_tensor(rng.integers(0, 2, size=200)),
        discriminators=(Certain(), Flat(), Flat()),
        epochs=1,
        batch_size=32,
        random_state=0,
    )
    assert np.isfinite(est.as_array()).all()
    np.testing.assert_allclose([est.info["I1"], est.info["I2"]], 0.0, atol=1e-6)  # neither classifier informs


def test_batch_pid_is_reproducible_and_leaves_global_state_alone():
    d = make_interaction(300, "uniqueness", random_state=0)
    state = torch.get_rng_state()
    a = batch_pid(*d.modalities, d.y, epochs=1, discriminator_epochs=2, random_state=4)
    assert torch.equal(state, torch.get_rng_state())
    b = batch_pid(*d.modalities, d.y, epochs=1, discriminator_epochs=2, random_state=4)
    np.testing.assert_allclose(a.as_array(), b.as_array())


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.zeros(6)), TypeError, "integer class labels"),
        (lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.zeros(6, int)), ValueError, "at least two values"),
        (lambda: batch_pid(np.zeros((6, 2)), np.zeros((5, 2)), np.arange(6) % 2), ValueError, "paired samples"),
        (
            lambda: batch_pid(np.zeros(6), np.zeros((6, 2)), np.arange(6) % 2),
            ValueError,
            r"x1 must have shape \(n, d\)",
        ),
        (lambda: batch_pid(np.full((6, 2), np.nan), np.zeros((6, 2)), np.arange(6) % 2), ValueError, "finite"),
        (lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.arange(6) - 1), ValueError, "class indices"),
        (
            lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.arange(6) % 2, test_fraction=0.1),
            ValueError,
            "fewer than 2 samples",
        ),
        (
            lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.arange(6) % 2, test_fraction=1.0),
            ValueError,
            "test_fraction",
        ),
        (
            lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.arange(6) % 2, discriminators=(1, 2, 3)),
            TypeError,
            "three torch.nn.Modules",
        ),
        (lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.arange(6) % 2, lr=0.0), ValueError, "lr must be"),
        (
            lambda: batch_pid(np.zeros((6, 2)), np.zeros((6, 2)), np.arange(6) % 2, batch_size=1),
            ValueError,
            "batch_size",
        ),
    ],
)
def test_batch_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --------------------------------------------------------------------------- #
# dataset -> model -> selection
# --------------------------------------------------------------------------- #
def test_interaction_distance_and_ranking_by_hand():
    assert interaction_distance([0, 0, 0, 1.0], [0.5, 0, 0, 0.5]) == pytest.approx(1.0)
    # shares: (0.25, 0, 0, 0.75) vs (0, 0, 0, 1): |0.25| + |0.25| = 0.5; raw bits: 0.5 + 0.5 = 1.0
    assert interaction_distance([0.5, 0, 0, 1.5], [0, 0, 0, 2.0]) == pytest.approx(0.5)
    assert interaction_distance([0.5, 0, 0, 1.5], [0, 0, 0, 2.0], normalize=False) == pytest.approx(1.0)
    assert interaction_distance([0, 0, 0, 0], [1.0, 0, 0, 0]) == pytest.approx(1.0)  # a zero profile
    assert interaction_distance([-0.1, 1.0, 0, 0], [0, 1.0, 0, 0]) == pytest.approx(0.0)  # clipped at 0
    ranked = rank_by_interactions(
        PIDResult(0, 0, 0, 1.0, 1.0, "cluster"),
        {"late": [0.3, 0, 0, 0.2], "tensor": PIDResult(0, 0, 0, 0.9, 0.9, "cluster")},
    )
    assert ranked == [("tensor", 0.0), ("late", pytest.approx(1.2))]


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: interaction_distance([0, 1], [0, 0, 0, 1]), ValueError, "four finite atoms"),
        (lambda: interaction_distance([0, 0, np.nan, 1], [0, 0, 0, 1]), ValueError, "four finite atoms"),
        (lambda: rank_by_interactions([0, 0, 0, 1], {}), ValueError, "non-empty mapping"),
        (lambda: dataset_pid([0, 1], [0, 1], [0, 1], estimator="knn"), ValueError, "estimator must be one of"),
        (lambda: model_pid("net", torch.zeros(2, 1), torch.zeros(2, 1)), TypeError, "torch.nn.Module"),
    ],
)
def test_selection_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


class _Rule(torch.nn.Module):
    """A fixed 'model': logits from a rule on the first feature of each modality."""

    def __init__(self, rule):
        super().__init__()
        self.rule = rule
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, xs):
        bit = self.rule((xs[0][:, 0] > 0).long(), (xs[1][:, 0] > 0).long()).float()
        return torch.stack([-bit, bit], dim=1) + 0 * self.dummy


def test_model_pid_describes_the_rule_the_model_uses(seed):
    rng = np.random.default_rng(seed)
    x1 = torch.as_tensor(rng.choice([-1.0, 1.0], size=(600, 1)), dtype=torch.float32)
    x2 = torch.as_tensor(rng.choice([-1.0, 1.0], size=(600, 1)), dtype=torch.float32)
    xor = model_pid(_Rule(lambda a, b: a ^ b), x1, x2, n_clusters=2, random_state=seed)
    copy = model_pid(_Rule(lambda a, b: a), x1, x2, n_clusters=2, random_state=seed)
    assert xor.dominant == "synergy" and xor.synergy == pytest.approx(1.0, abs=0.02)
    assert copy.dominant == "unique1" and copy.unique1 == pytest.approx(1.0, abs=0.02)
    assert set(np.unique(copy.info["predictions"])) == {0, 1}
    with pytest.raises(ValueError, match="same class for every sample"):
        model_pid(_Rule(lambda a, b: a * 0), x1, x2, n_clusters=2)


def test_dataset_pid_dispatches_to_the_estimators():
    d = make_interaction(400, "redundancy", random_state=0)
    assert set(ESTIMATORS) == {"cluster", "batch"}
    est = dataset_pid(*d.to_torch()[0], d.to_torch()[1], n_clusters=16, random_state=0)  # tensors are accepted
    assert est.method == "cluster" and est.dominant == "redundancy"


# --------------------------------------------------------------------------- #
# the claims of lectures/6_quantification/02_pid_estimators_model_selection.ipynb, on 5 seeds
# --------------------------------------------------------------------------- #
@functools.cache
def _data(rule, seed):
    return make_interaction(QUICK["n"], rule, random_state=seed)


@pytest.mark.parametrize("name", list(RULES))
def test_claim_clustering_estimator_ranks_the_planted_interaction_first(name, seed):
    d = _data(RULES[name], seed)
    est = cluster_pid(*d.modalities, d.y, n_clusters=QUICK["n_clusters"], random_state=seed)
    assert est.dominant == d.truth.dominant_atom, est


def test_claim_too_few_clusters_lose_the_redundancy(seed):
    d = _data("redundancy", seed)
    fine = cluster_pid(*d.modalities, d.y, n_clusters=QUICK["n_clusters"], random_state=seed)
    coarse = cluster_pid(*d.modalities, d.y, n_clusters=QUICK["few_clusters"], random_state=seed)
    assert coarse.redundancy < fine.redundancy - 0.3, (coarse, fine)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(RULES))
def test_claim_batch_estimator_ranks_the_planted_interaction_first(name, seed):
    d = _data(RULES[name], seed)
    est = batch_pid(
        *d.modalities, d.y, epochs=QUICK["batch_epochs"], discriminator_epochs=QUICK["disc_epochs"], random_state=seed
    )
    assert est.dominant == d.truth.dominant_atom, est
    if name == "synergy":  # the coupling search starts at its minimum (near 0 bit) on synergy data
        assert est.info["loss"][0] < 0.05, est.info["loss"]


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["uniqueness_0", "synergy", ("redundancy", "synergy")])
def test_claim_closest_interaction_profile_is_among_the_best_models(rule, seed):
    from mmlab.fusion.experiments import train_fusion

    train, test = make_interaction(QUICK["n"], rule, random_state=seed).split((0.7, 0.3), random_state=seed)
    on_data = dataset_pid(*test.modalities, test.y, n_clusters=QUICK["n_clusters"], random_state=seed)
    accuracy, profiles = {}, {}
    for fusion in ("additive", "multiplicative", "mlp"):
        fitted = train_fusion(train, test, fusion, epochs=QUICK["epochs"], random_state=seed)
        dev = next(fitted.model.parameters()).device
        x_test = [torch.as_tensor(x, device=dev) for x in test.modalities]
        accuracy[fusion] = fitted.score
        profiles[fusion] = model_pid(fitted.model, *x_test, n_clusters=QUICK["n_clusters"], random_state=seed)
    ranking = rank_by_interactions(on_data, profiles)
    chosen = ranking[0][0]
    assert max(accuracy.values()) - accuracy[chosen] <= 0.02, (chosen, accuracy)
    if "synergy" in rule:  # the additive model is the farthest from the data and far less accurate
        assert ranking[-1][0] == "additive" and max(accuracy.values()) - accuracy["additive"] > 0.3, (ranking, accuracy)
