"""Regenerate ``data/book_reviews.csv``, the simulated book-review study (card: ``book_reviews.md``).

The simulation itself is :func:`mmlab.data.simulate_book_reviews`;
this script fixes the seed and the file format (fixed decimals, ``\\n`` line
ends) so that the file is byte-for-byte reproducible, writes it, and puts its
sha256 into the card.

Usage (from the repository root, with mmlab installed or on ``PYTHONPATH``)::

    python data/make_book_reviews.py              # write the CSV and update the card's sha256
    python data/make_book_reviews.py --check      # exit 1 if the shipped CSV differs from a fresh run
    python data/make_book_reviews.py --calibrate  # rerun the calibration and compare with BOOK_REVIEWS_DESIGN
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

from mmlab.data import (
    BOOK_REVIEWS_COLUMNS,
    BOOK_REVIEWS_DESIGN,
    BOOK_REVIEWS_SEED,
    calibrate_design,
    simulate_book_reviews,
)

HERE = Path(__file__).resolve().parent
CSV = HERE / "book_reviews.csv"
CARD = HERE / "book_reviews.md"
DECIMALS = 4
SHA_LINE = re.compile(r"^- sha256 `book_reviews\.csv`: `[0-9a-f]{64}`$", re.MULTILINE)


def render_csv(frame: pd.DataFrame, *, decimals: int = DECIMALS) -> str:
    """Return the CSV text of a book-review sample with a fixed float format."""
    lines = [",".join(BOOK_REVIEWS_COLUMNS)]
    for rid, critic, smiling, score in frame.loc[:, list(BOOK_REVIEWS_COLUMNS)].itertuples(index=False):
        lines.append(f"{int(rid)},{int(critic)},{smiling:.{decimals}f},{score:.{decimals}f}")
    return "\n".join(lines) + "\n"


def build() -> str:
    """The CSV text of the shipped sample (seed :data:`BOOK_REVIEWS_SEED`, design :data:`BOOK_REVIEWS_DESIGN`)."""
    return render_csv(simulate_book_reviews(BOOK_REVIEWS_SEED, design=BOOK_REVIEWS_DESIGN))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh run with the shipped file")
    parser.add_argument("--calibrate", action="store_true", help="rerun the calibration and print it")
    args = parser.parse_args(argv)
    if args.calibrate:
        print("calibrated:", calibrate_design())
        print("shipped:   ", BOOK_REVIEWS_DESIGN)
        return 0
    text = build()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if args.check:
        same = CSV.is_file() and CSV.read_bytes() == text.encode("utf-8")
        print(f"{CSV.name}: {'up to date' if same else 'DIFFERS from a fresh run'} (sha256 {digest})")
        return 0 if same else 1
    CSV.write_bytes(text.encode("utf-8"))
    card = CARD.read_text(encoding="utf-8")
    new_line = f"- sha256 `{CSV.name}`: `{digest}`"
    if not SHA_LINE.search(card):
        print(f"wrote {CSV}; add this line to {CARD.name}:\n{new_line}")
        return 1
    CARD.write_text(SHA_LINE.sub(new_line, card), encoding="utf-8")
    print(f"wrote {CSV} and updated {CARD.name} (sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
