"""Build templates/docx/rasporyazhenie.docx: the department's order with its annexes, one template for all.

The same template makes the order with every annex (`only_annex` = 0) and each annex on its own
(`only_annex` = N), so an annex printed alone looks exactly as it does inside the order.  Point numbers come from
the model (`numbering`), names are declined at the place of use (`| тв`, `| рд`, `| дт`, `| вн`; a person as
«И.О. Фамилия» with `| ио | вн`, whether the workbook holds the full name or initials).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.shared import Cm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_templates import (
    CENTER,
    LEFT,
    RIGHT_BLOCK,
    ROOT,
    WD_ALIGN_PARAGRAPH,
    _cell_text,
    _no_borders,
    _row_props,
    _widths,
    new_document,
    para,
    table,
)


def _page_break(doc: object) -> None:
    p = para(doc, indent=False)
    p.add_run().add_break(WD_BREAK.PAGE)


def _order(doc: object) -> None:
    para(doc, "{%p if not only_annex %}")
    para(doc, "{%p for line in profile.header_lines %}")
    para(doc, "{{ line }}", align=CENTER, indent=False, bold=True)
    para(doc, "{%p endfor %}")
    para(doc, "{{ texts.title }}", align=CENTER, indent=False, bold=True, space_before=12, space_after=12)
    requisites = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(requisites)
    _cell_text(requisites.rows[0].cells[0], "{{ date_label }}", size=14)
    _cell_text(requisites.rows[0].cells[1], "№\u00a0{{ number }}", size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _widths(requisites, [85, 85])
    title = para(doc, "{{ title }}", indent=False, align=LEFT, bold=True, space_before=12, space_after=12)
    title.paragraph_format.right_indent = Cm(7.5)  # a title block no wider than ~9.5 cm (ГОСТ Р 7.0.97, 5.17)

    para(doc, "{{ preamble | colon }}", hyphenate=True)
    para(doc, "{%p if numbering.cancel %}")
    para(doc, "{{ numbering.cancel }} {{ cancel_text }}", hyphenate=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p if numbering.termination %}")  # no site ends: no such point, no report instruction
    para(doc, "{{ numbering.termination }} {{ termination_lead }}", hyphenate=True)
    para(doc, "{%p for group in numbering.groups %}")
    para(doc, "{{ group.number }} {% for org in group.orgs %}{{ org | тв }}{% if not loop.last %}, {% endif %}"
              "{% endfor %} — {{ group.end_label }}.", hyphenate=True)
    para(doc, "{%p endfor %}")
    para(doc, "{{ numbering.report }} Руководителям {% for org in termination_orgs %}{{ org | рд }}"
              "{% if not loop.last %}, {% endif %}{% endfor %} {{ report_text }}", hyphenate=True)
    para(doc, "{%p for line in report_form_lines %}")
    para(doc, "{{ line }}", hyphenate=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{{ numbering.approval }} {{ approval_text | strip_dot }} (приложение\u00a0№\u00a01).", hyphenate=True)
    # Положение, п. 3.3: the status is given by an order; the list of sites is an annex only with this point
    para(doc, "{%p if numbering.sites %}")
    para(doc, "{{ numbering.sites }} Присвоить статус муниципальной стажировочной площадки образовательным "
              "организациям по темам и на сроки согласно перечню (приложение\u00a0№\u00a0{{ numbering.sites_annex }}).",
         hyphenate=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p for point in numbering.executors %}")
    para(doc, "{{ point.number }} {{ point.executor | дт | capfirst }}{% if point.contact %} "
              "({{ point.contact | typeset }}){% endif %}:", hyphenate=True)
    para(doc, "{%p for item in point.items %}")
    para(doc, "{{ item.number }} {{ item.text | strip_dot | capfirst }}.{% if item.deadline %} Срок: "
              "{{ item.deadline }}.{% endif %}", hyphenate=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p for point in numbering.free %}")
    para(doc, "{{ point.number }} {{ point.text }}", hyphenate=True)
    para(doc, "{%p for item in point.items %}")
    para(doc, "{{ item.number }} {{ item.text }}", hyphenate=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{{ numbering.control }} Контроль за исполнением настоящего распоряжения возложить на "
              "{{ control_position | вн }} {{ control_person | ио | вн | typeset }}.", keep_next=True, hyphenate=True)

    sign = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(sign)
    _cell_text(sign.rows[0].cells[0], "{{ signer_position }}", size=14)
    _cell_text(sign.rows[0].cells[1], "{{ signer_name | typeset }}", size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _row_props(sign.rows[0])
    _widths(sign, [110, 60])
    sign_space = sign.rows[0].cells[0].paragraphs[0].paragraph_format
    sign_space.space_before = Cm(1.2)  # two or three blank lines above the signature (ГОСТ Р 7.0.97, 5.22)
    sign.rows[0].cells[1].paragraphs[0].paragraph_format.space_before = Cm(1.2)
    para(doc, "{%p endif %}")


def _annex_mark(doc: object) -> None:
    """The mark top right: «Приложение № N к распоряжению … от … № …», or «УТВЕРЖДЕНО распоряжением …»."""
    para(doc, "Приложение №\u00a0{{ annex.number }}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{%p if annex.approved %}")
    para(doc, "УТВЕРЖДЕНО", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "распоряжением {{ profile.authority | рд }}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{%p else %}")
    para(doc, "к распоряжению {{ profile.authority | рд }}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{%p endif %}")
    para(doc, "от {{ date_label }} №\u00a0{{ number }}", indent=False, left=RIGHT_BLOCK, align=LEFT, space_after=18)


def _polozhenie(doc: object) -> None:
    para(doc, "{{ annex.title }}", align=CENTER, indent=False, bold=True, space_after=12)
    para(doc, "{%p for paragraph in polozhenie %}")
    para(doc, "{%p if paragraph.is_heading %}")
    para(doc, "{{ paragraph.text }}", align=CENTER, indent=False, bold=True, space_before=12, space_after=6,
         keep_next=True)
    para(doc, "{%p elif paragraph.text[-1:] == ':' %}")
    para(doc, "{{ paragraph.text }}", keep_next=True, hyphenate=True)  # «4.3. Управление …:» stays with 4.3.1
    para(doc, "{%p else %}")
    para(doc, "{{ paragraph.text }}", hyphenate=True)  # names in it are kept whole: render.protect_names
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")


def _form_mark(doc: object) -> None:
    """The mark of the Положение's own annex, the form: «Приложение к Положению о …» (one annex: no number)."""
    para(doc, "Приложение", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "к {{ annex.title | дт }}", indent=False, left=RIGHT_BLOCK, align=LEFT, space_after=18)


