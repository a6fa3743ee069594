"""The second quantification lab's checks (``labs/6_quantification/02_robustness_and_learning.ipynb``).

The shared contract of ``test_lab_checks.py`` (references pass, mutants in
``tests/labs/mutants/quantify2_*.py`` fail with their intended message, stubs,
crashes and garbage, profiler and random state) runs on these exercises from
``conftest.EXERCISES``. Here: the private references against the library, and
what the feedback must not reveal.
"""

from __future__ import annotations

import pytest

from mmlab.labs import CheckFailed
from mmlab.labs import _quantify2 as q2

#: conftest.py restricts ``mutant_case`` to this lab's mutants files
LAB_MUTANTS = "quantify2"


# --------------------------------------------------------------------------- private references vs the library
def test_robustness_references_match_the_library():
    from mmlab.quantify import effective_robustness, relative_robustness

    for levels, f, b in q2._curves().values():
        assert q2._relative(levels, f) == pytest.approx(relative_robustness(levels, f), abs=1e-12)
        assert q2._effective(f, b) == pytest.approx(effective_robustness(levels, f, b), abs=1e-12)


def test_ogr_reference_matches_the_library():
    from mmlab.quantify import overfitting_to_generalization_ratio

    for _, lt, lv, i, j in q2._ogr_cases():
        assert q2._ogr(lt, lv, i, j) == pytest.approx(overfitting_to_generalization_ratio(lt, lv, start=i, end=j))


def test_blend_reference_matches_the_library():
    from mmlab.quantify import gradient_blend_weights

    for _, dg, do, floor in q2._blend_cases():
        ours, library = q2._blend(dg, do, floor), gradient_blend_weights(dg, do, min_overfitting=floor)
        assert ours == pytest.approx(library, abs=1e-12)


def test_invariance_reference_matches_the_library():
    from mmlab.quantify import invariance_error, permute_elements

    for _, f, x, perm in q2._invariance_cases():
        library = invariance_error(f, x, lambda s, p=perm: permute_elements(s, p))
        assert q2._invariance_gap(f, x, perm) == pytest.approx(library, abs=1e-12)


def test_tpr_reference_matches_the_library():
    from mmlab.quantify import group_gap

    for _, p, y, g in q2._tpr_cases():
        assert q2._tpr_gap(p, y, g) == pytest.approx(group_gap(p, y, g, rate="tpr"), abs=1e-12)


def test_the_cases_tell_the_slips_apart():
    """Each diagnosis needs a case where the slip gives another value than the reference."""
    lv, f, b = q2._curves()["a curve with a kink"]
    assert abs(q2._relative(lv, f) - f.mean()) > 1e-3
    _, g, o, _ = q2._blend_cases()[1]
    assert min(g.values()) < 0
    tpr = [q2._tpr_gap(p, y, grp) for _, p, y, grp in q2._tpr_cases()]
    assert tpr[1] < 0.1 < tpr[0]  # the "fair" case has (nearly) equal TPRs
    _, sum_pool, x, perm = q2._invariance_cases()[0]
    assert q2._invariance_gap(sum_pool, x, perm) < 1e-12


# --------------------------------------------------------------------------- feedback hides the answers
def _reference_values(name: str) -> list[float]:
    """Every value the check compares with, in the forms a message could print."""
    if name == "quantify2_robustness_scores":
        return [v for lv, f, b in q2._curves().values() for v in (q2._relative(lv, f), q2._effective(f, b))]
    if name == "quantify2_ogr":
        return [q2._ogr(lt, lv, i, j) for _, lt, lv, i, j in q2._ogr_cases()]
    if name == "quantify2_blend_weights":
        return [w for _, g, o, d in q2._blend_cases() for w in q2._blend(g, o, d).values()]
    if name == "quantify2_invariance_gap":
        return [q2._invariance_gap(f, x, p) for _, f, x, p in q2._invariance_cases()]
    return [q2._tpr_gap(p, y, g) for _, p, y, g in q2._tpr_cases()]


def test_feedback_never_prints_the_reference_value(mutant_case, exercises, mutants):
    name, mutant = mutant_case
    check, _ = exercises[name]
    fn, _ = mutants[name].MUTANTS[mutant]
    with pytest.raises(CheckFailed) as info:
        check(fn)
    message = str(info.value)
    assert "off by" not in message
    for value in _reference_values(name):
        if abs(value) > 1e-6:  # 0 is not a secret: "must be 0" is the property itself
            for digits in (3, 4):
                assert f"{value:.{digits}f}" not in message, (value, message)
