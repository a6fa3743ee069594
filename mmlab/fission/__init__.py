"""Representation fission (challenge 1, representation): what modalities share, and what each has alone.

- shared and private codes (``_shared_private.py``): :class:`SharedPrivateModel`
  (shared and private encoders, cross-reconstruction, alignment, an overlap
  penalty), :func:`fit_fission`, :func:`kernel_dependence` (RBF CKA), :data:`CODE_NAMES`;
- probes (``_probes.py``): :func:`linear_probe`, :func:`probe_table`;
- fine-grained fission by clustering (``_clustering.py``):
  :func:`cluster_correspondence`, :class:`ClusterCorrespondence`,
  :func:`correspondence_accuracy`, :func:`element_match_accuracy`;
- :mod:`mmlab.fission.experiments`: the seeded experiments behind the
  lecture's claims.

Used by: ``lectures/1_representation/08_representation_fission.ipynb``,
``07_contrastive_learning.ipynb`` (probes), ``labs/1_representation/03_coordination.ipynb``.

References: Bousmalis et al., NeurIPS 2016; Tsai et al., ICLR 2019; Hu et al.,
CVPR 2019; Alain and Bengio, ICLR-W 2017.
"""

from mmlab.fission._clustering import (
    ClusterCorrespondence,
    cluster_correspondence,
    correspondence_accuracy,
    element_match_accuracy,
)
from mmlab.fission._probes import linear_probe, probe_table
from mmlab.fission._shared_private import CODE_NAMES, SharedPrivateModel, fit_fission, kernel_dependence

__all__ = [
    "CODE_NAMES",
    "ClusterCorrespondence",
    "SharedPrivateModel",
    "cluster_correspondence",
    "correspondence_accuracy",
    "element_match_accuracy",
    "fit_fission",
    "kernel_dependence",
    "linear_probe",
    "probe_table",
]
