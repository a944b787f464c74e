"""Read a filled workbook into a validated model, collecting every problem with its sheet, row and column.

Cells come from `docgen.spreadsheet` (python-calamine: .xlsx, .xlsm, .xls, .ods).  This module refuses files that
are not workbooks before any reader sees them (with a message a user can act on), converts cells by the kind the
schema declares, and maps every Pydantic error back to the cell its value came from.  Nothing is raised for a
content problem: the caller gets all of them in a `Loaded` and decides (check prints them, render refuses on any
error).
"""

from __future__ import annotations

import copy
import difflib
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.dates import DAY_EXAMPLE, TERM_EXAMPLE, DateError, parse_day, parse_term
from docgen.errors import CellRef, InputError, Problem, Severity, WorkbookFileError
from docgen.habits import (
    add_scheme,
    count_without_unit,
    lower_first,
    strip_number_sign,
    typographic_quotes,
    year_spans,
)
from docgen.kinds import PAPERS
from docgen.models import BLANK, EventDate, Paper, PersonName, Profile
from docgen.plausible import doubtful
from docgen.profiles import DEFAULT_PROFILE, available, load_profile, profile_key, profile_names
from docgen.rules import check
from docgen.schema import LISTS, SPECS, Column, FormSheet, Kind, TableSheet, WorkbookSpec
from docgen.spreadsheet import FORMATS, Sheet, Workbook, column_letters, open_workbook
from docgen.text import clean_cell_text, format_date

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb is refused before any reader unpacks it
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
WORKBOOK_SUFFIXES = tuple(FORMATS)  # what a folder is searched for, and what `check_file` reads

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
    # the table rows the draft leaves out, one line each, for its list of open problems
    draft_dropped: list[str] = field(default_factory=list)

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
    """Refuse anything that is not a readable workbook (.xlsx, .xlsm, .xls, .ods), with a message a user can act on."""
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
    if suffix == ".xlsb":
        raise WorkbookFileError(
            path, "формат .xlsb (двоичная книга Excel) не поддерживается; сохраните книгу как «Книга Excel (.xlsx)»"
        )
    if suffix == ".csv":
        raise WorkbookFileError(
            path, "формат .csv не поддерживается: в нём нет листов; сохраните книгу как «Книга Excel (.xlsx)»"
        )
    if suffix not in FORMATS:
        raise WorkbookFileError(path, "ожидается книга Excel (.xlsx, .xls) или таблица LibreOffice Calc (.ods)")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookFileError(
            path, f"файл слишком большой ({_megabytes(size)} МБ, допустимо до {_megabytes(MAX_FILE_BYTES)} МБ)"
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix == ".xls":
        if head != OLE_MAGIC:
            real = _zip_kind(path)
            if real:
                raise WorkbookFileError(path, f"это {real} с расширением .xls; дайте файлу расширение "
                                              f"{'.ods' if 'ods' in real else '.xlsx'}")
            raise WorkbookFileError(path, "файл повреждён или это не книга Excel (.xls), а файл другого типа")
        return
    if head == OLE_MAGIC:
        raise WorkbookFileError(
            path, "книга защищена паролем или сохранена в старом формате .xls; снимите пароль и сохраните как .xlsx "
                  "(или дайте файлу .xls расширение .xls)"
        )
    if not zipfile.is_zipfile(path):
        what = "таблица LibreOffice Calc" if suffix == ".ods" else "книга Excel"
        raise WorkbookFileError(path, f"файл повреждён или это не {what} ({suffix}), а файл другого типа")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            ods = "mimetype" in names and b"opendocument" in zf.read("mimetype")
            if suffix == ".ods" and not ods:
                raise WorkbookFileError(path, "это не таблица LibreOffice Calc (.ods): в файле нет таблицы ODF")
            if suffix != ".ods" and ods:
                raise WorkbookFileError(
                    path, f"это таблица LibreOffice (.ods) с расширением {suffix}; дайте файлу расширение .ods"
                )
            if suffix != ".ods" and "xl/workbook.xml" not in names:
                raise WorkbookFileError(path, "в файле нет книги Excel; возможно, это документ другого типа")
            if suffix == ".ods" and "content.xml" not in names:
                raise WorkbookFileError(path, "в файле нет таблицы; возможно, это документ другого типа")
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise WorkbookFileError(path, "книга слишком велика после распаковки")
    except _BAD_ZIP as exc:
        raise WorkbookFileError(path, f"файл повреждён (архив {suffix} не читается)") from exc


# what zipfile raises on a damaged archive: a name not in UTF-8, an unknown version or compression, a short read
_BAD_ZIP = (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, OSError, zlib.error)


def _zip_kind(path: Path) -> str:
    """Name what a zip file holds, «книга Excel (.xlsx)» or «таблица LibreOffice (.ods)»; '' for anything else."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
                return "таблица LibreOffice (.ods)"
            return "книга Excel (.xlsx)" if "xl/workbook.xml" in names else ""
    except (*_BAD_ZIP, KeyError):
        return ""


def _megabytes(size: int) -> str:
    """Say a size in megabytes with one decimal, rounding up so «over the limit» never reads as equal."""
    tenths = -(-size * 10 // (1024 * 1024))
    whole, part = divmod(tenths, 10)
    return f"{whole},{part}" if part else str(whole)


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
    text = clean_cell_text(str(value))  # Excel's «_xHHHH_» escapes are decoded by calamine
    return text or None


def _date_from_text(text: str) -> date:
    try:
        return parse_day(text)
    except DateError as exc:
        raise _Conversion(str(exc)) from exc


_SERIAL_ZERO = date(1899, 12, 31)  # serial 1 in Excel's 1900 date system is 01.01.1900
_SERIAL_ZERO_AFTER_BUG = date(1899, 12, 30)  # Excel counts a 29.02.1900 that never was: from serial 61, one less
_SERIAL_ZERO_1904 = date(1904, 1, 1)


def _serial_date(value: float, date1904: bool) -> date:
    """Return the day of an Excel serial number typed into a cell formatted as a plain number."""
    days = int(value)
    if date1904:
        return _SERIAL_ZERO_1904 + timedelta(days=days)
    return (_SERIAL_ZERO if days < 61 else _SERIAL_ZERO_AFTER_BUG) + timedelta(days=days)


def _date(value: Any, date1904: bool) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value <= 2958465:
            raise _Conversion(f"ожидается дата, а не число; {DAY_EXAMPLE}")
        try:
            return _serial_date(value, date1904)
        except OverflowError as exc:  # past 31.12.9999 in the 1904 date system
            raise _Conversion(f"ожидается дата, а не число; {DAY_EXAMPLE}") from exc
    return _date_from_text(str(value).strip())


def _event_date(value: Any, date1904: bool) -> EventDate:
    if isinstance(value, str):
        try:
            fields = parse_term(value)
        except DateError as exc:
            raise _Conversion(str(exc)) from exc
    else:
        day = _date(value, date1904)
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


def _convert(column: Column, value: Any, date1904: bool) -> Any:
    if column.kind is Kind.INT:
        return _int(value)
    if column.kind is Kind.YES_NO:
        return _yes_no(value)
    if column.kind is Kind.PERSON:
        return _person(value)
    if column.kind is Kind.DATE:
        return _date(value, date1904)
    if column.kind is Kind.EVENT_DATE:
        return _event_date(value, date1904)
    if column.kind is Kind.SCHOOL_YEAR:
        return _school_year(value)
    return _text(value)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean_cell_text(value))


# --- the reader ------------------------------------------------------------------------------------------------


class _Reader:
    """Collect values and problems from one open workbook following one spec."""

    def __init__(self, book: Workbook, spec: WorkbookSpec) -> None:
        self.book = book
        self.spec = spec
        self.date1904 = book.date1904
        self.problems: list[Problem] = []
        self.cells: dict[Loc, CellRef] = {}
        self.failed: set[Loc] = set()  # converted with an error already reported: no second Pydantic message
        self.missing_columns: set[tuple[str, str]] = set()  # (table key, column key) reported as missing
        self.columns: dict[Loc, Column] = {}  # the model's key (table rows: (table key, column key)) -> its column
        self.row_numbers: dict[str, list[int]] = {}  # table key -> the sheet row of each record read
        self.notes: dict[tuple[str, str, str, str], list[int]] = {}  # habits undone: (sheet, column, header, note)
        self.typed: dict[tuple[str, str, str, str], str] = {}  # what was typed in the first cell of each note

    def row_of(self, table: str, index: int) -> int:
        """Return the sheet row the `index`-th record of a table was read from."""
        return self.row_numbers[table][index]

    def problem(self, message: str, where: CellRef | None, *, severity: Severity = Severity.ERROR,
                value: Any = None) -> None:
        self.problems.append(Problem(message, where, severity=severity, value=value))

    def read_cell(self, sheet: Sheet, *, row: int, col: int, column: Column, loc: Loc,
                  data: dict[str, Any]) -> None:
        """Read the cell at (`row`, `col`) of `sheet` as `column` into `data`, or report why it cannot be read."""
        ref = CellRef(sheet.name, row, column_letters(col), column.label)
        self.cells[loc] = ref
        if (row, col) in sheet.no_value:
            self.failed.add(loc)
            self.problem("формула без сохранённого значения: откройте файл в Excel или LibreOffice Calc "
                         "и сохраните его, чтобы в ячейке появилось значение", ref)
            return
        error = sheet.errors.get((row, col)) if sheet.errors is not None else None
        if error is not None:
            self.failed.add(loc)
            self.problem(f"ошибка в формуле ({error}); исправьте формулу или введите значение", ref)
            return
        value = sheet.value(row, col)
        if _is_empty(value):
            return
        if (column.kind is Kind.EVENT_DATE and not isinstance(value, str) and sheet.months is not None
                and (row, col) in sheet.months):
            try:  # a date shown as a month («ноя.23», «ноябрь 2023»): Excel made it from a typed month
                day = _date(value, self.date1904)
                _put(data, column.key, EventDate(kind="month", year=day.year, month=day.month))
                return
            except (_Conversion, ValidationError):
                pass  # not a plausible date: converted below, with its message
        if column.kind is Kind.INT and isinstance(value, str):
            typed, (value, note) = value, count_without_unit(value)  # «42 чел.»: the number, with a note
            self.note(ref, note, typed)
        try:
            converted = _convert(column, value, self.date1904)
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
            options = ", ".join(profile_names() if column.choices == "profiles" else self.choices(column))
            self.problem(f"значение «{converted}» не из списка; допустимо: {options}", ref, value=value)
            return
        _put(data, column.key, converted)

    def undo_habits(self, text: str, column: Column, ref: CellRef) -> str:
        """Undo the typing habits that would print wrong, remembering a note for each (see habits.py)."""
        steps = [typographic_quotes, year_spans]
        if column.habit == "number":
            steps.append(strip_number_sign)
        elif column.habit == "position":
            steps.append(lower_first)
        elif column.habit == "url":
            steps.append(add_scheme)
        typed = text
        for step in steps:
            text, note = step(text)
            self.note(ref, note, typed)
        return text

    def note(self, ref: CellRef, note: str | None, typed: object) -> None:
        """Remember a habit undone in a cell and what was typed there, for `note_habits`."""
        if note is not None:
            key = (ref.sheet, ref.column or "", ref.header or "", note)
            self.notes.setdefault(key, []).append(ref.row or 0)
            self.typed.setdefault(key, str(typed))  # shown as «введено»: the cell was not empty

    def note_habits(self) -> None:
        """Report the habits undone as «сведения», one line per column and kind of change."""
        for key, rows in self.notes.items():
            sheet, letter, header, note = key
            where = CellRef(sheet, rows[0] or None, letter or None, header or None)
            text = note if len(rows) == 1 else f"{note} (строки {_row_list(rows)})"
            self.problem(text, where, severity=Severity.INFO, value=self.typed.get(key))
        self.notes.clear()
        self.typed.clear()

    def already_reported(self, loc: Loc) -> bool:  # missing_columns holds (table, first part of the column key)
        """Tell whether a Pydantic error at `loc` repeats a problem reported while reading."""
        if any(loc[: len(f)] == f for f in self.failed):
            return True
        return len(loc) >= 3 and (str(loc[0]), str(loc[2])) in self.missing_columns

    def choices(self, column: Column) -> tuple[str, ...]:
        if column.choices == "profiles":
            return tuple(available())
        return LISTS.get(column.choices or "", ())

    def merged_problems(self, sheet: Sheet, first_row: int, columns: Iterable[int]) -> None:
        wanted = set(columns)
        for top, left, bottom, right in sheet.merged or ():
            if bottom >= first_row and any(left <= c <= right for c in wanted):
                self.problem(
                    f"объединённые ячейки {column_letters(left)}{top}:{column_letters(right)}{bottom} в области "
                    "данных: разъедините их («Объединить ячейки» → снять), каждое значение — в своей ячейке",
                    CellRef(sheet.name, top, column_letters(left)),
                )

    def hidden_rows(self, sheet: Sheet, read: Iterable[int]) -> None:
        """Warn about hidden rows whose values go into the papers: nobody proofread what they could not see."""
        hidden = sorted(set(sheet.hidden_rows or ()) & set(read))
        if not hidden:
            return
        text = ("строка скрыта, но её данные попадут в документ; покажите её" if len(hidden) == 1 else
                f"строки {_row_list(hidden)} скрыты, но их данные попадут в документ; покажите их")
        self.problem(f"{text} (выделите строки вокруг, правой кнопкой → «Показать») и проверьте",
                     CellRef(sheet.name, hidden[0]), severity=Severity.WARNING)

    def renamed(self, name: str, wanted: str) -> None:
        """Say that a sheet was found under a slightly different name (a space at the end, other case)."""
        if name != wanted:
            self.problem(f"лист называется «{name}», а не «{wanted}» (лишний пробел или другие буквы); "
                         "прочитан как он", CellRef(name), severity=Severity.INFO)

    def read_form(self, form: FormSheet, data: dict[str, Any], name: str | None = None) -> None:
        sheet = self.book.sheet(name or form.name)
        rows: dict[str, int] = {}  # label -> row number
        labelled: list[tuple[int, str, Any]] = []  # every labelled row: duplicates and strangers are warned about
        for number, cells in enumerate(sheet.rows, start=1):
            label = _text(cells[0]) if cells else None
            if label:
                value = cells[1] if len(cells) > 1 else None
                rows.setdefault(_norm(label), number)
                labelled.append((number, label, value))
        self.merged_problems(sheet, 1, [2])
        self.form_leftovers(form, sheet.name, rows, labelled)
        read: list[int] = []
        for column in form.fields:
            self.columns[_loc(column.key)] = column
            _ensure_parents(data, column.key)  # so Pydantic names each missing field, not their parent
            row_no = rows.get(_norm(column.label))
            if row_no is None:
                self.problem(f"нет строки «{column.label}» в столбце A; верните её (см. пустую книгу: docgen new "
                             f"{self.spec.kind})", CellRef(sheet.name))
                self.failed.add(_loc(column.key))
                continue
            self.read_cell(sheet, row=row_no, col=2, column=column, loc=_loc(column.key), data=data)
            if not _is_empty(sheet.value(row_no, 2)):
                read.append(row_no)
        self.hidden_rows(sheet, read)

    def form_leftovers(self, sheet: FormSheet, title: str, rows: dict[str, int],
                       labelled: list[tuple[int, str, Any]]) -> None:
        """Warn about filled rows of a form sheet that no field reads: a repeated label, a row not in the form."""
        known = {_norm(column.label) for column in sheet.fields}
        for number, label, value in labelled:
            if number == 1 or _is_empty(value):  # row 1 is the sheet's own header «Поле — Значение»
                continue
            where = CellRef(title, number, "B", label)
            first = rows[_norm(label)]
            if _norm(label) in known and first != number:
                self.problem(f"строка «{label}» повторяется: в документ попадёт значение из строки {first}, а из "
                             "этой — нет; оставьте одну строку", where, severity=Severity.WARNING, value=value)
            elif _norm(label) not in known:
                self.problem("строка не входит в форму, её значение в документ не попадёт; перенесите текст в строку "
                             "формы или удалите строку", where, severity=Severity.WARNING, value=value)

    def read_table(self, table: TableSheet, data: dict[str, Any], name: str) -> None:
        """Read a table sheet (named `name` in the workbook) into `data[table.key]`."""
        sheet = self.book.sheet(name)
        headers: dict[str, int] = {}
        shown: dict[int, str] = {}  # column index -> header as the user typed it
        for col, value in enumerate(sheet.rows[0] if sheet.rows else (), start=1):
            text = _text(value)
            if text:
                shown[col] = text
                headers.setdefault(_norm(text), col)  # a duplicate header: the first one is read
        numbers = self.row_numbers.setdefault(table.key, [])
        for column in table.columns:
            self.columns[(table.key, *_loc(column.key))] = column
        labels = {_norm(c.label) for c in table.columns}
        if not labels & set(headers):
            lower = _header_row_below(sheet.rows, labels)
            if lower is not None:  # a title row above the headers: one message, not one per column and cell
                self.failed.add((table.key,))
                self.problem(f"заголовки таблицы должны быть в первой строке листа, а они в строке {lower}; "
                             f"удалите строки над заголовками", CellRef(name, lower))
                data[table.key] = []
                return
        found: dict[str, int] = {}
        unknown = [text for text in shown.values() if _norm(text) not in labels]
        for column in table.columns:
            index = headers.get(_norm(column.label))
            if index is None:
                near = _likely(column.label, unknown)
                advice = (f"; возможно, это столбец «{near}» — верните ему заголовок «{column.label}»" if near
                          else "; верните его (см. пустую книгу)")
                self.problem(f"нет столбца «{column.label}» в строке заголовков (строка 1){advice}", CellRef(name))
                self.missing_columns.add((table.key, column.key.split(".")[0]))
            else:
                found[column.key] = index
        used = set(found.values())
        known = {_norm(c.label) for c in table.columns}
        self.cells[(table.key,)] = CellRef(name)
        self.merged_problems(sheet, 2, found.values())
        marked = {row for row, _ in sheet.no_value} | {row for row, _ in sheet.errors or ()}
        records: list[dict[str, Any]] = []
        stray: dict[int, list[int]] = {}  # column outside the form -> the rows where it holds a value
        for row_no, row in enumerate(sheet.rows[1:], start=2):
            if row_no not in marked and all(_is_empty(value) for value in row):
                continue
            record: dict[str, Any] = {}
            index_in_list = len(records)
            for column in table.columns:
                if column.key not in found:
                    continue
                loc = (table.key, index_in_list, *_loc(column.key))
                self.read_cell(sheet, row=row_no, col=found[column.key], column=column, loc=loc, data=record)
            for col, value in enumerate(row, start=1):
                if col not in used and not _is_empty(value):
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
            where = CellRef(name, found_rows[0], column_letters(col), header)
            if len(found_rows) == 1:
                text = f"{why}, его значение в документ не попадёт"
            else:
                text = f"{why}, его значения в строках {_row_list(found_rows)} в документ не попадут"
            self.problem(f"{text}; перенесите текст в столбец формы или удалите его", where,
                         severity=Severity.WARNING)
        self.hidden_rows(sheet, numbers)
        if not found:
            self.failed.add((table.key,))
        data[table.key] = records


_BLANKS = re.compile(r"[\s\u00a0]+")


def _header_row_below(rows: list[list[Any]], labels: set[str], look: int = 10) -> int | None:
    """Return the row (2…`look`) holding most of a table's headers, when the first row holds none."""
    for number, row in enumerate(rows[1:look], start=2):
        typed = {_norm(t) for value in row if (t := _text(value))}
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




def detect_spec(names: list[str]) -> WorkbookSpec | None:
    """Return the spec whose main sheet is among the workbook's sheet `names`."""
    for spec in SPECS.values():
        if sheet_named(names, spec.form.name) is not None:
            return spec
    return None


def _typed_at(data: dict[str, Any], loc: tuple[str | int, ...]) -> object:
    """Return the value read at `loc` (a field, or a table's row and column) for «введено»; None when there is none."""
    node: object = data
    for key in loc:
        if isinstance(node, list):
            node = node[key] if isinstance(key, int) and 0 <= key < len(node) else None
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return None
    return node if isinstance(node, str | int | float | date) else None


def load(path: Path, today: date | None = None) -> Loaded:
    """Read and validate one workbook; raise WorkbookFileError only when it is not a workbook at all.

    `today` switches on the checks that depend on the date (the report's deadline).
    """
    check_file(path)
    with open_workbook(path) as book:
        spec = detect_spec(book.sheet_names)
        if spec is None:
            expected = " или ".join(f"«{s.form.name}»" for s in SPECS.values())
            raise WorkbookFileError(
                path, f"не найден ни один из листов {expected}; создайте книгу командой «docgen new ВИД» "
                f"(виды: {', '.join(SPECS)})"
            )
        return _read(path, book, spec, today)


def _read(path: Path, book: Workbook, spec: WorkbookSpec, today: date | None) -> Loaded:
    reader = _Reader(book, spec)
    paper = PAPERS[spec.kind]
    data: dict[str, Any] = {}
    form_name = sheet_named(book.sheet_names, spec.form.name)
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
        name = sheet_named(book.sheet_names, table.name)
        if name is not None:
            reader.renamed(name, table.name)
            reader.read_table(table, data, name)
        else:
            reader.failed.add((table.key,))
            others = [n for n in book.sheet_names if n not in spec.sheet_names]
            near = difflib.get_close_matches(table.name, others, n=1, cutoff=0.6)
            hint = (f"; возможно, это лист «{near[0]}» — переименуйте его в «{table.name}»" if near else
                    f"; возьмите его из пустой книги (docgen new {spec.kind} --profile {profile.key})")
            reader.problem(f"нет листа «{table.name}»{hint}", CellRef(table.name))

    reader.note_habits()
    problems = reader.problems
    problems += _doubtful(data, reader)
    problems += _hidden_sheets(book, spec)
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
            problems.append(Problem(message, _where(loc, reader.cells), found.rule, found.severity,
                                    value=_typed_at(data, loc)))
    problems = _in_sheet_order(problems, spec)
    left_out = _dropped_rows(partial, spec, reader, problems) if partial is not None and model is None else []
    return Loaded(path, spec, model, problems, data=data, draft=partial.model if partial is not None else None,
                  draft_dropped=left_out)


def _dropped_rows(partial: _Partial, spec: WorkbookSpec, reader: _Reader, problems: list[Problem]) -> list[str]:
    """Say which table rows a draft leaves out and why: the draft is compared row by row with the workbook."""
    lines: list[str] = []
    for table in spec.tables:
        for index in partial.dropped.get(table.key, []):
            row = reader.row_of(table.key, index)
            why = [p.where for p in problems if p.is_error and p.where and p.where.sheet == table.name
                   and p.where.row == row and p.where.column]
            cause = "; ".join(f"ошибка в столбце {w.column}" + (f" («{w.header}»)" if w.header else "")
                              for w in why if w is not None)
            lines.append(f"Лист «{table.name}», строка {row}: строка в проект не вошла"
                         + (f" — {cause}" if cause else "") + "; исправьте её в книге")
    return lines


def _hidden_sheets(book: Workbook, spec: WorkbookSpec) -> list[Problem]:
    """Warn about a hidden sheet whose data goes into the papers: nobody proofread what they could not see."""
    return [Problem("лист скрыт, но его данные попадут в документ; покажите его (правой кнопкой по ярлыку листа → "
                    "«Показать») и проверьте", CellRef(name), severity=Severity.WARNING)
            for name in spec.sheet_names
            if name in book.hidden]


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
