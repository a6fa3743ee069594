"""A lab's namespace never hands out what its exercises ask the student to write, and never prints an answer.

For every lab (instructor source and student copy) the asked-for names are
derived from the notebook itself:

- the functions the exercise cells define (the ``def`` around a solution
  region, e.g. ``tensor_fusion_n_params``), which are also the arguments of
  the check cells;
- the public mmlab names each called check declares with
  :func:`mmlab.labs.forbid` (``check.forbidden.asks_for``, e.g.
  ``mutual_information`` for ``check_mutual_information``).

The test fails when a code cell imports one of these names, reaches a library
one through an attribute (``dist.mutual_information``), uses or calls it (which
would print or compute an answer), or defines one outside its exercise cell.
Self-tests on small synthetic notebooks show that each rule fires.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

import mmlab.labs

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted(p for p in (ROOT / "labs").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _is_exercise(cell: nbformat.NotebookNode) -> bool:
    meta = cell.get("metadata", {})
    return cell.cell_type == "code" and (
        meta.get("nbgrader", {}).get("solution") is True
        or "exercise" in meta.get("tags", [])
        or "### BEGIN SOLUTION" in cell.source
        or "NotImplementedError('Exercise" in cell.source
    )


def _parse(source: str) -> ast.Module:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def _top_level_bindings(tree: ast.Module) -> set[str]:
    """Names bound at module level by a cell: defs, classes, assignments, loop and with targets (not imports)."""
    names: set[str] = set()

    def targets(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                targets(target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            targets(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    targets(item.optional_vars)
    return names


def _check_calls(tree: ast.Module) -> list[tuple[str, str | None]]:
    """``(check name, name of the function passed)`` for every ``check_*(...)`` call."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("check_"):
            arg = node.args[0] if node.args else None
            found.append((node.func.id, arg.id if isinstance(arg, ast.Name) else None))
    return found


