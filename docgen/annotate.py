"""Write a marked copy of a checked workbook: every problem on its cell, and a first sheet listing them all.

The copy is what a deputy director opens next to the report: errors and warnings fill their cells in two colours,
each cell carries a comment with the message, and the sheet «Замечания» lists every problem with a link to its
cell (problems that have no single cell — a missing sheet, a rule about the whole roadmap — are found only there).
The original workbook is never written to.

An .xls or .ods workbook cannot be marked in its own format (openpyxl writes .xlsx only): its marked copy is an .xlsx
made from the values read, without the source's formatting, formulas and lists, and its first sheet says so.
"""

from __future__ import annotations

import io
import math
import warnings
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from docgen.checking import Checked
from docgen.errors import CellRef, OutputError, Problem, Severity, WorkbookFileError
from docgen.output import dated_office_file, write_atomically
from docgen.render import normalize_docx
from docgen.spreadsheet import open_workbook

SHEET = "Замечания"
SUFFIX = " — замечания"
FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),  # Excel's own «light red fill» for bad cells
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),  # Excel's «yellow fill» for doubtful ones
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
LEGEND = {
    Severity.ERROR: "ошибка — исправьте, иначе документ не будет создан",
    Severity.WARNING: "предупреждение — проверьте; документ будет создан",
    Severity.INFO: "сведения — для информации",
}
_COMMENT_WIDTH, _COMMENT_HEIGHT = 320, 140  # points: room for two or three lines of a message
# Columns of «Замечания», in characters: 143 in all, a landscape A4 page at 100 % (fit to width does the rest)
_WIDTHS = (15, 64, 46, 18)  # «Где» on one line: LibreOffice does not wrap a cell with a link
OWN_FORMAT = (".xlsx", ".xlsm")  # marked in a copy of the workbook itself; others in an .xlsx made from the values


def annotated_name(source: Path) -> str:
    """Return the file name of the marked copy of `source`: «Заявка — замечания.xlsx»."""
    return f"{source.stem}{SUFFIX}.xlsx"


def annotated_names(sources: list[Path]) -> list[str]:
    """Name the marked copies of a batch: «bad.xls» and «bad.ods» give «bad — замечания.xlsx» and «bad (2) — …».

    The numbers depend only on the batch's order, so a second run gives the same names (and replaces its own
    copies) instead of adding «(3)».
    """
    names: list[str] = []
    taken: set[str] = set()
    for source in sources:
        name, number = annotated_name(source), 2
        while name.lower() in taken:
            name = annotated_name(source.with_name(f"{source.stem} ({number}){source.suffix}"))
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def annotate_workbook(checked: Checked, target: Path, *, force: bool = False) -> Path:
    """Write the marked copy of `checked.path` to `target` (a folder, or an .xlsx file name); return its path.

    A file already at the path is replaced only with `force` or when it holds the same marks (a check run
    twice).  A workbook that could not be read at all cannot be marked: its error is raised.
    """
    if checked.error is not None:
        raise checked.error
    path = target / annotated_name(checked.path) if target.suffix.lower() != ".xlsx" else target
    if path.resolve() == checked.path.resolve():
        raise OutputError(path, "это сама проверяемая книга; копию с замечаниями нужно сохранить под другим именем")
    write_atomically(path, marked_copy(checked), force=force)
    return path


def marked_copy(checked: Checked) -> bytes:
    """Return the bytes of the marked copy; equal problems give equal bytes."""
    rebuilt = checked.path.suffix.lower() not in OWN_FORMAT
    if rebuilt:
        wb = _from_values(checked.path)
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; the copy is for reading
                wb = openpyxl.load_workbook(checked.path)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
            raise WorkbookFileError(checked.path, "книгу не удалось открыть для копии с замечаниями") from exc
    problems = checked.problems
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        cell = _cell(problem.where, wb.sheetnames)
        if cell is not None:
            by_cell.setdefault(cell, []).append(problem)
    for (sheet, coordinate), found in by_cell.items():
        cell = wb[sheet][coordinate]
        if wb[sheet].row_dimensions[cell.row].hidden:
            # a hidden row with a problem is shown in the copy: the link of «Замечания» must land on something seen
            wb[sheet].row_dimensions[cell.row].hidden = False
        worst = min(found, key=lambda p: list(Severity).index(p.severity)).severity
        cell.fill = FILLS[worst]
        text = "\n".join(f"[{p.severity.value}] {p.message}" + (f" ({p.rule})" if p.rule else "") for p in found)
        comment = Comment(text, "docgen")
        comment.width, comment.height = _COMMENT_WIDTH, _COMMENT_HEIGHT
        cell.comment = comment
    _list_sheet(wb, problems, checked.path, rebuilt=rebuilt)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable(buffer.getvalue(), checked.path)


