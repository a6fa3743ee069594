"""Exercise 3 of the interaction-regression lab: the reference and deliberately wrong versions."""

import numpy as np
import statsmodels.formula.api as smf
from scipy import stats

from mmlab.data import load_book_reviews

_GLOBAL_FIT = smf.ols("score ~ smiling * critic", data=load_book_reviews()).fit()


def reference(result, critic):
    names = ["smiling", "smiling:critic"]
    c = np.array([1.0, critic])
    slope = float(c @ result.params[names])
    se = float(np.sqrt(c @ result.cov_params().loc[names, names].to_numpy() @ c))
    t = stats.t.ppf(0.975, result.df_resid)
    return slope, slope - t * se, slope + t * se


def reference_normal_quantile(result, critic):  # 1.96 instead of t(296): accepted
    slope, low, high = reference(result, critic)
    z_over_t = 1.959964 / stats.t.ppf(0.975, result.df_resid)
    return slope, slope - z_over_t * (slope - low), slope + z_over_t * (high - slope)


def w3_for_critics(result, critic):
    slope = result.params["smiling"] if critic == 0 else result.params["smiling:critic"]
    se = result.bse["smiling"] if critic == 0 else result.bse["smiling:critic"]
    return slope, slope - 1.97 * se, slope + 1.97 * se


def always_w1(result, critic):
    slope, se = result.params["smiling"], result.bse["smiling"]
    return slope, slope - 1.97 * se, slope + 1.97 * se


def no_covariance(result, critic):
    slope = result.params["smiling"] + critic * result.params["smiling:critic"]
    se = np.sqrt(result.bse["smiling"] ** 2 + critic**2 * result.bse["smiling:critic"] ** 2)
    t = stats.t.ppf(0.975, result.df_resid)
    return slope, slope - t * se, slope + t * se


def wrong_order(result, critic):
    slope, low, high = reference(result, critic)
    return low, slope, high


def typed_numbers(result, critic):  # copied from a table instead of computed
    return (0.68, 0.25, 1.11) if critic == 0 else (1.97, 1.44, 2.50)


def uses_global_fit(result, critic):  # ignores its result argument
    return reference(_GLOBAL_FIT, critic)


def no_return(result, critic):
    reference(result, critic)


def calls_library(result, critic):
    from mmlab.regression import simple_slopes

    row = simple_slopes(result, "smiling", "critic", (critic,)).iloc[0]
    return row["slope"], row["ci_low"], row["ci_high"]


MUTANTS = {
    "w3_for_critics": (w3_for_critics, "equals w3 alone"),
    "always_w1": (always_w1, "You returned w1 for critics too"),
    "no_covariance": (no_covariance, "covariance term 2·Cov(w1, w3) is missing"),
    "wrong_order": (wrong_order, "Return the slope first"),
    "uses_global_fit": (uses_global_fit, "read the coefficients from the `result` argument"),
    "no_return": (no_return, "Did you forget the `return` statement?"),
    "typed_numbers": (typed_numbers, "did you type rounded numbers?"),
    "calls_library": (
        calls_library,
        "Exercise 3 asks you to compute the simple slope and its interval yourself; "
        "your function calls mmlab's `simple_slopes`",
    ),
}
