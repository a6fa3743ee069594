"""Quantification (challenge 6): measuring what multimodal data and models hold.

Modules:

- :mod:`mmlab.quantify.pid`: entropy, mutual information, and the exact partial
  information decomposition (redundancy, uniqueness, synergy) of a discrete
  joint table (Bertschinger et al. 2014).
- :mod:`mmlab.quantify.binary_couplings`: the polytope of couplings of a
  2×2×2 table, parametrised and searched by brute force.
- :mod:`mmlab.quantify.dit_reference`: the ``dit`` package's BROJA PID, the
  independent reference the tests compare ``pid`` with (needs the test extra).
- :mod:`mmlab.quantify.distributions`: the canonical tables (XOR, AND, copy,
  redundant) and empirical tables from samples.
- :mod:`mmlab.quantify.estimators`: PID of high-dimensional data (k-means
  discretisation; the batch estimator of Liang et al. 2023) and model selection
  by interaction profiles.
- :mod:`mmlab.quantify.emap`: EMAP projection (Hessel & Lee 2020).
- :mod:`mmlab.quantify.gradients`: second-order cross-modal gradients.
- :mod:`mmlab.quantify.contributions`: M2Lens-style modality contributions.

The information-theoretic core (``pid``, ``entropy``, ...) is imported here; the
torch- and scikit-learn-based modules load when first used.
"""

from mmlab.quantify.pid import (
    ConvergenceWarning,
    PIDResult,
    conditional_mutual_information,
    entropy,
    mutual_information,
    pid,
)

__all__ = [
    "ConvergenceWarning",
    "PIDResult",
    "conditional_mutual_information",
    "entropy",
    "mutual_information",
    "pid",
]
