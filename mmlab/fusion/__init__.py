"""Fusion operators: how a multimodal model combines its modalities (challenge 1, representation).

Every operator is a ``torch.nn.Module`` called with a list of modality tensors,
one ``(batch, d_i)`` tensor each, and returning ``(batch, out_dim)``; each
validates the number of modalities, their sizes and the batch size first. In the
order of the lecture:

- additive (late) and concatenation (early) fusion: :class:`AdditiveFusion`,
  :class:`ConcatFusion`;
- multiplicative interactions: :class:`MultiplicativeFusion`,
  :class:`BilinearFusion`;
- tensor fusion and its factorisations: :class:`TensorFusion`,
  :class:`LowRankFusion`, :class:`PolynomialFusion` (with closed-form parameter
  counts);
- input-dependent fusion: :class:`GatedFusion`, :class:`ModalityShiftFusion`,
  :class:`MixtureOfFusions`;
- nonlinear fusion: :class:`MLPFusion`;
- a whole model: :class:`MultimodalClassifier` (encoders + fusion + head);
- the registry: :data:`FUSIONS`, :func:`make_fusion`, :func:`register_fusion`;
- :mod:`mmlab.fusion.experiments`: the seeded experiments behind the fusion
  lectures' claims (also used by the quantification lectures).

One file per operator family: ``_additive.py`` (additive, concat),
``_nonlinear.py`` (MLP), ``_multiplicative.py``, ``_tensor.py``,
``_low_rank.py``, ``_polynomial.py``, ``_gated.py``, ``_shift.py``,
``_mixture.py``; ``_base.py`` holds the :class:`Fusion` base class and
``_registry.py`` the names.

Used by: ``lectures/1_representation`` (fusion notebooks),
``labs/1_representation/02_fusion.ipynb``, ``lectures/6_quantification``.

References: Zadeh et al., EMNLP 2017; Liu et al., ACL 2018; Hou et al.,
NeurIPS 2019; Jayakumar et al., ICLR 2020; Arevalo et al., ICLR-W 2017;
Rahman et al., ACL 2020.
"""

from mmlab.fusion._additive import AdditiveFusion, ConcatFusion
from mmlab.fusion._base import Fusion, n_params
from mmlab.fusion._classifier import MultimodalClassifier
from mmlab.fusion._gated import GatedFusion
from mmlab.fusion._low_rank import LowRankFusion, low_rank_fusion_n_params
from mmlab.fusion._mixture import MixtureOfFusions
from mmlab.fusion._multiplicative import BilinearFusion, MultiplicativeFusion, bilinear_fusion_n_params
from mmlab.fusion._nonlinear import MLPFusion
from mmlab.fusion._polynomial import PolynomialFusion, polynomial_fusion_n_params
from mmlab.fusion._registry import FUSIONS, make_fusion, register_fusion
from mmlab.fusion._shift import ModalityShiftFusion
from mmlab.fusion._tensor import TensorFusion, tensor_fusion_n_params

__all__ = [
    "FUSIONS",
    "AdditiveFusion",
    "BilinearFusion",
    "ConcatFusion",
    "Fusion",
    "GatedFusion",
    "LowRankFusion",
    "MLPFusion",
    "MixtureOfFusions",
    "ModalityShiftFusion",
    "MultimodalClassifier",
    "MultiplicativeFusion",
    "PolynomialFusion",
    "TensorFusion",
    "bilinear_fusion_n_params",
    "low_rank_fusion_n_params",
    "make_fusion",
    "n_params",
    "polynomial_fusion_n_params",
    "register_fusion",
    "tensor_fusion_n_params",
]
