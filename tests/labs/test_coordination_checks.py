"""The coordination lab's checks (``mmlab/labs/_coordination.py``) and the lab's own claims.

The contract every check keeps (each correct solution in ``mutants/coordination_*.py``
passes, each mutant fails with its intended message, crashes and garbage become feedback,
no state is left behind) is tested for all labs at once by ``test_lab_checks.py``. Here:

- the private references agree with the public functions they stand in for;
- feedback never prints an expected value;
- the lab's "putting it together" claims hold over five seeds with the lab's quick sizes.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch
from lecture_exercises import quick_sizes

from mmlab.labs import (
    CheckFailed,
    check_bottleneck_layer,
    check_canonical_correlations,
    check_info_nce,
    check_probe_accuracy,
)
from mmlab.labs import _coordination as refs

LAB = "labs/1_representation/03_coordination.ipynb"
MUTANT_DIR = Path(__file__).parent / "mutants"

#: mutants file -> (check, names of the correct solutions in it)
EXERCISES = {
    "coordination_canonical_correlations": (check_canonical_correlations, ["reference", "reference_cholesky"]),
    "coordination_info_nce": (check_info_nce, ["reference", "reference_log_softmax"]),
    "coordination_bottleneck_layer": (check_bottleneck_layer, ["reference", "reference_loops"]),
    "coordination_probe_accuracy": (check_probe_accuracy, ["reference", "reference_centred_targets"]),
}


@cache
def mutants(name: str):
    spec = importlib.util.spec_from_file_location(f"_mutants_{name}", MUTANT_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- feedback gives nothing away
def _messages():
    for name, (check, _) in EXERCISES.items():
        for fn, _ in mutants(name).MUTANTS.values():
            try:
                check(fn)
            except CheckFailed as err:
                yield name, str(err)


def test_feedback_never_prints_a_reference_value():
    x, y = refs._cca_case(101)
    rho = refs._cca_reference(x, y, 3)
    za, zb = refs._nce_case(202)
    loss = float(refs._info_nce_reference(za, zb, 0.1))
    secrets = [f"{v:.4f}" for v in rho] + [f"{loss:.4f}", f"{loss:.3f}"]
    for kind, seed in (("scales", 404), ("shift", 405), ("labels", 406)):
        secrets.append(f"{refs._probe_reference(*refs._probe_case(kind, seed)):.4f}")
    for name, message in _messages():
        for secret in secrets:
            assert secret not in message, (name, secret, message)


# --------------------------------------------------------------------------- references agree with the library
@pytest.mark.parametrize("seed", [101, 7, 8])
def test_cca_reference_matches_the_library(seed):
    from mmlab.coordination import CCA, canonical_correlations

    x, y = refs._cca_case(seed)
    assert np.allclose(refs._cca_reference(x, y, 3), CCA(3).fit(x, y).correlations_, atol=1e-10)
    assert np.allclose(refs._cca_reference(x, y, 4), canonical_correlations(x, y), atol=1e-10)


@pytest.mark.parametrize("tau", [0.05, 0.1, 1.0])
def test_info_nce_reference_matches_the_library(tau):
    from mmlab.coordination import info_nce

    za, zb = refs._nce_case(202)
    assert torch.allclose(refs._info_nce_reference(za, zb, tau), info_nce(za, zb, temperature=tau), atol=1e-6)
    one_way = info_nce(za, zb, temperature=tau, symmetric=False)
    assert torch.allclose(refs._info_nce_reference(za, zb, tau, symmetric=False), one_way, atol=1e-6)


def test_bottleneck_reference_matches_a_per_sample_loop():
    """Independent arithmetic: every sample and every query written out with NumPy."""
    xa, xb, z = refs._bottleneck_case(303)
    got = refs._bottleneck_reference(xa, xb, z)

    def attend(t):  # t: (L, d)
        out = t.copy()
        for i in range(len(t)):
            s = t @ t[i] / np.sqrt(t.shape[1])
            w = np.exp(s - s.max())
            out[i] = t[i] + (w / w.sum()) @ t
        return out

    for b in range(xa.shape[0]):
        a = attend(np.vstack([xa[b].numpy(), z[b].numpy()]).astype(float))
        bb = attend(np.vstack([xb[b].numpy(), z[b].numpy()]).astype(float))
        la, lb = xa.shape[1], xb.shape[1]
        assert np.allclose(got[0][b].numpy(), a[:la], atol=1e-5)
        assert np.allclose(got[1][b].numpy(), bb[:lb], atol=1e-5)
        assert np.allclose(got[2][b].numpy(), (a[la:] + bb[lb:]) / 2, atol=1e-5)


def test_bottleneck_reference_has_the_property_of_bottleneck_fusion():
    """In one layer, A's new tokens ignore B's tokens and the bottleneck depends on both: in the reference and in
    the library's learned layer alike."""
    from mmlab.fusion import BottleneckFusion

    xa, xb, z = refs._bottleneck_case(5)
    other = xb + torch.randn(xb.shape, generator=torch.Generator().manual_seed(1))  # (a constant shift is normed away)
    moved, base = refs._bottleneck_reference(xa, other, z), refs._bottleneck_reference(xa, xb, z)
    assert torch.allclose(moved[0], base[0]) and not torch.allclose(moved[2], base[2])
    layer = BottleneckFusion(4, n_bottleneck=2, n_heads=1)
    out_a = layer([xa, xb])[0]
    z_base = layer.last_bottleneck
    assert torch.allclose(layer([xa, other])[0], out_a) and not torch.allclose(layer.last_bottleneck, z_base)


