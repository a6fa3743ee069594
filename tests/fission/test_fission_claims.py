"""The claims of lecture 1.8, rerun on five seeds with the notebook's quick sizes and margins."""

from __future__ import annotations

import pytest
from lecture_exercises import quick_sizes

import mmlab.fission.experiments as fe

L08 = "lectures/1_representation/08_representation_fission.ipynb"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.mark.slow
def test_lecture_08_probe_claims_hold_across_seeds(seed):
    s = quick_sizes(L08)
    probes = fe.fission_probes(n=s["n"], epochs=s["epochs"], overlaps=(0.0, 1.0), random_state=seed)
    diag, off = probes.diagonal(1.0), probes.off_diagonal(1.0)
    assert min(diag.values()) > 0.9 and max(off.values()) < 0.6, (diag, off)
    assert max(probes.tables[0.0].loc[["private_0", "private_1"], "shared"]) > 0.75, probes.tables[0.0]


def test_lecture_08_clustering_claims_hold_across_seeds(seed):
    s = quick_sizes(L08)
    clu = fe.local_correspondence(n=s["scenes"], random_state=seed)
    assert clu.correspondence > 0.8 and clu.elements > 0.75, (clu.correspondence, clu.elements)
