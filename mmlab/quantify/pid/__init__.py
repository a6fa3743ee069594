"""Partial information decomposition (PID): the exact solver, its reference, and estimators for real data.

Given a joint table ``p[x1, x2, y]``, the PID splits the information two
sources carry about a target, :math:`I(X_1, X_2; Y)`, into redundancy
:math:`R`, uniqueness :math:`U_1, U_2` and synergy :math:`S` (Bertschinger et
al. 2014). This subpackage holds, in the order of the lectures:

- information measures (``_information.py``): :func:`entropy`,
  :func:`mutual_information`, :func:`conditional_mutual_information`;
- tables (``_tables.py``): the canonical distributions (:func:`xor`,
  :func:`and_`, :func:`copy`, :func:`redundant`, ...), :func:`mixture`,
  :func:`random_table`, :func:`from_samples`;
- the exact solver (``_exact.py``): :func:`exact_pid`, a convex program over
  the couplings :math:`\\Delta_p`; the 2x2x2 coupling polytope searched by brute
  force (``_couplings.py``); ``dit``'s BROJA PID as the independent reference
  (``_dit.py``, :func:`dit_pid`);
- estimators for high-dimensional data (``_cluster.py``, ``_batch.py``):
  :func:`cluster_pid` (k-means, then the exact solver) and :func:`batch_pid`
  (Liang et al. 2023), with :func:`sinkhorn_project` (``_sinkhorn.py``: the
  PID's marginal constraints solved by :func:`mmlab.align.sinkhorn`, one
  transport problem per class);
- model selection (``_selection.py``): :func:`dataset_pid`, :func:`model_pid`,
  :func:`interaction_distance`, :func:`rank_by_interactions`.

Every PID computation returns one type, :class:`PIDResult`; :data:`ATOMS`
names its atoms.

Used by: ``lectures/6_quantification/01`` and ``02``, and
``labs/6_quantification/01_interactions.ipynb``.

References
----------
Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. and Ay, N. Quantifying
unique information. Entropy 16(4), 2014.
Liang, P. P. et al. Quantifying & modeling multimodal interactions: an
information decomposition framework. NeurIPS 2023.
"""

from mmlab.quantify.pid._batch import batch_pid
from mmlab.quantify.pid._cluster import cluster_pid, discretize
from mmlab.quantify.pid._couplings import (
    CouplingGrid,
    coupling_bounds,
    coupling_from_corner,
    grid_search,
    joint_information,
)
from mmlab.quantify.pid._dit import dit_pid
from mmlab.quantify.pid._exact import exact_pid
from mmlab.quantify.pid._information import conditional_mutual_information, entropy, mutual_information
from mmlab.quantify.pid._result import ATOM_SYMBOLS, ATOMS, PIDResult
from mmlab.quantify.pid._selection import (
    ESTIMATORS,
    dataset_pid,
    interaction_distance,
    model_pid,
    rank_by_interactions,
)
from mmlab.quantify.pid._sinkhorn import sinkhorn_project
from mmlab.quantify.pid._tables import (
    CANONICAL,
    and_,
    canonical,
    copy,
    from_samples,
    mixture,
    pair_copy,
    random_table,
    rdn_xor,
    redundant,
    symmetric_channel,
    xor,
)

__all__ = [
    "ATOMS",
    "ATOM_SYMBOLS",
    "CANONICAL",
    "ESTIMATORS",
    "CouplingGrid",
    "PIDResult",
    "and_",
    "batch_pid",
    "canonical",
    "cluster_pid",
    "conditional_mutual_information",
    "copy",
    "coupling_bounds",
    "coupling_from_corner",
    "dataset_pid",
    "discretize",
    "dit_pid",
    "entropy",
    "exact_pid",
    "from_samples",
    "grid_search",
    "interaction_distance",
    "joint_information",
    "mixture",
    "model_pid",
    "mutual_information",
    "pair_copy",
    "random_table",
    "rank_by_interactions",
    "rdn_xor",
    "redundant",
    "sinkhorn_project",
    "symmetric_channel",
    "xor",
]
