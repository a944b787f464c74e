"""Read a filled workbook into a validated model, collecting every problem with its sheet, row and column.

This is the only module (with blank.py) that talks to openpyxl.  It refuses files that are not .xlsx before
openpyxl sees them (openpyxl's own errors are English and vague), converts cells by the kind the schema declares,
and maps every Pydantic error back to the cell its value came from.  Nothing is raised for a content problem: the
caller gets all of them in a `Loaded` and decides (check prints them, render refuses on any error).
"""

from __future__ import annotations

import copy
import difflib
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError as ElementTreeParseError

import openpyxl
from lxml import etree
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from docgen.dates import DAY_EXAMPLE, TERM_EXAMPLE, DateError, parse_day, parse_term
from docgen.errors import CellRef, InputError, Problem, Severity, WorkbookFileError
from docgen.habits import lower_first, strip_number_sign, typographic_quotes
from docgen.kinds import PAPERS
from docgen.models import BLANK, EventDate, Paper, PersonName, Profile
from docgen.plausible import doubtful
from docgen.profiles import DEFAULT_PROFILE, available, load_profile, profile_key
from docgen.rules import check
from docgen.schema import LISTS, SPECS, Column, FormSheet, Kind, TableSheet, WorkbookSpec
from docgen.text import clean_cell_text, decode_ooxml_escapes, format_date

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # openpyxl does not stop zip bombs
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file

Loc = tuple[str | int, ...]


@dataclass
class Loaded:
    """The outcome of reading one workbook: the model when it is valid, and every problem found."""

    path: Path
    spec: WorkbookSpec | None
    model: Paper | None
    problems: list[Problem] = field(default_factory=list)
    # every value that could be read, converted, by the model's keys: what a call-back list or a registry shows
    data: dict[str, Any] = field(default_factory=dict)
    # the model for a draft: `model` when valid, else one with blanks where values are wrong (None if impossible)
    draft: Paper | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class _Conversion(Exception):
    """A cell that cannot be converted to its declared kind; the message says what is expected."""


# --- the file itself -------------------------------------------------------------------------------------------


