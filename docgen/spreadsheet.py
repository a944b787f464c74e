"""Read the cells of a workbook in any format a school sends: .xlsx, .xlsm (Excel), .xls (Excel 97-2003), .ods (Calc).

This is the only module that talks to python-calamine (Rust's calamine): it gives each sheet's typed values (dates by
number format), merged ranges (.xlsx, .xls) and sheet visibility.  What calamine does not show is found here by a
small scan of only what is needed, and said in the README per format:

- .xlsx/.xlsm: one streaming pass (lxml iterparse) over each sheet read finds formulas saved without a value and
  error values (calamine reads both as empty cells), hidden rows, cells whose number format shows a month without
  a day (the month styles come from styles.xml, «ноя.23» must print as a month), and the sheet's real extent.
- .ods: one streaming pass over content.xml finds the same (errors, hidden rows, month-formatted dates, extent) and
  the merged cells, which calamine does not give for .ods.  Calc always saves a formula's value.
- .xls: only what calamine gives.  Errors read as empty cells, hidden rows and month formats are not seen.

The extent matters because calamine allocates a sheet as one dense grid: a 5 KB .xlsx with values in A1 and XFD1048576
makes it ask for 512 GB and abort the process.  The scans refuse such a sheet first.  A workbook part that declares a
DTD is refused (Excel and Calc never write one; its entities would hide or change text).  Every calamine error
becomes a `WorkbookFileError` naming the file, and the sheet when one was being read.
"""

from __future__ import annotations

import faulthandler
import io
import multiprocessing
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any

import python_calamine
from lxml import etree

from docgen.errors import WorkbookFileError, os_reason

Value = str | int | float | bool | date | datetime | time | timedelta | None
Cell = tuple[int, int]  # (row, column), both from 1

# Formats read, by file suffix.  .xlsb is not: LibreOffice cannot write one to test it, and its binary sheets cannot
# be scanned for their extent before calamine allocates them.
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
MAX_CELLS = 1_000_000  # a sheet's extent, rows × columns; a form or a table of a few hundred rows is far below it

# A workbook is untrusted input: no external DTD or network is touched, libxml2's limits on depth, text size and
# entity amplification stay on, and entities are never resolved (a part declaring a DTD is refused before).
_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
        "remove_comments": True, "remove_pis": True}
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')  # quoted text, [$-419] locales, escaped characters
_BUILTIN_MONTH_FORMATS = {17}  # Excel's built-in «mmm-yy»; its other built-in date formats all show a day
# Screens of a sheet's raw XML, in C: a sheet none of them finds anything in needs no parse (most workbooks).  They
# can only find too much (in a comment, a CDATA section, a hidden column), never too little: a hit means the full
# scan.  A formula's tag is <f> (or <x:f>), an error's type t="e", a hidden row's attribute hidden="1".
_SCREEN = re.compile(rb"""<(?:\w+:)?f[\s>/]|t=["']e["']|hidden=""")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d+)"')
_STYLED_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bs="(\d+)"'
                          rb'|<(?:\w+:)?c\s[^>]*?\bs="(\d+)"[^>]*?\br="([A-Z]{1,3})(\d+)"')
# The start of a part up to its first element or DTD: XML declaration, byte order mark, comments, instructions.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*(?:(?:<!--.*?-->|<\?.*?\?>)\s*)*<(!|[A-Za-z_])", re.S)
_BROKEN = (etree.LxmlError, ValueError, KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError,
           NotImplementedError)


class _DtdDeclared(ValueError):
    """A workbook part with a DTD: Excel and Calc never write one, and its entities would hide or change text."""


DTD_REASON = "в XML есть объявление DTD, какого в книгах Excel и Calc не бывает"


def is_month_format(code: str) -> bool:
    """Tell whether a number format shows a month and a year but no day: «mmm-yy», «[$-419]mmmm yyyy;@»."""
    bare = _FORMAT_NOISE.sub("", code.split(";", maxsplit=1)[0]).lower()
    return "m" in bare and "y" in bare and "d" not in bare and "h" not in bare and "s" not in bare


