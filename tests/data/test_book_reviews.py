"""The simulated book-review data: loader, card, simulator and calibration (issue 3)."""

import hashlib
import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mmlab.data import (
    BOOK_REVIEWS_COLUMNS,
    BOOK_REVIEWS_DESIGN,
    BOOK_REVIEWS_SEED,
    PUBLISHED_ADDITIVE,
    PUBLISHED_INTERACTION,
    BookReviewDesign,
    book_reviews_card,
    calibrate_design,
    design_tables,
    load_book_reviews,
    simulate_book_reviews,
)

REPO = Path(__file__).resolve().parents[2]
SEEDS = [0, 1, 2, 3, 4, 5, 6]


def _fits(data):
    return (smf.ols("score ~ smiling + critic", data).fit(), smf.ols("score ~ smiling * critic", data).fit())


def _assert_matches_slides(fit, published):
    """The lecture's claims: each estimate inside the slide's CI, each CI width within 20% of the slide's."""
    ci = fit.conf_int()
    for term, (_, low, high) in published.items():
        assert low <= fit.params[term] <= high, term
        width = ci.loc[term, 1] - ci.loc[term, 0]
        assert abs(width / (high - low) - 1) <= 0.2, (term, width, high - low)


# --------------------------------------------------------------------------- #
# the shipped file
# --------------------------------------------------------------------------- #
def test_load_shape_columns_and_types():
    data = load_book_reviews()
    assert data.shape == (300, 4)
    assert tuple(data.columns) == BOOK_REVIEWS_COLUMNS
    assert data.dtypes.to_dict() == {
        "review_id": np.int64,
        "critic": np.int64,
        "smiling": np.float64,
        "score": np.float64,
    }
    assert data["review_id"].tolist() == list(range(1, 301))
    assert set(data["critic"]) == {0, 1}
    assert (data["critic"] == 0).sum() == BOOK_REVIEWS_DESIGN.n_non_critics


def test_load_values_are_plausible():
    data = load_book_reviews()
    assert data["smiling"].min() >= 0 and data["smiling"].max() <= 10  # at most 100 % of frames
    assert data["score"].between(0, 10).all()


@pytest.mark.parametrize("fit_index, published", [(0, PUBLISHED_ADDITIVE), (1, PUBLISHED_INTERACTION)])
def test_shipped_file_reproduces_the_slide_tables(fit_index, published):
    fit = _fits(load_book_reviews())[fit_index]
    _assert_matches_slides(fit, published)
    # the file rounds to 4 decimals, so the estimates sit within 1e-3 of the slide's (2-decimal) values
    for term, (estimate, _, _) in published.items():
        assert fit.params[term] == pytest.approx(estimate, abs=6e-3)


def test_shipped_file_w3_ci_excludes_zero():
    low, high = _fits(load_book_reviews())[1].conf_int().loc["smiling:critic"]
    assert low > 0


def test_card_states_simulation_seed_licence_columns_and_checksum():
    card = book_reviews_card()
    assert "simulated" in card.lower() and "not the data of the original study" in card
    assert f"seed {BOOK_REVIEWS_SEED}" in card and "make_book_reviews.py" in card
    assert "CC0" in card
    for column in BOOK_REVIEWS_COLUMNS:
        assert f"`{column}`" in card
    match = re.search(r"^- sha256 `book_reviews\.csv`: `([0-9a-f]{64})`$", card, re.MULTILINE)
    assert match is not None
    digest = hashlib.sha256((REPO / "data" / "book_reviews.csv").read_bytes()).hexdigest()
    assert match.group(1) == digest
    for nb in (
        "lectures/1_representation/01_interaction_regression.ipynb",
        "labs/1_representation/01_interaction_regression.ipynb",
    ):
        assert nb in card


def test_script_regenerates_the_shipped_bytes():
    spec = importlib.util.spec_from_file_location("_make_book_reviews", REPO / "data" / "make_book_reviews.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build().encode("utf-8") == (REPO / "data" / "book_reviews.csv").read_bytes()


def test_loader_refuses_a_modified_file(tmp_path, monkeypatch):
    text = (REPO / "data" / "book_reviews.csv").read_text()
    lines = text.splitlines()
    lines[1] = lines[1][:-1] + ("0" if lines[1][-1] != "0" else "1")  # change one digit of one score
    (tmp_path / "book_reviews.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "book_reviews.md").write_text(book_reviews_card())
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="does not match the sha256"):
        load_book_reviews()


def test_loader_refuses_a_file_without_a_column(tmp_path, monkeypatch):
    text = "review_id,critic,score\n1,0,5.0\n"
    (tmp_path / "book_reviews.csv").write_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    (tmp_path / "book_reviews.md").write_text(f"- sha256 `book_reviews.csv`: `{digest}`\n")
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=r"lacks \['smiling'\]"):
        load_book_reviews()


