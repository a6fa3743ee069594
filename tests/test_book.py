"""Tests of the book builder (mmlab.book): offline pages and decks, static widgets, the front page."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from mmlab.book import (
    NotebookRun,
    count_claims,
    discover,
    main,
    render_index,
    render_page,
    render_slides,
    static_widgets,
    tex_to_mathml,
)
from mmlab.course import CHALLENGES, notebooks

ROOT = Path(__file__).resolve().parents[1]
RAW_TEX = re.compile(r"\$\$|\\(sum|frac|log|mathcal|begin|hat)\b")


def _notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell(code)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _notebook(
        tmp_path / "lectures/1_representation/01_ok.ipynb",
        "import mmlab\nmmlab.claim('one equals one', 1 == 1)\nopen('scratch.txt', 'w').write('x')\n"
        "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.title('a line')\nplt.show()",
    )
    _notebook(
        tmp_path / "labs/6_quantification/01_bad.ipynb", "import mmlab\nmmlab.claim('one equals two', 1 == 2, got=1)"
    )
    _notebook(tmp_path / "labs/student/6_quantification/01_bad.ipynb", "raise RuntimeError")
    return tmp_path


# A 1x1 PNG: the figure an Output widget captured.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _widget_state() -> dict:
    """An interactive() as nbclient stores it: a VBox of a slider, a dropdown and an Output holding a figure."""

    def model(name, **state):
        return {
            "model_name": name,
            "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0",
            "state": state,
        }

    return {
        "state": {
            "box": model("VBoxModel", children=["IPY_MODEL_slider", "IPY_MODEL_choice", "IPY_MODEL_out"]),
            "slider": model("FloatSliderModel", description="noise", value=0.25, min=0.0, max=1.0),
            "choice": model("DropdownModel", description="operator", index=1, _options_labels=["sum", "product"]),
            "out": {
                "model_name": "OutputModel",
                "model_module": "@jupyter-widgets/output",
                "model_module_version": "1.0.0",
                "state": {
                    "outputs": [
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {"image/png": PNG, "text/plain": "<Figure>"},
                        },
                        {"output_type": "stream", "name": "stdout", "text": "captured text\n"},
                    ]
                },
            },
        },
        "version_major": 2,
        "version_minor": 0,
    }


@pytest.fixture
def executed() -> nbformat.NotebookNode:
    """A small executed notebook: math in markdown, in a <details> hint and in a text/latex output,
    a figure, two claims and a widget whose figure lives only in the widget state."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": _widget_state()}
    code = nbformat.v4.new_code_cell("widgets.explorer()")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "box", "version_major": 2, "version_minor": 0},
                "text/plain": "interactive(children=(...))",
            },
        )
    ]
    claims = nbformat.v4.new_code_cell("claim(...)")
    claims.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="✓ entropy is at most one bit\n"),
        nbformat.v4.new_output("stream", name="stdout", text="✓ the second claim  (x=1)\n"),
        nbformat.v4.new_output("display_data", data={"text/latex": r"$\frac{a}{b}$", "text/plain": "a/b"}),
    ]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Entropy\n\nThe entropy of $X$ is\n\n"
            "$$H(X) = -\\sum_x p(x) \\log_2 p(x), \\quad q^* = \\arg\\min_q f(q).$$"
        ),
        nbformat.v4.new_markdown_cell(
            "## A widget\n\n<details><summary>Hint</summary> Use $\\hat y = \\frac{1}{n}$.</details>"
        ),
        code,
        nbformat.v4.new_markdown_cell("## Claims\n\n\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}"),
        claims,
    ]
    return nb


