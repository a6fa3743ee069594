"""nbgrader for real on one lab: generate, release, fetch, submit, collect, autograde, feedback, export.

Everything runs through nbgrader's command line (``python -m nbgrader``), in a
temporary course directory with a temporary exchange. Three students submit
the interaction-regression lab:

- alice writes the reference solution in place of every stub: full marks;
- bob submits the copy he fetched, untouched: zero;
- carol writes the reference solution except in Exercise 2, where she fits the
  additive model (the ``additive`` mutant of ``tests/labs/mutants``): she loses
  exactly Exercise 2's points, and her feedback shows the check's message.

The points come from the lab's headings, never from this file.
"""

from __future__ import annotations

import csv
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from mmlab.classroom import build_course, lab_exercises, run_nbgrader

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
LAB = "labs/1_representation/01_interaction_regression.ipynb"
STUDENT_COPY = ROOT / "labs" / "student" / "1_representation" / "01_interaction_regression.ipynb"
WRONG_EXERCISE = 2
WRONG_BODY = ['    return smf.ols("score ~ smiling + critic", data=data).fit()  # no product term\n']
STUB = re.compile(r"^\s*raise NotImplementedError\('Exercise (\d+)")


def _regions(source: str) -> list[list[str]]:
    """The lines inside each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a cell."""
    regions, current = [], None
    for line in source.splitlines(keepends=True):
        if line.strip() == "### BEGIN SOLUTION":
            current = []
        elif line.strip() == "### END SOLUTION":
            regions.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return regions


def _answer(stubbed: str, solution: str, wrong: int | None = None) -> str:
    """The student's cell: each stub line of ``stubbed`` replaced by the matching region of ``solution``."""
    regions = iter(_regions(solution))
    out = []
    for line in stubbed.splitlines(keepends=True):
        match = STUB.match(line)
        if match:
            region = next(regions)
            out.extend(WRONG_BODY if int(match.group(1)) == wrong else region)
        else:
            out.append(line)
    return "".join(out)


