"""Seeded synthetic multimodal data with a planted, documented interaction.

Every generator here draws discrete latent *factors*, decides the label from
some of them by a rule we choose (the *planted interaction*), and renders each
modality's features from that modality's factors through a fixed random
nonlinear projection plus Gaussian noise. Because the factors are returned with
the data, the ground truth is known exactly: which factor of which modality
decides the label, the exact joint distribution of the label-relevant factors
and the label (so the exact partial information decomposition can be computed),
and the best accuracy any model can reach.

- :func:`make_interaction`: redundancy, uniqueness, synergy, and their per-sample
  mixtures or factor-wise compositions, for 2 or 3 modalities.
- :func:`make_polynomial`: targets built from products of one factor per
  modality, of chosen orders (the multiplicative target for bilinear fusion,
  the order-3 target for polynomial fusion).
- :func:`make_cue_flip`: a primary ("language") modality whose label a secondary
  ("nonverbal") cue flips, for modality-shifting fusion.
- :func:`corrupt_modality`: replace or perturb one modality for a share of the
  samples, for gated fusion;
- quantification II: :func:`make_biased_vqa` (a planted language prior and its
  counter-bias samples), :func:`make_protected_attribute` (a group only one
  modality shows), :func:`make_unequal_modalities` (modalities of unequal
  strength, size and scale, with their Bayes accuracies), :func:`make_sets`
  (order-free sets).
- :func:`make_paired_views`, :func:`make_nonlinear_pairs`,
  :func:`make_shared_private`, :func:`make_local_scenes`,
  :func:`make_marker_sequences`, :func:`make_shifted_signals`: planted shared
  and private latents, nonlinear pairings, local elements, marker sequences
  and shifted signals for coordination, fission, intermediate fusion and
  self-supervision; they return a :class:`PlantedData`.

Used by: the fusion lectures and lab (``lectures/1_representation``,
``labs/1_representation/02_fusion.ipynb``) and the quantification lectures
(``lectures/6_quantification``).

References
----------
Williams, P. L. and Beer, R. D. Nonnegative decomposition of multivariate
information. arXiv:1004.2515, 2010.
Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. and Ay, N. Quantifying unique
information. Entropy 16(4), 2014.
Liang, P. P. et al. Quantifying & modeling multimodal interactions: an
information decomposition framework. NeurIPS 2023.
"""

from mmlab.data._synthetic._biased_vqa import make_biased_vqa
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._coordinated import PlantedData, make_nonlinear_pairs, make_paired_views, make_shared_private
from mmlab.data._synthetic._corrupt import corrupt_modality
from mmlab.data._synthetic._cue_flip import make_cue_flip
from mmlab.data._synthetic._interaction import INTERACTIONS, make_interaction
from mmlab.data._synthetic._local_scenes import make_local_scenes
from mmlab.data._synthetic._polynomial import make_polynomial
from mmlab.data._synthetic._protected import make_protected_attribute
from mmlab.data._synthetic._sequences import make_marker_sequences, make_shifted_signals
from mmlab.data._synthetic._sets import SET_ORDERS, make_sets
from mmlab.data._synthetic._unequal import gaussian_bayes_accuracy, make_unequal_modalities

__all__ = [
    "INTERACTIONS",
    "PlantedTruth",
    "SyntheticMultimodal",
    "corrupt_modality",
    "make_cue_flip",
    "make_interaction",
    "make_polynomial",
    # quantification II (lectures 6.4-6.8)
    "SET_ORDERS",
    "gaussian_bayes_accuracy",
    "make_biased_vqa",
    "make_protected_attribute",
    "make_sets",
    "make_unequal_modalities",
    # coordination, fission, intermediate fusion, self-supervision (_synthetic/: _coordinated, _local_scenes,
    # _sequences)
    "PlantedData",
    "make_local_scenes",
    "make_marker_sequences",
    "make_nonlinear_pairs",
    "make_paired_views",
    "make_shared_private",
    "make_shifted_signals",
]
