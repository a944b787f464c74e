"""Next year's order: the blank starts from the texts that carry over; the registry fills its «Площадки»."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from docgen.loader import load
from tests.conftest import EXAMPLE, run


def test_the_blank_order_is_prefilled_from_the_profile(tmp_path: Path) -> None:
    target = tmp_path / "распоряжение.xlsx"
    assert run("new", "распоряжение", "-o", str(target)).exit_code == 0
    wb = openpyxl.load_workbook(target)
    polozhenie = [row[1] for row in wb["Положение"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert len(polozhenie) > 40 and polozhenie[0] == "I. Общие положения"
    form = {row[0].rstrip(" *"): row[1] for row in wb["Распоряжение"].iter_rows(min_row=2, values_only=True)}
    assert form["Подписывает: должность"] == "Начальник департамента"
    assert form["Номер"] is None and form["Дата распоряжения"] is None  # what changes every year stays empty
    # only the number, the date and the sites whose status ends are left to fill in
    messages = [p.message for p in load(target).errors]
    assert len(messages) == 3, messages


def test_registry_order_fills_the_sites_from_valid_applications(tmp_path: Path) -> None:
    folder = tmp_path / "заявки"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    result = run("registry", str(folder), "-o", str(tmp_path / "реестр"), "--order", "--date", "31.05.2024")
    assert result.exit_code == 0, result.output
    order = tmp_path / "реестр" / "Распоряжение — площадки из реестра.xlsx"
    assert f"«{order}»" in result.output
    rows = [r for r in openpyxl.load_workbook(order)["Площадки"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert rows == [("МАОУ гимназия № 56 г. Томска",
                     "Формирующее оценивание как ресурс внутришкольной системы оценки качества образования в "
                     "условиях реализации обновлённых ФГОС НОО и ООО", "2023–2024, 2024–2025 учебные годы")]
