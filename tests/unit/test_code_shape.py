"""The shape issue 11 set for the package: small modules, classes and functions, every public
definition documented. Measured from the source with ``ast``, so it fails as soon as one grows."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sopvault"
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 300
MAX_FUNCTION_LINES = 60


def modules() -> Iterator[tuple[str, ast.Module, int]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(text), len(text.splitlines())


def spans(node: ast.AST) -> int:
    assert node.end_lineno is not None and hasattr(node, "lineno")
    return node.end_lineno - node.lineno + 1


def test_no_module_class_or_function_is_over_its_size() -> None:
    over = []
    for name, tree, lines in modules():
        if lines > MAX_MODULE_LINES:
            over.append(f"{name}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and spans(node) > MAX_CLASS_LINES:
                over.append(f"{name}:{node.lineno} class {node.name}: {spans(node)} lines")
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and spans(node) > MAX_FUNCTION_LINES:
                over.append(f"{name}:{node.lineno} {node.name}: {spans(node)} lines")
    assert over == []


def undocumented(node: ast.AST, where: str, prefix: str = "") -> Iterator[str]:
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if child.name.startswith("_"):
            continue
        if ast.get_docstring(child) is None:
            yield f"{where}:{child.lineno} {prefix}{child.name}"
        if isinstance(child, ast.ClassDef):
            yield from undocumented(child, where, f"{prefix}{child.name}.")


def test_every_module_and_public_definition_has_a_docstring() -> None:
    missing = []
    for name, tree, _ in modules():
        if ast.get_docstring(tree) is None:
            missing.append(f"{name}: module")
        missing.extend(undocumented(tree, name))
    assert missing == []


def test_only_store_git_spells_git_commands() -> None:
    """``Repo``'s underscored runners take git argument lists: only the modules of
    ``store/git`` may call them; everyone else asks through a named method."""
    runners = {"_run", "_call", "_text", "_paths", "_runner"}
    found = []
    for name, tree, _ in modules():
        if name.startswith("store/git/"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in runners
                and not (isinstance(node.value, ast.Name) and node.value.id == "self")
            ):
                found.append(f"{name}:{node.lineno} .{node.attr}")
    assert found == []