def check_file(path: Path) -> None:
    """Refuse anything that is not a readable .xlsx, with a message a user can act on."""
    if not path.exists():
        raise WorkbookFileError(path, "файл не найден")
    if path.is_dir():
        raise WorkbookFileError(path, "это папка, а не книга Excel")
    if not path.is_file():  # a FIFO or a link to /dev/zero would hang the first read
        raise WorkbookFileError(path, "это не обычный файл (канал, устройство или ссылка на них), а не книга Excel")
    if path.name.startswith("~$"):
        raise WorkbookFileError(
            path, "это служебный файл блокировки Excel, а не книга; выберите файл без «~$» в начале имени"
        )
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsb"):
        raise WorkbookFileError(
            path, f"формат {suffix} не поддерживается; сохраните книгу как «Книга Excel (.xlsx)»"
        )
    if suffix in (".ods", ".csv"):
        raise WorkbookFileError(
            path, f"формат {suffix} не поддерживается; сохраните книгу как «Книга Excel 2007-365 (.xlsx)»"
        )
    if suffix not in (".xlsx", ".xlsm"):
        raise WorkbookFileError(path, "ожидается книга Excel с расширением .xlsx")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookFileError(
            path, f"файл слишком большой ({_megabytes(size)} МБ, допустимо до {_megabytes(MAX_FILE_BYTES)} МБ)"
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise WorkbookFileError(
            path, "книга защищена паролем или сохранена в старом формате .xls; снимите пароль и сохраните как .xlsx"
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookFileError(path, "файл повреждён или это не книга Excel (.xlsx), а файл другого типа")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
                raise WorkbookFileError(
                    path, "это таблица LibreOffice (.ods) с расширением .xlsx; сохраните её как .xlsx"
                )
            if "xl/workbook.xml" not in names:
                raise WorkbookFileError(path, "в файле нет книги Excel; возможно, это документ другого типа")
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise WorkbookFileError(path, "книга слишком велика после распаковки")
    except zipfile.BadZipFile as exc:
        raise WorkbookFileError(path, "файл повреждён (архив .xlsx не читается)") from exc


def _megabytes(size: int) -> str:
    """Say a size in megabytes with one decimal, rounding up so «over the limit» never reads as equal."""
    tenths = -(-size * 10 // (1024 * 1024))
    whole, part = divmod(tenths, 10)
    return f"{whole},{part}" if part else str(whole)


class _Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet that reads its cells with `_RowParser` and never its stored dimension.

    openpyxl parses the start of every sheet for its <dimension> as the workbook opens, a third of the opening
    time, and `_rows` throws the result away because the stored dimension may be stale (notes, pitfall 13).
    """

    def _get_size(self) -> None:
        pass

    def _cells_by_row(self, min_col: int, min_row: int, max_col: int | None, max_row: int | None,
                      values_only: bool = False) -> Any:
        # openpyxl 3.1's own loop for what `_rows` asks (whole sheets, as cells); other asks go to openpyxl's
        if max_row is not None or values_only:
            yield from super()._cells_by_row(min_col, min_row, max_col, max_row, values_only)
            return
        empty = (EMPTY_CELL,) * (max_col + 1 - min_col) if max_col is not None else ()
        counter = min_row
        with self._get_source() as src:
            parser = _RowParser(src, self._shared_strings, data_only=self.parent.data_only,
                                epoch=self.parent.epoch, date_formats=self.parent._date_formats,
                                timedelta_formats=self.parent._timedelta_formats)
            for idx, row in parser.parse():
                for _ in range(counter, idx):  # rows missing from the file are empty
                    counter += 1
                    yield empty
                if counter <= idx:
                    counter += 1
                    yield self._get_row(row, min_col, max_col)


# lxml, not ElementTree: the whole file is parsed in C.  A workbook is untrusted input: no external DTD or
# network is touched, libxml2's limits on depth, text size and entity amplification stay on, and a part that
# declares a DTD at all is refused (`_refuse_dtd`), as defusedxml refuses it in the parts openpyxl reads.
_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
        "remove_comments": True, "remove_pis": True}
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _ForbiddenXml(ValueError):
    """A workbook part with a DTD: Excel never writes one, and its entities would hide or change text."""

    def __init__(self) -> None:
        super().__init__("в XML есть объявление DTD, какого в книгах Excel не бывает")


def _refuse_dtd(element: Any) -> None:
    if element.getroottree().docinfo.internalDTD is not None:
        raise _ForbiddenXml


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _string_content(node: Any) -> str:
    """Return the plain text of a string item (<si> or <is>) as openpyxl's `Text.from_tree(node).content` does.

    That is the last <t> child, then the last <t> of each run <r>, in order; phonetic runs (<rPh>) are left out.
    Names are matched without their namespace, as openpyxl matches them.
    """
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        tag = _local(child)
        if tag == "t":
            plain = child.text
        elif tag == "r":
            text = None
            for part in child:
                if _local(part) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(runs) if plain is None else plain + "".join(runs)


class _RowParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser, with the rows read by lxml and the two commonest cells made without detours.

    A form is mostly styled empty cells and typed-in text (inline strings when openpyxl or LibreOffice saved the
    file); both are built here the way openpyxl's `parse_cell` builds them, which is 3-4 times slower on them.
    Every other cell — numbers, dates, shared strings, booleans, errors, formulas — goes to openpyxl's own code.
    One difference: reading values (data_only), a formula saved without its value has data_type "f" and value
    None, where openpyxl gives an empty cell; the reader reports it, so no second pass over formulas is needed.
    """

    def parse(self) -> Any:
        rows = etree.iterparse(self.source, events=("end",), tag=ROW_TAG, **_XML)
        for index, (_, element) in enumerate(rows):
            if index == 0:
                _refuse_dtd(element)
            row = self.parse_row(element)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:  # rows already read: a long sheet keeps no tree behind
                del element.getparent()[0]
            yield row

    def parse_cell(self, element: Any) -> dict[str, Any]:
        data_type = element.get("t", "n")
        if len(element) == 0:
            value = None
        elif data_type == "inlineStr" and len(element) == 1 and element[0].tag == _MAIN + "is":
            data_type, value = "s", _string_content(element[0])
        else:
            cell: dict[str, Any] = super().parse_cell(element)
            if (self.data_only and cell["value"] is None and element.find(FORMULA_TAG) is not None
                    and data_type != "str"):
                # openpyxl reads a formula nobody calculated as an empty cell; the reader must tell the user instead.
                # t="str" says it was calculated, to an empty text: a blank cell, as openpyxl reads it.
                cell["data_type"] = "f"
            return cell
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        style_id = element.get("s", 0)
        return {"row": row, "column": column, "value": value, "data_type": data_type,
                "style_id": int(style_id) if style_id else style_id}


def _shared_strings(source: Any) -> list[str]:
    """Read the shared strings table as openpyxl's `read_string_table` does, but leave «_x005F_» alone.

    openpyxl deletes every «x005F_», so a literal «_x0041_» a user typed (saved by Excel as «_x005F_x0041_») would
    reach `decode_ooxml_escapes` as «_x0041_» and become «A»; inline strings never had that step.
    """
    strings: list[str] = []
    for _, node in etree.iterparse(source, events=("end",), tag=_MAIN + "si", **_XML):
        if not strings:
            _refuse_dtd(node)
        strings.append(_string_content(node))
        node.clear(keep_tail=False)
    return strings


def _number_styles(archive: zipfile.ZipFile) -> tuple[set[int], set[int]] | None:
    """Return the indices of the cell styles that show dates and durations, or None without a stylesheet.

    This is the part of openpyxl's `Stylesheet._normalise_numbers` that reading values needs: a number cell is a
    date when its style's number format is a date format.  Fonts, fills, borders and named styles are not read.
    """
    try:
        src = archive.read("xl/styles.xml")
    except KeyError:
        return None
    root = etree.fromstring(src, etree.XMLParser(**_XML))
    _refuse_dtd(root)
    # Children are matched by local name and a repeated list replaces the one before, as openpyxl's from_tree does.
    custom: dict[int, str] = {}
    styles: list[Any] = []
    for child in root:
        if _local(child) == "numFmts":
            custom = {int(f.get("numFmtId")): f.get("formatCode") for f in child if _local(f) == "numFmt"}
        elif _local(child) == "cellXfs":
            styles = [xf for xf in child if _local(xf) == "xf"]
    if not styles:
        return None  # openpyxl keeps its defaults then
    dates: set[int] = set()
    durations: set[int] = set()
    for index, xf in enumerate(styles):
        number = int(xf.get("numFmtId", 0))
        code = custom[number] if number in custom else builtin_format_code(number)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


class _LeanReader(ExcelReader):  # type: ignore[misc]
    """openpyxl's read-only reader without the parts docgen never reads (openpyxl 3.1).

    Skipped: document properties, custom properties, the theme, all of the stylesheet but which styles are dates,
    each sheet's stored dimension and its relationships (comments, drawings, tables), and chart sheets.  The
    workbook part, sheet list and defined names are openpyxl's own; cells are read by `_RowParser`.
    """

    def read(self) -> None:
        # ExcelReader.read's order, with the skipped steps left out
        self.read_manifest()
        self.read_strings()
        self.read_workbook()
        styles = _number_styles(self.archive)
        if styles is not None:
            self.wb._date_formats, self.wb._timedelta_formats = styles
        self.read_worksheets()
        self.parser.assign_names()

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as src:
                self.shared_strings = _shared_strings(src)

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def _open(path: Path, *, data_only: bool) -> openpyxl.Workbook:
    # read-only: cells are parsed as the rows are iterated, not all up front (2-3× faster on a formatted form)
    try:
        reader = _LeanReader(path, read_only=True, data_only=data_only)
        reader.read()
        return reader.wb
    except _ForbiddenXml as exc:  # in the shared strings or the styles; a sheet's shows in `_rows`
        raise WorkbookFileError(path, f"файл повреждён: {exc}") from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise WorkbookFileError(path, "файл повреждён, openpyxl не смог его прочитать") from exc
    except Exception as exc:  # lxml/defusedxml raise their own types for broken or hostile XML
        raise WorkbookFileError(path, f"файл повреждён ({type(exc).__name__})") from exc


class _BrokenSheet(Exception):
    """A sheet whose XML cannot be read to the end; `load` names the file."""

    def __init__(self, sheet: str) -> None:
        super().__init__(sheet)
        self.sheet = sheet


# What reading a sheet's cells raises on a broken or hostile part: lxml and ElementTree on bad XML (and on entity
# bombs), openpyxl on values that are not what their type says, a shared string index out of range.
_BROKEN_XML = (etree.LxmlError, ElementTreeParseError, ValueError, TypeError, IndexError, KeyError,
               zipfile.BadZipFile, zlib.error, OSError)


def _rows(ws: Any, min_row: int = 1, max_col: int | None = None) -> Any:
    """Iterate a read-only sheet's rows to the real end: the stored dimension may be stale (notes, pitfall 13).

    Cells are parsed as the rows are read, so a broken sheet shows only here; it raises `_BrokenSheet`.
    """
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    rows = ws.iter_rows(min_row=min_row, max_col=max_col)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except _BROKEN_XML as exc:
            raise _BrokenSheet(ws.title) from exc
        yield row


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')


def _merged_ranges(wb: openpyxl.Workbook, ws: Any) -> list[CellRange]:
    """Return the merged ranges of a sheet; read-only sheets do not load them, so read them from the XML."""
    if not hasattr(ws, "_worksheet_path"):
        return list(ws.merged_cells.ranges)
    # openpyxl keeps the archive and each sheet's path privately (openpyxl 3.1); a test covers merged cells.
    try:
        xml = wb._archive.read(ws._worksheet_path)
        return [CellRange(ref.decode()) for ref in _MERGE.findall(xml)]
    except _BROKEN_XML as exc:  # a range like A1:ZZZZ9 or B3:A1, or a part that does not unpack
        raise _BrokenSheet(ws.title) from exc


# --- cells -----------------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = clean_cell_text(decode_ooxml_escapes(str(value)))
    return text or None


def _date_from_text(text: str) -> date:
    try:
        return parse_day(text)
    except DateError as exc:
        raise _Conversion(str(exc)) from exc


def _date(value: Any, epoch: datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value <= 2958465:
            raise _Conversion(f"ожидается дата, а не число; {DAY_EXAMPLE}")
        converted = from_excel(value, epoch=epoch)
        return converted.date() if isinstance(converted, datetime) else converted
    return _date_from_text(str(value).strip())


def _event_date(value: Any, epoch: datetime) -> EventDate:
    if isinstance(value, str):
        try:
            fields = parse_term(value)
        except DateError as exc:
            raise _Conversion(str(exc)) from exc
    else:
        day = _date(value, epoch)
        fields = {"kind": "day", "year": day.year, "month": day.month, "day": day.day}
    try:
        return EventDate(**fields)
    except ValidationError as exc:
        raise _Conversion(f"{_pydantic_message(exc)}; {TERM_EXAMPLE}") from exc


def _pydantic_message(exc: ValidationError) -> str:
    error = exc.errors()[0]
    if error["type"] == "docgen":
        return str(error["msg"])
    return "год должен быть от 2000 до 2100"


def _school_year(value: Any) -> int:
    text = _text(value) or ""
    m = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})(?:\s*(?:уч\.?|учебный)\s*(?:г\.?|год))?", text)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return int(m.group(1))
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    raise _Conversion("ожидается учебный год, например 2023-2024")


SHOWN_LIMIT = 60  # characters of a typed value quoted in a message


def shown(value: Any) -> str:
    """Return a typed value as the person saw it in the cell, shortened for a message."""
    if isinstance(value, datetime | date):
        text = format_date(value.date() if isinstance(value, datetime) else value)
    elif isinstance(value, float):
        text = (str(int(value)) if value.is_integer() else str(value)).replace(".", ",")
    else:
        text = _text(value) or ""
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 1] + "…"


def typed_message(value: Any, expected: str) -> str:
    """Say what was typed, then what is expected: «введено «12»; ожидается номер телефона …»."""
    return f"введено «{shown(value)}»; {expected}"


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Conversion("ожидается целое число не меньше 0, например 25")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise _Conversion("ожидается целое число не меньше 0, например 25")
    return value


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = (_text(value) or "").lower()
    if text in ("да", "+", "yes"):
        return True
    if text in ("нет", "-", "–", "no"):
        return False
    raise _Conversion("ожидается «да» или «нет»")


def _person(value: Any) -> PersonName:
    try:
        return PersonName.parse(_text(value) or "")
    except ValueError as exc:
        raise _Conversion(_message_of(exc)) from exc


def _convert(column: Column, value: Any, epoch: datetime) -> Any:
    if column.kind is Kind.INT:
        return _int(value)
    if column.kind is Kind.YES_NO:
        return _yes_no(value)
    if column.kind is Kind.PERSON:
        return _person(value)
    if column.kind is Kind.DATE:
        return _date(value, epoch)
    if column.kind is Kind.EVENT_DATE:
        return _event_date(value, epoch)
    if column.kind is Kind.SCHOOL_YEAR:
        return _school_year(value)
    return _text(value)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean_cell_text(value))


