"""Build the book: execute every notebook in a fresh kernel and render it to HTML.

``make book`` runs ``python -m mmlab.book``. It finds every lecture under
``lectures/`` and every lab source under ``labs/`` (not the student copies),
executes them in parallel, each in its own fresh kernel limited to one thread,
and writes under ``build/``:

- ``build/<path>.html`` for each notebook, and ``build/<path>.slides.html``
  (reveal.js) for each lecture;
- ``build/index.html``: the notebooks grouped by challenge, each with its
  status (ok, or failed with the failing claim or error), time and links;
- ``build/timings.csv``: one row per notebook.

Notebooks are executed with a temporary working directory, so nothing they
write lands in the repository. The exit status is 1 when any notebook fails.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHALLENGES", "NotebookRun", "discover", "execute", "main", "render_index"]

#: Folder number -> challenge name, in the order of the course.
CHALLENGES: dict[int, str] = {
    0: "Orientation",
    1: "Representation",
    2: "Alignment",
    3: "Reasoning",
    4: "Generation",
    5: "Transference",
    6: "Quantification",
}

_FOLDER = re.compile(r"^(\d)_[a-z_]+$")


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


def discover(root: str | Path = ".") -> list[Path]:
    """Return every lecture and lab source notebook, sorted, relative to ``root``."""
    root = Path(root)
    found = []
    for top in ("lectures", "labs"):
        for nb in sorted((root / top).rglob("*.ipynb")):
            rel = nb.relative_to(root)
            if "student" in rel.parts or ".ipynb_checkpoints" in rel.parts:
                continue
            found.append(rel)
    return found


def challenge_of(rel: Path) -> int:
    """Return the challenge number ``n`` of ``lectures/<n>_<name>/...``; raise if the folder is misnamed."""
    match = _FOLDER.match(rel.parts[1]) if len(rel.parts) > 2 else None
    if not match or int(match.group(1)) not in CHALLENGES:
        raise ValueError(
            f"{rel} must live in a folder named <n>_<challenge> with n in 0..6 "
            "(e.g. lectures/1_representation/01_topic.ipynb)."
        )
    return int(match.group(1))


def _error_line(exc: BaseException) -> str:
    """One line for the index: the failing claim, or the exception's type and message."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    text = f"{ename}: {evalue}" if evalue else ename
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # strip ANSI colours
    return " ".join(text.split())[:400]


#: The backend ipykernel itself selects; figures become image/png outputs of their cells.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def execute(root: str, rel: str, out_dir: str, timeout: int = 900) -> NotebookRun:
    """Execute one notebook in a fresh kernel and render it; never raises for notebook errors."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert import HTMLExporter, SlidesExporter

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
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": cwd}})
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            ok, error = False, _error_line(exc)
        except Exception as exc:  # noqa: BLE001 - report any failure in the index
            ok, error = False, _error_line(exc)
    seconds = time.perf_counter() - started

    target = Path(out_dir) / relp.with_suffix(".html")
    target.parent.mkdir(parents=True, exist_ok=True)
    body, _ = HTMLExporter().from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    slides = ""
    if kind == "lecture":
        slide_path = Path(out_dir) / relp.with_suffix(".slides.html")
        body, _ = SlidesExporter().from_notebook_node(nb)
        slide_path.write_text(body, encoding="utf-8")
        slides = slide_path.relative_to(out_dir).as_posix()
    return NotebookRun(path=relp.as_posix(), kind=kind, challenge=challenge_of(relp), ok=ok,
                       seconds=round(seconds, 2), error=error,
                       html=target.relative_to(out_dir).as_posix(), slides=slides)


def render_index(runs: list[NotebookRun], *, profile: str, total_seconds: float) -> str:
    """Return the HTML of ``build/index.html``."""
    failed = [r for r in runs if not r.ok]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>mmlab workbook</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em}",
        "table{border-collapse:collapse;width:100%}td,th{padding:.3em .6em;border-bottom:1px solid #ddd;"
        "text-align:left;vertical-align:top}",
        ".ok{color:#1a7f37}.failed{color:#cf222e}.err{font-family:monospace;font-size:.85em;color:#555}",
        "</style></head><body>",
        "<h1>mmlab: multimodal machine learning workbook</h1>",
        f"<p>Profile <b>{html.escape(profile)}</b>; {len(runs)} notebooks, "
        f"{len(runs) - len(failed)} ok, {len(failed)} failed; {total_seconds:.0f} s wall time. "
        "Per-notebook times are in <a href='timings.csv'>timings.csv</a>.</p>",
    ]
    for n, name in CHALLENGES.items():
        group = [r for r in runs if r.challenge == n]
        if not group:
            continue
        parts.append(f"<h2>{n}. {html.escape(name)}</h2><table>")
        parts.append("<tr><th>notebook</th><th>kind</th><th>status</th><th>time (s)</th><th>links</th></tr>")
        for r in sorted(group, key=lambda r: (r.kind, r.path)):
            status = ("<span class='ok'>ok</span>" if r.ok else
                      f"<span class='failed'>failed</span><div class='err'>{html.escape(r.error)}</div>")
            links = f"<a href='{html.escape(r.html)}'>html</a>"
            if r.slides:
                links += f" · <a href='{html.escape(r.slides)}'>slides</a>"
            parts.append(f"<tr><td>{html.escape(r.path)}</td><td>{r.kind}</td><td>{status}</td>"
                         f"<td>{r.seconds:.1f}</td><td>{links}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
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
    out.mkdir(parents=True, exist_ok=True)
    notebooks = [p for p in discover(root) if args.only in p.as_posix()]
    if not notebooks:
        print(f"no notebooks found under {root} matching {args.only!r}", file=sys.stderr)
        return 1
    for rel in notebooks:
        challenge_of(rel)
    started = time.perf_counter()
    runs: list[NotebookRun] = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(execute, str(root), rel.as_posix(), str(out)): rel for rel in notebooks}
        with tqdm(total=len(futures), desc=f"book ({chosen})", unit="nb") as bar:
            for future in as_completed(futures):
                run = future.result()
                runs.append(run)
                bar.set_postfix_str(f"{Path(run.path).name} {'ok' if run.ok else 'FAILED'} {run.seconds:.0f}s")
                bar.update()
    total = time.perf_counter() - started
    runs.sort(key=lambda r: r.path)
    (out / "index.html").write_text(render_index(runs, profile=chosen, total_seconds=total), encoding="utf-8")
    with open(out / "timings.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["notebook", "kind", "challenge", "status", "seconds", "profile", "error"])
        for r in runs:
            writer.writerow([r.path, r.kind, r.challenge, "ok" if r.ok else "failed", f"{r.seconds:.2f}", chosen, r.error])
    width = max(len(r.path) for r in runs)
    print(f"\n{'notebook':<{width}}  status   seconds")
    for r in sorted(runs, key=lambda r: -r.seconds):
        print(f"{r.path:<{width}}  {'ok' if r.ok else 'FAILED':<7} {r.seconds:8.1f}")
    for r in runs:
        if not r.ok:
            print(f"\nFAILED {r.path}: {r.error}", file=sys.stderr)
    print(f"\nwrote {out / 'index.html'} ({len(runs)} notebooks, {total:.0f} s)")
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
