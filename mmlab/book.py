"""Build the book: execute every notebook in a fresh kernel and render it to HTML that works offline.

``make book`` runs ``python -m mmlab.book``. It takes every lecture and lab
source notebook from :func:`mmlab.course.notebooks` (in reading order),
executes them in parallel, each in its own fresh kernel limited to one thread
and with a temporary working directory (nothing a notebook writes lands in the
repository), and writes under ``build/``:

- ``build/<path>.html`` for each notebook, with links to the previous and next
  notebook in reading order, and ``build/<path>.slides.html`` for each lecture:
  a slide deck with one slide per heading, driven by a small inline player;
- ``build/index.html``: the course's front page, with the map of the six
  challenges (what is covered, what is coming) and, per notebook, its number,
  title, kind, status (ok, or the failing claim), time, claims checked and links;
- ``build/timings.csv``: one row per notebook.

Every page and deck works without network access, from ``file://`` or from a
static server: equations are rendered to MathML at build time
(:func:`tex_to_mathml`, with ``latex2mathml``), figures are inline PNGs, the
widgets' executed state is drawn statically (:func:`static_widgets`), and the
few styles and scripts the pages need are inlined from ``mmlab/_book_assets/``.
No page loads MathJax, require.js, the widget manager or reveal.js.

``--only TEXT`` executes only the notebooks whose path contains ``TEXT``; the
pages an earlier build left in the output folder stay listed on the front page.
The exit status is 1 when any notebook executed fails.
"""

from __future__ import annotations

import argparse
import copy
import csv
import html
import os
import posixpath
import re
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmlab.course import CHALLENGES, NotebookInfo, challenge_of, notebooks

__all__ = [
    "INLINE_BACKEND",
    "NotebookRun",
    "count_claims",
    "discover",
    "execute",
    "main",
    "render_index",
    "render_page",
    "render_slides",
    "static_widgets",
    "tex_to_mathml",
]

#: The backend ipykernel itself selects; figures become image/png outputs of their cells.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

#: Templates, styles and the slide player, inlined into every page and deck.
ASSETS = Path(__file__).with_name("_book_assets")

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@dataclass(frozen=True)
class NotebookRun:
    """The outcome of executing one notebook."""

    path: str  # relative to the repository root, POSIX separators
    kind: str  # "lecture" or "lab"
    challenge: int
    ok: bool
    seconds: float
    error: str = ""  # the failing claim or the error, one line
    html: str = ""  # relative to build/
    slides: str = ""  # relative to build/ (lectures only)
    number: str = ""  # "<challenge>.<index>", e.g. "1.2"
    title: str = ""
    claims_passed: int = 0  # "✓" lines printed by mmlab.claim and the lab checks
    claims_failed: int = 0  # "✗" lines
    profile: str = ""  # set for pages kept from an earlier build (see --only); empty: this build's


def discover(root: str | Path = ".") -> list[Path]:
    """Every lecture and lab source notebook, in reading order, relative to ``root``.

    A thin view of :func:`mmlab.course.notebooks` (which skips the student copies).

    Raises
    ------
    ValueError
        If a notebook breaks the naming scheme ``<kind>/<n>_<challenge>/<kk>_<topic>.ipynb``.
    """
    return [Path(info.path) for info in notebooks(root)]


# --------------------------------------------------------------------------- math


#: Operator names latex2mathml does not know, spelled with ``\operatorname``.
_OPERATORS = ("arg",)
_OPERATOR_RE = re.compile(r"\\(" + "|".join(_OPERATORS) + r")(?![A-Za-z])")
_FUNCTION_RE = re.compile(r"<mi>(log|ln|lg|exp|sin|cos|tan|sinh|cosh|tanh|det|dim|ker|deg|Pr|gcd|hom)</mi>")