# --- the reader ------------------------------------------------------------------------------------------------


class _Reader:
    """Collect values and problems from one open workbook following one spec."""

    def __init__(self, wb: openpyxl.Workbook, spec: WorkbookSpec) -> None:
        self.wb = wb
        self.spec = spec
        self.epoch: datetime = wb.epoch
        self.problems: list[Problem] = []
        self.cells: dict[Loc, CellRef] = {}
        self.failed: set[Loc] = set()  # converted with an error already reported: no second Pydantic message
        self.missing_columns: set[tuple[str, str]] = set()  # (table key, column key) reported as missing
        self.columns: dict[Loc, Column] = {}  # the model's key (table rows: (table key, column key)) -> its column
        self.row_numbers: dict[str, list[int]] = {}  # table key -> the sheet row of each record read
        self.month_cells: dict[str, set[str]] = {}  # sheet -> cells whose number format shows a month, no day
        self.notes: dict[tuple[str, str, str, str], list[int]] = {}  # habits undone: (sheet, column, header, note)

    def row_of(self, table: str, index: int) -> int:
        """Return the sheet row the `index`-th record of a table was read from."""
        return self.row_numbers[table][index]

    def problem(self, message: str, where: CellRef | None, *, severity: Severity = Severity.ERROR,
                value: Any = None) -> None:
        self.problems.append(Problem(message, where, severity=severity, value=value))

    def read_cell(self, ws: Worksheet, cell: Any, *, row: int, col: int, column: Column, loc: Loc,
                  data: dict[str, Any]) -> None:
        """Read one cell; `row` and `col` are given because an empty read-only cell does not know them."""
        letter = get_column_letter(col)
        ref = CellRef(ws.title, row, letter, column.label)
        self.cells[loc] = ref
        value = cell.value
        if value is None and getattr(cell, "data_type", None) == "f":  # see _RowParser
            self.failed.add(loc)
            self.problem("формула без сохранённого значения: откройте файл в Excel или LibreOffice Calc "
                         "и сохраните его, чтобы в ячейке появилось значение", ref)
            return
        if isinstance(value, str) and value.startswith("#") and getattr(cell, "data_type", None) == "e":
            self.failed.add(loc)
            self.problem(f"ошибка в формуле ({value}); исправьте формулу или введите значение", ref)
            return
        if _is_empty(value):
            return
        if (column.kind is Kind.EVENT_DATE and not isinstance(value, str)
                and f"{letter}{row}" in self.month_cells.get(ws.title, ())):
            try:  # a date shown as a month («ноя.23», «ноябрь 2023»): Excel made it from a typed month
                day = _date(value, self.epoch)
                _put(data, column.key, EventDate(kind="month", year=day.year, month=day.month))
                return
            except (_Conversion, ValidationError):
                pass  # not a plausible date: converted below, with its message
        try:
            converted = _convert(column, value, self.epoch)
        except _Conversion as exc:
            self.failed.add(loc)
            self.problem(typed_message(value, str(exc)), ref, value=value)
            return
        if isinstance(converted, str) and column.kind in (Kind.TEXT, Kind.LONG_TEXT):
            converted = self.undo_habits(converted, column, ref)
        if column.choices == "profiles" and isinstance(converted, str):
            converted = profile_key(converted) or converted  # «Томск» for «tomsk»
        if column.strict_choices and column.kind is Kind.TEXT and converted not in self.choices(column):
            self.failed.add(loc)
            options = ", ".join(self.choices(column))
            self.problem(f"значение «{converted}» не из списка; допустимо: {options}", ref, value=value)
            return
        _put(data, column.key, converted)

    def undo_habits(self, text: str, column: Column, ref: CellRef) -> str:
        """Undo the typing habits that would print wrong, remembering a note for each (see habits.py)."""
        steps = [typographic_quotes]
        if column.habit == "number":
            steps.append(strip_number_sign)
        elif column.habit == "position":
            steps.append(lower_first)
        for step in steps:
            text, note = step(text)
            if note is not None:
                self.notes.setdefault((ref.sheet, ref.column or "", ref.header or "", note), []).append(ref.row or 0)
        return text

    def note_habits(self) -> None:
        """Report the habits undone as «сведения», one line per column and kind of change."""
        for (sheet, letter, header, note), rows in self.notes.items():
            where = CellRef(sheet, rows[0] or None, letter or None, header or None)
            text = note if len(rows) == 1 else f"{note} (строки {_row_list(rows)})"
            self.problem(text, where, severity=Severity.INFO)
        self.notes.clear()

    def already_reported(self, loc: Loc) -> bool:  # missing_columns holds (table, first part of the column key)
        """Tell whether a Pydantic error at `loc` repeats a problem reported while reading."""
        if any(loc[: len(f)] == f for f in self.failed):
            return True
        return len(loc) >= 3 and (str(loc[0]), str(loc[2])) in self.missing_columns

    def choices(self, column: Column) -> tuple[str, ...]:
        if column.choices == "profiles":
            return tuple(available())
        return LISTS.get(column.choices or "", ())

    def merged_problems(self, ws: Worksheet, first_row: int, columns: Iterable[int]) -> None:
        wanted = set(columns)
        for rng in _merged_ranges(self.wb, ws):
            if rng.max_row >= first_row and any(rng.min_col <= c <= rng.max_col for c in wanted):
                self.problem(
                    f"объединённые ячейки {rng.coord} в области данных: разъедините их "
                    "(«Объединить ячейки» → снять), каждое значение — в своей ячейке",
                    CellRef(ws.title, rng.min_row, get_column_letter(rng.min_col)),
                )

    def renamed(self, name: str, wanted: str) -> None:
        """Say that a sheet was found under a slightly different name (a space at the end, other case)."""
        if name != wanted:
            self.problem(f"лист называется «{name}», а не «{wanted}» (лишний пробел или другие буквы); "
                         "прочитан как он", CellRef(name), severity=Severity.INFO)

    def read_form(self, sheet: FormSheet, data: dict[str, Any], name: str | None = None) -> None:
        ws = self.wb[name or sheet.name]
        rows: dict[str, tuple[int, Any]] = {}  # label -> (row number, value cell)
        labelled: list[tuple[int, str, Any]] = []  # every labelled row: duplicates and strangers are warned about
        for number, row in enumerate(_rows(ws, max_col=2), start=1):
            label = _text(row[0].value) if row else None
            if label:
                cell = row[1] if len(row) > 1 else EMPTY_CELL
                rows.setdefault(_norm(label), (number, cell))
                labelled.append((number, label, cell))
        self.merged_problems(ws, 1, [2])
        self.form_leftovers(sheet, ws.title, rows, labelled)
        for column in sheet.fields:
            self.columns[_loc(column.key)] = column
            _ensure_parents(data, column.key)  # so Pydantic names each missing field, not their parent
            found = rows.get(_norm(column.label))
            if found is None:
                self.problem(f"нет строки «{column.label}» в столбце A; верните её (см. пустую книгу: docgen new "
                             f"{self.spec.kind})", CellRef(ws.title))
                self.failed.add(_loc(column.key))
                continue
            row_no, cell = found
            self.read_cell(ws, cell, row=row_no, col=2, column=column, loc=_loc(column.key), data=data)

    def form_leftovers(self, sheet: FormSheet, title: str, rows: dict[str, tuple[int, Any]],
                       labelled: list[tuple[int, str, Any]]) -> None:
        """Warn about filled rows of a form sheet that no field reads: a repeated label, a row not in the form."""
        known = {_norm(column.label) for column in sheet.fields}
        for number, label, cell in labelled:
            if number == 1 or _is_empty(cell.value):  # row 1 is the sheet's own header «Поле — Значение»
                continue
            where = CellRef(title, number, "B", label)
            first = rows[_norm(label)][0]
            if _norm(label) in known and first != number:
                self.problem(f"строка «{label}» повторяется: в документ попадёт значение из строки {first}, а из "
                             "этой — нет; оставьте одну строку", where, severity=Severity.WARNING, value=cell.value)
            elif _norm(label) not in known:
                self.problem("строка не входит в форму, её значение в документ не попадёт; перенесите текст в строку "
                             "формы или удалите строку", where, severity=Severity.WARNING, value=cell.value)

    def read_table(self, sheet: TableSheet, data: dict[str, Any], name: str) -> None:
        """Read a table sheet (named `name` in the workbook) into `data[sheet.key]`."""
        ws = self.wb[name]
        headers: dict[str, int] = {}
        shown: dict[int, str] = {}  # column index -> header as the user typed it
        rows = _rows(ws)
        for col, cell in enumerate(next(rows, ()), start=1):
            text = _text(cell.value)
            if text:
                shown[col] = text
                headers.setdefault(_norm(text), col)  # a duplicate header: the first one is read
        numbers = self.row_numbers.setdefault(sheet.key, [])
        for column in sheet.columns:
            self.columns[(sheet.key, *_loc(column.key))] = column
        labels = {_norm(c.label) for c in sheet.columns}
        if not labels & set(headers):
            lower = _header_row_below(rows, labels)
            if lower is not None:  # a title row above the headers: one message, not one per column and cell
                self.failed.add((sheet.key,))
                self.problem(f"заголовки таблицы должны быть в первой строке листа, а они в строке {lower}; "
                             f"удалите строки над заголовками", CellRef(name, lower))
                data[sheet.key] = []
                return
        found: dict[str, int] = {}
        unknown = [text for text in shown.values() if _norm(text) not in labels]
        for column in sheet.columns:
            index = headers.get(_norm(column.label))
            if index is None:
                near = _likely(column.label, unknown)
                advice = (f"; возможно, это столбец «{near}» — верните ему заголовок «{column.label}»" if near
                          else "; верните его (см. пустую книгу)")
                self.problem(f"нет столбца «{column.label}» в строке заголовков (строка 1){advice}", CellRef(name))
                self.missing_columns.add((sheet.key, column.key.split(".")[0]))
            else:
                found[column.key] = index
        used = set(found.values())
        known = {_norm(c.label) for c in sheet.columns}
        self.cells[(sheet.key,)] = CellRef(name)
        self.merged_problems(ws, 2, found.values())
        records: list[dict[str, Any]] = []
        stray: dict[int, list[int]] = {}  # column outside the form -> the rows where it holds a value
        for row_no, row in enumerate(rows, start=2):
            if all(_is_empty(c.value) for c in row):
                continue
            record: dict[str, Any] = {}
            index_in_list = len(records)
            for column in sheet.columns:
                if column.key not in found:
                    continue
                loc = (sheet.key, index_in_list, *_loc(column.key))
                col = found[column.key]
                cell = row[col - 1] if col <= len(row) else EMPTY_CELL
                self.read_cell(ws, cell, row=row_no, col=col, column=column, loc=loc, data=record)
            for col, cell in enumerate(row, start=1):
                if col not in used and not _is_empty(cell.value):
                    stray.setdefault(col, []).append(row_no)
            records.append(record)
            numbers.append(row_no)
        for col, found_rows in sorted(stray.items()):  # one warning per column, not one per cell
            header = shown.get(col)
            if header is None:
                why = "столбец без заголовка"
            elif _norm(header) in known:
                why = "столбец повторяет другой столбец формы"
            else:
                why = "столбец не входит в форму"
            where = CellRef(name, found_rows[0], get_column_letter(col), header)
            if len(found_rows) == 1:
                text = f"{why}, его значение в документ не попадёт"
            else:
                text = f"{why}, его значения в строках {_row_list(found_rows)} в документ не попадут"
            self.problem(f"{text}; перенесите текст в столбец формы или удалите его", where,
                         severity=Severity.WARNING)
        if not found:
            self.failed.add((sheet.key,))
        data[sheet.key] = records


