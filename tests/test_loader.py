"""Read workbooks: the valid example, every content problem at once with its cell, and files that are not .xlsx."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.worksheet import Worksheet

import docgen.loader
from docgen.errors import CellRef, Problem, Severity, WorkbookFileError, WorkbookInvalidError
from docgen.loader import Loaded, check_file, load
from docgen.models import EventDate
from docgen.profiles import available
from docgen.schema import ZAYAVKA
from docgen.text import NBSP
from tests.conftest import with_form_xml

Edited = Callable[..., Path]

FORM = "Заявка"
PRODUCTS = "Продукты"
ROADMAP = "Дорожная карта"
ROADMAP_COLUMNS = "ABCDEFG"


def form_row(key: str) -> int:
    """Return the row of a form field in the example: fields follow ZAYAVKA.form.fields from row 2."""
    return 2 + [c.key for c in ZAYAVKA.form.fields].index(key)


def where(problem: Problem) -> tuple[str, int | None, str | None, str | None]:
    assert problem.where is not None, str(problem)
    return (problem.where.sheet, problem.where.row, problem.where.column, problem.where.header)


def only_error(loaded: Loaded) -> Problem:
    assert len(loaded.errors) == 1, [str(p) for p in loaded.problems]
    return loaded.errors[0]


def clear_rows(ws: Worksheet, *rows: int) -> None:
    for row in rows:
        for column in ROADMAP_COLUMNS:
            ws[f"{column}{row}"] = None


def patch_formula_cell(path: Path, coordinate: str, attributes: str, cached: str) -> None:
    """Give a formula openpyxl saved without a value a cached value, as Excel would after a recalculation."""
    pattern = re.compile(rb'<c r="' + coordinate.encode() + rb'"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')
    replacement = rb'<c r="' + coordinate.encode() + rb'"\1 ' + attributes.encode() + rb"><f>\2</f><v>" + \
        cached.encode() + rb"</v></c>"
    patched = path.with_name("patched.xlsx")
    hits = 0
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data, n = pattern.subn(replacement, data)
                hits += n
            zout.writestr(info, data)
    assert hits == 1, "the formula cell to patch was not found"
    patched.replace(path)


# --- the valid example -----------------------------------------------------------------------------------------


def test_example_loads_without_problems(example: Path) -> None:
    loaded = load(example)
    assert loaded.problems == []
    assert loaded.errors == []
    assert loaded.warnings == []
    assert loaded.spec is ZAYAVKA
    assert loaded.model is not None


def test_example_model_values(example: Path) -> None:
    model = load(example).model
    assert model is not None
    assert model.org.short_name == "МАОУ гимназия № 56 г. Томска"
    assert model.org.short_name_typeset == f"МАОУ гимназия №{NBSP}56{NBSP}г.{NBSP}Томска"
    assert model.org.head_position == "директор"
    assert model.org.head_name.last == "Горбунова"
    assert model.org.head_name.initials_surname == "Е.А.\u00a0Горбунова"
    assert model.org.email == "school56@example.tomsk.ru"
    assert model.profile.key == "tomsk"
    assert model.first_year == 2023
    assert model.plan_years == [2023, 2024, 2025]
    assert model.application_date == date(2023, 5, 12)
    assert len(model.products) == 3
    assert model.products[0].due == date(2024, 5, 31)
    assert model.file_stem == "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


def test_example_roadmap_is_nine_events_in_three_years_numbered_one_to_nine(example: Path) -> None:
    model = load(example).model
    assert model is not None
    assert len(model.roadmap) == 9
    years = model.roadmap_years
    assert [y.start for y in years] == [2023, 2024, 2025]
    assert [y.label for y in years] == ["2023–2024 учебный год", "2024–2025 учебный год", "2025–2026 учебный год"]
    assert [len(y.events) for y in years] == [3, 3, 3]
    assert [e.number for y in years for e in y.events] == list(range(1, 10))
    first = years[0].events[0].event
    assert first.when == EventDate(year=2023, month=10, day=19)
    assert first.form == "семинар"
    # a month typed as text («декабрь 2023») is the second event
    assert years[0].events[1].event.when == EventDate(year=2023, month=12)


def test_roadmap_is_numbered_in_date_order_not_row_order(edited: Edited) -> None:
    def reverse(wb: openpyxl.Workbook) -> None:
        ws = wb[ROADMAP]
        rows = [[ws.cell(row=r, column=c).value for c in range(1, 8)] for r in range(2, 11)]
        for r, values in enumerate(reversed(rows), start=2):
            for c, value in enumerate(values, start=1):
                ws.cell(row=r, column=c, value=value)

    model = load(edited(reverse)).model
    assert model is not None
    assert model.roadmap[0].when == EventDate(year=2026, month=4)  # row 2 now holds the last event
    numbered = [(e.number, e.event.when.sort_key) for y in model.roadmap_years for e in y.events]
    assert [n for n, _ in numbered] == list(range(1, 10))
    assert [k for _, k in numbered] == sorted(k for _, k in numbered)


def test_uppercase_extension_is_accepted(example: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ЗАЯВКА.XLSX"
    shutil.copy(example, copy)
    loaded = load(copy)
    assert loaded.problems == []
    assert loaded.model is not None


# --- every problem at once -------------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_cell(edited: Edited) -> None:
    def break_cells(wb: openpyxl.Workbook) -> None:
        wb[FORM][f"B{form_row('org.email')}"] = "нет-почты"
        wb[FORM][f"B{form_row('org.phone')}"] = "12"
        wb[FORM][f"B{form_row('topic')}"] = None
        wb[PRODUCTS]["C3"] = "скоро"
        wb[ROADMAP]["D7"] = "когда-нибудь"

    path = edited(break_cells)
    loaded = load(path)
    assert loaded.model is None
    assert loaded.warnings == []
    got = {where(p): p.message for p in loaded.errors}
    assert list(got) == [  # in the order of the workbook: sheet by sheet, row by row
        (FORM, 8, "B", "Телефон"),
        (FORM, 9, "B", "E-mail"),
        (FORM, 11, "B", "Тема стажировки"),
        (PRODUCTS, 3, "C", "Срок предоставления"),
        (ROADMAP, 7, "D", "Сроки проведения"),
    ]
    assert "ожидается номер телефона из 6–15 цифр" in got[(FORM, 8, "B", "Телефон")]
    assert "ожидается адрес электронной почты" in got[(FORM, 9, "B", "E-mail")]
    assert got[(FORM, 11, "B", "Тема стажировки")] == "не заполнено; это обязательное поле"
    assert got[(PRODUCTS, 3, "C", "Срок предоставления")] == ("введено «скоро»; ожидается дата, "
                                                          "например 15.10.2023 или «15 октября 2023»")
    assert all(p.severity is Severity.ERROR for p in loaded.errors)

    roadmap = loaded.errors[-1]
    assert str(roadmap) == ("Лист «Дорожная карта», строка 7, столбец D («Сроки проведения»): "
                            "введено «когда-нибудь»; ожидается срок, например 15.10.2023, «ноябрь 2023», "
                            "«ноябрь–декабрь 2023», «IV квартал 2023» или «в течение 2023-2024 учебного года»")
    assert roadmap.value == "когда-нибудь"

    message = str(WorkbookInvalidError(path, loaded.problems))
    assert message.startswith("Файл «заявка.xlsx»: ошибок — 5, документ не создан.")
    assert "  • Лист «Заявка», строка 9, столбец B («E-mail»): введено «нет-почты»; ожидается адрес" in message


def test_empty_required_roadmap_cell_and_blank_row_keep_row_numbers(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[ROADMAP]
        clear_rows(ws, 5)  # a blank row in the middle is skipped, the rows below keep their numbers
        ws["D8"] = "потом"
        ws["B9"] = None
        ws["F3"] = "   \n  "  # only blanks: empty

    loaded = load(edited(edit))
    assert [(where(p), p.message) for p in loaded.problems] == [
        ((ROADMAP, 3, "F", "Ответственный"), "не заполнено; это обязательное поле"),
        ((ROADMAP, 8, "D", "Сроки проведения"), "введено «потом»; ожидается срок, например 15.10.2023, "
         "«ноябрь 2023», «ноябрь–декабрь 2023», «IV квартал 2023» или «в течение 2023-2024 учебного года»"),
        ((ROADMAP, 9, "B", "Форма проведения"), "не заполнено; это обязательное поле"),
    ]


def test_head_name_must_be_full(edited: Edited) -> None:
    row = form_row("org.head_name")
    loaded = load(edited(lambda wb: wb[FORM].__setitem__(f"B{row}", "Горбунова")))
    problem = only_error(loaded)
    assert where(problem) == (FORM, row, "B", "ФИО руководителя")
    assert "фамилия, имя и отчество полностью" in problem.message


def test_value_not_in_a_strict_list(edited: Edited) -> None:
    row = form_row("profile")
    problem = only_error(load(edited(lambda wb: wb[FORM].__setitem__(f"B{row}", "moscow"))))
    assert where(problem) == (FORM, row, "B", "Муниципалитет (профиль)")
    # the names a person sees in the drop-down, not the profiles' Latin keys
    assert problem.message == "значение «moscow» не из списка; допустимо: Город Томск, Турочакский район"
    assert "tomsk" in available()


def test_bad_school_year(edited: Edited) -> None:
    row = form_row("first_year")
    problem = only_error(load(edited(lambda wb: wb[FORM].__setitem__(f"B{row}", "2023-2025"))))
    assert where(problem) == (FORM, row, "B", "Первый учебный год плана")
    assert problem.message == "введено «2023-2025»; ожидается учебный год, например 2023-2024"


# --- files that are not usable workbooks -----------------------------------------------------------------------


def _copy_as(name: str) -> Callable[[Path, Path], Path]:
    def make(example: Path, folder: Path) -> Path:
        path = folder / name
        shutil.copy(example, path)
        return path

    return make


def _bytes_as(name: str, data: bytes) -> Callable[[Path, Path], Path]:
    def make(example: Path, folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _truncated(example: Path, folder: Path) -> Path:
    path = folder / "обрезанный.xlsx"
    data = example.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _zip_without_workbook(example: Path, folder: Path) -> Path:
    path = folder / "документ.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return path


def _ods_renamed(example: Path, folder: Path) -> Path:
    path = folder / "таблица.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def _broken_workbook_xml(example: Path, folder: Path) -> Path:
    path = folder / "сломанный.xlsx"
    with zipfile.ZipFile(example) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, b"<workbook broken" if info.filename == "xl/workbook.xml" else data)
    return path


def _missing(example: Path, folder: Path) -> Path:
    return folder / "нет такого.xlsx"


def _folder(example: Path, folder: Path) -> Path:
    path = folder / "папка.xlsx"
    path.mkdir()
    return path


BAD_FILES = {
    "xlsx renamed to xls": (_copy_as("заявка.xls"), "это книга Excel (.xlsx) с расширением .xls; дайте файлу "
                                                    "расширение .xlsx"),
    "text renamed to xls": (_bytes_as("заявка.xls", "Просто текст".encode()),
                            "файл повреждён или это не книга Excel (.xls), а файл другого типа"),
    "xlsb": (_copy_as("заявка.xlsb"), "формат .xlsb (двоичная книга Excel) не поддерживается; сохраните книгу как"),
    "xlsx renamed to ods": (_copy_as("заявка.ods"), "это не таблица LibreOffice Calc (.ods)"),
    "csv": (_bytes_as("заявка.csv", b"a;b\n"), "формат .csv не поддерживается"),
    "txt": (_bytes_as("заявка.txt", b"text"),
            "ожидается книга Excel (.xlsx, .xls) или таблица LibreOffice Calc (.ods)"),
    "text renamed": (_bytes_as("заявка.xlsx", "Просто текст, не книга".encode()),
                     "файл повреждён или это не книга Excel (.xlsx), а файл другого типа"),
    "ole/encrypted": (_bytes_as("зашифрованная.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)),
                      "книга защищена паролем или сохранена в старом формате .xls"),
    "truncated zip": (_truncated, "файл повреждён или это не книга Excel (.xlsx)"),
    "zip without workbook": (_zip_without_workbook, "в файле нет книги Excel; возможно, это документ другого типа"),
    "ods renamed": (_ods_renamed, "это таблица LibreOffice (.ods) с расширением .xlsx"),
    "lock file": (_bytes_as("~$заявка.xlsx", b"\x0buser" + bytes(160)),
                  "это служебный файл блокировки Excel, а не книга; выберите файл без «~$» в начале имени"),
    "missing": (_missing, "файл не найден"),
    "folder": (_folder, "это папка, а не книга Excel"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_unusable_file_is_refused_in_russian(case: str, example: Path, tmp_path: Path) -> None:
    make, reason = BAD_FILES[case]
    path = make(example, tmp_path)
    with pytest.raises(WorkbookFileError) as info:
        check_file(path)
    assert reason in info.value.reason
    assert info.value.path == path
    assert str(info.value) == f"Файл «{path.name}»: {info.value.reason}"
    with pytest.raises(WorkbookFileError, match=re.escape(reason)):
        load(path)


def test_corrupt_xml_inside_a_valid_zip_is_refused(example: Path, tmp_path: Path) -> None:
    path = _broken_workbook_xml(example, tmp_path)
    check_file(path)  # the container looks right: only openpyxl finds out
    with pytest.raises(WorkbookFileError) as info:
        load(path)
    assert info.value.reason.startswith("файл повреждён")
    assert str(info.value).startswith("Файл «сломанный.xlsx»: файл повреждён")


def test_oversized_file_is_refused(example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docgen.loader, "MAX_FILE_BYTES", 1000)
    path = _copy_as("большая.xlsx")(example, tmp_path)
    with pytest.raises(WorkbookFileError, match="файл слишком большой") as info:
        load(path)
    assert info.value.path == path


def test_oversized_message_does_not_contradict_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docgen.loader, "MAX_FILE_BYTES", 1 << 20)
    path = tmp_path / "большая.xlsx"
    path.write_bytes(bytes((1 << 20) + 4096))
    with pytest.raises(WorkbookFileError) as info:
        check_file(path)
    found = re.search(r"\((.+) МБ, допустимо до (.+) МБ\)", info.value.reason)
    assert found is not None
    assert found.group(1) != found.group(2)


def test_zip_bomb_is_refused(example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docgen.loader, "MAX_UNPACKED_BYTES", 10_000)
    path = _copy_as("бомба.xlsx")(example, tmp_path)
    with pytest.raises(WorkbookFileError, match="книга слишком велика после распаковки"):
        load(path)


def test_workbook_without_the_form_sheet_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Лист1"
    path = tmp_path / "чужая.xlsx"
    wb.save(path)
    with pytest.raises(WorkbookFileError, match=r"не найден.* лист.*«Заявка».*создайте книгу командой «docgen new"):
        load(path)


# --- missing sheets, columns and rows --------------------------------------------------------------------------


def test_missing_sheet_is_one_problem_naming_it(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb.remove(wb[PRODUCTS])))
    assert loaded.model is None
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert problem.where == CellRef(PRODUCTS)
    assert problem.is_error
    assert problem.message.startswith("нет листа «Продукты»; возьмите его из пустой книги (docgen new zayavka")
    assert str(problem).startswith("Лист «Продукты»: нет листа «Продукты»")


def test_missing_column_is_reported_by_its_header(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("D1", "Срок")))
    assert loaded.model is None
    missing = [p for p in loaded.errors if "нет столбца" in p.message]
    hint = "; возможно, это столбец «Срок» — верните ему заголовок «Сроки проведения»"
    assert missing == [Problem(f"нет столбца «Сроки проведения» в строке заголовков (строка 1){hint}",
                               CellRef(ROADMAP))]
    # the renamed column's content is not dropped silently either: one warning names its rows
    [warning] = loaded.warnings
    assert where(warning)[1:3] == (2, "D") and "в строках 2–10 в документ не попадут" in warning.message


def test_missing_column_is_the_only_error(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("D1", "Срок")))
    assert [p.message for p in loaded.errors] == [
        "нет столбца «Сроки проведения» в строке заголовков (строка 1); возможно, это столбец «Срок» — верните ему "
        "заголовок «Сроки проведения»"]


def test_missing_form_row_is_reported_by_its_label(edited: Edited) -> None:
    row = form_row("topic")
    loaded = load(edited(lambda wb: wb[FORM].__setitem__(f"A{row}", "Тема")))
    problem = only_error(loaded)
    assert problem.where == CellRef(FORM)
    assert problem.message.startswith("нет строки «Тема стажировки» в столбце A")


def test_headers_are_matched_ignoring_case_star_and_spaces(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[ROADMAP]["D1"] = "  СРОКИ\u00a0 проведения:  "
        wb[FORM][f"A{form_row('org.email')}"] = "e-mail*"

    loaded = load(edited(edit))
    assert loaded.problems == []


# --- formulas --------------------------------------------------------------------------------------------------


def test_formula_without_cached_value_is_an_error_at_its_cell(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("D4", "=DATE(2024,3,21)")))
    problem = only_error(loaded)
    assert where(problem) == (ROADMAP, 4, "D", "Сроки проведения")
    assert problem.message.startswith("формула без сохранённого значения")
    assert "сохраните его" in problem.message


def test_formula_without_cached_value_in_the_form(edited: Edited) -> None:
    row = form_row("org.head_position")
    problem = only_error(load(edited(lambda wb: wb[FORM].__setitem__(f"B{row}", '=LOWER("ДИРЕКТОР")'))))
    assert where(problem) == (FORM, row, "B", "Должность руководителя")
    assert "формула без сохранённого значения" in problem.message


def test_formula_with_cached_value_is_read(edited: Edited) -> None:
    row = form_row("org.head_position")
    path = edited(lambda wb: wb[FORM].__setitem__(f"B{row}", '=LOWER("ДИРЕКТОР")'))
    patch_formula_cell(path, f"B{row}", 't="str"', "директор")
    loaded = load(path)
    assert loaded.problems == []
    assert loaded.model is not None
    assert loaded.model.org.head_position == "директор"


def test_formula_error_value_is_an_error_at_its_cell(edited: Edited) -> None:
    path = edited(lambda wb: wb[ROADMAP].__setitem__("D4", "=1/0"))
    patch_formula_cell(path, "D4", 't="e"', "#DIV/0!")
    problem = only_error(load(path))
    assert where(problem) == (ROADMAP, 4, "D", "Сроки проведения")
    assert problem.message == "ошибка в формуле (#DIV/0!); исправьте формулу или введите значение"


# --- merged cells ----------------------------------------------------------------------------------------------


def test_merged_cells_in_the_form_values_are_named(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[FORM].merge_cells("B5:C5")))
    problem = only_error(loaded)
    assert (problem.where.sheet, problem.where.row, problem.where.column) == (FORM, 5, "B")
    assert "объединённые ячейки B5:C5 в области данных" in problem.message
    assert "разъедините" in problem.message


def test_merged_cells_reaching_into_the_roadmap_are_named(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].merge_cells("G10:H10")))
    problem = only_error(loaded)
    assert (problem.where.sheet, problem.where.row, problem.where.column) == (ROADMAP, 10, "G")
    assert "объединённые ячейки G10:H10 в области данных" in problem.message


@pytest.mark.parametrize(("sheet", "cells"), [(ROADMAP, "A3:B3"), (ROADMAP, "D5:D6"), (FORM, "B5:B6")])
def test_merged_cells_in_data_area_are_reported_not_crashing(edited: Edited, sheet: str, cells: str) -> None:
    loaded = load(edited(lambda wb: wb[sheet].merge_cells(cells)))
    messages = [p.message for p in loaded.errors]
    assert any(f"объединённые ячейки {cells} в области данных" in m for m in messages), messages


# --- dates -----------------------------------------------------------------------------------------------------


def test_text_in_a_date_column_is_an_error_at_its_cell(edited: Edited) -> None:
    problem = only_error(load(edited(lambda wb: wb[PRODUCTS].__setitem__("C3", "скоро"))))
    assert where(problem) == (PRODUCTS, 3, "C", "Срок предоставления")
    assert problem.message == "введено «скоро»; ожидается дата, например 15.10.2023 или «15 октября 2023»"
    assert problem.value == "скоро"


@pytest.mark.parametrize(("typed", "expected"), [
    ("ноябрь 2023", EventDate(year=2023, month=11)),
    ("Ноября 2023 г.", EventDate(year=2023, month=11)),
    ("21.03.2024", EventDate(year=2024, month=3, day=21)),
    ("21.03.2024 г.", EventDate(year=2024, month=3, day=21)),
    ("2024-03-21", EventDate(year=2024, month=3, day=21)),
])
def test_roadmap_dates_typed_as_text_are_accepted(edited: Edited, typed: str, expected: EventDate) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("D4", typed)))
    assert loaded.problems == []
    assert loaded.model is not None
    assert loaded.model.roadmap[2].when == expected


def test_month_text_gets_a_month_label(edited: Edited) -> None:
    model = load(edited(lambda wb: wb[ROADMAP].__setitem__("D4", "ноябрь 2023"))).model
    assert model is not None
    assert model.roadmap[2].when.label.replace(NBSP, " ") == "ноябрь 2023 г."


def test_excel_serial_number_date_is_accepted(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        for cell in (wb[ROADMAP]["D4"], wb[PRODUCTS]["C2"]):
            cell.value = 45372  # 21.03.2024 in the 1900 date system
            cell.number_format = "General"  # a plain number, not a formatted date

    loaded = load(edited(edit))
    assert loaded.problems == []
    assert loaded.model is not None
    assert loaded.model.roadmap[2].when == EventDate(year=2024, month=3, day=21)
    assert loaded.model.products[0].due == date(2024, 3, 21)


def test_serial_number_follows_the_workbooks_1904_date_system(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb.epoch = CALENDAR_MAC_1904
        wb[PRODUCTS]["C2"].value = 45372
        wb[PRODUCTS]["C2"].number_format = "General"

    loaded = load(edited(edit))
    assert loaded.model is not None
    assert loaded.model.products[0].due == (datetime(1904, 1, 1) + timedelta(days=45372)).date()


def test_impossible_calendar_date_is_rejected_in_a_date_column(edited: Edited) -> None:
    problem = only_error(load(edited(lambda wb: wb[PRODUCTS].__setitem__("C3", "31.02.2024"))))
    assert where(problem) == (PRODUCTS, 3, "C", "Срок предоставления")
    assert problem.message == ("введено «31.02.2024»; такой даты нет в календаре; "
                               "например 15.10.2023 или «15 октября 2023»")


def test_impossible_calendar_date_is_rejected_in_the_roadmap(edited: Edited) -> None:
    problem = only_error(load(edited(lambda wb: wb[ROADMAP].__setitem__("D4", "31.02.2024"))))
    assert where(problem) == (ROADMAP, 4, "D", "Сроки проведения")


def test_impossible_calendar_date_in_the_roadmap_says_so(edited: Edited) -> None:
    problem = only_error(load(edited(lambda wb: wb[ROADMAP].__setitem__("D4", "31.02.2024"))))
    assert "нет в календаре" in problem.message


@pytest.mark.parametrize("typed", ["ноябрь 1999", "01.01.2101", datetime(1999, 11, 15)])
def test_roadmap_year_out_of_range_is_a_problem_not_a_crash(edited: Edited, typed: object) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("D4", typed)))
    problem = only_error(loaded)
    assert where(problem) == (ROADMAP, 4, "D", "Сроки проведения")


# --- text is kept literally ------------------------------------------------------------------------------------


def test_control_characters_and_windows_newlines_are_cleaned(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[FORM][f"B{form_row('topic')}"] = "\r\n  Тема\r\nвторая\x7f строка\rтретья   строка\tс табуляцией  \r\n"
        wb[ROADMAP]["A2"] = "Семинар\x7f «Старт»"

    loaded = load(edited(edit))
    assert loaded.problems == []
    assert loaded.model is not None
    assert loaded.model.topic == "Тема\nвторая строка\nтретья строка\tс табуляцией"
    assert loaded.model.roadmap[0].title == "Семинар «Старт»"


def test_control_characters_escaped_by_excel_are_removed(edited: Edited) -> None:
    # Excel saves characters XML cannot hold as _xHHHH_; a literal «_x0041_» typed by a user as «_x005F_x0041_»
    def edit(wb: openpyxl.Workbook) -> None:
        wb[FORM][f"B{form_row('topic')}"] = "Тема_x0007_ стажировки_x000B__x000D__x000A_вторая строка"
        wb[FORM][f"B{form_row('goals')}"] = "Код _x005F_x0041_ как есть"

    loaded = load(edited(edit))
    assert loaded.problems == []
    assert loaded.model is not None
    assert loaded.model.topic == "Тема стажировки\nвторая строка"
    assert loaded.model.goals == "Код _x0041_ как есть"


def test_markup_like_text_is_kept_literally(edited: Edited) -> None:
    goals = "Цель & задача < 1 > 0 «ёлочки» {{ org.short_name }} {% if x %}{#c#} </w:t> &amp;"
    short = "МАОУ «Школа & <Ко>» № 5"

    def edit(wb: openpyxl.Workbook) -> None:
        wb[FORM][f"B{form_row('goals')}"] = goals
        wb[FORM][f"B{form_row('org.short_name')}"] = short
        wb[ROADMAP]["C2"] = "{{ x }} & <b>жирный</b>"
        wb[PRODUCTS]["B2"] = "Сборник «{{}}» & <>"

    loaded = load(edited(edit))
    assert loaded.problems == []
    model = loaded.model
    assert model is not None
    assert model.goals == goals
    assert model.org.short_name == short
    assert model.roadmap[0].result == "{{ x }} & <b>жирный</b>"
    assert model.products[0].title == "Сборник «{{}}» & <>"


# --- nothing is dropped silently -------------------------------------------------------------------------------


def test_extra_roadmap_column_with_content_is_a_warning(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[ROADMAP]["H1"] = "Примечание"
        wb[ROADMAP]["H5"] = "важно: перенести"

    loaded = load(edited(edit))
    assert loaded.errors == []
    assert loaded.model is not None
    assert len(loaded.warnings) == 1
    warning = loaded.warnings[0]
    assert warning.severity is Severity.WARNING
    sheet, row, column, header = where(warning)
    assert (sheet, row, column) == (ROADMAP, 5, "H")
    assert header is not None
    assert header.lower() == "примечание"
    assert warning.message.startswith("столбец не входит в форму, его значение в документ не попадёт")


def test_extra_column_warning_shows_the_header_as_typed(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[ROADMAP]["H1"] = "Примечание"
        wb[ROADMAP]["H5"] = "важно"

    warning = load(edited(edit)).warnings[0]
    assert str(warning).startswith("Лист «Дорожная карта», строка 5, столбец H («Примечание»): ")


def test_content_in_a_column_without_header_is_a_warning(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("H5", "забытый текст")))
    assert [(where(p)[:3], p.severity) for p in loaded.problems] == [((ROADMAP, 5, "H"), Severity.WARNING)]


def test_content_in_a_duplicate_column_is_a_warning(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[ROADMAP]["H1"] = "Мероприятие"
        wb[ROADMAP]["H5"] = "второе название"

    loaded = load(edited(edit))
    assert [(where(p)[:3], p.severity) for p in loaded.problems] == [((ROADMAP, 5, "H"), Severity.WARNING)]


def test_a_chart_sheet_is_skipped_not_fatal(edited: Edited) -> None:
    # openpyxl's own read-only reader fails on a chart sheet without a drawing (AttributeError in read_chartsheet)
    path = edited(lambda wb: wb.create_chartsheet("Диаграмма"))
    loaded = load(path)
    assert loaded.model is not None and not loaded.errors


# A workbook written by hand, as Excel and other tools write it: shared strings with rich and phonetic runs, every
# cell type, cells and rows without their numbers, a missing row, comments, a prefixed namespace.
_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
           + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), bytes([97 + i]).join([b"&", b";"]) * 10)
                      for i in range(8))
           + b"]>")


@pytest.mark.parametrize(("name", "change"), [
    ("truncated", lambda xml: xml[: len(xml) // 2]),
    ("entity bomb", lambda xml: _LAUGHS + xml.split(b"?>", 1)[-1].replace(b"<sheetData>", b"<sheetData>&i;", 1)),
])
def test_a_broken_sheet_is_a_russian_error_naming_it(example: Path, tmp_path: Path, name: str,
                                                     change: Callable[[bytes], bytes]) -> None:
    path = with_form_xml(example, tmp_path, change)
    with pytest.raises(WorkbookFileError) as caught:
        load(path)
    assert "лист «Заявка» повреждён" in str(caught.value), name
    assert "сохраните её заново" in str(caught.value)


def test_a_sheet_declaring_entities_is_refused_not_read_short(example: Path, tmp_path: Path) -> None:
    # lxml would drop the text after «&x;» silently; a DTD has no business in a workbook part
    def declare(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1]
        return b'<!DOCTYPE worksheet [<!ENTITY x "INJ">]>' + body.replace(b"<t>tomsk</t>", b"<t>tom&x;sk</t>", 1)

    with pytest.raises(WorkbookFileError) as caught:
        load(with_form_xml(example, tmp_path, declare))
    assert "лист «Заявка» повреждён и не читается (в XML есть объявление DTD" in str(caught.value)


def test_a_reversed_merged_range_is_reported_as_merged_cells(edited: Edited, tmp_path: Path) -> None:
    path = edited(lambda wb: wb[FORM].merge_cells("A40:B40"))
    broken = tmp_path / "диапазон.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename).replace(b'ref="A40:B40"', b'ref="B40:A1"'))
    problem = only_error(load(broken))
    assert where(problem)[:3] == (FORM, 1, "A")
    assert "объединённые ячейки A1:B40 в области данных" in problem.message


def test_a_formula_calculated_to_empty_text_is_a_blank_cell(edited: Edited) -> None:
    row = form_row("org.head_position")
    path = edited(lambda wb: wb[FORM].__setitem__(f"B{row}", '=""'))
    patch_formula_cell(path, f"B{row}", 't="str"', "")
    problem = only_error(load(path))
    assert where(problem) == (FORM, row, "B", "Должность руководителя")
    assert problem.message == "не заполнено; это обязательное поле"


# --- hidden rows (issue 10, point 10) --------------------------------------------------------------------------

_SHOW = "(выделите строки вокруг, правой кнопкой → «Показать») и проверьте"


def test_hidden_rows_of_a_table_are_one_warning_naming_them(edited: Edited) -> None:
    def hide(wb: openpyxl.Workbook) -> None:
        for row in (4, 5, 9):
            wb[ROADMAP].row_dimensions[row].hidden = True
        wb[ROADMAP].row_dimensions[30].hidden = True  # empty: nothing of it is printed

    loaded = load(edited(hide))
    assert loaded.errors == [] and loaded.model is not None
    assert len(loaded.model.roadmap) == 9  # hidden rows are still read: the warning says so
    assert [(where(p), p.severity, p.message) for p in loaded.warnings] == [
        ((ROADMAP, 4, None, None), Severity.WARNING,
         f"строки 4–5, 9 скрыты, но их данные попадут в документ; покажите их {_SHOW}")]


def test_a_hidden_row_of_the_form_is_a_warning(edited: Edited) -> None:
    row = form_row("topic")
    loaded = load(edited(lambda wb: setattr(wb[FORM].row_dimensions[row], "hidden", True)))
    assert [str(p) for p in loaded.problems] == [
        f"Лист «Заявка», строка {row}: строка скрыта, но её данные попадут в документ; покажите её {_SHOW}"]