def column_number(letters: str) -> int:
    """Return the number of a column from its letters: A → 1, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """Return the letters of a column from its number: 1 → A, 16384 → XFD."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Marks:
    """What a scan of a sheet's own XML saw that calamine does not show; `None` where the format keeps it unseen."""

    no_value: set[Cell] = field(default_factory=set)  # a formula saved without its value
    errors: dict[Cell, str] = field(default_factory=dict)  # an error value: «#DIV/0!»
    months: set[Cell] = field(default_factory=set)  # a date whose number format shows a month, no day
    hidden_rows: list[int] | None = None
    merged: list[tuple[int, int, int, int]] | None = None  # (first row, first column, last row, last column)
    extent: Cell = (0, 0)  # the last row and column holding anything


@dataclass
class Sheet:
    """One sheet's cells as read: `rows[0][0]` is A1, an empty cell is None; marks from the format's scan."""

    name: str
    rows: list[list[Value]]
    merged: list[tuple[int, int, int, int]] | None  # (first row, first column, last row, last column); None: unseen
    no_value: set[Cell]
    errors: dict[Cell, str] | None  # None: the format's errors read as empty cells, unseen
    months: set[Cell] | None
    hidden_rows: list[int] | None

    def value(self, row: int, column: int) -> Value:
        """Return the value at (row, column), both from 1; None outside the data."""
        if row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[column - 1] if column <= len(cells) else None


