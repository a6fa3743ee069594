"""The claims of lectures 1.6 and 1.7, rerun on five seeds with each notebook's quick sizes and margins.

Each test reads the quick row of the notebook's size table from the notebook
itself, calls the same ``mmlab.coordination.experiments`` function (or the same
few public calls) as the notebook, and checks the same margins as its claims.
"""

from __future__ import annotations

import numpy as np
import pytest
from lecture_exercises import quick_sizes

import mmlab.coordination.experiments as cx
from mmlab.coordination import CCA, cosine_similarity, recall_at_k
from mmlab.data import make_paired_views

L06 = "lectures/1_representation/06_coordinated_representations.ipynb"
L07 = "lectures/1_representation/07_contrastive_learning.ipynb"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def test_lecture_06_section_1_and_2_hold_across_seeds(seed):
    s = quick_sizes(L06)
    data = make_paired_views(s["n"] + 256, random_state=seed)
    train, test = data.subset(np.arange(s["n"])), data.subset(np.arange(s["n"], s["n"] + 256))
    assert recall_at_k(cosine_similarity(*test.modalities), 1) < 5 / 256
    cca = CCA(n_components=4).fit(*train.modalities)
    assert recall_at_k(cosine_similarity(*cca.transform(*test.modalities)), 1) > 20 / 256
    from sklearn.cross_decomposition import CCA as SklearnCCA

    sk = SklearnCCA(n_components=3, max_iter=2000, tol=1e-10).fit(*train.modalities)
    u, v = sk.transform(*train.modalities)
    rho_sk = np.array([np.corrcoef(u[:, k], v[:, k])[0, 1] for k in range(3)])
    assert np.abs(CCA(3).fit(*train.modalities).correlations_ - rho_sk).max() < 1e-3


@pytest.mark.slow
def test_lecture_06_deep_cca_and_gates_hold_across_seeds(seed):
    s = quick_sizes(L06)
    res = cx.linear_vs_deep_cca(n=s["n_cca"], epochs=s["dcca_epochs"], random_state=seed)
    assert np.abs(res.linear_test).max() < 0.15 and res.deep_test.min() > 0.85, (res.linear_test, res.deep_test)
    gate = cx.gated_coordination(n=s["n_gate"], epochs=s["gate_epochs"], random_state=seed)
    opened = gate.mean_gate("both", True) - gate.mean_gate("both", False)
    assert gate.auc["both"] > 0.9 and opened > 0.4, (gate.auc, opened)
    assert gate.auc["self"] < 0.65, gate.auc


@pytest.mark.slow
def test_lecture_07_retrieval_and_negatives_hold_across_seeds(seed):
    s = quick_sizes(L07)
    ret = cx.contrastive_retrieval(n=s["n"], epochs=s["epochs"], random_state=seed)
    chance = 1 / ret.n_candidates
    assert ret.recall[1] > 25 * chance and ret.recall[10] > 0.6, ret.recall
    assert ret.untrained_recall < 8 * chance, ret.untrained_recall
    sweep = cx.negatives_sweep((4, 16, 64, 256), steps=s["steps"], n=s["n"], random_state=seed)
    r = {b: v["recall"] for b, v in sweep.items()}
    assert r[64] - r[4] > 0.05 and r[256] - r[64] < 0.05, r
    assert sweep[4]["train_bound"] > 0.6 * np.log(4) and sweep[256]["test_bound"] > np.log(4), sweep
    for v in sweep.values():  # the bound never exceeds its ceiling (an identity: a loss is never negative)
        assert v["train_bound"] <= v["ceiling"] + 1e-9


@pytest.mark.slow
def test_lecture_07_self_supervision_holds_across_seeds(seed):
    s = quick_sizes(L07)
    ssl = cx.ssl_probes(n=s["ssl_n"], epochs=s["ssl_epochs"], random_state=seed)
    acc = ssl.accuracy
    assert acc["raw"] < ssl.chance + 0.1, acc
    assert min(acc["simclr"], acc["byol"]) > acc["random"] + 0.15, acc
    assert acc["simclr"] > acc["supervised"] - 0.1, acc


def test_experiments_validate_their_sizes():
    with pytest.raises(ValueError, match="n_labels"):
        cx.ssl_probes(n=10, n_labels=20)
    with pytest.raises(ValueError, match="n_candidates"):
        cx.contrastive_retrieval(n_candidates=5)
    with pytest.raises(ValueError, match="batch_sizes"):
        cx.negatives_sweep((1,))
