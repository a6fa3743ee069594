"""Check cells of the interaction-regression lab (``labs/1_representation/01_interaction_regression.ipynb``).

Each ``check_<exercise>(fn)`` runs a student's function on the shipped book
reviews and on a resampled copy of them (so a function that ignores its input
or returns typed-in numbers fails), compares with a reference computed here
(least squares with NumPy, the slope's variance from the covariance matrix, the
F test from the residual sums of squares; never :mod:`mmlab.regression`), and
raises :class:`mmlab.labs.CheckFailed` with a message that names the failing
property and suggests the likely cause. Expected values, and how far off a
value is, are never printed. Exercises 3 and 4 are decorated with
:func:`~mmlab.labs.forbid`: calling :func:`mmlab.regression.simple_slopes` or
:func:`mmlab.regression.compare_nested` fails the check.

=====================  ===========================================================
check                  student function
=====================  ===========================================================
check_fit_additive     ``fit_additive(data) -> fitted OLS result`` of score ~ smiling + critic
check_fit_interaction  ``fit_interaction(data) -> fitted OLS result`` with the product term
check_simple_slope     ``simple_slope(result, critic) -> (slope, ci_low, ci_high)``
check_decide_h2        ``decide_h2(additive, interaction, alpha=0.05) -> {"F", "p_value", "reject"}``
=====================  ===========================================================
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from mmlab.labs._feedback import RETURNED_NONE, CheckRun, expect_close, forbid, run_student

__all__ = ["check_decide_h2", "check_fit_additive", "check_fit_interaction", "check_simple_slope"]

_ADDITIVE_TERMS = ("Intercept", "smiling", "critic")
_INTERACTION_TERMS = ("Intercept", "smiling", "critic", "smiling:critic")
_RESAMPLE_SEED = 20240
_RETURNED_NONE = RETURNED_NONE


# --------------------------------------------------------------------------- #
# reference data and fits
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=1)
def _datasets() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shipped reviews and a fixed bootstrap resample of them (different estimates)."""
    from mmlab.data import load_book_reviews

    data = load_book_reviews()
    rows = np.random.default_rng(_RESAMPLE_SEED).integers(0, len(data), len(data))
    other = data.iloc[rows].reset_index(drop=True)
    return data, other


def _fit(data: pd.DataFrame, formula: str) -> Any:
    import statsmodels.formula.api as smf

    return smf.ols(formula, data=data).fit()


@lru_cache(maxsize=4)
def _reference(which: int, model: str) -> Any:
    data = _datasets()[which]
    return _fit(data, "score ~ smiling + critic" if model == "additive" else "score ~ smiling * critic")


def _ols_reference(data: pd.DataFrame, model: str) -> np.ndarray:
    """OLS coefficients (Intercept, smiling, critic[, smiling:critic]) by least squares on the design matrix."""
    columns = [np.ones(len(data)), data["smiling"].to_numpy(float), data["critic"].to_numpy(float)]
    if model == "interaction":
        columns.append(columns[1] * columns[2])
    design = np.column_stack(columns)
    coef, *_ = np.linalg.lstsq(design, data["score"].to_numpy(float), rcond=None)
    return coef


def _slope_reference(result: Any, level: int) -> tuple[float, float, float]:
    """Slope of smiling at critic = level, w1 + level w3, with its 95% t interval (covariance included)."""
    from scipy import stats

    names = ["smiling", "smiling:critic"]
    c = np.array([1.0, float(level)])
    slope = float(c @ np.asarray(result.params[names], dtype=float))
    se = float(np.sqrt(c @ np.asarray(result.cov_params().loc[names, names], dtype=float) @ c))
    t = float(stats.t.ppf(0.975, result.df_resid))
    return slope, slope - t * se, slope + t * se


def _canonical(term: str) -> str:
    """Name a product term independently of the order of its factors (critic:smiling -> smiling:critic)."""
    parts = term.split(":")
    return ":".join(sorted(parts, key=lambda p: (p != "smiling", p))) if len(parts) > 1 else term