class Workbook:
    """An open workbook: sheet names, which are hidden, and each sheet's cells on demand (`sheet`).

    Use it as a context manager; opening checks the whole file (format, DTDs) and raises `WorkbookFileError`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format = FORMATS.get(path.suffix.lower(), "")
        if not self.format:
            raise WorkbookFileError(path, f"формат {path.suffix or 'без расширения'} не читается")
        self.date1904 = False  # the .xlsx date system; plain numbers in a date column count from 1904 when set
        self._parts: dict[str, str] = {}  # sheet name -> its XML part (.xlsx)
        self._month_styles: set[int] = set()
        self._ods: dict[str, Marks] | None = None
        self._archive: zipfile.ZipFile | None = None
        if self.format in ("xlsx", "ods"):
            self._open_zip()
        self._xls: dict[str, tuple[list[list[Value]], list[tuple[int, int, int, int]] | None] | str] = {}
        if self.format == "xls":
            self.sheet_names, self.hidden, self._xls = _read_xls(path)
            return
        try:
            self._book = _calamine_open(path)
        except WorkbookFileError:
            self.close()
            raise
        self.sheet_names = list(self._book.sheet_names)
        self.hidden = _hidden(self._book)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None
        book = self.__dict__.pop("_book", None)
        if book is not None:
            book.close()

    # --- the container -----------------------------------------------------------------------------------------

    def _open_zip(self) -> None:
        try:
            self._archive = zipfile.ZipFile(self.path)
            self._refuse_dtds()
            if self.format == "xlsx":
                self._read_xlsx_workbook()
            else:
                self._ods = _scan_ods(self._archive)
                for name, marks in self._ods.items():  # calamine reads every table of an .ods as it opens it
                    if marks.extent[0] * marks.extent[1] > MAX_CELLS:
                        raise WorkbookFileError(self.path, _too_large(name, *marks.extent))
        except WorkbookFileError:
            self.close()
            raise
        except _BROKEN as exc:
            self.close()
            raise WorkbookFileError(self.path, f"файл повреждён, его не удалось прочитать ({_reason(exc)}); "
                                               "откройте книгу в Excel или LibreOffice Calc и сохраните её заново"
                                    ) from exc

    def _refuse_dtds(self) -> None:
        """Refuse a workbook any of whose XML parts declares a DTD, naming the sheet when the part is one."""
        assert self._archive is not None
        sheets = self._sheet_parts_quietly() if self.format == "xlsx" else {}
        for name in self._archive.namelist():
            if not name.lower().endswith((".xml", ".rels")):
                continue
            sheet = sheets.get(name)
            try:
                with self._archive.open(name) as source:  # seekable: rewinds by reading again, only when needed
                    if not _declares_dtd(source):
                        continue
            except _BROKEN as exc:
                if sheet is None:
                    raise
                raise WorkbookFileError(self.path, _broken_sheet(sheet, _reason(exc), self.format)) from exc
            if sheet is not None:
                raise WorkbookFileError(self.path, _broken_sheet(sheet, DTD_REASON, self.format))
            raise WorkbookFileError(self.path, f"файл повреждён: {DTD_REASON} (часть «{name}»); откройте книгу в "
                                               "Excel или LibreOffice Calc и сохраните её заново")

    def _sheet_parts_quietly(self) -> dict[str, str]:
        """Return {part: sheet name} read without DTDs or entities; {} if the workbook part does not parse."""
        try:
            return {part: name for name, part in self._sheet_parts().items()}
        except _BROKEN:
            return {}

    def _sheet_parts(self) -> dict[str, str]:
        assert self._archive is not None
        book = _parse(self._archive.read("xl/workbook.xml"))
        try:
            rels = _parse(self._archive.read("xl/_rels/workbook.xml.rels"))
        except KeyError:
            return {}
        targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag == _PKG_REL + "Relationship"}
        parts: dict[str, str] = {}
        for sheet in book.iter(_MAIN + "sheet"):
            target = targets.get(sheet.get(_DOC_REL + "id"), "")
            if target:
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
                parts[sheet.get("name", "")] = part
        return parts

    def _read_xlsx_workbook(self) -> None:
        assert self._archive is not None
        book = _parse(self._archive.read("xl/workbook.xml"))
        properties = book.find(_MAIN + "workbookPr")
        self.date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self._parts = self._sheet_parts()
        self._month_styles = _month_styles(self._archive)

    # --- sheets ------------------------------------------------------------------------------------------------

    def sheet(self, name: str) -> Sheet:
        """Read one sheet; a sheet that does not read to its end, or is too large, raises `WorkbookFileError`."""
        marks = self._marks(name)
        rows_, columns = marks.extent if marks is not None else (0, 0)
        if rows_ * columns > MAX_CELLS:
            raise WorkbookFileError(self.path, _too_large(name, rows_, columns))
        if marks is None:  # .xls: read at opening, in a process of its own
            read = self._xls.get(name, ([], []))
            if isinstance(read, str):
                raise WorkbookFileError(self.path, read)
            return Sheet(name, read[0], read[1], set(), None, None, None)
        rows, merged = _calamine_sheet(self._book, name, self.path, self.format)
        return Sheet(name, rows, merged if merged is not None else marks.merged, marks.no_value, marks.errors,
                     marks.months, marks.hidden_rows)

    def _marks(self, name: str) -> Marks | None:
        if self._ods is not None:
            return self._ods.get(name, Marks(hidden_rows=[], merged=[]))
        if self.format != "xlsx":
            return None
        assert self._archive is not None
        part = self._parts.get(name)
        if part is None:
            return Marks(hidden_rows=[])
        try:
            return _scan_xlsx_sheet(self._archive.read(part), self._month_styles)
        except _BROKEN as exc:
            raise WorkbookFileError(self.path, _broken_sheet(name, _reason(exc), self.format)) from exc


def _calamine_open(path: Path) -> python_calamine.CalamineWorkbook:
    """Open a workbook with calamine, its errors (and a panic of its Rust code) as `WorkbookFileError`."""
    try:
        return python_calamine.CalamineWorkbook.from_path(path)
    except python_calamine.PasswordError as exc:
        raise WorkbookFileError(path, "книга защищена паролем; снимите пароль (Файл → Сведения → Защитить книгу) и "
                                      "сохраните её заново") from exc
    except BaseException as exc:  # calamine's errors, and pyo3's PanicException, which is a BaseException
        if not isinstance(exc, python_calamine.CalamineError | OSError | ValueError) and not _is_panic(exc):
            raise
        raise WorkbookFileError(path, f"файл повреждён, его не удалось прочитать ({_reason(exc)}); откройте "
                                      "книгу в Excel или LibreOffice Calc и сохраните её заново") from exc


def _hidden(book: python_calamine.CalamineWorkbook) -> set[str]:
    return {meta.name for meta in book.sheets_metadata if meta.visible != python_calamine.SheetVisibleEnum.Visible}


def _calamine_sheet(book: python_calamine.CalamineWorkbook, name: str, path: Path, fmt: str
                    ) -> tuple[list[list[Value]], list[tuple[int, int, int, int]] | None]:
    """Read one sheet's values (None for an empty cell) and merged ranges (None where the format has none)."""
    try:
        sheet = book.get_sheet_by_name(name)
        end = sheet.end
        if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_CELLS:  # .xls: seen only now
            raise WorkbookFileError(path, _too_large(name, end[0] + 1, end[1] + 1))
        rows: list[list[Value]] = [[None if value == "" else _unescaped(value) if fmt == "xlsx" else value
                                    for value in row] for row in sheet.to_python(skip_empty_area=False)]
        ranges = sheet.merged_cell_ranges
    except BaseException as exc:  # see _calamine_open
        if not isinstance(exc, python_calamine.CalamineError) and not _is_panic(exc):
            raise
        raise WorkbookFileError(path, _broken_sheet(name, _reason(exc), fmt)) from exc
    # corners as stored: a hand-made «B40:A1» comes back reversed
    merged = ([(min(a, c) + 1, min(b, d) + 1, max(a, c) + 1, max(b, d) + 1) for (a, b), (c, d) in ranges]
              if ranges is not None else None)
    return rows, merged


