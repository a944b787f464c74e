"""The заявка document itself: read back with python-docx, cell by cell, style by style."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.errors import RenderError
from docgen.loader import load
from docgen.models import Application, EventDate, RoadmapEvent
from docgen.render import Renderer, context_of, template_path
from tests.conftest import flat, untypeset

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(template_path("zayavka.docx"), Application)


def render(renderer: Renderer, path: Path) -> Document:
    loaded = load(path)
    assert loaded.model is not None, [str(p) for p in loaded.errors]
    return Document(io.BytesIO(renderer.render(loaded.model)))


def texts(doc: Document) -> list[str]:
    return [untypeset(p.text) for p in doc.paragraphs]


def test_addressee_title_and_signature(renderer: Renderer, example: Path) -> None:
    doc = render(renderer, example)
    paragraphs = texts(doc)
    assert paragraphs[0] == "Директору МАУ ИМЦ"
    assert paragraphs[1] == f"В.В.{NBSP}Пустоваловой"
    # the organization in the genitive after the position, as № 477 writes «Руководителям … МАОУ гимназии № 56»
    assert paragraphs[2] == (f"Горбунова Елена Аркадьевна, директор МАОУ гимназии №{NBSP}56{NBSP}г.{NBSP}Томска")
    assert "Заявка" in paragraphs
    assert "на присвоение статуса стажировочной площадки города Томска" in paragraphs
    assert f"«12»{NBSP}мая{NBSP}2023{NBSP}г." in paragraphs
    signature = doc.tables[-1]
    assert signature.cell(0, 0).text == "Руководитель\nобразовательной организации"
    assert signature.cell(0, 2).text == f"/{NBSP}Е.А.{NBSP}Горбунова"
    assert signature.cell(1, 1).text == "(подпись)"
    assert signature.cell(1, 2).text == "(расшифровка подписи)"


def test_points_in_order_with_multiline_text_as_paragraphs(renderer: Renderer, example: Path) -> None:
    paragraphs = texts(render(renderer, example))
    heads = [p for p in paragraphs if re.match(r"^[1-5]\. ", p)]
    assert [h[:2] for h in heads] == ["1.", "2.", "3.", "4.", "5."]
    loaded = load(example)
    assert loaded.model is not None
    # every line of the tasks became its own paragraph, none lost
    for line in loaded.model.tasks.split("\n"):
        assert line in paragraphs
    assert "5. План деятельности/дорожная карта стажировочной площадки на 3 года (2023–2026)." in paragraphs


def test_roadmap_table_rows_years_and_numbers(renderer: Renderer, example: Path) -> None:
    doc = render(renderer, example)
    roadmap = doc.tables[1]
    rows = [[untypeset(c.text) for c in row.cells] for row in roadmap.rows]
    assert rows[0][0] == "№ пп"
    assert rows[0][5] == "Ответственный за организацию мероприятия, контактная информация"
    years = [r[0] for r in rows if r[0].endswith("учебный год")]
    assert years == ["2023–2024 учебный год", "2024–2025 учебный год", "2025–2026 учебный год"]
    numbers = [r[0] for r in rows[1:] if r[0].isdigit()]
    assert numbers == [str(n) for n in range(1, 10)]
    loaded = load(example)
    assert loaded.model is not None
    first = loaded.model.roadmap[0]
    row = next(r for r in rows if r[0] == "1")
    # «Установочный семинар «…»» names its form («семинар») already: not told twice
    assert first.form == "семинар" and "семинар" in first.title
    assert untypeset(row[1]) == first.title
    assert row[2] == first.result
    assert row[3] == "19.10.2023"
    assert flat(row[5]) == f"{first.responsible}\n{first.contacts}"
    raw = next(r for r in roadmap.rows if r.cells[0].text == "1").cells[5].text
    # typeset: initials stay with the surname; the e-mail may break only after «@» or before a dot
    assert raw == f"Т.А.{NBSP}Лаптева, заместитель директора по научно-методической работе\n" \
                  "nmr@\u200bschool56\u200b.example\u200b.tomsk\u200b.ru"
    month_row = next(r for r in rows if r[0] == "2")
    assert month_row[3] == f"декабрь 2023{NBSP}г."


def test_table_header_repeats_and_rows_do_not_split(renderer: Renderer, example: Path) -> None:
    doc = render(renderer, example)
    for table in doc.tables[:2]:
        trs = table._tbl.findall(qn("w:tr"))
        assert trs[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
        for tr in trs:
            assert tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None


def test_products_table(renderer: Renderer, example: Path) -> None:
    doc = render(renderer, example)
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["№ пп", "Вид продукта", "Наименование продукта", "Срок предоставления", "Размещение на сайте"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert rows[1][1] == "методические рекомендации"
    assert rows[1][3] == "31.05.2024"


def test_page_setup_fonts_and_page_numbers(renderer: Renderer, example: Path) -> None:
    doc = render(renderer, example)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.left_margin, section.right_margin, section.top_margin, section.bottom_margin]
    assert [round(m.mm) for m in margins] == [30, 10, 20, 20]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "fldChar" in header_xml
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert not any("Theme" in attr for attr in fonts.attrib)
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "ru-RU"


def test_no_template_tags_left_in_any_part(renderer: Renderer, example: Path) -> None:
    loaded = load(example)
    assert loaded.model is not None
    blob = renderer.render(loaded.model)
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                assert not re.search(r"\{\{|\{%|%\}|\}\}", xml), name


def test_same_data_gives_same_bytes(renderer: Renderer, example: Path) -> None:
    loaded = load(example)
    assert loaded.model is not None
    assert renderer.render(loaded.model) == renderer.render(loaded.model)


TRICKY = "A & B < C > D «кавычки» \"прямые\" {{ org.full_name }} {% if x %}\nвторая строка"


def test_special_characters_come_out_exactly_as_typed(
        renderer: Renderer, edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B11"] = TRICKY  # Тема стажировки
        wb["Дорожная карта"]["C2"] = "итог: 5 < 7 & 8 > 3 — {{ }}"
    doc = render(renderer, edited(edit))
    paragraphs = texts(doc)
    # markup comes out literally; straight quotes come out as «ёлочки» (the check says so as «сведения»)
    assert "A & B < C > D «кавычки» «прямые» {{ org.full_name }} {% if x %}" in paragraphs
    assert "вторая строка" in paragraphs
    cells = [c.text for row in doc.tables[1].rows for c in row.cells]
    assert "итог: 5 < 7 & 8 > 3 — {{ }}" in cells


def with_raw_string(path: Path, marker: str, raw_xml_text: str) -> Path:
    """Replace `marker` in the workbook's XML with text openpyxl refuses to write (Excel's _xHHHH_ escapes)."""
    patched = path.with_name("raw-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, data.replace(marker.encode(), raw_xml_text.encode()))
    return patched


def test_control_characters_are_cleaned_not_rendered(renderer: Renderer, edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Дорожная карта"]["C2"] = "CTRLMARK"
    path = with_raw_string(edited(edit), "CTRLMARK", "до_x0007_после_x000B_конец_x000D_\nстрока_x000C_")
    doc = render(renderer, path)
    cells = [c.text for row in doc.tables[1].rows for c in row.cells]
    assert "допослеконец\nстрока" in cells


def test_none_is_never_printed(renderer: Renderer, example: Path) -> None:
    loaded = load(example)
    assert loaded.model is not None
    without_date = loaded.model.model_copy(update={"application_date": None})
    doc = Document(io.BytesIO(renderer.render(without_date)))
    assert "«____» ______________ 20____ г." in texts(doc)
    assert not any("None" in t for t in texts(doc))


def test_context_exposes_fields_and_computed_fields(example: Path) -> None:
    loaded = load(example)
    assert loaded.model is not None
    context = context_of(loaded.model)
    assert {"org", "topic", "roadmap", "roadmap_years", "plan_label", "file_stem"} <= set(context)


def test_render_error_is_translated(example: Path, tmp_path: Path) -> None:
    # A template that passes the contract but fails at render time: an attribute of a plain string.
    from tests.templates import make_template

    path = make_template(tmp_path / "t.docx", ["{{ topic | int | attr('x') }}"])
    renderer = Renderer(path, Application)
    loaded = load(example)
    assert loaded.model is not None
    with pytest.raises(RenderError, match=r"Шаблон «t\.docx»"):
        renderer.render(loaded.model)


# --- the prepared template: what docxtpl redoes per document, done once ------------------------------------------

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").rglob("*.xlsx"))


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.stem)
def test_prepared_render_equals_plain_docxtpl_bytes(source: Path) -> None:
    from docgen.kinds import PAPERS

    loaded = load(source)
    assert loaded.model is not None
    renderer = Renderer(template_path(PAPERS[loaded.model.kind].template), PAPERS[loaded.model.kind].model)
    variants = list(loaded.model.variants())
    # twice through, in order: one document's render must leave nothing behind for the next
    for variant in [*variants, *variants]:
        assert renderer.render(variant) == renderer.render_plain(context_of(variant))


def test_prepared_render_changes_between_documents(renderer: Renderer, edited: Callable[..., Path]) -> None:
    def other_topic(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B11"] = "Другая тема"

    first = load(edited(lambda wb: None, "a.xlsx")).model
    second = load(edited(other_topic, "b.xlsx")).model
    assert first is not None and second is not None
    one, two, again = renderer.render(first), renderer.render(second), renderer.render(first)
    assert one == again != two
    assert "Другая тема" in texts(Document(io.BytesIO(two)))
    assert "Другая тема" not in texts(Document(io.BytesIO(again)))


def test_core_properties_are_rendered_like_docxtpl(example: Path, tmp_path: Path) -> None:
    # docxtpl renders six core properties as templates; a clerk may put the organization in the title.
    doc = Document(str(template_path("zayavka.docx")))
    doc.core_properties.title = "Заявка {{ org.short_name }} & Co"
    path = tmp_path / "with-title.docx"
    doc.save(str(path))
    renderer = Renderer(path, Application)
    loaded = load(example)
    assert loaded.model is not None
    blob = renderer.render(loaded.model)
    assert blob == renderer.render_plain(context_of(loaded.model))
    # every printed value is typeset, a property too
    title = Document(io.BytesIO(blob)).core_properties.title
    assert title == f"Заявка МАОУ гимназия №{NBSP}56{NBSP}г.{NBSP}Томска & Co"


def test_template_with_footnotes_takes_the_plain_path(tmp_path: Path) -> None:
    from docgen.render import _Prepared

    blob = template_path("zayavka.docx").read_bytes()
    assert _Prepared.supports(blob)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("word/footnotes.xml", "<w:footnotes/>")
    assert not _Prepared.supports(out.getvalue())


def test_written_zip_is_a_valid_docx_with_fixed_times(renderer: Renderer, example: Path) -> None:
    loaded = load(example)
    assert loaded.model is not None
    with zipfile.ZipFile(io.BytesIO(renderer.render(loaded.model))) as zf:
        assert zf.testzip() is None  # every member's CRC checks
        infos = zf.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in infos} == {(2000, 1, 1, 0, 0, 0)}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
        assert {(i.create_system, i.external_attr >> 16) for i in infos} == {(3, 0o100644)}  # Unix, regular file


@pytest.mark.parametrize("xml", [
    "<w:body><w:p><w:r><w:t>без особых знаков</w:t></w:r></w:p></w:body>",
    '<w:body><w:p w:rsidR="1"><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
    "<w:t>строка\nещё\tтаб\aабзац\fлист</w:t></w:r><w:r><w:t>второй\nран</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>чистый</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>в\nтаблице</w:t></w:r></w:p>"
    "</w:tc></w:tr></w:tbl>\n<w:sectPr/></w:body>",
    # a paragraph inside a text box inside a paragraph: docxtpl's lazy pattern stops at the inner </w:p>
    "<w:p><w:r><w:txbxContent><w:p><w:r><w:t>внутри\n</w:t></w:r></w:p></w:txbxContent></w:r>"
    "<w:r><w:t>после\a</w:t></w:r></w:p>",
])
def test_resolve_listing_equals_docxtpl(xml: str) -> None:
    from docxtpl import DocxTemplate

    from docgen.render import _CachingTemplate

    blob = template_path("zayavka.docx").read_bytes()
    ours = _CachingTemplate(blob, {})
    theirs = DocxTemplate(io.BytesIO(blob))
    assert ours.resolve_listing(xml) == theirs.resolve_listing(xml)


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.stem)
def test_content_types_are_those_python_docx_writes(source: Path) -> None:
    # docgen writes [Content_Types].xml itself (python-docx has it only as a private class): if a python-docx
    # release writes it differently, this fails loudly before any document goes out different.
    from docgen.kinds import PAPERS

    loaded = load(source)
    assert loaded.model is not None
    ours = Renderer(template_path(PAPERS[loaded.model.kind].template), PAPERS[loaded.model.kind].model)
    rendered = ours.render(next(iter(loaded.model.variants())))
    saved = io.BytesIO()
    Document(io.BytesIO(rendered)).save(saved)  # python-docx's own writer, same parts
    with zipfile.ZipFile(io.BytesIO(rendered)) as mine, zipfile.ZipFile(saved) as theirs:
        assert mine.read("[Content_Types].xml") == theirs.read("[Content_Types].xml")
        assert b"<Override PartName=\"/word/document.xml\"" in mine.read("[Content_Types].xml")


@pytest.mark.parametrize(("typed", "printed"), [
    ("№ 477", "№\u00a0477"),
    ("снизилась до 0,4 %", "снизилась до 0,4\u00a0%"),
    ("МАОУ СОШ № 25 г. Томска", "МАОУ СОШ №\u00a025\u00a0г.\u00a0Томска"),
    ("директору В. В. Пустоваловой", "директору В.В.\u00a0Пустоваловой"),
    ("«12» мая 2023 г.", "«12»\u00a0мая\u00a02023\u00a0г."),
    ("ноябрь 2023 г.", "ноябрь 2023\u00a0г."),  # a month may go on the line above its year
    ("тел. +7 (3822) 12-34-58", "тел. +7\u00a0(3822)\u00a012\u201134\u201158"),
    ("на 2023-2024 учебный год", "на 2023\u20112024 учебный год"),
    ("им. 19-й дивизии", "им. 19\u2011й дивизии"),
    ("в 5–9 классах", "в 5–\u20609 классах"),
    ("Кудрявцева-Артыбашская", "Кудрявцева-Артыбашская"),  # a double name may break at its own hyphen
    # an address that fits the narrowest column moves whole to the next line: no break anywhere in it
    ("tochka@artybash-sosh.ru", "tochka@artybash-\u2060sosh.ru"),
    ("https://a-b.ru/x/y", "https:/\u2060/\u2060a-\u2060b.ru/\u2060x/\u2060y"),
    # a longer one may break at the typographers' points, never after its own hyphen
    ("tochka-rosta@artybash-sosh.ru", "tochka\u200b-\u2060rosta@\u200bartybash\u200b-\u2060sosh\u200b.ru"),
    ("https://a-b.example.ru/x/y", "https://\u200ba\u200b-\u2060b\u200b.example\u200b.ru\u200b/x\u200b/y"),
])
def test_typeset_keeps_whole_what_a_reader_needs_whole(typed: str, printed: str) -> None:
    from docgen.text import typeset

    assert typeset(typed) == printed
    assert typeset(printed) == printed  # idempotent: a value set twice is the same
    assert flat(printed) == " ".join(typed.replace("В. В.", "В.В.").split())  # nothing but invisible marks added


@pytest.mark.parametrize(("title", "form", "printed"), [
    ("Практикум «Критерии»", "практикум", "Практикум «Критерии»"),
    ("«Мировое кафе» «Обратная связь»", "«Мировое кафе»", "«Мировое кафе» «Обратная связь»"),
    ("Встреча с родителями", "круглый стол", "Встреча с родителями (форма проведения: круглый стол)"),
])
def test_a_roadmap_title_names_its_form_once(title: str, form: str, printed: str) -> None:
    """The column is «Мероприятие с указанием формы проведения»: the form is added only when the title lacks it."""
    event = RoadmapEvent(title=title, form=form, result="итог", when=EventDate(kind="day", year=2023, month=10,
                                                                                   day=19),
                         participants="учителя", responsible="Т.А. Лаптева")
    assert event.title_with_form == printed
