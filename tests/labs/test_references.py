"""The checks' private references agree with the public mmlab functions they stand in for.

A check must not compare a student's answer with the very function the
exercise asks the student to write (a student could return it), so each
check module computes its reference independently. These tests tie every
private reference to the library, on the inputs the checks use and on more.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from mmlab.labs import _fusion, _interactions, _regression


# --------------------------------------------------------------------------- quantification lab
@pytest.mark.parametrize("shape", [(2, 2), (3, 4), (5, 2), (1, 3)])
def test_mutual_information_reference_matches_the_library(shape):
    from mmlab.quantify import mutual_information

    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        p = rng.dirichlet(np.full(int(np.prod(shape)), 0.5)).reshape(shape)
        p[p < 0.02] = 0.0
        p /= p.sum()
        assert _interactions._mi_bits(p) == pytest.approx(mutual_information(p), abs=1e-12)


def _library_pid(p):
    from mmlab.quantify import exact_pid

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return exact_pid(p).as_dict()


def _noisy_copy(noise):
    p = np.zeros((2, 2, 2))
    for y in (0, 1):
        p[y, y, y], p[1 - y, 1 - y, y] = 0.5 * (1 - noise), 0.5 * noise
    return p


CERTIFIED = [(name, table) for name, table in _interactions._dominant_cases()] + [
    (f"shared noisy copy {e}", _noisy_copy(e)) for e in (0.0, 0.1, 0.3, 0.45)
]


@pytest.mark.parametrize("name, table", CERTIFIED, ids=[c[0] for c in CERTIFIED])
def test_certified_pid_matches_exact_pid_on_the_check_tables(name, table):
    ours, library = _interactions._certified_pid(table), _library_pid(table)
    for atom in ("redundancy", "unique1", "unique2", "synergy"):
        assert ours[atom] == pytest.approx(library[atom], abs=1e-6), atom


def test_certified_pid_matches_exact_pid_on_random_symmetric_tables():
    rng = np.random.default_rng(3)
    for k, ny in [(2, 2), (3, 2), (2, 3), (3, 3)]:
        for _ in range(4):
            p = np.empty((k, k, ny))
            for y in range(ny):  # a symmetric joint of (x1, x2) per y: p(x1|y) = p(x2|y)
                m = rng.dirichlet(np.ones(k * k)).reshape(k, k)
                p[:, :, y] = (m + m.T) / 2 * rng.uniform(0.2, 1.0)
            p /= p.sum()
            ours, library = _interactions._certified_pid(p), _library_pid(p)
            for atom in ours:
                assert ours[atom] == pytest.approx(library[atom], abs=1e-5), (k, ny, atom)


def test_certified_pid_refuses_a_table_without_certificate():
    from mmlab.quantify import random_table

    with pytest.raises(ValueError, match="no closed-form optimal coupling"):
        _interactions._certified_pid(random_table((2, 2, 2), random_state=0))


def test_the_dominant_atom_cases_have_a_clear_winner():
    for name, table in _interactions._dominant_cases():
        atoms = sorted(_interactions._certified_pid(table).values())
        assert atoms[-1] - atoms[-2] > 0.05, name


def test_canonical_tables_of_the_checks_match_the_library():
    from mmlab.quantify import and_, copy, redundant, symmetric_channel, xor

    assert np.allclose(_interactions._xor(), xor()) and np.allclose(_interactions._and(), and_())
    assert np.allclose(_interactions._copy(1), copy()) and np.allclose(_interactions._copy(2), copy(source=2))
    assert np.allclose(_interactions._redundant(), redundant())
    for noise, k in [(0.1, 2), (0.0, 4), (0.1, 3)]:
        assert np.allclose(_interactions._symmetric_channel(noise, k), symmetric_channel(noise, k=k))


def test_emap_reference_matches_the_library():
    from mmlab.quantify import emap

    for _, f, xa, xb in _interactions._emap_cases():
        assert np.allclose(_interactions._emap_reference(f, xa, xb), emap(f, xa, xb).numpy(), atol=1e-10)


def test_profile_distance_and_choice_match_the_library():
    from mmlab.quantify import interaction_distance, rank_by_interactions

    atoms = ("redundancy", "unique1", "unique2", "synergy")
    for _, data, models, _ in _interactions._pick_cases():
        for profile in models.values():
            assert _interactions._profile_distance(data, profile) == pytest.approx(
                interaction_distance([data[a] for a in atoms], [profile[a] for a in atoms], normalize=True)
            )
        ours = min(models, key=lambda n: _interactions._profile_distance(data, models[n]))
        ranking = rank_by_interactions([data[a] for a in atoms], {n: [m[a] for a in atoms] for n, m in models.items()})
        assert ours == ranking[0][0]


# --------------------------------------------------------------------------- fusion lab
@pytest.mark.parametrize("dims", [(16, 3), (5, 4, 3), (1, 1), (2, 3, 2, 2)])
def test_feature_reference_matches_tensor_fusion(dims):
    from mmlab.fusion import TensorFusion

    gen = torch.Generator().manual_seed(len(dims))
    xs = [torch.randn(7, d, generator=gen) for d in dims]
    assert torch.allclose(_fusion._features_reference(xs), TensorFusion(list(dims), 2).fused_tensor(xs), atol=1e-6)


@pytest.mark.parametrize("dims, out", [([16, 3], 5), ([32, 32, 32], 1), ([7, 2, 5], 3), ([1, 1], 1), ([4, 9, 2], 6)])
def test_count_reference_matches_the_library(dims, out):
    from mmlab.fusion import TensorFusion, n_params, tensor_fusion_n_params

    assert (
        _fusion._tensor_count_reference(dims, out)
        == n_params(TensorFusion(dims, out))
        == tensor_fusion_n_params(dims, out)
    )


@pytest.mark.parametrize("dims, out, rank", [((6, 4), 5, 3), ((5, 4, 3), 4, 2), ((2, 2), 1, 1)])
def test_low_rank_reference_matches_low_rank_fusion(dims, out, rank):
    from mmlab.fusion import LowRankFusion

    (factors, lam, bias), xs = _fusion._lmf_case(seed=5, dims=dims, out=out, rank=rank, batch=9)
    layer = LowRankFusion(list(dims), out, rank=rank)
    with torch.no_grad():
        for mine, given in zip(layer.factors, factors, strict=True):
            mine.copy_(given)
        layer.rank_weights.copy_(lam)
        layer.bias.copy_(bias)
        assert torch.allclose(_fusion._low_rank_reference(xs, factors, lam, bias), layer(xs), atol=1e-5)


# --------------------------------------------------------------------------- regression lab
@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("model", ["additive", "interaction"])
def test_ols_reference_matches_statsmodels(which, model):
    data = _regression._datasets()[which]
    assert np.allclose(_regression._ols_reference(data, model), _regression._reference(which, model).params, atol=1e-9)


def test_slope_and_f_references_match_mmlab_regression():
    from mmlab.regression import compare_nested, simple_slopes

    for which in (0, 1):
        fit = _regression._reference(which, "interaction")
        table = simple_slopes(fit, "smiling", "critic", (0, 1))
        for level in (0, 1):
            assert np.allclose(
                _regression._slope_reference(fit, level),
                table.loc[level, ["slope", "ci_low", "ci_high"]].to_numpy(float),
                atol=1e-9,
            )
        test = compare_nested(_regression._reference(which, "additive"), fit)
        f_value, p_value = _regression._nested(_regression._reference(which, "additive"), fit)
        assert f_value == pytest.approx(test.f_value, rel=1e-9) and p_value == pytest.approx(test.p_value, rel=1e-6)