def tex_to_mathml(tex: str, display: bool = False) -> str:
    r"""Render one TeX formula to a MathML ``<math>`` element, at build time.

    Browsers draw MathML natively, so the page needs no script (MathJax) to show it.
    The TeX source is kept in the ``alttext`` attribute for screen readers and copying.

    Parameters
    ----------
    tex : str
        The formula without its delimiters, e.g. ``H(X) = -\sum_x p(x) \log p(x)``.
    display : bool, default False
        A display (block) formula, as between ``$$ ... $$``; otherwise inline.

    Returns
    -------
    str
        The ``<math>`` element. A formula that cannot be converted is returned as
        ``<code class="mmlab-tex-error">`` holding the TeX, with a warning.

    Examples
    --------
    >>> tex_to_mathml(r"\sum_i x_i").startswith('<math alttext="\\sum_i x_i"')
    True
    >>> "<mfrac>" in tex_to_mathml(r"\frac{a}{b}", display=True)
    True
    """
    from latex2mathml.converter import convert

    source = _OPERATOR_RE.sub(r"\\operatorname{\1}", tex.strip())
    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many types: show the TeX instead
        warnings.warn(
            f"mmlab.book: cannot render TeX {tex!r} ({type(exc).__name__}: {exc}); "
            "it is shown as code. Rewrite it with supported macros.",
            stacklevel=2,
        )
        return f'<code class="mmlab-tex-error">{html.escape(tex)}</code>'
    unknown = re.findall(r"<mi>\\([A-Za-z]+)</mi>", mathml)
    if unknown:
        warnings.warn(
            f"mmlab.book: TeX macros {sorted(set(unknown))} in {tex!r} are not known to latex2mathml; "
            "they are shown upright by name. Add them to mmlab.book._OPERATORS or rewrite them.",
            stacklevel=2,
        )
        mathml = re.sub(r"<mi>\\([A-Za-z]+)</mi>", r"<mi mathvariant='normal'>\1</mi>", mathml)
    # latex2mathml writes \log, \exp, ... as plain identifiers; TeX sets a thin space around them.
    mathml = _FUNCTION_RE.sub(r'<mo lspace="0.1667em" rspace="0.1667em">\1</mo>', mathml)
    return mathml.replace("<math ", f'<math alttext="{html.escape(tex.strip(), quote=True)}" ', 1)


# Math inside raw HTML (e.g. a <details> hint), which markdown leaves alone and MathJax would typeset.
_HTML_TOKEN = re.compile(r"(<!--.*?-->|<[^>]+>)", re.DOTALL)
_HTML_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![$\\])\$(.+?)(?<![$\\])\$", re.DOTALL)
_VERBATIM = ("code", "pre", "script", "style", "math", "textarea")


def _math_in_html(fragment: str) -> str:
    """Replace ``$...$`` and ``$$...$$`` in the text (not the tags, not code) of an HTML fragment."""
    if "$" not in fragment:
        return fragment
    out, verbatim = [], 0
    for token in _HTML_TOKEN.split(fragment):
        if token.startswith("<"):
            name = re.match(r"</?\s*([A-Za-z0-9]+)", token)
            if name and name.group(1).lower() in _VERBATIM:
                verbatim += -1 if token.startswith("</") else (0 if token.endswith("/>") else 1)
                verbatim = max(verbatim, 0)
            out.append(token)
        elif verbatim:
            out.append(token)
        else:
            out.append(
                _HTML_MATH.sub(
                    lambda m: tex_to_mathml(html.unescape(m.group(1) or m.group(2)), display=m.group(1) is not None),
                    token,
                )
            )
    return "".join(out)