# --------------------------------------------------------------------------- #
# exercises 1 and 2: fitting with the formula API
# --------------------------------------------------------------------------- #
def check_fit_additive(fn: Callable[[pd.DataFrame], Any]) -> bool:
    """Check ``fit_additive(data)``: the fitted OLS model ``score ~ smiling + critic``.

    Verifies that it returns a fitted statsmodels result, models ``score``,
    has exactly the terms Intercept, smiling and critic, was fitted on all rows
    with the right coefficients, and uses its ``data`` argument.
    """
    return _check_fit(fn, "Exercise 1 (fit the additive model)", "additive", _ADDITIVE_TERMS)


def check_fit_interaction(fn: Callable[[pd.DataFrame], Any]) -> bool:
    """Check ``fit_interaction(data)``: the fitted OLS model with smiling, critic and smiling:critic.

    Verifies the same properties as :func:`check_fit_additive`, with the
    product term ``smiling:critic`` (either factor order) required.
    """
    return _check_fit(fn, "Exercise 2 (fit the interaction model)", "interaction", _INTERACTION_TERMS)


def _check_fit(fn: Callable[[pd.DataFrame], Any], title: str, model: str, expected: tuple[str, ...]) -> bool:
    run = CheckRun(title, 6)
    data, other = _datasets()
    result = run_student(run, fn, data.copy(), what="returns a fitted model")
    _expect_fit(run, result, "returns a fitted model")

    endog = result.model.endog_names
    if endog != "score":
        run.fail(
            "response",
            f"your model predicts {endog!r}, but the response of the study is the audience "
            "score: put score on the left of ~.",
        )
    run.passed("response is score")

    terms = [_canonical(t) for t in result.model.exog_names]
    missing = [t for t in expected if t not in terms]
    extra = [t for t in terms if t not in expected]
    if missing or extra:
        parts = [f"your model has the terms {terms}"]
        if missing:
            parts.append(f"expected also {missing}")
        if extra:
            parts.append(f"it should not have {extra}")
        message = "; ".join(parts) + "."
        if "Intercept" in missing:
            message += " Keep the intercept w0 (do not add - 1 or + 0 to the formula)."
        if model == "additive" and "smiling:critic" in extra:
            message += " The additive model has no product term: join the variables with +, not * or :."
        if model == "interaction" and missing == ["smiling:critic"]:
            message += (
                " Without the product term the model is additive: the slope of smiling cannot "
                "depend on critic status. In a formula, a * b means a + b + a:b."
            )
        if model == "interaction" and "smiling:critic" not in missing and {"smiling", "critic"} & set(missing):
            message += (
                " `a:b` adds only the product; the interaction model also needs both main effects (w1 x_A and w2 x_B)."
            )
        run.fail("model terms", message)
    run.passed(f"terms {list(expected)}")

    n = int(result.nobs)
    if n != len(data):
        run.fail(
            "all rows used",
            f"your model was fitted on {n} rows; the data has {len(data)}. "
            "Fit on the whole data frame you are given, without filtering rows.",
        )
    run.passed("fitted on all 300 rows")

    got = _named_params(result)[list(expected)]
    expect_close(
        run,
        got.to_numpy(),
        _ols_reference(data, model),
        what="coefficients",
        atol=1e-6,
        rtol=1e-6,
        hint="The terms are right, so check that score, smiling and critic are used "
        "unchanged (no rescaling or recoding).",
    )

    result2 = run_student(run, fn, other.copy(), what="uses its data argument")
    _expect_fit(run, result2, "uses its data argument", record=False)
    got2 = _named_params(result2)
    if set(got2.index) != set(expected) or not np.allclose(
        got2[list(expected)].to_numpy(), _ols_reference(other, model), atol=1e-6
    ):
        run.fail(
            "uses its data argument",
            "on a different sample of reviews your function did not return that "
            "sample's fit. Use the `data` argument, not the global `reviews`.",
        )
    run.passed("uses its data argument")
    return run.finish()


