"""Coordinated representations (challenge 1, representation): one space per modality, coordinated by a loss.

Fusion builds one joint vector from all modalities; coordination keeps one
representation per modality and trains them so that paired samples agree.
In the order of the lectures:

- similarity and retrieval (``_retrieval.py``): :func:`cosine_similarity`,
  :func:`retrieval_ranks`, :func:`recall_at_k`, :func:`mean_reciprocal_rank`;
- canonical correlation analysis (``_cca.py``), implemented here in closed
  form: :class:`CCA`, :func:`canonical_correlations`;
- deep CCA (``_deep_cca.py``): :func:`cca_objective`, :class:`DeepCCA`,
  :func:`fit_deep_cca`;
- contrastive coordination (``_contrastive.py``): :func:`info_nce`,
  :func:`info_nce_bound`, :class:`DualEncoder`, :func:`fit_contrastive`;
- gated coordination (``_gated.py``): :class:`GatedCoordination`;
- self-supervised contrastive learning (``_ssl.py``): :func:`augment_signals`,
  :func:`nt_xent`, :class:`SimCLR`, :class:`BYOL`, :func:`fit_simclr`,
  :func:`fit_byol`, :func:`signal_encoder`;
- the training loop of label-free objectives (``_training.py``):
  :func:`train_objective`;
- :mod:`mmlab.coordination.experiments`: the seeded experiments behind the
  lectures' claims.

Used by: ``lectures/1_representation/06_coordinated_representations.ipynb``,
``07_contrastive_learning.ipynb``, ``labs/1_representation/03_coordination.ipynb``.

References: Hotelling, Biometrika 1936; Andrew et al., ICML 2013; van den
Oord et al., arXiv 2018; Radford et al., ICML 2021; Chen et al., ICML 2020;
Grill et al., NeurIPS 2020.
"""

from mmlab.coordination._cca import CCA, canonical_correlations
from mmlab.coordination._contrastive import DualEncoder, fit_contrastive, info_nce, info_nce_bound
from mmlab.coordination._deep_cca import DeepCCA, cca_objective, fit_deep_cca
from mmlab.coordination._gated import GatedCoordination
from mmlab.coordination._retrieval import cosine_similarity, mean_reciprocal_rank, recall_at_k, retrieval_ranks
from mmlab.coordination._ssl import BYOL, SimCLR, augment_signals, fit_byol, fit_simclr, nt_xent, signal_encoder
from mmlab.coordination._training import train_objective

__all__ = [
    "BYOL",
    "CCA",
    "DeepCCA",
    "DualEncoder",
    "GatedCoordination",
    "SimCLR",
    "augment_signals",
    "canonical_correlations",
    "cca_objective",
    "cosine_similarity",
    "fit_byol",
    "fit_contrastive",
    "fit_deep_cca",
    "fit_simclr",
    "info_nce",
    "info_nce_bound",
    "mean_reciprocal_rank",
    "nt_xent",
    "recall_at_k",
    "retrieval_ranks",
    "signal_encoder",
    "train_objective",
]