# Excel writes a character XML cannot hold as «_xHHHH_».  calamine decodes them all but the noncharacters U+FFFE,
# U+FFFF and the surrogates, which it leaves as written; docgen would drop those characters anyway (text.py), so their
# escapes go.  (A «_xFFFE_» typed as such, saved as «_x005F_xFFFE_», goes too: nobody types it.)
_LEFT_ESCAPE = re.compile(r"_x(?:[Ff]{3}[EeFf]|[Dd][89A-Fa-f][0-9A-Fa-f]{2})_")


def _unescaped(value: Any) -> Any:
    return _LEFT_ESCAPE.sub("", value) if isinstance(value, str) and "_x" in value else value


def _is_panic(exc: BaseException) -> bool:
    """Tell a panic of calamine's Rust code (pyo3_runtime.PanicException, not importable) from anything else."""
    return type(exc).__name__ == "PanicException"


# --- .xls: read in a process of its own ------------------------------------------------------------------------
#
# calamine's .xls reader trusts the lengths and counts in the file: a damaged .xls made it panic, and one made it ask
# for 1 TB and abort the whole process (tried on randomly damaged copies of an example).  So an .xls is read whole in
# a child process with a memory limit; if it dies, that workbook is «повреждён» and the run goes on.

XLS_TIMEOUT = 60.0  # seconds; an .xls is at most 20 MB and reads in milliseconds
XLS_MEMORY = 2 << 30  # bytes the child may take beyond what it starts with (a full 65 536 × 256 sheet needs ~0,6 GB)
_XlsSheets = dict[str, tuple[list[list[Value]], list[tuple[int, int, int, int]] | None] | str]


def _read_xls(path: Path) -> tuple[list[str], set[str], _XlsSheets]:
    """Return the sheet names, the hidden ones and every sheet's values and merged ranges (or why it failed)."""
    context: Any = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_xls_child, args=(str(path), send, XLS_MEMORY), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(XLS_TIMEOUT):
            raise WorkbookFileError(path, f"книга .xls не прочитана за {XLS_TIMEOUT:.0f} с; откройте её в Excel или "
                                          "LibreOffice Calc и сохраните заново как .xlsx")
        result = receive.recv()
    except (EOFError, OSError) as exc:  # the child died: calamine aborted on this file
        raise WorkbookFileError(path, "файл повреждён: его чтение завершилось аварийно; откройте книгу в Excel или "
                                      "LibreOffice Calc и сохраните её заново") from exc
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if isinstance(result, str):
        raise WorkbookFileError(path, result)
    names, hidden, sheets = result
    return names, hidden, sheets


