"""Fill a .docx template with a model through docxtpl, safely, and return the document's bytes.

Safety settings that docxtpl leaves off by default:
- autoescape: «A & B», «<5 лет» would otherwise vanish or break the XML;
- StrictUndefined: a misspelt name is an error, never an empty place in a signed paper;
- `finalize` refuses None, which Jinja would print as the word «None»;
- the template's names are checked against the model (`contract.py`) when the template is loaded.
Values reach Word exactly as typed: docxtpl turns "\\n" into a line break; the `paragraphs` filter turns it into a
new paragraph with the same formatting.  The .docx is written with fixed zip timestamps so the same data always
gives the same bytes (re-rendering an unchanged workbook is then a no-op, not a conflict).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from docx.opc.exceptions import PackageNotFoundError
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from lxml import etree
from pydantic import BaseModel

from docgen.contract import Part, check_parts
from docgen.declension import CASES, Decliner, Form, make_filters
from docgen.errors import RenderError, TemplateContractError, TemplateError
from docgen.text import format_date, format_date_words, tie_numbers

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "docx"
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_HEADER_FOOTER = re.compile(r"word/(header|footer)\d*\.xml")


def _finalize(value: Any) -> Any:
    if value is None:
        raise UndefinedError("пустое значение (None) в шаблоне; используйте {% if … %}")
    return value


def _paragraphs(value: str) -> str:
    """Make each line of a multi-line value its own paragraph with the template paragraph's formatting."""
    return str(value).replace("\n", "\a")


def _capfirst(value: str) -> str:
    """Capitalize the first letter only: Jinja's `capitalize` would lowercase «МАОУ» and «Управления»."""
    text = str(value)
    return text[:1].upper() + text[1:]


def _colon(value: str) -> str:
    """End a lead-in (a preamble before the points) with a colon, whatever it ended with."""
    return str(value).rstrip().rstrip(".;:,") + ":"


def _strip_dot(value: str) -> str:
    """Drop a final full stop, where the template adds its own punctuation after the value."""
    return str(value).rstrip().rstrip(".")


FILTERS: dict[str, Callable[..., Any]] = {
    "colon": _colon,
    "strip_dot": _strip_dot,
    "paragraphs": _paragraphs,
    "capfirst": _capfirst,
    "typeset": tie_numbers,
    "date": format_date,
    "date_words": format_date_words,
}


class DeclinerSlot:
    """Hold the decliner of the document being rendered.

    Jinja binds filters when it compiles a template, and compiled templates are cached across documents; the
    declension filters therefore call through this slot, which each render points at a fresh Decliner so that
    every document gets its own review list.
    """

    def __init__(self) -> None:
        self.decliner = Decliner()
        self._filters = make_filters(self.decliner)

    def reset(self) -> Decliner:
        self.decliner = Decliner()
        self._filters = make_filters(self.decliner)
        return self.decliner

    def filters(self) -> dict[str, Callable[[object], str]]:
        def make(case: str) -> Callable[[object], str]:
            def declined(value: object) -> str:
                return self._filters[case](value)

            return declined

        return {case: make(case) for case in CASES}


def make_env(slot: DeclinerSlot | None = None) -> Environment:
    """Return the Jinja environment every template is rendered with, declension filters included."""
    env = Environment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters.update(FILTERS)
    env.filters.update((slot or DeclinerSlot()).filters())
    return env


class _CachingTemplate(DocxTemplate):  # type: ignore[misc]
    """A DocxTemplate that reuses the cleaned XML and the compiled Jinja templates of earlier renders.

    docxtpl cleans the XML with dozens of regular expressions and compiles it with Jinja on every render,
    about half of a render's time; the result depends only on the template, so a Renderer keeps it.  The
    post-processing after Jinja is docxtpl's own (render_xml_part in docxtpl 0.20), kept identical.
    """

    def __init__(self, blob: bytes, cache: dict[str, Any]) -> None:
        super().__init__(io.BytesIO(blob))
        self._cache = cache

    def patch_xml(self, src_xml: str) -> str:
        key = "patch:" + src_xml
        if key not in self._cache:
            self._cache[key] = super().patch_xml(src_xml)
        return str(self._cache[key])

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any],
                        jinja_env: Environment | None = None) -> str:
        assert jinja_env is not None
        src_xml = _with_paragraph_lines(src_xml)
        key = "jinja:" + src_xml
        if key not in self._cache:
            self._cache[key] = jinja_env.from_string(src_xml)
        self.current_rendering_part = part
        dst_xml = self._cache[key].render(context)
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return str(self.resolve_listing(dst_xml))


