"""Build templates/docx/reestr.docx, the template of «Реестр заявок» (Tomsk order № 477, п. 5/4.1).

Uses the helpers of make_templates.py, so fonts, margins, hyphenation, page numbers and the data table look like
every other paper; only the page is turned: A4 landscape, 297 × 210 mm, margins 30/10/20/20 mm as ГОСТ Р 7.0.97
asks, so the wide table (eight columns) fits.  The header row repeats on every page; a data row never breaks across
pages (a row taller than a page is the only one LibreOffice and Word still break).  A column names the
municipality: one registry may hold заявки of Tomsk and of Turochak.

    python scripts/make_registry_template.py      (or: make templates)
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_templates import CENTER, ROOT, new_document, para, table

HEADERS = ["№ п/п", "Муниципалитет", "Организация (краткое и полное наименование)", "Тема стажировки",
           "Планируемый продукт, срок предоставления", "Сроки (учебные годы)", "Ответственный, контакты",
           "Замечания"]
CELLS = ["{{ e.number }}", "{{ e.municipality }}", "{{ e.organization_text }}", "{{ e.topic }}",
         "{{ e.products_text }}", "{{ e.term }}", "{{ e.responsible_text }}", "{{ e.remarks_cell }}"]
# mm: 257 = 297 - 30 - 10.  Rows never split, so a row must be short enough to fit a page: the text is 10 pt and the
# products, the tallest cell, get the widest column; contacts keep «А.В. Константинопольская-» (42 mm) on a line.
WIDTHS = [10, 30, 38, 36, 48, 22, 50, 23]  # «Муниципалитет» is 26 mm in 10 pt bold


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
    # topic, products and remarks hyphenate: «общеобразовательных» is 37 mm at 11 pt; names in them stay whole
    table(doc, HEADERS, "e in entries", CELLS, WIDTHS, centered=(0, 5), hyphenate=(3, 4, 7), size=10)
    doc.save(path)


if __name__ == "__main__":
    out = ROOT / "templates" / "docx"
    out.mkdir(parents=True, exist_ok=True)
    build_reestr(out / "reestr.docx")