def _named_params(result: Any) -> pd.Series:
    """The coefficients indexed by canonical term names (either order of a product's factors)."""
    return pd.Series(np.asarray(result.params, dtype=float), index=[_canonical(t) for t in result.model.exog_names])


def _expect_fit(run: CheckRun, result: Any, what: str, *, record: bool = True) -> None:
    """Fail unless ``result`` is a fitted statsmodels regression result."""
    if result is None:
        run.fail(what, _RETURNED_NONE)
    if hasattr(result, "fit") and not hasattr(result, "params"):
        run.fail(what, "you returned the model specification; call .fit() on it and return what .fit() returns.")
    if isinstance(result, (pd.Series, np.ndarray, dict, list, tuple)):
        run.fail(
            what,
            f"you returned a {type(result).__name__}; return the whole fitted result (what .fit() "
            "returns), which also carries the standard errors and intervals.",
        )
    if not all(hasattr(result, a) for a in ("params", "conf_int", "model", "nobs")):
        run.fail(what, f"expected a fitted statsmodels result (from smf.ols(...).fit()), got {type(result).__name__}.")
    if getattr(result.model, "formula", None) is None or not hasattr(result.model, "exog_names"):
        run.fail(
            what,
            "your model was not built from a formula: fit with the formula API, "
            "smf.ols(formula, data=...), so that its terms carry the variables' names.",
        )
    if record:
        run.passed(what)


# --------------------------------------------------------------------------- #
# exercise 3: simple slopes
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.regression.simple_slopes",
    task="compute the simple slope and its interval yourself",
    hint="Use result.params, result.cov_params(), result.df_resid and scipy.stats.t.",
)
def check_simple_slope(fn: Callable[[Any, int], Any]) -> bool:
    """Check ``simple_slope(result, critic)``: slope of smiling at a critic status, with its 95% CI.

    The student's function receives mmlab's fitted interaction model (so an
    error in exercise 2 does not carry over) and a level 0 or 1. Verifies the
    return format, the slope at both levels, the interval (including the
    covariance of :math:`\\hat w_1` and :math:`\\hat w_3`), and that the
    function uses its ``result`` argument. The reference is computed here
    from the model's coefficients and covariance matrix; calling
    :func:`mmlab.regression.simple_slopes` fails the check.
    """
    run = CheckRun("Exercise 3 (simple slopes with a 95% CI)", 5)
    fit = _reference(0, "interaction")
    ref = {level: _slope_reference(fit, level) for level in (0, 1)}
    w1, w3 = float(fit.params["smiling"]), float(fit.params["smiling:critic"])

    out = {
        level: _triple(run, run_student(run, fn, fit, level, what="returns (slope, ci_low, ci_high)"))
        for level in (0, 1)
    }
    run.passed("returns (slope, ci_low, ci_high)")

    for level, name in ((0, "non-critics"), (1, "critics")):
        what = f"slope for {name} (critic={level})"
        slope = out[level][0]
        expected = ref[level][0]
        diff = abs(slope - expected)
        if diff <= 1e-6:
            run.passed(what)
            continue
        if np.isclose(slope, w3):
            hint = "Your slope equals w3 alone; w3 is the difference between the two slopes, not a slope."
        elif level == 1 and np.isclose(slope, w1):
            hint = "You returned w1 for critics too: the slope for critic = b is w1 + b·w3."
        elif level == 0 and np.isclose(slope, w1 + w3):
            hint = "For critic = 0 the product term vanishes: the slope is w1 + 0·w3."
        elif diff < 0.01:
            hint = "It is close but not exact: did you type rounded numbers? Compute the slope from result.params."
        else:
            hint = "Differentiate y = w0 + w1 x_A + w2 x_B + w3 x_A x_B with respect to x_A at x_B = critic."
        run.fail(what, f"your slope is not the slope of smiling at critic = {level}. {hint}")

    slope, low, high = out[1]
    _, ref_low, ref_high = ref[1]
    # 0.01 accepts the normal quantile 1.96 instead of t(296) = 1.968 (endpoints move by about 0.002)
    if not (abs(low - ref_low) <= 0.01 and abs(high - ref_high) <= 0.01):
        ratio = (high - low) / (ref_high - ref_low)
        cov = fit.cov_params()
        no_cov = float(np.sqrt(cov.loc["smiling", "smiling"] + cov.loc["smiling:critic", "smiling:critic"]))
        ref_se = (ref_high - ref_low) / 2 / float(_t975(fit))
        message = "your interval for critics is not the 95% interval of the slope"
        if abs(ratio * ref_se - no_cov) < 0.01 * no_cov:
            message += (
                ": it is too wide by exactly what sqrt(Var(w1) + Var(w3)) gives, so the covariance term "
                "2·Cov(w1, w3) is missing (it is negative here; take it from result.cov_params())."
            )
        elif not np.isclose((low + high) / 2, slope, atol=1e-6):
            message += ": it is not centred on your slope; the interval is slope ± t·SE."
        else:
            message += (
                f" (it is too {'wide' if ratio > 1 else 'narrow'}). Check the standard error "
                "(Var(w1) + Var(w3) + 2·Cov(w1, w3)) and the 97.5% t quantile."
            )
        run.fail("95% CI for critics", message)
    run.passed("95% CI for critics")

    other = _reference(1, "interaction")
    got = _triple(run, run_student(run, fn, other, 1, what="uses its result argument"))
    if not np.isclose(got[0], other.params["smiling"] + other.params["smiling:critic"], atol=1e-6):
        run.fail(
            "uses its result argument",
            "for another fitted model your function returned the same slope; "
            "read the coefficients from the `result` argument.",
        )
    run.passed("uses its result argument")
    return run.finish()


