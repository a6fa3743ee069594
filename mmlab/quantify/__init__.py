"""Quantification (challenge 6): measuring what multimodal data and models hold.

- :mod:`mmlab.quantify.pid`: entropy, mutual information, the exact partial
  information decomposition, its estimators for high-dimensional data, and
  model selection by interaction profiles (every name is re-exported here);
- EMAP (``_emap.py``): :func:`emap`, :func:`emap_accuracy`, the additive
  projection of a model (Hessel & Lee 2020);
- second-order gradients (``_gradients.py``): :func:`mixed_gradients`,
  :func:`interaction_strength`;
- modality contributions (``_contributions.py``): :func:`modality_contributions`,
  :func:`contribution_geometry`, :func:`classify_interactions` (M2Lens-style
  dominance, complementarity and conflict).

Used by: ``lectures/6_quantification`` and ``labs/6_quantification``.
"""

from mmlab.quantify import pid
from mmlab.quantify._contributions import (
    INTERACTION_KINDS,
    ContributionGeometry,
    InteractionKinds,
    classify_interactions,
    contribution_geometry,
    modality_contributions,
)
from mmlab.quantify._emap import EMAPComparison, emap, emap_accuracy
from mmlab.quantify._gradients import interaction_strength, mixed_gradients
from mmlab.quantify.pid import (
    ATOMS,
    ATOM_SYMBOLS,
    CANONICAL,
    ESTIMATORS,
    and_,
    batch_pid,
    canonical,
    cluster_pid,
    conditional_mutual_information,
    copy,
    coupling_bounds,
    coupling_from_corner,
    CouplingGrid,
    dataset_pid,
    discretize,
    dit_pid,
    entropy,
    exact_pid,
    from_samples,
    grid_search,
    interaction_distance,
    joint_information,
    mixture,
    model_pid,
    mutual_information,
    pair_copy,
    PIDResult,
    random_table,
    rank_by_interactions,
    rdn_xor,
    redundant,
    sinkhorn_project,
    symmetric_channel,
    xor,
)

__all__ = [
    "ATOMS",
    "ATOM_SYMBOLS",
    "CANONICAL",
    "ContributionGeometry",
    "CouplingGrid",
    "EMAPComparison",
    "ESTIMATORS",
    "INTERACTION_KINDS",
    "InteractionKinds",
    "PIDResult",
    "and_",
    "batch_pid",
    "canonical",
    "classify_interactions",
    "cluster_pid",
    "conditional_mutual_information",
    "contribution_geometry",
    "copy",
    "coupling_bounds",
    "coupling_from_corner",
    "dataset_pid",
    "discretize",
    "dit_pid",
    "emap",
    "emap_accuracy",
    "entropy",
    "exact_pid",
    "from_samples",
    "grid_search",
    "interaction_distance",
    "interaction_strength",
    "joint_information",
    "mixed_gradients",
    "mixture",
    "modality_contributions",
    "model_pid",
    "mutual_information",
    "pair_copy",
    "pid",
    "random_table",
    "rank_by_interactions",
    "rdn_xor",
    "redundant",
    "sinkhorn_project",
    "symmetric_channel",
    "xor",
]
