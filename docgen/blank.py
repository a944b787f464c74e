"""Write a blank workbook for a document kind: Russian sheets and headers, hints, dropdowns, date formats.

Dropdown lists live on a hidden sheet and are referenced by range: an inline list longer than 255 characters is
written by openpyxl without complaint and then silently dropped by Excel.  Lists marked as suggestions accept other
values (no error alert); strict ones (profile, school year) stop anything else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen.models import Profile
from docgen.profiles import DEFAULT_PROFILE, load_profile, order_defaults, profile_names
from docgen.schema import (
    CRITERIA_STEP,
    HOW_TO_CHECK,
    INSTRUCTIONS_SHEET,
    LISTS,
    LISTS_SHEET,
    Column,
    Kind,
    TableSheet,
    WorkbookSpec,
)

HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
HINT_FONT = Font(italic=True, color="595959")
DATE_FORMAT = "DD.MM.YYYY"
TEXT_FORMAT = "@"
TABLE_ROWS_VALIDATED = 500


UNKNOWN_SITE = "на сайте docgen вашего управления образования (адрес сообщит методист)"


def how_to_check(number: int, site: str | None = None, *, token: bool = False) -> list[str]:
    """Return the instruction steps that say where to check a workbook: the web page first, the command line second.

    Most people who fill a workbook have no terminal, so the department's web page (`docgen serve`) comes first.
    Its address is known only when the workbook is downloaded from it (or given to `docgen new --site`); otherwise
    the step says whom to ask.  A token is never written into a workbook: workbooks travel by e-mail.
    """
    where = f"на сайте docgen: {site}" if site else UNKNOWN_SITE
    if site and token:
        where += " (сайт открывается по ссылке с ключом доступа — её присылает методист)"
    return [
        f"{number}. Проверьте книгу и получите документы {where}. Откройте сайт в браузере, перетащите на страницу "
        "эту книгу (или выберите её кнопкой) и нажмите «Проверить и сделать документы». Сайт покажет каждую ошибку "
        "— лист, строку, столбец и что нужно ввести — и даст скачать книгу с отмеченными ячейками; если ошибок нет — "
        "готовый документ в Word (.docx) и PDF.",
        f"{number + 1}. Второй способ — командная строка на компьютере, где установлен docgen: "
        "docgen check <файл>.xlsx покажет ошибки, docgen render <файл>.xlsx -o <папка> сделает .docx и .pdf.",
    ]


def instructions(spec: WorkbookSpec, site: str | None = None, *, token: bool = False,
                 criteria: bool = True) -> list[str]:
    """Return the lines of the «Инструкция» sheet, the checking steps numbered after the filling steps.

    Without `criteria` (a profile with no indicators, Tomsk) the step about the sheet «Показатели» is left out.
    """
    lines: list[str] = []
    for line in spec.instructions:
        if line == CRITERIA_STEP and not criteria:
            continue
        if line != HOW_TO_CHECK:
            lines.append(line)
            continue
        steps = [n for n in lines if n[:1].isdigit()]
        lines += how_to_check(int(steps[-1].split(".", 1)[0]) + 1 if steps else 1, site, token=token)
    return lines


def build_blank(spec: WorkbookSpec, profile: str | None = None, *, site: str | None = None,
                token: bool = False, year: int | None = None) -> openpyxl.Workbook:
    """Return a new workbook for `spec`, with `profile` preselected when given.

    `site` is the address of the department's docgen web page, written on the «Инструкция» sheet; `token` says
    that page asks for an access key.  `year` is the year of the order a blank order workbook is for (today's year
    if not given): the school years its carried-over texts name start with it.
    """
    wb = openpyxl.Workbook()
    intro = wb.active
    assert intro is not None
    intro.title = INSTRUCTIONS_SHEET
    intro.column_dimensions["A"].width = 110
    chosen = load_profile(profile or DEFAULT_PROFILE)
    for row, line in enumerate(instructions(spec, site, token=token, criteria=bool(chosen.criteria)), start=1):
        cell = intro.cell(row=row, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14)
        elif site and f"docgen: {site}" in line:
            cell.hyperlink = site  # a click on the step opens the page
            cell.font = Font(color="0563C1", underline="single")

    lists = _write_lists(wb)
    _write_form(wb, spec, lists, profile)
    for table in spec.tables_for({"criteria"} if chosen.criteria else set()):
        _write_table(wb, table, lists, chosen)
    if spec.kind == "rasporyazhenie":
        fill(wb, spec, order_defaults(chosen.key, year or date.today().year))
    hidden = wb[LISTS_SHEET]
    wb.move_sheet(hidden, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 1  # open on the form, not on the instructions
    return wb


def fill(wb: openpyxl.Workbook, spec: WorkbookSpec, content: dict[str, Any]) -> None:
    """Write values into a blank workbook: {"form": {key: value}, "tables": {table key: [{column key: value}]}}.

    Table rows replace what the sheet holds from row 2 on, in the order of the spec's columns.
    """
    form = wb[spec.form.name]
    values = content.get("form", {})
    for row, column in enumerate(spec.form.fields, start=2):
        if column.key in values:
            form.cell(row=row, column=2, value=values[column.key])
    for table in spec.tables:
        rows = content.get("tables", {}).get(table.key)
        if rows is None or table.name not in wb.sheetnames:
            continue
        ws = wb[table.name]
        for row, record in enumerate(rows, start=2):
            for index, column in enumerate(table.columns, start=1):
                if record.get(column.key) is not None:
                    ws.cell(row=row, column=index, value=record[column.key])


def write_blank(spec: WorkbookSpec, path: Path, profile: str | None = None) -> None:
    """Save a blank workbook for `spec` to `path` (the caller makes the write atomic)."""
    build_blank(spec, profile).save(path)


def _write_lists(wb: openpyxl.Workbook) -> dict[str, str]:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    refs: dict[str, str] = {}
    all_lists = {**LISTS, "profiles": profile_names()}  # «Город Томск», not «tomsk»: the loader reads both
    for index, (name, values) in enumerate(all_lists.items(), start=1):
        letter = get_column_letter(index)
        for row, value in enumerate(values, start=1):
            ws.cell(row=row, column=index, value=value)
        refs[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"
    return refs


def _validation(column: Column, lists: dict[str, str]) -> DataValidation | None:
    if column.choices:
        dv = DataValidation(type="list", formula1=lists[column.choices], allow_blank=True)
        # Non-strict lists only suggest: Excel shows the arrow but accepts a value of the user's own.
        dv.showErrorMessage = column.strict_choices
        dv.errorTitle = "Значение не из списка"
        dv.error = f"Выберите значение из списка для поля «{column.label}»."
    elif column.kind is Kind.DATE:
        dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                            formula2="DATE(2100,12,31)", allow_blank=True)
        dv.showErrorMessage = True
        dv.errorTitle = "Нужна дата"
        dv.error = "Введите дату в виде ДД.ММ.ГГГГ."
    else:
        return None
    dv.promptTitle = column.label[:32]
    dv.prompt = column.hint[:255]
    dv.showInputMessage = True
    return dv


def _format_input(cell: openpyxl.cell.cell.Cell, column: Column) -> None:
    if column.kind is Kind.DATE:
        cell.number_format = DATE_FORMAT
    elif column.kind is Kind.INT:
        cell.number_format = "0"
    elif column.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.SCHOOL_YEAR, Kind.PERSON):
        cell.number_format = TEXT_FORMAT  # phones, «№ 5» stay text; no leading zeros lost
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_form(wb: openpyxl.Workbook, spec: WorkbookSpec, lists: dict[str, str], profile: str | None) -> None:
    form = spec.form
    ws = wb.create_sheet(form.name, 1)
    _header(ws, [form.label_header, form.value_header, form.hint_header])
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 60
    for row, column in enumerate(form.fields, start=2):
        label = ws.cell(row=row, column=1, value=column.label + (" *" if column.required else ""))
        label.font = Font(bold=column.required)
        label.alignment = Alignment(wrap_text=True, vertical="top")
        value = ws.cell(row=row, column=2)
        _format_input(value, column)
        hint = ws.cell(row=row, column=3, value=column.hint)
        hint.font = HINT_FONT
        hint.alignment = Alignment(wrap_text=True, vertical="top")
        if column.kind is Kind.LONG_TEXT:
            ws.row_dimensions[row].height = 60
        dv = _validation(column, lists)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
        if column.key == "profile" and profile:
            value.value = load_profile(profile).name
    ws.freeze_panes = "B2"


def _write_table(wb: openpyxl.Workbook, table: TableSheet, lists: dict[str, str], profile: Profile) -> None:
    ws = wb.create_sheet(table.name)
    prefilled = [c.text for c in profile.criteria] if table.prefill == "criteria" else []
    for row, text in enumerate(prefilled, start=2):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 75
    _header(ws, [c.label + (" *" if c.required else "") for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        head = ws.cell(row=1, column=index)
        head.comment = Comment(column.hint, "docgen", width=300, height=80)
        for row in range(2, max(table.blank_rows, len(prefilled)) + 2):
            if index > 1 or not prefilled:
                _format_input(ws.cell(row=row, column=index), column)
        dv = _validation(column, lists)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{TABLE_ROWS_VALIDATED}")
    ws.freeze_panes = "A2"


def _header(ws: Worksheet, titles: list[str]) -> None:
    for index, title in enumerate(titles, start=1):
        cell = ws.cell(row=1, column=index, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[1].height = 32
