"""mmlab.regression against closed forms and independent statsmodels/scipy computations."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from mmlab.regression import (
    NestedTest,
    bootstrap_coefficients,
    coefficient_table,
    compare_nested,
    compare_tables,
    interaction_term,
    model_terms,
    published_table,
    simple_slopes,
)

SEEDS = [0, 1, 2, 3, 4]


def _data(seed, n=200):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 3.0, n)  # bounded: no high-leverage points, so pairs-bootstrap SEs behave
    g = rng.integers(0, 2, n)
    y = 5 + 0.7 * x - 3 * g + 1.3 * x * g + rng.normal(0, 1.5, n)
    return pd.DataFrame({"smiling": x, "critic": g, "score": y})


def _fits(data):
    return (smf.ols("score ~ smiling + critic", data).fit(), smf.ols("score ~ smiling * critic", data).fit())


# --------------------------------------------------------------------------- #
# coefficient_table
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", SEEDS)
def test_coefficient_table_matches_the_closed_form(seed):
    data = _data(seed)
    fit = smf.ols("score ~ smiling * critic", data).fit()
    x = np.column_stack([np.ones(len(data)), data.smiling, data.critic, data.smiling * data.critic])
    w = np.linalg.solve(x.T @ x, x.T @ data.score)
    resid = data.score - x @ w
    s2 = resid @ resid / (len(data) - 4)
    se = np.sqrt(np.diag(s2 * np.linalg.inv(x.T @ x)))
    t = stats.t.ppf(0.975, len(data) - 4)
    table = coefficient_table(fit)
    # rtol 1e-8: two exact solvers of the same normal equations
    np.testing.assert_allclose(table["estimate"], w, rtol=1e-8)
    np.testing.assert_allclose(table["std_error"], se, rtol=1e-8)
    np.testing.assert_allclose(table["ci_low"], w - t * se, rtol=1e-8)
    np.testing.assert_allclose(table["ci_high"], w + t * se, rtol=1e-8)
    np.testing.assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(w / se), len(data) - 4), rtol=1e-6)
    assert list(table.columns) == ["estimate", "std_error", "t", "p_value", "ci_low", "ci_high"]
    assert table.index.name == "term"


def test_coefficient_table_alpha_and_symbols():
    fit = _fits(_data(0))[1]
    wide, narrow = coefficient_table(fit, alpha=0.01), coefficient_table(fit, alpha=0.2)
    assert ((wide["ci_high"] - wide["ci_low"]) > (narrow["ci_high"] - narrow["ci_low"])).all()
    table = coefficient_table(fit, symbols={"Intercept": "w0", "smiling:critic": "w3"})
    assert table["symbol"].tolist() == ["w0", "smiling", "critic", "w3"]


def test_coefficient_table_rejects_bad_inputs():
    data = _data(0)
    with pytest.raises(TypeError, match="Did you forget .fit()"):
        coefficient_table(smf.ols("score ~ smiling", data))
    with pytest.raises(TypeError, match="must be a fitted statsmodels regression result"):
        coefficient_table(data)
    with pytest.raises(TypeError, match="must come from the formula API"):
        coefficient_table(sm.OLS(data.score.to_numpy(), sm.add_constant(data.smiling.to_numpy())).fit())
    fit = _fits(data)[0]
    with pytest.raises(ValueError, match=r"alpha must lie in \(0, 1\); got 1.0"):
        coefficient_table(fit, alpha=1.0)
    with pytest.raises(TypeError, match=r"alpha must be a real number in \(0, 1\); got str '5%'"):
        coefficient_table(fit, alpha="5%")
    with pytest.raises(TypeError, match="symbols must map term names to display names"):
        coefficient_table(fit, symbols=["w0", "w1"])
    # a mapping shared by nested models: terms the model lacks are ignored
    table = coefficient_table(fit, symbols={"smiling:critic": "w3"})
    assert table["symbol"].tolist() == ["Intercept", "smiling", "critic"]


# --------------------------------------------------------------------------- #
# simple slopes
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", SEEDS)
def test_simple_slopes_equal_recentred_fits(seed):
    """Aiken & West's recentring: the slope at critic = b is w1 of the model fitted with critic - b."""
    data = _data(seed)
    fit = _fits(data)[1]
    table = simple_slopes(fit, "smiling", "critic", (0, 1, 0.5))
    for b in (0, 1, 0.5):
        shifted = smf.ols("score ~ smiling * c", data.assign(c=data.critic - b)).fit()
        ci = shifted.conf_int().loc["smiling"]
        # rtol 1e-8: the same least-squares problem in another parametrisation
        assert table.loc[b, "slope"] == pytest.approx(shifted.params["smiling"], rel=1e-8)
        assert table.loc[b, "std_error"] == pytest.approx(shifted.bse["smiling"], rel=1e-8)
        assert table.loc[b, "ci_low"] == pytest.approx(ci[0], rel=1e-8)
        assert table.loc[b, "p_value"] == pytest.approx(shifted.pvalues["smiling"], rel=1e-6)


