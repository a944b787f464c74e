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
    # No automatic hyphenation by default: names of people, organizations and places are everywhere in these papers
    # and must never be hyphenated; only the columns of ordinary words that `table(hyphenate=…)` names turn it on.
    normal.element.get_or_add_pPr().insert_element_before(_suppress_hyphens(), *_AFTER_SUPPRESS_HYPHENS)
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
         keep_next: bool = False, space_before: int = 0, space_after: int = 0, hyphenate: bool = False) -> Paragraph:
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
    if hyphenate:
        _hyphenate(p)
    return p


def _suppress_hyphens(on: bool = True) -> OxmlElement:
    element = OxmlElement("w:suppressAutoHyphens")
    if not on:
        element.set(qn("w:val"), "0")
    return element


def _hyphenate(paragraph: Paragraph) -> None:
    """Turn automatic hyphenation on in one paragraph (the style turns it off everywhere)."""
    paragraph._p.get_or_add_pPr().insert_element_before(_suppress_hyphens(on=False), *_AFTER_SUPPRESS_HYPHENS)


# Word validates the order of pPr children: these come after suppressAutoHyphens (ECMA-376 CT_PPrBase).
_AFTER_SUPPRESS_HYPHENS = (
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


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
    """Drop the borders, and the cell margins too: the text of the first and last column then stands exactly on the
    page margins (a right-aligned «№ 477» or signer's name ends at 200 mm, not 4 mm short of it)."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # CT_TblPr order: tblBorders precedes shading, layout, cell margins and tblLook
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


def _auto_hyphenation(doc: Document) -> None:
    """Allow automatic hyphenation (Word and LibreOffice with hyphen-ru) in the document.

    The Normal style suppresses it, so it works only in the table columns of ordinary words that turn it back on
    (`table(hyphenate=…)`): there a long word («общеобразовательных» is 37 mm at 11 pt) breaks at a syllable
    instead of at an arbitrary letter."""
    settings = doc.settings.element
    hyphenation = OxmlElement("w:autoHyphenation")
    # Word validates the schema order of settings: autoHyphenation follows defaultTabStop
    tab_stop = settings.find(qn("w:defaultTabStop"))
    if tab_stop is not None:
        tab_stop.addnext(hyphenation)
    else:
        settings.insert(0, hyphenation)
    # «ВСОКО», «МАОУ», «ФГОС»: abbreviations in capitals are never hyphenated (schema order: after autoHyphenation)
    hyphenation.addnext(OxmlElement("w:doNotHyphenateCaps"))


CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT_BLOCK = Cm(9.5)


def new_document(title: str) -> Document:
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    _auto_hyphenation(doc)
    doc.core_properties.title = title
    doc.core_properties.author = "docgen"
    doc.core_properties.language = "ru-RU"
    return doc


def addressee(doc: Document, position: str, name: str, *, name_optional: bool = False) -> None:
    """The addressee block, top right, bold (ГОСТ Р 7.0.97, 5.15)."""
    para(doc, "{{ " + position + " }}", indent=False, left=RIGHT_BLOCK, align=LEFT, bold=True)
    if name_optional:
        para(doc, "{%p if " + name + " %}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{{ " + name + " | typeset }}", indent=False, left=RIGHT_BLOCK, align=LEFT, bold=True)
    if name_optional:
        para(doc, "{%p endif %}", indent=False, left=RIGHT_BLOCK, align=LEFT)


def title_block(doc: Document, *extra: str) -> None:
    """Title and subtitle from the profile, centred and bold; then the organization's full name."""
    para(doc, "{{ texts.title }}", align=CENTER, indent=False, bold=True, space_before=24)
    para(doc, "{{ texts.subtitle }}", align=CENTER, indent=False, bold=True)
    for line in extra:
        para(doc, line, align=CENTER, indent=False, bold=True)
    para(doc, "{{ org.full_name_typeset }}", align=CENTER, indent=False, space_before=12)
    para(doc, "(полное наименование организации)", align=CENTER, indent=False, size=10, space_after=12)


def heading(doc: Document, text: str) -> None:
    para(doc, text, keep_next=True, space_before=6)


def table(doc: Document, headers: list[str], loop: str, cells: list[str], widths: list[float], *,
          centered: tuple[int, ...] = (0,), total: tuple[str, str] | None = None,
          groups: tuple[str, str] | None = None, hyphenate: tuple[int, ...] = (), size: int = 11) -> Table:
    """A data table: bold header row repeated on every page, rows that do not split, one row per item.

    `groups` = (loop, label) adds a merged heading row per group around the item loop; `total` = (label, value)
    adds a last row with the label across all columns but the last.  `hyphenate` names the columns of ordinary
    words where automatic hyphenation is on (never a column with names, addresses, phones or dates).
    """
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(t.rows[0].cells, headers, strict=True):
        _cell_text(cell, title, bold=True, align=CENTER, size=10)
    _row_props(t.rows[0], header=True)
    if groups:
        _tag_row(t, "{%tr for " + groups[0] + " %}")
        group_row = t.add_row()
        _row_props(group_row)
        merged = group_row.cells[0].merge(group_row.cells[len(headers) - 1])
        _cell_text(merged, "{{ " + groups[1] + " }}", bold=True, align=CENTER)
        merged.paragraphs[0].paragraph_format.keep_with_next = True
    _tag_row(t, "{%tr for " + loop + " %}")
    row = t.add_row()
    _row_props(row)
    for index, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        _cell_text(cell, text, size=size, align=CENTER if index in centered else None)
        if index in hyphenate:
            _hyphenate(cell.paragraphs[0])
    _tag_row(t, "{%tr endfor %}")
    if groups:
        _tag_row(t, "{%tr endfor %}")
    if total:
        last = t.add_row()
        _row_props(last)
        label = last.cells[0].merge(last.cells[len(headers) - 2])
        _cell_text(label, total[0], bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, size=11)
        _cell_text(last.cells[len(headers) - 1], total[1], bold=True, align=CENTER, size=11)
    _widths(t, widths)
    return t


def events_table(doc: Document) -> None:
    """The events held, with the computed total: both reports share it (models.EventsReport)."""
    table(doc, ["№ пп", "Мероприятие", "Форма проведения", "Дата проведения", "Количество участников"],
          "item in numbered_events",
          ["{{ item.number }}", "{{ item.event.title }}", "{{ item.event.form }}", "{{ item.event.when.label }}",
           "{{ item.event.participants }}"],
          [10, 72, 36, 26, 26], centered=(0, 3, 4), total=("Итого участников", "{{ participants_total }}"),
          hyphenate=(2,))


def date_line(doc: Document, field: str) -> None:
    para(doc, "{% if " + field + " %}{{ " + field + " | date_words }}{% else %}"
              "«____» ______________ 20____ г.{% endif %}", indent=False, space_before=24, space_after=24,
         keep_next=True)


def signature(doc: Document, role: str, name: str) -> None:
    """«должность … ______ / И.О. Фамилия» with the captions (подпись) and (расшифровка подписи)."""
    sign = doc.add_table(rows=2, cols=3)
    _no_borders(sign)
    _cell_text(sign.rows[0].cells[0], role, size=14)
    _cell_text(sign.rows[0].cells[1], "______________", size=14, align=CENTER)
    _cell_text(sign.rows[0].cells[2], "/\u00a0{{ " + name + " }}", size=14)
    _cell_text(sign.rows[1].cells[1], "(подпись)", size=10, align=CENTER)
    _cell_text(sign.rows[1].cells[2], "(расшифровка подписи)", size=10)
    for r in sign.rows:
        _row_props(r)
    sign.rows[0].cells[0].paragraphs[0].paragraph_format.keep_with_next = True
    for cell in sign.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM  # the name stands on the signature line
    # «образовательной организации» is 63 mm in 14 pt, «/ А.В. Константинопольская-» 61 mm: both on one line
    _widths(sign, [66, 40, 64])


def build_zayavka(path: Path) -> None:
    doc = new_document("Заявка на присвоение статуса стажировочной площадки")
    addressee(doc, "profile.addressee.position_dative", "profile.addressee.name_dative", name_optional=True)
    # «директор МАОУ гимназии № 56»: the organization in the genitive after the position, as in № 477
    para(doc, "{{ org.head_name.full }}, {{ org.head_position }} {{ org.short_name | рд }}",
         indent=False, left=RIGHT_BLOCK, align=LEFT, space_before=12)
    title_block(doc)

    heading(doc, "1. Тема стажировки.")
    para(doc, "{{ topic | paragraphs }}", hyphenate=True)
    heading(doc, "2. Цели и задачи стажировки.")
    para(doc, "{{ goals | paragraphs }}", hyphenate=True)
    para(doc, "{{ tasks | paragraphs }}", hyphenate=True)
    heading(doc, "3. Обоснование актуальности и значимости заявленной тематики для развития системы образования "
                 "{{ profile.municipality_genitive }}.")
    para(doc, "{{ rationale | paragraphs }}", hyphenate=True)
    para(doc, "4. Планируемый продукт, сроки предоставления продукта/размещения на официальном сайте.",
         keep_next=True, space_before=6, space_after=6)
    table(doc, ["№ пп", "Вид продукта", "Наименование продукта", "Срок предоставления", "Размещение на сайте"],
          "product in products",
          ["{{ loop.index }}", "{{ product.kind }}", "{{ product.title }}", "{{ product.due_label }}",
           "{{ product.site_date_label }}"],
          [10, 32, 64, 32, 32], centered=(0, 3, 4), hyphenate=(1,))

    para(doc, "5. План деятельности/дорожная карта стажировочной площадки на {{ plan_years_words }} "
              "({{ plan_label }}).", keep_next=True, space_before=12, space_after=6)
    table(doc, ["№ пп", "Мероприятие с указанием формы проведения", "Ожидаемый результат", "Сроки проведения",
                "Категория участников мероприятия (для кого предназначено)",
                "Ответственный за организацию мероприятия, контактная информация"],
          "item in year.events",
          ["{{ item.number }}", "{{ item.event.title_with_form }}",
           "{{ item.event.result }}", "{{ item.event.when.label }}", "{{ item.event.participants }}",
           "{{ item.event.responsible_with_contacts }}"],
          # contacts get the widest column: «А.В. Константинопольская-» is 46 mm at 11 pt, a phone 31 mm;
          # «проведения» of the header 19 mm and «предназначено)» 25 mm in 10 pt bold; hyph-ru breaks
          # «малокомплект-ной» only there, so a column of words needs 29 mm; the columns of words
          # hyphenate (names in them are kept whole: render.protect_names)
          [8, 31, 29, 23, 29, 50], centered=(0, 3), groups=("year in roadmap_years", "year.label"),
          hyphenate=(1, 2, 4))

    para(doc, "{%p if criteria %}")
    para(doc, "6. Соответствие показателям для претендента на статус стажировочной площадки.",
         keep_next=True, space_before=12, space_after=6)
    table(doc, ["№ пп", "Показатель", "Соответствует", "Подтверждение"], "answer in criteria",
          ["{{ loop.index }}", "{{ answer.text }}", "{% if answer.met %}да{% else %}нет{% endif %}",
           "{% if answer.evidence %}{{ answer.evidence }}{% else %}—{% endif %}"],
          [10, 74, 28, 58], centered=(0, 2))  # «Соответствует» is 24 mm in 10 pt bold
    para(doc, "{%p endif %}")

    date_line(doc, "application_date")
    signature(doc, "Руководитель\nобразовательной организации", "org.head_name.initials_surname")
    doc.save(path)


def build_otchet(path: Path) -> None:
    doc = new_document("Отчёт муниципальной стажировочной площадки")
    para(doc, "{%p if profile.report_addressee %}")
    addressee(doc, "profile.report_addressee.position_dative", "profile.report_addressee.name_dative",
              name_optional=True)
    para(doc, "{%p endif %}")
    title_block(doc)
    para(doc, "Тема стажировочной площадки: {{ topic }}", indent=False)
    para(doc, "Срок деятельности: {{ term_label }}", indent=False, space_after=6)

    heading(doc, "1) Задачи реализации программы стажировочной площадки.")
    para(doc, "{{ tasks | paragraphs }}", hyphenate=True)
    heading(doc, "2) Промежуточные результаты.")
    para(doc, "{{ interim_results | paragraphs }}", hyphenate=True)
    para(doc, "3) Мероприятия (перечень, формы, количество участников).", keep_next=True, space_before=6,
         space_after=6)
    events_table(doc)

    heading(doc, "4) Продукты программы:")
    para(doc, "– перечень проектов стажеров с указанием ссылки на размещение на сайте ОО:", keep_next=True,
         space_after=6)
    para(doc, "{%p if trainee_projects %}")
    table(doc, ["№ пп", "Проект", "Автор", "Ссылка на размещение на сайте ОО"], "project in trainee_projects",
          ["{{ loop.index }}", "{{ project.title }}", "{{ project.author }}", "{{ project.link }}"],
          [10, 50, 42, 68])
    para(doc, "{%p else %}")
    para(doc, "проекты стажёров не представлены.")
    para(doc, "{%p endif %}")
    para(doc, "– презентация образовательных продуктов (методические рекомендации, публикации и т.д.):",
         keep_next=True, space_before=6, space_after=6)
    para(doc, "{%p if products %}")
    table(doc, ["№ пп", "Вид продукта", "Наименование", "Ссылка"], "product in products",
          ["{{ loop.index }}", "{{ product.kind }}", "{{ product.title }}",
           "{% if product.link %}{{ product.link }}{% else %}—{% endif %}"],
          [10, 32, 60, 68], hyphenate=(1,))
    para(doc, "{%p else %}")
    para(doc, "продукты не представлены.")
    para(doc, "{%p endif %}")
    para(doc, "– индивидуальный образовательный продукт, адаптированный к условиям своей образовательной "
              "организации:", keep_next=True, space_before=6)
    para(doc, "{{ individual_product | paragraphs }}", hyphenate=True)
    para(doc, "– другое: {% if other %}{{ other | paragraphs }}{% else %}—{% endif %}", hyphenate=True)
    heading(doc, "5) Вносимые корректировки и их обоснования.")
    # Only the last paragraph of the section stays with the date and the signature (a signature alone on a page is
    # not signed); the paragraphs before it may break across pages, so a long section does not jump whole to the
    # next page and leave half a page empty.
    para(doc, "{%p if corrections | but_last_line %}")
    para(doc, "{{ corrections | but_last_line | paragraphs }}", hyphenate=True)
    para(doc, "{%p endif %}")
    para(doc, "{{ corrections | last_line }}", keep_next=True, hyphenate=True)

    date_line(doc, "report_date")
    signature(doc, "Руководитель\nобразовательной организации", "org.head_name.initials_surname")
    doc.save(path)


def build_otchet_praktika(path: Path) -> None:
    doc = new_document("Отчёт по практике на стажировочной площадке")
    # п. 4.5: the report goes to the coordinator, п. 4.6: one of the Управление's methodists
    para(doc, "{%p if profile.report_addressee %}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{{ profile.report_addressee.position_dative }}", indent=False, left=RIGHT_BLOCK, align=LEFT, bold=True)
    para(doc, "{%p endif %}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{{ coordinator | ио | дт }}", indent=False, left=RIGHT_BLOCK, align=LEFT, bold=True)
    title_block(doc)
    para(doc, "Направление стажировочной площадки: {{ topic }}", indent=False)
    para(doc, "Руководитель стажировочной площадки: {{ site_head.full }}, {{ site_head_position }}", indent=False)
    para(doc, "Отчётный период: {{ period_label }}", indent=False, space_after=6)

    heading(doc, "1. Программа стажировки.")
    para(doc, "{{ program | paragraphs }}", hyphenate=True)
    para(doc, "2. Стажёры.", keep_next=True, space_before=6, space_after=6)
    table(doc, ["№ пп", "ФИО стажёра", "Образовательная организация", "Должность", "Форма стажировки", "Часы"],
          "trainee in trainees",
          ["{{ loop.index }}", "{{ trainee.name }}", "{{ trainee.organization }}", "{{ trainee.position }}",
           "{{ trainee.form }}", "{% if trainee.hours is not none %}{{ trainee.hours }}{% else %}—{% endif %}"],
          [10, 38, 36, 32, 38, 16], centered=(0, 5), total=("Итого часов", "{{ hours_total }}"), hyphenate=(3, 4))
    para(doc, "3. Проведённые мероприятия.", keep_next=True, space_before=12, space_after=6)
    events_table(doc)
    heading(doc, "4. Результаты практики.")
    para(doc, "{{ results | paragraphs }}", hyphenate=True)
    heading(doc, "5. Информация о деятельности на официальном сайте образовательной организации.")
    para(doc, "{% if site_link %}{{ site_link }}{% else %}не размещена.{% endif %}")
    heading(doc, "6. Предложения.")
    para(doc, "{% if proposals %}{{ proposals | paragraphs }}{% else %}нет.{% endif %}", keep_next=True,
         hyphenate=True)

    date_line(doc, "report_date")
    signature(doc, "Руководитель\nстажировочной площадки", "site_head.initials_surname")
    doc.save(path)


def build_plan(path: Path) -> None:
    doc = new_document("План деятельности стажировочной площадки")
    para(doc, "УТВЕРЖДАЮ", indent=False, left=RIGHT_BLOCK, align=LEFT, bold=True)
    para(doc, "{{ org.head_position | capfirst }} {{ org.short_name | рд }}", indent=False, left=RIGHT_BLOCK,
         align=LEFT)
    para(doc, "______________ {{ org.head_name.initials_surname }}", indent=False, left=RIGHT_BLOCK, align=LEFT,
         space_before=12)
    para(doc, "{% if approval_date %}{{ approval_date | date_words }}{% else %}«____» ______________ 20____ г."
              "{% endif %}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    title_block(doc, "на {{ school_year_label }} учебный год")
    para(doc, "Тема стажировочной площадки: {{ topic }}", indent=False, space_after=12)
    table(doc, ["№ пп", "Мероприятие", "Форма проведения", "Сроки исполнения", "Ответственный за реализацию"],
          "item in numbered_events",
          ["{{ item.number }}", "{{ item.event.title }}", "{{ item.event.form }}", "{{ item.event.when.label }}",
           "{{ item.event.responsible }}"],
          [10, 50, 32, 26, 52], centered=(0, 3), hyphenate=(1, 2))  # the responsible with contacts, as in the roadmap
    doc.save(path)


BUILDERS = {
    "zayavka.docx": build_zayavka,
    "otchet.docx": build_otchet,
    "otchet_praktika.docx": build_otchet_praktika,
    "plan.docx": build_plan,
}


if __name__ == "__main__":
    out = ROOT / "templates" / "docx"
    out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        build(out / name)
