"""Reference answers: lectures/6_quantification/02_pid_estimators_model_selection.ipynb, Questions to think about."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from mmlab.data import make_interaction
from mmlab.fusion.experiments import train_fusion
from mmlab.quantify import ATOMS, batch_pid, cluster_pid, dataset_pid, exact_pid, model_pid, rank_by_interactions

NOTEBOOK = "lectures/6_quantification/02_pid_estimators_model_selection.ipynb"


def exercise_1(sizes: dict) -> None:
    """With 8 clusters about half of the planted redundancy comes back (16 recover all of it): the estimate grows
    with K until the clusters resolve the factor, so on real data report the atoms for several K."""
    d = make_interaction(sizes["n"], "redundancy", random_state=0)
    r = {
        k: cluster_pid(*d.modalities, d.y, n_clusters=k, random_state=0).redundancy
        for k in (sizes["few_clusters"], 8, sizes["n_clusters"])
    }
    assert r[sizes["few_clusters"]] + 0.2 < r[8] < r[sizes["n_clusters"]] - 0.2, r


def exercise_2(sizes: dict) -> None:
    """The K1 x K2 table of the pair has far more cells than either K x |Y| table of one modality, so it overfits
    most, and only the joint term I(X1,X2;Y), whose excess PID books as synergy, sees those cells. On independent
    noise the clustering estimator's largest spurious atom is synergy."""
    rng = np.random.default_rng(0)
    x1, x2, y = rng.normal(size=(sizes["n"], 16)), rng.normal(size=(sizes["n"], 16)), rng.integers(0, 2, sizes["n"])
    estimate = cluster_pid(x1, x2, y, n_clusters=sizes["n_clusters"], random_state=0).as_dict()
    atoms = {name: estimate[name] for name in ATOMS}
    assert max(atoms, key=atoms.get) == "synergy" and atoms["synergy"] > 0.05, atoms


def exercise_3(sizes: dict) -> None:
    """When the profiles tie, the accuracies tie too; choose the simplest model (fewest parameters), here additive."""
    train, test = make_interaction(sizes["n"], "uniqueness_0", random_state=0).split((0.7, 0.3), random_state=0)
    fits = {f: train_fusion(train, test, f, epochs=sizes["epochs"]) for f in ("additive", "multiplicative", "mlp")}
    x_test = [torch.as_tensor(x) for x in test.modalities]
    on_data = dataset_pid(*test.modalities, test.y, n_clusters=sizes["n_clusters"], random_state=0)
    distance = dict(
        rank_by_interactions(
            on_data,
            {f: model_pid(r.model, *x_test, n_clusters=sizes["n_clusters"], random_state=0) for f, r in fits.items()},
        )
    )
    assert max(distance.values()) < 0.05 and min(r.score for r in fits.values()) > 0.95, distance
    assert min(fits, key=lambda f: fits[f].total_params) == "additive"


class _Tempered(nn.Module):
    """A classifier whose logits are divided by a temperature (T < 1: overconfident, T > 1: underconfident)."""

    def __init__(self, net: nn.Module, temperature: float) -> None:
        super().__init__()
        self.net, self.temperature = net, temperature

    def forward(self, xs):
        return self.net(xs) / self.temperature


class _Flat(nn.Module):
    """p(y | x) = 1/2: the true posterior of one modality on synergy data."""

    def forward(self, x):
        return torch.zeros(x.shape[0], 2)


def exercise_4(sizes: dict) -> None:
    """The joint classifier enters only I_p, so only S = I_p - I_q moves: an overconfident joint classifier inflates
    the synergy, an underconfident one deflates it; R and U1, U2 do not change."""
    d = make_interaction(sizes["n"], "synergy", random_state=0)
    train, test = d.split((0.7, 0.3), random_state=0)
    joint = train_fusion(train, test, "mlp", epochs=sizes["epochs"]).model.eval()
    xs = [torch.as_tensor(x) for x in d.modalities]
    est = {
        t: batch_pid(
            *xs,
            torch.as_tensor(d.y),
            discriminators=(_Flat(), _Flat(), _Tempered(joint, t)),
            epochs=sizes["batch_epochs"],
            random_state=0,
        )
        for t in (0.3, 1.0, 3.0)
    }
    s = {t: e.synergy for t, e in est.items()}
    assert s[0.3] > s[1.0] > s[3.0], s
    for t in (0.3, 3.0):
        np.testing.assert_allclose(est[t].as_array()[:3], est[1.0].as_array()[:3], atol=1e-6)


def exercise_5(sizes: dict) -> None:
    """On the per-sample mixture the clustering estimator lands close to the exact PID of the planted table; the
    batch estimator, limited by its classifiers and its coupling search, is farther off (mainly in S)."""
    d = make_interaction(sizes["n"], {"redundancy": 0.5, "synergy": 0.5}, random_state=0)
    exact = exact_pid(d.truth.joint).as_array()
    clustered = cluster_pid(*d.modalities, d.y, n_clusters=sizes["n_clusters"], random_state=0).as_array()
    batched = batch_pid(
        *d.modalities, d.y, epochs=sizes["batch_epochs"], discriminator_epochs=sizes["disc_epochs"], random_state=0
    ).as_array()
    error = {"cluster": np.abs(clustered - exact).max(), "batch": np.abs(batched - exact).max()}
    assert error["cluster"] < 0.05 and error["cluster"] < error["batch"], (exact, clustered, batched)
