"""Layers import downward only (the docstring of docgen/__init__.py draws them); models stay engine-free."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docgen"

# Higher number = higher layer. A module may import only modules of a lower or equal-but-listed layer.
LAYERS = {
    "errors": 0, "text": 0, "glyphs": 0, "habits": 0,
    "models": 1,
    "schema": 2, "profiles": 2, "rules": 2, "dates": 2,
    "kinds": 3, "plausible": 3, "spreadsheet": 3,
    "loader": 4, "blank": 4, "render": 4, "contract": 4, "pdf": 4, "output": 4, "declension": 4, "provenance": 4,
    "pipeline": 5, "checking": 5,
    "registry": 6, "archive": 6, "annotate": 6, "calls": 6,
    "cli": 7, "__main__": 8,
    "web": 7,  # docgen serve: calls the library; nothing in the library imports it; cli starts it
}
ENGINES = {"openpyxl", "python_calamine", "docxtpl", "docx", "jinja2", "subprocess", "click", "lxml"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _module(path: Path) -> str:
    """Name a module by its layer: a subpackage (docgen/web/…, docgen/profiles/…) is one layer."""
    inner = path.relative_to(PACKAGE).parts
    return inner[0] if len(inner) > 1 else path.stem


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_go_downward(path: Path) -> None:
    name = _module(path)
    assert name in LAYERS, f"add {name} to LAYERS"
    for imported in _imports(path):
        if imported.startswith("docgen."):
            target = imported.split(".")[1]
            if target == name:
                continue  # within a subpackage
            same_layer_ok = {("contract", "render"), ("declension", "render"), ("web", "cli")}
            assert LAYERS[target] < LAYERS[name] or (target, name) in same_layer_ok, (
                f"{name} (layer {LAYERS[name]}) imports {target} (layer {LAYERS[target]})")


@pytest.mark.parametrize("name", ["models", "rules", "schema", "errors", "text", "profiles", "kinds", "dates"])
def test_domain_modules_import_no_engine(name: str) -> None:
    path = PACKAGE / "profiles" / "__init__.py" if name == "profiles" else PACKAGE / f"{name}.py"
    engines = {i.split(".")[0] for i in _imports(path)} & ENGINES
    assert not engines, f"{name} imports {engines}"