def _xls_child(path: str, send: Any, memory: int) -> None:
    """Read an .xls whole and send it back (or the Russian reason it could not be read); runs in a child process
    that may grow by `memory` bytes."""
    _limit_memory(memory)
    # an abort prints Rust's English backtrace (and Python's, where faulthandler is on): the user sees none of it
    faulthandler.disable()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    result: tuple[list[str], set[str], _XlsSheets] | str
    try:
        book = _calamine_open(Path(path))
        sheets: _XlsSheets = {}
        for name in book.sheet_names:
            try:
                sheets[name] = _calamine_sheet(book, name, Path(path), "xls")
            except WorkbookFileError as exc:
                sheets[name] = exc.reason
        result = (list(book.sheet_names), _hidden(book), sheets)
    except WorkbookFileError as exc:
        result = exc.reason
    send.send(result)
    send.close()


def _limit_memory(extra: int) -> None:
    """Let this process grow by at most `extra` bytes of address space (POSIX; elsewhere no limit)."""
    try:
        import resource  # noqa: PLC0415 - POSIX only

        pages = int(Path("/proc/self/statm").read_text().split()[0]) if Path("/proc/self/statm").exists() else 0
        limit = pages * resource.getpagesize() + extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, OSError, ValueError):
        pass


def open_workbook(path: Path) -> Workbook:
    """Open a workbook for reading its cells; see `Workbook`."""
    return Workbook(path)


def sheet_names(path: Path) -> list[str]:
    """Return the sheet names of a readable workbook; raise `WorkbookFileError` when it is not one."""
    with Workbook(path) as book:
        return book.sheet_names


# --- helpers ---------------------------------------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    if isinstance(exc, _DtdDeclared):
        return DTD_REASON
    if isinstance(exc, python_calamine.XmlError | etree.LxmlError):
        return "ошибка в XML"
    if isinstance(exc, python_calamine.ZipError | zipfile.BadZipFile | zlib.error | EOFError):
        return "архив не распаковывается"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return "устройство файла нарушено"  # calamine's own words are English and about its internals


def _broken_sheet(sheet: str, reason: str, fmt: str) -> str:
    suffix = ".ods" if fmt == "ods" else ".xlsx"
    return (f"лист «{sheet}» повреждён и не читается ({reason}); откройте книгу в Excel или LibreOffice Calc и "
            f"сохраните её заново как {suffix}")


def _too_large(sheet: str, rows: int, columns: int) -> str:
    cells, limit = (f"{n:,}".replace(",", "\u00a0") for n in (rows * columns, MAX_CELLS))
    return (f"лист «{sheet}» слишком велик: данные занимают область A1:{column_letters(columns)}{rows} "
            f"({cells} ячеек, допустимо до {limit}); удалите всё, что за пределами таблицы, и сохраните книгу "
            "заново")


def _parse(xml: bytes) -> Any:
    root = etree.fromstring(xml, etree.XMLParser(**_XML))
    if root.getroottree().docinfo.internalDTD is not None:
        raise _DtdDeclared
    return root


def _declares_dtd(source: IO[bytes]) -> bool:
    """Tell whether an XML part declares a DTD: from its first 4 KB when they hold the whole prolog (Excel and Calc
    write a one-line one), else by parsing up to its first element."""
    head = source.read(4096)
    found = _PROLOG.match(head)
    if found is not None:
        return found.group(1) == b"!"
    source.seek(0)
    try:
        for _, element in etree.iterparse(source, events=("start",), **_XML):
            return element.getroottree().docinfo.internalDTD is not None
    except etree.LxmlError:
        return False  # not well-formed: whoever reads the part says so
    return False


