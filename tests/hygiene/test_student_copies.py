"""Execute each student copy: only unsolved exercises may fail, and only with NotImplementedError.

A cell may fail only if it is tagged ``exercise`` or ``student-may-fail`` (the
try-it and check cells of an exercise), and then only with
``NotImplementedError``. Every exercise's stub must actually be reached, so a
student who runs the notebook top to bottom sees every exercise ask for work.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDENT = sorted((ROOT / "labs" / "student").rglob("*.ipynb"))
ALLOWED_TAGS = {"exercise", "student-may-fail"}


@pytest.mark.notebook
@pytest.mark.parametrize("path", STUDENT, ids=[p.relative_to(ROOT).as_posix() for p in STUDENT])
def test_student_copy_fails_only_on_unsolved_exercises(path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "agg")
    monkeypatch.setenv("MMLAB_PROFILE", os.environ.get("MMLAB_PROFILE", "quick"))
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as cwd:
        NotebookClient(
            nb, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": cwd}}
        ).execute()
    wrong, reached = [], set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            continue
        err = errors[0]
        tags = set(cell.get("metadata", {}).get("tags", []))
        if err["ename"] == "NotImplementedError" and tags & ALLOWED_TAGS:
            reached.update(re.findall(r"Exercise (\d+)", err["evalue"]))
        else:
            wrong.append(f"cell {i} (tags {sorted(tags)}): {err['ename']}: {err['evalue'][:200]}")
    assert not wrong, f"{path.name}: cells that must succeed in the student copy failed:\n" + "\n".join(wrong)
    stubs = set(
        re.findall(
            r"NotImplementedError\('Exercise (\d+)", "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        )
    )
    assert stubs, f"{path.name} has no exercise stub"
    assert stubs <= reached, f"{path.name}: exercises {sorted(stubs - reached)} are never run by a tagged cell"
