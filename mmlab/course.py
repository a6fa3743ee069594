"""The map of the course: the six challenges and the notebooks that teach each one.

One source of truth for "what is in the workbook", read by the book builder
(:mod:`mmlab.book`: the index page and previous/next links), by the
orientation notebook (``lectures/0_orientation/01_tour.ipynb``: the challenge
map) and by the hygiene tests (``TOC.md`` agrees with the folders).

Notebooks live in ``lectures/<n>_<challenge>/<kk>_<topic>.ipynb`` and
``labs/<n>_<challenge>/<kk>_<topic>.ipynb``; the student copies under
``labs/student/`` are generated and not listed. A notebook's title is the
first ``# `` heading of its first markdown cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHALLENGES", "Challenge", "NotebookInfo", "challenge_of", "notebooks", "repo_root"]


@dataclass(frozen=True)
class Challenge:
    """One of the six core challenges of multimodal machine learning (plus the orientation, number 0)."""

    number: int
    slug: str  # the folder suffix: lectures/<number>_<slug>/
    name: str
    summary: str  # one line: what the challenge asks


#: The course's chapters, by folder number, in reading order.
CHALLENGES: dict[int, Challenge] = {
    c.number: c
    for c in (
        Challenge(
            0,
            "orientation",
            "Orientation",
            "What makes data multimodal, the map of the course, and how to use the workbook.",
        ),
        Challenge(
            1,
            "representation",
            "Representation",
            "Learn representations that reflect cross-modal interactions: fusion, coordination, fission.",
        ),
        Challenge(
            2,
            "alignment",
            "Alignment",
            "Identify the connections and interactions between elements of different modalities.",
        ),
        Challenge(
            3,
            "reasoning",
            "Reasoning",
            "Compose knowledge from multimodal evidence in several steps, using the problem's structure.",
        ),
        Challenge(
            4,
            "generation",
            "Generation",
            "Produce raw modalities that reflect cross-modal interactions, structure and coherence.",
        ),
        Challenge(
            5,
            "transference",
            "Transference",
            "Transfer knowledge between modalities, usually to help a target modality that is noisy or scarce.",
        ),
        Challenge(
            6,
            "quantification",
            "Quantification",
            "Measure heterogeneity, interactions and the learning process, to understand what models learn.",
        ),
    )
}

_FOLDER = re.compile(r"^(\d)_([a-z_]+)$")
_FILE = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")


@dataclass(frozen=True)
class NotebookInfo:
    """One lecture or lab source notebook."""

    path: str  # relative to the repository root, POSIX separators
    kind: str  # "lecture" or "lab"
    challenge: int
    number: str  # "<challenge>.<index>", e.g. "1.2"
    title: str


def repo_root() -> Path:
    """The repository this package was installed from (an editable install), or raise.

    Raises
    ------
    FileNotFoundError
        If the package does not sit in a checkout with ``lectures/`` and ``labs/``.
    """
    root = Path(__file__).resolve().parents[1]
    if not ((root / "lectures").is_dir() and (root / "labs").is_dir()):
        raise FileNotFoundError(
            f"mmlab is not installed from a checkout of the workbook: {root} has no lectures/ and labs/. "
            "Install it with `make setup` (an editable install) or pass root= explicitly."
        )
    return root


def challenge_of(path: str | Path) -> int:
    """The challenge number ``n`` of ``lectures/<n>_<challenge>/...`` or ``labs/<n>_<challenge>/...``.

    Raises
    ------
    ValueError
        If the notebook does not live in a folder ``<n>_<challenge>`` named after one of :data:`CHALLENGES`.
    """
    parts = Path(path).parts
    match = _FOLDER.match(parts[1]) if len(parts) > 2 else None
    if not match or int(match.group(1)) not in CHALLENGES or CHALLENGES[int(match.group(1))].slug != match.group(2):
        expected = ", ".join(f"{c.number}_{c.slug}" for c in CHALLENGES.values())
        raise ValueError(
            f"{Path(path).as_posix()} must live in a folder named <n>_<challenge>, one of "
            f"{expected} (e.g. lectures/1_representation/01_topic.ipynb)."
        )
    return int(match.group(1))


def notebooks(root: str | Path | None = None) -> list[NotebookInfo]:
    """Every lecture and lab source notebook, in reading order (challenge, then lectures before labs).

    Parameters
    ----------
    root : path, optional
        The repository root; default :func:`repo_root`.

    Returns
    -------
    list of NotebookInfo

    Raises
    ------
    ValueError
        If a notebook's folder or file name breaks the naming scheme
        ``<kind>/<n>_<challenge>/<kk>_<topic>.ipynb``.
    """
    root = repo_root() if root is None else Path(root)
    found = []
    for kind, top in (("lecture", "lectures"), ("lab", "labs")):
        for nb in sorted((root / top).rglob("*.ipynb")):
            rel = nb.relative_to(root)
            if "student" in rel.parts or ".ipynb_checkpoints" in rel.parts:
                continue
            challenge = challenge_of(rel)
            match = _FILE.match(rel.name)
            if not match or len(rel.parts) != 3:
                raise ValueError(
                    f"{rel.as_posix()} must be named {top}/<n>_<challenge>/<kk>_<topic>.ipynb "
                    "(two digits, then lower-case words joined by underscores)."
                )
            found.append(
                NotebookInfo(
                    path=rel.as_posix(),
                    kind=kind,
                    challenge=challenge,
                    number=f"{challenge}.{int(match.group(1))}",
                    title=_title(nb),
                )
            )
    return sorted(found, key=lambda n: (n.challenge, n.kind != "lecture", n.path))


def _title(path: Path) -> str:
    """The first ``# `` heading of the notebook's first markdown cell (the file stem if there is none)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return path.stem