_BLANKS = re.compile(r"[\s\u00a0]+")


def _header_row_below(rows: Any, labels: set[str], look: int = 10) -> int | None:
    """Return the row (2…`look`) holding most of a table's headers, when the first row holds none; consumes rows."""
    for number, row in enumerate(rows, start=2):
        if number > look:
            return None
        typed = {_norm(t) for c in row if (t := _text(c.value))}
        if len(typed & labels) * 2 >= len(labels):
            return number
    return None


def _likely(label: str, typed: list[str]) -> str | None:
    """Return the typed header most like `label`: a part of it («Сроки» for «Сроки проведения») or a near spelling."""
    wanted = _norm(label)
    part = next((t for t in typed if _norm(t) and (_norm(t) in wanted or wanted in _norm(t))), None)
    if part is not None:
        return part
    close = difflib.get_close_matches(wanted, [_norm(t) for t in typed], n=1, cutoff=0.6)
    return next((t for t in typed if close and _norm(t) == close[0]), None)


def _row_list(rows: list[int]) -> str:
    """Say rows compactly: «2–10, 12»."""
    spans: list[list[int]] = []
    for row in rows:
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def sheet_named(names: list[str], wanted: str) -> str | None:
    """Return the workbook's sheet that is `wanted` up to blanks, case and «ё» («Дорожная карта » with a space)."""
    if wanted in names:
        return wanted
    return next((name for name in names if _norm(name) == _norm(wanted)), None)


