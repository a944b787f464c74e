"""Check that a .docx template uses only names its model has, before any document is rendered.

docxtpl's own `get_undeclared_template_variables` sees top-level names only; a misspelt `org.emial` would surface
as an error deep inside a batch, or not at all inside an `{% if %}` branch the example data never takes.  This
module parses the template's Jinja (body, headers, footers) and follows every dotted name through the Pydantic
model's fields and computed fields, binding loop variables to the item type of what they iterate.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Union

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from pydantic import BaseModel

ANY = object()  # a value whose attributes the contract cannot know (a filter's result, `loop`)


@dataclass(frozen=True)
class Part:
    """One XML part of a template after docxtpl's clean-up, with a human name for messages."""

    name: str  # «основной текст», «колонтитул»
    xml: str


@dataclass(frozen=True)
class Violation:
    """A name the model does not have, and where the template uses it."""

    name: str
    where: str


def _unwrap(annotation: Any) -> Any:
    """Reduce Optional[X], Annotated[X, …] to X; keep list[X] as it is."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else ANY
    return annotation


def attribute_type(owner: Any, name: str) -> Any | None:
    """Return the type of `owner.name` for a model class, ANY when unknowable, None when it does not exist."""
    if owner is ANY:
        return ANY
    if isinstance(owner, type) and issubclass(owner, BaseModel):
        if name in owner.model_fields:
            return _unwrap(owner.model_fields[name].annotation)
        if name in owner.model_computed_fields:
            return _unwrap(owner.model_computed_fields[name].return_type)
        return None
    if owner is date and name in ("day", "month", "year"):
        return int
    return None


def item_type(container: Any) -> Any:
    if typing.get_origin(container) is list:
        return _unwrap(typing.get_args(container)[0])
    return ANY


def paragraph_text(xml_line: str) -> str:
    text = re.sub(r"<[^>]+>", "", xml_line)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:80] + ("…" if len(text) > 80 else "")


class _Checker:
    def __init__(self, root: type[BaseModel], part: Part, known_names: set[str]) -> None:
        self.root = root
        self.part = part
        self.lines = part.xml.split("\n")
        self.known_names = known_names
        self.violations: list[Violation] = []

    def where(self, node: nodes.Node) -> str:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        return f"{self.part.name}, абзац «{paragraph_text(line)}»"

    def report(self, name: str, node: nodes.Node) -> None:
        self.violations.append(Violation(name, self.where(node)))

    def type_of(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            found = attribute_type(self.root, node.name)
            if found is None:
                if node.name not in self.known_names:
                    self.report(node.name, node)
                return ANY
            return found
        if isinstance(node, nodes.Getattr):
            owner = self.type_of(node.node, scope)
            found = attribute_type(owner, node.attr)
            if found is None:
                self.report(f"{_dotted(node.node)}.{node.attr}", node)
                return ANY
            return found
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(
                node.arg.value, str):
            return self.type_of(nodes.Getattr(node.node, node.arg.value, "load", lineno=node.lineno), scope)
        for child in node.iter_child_nodes():
            self.type_of(child, scope)
        return ANY

    def visit(self, body: list[nodes.Node], scope: dict[str, Any]) -> None:
        for node in body:
            if isinstance(node, nodes.For):
                container = self.type_of(node.iter, scope)
                inner = dict(scope)
                inner["loop"] = ANY
                for target in _names(node.target):
                    inner[target] = item_type(container)
                if node.test is not None:
                    self.type_of(node.test, inner)
                self.visit(node.body, inner)
                self.visit(node.else_, scope)
            elif isinstance(node, nodes.Assign):
                value = self.type_of(node.node, scope)
                for target in _names(node.target):
                    scope[target] = value
            elif isinstance(node, nodes.ExprStmt | nodes.Output | nodes.If):
                for child in _expressions(node):
                    self.type_of(child, scope)
                for block in _blocks(node):
                    self.visit(block, dict(scope))
            else:
                for child in node.iter_child_nodes():
                    if isinstance(child, nodes.Stmt):
                        self.visit([child], scope)
                    else:
                        self.type_of(child, scope)


def _expressions(node: nodes.Node) -> Iterator[nodes.Node]:
    if isinstance(node, nodes.Output):
        yield from (n for n in node.nodes if not isinstance(n, nodes.TemplateData))
    elif isinstance(node, nodes.If):
        yield node.test
    elif isinstance(node, nodes.ExprStmt):
        yield node.node


def _blocks(node: nodes.Node) -> Iterator[list[nodes.Node]]:
    if isinstance(node, nodes.If):
        yield node.body
        for elif_ in node.elif_:
            yield [elif_]
        yield node.else_


def _names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n.name for n in target.items if isinstance(n, nodes.Name)]
    return []


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"


def check_parts(env: Environment, parts: list[Part], model: type[BaseModel]) -> list[Violation]:
    """Return every name in `parts` that `model` does not have, with the paragraph it stands in.

    Raises TemplateSyntaxError (with `docgen_where`) when a part is not valid Jinja at all.
    """
    violations: list[Violation] = []
    for part in parts:
        try:
            tree = env.parse(part.xml)
        except TemplateSyntaxError as exc:
            line = part.xml.split("\n")[exc.lineno - 1] if exc.lineno else ""
            exc.docgen_where = f"{part.name}, абзац «{paragraph_text(line)}»"  # type: ignore[attr-defined]
            raise
        checker = _Checker(model, part, set(env.globals))
        checker.visit(tree.body, {})
        violations += checker.violations
    return violations
