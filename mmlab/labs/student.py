"""Generate student copies of the labs from the instructor sources (``make student``).

The markers are nbgrader's, so the same sources work with nbgrader's
``generate_assignment`` on a JupyterHub:

- in code cells, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION``
  (inclusive) become one line, ``raise NotImplementedError("Exercise k: ...")``,
  indented like the ``BEGIN`` marker;
- in code cells, ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` is removed;
- in markdown cells, ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->``
  is removed.

Exercise numbers come from the nearest markdown heading above the cell that
reads ``Exercise k — title``; the message then names the title. Outputs and
execution counts are cleared.

Command line::

    python -m mmlab.labs.student            # write labs/student/ from labs/
    python -m mmlab.labs.student --check    # exit 1 if labs/student/ is stale
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

__all__ = [
    "SolutionMarkerError",
    "generate_all",
    "out_of_sync",
    "solution_lines",
    "strip_notebook",
    "strip_source",
]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MD_BLOCK = re.compile(r"<!--\s*BEGIN SOLUTION\s*-->.*?<!--\s*END SOLUTION\s*-->\n?", re.DOTALL)
EXERCISE_HEADING = re.compile(r"^#+\s*Exercise\s+(\d+)\s*[—–:\-]+\s*(.+?)\s*$", re.MULTILINE)


class SolutionMarkerError(ValueError):
    """A lab source has unbalanced or nested solution markers."""


def strip_source(source: str, *, exercise: str = "Exercise") -> str:
    """Replace each solution region of a code cell's source with a ``NotImplementedError`` stub.

    Parameters
    ----------
    source : str
        The cell's code.
    exercise : str
        The label in the stub's message, e.g. ``"Exercise 2: fit the interaction model"``.

    Raises
    ------
    SolutionMarkerError
        If a ``BEGIN`` has no ``END`` (or the reverse), or regions nest.
    """
    out: list[str] = []
    state = None  # None, "solution" or "hidden"
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker in (BEGIN, BEGIN_HIDDEN):
            if state is not None:
                raise SolutionMarkerError(
                    f"line {number}: {marker!r} inside an open {state} region (regions cannot nest)."
                )
            state = "solution" if marker == BEGIN else "hidden"
            if state == "solution":
                indent = line[: len(line) - len(line.lstrip())]
                message = f"{exercise}: replace this line with your code"
                out.append(f"{indent}raise NotImplementedError({message!r})\n")
        elif marker in (END, END_HIDDEN):
            expected = END if state == "solution" else END_HIDDEN
            if state is None or marker != expected:
                raise SolutionMarkerError(f"line {number}: {marker!r} without a matching BEGIN marker.")
            state = None
        elif state is None:
            out.append(line)
    if state is not None:
        raise SolutionMarkerError(f"a {state} region is never closed (missing its END marker).")
    text = "".join(out)
    return text.rstrip("\n") if not source.endswith("\n") else text


def solution_lines(source: str) -> list[str]:
    """Return the stripped, non-trivial lines inside a code cell's solution regions.

    Used by the leak test: none of these may appear in a student copy.
    """
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker in (BEGIN, BEGIN_HIDDEN):
            inside = True
        elif marker in (END, END_HIDDEN):
            inside = False
        elif inside and len(marker) >= 12 and not marker.startswith("#"):
            lines.append(marker)
    return lines


def strip_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the student version of an instructor notebook (the input is not modified).

    Raises
    ------
    SolutionMarkerError
        If a code cell's solution markers are unbalanced or nested, or a
        markdown cell has an unbalanced ``<!-- BEGIN/END SOLUTION -->`` marker.
    """
    student = copy.deepcopy(nb)
    label = "Exercise"
    for cell in student.cells:
        if cell.cell_type == "markdown":
            found = EXERCISE_HEADING.findall(cell.source)
            if found:
                k, title = found[-1]
                label = f"Exercise {k}: {title.rstrip('.')}"
            cell.source = MD_BLOCK.sub("", cell.source)
            if "BEGIN SOLUTION" in cell.source or "END SOLUTION" in cell.source:
                raise SolutionMarkerError("a markdown cell has an unbalanced <!-- BEGIN/END SOLUTION --> marker.")
        elif cell.cell_type == "code":
            cell.source = strip_source(cell.source, exercise=label)
            cell.outputs = []
            cell.execution_count = None
    return student


def _write(nb: nbformat.NotebookNode, path: Path) -> str:
    import nbformat

    text = nbformat.writes(nb) + "\n"
    return text


def _pairs(root: Path) -> list[tuple[Path, Path]]:
    labs = root / "labs"
    student = labs / "student"
    return [
        (src, student / src.relative_to(labs))
        for src in sorted(labs.rglob("*.ipynb"))
        if student not in src.parents and ".ipynb_checkpoints" not in src.parts
    ]


def _student_text(src: Path) -> str:
    import nbformat

    nb = nbformat.read(src, as_version=4)
    return _write(strip_notebook(nb), src)


def generate_all(root: str | Path = ".") -> list[Path]:
    """Write ``labs/student/<path>`` for every lab source under ``labs/``; return the paths written.

    Student copies whose source no longer exists are removed.
    """
    root = Path(root)
    written = []
    pairs = _pairs(root)
    for src, dst in pairs:
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(_student_text(src), encoding="utf-8")
        written.append(dst)
    expected = {dst for _, dst in pairs}
    student_dir = root / "labs" / "student"
    if student_dir.exists():
        for stale in student_dir.rglob("*.ipynb"):
            if stale not in expected:
                stale.unlink()
    return written


def out_of_sync(root: str | Path = ".") -> list[str]:
    """Return a description of every student copy that differs from what the sources generate."""
    root = Path(root)
    problems = []
    pairs = _pairs(root)
    for src, dst in pairs:
        if not dst.exists():
            problems.append(f"{dst} is missing")
        elif dst.read_text(encoding="utf-8") != _student_text(src):
            problems.append(f"{dst} differs from what {src} generates")
    expected = {dst for _, dst in pairs}
    student_dir = root / "labs" / "student"
    if student_dir.exists():
        problems += [f"{p} has no source under labs/" for p in student_dir.rglob("*.ipynb") if p not in expected]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("--check", action="store_true", help="only report stale student copies")
    args = parser.parse_args(argv)
    if args.check:
        problems = out_of_sync(args.root)
        for p in problems:
            print(p)
        if problems:
            print("run `make student` to regenerate labs/student/.")
        return 1 if problems else 0
    for path in generate_all(args.root):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
