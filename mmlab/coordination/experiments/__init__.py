"""Seeded experiments behind the claims of the coordination lectures (1.6 and 1.7).

Each function draws a synthetic data set with planted latents
(:mod:`mmlab.data`), trains small models of :mod:`mmlab.coordination`, and
returns the figures a lecture states as a claim. A notebook calls a function
once with its size table; ``tests/coordination/test_coordination_claims.py``
calls the same function on five seeds with the notebook's quick sizes and
checks the same margins.

- :func:`linear_vs_deep_cca`: canonical correlations of linear and deep CCA
  on a planted nonlinear pairing;
- :func:`contrastive_retrieval`: recall@k of a CLIP-style dual encoder;
- :func:`negatives_sweep`: recall and the InfoNCE bound against the batch size;
- :func:`gated_coordination`: gates against planted broken pairs;
- :func:`ssl_probes`: linear probes on SimCLR, BYOL, random and supervised features.

Models are initialised inside :func:`torch.random.fork_rng`, so a seed gives
the same model without touching the caller's global random state.
"""

from mmlab.coordination.experiments._coordination import (
    CCAComparison,
    GateResult,
    RetrievalResult,
    contrastive_retrieval,
    gated_coordination,
    linear_vs_deep_cca,
    negatives_sweep,
)
from mmlab.coordination.experiments._ssl import SSLProbes, ssl_probes

__all__ = [
    "CCAComparison",
    "GateResult",
    "RetrievalResult",
    "SSLProbes",
    "contrastive_retrieval",
    "gated_coordination",
    "linear_vs_deep_cca",
    "negatives_sweep",
    "ssl_probes",
]
