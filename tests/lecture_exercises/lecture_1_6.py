"""Reference answers: lectures/1_representation/06_coordinated_representations.ipynb, Exercises."""

from __future__ import annotations

import math

import numpy as np

import mmlab.coordination.experiments as cx
from mmlab.coordination import CCA
from mmlab.data import make_paired_views

NOTEBOOK = "lectures/1_representation/06_coordinated_representations.ipynb"


def exercise_1(sizes: dict) -> None:
    """With 20 pairs and 16 + 16 features, unregularised CCA fits noise perfectly: every training correlation is 1.
    The ridge shrinks them, the more the larger it is: it trades spurious training correlation for stability."""
    d = make_paired_views(20, random_state=0)
    rho = {reg: CCA(4, reg=reg).fit(*d.modalities).correlations_ for reg in (0.0, 0.1, 1.0, 10.0)}
    assert np.allclose(rho[0.0], 1.0, atol=1e-6), rho[0.0]
    firsts = [rho[r][0] for r in (0.0, 0.1, 1.0, 10.0)]
    assert all(a > b for a, b in zip(firsts, firsts[1:], strict=False)) and firsts[-1] < 0.5, firsts


def exercise_2(sizes: dict) -> None:
    """With noise 0.5 the quadratic map of A that deep CCA must learn amplifies the noise: its held-out correlations
    fall far below the 0.85 of the lecture, yet stay above linear CCA's, which remain near 0."""
    res = cx.linear_vs_deep_cca(n=sizes["n_cca"], epochs=sizes["dcca_epochs"], noise=0.5)
    assert res.deep_test.max() < 0.6 and res.deep_test.min() > np.abs(res.linear_test).max(), res


def exercise_3(sizes: dict) -> None:
    """Without broken pairs every pair is relevant: the gates settle high for all samples, and an AUC, which compares
    intact with broken pairs, is undefined (there are no broken pairs)."""
    gate = cx.gated_coordination(n=sizes["n_gate"], epochs=sizes["gate_epochs"], mismatch=0.0)
    assert math.isnan(gate.auc["both"]) and gate.gates["both"].mean() > 0.5, gate.gates["both"].mean()