@pytest.mark.parametrize("kind, seed", [("scales", 404), ("shift", 405), ("labels", 406), ("scales", 1)])
def test_probe_reference_matches_the_library(kind, seed):
    from mmlab.fission import linear_probe

    ztr, ytr, zte, yte, alpha = refs._probe_case(kind, seed)
    assert refs._probe_reference(ztr, ytr, zte, yte, alpha) == linear_probe(
        ztr, ytr, zte, yte, method="ridge", alpha=alpha
    )


def test_probe_cases_separate_the_mistakes_they_are_built_for():
    """Each case's accuracy changes under the mistake it targets (else the check could not name it)."""
    for kind, seed, option, value in (
        ("scales", 404, "standardize", False),
        ("shift", 405, "test_stats", True),
        ("labels", 406, "penalize_bias", True),
    ):
        case = refs._probe_case(kind, seed)
        assert abs(refs._probe_reference(*case) - refs._probe_reference(*case, **{option: value})) > 0.003, kind


# --------------------------------------------------------------------------- the lab's claims over seeds
@pytest.mark.slow
def test_lab_claims_hold_across_seeds(seed):
    from mmlab.coordination import DualEncoder, cosine_similarity, recall_at_k, train_objective
    from mmlab.data import make_nonlinear_pairs, make_paired_views, make_shared_private
    from mmlab.fission import SharedPrivateModel, fit_fission

    s = quick_sizes(LAB)
    cca = mutants("coordination_canonical_correlations").reference
    nce = mutants("coordination_info_nce").reference
    probe = mutants("coordination_probe_accuracy").reference
    torch.manual_seed(seed)
    assert cca(*make_nonlinear_pairs(4000, random_state=seed).modalities, 2).max() < 0.15
    views = make_paired_views(s["n"] + 256, random_state=seed)
    xs = [torch.as_tensor(x) for x in views.modalities]
    encoder = DualEncoder([16, 16])
    train_objective(
        encoder, lambda b: nce(*encoder(b), 0.1), [x[: s["n"]] for x in xs], epochs=s["epochs"], random_state=seed
    )
    assert recall_at_k(cosine_similarity(*encoder.embed([x[s["n"] :] for x in xs])), 1) > 20 / 256
    data = make_shared_private(s["n"], random_state=seed)
    fit_part, probe_part = data.split((0.6, 0.4), random_state=seed)
    model = SharedPrivateModel([16, 16])
    fit_fission(model, [torch.as_tensor(x) for x in fit_part.modalities], epochs=s["fission_epochs"], random_state=seed)
    codes = [model.codes([torch.as_tensor(x) for x in part.modalities]) for part in (fit_part, probe_part)]

    def read(c, f):
        return probe(codes[0][c], fit_part.latents[f], codes[1][c], probe_part.latents[f], 1e-3)

    assert min(read("shared_0", "shared"), read("private_0", "private_0")) > 0.9
    assert read("private_0", "shared") < 0.6
