"""Ordinary typing habits are undone where it is safe, and said as «[сведения]»."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from docgen.errors import Severity
from docgen.habits import add_scheme, count_without_unit, lower_first, strip_number_sign, typographic_quotes, year_spans
from docgen.loader import load
from docgen.pipeline import render_many
from docgen.schema import ZAYAVKA
from tests.conftest import EXAMPLE, flat

Edited = Callable[..., Path]
ORDER = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / "Распоряжение № 477 от 04.05.2023.xlsx"


def form_row(key: str) -> int:
    return 2 + [c.key for c in ZAYAVKA.form.fields].index(key)


@pytest.mark.parametrize(("typed", "expected"), [
    ("№ 312", "312"), ("№312", "312"), ("N 312", "312"), ("312", "312"), ("№", "№"),
])
def test_number_sign(typed: str, expected: str) -> None:
    assert strip_number_sign(typed)[0] == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("Директор", "директор"), ("директор", "директор"), ("МАОУ", "МАОУ"), ("И.о. директора", "и.о. директора"),
    ("И. о. директора", "и. о. директора"), ("Иванова", "иванова"),
    ("Заместитель директора по УВР", "заместитель директора по УВР"),
])
def test_lower_first(typed: str, expected: str) -> None:
    assert lower_first(typed)[0] == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ('Практикум "Критерии"', "Практикум «Критерии»"),
    ('"Мировое кафе"', "«Мировое кафе»"),
    ('Семинар "Школа "Радуга""', "Семинар «Школа „Радуга“»"),
    ('один " кавычка', 'один " кавычка'),
    ("без кавычек", "без кавычек"),
    ('МБОУ «Школа "Радуга"»', "МБОУ «Школа „Радуга“»"),  # straight quotes inside typed «ёлочки»: „лапки“
    ("“Радуга”", "«Радуга»"),  # English curly quotes from an autocorrect
    ("«Школа „Радуга“»", "«Школа „Радуга“»"),  # typed right: left alone
    ('("Радуга")', "(«Радуга»)"),
    ('МБОУ «Школа "Радуга"', 'МБОУ «Школа "Радуга"'),  # «ёлочки» left open: which quote closes is a guess
    ('экран 5"', 'экран 5"'),
])
def test_straight_quotes(typed: str, expected: str) -> None:
    assert typographic_quotes(typed)[0] == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("2023-2024", "2023–2024"), ("в 2023 - 2024 годах", "в 2023–2024 годах"),
    ("на 2023-2026 годы.", "на 2023–2026 годы."),
    ("2023–2024", "2023–2024"), ("2024-2023", "2024-2023"),
    ("https://school.ru/2023-2024/plan", "https://school.ru/2023-2024/plan"), ("plan-2023-2024", "plan-2023-2024"),
    ("2023-2024@mail.ru", "2023-2024@mail.ru"), ("+7 (3822) 2023-2024", "+7 (3822) 2023-2024"),
])
def test_year_spans(typed: str, expected: str) -> None:
    assert year_spans(typed)[0] == expected


def test_habits_in_a_workbook_are_undone_and_said(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"][f"B{form_row('org.head_position')}"] = "Директор"
        for row in (2, 3, 4):
            wb["Дорожная карта"][f"A{row}"] = f'Семинар "Тема {row}"'
        wb["Дорожная карта"]["B2"] = '"Мировое кафе"'  # a list value typed with straight quotes

    loaded = load(edited(edit))
    assert loaded.errors == [] and loaded.model is not None
    app = loaded.model
    assert app.org.head_position == "директор"  # type: ignore[attr-defined]
    assert app.roadmap[0].title == "Семинар «Тема 2»" and app.roadmap[0].form == "«Мировое кафе»"  # type: ignore[attr-defined]
    notes = [p for p in loaded.problems if p.severity is Severity.INFO]
    assert [str(p) for p in notes] == [
        "Лист «Заявка», строка 5, столбец B («Должность руководителя»): первая буква сделана строчной: "
        "«директор» стоит в документе после запятой",
        "Лист «Дорожная карта», строка 2, столбец A («Мероприятие»): прямые кавычки заменены на «ёлочки» "
        "(строки 2–4)",
        "Лист «Дорожная карта», строка 2, столбец B («Форма проведения»): прямые кавычки заменены на «ёлочки»",
    ]


@pytest.mark.parametrize(("typed", "expected"), [
    ("school56.tomsk.ru", "https://school56.tomsk.ru"), ("www.school56.ru/about", "https://www.school56.ru/about"),
    ("http://school56.ru", "http://school56.ru"), ("school56@mail.ru", "school56@mail.ru"),
    ("нет сайта", "нет сайта"), ("школа56.рф", "https://школа56.рф"),
])
def test_a_site_without_its_scheme(typed: str, expected: str) -> None:
    assert add_scheme(typed)[0] == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("42 чел.", 42), ("42 человека", 42), ("15 участников", 15), ("42", "42"), ("около 40", "около 40"),
    ("42 чел. и 3 гостя", "42 чел. и 3 гостя"),
])
def test_a_count_with_its_unit(typed: str, expected: int | str) -> None:
    assert count_without_unit(typed)[0] == expected


def test_site_acting_head_half_year_and_count_with_unit_go_through(edited: Edited, tmp_path: Path) -> None:
    """Habits that used to give an error or a wrong paper: each read, printed tidy and said as «сведения»."""
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"][f"B{form_row('org.site')}"] = "school56.tomsk.ru"
        wb["Заявка"][f"B{form_row('org.head_position')}"] = "И.о. директора"
        wb["Дорожная карта"]["D3"] = "2 полугодие 2024-2025"

    loaded = load(edited(edit))
    assert loaded.errors == [], [str(p) for p in loaded.errors]
    notes = [str(p) for p in loaded.problems if p.severity is Severity.INFO]
    assert ("Лист «Заявка», строка 5, столбец B («Должность руководителя»): первая буква сделана строчной: "
            "«и.о. директора» стоит в документе после запятой") in notes
    assert (f"Лист «Заявка», строка {form_row('org.site')}, столбец B («Официальный сайт»): к адресу сайта "
            "добавлено «https://»: в документе — «https://school56.tomsk.ru»") in notes
    [made] = render_many([loaded.path], tmp_path, formats=("docx",), workers=1)
    assert made.error is None, made.error
    doc = Document(str(made.written[0]))
    assert ", и.о. директора " in flat("\n".join(p.text for p in doc.paragraphs))
    assert loaded.model.org.site == "https://school56.tomsk.ru"  # type: ignore[union-attr, attr-defined]
    cells = [flat(c.text) for t in Document(str(made.written[0])).tables for r in t.rows for c in r.cells]
    assert "II полугодие 2024–2025 учебного года" in cells

    report = tmp_path / "отчёт.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE.parent / "Отчет МАОУ СОШ № 19.xlsx")
    wb["Мероприятия"]["D2"] = "42 чел."
    wb.save(report)
    checked = load(report)
    assert checked.errors == [] and checked.model is not None
    assert checked.model.events[0].participants == 42  # type: ignore[attr-defined]
    assert ("Лист «Мероприятия», строка 2, столбец D («Количество участников»): прочитано число 42: «42 чел.» без "
            "единицы измерения") in [str(p) for p in checked.problems]


def test_a_full_name_typed_as_the_short_one_is_warned_about(edited: Edited) -> None:
    full = ("муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 56 с "
            "углублённым изучением отдельных предметов г. Томска: филиал")
    loaded = load(edited(lambda wb: wb["Заявка"].__setitem__(f"B{form_row('org.short_name')}", full)))
    assert loaded.errors == []
    assert [str(p) for p in loaded.problems if p.severity is Severity.WARNING] == [
        f"Лист «Заявка», строка {form_row('org.short_name')}, столбец B («Краткое наименование»): похоже на полное "
        "наименование (156 знаков): краткое — как в уставе, например «МАОУ гимназия № 56 г. Томска»; оно стоит в "
        "имени файла (длинное имя будет обрезано) и везде, где организация названа коротко"]
    short = load(edited(lambda wb: wb["Заявка"].__setitem__(f"B{form_row('org.short_name')}", "МАОУ СОШ № 32 им. "
                                                            "19-й гвардейской дивизии г. Томска")))
    assert [p for p in short.problems if p.severity is Severity.WARNING] == []


def test_number_sign_in_the_order_number_is_stripped(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(ORDER)
    ws = wb["Распоряжение"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Номер"))
    ws.cell(row, 2).value = "№ 312"
    wb.save(tmp_path / "р.xlsx")
    loaded = load(tmp_path / "р.xlsx")
    assert loaded.model is not None and loaded.model.number == "312"  # type: ignore[attr-defined]
    assert any("знак «№» убран" in p.message and p.severity is Severity.INFO for p in loaded.problems)


def test_the_example_filled_as_people_fill_it_goes_through_in_one_round() -> None:
    from docgen.text import NBSP

    path = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / \
        "Заявка МБОУ СОШ № 7 (заполнена как обычно).xlsx"
    loaded = load(path)
    assert loaded.errors == [] and loaded.model is not None
    assert {p.severity for p in loaded.problems} == {Severity.INFO}  # only what was tidied, said as «сведения»
    app = loaded.model
    assert app.profile.key == "tomsk" and app.org.head_position == "директор"  # type: ignore[attr-defined]
    assert "«Средняя общеобразовательная школа № 7»" in app.org.full_name  # type: ignore[attr-defined]
    labels = [e.when.label.replace(NBSP, " ") for e in app.roadmap]  # type: ignore[attr-defined]
    assert labels[:5] == ["19.10.2023", "ноябрь – декабрь 2023 г.", "март 2024 г.", "IV квартал 2024 г.",
                          "январь 2025 г."]
    assert "в течение учебного года" in labels


QUOTED = 'Конкурс "Школа "Радуга"" и «Проект "Старт"»'
QUOTED_PRINTED = "Конкурс «Школа „Радуга“» и «Проект „Старт“»"


def test_quotes_and_years_print_tidied_in_every_kind_of_field(edited: Edited, tmp_path: Path) -> None:
    """Straight and nested quotes and a hyphenated span of years, typed into a short and a long field of the form,
    a list column and a free column of a table, and the organization's name, print tidied in the paper and its
    file name; nothing straight is left anywhere in the document."""
    def row_of(ws: openpyxl.worksheet.worksheet.Worksheet, label: str) -> int:
        return next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith(label))

    def edit(wb: openpyxl.Workbook) -> None:
        form = wb["Заявка"]
        form.cell(row_of(form, "Краткое наименование"), 2).value = 'МАОУ "Гимназия "Эрудит""'
        form.cell(row_of(form, "Тема"), 2).value = QUOTED + " в 2023-2024 учебном году"
        roadmap = wb["Дорожная карта"]
        roadmap["A2"] = QUOTED  # Мероприятие: a long text column
        roadmap["B2"] = '"Мировое кафе"'  # Форма проведения: a list column, any value allowed
        products = wb["Продукты"]
        products["B2"] = QUOTED  # Наименование продукта

    out = tmp_path / "out"
    [outcome] = render_many([edited(edit)], out, formats=("docx",))
    assert outcome.ok, outcome.error
    [name] = [p.name for p in out.iterdir()]
    assert name == "Заявка стажировочная ОО МАОУ «Гимназия „Эрудит“».docx"
    doc = Document(out / name)
    body = [flat(t) for t in [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows
                                                                   for c in row.cells]]
    assert QUOTED_PRINTED + " в 2023–2024 учебном году" in body
    assert f"{QUOTED_PRINTED} (форма проведения: «Мировое кафе»)" in body
    assert QUOTED_PRINTED in body
    assert any("директор МАОУ «Гимназия „Эрудит“»" in t for t in body)  # declined: a name in quotes stays
    everything = "".join(body)
    assert '"' not in everything and "”" not in everything
    assert everything.count("“") == everything.count("„")  # each „ closed by its “
