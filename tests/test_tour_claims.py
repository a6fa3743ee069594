"""The orientation tour's stochastic claims, rerun on five seeds with the notebook's quick sizes and margins.

``lectures/0_orientation/01_tour.ipynb`` seeds three computations: the
cross-validation folds of the per-modality probes (noise heterogeneity), the
shuffled pairs of the connection test, and the synthetic data, split and
network of the interaction test. Each test below redoes one of them with the
same public calls on seeds 0-4 and checks the notebook's margins, reading the
quick row of the notebook's size table from the notebook itself. A margin that
held only for the notebook's seed 0 would fail here.
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import CCA
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mmlab.data import load_dataset, make_interaction

NOTEBOOK = Path(__file__).resolve().parents[1] / "lectures" / "0_orientation" / "01_tour.ipynb"
MODALITIES = ("image", "audio", "text")


@cache
def quick_sizes() -> dict:
    """The ``"quick"`` row of the ``mmlab.sizes({...})`` table in the notebook's setup cell."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    setup = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for node in ast.walk(ast.parse(setup)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "sizes":
            return dict(ast.literal_eval(node.args[0])["quick"])
    raise AssertionError("01_tour.ipynb: no mmlab.sizes(...) table in the setup cell")


@cache
def av_digits() -> tuple:
    parts = tuple(load_dataset("av_digits", p) for p in ("train", "val", "test"))
    x = {m: np.concatenate([p[m] for p in parts]) for m in MODALITIES}
    y = np.concatenate([p.y for p in parts])
    notes = {
        k: np.concatenate([p.raw.meta[k] for p in parts])
        for k in ("image_box", "audio_snr_db", "audio_voice", "text_kind")
    }
    degraded = {
        "image": notes["image_box"][:, 2] > 0,
        "audio": (notes["audio_snr_db"] < 0) | (np.char.find(notes["audio_voice"].astype(str), "whisper") >= 0),
        "text": notes["text_kind"] != "clean",
    }
    return parts, x, y, degraded


@pytest.mark.slow
def test_noise_claims_hold_across_cross_validation_seeds(seed):
    _, x, y, degraded = av_digits()
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=0.03, max_iter=1000))
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    right = {m: cross_val_predict(probe, x[m], y, cv=cv) == y for m in MODALITIES}
    drop = np.array(
        [[right[m][~degraded[d]].mean() - right[m][degraded[d]].mean() for d in MODALITIES] for m in MODALITIES]
    )
    assert np.diag(drop).min() > 0.10, drop
    assert np.abs(drop[~np.eye(3, dtype=bool)]).max() < 0.07, drop
    acc = [r.mean() for r in right.values()]
    assert min(acc) > 0.5 and max(acc) - min(acc) > 0.05, acc


@pytest.mark.slow
def test_connection_claim_holds_across_shuffle_seeds(seed):
    (train, _, test), *_ = av_digits()
    rng = np.random.default_rng(seed)
    for a, b in [("image", "audio"), ("image", "text"), ("audio", "text")]:
        enc = {m: make_pipeline(StandardScaler(), PCA(20, random_state=0)).fit(train[m]) for m in (a, b)}
        cca = CCA(n_components=1, max_iter=1000).fit(enc[a].transform(train[a]), enc[b].transform(train[b]))
        ua, ub = (u[:, 0] for u in cca.transform(enc[a].transform(test[a]), enc[b].transform(test[b])))
        shuffled = np.abs([np.corrcoef(ua, rng.permutation(ub))[0, 1] for _ in range(quick_sizes()["shuffles"])])
        r = np.corrcoef(ua, ub)[0, 1]
        assert r > 0.3 and r - np.quantile(shuffled, 0.99) > 0.15, (a, b, r, np.quantile(shuffled, 0.99))


@pytest.mark.slow
def test_interaction_claims_hold_across_seeds(seed):
    s = quick_sizes()
    acc = {}
    for rule in ("redundancy", "synergy"):
        data = make_interaction(s["n_synthetic"], rule, random_state=seed)
        fit_part, score_part = data.split((0.7, 0.3), random_state=seed)
        for name, cols in {"m0": [0], "m1": [1], "both": [0, 1]}.items():
            net = MLPClassifier((s["hidden"],), early_stopping=True, max_iter=500, random_state=seed)
            net.fit(np.hstack([fit_part.modalities[i] for i in cols]), fit_part.y)
            acc[rule, name] = net.score(np.hstack([score_part.modalities[i] for i in cols]), score_part.y)
    assert max(acc["synergy", "m0"], acc["synergy", "m1"]) < 0.6 and acc["synergy", "both"] > 0.85, acc
    assert min(acc["redundancy", k] for k in ("m0", "m1", "both")) > 0.85, acc