def _t975(result: Any) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.975, result.df_resid))


def _triple(run: CheckRun, value: Any) -> tuple[float, float, float]:
    what = "returns (slope, ci_low, ci_high)"
    if value is None:
        run.fail(what, _RETURNED_NONE)
    if isinstance(value, (str, bytes, Mapping)):
        run.fail(what, f"expected three numbers (slope, ci_low, ci_high), got {type(value).__name__}.")
    try:
        flat = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        run.fail(what, f"expected three numbers (slope, ci_low, ci_high), got {type(value).__name__}.")
    if flat.size != 3:
        run.fail(what, f"expected three numbers (slope, ci_low, ci_high), got {flat.size}.")
    if not np.all(np.isfinite(flat)):
        run.fail(what, "your result contains NaN or infinite values.")
    slope, low, high = (float(v) for v in flat)
    if not low < slope < high:
        run.fail(
            what,
            f"expected ci_low < slope < ci_high, got ({slope:.3f}, {low:.3f}, {high:.3f}). "
            "Return the slope first, then the lower and the upper end.",
        )
    return slope, low, high


# --------------------------------------------------------------------------- #
# exercise 4: H2 with a nested-model F test
# --------------------------------------------------------------------------- #
@forbid(
    "mmlab.regression.compare_nested",
    task="compute the nested-model F test yourself",
    hint="Use the residual sums of squares (result.ssr) and degrees of freedom (result.df_resid), and scipy.stats.f.",
)
def check_decide_h2(fn: Callable[..., Mapping[str, Any]]) -> bool:
    """Check ``decide_h2(additive, interaction, alpha=0.05)``: the nested-model F test of H2.

    The student's function receives mmlab's fitted additive and interaction
    models and returns ``{"F": float, "p_value": float, "reject": bool}``.
    Verifies the keys, the F statistic, the p-value, the decision at two levels
    of ``alpha``, and that the function uses its arguments. The reference F and
    p-value are computed here from the residual sums of squares; calling
    :func:`mmlab.regression.compare_nested` fails the check.
    """
    run = CheckRun("Exercise 4 (decide H2 with a nested-model F test)", 5)
    additive, interaction = _reference(0, "additive"), _reference(0, "interaction")
    ref_f, ref_p = _nested(additive, interaction)

    out = _decision(run, run_student(run, fn, additive, interaction, 0.05, what="returns F, p_value and reject"))
    run.passed("returns F, p_value and reject")

    f_value = out["F"]
    if not np.isclose(f_value, ref_f, rtol=1e-4):
        t = float(interaction.tvalues["smiling:critic"])
        if np.isclose(f_value, t, rtol=1e-3):
            hint = (
                "Your F equals the t statistic of w3; with one restriction F = t², so square it or use the RSS formula."
            )
        elif f_value < 0:
            hint = "F cannot be negative: the numerator is RSS(additive) − RSS(interaction)."
        else:
            hint = (
                "F = ((RSS_r − RSS_f) / q) / (RSS_f / (n − p)) with q = 1 extra coefficient and n − p the "
                "interaction model's residual degrees of freedom (296)."
            )
        run.fail("F statistic", f"your F is not the F statistic of the nested comparison. {hint}")
    run.passed("F statistic")

    p = out["p_value"]
    if not np.isclose(p, ref_p, rtol=1e-3, atol=1e-9):
        hint = (
            ("Your p-value is 1 minus the right one: use the survival function (scipy.stats.f.sf), not the CDF.")
            if np.isclose(p, 1 - ref_p, atol=1e-6)
            else "The p-value is P(F(q, n − p) > F) with q = 1 and n − p = 296."
        )
        run.fail("p-value", f"your p-value is not the p-value of your (correct) F. {hint}")
    run.passed("p-value")

    strict = _decision(run, run_student(run, fn, additive, interaction, 1e-6, what="decision"))
    if out["reject"] is not True or strict["reject"] is not False:
        run.fail(
            "decision",
            f"your function returned reject={out['reject']} at alpha = 0.05 and "
            f"reject={strict['reject']} at alpha = 1e-6, with the same (correct) p-value. Reject H0 "
            "(no interaction) exactly when the p-value is below alpha.",
        )
    run.passed("decision follows p < alpha")

    other_a, other_i = _reference(1, "additive"), _reference(1, "interaction")
    got = _decision(run, run_student(run, fn, other_a, other_i, 0.05, what="uses its arguments"))
    if not np.isclose(got["F"], _nested(other_a, other_i)[0], rtol=1e-4):
        run.fail(
            "uses its arguments",
            "for two other fitted models your function did not return their F; "
            "compute it from the `additive` and `interaction` arguments.",
        )
    run.passed("uses its arguments")
    return run.finish()