# --------------------------------------------------------------------------- #
# the simulator
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_reproduces_both_slide_tables(seed):
    data = simulate_book_reviews(seed)
    additive, interaction = _fits(data)
    _assert_matches_slides(additive, PUBLISHED_ADDITIVE)
    _assert_matches_slides(interaction, PUBLISHED_INTERACTION)
    assert interaction.conf_int().loc["smiling:critic", 0] > 0  # H2
    assert additive.conf_int().loc["smiling", 0] > 0  # H1


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_matches_the_design_moments_exactly(seed):
    data = simulate_book_reviews(seed)
    _, interaction = _fits(data)
    # exact up to floating point (rtol 1e-9): the residual is orthogonal to the design by construction
    np.testing.assert_allclose(interaction.params.to_numpy(), BOOK_REVIEWS_DESIGN.weights, rtol=1e-9)
    assert np.sqrt(interaction.scale) == pytest.approx(BOOK_REVIEWS_DESIGN.sigma, rel=1e-9)
    for level, n_g, mean, sd in zip(
        (0, 1),
        (BOOK_REVIEWS_DESIGN.n_non_critics, BOOK_REVIEWS_DESIGN.n_critics),
        BOOK_REVIEWS_DESIGN.smiling_mean,
        BOOK_REVIEWS_DESIGN.smiling_sd,
        strict=True,
    ):
        group = data.loc[data["critic"] == level, "smiling"]
        assert len(group) == n_g
        assert group.mean() == pytest.approx(mean, rel=1e-12)
        assert group.std(ddof=0) == pytest.approx(sd, rel=1e-12)
    assert data["smiling"].min() >= 0
    assert data["score"].between(0, 10).all()


def test_design_tables_agree_with_statsmodels_on_a_sample():
    """The closed form in design_tables against an independent statsmodels fit of a simulated sample."""
    tables = design_tables(BOOK_REVIEWS_DESIGN)
    for fit, name in zip(_fits(simulate_book_reviews(3)), ("additive", "interaction"), strict=True):
        ci = fit.conf_int()
        np.testing.assert_allclose(tables[name]["estimate"], fit.params, rtol=1e-9)
        np.testing.assert_allclose(tables[name]["std_error"], fit.bse, rtol=1e-9)
        np.testing.assert_allclose(tables[name]["ci_low"], ci[0], rtol=1e-9)


def test_same_seed_same_sample_and_generator_accepted():
    pd.testing.assert_frame_equal(simulate_book_reviews(5), simulate_book_reviews(5))
    pd.testing.assert_frame_equal(simulate_book_reviews(np.random.default_rng(5)), simulate_book_reviews(5))
    assert not simulate_book_reviews(5)["score"].equals(simulate_book_reviews(6)["score"])


def test_calibration_reproduces_the_shipped_design():
    design = calibrate_design()
    shipped = BOOK_REVIEWS_DESIGN
    assert (design.n_non_critics, design.n_critics) == (shipped.n_non_critics, shipped.n_critics)
    np.testing.assert_allclose(design.smiling_mean, BOOK_REVIEWS_DESIGN.smiling_mean, atol=1e-4)
    np.testing.assert_allclose(design.smiling_sd, BOOK_REVIEWS_DESIGN.smiling_sd, atol=1e-4)
    assert design.sigma == pytest.approx(BOOK_REVIEWS_DESIGN.sigma, abs=1e-4)
    assert design.weights == BOOK_REVIEWS_DESIGN.weights


def test_additive_slope_is_the_weighted_average_of_group_slopes():
    """Consistency of the two slide tables: w1_add = sum_g S_g b_g / sum_g S_g, S_g = n_g Var_g(x_A)."""
    d = BOOK_REVIEWS_DESIGN
    s = np.array([d.n_non_critics * d.smiling_sd[0] ** 2, d.n_critics * d.smiling_sd[1] ** 2])
    slopes = np.array([BOOK_REVIEWS_DESIGN.weights[1], BOOK_REVIEWS_DESIGN.weights[1] + BOOK_REVIEWS_DESIGN.weights[3]])
    additive = design_tables(BOOK_REVIEWS_DESIGN)["additive"]
    assert additive.loc["smiling", "estimate"] == pytest.approx(s @ slopes / s.sum())


