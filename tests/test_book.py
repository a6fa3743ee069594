"""Tests of the book builder (mmlab.book) on a fixture tree of tiny notebooks."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from mmlab.book import NotebookRun, challenge_of, discover, main, render_index


def _notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell(code)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _notebook(tmp_path / "lectures/1_representation/01_ok.ipynb",
              "import mmlab\nmmlab.claim('one equals one', 1 == 1)\nopen('scratch.txt', 'w').write('x')\n"
              "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.title('a line')\nplt.show()")
    _notebook(tmp_path / "labs/6_quantification/01_bad.ipynb",
              "import mmlab\nmmlab.claim('one equals two', 1 == 2, got=1)")
    _notebook(tmp_path / "labs/student/6_quantification/01_bad.ipynb", "raise RuntimeError")
    return tmp_path


def test_discover_skips_student_copies(tree):
    assert [p.as_posix() for p in discover(tree)] == [
        "lectures/1_representation/01_ok.ipynb", "labs/6_quantification/01_bad.ipynb"]


def test_challenge_of():
    assert challenge_of(Path("lectures/6_quantification/01_x.ipynb")) == 6
    with pytest.raises(ValueError, match=r"folder named <n>_<challenge>"):
        challenge_of(Path("lectures/fusion/01_x.ipynb"))
    with pytest.raises(ValueError, match="n in 0..6"):
        challenge_of(Path("lectures/9_extra/01_x.ipynb"))


def test_render_index_groups_by_challenge_and_escapes_errors():
    runs = [NotebookRun("lectures/1_representation/01_a.ipynb", "lecture", 1, True, 3.0, html="a.html", slides="a.s.html"),
            NotebookRun("labs/6_quantification/01_b.ipynb", "lab", 6, False, 2.0, error="ClaimFailed: x < y", html="b.html")]
    page = render_index(runs, profile="quick", total_seconds=5.0)
    assert page.index("1. Representation") < page.index("6. Quantification")
    assert "x &lt; y" in page and "2 notebooks, 1 ok, 1 failed" in page
    assert "Alignment" not in page  # empty challenges are not listed


@pytest.mark.notebook
def test_main_builds_index_timings_and_reports_failure(tree, monkeypatch):
    monkeypatch.chdir(tree)
    monkeypatch.setenv("MPLBACKEND", "agg")  # a shell setting that must not reach the kernels
    status = main(["--root", str(tree), "--out", str(tree / "build"), "--jobs", "2"])
    assert status == 1  # one notebook's claim fails
    build = tree / "build"
    assert (build / "lectures/1_representation/01_ok.html").is_file()
    assert (build / "lectures/1_representation/01_ok.slides.html").is_file()
    page = (build / "lectures/1_representation/01_ok.html").read_text()
    assert page.count('src="data:image/png') >= 1, "the figure of plt.show() is missing from the page"
    assert (build / "labs/6_quantification/01_bad.html").is_file()
    page = (build / "index.html").read_text()
    assert "claim does not hold: one equals two" in page
    rows = {r["notebook"]: r for r in csv.DictReader(open(build / "timings.csv"))}
    assert rows["lectures/1_representation/01_ok.ipynb"]["status"] == "ok"
    assert rows["labs/6_quantification/01_bad.ipynb"]["status"] == "failed"
    assert not (tree / "lectures/1_representation/scratch.txt").exists(), "notebooks must run outside the repo"


def test_main_rejects_bad_profile(tree, monkeypatch):
    monkeypatch.setenv("MMLAB_PROFILE", "medium")
    with pytest.raises(ValueError, match="MMLAB_PROFILE must be one of"):
        main(["--root", str(tree), "--out", str(tree / "build")])
