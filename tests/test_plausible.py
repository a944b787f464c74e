"""Values that convert yet cannot be meant: a date in 1905 or 9999, 10^30 participants, an emoji in a paper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from docgen.glyphs import missing_glyphs
from docgen.loader import load
from tests.conftest import ROOT, run

REPORT = ROOT / "examples" / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx"


@pytest.mark.parametrize("value", [2023, datetime(1900, 1, 1), datetime(9999, 12, 31)])
def test_an_implausible_date_is_refused_with_its_cell(edited: Callable[..., Path], value: object) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B16"] = value  # «Дата заявки»
    loaded = load(edited(edit))
    [error] = loaded.errors
    assert str(error.where) == "Лист «Заявка», строка 16, столбец B («Дата заявки»)"
    assert "неправдоподобна: ожидается дата с 2000 по 2099 год" in error.message
    if value == 2023:
        assert "дата 15.07.1905" in error.message  # what Excel makes of the number 2023


def test_an_implausible_number_of_participants_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(REPORT)
    wb["Мероприятия"]["D2"] = 10**30
    wb["Мероприятия"]["D3"] = 10_001
    path = tmp_path / "отчёт.xlsx"
    wb.save(path)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert ("Лист «Мероприятия», строка 2, столбец D («Количество участников»): число из 31 цифр — неправдоподобно "
            "много; ожидается не больше 10\u00a0000") in result.output
    assert "строка 3, столбец D («Количество участников»): 10001 — неправдоподобно много" in result.output


def test_plausible_values_pass(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(REPORT)
    wb["Мероприятия"]["D2"] = 10_000
    path = tmp_path / "отчёт.xlsx"
    wb.save(path)
    assert load(path).errors == []


def test_characters_the_font_lacks_are_a_warning_naming_them_and_the_cell(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B11"] = "Формирующее оценивание 😀 и 龘"
    loaded = load(edited(edit))
    assert loaded.errors == []
    [warning] = [p for p in loaded.warnings if "шрифте" in p.message]
    assert str(warning.where) == "Лист «Заявка», строка 11, столбец B («Тема стажировки»)"
    assert "«😀» (U+1F600 GRINNING FACE)" in warning.message and "«龘» (U+9F98" in warning.message


def test_the_font_draws_what_russian_papers_use() -> None:
    assert missing_glyphs("Ёлка — «№ 5», 45 %, §2, €, ©, Ää, ½, …, →\u00a0\u00ad\n\t") == []
    assert missing_glyphs("🎓 ✅ 中") == ["🎓", "✅", "中"]