def _mathml_renderer_class():
    """nbconvert's markdown renderer, with math rendered to MathML instead of left for MathJax."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class MathMLRenderer(IPythonRenderer):
        def block_math(self, body: str) -> str:
            return tex_to_mathml(body, display=True)

        def multiline_math(self, text: str) -> str:
            return _math_in_html(text)

        def latex_environment(self, name: str, body: str) -> str:
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

        def inline_math(self, body: str) -> str:
            return tex_to_mathml(body)

        def block_html(self, html: str) -> str:
            return super().block_html(_math_in_html(html))

    return MathMLRenderer


def _exporter(template_file: str):
    """An nbconvert HTML exporter on the lab template, with mmlab's templates and MathML math."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer_class = _mathml_renderer_class()

    class BookExporter(HTMLExporter):
        @jinja2.pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = renderer_class(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(source)

    return BookExporter(
        template_name="lab", template_file=template_file, extra_loaders=[jinja2.FileSystemLoader(str(ASSETS))]
    )


# --------------------------------------------------------------------------- widgets


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return " – ".join(_format_value(v) for v in value)
    return str(value)


def _control(model: dict) -> str | None:
    """One control (slider, dropdown, checkbox, text box) as ``name = value (range)``; None for others."""
    state = model.get("state", {})
    name = str(state.get("description") or "")
    if "_options_labels" in state and "index" in state:  # Dropdown, RadioButtons, ToggleButtons, Select
        index = state["index"]
        labels = state["_options_labels"]
        if isinstance(index, (list, tuple)):
            value = ", ".join(str(labels[i]) for i in index)
        else:
            value = str(labels[index]) if isinstance(index, int) and 0 <= index < len(labels) else "–"
        extra = f"one of {len(labels)}"
    elif "value" in state and not model.get("model_name", "").endswith(("HTMLModel", "HTMLMathModel", "LabelModel")):
        value = _format_value(state["value"])
        extra = (
            f"{_format_value(state['min'])} to {_format_value(state['max'])}"
            if "min" in state and "max" in state
            else ""
        )
    else:
        return None
    text = f"<b>{html.escape(name)}</b> = {html.escape(value)}" if name else html.escape(value)
    if extra:
        text += f" <span class='mmlab-range'>({html.escape(extra)})</span>"
    return f"<span class='mmlab-control'>{text}</span>"


def _controls_output(controls: list[str]) -> dict:
    import nbformat

    body = (
        " ".join(controls) + "<span class='mmlab-widget-note'>Interactive controls, shown as executed. "
        "Open the notebook in Jupyter to move them.</span>"
    )
    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/html": f"<div class='mmlab-widget-controls'>{body}</div>",
            "text/plain": "(interactive controls: open the notebook in Jupyter to move them)",
        },
    )


def _widget_items(model_id: str, state: dict, depth: int = 0) -> list:
    """The static parts of one widget view, in order: ``("control", html)`` or ``("output", output)``."""
    import nbformat

    model = state.get(model_id)
    if model is None or depth > 50:
        return [
            (
                "output",
                nbformat.v4.new_output(
                    "stream", name="stdout", text="(a widget whose state was not saved: run the notebook to see it)\n"
                ),
            )
        ]
    name = model.get("model_name", "")
    mstate = model.get("state", {})
    if name == "OutputModel":
        return [
            item
            for out in mstate.get("outputs", [])
            for item in _output_items(nbformat.from_dict(out), state, depth + 1)
        ]
    if name in ("HTMLModel", "HTMLMathModel"):
        return [("output", nbformat.v4.new_output("display_data", data={"text/html": str(mstate.get("value", ""))}))]
    if name == "LabelModel":
        return [("output", nbformat.v4.new_output("stream", name="stdout", text=str(mstate.get("value", "")) + "\n"))]
    if isinstance(mstate.get("children"), list):  # HBox, VBox, interactive, Tab, Accordion, ...
        return [
            item
            for child in mstate["children"]
            for item in _widget_items(str(child).removeprefix("IPY_MODEL_"), state, depth + 1)
        ]
    line = _control(model)
    return [("control", line)] if line is not None else []


def _output_items(output, state: dict, depth: int = 0) -> list:
    data = output.get("data", {})
    if _WIDGET_VIEW not in data:
        return [("output", output)]
    return _widget_items(str(data[_WIDGET_VIEW].get("model_id", "")), state, depth)


def _static_outputs(outputs: list, state: dict) -> list:
    """Outputs with each widget view replaced by its outputs; adjacent controls share one line."""
    result, controls = [], []
    for kind, item in (i for out in outputs for i in _output_items(out, state)):
        if kind == "control":
            controls.append(item)
            continue
        if controls:
            result.append(_controls_output(controls))
            controls = []
        result.append(item)
    if controls:
        result.append(_controls_output(controls))
    return result