def _from_values(path: Path) -> openpyxl.Workbook:
    """Make an .xlsx of the values of an .xls or .ods workbook, sheet by sheet, as docgen read them.

    Dates keep a date format; error values are written as their text («#DIV/0!»); merged ranges and hidden sheets
    stay as they were.  Characters an .xlsx cannot hold (control characters) are left out.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    with open_workbook(path) as book:
        for name in book.sheet_names:
            sheet = book.sheet(name)
            ws = wb.create_sheet(name)
            if name in book.hidden:
                ws.sheet_state = "hidden"
            for row, values in enumerate(sheet.rows, start=1):
                for column, value in enumerate(values, start=1):
                    if value is None:
                        continue
                    cell = ws.cell(row, column, ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str)
                                   else value)
                    if isinstance(value, datetime | date):
                        cell.number_format = "DD.MM.YYYY"
            for (row, column), text in (sheet.errors or {}).items():
                ws.cell(row, column, text)
            for top, left, bottom, right in sheet.merged or ():
                ws.merge_cells(f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}")
            for column in range(1, ws.max_column + 1):  # readable at once, not 8.43 characters wide
                ws.column_dimensions[get_column_letter(column)].width = 30 if column > 1 else 40
    if not wb.sheetnames:
        wb.create_sheet("Лист1")
    return wb


def _cell(where: CellRef | None, sheets: list[str]) -> tuple[str, str] | None:
    """The cell a problem is marked on; a problem about a whole row (a hidden row) is marked on its first cell."""
    if where is None or where.row is None or where.sheet not in sheets:
        return None
    return where.sheet, f"{where.column or 'A'}{where.row}"


def _link(where: CellRef | None, sheets: list[str]) -> str | None:
    if where is None or where.sheet not in sheets:
        return None
    sheet = where.sheet.replace("'", "''")
    return f"#'{sheet}'!{where.column or 'A'}{where.row or 1}"


def _list_sheet(wb: openpyxl.Workbook, problems: list[Problem], source: Path, *, rebuilt: bool = False) -> None:
    """Put the sheet «Замечания» first: every problem, with a link to its cell where it has one."""
    sheets = list(wb.sheetnames)
    name, number = SHEET, 1
    while name in sheets:  # the source has such a sheet already (perhaps a marked copy checked again)
        number += 1
        name = f"{SHEET} {number}"
    ws = wb.create_sheet(name, 0)
    counts = {severity: sum(p.severity is severity for p in problems) for severity in Severity}
    ws.append([f"Замечания к книге «{source.name}»"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([f"Ошибок — {counts[Severity.ERROR]}, предупреждений — {counts[Severity.WARNING]}, сведений — "
               f"{counts[Severity.INFO]}. Ячейки с замечаниями закрашены, текст замечания — в примечании к ячейке."])
    if rebuilt:
        ws.append([f"Книга сохранена в формате {source.suffix.lower()}: эта копия — книга .xlsx, собранная из "
                   "прочитанных значений, без оформления, формул и списков исходной книги. Исправляйте исходную "
                   f"книгу «{source.name}», а не эту копию."])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    for row in range(1, ws.max_row + 1):  # the sentences above the table wrap across its width, not one long line
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_WIDTHS))
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = None if row == 1 else 32
    for severity, meaning in LEGEND.items():
        ws.append([severity.value, meaning])
        ws.cell(ws.max_row, 1).fill = FILLS[severity]
    ws.append([])
    ws.append(["Вид", "Где", "Замечание", "Основание"])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not problems:
        ws.append(["", "", "замечаний нет"])
    for problem in problems:
        ws.append([problem.severity.value, str(problem.where) if problem.where else "книга", problem.message,
                   problem.rule or ""])
        row = ws.max_row
        ws.cell(row, 1).fill = FILLS[problem.severity]
        link = _link(problem.where, sheets)
        if link is not None:
            ws.cell(row, 2).hyperlink = link
            ws.cell(row, 2).style = "Hyperlink"
        for column in (1, 2, 3, 4):
            ws.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = _height(ws, row)
    for letter, width in zip("ABCD", _WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    # printed to be worked through at the desk: landscape A4, one page wide, the table's header on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{header}"
    ws.print_options.gridLines = True
    ws.oddFooter.right.text = "Страница &P из &N"
    wb.active = 0
    for sheet in wb.worksheets:  # only the new first sheet is selected, or Excel opens several as a group
        sheet.sheet_view.tabSelected = sheet is ws


def _height(ws: Worksheet, row: int) -> float:
    """The height of a row whose texts wrap, in points: LibreOffice keeps a written row's height as it is.

    A column holds about its width in Latin characters per line; Cyrillic letters are wider, hence 0.85.
    """
    lines = 1
    for column, width in enumerate(_WIDTHS, start=1):
        text = str(ws.cell(row, column).value or "")
        lines = max(lines, sum(max(1, math.ceil(len(part) / (width * 0.85))) for part in text.split("\n")))
    return 15.0 * lines


def _stable(blob: bytes, source: Path) -> bytes:
    """Date the copy by its source's last change instead of «now», so checking twice gives the same bytes."""
    try:
        changed = datetime.fromtimestamp(source.stat().st_mtime, UTC)
    except OSError:
        changed = datetime(2000, 1, 1, tzinfo=UTC)
    return normalize_docx(dated_office_file(blob, changed))