def test_simple_slopes_difference_is_w3_and_formula_order_does_not_matter():
    data = _data(1)
    fit = smf.ols("score ~ critic * smiling", data).fit()
    table = simple_slopes(fit)
    assert table.loc[1, "slope"] - table.loc[0, "slope"] == pytest.approx(fit.params["critic:smiling"])
    assert interaction_term(fit, "smiling", "critic") == "critic:smiling"
    assert table.index.name == "critic"


def test_simple_slopes_rejects_bad_inputs():
    additive, interaction = _fits(_data(0))
    with pytest.raises(ValueError, match="no interaction term between 'smiling' and 'critic'"):
        simple_slopes(additive)
    with pytest.raises(ValueError, match="focal='laughing' is not a term"):
        simple_slopes(interaction, focal="laughing")
    with pytest.raises(ValueError, match="levels must hold at least one value"):
        simple_slopes(interaction, levels=())
    with pytest.raises(TypeError, match=r"levels\[0\] must be a real number; got str 'critic'"):
        simple_slopes(interaction, levels=("critic",))
    with pytest.raises(ValueError, match=r"levels\[1\] must be a finite real number; got nan"):
        simple_slopes(interaction, levels=(0, float("nan")))
    with pytest.raises(ValueError, match="alpha must lie"):
        simple_slopes(interaction, alpha=0)


# --------------------------------------------------------------------------- #
# nested F test
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", SEEDS)
def test_nested_f_equals_t_squared_and_rss_formula(seed):
    additive, interaction = _fits(_data(seed))
    test = compare_nested(additive, interaction)
    t = interaction.tvalues["smiling:critic"]
    f = (additive.ssr - interaction.ssr) / (interaction.ssr / interaction.df_resid)
    assert isinstance(test, NestedTest)
    assert test.f_value == pytest.approx(t**2, rel=1e-8)
    assert test.f_value == pytest.approx(f, rel=1e-10)
    assert test.p_value == pytest.approx(interaction.pvalues["smiling:critic"], rel=1e-6)
    assert (test.df_num, test.df_denom) == (1, 196)
    assert test.reject(0.05) == (test.p_value < 0.05)


def test_nested_two_restrictions():
    data = _data(0)
    small = smf.ols("score ~ smiling", data).fit()
    full = smf.ols("score ~ smiling * critic", data).fit()
    test = compare_nested(small, full)
    f = ((small.ssr - full.ssr) / 2) / (full.ssr / full.df_resid)
    assert test.df_num == 2 and test.f_value == pytest.approx(f)
    assert test.p_value == pytest.approx(stats.f.sf(f, 2, full.df_resid))


def test_nested_rejects_bad_inputs():
    data = _data(0)
    additive, interaction = _fits(data)
    with pytest.raises(ValueError, match="Pass the smaller model first"):
        compare_nested(interaction, additive)
    with pytest.raises(ValueError, match="strict subset"):
        compare_nested(additive, additive)
    with pytest.raises(ValueError, match="same rows"):
        compare_nested(additive, smf.ols("score ~ smiling * critic", data.iloc[:150]).fit())
    with pytest.raises(ValueError, match="same response"):
        compare_nested(smf.ols("smiling ~ critic", data).fit(), interaction)
    with pytest.raises(TypeError, match="full must be a fitted"):
        compare_nested(additive, "interaction")
    with pytest.raises(ValueError, match="alpha must lie"):
        compare_nested(additive, interaction).reject(1.5)


