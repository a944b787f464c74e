"""Read workbooks with python-calamine (docgen/spreadsheet.py): every cell kind, what the scans add, hostile parts,
and the equivalence with the hand-written reader docgen used before (benchmarks/xml_reader.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from benchmarks.xml_reader import read_values
from docgen import spreadsheet
from docgen.errors import WorkbookFileError
from docgen.loader import _text, load
from docgen.spreadsheet import Sheet, open_workbook
from tests.conftest import EXAMPLE, ROOT, require, with_form_xml

FORM = "Заявка"
EXAMPLES = sorted((ROOT / "examples").rglob("*.xlsx"))

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HAND_PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId2" Target="worksheets/sheet2.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId3" Target="sharedStrings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
<Relationship Id="rId4" Target="styles.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>
</Relationships>""",
    "xl/workbook.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{_MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Первый" sheetId="1" r:id="rId1"/><sheet name="Второй" sheetId="2" r:id="rId2"/></sheets>
</workbook>""",
    "xl/sharedStrings.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{_MAIN_NS}" count="6" uniqueCount="6">
<si><t>Просто текст &amp; &lt;знаки&gt; «кавычки»</t></si>
<si><r><rPr><b/><sz val="11"/></rPr><t>Жирное </t></r><r><t xml:space="preserve">и обычное </t></r></si>
<si><t>Токио</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>
<si><t xml:space="preserve">  с пробелами
и строкой  </t></si>
<si><t/></si>
<si><t>Код _x005F_x0041_ и _x0007_</t></si>
</sst>""",
    "xl/styles.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{_MAIN_NS}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="[h]:mm"/>
</numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" xfId="0"/><xf numFmtId="165" xfId="0"/><xf numFmtId="4" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>""",
    "xl/worksheets/sheet1.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="{_MAIN_NS}"><x:dimension ref="A1:B2"/><x:cols><x:col min="1" max="3" width="20"/></x:cols>
