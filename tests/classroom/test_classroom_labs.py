"""The course builder's reading of the labs (fast: no nbgrader process, no kernel).

- every lab parses into exercises whose points are the ones in its headings;
- the nbgrader metadata that the labs (and their student copies) carry agrees
  with the headings, which :func:`mmlab.classroom.annotate_lab` writes anyway;
- nbgrader's ``ClearSolutions`` with mmlab's stubs gives the student copy of
  every lab (the slow round trip runs the real ``generate_assignment`` on one);
- malformed labs fail with a message that names the exercise;
- the course and the hub's state never go inside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import nbformat.v4 as v4
import pytest

from mmlab.classroom import (
    LabFormatError,
    annotate_lab,
    assignment_name,
    build_course,
    copy_student_labs,
    lab_exercises,
)
from mmlab.course import notebooks
from mmlab.labs.student import strip_notebook

ROOT = Path(__file__).resolve().parents[2]
LABS = [info.path for info in notebooks(ROOT) if info.kind == "lab"]
HEADING_POINTS = re.compile(r"^#+\s*Exercise\s+(\d+)\b.*\((\d+(?:\.\d+)?)\s*pts?\)\s*$", re.MULTILINE)


def _read(path: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / path, as_version=4)


def _exercise(k: int, points: str = "(2 pts)", check: str = "check_add_one(add_one)") -> list:
    return [
        v4.new_markdown_cell(f"## Exercise {k} — Add one {points}"),
        v4.new_code_cell("def add_one(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION"),
        v4.new_code_cell("add_one(1)"),
        v4.new_code_cell(check),
    ]


def test_the_repository_has_labs():
    assert len(LABS) >= 3


@pytest.mark.parametrize("path", LABS)
def test_each_lab_parses_with_the_points_of_its_headings(path):
    nb = _read(path)
    headings = {
        int(k): float(n)
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for k, n in HEADING_POINTS.findall(cell.source)
    }
    exercises = lab_exercises(nb)
    assert {e.number: e.points for e in exercises} == headings
    for e in exercises:
        assert nb.cells[e.check_cell].source.lstrip().startswith(e.check)
        assert all("### BEGIN SOLUTION" in nb.cells[i].source for i in e.solution_cells)


@pytest.mark.parametrize("path", LABS)
def test_annotated_lab_grades_each_check_cell_with_its_headings_points(path):
    nb = _read(path)
    annotated = annotate_lab(nb)
    exercises = lab_exercises(nb)
    graded = {i: c.metadata["nbgrader"] for i, c in enumerate(annotated.cells) if "nbgrader" in c.metadata}
    expected = {e.check_cell for e in exercises} | {i for e in exercises for i in e.solution_cells}
    assert set(graded) == expected
    for e in exercises:
        meta = graded[e.check_cell]
        assert (meta["grade"], meta["solution"], meta["locked"], meta["points"]) == (True, False, True, e.points)
        for i in e.solution_cells:
            assert (graded[i]["grade"], graded[i]["solution"], graded[i]["locked"]) == (False, True, False)
    assert [c.source for c in annotated.cells] == [c.source for c in nb.cells]  # only metadata changes


@pytest.mark.parametrize("path", LABS)
def test_stored_nbgrader_metadata_agrees_with_the_headings(path):
    """A student who opens the lab (or its student copy) in nbgrader's tools sees the headings' points."""
    nb, annotated = _read(path), annotate_lab(_read(path))
    keys = ("grade", "solution", "locked", "points")
    for i, (cell, expected) in enumerate(zip(nb.cells, annotated.cells, strict=True)):
        stored = cell.metadata.get("nbgrader")
        wanted = expected.metadata.get("nbgrader")
        if stored is None and wanted is None:
            continue
        assert stored is not None and wanted is not None, f"{path} cell {i}: nbgrader metadata {stored} vs {wanted}"
        assert {k: stored.get(k) for k in keys} == {k: wanted.get(k) for k in keys}, f"{path} cell {i}"


@pytest.mark.parametrize("path", LABS)
def test_nbgrader_clear_solutions_with_mmlab_stubs_gives_the_student_copy(path):
    from mmlab.classroom._preprocessors import LabClearSolutions

    nb = _read(path)
    released, _ = LabClearSolutions().preprocess(annotate_lab(nb), {})
    student = strip_notebook(nb)
    assert [(c.cell_type, c.source) for c in released.cells] == [(c.cell_type, c.source) for c in student.cells]


def test_generate_assignment_keeps_every_other_nbgrader_step():
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    from mmlab.classroom._preprocessors import LabClearSolutions, generate_assignment_preprocessors

    default = GenerateAssignment.class_traits()["preprocessors"].default()
    ours = generate_assignment_preprocessors()
    assert ClearSolutions in default and LabClearSolutions in ours and ClearSolutions not in ours
    assert [p for p in ours if p is not LabClearSolutions] == [p for p in default if p is not ClearSolutions]


def test_existing_grade_ids_are_kept_and_missing_ones_derived():
    cells = _exercise(1) + _exercise(2, "(1 pt)")
    cells[3].metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "my_check", "points": 5}
    exercises = lab_exercises(v4.new_notebook(cells=cells))
    assert [(e.grade_id, e.solution_ids, e.points) for e in exercises] == [
        ("my_check", ("ex1_add_one",), 2.0),
        ("check_ex2_add_one", ("ex2_add_one",), 1.0),
    ]
    assert annotate_lab(v4.new_notebook(cells=cells)).cells[3].metadata["nbgrader"]["points"] == 2


@pytest.mark.parametrize(
    "cells, message",
    [
        (_exercise(1, points=""), "gives no points"),
        (_exercise(1, check="add_one(2)"), "exactly one check cell"),
        (_exercise(1) + [v4.new_code_cell("check_add_one(add_one)")], "exactly one check cell"),
        ([_exercise(1)[0], _exercise(1)[3]], "no code cell with a '### BEGIN SOLUTION' region"),
        (_exercise(1) + _exercise(1), "exercise numbers repeat"),
        ([v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")] + _exercise(1), "outside every 'Exercise k"),
    ],
)
def test_malformed_labs_fail_with_a_message_naming_the_problem(cells, message):
    with pytest.raises(LabFormatError, match=re.escape(message)):
        lab_exercises(v4.new_notebook(cells=cells))


def test_a_level_two_heading_closes_an_exercise():
    cells = _exercise(1)[:2] + [v4.new_markdown_cell("## Putting it together"), v4.new_code_cell("check_add_one(f)")]
    with pytest.raises(LabFormatError, match="exactly one check cell"):
        lab_exercises(v4.new_notebook(cells=cells))


def test_assignment_names_follow_the_lab_paths():
    assert assignment_name("labs/6_quantification/01_interactions.ipynb") == "6_quantification-01_interactions"
    with pytest.raises(ValueError, match="labs/<n>_<challenge>"):
        assignment_name("lectures/1_representation/01_x.ipynb")


def test_the_course_is_never_built_inside_the_repository(tmp_path):
    with pytest.raises(ValueError, match="inside the repository"):
        build_course(ROOT / "build" / "course", root=ROOT, generate=False)
    with pytest.raises(ValueError, match="inside the repository"):
        build_course(tmp_path / "course", root=ROOT, exchange=ROOT / "exchange", generate=False)
    with pytest.raises(ValueError, match="no lab"):
        build_course(tmp_path / "course", root=ROOT, only="no such lab", generate=False)


def test_build_without_generate_writes_sources_and_config(tmp_path):
    build = build_course(
        tmp_path / "course", root=ROOT, exchange=tmp_path / "exchange", course_id="demo", generate=False
    )
    assert [a.lab for a in build.assignments] == LABS
    for a in build.assignments:
        source = nbformat.read(build.course_dir / "source" / a.name / a.notebook, as_version=4)
        assert [e.points for e in lab_exercises(source)] == [e.points for e in a.exercises]
        assert a.max_score == sum(e.points for e in a.exercises) > 0
    config = (build.course_dir / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id = 'demo'" in config
    assert f"c.Exchange.root = {str(tmp_path / 'exchange')!r}" in config
    assert "generate_assignment_preprocessors()" in config
    compile(config, "nbgrader_config.py", "exec")


def test_copying_the_labs_never_overwrites_a_students_work(tmp_path):
    source = ROOT / "labs" / "student"
    dest = tmp_path / "labs"
    first = copy_student_labs(dest, source)
    assert sorted(p.relative_to(dest) for p in first) == sorted(
        p.relative_to(source) for p in source.rglob("*") if p.is_file()
    )
    first[0].write_text("my work")
    assert copy_student_labs(dest, source) == []
    assert first[0].read_text() == "my work"
    with pytest.raises(FileNotFoundError, match="MMLAB_LABS_DIR"):
        copy_student_labs(dest, tmp_path / "missing")


def test_the_demo_hub_keeps_its_state_outside_the_repository():
    from mmlab.classroom import DemoHub

    with pytest.raises(ValueError, match="inside the repository"):
        DemoHub(ROOT / "hub-state", root=ROOT)


def test_command_line_builds_a_course_and_reports_errors_without_a_traceback(tmp_path, capsys):
    from mmlab.classroom.__main__ import main

    assert main(["course", "--course-dir", str(tmp_path / "c"), "--no-generate", "--only", "1_representation/01"]) == 0
    out = capsys.readouterr().out
    assert "1_representation-01_interaction_regression" in out and " pts " in out
    assert main(["course", "--course-dir", str(ROOT / "course")]) == 2
    assert "inside the repository" in capsys.readouterr().err
    assert not (ROOT / "course").exists()