def _month_styles(archive: zipfile.ZipFile) -> set[int]:
    """Return the indices of the cell styles (cellXfs) whose number format shows a month without a day."""
    try:
        root = _parse(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom: dict[int, str] = {}
    styles: list[Any] = []
    for child in root:  # matched by local name, as Excel's readers do
        local = etree.QName(child).localname
        if local == "numFmts":
            custom = {int(f.get("numFmtId", -1)): f.get("formatCode") or "" for f in child
                      if etree.QName(f).localname == "numFmt"}
        elif local == "cellXfs":
            styles = [xf for xf in child if etree.QName(xf).localname == "xf"]
    months: set[int] = set()
    for index, xf in enumerate(styles):
        number = int(xf.get("numFmtId", 0))
        if (number in custom and is_month_format(custom[number])) or (
                number not in custom and number in _BUILTIN_MONTH_FORMATS):
            months.add(index)
    return months


def _rows_of(source: IO[bytes], tag: str | tuple[str, ...], *, events: tuple[str, ...] = ("end",)
             ) -> Iterator[tuple[str, Any]]:
    """Iterate elements with `tag`, dropping each one read and those before it: a long sheet keeps no tree."""
    for event, element in etree.iterparse(source, events=events, tag=tag, **_XML):
        yield event, element
        if event == "end":
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]


def _scan_xlsx_sheet(xml: bytes, month_styles: set[int]) -> Marks:
    """Scan one .xlsx sheet: formulas without values, errors, hidden rows, month-formatted cells, the extent.

    A sheet with no formula, error, hidden row or cell without its reference is only searched for references and
    styles (`_screened`); any other is parsed (`_parsed`).
    """
    if _SCREEN.search(xml):
        return _parsed(xml, month_styles)
    refs = _CELL_REF.findall(xml)  # empty styled cells too: the extent may come out larger, never smaller
    if len(refs) != len(_CELL_TAG.findall(xml)):  # a cell without its reference: only a parse can place it
        return _parsed(xml, month_styles)
    return _screened(xml, refs, month_styles)


def _screened(xml: bytes, refs: list[tuple[bytes, bytes]], month_styles: set[int]) -> Marks:
    """Find the extent and the month-formatted cells of a sheet whose every cell has its reference (`refs`)."""
    marks = Marks(hidden_rows=[])
    rows = max((int(row) for _, row in refs), default=0)
    columns = max((column_number(letters.decode()) for letters in {letters for letters, _ in refs}), default=0)
    marks.extent = (rows, columns)
    if month_styles:
        for found in _STYLED_CELL.finditer(xml):
            letters, row, style = (found.group(1, 2, 3) if found.group(1) else found.group(5, 6, 4))
            if int(style) in month_styles:
                marks.months.add((int(row), column_number(letters.decode())))
    return marks


def _parsed(xml: bytes, month_styles: set[int]) -> Marks:
    """Scan a sheet cell by cell with lxml: formulas without values, errors, hidden rows, month formats, extent."""
    marks = Marks(hidden_rows=[])
    assert marks.hidden_rows is not None
    last_row = last_column = 0
    row_number = 0
    for _, row in _rows_of(io.BytesIO(xml), _MAIN + "row"):
        number = row.get("r")
        row_number = int(number) if number else row_number + 1
        if row.get("hidden") in ("1", "true"):
            marks.hidden_rows.append(row_number)
        column = 0
        for cell in row:
            reference = cell.get("r")
            found = _REF.fullmatch(reference) if reference else None
            column = column_number(found.group(1)) if found else column + 1
            if len(cell) == 0:
                continue  # a styled empty cell
            where = (row_number, column)
            last_row, last_column = max(last_row, row_number), max(last_column, column)
            kind = cell.get("t", "n")
            value = cell.find(_MAIN + "v")
            if kind == "e":
                marks.errors[where] = (value.text or "").strip() if value is not None else "#N/A"
            elif (cell.find(_MAIN + "f") is not None and kind not in ("str", "inlineStr")
                  and (value is None or not value.text)):
                marks.no_value.add(where)  # t="str" says it was calculated, to an empty text: a blank cell
            style = cell.get("s")
            if month_styles and style and style.isdigit() and int(style) in month_styles:
                marks.months.add(where)
    marks.extent = (last_row, last_column)
    return marks