<x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>
<x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c><x:c r="E1" t="s"><x:v>4</x:v></x:c>
<x:c r="F1" t="s"><x:v>5</x:v></x:c></x:row>
<!-- a comment between rows -->
<x:row r="2"><x:c r="A2" s="1"><x:v>45062</x:v></x:c><x:c r="B2" s="2"><x:v>45062.5</x:v></x:c>
<x:c r="C2" s="3"><x:v>1.25</x:v></x:c><x:c r="D2" s="4"><x:v>12.50</x:v></x:c><x:c r="E2"><x:v>7</x:v></x:c>
<x:c r="F2" t="b"><x:v>1</x:v></x:c><x:c r="G2" t="e"><x:v>#DIV/0!</x:v></x:c>
<x:c r="H2" t="str"><x:f>A1&amp;"!"</x:f><x:v>Просто текст!</x:v></x:c>
<x:c r="I2"><x:f t="shared" ref="I2:I3" si="0">E2*2</x:f><x:v>14</x:v></x:c>
<x:c r="J2" t="d"><x:v>2023-05-12T00:00:00</x:v></x:c><x:c r="K2" s="2"/><x:c r="L2" t="inlineStr"/></x:row>
<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t>Строчная &lt;b&gt; {{{{ x }}}}</x:t></x:is></x:c>
<x:c r="B5" t="inlineStr"><x:is><x:r><x:t>два </x:t></x:r><x:r><x:rPr><x:i/></x:rPr><x:t>куска</x:t></x:r></x:is></x:c>
<x:c r="C5" t="inlineStr"><x:is><x:t>один</x:t><x:t>последний</x:t></x:is></x:c>
<x:c r="D5" t="inlineStr"><x:f>"формула"</x:f><x:is><x:t>формула</x:t></x:is></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:t>без номера строки</x:t></x:is></x:c><x:c s="1"><x:v>1</x:v></x:c>
<x:c r="E6"><x:f t="shared" si="0"/><x:v>8</x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A9:B9"/></x:mergeCells></x:worksheet>""",
    "xl/worksheets/sheet2.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{_MAIN_NS}"><sheetData/></worksheet>""",
}


def _hand_written(folder: Path, parts: dict[str, str] = _HAND_PARTS) -> Path:
    path = folder / "hand.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode())
    return path




def _sheet(path: Path, name: str) -> Sheet:
    with open_workbook(path) as book:
        return book.sheet(name)


def test_every_cell_kind_is_read_typed(tmp_path: Path) -> None:
    first = _sheet(_hand_written(tmp_path), "Первый")
    assert first.rows[0][:6] == ["Просто текст & <знаки> «кавычки»", "Жирноеи обычное ", "Токио",
                                 "  с пробелами\nи строкой  ", None, "Код _x0041_ и \x07"]
    # dates by their number format; a duration; numbers; a boolean; a formula's text; a shared formula; t="d"
    assert first.rows[1][:10] == [dt.date(2023, 5, 16), dt.datetime(2023, 5, 16, 12), dt.timedelta(hours=30), 12.5,
                                  7, True, None, "Просто текст!", 14, dt.datetime(2023, 5, 12)]
    assert first.errors == {(2, 7): "#DIV/0!"}  # calamine reads it as an empty cell: the scan finds it
    assert first.no_value == set()
    assert not any(first.rows[2] + first.rows[3])  # rows 3 and 4 are not in the file
    assert first.rows[4][:4] == ["Строчная <b> {{ x }}", "двакуска", "одинпоследний", "формула"]
    assert first.rows[5][:5] == ["без номера строки", dt.date(1900, 1, 1), None, None, 8]
    assert first.merged == [(9, 1, 9, 2)]
    assert first.hidden_rows == []
    assert _sheet(_hand_written(tmp_path), "Второй").rows == []


def test_rich_text_runs_lose_unpreserved_spaces(tmp_path: Path) -> None:
    # The one way calamine reads text differently from the old reader: a run's edge spaces count only with
    # xml:space="preserve", as in Excel, which always writes it there (no workbook of Excel or Calc differs).
    first = _sheet(_hand_written(tmp_path), "Первый")
    assert first.rows[0][1] == "Жирноеи обычное "
    assert read_values(_hand_written(tmp_path))["Первый"]["rows"][0][1] == "Жирное и обычное "


def test_a_literal_x005f_escape_typed_in_excel_stays_literal(tmp_path: Path) -> None:
    value = _sheet(_hand_written(tmp_path), "Первый").value(1, 6)
    assert _text(value) == "Код _x0041_ и"  # the control character _x0007_ is dropped


def test_a_workbook_without_styles_reads_numbers_as_numbers(tmp_path: Path) -> None:
    parts = {name: text for name, text in _HAND_PARTS.items() if name != "xl/styles.xml"}
    assert _sheet(_hand_written(tmp_path, parts), "Первый").value(2, 1) == 45062


def test_shared_strings_declaring_entities_are_refused(tmp_path: Path) -> None:
    parts = dict(_HAND_PARTS)
    sst = parts["xl/sharedStrings.xml"].split("?>", 1)[1]
    parts["xl/sharedStrings.xml"] = '<!DOCTYPE sst [<!ENTITY x "INJ">]>' + sst.replace("Токио", "То&x;кио")
    with pytest.raises(WorkbookFileError) as caught:
        open_workbook(_hand_written(tmp_path, parts))
    assert "файл повреждён: в XML есть объявление DTD" in str(caught.value)
    assert "(часть «xl/sharedStrings.xml»)" in str(caught.value)


def test_a_dtd_in_the_workbook_part_is_refused_like_one_in_a_sheet(example: Path, tmp_path: Path) -> None:
    # issue 10, point 12: the workbook part with a DTD used to be read as if nothing were wrong
    path = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(example) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE workbook [<!ENTITY x "INJ">]>' + data.split(b"?>", 1)[-1]
            dst.writestr(info, data)
    with pytest.raises(WorkbookFileError) as caught:
        load(path)
    assert str(caught.value) == (
        "Файл «dtd.xlsx»: файл повреждён: в XML есть объявление DTD, какого в книгах Excel и Calc не бывает (часть "
        "«xl/workbook.xml»); откройте книгу в Excel или LibreOffice Calc и сохраните её заново")


def test_a_sheet_larger_than_the_limit_is_refused_before_calamine_allocates_it(tmp_path: Path) -> None:
    # calamine makes one dense grid of a sheet: these two cells would ask it for 512 GB and abort the process
    wb = openpyxl.load_workbook(EXAMPLE)
    wb[FORM]["A1"] = "Поле"
    wb[FORM]["XFD1048576"] = 1
    path = tmp_path / "огромная.xlsx"
    wb.save(path)
    assert path.stat().st_size < 50_000
    with pytest.raises(WorkbookFileError) as caught:
        load(path)
    assert f"лист «{FORM}» слишком велик: данные занимают область A1:XFD1048576" in str(caught.value)
    assert "удалите всё, что за пределами таблицы" in str(caught.value)


# --- the scans: what calamine does not show --------------------------------------------------------------------


def _tricky(folder: Path) -> Path:
    """A workbook with what only the scans see: a formula without its value, an error, a month format, a hidden
    row, merged cells; and a hidden sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Лист"
    ws["A1"] = "текст"
    ws["B1"] = "=1/0"  # openpyxl saves it without a value
    ws["C1"] = dt.datetime(2023, 11, 1)
    ws["C1"].number_format = "mmm-yy"
    ws["D1"] = 0.45
    ws["D1"].number_format = "0%"
    ws["E1"] = dt.time(10, 30)
    ws["F1"] = 7
    ws["A2"] = "скрытая"
    ws.row_dimensions[2].hidden = True
    ws["A3"] = "объединённая"
    ws.merge_cells("A3:B3")
    ws["D3"] = "#DIV/0!"  # openpyxl writes an error value
    ws["C6"] = "хвост"
    hidden = wb.create_sheet("Скрытый")
    hidden.sheet_state = "hidden"
    hidden["A1"] = 1
    path = folder / "хитрая.xlsx"
    wb.save(path)
    return path


