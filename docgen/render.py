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
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, cast

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import CONTENT_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.spec import default_content_types
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from lxml import etree
from markupsafe import Markup
from pydantic import BaseModel

from docgen.contract import Part, check_parts
from docgen.declension import Decliner, Form, is_common_word, make_filters
from docgen.errors import RenderError, TemplateContractError, TemplateError
from docgen.text import format_date, format_date_words, typeset

_CHECKOUT = Path(__file__).resolve().parent.parent
# In a checkout the templates are read where a clerk edits them; an installed wheel has its copy inside the package
# (setup.py puts templates/docx there).
TEMPLATE_DIR = (_CHECKOUT / "templates" / "docx" if (_CHECKOUT / "pyproject.toml").is_file()
                and (_CHECKOUT / "templates" / "docx").is_dir() else Path(__file__).resolve().parent / "templates")
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_LISTING = re.compile("[\t\a\n\f]")  # what docxtpl's resolve_listing turns into tabs and breaks
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl 0.20's paragraph pattern in it


# docxtpl turns «{_{», «}_}», «{_%» and «%_}» of the rendered XML into «{{», «}}», «{%», «%}» (its way to print tags);
# a value typed with them would lose its underscore.  Such an underscore is guarded by a noncharacter, which
# clean_cell_text removes from every cell, and restored after that replacement.
_GUARD = "\ufdd0"
_GUARDED = re.compile(r"(?<=[{}%])_(?=[{}%])")


def _finalize(value: Any) -> Any:
    """Check and set every value a template prints: never None; typeset (text.typeset) whatever it is.

    Every «{{ … }}» passes here, so no field of any paper can miss the non-breaking spaces and hyphens that keep
    «№ 477», a phone or an e-mail whole, whether its template asks for `typeset` or not.
    """
    if value is None:
        raise UndefinedError("пустое значение (None) в шаблоне; используйте {% if … %}")
    if isinstance(value, str) and not isinstance(value, Markup):
        value = typeset(value)
        if "_" in value:
            return _GUARDED.sub(_GUARD, value)
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


def _but_last_line(value: str) -> str:
    """All lines of a multi-line value but the last («» for one line): with `last_line`, lets a template keep only
    the last paragraph of a section with what follows it."""
    return str(value).rpartition("\n")[0]


def _last_line(value: str) -> str:
    return str(value).rpartition("\n")[2]


