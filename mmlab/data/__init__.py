"""Data sets of the workbook: shipped files (with cards) and seeded generators.

- :mod:`mmlab.data.book_reviews`: 300 simulated book reviews for the interaction
  regression of lecture 1.1 (``load_book_reviews``).
- :mod:`mmlab.data.av_digits`: AV-Digits, digit images paired with synthesised
  speech and written words (``load_av_digits``).
- :mod:`mmlab.data.synthetic`: generators with a planted interaction
  (redundancy, uniqueness, synergy, mixtures), the ground truth returned with
  the data.

Each shipped file is verified against the sha256 in its card
(``data/<name>.md``) before it is read. Loaders are imported from their modules,
so ``import mmlab.data`` stays light.
"""

__all__: list[str] = []
