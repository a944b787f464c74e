"""Write the methodologist's call-back list: whom to call about which workbook, and what to say.

One row per workbook with problems: the organization, its head, phone and e-mail as the workbook gives them (even
when other values of it are wrong: the loader keeps everything it could read), the problems in plain words, the
file.  Workbooks without errors or warnings are left out; a file that is not a workbook at all is listed by name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from docgen.checking import Checked
from docgen.errors import Problem, Severity
from docgen.models import BLANK, PersonName
from docgen.output import OWN_CATEGORY, dated_office_file
from docgen.render import normalize_docx

TITLE = "Кому перезвонить"
COLUMNS: tuple[tuple[str, int], ...] = (
    ("№", 5),
    ("Организация", 32),
    ("Руководитель", 30),
    ("Телефон", 20),
    ("E-mail", 28),
    ("Что исправить", 90),
    ("Файл", 36),
)
CELL_LIMIT = 32767  # characters Excel holds in one cell
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")


def plain(problem: Problem) -> str:
    """Say one problem as one would on the phone: the field or the row, then what is wrong."""
    where = problem.where
    if where is None:
        place = ""
    elif where.row is not None and where.header and not where.sheet.lower().startswith(("заявка", "отчёт", "план")):
        place = f"{where.sheet}, строка {where.row}, «{where.header}»: "
    elif where.header:
        place = f"«{where.header}»: "
    elif where.row is not None:
        place = f"{where.sheet}, строка {where.row}: "
    else:
        place = f"лист «{where.sheet}»: "
    mark = "" if problem.is_error else f"[{problem.severity.value}] "
    return f"{mark}{place}{problem.message}"


def _text(value: Any) -> str:
    if isinstance(value, PersonName):
        return "" if value.last == BLANK else value.full
    return "" if value is None or value == BLANK else str(value)


def row_of(checked: Checked) -> list[str] | None:
    """Return the list's row for one checked workbook (without its number), or None when all is well."""
    if checked.error is not None:
        return ["", "", "", "", f"файл не читается: {checked.error}", checked.path.name]
    problems = [p for p in checked.problems if p.severity is not Severity.INFO]
    if not problems:
        return None
    data = checked.loaded.data if checked.loaded is not None else {}
    raw = data.get("org")
    org: dict[str, Any] = raw if isinstance(raw, dict) else {}
    head = " ".join(t for t in (_text(org.get("head_position")), _text(org.get("head_name"))) if t)
    name = _text(org.get("short_name")) or _text(org.get("full_name"))
    return [name, head, _text(org.get("phone")), _text(org.get("email")),
            "\n".join(plain(p) for p in problems), checked.path.name]


def calls_workbook(checked: Sequence[Checked], *, made: datetime | None = None) -> bytes:
    """Return the «кому перезвонить» .xlsx for the workbooks checked, in their order.

    `made` dates the file's properties; without it the bytes depend on nothing but the content.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TITLE
    for col, (header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    number = 0
    for item in checked:
        values = row_of(item)
        if values is None:
            continue
        number += 1
        ws.append([number])
        for col, value in enumerate(values, start=2):
            cell = ws.cell(row=ws.max_row, column=col)
            text = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_LIMIT]
            if text:
                cell.value = text
                cell.data_type = "s"  # «=…» or «+7 …» stays text, never a formula
            cell.alignment = wrap
        ws.cell(row=ws.max_row, column=1).alignment = wrap
    if number == 0:
        ws.append(["", "", "", "", "", "замечаний нет ни в одной книге"])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(2, ws.max_row)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.creator = "docgen"
    wb.properties.category = f"{OWN_CATEGORY}список «Кому перезвонить»"  # not checked as a workbook (own_output)
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_docx(dated_office_file(buffer.getvalue(), made or datetime(2000, 1, 1, tzinfo=UTC)))