FILTERS: dict[str, Callable[..., Any]] = {
    "but_last_line": _but_last_line,
    "last_line": _last_line,
    "colon": _colon,
    "strip_dot": _strip_dot,
    "paragraphs": _paragraphs,
    "capfirst": _capfirst,
    "typeset": typeset,  # every printed value is typeset anyway (_finalize); kept for templates that name it
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

    def filters(self) -> dict[str, Callable[[object], object]]:
        def make(name: str) -> Callable[[object], object]:
            def declined(value: object) -> object:
                return self._filters[name](value)

            return declined

        return {name: make(name) for name in self._filters}


def make_env(slot: DeclinerSlot | None = None) -> Environment:
    """Return the Jinja environment every template is rendered with, declension filters included."""
    env = Environment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters.update(FILTERS)
    env.filters.update((slot or DeclinerSlot()).filters())
    return env


_HYPHENATED = '<w:suppressAutoHyphens w:val="0"/>'  # a paragraph where the template turns hyphenation on
_RUN = re.compile(r"(<w:r(?: [^>]*)?>)(<w:rPr>.*?</w:rPr>)?(.*?)</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_NAME = re.compile(r"(?<![А-ЯЁа-яёA-Za-z])[А-ЯЁA-Z][а-яёa-z]+(?:[-\u2011][А-ЯЁA-Za-zа-яё]+)*"
                   r"|(?<=ОУ[ \u00a0])[а-яё]+"  # the word after «МАОУ», «МБОУ», «МАДОУ»: «гимназия», «лицей»
                   r"|(?<![А-ЯЁа-яёA-Za-z])[А-ЯЁ]{2,}(?![А-ЯЁа-яё])")  # «ВСОКО»: LibreOffice ignores doNotHyphenateCaps
_NO_LANGUAGE = '<w:lang w:val="zxx"/>'


def protect_names(xml: str) -> str:
    """Keep automatic hyphenation off the capitalised words of the paragraphs that turn it on.

    Hyphenation is on only in table columns of ordinary words and in paragraphs of prose typed in the workbook or
    the Положение (scripts/make_templates.py), yet names come there too: «учителя Турочакского района», «МАОУ
    гимназия № 56».  Word and LibreOffice hyphenate by the language of the text, so each capitalised word, every
    abbreviation («ВСОКО») and the word after the abbreviation of a school («МАОУ гимназия») is put in a run of its
    own marked «no language» (zxx), which LibreOffice does not hyphenate.  A capital that starts the paragraph, a
    sentence or a quoted title («Исследовательские работы») is left alone when the dictionary knows the word and
    not as a name: it is capitalised because it starts something.
    """
    if _HYPHENATED not in xml:
        return xml

    def paragraph(match: re.Match[str]) -> str:
        text = match.group(0)
        if _HYPHENATED not in text:
            return text
        first = [True]

        def run(m: re.Match[str]) -> str:
            start, props, content = m.group(1), m.group(2) or "", m.group(3)
            marked = (re.sub(r"<w:lang [^>]*/>", "", props).replace("</w:rPr>", _NO_LANGUAGE + "</w:rPr>")
                      if props else f"<w:rPr>{_NO_LANGUAGE}</w:rPr>")

            def split(t: re.Match[str]) -> str:
                value, pieces, at = t.group(1), [], 0
                for name in _NAME.finditer(value):
                    before = value[:name.start()].rstrip(" \u00a0")
                    starts = (first[0] and not before.strip()) or before.endswith(("«", "\"", ".", "!", "?", ":"))
                    first[0] = False
                    if starts and name.group(0)[0].isupper() and is_common_word(name.group(0)):
                        continue  # «Методические …», «Исследовательские работы»: a word, capitalised as it starts
                    pieces.append(f'<w:t xml:space="preserve">{value[at:name.start()]}</w:t></w:r>'
                                  f'{start}{marked}<w:t xml:space="preserve">{name.group(0)}</w:t></w:r>{start}{props}')
                    at = name.end()
                if value.strip():
                    first[0] = False
                if not pieces:
                    return t.group(0)
                return "".join(pieces) + f'<w:t xml:space="preserve">{value[at:]}</w:t>'

            return start + props + _TEXT.sub(split, content) + "</w:r>"

        return _RUN.sub(run, text)

    return _PARAGRAPH.sub(paragraph, xml)


class _PlainTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's DocxTemplate with the one step docgen adds to every rendered part (`protect_names`)."""

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any],
                        jinja_env: Environment | None = None) -> str:
        return protect_names(super().render_xml_part(src_xml, part, context, jinja_env))


class _CachingTemplate(DocxTemplate):  # type: ignore[misc]
    """A DocxTemplate that reuses the cleaned XML and the compiled Jinja templates of earlier renders.

    docxtpl cleans the XML with dozens of regular expressions and compiles it with Jinja on every render,
    about half of a render's time; the result depends only on the template, so a Renderer keeps it.  The
    post-processing after Jinja is docxtpl's own (render_xml_part in docxtpl 0.20), kept identical.
    """

    def __init__(self, blob: bytes, cache: dict[tuple[str, str], Any]) -> None:
        super().__init__(io.BytesIO(blob))
        self._cache = cache

    def patch_xml(self, src_xml: str) -> str:
        # Keys are tuples holding the source itself: a str caches its hash, so a hit costs no pass over the XML
        # (a key built by concatenation would be a new 40 KB string to hash on every document).
        key = ("patch", src_xml)
        if key not in self._cache:
            self._cache[key] = super().patch_xml(src_xml)
        return str(self._cache[key])

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any],
                        jinja_env: Environment | None = None) -> str:
        assert jinja_env is not None
        key = ("jinja", src_xml)
        if key not in self._cache:
            self._cache[key] = jinja_env.from_string(_with_paragraph_lines(src_xml))
        self.current_rendering_part = part
        dst_xml = self._cache[key].render(context)
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if _GUARD in dst_xml:
            dst_xml = dst_xml.replace(_GUARD, "_")
        return protect_names(self.resolve_listing(dst_xml))

    def resolve_listing(self, xml: str) -> str:
        """Turn tabs, line breaks (\\n, \\a) and page breaks (\\f) into Word XML as docxtpl does, in fewer steps.

        docxtpl runs three nested regular expressions over every paragraph, run and text of the document, and a
        paragraph without any of the four characters comes out unchanged; only the paragraphs that have one are
        handed to docxtpl, split by docxtpl's own pattern.  tests/test_render.py compares the two on every example.
        """
        if not _LISTING.search(xml):
            return xml
        resolve = super().resolve_listing

        def paragraph(match: re.Match[str]) -> str:
            text = match.group(0)
            return str(resolve(text)) if _LISTING.search(text) else text

        return _PARAGRAPH.sub(paragraph, xml)

    def property_template(self, source: str, jinja_env: Environment) -> Any:
        """Compile a core property as docxtpl's render_properties does, once per template."""
        key = ("property", source)
        if key not in self._cache:
            self._cache[key] = jinja_env.from_string(source)
        return self._cache[key]


