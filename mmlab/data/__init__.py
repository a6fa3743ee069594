"""Data sets of the workbook: shipped files (with cards) and seeded generators.

- book reviews (``_book_reviews.py``): 300 simulated reviews for the
  interaction regression of lecture 1.1 (:func:`load_book_reviews`), and the
  simulator that made them;
- AV-Digits (``_av_digits.py``): digit images paired with synthesised speech
  and written words (:func:`load_av_digits`);
- synthetic generators (``_synthetic/``): data with a planted interaction
  (redundancy, uniqueness, synergy, mixtures; :func:`make_interaction`),
  polynomial targets, cue flips and corruption, the ground truth returned with
  the data;
- shipped files (``_shipped.py``): every file under ``data/`` is verified
  against the sha256 in its card (``data/<name>.md``) before it is read.
"""

from mmlab.data._av_digits import (
    AV_DIGITS_AUDIO_SHAPE,
    AV_DIGITS_IMAGE_SHAPE,
    AV_DIGITS_MODALITIES,
    AV_DIGITS_SPLITS,
    MultimodalSplit,
    av_digits_card,
    load_av_digits,
)
from mmlab.data._book_reviews import (
    BOOK_REVIEWS_COLUMNS,
    BOOK_REVIEWS_DESIGN,
    PUBLISHED_ADDITIVE,
    PUBLISHED_INTERACTION,
    BOOK_REVIEWS_SEED,
    BookReviewDesign,
    book_reviews_card,
    calibrate_design,
    design_tables,
    load_book_reviews,
    simulate_book_reviews,
)
from mmlab.data._shipped import (
    card_checksums,
    data_dir,
    read_card,
    sha256_of,
    shipped_path,
)
from mmlab.data._synthetic import (
    INTERACTIONS,
    PlantedTruth,
    SyntheticMultimodal,
    corrupt_modality,
    make_cue_flip,
    make_interaction,
    make_polynomial,
)

__all__ = [
    "AV_DIGITS_AUDIO_SHAPE",
    "AV_DIGITS_IMAGE_SHAPE",
    "AV_DIGITS_MODALITIES",
    "AV_DIGITS_SPLITS",
    "BOOK_REVIEWS_COLUMNS",
    "BOOK_REVIEWS_DESIGN",
    "BOOK_REVIEWS_SEED",
    "INTERACTIONS",
    "PUBLISHED_ADDITIVE",
    "PUBLISHED_INTERACTION",
    "BookReviewDesign",
    "MultimodalSplit",
    "PlantedTruth",
    "SyntheticMultimodal",
    "av_digits_card",
    "book_reviews_card",
    "calibrate_design",
    "card_checksums",
    "corrupt_modality",
    "data_dir",
    "design_tables",
    "load_av_digits",
    "load_book_reviews",
    "make_cue_flip",
    "make_interaction",
    "make_polynomial",
    "read_card",
    "sha256_of",
    "shipped_path",
    "simulate_book_reviews",
]
