"""The book-review study of the first lecture: 300 simulated reviews, a loader and the simulator.

The lecture's example asks whether a reviewer's smiling reveals a book's
audience score (H1) and whether that effect depends on the reviewer's
professional status (H2). The original recordings are not public, so the
repository ships a **simulated** data set, ``data/book_reviews.csv``, made by
:func:`simulate_book_reviews` (called from ``data/make_book_reviews.py``). Its
design (group sizes, the mean and spread of smiling per group, the residual
noise) was calibrated by :func:`calibrate_design` so that ordinary least
squares on the simulated sample reproduces both regression tables on the
lecture's slides.

Columns of the data set:

===========  =======  ==========================================================
column       dtype    meaning
===========  =======  ==========================================================
review_id    int64    1..300, the row number
critic       int64    professional status x_B: 1 critic, 0 non-critic
smiling      float64  x_A: share of the review video's frames in which the
                      reviewer smiles, in units of 10 percentage points
                      (1.0 = 10 % of frames); never negative
score        float64  y: the book's audience score (mean reader rating) on a
                      0-10 scale
===========  =======  ==========================================================

Used by: ``lectures/1_representation/01_interaction_regression.ipynb`` and
``labs/1_representation/01_interaction_regression.ipynb``.

References
----------
Venables, W. N. and Ripley, B. D. *Modern Applied Statistics with S*, 4th ed.,
Springer, 2002 (``MASS::mvrnorm(empirical = TRUE)``: a sample that reproduces
its target moments exactly, the device used here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import RandomState, check_array, check_positive_int, check_random_state, check_scalar
from mmlab.data._shipped import read_card, shipped_path

__all__ = [
    "BOOK_REVIEWS_COLUMNS",
    "BOOK_REVIEWS_DESIGN",
    "PUBLISHED_ADDITIVE",
    "PUBLISHED_INTERACTION",
    "BOOK_REVIEWS_SEED",
    "BookReviewDesign",
    "book_reviews_card",
    "calibrate_design",
    "design_tables",
    "load_book_reviews",
    "simulate_book_reviews",
]

#: The columns of the data set, in file order.
BOOK_REVIEWS_COLUMNS: tuple[str, ...] = ("review_id", "critic", "smiling", "score")

#: The seed of the shipped file ``data/book_reviews.csv``.
BOOK_REVIEWS_SEED: int = 0

#: The slide's additive model ``score ~ smiling + critic``: term -> (estimate, 95% CI low, high).
PUBLISHED_ADDITIVE: dict[str, tuple[float, float, float]] = {
    "Intercept": (5.29, 4.86, 5.73),
    "smiling": (1.19, 0.85, 1.53),
    "critic": (-1.69, -2.14, -1.24),
}

#: The slide's interaction model ``score ~ smiling * critic``: term -> (estimate, 95% CI low, high).
PUBLISHED_INTERACTION: dict[str, tuple[float, float, float]] = {
    "Intercept": (5.79, 5.29, 6.29),
    "smiling": (0.68, 0.25, 1.11),
    "critic": (-2.94, -3.73, -2.15),
    "smiling:critic": (1.29, 0.61, 1.97),
}


@dataclass(frozen=True)
class BookReviewDesign:
    """The population a simulated book-review sample is drawn from.

    Attributes
    ----------
    n_non_critics, n_critics : int
        Group sizes (``critic`` = 0 and 1).
    smiling_mean : tuple of float, length 2
        Mean of smiling in each group (non-critics, critics), in tens of percent.
    smiling_sd : tuple of float, length 2
        Standard deviation of smiling in each group (divisor :math:`n_g`).
    sigma : float
        Residual standard deviation of the interaction model (divisor :math:`n - 4`).
    weights : tuple of float, length 4
        :math:`(w_0, w_1, w_2, w_3)` of
        :math:`y = w_0 + w_1 x_A + w_2 x_B + w_3 x_A x_B + \\epsilon`.
    """

    n_non_critics: int
    n_critics: int
    smiling_mean: tuple[float, float]
    smiling_sd: tuple[float, float]
    sigma: float
    weights: tuple[float, float, float, float]

    @property
    def n(self) -> int:
        """The total number of reviews."""
        return self.n_non_critics + self.n_critics


#: The calibrated design of the shipped data (output of :func:`calibrate_design`, rounded to 4 decimals).
BOOK_REVIEWS_DESIGN = BookReviewDesign(
    n_non_critics=184,
    n_critics=116,
    smiling_mean=(0.9791, 0.9619),
    smiling_sd=(0.6389, 0.6512),
    sigma=1.8858,
    weights=(5.79, 0.68, -2.94, 1.29),
)


# --------------------------------------------------------------------------- #
# loading the shipped file
# --------------------------------------------------------------------------- #
def load_book_reviews() -> pd.DataFrame:
    """Load the shipped, simulated book-review data set (verified against its card's sha256).

    Returns
    -------
    pandas.DataFrame, shape (300, 4)
        Columns ``review_id`` (int), ``critic`` (int, 0/1), ``smiling`` (float,
        tens of percent of frames), ``score`` (float, 0-10), as described in
        the module docstring and in ``data/book_reviews.md``.

    Raises
    ------
    ValueError
        If the file does not match the sha256 in its card, or lacks a column.
    FileNotFoundError
        If the file is missing.

    Examples
    --------
    >>> reviews = load_book_reviews()
    >>> reviews.shape
    (300, 4)
    """
    path = shipped_path("book_reviews", "book_reviews.csv")
    frame = pd.read_csv(path, dtype={"review_id": "int64", "critic": "int64", "smiling": "float64", "score": "float64"})
    missing = [c for c in BOOK_REVIEWS_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} must have the columns {list(BOOK_REVIEWS_COLUMNS)}; it lacks {missing}.")
    return frame.loc[:, list(BOOK_REVIEWS_COLUMNS)]


def book_reviews_card() -> str:
    """Return the data card ``data/book_reviews.md`` (what the data is, how it was made, licence).

    Raises
    ------
    FileNotFoundError
        If the data folder is missing.
    ValueError
        If the card is missing.

    Examples
    --------
    >>> "sha256" in book_reviews_card()
    True
    """
    return read_card("book_reviews")


# --------------------------------------------------------------------------- #
# the two regression tables implied by a design
# --------------------------------------------------------------------------- #
def design_tables(design: BookReviewDesign, *, alpha: float = 0.05) -> dict[str, pd.DataFrame]:
    """Return the OLS tables that any exact sample of ``design`` produces, in closed form.

    A sample made by :func:`simulate_book_reviews` reproduces the design's
    group sizes, group means and variances of smiling, the weights and the
    residual variance exactly, and OLS estimates and standard errors are
    functions of those moments only. So both tables follow without drawing:

    .. math::

        \\hat w = w, \\qquad
        \\widehat{\\mathrm{Cov}}(\\hat w) = \\sigma^2 (X^\\top X)^{-1}, \\qquad
        \\hat v = (X_a^\\top X_a)^{-1} X_a^\\top X w, \\qquad
        s_a^2 = \\frac{(n-4)\\sigma^2 + w^\\top X^\\top X w - \\hat v^\\top X_a^\\top X w}{n-3},

    where :math:`X` is the interaction design (columns 1, :math:`x_A`,
    :math:`x_B`, :math:`x_A x_B`), :math:`X_a` the additive one (its first
    three columns), :math:`X^\\top X` is built from the group moments,
    :math:`\\hat v` are the additive estimates and :math:`s_a^2` the additive
    model's residual variance.

    Parameters
    ----------
    design : BookReviewDesign
    alpha : float, default=0.05
        One minus the confidence level.

    Returns
    -------
    dict
        ``{"additive": table, "interaction": table}``; each table is indexed by
        term with columns ``estimate``, ``std_error``, ``ci_low``, ``ci_high``.

    Raises
    ------
    TypeError
        If ``design`` is not a :class:`BookReviewDesign` or one of its fields,
        or ``alpha``, is not a real number.
    ValueError
        If ``alpha`` is not in (0, 1) (``alpha = 0`` gives infinite intervals,
        ``alpha > 1`` inverted ones), or the design has fewer than 5 reviews, a
        group without reviews, or a standard deviation that is not positive.

    Examples
    --------
    >>> tables = design_tables(BOOK_REVIEWS_DESIGN)
    >>> tables["interaction"].loc["smiling:critic", ["estimate", "ci_low", "ci_high"]].round(2).tolist()
    [1.29, 0.61, 1.97]
    """
    from scipy import stats

    _check_design(design)
    alpha = check_scalar(alpha, "alpha", min_val=0, max_val=1, include_boundaries="neither")
    w = np.asarray(design.weights, dtype=float)
    xtx = _gram(design)
    n = design.n
    cov_i = design.sigma**2 * np.linalg.inv(xtx)
    xa = xtx[:3, :3]
    xay = xtx[:3, :] @ w
    v = np.linalg.solve(xa, xay)
    s2a = ((n - 4) * design.sigma**2 + w @ xtx @ w - xay @ v) / (n - 3)
    cov_a = s2a * np.linalg.inv(xa)
    out = {}
    for name, est, cov, df, terms in (
        ("additive", v, cov_a, n - 3, list(PUBLISHED_ADDITIVE)),
        ("interaction", w, cov_i, n - 4, list(PUBLISHED_INTERACTION)),
    ):
        se = np.sqrt(np.diag(cov))
        t = stats.t.ppf(1 - alpha / 2, df)
        out[name] = pd.DataFrame(
            {"estimate": est, "std_error": se, "ci_low": est - t * se, "ci_high": est + t * se},
            index=pd.Index(terms, name="term"),
        )
    return out


def _check_design(design: Any) -> None:
    """Raise unless ``design`` describes a population that OLS tables exist for."""
    if not isinstance(design, BookReviewDesign):
        raise TypeError(f"design must be a BookReviewDesign; got {type(design).__name__}.")
    # group sizes stay real numbers: calibrate_design relaxes the split to a continuous one
    n0 = check_scalar(design.n_non_critics, "design.n_non_critics", min_val=0, include_boundaries="neither")
    n1 = check_scalar(design.n_critics, "design.n_critics", min_val=0, include_boundaries="neither")
    if n0 + n1 <= 4:
        raise ValueError(
            f"design must describe more than 4 reviews (the interaction model has 4 coefficients); got {n0 + n1:g}."
        )
    for g in range(2):
        check_scalar(design.smiling_mean[g], f"design.smiling_mean[{g}]")
        check_scalar(design.smiling_sd[g], f"design.smiling_sd[{g}]", min_val=0, include_boundaries="neither")
    check_scalar(design.sigma, "design.sigma", min_val=0, include_boundaries="neither")
    w = check_array(design.weights, "design.weights", ndim=1, dtype=float)
    if w.shape != (4,):
        raise ValueError(f"design.weights must be 4 numbers (w0, w1, w2, w3); got shape {w.shape}.")


def _gram(design: BookReviewDesign) -> np.ndarray:
    """X^T X of the interaction design (columns 1, x_A, x_B, x_A x_B) from the group moments."""
    blocks = []
    for n_g, m, s in zip((design.n_non_critics, design.n_critics), design.smiling_mean, design.smiling_sd, strict=True):
        sx, sxx = n_g * m, n_g * (s**2 + m**2)  # sum of x and of x^2 in group g
        blocks.append(np.array([[n_g, sx], [sx, sxx]], dtype=float))
    g0, g1 = blocks
    xtx = np.zeros((4, 4))
    xtx[:2, :2] = g0 + g1
    xtx[2:, 2:] = g1
    xtx[:2, 2:] = g1
    xtx[2:, :2] = g1
    return xtx


# --------------------------------------------------------------------------- #
# calibration
# --------------------------------------------------------------------------- #
def calibrate_design(
    additive: Mapping[str, tuple[float, float, float]] | None = None,
    interaction: Mapping[str, tuple[float, float, float]] | None = None,
    *,
    n: int = 300,
    alpha: float = 0.05,
) -> BookReviewDesign:
    """Choose the design whose exact samples reproduce two published regression tables.

    The interaction weights are set to the published interaction estimates.
    The other parameters, :math:`\\theta = (m_0, m_1, s_0, s_1, \\sigma)` and
    the split :math:`n_0 + n_1 = n`, minimise

    .. math::

        \\sum_{k \\in \\text{add}} \\Big(\\frac{\\hat v_k - v_k}{h_k}\\Big)^2
        + \\sum_{k \\in \\text{add} \\cup \\text{int}}
          \\Big(\\frac{\\hat\\ell_k}{\\ell_k} - 1\\Big)^2,

    where :math:`v_k` is a published additive estimate, :math:`h_k` and
    :math:`\\ell_k` the half-width and width of its published CI, and
    :math:`\\hat v_k`, :math:`\\hat\\ell_k` the values implied by the design
    (:func:`design_tables`). :math:`m_g, s_g` are the mean and standard
    deviation of smiling in group :math:`g` and :math:`\\sigma` the residual
    standard deviation. ``scipy.optimize.least_squares`` solves it first with
    :math:`n_0` continuous, then for the two integers around that optimum; the
    better integer split wins.

    Parameters
    ----------
    additive, interaction : mapping of term to (estimate, ci_low, ci_high), optional
        The published tables; default :data:`PUBLISHED_ADDITIVE` and
        :data:`PUBLISHED_INTERACTION` (the lecture's slides).
    n : int, default=300
        The number of reviews.
    alpha : float, default=0.05
        One minus the confidence level of the published CIs.

    Returns
    -------
    BookReviewDesign
        Unrounded; :data:`BOOK_REVIEWS_DESIGN` holds the result for the slides, rounded.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``alpha`` not a real number.
    ValueError
        If ``n < 20``, ``alpha`` is not in (0, 1), or a table does not list
        the terms of its model in order, each as ``(estimate, ci_low,
        ci_high)`` with ``ci_low < estimate < ci_high``.
    """
    from scipy import optimize

    n = check_positive_int(n, "n", minimum=20)
    alpha = check_scalar(alpha, "alpha", min_val=0, max_val=1, include_boundaries="neither")
    additive = dict(PUBLISHED_ADDITIVE if additive is None else additive)
    interaction = dict(PUBLISHED_INTERACTION if interaction is None else interaction)
    for name, table, terms in (
        ("additive", additive, PUBLISHED_ADDITIVE),
        ("interaction", interaction, PUBLISHED_INTERACTION),
    ):
        if list(table) != list(terms):
            raise ValueError(f"{name} must list the terms {list(terms)} in this order; got {list(table)}.")
        for term, row in table.items():
            row = check_array(row, f"{name}[{term!r}]", ndim=1)
            if row.shape != (3,) or not row[1] < row[0] < row[2]:
                raise ValueError(
                    f"{name}[{term!r}] must be (estimate, ci_low, ci_high) with "
                    f"ci_low < estimate < ci_high; got {tuple(row)}."
                )
    weights = tuple(float(v[0]) for v in interaction.values())
    pub_a = np.array(list(additive.values()), dtype=float)
    pub_i = np.array(list(interaction.values()), dtype=float)

    def make(theta: np.ndarray, n0: float) -> BookReviewDesign:
        m0, m1, ls0, ls1, lsig = theta[:5]
        return BookReviewDesign(
            n0,
            n - n0,
            (float(m0), float(m1)),  # type: ignore[arg-type]
            (float(np.exp(ls0)), float(np.exp(ls1))),
            float(np.exp(lsig)),
            weights,
        )

    def residuals(theta: np.ndarray, n0: float | None) -> np.ndarray:
        if n0 is None:  # first pass: the split is a free, continuous parameter
            n0 = n / (1 + np.exp(-theta[5]))
        tabs = design_tables(make(theta, n0), alpha=alpha)
        ta, ti = tabs["additive"].to_numpy(), tabs["interaction"].to_numpy()
        width_a, width_i = pub_a[:, 2] - pub_a[:, 1], pub_i[:, 2] - pub_i[:, 1]
        return np.concatenate(
            [
                (ta[:, 0] - pub_a[:, 0]) / (width_a / 2),
                (ta[:, 3] - ta[:, 2]) / width_a - 1,
                (ti[:, 3] - ti[:, 2]) / width_i - 1,
            ]
        )

    start = np.array([1.0, 1.0, np.log(0.6), np.log(0.6), np.log(2.0), 0.0])
    relaxed = optimize.least_squares(residuals, start, args=(None,))
    n0_real = n / (1 + np.exp(-relaxed.x[5]))
    candidates = []
    for n0 in sorted({int(np.floor(n0_real)), int(np.ceil(n0_real))}):  # then the best integer split
        n0 = min(max(n0, 2), n - 2)
        fit = optimize.least_squares(residuals, relaxed.x[:5], args=(float(n0),))
        candidates.append((float(np.sum(fit.fun**2)), n0, fit.x))
    _, n0, theta = min(candidates, key=lambda c: c[0])
    design = make(theta, n0)
    return BookReviewDesign(int(n0), int(n - n0), design.smiling_mean, design.smiling_sd, design.sigma, weights)


# --------------------------------------------------------------------------- #
# simulation
# --------------------------------------------------------------------------- #
def simulate_book_reviews(
    random_state: RandomState = BOOK_REVIEWS_SEED,
    *,
    design: BookReviewDesign = BOOK_REVIEWS_DESIGN,
    score_range: tuple[float, float] = (0.0, 10.0),
) -> pd.DataFrame:
    """Draw a book-review sample whose OLS tables reproduce the design's exactly.

    The sample follows

    .. math::

        y_i = w_0 + w_1 x_{A,i} + w_2 x_{B,i} + w_3 x_{A,i} x_{B,i} + \\epsilon_i,

    with :math:`y` the audience score, :math:`x_A` smiling (tens of percent of
    frames), :math:`x_B` critic status (0/1) and :math:`\\epsilon` the
    residual. Like ``MASS::mvrnorm(empirical=TRUE)`` it matches its moments
    exactly rather than in expectation:

    1. within each group, smiling is drawn log-normal (non-negative, right
       skewed) and then standardised to the design's mean and standard
       deviation exactly (redrawn in the rare case this makes a value negative);
    2. :math:`\\epsilon \\sim N(0, \\sigma^2)` is drawn, projected onto the
       orthogonal complement of the interaction design :math:`X` and rescaled
       so that :math:`\\epsilon^\\top\\epsilon = (n-4)\\sigma^2`;
    3. scores that leave ``score_range`` are pulled just inside it (a ceiling
       or floor, as ratings have) and step 2 is repeated until none leaves.

    Hence OLS gives :math:`\\hat w = w` and residual variance :math:`\\sigma^2`
    exactly, and both tables equal :func:`design_tables` for every seed; the
    seed changes only which reviews carry which values.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default=BOOK_REVIEWS_SEED
        Seed or generator for the draws. The shipped file uses :data:`BOOK_REVIEWS_SEED`.
    design : BookReviewDesign, default=BOOK_REVIEWS_DESIGN
        The population; the default is calibrated to the lecture's slides.
    score_range : (float, float), default=(0, 10)
        The bounds of the rating scale.

    Returns
    -------
    pandas.DataFrame, shape (design.n, 4)
        Columns ``review_id``, ``critic``, ``smiling``, ``score`` in shuffled
        order of groups; ``review_id`` is 1..n in row order.

    Raises
    ------
    TypeError
        If ``design`` is not a :class:`BookReviewDesign` or ``random_state`` is
        not a seed or generator.
    ValueError
        If ``score_range`` is not an increasing pair, or the design cannot be
        met inside it.

    Examples
    --------
    >>> sample = simulate_book_reviews(1)
    >>> import statsmodels.formula.api as smf
    >>> smf.ols("score ~ smiling * critic", sample).fit().params.round(2).tolist()
    [5.79, 0.68, -2.94, 1.29]
    """
    if not isinstance(design, BookReviewDesign):
        raise TypeError(f"design must be a BookReviewDesign; got {type(design).__name__}.")
    lo, hi = _check_range(score_range)
    rng = check_random_state(random_state)
    critic = np.repeat([0, 1], [design.n_non_critics, design.n_critics])
    smiling = np.concatenate(
        [
            _exact_smiling(rng, n_g, m, s)
            for n_g, m, s in zip(
                (design.n_non_critics, design.n_critics), design.smiling_mean, design.smiling_sd, strict=True
            )
        ]
    )
    x = np.column_stack([np.ones_like(smiling), smiling, critic, smiling * critic])
    mean = x @ np.asarray(design.weights, dtype=float)
    score = mean + _exact_residual(rng, x, mean, design.sigma, lo, hi)
    order = rng.permutation(design.n)
    return pd.DataFrame(
        {
            "review_id": np.arange(1, design.n + 1, dtype=np.int64),
            "critic": critic[order].astype(np.int64),
            "smiling": smiling[order],
            "score": score[order],
        }
    )


def _check_range(score_range: tuple[float, float]) -> tuple[float, float]:
    pair = check_array(score_range, "score_range", ndim=1)
    if pair.shape != (2,) or not pair[0] < pair[1]:
        raise ValueError(f"score_range must be (low, high) with low < high; got {tuple(score_range)}.")
    return float(pair[0]), float(pair[1])


def _exact_smiling(rng: np.random.Generator, n_g: int, mean: float, sd: float) -> np.ndarray:
    """Log-normal draws standardised to mean ``mean`` and sd ``sd`` (divisor n_g), all >= 0."""
    if not (mean > 0 and sd > 0) or sd / mean > np.sqrt(n_g - 1):
        # the smallest standardised value of any sample is at most -1/sqrt(n_g - 1), so mean - sd/sqrt(n_g - 1) < 0
        # would force a negative value
        raise ValueError(
            f"could not draw non-negative smiling with mean {mean} and sd {sd} in a group of {n_g}; "
            "the mean and sd must be positive and sd / mean at most sqrt(n_g - 1)."
        )
    s_log = np.sqrt(np.log1p((sd / mean) ** 2))
    for _ in range(100):
        raw = rng.lognormal(np.log(mean) - s_log**2 / 2, s_log, n_g)
        z = (raw - raw.mean()) / raw.std()
        x = mean + sd * z
        if x.min() >= 0:
            return x
    raise ValueError(
        f"could not draw non-negative smiling with mean {mean} and sd {sd}; the sd is too large for the mean."
    )


def _exact_residual(
    rng: np.random.Generator,
    x: np.ndarray,
    mean: np.ndarray,
    sigma: float,
    lo: float,
    hi: float,
    *,
    margin: float = 0.02,
    max_iter: int = 500,
) -> np.ndarray:
    """Residual orthogonal to ``x`` with e'e = (n - p) sigma^2, keeping mean + e inside [lo, hi]."""
    n, p = x.shape
    target = np.sqrt((n - p) * sigma**2)
    e = rng.normal(0.0, sigma, n)
    for _ in range(max_iter):
        e = e - x @ np.linalg.lstsq(x, e, rcond=None)[0]  # project out the design
        e *= target / np.linalg.norm(e)  # rescale to the calibrated residual variance
        y = mean + e
        if y.min() >= lo and y.max() <= hi:
            return e
        e = np.clip(y, lo + margin, hi - margin) - mean  # a floor/ceiling, as ratings have
    raise ValueError(f"could not keep the scores inside [{lo}, {hi}] with residual sd {sigma}; widen score_range.")
