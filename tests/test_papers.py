"""Every paper of both municipalities, rendered from the shipped examples and read back with python-docx."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from docgen.kinds import PAPERS
from docgen.loader import load
from docgen.models import Application, Plan, PracticeReport, Report
from docgen.pipeline import render_many
from docgen.render import Renderer, template_path
from tests.conftest import untypeset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NBSP = "\u00a0"


def rendered(path: Path) -> tuple[Document, object]:
    loaded = load(path)
    assert loaded.model is not None and not loaded.errors, [str(p) for p in loaded.errors]
    paper = PAPERS[loaded.model.kind]
    blob = Renderer(template_path(paper.template), paper.model).render(loaded.model)
    return Document(io.BytesIO(blob)), loaded.model


def paragraphs(doc: Document) -> list[str]:
    return [untypeset(p.text) for p in doc.paragraphs]


def rows(table: object) -> list[list[str]]:
    return [[untypeset(c.text) for c in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def positions(texts: list[str], heads: list[str]) -> list[int]:
    return [next(i for i, t in enumerate(texts) if t.startswith(h)) for h in heads]


@pytest.mark.parametrize("kind", list(PAPERS))
def test_every_template_honours_its_model(kind: str) -> None:
    paper = PAPERS[kind]
    Renderer(template_path(paper.template), paper.model)


def test_tomsk_report_sections_in_order_with_table_total_and_links() -> None:
    doc, model = rendered(EXAMPLES / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx")
    assert isinstance(model, Report)
    texts = paragraphs(doc)
    assert texts[0] == "Директору МАУ ИМЦ"
    assert texts[1] == f"В.В.{NBSP}Пустоваловой"
    heads = ["1) Задачи реализации программы", "2) Промежуточные результаты", "3) Мероприятия (перечень, формы,",
             "4) Продукты программы", "– перечень проектов стажеров", "– презентация образовательных продуктов",
             "– индивидуальный образовательный продукт", "– другое:", "5) Вносимые корректировки и их обоснования"]
    found = positions(texts, heads)
    assert found == sorted(found)
    events, projects, products = doc.tables[0], doc.tables[1], doc.tables[2]
    event_rows = rows(events)
    assert event_rows[0] == ["№ пп", "Мероприятие", "Форма проведения", "Дата проведения", "Количество участников"]
    body = event_rows[1:-1]
    assert len(body) == len(model.events)
    assert [r[0] for r in body] == [str(n) for n in range(1, len(body) + 1)]
    total = sum(int(r[4]) for r in body)
    assert event_rows[-1][0] == "Итого участников"
    assert event_rows[-1][-1] == str(total) == str(sum(e.participants for e in model.events))
    links = [r[3] for r in rows(projects)[1:]]
    assert links == [p.link for p in model.trainee_projects]
    assert all(link.startswith("https://") for link in links)
    product_links = [r[3] for r in rows(products)[1:]]
    assert product_links == [p.link or "—" for p in model.products]
    assert doc.tables[-1].cell(0, 2).text == f"/{NBSP}{model.org.head_name.initials_surname}"


def test_report_total_is_computed_not_typed() -> None:
    _, model = rendered(EXAMPLES / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx")
    assert isinstance(model, Report)
    changed = model.model_copy(update={"events": [*model.events, model.events[0].model_copy(
        update={"participants": 1000})]})
    doc = Document(io.BytesIO(Renderer(template_path("otchet.docx"), Report).render(changed)))
    assert rows(doc.tables[0])[-1][-1] == str(model.participants_total + 1000)


def test_turochak_practice_report() -> None:
    doc, model = rendered(EXAMPLES / "turochak" / "Отчет по практике МБОУ Турочакская СОШ.xlsx")
    assert isinstance(model, PracticeReport)
    texts = paragraphs(doc)
    # п. 4.5: to the coordinator; п. 4.6: one of the Управление's methodists; the full name typed, «И.О. Фамилия»
    # printed in the dative (ГОСТ Р 7.0.97, 5.15)
    assert texts[:2] == ["Координатору стажировочной площадки, методисту Управления образования Администрации МО "
                         "«Турочакский район»", f"Н.В.{NBSP}Сидоровой"]
    assert model.coordinator == "Сидорова Наталья Викторовна"
    assert "по практике на стажировочной площадке" in texts
    heads = ["1. Программа стажировки", "2. Стажёры", "3. Проведённые мероприятия", "4. Результаты практики",
             "5. Информация о деятельности", "6. Предложения"]
    found = positions(texts, heads)
    assert found == sorted(found)
    trainees = rows(doc.tables[0])
    assert [r[1] for r in trainees[1:-1]] == [t.name for t in model.trainees]
    assert trainees[-1][-1] == str(sum(t.hours or 0 for t in model.trainees))
    assert "—" in [r[5] for r in trainees[1:-1]]  # a trainee without hours shows a dash, not «None»
    events = rows(doc.tables[1])
    assert events[-1][-1] == str(model.participants_total)
    assert doc.tables[-1].cell(0, 0).text == "Руководитель\nстажировочной площадки"
    assert doc.tables[-1].cell(0, 2).text == f"/{NBSP}{model.site_head.initials_surname}"


def test_plan_from_its_own_workbook() -> None:
    doc, model = rendered(EXAMPLES / "tomsk" / "План МАОУ гимназия № 56 на 2024-2025.xlsx")
    assert isinstance(model, Plan)
    texts = paragraphs(doc)
    assert texts[0] == "УТВЕРЖДАЮ"
    assert texts[1] == "Директор МАОУ гимназии №\u00a056\u00a0г.\u00a0Томска"  # the genitive, as in № 477
    assert "на 2024–2025 учебный год" in texts
    table = rows(doc.tables[0])
    assert table[0] == ["№ пп", "Мероприятие", "Форма проведения", "Сроки исполнения", "Ответственный за реализацию"]
    assert [r[1] for r in table[1:]] == [e.title for e in sorted(model.events, key=lambda e: e.when.sort_key)]
    assert model.file_stem == "План стажировочной ОО МАОУ гимназия № 56 г. Томска на 2024–2025 учебный год"


def test_plan_from_one_year_of_the_zayavka_roadmap() -> None:
    _, app = rendered(EXAMPLES / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx")
    assert isinstance(app, Application)
    plan = app.plan_for(2024)
    assert [e.title for e in plan.events] == [e.title for e in app.roadmap if e.when.academic_year == 2024]
    assert len(plan.events) == 3
    doc = Document(io.BytesIO(Renderer(template_path("plan.docx"), Plan).render(plan)))
    assert "на 2024–2025 учебный год" in paragraphs(doc)
    assert "«____» ______________ 20____ г." in paragraphs(doc)  # no approval date given


def test_turochak_zayavka_has_the_criteria_and_its_own_addressee() -> None:
    doc, model = rendered(EXAMPLES / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx")
    assert isinstance(model, Application)
    texts = paragraphs(doc)
    # addressed to a body: its name in the nominative, without «В» (ГОСТ Р 7.0.97, 5.15)
    assert texts[0] == "Управление образования Администрации МО «Турочакский район»"
    assert "на присвоение статуса стажировочной площадки Турочакского района" in texts
    assert any(t.startswith("3. Обоснование") and t.endswith("Турочакского района.") for t in texts)
    assert "5. План деятельности/дорожная карта стажировочной площадки на 1 год (2025–2026)." in texts
    criteria = rows(doc.tables[2])
    assert criteria[0] == ["№ пп", "Показатель", "Соответствует", "Подтверждение"]
    assert [r[1] for r in criteria[1:]] == [c.text for c in model.profile.criteria]
    assert [r[2] for r in criteria[1:]] == ["да" if a.met else "нет" for a in model.criteria]
    assert model.file_stem == "Заявка стажировочная площадка МБОУ «Артыбашская СОШ»"


def test_tomsk_zayavka_has_no_criteria_section() -> None:
    doc, _ = rendered(EXAMPLES / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx")
    assert not any(t.startswith("6. Соответствие") for t in paragraphs(doc))
    assert len(doc.tables) == 3  # products, roadmap, signature


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.xlsx")), ids=lambda p: p.name)
def test_every_example_checks_clean(path: Path) -> None:
    from datetime import date

    loaded = load(path, today=date(2024, 1, 5))
    assert not loaded.errors
    assert [p for p in loaded.warnings if p.severity.name == "WARNING"] == []


@pytest.mark.parametrize("content", sorted(EXAMPLES.rglob("*-content.json")), ids=lambda p: p.name)
def test_committed_workbooks_match_their_content(content: Path) -> None:
    import json

    data = json.loads(content.read_text(encoding="utf-8"))
    loaded = load(content.parent / data["file"])
    assert loaded.model is not None
    if "org.short_name" in data["form"]:
        assert loaded.model.org.short_name == data["form"]["org.short_name"]  # type: ignore[attr-defined]
    for key, records in data["tables"].items():
        assert len(getattr(loaded.model, key)) == len(records), key


def test_a_school_paper_lists_a_declined_name_only_when_it_is_uncertain(tmp_path: Path) -> None:
    """The заявка declines the school's name («директор МАОУ гимназии № 56»); a review list comes with it only when
    that form may be wrong, unlike the order, whose every form is listed."""
    source = EXAMPLES / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
    wb = openpyxl.load_workbook(source)
    ws = wb["Заявка"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("Краткое наименование"))
    ws.cell(row, 2).value = "МАУ ДО Станция Ромашка"
    risky = tmp_path / "станция.xlsx"
    wb.save(risky)
    out = tmp_path / "out"
    outcomes = render_many([source, risky], out, formats=("docx",))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    reviews = sorted(p.name for p in out.iterdir() if p.suffix == ".csv")
    assert reviews == ["Проверка склонений — Заявка стажировочная ОО МАУ ДО Станция Ромашка.csv"]
    listed = (out / reviews[0]).read_text(encoding="utf-8-sig")
    assert "МАУ ДО Станции Ромашки" in listed and "в кавычках" in listed
    doc = Document(out / "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска.docx")
    assert f"директор МАОУ гимназии №{NBSP}56{NBSP}г.{NBSP}Томска" in paragraphs(doc)[2]
