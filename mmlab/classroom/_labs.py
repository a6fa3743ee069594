"""Read a lab's exercises from its headings and turn them into nbgrader's grading metadata.

A lab (``labs/<n>_<challenge>/<kk>_<topic>.ipynb``, STYLE.md §4) is a run of
exercises, each introduced by a markdown heading ``## Exercise k — title (n pts)``.
Between that heading and the next level-2 heading sit the exercise's cells: one
code cell with a ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region (the
student's work) and one check cell that calls ``check_<name>(fn)`` from
:mod:`mmlab.labs`. nbgrader needs three things from them, and this module
derives all three from the headings, so that the points a student reads are
the points nbgrader gives:

- the exercise cell becomes an nbgrader *solution* cell (``solution: true``);
- the check cell becomes an *autograder test* (``grade: true``, ``locked:
  true``) worth the heading's points: it scores them when it runs without an
  error, and zero when the check raises (a wrong answer raises
  :class:`mmlab.exceptions.CheckFailed`, an unsolved stub ``NotImplementedError``);
- every graded cell gets a stable ``grade_id`` (the one the lab already carries
  when it has one, otherwise ``ex<k>_<function>`` and ``check_ex<k>_<function>``),
  which is how nbgrader matches a student's cells with the gradebook.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import nbformat

__all__ = ["Exercise", "LabFormatError", "annotate_lab", "assignment_name", "lab_exercises"]

#: ``## Exercise 3 — Compute the slope (3 pts)``: number, title, points (the dash may be —, – , : or -).
_HEADING = re.compile(r"^#{1,6}\s*Exercise\s+(?P<k>\d+)\s*[—–:\-]+\s*(?P<title>.+?)\s*$", re.MULTILINE)
_POINTS = re.compile(r"\(\s*(?P<n>\d+(?:\.\d+)?)\s*pts?\.?\s*\)\s*$")
_SECTION = re.compile(r"^##\s", re.MULTILINE)  # a level-2 heading closes the exercise before it
_CHECK_CALL = re.compile(r"^\s*(check_\w+)\s*\(", re.MULTILINE)
_DEF = re.compile(r"^\s*def\s+(\w+)\s*\(", re.MULTILINE)
_BEGIN = "### BEGIN SOLUTION"
_GRADE_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
_SCHEMA_VERSION = 3


class LabFormatError(ValueError):
    """A lab notebook does not have the exercise structure the course builder grades.

    The message names the exercise (or cell) and what is missing, e.g. a heading
    without ``(n pts)`` or an exercise without a check cell.
    """


@dataclass(frozen=True)
class Exercise:
    """One graded exercise of a lab, as read from its heading and cells.

    Attributes
    ----------
    number : int
        ``k`` of ``Exercise k``.
    title : str
        The heading's title without the points, e.g. ``"Fit the additive model"``.
    points : float
        The points written in the heading (``(2 pts)`` gives 2.0).
    solution_cells : tuple of int
        Indices of the code cells holding the exercise's solution regions.
    check_cell : int
        Index of the check cell (the one that calls ``check_<name>(...)``).
    check : str
        The name of the check function the check cell calls.
    solution_ids : tuple of str
        nbgrader ``grade_id`` of each solution cell.
    grade_id : str
        nbgrader ``grade_id`` of the check cell (the autograder test).
    """

    number: int
    title: str
    points: float
    solution_cells: tuple[int, ...]
    check_cell: int
    check: str
    solution_ids: tuple[str, ...]
    grade_id: str


def _source(cell: Any) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _existing_id(cell: Any, *, grade: bool) -> str | None:
    """The ``grade_id`` the cell already carries for the same role (grade or solution), if valid."""
    meta = cell.get("metadata", {}).get("nbgrader") or {}
    grade_id = meta.get("grade_id")
    role_matches = bool(meta.get("grade")) == grade and bool(meta.get("solution")) == (not grade)
    if role_matches and isinstance(grade_id, str) and _GRADE_ID.match(grade_id):
        return grade_id
    return None


def lab_exercises(nb: nbformat.NotebookNode | dict) -> list[Exercise]:
    """The graded exercises of a lab notebook, in order.

    Parameters
    ----------
    nb : nbformat.NotebookNode or dict
        The instructor source of a lab (with its solution regions).

    Returns
    -------
    list of Exercise
        One per ``Exercise k — title (n pts)`` heading.

    Raises
    ------
    LabFormatError
        If a heading has no ``(n pts)``, two exercises share a number, an exercise
        has no solution region or not exactly one check cell, a solution region
        sits outside every exercise, or two graded cells would share a ``grade_id``.

    Examples
    --------
    >>> import nbformat.v4 as v4
    >>> nb = v4.new_notebook(cells=[
    ...     v4.new_markdown_cell("## Exercise 1 — Add one (2 pts)"),
    ...     v4.new_code_cell("def add_one(x):\\n    ### BEGIN SOLUTION\\n    return x + 1\\n    ### END SOLUTION"),
    ...     v4.new_code_cell("check_add_one(add_one)")])
    >>> [(e.number, e.title, e.points, e.grade_id) for e in lab_exercises(nb)]
    [(1, 'Add one', 2.0, 'check_ex1_add_one')]
    """
    cells = nb["cells"]
    headings: list[tuple[int, int, str, float]] = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for match in _HEADING.finditer(_source(cell)):
            title = match.group("title")
            points = _POINTS.search(title)
            if points is None:
                raise LabFormatError(
                    f"cell {index}: the heading 'Exercise {match.group('k')} — {title}' gives no points; "
                    "end it with '(n pts)', e.g. '## Exercise 1 — Fit the model (2 pts)'."
                )
            headings.append((index, int(match.group("k")), title[: points.start()].strip(), float(points.group("n"))))
    numbers = [k for _, k, _, _ in headings]
    if len(set(numbers)) != len(numbers):
        raise LabFormatError(f"exercise numbers repeat: {numbers}; number the exercises 1, 2, 3, ...")

    exercises, claimed, ids = [], set(), set()
    for position, (start, k, title, points) in enumerate(headings):
        stop = len(cells)
        for index in range(start + 1, len(cells)):
            cell = cells[index]
            if cell["cell_type"] == "markdown" and (_SECTION.search(_source(cell)) or _HEADING.search(_source(cell))):
                stop = index
                break
        if position + 1 < len(headings):
            stop = min(stop, headings[position + 1][0])
        code = [(i, _source(cells[i])) for i in range(start + 1, stop) if cells[i]["cell_type"] == "code"]
        solutions = [i for i, src in code if _BEGIN in src]
        checks = [(i, _CHECK_CALL.search(src).group(1)) for i, src in code if _CHECK_CALL.search(src)]
        if not solutions:
            raise LabFormatError(
                f"Exercise {k} ({title}) has no code cell with a '{_BEGIN}' region before the next level-2 heading."
            )
        if len(checks) != 1:
            found = ", ".join(f"cell {i} calls {name}" for i, name in checks) or "none"
            raise LabFormatError(
                f"Exercise {k} ({title}) needs exactly one check cell calling check_<name>(...) "
                f"after its heading; found {found}."
            )
        first_def = _DEF.search(_source(cells[solutions[0]]))
        stem = f"ex{k}_{first_def.group(1)}" if first_def else f"ex{k}"
        solution_ids = tuple(
            _existing_id(cells[i], grade=False) or (stem if n == 0 else f"{stem}_{n + 1}")
            for n, i in enumerate(solutions)
        )
        check_index, check_name = checks[0]
        grade_id = _existing_id(cells[check_index], grade=True) or f"check_{stem}"
        for grade_id_ in (*solution_ids, grade_id):
            if grade_id_ in ids:
                raise LabFormatError(
                    f"Exercise {k}: grade_id {grade_id_!r} is used twice; nbgrader needs "
                    "one id per graded cell (rename it in the cell's nbgrader metadata)."
                )
            ids.add(grade_id_)
        claimed.update(solutions)
        exercises.append(Exercise(k, title, points, tuple(solutions), check_index, check_name, solution_ids, grade_id))

    stray = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code" and _BEGIN in _source(cell) and i not in claimed
    ]
    if stray:
        raise LabFormatError(
            f"cells {stray} hold solution regions outside every 'Exercise k — ... (n pts)' "
            "section; put each under its exercise's heading."
        )
    return exercises


def _metadata(grade_id: str, *, grade: bool, points: float | None = None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": grade,
        "schema_version": _SCHEMA_VERSION,
        "solution": not grade,
        "task": False,
    }
    if grade:
        meta["points"] = int(points) if float(points).is_integer() else points
    return meta


def annotate_lab(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the lab with nbgrader's metadata derived from its exercise headings.

    Solution cells become nbgrader solution cells; each check cell becomes a
    locked autograder test worth its heading's points; every other cell loses
    any nbgrader metadata it carried, so the headings are the only source of
    the grading scheme. The input is not modified.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The instructor source of a lab.

    Returns
    -------
    nbformat.NotebookNode
        The annotated copy (nbgrader's ``source/`` version of the assignment).

    Raises
    ------
    LabFormatError
        As :func:`lab_exercises`.

    Examples
    --------
    >>> import nbformat.v4 as v4
    >>> nb = v4.new_notebook(cells=[
    ...     v4.new_markdown_cell("## Exercise 1 — Add one (2 pts)"),
    ...     v4.new_code_cell("def add_one(x):\\n    ### BEGIN SOLUTION\\n    return x + 1\\n    ### END SOLUTION"),
    ...     v4.new_code_cell("check_add_one(add_one)")])
    >>> meta = annotate_lab(nb).cells[2].metadata.nbgrader
    >>> meta["grade"], meta["locked"], meta["points"], meta["grade_id"]
    (True, True, 2, 'check_ex1_add_one')
    """
    exercises = lab_exercises(nb)
    out = copy.deepcopy(nb)
    for cell in out.cells:
        cell.metadata.pop("nbgrader", None)
    for exercise in exercises:
        for index, grade_id in zip(exercise.solution_cells, exercise.solution_ids, strict=True):
            out.cells[index].metadata["nbgrader"] = _metadata(grade_id, grade=False)
        out.cells[exercise.check_cell].metadata["nbgrader"] = _metadata(
            exercise.grade_id, grade=True, points=exercise.points
        )
    kernelspec = out.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3"})
    kernelspec.setdefault("language", "python")
    return out


def assignment_name(path: str | Path) -> str:
    """The nbgrader assignment name of a lab: its path under ``labs/`` with ``/`` as ``-``, no suffix.

    Parameters
    ----------
    path : str or path
        ``labs/<n>_<challenge>/<kk>_<topic>.ipynb`` (relative to the repository root).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the path is not ``labs/<n>_<challenge>/<kk>_<topic>.ipynb``.

    Examples
    --------
    >>> assignment_name("labs/1_representation/01_interaction_regression.ipynb")
    '1_representation-01_interaction_regression'
    """
    parts = Path(path).parts
    if len(parts) != 3 or parts[0] != "labs" or not parts[2].endswith(".ipynb"):
        raise ValueError(f"expected a lab source labs/<n>_<challenge>/<kk>_<topic>.ipynb, got {Path(path).as_posix()}.")
    return f"{parts[1]}-{Path(parts[2]).stem}"
