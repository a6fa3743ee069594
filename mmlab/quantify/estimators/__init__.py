"""Estimating the PID of high-dimensional, continuous data, and using it to choose a model.

The exact solver (:func:`mmlab.quantify.pid.pid`) needs a small discrete joint
table. Real modalities are continuous and high-dimensional, so this subpackage
holds two estimators that reduce them to something the PID can be computed on,
and the model-selection recipe built on them:

- :func:`cluster_pid`: discretise each modality (and a continuous label) with
  k-means, then solve the exact problem on the empirical table;
- :func:`batch_pid`: the batch estimator of Liang et al. (2023), a network that
  proposes a coupling on each mini-batch, projected by Sinkhorn's algorithm
  (:func:`sinkhorn_project`) onto the marginal constraints;
- :func:`dataset_pid`, :func:`model_pid`, :func:`interaction_distance`,
  :func:`rank_by_interactions`: the PID of a data set, the PID of a model's
  predictions, and the model whose profile is closest to the data's.

Every estimator returns a :class:`PIDEstimate`.

Used by: ``lectures/6_quantification/02_pid_estimators_model_selection.ipynb``
and the quantification lab.

References
----------
Liang, P. P. et al. Quantifying & modeling multimodal interactions: an
information decomposition framework. NeurIPS 2023.
Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. and Ay, N. Quantifying unique
information. Entropy 16(4), 2014.
"""

from mmlab.quantify.estimators._batch import batch_pid
from mmlab.quantify.estimators._cluster import cluster_pid, discretize
from mmlab.quantify.estimators._estimate import ATOMS, PIDEstimate
from mmlab.quantify.estimators._selection import (
    ESTIMATORS,
    dataset_pid,
    interaction_distance,
    model_pid,
    rank_by_interactions,
)
from mmlab.quantify.estimators._sinkhorn import sinkhorn_project

__all__ = [
    "ATOMS",
    "ESTIMATORS",
    "PIDEstimate",
    "batch_pid",
    "cluster_pid",
    "dataset_pid",
    "discretize",
    "interaction_distance",
    "model_pid",
    "rank_by_interactions",
    "sinkhorn_project",
]
