"""Property: any Unicode typed into a text field gives a Russian error naming that cell, or a document holding it.

Every text field that is printed as typed (topic, goals, report sections, address…) of each kind of paper, and
every free-text cell of its tables (roadmap, products, events, trainees, projects, criteria), is filled
with arbitrary text: control and format characters, neighbours of the surrogates, markup, Jinja, very long strings.
Either the workbook is refused with an error naming the cell, or the .docx holds the value as the README says it
is cleaned (`clean_cell_text`: control characters, bidi controls and zero-width spaces out; spaces collapsed;
quotes may turn into «ёлочки»).  `make test` runs a few dozen examples; `make fuzz` (HYPOTHESIS_PROFILE=fuzz)
runs thousands.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.errors import WorkbookInvalidError
from docgen.pipeline import render_many
from docgen.schema import SPECS, Kind
from docgen.text import clean_cell_text
from tests.conftest import ROOT

settings.register_profile("default", max_examples=12, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=2500, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

EXAMPLES = {
    "zayavka": ROOT / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx",
    "otchet": ROOT / "examples" / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx",
    "otchet_praktika": ROOT / "examples" / "turochak" / "Отчет по практике МБОУ Турочакская СОШ.xlsx",
    "plan": ROOT / "examples" / "tomsk" / "План МАОУ гимназия № 56 на 2024-2025.xlsx",
}
# Printed as typed: the long texts (names are declined, contacts and lists are checked for their form).
FIELDS = [(kind, column.label) for kind in EXAMPLES for column in SPECS[kind].form.fields
          if column.key != "org.full_name" and column.kind is Kind.LONG_TEXT]

SPECIALS = [
    "{{ org.short_name }}", "{% for x in y %}{{ x }}{% endfor %}", "{%tr endfor %}", "<w:p><w:r/></w:p>",
    "&amp; < > \" ' « »", "=HYPERLINK(\"http://x\")", "_x0041_", "\x07\x0b\x0c\x1b", "\u202eexe.docx",
    "\u200b\u2060\ufeff", "\ud7ff\ue000\ufffd\ufffe\uffff", "a\r\nb\rc\n\n\nd", "None", "\t \u00a0 \u3000",
    "😀 龘 \U0010fffd",
]
LONGEST = "ж" * 32767  # as much as one Excel cell holds
TEXT = st.one_of(st.sampled_from([*SPECIALS, LONGEST]), st.text(max_size=300),
                 st.lists(st.sampled_from(SPECIALS), min_size=1, max_size=4).map("".join))

_BOOKS: dict[str, openpyxl.Workbook] = {}
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_QUOTES = re.compile("[\"'«»„“”‘’]")


def _as_excel_stores(value: str) -> str:
    """Escape what Excel escapes: characters XML cannot hold as _xHHHH_, and a typed «_x0041_» as «_x005F_x0041_»."""
    value = _ESCAPED.sub(lambda m: "_x005F" + m.group(), value)
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, label: str) -> int:
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        if isinstance(cell.value, str) and cell.value.rstrip(" *") == label:
            return int(cell.row)
    raise AssertionError(f"no row «{label}»")


def _document_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    return "\n".join("".join(p.xpath(".//w:t/text()", namespaces=ns)) for p in root.iter(f"{{{ns['w']}}}p"))


def _norm(text: str) -> str:
    """Compare text the way a reader does: spaces, line breaks and the shape of quotes aside."""
    return "".join(_QUOTES.sub("", text).split()).replace("\u00a0", "").casefold()


@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # the longest example
@given(field=st.sampled_from(FIELDS), value=TEXT)
def test_any_text_is_refused_at_its_cell_or_printed_as_cleaned(field: tuple[str, str], value: str) -> None:
    kind, label = field
    wb = _BOOKS.get(kind) or _BOOKS.setdefault(kind, openpyxl.load_workbook(EXAMPLES[kind]))
    ws = wb[SPECS[kind].form.name]
    row = _row_of(ws, label)
    cell = ws.cell(row=row, column=2)
    original = cell.value
    cell.value = _as_excel_stores(value)
    cell.data_type = "s"  # typed text, even when it starts with «=»
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "книга.xlsx"
        buffer = io.BytesIO()
        wb.save(buffer)
        cell.value = original  # the next example starts from the example workbook again
        source.write_bytes(buffer.getvalue())
        [outcome] = render_many([source], Path(folder) / "out", formats=("docx",), workers=1)
        if outcome.error is not None:
            assert isinstance(outcome.error, WorkbookInvalidError), outcome.error
            here = f"Лист «{ws.title}», строка {row}, столбец B"
            assert any(str(p).startswith(here) for p in outcome.error.problems if p.is_error), str(outcome.error)
            assert re.search("[а-яё]", str(outcome.error))
            return
        text = _document_text(Path(folder) / "out" / f"{outcome.documents[0]}.docx")
    assert _norm(clean_cell_text(value)) in _norm(text)


# The table sheets: every free-text column (a choice list's value may be replaced by the list's, so those with a
# strict list are left out) of each kind's example, the Turochak заявка for its «Показатели».
TABLE_BOOKS = {**EXAMPLES, "zayavka (turochak)": ROOT / "examples" / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx"}


def _table_cells() -> list[tuple[str, str, str]]:
    cells = []
    for book in TABLE_BOOKS:
        for table in SPECS[book.split()[0]].tables:
            if (book == "zayavka (turochak)") != (table.key == "criteria"):  # each table once; criteria: Turochak
                continue
            cells += [(book, table.name, column.label) for column in table.columns
                      if column.kind in (Kind.TEXT, Kind.LONG_TEXT) and not column.strict_choices]
    return cells


TABLE_CELLS = _table_cells()


def _column_of(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> int:
    for cell in ws[1]:
        if isinstance(cell.value, str) and cell.value.rstrip(" *") == header:
            return int(cell.column)
    raise AssertionError(f"no column «{header}»")


def test_every_table_kind_has_cells_to_fill() -> None:
    sheets = {(book, sheet) for book, sheet, _ in TABLE_CELLS}
    assert sheets == {("zayavka", "Продукты"), ("zayavka", "Дорожная карта"), ("zayavka (turochak)", "Показатели"),
                      ("otchet", "Мероприятия"), ("otchet", "Проекты стажёров"), ("otchet", "Продукты"),
                      ("otchet_praktika", "Стажёры"), ("otchet_praktika", "Мероприятия"), ("plan", "Мероприятия")}
    assert ("zayavka", "Дорожная карта", "Контактная информация") in TABLE_CELLS


@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # the longest example
@given(place=st.sampled_from(TABLE_CELLS), value=TEXT)
def test_any_text_in_a_table_cell_is_refused_at_its_cell_or_printed_as_cleaned(place: tuple[str, str, str],
                                                                                value: str) -> None:
    book, sheet, header = place
    wb = _BOOKS.get(book) or _BOOKS.setdefault(book, openpyxl.load_workbook(TABLE_BOOKS[book]))
    ws = wb[sheet]
    column = _column_of(ws, header)
    cell = ws.cell(row=2, column=column)  # the table's first row
    original = cell.value
    cell.value = _as_excel_stores(value)
    cell.data_type = "s"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "книга.xlsx"
        buffer = io.BytesIO()
        wb.save(buffer)
        cell.value = original
        source.write_bytes(buffer.getvalue())
        [outcome] = render_many([source], Path(folder) / "out", formats=("docx",), workers=1)
        if outcome.error is not None:
            assert isinstance(outcome.error, WorkbookInvalidError), outcome.error
            here = f"Лист «{sheet}», строка 2, столбец {cell.column_letter}"
            assert any(str(p).startswith(here) for p in outcome.error.problems if p.is_error), str(outcome.error)
            assert re.search("[а-яё]", str(outcome.error))
            return
        text = _document_text(Path(folder) / "out" / f"{outcome.documents[0]}.docx")
    assert _norm(clean_cell_text(value)) in _norm(text)


@pytest.mark.parametrize("value", ["{{ 7*7 }}", "<b>жирный</b> & «кавычки»", "\u202eкод\u200b",
                                   "%_} и {_{ x }_} {_%"])  # docxtpl's own escapes lost an underscore once
def test_markup_and_jinja_are_printed_literally(value: str, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(EXAMPLES["zayavka"])
    ws = wb["Заявка"]
    ws.cell(row=_row_of(ws, "Цели стажировки"), column=2).value = value
    source = tmp_path / "книга.xlsx"
    wb.save(source)
    [outcome] = render_many([source], tmp_path / "out", formats=("docx",), workers=1)
    assert outcome.ok, outcome.error
    text = _document_text(tmp_path / "out" / f"{outcome.documents[0]}.docx")
    assert clean_cell_text(value).replace('"', "") in text.replace("\u00a0", " ")
    assert "49" not in text or "{{ 7*7 }}" in text