def template_path(name: str) -> Path:
    return TEMPLATE_DIR / name


def context_of(model: BaseModel) -> dict[str, Any]:
    """Expose a model's fields and computed fields as the template's top-level names (objects, not dumps)."""
    names = [*type(model).model_fields, *type(model).model_computed_fields]
    return {name: getattr(model, name) for name in names}


class Renderer:
    """Render one template for one model class; check its contract once, at construction.

    A Renderer keeps the opened template between documents (`_Prepared`), so one Renderer serves one thread at a
    time: the pipeline gives each worker process its own.
    """

    def __init__(self, template: Path, model: type[BaseModel]) -> None:
        self.template = template
        self.model = model
        try:
            self.blob = template.read_bytes()
        except OSError as exc:
            raise TemplateError(template, "файл шаблона не найден или не читается") from exc
        self.slot = DeclinerSlot()
        self.env = make_env(self.slot)
        self._cache: dict[tuple[str, str], Any] = {}
        self._check_contract()
        self._prepared = _Prepared(self.blob, self._cache) if _Prepared.supports(self.blob) else None

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
        try:
            blob = self._render(context_of(model))
        except UndefinedError as exc:
            raise RenderError(f"Шаблон «{self.template.name}»: {exc.message}") from exc
        except JinjaTemplateError as exc:
            raise RenderError(f"Шаблон «{self.template.name}»: ошибка заполнения ({exc})") from exc
        except etree.XMLSyntaxError as exc:
            raise RenderError(f"Шаблон «{self.template.name}»: документ получился повреждённым ({exc})") from exc
        return blob, list(decliner.log)

    def _render(self, context: dict[str, Any]) -> bytes:
        if self._prepared is None:
            return self.render_plain(context)
        return self._prepared.render(context, self.env)

    def render_plain(self, context: dict[str, Any]) -> bytes:
        """Render with plain docxtpl, nothing cached or overridden: the reference the prepared path equals.

        Also the path for the templates `_Prepared` does not take.
        """
        doc = _PlainTemplate(io.BytesIO(self.blob))
        doc.render(context, jinja_env=self.env, autoescape=True)
        return _save(doc)


def _with_paragraph_lines(xml: str) -> str:
    # docxtpl renders with one paragraph per line; parse the same way so line numbers name paragraphs.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


# docxtpl's render_properties renders these core properties as Jinja templates (docxtpl 0.20).
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (_FIXED_ZIP_TIME[0] - 1980) << 9 | _FIXED_ZIP_TIME[1] << 5 | _FIXED_ZIP_TIME[2]
_MADE_BY = 3 << 8 | 20  # Unix, zip 2.0: the external attributes below are a Unix mode
_FILE_MODE = 0o100644  # a regular file, rw-r--r--


class _Member(NamedTuple):
    """One zip member, already deflated."""

    name: str
    crc: int
    size: int
    data: bytes


def _deflate(name: str, blob: bytes) -> _Member:
    # level 1: several times faster than the default 6, for a few per cent more bytes
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return _Member(name, zlib.crc32(blob), len(blob), packer.compress(blob) + packer.flush())


