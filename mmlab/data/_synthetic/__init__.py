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
  samples, for gated fusion.

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

from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._corrupt import corrupt_modality
from mmlab.data._synthetic._cue_flip import make_cue_flip
from mmlab.data._synthetic._interaction import INTERACTIONS, make_interaction
from mmlab.data._synthetic._polynomial import make_polynomial

__all__ = [
    "INTERACTIONS",
    "PlantedTruth",
    "SyntheticMultimodal",
    "corrupt_modality",
    "make_cue_flip",
    "make_interaction",
    "make_polynomial",
]
