"""Files that ship with the repository under ``data/``: where they are, and checksums.

Every shipped file is listed in its data card ``data/<name>.md`` on a line of the
form ``- sha256 `<file name>`: `<64 hex digits>```. :func:`shipped_path` finds a
file and verifies it against its card before a loader reads it, so a corrupted
or hand-edited file fails loudly instead of teaching from wrong numbers.

``MMLAB_DATA`` may point at another folder holding the same files (e.g. a
read-only copy on a JupyterHub server).
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path

__all__ = ["card_checksums", "data_dir", "read_card", "sha256_of", "shipped_path"]

_CHECKSUM_LINE = re.compile(r"^-\s*sha256\s+`([^`]+)`\s*:\s*`([0-9a-f]{64})`", re.MULTILINE)


def data_dir() -> Path:
    """Return the folder of shipped data: ``$MMLAB_DATA`` or ``<repo>/data``.

    Raises
    ------
    FileNotFoundError
        If that folder does not exist.

    Examples
    --------
    >>> (data_dir() / "book_reviews.md").is_file()
    True
    """
    env = os.environ.get("MMLAB_DATA", "").strip()
    folder = Path(env) if env else Path(__file__).resolve().parents[2] / "data"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the shipped data folder {folder} does not exist. mmlab reads data from the repository's "
            "data/ folder, so install the project editable (`make setup` does) or set MMLAB_DATA."
        )
    return folder


def read_card(name: str) -> str:
    """Return the text of the data card ``data/<name>.md``.

    Raises
    ------
    FileNotFoundError
        If the data folder is missing.
    ValueError
        If there is no card of that name (the message lists the cards).

    Examples
    --------
    >>> read_card("av_digits").startswith("#")
    True
    """
    path = data_dir() / f"{name}.md"
    if not path.is_file():
        known = sorted(p.stem for p in data_dir().glob("*.md") if p.stem.lower() != "readme")
        raise ValueError(f"no data card named {name!r}; the shipped cards are {known}.")
    return path.read_text(encoding="utf-8")


def card_checksums(name: str) -> dict[str, str]:
    """Return ``{file name: sha256}`` as listed in the card ``data/<name>.md``.

    Raises
    ------
    FileNotFoundError
        If the data folder is missing.
    ValueError
        If the card is missing or lists no checksum.

    Examples
    --------
    >>> sorted(card_checksums("book_reviews"))
    ['book_reviews.csv']
    """
    found = dict(_CHECKSUM_LINE.findall(read_card(name)))
    if not found:
        raise ValueError(
            f"data card {name}.md lists no checksum; expected a line like - sha256 `file.npz`: `<64 hex digits>`."
        )
    return found


def sha256_of(path: str | os.PathLike) -> str:
    """Return the hex sha256 digest of a file.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.

    Examples
    --------
    >>> path = shipped_path("book_reviews", "book_reviews.csv")
    >>> sha256_of(path) == card_checksums("book_reviews")["book_reviews.csv"]
    True
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@cache
def _verified(path: str, mtime_ns: int, expected: str) -> bool:
    return sha256_of(path) == expected


def shipped_path(card: str, filename: str, *, verify: bool = True) -> Path:
    """Return the path of a shipped file, verified against the sha256 in its card.

    Parameters
    ----------
    card : str
        The data card's name (``data/<card>.md``).
    filename : str
        The file, as named in the card's checksum line.
    verify : bool, default=True
        Compare the file's sha256 with the card's (cached per file and mtime).

    Raises
    ------
    ValueError
        If the card does not list ``filename`` or the checksum does not match.
    FileNotFoundError
        If the file is missing.
    """
    sums = card_checksums(card)
    if filename not in sums:
        raise ValueError(f"data card {card}.md lists {sorted(sums)}; got a request for {filename!r}.")
    path = data_dir() / filename
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; regenerate it with the script named in data/{card}.md.")
    if verify and not _verified(str(path), path.stat().st_mtime_ns, sums[filename]):
        raise ValueError(
            f"{path} does not match the sha256 in data/{card}.md (expected {sums[filename][:12]}…, "
            f"got {sha256_of(path)[:12]}…). The file was changed; restore it with git or regenerate it "
            "and update the card."
        )
    return path
