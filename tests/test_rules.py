"""Check the regulation's rules: events per school year, the plan's years, the обоснование's length."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen.errors import CellRef, Severity
from docgen.loader import load
from docgen.models import Application, EventDate, RoadmapEvent
from docgen.rules import Finding, check_application
from docgen.schema import ZAYAVKA

Edited = Callable[..., Path]
ROADMAP = "Дорожная карта"


@pytest.fixture
def app(example: Path) -> Application:
    model = load(example).model
    assert model is not None
    return model


def with_rules(app: Application, **changes: Any) -> Application:
    rules = app.profile.rules.model_copy(update=changes)
    return app.model_copy(update={"profile": app.profile.model_copy(update={"rules": rules})})


def with_roadmap(app: Application, events: list[RoadmapEvent]) -> Application:
    return app.model_copy(update={"roadmap": events})


def moved(event: RoadmapEvent, when: EventDate) -> RoadmapEvent:
    return event.model_copy(update={"when": when})


def in_year(app: Application, start: int) -> list[RoadmapEvent]:
    return [e for e in app.roadmap if e.when.academic_year == start]


def form_row(key: str) -> int:
    return 2 + [c.key for c in ZAYAVKA.form.fields].index(key)


def clear_roadmap_rows(wb: openpyxl.Workbook, *rows: int) -> None:
    for row in rows:
        for column in "ABCDEFG":
            wb[ROADMAP][f"{column}{row}"] = None


# --- on the model ----------------------------------------------------------------------------------------------


def test_example_breaks_no_rule(app: Application) -> None:
    assert check_application(app) == []


def test_year_with_one_event_is_a_warning_citing_both_rules(app: Application) -> None:
    events = [e for e in app.roadmap if e not in in_year(app, 2025)[1:]]
    findings = check_application(with_roadmap(app, events))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.WARNING
    assert finding.loc == ("roadmap",)
    assert finding.message == "на 2025-2026 учебный год запланировано мероприятий: 1, рекомендуется не менее 2"
    assert finding.rule is not None
    assert "п. 3.2" in finding.rule
    assert "форма заявки" in finding.rule


def test_year_with_two_events_is_enough(app: Application) -> None:
    events = [e for e in app.roadmap if e not in in_year(app, 2024)[2:]]
    assert len(in_year(with_roadmap(app, events), 2024)) == 2
    assert check_application(with_roadmap(app, events)) == []


def test_year_without_events_is_an_error(app: Application) -> None:
    events = [e for e in app.roadmap if e.when.academic_year != 2024]
    findings = check_application(with_roadmap(app, events))
    assert findings == [Finding(
        ("roadmap",),
        "на 2024-2025 учебный год не запланировано ни одного мероприятия; план должен охватывать все 3 года",
        app.profile.rules.plan_rule,
        Severity.ERROR,
    )]
    assert "форма заявки, п. 5" in app.profile.rules.plan_rule


def test_event_outside_the_plan_years_is_an_error_at_its_row(app: Application) -> None:
    events = list(app.roadmap)
    events[4] = moved(events[4], EventDate(year=2026, month=9))  # school year 2026-2027: after the plan
    findings = check_application(with_roadmap(app, events))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert len(errors) == 1
    assert errors[0].loc == ("roadmap", 4, "when")
    assert errors[0].message.startswith("срок «сентябрь")
    assert "вне учебных лет плана (2023-2024 … 2025-2026)" in errors[0].message
    assert errors[0].rule == app.profile.rules.plan_rule
    # the event left 2024-2025 with two events: still enough, no warning
    assert findings == errors


@pytest.mark.parametrize(("when", "inside"), [
    (EventDate(year=2023, month=9, day=1), True),  # first day of the first school year
    (EventDate(year=2023, month=8, day=31), False),  # the summer before it
    (EventDate(year=2026, month=8, day=31), True),  # last day of the last school year
    (EventDate(year=2026, month=9), False),
    (EventDate(year=2022, month=12), False),
])
def test_plan_years_are_school_years(app: Application, when: EventDate, inside: bool) -> None:
    events = [*app.roadmap, moved(app.roadmap[0], when)]
    outside = [f.loc for f in check_application(with_roadmap(app, events)) if f.severity is Severity.ERROR]
    assert outside == ([] if inside else [("roadmap", 9, "when")])


def test_plan_of_four_years_needs_events_in_the_fourth(app: Application) -> None:
    findings = check_application(with_rules(app, plan_years=4))
    assert [(f.severity, f.message.split(";")[0]) for f in findings] == [
        (Severity.ERROR, "на 2026-2027 учебный год не запланировано ни одного мероприятия"),
    ]
    assert "все 4 года" in findings[0].message


def test_minimum_events_comes_from_the_profile(app: Application) -> None:
    findings = check_application(with_rules(app, min_events_per_year=4))
    assert [f.message for f in findings] == [
        f"на {y}-{y + 1} учебный год запланировано мероприятий: 3, рекомендуется не менее 4" for y in (2023, 2024, 2025)
    ]
    assert all(f.severity is Severity.WARNING for f in findings)


def test_rationale_as_long_as_the_minimum_is_enough(app: Application) -> None:
    assert check_application(with_rules(app, min_rationale_chars=len(app.rationale))) == []


def test_rationale_shorter_than_the_profile_minimum_is_an_error(app: Application) -> None:
    length = len(app.rationale)
    findings = check_application(with_rules(app, min_rationale_chars=length + 1))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.ERROR
    assert finding.loc == ("rationale",)
    assert finding.message.startswith(f"обоснование слишком короткое: {length} знаков, нужно не менее {length + 1}")
    assert finding.rule is not None
    assert "0,5" in finding.rule


def test_site_date_before_due_date_is_a_warning(app: Application) -> None:
    products = list(app.products)
    products[1] = products[1].model_copy(update={"site_date": date(2025, 1, 1)})
    findings = check_application(app.model_copy(update={"products": products}))
    assert findings == [Finding(
        ("products", 1, "site_date"),
        "дата размещения на сайте раньше срока предоставления продукта; проверьте даты",
        None,
        Severity.WARNING,
    )]


# --- through the workbook: findings point at cells -------------------------------------------------------------


def test_one_event_year_in_the_workbook_is_a_warning_on_the_roadmap(edited: Edited) -> None:
    loaded = load(edited(lambda wb: clear_roadmap_rows(wb, 9, 10)))
    assert loaded.errors == []
    assert loaded.model is not None
    assert len(loaded.warnings) == 1
    warning = loaded.warnings[0]
    assert warning.where == CellRef(ROADMAP)
    text = str(warning)
    assert text.startswith("Лист «Дорожная карта»: на 2025-2026 учебный год запланировано мероприятий: 1")
    assert "п. 3.2" in text
    assert "форма заявки" in text


def test_empty_year_in_the_workbook_is_an_error(edited: Edited) -> None:
    loaded = load(edited(lambda wb: clear_roadmap_rows(wb, 8, 9, 10)))
    assert len(loaded.errors) == 1
    error = loaded.errors[0]
    assert error.where == CellRef(ROADMAP)
    assert error.message.startswith("на 2025-2026 учебный год не запланировано ни одного мероприятия")
    assert loaded.model is not None
    assert error.rule == loaded.model.profile.rules.plan_rule
    assert "форма заявки, п. 5" in str(error)


def test_event_outside_the_plan_in_the_workbook_is_an_error_at_its_cell(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        clear_roadmap_rows(wb, 5)  # a blank row above: the finding must still land on row 10
        wb[ROADMAP]["D10"] = "сентябрь 2026"

    loaded = load(edited(edit))
    assert len(loaded.errors) == 1
    error = loaded.errors[0]
    assert error.where == CellRef(ROADMAP, 10, "D", "Сроки проведения")
    assert str(error).startswith("Лист «Дорожная карта», строка 10, столбец D («Сроки проведения»): срок «сентябрь")
    assert "вне учебных лет плана (2023-2024 … 2025-2026)" in error.message
    assert "«Первый учебный год плана» на листе «Заявка»" in error.message


def test_short_rationale_in_the_workbook_is_an_error_at_its_cell(edited: Edited) -> None:
    row = form_row("rationale")
    loaded = load(edited(lambda wb: wb["Заявка"].__setitem__(f"B{row}", "Коротко.")))
    assert len(loaded.problems) == 1
    error = loaded.errors[0]
    assert error.where == CellRef("Заявка", row, "B", "Обоснование актуальности и значимости")
    assert error.message.startswith("обоснование слишком короткое: 8 знаков, нужно не менее 1500")
    assert "0,5" in str(error)


def test_site_date_warning_in_the_workbook_is_at_its_cell(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb["Продукты"].__setitem__("D2", date(2024, 5, 1))))
    assert loaded.errors == []
    assert [p.where for p in loaded.warnings] == [CellRef("Продукты", 2, "D", "Размещение на сайте")]
