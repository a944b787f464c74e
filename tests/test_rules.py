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
from docgen.models import Application, CriterionAnswer, EventDate, Report, RoadmapEvent
from docgen.rules import Finding, check_application, deadline_finding, report_due
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
    assert finding.message == "на 2025–2026 учебный год запланировано 1 мероприятие, рекомендуется не менее 2"
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
        "на 2024–2025 учебный год не запланировано ни одного мероприятия; план должен охватывать все 3 года",
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
    assert "вне учебных лет плана (2023–2024 … 2025–2026)" in errors[0].message
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
        (Severity.ERROR, "на 2026–2027 учебный год не запланировано ни одного мероприятия"),
    ]
    assert "все 4 года" in findings[0].message


def test_minimum_events_comes_from_the_profile(app: Application) -> None:
    findings = check_application(with_rules(app, min_events_per_year=4))
    assert [f.message for f in findings] == [
        f"на {y}–{y + 1} учебный год запланировано 3 мероприятия, рекомендуется не менее 4" for y in (2023, 2024, 2025)
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
    assert text.startswith("Лист «Дорожная карта»: на 2025–2026 учебный год запланировано 1 мероприятие")
    assert "п. 3.2" in text
    assert "форма заявки" in text


def test_empty_year_in_the_workbook_is_an_error(edited: Edited) -> None:
    loaded = load(edited(lambda wb: clear_roadmap_rows(wb, 8, 9, 10)))
    assert len(loaded.errors) == 1
    error = loaded.errors[0]
    assert error.where == CellRef(ROADMAP)
    assert error.message.startswith("на 2025–2026 учебный год не запланировано ни одного мероприятия")
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
    assert "вне учебных лет плана (2023–2024 … 2025–2026)" in error.message
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


# --- the report's deadline (Tomsk order, п. 2.4) ----------------------------------------------------------------

REPORT = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx"


@pytest.fixture
def report() -> Report:
    model = load(REPORT).model
    assert isinstance(model, Report)
    assert model.term_end == date(2023, 12, 31)
    return model


@pytest.mark.parametrize(("today", "severity", "message"), [
    (date(2023, 12, 20), Severity.INFO,
     "срок деятельности ещё не окончен (до 31.12.2023 — 11 дней); отчёт сдаётся до 14.01.2024"),
    (date(2023, 12, 31), Severity.INFO, "отчёт нужно сдать до 14.01.2024: осталось 14 дней"),
    (date(2024, 1, 1), Severity.INFO, "отчёт нужно сдать до 14.01.2024: осталось 13 дней"),
    (date(2024, 1, 12), Severity.INFO, "отчёт нужно сдать до 14.01.2024: осталось 2 дня"),
    (date(2024, 1, 13), Severity.INFO, "отчёт нужно сдать до 14.01.2024: осталось 1 день"),
    (date(2024, 1, 14), Severity.INFO, "отчёт нужно сдать до 14.01.2024: сегодня последний день"),
    (date(2024, 1, 15), Severity.WARNING, "срок сдачи отчёта прошёл 14.01.2024: просрочено на 1 день"),
    (date(2024, 1, 19), Severity.WARNING, "срок сдачи отчёта прошёл 14.01.2024: просрочено на 5 дней"),
    (date(2024, 2, 4), Severity.WARNING, "срок сдачи отчёта прошёл 14.01.2024: просрочено на 21 день"),
])
def test_report_deadline_is_14_days_after_the_term(report: Report, today: date, severity: Severity,
                                                   message: str) -> None:
    assert report_due(report) == date(2024, 1, 14)
    found = deadline_finding(report, today)
    assert found is not None
    assert (found.severity, found.message) == (severity, message)
    assert found.loc == ("term_end",)
    assert found.rule is not None and "п. 2.4" in found.rule


def test_deadline_days_come_from_the_profile(report: Report) -> None:
    rules = report.profile.rules.model_copy(update={"report_deadline_days": 30})
    longer = report.model_copy(update={"profile": report.profile.model_copy(update={"rules": rules})})
    assert report_due(longer) == date(2024, 1, 30)
    none = report.profile.rules.model_copy(update={"report_deadline_days": None})
    no_deadline = report.model_copy(update={"profile": report.profile.model_copy(update={"rules": none})})
    assert deadline_finding(no_deadline, date(2030, 1, 1)) is None


def test_report_checks_point_at_the_cells(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(REPORT)
    wb["Отчёт"]["B13"] = date(2021, 1, 1)  # term end before its start: a rule over two valid cells
    copy = tmp_path / "срок.xlsx"
    wb.save(copy)
    [problem] = load(copy, today=date(2024, 1, 5)).errors
    assert str(problem) == ("Лист «Отчёт», строка 13, столбец B («Окончание срока деятельности»): окончание срока "
                            "деятельности раньше его начала")
    wb = openpyxl.load_workbook(REPORT)
    wb["Проекты стажёров"]["C3"] = "school19.example.tomsk.ru/проект"  # not a URL
    wb["Мероприятия"]["D4"] = -3
    copy = tmp_path / "отчёт.xlsx"
    wb.save(copy)
    loaded = load(copy, today=date(2024, 1, 5))
    errors = [(p.where.sheet, p.where.row, p.where.column) for p in loaded.errors if p.where]
    assert ("Проекты стажёров", 3, "C") in errors
    assert ("Мероприятия", 4, "D") in errors
    messages = {str(p) for p in loaded.errors}
    assert ("Лист «Проекты стажёров», строка 3, столбец C («Ссылка на сайте ОО»): введено "
            "«school19.example.tomsk.ru/проект»; ожидается адрес сайта, начинающийся с http:// или https://, "
            "например https://school56.ru") in messages
    assert ("Лист «Мероприятия», строка 4, столбец D («Количество участников»): введено «-3»; "
            "ожидается целое число не меньше 0, например 25"
            in messages)


# --- the Turochak indicators -------------------------------------------------------------------------------------

TUROCHAK = Path(__file__).resolve().parent.parent / "examples" / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx"


@pytest.fixture
def turochak_app() -> Application:
    model = load(TUROCHAK).model
    assert isinstance(model, Application)
    return model


def with_answers(app: Application, met: list[bool], evidence: str | None = "приказ № 1") -> Application:
    answers = [CriterionAnswer(text=c.text, met=m, evidence=evidence if m else None)
               for c, m in zip(app.profile.criteria, met, strict=True)]
    return app.model_copy(update={"criteria": answers})


def test_turochak_example_meets_the_indicators(turochak_app: Application) -> None:
    assert check_application(turochak_app) == []


def test_applicant_meeting_none_of_the_four_is_reported(turochak_app: Application) -> None:
    findings = check_application(with_answers(turochak_app, [True, False, False, False, False]))
    assert [(f.loc, f.severity) for f in findings] == [(("criteria",), Severity.ERROR)]
    assert "ни одному из четырёх дополнительных показателей" in findings[0].message
    assert findings[0].rule is not None and "перед п. 3.1" in findings[0].rule


def test_base_indicator_is_required(turochak_app: Application) -> None:
    findings = check_application(with_answers(turochak_app, [False, True, False, False, False]))
    assert [f.loc for f in findings] == [("criteria", 0, "met")]
    assert "базовый показатель обязателен" in findings[0].message


def test_met_indicator_needs_evidence(turochak_app: Application) -> None:
    findings = check_application(with_answers(turochak_app, [True, True, False, False, False], evidence=None))
    assert [f.loc for f in findings] == [("criteria", 0, "evidence"), ("criteria", 1, "evidence")]


def test_changed_indicator_text_is_an_error(turochak_app: Application) -> None:
    answers = list(turochak_app.criteria)
    answers[2] = answers[2].model_copy(update={"text": "имеет опыт"})
    findings = check_application(turochak_app.model_copy(update={"criteria": answers}))
    assert ("criteria", 2, "text") in [f.loc for f in findings]
    assert any(f.message.startswith("нет строки показателя") for f in findings)


def test_turochak_profile_switches_tomsk_only_rules_off(turochak_app: Application) -> None:
    short = turochak_app.model_copy(update={"rationale": "Кратко."})
    assert check_application(short) == []  # no ½-page rule in the Turochak Положение
    assert turochak_app.profile.rules.plan_years == 1
