"""Compile requirements.lock from pyproject.toml with uv, and mirror it into environment.yml (`make lock`).

The lock is resolved (not frozen) for CPython 3.11 on Linux from every
dependency and extra in pyproject.toml, with the sha256 of every file of each
pinned release, so that `pip install --require-hashes --no-deps -r
requirements.lock` gives the same environment anywhere.

torch is the exception: `make setup` installs the build that the Makefile's
TORCH names (the CPU build by default, from the PyTorch CPU wheel index), so the
lock leaves torch out of the resolution (an override with a marker that never
holds) and pins instead the requirements that the installed default build
declares (sympy, networkx, ...). That keeps PyPI's CUDA build of torch and its
nvidia-* libraries out of the lock, and needs no network access to the PyTorch
index when locking.

Existing pins are kept where they still satisfy pyproject.toml (uv reads the
old lock as preferences): adding a package changes only what it needs. Pass
--upgrade (`make lock UPGRADE=1`) to move every pin to the newest release allowed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ENVIRONMENT = ROOT / "environment.yml"
WORK = ROOT / "build" / "lock"  # inputs generated for uv (build/ is not committed)
PYTHON_VERSION = "3.11"
PLATFORM = "x86_64-unknown-linux-gnu"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# Requirements that only CUDA builds of torch declare: never part of the lock.
CUDA_ONLY = re.compile(r"^(nvidia-|triton$|cuda-)")

HEADER = """\
# Python {python} on Linux; every file of each release is hashed.
# torch is not pinned here: `make setup` first installs the Makefile's TORCH (default torch=={torch}, the CPU
# build), then this file with `pip install --require-hashes --no-deps -r requirements.lock`. torch's own
# requirements are pinned here, as its default build declares them. environment.yml mirrors this file.
"""


def makefile_torch() -> str:
    """The version in the Makefile's ``TORCH ?= torch==X`` line."""
    m = re.search(r"^TORCH\s*\?=\s*torch==(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    if m is None:
        sys.exit("lock: the Makefile must set `TORCH ?= torch==<version>`")
    return m.group(1)


def torch_requirements(version: str) -> list[str]:
    """Requirements of the installed torch (which must be the Makefile's default), without CUDA-only ones."""
    try:
        installed = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("lock: torch is not installed in this environment; run `make lock` (it installs it first)")
    if installed.split("+")[0] != version:
        sys.exit(
            f"lock: this environment has torch {installed}, the Makefile's default is {version}; "
            "rebuild it with `make clean-venv lock`"
        )
    kept = []
    for text in importlib.metadata.requires("torch") or []:
        req = Requirement(text)
        if req.marker is not None and "extra" in str(req.marker):
            continue
        if CUDA_ONLY.match(canonicalize_name(req.name)):
            continue
        kept.append(text)
    return kept


def compile_lock(torch: str, upgrade: bool, uv: str | None = None) -> None:
    build_requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "torch-override.txt").write_text(
        "# torch is installed from the Makefile's TORCH, not resolved here.\ntorch ; sys_platform == 'never'\n"
    )
    (WORK / "extra.in").write_text(
        f"# what torch=={torch} (installed first by make setup) requires\n"
        + "".join(f"{r}\n" for r in torch_requirements(torch))
        + "# what `pip install --no-build-isolation -e .` builds mmlab with\n"
        + "".join(f"{r}\n" for r in build_requires)
    )
    command = [
        *([uv] if uv else [sys.executable, "-m", "uv"]),
        "pip",
        "compile",
        "pyproject.toml",
        "--all-extras",
        str((WORK / "extra.in").relative_to(ROOT)),
        "--override",
        str((WORK / "torch-override.txt").relative_to(ROOT)),
        "--python-version",
        PYTHON_VERSION,
        "--python-platform",
        PLATFORM,
        "--generate-hashes",
        "--custom-compile-command",
        "make lock",
        "--output-file",
        LOCK.name,
        "--quiet",
    ]
    if upgrade:
        command.append("--upgrade")
    subprocess.run(command, cwd=ROOT, check=True)
    text = LOCK.read_text()
    bad = [n for n, _ in pins(text) if n == "torch" or CUDA_ONLY.match(n)]
    if bad:
        sys.exit(f"lock: the lock must not pin torch or CUDA libraries; it has {bad}")
    lines = text.splitlines(keepends=True)
    # uv's own header first (two lines), then ours.
    head = [line for line in lines[:2] if line.startswith("#")]
    LOCK.write_text("".join(head) + HEADER.format(python=PYTHON_VERSION, torch=torch) + "".join(lines[len(head) :]))


def pins(text: str) -> list[tuple[str, str]]:
    """(canonical name, version) of every ``name==version`` line of a requirements file."""
    found = []
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)==([^\s;\\]+)", line)
        if m:
            found.append((canonicalize_name(m.group(1)), m.group(2)))
    return found


def write_environment(torch: str) -> None:
    lines = [
        "# conda environment mirroring requirements.lock (both written by `make lock`): conda gives Python,",
        "# pip the locked versions. torch is the CPU build from the PyTorch CPU wheel index; where that index",
        "# is not reachable pip warns and takes torch from PyPI. For a CUDA build, see README.md.",
        "name: mmlab",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON_VERSION}",
        "  - pip",
        "  - pip:",
        f"      - --extra-index-url {TORCH_CPU_INDEX}",
        f"      - torch=={torch}",
    ]
    lines += [f"      - {name}=={version}" for name, version in pins(LOCK.read_text())]
    lines += ["      - -e ."]
    ENVIRONMENT.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="move every pin to the newest allowed release")
    parser.add_argument("--uv", help="the uv executable (default: python -m uv)")
    args = parser.parse_args(argv)
    torch = makefile_torch()
    compile_lock(torch, upgrade=args.upgrade, uv=args.uv)
    write_environment(torch)
    print(f"lock: wrote {LOCK.name} ({len(pins(LOCK.read_text()))} pins, hashed) and {ENVIRONMENT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
