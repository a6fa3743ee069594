"""Reference answers to the lecture notebooks' exercises, and readers of a notebook's size table and exercises.

Every lecture ends with numbered Exercises (or Questions). Each one must be
solvable with the package as it is, so each has a reference answer here, one
module per lecture (``lecture_<challenge>_<number>.py``, e.g. ``lecture_1_2.py``)
with a function ``exercise_<k>(sizes)`` per exercise; ``sizes`` is the quick row
of the notebook's own size table. An answer computes what the exercise asks with
the public API and asserts what a correct answer finds, so it fails when the API
changes under the exercise or the answer stops being true. The answers live here,
not in the rendered notebook; ``tests/test_lecture_exercises.py`` runs them.

The readers below are shared with the seed tests of the lectures' claims, which
take the quick sizes from the notebook itself rather than copying them by hand.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "exercise_numbers", "exercise_text", "notebook_cells", "quick_sizes", "setup_source"]


@cache
def notebook_cells(notebook: str) -> tuple[tuple[str, str], ...]:
    """``(cell_type, source)`` of every cell of ``notebook`` (a path relative to the repository root)."""
    cells = json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"]
    return tuple((c["cell_type"], "".join(c["source"])) for c in cells)


def setup_source(notebook: str) -> str:
    """The source of the notebook's first code cell (its setup cell)."""
    return next(src for kind, src in notebook_cells(notebook) if kind == "code")


@cache
def quick_sizes(notebook: str) -> dict:
    """The ``"quick"`` row of the ``mmlab.sizes({...})`` table in the notebook's setup cell.

    Raises
    ------
    AssertionError
        If the setup cell has no ``mmlab.sizes`` call with a literal ``"quick"`` row.
    """
    for node in ast.walk(ast.parse(setup_source(notebook))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "sizes":
            table = node.args[0]
            for key, value in zip(table.keys, table.values, strict=True):
                if ast.literal_eval(key) == "quick":
                    return _literal_row(value)
    raise AssertionError(f"{notebook}: no mmlab.sizes({{'quick': ...}}) table in the setup cell")


def _literal_row(node: ast.expr) -> dict:
    """A size row written either as a dict literal or as ``dict(key=value, ...)``."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict":
        return {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
    return dict(ast.literal_eval(node))


_SECTION = re.compile(r"^(#{1,6})\s*(Exercises|Questions)\b.*$", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s", re.MULTILINE)
_ITEM = re.compile(r"^(\d+)\.\s", re.MULTILINE)


def exercise_text(notebook: str) -> str:
    """The text of the notebook's Exercises (or Questions) section, from its heading to the next heading."""
    for kind, src in notebook_cells(notebook):
        if kind != "markdown":
            continue
        match = _SECTION.search(src)
        if match:
            rest = src[match.end() :]
            following = _HEADING.search(rest)
            return rest[: following.start()] if following else rest
    return ""


def exercise_numbers(notebook: str) -> list[int]:
    """The numbers of the exercises listed in the notebook's Exercises (or Questions) section."""
    return [int(k) for k in _ITEM.findall(exercise_text(notebook))]
