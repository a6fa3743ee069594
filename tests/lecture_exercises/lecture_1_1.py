"""Reference answers: lectures/1_representation/01_interaction_regression.ipynb, Questions to think about."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from mmlab.data import load_book_reviews

NOTEBOOK = "lectures/1_representation/01_interaction_regression.ipynb"


def _fit(data: pd.DataFrame, formula: str = "score ~ smiling * critic"):
    return smf.ols(formula, data=data).fit()


def exercise_1(sizes: dict) -> None:
    """Recode critic (1 = non-critic): the baseline group swaps, so w0 -> w0 + w2, w1 -> w1 + w3, w2 -> -w2 and
    w3 -> -w3."""
    reviews = load_book_reviews()
    w = _fit(reviews).params
    recoded = _fit(reviews.assign(critic=1 - reviews.critic)).params
    expected = [w["Intercept"] + w["critic"], w["smiling"] + w["smiling:critic"], -w["critic"], -w["smiling:critic"]]
    np.testing.assert_allclose(recoded[["Intercept", "smiling", "critic", "smiling:critic"]], expected, atol=1e-9)


def exercise_2(sizes: dict) -> None:
    """Centre smiling at its mean m: w2 becomes the critic gap at average smiling, w2 + w3 m; w1 and w3 stay."""
    reviews = load_book_reviews()
    m = reviews.smiling.mean()
    w = _fit(reviews).params
    centred = _fit(reviews.assign(smiling=reviews.smiling - m)).params
    np.testing.assert_allclose(centred["critic"], w["critic"] + w["smiling:critic"] * m, atol=1e-9)
    np.testing.assert_allclose(centred[["smiling", "smiling:critic"]], w[["smiling", "smiling:critic"]], atol=1e-9)
    assert abs(centred["critic"] - w["critic"]) > 0.5  # it really changes


def exercise_3(sizes: dict) -> None:
    """A ceiling at 10 flattens the steeper (critics') line where it is high, so it biases w3 toward 0 (down).

    Simulate scores from the fitted interaction model, clip them at 10, refit: the mean w3 drops.
    """
    reviews = load_book_reviews()
    fit = _fit(reviews)
    rng = np.random.default_rng(0)
    w3 = {"raw": [], "clipped": []}
    for _ in range(100):
        y = fit.fittedvalues + rng.normal(0.0, np.sqrt(fit.scale), len(reviews))
        for kind, score in (("raw", y), ("clipped", np.minimum(y, 10.0))):
            w3[kind].append(_fit(reviews.assign(score=score)).params["smiling:critic"])
    assert np.mean(w3["clipped"]) < np.mean(w3["raw"]) - 0.05, {k: np.mean(v) for k, v in w3.items()}


def exercise_4(sizes: dict) -> None:
    """Smiling in percentage points is 10x the unit: w1, w3 and their CIs shrink 10x; w0, w2 and theirs stay."""
    reviews = load_book_reviews()
    base, pct = _fit(reviews), _fit(reviews.assign(smiling=10 * reviews.smiling))
    for term, factor in (("Intercept", 1), ("critic", 1), ("smiling", 10), ("smiling:critic", 10)):
        np.testing.assert_allclose(pct.params[term] * factor, base.params[term], rtol=1e-9)
        np.testing.assert_allclose(pct.conf_int().loc[term] * factor, base.conf_int().loc[term], rtol=1e-9)


def exercise_5(sizes: dict) -> None:
    """With d_A = d_B = 300 there are 90,000 product columns for 1,000 rows: X^T X is singular and OLS has no
    unique solution (try ridge, or a low-rank weight as in lecture 03). The same at a smaller scale: 25 x 25 products
    (625 columns) on 400 rows."""
    assert 300 * 300 > 1000
    rng = np.random.default_rng(0)
    n = 400
    xa, xb = rng.normal(size=(n, 25)), rng.normal(size=(n, 25))
    products = np.einsum("ni,nj->nij", xa, xb).reshape(n, -1)
    assert np.linalg.matrix_rank(products) <= n < products.shape[1]  # rank-deficient: infinitely many fits