def _norm(label: str) -> str:
    return _BLANKS.sub(" ", label).strip().rstrip(":*").strip().lower().replace("ё", "е")


def _loc(key: str) -> Loc:
    return tuple(key.split("."))


def _ensure_parents(data: dict[str, Any], key: str) -> None:
    for part in key.split(".")[:-1]:
        data = data.setdefault(part, {})


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _where(loc: Loc, cells: dict[Loc, CellRef]) -> CellRef | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in cells:
            return cells[loc[:end]]
    return None


_PYDANTIC_MESSAGES = {
    "missing": "не заполнено; это обязательное поле",
    "string_too_short": "не заполнено; это обязательное поле",
    "too_short": "нет ни одной заполненной строки",
    "date_from_datetime_inexact": "ожидается дата без времени",
    "greater_than_equal": "значение слишком мало",
    "less_than_equal": "значение слишком велико",
}


def _translate(error: Any) -> str:
    if error["type"] == "docgen":
        return str(error["msg"])
    return _PYDANTIC_MESSAGES.get(error["type"], f"неверное значение ({error['msg']})")


_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# a cell's start tag with its reference and style, in either order of the two attributes
_STYLED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*?\bs="(\d+)"'
                          rb'|<(?:\w+:)?c\b[^>]*?\bs="(\d+)"[^>]*?\br="([A-Z]{1,3}\d+)"')
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')  # quoted text, [$-419] locales, escaped characters


