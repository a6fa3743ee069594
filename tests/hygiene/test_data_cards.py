"""Every shipped data file has a card whose sha256 matches, and every card names its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mmlab.data._shipped import card_checksums, sha256_of

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
CARDS = sorted(p for p in DATA.glob("*.md") if p.stem.lower() != "readme")
DATA_FILES = sorted(p for p in DATA.iterdir() if p.is_file() and p.suffix not in {".md", ".py"})


def test_there_are_data_cards():
    assert CARDS, "data/ holds no data card"


@pytest.mark.parametrize("card", CARDS, ids=[c.name for c in CARDS])
def test_card_checksums_match_files(card):
    for name, digest in card_checksums(card.stem).items():
        path = DATA / name
        assert path.is_file(), f"{card.name} lists {name}, which is missing"
        assert sha256_of(path) == digest, f"{name}: sha256 differs from {card.name}; regenerate or update the card"


@pytest.mark.parametrize("card", CARDS, ids=[c.name for c in CARDS])
def test_card_has_the_required_sections(card):
    text = card.read_text(encoding="utf-8").lower()
    for word in ("licen", "sha256", "used by", "how it was made"):
        assert word in text, f"{card.name} lacks a '{word}' part"


def test_every_data_file_has_a_card():
    listed = {name for card in CARDS for name in card_checksums(card.stem)}
    orphans = [p.name for p in DATA_FILES if p.name not in listed]
    assert not orphans, f"data files without a card checksum: {orphans}"
