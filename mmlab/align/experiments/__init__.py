"""Seeded runs behind the claims of the alignment lectures.

Each function here trains or fits what one section of a lecture shows, on the
spoken digit strings (:func:`mmlab.data.load_digit_strings`) or on generated
scene graphs, and returns the figures the lecture states as claims. A notebook
calls a function once with its size table; ``tests/align/test_alignment_notebook_claims.py``
calls the same function on five seeds with the notebook's quick sizes and
checks the same margins, so no claim rests on one lucky seed. Models are
initialised inside :func:`torch.random.fork_rng`, so a seed gives the same
model without touching the caller's global random state.

- :func:`match_spoken_to_images`: spoken digits matched to a shuffled strip
  of images, independently and one-to-one (lecture 2.1);
- :func:`run_ctc`: a CTC recogniser, greedy and beam decoding, forced
  alignment against the true segments (lecture 2.3);
- :func:`run_clustering_targets`: k-means pseudo-labels, masked prediction,
  linear probes of the digit (lecture 2.4);
- :func:`loudness_targets`, :func:`run_attention_vs_late`: which written
  digits were spoken loudly, by cross-modal attention or late fusion, and
  where the attention looks (lecture 2.5);
- :func:`run_graph_aggregations`: mean, convolution and attention
  aggregation on scene graphs (lecture 2.5).

References
----------
Graves, A. et al. Connectionist temporal classification. ICML 2006.
Hsu, W.-N. et al. HuBERT: self-supervised speech representation learning by masked prediction of hidden units.
IEEE/ACM TASLP 29, 2021.
Tsai, Y.-H. H. et al. Multimodal transformer for unaligned multimodal language sequences. ACL 2019.
"""

from mmlab.align.experiments._runs import (
    AttentionRun,
    ClusteringRun,
    CTCRun,
    GraphRun,
    MatchingRun,
    loudness_targets,
    match_spoken_to_images,
    run_attention_vs_late,
    run_clustering_targets,
    run_ctc,
    run_graph_aggregations,
    segment_distances,
)

__all__ = [
    "AttentionRun",
    "CTCRun",
    "ClusteringRun",
    "GraphRun",
    "MatchingRun",
    "loudness_targets",
    "match_spoken_to_images",
    "run_attention_vs_late",
    "run_clustering_targets",
    "run_ctc",
    "run_graph_aggregations",
    "segment_distances",
]
