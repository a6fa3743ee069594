"""Exercise 4 of the interaction-regression lab: the reference and deliberately wrong versions."""

import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.anova import anova_lm

from mmlab.data import load_book_reviews

_DATA = load_book_reviews()
_GLOBAL = (smf.ols("score ~ smiling + critic", _DATA).fit(), smf.ols("score ~ smiling * critic", _DATA).fit())


def reference(additive, interaction, alpha=0.05):
    row = anova_lm(additive, interaction).iloc[1]
    return {"F": float(row["F"]), "p_value": float(row["Pr(>F)"]), "reject": bool(row["Pr(>F)"] < alpha)}


def reference_by_hand(additive, interaction, alpha=0.05):
    q = additive.df_resid - interaction.df_resid
    f = ((additive.ssr - interaction.ssr) / q) / (interaction.ssr / interaction.df_resid)
    p = stats.f.sf(f, q, interaction.df_resid)
    return {"F": f, "p_value": p, "reject": p < alpha}


def t_not_squared(additive, interaction, alpha=0.05):
    t = interaction.tvalues["smiling:critic"]
    p = interaction.pvalues["smiling:critic"]
    return {"F": float(t), "p_value": float(p), "reject": bool(p < alpha)}


def wrong_denominator_df(additive, interaction, alpha=0.05):  # the additive model's df
    f = (additive.ssr - interaction.ssr) / (interaction.ssr / additive.df_resid)
    p = stats.f.sf(f, 1, additive.df_resid)
    return {"F": float(f), "p_value": float(p), "reject": bool(p < alpha)}


def swapped_rss(additive, interaction, alpha=0.05):
    f = (interaction.ssr - additive.ssr) / (interaction.ssr / interaction.df_resid)
    p = stats.f.sf(f, 1, interaction.df_resid)
    return {"F": float(f), "p_value": float(p), "reject": bool(p < alpha)}


def cdf_not_sf(additive, interaction, alpha=0.05):
    out = reference(additive, interaction, alpha)
    out["p_value"] = float(stats.f.cdf(out["F"], 1, interaction.df_resid))
    return out


def reversed_decision(additive, interaction, alpha=0.05):
    out = reference(additive, interaction, alpha)
    out["reject"] = out["p_value"] > alpha
    return out


def ignores_alpha(additive, interaction, alpha=0.05):
    out = reference(additive, interaction, alpha)
    out["reject"] = out["p_value"] < 0.05
    return out


def missing_key(additive, interaction, alpha=0.05):
    out = reference(additive, interaction, alpha)
    return {"F": out["F"], "p": out["p_value"], "reject": out["reject"]}


def uses_global_fits(additive, interaction, alpha=0.05):  # ignores its model arguments
    return reference(*_GLOBAL, alpha)


def calls_library(additive, interaction, alpha=0.05):
    from mmlab.regression import compare_nested

    test = compare_nested(additive, interaction)
    return {"F": test.f_value, "p_value": test.p_value, "reject": test.reject(alpha)}


MUTANTS = {
    "t_not_squared": (t_not_squared, "equals the t statistic of w3"),
    "wrong_denominator_df": (wrong_denominator_df, "residual degrees of freedom (296)"),
    "swapped_rss": (swapped_rss, "F cannot be negative"),
    "cdf_not_sf": (cdf_not_sf, "use the survival function"),
    "reversed_decision": (reversed_decision, "exactly when the p-value is below alpha"),
    "ignores_alpha": (ignores_alpha, "exactly when the p-value is below alpha"),
    "uses_global_fits": (uses_global_fits, "compute it from the `additive` and `interaction` arguments"),
    "missing_key": (missing_key, "lacks the key(s) ['p_value']"),
    "calls_library": (
        calls_library,
        "Check 1/5 (returns F, p_value and reject): Exercise 4 asks you to compute "
        "the nested-model F test yourself; your function calls mmlab's "
        "`compare_nested`",
    ),
}
