"""The one check: every problem in one pass, the marked copy, the call-back list and the draft."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from docx import Document

from docgen.annotate import SHEET, annotate_workbook, annotated_name
from docgen.calls import calls_workbook
from docgen.checking import check_many, check_workbook
from docgen.errors import Severity
from docgen.models import BLANK
from docgen.pipeline import render_many
from docgen.schema import ZAYAVKA
from tests.conftest import run

Edited = Callable[..., Path]
FORM, ROADMAP, PRODUCTS = "Заявка", "Дорожная карта", "Продукты"
STEM = "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


def form_row(key: str) -> int:
    return 2 + [c.key for c in ZAYAVKA.form.fields].index(key)


def both_kinds(wb: openpyxl.Workbook) -> None:
    """Field errors (phone, a roadmap date no one can read) and rule problems (short обоснование, a date outside
    the plan) in one workbook."""
    wb[FORM][f"B{form_row('org.phone')}"] = "12"
    wb[FORM][f"B{form_row('rationale')}"] = "Коротко."
    wb[ROADMAP]["D3"] = "когда-нибудь"
    wb[ROADMAP]["D5"] = "ноябрь 2030"


def test_field_and_rule_problems_come_in_one_round(edited: Edited) -> None:
    checked = check_workbook(edited(both_kinds))
    assert not checked.ok and checked.error is None
    got = [(p.where.sheet if p.where else None, p.where.row if p.where else None, p.message)
           for p in checked.errors]
    messages = " | ".join(m for *_, m in got)
    assert (FORM, form_row("org.phone")) in [(s, r) for s, r, _ in got]  # a field error
    assert (ROADMAP, 3) in [(s, r) for s, r, _ in got]  # a date no one can read
    assert "обоснование слишком короткое" in messages  # a rule
    assert any(s == ROADMAP and r == 5 and "вне учебных лет плана" in m for s, r, m in got)  # a rule on a row
    # the rules saw the roadmap without its broken row 3 and say so
    assert not any("(без учёта строк" in m and "строк с ошибками: 3" not in m for *_, m in got)


def test_a_rule_about_a_value_already_wrong_is_not_reported_twice(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[FORM][f"B{form_row('rationale')}"] = None  # missing: the rule on its length must stay silent

    checked = check_workbook(edited(edit))
    rationale = [p for p in checked.problems if p.where and p.where.row == form_row("rationale")]
    assert [p.message for p in rationale] == ["не заполнено; это обязательное поле"]


def test_a_file_that_is_no_workbook_is_an_error_not_problems(tmp_path: Path, example: Path) -> None:
    bad = tmp_path / "заявка.xlsx"
    bad.write_bytes(b"not a zip")
    first, second = check_many([bad, example])
    assert first.error is not None and first.loaded is None and first.problems == [] and not first.ok
    assert second.ok and second.error is None and second.loaded is not None


def test_the_loader_keeps_what_it_could_read_from_a_workbook_with_errors(edited: Edited) -> None:
    checked = check_workbook(edited(both_kinds))
    assert checked.loaded is not None and checked.loaded.model is None
    data = checked.loaded.data
    assert data["org"]["short_name"] == "МАОУ гимназия № 56 г. Томска"
    assert data["org"]["phone"] == "12"  # as typed, though wrong
    assert len(data["products"]) == 3
    assert len(data["roadmap"]) == 9 and "when" not in data["roadmap"][1]  # the row kept, its bad date not


def test_marked_copy_has_fills_comments_and_a_first_sheet_with_links(edited: Edited, tmp_path: Path) -> None:
    source = edited(both_kinds)
    before = source.read_bytes()
    checked = check_workbook(source)
    written = annotate_workbook(checked, tmp_path / "копии")
    assert written == tmp_path / "копии" / annotated_name(source) == tmp_path / "копии" / "заявка — замечания.xlsx"
    assert source.read_bytes() == before  # the original is untouched

    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[0] == SHEET
    phone = wb[FORM][f"B{form_row('org.phone')}"]
    date_cell = wb[ROADMAP]["D3"]
    assert phone.comment is not None and "ожидается номер телефона" in phone.comment.text
    assert phone.fill.fgColor.rgb.endswith("FFC7CE") and date_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert phone.value == "12"  # the values stay as typed
    assert wb[FORM]["B2"].comment is None  # a cell without problems has no comment

    listing = wb[SHEET]
    rows = [[c.value for c in row] for row in listing.iter_rows()]
    texts = [r[2] for r in rows if r[0] in {s.value for s in Severity}]
    assert any(t and "обоснование слишком короткое" in t for t in texts)
    # the rule about the whole roadmap (no single cell) is listed too, and every place has a link
    links = {c.hyperlink.location if c.hyperlink.location else c.hyperlink.target
             for c in listing["B"] if c.hyperlink is not None}
    assert f"'{FORM}'!B{form_row('org.phone')}" in {link.lstrip("#") for link in links}
    assert f"'{ROADMAP}'!D3" in {link.lstrip("#") for link in links}


def test_a_warning_is_filled_in_its_own_colour(edited: Edited, tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[PRODUCTS]["D2"] = wb[PRODUCTS]["C2"].value.replace(day=1)  # on the site before it is due: a warning

    checked = check_workbook(edited(edit))
    assert [p.severity for p in checked.problems] == [Severity.WARNING]
    wb = openpyxl.load_workbook(annotate_workbook(checked, tmp_path))
    assert wb[PRODUCTS]["D2"].fill.fgColor.rgb.endswith("FFEB9C")


def test_call_back_list_has_one_row_per_workbook_with_problems(edited: Edited, example: Path) -> None:
    broken = check_workbook(edited(both_kinds, "плохая.xlsx"))
    fine = check_workbook(example)
    wb = openpyxl.load_workbook(io.BytesIO(calls_workbook([fine, broken])))
    rows = [[c.value for c in row] for row in wb.active.iter_rows()]
    assert rows[0] == ["№", "Организация", "Руководитель", "Телефон", "E-mail", "Что исправить", "Файл"]
    assert len(rows) == 2
    number, org, head, phone, email, problems, file = rows[1]
    assert (number, org, head, phone, email, file) == (
        1, "МАОУ гимназия № 56 г. Томска", "директор Горбунова Елена Аркадьевна", "12",
        "school56@example.tomsk.ru", "плохая.xlsx")
    assert "«Телефон»: введено «12»; ожидается номер телефона" in problems
    assert "обоснование слишком короткое" in problems
    assert "Дорожная карта, строка 3, «Сроки проведения»" in problems


def test_the_list_of_remarks_prints_landscape_one_page_wide(edited: Edited, tmp_path: Path) -> None:
    """«Замечания» printed at the desk: landscape A4, one page wide, every text wrapped, the header on every page."""
    checked = check_workbook(edited(both_kinds))
    ws = openpyxl.load_workbook(annotate_workbook(checked, tmp_path))[SHEET]
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0  # as many pages down as needed, never shrunk to one
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows, start=1) if r[:4] == ["Вид", "Где", "Замечание", "Основание"])
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    remarks = [ws.cell(r, c) for r in range(header + 1, ws.max_row + 1) for c in (1, 2, 3, 4)]
    assert remarks and all(cell.alignment.wrap_text for cell in remarks)
    assert sum(ws.column_dimensions[letter].width for letter in "ABCD") <= 145  # a landscape page at 100 %
    # the sentence above the table wraps across the table's width; the kinds are counted apart
    assert "A2:D2" in {str(r) for r in ws.merged_cells.ranges} and ws["A2"].alignment.wrap_text
    errors, warnings, notes = (len(checked.errors), len(checked.warnings), len(checked.notes))
    assert rows[1][0].startswith(f"Ошибок — {errors}, предупреждений — {warnings}, сведений — {notes}.")


def test_a_hidden_row_with_a_warning_is_shown_and_marked(edited: Edited, tmp_path: Path) -> None:
    source = edited(lambda wb: setattr(wb[ROADMAP].row_dimensions[5], "hidden", True))
    checked = check_workbook(source)
    assert any(p.where and p.where.sheet == ROADMAP and p.where.row == 5 and "строка скрыта" in p.message
               for p in checked.warnings)
    copy = openpyxl.load_workbook(annotate_workbook(checked, tmp_path))
    assert not copy[ROADMAP].row_dimensions[5].hidden  # shown in the copy: the link lands on a row one can see
    first = copy[ROADMAP]["A5"]
    assert first.fill.fgColor.rgb.endswith("FFEB9C")
    assert first.comment is not None and "строка скрыта" in first.comment.text
    assert openpyxl.load_workbook(source)[ROADMAP].row_dimensions[5].hidden  # the original is untouched


def test_draft_is_made_despite_errors_and_marked(edited: Edited, tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[FORM][f"B{form_row('rationale')}"] = "Коротко."
        wb[FORM][f"B{form_row('org.email')}"] = "нет почты"

    source = edited(edit)
    [final] = render_many([source], tmp_path / "final", formats=("docx",), workers=1)
    assert final.error is not None and final.written == []  # the final render still refuses

    [draft] = render_many([source], tmp_path / "draft", formats=("docx",), workers=1, draft=True)
    assert draft.error is None, draft.error
    assert [p.name for p in draft.written] == [f"ПРОЕКТ — {STEM}.docx"]
    doc = Document(str(draft.written[0]))
    for section in doc.sections:
        assert "ПРОЕКТ" in [p.text for p in section.header.paragraphs]
        if section.different_first_page_header_footer:
            assert "ПРОЕКТ" in [p.text for p in section.first_page_header.paragraphs]
    body = [p.text for p in doc.paragraphs]
    tail = body[body.index("Замечания, не устранённые в проекте"):]
    assert any("обоснование слишком короткое" in line for line in tail)
    assert any("E-mail" in line and "ожидается адрес электронной почты" in line for line in tail)
    text = "".join(doc.element.body.itertext())
    paper = text[: text.index("Замечания, не устранённые в проекте")]
    assert BLANK in paper and "нет почты" not in paper  # the wrong e-mail is a line to fill in


def test_draft_says_which_table_rows_it_left_out(edited: Edited, tmp_path: Path) -> None:
    """A roadmap row with a date no one can read is not in the draft: the open problems say so, row by row."""
    source = edited(lambda wb: wb[ROADMAP].__setitem__("D3", "когда-то в 2024"))
    [draft] = render_many([source], tmp_path, formats=("docx",), workers=1, draft=True)
    assert draft.error is None, draft.error
    doc = Document(str(draft.written[0]))
    body = [p.text for p in doc.paragraphs]
    tail = [line.split(". ", 1)[-1] for line in body[body.index("Замечания, не устранённые в проекте"):]]
    assert ("[ошибка] Лист «Дорожная карта», строка 3: строка в проект не вошла — ошибка в столбце D («Сроки "
            "проведения»); исправьте её в книге") in tail
    assert sum("в проект не вошла" in line for line in tail) == 1


def test_cli_check_annotate_and_calls(edited: Edited, tmp_path: Path) -> None:
    source = edited(both_kinds)
    result = run("check", str(source), "--annotate", str(tmp_path / "копии"), "--calls", str(tmp_path / "звонки.xlsx"))
    assert result.exit_code == 1
    assert (tmp_path / "копии" / "заявка — замечания.xlsx").exists()
    assert "Копия с замечаниями" in result.output
    wb = openpyxl.load_workbook(tmp_path / "звонки.xlsx")
    assert wb.active.max_row == 2
    again = run("check", str(source), "--annotate", str(tmp_path / "копии"), "--calls", str(tmp_path / "звонки.xlsx"))
    assert "уже существует" not in again.output  # the same marks twice: no conflict


def test_cli_render_draft(edited: Edited, tmp_path: Path) -> None:
    source = edited(lambda wb: wb[FORM].__setitem__(f"B{form_row('rationale')}", "Коротко."))
    refused = run("render", str(source), "-o", str(tmp_path), "--format", "docx")
    assert refused.exit_code == 1 and not list(tmp_path.glob("*.docx"))
    made = run("render", str(source), "-o", str(tmp_path), "--format", "docx", "--draft")
    assert made.exit_code == 0, made.output
    assert [p.name for p in tmp_path.glob("*.docx")] == [f"ПРОЕКТ — {STEM}.docx"]
