"""Seeded experiments behind the claims of the fusion lectures.

Each function here draws a synthetic data set with a planted interaction
(:mod:`mmlab.data`), trains small *encoders + fusion + head* models
(:class:`mmlab.fusion.MultimodalClassifier`) with :func:`mmlab.train.fit`, and
returns the figures a lecture states as a claim. A notebook calls a function
once with its size table; ``tests/test_fusion_notebook_claims.py`` calls the same
function on five seeds with the notebook's quick sizes and checks the same
margin, so a claim cannot rest on one lucky seed.

- :func:`train_fusion`: one model, one score (accuracy or :math:`R^2`).
- :func:`interaction_accuracies`: operators x planted interactions (synergy,
  redundancy, ...).
- :func:`multiplicative_target`: additive versus bilinear fusion on
  :math:`t = z_A z_B`.
- :func:`tensor_vs_low_rank`: TFN versus LMF on a three-modality task.
- :func:`polynomial_orders`: polynomial fusion of order 1, 2, 3 on an order-3 target.
- :func:`gates_under_corruption`: GMU gates when one modality is corrupted per sample.
- :func:`shift_on_cue_flip`: modality-shift magnitude where a nonverbal cue flips the label.
- :func:`mixture_weights`: learned weights of a mixture of fusion operators.
- :func:`av_digits_accuracies`: unimodal and fused models on AV-Digits (handwritten images, synthesised
  speech and generated words, paired by class).

Models are initialised inside :func:`torch.random.fork_rng`, so a seed gives
the same model without touching the caller's global random state.

Used by: ``lectures/1_representation/02_additive_and_multiplicative_fusion.ipynb``,
``03_tensor_lowrank_polynomial_fusion.ipynb``, ``04_gated_shift_mixture_fusion.ipynb``,
``05_fusion_on_av_digits.ipynb``.

References
----------
Zadeh, A. et al. Tensor fusion network for multimodal sentiment analysis. EMNLP 2017.
Liu, Z. et al. Efficient low-rank multimodal fusion with modality-specific factors. ACL 2018.
Hou, M. et al. Deep multimodal multilinear fusion with high-order polynomial pooling. NeurIPS 2019.
Arevalo, J. et al. Gated multimodal units for information fusion. ICLR workshop 2017.
Rahman, W. et al. Integrating multimodal information in large pretrained transformers. ACL 2020.
"""

from mmlab.fusion.experiments._adaptive import (
    GateResult,
    ShiftResult,
    gates_under_corruption,
    mixture_weights,
    shift_on_cue_flip,
)
from mmlab.fusion.experiments._av_digits import av_digits_accuracies
from mmlab.fusion.experiments._interactions import (
    cell_table,
    factor_corners,
    interaction_accuracies,
    multiplicative_target,
    polynomial_orders,
    tensor_vs_low_rank,
)
from mmlab.fusion.experiments._train import FitResult, as_xy, train_fusion

__all__ = [
    "FitResult",
    "GateResult",
    "ShiftResult",
    "as_xy",
    "av_digits_accuracies",
    "cell_table",
    "factor_corners",
    "gates_under_corruption",
    "interaction_accuracies",
    "mixture_weights",
    "multiplicative_target",
    "polynomial_orders",
    "shift_on_cue_flip",
    "tensor_vs_low_rank",
    "train_fusion",
]
