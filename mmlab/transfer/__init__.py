"""Transference (challenge 5): moving knowledge between modalities and from pretrained models.

- a pretrained text encoder that ships in a pip package (``_pretrained.py``):
  :func:`load_text_encoder` (offline, sha256-verified; ``transformers`` is
  imported only there), :func:`text_encoder_info`, :class:`PretrainedTextEncoder`;
- parameter-efficient transfer (``_adapters.py``): :class:`BottleneckAdapter`,
  :class:`AdapterClassifier`, :class:`SoftPrompt`, :class:`BagOfTokensEncoder`,
  :func:`cosine_logits`;
- co-learning via representation (``_zero_shot.py``): :class:`ZeroShotProjector`,
  :func:`make_number_pairs`, :func:`split_classes`;
- co-learning via generation (``_mctn.py``): :class:`CyclicTranslator`,
  :func:`fit_cyclic_translator`;
- conditioning (``_film.py``): :class:`FiLM`, :class:`SlotReader`,
  :func:`make_slot_task`, :func:`slot_gamma_blocks`;
- missing modalities (``_missing.py``): :func:`modality_dropout`,
  :func:`mask_rows`, :func:`fill_missing`, :class:`RidgeImputer`,
  :class:`CodebookImputer`;
- high-modality sharing (``_multitask.py``): :class:`MultitaskModel`,
  :func:`fit_multitask`, :func:`few_labels` (the heterogeneity matrix that
  decides the groups is :func:`mmlab.quantify.transfer_heterogeneity`);
- the lectures' experiments on AV-Digits (``_experiments.py``).

Used by: ``lectures/5_transference/`` and ``labs/5_transference/``.
"""

from mmlab.transfer._adapters import (
    AdapterClassifier,
    BagOfTokensEncoder,
    BottleneckAdapter,
    SoftPrompt,
    cosine_logits,
)
from mmlab.transfer._experiments import (
    MISSING_METHODS,
    CaptionTask,
    caption_task,
    few_label_curve,
    missing_rate_curves,
    prompt_tuning,
    sharing_comparison,
    slot_reading,
    standardized_views,
    translation_vs_unimodal,
    zero_shot_digits,
    zero_shot_numbers,
)
from mmlab.transfer._film import FiLM, SlotReader, SlotTask, make_slot_task, slot_gamma_blocks
from mmlab.transfer._mctn import CyclicTranslator, fit_cyclic_translator
from mmlab.transfer._missing import CodebookImputer, RidgeImputer, fill_missing, mask_rows, modality_dropout
from mmlab.transfer._multitask import MultitaskModel, few_labels, fit_multitask
from mmlab.transfer._pretrained import (
    TEXT_ENCODER_DIM,
    TEXT_ENCODER_FILES,
    TEXT_ENCODER_PACKAGES,
    TEXT_ENCODER_SHA256,
    PretrainedTextEncoder,
    TextEncoderInfo,
    load_text_encoder,
    text_encoder_info,
)
from mmlab.transfer._zero_shot import NumberPairs, ZeroShotProjector, make_number_pairs, split_classes

__all__ = [
    "MISSING_METHODS",
    "TEXT_ENCODER_DIM",
    "TEXT_ENCODER_FILES",
    "TEXT_ENCODER_PACKAGES",
    "TEXT_ENCODER_SHA256",
    "AdapterClassifier",
    "BagOfTokensEncoder",
    "BottleneckAdapter",
    "CaptionTask",
    "CodebookImputer",
    "CyclicTranslator",
    "FiLM",
    "MultitaskModel",
    "NumberPairs",
    "PretrainedTextEncoder",
    "RidgeImputer",
    "SlotReader",
    "SlotTask",
    "SoftPrompt",
    "TextEncoderInfo",
    "ZeroShotProjector",
    "caption_task",
    "cosine_logits",
    "few_label_curve",
    "few_labels",
    "fill_missing",
    "fit_cyclic_translator",
    "fit_multitask",
    "load_text_encoder",
    "make_number_pairs",
    "make_slot_task",
    "mask_rows",
    "missing_rate_curves",
    "modality_dropout",
    "prompt_tuning",
    "sharing_comparison",
    "slot_gamma_blocks",
    "slot_reading",
    "split_classes",
    "standardized_views",
    "text_encoder_info",
    "translation_vs_unimodal",
    "zero_shot_digits",
    "zero_shot_numbers",
]
