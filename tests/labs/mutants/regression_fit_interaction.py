"""Exercise 2 of the interaction-regression lab: the reference and deliberately wrong versions."""

import statsmodels.formula.api as smf


def reference(data):
    return smf.ols("score ~ smiling * critic", data=data).fit()


def reference_reordered(data):  # also correct: the product term is named critic:smiling
    return smf.ols("score ~ critic * smiling", data=data).fit()


def additive(data):
    return smf.ols("score ~ smiling + critic", data=data).fit()


def product_only(data):  # ':' adds only the product term
    return smf.ols("score ~ smiling:critic", data=data).fit()


def no_intercept(data):
    return smf.ols("score ~ smiling * critic - 1", data=data).fit()


def filtered_rows(data):
    return smf.ols("score ~ smiling * critic", data=data[data["smiling"] > 0.3]).fit()


def rescaled_smiling(data):  # percent instead of tens of percent
    return smf.ols("score ~ smiling * critic", data=data.assign(smiling=10 * data["smiling"])).fit()


MUTANTS = {
    "additive": (additive, "expected also ['smiling:critic']"),
    "product_only": (product_only, "adds only the product"),
    "no_intercept": (no_intercept, "Keep the intercept"),
    "filtered_rows": (filtered_rows, "Fit on the whole data frame"),
    "rescaled_smiling": (rescaled_smiling, "used unchanged"),
}
