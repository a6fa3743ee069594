"""Alignment (challenge 2): finding which elements of different modalities correspond, and using it.

- matching and optimal transport (``_transport.py``): :func:`assignment`,
  :func:`optimal_transport`, :func:`sinkhorn` (the one log-domain Sinkhorn of
  mmlab, for any marginals, NumPy or batched torch);
- dynamic time warping (``_dtw.py``): :func:`dtw` (vectorised along
  anti-diagonals), :func:`local_distances`, :func:`warp_indices`, :func:`warp_segments`;
- connectionist temporal classification (``_ctc.py``): :func:`ctc_greedy_decode`,
  :func:`ctc_beam_decode`, :func:`ctc_forced_align`, :func:`alignment_segments`,
  :class:`CTCRecognizer`, :func:`fit_ctc`;
- clustering targets (``_clustering.py``, the HuBERT idea): :func:`kmeans_targets`,
  :func:`span_mask`, :class:`MaskedFramePredictor`, :func:`fit_masked_prediction`,
  :func:`linear_probe`;
- directional cross-modal attention (``_attention.py``, MulT style):
  :class:`CrossModalAttention`, :class:`AudioTextAligner`, :class:`LateFusionAligner`,
  :func:`fit_aligner`, :func:`token_accuracy`, :func:`attention_hits`;
- graph networks (``_graph.py``): :class:`GraphLayer` with mean, convolution
  or attention aggregation, :class:`GraphClassifier`;
- sequences (``_encoders.py``): :class:`FrameEncoder`, :func:`pad_sequences`, :func:`length_mask`,
  :func:`segment_features`.

The data with known alignment lives in :mod:`mmlab.data`
(:func:`~mmlab.data.load_digit_strings`, :func:`~mmlab.data.make_warped_pair`,
:func:`~mmlab.data.make_scene_graphs`).

Used by: ``lectures/2_alignment`` and ``labs/2_alignment``.
"""

from mmlab.align._attention import (
    AudioTextAligner,
    CrossModalAttention,
    LateFusionAligner,
    attention_hits,
    fit_aligner,
    token_accuracy,
)
from mmlab.align._clustering import (
    MaskedFramePredictor,
    fit_masked_prediction,
    kmeans_targets,
    linear_probe,
    span_mask,
    stack_context,
)
from mmlab.align._ctc import (
    CTCRecognizer,
    alignment_segments,
    ctc_beam_decode,
    ctc_forced_align,
    ctc_greedy_decode,
    fit_ctc,
)
from mmlab.align._dtw import DTWResult, dtw, local_distances, warp_indices, warp_segments
from mmlab.align._encoders import FrameEncoder, length_mask, pad_sequences, segment_features
from mmlab.align._graph import AGGREGATIONS, GraphClassifier, GraphLayer
from mmlab.align._transport import TransportPlan, assignment, optimal_transport, sinkhorn

__all__ = [
    "AGGREGATIONS",
    "AudioTextAligner",
    "CTCRecognizer",
    "CrossModalAttention",
    "DTWResult",
    "FrameEncoder",
    "GraphClassifier",
    "GraphLayer",
    "LateFusionAligner",
    "MaskedFramePredictor",
    "TransportPlan",
    "alignment_segments",
    "assignment",
    "attention_hits",
    "ctc_beam_decode",
    "ctc_forced_align",
    "ctc_greedy_decode",
    "dtw",
    "fit_aligner",
    "fit_ctc",
    "fit_masked_prediction",
    "kmeans_targets",
    "length_mask",
    "linear_probe",
    "local_distances",
    "optimal_transport",
    "pad_sequences",
    "segment_features",
    "stack_context",
    "sinkhorn",
    "span_mask",
    "token_accuracy",
    "warp_indices",
    "warp_segments",
]
