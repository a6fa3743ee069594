"""Interaction regression: tidy tables, simple slopes and model comparisons over statsmodels fits.

The first lecture tests research hypotheses with the univariate fusion model

.. math::

    y = w_0 + w_1 x_A + w_2 x_B + w_3 x_A x_B + \\epsilon,

fitted with the statsmodels formula API (``smf.ols("score ~ smiling * critic",
data).fit()``). This module does not fit anything itself: it reads a fitted
``statsmodels`` OLS result and returns what the lecture discusses as tidy
``pandas`` tables: the coefficients with confidence intervals, the slope of one
variable at fixed values of its moderator (simple slopes), the nested-model F
test of the interaction, a row bootstrap, and a comparison with a published
table.

Used by: ``lectures/1_representation/01_interaction_regression.ipynb``,
``labs/1_representation/01_interaction_regression.ipynb`` and
:mod:`mmlab.labs`.

References
----------
Aiken, L. S. and West, S. G. *Multiple Regression: Testing and Interpreting
Interactions*. Sage, 1991 (simple slopes, ch. 2).
Seabold, S. and Perktold, J. "statsmodels: Econometric and statistical
modeling with Python". Proc. 9th Python in Science Conference (SciPy), 2010.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mmlab._validation import check_fraction, check_positive_int, check_random_state, check_scalar

__all__ = [
    "NestedTest",
    "bootstrap_coefficients",
    "coefficient_table",
    "compare_nested",
    "compare_tables",
    "interaction_term",
    "model_terms",
    "published_table",
    "simple_slopes",
]

#: Columns of a coefficient table (:func:`coefficient_table`, :func:`published_table`).
TABLE_COLUMNS = ("estimate", "std_error", "t", "p_value", "ci_low", "ci_high")


# --------------------------------------------------------------------------- #
# coefficients
# --------------------------------------------------------------------------- #
def coefficient_table(result: Any, *, alpha: float = 0.05, symbols: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return the coefficients of a fitted OLS model with their confidence intervals.

    .. math::

        \\hat w_k \\pm t_{1-\\alpha/2,\\, n-p}\\, \\mathrm{SE}(\\hat w_k),

    with :math:`\\hat w_k` the estimate of term :math:`k`, :math:`n` the number
    of observations, :math:`p` the number of coefficients and
    :math:`\\mathrm{SE}` the standard error (the square root of the diagonal
    of :math:`\\hat\\sigma^2 (X^\\top X)^{-1}`).

    Parameters
    ----------
    result : statsmodels RegressionResults
        A fitted model, e.g. ``smf.ols("score ~ smiling * critic", data).fit()``.
    alpha : float, default=0.05
        One minus the confidence level (0.05 gives 95 % intervals).
    symbols : mapping of term to str, optional
        Display names (e.g. ``{"Intercept": "w0", "smiling": "w1"}``), added as
        a ``symbol`` column. Terms the model lacks are ignored, so one mapping
        can serve several nested models; terms it does not name keep their name.

    Returns
    -------
    pandas.DataFrame, shape (p, 6) or (p, 7)
        Indexed by term (``Intercept``, ``smiling``, ``smiling:critic``, ...),
        with columns ``estimate``, ``std_error``, ``t``, ``p_value``,
        ``ci_low``, ``ci_high`` (and ``symbol`` first when ``symbols`` is given).

    Raises
    ------
    TypeError
        If ``result`` is not a fitted statsmodels regression result, or
        ``symbols`` is not a mapping of str to str.
    ValueError
        If ``alpha`` is not in (0, 1).

    Examples
    --------
    >>> import statsmodels.formula.api as smf
    >>> from mmlab.data import load_book_reviews
    >>> fit = smf.ols("score ~ smiling + critic", load_book_reviews()).fit()
    >>> coefficient_table(fit).loc["smiling", ["estimate", "ci_low", "ci_high"]].round(2).tolist()
    [1.19, 0.85, 1.53]
    """
    _check_result(result)
    alpha = check_fraction(alpha, "alpha", inclusive=(False, False))
    ci = result.conf_int(alpha=alpha)
    table = pd.DataFrame(
        {
            "estimate": result.params,
            "std_error": result.bse,
            "t": result.tvalues,
            "p_value": result.pvalues,
            "ci_low": ci.iloc[:, 0],
            "ci_high": ci.iloc[:, 1],
        }
    )
    table.index.name = "term"
    if symbols is not None:
        if not isinstance(symbols, Mapping) or not all(isinstance(v, str) for v in symbols.values()):
            raise TypeError(
                f"symbols must map term names to display names (str), e.g. {{'smiling': 'w1'}}; "
                f"got {type(symbols).__name__}."
            )
        table.insert(0, "symbol", [symbols.get(k, k) for k in table.index])
    return table


