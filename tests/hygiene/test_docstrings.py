"""Every public function and method of mmlab documents what it raises.

numpydoc's ``Raises`` section is required wherever the body itself raises
(DESIGN.md, "Package conventions"). "Public" means reachable from a public
module's ``__all__`` (a module path with no ``_``-prefixed part): functions,
and for public classes their public methods and ``__init__`` (documented in
the class docstring, numpydoc's convention). "Raises" means a ``raise X``
statement in the function's own body, not in a nested function; a bare
``raise`` (re-raising what was caught) and ``raise NotImplementedError`` (an
abstract method) do not count. Exceptions raised inside the helpers a function
calls (``check_scalar`` ...) are the helpers' to document.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
from collections.abc import Iterator

import mmlab

RAISES = re.compile(r"^\s*Raises\s*\n\s*-{3,}\s*$", re.MULTILINE)


def _public_modules() -> list[str]:
    names = ["mmlab"]
    for info in pkgutil.walk_packages(mmlab.__path__, prefix="mmlab."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _public_objects() -> dict[str, object]:
    """Qualified public name -> object, each object once (under its first public name)."""
    found: dict[str, object] = {}
    seen: set[int] = set()
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [
                n
                for n, o in vars(module).items()
                if not n.startswith("_") and getattr(o, "__module__", None) == module_name
            ]
        for name in names:
            obj = getattr(module, name)
            if (
                (inspect.isfunction(obj) or inspect.isclass(obj))
                and obj.__module__.startswith("mmlab")
                and id(obj) not in seen
            ):
                seen.add(id(obj))
                found[f"{module_name}.{name}"] = obj
    return found


def _raised_in_own_body(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The exceptions a ``raise`` in the function's own body names (nested definitions excluded)."""
    raised: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                continue
            if isinstance(child, ast.Raise) and child.exc is not None:
                exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                name = ast.unparse(exc)
                if name != "NotImplementedError":
                    raised.append(name)
            visit(child)

    visit(func)
    return raised


def _function_ast(obj) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError):
        return None
    node = ast.parse(source).body[0]
    return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None


def _checked_callables() -> Iterator[tuple[str, object, str]]:
    """(qualified name, function, docstring that must hold the Raises section)."""
    for qualname, obj in _public_objects().items():
        if inspect.isfunction(obj):
            yield qualname, obj, inspect.getdoc(obj) or ""
            continue
        own = {}
        for klass in reversed(obj.__mro__):  # methods inherited from mmlab's (private) base classes too
            if klass.__module__.startswith("mmlab"):
                own.update(vars(klass))
        for attr, member in own.items():
            if isinstance(member, staticmethod | classmethod):
                member = member.__func__
            elif isinstance(member, property):
                member = member.fget
            if not inspect.isfunction(member) or (attr.startswith("_") and attr != "__init__"):
                continue
            # numpydoc documents a class's constructor in the class docstring.
            doc = inspect.getdoc(obj) if attr == "__init__" else inspect.getdoc(member)
            yield f"{qualname}.{attr}", member, doc or ""


def _offenders() -> list[str]:
    offenders = []
    seen: set[int] = set()
    for qualname, func, doc in _checked_callables():
        if id(func) in seen:
            continue
        seen.add(id(func))
        node = _function_ast(func)
        if node is None:
            continue
        raised = _raised_in_own_body(node)
        if raised and not RAISES.search(doc):
            path = inspect.getsourcefile(func)
            where = path.split("mmlab/", 1)[-1] if path else "?"
            offenders.append(f"mmlab/{where}:{func.__name__} ({qualname}) raises {', '.join(sorted(set(raised)))}")
    return sorted(offenders)


def test_the_scan_sees_the_public_api():
    from mmlab.quantify.pid import exact_pid
    from mmlab.train import fit

    scanned = {id(func) for _, func, _ in _checked_callables()}
    assert {id(mmlab.claim), id(fit), id(exact_pid)} <= scanned


def test_raise_detection_skips_nested_definitions_and_re_raise():
    source = textwrap.dedent("""
        def f(x):
            def inner():
                raise KeyError(x)
            try:
                pass
            except OSError:
                raise
            if x:
                raise ValueError("x")
            raise NotImplementedError
    """)
    assert _raised_in_own_body(ast.parse(source).body[0]) == ["ValueError"]


def test_public_functions_that_raise_document_it():
    offenders = _offenders()
    assert not offenders, (
        f"{len(offenders)} public functions raise without a numpydoc 'Raises' section "
        "(add one naming each exception and when):\n  " + "\n  ".join(offenders)
    )
