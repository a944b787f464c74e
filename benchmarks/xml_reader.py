"""The hand-written .xlsx reader docgen used before python-calamine: the baseline of the equivalence test and of
benchmarks/reading.py.

It is docgen/loader.py's reader as it was (openpyxl 3.1's read-only reader with sheets, shared strings and the date
styles parsed by lxml), kept out of the package: nothing in docgen imports it.  `read_values` gives every sheet's
cells in the shape `docgen.spreadsheet` gives them, for comparison.
"""


from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError as ElementTreeParseError

import openpyxl
from lxml import etree
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange

from docgen.errors import WorkbookFileError
from docgen.text import decode_ooxml_escapes


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




def read_values(path: Path) -> dict[str, dict[str, Any]]:
    """Read every sheet as the old loader did: {sheet: {rows, errors, no_value, months, merged, hidden}}.

    Values are what the old loader's cell conversion started from: strings with Excel's «_xHHHH_» escapes decoded
    (its `_text` did that), '' as None; an error's text and a formula saved without its value are marks, not values.
    """
    months = month_cells(path)
    found: dict[str, dict[str, Any]] = {}
    wb = _open(path, data_only=True)
    try:
        for ws in wb.worksheets:
            rows: list[list[Any]] = []
            errors: dict[tuple[int, int], str] = {}
            no_value: set[tuple[int, int]] = set()
            for number, row in enumerate(_rows(ws), start=1):
                values: list[Any] = []
                for column, cell in enumerate(row, start=1):
                    value = cell.value
                    kind = getattr(cell, "data_type", None)
                    if kind == "e":
                        errors[(number, column)] = value
                        value = None
                    elif kind == "f" and value is None:
                        no_value.add((number, column))
                    elif isinstance(value, str):
                        value = decode_ooxml_escapes(value) or None
                    values.append(value)
                rows.append(values)
            found[ws.title] = {
                "rows": rows, "errors": errors, "no_value": no_value,
                "months": {coordinate_to_tuple(ref) for ref in months.get(ws.title, ())},
                "merged": sorted((r.min_row, r.min_col, r.max_row, r.max_col) for r in _merged_ranges(wb, ws)),
                "hidden": getattr(ws, "sheet_state", "visible") != "visible",
            }
    finally:
        wb.close()
    return found
