"""Dates and terms as Russians write them: read in their kind, printed in one normal form; plurals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from docgen.dates import DateError, parse_day, parse_term
from docgen.loader import load
from docgen.models import EventDate
from docgen.text import NBSP, plural

Edited = Callable[..., Path]


@pytest.mark.parametrize(("typed", "expected"), [
    ("15 октября 2023", date(2023, 10, 15)),
    ("1 октября 2023 г.", date(2023, 10, 1)),
    ("«1» октября 2023 года", date(2023, 10, 1)),
    ("15.10.23", date(2023, 10, 15)),
    ("15/10/2023", date(2023, 10, 15)),
    ("15 окт. 2023", date(2023, 10, 15)),
    ("2023-10-15", date(2023, 10, 15)),
])
def test_a_day_as_people_write_it(typed: str, expected: date) -> None:
    assert parse_day(typed) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("окт. 2023", "здесь нужна дата с числом, а не месяц или период"),
    ("скоро", "ожидается дата, например 15.10.2023"),
    ("30 февраля 2024", "такой даты нет в календаре"),
])
def test_what_is_no_day_is_refused_saying_why(typed: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_day(typed)


@pytest.mark.parametrize(("typed", "kind", "label"), [
    ("15 октября 2023", "day", "15.10.2023"),
    ("1 октября 2023 г.", "day", "01.10.2023"),
    ("15.10.23", "day", "15.10.2023"),
    ("окт. 2023", "month", "октябрь 2023 г."),
    ("ноя.23", "month", "ноябрь 2023 г."),
    ("Ноября 2023 г.", "month", "ноябрь 2023 г."),
    ("ноябрь–декабрь 2023", "months", "ноябрь – декабрь 2023 г."),
    ("ноябрь - декабрь 2023 г.", "months", "ноябрь – декабрь 2023 г."),
    ("сентябрь 2023 – май 2024", "months", "сентябрь 2023 г. – май 2024 г."),
    ("декабрь–январь 2024", "months", "декабрь 2023 г. – январь 2024 г."),
    ("IV квартал 2023", "quarter", "IV квартал 2023 г."),
    ("4 кв. 2023 г.", "quarter", "IV квартал 2023 г."),
    ("15–16 октября 2023", "days", "15.10.2023 – 16.10.2023"),
    ("в течение 2023-2024 учебного года", "school_year", "в течение 2023–2024 учебного года"),
    ("в течение года", "yearly", "в течение учебного года"),
])
def test_a_term_keeps_its_kind_and_prints_in_one_form(typed: str, kind: str, label: str) -> None:
    when = EventDate(**parse_term(typed))
    assert when.kind == kind
    assert when.label.replace(NBSP, " ") == label


@pytest.mark.parametrize("typed", ["когда-нибудь", "потом", "13 квартал 2023", "май–апрель"])
def test_what_no_person_would_call_a_term_is_refused(typed: str) -> None:
    with pytest.raises(DateError, match="ожидается срок, например"):
        parse_term(typed)


def test_a_quarter_and_a_span_fall_in_the_school_year_they_start_in() -> None:
    assert EventDate(**parse_term("IV квартал 2023")).academic_year == 2023
    assert EventDate(**parse_term("I квартал 2024")).academic_year == 2023
    assert EventDate(**parse_term("сентябрь 2023 – май 2024")).academic_year == 2023


def test_a_roadmap_written_as_people_write_it_loads_and_every_year_event_is_in_each_year(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Дорожная карта"]
        ws["D3"] = "ноябрь–декабрь 2023"
        ws["D4"] = "I квартал 2024"
        ws["D5"] = "15 октября 2024 г."
        ws["D6"] = "в течение года"
        wb["Продукты"]["C2"] = "31 мая 2024 г."

    loaded = load(edited(edit))
    assert loaded.errors == [], [str(p) for p in loaded.errors]
    assert loaded.model is not None
    years = loaded.model.roadmap_years  # type: ignore[union-attr]
    labels = [[e.event.when.label.replace(NBSP, " ") for e in year.events] for year in years]
    assert all("в течение учебного года" in year for year in labels)  # «в течение года»: every year of the plan
    assert "ноябрь – декабрь 2023 г." in labels[0] and "I квартал 2024 г." in labels[0]
    assert [e.number for year in years for e in year.events] == list(range(1, sum(map(len, labels)) + 1))


def test_plural_forms() -> None:
    forms = ("знак", "знака", "знаков")
    assert [plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111, 1484)] == [
        "1 знак", "2 знака", "5 знаков", "11 знаков", "12 знаков", "21 знак", "22 знака", "25 знаков",
        "111 знаков", "1484 знака"]


def test_the_rationale_rule_counts_characters_in_correct_russian(edited: Edited) -> None:
    text = "а" * 1484
    loaded = load(edited(lambda wb: wb["Заявка"].__setitem__("B14", text)))
    [problem] = loaded.errors
    assert "1484 знака, нужно не менее 1500 знаков" in problem.message
    assert "допишите ещё 16 знаков" in problem.message


@pytest.mark.parametrize("number_format", ["mmm-yy", "[$-419]mmmm yyyy;@", "MMMM YYYY"])
def test_a_date_cell_shown_as_a_month_prints_as_the_month(edited: Edited, number_format: str) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        cell = wb["Дорожная карта"]["D3"]
        cell.value = date(2023, 11, 1)  # what Excel stores for a typed «ноябрь 2023»
        cell.number_format = number_format

    loaded = load(edited(edit))
    assert loaded.errors == []
    when = loaded.model.roadmap[1].when  # type: ignore[union-attr]
    assert when.kind == "month" and when.label.replace(NBSP, " ") == "ноябрь 2023 г."


def test_a_date_cell_shown_as_a_day_stays_a_day(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Дорожная карта"]["D3"] = date(2023, 11, 1)
        wb["Дорожная карта"]["D3"].number_format = "DD.MM.YYYY"

    loaded = load(edited(edit))
    assert loaded.model is not None and loaded.model.roadmap[1].when.label == "01.11.2023"  # type: ignore[attr-defined]