class _VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles, comments or attributes (MathML's alttext is an attribute)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "annotation", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "annotation", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def _href(page: str, rel: str) -> str | None:
    """The href of the page's ``<a rel=...>`` link (nbconvert may reorder attributes)."""
    for tag in re.findall(r"<a\b[^>]*>", page):
        if re.search(rf'\brel="{rel}"', tag):
            return re.search(r'\bhref="([^"]*)"', tag).group(1)
    return None


def _assert_offline(page: str) -> None:
    remote = re.findall(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//[^>]*>", page, re.I)
    assert not remote, f"the page loads from the network: {remote[:3]}"
    assert not re.search(r"@import\s+url\(\s*[\"']?https?:|require\.js|mathjax|reveal\.js|unpkg|cdnjs", page, re.I)


# --------------------------------------------------------------------------- discovery


def test_discover_skips_student_copies(tree):
    assert [p.as_posix() for p in discover(tree)] == [
        "lectures/1_representation/01_ok.ipynb",
        "labs/6_quantification/01_bad.ipynb",
    ]


def test_discover_rejects_a_misnamed_folder(tree):
    _notebook(tree / "lectures/fusion/01_x.ipynb", "pass")
    with pytest.raises(ValueError, match=r"folder named <n>_<challenge>"):
        discover(tree)


# --------------------------------------------------------------------------- math, claims, widgets


def test_tex_to_mathml_renders_display_and_inline_math_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        block = tex_to_mathml(r"H(X) = -\sum_x p(x) \log_2 p(x)", display=True)
        inline = tex_to_mathml(r"\arg\min_k \lVert x - \mu_k \rVert")
    assert block.startswith("<math ") and 'display="block"' in block and "&#x02211;" in block  # the sum sign
    assert 'alttext="H(X) = -\\sum_x p(x) \\log_2 p(x)"' in block
    assert 'display="inline"' in inline and ">arg<" in inline and "\\arg" not in inline.split(">", 1)[1]


def test_tex_to_mathml_shows_what_it_cannot_render_as_code_with_a_warning():
    with pytest.warns(UserWarning, match="cannot render TeX"):
        out = tex_to_mathml(r"\frac{a}{")
    assert out.startswith('<code class="mmlab-tex-error">')


def test_every_formula_in_the_course_renders_to_mathml():
    formulas = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for info in notebooks(ROOT):
            nb = nbformat.read(ROOT / info.path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "markdown" and "$" in cell.source:
                    for display, inline in re.findall(r"\$\$(.+?)\$\$|\$([^$]+)\$", cell.source, re.S):
                        tex_to_mathml(display or inline, display=bool(display))
                        formulas += 1
    assert formulas > 0


def test_count_claims(executed):
    assert count_claims(executed) == (2, 0)


def test_static_widgets_shows_controls_and_captured_outputs(executed):
    before = json.dumps(executed, sort_keys=True)
    nb = static_widgets(executed)
    assert json.dumps(executed, sort_keys=True) == before, "the notebook passed in must not change"
    assert "widgets" not in nb.metadata
    outputs = nb.cells[2].outputs
    assert [o.output_type for o in outputs] == ["display_data", "display_data", "stream"]
    controls = outputs[0].data["text/html"]
    assert "<b>noise</b> = 0.25" in controls and "(0 to 1)" in controls and "<b>operator</b> = product" in controls
    assert outputs[1].data["image/png"] == PNG and outputs[2].text == "captured text\n"
    assert all("application/vnd.jupyter.widget-view+json" not in o.get("data", {}) for o in outputs)


def test_static_widgets_notes_a_widget_without_saved_state(executed):
    del executed.metadata["widgets"]
    outputs = static_widgets(executed).cells[2].outputs
    assert len(outputs) == 1 and "state was not saved" in outputs[0].text


# --------------------------------------------------------------------------- pages and decks


NAV = {
    "number": "1.2",
    "title": "Entropy",
    "kind": "lecture",
    "index": "../../index.html",
    "slides": "02_entropy.slides.html",
    "page": "02_entropy.html",
    "prev": {"href": "01_intro.html", "label": "1.1 Intro"},
    "next": {"href": "03_more.html", "label": "1.3 More"},
}


def test_page_renders_math_figures_and_widgets_with_no_network(executed):
    page = render_page(executed, NAV)
    _assert_offline(page)
    assert page.count("<math ") >= 5  # $X$, the display formula, the hint's two, bmatrix, the text/latex output
    assert not RAW_TEX.search(_visible_text(page)), RAW_TEX.search(_visible_text(page))
    assert f'src="data:image/png;base64,{PNG}"' in page, "the widget's figure is missing"
    assert "<b>noise</b> = 0.25" in page
    assert _href(page, "prev") == "01_intro.html" and _href(page, "next") == "03_more.html"
    assert 'href="../../index.html"' in page and 'href="02_entropy.slides.html"' in page
    assert "<title>1.2 Entropy</title>" in page


def test_deck_has_one_slide_per_heading_and_an_inline_player(executed):
    deck = render_slides(executed, NAV)
    _assert_offline(deck)
    assert deck.count('<section class="mmlab-slide">') == 3  # "# Entropy", "## A widget", "## Claims"
    assert not RAW_TEX.search(_visible_text(deck))
    assert "mmlab-current" in deck and 'href="02_entropy.html"' in deck  # the player; the link to the page


def test_deck_follows_the_notebooks_own_slideshow_metadata(executed):
    kinds = ["slide", "skip", "subslide", "notes", "-"]
    for cell, kind in zip(executed.cells, kinds, strict=True):
        cell.metadata["slideshow"] = {"slide_type": kind}
    deck = render_slides(executed)
    assert deck.count('<section class="mmlab-slide">') == 2
    assert "A widget" not in _visible_text(deck)  # skipped
    assert '<aside class="mmlab-notes">' in deck


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no headless browser: `apt-get install -y chromium` runs the in-browser check")
    return found


def _browser_dom(browser: str, path: Path, profile: Path) -> str:
    """The DOM after the page's scripts ran, with every network name unresolvable."""
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "<body" in result.stdout, result.stderr[-2000:]
    return result.stdout


def test_a_browser_offline_shows_typeset_math_and_turns_slides(executed, tmp_path):
    browser = _chromium()
    page, deck = tmp_path / "02_entropy.html", tmp_path / "02_entropy.slides.html"
    page.write_text(render_page(executed, NAV), encoding="utf-8")
    deck.write_text(render_slides(executed, NAV), encoding="utf-8")
    for path in (page, deck):
        dom = _browser_dom(browser, path, tmp_path / "profile")
        text = _visible_text(dom)
        assert not RAW_TEX.search(text), f"{path.name} shows raw TeX: {RAW_TEX.search(text)}"
        assert dom.count("<math") >= 5 and "captured" in text
    assert 'class="mmlab-slide mmlab-current"' in dom and re.search(r'id="mmlab-counter"[^>]*>1 / 3<', dom)


# --------------------------------------------------------------------------- the front page


def test_render_index_is_the_course_front_page():
    runs = [
        NotebookRun(
            "lectures/1_representation/01_a.ipynb",
            "lecture",
            1,
            True,
            3.0,
            html="a.html",
            slides="a.s.html",
            number="1.1",
            title="Interaction regression",
            claims_passed=16,
        ),
        NotebookRun(
            "labs/6_quantification/01_b.ipynb",
            "lab",
            6,
            False,
            2.0,
            error="ClaimFailed: x < y",
            html="b.html",
            number="6.1",
            title="Interactions",
            claims_passed=3,
            claims_failed=1,
        ),
    ]
    page = render_index(runs, profile="quick", total_seconds=5.0)
    _assert_offline(page)
    assert "2 notebooks, 1 ok, 1 failed" in page and "x &lt; y" in page and "timings.csv" in page
    for challenge in CHALLENGES.values():  # the map: every challenge, one line each
        assert challenge.name in page and html.escape(challenge.summary) in page
    assert page.count(">coming<") == 5  # orientation, alignment, reasoning, generation, transference
    assert page.index("1. Representation") < page.index("6. Quantification")
    row = page[page.index("Interaction regression") - 200 : page.index("a.s.html") + 20]
    assert "1.1" in row and "lecture" in row and "16 ✓" in row and "href='a.html'" in row
    assert "3 ✓ <span class='failed'>1 ✗</span>" in page


def test_render_index_maps_coverage_from_the_catalogue(tree):
    runs = [NotebookRun("lectures/1_representation/01_ok.ipynb", "lecture", 1, True, 1.0, html="x.html")]
    page = render_index(runs, profile="quick", total_seconds=1.0, catalogue=notebooks(tree))
    assert "1 lecture</span>" in page and "1 lab</span>" in page  # representation; quantification not built
    assert page.count(">coming<") == 5


def test_a_partial_build_keeps_the_pages_of_an_earlier_one_in_the_index(tree):
    from mmlab.book import _earlier_runs

    out = tree / "build"
    for page in ("lectures/1_representation/01_ok.html", "lectures/1_representation/01_ok.slides.html"):
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text("<html></html>")
    (out / "timings.csv").write_text(
        "notebook,kind,challenge,status,seconds,profile,error,claims_passed,claims_failed\n"
        "lectures/1_representation/01_ok.ipynb,lecture,1,ok,4.50,full,,7,0\n"
        "labs/6_quantification/01_bad.ipynb,lab,6,failed,1.00,full,ClaimFailed: x,0,1\n"  # its page is gone
        "lectures/9_gone/01_old.ipynb,lecture,9,ok,1.00,full,,1,0\n"
    )  # no longer in the course
    catalogue = notebooks(tree)
    kept = _earlier_runs(out, catalogue, rebuilt=set())
    assert [(r.path, r.seconds, r.claims_passed, r.profile, r.slides) for r in kept] == [
        ("lectures/1_representation/01_ok.ipynb", 4.5, 7, "full", "lectures/1_representation/01_ok.slides.html")
    ]
    assert kept[0].title == "Title" and kept[0].number == "1.1"
    assert _earlier_runs(out, catalogue, rebuilt={"lectures/1_representation/01_ok.ipynb"}) == []


@pytest.mark.notebook
def test_main_builds_index_pages_and_timings_and_reports_failure(tree, monkeypatch):
    monkeypatch.chdir(tree)
    monkeypatch.setenv("MPLBACKEND", "agg")  # a shell setting that must not reach the kernels
    status = main(["--root", str(tree), "--out", str(tree / "build"), "--jobs", "2"])
    assert status == 1  # one notebook's claim fails
    build = tree / "build"
    page = (build / "lectures/1_representation/01_ok.html").read_text()
    assert page.count('src="data:image/png') >= 1, "the figure of plt.show() is missing from the page"
    deck = (build / "lectures/1_representation/01_ok.slides.html").read_text()
    _assert_offline(page)
    _assert_offline(deck)
    # reading order: the lecture, then the lab; links are relative, so they work on file:// too
    link = _href(page, "next")
    assert (build / "lectures/1_representation" / link).resolve() == (build / "labs/6_quantification/01_bad.html")
    assert (build / "lectures/1_representation" / "../../index.html").resolve() == build / "index.html"
    lab = (build / "labs/6_quantification/01_bad.html").read_text()
    assert _href(lab, "prev") == "../../lectures/1_representation/01_ok.html" and _href(lab, "next") is None
    index = (build / "index.html").read_text()
    assert "claim does not hold: one equals two" in index and "1 ✓" in index and "0 ✓ <span class='failed'>1 ✗" in index
    rows = {r["notebook"]: r for r in csv.DictReader(io.StringIO((build / "timings.csv").read_text()))}
    assert rows["lectures/1_representation/01_ok.ipynb"]["status"] == "ok"
    assert rows["labs/6_quantification/01_bad.ipynb"]["status"] == "failed"
    assert rows["lectures/1_representation/01_ok.ipynb"]["claims_passed"] == "1"
    assert not (tree / "lectures/1_representation/scratch.txt").exists(), "notebooks must run outside the repo"


def test_main_rejects_bad_profile(tree, monkeypatch):
    monkeypatch.setenv("MMLAB_PROFILE", "medium")
    with pytest.raises(ValueError, match="MMLAB_PROFILE must be one of"):
        main(["--root", str(tree), "--out", str(tree / "build")])


def test_count_claims_skips_cells_that_show_a_failure_on_purpose():
    import nbformat

    from mmlab.book import count_claims

    def cell(text, tags=()):
        out = nbformat.v4.new_output("stream", name="stdout", text=text)
        return nbformat.v4.new_code_cell("", outputs=[out], metadata={"tags": list(tags)})

    nb = nbformat.v4.new_notebook(cells=[cell("✓ holds\n"), cell("✗ shown failing\n", ["shows-a-failure"])])
    assert count_claims(nb) == (1, 0)
    nb.cells[1].metadata["tags"] = []
    assert count_claims(nb) == (1, 1)