def is_month_format(code: str) -> bool:
    """Tell whether a number format shows a month and a year but no day: «mmm-yy», «[$-419]mmmm yyyy;@»."""
    bare = _FORMAT_NOISE.sub("", code.split(";", maxsplit=1)[0]).lower()
    return "m" in bare and "y" in bare and "d" not in bare and "h" not in bare and "s" not in bare


def month_cells(path: Path) -> dict[str, set[str]]:
    """Return, per sheet, the cells whose number format shows a month without a day.

    Values are read without formats, so a date Excel shows as «ноя.23» would print as 01.11.2023; the few month
    styles are found in the stylesheet, and the sheets are scanned for cells using them only when there are any.
    Anything unreadable here gives {}: the cells are then read as days, as before.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("xl/styles.xml"), etree.XMLParser(**_XML))
            custom: dict[int, str] = {}
            styles: list[Any] = []
            for child in root:
                if _local(child) == "numFmts":
                    custom = {int(f.get("numFmtId")): f.get("formatCode") or "" for f in child
                              if _local(f) == "numFmt"}
                elif _local(child) == "cellXfs":
                    styles = [xf for xf in child if _local(xf) == "xf"]
            months = set()
            for index, xf in enumerate(styles):
                number = int(xf.get("numFmtId", 0))
                code = custom.get(number) or builtin_format_code(number) or ""
                if is_month_format(code):
                    months.add(index)
            if not months:
                return {}
            book = etree.fromstring(archive.read("xl/workbook.xml"), etree.XMLParser(**_XML))
            rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), etree.XMLParser(**_XML))
            targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag == _PKG_REL + "Relationship"}
            found: dict[str, set[str]] = {}
            for sheet in book.iter(_MAIN + "sheet"):
                target = targets.get(sheet.get(_DOC_REL + "id"), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                xml = archive.read(part)
                cells = {(m.group(1) or m.group(4)).decode() for m in _STYLED_CELL.finditer(xml)
                         if int(m.group(2) or m.group(3)) in months}
                if cells:
                    found[sheet.get("name", "")] = cells
            return found
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, zlib.error, etree.LxmlError):
        return {}


def detect_spec(wb: openpyxl.Workbook) -> WorkbookSpec | None:
    """Return the spec whose main sheet the workbook has."""
    for spec in SPECS.values():
        if sheet_named(wb.sheetnames, spec.form.name) is not None:
            return spec
    return None


def load(path: Path, today: date | None = None) -> Loaded:
    """Read and validate one workbook; raise WorkbookFileError only when it is not a workbook at all.

    `today` switches on the checks that depend on the date (the report's deadline).
    """
    check_file(path)
    try:
        wb = _open(path, data_only=True)
        try:
            spec = detect_spec(wb)
            if spec is None:
                expected = " или ".join(f"«{s.form.name}»" for s in SPECS.values())
                raise WorkbookFileError(
                    path, f"не найден ни один из листов {expected}; создайте книгу командой «docgen new ВИД» "
                    f"(виды: {', '.join(SPECS)})"
                )
            return _read(path, wb, spec, today)
        finally:
            wb.close()
    except _BrokenSheet as exc:
        cause = exc.__cause__
        reason = str(cause) if isinstance(cause, _ForbiddenXml) else type(cause).__name__
        raise WorkbookFileError(path, f"лист «{exc.sheet}» повреждён и не читается ({reason}); откройте книгу в "
                                      "Excel или LibreOffice Calc и сохраните её заново как .xlsx") from exc.__cause__


def _read(path: Path, wb: openpyxl.Workbook, spec: WorkbookSpec, today: date | None) -> Loaded:
    reader = _Reader(wb, spec)
    reader.month_cells = month_cells(path)
    paper = PAPERS[spec.kind]
    data: dict[str, Any] = {}
    form_name = sheet_named(wb.sheetnames, spec.form.name)
    if form_name is None:
        reader.problem(f"нет листа «{spec.form.name}»", CellRef(spec.form.name))
    else:
        reader.renamed(form_name, spec.form.name)
        reader.read_form(spec.form, data, form_name)

    profile_name = data.pop("profile", None) or DEFAULT_PROFILE
    try:
        profile = load_profile(profile_name)
    except InputError as exc:
        reader.problem(str(exc), reader.cells.get(("profile",)))
        return Loaded(path, spec, None, reader.problems)
    if spec.kind not in profile.documents:
        reader.problem(f"в профиле «{profile.key}» ({profile.name}) нет документа «{paper.name}»; "
                       f"его документы: {', '.join(PAPERS[k].name for k in profile.documents if k in PAPERS)}",
                       reader.cells.get(("profile",)) or CellRef(spec.form.name))
        return Loaded(path, spec, None, reader.problems)
    data["profile"] = profile

    for table in spec.tables_for(_profile_lists(profile)):
        name = sheet_named(wb.sheetnames, table.name)
        if name is not None:
            reader.renamed(name, table.name)
            reader.read_table(table, data, name)
        else:
            reader.failed.add((table.key,))
            others = [n for n in wb.sheetnames if n not in spec.sheet_names]
            near = difflib.get_close_matches(table.name, others, n=1, cutoff=0.6)
            hint = (f"; возможно, это лист «{near[0]}» — переименуйте его в «{table.name}»" if near else
                    f"; возьмите его из пустой книги (docgen new {spec.kind} --profile {profile.key})")
            reader.problem(f"нет листа «{table.name}»{hint}", CellRef(table.name))

    reader.note_habits()
    problems = reader.problems
    problems += _doubtful(data, reader)
    problems += _hidden_sheets(wb, spec)
    model: Paper | None = None
    try:
        model = paper.model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if reader.already_reported(loc):
                continue
            typed = error.get("input")
            message = _translate(error)
            if error["type"] == "docgen" and isinstance(typed, str | int | float):
                message = typed_message(typed, message)
            problems.append(Problem(message, _where(loc, reader.cells),
                                    value=typed if isinstance(typed, str | int | float) else None))
    partial = _Partial(model, set(), {}, {}) if model is not None else _partial(paper.model, data, reader.columns)
    if partial is not None:
        # The rules run on whatever could be read, so field and rule problems come in one round.
        for found in check(partial.model, today):
            original = partial.original(found.loc)
            if original is None:
                continue  # about a value the workbook has wrong: that problem is reported already
            loc, message = original, found.message
            dropped = partial.dropped.get(str(loc[0])) if len(loc) == 1 else None
            if dropped:
                rows = ", ".join(str(reader.row_of(str(loc[0]), i)) for i in dropped)
                message += f" (без учёта строк с ошибками: {rows})"
            problems.append(Problem(message, _where(loc, reader.cells), found.rule, found.severity))
    return Loaded(path, spec, model, _in_sheet_order(problems, spec), data=data,
                  draft=partial.model if partial is not None else None)


def _hidden_sheets(wb: openpyxl.Workbook, spec: WorkbookSpec) -> list[Problem]:
    """Warn about a hidden sheet whose data goes into the papers: nobody proofread what they could not see."""
    return [Problem("лист скрыт, но его данные попадут в документ; покажите его (правой кнопкой по ярлыку листа → "
                    "«Показать») и проверьте", CellRef(name), severity=Severity.WARNING)
            for name in spec.sheet_names
            if name in wb.sheetnames and getattr(wb[name], "sheet_state", "visible") != "visible"]


def _doubtful(data: dict[str, Any], reader: _Reader) -> list[Problem]:
    """Check every converted value for plausibility (`plausible.doubtful`): dates, numbers, undrawable characters."""
    found: list[Problem] = []

    def walk(value: Any, loc: Loc, pattern: Loc) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, key), (*pattern, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):  # a table's records: the column is found without the index
                walk(item, (*loc, index), pattern)
        elif (column := reader.columns.get(pattern)) is not None:
            found.extend(doubtful(value, column, _where(loc, reader.cells)))

    walk(data, (), ())
    return found


@dataclass
class _Partial:
    """A model built from what a workbook with errors holds: wrong values replaced by blanks, broken rows left out.

    `repaired` holds the places given a blank; `kept` maps each table's row index in the model to its index in the
    workbook's rows read (rows left out shift the ones after them); `dropped` lists the indexes left out.
    """

    model: Paper
    repaired: set[Loc]
    kept: dict[str, list[int]]
    dropped: dict[str, list[int]]

    def original(self, loc: Loc) -> Loc | None:
        """Return the place a finding about `loc` refers to in the workbook, or None if it is about a blank."""
        if len(loc) >= 2 and isinstance(loc[1], int) and str(loc[0]) in self.kept:
            loc = (loc[0], self.kept[str(loc[0])][loc[1]], *loc[2:])
        if any(loc[: len(r)] == r for r in self.repaired):
            return None
        return loc


_REPAIR_ROUNDS = 4


def _partial(model: type[Paper], data: dict[str, Any], columns: dict[Loc, Column]) -> _Partial | None:
    """Build the model of a workbook with errors: for the rules to see everything else, and for a draft.

    A required text that is missing or wrong becomes `BLANK` (a line to fill in by hand); a table row with a wrong
    date, number or name is left out; anything else (a missing date of the form) leaves no model at all.
    """
    data = copy.deepcopy(data)
    repaired: set[Loc] = set()
    drop: dict[str, set[int]] = {}
    for _ in range(_REPAIR_ROUNDS):
        trial = {key: ([row for i, row in enumerate(value) if i not in drop.get(key, ())]
                       if isinstance(value, list) else value) for key, value in data.items()}
        try:
            built = model.model_validate(trial, context={"draft": True})
        except ValidationError as exc:
            kept = {key: [i for i in range(len(value)) if i not in drop.get(key, ())]
                    for key, value in data.items() if isinstance(value, list)}
            for error in exc.errors():
                loc = tuple(error["loc"])
                if len(loc) >= 2 and isinstance(loc[1], int) and str(loc[0]) in kept:
                    table, index = str(loc[0]), kept[str(loc[0])][loc[1]]
                    loc = (table, index, *loc[2:])
                    column = columns.get((table, *loc[2:3]))
                    if column is not None and _fill(data[table][index], loc[2:3], column):
                        repaired.add(loc[:3])
                    else:
                        drop.setdefault(table, set()).add(index)
                        repaired.add(loc[:2])
                    continue
                column = columns.get(loc[:2]) or columns.get(loc[:1])
                if column is None or not _fill(data, _loc(column.key), column):
                    return None
                repaired.add(_loc(column.key))
            continue
        kept = {key: [i for i in range(len(value)) if i not in drop.get(key, ())]
                for key, value in data.items() if isinstance(value, list)}
        return _Partial(built, repaired, kept, {key: sorted(rows) for key, rows in drop.items()})
    return None


def _fill(data: dict[str, Any], key: Loc, column: Column) -> bool:
    """Put a draft's blank at `key`; return False when the column's kind has no blank that could stand there."""
    if column.kind in (Kind.TEXT, Kind.LONG_TEXT) and not column.strict_choices:
        blank: Any = BLANK
    elif column.kind is Kind.PERSON:
        blank = PersonName(last=BLANK, first=BLANK)
    else:
        return False
    *parents, last = (str(k) for k in key)
    for part in parents:
        data = data.setdefault(part, {})
    if data.get(last) == blank:
        return False  # blanked already and still refused: the error is not about this value
    data[last] = blank
    return True


def _profile_lists(profile: Profile) -> set[str]:
    return {"criteria"} if profile.criteria else set()


def _in_sheet_order(problems: list[Problem], spec: WorkbookSpec) -> list[Problem]:
    order = {_norm(name): index for index, name in enumerate(spec.sheet_names)}

    def key(problem: Problem) -> tuple[int, int, int]:
        where = problem.where
        if where is None:
            return (-1, 0, 0)
        return (order.get(_norm(where.sheet), len(order)), where.row or 0, len(where.column or "") * 100 + ord(
            (where.column or "A")[-1]))

    return sorted(problems, key=key)


def _message_of(exc: ValueError) -> str:
    return exc.message() if hasattr(exc, "message") else str(exc)