def _calc(source: Path, suffix: str, folder: Path) -> Path:
    """Save `source` with LibreOffice Calc as .ods, .xls or .xlsx (then Calc computes every formula)."""
    require("soffice")
    folder.mkdir(exist_ok=True)
    filters = {"ods": "ods", "xls": "xls", "xlsx": 'xlsx:"Calc MS Excel 2007 XML"'.replace('"', "")}
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to",
         filters[suffix], "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=180, check=False, stdin=subprocess.DEVNULL)
    made = folder / f"{source.stem}.{suffix}"
    assert made.exists(), done.stderr
    return made


def test_the_xlsx_scan_finds_what_calamine_reads_as_empty(tmp_path: Path) -> None:
    path = _tricky(tmp_path)
    with open_workbook(path) as book:
        sheet = book.sheet("Лист")
        assert book.hidden == {"Скрытый"}
    assert sheet.value(1, 2) is None and sheet.no_value == {(1, 2)}
    assert sheet.value(3, 4) is None and sheet.errors == {(3, 4): "#DIV/0!"}
    assert sheet.value(1, 3) == dt.date(2023, 11, 1) and sheet.months == {(1, 3)}
    assert sheet.value(1, 4) == 0.45 and sheet.value(1, 5) == dt.time(10, 30) and sheet.value(1, 6) == 7
    assert sheet.hidden_rows == [2]
    assert sheet.merged == [(3, 1, 3, 2)]


@pytest.mark.libreoffice
def test_ods_and_xls_made_by_calc_read_as_their_xlsx(tmp_path: Path) -> None:
    source = _tricky(tmp_path)
    calc = tmp_path / "calc"
    xlsx, ods, xls = (_calc(source, suffix, calc) for suffix in ("xlsx", "ods", "xls"))
    sheets = {}
    for path in (xlsx, ods, xls):
        with open_workbook(path) as book:
            assert book.sheet_names == ["Лист", "Скрытый"]
            assert book.hidden == {"Скрытый"}
            sheets[path.suffix] = book.sheet("Лист")
    values = {suffix: [[v for v in row if v is not None] for row in sheet.rows] for suffix, sheet in sheets.items()}
    assert values[".ods"] == values[".xls"] == values[".xlsx"]
    assert values[".xlsx"][0] == ["текст", dt.date(2023, 11, 1), 0.45, dt.time(10, 30), 7]
    assert sheets[".xlsx"].errors == sheets[".ods"].errors == {(1, 2): "#DIV/0!", (3, 4): "#DIV/0!"}
    assert sheets[".xls"].errors is None  # .xls: errors read as empty cells, unseen (README)
    assert sheets[".xlsx"].months == sheets[".ods"].months == {(1, 3)}
    assert sheets[".xls"].months is None
    assert sheets[".xlsx"].hidden_rows == sheets[".ods"].hidden_rows == [2]
    assert sheets[".xls"].hidden_rows is None
    assert sheets[".xlsx"].merged == sheets[".ods"].merged == sheets[".xls"].merged == [(3, 1, 3, 2)]