def model_terms(result: Any) -> list[str]:
    """Return the names of a fitted model's coefficients, in order (``Intercept`` first when present).

    Raises
    ------
    TypeError
        If ``result`` is not a fitted statsmodels regression result from the formula API.

    Examples
    --------
    >>> import statsmodels.formula.api as smf
    >>> from mmlab.data import load_book_reviews
    >>> model_terms(smf.ols("score ~ smiling * critic", load_book_reviews()).fit())
    ['Intercept', 'smiling', 'critic', 'smiling:critic']
    """
    _check_result(result)
    return list(result.params.index)


def interaction_term(result: Any, focal: str, moderator: str) -> str:
    """Return the name of the product term of ``focal`` and ``moderator`` in a fitted model.

    patsy names it ``"focal:moderator"`` or ``"moderator:focal"`` depending on
    the formula's order; this finds whichever is present.

    Raises
    ------
    TypeError
        If ``result`` is not a fitted statsmodels regression result from the formula API.
    ValueError
        If the model has no such product term (it was fitted without ``*`` or ``:``).

    Examples
    --------
    >>> import statsmodels.formula.api as smf
    >>> from mmlab.data import load_book_reviews
    >>> interaction_term(smf.ols("score ~ critic * smiling", load_book_reviews()).fit(), "smiling", "critic")
    'critic:smiling'
    """
    terms = model_terms(result)
    for name in (f"{focal}:{moderator}", f"{moderator}:{focal}"):
        if name in terms:
            return name
    raise ValueError(
        f"the model has no interaction term between {focal!r} and {moderator!r}; its terms are {terms}. "
        f"Fit a formula with {focal} * {moderator} (or add {focal}:{moderator})."
    )