def _env(tmp: Path) -> dict[str, str]:
    return {
        "MMLAB_PROFILE": "quick",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MMLAB_NUM_THREADS": "1",
        "MPLBACKEND": "agg",
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "IPYTHONDIR": str(tmp / "ipython"),
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the whole term once; yield what the tests inspect."""
    tmp = tmp_path_factory.mktemp("nbgrader")
    env = _env(tmp)
    times = {}
    t0 = time.perf_counter()
    build = build_course(
        tmp / "course",
        root=ROOT,
        exchange=tmp / "exchange",
        course_id="mmlab-test",
        only="1_representation/01_interaction_regression",
    )
    times["generate"] = time.perf_counter() - t0
    (assignment,) = build.assignments
    name, course_dir = assignment.name, build.course_dir
    student_flags = [f"--Exchange.root={build.exchange}", f"--CourseDirectory.course_id={build.course_id}"]

    t0 = time.perf_counter()
    run_nbgrader(["release_assignment", name], cwd=course_dir, env=env)
    times["release"] = time.perf_counter() - t0

    source = nbformat.read(course_dir / "source" / name / assignment.notebook, as_version=4)
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    students = {"alice": "reference", "bob": "untouched", "carol": "one wrong"}

    def work(student: str) -> None:
        home = tmp / "students" / student
        home.mkdir(parents=True)
        # each student has their own Jupyter data folder (nbgrader keeps a cache of submissions there)
        student_env = {**env, "HOME": str(home), "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter")}
        run_nbgrader(["fetch_assignment", name, *student_flags], cwd=home, env=student_env)
        path = home / name / assignment.notebook
        nb = nbformat.read(path, as_version=4)
        if students[student] != "untouched":
            wrong = WRONG_EXERCISE if students[student] == "one wrong" else None
            for cell in nb.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade_id in solutions:
                    cell.source = _answer(cell.source, solutions[grade_id], wrong)
            nbformat.write(nb, path)
        run_nbgrader(["submit", name, f"--student={student}", *student_flags], cwd=home, env=student_env)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(len(students)) as pool:
        list(pool.map(work, students))
    times["fetch+submit (3 students)"] = time.perf_counter() - t0
    for step in (
        ["collect", name],
        ["autograde", name, "--force"],
        ["generate_feedback", name, "--force"],
        ["export", f"--to={course_dir / 'grades.csv'}"],
    ):
        t0 = time.perf_counter()
        run_nbgrader(step, cwd=course_dir, env=env)
        times[step[0]] = time.perf_counter() - t0
    print("nbgrader round trip, seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
    return {"build": build, "assignment": assignment, "students": students, "times": times}


def _gradebook(course):
    from nbgrader.api import Gradebook

    build = course["build"]
    return Gradebook(f"sqlite:///{build.course_dir / 'gradebook.db'}", build.course_id)


def test_the_release_is_the_student_copy_with_the_headings_points(course):
    build, assignment = course["build"], course["assignment"]
    release = nbformat.read(build.course_dir / "release" / assignment.name / assignment.notebook, as_version=4)
    student = nbformat.read(STUDENT_COPY, as_version=4)
    assert [(c.cell_type, c.source) for c in release.cells] == [(c.cell_type, c.source) for c in student.cells]
    assert all(not c.get("outputs") for c in release.cells if c.cell_type == "code")
    headings = {e.number: e.points for e in lab_exercises(nbformat.read(ROOT / LAB, as_version=4))}
    tests = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
        for c in release.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    by_id = {e.grade_id: e.number for e in assignment.exercises}
    assert {by_id[g]: m["points"] for g, m in tests.items()} == headings
    assert all(m["locked"] for m in tests.values())
    with _gradebook(course) as gb:
        assert gb.find_assignment(assignment.name).max_score == sum(headings.values())


def test_autograde_gives_full_zero_and_all_but_the_wrong_exercise(course):
    assignment = course["assignment"]
    total = assignment.max_score
    wrong = next(e for e in assignment.exercises if e.number == WRONG_EXERCISE)
    with _gradebook(course) as gb:
        scores = {s: gb.find_submission(assignment.name, s).score for s in course["students"]}
        carol = {
            e.number: gb.find_grade(e.grade_id, Path(assignment.notebook).stem, assignment.name, "carol").score
            for e in assignment.exercises
        }
    print(f"autograded scores out of {total:g}: {scores}")
    assert scores == {"alice": total, "bob": 0.0, "carol": total - wrong.points}
    assert carol == {e.number: (0.0 if e.number == WRONG_EXERCISE else e.points) for e in assignment.exercises}


def test_each_student_gets_feedback_html(course):
    build, assignment = course["build"], course["assignment"]
    pages = {
        s: build.course_dir / "feedback" / s / assignment.name / (Path(assignment.notebook).stem + ".html")
        for s in course["students"]
    }
    missing = [str(p) for p in pages.values() if not p.is_file()]
    assert not missing, f"no feedback page: {missing}"
    carol = pages["carol"].read_text(encoding="utf-8")
    assert "smiling:critic" in carol  # the check's message names the missing product term
    assert "CheckFailed" in carol
    assert "CheckFailed" not in pages["alice"].read_text(encoding="utf-8")


def test_grades_export_to_csv(course):
    build, assignment = course["build"], course["assignment"]
    with open(build.course_dir / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(course["students"])
    with _gradebook(course) as gb:
        for student, row in rows.items():
            assert row["assignment"] == assignment.name
            assert float(row["score"]) == gb.find_submission(assignment.name, student).score
            assert float(row["max_score"]) == assignment.max_score


def test_rebuilding_the_course_keeps_submissions_and_grades(course):
    """``make course`` again in mid-term: nbgrader regenerates the release; nothing graded is lost."""
    build, assignment = course["build"], course["assignment"]
    with _gradebook(course) as gb:
        before = {s: gb.find_submission(assignment.name, s).score for s in course["students"]}
    again = build_course(
        build.course_dir,
        root=ROOT,
        exchange=build.exchange,
        course_id=build.course_id,
        only="1_representation/01_interaction_regression",
    )
    assert [e.points for e in again.assignments[0].exercises] == [e.points for e in assignment.exercises]
    with _gradebook(course) as gb:
        assert {s: gb.find_submission(assignment.name, s).score for s in course["students"]} == before


def test_nothing_is_written_into_the_repository(course):
    for name in ("gradebook.db", "grades.csv", ".nbgrader.log", "nbgrader_config.py"):
        assert not (ROOT / name).exists()
    assert not list((ROOT / "labs").rglob(".nbgrader.log"))
    assert os.path.commonpath([course["build"].course_dir, ROOT]) != str(ROOT)
