"""The boundaries of the style guide, read from the imports of every module (issue #10).

- views, API and CLI modules (views*.py, *_views.py, api.py, cli.py, *_cli.py) call services,
  never a storage module;
- services, storage, vetting and index modules never import Flask (nor werkzeug's request
  and response objects): they take plain arguments and return data;
- index/ never imports directory/; clinics never imports vetting or search (changes travel
  onward through the outbox); `import whoosh` only under index/;
- project modules are imported at module level, so the imports say who depends on whom.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("directory", "index")
VIEW_NAME = re.compile(r"^(views.*|.*_views|api|cli|.*_cli)\.py$")
# werkzeug modules whose objects belong to the web layer (datastructures are plain data).
WEB = re.compile(r"^(flask(_\w+)?|werkzeug\.(wrappers|local|exceptions|routing|test))(\.|$)")


@dataclass(frozen=True)
class Import:
    module: str  # the dotted name imported (a submodule when `from package import module`)
    line: int
    in_function: bool


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PROJECT:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_name(path)] = path
    return found


def _imports_of(node: ast.AST, package: str, in_function: bool) -> list[Import]:
    if isinstance(node, ast.Import):
        return [Import(alias.name, node.lineno, in_function) for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parent, base] if base else parent)
    out = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        name = submodule if submodule in modules() else base
        out.append(Import(name, node.lineno, in_function))
    return out


@cache
def imports(module: str) -> tuple[Import, ...]:
    path = modules()[module]
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            found.extend(_imports_of(child, package, inside))
            visit(child, inside)

    visit(tree, False)
    return tuple(found)


def is_view(module: str) -> bool:
    return bool(VIEW_NAME.match(modules()[module].name))


def kind(module: str) -> str | None:
    """Return which of the Flask-free kinds the module is, if any."""
    leaf = module.rpartition(".")[2]
    if module.startswith("index"):
        return "an index module"
    if module.startswith("directory.vetting") and not is_view(module):
        return "a vetting module"
    if leaf == "storage":
        return "a storage module"
    if leaf == "services":
        return "a service module"
    return None


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def violations(module: str) -> list[str]:
    """Return every broken rule of one module, as `module:line: what`."""
    out = []
    for imp in imports(module):
        where, name = f"{module}:{imp.line}", imp.module
        project = _under(name, *PROJECT)
        if imp.in_function and project:
            out.append(f"{where}: imports {name} inside a function")
        if is_view(module) and name.rpartition(".")[2] == "storage" and project:
            out.append(f"{where}: a view/API/CLI module imports {name}")
        if kind(module) and WEB.match(name):
            out.append(f"{where}: {kind(module)} imports {name}")
        if _under(module, "index") and _under(name, "directory"):
            out.append(f"{where}: index/ imports {name}")
        if _under(module, "directory.clinics") and _under(
            name, "directory.vetting", "directory.search"
        ):
            out.append(f"{where}: clinics imports {name}")
        if _under(name, "whoosh") and not _under(module, "index"):
            out.append(f"{where}: imports whoosh outside index/")
    return out


def area(module: str) -> str:
    """Return a module's area: index, a package of directory/, or directory's own modules."""
    parts = module.split(".")
    if parts[0] == "directory" and len(parts) > 1 and (ROOT / "directory" / parts[1]).is_dir():
        return f"directory.{parts[1]}"
    return parts[0]


@pytest.mark.parametrize("where", sorted({area(m) for m in modules()}))
def test_layers_hold(where):
    assert [v for m in modules() if area(m) == where for v in violations(m)] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Each row: a module's text, and what the rules say about it.
        ("from directory.clinics import storage\n", "a view/API/CLI module imports"),
        ("def f():\n    from directory import db\n", "inside a function"),
        ("import whoosh\n", "imports whoosh outside index/"),
    ],
)
def test_a_view_that_breaks_a_rule_is_caught(tmp_path, monkeypatch, source, expected):
    fake = tmp_path / "views.py"
    fake.write_text(source)
    assert any(expected in v for v in _violations_of("directory.search.views", fake, monkeypatch))


def test_a_service_importing_flask_is_caught(tmp_path, monkeypatch):
    fake = tmp_path / "services.py"
    fake.write_text("from flask import current_app\n")
    assert _violations_of("directory.search.services", fake, monkeypatch) == [
        "directory.search.services:1: a service module imports flask"
    ]


def _violations_of(module: str, path: Path, monkeypatch) -> list[str]:
    """Check the rules on path as if it were module (the real file is left alone)."""
    monkeypatch.setitem(modules(), module, path)
    imports.cache_clear()
    try:
        return violations(module)
    finally:
        monkeypatch.undo()
        imports.cache_clear()
