"""Reference answers: lectures/0_orientation/01_tour.ipynb, Questions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cross_decomposition import CCA
from sklearn.decomposition import PCA
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mmlab.data import (
    MODALITY_STRUCTURES,
    DatasetInfo,
    ModalityInfo,
    catalogue_table,
    load_dataset,
    make_interaction,
)

NOTEBOOK = "lectures/0_orientation/01_tour.ipynb"

_PAIRS = [("image", "audio"), ("image", "text"), ("audio", "text")]


def _canonical_pairs(train, test, a: str, b: str, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's connection test: standardise, 20 principal components, CCA fitted on ``train``; the test
    split's canonical variates ``(n_test, n_components)`` of modalities ``a`` and ``b``."""
    enc = {m: make_pipeline(StandardScaler(), PCA(20, random_state=0)).fit(train[m]) for m in (a, b)}
    cca = CCA(n_components=n_components, max_iter=1000).fit(enc[a].transform(train[a]), enc[b].transform(train[b]))
    return cca.transform(enc[a].transform(test[a]), enc[b].transform(test[b]))


def _corr(u: np.ndarray, v: np.ndarray) -> float:
    return float(np.corrcoef(u, v)[0, 1])


def _within_class(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An index that re-pairs the samples at random, but only among samples of the same class."""
    index = np.arange(len(y))
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        index[members] = rng.permutation(members)
    return index


def exercise_1(sizes: dict) -> None:
    """Connection would change: the modalities would share the writer as well as the digit. The connection test
    shows it once its shuffled baseline re-pairs samples within their class: on AV-Digits (paired by class only)
    true pairs are no more correlated than such within-class shuffles, all the correlation is the digit; on data
    whose modalities share a factor beyond the label (the generator's shared factor r, standing in for a writer)
    true pairs beat within-class shuffles by far."""
    rng = np.random.default_rng(0)
    train, test = load_dataset("av_digits", "train"), load_dataset("av_digits", "test")
    for a, b in _PAIRS:
        ua, ub = (u[:, 0] for u in _canonical_pairs(train, test, a, b, 1))
        within = [_corr(ua, ub[_within_class(test.y, rng)]) for _ in range(sizes["shuffles"])]
        true = _corr(ua, ub)
        assert min(true, np.mean(within)) > 0.3, (a, b, true, np.mean(within))  # connected, through the class
        assert true < np.quantile(within, 0.99), (a, b, true, np.quantile(within, 0.99))  # and nothing more

    data = make_interaction(sizes["n_synthetic"], "synergy", random_state=0)  # m0 and m1 share r; y = s0 xor s1
    fit_part, score_part = data.split((0.7, 0.3), random_state=0)
    scale = [StandardScaler().fit(x) for x in fit_part.modalities]
    cca = CCA(n_components=1, max_iter=1000).fit(*(scale[i].transform(fit_part.modalities[i]) for i in (0, 1)))
    ua, ub = (u[:, 0] for u in cca.transform(*(scale[i].transform(score_part.modalities[i]) for i in (0, 1))))
    within = [_corr(ua, ub[_within_class(score_part.y, rng)]) for _ in range(sizes["shuffles"])]
    assert _corr(ua, ub) > np.quantile(within, 0.99) + 0.3, (_corr(ua, ub), np.quantile(within, 0.99))


def exercise_2(sizes: dict) -> None:
    """The second pair is weaker than the first and the tenth is noise: held-out correlations beyond the ninth pair
    are as small as chance allows (about 1/sqrt(n)), while the first three are high. Paired by class only, the
    modalities share nothing but the digit, so their cross-covariance is that of the 10 class means; centred, those
    10 means are linearly dependent, so it has rank at most 9, and so at most 9 canonical pairs carry a correlation."""
    parts = [load_dataset("av_digits", p) for p in ("train", "test")]
    train, test = parts
    noise_floor = 2 / np.sqrt(test.n)
    for a, b in _PAIRS:
        ua, ub = _canonical_pairs(train, test, a, b, 20)
        r = np.array([_corr(ua[:, k], ub[:, k]) for k in range(20)])
        assert r[:3].min() > 0.2 and r[0] > 0.35, (a, b, r[:3])
        assert np.abs(r[9:]).mean() < noise_floor, (a, b, r[9:], noise_floor)

        z = {m: make_pipeline(StandardScaler(), PCA(20, random_state=0)).fit_transform(train[m]) for m in (a, b)}
        means = {m: np.stack([z[m][train.y == c].mean(0) for c in range(10)]) - z[m].mean(0) for m in (a, b)}
        weights = np.bincount(train.y, minlength=10) / train.n
        between = (means[a] * weights[:, None]).T @ means[b]  # cross-covariance of the class means
        singular = np.linalg.svd(between, compute_uv=False)
        assert singular[9] < 1e-10 * singular[0] < singular[8], singular  # rank exactly 9


def exercise_3(sizes: dict) -> None:
    """Each modality alone carries no information: not even the best possible rule on *all* of modality 0's true
    factors (a lookup table, the Bayes classifier of discrete factors) beats chance, while the same rule on the two
    synergy factors is always right; and the probe is not too weak, since the same network reads modality 0's
    synergy bit from its raw features almost perfectly."""
    data = make_interaction(sizes["n_synthetic"], "synergy", random_state=0)
    fit_part, score_part = data.split((0.7, 0.3), random_state=0)
    column = {name: j for j, name in enumerate(data.truth.factor_names)}

    def lookup_accuracy(columns: list[int]) -> float:
        """Majority label of every combination of the factors in ``columns`` on the fit part, scored on the rest."""
        fit_keys = pd.Series(map(tuple, fit_part.factors[:, columns]))
        rule = pd.Series(fit_part.y).groupby(fit_keys).agg(lambda v: v.mode()[0])
        guess = pd.Series(map(tuple, score_part.factors[:, columns])).map(rule).fillna(0)
        return float((guess.to_numpy() == score_part.y).mean())

    own = [j for name, j in column.items() if name.startswith("m0:")]
    assert lookup_accuracy(own) < 0.6, lookup_accuracy(own)
    assert lookup_accuracy([column["m0:synergy"], column["m1:synergy"]]) == 1.0

    def probe(x_fit: np.ndarray, y_fit: np.ndarray, x_score: np.ndarray, y_score: np.ndarray) -> float:
        net = MLPClassifier((sizes["hidden"],), early_stopping=True, max_iter=500, random_state=0)
        return float(net.fit(x_fit, y_fit).score(x_score, y_score))

    x_fit, x_score = fit_part.modalities[0], score_part.modalities[0]
    bit_fit, bit_score = fit_part.factors[:, column["m0:synergy"]], score_part.factors[:, column["m0:synergy"]]
    assert probe(x_fit, bit_fit, x_score, bit_score) > 0.9  # the network reads s0 off modality 0
    assert probe(x_fit, fit_part.y, x_score, score_part.y) < 0.6  # and still cannot predict y = s0 xor s1


def exercise_4(sizes: dict) -> None:
    """The book reviews differ in scale and distribution (a continuous, skewed measurement beside a 0/1 attribute)
    and in noise (a noisy measurement beside an exactly recorded fact); they lack heterogeneity of structure and
    dimensionality (both are one number per review in a table) and hardly differ in how much they say about the
    score alone (R^2 0.12 and 0.14)."""
    table = catalogue_table()
    rows = table[table.dataset == "book_reviews"].set_index("modality")
    assert set(rows.structure) == {"table"} and set(rows.dim) == {1}, rows[["structure", "dim"]]
    assert rows.noise["critic"].startswith("none") and not rows.noise["smiling"].startswith("none"), rows.noise

    reviews = load_dataset("book_reviews")
    smiling, critic = reviews["smiling"], reviews["critic"]
    assert set(np.unique(critic)) == {0, 1} and len(np.unique(smiling)) > 100
    assert np.mean(smiling) > np.median(smiling)  # right-skewed, as log-normal data are
    r2 = {m: _corr(x, reviews.y) ** 2 for m, x in reviews.modalities.items()}
    assert all(0.05 < v < 0.25 for v in r2.values()) and abs(r2["smiling"] - r2["critic"]) < 0.05, r2


def exercise_5(sizes: dict) -> None:
    """Lecture videos with subtitles, described with the catalogue's own types: the video is a *sequence* of frames
    (the catalogue has no "video" structure and says so), the subtitles are *text tokens*; dimensionality follows
    from the shapes, and each modality names its own noise. The entry validates, and its rows have exactly the
    catalogue's columns, so they line up under the workbook's table."""
    with pytest.raises(ValueError, match="structure must be one of"):
        ModalityInfo("video", "video", (16, 32, 32), "compression", "frames")
    assert {"sequence", "text tokens"} <= set(MODALITY_STRUCTURES)

    def load_lecture_videos(split: str):  # the loader such a data set would have
        raise NotImplementedError

    info = DatasetInfo(
        name="lecture_videos",
        kind="shipped",
        summary="Recorded lectures cut into 10 s clips, each with the subtitles spoken during it.",
        source=load_lecture_videos,
        modalities=(
            ModalityInfo(
                "video",
                "sequence",
                (16 * 32 * 32,),
                "compression artefacts, motion blur, slides out of focus",
                "16 grey frames of 32 x 32 pixels",
                layout=(16, 32, 32),
                axes=("frame", "row", "column"),
            ),
            ModalityInfo(
                "subtitles",
                "text tokens",
                (5000,),
                "speech-recognition errors, subtitles shifted in time",
                "bag of words of the clip's subtitles",
                axes=("word",),
            ),
        ),
        target="the lecture's topic, 12 classes",
        parts={"train": 8000, "test": 2000},
        part_argument="split",
        card="lecture_videos",
        files=("lecture_videos.npz",),
    )
    assert [m.dim for m in info.modalities] == [16384, 5000]
    assert info.documented_shapes("test") == {"video": (2000, 16384), "subtitles": (2000, 5000), "y": (2000,)}
    with pytest.raises(ValueError, match="layout"):  # a layout that does not hold the sample's values is refused
        ModalityInfo("video", "sequence", (16 * 32 * 32,), "blur", "frames", layout=(16, 32, 30))

    table = catalogue_table()
    samples = " / ".join(f"{part} {n}" for part, n in info.parts.items())
    rows = pd.DataFrame(
        [
            {
                "dataset": info.name,
                "kind": info.kind,
                "modality": m.name,
                "structure": m.structure,
                "layout": " x ".join(map(str, m.layout)),
                "dim": m.dim,
                "noise": m.noise,
                "samples": samples,
                "source": info.source_name,
                "card": info.card,
            }
            for m in info.modalities
        ]
    )
    assert list(rows.columns) == list(table.columns)
    combined = pd.concat([table, rows], ignore_index=True)
    assert not combined.isna().any().any(), combined.tail(len(rows))
    assert set(combined.structure) <= set(MODALITY_STRUCTURES)