def static_widgets(nb):
    """A copy of an executed notebook whose widget views are replaced by their executed static state.

    Executed headless, an ``ipywidgets.interactive`` or ``interactive_output`` draws its
    figure into an Output widget: the figure is in the notebook's widget state, not in the
    cell's outputs, and a static page shows it only with the widget manager's JavaScript.
    This puts, in place of each widget view, the values of its controls (one line) and the
    outputs its Output widgets captured, so the page shows them with no script.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (its widget state in ``nb.metadata.widgets``).

    Returns
    -------
    nbformat.NotebookNode
        A new notebook without widget views or widget state; ``nb`` is not changed.
    """
    nb = copy.deepcopy(nb)
    widgets = nb.metadata.pop("widgets", {}) or {}
    state = widgets.get(_WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = _static_outputs(cell.get("outputs", []), state)
    return nb


# --------------------------------------------------------------------------- pages and decks


def count_claims(nb) -> tuple[int, int]:
    """The number of claims that held and failed in an executed notebook: its ``✓`` and ``✗`` lines.

    :func:`mmlab.claim` prints one such line per claim, and the lab checks one per passed exercise.
    Cells tagged ``shows-a-failure`` (a notebook showing what a false claim or a failed check looks
    like, and catching it) are not counted.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
    ...     "stream", name="stdout", text="✓ one holds\\nnoise\\n✗ two fails\\n")])
    >>> count_claims(nbformat.v4.new_notebook(cells=[cell]))
    (1, 1)
    """
    passed = failed = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or "shows-a-failure" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                for line in str(out.get("text", "")).splitlines():
                    line = line.lstrip()
                    passed += line.startswith("✓")
                    failed += line.startswith("✗")
    return passed, failed


_HEADING = re.compile(r"^\s*#{1,3}\s")


def _mark_slides(nb):
    """A copy of ``nb`` whose cells say where slides open and close (read by ``slides.html.j2``).

    Slides follow the notebook's own ``slideshow.slide_type`` metadata when it has any
    (``slide``/``subslide`` open a slide, ``skip`` drops a cell, ``notes`` become speaker
    notes); otherwise every markdown cell that starts with a heading (``#`` to ``###``)
    opens a slide.
    """
    nb = copy.deepcopy(nb)

    def slide_type(cell) -> str:
        return str(cell.get("metadata", {}).get("slideshow", {}).get("slide_type") or "-")

    explicit = any(slide_type(c) not in ("-", "fragment") for c in nb.cells)
    kept = []
    for cell in nb.cells:
        kind = slide_type(cell)
        if kind == "skip":
            continue
        if explicit:
            opens = kind in ("slide", "subslide")
        else:
            opens = cell.cell_type == "markdown" and bool(_HEADING.match(cell.source))
        cell.metadata["mmlab_slide_open"] = opens or not kept
        cell.metadata["mmlab_notes"] = kind == "notes"
        kept.append(cell)
    for cell, following in zip(kept, kept[1:], strict=False):
        cell.metadata["mmlab_slide_close"] = following.metadata["mmlab_slide_open"]
    if kept:
        kept[-1].metadata["mmlab_slide_close"] = True
    nb.cells = kept
    return nb


def _resources(context: dict | None, name: str) -> dict:
    context = dict(context or {})
    title = " ".join(p for p in (context.get("number", ""), context.get("title", "")) if p) or name
    return {"metadata": {"name": title}, "mmlab": context}


def render_page(nb, context: dict | None = None) -> str:
    """The HTML of one notebook's page: no network needed (MathML math, static widgets, inline styles).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, usually executed.
    context : dict, optional
        Navigation shown at the top and bottom of the page: ``number``, ``title``,
        ``kind``, and links relative to the page, ``index``, ``slides`` and
        ``prev``/``next`` (each ``{"href": ..., "label": ...}`` or None).

    Returns
    -------
    str
    """
    body, _ = _exporter("page.html.j2").from_notebook_node(
        static_widgets(nb), resources=_resources(context, "notebook")
    )
    return body


def render_slides(nb, context: dict | None = None) -> str:
    """The HTML of one notebook's slide deck: one slide per heading, shown by an inline player.

    Keys: right/left arrow for the next/previous slide, space/PageDown (a clicker)
    to scroll a long slide and then turn it, F for full screen, S for speaker notes.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, usually executed.
    context : dict, optional
        As for :func:`render_page`, with ``page``: the link to the notebook's page.

    Returns
    -------
    str
    """
    body, _ = _exporter("slides.html.j2").from_notebook_node(
        _mark_slides(static_widgets(nb)), resources=_resources(context, "slides")
    )
    return body


def _label(info: NotebookInfo) -> str:
    lab = info.kind == "lab" and not info.title.lower().startswith("lab")
    return f"{info.number} {info.title}" + (" (lab)" if lab else "")


def _page_of(path: str) -> str:
    return posixpath.splitext(path)[0] + ".html"


def _slides_of(path: str) -> str:
    return posixpath.splitext(path)[0] + ".slides.html"


def _contexts(catalogue: list[NotebookInfo]) -> dict[str, dict]:
    """Per notebook path: number, title, kind, and its previous and next notebooks in reading order."""
    out = {}
    for i, info in enumerate(catalogue):
        near = {}
        for key, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < len(catalogue):
                near[key] = {"path": _page_of(catalogue[j].path), "label": _label(catalogue[j])}
        out[info.path] = {"number": info.number, "title": info.title, "kind": info.kind, **near}
    return out


def _relative(target: str, page: str) -> str:
    """The link from build/<page> to build/<target>, both relative to build/ (works on file:// too)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _error_line(exc: BaseException) -> str:
    """One line for the index: the failing claim, or the exception's type and message."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    text = f"{ename}: {evalue}" if evalue else ename
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # strip ANSI colours
    return " ".join(text.split())[:400]


def execute(root: str, rel: str, out_dir: str, timeout: int = 900, context: dict | None = None) -> NotebookRun:
    """Execute one notebook in a fresh kernel and render its page (and deck); never raises for notebook errors.

    Parameters
    ----------
    root : str
        The repository root.
    rel : str
        The notebook, relative to ``root`` (POSIX separators).
    out_dir : str
        The build folder; the page goes to ``<out_dir>/<rel>.html``.
    timeout : int, default 900
        Seconds one cell may run.
    context : dict, optional
        ``number``, ``title``, ``kind`` and ``prev``/``next`` (``{"path": <page relative to
        out_dir>, "label": ...}``) for the page's navigation, as :func:`main` computes them.

    Returns
    -------
    NotebookRun
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    os.environ.setdefault("MMLAB_NUM_THREADS", "1")
    # Kernels must draw with the inline backend, or the rendered pages have no figures: a
    # MPLBACKEND=agg inherited from the shell would silently turn every plt.show() into nothing.
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

    relp = Path(rel)
    kind = "lecture" if relp.parts[0] == "lectures" else "lab"
    nb = nbformat.read(Path(root) / relp, as_version=4)
    started = time.perf_counter()
    ok, error = True, ""
    with tempfile.TemporaryDirectory(prefix="mmlab-book-") as cwd:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": cwd}})
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            ok, error = False, _error_line(exc)
        except Exception as exc:  # report any failure in the index
            ok, error = False, _error_line(exc)
    seconds = time.perf_counter() - started

    context = dict(context or {})
    page = _page_of(relp.as_posix())
    slides = _slides_of(relp.as_posix()) if kind == "lecture" else ""
    nav = {
        "number": context.get("number", ""),
        "title": context.get("title", ""),
        "kind": context.get("kind", kind),
        "index": _relative("index.html", page),
    }
    for key in ("prev", "next"):
        if context.get(key):
            nav[key] = {"href": _relative(context[key]["path"], page), "label": context[key]["label"]}
    target = Path(out_dir) / page
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_page(nb, {**nav, "slides": _relative(slides, page) if slides else ""}), encoding="utf-8")
    if slides:
        (Path(out_dir) / slides).write_text(
            render_slides(nb, {**nav, "page": _relative(page, slides)}), encoding="utf-8"
        )
    passed, failed = count_claims(nb)
    return NotebookRun(
        path=relp.as_posix(),
        kind=kind,
        challenge=challenge_of(relp),
        ok=ok,
        seconds=round(seconds, 2),
        error=error,
        html=page,
        slides=slides,
        number=nav["number"],
        title=nav["title"],
        claims_passed=passed,
        claims_failed=failed,
    )


# --------------------------------------------------------------------------- the front page


def _index_css() -> str:
    return (ASSETS / "index.css").read_text(encoding="utf-8")


def _coverage(items: list) -> str:
    lectures = sum(1 for n in items if n.kind == "lecture")
    labs = sum(1 for n in items if n.kind == "lab")
    parts = [f"{lectures} lecture{'s' * (lectures != 1)}"] if lectures else []
    parts += [f"{labs} lab{'s' * (labs != 1)}"] if labs else []
    return " · ".join(parts)


def render_index(
    runs: list[NotebookRun], *, profile: str, total_seconds: float, catalogue: list[NotebookInfo] | None = None
) -> str:
    """Return the HTML of ``build/index.html``, the course's front page.

    Parameters
    ----------
    runs : list of NotebookRun
        The notebooks built.
    profile : str
        The size profile they ran with (``quick`` or ``full``).
    total_seconds : float
        The wall time of the whole build.
    catalogue : list of NotebookInfo, optional
        Every notebook of the course (:func:`mmlab.course.notebooks`), for the map of what
        is covered; default: the notebooks in ``runs``.

    Returns
    -------
    str
    """
    covered = catalogue if catalogue is not None else runs
    failed = [r for r in runs if not r.ok]
    passed_claims = sum(r.claims_passed for r in runs)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>mmlab: multimodal machine learning workbook</title><style>{_index_css()}</style></head><body>",
        "<h1>mmlab: multimodal machine learning workbook</h1>",
        "<p class='lead'>Executable lectures and labs on the six core challenges of multimodal machine "
        "learning. Every lesson is a claim that the notebook checks when it runs: the claims column counts "
        "those that held (✓) and failed (✗) in this build.</p>",
        f"<p class='build'>Profile <b>{html.escape(profile)}</b>; {len(runs)} notebooks, "
        f"{len(runs) - len(failed)} ok, {len(failed)} failed; {passed_claims} claims checked; "
        f"{total_seconds:.0f} s wall time. "
        "Per-notebook times are in <a href='timings.csv'>timings.csv</a>.</p>",
        "<h2 id='map'>The course map</h2><table>",
        "<tr><th>#</th><th>challenge</th><th>what it asks</th><th>in this workbook</th></tr>",
    ]
    built = {r.challenge for r in runs}
    for n, challenge in CHALLENGES.items():
        items = [c for c in covered if c.challenge == n]
        name = html.escape(challenge.name)
        if n in built:
            name = f"<a href='#challenge-{n}'>{name}</a>"
        status = f"<span class='covered'>{_coverage(items)}</span>" if items else "<span class='coming'>coming</span>"
        parts.append(
            f"<tr><td class='num'>{n}</td><td>{name}</td><td>{html.escape(challenge.summary)}</td>"
            f"<td>{status}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        "<ul class='howto'><li><b>page</b>: the executed notebook, read top to bottom, with links to the "
        "previous and next notebook.</li><li><b>slides</b> (lectures): the same notebook, one slide per "
        "heading. Keys: → / ← slide, PgDn / PgUp or space (a clicker) scroll a long slide and then turn it, "
        "F full screen, S speaker notes.</li><li>Everything here works offline, opened from disk or from any "
        "static web server.</li></ul>"
    )
    for n, challenge in CHALLENGES.items():
        group = [r for r in runs if r.challenge == n]
        if not group:
            continue
        parts.append(
            f"<h2 id='challenge-{n}'>{n}. {html.escape(challenge.name)}</h2>"
            f"<p class='summary'>{html.escape(challenge.summary)}</p><table>"
        )
        parts.append(
            "<tr><th>#</th><th>notebook</th><th>kind</th><th>status</th><th>time (s)</th>"
            "<th>claims</th><th>links</th></tr>"
        )
        for r in sorted(group, key=lambda r: (r.kind != "lecture", r.path)):
            status = (
                "<span class='ok'>ok</span>"
                if r.ok
                else f"<span class='failed'>failed</span><div class='err'>{html.escape(r.error)}</div>"
            )
            title = html.escape(r.title or Path(r.path).stem.replace("_", " "))
            claims = f"{r.claims_passed} ✓" + (
                f" <span class='failed'>{r.claims_failed} ✗</span>" if r.claims_failed else ""
            )
            links = f"<a href='{html.escape(r.html)}'>page</a>"
            if r.slides:
                links += f" · <a href='{html.escape(r.slides)}'>slides</a>"
            parts.append(
                f"<tr><td class='num'>{html.escape(r.number)}</td><td><a href='{html.escape(r.html)}'>"
                f"{title}</a><div class='path'>{html.escape(r.path)}</div></td><td>{r.kind}</td>"
                f"<td>{status}</td><td class='time'>{r.seconds:.1f}</td><td class='claims'>{claims}</td>"
                f"<td>{links}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _earlier_runs(out: Path, catalogue: list[NotebookInfo], rebuilt: set[str]) -> list[NotebookRun]:
    """The notebooks an earlier build left in ``out`` (per its timings.csv) that this build does not redo.

    So that ``--only`` (and ``make slides``) refreshes some pages without dropping the others from the index.
    """
    try:
        with open(out / "timings.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, csv.Error):
        return []
    known = {info.path: info for info in catalogue}
    runs = []
    for row in rows:
        info = known.get(row.get("notebook", ""))
        if info is None or info.path in rebuilt or not (out / _page_of(info.path)).is_file():
            continue
        slides = _slides_of(info.path) if (out / _slides_of(info.path)).is_file() else ""
        try:
            runs.append(
                NotebookRun(
                    path=info.path,
                    kind=info.kind,
                    challenge=info.challenge,
                    ok=row.get("status") == "ok",
                    seconds=float(row.get("seconds") or 0),
                    error=row.get("error", ""),
                    html=_page_of(info.path),
                    slides=slides,
                    number=info.number,
                    title=info.title,
                    claims_passed=int(row.get("claims_passed") or 0),
                    claims_failed=int(row.get("claims_failed") or 0),
                    profile=row.get("profile", ""),
                )
            )
        except ValueError:
            continue
    return runs


def main(argv: list[str] | None = None) -> int:
    """Execute the notebooks and write the book; return 1 when any notebook fails.

    Parameters
    ----------
    argv : list of str, optional
        The command line (default: ``sys.argv[1:]``); ``--help`` lists the options.

    Returns
    -------
    int
        The exit status: 0 when every notebook executed now passed, 1 otherwise.

    Raises
    ------
    ValueError
        If ``MMLAB_PROFILE`` is not a known profile, or a notebook breaks the naming scheme.
    """
    parser = argparse.ArgumentParser(description="Execute every notebook and render the book to build/.")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("--out", default="build", help="output folder (default: build)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks run at once")
    parser.add_argument("--only", default="", help="run only notebooks whose path contains this text")
    args = parser.parse_args(argv)

    from tqdm.auto import tqdm

    from mmlab.runtime import profile

    chosen = profile()  # validates MMLAB_PROFILE before anything runs
    root = Path(args.root).resolve()
    out = Path(args.out).resolve()
    catalogue = notebooks(root)  # raises on a misnamed notebook before anything runs
    selected = [info for info in catalogue if args.only in info.path]
    if not selected:
        print(f"no notebooks found under {root} matching {args.only!r}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    contexts = _contexts(catalogue)
    started = time.perf_counter()
    runs: list[NotebookRun] = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(execute, str(root), info.path, str(out), context=contexts[info.path]) for info in selected
        ]
        with tqdm(total=len(futures), desc=f"book ({chosen})", unit="nb") as bar:
            for future in as_completed(futures):
                run = future.result()
                runs.append(run)
                bar.set_postfix_str(f"{Path(run.path).name} {'ok' if run.ok else 'FAILED'} {run.seconds:.0f}s")
                bar.update()
    total = time.perf_counter() - started
    failed_now = [r for r in runs if not r.ok]
    runs += _earlier_runs(out, catalogue, {r.path for r in runs})
    order = {info.path: i for i, info in enumerate(catalogue)}
    runs.sort(key=lambda r: order[r.path])
    (out / "index.html").write_text(
        render_index(runs, profile=chosen, total_seconds=total, catalogue=catalogue), encoding="utf-8"
    )
    with open(out / "timings.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["notebook", "kind", "challenge", "status", "seconds", "profile", "error", "claims_passed", "claims_failed"]
        )
        for r in runs:
            writer.writerow(
                [
                    r.path,
                    r.kind,
                    r.challenge,
                    "ok" if r.ok else "failed",
                    f"{r.seconds:.2f}",
                    r.profile or chosen,
                    r.error,
                    r.claims_passed,
                    r.claims_failed,
                ]
            )
    width = max(len(r.path) for r in runs)
    print(f"\n{'notebook':<{width}}  status   seconds  claims")
    for r in sorted(runs, key=lambda r: -r.seconds):
        print(f"{r.path:<{width}}  {'ok' if r.ok else 'FAILED':<7} {r.seconds:8.1f}  {r.claims_passed:6d}")
    for r in failed_now:
        print(f"\nFAILED {r.path}: {r.error}", file=sys.stderr)
    print(f"\nwrote {out / 'index.html'} ({len(runs)} notebooks, {len(selected)} executed now, {total:.0f} s)")
    return 1 if failed_now else 0


if __name__ == "__main__":
    sys.exit(main())
