"""Build templates/docx/reestr.docx, the template of «Реестр заявок» (Tomsk order № 477, п. 5/4.1).

Uses the helpers of make_templates.py, so fonts, margins, hyphenation, page numbers and the data table look like
every other paper; only the page is turned: A4 landscape, 297 × 210 mm, margins 30/10/20/20 mm as ГОСТ Р 7.0.97
asks, so the wide table (seven columns) fits.  The header row repeats on every page; a data row may break across
pages, because the remarks of a broken workbook can be longer than a page.

    python scripts/make_registry_template.py      (or: make templates)
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_templates import CENTER, ROOT, new_document, para, table

HEADERS = ["№ п/п", "Организация (краткое и полное наименование)", "Тема стажировки",
           "Планируемый продукт, срок предоставления", "Сроки (учебные годы)", "Ответственный, контакты",
           "Замечания"]
CELLS = ["{{ e.number }}", "{{ e.organization_text | typeset }}", "{{ e.topic }}", "{{ e.products_text }}",
         "{{ e.term }}", "{{ e.responsible_text | typeset }}", "{{ e.remarks_cell }}"]
WIDTHS = [10, 42, 44, 48, 22, 38, 53]  # mm: 257 = 297 - 30 - 10; remarks of a broken row are long


def build_reestr(path: Path) -> None:
    doc = new_document("Реестр заявок на присвоение статуса стажировочной площадки")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)

    para(doc, "{{ title }}", align=CENTER, indent=False, bold=True)
    para(doc, "{%p if municipality %}")
    para(doc, "{{ municipality }}", align=CENTER, indent=False)
    para(doc, "{%p endif %}")
    para(doc, "Дата формирования реестра: {{ formed_label }}", align=CENTER, indent=False, space_before=6)
    para(doc, "Всего заявок: {{ total }}{% if broken_count %}, из них не прошли проверку: {{ broken_count }} "
              "(см. «Замечания»){% endif %}.", align=CENTER, indent=False, space_after=12, keep_next=True)
    t = table(doc, HEADERS, "e in entries", CELLS, WIDTHS, centered=(0, 4))
    # the data row (header, «for», row, «endfor»): may break across pages, a long list of remarks must fit
    data_row = t.rows[2]._tr.trPr
    for cant in data_row.findall(qn("w:cantSplit")):
        data_row.remove(cant)
    doc.save(path)


if __name__ == "__main__":
    out = ROOT / "templates" / "docx"
    out.mkdir(parents=True, exist_ok=True)
    build_reestr(out / "reestr.docx")