def _zip(members: list[_Member]) -> bytes:
    """Write a zip archive of deflated members with fixed timestamps: equal content gives equal bytes.

    zipfile cannot take data that is already deflated, and the parts a render does not touch (styles, fonts,
    settings: most of a .docx) are deflated once per template this way instead of once per document.
    """
    out = bytearray()
    central = bytearray()
    for member in members:
        name = member.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                           member.crc, len(member.data), member.size, len(name), 0)
        out += name
        out += member.data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", _MADE_BY, 20, flags, zipfile.ZIP_DEFLATED, _DOS_TIME,
                               _DOS_DATE, member.crc, len(member.data), member.size, len(name), 0, 0, 0, 0,
                               _FILE_MODE << 16, offset)
        central += name
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + end)


_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _content_types(parts: list[Any]) -> bytes:
    """Return [Content_Types].xml for `parts` exactly as python-docx 1.x writes it when it saves.

    python-docx has this only as a private class (`docx.opc.pkgwriter._ContentTypesItem`); these few lines keep
    docgen on public names.  A part whose extension and type are one of OPC's defaults is covered by a <Default>
    for its extension (lower case), any other by an <Override>; both sorted.  tests/test_render.py fails loudly
    if python-docx ever writes it differently: it compares every document's bytes with python-docx's own save.
    """
    defaults = {"rels": CONTENT_TYPE.OPC_RELATIONSHIPS, "xml": CONTENT_TYPE.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext = part.partname.ext.lower()
        if (ext, part.content_type) in default_content_types:
            defaults[ext] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    root = etree.Element(_TYPES + "Types", nsmap={None: _TYPES[1:-1]})
    for ext in sorted(defaults):
        etree.SubElement(root, _TYPES + "Default", Extension=ext, ContentType=defaults[ext])
    for name in sorted(overrides):
        etree.SubElement(root, _TYPES + "Override", PartName=name, ContentType=overrides[name])
    return bytes(serialize_part_xml(root))


def _members(package: Any, blob_of: Callable[[Any], bytes]) -> list[tuple[str, bytes]]:
    """List a package's zip members in python-docx's order (OpcPackage.save, PackageWriter.write, python-docx 1.x).

    `blob_of(part)` gives a part's bytes, so that a caller can put rendered parts in place of the template's.
    """
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    members = [
        (CONTENT_TYPES_URI.membername, _content_types(parts)),
        (PACKAGE_URI.rels_uri.membername, package.rels.xml),
    ]
    for part in parts:
        members.append((part.partname.membername, blob_of(part)))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return members


def _save(doc: DocxTemplate) -> bytes:
    """Save a rendered DocxTemplate with python-docx's parts and order, but deterministically and compressing once.

    python-docx stamps every zip member with the current time; rewriting the zip afterwards doubled the cost of
    saving.
    """
    doc.pre_processing()
    members = _members(doc.docx.part.package, lambda part: part.blob)
    return _zip([_deflate(name, blob) for name, blob in members])


class _Prepared:
    """A template opened once and rendered many times: what docxtpl's `render` redoes per document, done once.

    docxtpl reopens the template (parsing every part), re-serializes and re-compresses all of them for every
    document, although only the body, the headers and footers and six core properties can change.  This keeps
    the package parsed, the unchanged members deflated, and per document runs docxtpl's own steps in docxtpl's
    order on the template's original XML: render the cleaned XML with Jinja, fix_tables, fix_docpr_ids,
    map_tree for the body; the same rendering and python-docx's parse and serialization for each header and
    footer; the core properties as Jinja templates.  tests/test_render.py checks that the bytes equal those of a
    plain docxtpl render for every template.  A template with footnotes takes the plain path (`supports`).
    """

    def __init__(self, blob: bytes, cache: dict[tuple[str, str], Any]) -> None:
        doc = _CachingTemplate(blob, cache)
        doc.render_init()
        self.doc = doc
        self.body = doc.patch_xml(doc.get_xml())
        self.parts: dict[str, tuple[Any, str, str]] = {}  # partname -> (part, cleaned XML, encoding)
        for uri in (doc.HEADER_URI, doc.FOOTER_URI):
            for _, part in doc.get_headers_footers(uri):
                xml = doc.get_part_xml(part)
                self.parts[str(part.partname)] = (part, doc.patch_xml(xml), doc.get_headers_footers_encoding(xml))
        core = doc.docx.core_properties  # python-docx adds a default part when the template has none
        self.core_part = doc.docx.part.package._core_properties_part
        self.core_sources = [getattr(core, name) for name in _CORE_PROPERTIES]
        self.core_values: list[str] | None = None
        self.core_blob = b""
        self.document = doc.docx.part
        changing = {self.document.partname.membername, self.core_part.partname.membername,
                    *(part.partname.membername for part, _, _ in self.parts.values())}
        self.order: list[str] = []
        self.fixed: dict[str, _Member] = {}
        for name, member_blob in _members(self.document.package, self._template_blob):
            self.order.append(name)
            if name not in changing:
                self.fixed[name] = _deflate(name, member_blob)

    @staticmethod
    def supports(blob: bytes) -> bool:
        """Tell whether a template can take this path: docxtpl renders footnotes in a way not repeated here."""
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            return not any(re.fullmatch(r"word/footnotes\d*\.xml", name) for name in zf.namelist())

    def _template_blob(self, part: Any) -> bytes:
        """Return a part's bytes, or nothing for the parts every render replaces (no need to serialize them)."""
        if part is self.document or part is self.core_part or str(part.partname) in self.parts:
            return b""
        return cast(bytes, part.blob)

    def render(self, context: dict[str, Any], env: Environment) -> bytes:
        doc = self.doc
        doc.pic_map, doc.current_rendering_part, doc.docx_ids_index = {}, None, 1000  # as render_init
        rendered: dict[str, bytes] = {}
        xml = doc.render_xml_part(self.body, self.document, context, env)
        tree = doc.fix_tables(xml)
        doc.fix_docpr_ids(tree)
        doc.map_tree(tree)  # the shared root gets this document's body; the next render replaces it again
        rendered[self.document.partname.membername] = serialize_part_xml(self.document.element)
        for part, source, encoding in self.parts.values():
            xml = doc.render_xml_part(source, part, context, env)
            rendered[part.partname.membername] = serialize_part_xml(parse_xml(xml.encode(encoding)))
        rendered[self.core_part.partname.membername] = self._core(context, env)
        return _zip([self.fixed.get(name) or _deflate(name, rendered[name]) for name in self.order])

    def _core(self, context: dict[str, Any], env: Environment) -> bytes:
        values = [self.doc.property_template(source, env).render(context) for source in self.core_sources]
        if values != self.core_values:
            core = self.doc.docx.core_properties
            for name, value in zip(_CORE_PROPERTIES, values, strict=True):
                setattr(core, name, value)
            self.core_values, self.core_blob = values, serialize_part_xml(self.core_part.element)
        return self.core_blob


def normalize_docx(blob: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order, so equal content gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(blob)) as src:
        return _zip([_deflate(info.filename, src.read(info.filename)) for info in src.infolist()])



DRAFT_MARK = "ПРОЕКТ"
DRAFT_PREFIX = "ПРОЕКТ — "  # a draft's file name starts with it: it cannot be taken for the final paper


def mark_draft(blob: bytes, problems: list[str]) -> bytes:
    """Mark a rendered paper as a draft: «ПРОЕКТ» at the top right of every page, open problems after the text.

    The mark goes into every header the document uses (first page, odd and even pages of every section), as the
    word «Проект» stands at the upper right of a draft in office practice; a header linked to the previous
    section's shows that one's mark.  The problems follow the text under their own heading, so the draft cannot
    be signed as it is.
    """
    document = docx.Document(io.BytesIO(blob))
    even = document.settings.odd_and_even_pages_header_footer
    for index, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if even:
            headers.append(section.even_page_header)
        for header in headers:
            if index > 0 and header.is_linked_to_previous:
                continue
            header.is_linked_to_previous = False
            first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            mark = first.insert_paragraph_before()
            mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = mark.add_run(DRAFT_MARK)
            run.bold = True
    if problems:
        heading = document.add_paragraph()
        heading.add_run().add_break(WD_BREAK.PAGE)
        title = heading.add_run("Замечания, не устранённые в проекте")
        title.bold = True
        for number, problem in enumerate(problems, start=1):
            document.add_paragraph(f"{number}. {problem}")
    out = io.BytesIO()
    document.save(out)
    return normalize_docx(out.getvalue())