def template_path(name: str) -> Path:
    return TEMPLATE_DIR / name


def context_of(model: BaseModel) -> dict[str, Any]:
    """Expose a model's fields and computed fields as the template's top-level names (objects, not dumps)."""
    names = [*type(model).model_fields, *type(model).model_computed_fields]
    return {name: getattr(model, name) for name in names}


class Renderer:
    """Render one template for one model class; check its contract once, at construction."""

    def __init__(self, template: Path, model: type[BaseModel]) -> None:
        self.template = template
        self.model = model
        try:
            self.blob = template.read_bytes()
        except OSError as exc:
            raise TemplateError(template, "файл шаблона не найден или не читается") from exc
        self.slot = DeclinerSlot()
        self.env = make_env(self.slot)
        self._cache: dict[str, Any] = {}
        self._check_contract()

    def _parts(self) -> list[Part]:
        doc = self._load()
        parts = [Part("основной текст", _with_paragraph_lines(doc.patch_xml(doc.get_xml())))]
        for uri, name in ((doc.HEADER_URI, "верхний колонтитул"), (doc.FOOTER_URI, "нижний колонтитул")):
            for _, part in doc.get_headers_footers(uri):
                parts.append(Part(name, _with_paragraph_lines(doc.patch_xml(doc.get_part_xml(part)))))
        return parts

    def _load(self) -> DocxTemplate:
        doc = DocxTemplate(io.BytesIO(self.blob))
        try:
            doc.init_docx()
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateError(self.template, "это не документ Word (.docx)") from exc
        return doc

    def _check_contract(self) -> None:
        try:
            violations = check_parts(self.env, self._parts(), self.model)
        except TemplateSyntaxError as exc:
            where = getattr(exc, "docgen_where", "")
            raise TemplateError(self.template, f"ошибка в теге шаблона ({exc.message}); {where}") from exc
        if violations:
            raise TemplateContractError(self.template, [(v.name, v.where) for v in violations])

    def render(self, model: BaseModel) -> bytes:
        """Return the filled .docx as bytes; the same model always gives the same bytes."""
        return self.render_with_forms(model)[0]

    def render_with_forms(self, model: BaseModel) -> tuple[bytes, list[Form]]:
        """Render, and return with the document every declined form the template asked for (the review list)."""
        decliner = self.slot.reset()
        doc = _CachingTemplate(self.blob, self._cache)
        try:
            doc.render(context_of(model), jinja_env=self.env, autoescape=True)
        except UndefinedError as exc:
            raise RenderError(f"Шаблон «{self.template.name}»: {exc.message}") from exc
        except JinjaTemplateError as exc:
            raise RenderError(f"Шаблон «{self.template.name}»: ошибка заполнения ({exc})") from exc
        except etree.XMLSyntaxError as exc:
            raise RenderError(f"Шаблон «{self.template.name}»: документ получился повреждённым ({exc})") from exc
        return _save(doc), list(decliner.log)


def _with_paragraph_lines(xml: str) -> str:
    # docxtpl renders with one paragraph per line; parse the same way so line numbers name paragraphs.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


class _FixedTimeZipWriter:
    """python-docx's physical package writer, with fixed timestamps: equal content gives equal bytes."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zipf = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=_FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        # level 1: several times faster than the default 6, for a few per cent more bytes
        self._zipf.writestr(info, blob, compresslevel=1)

    def close(self) -> None:
        self._zipf.close()


def _save(doc: DocxTemplate) -> bytes:
    """Save a rendered DocxTemplate as python-docx would, but deterministically and compressing once.

    python-docx stamps every zip member with the current time; rewriting the zip afterwards doubled the cost of
    saving.  This follows OpcPackage.save and PackageWriter.write (python-docx 1.x) with a writer of our own.
    """
    doc.pre_processing()
    package = doc.docx.part.package
    for part in package.parts:
        part.before_marshal()
    buffer = io.BytesIO()
    fixed = _FixedTimeZipWriter(buffer)
    writer = cast(PhysPkgWriter, fixed)  # duck-typed: PackageWriter only calls write()
    PackageWriter._write_content_types_stream(writer, package.parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, package.parts)
    fixed.close()
    return buffer.getvalue()


def normalize_docx(blob: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()