# --- equivalence with the hand-written reader ------------------------------------------------------------------


def _same(value: Any) -> Any:
    """Put a value as both readers agree on it: the old reader gives a datetime at midnight where calamine gives
    the date (the date format shows no time), and 7 where calamine gives 7.0 (equal in Python anyway)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop empty cells at the end of each row and empty rows at the end: only where the data stops differs."""
    out = [[_same(v) for v in row] for row in rows]
    for row in out:
        while row and row[-1] is None:
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def _compare(path: Path) -> int:
    """Compare every sheet of `path` as both readers read it; return the number of non-empty values compared."""
    old = read_values(path)
    compared = 0
    with open_workbook(path) as book:
        assert book.sheet_names == list(old)
        for name in book.sheet_names:
            new, before = book.sheet(name), old[name]
            assert _trimmed(new.rows) == _trimmed(before["rows"]), (path.name, name)
            assert (new.errors, new.no_value, new.months) == (before["errors"], before["no_value"], before["months"])
            assert sorted(new.merged or []) == before["merged"], (path.name, name)
            assert (name in book.hidden) == before["hidden"], (path.name, name)
            compared += sum(v is not None for row in new.rows for v in row)
    return compared


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_reads_the_same_with_both_readers(path: Path) -> None:
    assert _compare(path) > 50


def test_the_tricky_workbook_reads_the_same_with_both_readers(tmp_path: Path) -> None:
    assert _compare(_tricky(tmp_path)) >= 6


@pytest.mark.libreoffice
def test_the_tricky_workbook_saved_by_calc_reads_the_same_with_both_readers(tmp_path: Path) -> None:
    # Calc computes the formula: an error value, not a formula without one
    assert _compare(_calc(_tricky(tmp_path), "xlsx", tmp_path / "calc")) >= 6


def test_the_hand_written_workbook_reads_the_same_but_for_unpreserved_spaces(tmp_path: Path) -> None:
    parts = {name: text.replace("<r><rPr><b/><sz val=\"11\"/></rPr><t>Жирное </t></r>",
                                "<r><rPr><b/><sz val=\"11\"/></rPr><t xml:space=\"preserve\">Жирное </t></r>")
             .replace("<x:r><x:t>два </x:t></x:r>", "<x:r><x:t xml:space=\"preserve\">два </x:t></x:r>")
             .replace("<x:is><x:t>один</x:t><x:t>последний</x:t></x:is>", "<x:is><x:t>последний</x:t></x:is>")
             for name, text in _HAND_PARTS.items()}
    assert _compare(_hand_written(tmp_path, parts)) > 15


# --- broken parts ----------------------------------------------------------------------------------------------