def _nested(additive: Any, interaction: Any) -> tuple[float, float]:
    """F = ((RSS_r - RSS_f) / q) / (RSS_f / (n - p)) and its upper-tail p-value."""
    from scipy import stats

    q = float(additive.df_resid - interaction.df_resid)
    df = float(interaction.df_resid)
    f_value = ((float(additive.ssr) - float(interaction.ssr)) / q) / (float(interaction.ssr) / df)
    return f_value, float(stats.f.sf(f_value, q, df))


def _decision(run: CheckRun, value: Any) -> dict[str, Any]:
    what = "returns F, p_value and reject"
    if value is None:
        run.fail(what, _RETURNED_NONE)
    if not isinstance(value, Mapping):
        run.fail(what, f"expected a dict with the keys 'F', 'p_value' and 'reject', got {type(value).__name__}.")
    missing = [k for k in ("F", "p_value", "reject") if k not in value]
    if missing:
        run.fail(what, f"your dict lacks the key(s) {missing}; it has {list(value)}.")
    out = {}
    for key in ("F", "p_value"):
        v = value[key]
        if hasattr(v, "item") and np.size(v) == 1:
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            run.fail(what, f"{key!r} must be a finite number; got {type(v).__name__} {v!r}.")
        out[key] = float(v)
    reject = value["reject"]
    if not isinstance(reject, (bool, np.bool_)):
        run.fail(what, f"'reject' must be True or False; got {type(reject).__name__} {reject!r}.")
    out["reject"] = bool(reject)
    if not 0.0 <= out["p_value"] <= 1.0:
        run.fail(what, f"'p_value' must lie in [0, 1]; got {out['p_value']:.4g}.")
    return out