def _scan_ods(archive: zipfile.ZipFile) -> dict[str, Marks]:
    """Scan content.xml once: per table, errors, hidden rows, merged cells, month-formatted dates, the extent.

    Rows and cells repeat (`number-rows-repeated`, `number-columns-repeated`): Calc writes the million empty rows
    below the data as one element, so they are counted, never expanded.
    """
    month_data_styles: set[str] = set()  # Calc keeps the number formats in styles.xml, the cells' styles in content
    if "styles.xml" in archive.namelist():
        with archive.open("styles.xml") as source:
            for _, element in _rows_of(source, _NUMBER + "date-style"):
                if _is_month_style(element):
                    month_data_styles.add(element.get(_STYLE + "name", ""))
    month_cell_styles: set[str] = set()
    found: dict[str, Marks] = {}
    marks = Marks()
    row_number = 0
    tags = (_NUMBER + "date-style", _STYLE + "style", _TABLE + "table", _TABLE + "table-row")
    with archive.open("content.xml") as source:
        for event, element in _rows_of(source, tags, events=("start", "end")):
            tag = element.tag
            if tag == _TABLE + "table":
                if event == "start":
                    marks = found.setdefault(element.get(_TABLE + "name", ""),
                                             Marks(hidden_rows=[], merged=[]))
                    row_number = 0
            elif event == "start":
                continue
            elif tag == _NUMBER + "date-style":
                if _is_month_style(element):
                    month_data_styles.add(element.get(_STYLE + "name", ""))
            elif tag == _STYLE + "style":
                if element.get(_STYLE + "data-style-name") in month_data_styles:
                    month_cell_styles.add(element.get(_STYLE + "name", ""))
            else:
                row_number = _scan_ods_row(element, row_number, marks, month_cell_styles)
    return found


_REPEATS = 100  # rows or columns of one repeated ODF element recorded in the marks


def _is_month_style(element: Any) -> bool:
    """Tell whether an ODF <number:date-style> shows a month and a year but no day (Calc's «ноя.23»)."""
    parts = {etree.QName(child).localname for child in element}
    return "month" in parts and "year" in parts and "day" not in parts and "hours" not in parts


def _scan_ods_row(row: Any, row_number: int, marks: Marks, month_styles: set[str]) -> int:
    """Record one <table:table-row> (maybe repeated) starting after `row_number`; return its last row's number.

    A repeated row or cell is recorded for at most `_REPEATS` rows and columns, and nothing more is recorded once
    the table is past `MAX_CELLS` (it is refused when read): a hostile file cannot make the marks huge.
    """
    assert marks.hidden_rows is not None and marks.merged is not None
    repeated = int(row.get(_TABLE + "number-rows-repeated", "1"))
    first, last = row_number + 1, row_number + repeated
    rows = range(first, min(last, first + _REPEATS - 1) + 1)
    column = 0
    holds_values = False
    for cell in row:
        if etree.QName(cell).localname not in ("table-cell", "covered-table-cell"):
            continue
        span = int(cell.get(_TABLE + "number-columns-repeated", "1"))
        start = column + 1
        column += span
        kind = cell.get(_OFFICE + "value-type")
        if kind is None and len(cell) == 0:
            continue
        holds_values = True
        marks.extent = (max(marks.extent[0], last), max(marks.extent[1], column))
        if marks.extent[0] * marks.extent[1] > MAX_CELLS:
            continue
        columns = range(start, min(column, start + _REPEATS - 1) + 1)
        if cell.get(_CALCEXT + "value-type") == "error":
            text = "".join(cell.itertext()).strip() or "#N/A"
            marks.errors.update(((r, c), text) for r in rows for c in columns)
        if kind == "date" and cell.get(_TABLE + "style-name") in month_styles:
            marks.months.update((r, c) for r in rows for c in columns)
        across = int(cell.get(_TABLE + "number-columns-spanned", "1"))
        down = int(cell.get(_TABLE + "number-rows-spanned", "1"))
        if across > 1 or down > 1:
            marks.merged.append((first, start, first + down - 1, start + across - 1))
    if holds_values and row.get(_TABLE + "visibility", "visible") != "visible":
        marks.hidden_rows.extend(rows)  # hidden empty rows (the million below the data, often) are no concern
    return last
