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
- intermediate fusion of token sequences and feature maps (``_intermediate.py``):
  :class:`MMTM`, :class:`ChannelExchange`, :class:`JointAttentionFusion`,
  :class:`BottleneckFusion`, :class:`PerceiverFusion`, the attention fuse cell
  :class:`AttentionFusion` (registered as ``"self_attention"``),
  :class:`SequenceFusionClassifier`; their cost (``_attention_cost.py``):
  :func:`count_flops`, :func:`attention_flops`, :func:`time_forward`,
  :func:`loglog_slope`, :func:`fusion_cost_curve`;
- very early fusion (``_early.py``): :class:`MaskedMultimodalAutoencoder`;
- fusion architecture search (``_search.py``): :class:`FusionCellSearch`
  (registered as ``"search"``), :func:`search_fusion_cell`;
- the experiments of lectures 1.9 and 1.10 (``_intermediate_experiments.py``):
  :func:`sequence_fusion_accuracies`, :func:`masked_reconstruction`,
  :func:`search_vs_hand_picked`;
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
from mmlab.fusion._attention_cost import (
    COST_KINDS,
    CostCurve,
    attention_flops,
    build_cost_module,
    count_flops,
    fusion_cost_curve,
    loglog_slope,
    time_forward,
)
from mmlab.fusion._base import Fusion, n_params
from mmlab.fusion._classifier import MultimodalClassifier
from mmlab.fusion._early import MaskedMultimodalAutoencoder, fit_masked_autoencoder
from mmlab.fusion._gated import GatedFusion
from mmlab.fusion._intermediate import (
    MMTM,
    SEQUENCE_FUSIONS,
    AttentionFusion,
    BottleneckFusion,
    ChannelExchange,
    JointAttentionFusion,
    MultiHeadAttention,
    PerceiverFusion,
    SequenceFusionClassifier,
    TransformerBlock,
)
from mmlab.fusion._intermediate_experiments import (
    ReconstructionResult,
    SearchComparison,
    masked_reconstruction,
    search_vs_hand_picked,
    sequence_fusion_accuracies,
)
from mmlab.fusion._low_rank import LowRankFusion, low_rank_fusion_n_params
from mmlab.fusion._mixture import MixtureOfFusions
from mmlab.fusion._multiplicative import BilinearFusion, MultiplicativeFusion, bilinear_fusion_n_params
from mmlab.fusion._nonlinear import MLPFusion
from mmlab.fusion._polynomial import PolynomialFusion, polynomial_fusion_n_params
from mmlab.fusion._registry import FUSIONS, make_fusion, register_fusion
from mmlab.fusion._search import SEARCH_CELLS, FusionCellSearch, SearchResult, search_fusion_cell
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
    # intermediate fusion, cost, very early fusion, search (_intermediate.py, _attention_cost.py, _early.py,
    # _search.py, _intermediate_experiments.py)
    "COST_KINDS",
    "MMTM",
    "SEARCH_CELLS",
    "SEQUENCE_FUSIONS",
    "AttentionFusion",
    "BottleneckFusion",
    "ChannelExchange",
    "CostCurve",
    "FusionCellSearch",
    "JointAttentionFusion",
    "MaskedMultimodalAutoencoder",
    "MultiHeadAttention",
    "PerceiverFusion",
    "ReconstructionResult",
    "SearchComparison",
    "SearchResult",
    "SequenceFusionClassifier",
    "TransformerBlock",
    "attention_flops",
    "build_cost_module",
    "count_flops",
    "fit_masked_autoencoder",
    "fusion_cost_curve",
    "loglog_slope",
    "masked_reconstruction",
    "search_fusion_cell",
    "search_vs_hand_picked",
    "sequence_fusion_accuracies",
    "time_forward",
]
