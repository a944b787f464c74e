"""Build templates/docx/*.docx with python-docx: the starting point a clerk then edits in Word or LibreOffice.

The .docx files are the source of truth once committed; this script documents how they were made and rebuilds
them after a deliberate layout change (`python scripts/make_templates.py`).  Everything ГОСТ Р 7.0.97 asks for is
set here: A4, margins 30/10/20/20 mm, Times New Roman 14 pt in all four font slots (so Cyrillic never falls back
to a theme font), Russian language, page numbers from page 2 at the top centre, a roadmap table whose header row
repeats on every page and whose rows do not split.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
FONT = "Times New Roman"
TEXT_WIDTH = Mm(170)


def _set_fonts(rpr: OxmlElement, size_pt: int | None = None) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # drop *Theme attributes: they win over explicit names in Word
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for slot in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(slot), "ru-RU")
    if size_pt:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(size_pt * 2))


def _styles(doc: Document) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, 14)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr(), 14)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.25)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = True
    for name in ("Header", "Table Grid"):
        style = doc.styles[name]
        _set_fonts(style.element.get_or_add_rPr(), 12 if name == "Table Grid" else 14)


def _page(doc: Document) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True  # no number on page 1
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.paragraph_format.first_line_indent = Cm(0)
    _page_field(header)


def _page_field(paragraph: Paragraph) -> None:
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""


def para(doc_or_cell: object, text: str = "", *, align: WD_ALIGN_PARAGRAPH | None = None,
         indent: bool = True, left: Cm | None = None, bold: bool = False, size: int | None = None,
         keep_next: bool = False, space_before: int = 0, space_after: int = 0) -> Paragraph:
    p: Paragraph = doc_or_cell.add_paragraph()  # type: ignore[attr-defined]
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    if not indent:
        fmt.first_line_indent = Cm(0)
    if left is not None:
        fmt.left_indent = left
    fmt.keep_with_next = keep_next or None
    if space_before:
        fmt.space_before = Pt(space_before)
    if space_after:
        fmt.space_after = Pt(space_after)
    return p


def _cell_text(cell: object, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None,
               size: int = 12) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = p.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(size)
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.LEFT


def _row_props(row: _Row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _widths(table: Table, widths_mm: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _tag_row(table: Table, tag: str) -> None:
    row = table.add_row()
    _cell_text(row.cells[0], tag)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _auto_hyphenation(doc: Document) -> None:
    """Hyphenate automatically (Word and LibreOffice with hyphen-ru): narrow table cells then break words at
    syllables, not at an arbitrary letter."""
    settings = doc.settings.element
    hyphenation = OxmlElement("w:autoHyphenation")
    # Word validates the schema order of settings: autoHyphenation follows defaultTabStop
    tab_stop = settings.find(qn("w:defaultTabStop"))
    if tab_stop is not None:
        tab_stop.addnext(hyphenation)
    else:
        settings.insert(0, hyphenation)


def build_zayavka(path: Path) -> None:
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    right = Cm(9.5)
    para(doc, "{{ profile.addressee.position_dative }}", indent=False, left=right,
         align=WD_ALIGN_PARAGRAPH.LEFT, bold=True)
    para(doc, "{{ profile.addressee.name_dative | typeset }}", indent=False, left=right,
         align=WD_ALIGN_PARAGRAPH.LEFT, bold=True)
    para(doc, "{{ org.head_name.full }}, {{ org.head_position }} {{ org.short_name_typeset }}",
         indent=False, left=right, align=WD_ALIGN_PARAGRAPH.LEFT, space_before=12)

    para(doc, "{{ profile.zayavka.title }}", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, bold=True,
         space_before=24)
    para(doc, "{{ profile.zayavka.subtitle }}", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, bold=True)
    para(doc, "{{ org.full_name_typeset }}", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_before=12)
    para(doc, "(полное наименование организации)", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=10,
         space_after=12)

    para(doc, "1. Тема стажировки.", keep_next=True)
    para(doc, "{{ topic | paragraphs }}")
    para(doc, "2. Цели и задачи стажировки.", keep_next=True, space_before=6)
    para(doc, "{{ goals | paragraphs }}")
    para(doc, "{{ tasks | paragraphs }}")
    para(doc, "3. Обоснование актуальности и значимости заявленной тематики для развития системы образования "
              "города Томска.", keep_next=True, space_before=6)
    para(doc, "{{ rationale | paragraphs }}")
    para(doc, "4. Планируемый продукт, сроки предоставления продукта/размещения на официальном сайте.",
         keep_next=True, space_before=6, space_after=6)

    products = doc.add_table(rows=1, cols=5)
    products.style = doc.styles["Table Grid"]
    products.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(products.rows[0].cells,
                           ["№ пп", "Вид продукта", "Наименование продукта", "Срок предоставления",
                            "Размещение на сайте"], strict=True):
        _cell_text(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=10)
    _row_props(products.rows[0], header=True)
    _tag_row(products, "{%tr for product in products %}")
    row = products.add_row()
    _row_props(row)
    for cell, text in zip(row.cells, ["{{ loop.index }}", "{{ product.kind }}", "{{ product.title }}",
                                      "{{ product.due_label }}", "{{ product.site_date_label }}"], strict=True):
        _cell_text(cell, text, size=11,
                   align=WD_ALIGN_PARAGRAPH.CENTER if "label" in text or "loop" in text else None)
    _tag_row(products, "{%tr endfor %}")
    _widths(products, [10, 32, 64, 32, 32])

    para(doc, "5. План деятельности/дорожная карта стажировочной площадки на {{ profile.rules.plan_years }} "
              "года ({{ plan_label }}).", keep_next=True, space_before=12, space_after=6)
    roadmap = doc.add_table(rows=1, cols=6)
    roadmap.style = doc.styles["Table Grid"]
    roadmap.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ["№ пп", "Мероприятие с указанием формы проведения", "Ожидаемый результат", "Сроки проведения",
             "Категория участников мероприятия (для кого предназначено)",
             "Ответственный за организацию мероприятия, контактная информация"]
    for cell, title in zip(roadmap.rows[0].cells, heads, strict=True):
        _cell_text(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=10)
    _row_props(roadmap.rows[0], header=True)
    _tag_row(roadmap, "{%tr for year in roadmap_years %}")
    year_row = roadmap.add_row()
    _row_props(year_row)
    merged = year_row.cells[0].merge(year_row.cells[5])
    _cell_text(merged, "{{ year.label }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    merged.paragraphs[0].paragraph_format.keep_with_next = True
    _tag_row(roadmap, "{%tr for item in year.events %}")
    row = roadmap.add_row()
    _row_props(row)
    texts = ["{{ item.number }}", "{{ item.event.title }} (форма проведения: {{ item.event.form }})",
             "{{ item.event.result }}", "{{ item.event.when.label }}", "{{ item.event.participants }}",
             "{{ item.event.responsible_with_contacts }}"]
    for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        _cell_text(cell, text, size=11, align=WD_ALIGN_PARAGRAPH.CENTER if index in (0, 3) else None)
    _tag_row(roadmap, "{%tr endfor %}")
    _tag_row(roadmap, "{%tr endfor %}")
    _widths(roadmap, [8, 42, 36, 24, 28, 32])

    para(doc, "{% if application_date %}{{ application_date | date_words }}{% else %}"
              "«____» ______________ 20____ г.{% endif %}", indent=False, space_before=24, space_after=24,
         keep_next=True)
    sign = doc.add_table(rows=2, cols=3)
    _no_borders(sign)
    _cell_text(sign.rows[0].cells[0], "Руководитель\nобразовательной организации", size=14)
    _cell_text(sign.rows[0].cells[1], "______________", size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(sign.rows[0].cells[2], "/ {{ org.head_name.initials_surname }}", size=14)
    _cell_text(sign.rows[1].cells[1], "(подпись)", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(sign.rows[1].cells[2], "(расшифровка подписи)", size=10)
    for r in sign.rows:
        _row_props(r)
    sign.rows[0].cells[0].paragraphs[0].paragraph_format.keep_with_next = True
    for cell in sign.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM  # bottom: the name stands on the signature line
    _widths(sign, [75, 45, 50])

    _auto_hyphenation(doc)
    doc.core_properties.title = "Заявка на присвоение статуса стажировочной площадки"
    doc.core_properties.author = "docgen"
    doc.core_properties.language = "ru-RU"
    doc.save(path)


if __name__ == "__main__":
    out = ROOT / "templates" / "docx"
    out.mkdir(parents=True, exist_ok=True)
    build_zayavka(out / "zayavka.docx")
