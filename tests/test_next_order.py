"""Next year's order: the blank starts from the texts that carry over; the registry fills its «Площадки»."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import openpyxl
from docx import Document

from docgen.errors import Severity
from docgen.loader import load
from docgen.models import Order
from docgen.render import Renderer, template_path
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
    # only the number and the date are left to fill in: an order with no site ending is a normal order
    errors = load(target).errors
    assert [(p.where.header if p.where else None, p.message) for p in errors] == [
        ("Дата распоряжения", "не заполнено; это обязательное поле"),
        ("Номер", "не заполнено; это обязательное поле")]


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


def _set_form(path: Path, values: dict[str, object]) -> None:
    """Type values into the «Распоряжение» sheet next to their labels, as a methodologist would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Распоряжение"]
    for row in ws.iter_rows(min_row=2):
        label = str(row[0].value or "").rstrip(" *")
        if label in values:
            row[1].value = values[label]
    wb.save(path)


def _registry_order(tmp_path: Path, formed: str) -> Path:
    folder = tmp_path / "заявки"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    result = run("registry", str(folder), "-o", str(tmp_path / "реестр"), "--order", "--date", formed)
    assert result.exit_code == 0, result.output
    return tmp_path / "реестр" / "Распоряжение — площадки из реестра.xlsx"


def test_an_order_with_no_site_ending_has_no_termination_point(tmp_path: Path) -> None:
    """The registry's order book, only its date and number typed: checked clean, the points renumbered."""
    order = _registry_order(tmp_path, "31.05.2024")
    _set_form(order, {"Дата распоряжения": date(2024, 6, 6), "Номер": "312"})
    loaded = load(order)
    assert loaded.errors == [], [str(p) for p in loaded.problems]
    # the example заявка plans from 2023: its term, copied to «Площадки», is older than an order of 2024
    assert [str(p) for p in loaded.problems if p.severity is Severity.WARNING] == [
        "Лист «Площадки», строка 2, столбец C («Срок деятельности»): учебный год «2023–2024» раньше года "
        "распоряжения (дата 06.06.2024): «…2023–2024, 2024–2025 учебные годы…»; не остался ли здесь текст прошлого "
        "года? Проверьте годы (для распоряжения 2024 года — с 2024–2025)"]
    assert [str(p) for p in loaded.problems if p.severity is Severity.INFO] == [
        "Лист «Распоряжение», строка 8, столбец B («Пункт о прекращении деятельности площадок»): лист «Прекращение» "
        "пуст: пункта о прекращении деятельности площадок и поручения об отчёте в распоряжении не будет"]
    assert isinstance(loaded.model, Order)
    doc = Document(io.BytesIO(Renderer(template_path("rasporyazhenie.docx"), Order).render(loaded.model)))
    texts = [p.text.replace("\u00a0", " ").replace("\u2060", "") for p in doc.paragraphs]
    body = texts[: texts.index("Приложение № 1")]
    numbered = [t for t in body if re.match(r"\d+(\.\d+)*\. ", t)]
    assert [t.split(" ", 1)[0] for t in numbered] == ["1.", "2.", "3.", "4.", "4.1.", "4.2.", "5.", "5.1.", "5.2.",
                                                      "6."]
    assert numbered[0].startswith("1. Прекратить действие приказа департамента образования")
    assert numbered[1].startswith("2. Утвердить Положение") and numbered[1].endswith("(приложение № 1).")
    assert numbered[2].endswith("согласно перечню (приложение № 2).")
    assert not any("Прекратить деятельность" in t or "по окончании срока деятельности" in t for t in body)
    assert not any(t.startswith(("1) Задачи", "– перечень проектов")) for t in body)  # the report form went too
    # the applications asked for are those of the order's year, not last year's
    assert "на 2024–2025, 2025–2026 учебные годы" in numbered[5]
    assert numbered[7].endswith("на период по 2027 год.")
    marks = {t for t in texts if t.startswith("Приложение № ")}
    assert marks == {"Приложение № 1", "Приложение № 2"}


def test_a_site_ending_needs_its_point_texts(tmp_path: Path) -> None:
    order = _registry_order(tmp_path, "31.05.2024")
    _set_form(order, {"Дата распоряжения": date(2024, 6, 6), "Номер": "312",
                      "Пункт о прекращении деятельности площадок": None})
    wb = openpyxl.load_workbook(order)
    wb["Прекращение"].append(["МАОУ СОШ № 19 г. Томска", date(2024, 8, 31)])
    wb.save(order)
    loaded = load(order)
    assert [str(p) for p in loaded.errors] == [
        "Лист «Распоряжение», строка 8, столбец B («Пункт о прекращении деятельности площадок»): не заполнено: лист "
        "«Прекращение» заполнен, и этот текст войдёт в распоряжение"]


def test_last_years_school_years_in_the_texts_are_warned_about(tmp_path: Path) -> None:
    """№ 477's book with a 2024 date: «на 2023–2024, 2024–2025 учебные годы» is last year's text, quoted."""
    book = tmp_path / "Распоряжение 2024.xlsx"
    shutil.copy(EXAMPLE.parent / "Распоряжение № 477 от 04.05.2023.xlsx", book)
    assert [p for p in load(book).problems if p.severity is Severity.WARNING] == []
    _set_form(book, {"Дата распоряжения": date(2024, 5, 6)})
    warnings = [str(p) for p in load(book).problems if p.severity is Severity.WARNING]
    assert warnings == [
        "Лист «Поручения», строка 3, столбец C («Поручение»): учебный год «2023–2024» раньше года распоряжения "
        "(дата 06.05.2024): «…муниципальной стажировочной площадки на 2023–2024, 2024–2025 учебные годы по "
        "форме…»; не остался ли здесь текст прошлого года? Проверьте годы (для распоряжения 2024 года "
        "— с 2024–2025)"]


def test_a_new_blank_order_names_the_school_years_of_this_year(tmp_path: Path) -> None:
    target = tmp_path / "распоряжение.xlsx"
    assert run("new", "распоряжение", "-o", str(target)).exit_code == 0
    year = date.today().year
    texts = [r[2] for r in openpyxl.load_workbook(target)["Поручения"].iter_rows(min_row=2, values_only=True) if r[2]]
    assert f"на {year}–{year + 1}, {year + 1}–{year + 2} учебные годы по форме" in texts[1]
    assert texts[2].endswith(f"на период по {year + 3} год")
    assert not any(re.search(r"20\d\d", t) for t in texts[:1] + texts[3:])
