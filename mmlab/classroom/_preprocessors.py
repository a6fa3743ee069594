"""nbgrader's ``generate_assignment`` with mmlab's student stubs (imported by the course's nbgrader config).

nbgrader's own ``ClearSolutions`` replaces a solution region with
``# YOUR CODE HERE`` / ``raise NotImplementedError()`` and a markdown solution
with ``YOUR ANSWER HERE``. The labs' student copies (``make student``,
:mod:`mmlab.labs.student`) say which exercise a stub belongs to and drop the
markdown solution notes. :class:`LabClearSolutions` makes nbgrader's release
version the same as ``labs/student/``: for every cell with a solution marker it
takes the cell from :func:`mmlab.labs.student.strip_notebook`; every other cell
goes through nbgrader's ``ClearSolutions`` unchanged. Hidden tests stay for
nbgrader's later ``ClearHiddenTests`` step, which must see them after
``SaveCells`` has stored them in the gradebook.

This module needs nbgrader (``pip install "mmlab[classroom]"``).
"""

from __future__ import annotations

from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions
from nbgrader.utils import is_solution

from mmlab.labs.student import strip_notebook

__all__ = ["LabClearSolutions", "generate_assignment_preprocessors"]


class LabClearSolutions(ClearSolutions):
    """``ClearSolutions`` whose stubs are the ones in ``labs/student/`` (see the module docstring)."""

    def preprocess(self, nb, resources):
        self._student = strip_notebook(nb)
        try:
            return super().preprocess(nb, resources)
        finally:
            del self._student

    def preprocess_cell(self, cell, resources, cell_index):
        source = cell.source
        if self.begin_solution_delimeter not in source and self.end_solution_delimeter not in source:
            return super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code":
            if "BEGIN HIDDEN TESTS" in source:
                raise RuntimeError(
                    f"cell {cell_index} holds both a solution region and hidden tests; "
                    "put the hidden tests in the exercise's check cell."
                )
            if self.enforce_metadata and not is_solution(cell):
                raise RuntimeError(
                    f"cell {cell_index} holds a solution region but is not an nbgrader solution "
                    "cell; build the course with `python -m mmlab.classroom course`, which marks it."
                )
        cell.source = self._student.cells[cell_index].source
        return cell, resources


def generate_assignment_preprocessors() -> list[type]:
    """nbgrader's ``GenerateAssignment`` steps, with ``ClearSolutions`` replaced by :class:`LabClearSolutions`."""
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [LabClearSolutions if p is ClearSolutions else p for p in default]