# --------------------------------------------------------------------------- #
# simple slopes
# --------------------------------------------------------------------------- #
def simple_slopes(
    result: Any,
    focal: str = "smiling",
    moderator: str = "critic",
    levels: Sequence[float] = (0, 1),
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Return the slope of ``focal`` at fixed values of ``moderator``, with standard errors and CIs.

    In :math:`y = w_0 + w_1 x_A + w_2 x_B + w_3 x_A x_B + \\epsilon` the slope
    of :math:`y` in :math:`x_A` (the focal variable) at :math:`x_B = b` (the
    moderator's level) is the linear combination

    .. math::

        s(b) = c^\\top \\hat w = \\hat w_1 + b\\, \\hat w_3, \\qquad
        \\mathrm{SE}\\big(s(b)\\big) = \\sqrt{\\mathrm{Var}(\\hat w_1) + b^2 \\mathrm{Var}(\\hat w_3)
        + 2 b\\, \\mathrm{Cov}(\\hat w_1, \\hat w_3)},

    with :math:`c` the contrast vector (1 at :math:`w_1`, :math:`b` at
    :math:`w_3`, 0 elsewhere). It is computed with ``result.t_test(c)``, so the
    covariance term and the t distribution with the model's residual degrees of
    freedom are statsmodels'.

    Parameters
    ----------
    result : statsmodels RegressionResults
        A fitted model that contains ``focal``, ``moderator`` and their product term.
    focal : str, default="smiling"
        The variable whose slope is wanted (:math:`x_A`).
    moderator : str, default="critic"
        The variable the slope depends on (:math:`x_B`).
    levels : sequence of float, default=(0, 1)
        Values of the moderator at which to evaluate the slope.
    alpha : float, default=0.05
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame, shape (len(levels), 6)
        Indexed by the moderator's level, with columns ``slope``,
        ``std_error``, ``t``, ``p_value``, ``ci_low``, ``ci_high``.

    Raises
    ------
    TypeError
        If ``result`` is not a fitted statsmodels regression result, or a level
        is not a number.
    ValueError
        If ``focal`` or the product term is missing, ``levels`` is empty or
        holds a NaN or infinite value, or ``alpha`` is not in (0, 1).

    See Also
    --------
    statsmodels.regression.linear_model.RegressionResults.t_test

    References
    ----------
    Aiken, L. S. and West, S. G. *Multiple Regression: Testing and Interpreting
    Interactions*. Sage, 1991, ch. 2, eqs. 2.3-2.5.

    Examples
    --------
    >>> import statsmodels.formula.api as smf
    >>> from mmlab.data import load_book_reviews
    >>> fit = smf.ols("score ~ smiling * critic", load_book_reviews()).fit()
    >>> simple_slopes(fit)["slope"].round(2).tolist()
    [0.68, 1.97]
    """
    terms = model_terms(result)
    alpha = check_fraction(alpha, "alpha", inclusive=(False, False))
    if focal not in terms:
        raise ValueError(f"focal={focal!r} is not a term of the model; its terms are {terms}.")
    product = interaction_term(result, focal, moderator)
    levels = list(levels)
    if not levels:
        raise ValueError("levels must hold at least one value of the moderator; got an empty sequence.")
    levels = [check_scalar(b, f"levels[{j}]") for j, b in enumerate(levels)]
    contrasts = np.zeros((len(levels), len(terms)))
    contrasts[:, terms.index(focal)] = 1.0  # coefficient of w1
    contrasts[:, terms.index(product)] = levels  # b times w3
    test = result.t_test(contrasts)
    ci = np.asarray(test.conf_int(alpha=alpha))
    table = pd.DataFrame(
        {
            "slope": np.asarray(test.effect, dtype=float).ravel(),
            "std_error": np.asarray(test.sd, dtype=float).ravel(),
            "t": np.asarray(test.tvalue, dtype=float).ravel(),
            "p_value": np.asarray(test.pvalue, dtype=float).ravel(),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        },
        index=pd.Index(levels, name=moderator),
    )
    return table


# --------------------------------------------------------------------------- #
# nested models
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class NestedTest:
    """The F test of a restricted model against a larger one that contains it.

    Attributes
    ----------
    f_value : float
        The F statistic.
    p_value : float
        :math:`P(F_{q, n-p} > f)`.
    df_num : int
        :math:`q`, the number of restrictions (extra coefficients of the full model).
    df_denom : int
        :math:`n - p`, the full model's residual degrees of freedom.
    anova : pandas.DataFrame
        statsmodels' ``anova_lm`` table of the two models.
    """

    f_value: float
    p_value: float
    df_num: int
    df_denom: int
    anova: pd.DataFrame

    def reject(self, alpha: float = 0.05) -> bool:
        """Whether the restricted model is rejected at level ``alpha`` (``p_value < alpha``).

        Raises
        ------
        TypeError
            If ``alpha`` is not a real number.
        ValueError
            If ``alpha`` is not in (0, 1).
        """
        alpha = check_fraction(alpha, "alpha", inclusive=(False, False))
        return bool(self.p_value < alpha)


def compare_nested(restricted: Any, full: Any) -> NestedTest:
    """F test of a restricted OLS model against a larger model fitted to the same data.

    .. math::

        F = \\frac{(\\mathrm{RSS}_r - \\mathrm{RSS}_f) / q}{\\mathrm{RSS}_f / (n - p)}
        \\sim F_{q,\\, n-p} \\text{ under } H_0,

    with :math:`\\mathrm{RSS}_r, \\mathrm{RSS}_f` the residual sums of squares
    of the restricted and full models, :math:`q` the number of extra
    coefficients and :math:`n - p` the full model's residual degrees of
    freedom. For one extra coefficient (e.g. :math:`w_3`), :math:`F = t^2` of
    that coefficient's t test. Computed by
    ``statsmodels.stats.anova.anova_lm(restricted, full)``.

    Parameters
    ----------
    restricted : statsmodels RegressionResults
        The smaller model (e.g. ``score ~ smiling + critic``).
    full : statsmodels RegressionResults
        The larger model (e.g. ``score ~ smiling * critic``), fitted to the same rows.

    Returns
    -------
    NestedTest

    Raises
    ------
    TypeError
        If either argument is not a fitted statsmodels regression result.
    ValueError
        If the models were fitted to different numbers of rows or responses,
        or the restricted model's terms are not a strict subset of the full
        model's (pass the smaller model first).

    Examples
    --------
    >>> import statsmodels.formula.api as smf
    >>> from mmlab.data import load_book_reviews
    >>> data = load_book_reviews()
    >>> test = compare_nested(smf.ols("score ~ smiling + critic", data).fit(),
    ...                       smf.ols("score ~ smiling * critic", data).fit())
    >>> (test.df_num, test.df_denom, test.reject())
    (1, 296, True)
    """
    from statsmodels.stats.anova import anova_lm

    _check_result(restricted, "restricted")
    _check_result(full, "full")
    if int(restricted.nobs) != int(full.nobs):
        raise ValueError(
            f"restricted and full must be fitted to the same rows; got {int(restricted.nobs)} "
            f"and {int(full.nobs)} observations."
        )
    r_y, f_y = restricted.model.endog_names, full.model.endog_names
    if r_y != f_y or not np.allclose(restricted.model.endog, full.model.endog):
        raise ValueError(f"restricted and full must model the same response; got {r_y!r} and {f_y!r}.")
    r_terms, f_terms = set(model_terms(restricted)), set(model_terms(full))
    if not r_terms < f_terms:
        hint = " Pass the smaller model first." if f_terms < r_terms else ""
        raise ValueError(
            f"restricted's terms must be a strict subset of full's; got {sorted(r_terms)} and {sorted(f_terms)}.{hint}"
        )
    anova = anova_lm(restricted, full)
    row = anova.iloc[1]
    return NestedTest(
        f_value=float(row["F"]),
        p_value=float(row["Pr(>F)"]),
        df_num=int(round(row["df_diff"])),
        df_denom=int(round(row["df_resid"])),
        anova=anova,
    )


# --------------------------------------------------------------------------- #
# bootstrap
# --------------------------------------------------------------------------- #
def bootstrap_coefficients(
    result: Any, *, n_resamples: int = 1000, alpha: float = 0.05, random_state: int | np.random.Generator | None = None
) -> pd.DataFrame:
    """Row (case) bootstrap of an OLS fit: percentile CIs that do not assume normal residuals.

    For :math:`b = 1, \\dots, B` draw :math:`n` rows with replacement, refit
    least squares on the same design columns (``numpy.linalg.lstsq``, the
    solver behind OLS without statsmodels' per-fit overhead) and record
    :math:`\\hat w^{(b)}`. The interval of term :math:`k` is

    .. math::

        \\big[\\, q_{\\alpha/2}(\\hat w_k^{(1..B)}),\\; q_{1-\\alpha/2}(\\hat w_k^{(1..B)}) \\,\\big],

    with :math:`q` the empirical quantile, :math:`B` = ``n_resamples`` and
    :math:`n` the number of rows.

    Parameters
    ----------
    result : statsmodels RegressionResults
        A fitted OLS model; its design matrix and response are resampled.
    n_resamples : int, default=1000
        :math:`B`, at least 20.
    alpha : float, default=0.05
        One minus the confidence level.
    random_state : int, numpy.random.Generator or None
        Seed or generator for the resampling.

    Returns
    -------
    pandas.DataFrame, shape (p, 4)
        Indexed by term, with columns ``estimate`` (the fit on all rows),
        ``std_error`` (standard deviation of the bootstrap estimates),
        ``ci_low``, ``ci_high`` (percentile interval).

    Raises
    ------
    TypeError
        If ``result`` is not a fitted statsmodels regression result from the
        formula API, or ``n_resamples``, ``alpha`` or ``random_state`` has the
        wrong type.
    ValueError
        If ``n_resamples < 20``, ``alpha`` is not in (0, 1) or ``random_state``
        is a negative int.

    Examples
    --------
    >>> import statsmodels.formula.api as smf
    >>> from mmlab.data import load_book_reviews
    >>> fit = smf.ols("score ~ smiling * critic", load_book_reviews()).fit()
    >>> boot = bootstrap_coefficients(fit, n_resamples=200, random_state=0)
    >>> bool((boot["ci_low"] < boot["estimate"]).all() and (boot["estimate"] < boot["ci_high"]).all())
    True

    References
    ----------
    Efron, B. and Tibshirani, R. J. *An Introduction to the Bootstrap*.
    Chapman & Hall, 1993 (ch. 9, bootstrapping regression models; ch. 13,
    percentile intervals).
    """
    _check_result(result)
    n_resamples = check_positive_int(n_resamples, "n_resamples", minimum=20)
    alpha = check_fraction(alpha, "alpha", inclusive=(False, False))
    rng = check_random_state(random_state)
    x, y = np.asarray(result.model.exog), np.asarray(result.model.endog)
    n = len(y)
    draws = np.empty((n_resamples, x.shape[1]))
    for b in range(n_resamples):
        rows = rng.integers(0, n, n)
        draws[b] = np.linalg.lstsq(x[rows], y[rows], rcond=None)[0]
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2], axis=0)
    return pd.DataFrame(
        {"estimate": np.asarray(result.params), "std_error": draws.std(axis=0, ddof=1), "ci_low": low, "ci_high": high},
        index=pd.Index(model_terms(result), name="term"),
    )


# --------------------------------------------------------------------------- #
# published tables
# --------------------------------------------------------------------------- #
def published_table(rows: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """Turn a published table, ``{term: (estimate, ci_low, ci_high)}``, into a tidy DataFrame.

    Parameters
    ----------
    rows : mapping of term to (estimate, ci_low, ci_high)
        As printed in a paper or on a slide; terms named as patsy names them
        (``Intercept``, ``smiling``, ``smiling:critic``).

    Returns
    -------
    pandas.DataFrame, shape (len(rows), 3)
        Indexed by term, with columns ``estimate``, ``ci_low``, ``ci_high``.

    Raises
    ------
    TypeError
        If ``rows`` is not a mapping.
    ValueError
        If it is empty or a row is not three finite numbers with ``ci_low <= estimate <= ci_high``.

    Examples
    --------
    >>> published_table({"smiling": (1.19, 0.85, 1.53)}).loc["smiling", "ci_high"]
    np.float64(1.53)
    """
    if not isinstance(rows, Mapping):
        raise TypeError(f"rows must be a mapping {{term: (estimate, ci_low, ci_high)}}; got {type(rows).__name__}.")
    if not rows:
        raise ValueError("rows must hold at least one term; got an empty mapping.")
    values = {}
    for term, row in rows.items():
        try:
            est, lo, hi = (float(v) for v in row)
        except (TypeError, ValueError):
            raise ValueError(
                f"rows[{term!r}] must be three numbers (estimate, ci_low, ci_high); got {row!r}."
            ) from None
        if not all(np.isfinite((est, lo, hi))):
            raise ValueError(f"rows[{term!r}] must be three finite numbers (estimate, ci_low, ci_high); got {row!r}.")
        if not lo <= est <= hi:
            raise ValueError(f"rows[{term!r}] must satisfy ci_low <= estimate <= ci_high; got {(est, lo, hi)}.")
        values[term] = (est, lo, hi)
    table = pd.DataFrame.from_dict(values, orient="index", columns=["estimate", "ci_low", "ci_high"])
    table.index.name = "term"
    return table


def compare_tables(fitted: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Compare a fitted coefficient table with a published one, term by term.

    Parameters
    ----------
    fitted : pandas.DataFrame
        From :func:`coefficient_table` (columns ``estimate``, ``ci_low``, ``ci_high``).
    published : pandas.DataFrame
        From :func:`published_table`, with the same terms.

    Returns
    -------
    pandas.DataFrame
        Indexed by term, with columns ``estimate``, ``published``,
        ``published_low``, ``published_high``, ``inside_published_ci`` (bool),
        ``width``, ``published_width`` and ``width_ratio`` (fitted width /
        published width).

    Raises
    ------
    TypeError
        If either argument is not a DataFrame.
    ValueError
        If a column is missing or the two tables do not list the same terms.
    """
    for name, table in (("fitted", fitted), ("published", published)):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame; got {type(table).__name__}.")
        missing = [c for c in ("estimate", "ci_low", "ci_high") if c not in table.columns]
        if missing:
            raise ValueError(f"{name} must have the columns estimate, ci_low, ci_high; it lacks {missing}.")
    if set(fitted.index) != set(published.index):
        raise ValueError(
            f"fitted and published must list the same terms; got {list(fitted.index)} and "
            f"{list(published.index)}. Name terms as patsy does (e.g. 'smiling:critic')."
        )
    pub = published.loc[fitted.index]
    out = pd.DataFrame(
        {
            "estimate": fitted["estimate"],
            "published": pub["estimate"],
            "published_low": pub["ci_low"],
            "published_high": pub["ci_high"],
            "inside_published_ci": (fitted["estimate"] >= pub["ci_low"]) & (fitted["estimate"] <= pub["ci_high"]),
            "width": fitted["ci_high"] - fitted["ci_low"],
            "published_width": pub["ci_high"] - pub["ci_low"],
        }
    )
    out["width_ratio"] = out["width"] / out["published_width"]
    out.index.name = "term"
    return out


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _check_result(result: Any, name: str = "result") -> None:
    """Raise unless ``result`` looks like a fitted statsmodels regression result."""
    needed = ("params", "bse", "conf_int", "cov_params", "t_test", "model")
    if isinstance(result, type) or not all(hasattr(result, a) for a in needed):
        hint = " Did you forget .fit()?" if hasattr(result, "fit") and not hasattr(result, "params") else ""
        raise TypeError(
            f"{name} must be a fitted statsmodels regression result (e.g. smf.ols(formula, data).fit()); "
            f"got {type(result).__name__}.{hint}"
        )
    if not isinstance(result.params, pd.Series):
        raise TypeError(
            f"{name} must come from the formula API (smf.ols), whose coefficients are named; "
            "got unnamed coefficients (sm.OLS on arrays). Fit with a formula instead."
        )
