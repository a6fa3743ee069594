"""Regenerate requirements.lock and environment.yml from the current .venv (`make lock`).

requirements.lock holds every package installed in .venv (except torch, chosen
by the Makefile's TORCH variable, and mmlab itself) at its exact version;
environment.yml mirrors it for conda users. Run after changing pyproject.toml's
dependencies and re-running the tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            check=True, capture_output=True, text=True).stdout
    pins = []
    for line in freeze.splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s+]+)(\+\S+)?", line.strip())
        if not m or m.group(1).lower() in {"torch", "mmlab", "pip", "setuptools", "wheel"}:
            continue
        pins.append((m.group(1), m.group(2)))
    pins.sort(key=lambda p: p[0].lower())
    makefile = (ROOT / "Makefile").read_text()
    torch = re.search(r"^TORCH\s*\?=\s*torch==(\S+)", makefile, re.MULTILINE).group(1)
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    header = ("# Exact versions that `make` installs (as pip constraints) and CI tests, Python "
              f"{py}.\n# torch is not pinned here: the Makefile's TORCH variable (default torch=={torch}, CPU) "
              "chooses it.\n# Regenerate with `make lock`; environment.yml mirrors this file.\n")
    (ROOT / "requirements.lock").write_text(header + "".join(f"{n}=={v}\n" for n, v in pins))
    yml = ["# conda environment mirroring requirements.lock (regenerate both with `make lock`).",
           "# CPU torch; for CUDA replace the torch line's build as described in README.md.",
           "name: mmlab", "channels:", "  - conda-forge", "dependencies:", f"  - python={py}", "  - pip",
           "  - pip:", f"      - torch=={torch}"]
    yml += [f"      - {n}=={v}" for n, v in pins]
    yml += ["      - -e ."]
    (ROOT / "environment.yml").write_text("\n".join(yml) + "\n")
    print(f"wrote requirements.lock ({len(pins)} pins) and environment.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
