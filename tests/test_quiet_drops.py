"""Nothing dropped without a word: repeated or unknown form rows, hidden sheets, one school's заявки twice."""

from __future__ import annotations

import shutil
from collections.abc import Callable
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


def test_one_school_is_one_row_of_the_website_page(tmp_path: Path) -> None:
    folder = tmp_path / "заявки"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        shutil.copy(EXAMPLE, folder / name)
    collected = collect(folder)
    assert [e.valid for e in collected.entries] == [True, False, False]
    assert "повторная заявка организации «МАОУ гимназия № 56 г. Томска»: она уже есть в «a.xlsx»" in (
        collected.entries[1].remarks[-1])
    made = make_registry(folder, tmp_path / "реестр", converter_factory=FakeConverter)
    assert len(made.registry.published) == 1
    html = (tmp_path / "реестр" / "Реестр стажировочных площадок.html").read_text(encoding="utf-8")
    assert html.count("МАОУ гимназия №") == 1
    result = run("registry", str(folder), "-o", str(tmp_path / "реестр2"))
    assert result.exit_code == 1
    assert "Файл «b.xlsx»: повторная заявка организации" in result.output
