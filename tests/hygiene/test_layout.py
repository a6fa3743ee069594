"""Layout of the test suite itself.

pytest's default ("prepend") import mode imports every test file as a top-level
module named after its basename, so two test files with the same name in
different folders make collection fail with "import file mismatch". This test
names the clash before pytest trips over it.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_test_file_basenames_are_unique():
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in (ROOT / "tests").rglob("test_*.py"):
        by_name[path.name].append(path.relative_to(ROOT).as_posix())
    clashes = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    assert not clashes, f"test files must have unique basenames; rename one of each group: {clashes}"