# --------------------------------------------------------------------------- #
# bootstrap
# --------------------------------------------------------------------------- #
def test_bootstrap_draws_are_statsmodels_refits():
    fit = _fits(_data(0))[1]
    boot = bootstrap_coefficients(fit, n_resamples=20, random_state=7, alpha=0.5)
    rng = np.random.default_rng(7)
    x, y = fit.model.exog, fit.model.endog
    draws = np.array([sm.OLS(y[r], x[r]).fit().params for r in (rng.integers(0, len(y), len(y)) for _ in range(20))])
    np.testing.assert_allclose(boot["std_error"], draws.std(axis=0, ddof=1), rtol=1e-8)
    np.testing.assert_allclose(boot["ci_low"], np.quantile(draws, 0.25, axis=0), rtol=1e-8)
    np.testing.assert_allclose(boot["estimate"], fit.params)


@pytest.mark.parametrize("seed", SEEDS)
def test_bootstrap_se_close_to_model_se_with_normal_errors(seed):
    fit = _fits(_data(seed, n=300))[1]
    boot = bootstrap_coefficients(fit, n_resamples=400, random_state=seed)
    # homoscedastic normal errors: both estimate the same SE; 400 resamples and n = 300 give ~10% noise
    ratio = boot["std_error"] / fit.bse
    assert ratio.between(0.75, 1.3).all(), ratio
    assert ((boot["ci_low"] < fit.params) & (fit.params < boot["ci_high"])).all()


def test_bootstrap_rejects_bad_inputs():
    fit = _fits(_data(0))[1]
    with pytest.raises(ValueError, match="n_resamples must be an integer >= 20"):
        bootstrap_coefficients(fit, n_resamples=5)
    with pytest.raises(TypeError, match="random_state must be None, a non-negative int"):
        bootstrap_coefficients(fit, random_state="seed")
    with pytest.raises(TypeError, match="must be a fitted statsmodels"):
        bootstrap_coefficients(None)


# --------------------------------------------------------------------------- #
# published tables
# --------------------------------------------------------------------------- #
def test_published_table_and_compare_tables():
    fit = _fits(_data(0))[1]
    fitted = coefficient_table(fit)
    rows = {
        t: (fitted.loc[t, "estimate"], fitted.loc[t, "ci_low"] - 0.1, fitted.loc[t, "ci_high"] + 0.1)
        for t in reversed(fitted.index)
    }
    published = published_table(rows)
    assert list(published.columns) == ["estimate", "ci_low", "ci_high"]
    cmp = compare_tables(fitted, published)
    assert list(cmp.index) == list(fitted.index)
    assert cmp["inside_published_ci"].all()
    expected = (fitted["ci_high"] - fitted["ci_low"]) / (fitted["ci_high"] - fitted["ci_low"] + 0.2)
    np.testing.assert_allclose(cmp["width_ratio"], expected)
    outside = published_table({t: (v[0] + 10, v[1] + 10, v[2] + 10) for t, v in rows.items()})
    assert not compare_tables(fitted, outside)["inside_published_ci"].any()
    assert model_terms(fit) == ["Intercept", "smiling", "critic", "smiling:critic"]


def test_published_and_compare_reject_bad_inputs():
    with pytest.raises(TypeError, match="rows must be a mapping"):
        published_table([("w0", 1, 0, 2)])
    with pytest.raises(ValueError, match="at least one term"):
        published_table({})
    with pytest.raises(ValueError, match="must be three numbers"):
        published_table({"w0": (1.0, 0.0)})
    with pytest.raises(ValueError, match="ci_low <= estimate <= ci_high"):
        published_table({"w0": (3.0, 0.0, 2.0)})
    with pytest.raises(ValueError, match="three finite numbers"):
        published_table({"w0": (1.0, -np.inf, np.inf)})
    fitted = coefficient_table(_fits(_data(0))[0])
    with pytest.raises(TypeError, match="published must be a pandas DataFrame"):
        compare_tables(fitted, {"Intercept": (1, 0, 2)})
    with pytest.raises(ValueError, match="lacks"):
        compare_tables(fitted, fitted[["estimate"]])
    with pytest.raises(ValueError, match="same terms"):
        compare_tables(fitted, published_table({"Intercept": (1, 0, 2)}))