# --------------------------------------------------------------------------- #
# bad inputs
# --------------------------------------------------------------------------- #
def test_simulate_rejects_bad_inputs():
    with pytest.raises(TypeError, match="design must be a BookReviewDesign"):
        simulate_book_reviews(0, design={"n": 300})
    with pytest.raises(TypeError, match="random_state must be None, a non-negative int"):
        simulate_book_reviews("zero")
    with pytest.raises(ValueError, match="score_range must be"):
        simulate_book_reviews(0, score_range=(10, 0))
    with pytest.raises(ValueError, match="widen score_range"):
        simulate_book_reviews(0, score_range=(4.0, 6.0))
    # sd / mean = 20 > sqrt(149): every standardised sample would have a negative value
    wide = BookReviewDesign(150, 150, (1.0, 1.0), (20.0, 20.0), 1.0, (5.0, 0.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="could not draw non-negative smiling"):
        simulate_book_reviews(0, design=wide)


def test_design_tables_rejects_bad_design():
    with pytest.raises(TypeError, match="design must be a BookReviewDesign"):
        design_tables(None)
    d = BOOK_REVIEWS_DESIGN
    bad = {
        "design.sigma must be > 0; got 0.0": BookReviewDesign(184, 116, d.smiling_mean, d.smiling_sd, 0.0, d.weights),
        r"design.smiling_sd\[1\] must be > 0; got -0.6": BookReviewDesign(
            184, 116, d.smiling_mean, (0.6, -0.6), d.sigma, d.weights
        ),
        "design.n_critics must be > 0; got 0": BookReviewDesign(
            300, 0, d.smiling_mean, d.smiling_sd, d.sigma, d.weights
        ),
        "more than 4 reviews": BookReviewDesign(2, 2, d.smiling_mean, d.smiling_sd, d.sigma, d.weights),
        r"design.weights must be 4 numbers": BookReviewDesign(
            184, 116, d.smiling_mean, d.smiling_sd, d.sigma, (1.0, 2.0)
        ),
    }
    for match, design in bad.items():
        with pytest.raises(ValueError, match=match):
            design_tables(design)


@pytest.mark.parametrize(
    "alpha, err, match",
    [
        (1.5, ValueError, r"alpha must lie in \(0, 1\); got 1.5"),  # used to give inverted intervals
        (0, ValueError, r"alpha must lie in \(0, 1\); got 0.0"),  # used to give +-inf
        (1.0, ValueError, r"alpha must lie in \(0, 1\); got 1.0"),
        (float("nan"), ValueError, "alpha must be a finite real number"),
        ("0.05", TypeError, r"alpha must be a real number in \(0, 1\); got str '0.05'"),
    ],
)
def test_design_tables_rejects_alpha_outside_zero_one(alpha, err, match):
    with pytest.raises(err, match=match):
        design_tables(BOOK_REVIEWS_DESIGN, alpha=alpha)
    with pytest.raises(err, match=match):
        calibrate_design(alpha=alpha)


def test_design_tables_alpha_sets_the_interval_width():
    """Half-widths scale with the t quantile t_{1-alpha/2, df}: 99% intervals are wider than 90% ones."""
    from scipy import stats

    narrow, wide = design_tables(BOOK_REVIEWS_DESIGN, alpha=0.10), design_tables(BOOK_REVIEWS_DESIGN, alpha=0.01)
    for name, df in (("additive", 297), ("interaction", 296)):
        ratio = ((wide[name].ci_high - wide[name].ci_low) / (narrow[name].ci_high - narrow[name].ci_low)).to_numpy()
        np.testing.assert_allclose(ratio, stats.t.ppf(0.995, df) / stats.t.ppf(0.95, df), rtol=1e-10)


def test_calibrate_rejects_bad_tables():
    with pytest.raises(ValueError, match="must list the terms"):
        calibrate_design(additive={"smiling": (1.0, 0.5, 1.5)})
    bad = dict(PUBLISHED_INTERACTION, critic=(-2.94, -2.15, -3.73))
    with pytest.raises(ValueError, match="ci_low < estimate < ci_high"):
        calibrate_design(interaction=bad)
    with pytest.raises(ValueError, match="n must be an integer >= 20"):
        calibrate_design(n=10)
