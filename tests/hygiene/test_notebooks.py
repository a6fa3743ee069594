"""Hygiene of the notebooks: stored stripped, named by the scheme, listed in the book."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mmlab.book import NotebookRun, discover, render_index
from mmlab.course import challenge_of

ROOT = Path(__file__).resolve().parents[2]
ALL_NOTEBOOKS = sorted(
    p for top in ("lectures", "labs") for p in (ROOT / top).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
NAME = re.compile(r"^(lectures|labs|labs/student)/[0-6]_[a-z_]+/\d\d_[a-z0-9_]+\.ipynb$")


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def test_there_are_notebooks():
    assert discover(ROOT), "no notebooks found under lectures/ and labs/"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_ids(ALL_NOTEBOOKS))
def test_notebook_is_stored_without_outputs(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, c in enumerate(doc["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_ids(ALL_NOTEBOOKS))
def test_notebook_follows_the_naming_scheme(path):
    rel = path.relative_to(ROOT).as_posix()
    assert NAME.match(rel), f"{rel} does not follow <lectures|labs>/<n>_<challenge>/<kk>_<topic>.ipynb"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_ids(ALL_NOTEBOOKS))
def test_notebook_has_the_standard_frame(path):
    """Title first; a setup cell that imports mmlab; summary and references at the end."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    cells = doc["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).lstrip().startswith("# "), (
        f"{path.name}: the first cell must be a markdown title"
    )
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code and "mmlab" in code[0] and "seed_everything" in code[0], (
        f"{path.name}: the first code cell must import mmlab and seed (seed_everything)"
    )
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert re.search(r"^#+\s*References", text, re.MULTILINE), f"{path.name}: no References section"
    if "student" not in path.parts:
        code_text = "\n".join(code)
        assert "claim(" in code_text or "check_" in code_text, f"{path.name}: checks no claim"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_ids(ALL_NOTEBOOKS))
def test_notebook_has_no_gpu_or_network_shortcuts(path):
    code = "\n".join(
        "".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"
    )
    assert not re.search(r"\.cuda\(\s*\)", code), f"{path.name}: move tensors with mmlab.device(), not CUDA calls"
    assert not re.search(r"https?://", code), f"{path.name}: code cells must not reach the network"
    assert not re.search(r"allow_pickle\s*=\s*True", code), f"{path.name}: loads must not unpickle"


def test_every_notebook_is_listed_in_the_toc_and_every_listed_one_exists():
    toc = (ROOT / "TOC.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\((?:\./)?((?:lectures|labs)/[^)]+\.ipynb)\)", toc))
    sources = {p.as_posix() for p in discover(ROOT)}
    assert sources - listed == set(), f"notebooks missing from TOC.md: {sorted(sources - listed)}"
    assert listed - sources == set(), f"TOC.md lists notebooks that do not exist: {sorted(listed - sources)}"


def test_every_notebook_appears_in_the_rendered_book_index():
    runs = [
        NotebookRun(
            path=p.as_posix(),
            kind="lecture" if p.parts[0] == "lectures" else "lab",
            challenge=challenge_of(p),
            ok=True,
            seconds=1.0,
            html=p.with_suffix(".html").as_posix(),
        )
        for p in discover(ROOT)
    ]
    page = render_index(runs, profile="quick", total_seconds=1.0)
    for run in runs:
        assert run.path in page and run.html in page
