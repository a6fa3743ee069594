"""pyproject.toml ranges, requirements.lock pins and environment.yml agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _lock() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert m, f"requirements.lock: {line!r} is not an exact pin name==version"
        pins[canonicalize_name(m.group(1))] = Version(m.group(2))
    return pins


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra if not r.startswith("mmlab")]
    return reqs


def _environment_yml() -> tuple[list[str], dict[str, str]]:
    text = (ROOT / "environment.yml").read_text()
    conda = re.findall(r"^\s{2}- ([^\s:]+)\s*$", text, re.MULTILINE)
    pip = dict(re.findall(r"^\s{6}- ([A-Za-z0-9_.\-]+)==(\S+)\s*$", text, re.MULTILINE))
    return conda, {canonicalize_name(k): v for k, v in pip.items()}


def test_every_pyproject_requirement_is_pinned_within_its_range():
    lock = _lock()
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        if name == "torch":
            continue  # torch is installed by `make` from $(TORCH); see the Makefile
        assert name in lock, f"{req.name} is required by pyproject.toml but not pinned in requirements.lock"
        assert req.specifier.contains(lock[name], prereleases=True), \
            f"requirements.lock pins {req.name}=={lock[name]}, outside pyproject's range {req.specifier}"


def test_torch_default_is_inside_the_pyproject_range():
    makefile = (ROOT / "Makefile").read_text()
    m = re.search(r"^TORCH\s*\?=\s*torch==(\S+)", makefile, re.MULTILINE)
    assert m, "the Makefile must set TORCH ?= torch==<version>"
    torch_req = next(r for r in _pyproject_requirements() if r.name == "torch")
    assert torch_req.specifier.contains(m.group(1))
    assert "torch" not in _lock(), "torch must not be pinned in the lock (the TORCH variable chooses the build)"


def test_environment_yml_mirrors_the_lock():
    conda, pip = _environment_yml()
    lock = _lock()
    assert any(c.startswith("python=3.1") for c in conda), "environment.yml must pin python 3.11+"
    assert "pip" in conda
    missing = sorted(set(lock) - set(pip))
    extra = sorted(set(pip) - set(lock) - {"torch"})
    assert not missing, f"environment.yml lacks locked packages: {missing[:10]}"
    assert not extra, f"environment.yml has packages not in the lock: {extra[:10]}"
    different = sorted(n for n in lock if Version(pip[n]) != lock[n])
    assert not different, f"environment.yml versions differ from the lock for {different[:10]}"
    makefile_torch = re.search(r"^TORCH\s*\?=\s*torch==(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert pip.get("torch") == makefile_torch.group(1), "environment.yml's torch must match the Makefile's default"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make test\s*$", ci, re.MULTILINE)
    assert "make test" in readme and "make book" in readme


@pytest.mark.parametrize("name", ["numpy", "scikit-learn", "statsmodels", "nbval", "dit"])
def test_key_packages_are_locked(name):
    assert canonicalize_name(name) in _lock()