def namespace_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Every way a lab hands out, or computes, what one of its exercises asks for (empty if none)."""
    problems: list[str] = []
    cells = [(i, c, _parse(c.source)) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    own_defs = {
        i: {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} for i, c, tree in cells if _is_exercise(c)
    }
    asked = {name: i for i, names in own_defs.items() for name in names}  # exercise function -> its cell
    library: dict[str, str] = {}  # public mmlab name -> the check that forbids it
    checked = set()
    for i, _, tree in cells:
        for check_name, arg in _check_calls(tree):
            check = getattr(mmlab.labs, check_name, None)
            if check is None:
                problems.append(f"cell {i} calls {check_name}, which mmlab.labs does not have")
                continue
            if arg is None or arg not in asked:
                problems.append(f"cell {i}: {check_name} checks {arg!r}, which no exercise cell defines")
            else:
                checked.add(arg)
            rule = getattr(check, "forbidden", None)
            for name in rule.public_names() if rule is not None else ():
                library.setdefault(name, check_name)
    problems += [
        f"exercise function {name!r} (cell {i}) is never passed to a check"
        for name, i in asked.items()
        if name not in checked
    ]

    def why(name: str) -> str:
        if name in library:
            return f"{library[name]} forbids mmlab's `{name}`: the exercise asks the student to write it"
        return f"`{name}` is what the exercise in cell {asked[name]} asks the student to write"

    for i, _, tree in cells:
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name == "*":
                        problems.append(
                            f"cell {i} star-imports from {node.module}: the names it hands out cannot be checked"
                        )
                        continue
                    for bound in {alias.name.split(".")[-1], alias.asname or alias.name.split(".")[0]}:
                        if bound in library or bound in asked:
                            problems.append(f"cell {i} imports `{bound}` ({why(bound)})")
            elif isinstance(node, ast.Attribute) and node.attr in library:
                action = "calls" if id(node) in called else "reaches"
                problems.append(f"cell {i} {action} `{ast.unparse(node)}` ({why(node.attr)})")
            elif (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in library
                and node.id not in asked
            ):
                problems.append(f"cell {i} uses `{node.id}`, which computes or prints an answer ({why(node.id)})")
        mine = own_defs.get(i, set())
        for name in _top_level_bindings(tree):
            if (name in library or name in asked) and name not in mine:
                problems.append(f"cell {i} defines `{name}` outside its exercise cell ({why(name)})")
    return sorted(set(problems))


# --------------------------------------------------------------------------- the labs
@pytest.mark.parametrize("path", LABS, ids=[p.relative_to(ROOT).as_posix() for p in LABS])
def test_lab_does_not_hand_out_what_its_exercises_ask_for(path):
    nb = nbformat.read(path, as_version=4)
    problems = namespace_problems(nb)
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_there_are_labs_in_both_forms():
    assert any("student" in p.parts for p in LABS) and any("student" not in p.parts for p in LABS)


# --------------------------------------------------------------------------- the rules fire
def _lab(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for kind, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        if kind == "exercise":
            cell.metadata["tags"] = ["exercise"]
        nb.cells.append(cell)
    return nb


EXERCISE = ("exercise", "def mutual_information_2d(p):\n    ### BEGIN SOLUTION\n    return 0.0\n    ### END SOLUTION\n")
CHECK = ("code", "check_mutual_information(mutual_information_2d)")


def test_a_clean_lab_has_no_problems():
    assert (
        namespace_problems(
            _lab(
                ("code", "import numpy as np\nfrom mmlab.quantify import exact_pid"),
                EXERCISE,
                ("code", "print(mutual_information_2d(np.eye(2) / 2))"),
                CHECK,
            )
        )
        == []
    )


@pytest.mark.parametrize(
    "source, fragment",
    [
        ("from mmlab.quantify import mutual_information", "cell 0 imports `mutual_information`"),
        ("from mmlab.quantify import mutual_information as mi", "cell 0 imports `mutual_information`"),
        (
            "from mmlab.quantify import pid as dist\nprint(dist.mutual_information([[0.5, 0], [0, 0.5]]))",
            "cell 0 calls `dist.mutual_information`",
        ),
        ("import mmlab\nx = mmlab.quantify.mutual_information", "reaches `mmlab.quantify.mutual_information`"),
        ("mutual_information = lambda p: 0.0", "cell 0 defines `mutual_information` outside its exercise cell"),
        (
            "def mutual_information_2d(p):\n    return 0.0",
            "cell 0 defines `mutual_information_2d` outside its exercise",
        ),
        ("from helpers import mutual_information_2d", "cell 0 imports `mutual_information_2d`"),
        ("from mmlab.quantify import *", "star-imports from mmlab.quantify"),
        (
            "print(mutual_information([[0.5, 0], [0, 0.5]]))",
            "cell 0 uses `mutual_information`, which computes or prints",
        ),
    ],
)
def test_each_rule_fires(source, fragment):
    problems = namespace_problems(_lab(("code", source), EXERCISE, CHECK))
    assert any(fragment in p for p in problems), problems


def test_the_names_come_from_the_checks_that_the_lab_calls():
    """The fusion check forbids TensorFusion; a lab without that check may import it."""
    fusion_exercise = (
        "exercise",
        "def tensor_fusion_features(xs):\n    ### BEGIN SOLUTION\n    return xs\n    ### END SOLUTION\n",
    )
    importing = ("code", "from mmlab.fusion import TensorFusion")
    with_check = namespace_problems(
        _lab(importing, fusion_exercise, ("code", "check_tensor_fusion_features(tensor_fusion_features)"))
    )
    assert any("check_tensor_fusion_features forbids mmlab's `TensorFusion`" in p for p in with_check), with_check
    assert namespace_problems(_lab(importing, EXERCISE, CHECK)) == []


def test_unchecked_exercises_and_unknown_checks_are_reported():
    problems = namespace_problems(_lab(EXERCISE, ("code", "check_no_such_thing(mutual_information_2d)")))
    assert "cell 1 calls check_no_such_thing, which mmlab.labs does not have" in problems
    assert "exercise function 'mutual_information_2d' (cell 0) is never passed to a check" in problems
    problems = namespace_problems(_lab(EXERCISE, CHECK, ("code", "check_mutual_information(lambda p: 0.0)")))
    assert any("checks None, which no exercise cell defines" in p for p in problems), problems
