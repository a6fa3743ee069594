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
  dominance, complementarity and conflict);
- modality bias (``_bias.py``): :func:`probe_training`, :func:`modality_utilisation`,
  :func:`biased_vqa_study` (the unimodal shortcut, greedy learning);
- fairness (``_fairness.py``): :func:`group_rates`, :func:`group_gap`,
  :func:`reweighing_weights`, :func:`fairness_study`;
- noise robustness (``_robustness.py``): :func:`add_noise`, :func:`robustness_curve`,
  :func:`relative_robustness`, :func:`effective_robustness`, :func:`robustness_study`
  (MultiBench), :class:`NoiseAugmented`, :class:`ModalitySubset`;
- single-source adversaries (``_adversary.py``): :func:`single_source_attack`,
  :class:`OddOneOutNetwork`, :class:`RobustFusion`, :class:`MeanFusion`,
  :func:`train_odd_one_out`, :func:`single_source_study` (Yang et al. 2021);
- heterogeneity by transfer (``_heterogeneity.py``): :func:`transfer_heterogeneity`,
  :class:`HeterogeneityMatrix` (HighMMT; also what lecture 5.4 reads to decide parameter sharing);
- structure (``_invariance.py``): :func:`invariance_error`, :func:`equivariance_error`,
  :func:`equivariance_map`, group actions, :class:`DeepSets`;
- the learning process (``_learning.py``): :func:`overfitting_to_generalization_ratio`,
  :func:`gradient_blend_weights`, :class:`MultiHeadClassifier`, :func:`train_heads`,
  :func:`refit_fused_head`, :func:`blending_study` (Wang et al. 2020).

Used by: ``lectures/6_quantification`` and ``labs/6_quantification``.
"""

from mmlab.quantify import pid
from mmlab.quantify._adversary import (
    MeanFusion,
    OddOneOutNetwork,
    RobustFusion,
    SingleSourceStudy,
    single_source_attack,
    single_source_study,
    train_odd_one_out,
)
from mmlab.quantify._bias import BiasStudy, ProbeCurves, biased_vqa_study, modality_utilisation, probe_training
from mmlab.quantify._contributions import (
    INTERACTION_KINDS,
    ContributionGeometry,
    InteractionKinds,
    classify_interactions,
    contribution_geometry,
    modality_contributions,
)
from mmlab.quantify._emap import EMAPComparison, emap, emap_accuracy
from mmlab.quantify._fairness import (
    GROUP_RATES,
    FairnessStudy,
    GroupRates,
    fairness_study,
    group_gap,
    group_rates,
    reweighing_weights,
)
from mmlab.quantify._gradients import interaction_strength, mixed_gradients
from mmlab.quantify._heterogeneity import HeterogeneityMatrix, transfer_heterogeneity
from mmlab.quantify._invariance import (
    DeepSets,
    cyclic_shift,
    equivariance_error,
    equivariance_map,
    invariance_error,
    permute_elements,
)
from mmlab.quantify._learning import (
    BlendEstimate,
    BlendingStudy,
    LearningCurves,
    MultiHeadClassifier,
    blending_study,
    estimate_blend_weights,
    gradient_blend_weights,
    overfitting_to_generalization_ratio,
    refit_fused_head,
    train_heads,
)
from mmlab.quantify._robustness import (
    NOISE_KINDS,
    ModalitySubset,
    NoiseAugmented,
    RobustnessStudy,
    add_noise,
    effective_robustness,
    relative_robustness,
    robustness_curve,
    robustness_study,
)
from mmlab.quantify.pid import (
    ATOM_SYMBOLS,
    ATOMS,
    CANONICAL,
    ESTIMATORS,
    CouplingGrid,
    PIDResult,
    and_,
    batch_pid,
    canonical,
    cluster_pid,
    conditional_mutual_information,
    copy,
    coupling_bounds,
    coupling_from_corner,
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
    # quantification II (lectures 6.4-6.8): bias, fairness, robustness, adversaries, invariance, learning
    "BiasStudy",
    "BlendEstimate",
    "BlendingStudy",
    "DeepSets",
    "FairnessStudy",
    "GROUP_RATES",
    "GroupRates",
    "HeterogeneityMatrix",
    "LearningCurves",
    "ModalitySubset",
    "MeanFusion",
    "MultiHeadClassifier",
    "NOISE_KINDS",
    "NoiseAugmented",
    "OddOneOutNetwork",
    "ProbeCurves",
    "RobustFusion",
    "RobustnessStudy",
    "SingleSourceStudy",
    "add_noise",
    "biased_vqa_study",
    "blending_study",
    "cyclic_shift",
    "effective_robustness",
    "equivariance_error",
    "equivariance_map",
    "estimate_blend_weights",
    "fairness_study",
    "gradient_blend_weights",
    "group_gap",
    "group_rates",
    "invariance_error",
    "modality_utilisation",
    "overfitting_to_generalization_ratio",
    "permute_elements",
    "probe_training",
    "refit_fused_head",
    "relative_robustness",
    "reweighing_weights",
    "robustness_curve",
    "robustness_study",
    "single_source_attack",
    "single_source_study",
    "train_heads",
    "train_odd_one_out",
    "transfer_heterogeneity",
]
