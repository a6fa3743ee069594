"""Exercise 1 of the interaction-regression lab: the reference and deliberately wrong versions.

``MUTANTS`` maps a name to ``(function, fragment)``: ``check_fit_additive``
must fail on the function with a message containing ``fragment``.
"""

import statsmodels.formula.api as smf

from mmlab.data import load_book_reviews

_GLOBAL_REVIEWS = load_book_reviews()


def reference(data):
    return smf.ols("score ~ smiling + critic", data=data).fit()


def with_interaction(data):  # * instead of +
    return smf.ols("score ~ smiling * critic", data=data).fit()


def missing_critic(data):
    return smf.ols("score ~ smiling", data=data).fit()


def not_fitted(data):  # forgot .fit()
    return smf.ols("score ~ smiling + critic", data=data)


def params_only(data):
    return smf.ols("score ~ smiling + critic", data=data).fit().params


def wrong_response(data):
    return smf.ols("smiling ~ score + critic", data=data).fit()


def uses_global(data):  # ignores its argument
    return smf.ols("score ~ smiling + critic", data=_GLOBAL_REVIEWS).fit()


def arrays_api(data):  # sm.OLS on arrays: no term names
    import statsmodels.api as sm

    return sm.OLS(data["score"].to_numpy(), sm.add_constant(data[["smiling", "critic"]].to_numpy())).fit()


def no_return(data):
    smf.ols("score ~ smiling + critic", data=data).fit()


MUTANTS = {
    "with_interaction": (with_interaction, "should not have ['smiling:critic']"),
    "missing_critic": (missing_critic, "expected also ['critic']"),
    "not_fitted": (not_fitted, "call .fit()"),
    "params_only": (params_only, "you returned a Series"),
    "wrong_response": (wrong_response, "your model predicts 'smiling'"),
    "uses_global": (uses_global, "Use the `data` argument"),
    "arrays_api": (arrays_api, "fit with the formula API"),
    "no_return": (no_return, "Did you forget the `return` statement?"),
}
