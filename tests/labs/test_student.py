"""Tests of the student-copy generator (mmlab.labs.student) and of the committed copies."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mmlab.labs.student import (
    SolutionMarkerError,
    generate_all,
    out_of_sync,
    solution_lines,
    strip_notebook,
    strip_source,
)

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''def slope(a, b):
    """Return the slope."""
    ### BEGIN SOLUTION
    d = b - a
    return d / 2.0
    ### END SOLUTION
'''


def test_strip_source_replaces_the_region_at_its_indentation():
    out = strip_source(SOURCE, exercise="Exercise 3: slope")
    assert out == (
        'def slope(a, b):\n    """Return the slope."""\n'
        "    raise NotImplementedError('Exercise 3: slope: replace this line with your code')\n"
    )
    namespace: dict = {}
    exec(out, namespace)  # the stub is valid Python
    with pytest.raises(NotImplementedError, match="Exercise 3: slope"):
        namespace["slope"](1, 2)


def test_strip_source_removes_hidden_tests_and_keeps_other_lines():
    src = "x = 1\n### BEGIN HIDDEN TESTS\nassert x == 1\n### END HIDDEN TESTS\ny = 2"
    assert strip_source(src) == "x = 1\ny = 2"


@pytest.mark.parametrize(
    "src, match",
    [
        ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n### END SOLUTION\n", "without a matching BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "cannot nest"),
        ("### BEGIN SOLUTION\n### END HIDDEN TESTS\n", "without a matching BEGIN"),
    ],
)
def test_strip_source_rejects_broken_markers(src, match):
    with pytest.raises(SolutionMarkerError, match=match):
        strip_source(src)


def test_solution_lines_lists_only_substantial_solution_code():
    assert solution_lines(SOURCE) == ["return d / 2.0"]


def _fixture_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Lab"),
        nbformat.v4.new_markdown_cell(
            "## Exercise 1 — compute the slope\nDo it.\n<!-- BEGIN SOLUTION -->\n"
            "The answer is b - a.\n<!-- END SOLUTION -->\nGood luck."
        ),
        nbformat.v4.new_code_cell(SOURCE),
        nbformat.v4.new_code_cell("print(slope(1, 3))"),
    ]
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="1.0\n")]
    nb.cells[3].execution_count = 4
    return nb


def test_strip_notebook_names_the_exercise_and_clears_outputs():
    nb = _fixture_notebook()
    student = strip_notebook(nb)
    assert "The answer" not in student.cells[1].source and "Good luck." in student.cells[1].source
    assert "Exercise 1: compute the slope" in student.cells[2].source
    assert student.cells[3].outputs == [] and student.cells[3].execution_count is None
    assert nb.cells[3].outputs, "the source notebook must not be modified"


def test_generate_all_and_out_of_sync_on_a_fixture_tree(tmp_path):
    (tmp_path / "labs" / "1_representation").mkdir(parents=True)
    src = tmp_path / "labs" / "1_representation" / "01_demo.ipynb"
    nbformat.write(_fixture_notebook(), src)
    assert out_of_sync(tmp_path) == [f"{tmp_path / 'labs/student/1_representation/01_demo.ipynb'} is missing"]
    written = generate_all(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["labs/student/1_representation/01_demo.ipynb"]
    assert out_of_sync(tmp_path) == []
    nb = nbformat.read(src, as_version=4)
    nb.cells[2].source = nb.cells[2].source.replace("Return the slope", "Return the gradient")
    nbformat.write(nb, src)
    assert "differs" in out_of_sync(tmp_path)[0]
    stale = tmp_path / "labs/student/1_representation/99_old.ipynb"
    stale.write_text("{}")
    assert any("has no source" in p for p in out_of_sync(tmp_path))
    generate_all(tmp_path)
    assert not stale.exists()


# ----------------------------------------------------------------- the committed copies
LAB_SOURCES = sorted(
    p
    for p in (ROOT / "labs").rglob("*.ipynb")
    if "student" not in p.relative_to(ROOT).parts and ".ipynb_checkpoints" not in p.parts
)


def test_there_is_at_least_one_lab():
    assert LAB_SOURCES


def test_student_copies_are_in_sync_with_sources():
    problems = out_of_sync(ROOT)
    assert not problems, "labs/student/ is stale (run `make student`):\n" + "\n".join(problems)


@pytest.mark.parametrize("src", LAB_SOURCES, ids=[p.name for p in LAB_SOURCES])
def test_no_solution_line_leaks_into_the_student_copy(src):
    nb = nbformat.read(src, as_version=4)
    solutions = [line for c in nb.cells if c.cell_type == "code" for line in solution_lines(c.source)]
    assert solutions, f"{src.name} has no ### BEGIN SOLUTION region: a lab needs exercises"
    student = (ROOT / "labs" / "student" / src.relative_to(ROOT / "labs")).read_text(encoding="utf-8")
    student_nb = nbformat.reads(student, as_version=4)
    student_code = "\n".join(c.source for c in student_nb.cells if c.cell_type == "code")
    leaked = [line for line in solutions if line in student_code]
    assert not leaked, f"solution lines leak into the student copy of {src.name}: {leaked[:3]}"
    assert "BEGIN SOLUTION" not in student


@pytest.mark.parametrize("src", LAB_SOURCES, ids=[p.name for p in LAB_SOURCES])
def test_every_exercise_has_a_check_cell(src):
    nb = nbformat.read(src, as_version=4)
    n_exercises = sum("### BEGIN SOLUTION" in c.source for c in nb.cells if c.cell_type == "code")
    n_checks = sum("check_" in c.source for c in nb.cells if c.cell_type == "code")
    assert n_exercises >= 4, f"{src.name}: a lab needs at least 4 exercises; found {n_exercises}"
    assert n_checks >= n_exercises, f"{src.name}: {n_exercises} exercises but only {n_checks} check cells"