def _form(doc: object) -> None:
    """The form of the заявка, blank, as № 477 prints it after the Положение."""
    para(doc, "{{ profile.addressee.position_dative }}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "{{ profile.addressee.name_dative | typeset }}", indent=False, left=RIGHT_BLOCK, align=LEFT)
    para(doc, "______________________________", indent=False, left=RIGHT_BLOCK, align=LEFT, space_before=12)
    para(doc, "(ФИО и должность руководителя, наименование организации)", indent=False, left=RIGHT_BLOCK,
         align=LEFT, size=10)
    para(doc, "Заявка", align=CENTER, indent=False, bold=True, space_before=18)
    para(doc, "на присвоение статуса стажировочной площадки {{ profile.municipality_genitive }}", align=CENTER,
         indent=False, bold=True)
    para(doc, "____________________________________________________________", align=CENTER, indent=False,
         space_before=12)
    para(doc, "(полное наименование организации)", align=CENTER, indent=False, size=10, space_after=12)
    for text in (
        "1. Тема стажировки.",
        "2. Цели и задачи стажировки.",
        "3. Обоснование актуальности и значимости заявленной тематики для развития системы образования "
        "{{ profile.municipality_genitive }} (не менее 0,5 объема страницы).",
        "4. Планируемый продукт (статья, публикация, методические рекомендации, сайт, дидактический материал и др.), "
        "сроки предоставления продукта/размещения на официальном сайте.",
        "5. План деятельности/дорожная карта стажировочной площадки на 3 года (не менее 1–2 мероприятий в год) "
        "по форме:",
    ):
        para(doc, text)
    form = doc.add_table(rows=2, cols=6)  # type: ignore[attr-defined]
    form.style = doc.styles["Table Grid"]  # type: ignore[attr-defined]
    form.alignment = WD_TABLE_ALIGNMENT.CENTER  # 170 mm centred: from 30 to 200 mm, as every other table
    heads = ["№ пп", "Мероприятие с указанием формы проведения (практикум, методическое мероприятие, «Мировое кафе»)",
             "Ожидаемый результат", "Сроки проведения", "Категория участников мероприятия (для кого предназначено)",
             "Ответственный за организацию мероприятия, контактная информация"]
    for cell, head in zip(form.rows[0].cells, heads, strict=True):
        _cell_text(cell, head, bold=True, align=CENTER, size=10)
    for cell in form.rows[1].cells:
        _cell_text(cell, " ", size=11)
    _row_props(form.rows[0], header=True)
    _row_props(form.rows[1])
    _widths(form, [10, 42, 32, 24, 30, 32])  # «предназначено)» is 25 mm in 10 pt bold
    para(doc, "«____» ______________ 20____ г.", indent=False, space_before=24, space_after=24, keep_next=True)
    sign = doc.add_table(rows=2, cols=3)  # type: ignore[attr-defined]
    _no_borders(sign)
    _cell_text(sign.rows[0].cells[0], "Руководитель\nобразовательной организации", size=14)
    _cell_text(sign.rows[0].cells[1], "______________", size=14, align=CENTER)
    _cell_text(sign.rows[0].cells[2], "/ ______________", size=14)
    _cell_text(sign.rows[1].cells[1], "(подпись)", size=10, align=CENTER)
    _cell_text(sign.rows[1].cells[2], "(расшифровка подписи)", size=10)
    for row in sign.rows:
        _row_props(row)
    _widths(sign, [75, 45, 50])


def _sites(doc: object) -> None:
    para(doc, "{{ annex.title }}", align=CENTER, indent=False, bold=True, space_after=12)
    table(doc, ["№ пп", "Организация", "Тема стажировочной площадки", "Срок деятельности"], "site in sites",
          ["{{ loop.index }}", "{{ site.org.nominative }}", "{{ site.topic }}", "{{ site.term }}"], [12, 50, 70, 38])


def build_order(path: Path) -> None:
    doc = new_document("Распоряжение")
    _order(doc)
    para(doc, "{%p for annex in annexes %}")
    para(doc, "{%p if not only_annex or only_annex == annex.number %}")
    para(doc, "{%p if not only_annex %}")
    _page_break(doc)
    para(doc, "{%p endif %}")
    _annex_mark(doc)
    para(doc, "{%p if annex.content == 'text' %}")
    _polozhenie(doc)
    _page_break(doc)
    _form_mark(doc)
    _form(doc)
    para(doc, "{%p else %}")
    _sites(doc)
    para(doc, "{%p endif %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    doc.save(path)  # type: ignore[attr-defined]


if __name__ == "__main__":
    build_order(ROOT / "templates" / "docx" / "rasporyazhenie.docx")