def test_a_sheet_that_does_not_unpack_is_a_russian_error(example: Path, tmp_path: Path) -> None:
    broken = tmp_path / "не распаковывается.xlsx"
    shutil.copy(example, broken)
    wb = openpyxl.load_workbook(example, read_only=True)
    name = wb[FORM]._worksheet_path
    wb.close()
    with zipfile.ZipFile(broken) as zf:
        part = zf.getinfo(name)
    start = part.header_offset + 30 + len(part.filename.encode()) + len(part.extra)
    data = bytearray(broken.read_bytes())
    data[start + part.compress_size // 3: start + part.compress_size // 3 + 64] = b"\xff" * 64
    broken.write_bytes(bytes(data))
    with pytest.raises(WorkbookFileError) as caught:
        load(broken)
    assert f"лист «{FORM}» повреждён и не читается" in str(caught.value)


Change = Callable[[bytes], bytes]


def test_a_truncated_sheet_names_the_sheet(example: Path, tmp_path: Path) -> None:
    change: Change = lambda xml: xml[: len(xml) // 2]  # noqa: E731
    with pytest.raises(WorkbookFileError) as caught:
        load(with_form_xml(example, tmp_path, change))
    assert f"лист «{FORM}» повреждён и не читается (ошибка в XML)" in str(caught.value)


# --- the screened and the parsed scan of a sheet agree ---------------------------------------------------------


def _sheet_parts(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(name) for name in zf.namelist() if name.startswith("xl/worksheets/sheet")]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_sheet_without_formulas_is_screened_and_the_screen_agrees_with_a_parse(path: Path) -> None:
    months = 0
    for xml in _sheet_parts(path):
        refs = spreadsheet._CELL_REF.findall(xml)
        assert not spreadsheet._SCREEN.search(xml)  # the examples take the quick way
        screened = spreadsheet._screened(xml, refs, set(range(8)))  # pretend the first styles show months
        parsed = spreadsheet._parsed(xml, set(range(8)))
        assert parsed.months <= screened.months  # the screen also counts empty styled cells
        assert screened.extent[0] >= parsed.extent[0] and screened.extent[1] >= parsed.extent[1]
        months += len(parsed.months)
    assert months > 20


def test_a_month_format_is_found_by_the_screen(edited: Callable[..., Path]) -> None:
    def month(wb: openpyxl.Workbook) -> None:
        wb["Дорожная карта"]["D4"] = dt.datetime(2023, 11, 1)
        wb["Дорожная карта"]["D4"].number_format = "mmm-yy"

    path = edited(month)
    with open_workbook(path) as book:
        sheet = book.sheet("Дорожная карта")
    assert sheet.months == {(4, 4)} and sheet.no_value == set() and sheet.hidden_rows == []
    loaded = load(path)
    assert loaded.problems == [] and loaded.model is not None
    assert loaded.model.roadmap[2].when.label.replace("\u00a0", " ") == "ноябрь 2023 г."


# --- .xls in a process of its own ------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_an_xls_whose_reading_aborts_is_a_russian_error_and_the_run_goes_on(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # A damaged .xls made calamine ask for 1 TB and abort the process.  Here a full-size .xls sheet (IV65536) makes
    # it ask for ~0,5 GB while the child reading it may take only 64 MB more: calamine aborts, for real, in the child.
    wb = openpyxl.Workbook()
    wb.active.title = FORM
    wb.active["A1"] = "Поле"
    wb.active["IV65536"] = 1
    wb.save(tmp_path / "большая.xlsx")
    xls = _calc(tmp_path / "большая.xlsx", "xls", tmp_path / "calc")
    monkeypatch.setattr(spreadsheet, "XLS_MEMORY", 64 << 20)
    with pytest.raises(WorkbookFileError) as caught:
        load(xls)
    assert caught.value.reason == ("файл повреждён: его чтение завершилось аварийно; откройте книгу в Excel или "
                                   "LibreOffice Calc и сохраните её заново")
    monkeypatch.undo()  # with the usual limit the child reads the sheet, and it is refused by its size
    with pytest.raises(WorkbookFileError) as caught:
        load(xls)
    assert caught.value.reason.startswith(f"лист «{FORM}» слишком велик: данные занимают область A1:IV65536")


def test_a_damaged_xls_is_a_russian_error(example: Path, tmp_path: Path) -> None:
    path = tmp_path / "заявка.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(WorkbookFileError) as caught:
        load(path)
    assert caught.value.reason.startswith("файл повреждён")


def test_excel_escapes_are_decoded_once_and_noncharacters_dropped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for row, stored in enumerate(["x_x0001_y", "0_xFFFE_0", "a_xffff_b", "p_xD800_q", "_x005F_x0041_"], start=1):
        wb.active.cell(row, 1, stored)
    wb.active.title = "Лист"
    wb.save(tmp_path / "escapes.xlsx")
    sheet = _sheet(tmp_path / "escapes.xlsx", "Лист")
    assert [row[0] for row in sheet.rows] == ["x\x01y", "00", "ab", "pq", "_x0041_"]


@pytest.mark.libreoffice
def test_an_ods_table_larger_than_the_limit_is_refused_before_calamine_reads_it(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = FORM
    wb.active["A1"] = "Поле"
    wb.active["XFD1048576"] = 1
    wb.save(tmp_path / "огромная.xlsx")
    ods = _calc(tmp_path / "огромная.xlsx", "ods", tmp_path / "calc")
    with pytest.raises(WorkbookFileError) as caught:
        load(ods)
    assert caught.value.reason.startswith(f"лист «{FORM}» слишком велик: данные занимают область A1:XFD1048576")
