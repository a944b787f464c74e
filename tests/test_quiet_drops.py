"""Nothing dropped without a word: repeated or unknown form rows, hidden sheets, one school's заявки twice."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl

from docgen.loader import load
from docgen.registry import collect, make_registry
from tests.conftest import EXAMPLE, FakeConverter, run


def _warnings(path: Path) -> list[str]:
    return [str(p) for p in load(path).warnings if p.severity.value == "предупреждение"]


def test_a_second_row_of_a_field_is_warned_about(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["A20"] = "Краткое наименование"
        wb["Заявка"]["B20"] = "МАОУ СОШ № 99"
    path = edited(edit)
    loaded = load(path)
    assert loaded.model is not None and loaded.model.org.short_name == "МАОУ гимназия № 56 г. Томска"
    assert ("Лист «Заявка», строка 20, столбец B («Краткое наименование»): строка «Краткое наименование» "
            "повторяется: в документ попадёт значение из строки 4, а из этой — нет; оставьте одну строку"
            ) in _warnings(path)


def test_an_unknown_filled_row_of_a_form_sheet_is_warned_about(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["A21"] = "Примечание"
        wb["Заявка"]["B21"] = "Просим рассмотреть в мае"
        wb["Заявка"]["A22"] = "Пустая строка без значения"
    warnings = _warnings(edited(edit))
    assert ("Лист «Заявка», строка 21, столбец B («Примечание»): строка не входит в форму, её значение в документ "
            "не попадёт; перенесите текст в строку формы или удалите строку") in warnings
    assert not any("строка 22" in w for w in warnings)  # nothing typed: nothing lost


def test_a_hidden_data_sheet_is_warned_about(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Дорожная карта"].sheet_state = "hidden"
    warnings = _warnings(edited(edit))
    assert any(w.startswith("Лист «Дорожная карта»: лист скрыт, но его данные попадут в документ") for w in warnings)
    assert not any("«Списки»" in w for w in warnings)  # the lists sheet is hidden by design and is not data


def test_the_example_has_no_such_warnings() -> None:
    assert not any("повторяется" in w or "не входит в форму" in w or "скрыт" in w for w in _warnings(EXAMPLE))


def _school_copy(folder: Path, name: str, applied: datetime | None, topic: str, mtime: float) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    form = wb["Заявка"]
    for row in form.iter_rows(min_col=1, max_col=2):
        label = str(row[0].value or "")
        if label.startswith("Дата заявки"):
            row[1].value = applied
        elif label.startswith("Тема стажировки"):
            row[1].value = topic
    path = folder / name
    wb.save(path)
    os.utime(path, (mtime, mtime))
    return path


def test_one_school_is_one_row_of_the_website_page_the_newest(tmp_path: Path) -> None:
    """Three заявки of one school: the page shows the one a methodologist would call the newest, and says so.

    «a» is the oldest by its date; «b» and «c» have the same date and «c» was saved later (a corrected copy);
    «a» comes first in the folder, so keeping the first (as docgen did) publishes the oldest topic.
    """
    folder = tmp_path / "заявки"
    folder.mkdir()
    noon = datetime(2023, 5, 20, 12, 0).timestamp()
    _school_copy(folder, "a.xlsx", datetime(2023, 5, 10), "Тема первой заявки", noon + 7200)  # newest file, old date
    _school_copy(folder, "b.xlsx", datetime(2023, 5, 12), "Тема второй заявки", noon)
    _school_copy(folder, "c.xlsx", datetime(2023, 5, 12), "Тема исправленной заявки", noon + 3600)
    collected = collect(folder)
    assert [(e.source, e.valid, e.repeat_of) for e in collected.entries] == [
        ("a.xlsx", True, "c.xlsx"), ("b.xlsx", True, "c.xlsx"), ("c.xlsx", True, "")]
    assert collected.entries[0].remarks[-1] == (
        "[предупреждение] повторная заявка организации «МАОУ гимназия № 56 г. Томска»: на страницу для сайта "
        "попадает более новая — «c.xlsx» (дата заявки 12.05.2023, файл изменён 20.05.2023 13:00), а эта — нет; "
        "оставьте в папке одну заявку организации")
    made = make_registry(folder, tmp_path / "реестр", converter_factory=FakeConverter, formed=date(2023, 5, 31))
    assert [e.source for e in made.registry.published] == ["c.xlsx"]
    assert made.registry.repeat_count == 2 and made.registry.broken_count == 0
    html = (tmp_path / "реестр" / "Реестр стажировочных площадок.html").read_text(encoding="utf-8")
    assert html.count("МАОУ гимназия №") == 1
    assert "Тема исправленной заявки" in html and "Тема первой" not in html and "Тема второй" not in html
    sheet = openpyxl.load_workbook(tmp_path / "реестр" / "Реестр заявок.xlsx")["Реестр заявок"]
    assert [sheet.cell(row=r, column=9).value for r in (2, 3, 4)] == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert sheet["B2"].fill.fgColor.rgb == "00FFF2CC" and sheet["B4"].fill.fgColor.rgb != "00FFF2CC"

    result = run("registry", str(folder), "-o", str(tmp_path / "реестр2"))
    assert result.exit_code == 1  # resolved, but the folder still holds three заявки of one school
    assert ("[предупреждение] Организация «МАОУ гимназия № 56 г. Томска»: заявок — 3. На страницу для сайта "
            "попадает самая новая — «c.xlsx» (дата заявки 12.05.2023, файл изменён 20.05.2023 13:00); не попадают: "
            "«a.xlsx» (дата заявки 10.05.2023, файл изменён 20.05.2023 14:00), «b.xlsx» (дата заявки 12.05.2023, "
            "файл изменён 20.05.2023 12:00).") in result.output
    assert "повторных — 2; на странице для сайта «Реестр стажировочных площадок.html» — 1." in result.output


def test_a_dated_zayavka_is_newer_than_an_undated_one(tmp_path: Path) -> None:
    folder = tmp_path / "заявки"
    folder.mkdir()
    noon = datetime(2023, 5, 20, 12, 0).timestamp()
    _school_copy(folder, "a.xlsx", datetime(2023, 5, 12), "Тема с датой", noon)
    _school_copy(folder, "b.xlsx", None, "Тема без даты", noon + 3600)
    collected = collect(folder)
    assert [e.repeat_of for e in collected.entries] == ["", "a.xlsx"]
    assert "«b.xlsx» (дата заявки не указана, файл изменён 20.05.2023 13:00)" in collected.repeats[0].message


def test_identical_copies_keep_the_first_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "заявки"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(EXAMPLE, folder / name)
        os.utime(folder / name, (1_684_569_600, 1_684_569_600))
    collected = collect(folder)
    assert [e.repeat_of for e in collected.entries] == ["", "a.xlsx"]
    assert collected.repeats[0].kept == "a.xlsx" and collected.repeats[0].dropped == ["b.xlsx"]
