"""The department's order regenerated from its workbook, compared with the seed № 477 point by point.

Every difference between the seed and the generated text is a deliberate correction listed here with its reason;
anything else that differs fails the test.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from docgen.loader import load
from docgen.models import Named, Order
from docgen.pipeline import render_many, review_csv
from docgen.render import Renderer, template_path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "tomsk" / "Распоряжение № 477 от 04.05.2023.xlsx"
# a copy of the regulation's text kept with the tests: nothing outside the repository is needed to run them
SEED = Path(__file__).resolve().parent / "regulations" / "tomsk-rasporyazhenie-477.txt"
NUM = re.compile(r"^(\d+(?:\.\d+)*\.)\s")

LIST_24_SEED = ("МБОУ лицея при ТПУ, МАОУ гимназии № 56, МАОУ СОШ № 19, МАОУ СОШ № 16, 32 (сетевая программа), "
                "МАДОУ № 5, МАДОУ № 28, МБДОУ № 30, МАДОУ № 83 МАДОУ № 4 «Монтессори», МАДОУ № 53, МАДОУ № 73, "
                "МАДОУ № 96, МАОУ ДО детско-юношеского центра «Звездочка», МАОУ ДО ДЮЦ «Синяя птица», МБОУ ДО ДДЮ "
                "«Кедр», МАОУ ДО Центра сибирского фольклора")
LIST_24_OURS = ("МБОУ лицея при ТПУ, МАОУ СОШ № 19, МАДОУ № 5, МАДОУ № 28, МБДОУ № 30, МАОУ ДО детско-юношеского "
                "центра «Звездочка», МАОУ ДО ДЮЦ «Синяя птица», МБОУ ДО ДДЮ «Кедр», МАОУ ДО Центра сибирского "
                "фольклора, МАДОУ № 83, МАОУ гимназии № 56, МАОУ СОШ № 16, 32 (сетевая программа), МАДОУ № 4 "
                "«Монтессори», МАДОУ № 53, МАДОУ № 73, МАДОУ № 96")
DATE_STYLE = "ГОСТ Р 7.0.97, 5.10: цифровая дата без «года»; тире между перечнем и датой"

# (seed text, replacement, why): applied in order to the seed's point, they must give the generated point exactly.
CORRECTIONS: list[list[tuple[str, str, str]]] = [
    [],  # 1.
    [],  # 2.
    [("детско-юношескому центру", "детско-юношеским центром", "творительный падеж, как у остальных"),
     ("Центру сибирского", "Центром сибирского", "творительный падеж, как у остальных"),
     ("фольклора-31.12.2023 года.", "фольклора — 31.12.2023.", DATE_STYLE)],
    [("№ 83-31.12.2024 года.", "№ 83 — 31.12.2024.", DATE_STYLE)],
    [("МАОУ гимназии № 56", "МАОУ гимназией № 56", "творительный падеж: в тексте ошибочно родительный"),
     ("№ 96-31.12.2025 года.", "№ 96 — 31.12.2025.", DATE_STYLE)],
    [(LIST_24_SEED, LIST_24_OURS, "перечень в порядке книги, как в пп. 2.1–2.3; пропущенная запятая после "
                                  "«МАДОУ № 83»")],
    [],  # 3.
    [("организаций", "организаций:", "вводная часть пункта с подпунктами кончается двоеточием")],
    [("с приложением к настоящему", "с приложением № 2 к настоящему",
      "у распоряжения три приложения: ссылка с номером (ГОСТ Р 7.0.97, 5.19)")],
    [("(Приложение к Положению о муниципальной стажировочной площадке на базе образовательной организации города "
      "Томска настоящего распоряжения)", "(приложение № 2 к настоящему распоряжению)",
      "форма заявки стала приложением № 2 распоряжения; ссылка по ГОСТ Р 7.0.97, 5.19"),
     ("pdf/скан в срок до 15.05.2023.", "pdf/скан. Срок: до 15.05.2023.", "срок — как у остальных поручений")],
    [],  # 5.
    [("4.1.", "5.1.", "подпункт пункта 5, а не 4: опечатка нумерации"),
     ("по 2026 год в срок до 31.05.2023 года.", "по 2026 год. Срок: до 31.05.2023.",
      "срок — как у остальных поручений; " + DATE_STYLE)],
    [("4.2.", "5.2.", "подпункт пункта 5, а не 4: опечатка нумерации"),
     ("МАУ ИМЦ не позже 5-ти дней", "МАУ ИМЦ. Срок: не позже 5 дней",
      "срок — как у остальных поручений; числительное без наращения")],
    [("5.", "6.", "пункт «5.» повторялся: пункты нумерует программа"),
     ("И.В. Швайко", "И.В. Швайко.", "точка в конце пункта")],
]
FORM_CORRECTIONS = [("- ", "– ", "перечень через короткое тире")]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("**", "")).strip()


def seed_points() -> tuple[list[str], list[str]]:
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index("1. Прекратить действие"):text.index("Начальник департамента")]
    points: list[str] = []
    form: list[str] = []
    last = ""
    for line in body.split("\n"):
        t = re.sub(r"^-\s*(?=\d\))", "", _norm(line))
        if not t:
            continue
        if NUM.match(t):
            points.append(t)
            last = "point"
        elif re.match(r"^\d\)", t) or t.startswith("-"):
            form.append(t)
            last = "form"
        elif last == "point":
            points[-1] += " " + t
        else:
            form[-1] += " " + t
    return points, form


@pytest.fixture(scope="module")
def order() -> Order:
    loaded = load(WORKBOOK)
    assert isinstance(loaded.model, Order), [str(p) for p in loaded.errors]
    return loaded.model


@pytest.fixture(scope="module")
def document(order: Order) -> Document:
    return Document(io.BytesIO(Renderer(template_path("rasporyazhenie.docx"), Order).render(order)))


def generated_points(doc: Document) -> tuple[list[str], list[str]]:
    points: list[str] = []
    form: list[str] = []
    for paragraph in doc.paragraphs:
        t = _norm(paragraph.text)
        if t.startswith("Приложение № 1"):  # _norm turned the non-breaking space into a space
            break
        if NUM.match(t):
            points.append(t)
        elif points and (t.startswith("–") or re.match(r"^\d\)", t)):
            form.append(t)
    return points, form


def test_seed_is_there() -> None:
    assert SEED.is_file(), "the seed regulation lives in tests/regulations"


def test_order_matches_the_seed_point_by_point(document: Document) -> None:
    ours, our_form = generated_points(document)
    seed, seed_form = seed_points()
    assert len(ours) == len(seed) == len(CORRECTIONS) == 14
    for number, (seed_text, generated, corrections) in enumerate(zip(seed, ours, CORRECTIONS, strict=True)):
        corrected = seed_text
        for old, new, why in corrections:
            assert old in corrected, f"point {number}: the correction «{old}» ({why}) no longer applies"
            corrected = corrected.replace(old, new, 1)
        assert generated == corrected, f"point {number}"
    for seed_line, generated in zip(seed_form, our_form, strict=True):
        corrected = seed_line
        for old, new, _ in FORM_CORRECTIONS:
            corrected = corrected.replace(old, new, 1) if corrected.startswith(old) else corrected
        assert generated == corrected


def test_numbering_has_no_repeats(document: Document) -> None:
    numbers = [NUM.match(p)[1] for p in generated_points(document)[0]]  # type: ignore[index]
    assert numbers == ["1.", "2.", "2.1.", "2.2.", "2.3.", "2.4.", "3.", "4.", "4.1.", "4.2.", "5.", "5.1.", "5.2.",
                       "6."]


def test_header_requisites_and_signature(document: Document) -> None:
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ["АДМИНИСТРАЦИЯ ГОРОДА ТОМСКА", "ДЕПАРТАМЕНТ ОБРАЗОВАНИЯ", "РАСПОРЯЖЕНИЕ"]
    requisites = document.tables[0]
    assert requisites.cell(0, 0).text == "04.05.2023"
    assert requisites.cell(0, 1).text == "№\u00a0477"
    signature = document.tables[1]
    assert signature.cell(0, 0).text == "Начальник департамента"
    assert signature.cell(0, 1).text == "М.Г.\u00a0Савенков"
    assert "Об организации работы на присвоение статуса муниципальной стажировочной площадки образовательным " \
           "организациям г. Томска" in texts


def test_annexes_start_on_new_pages_with_marks(document: Document) -> None:
    texts = [p.text for p in document.paragraphs]
    marks = [i for i, t in enumerate(texts) if t.startswith("Приложение №\u00a0")]
    assert [texts[i] for i in marks] == ["Приложение №\u00a01", "Приложение №\u00a02", "Приложение №\u00a03"]
    assert texts[marks[0] + 1: marks[0] + 4] == [
        "УТВЕРЖДЕНО", "распоряжением департамента образования администрации Города Томска",
        "от 04.05.2023 №\u00a0477"]
    assert texts[marks[1] + 1: marks[1] + 3] == [
        "к распоряжению департамента образования администрации Города Томска", "от 04.05.2023 №\u00a0477"]
    body = document.element.body.xml
    assert body.count('w:type="page"') == 3
    assert "Положение о муниципальной стажировочной площадке на базе образовательной организации города Томска" in (
        texts)
    assert "I. Общие положения" in texts
    assert "Перечень муниципальных стажировочных площадок" in texts


def test_each_annex_alone(order: Order) -> None:
    renderer = Renderer(template_path("rasporyazhenie.docx"), Order)
    variants = order.variants()
    assert [v.file_stem for v in variants] == [
        "Распоряжение № 477 от 04.05.2023",
        "Приложение № 1 к распоряжению № 477 от 04.05.2023",
        "Приложение № 2 к распоряжению № 477 от 04.05.2023",
        "Приложение № 3 к распоряжению № 477 от 04.05.2023",
    ]
    first = Document(io.BytesIO(renderer.render(variants[1])))
    texts = [p.text for p in first.paragraphs if p.text]
    assert texts[0] == "Приложение №\u00a01"
    assert "РАСПОРЯЖЕНИЕ" not in texts and "Приложение №\u00a02" not in texts
    assert 'w:type="page"' not in first.element.body.xml  # no blank first page
    form = Document(io.BytesIO(renderer.render(variants[2])))
    assert form.tables[0].rows[0].cells[0].text == "№ пп"
    sites = Document(io.BytesIO(renderer.render(variants[3])))
    assert sites.tables[0].cell(1, 1).text == "МАОУ гимназия № 56 г. Томска"


def test_one_command_writes_order_annexes_and_review_list(tmp_path: Path) -> None:
    [outcome] = render_many([WORKBOOK], tmp_path, formats=("docx",))
    assert outcome.ok, outcome.error
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([
        "Распоряжение № 477 от 04.05.2023.docx",
        "Приложение № 1 к распоряжению № 477 от 04.05.2023.docx",
        "Приложение № 2 к распоряжению № 477 от 04.05.2023.docx",
        "Приложение № 3 к распоряжению № 477 от 04.05.2023.docx",
        "Проверка склонений — Распоряжение № 477 от 04.05.2023.csv",
    ])
    review = (tmp_path / "Проверка склонений — Распоряжение № 477 от 04.05.2023.csv").read_bytes()
    assert review.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(review.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Проверить", "Исходная форма (им. п.)", "Падеж", "Получено"]
    assert rows[[r[1:3] for r in rows].index(
        ["МБОУ лицей при ТПУ", "тв"])][:4] == ["", "МБОУ лицей при ТПУ", "тв", "МБОУ лицеем при ТПУ"]
    marks = [r[0] for r in rows[1:]]
    assert set(marks) <= {"да", ""}
    assert marks == sorted(marks, reverse=True)  # risky forms first (none of № 477's forms is uncertain now)
    assert review_csv([]).decode("utf-8-sig").count("\r\n") == 1


def test_a_hand_typed_form_always_wins(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb["Прекращение"]
    ws["C2"] = "МБОУ лицеем при Томском политехническом университете"
    path = tmp_path / "распоряжение.xlsx"
    wb.save(path)
    loaded = load(path)
    assert isinstance(loaded.model, Order)
    doc = Document(io.BytesIO(Renderer(template_path("rasporyazhenie.docx"), Order).render(loaded.model)))
    point = next(p.text for p in doc.paragraphs if p.text.startswith("2.1."))
    assert point.startswith("2.1. МБОУ лицеем при Томском политехническом университете, МАОУ СОШ")
    point_24 = next(p.text for p in doc.paragraphs if p.text.startswith("2.4."))
    assert "Руководителям МБОУ лицея при ТПУ," in point_24  # only the instrumental was typed by hand


def test_sub_points_grouped_by_date_in_workbook_order(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb["Прекращение"]
    ws.insert_rows(2)
    ws["A2"] = "МАДОУ № 1"
    ws["B2"] = ws["B13"].value  # 31.12.2025 (the row of МАОУ гимназия № 56 after the insert)
    path = tmp_path / "распоряжение.xlsx"
    wb.save(path)
    loaded = load(path)
    assert isinstance(loaded.model, Order)
    groups = loaded.model.numbering.groups
    assert [g.end_label for g in groups] == ["31.12.2023", "31.12.2024", "31.12.2025"]
    assert [o.nominative for o in groups[2].orgs][:2] == ["МАДОУ № 1", "МАОУ гимназия № 56"]


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Швайко Ирина Викторовна", "И.В. Швайко"),
        ("И.В. Швайко", "И.В. Швайко"),
        ("Кулич Мария Петровна", "М.П. Кулич"),
        ("Пустовалов Валентин Васильевич", "В.В. Пустовалова"),
    ],
)
def test_control_person_printed_as_initials_and_surname(order: Order, typed: str, printed: str) -> None:
    """The workbook may hold the full name (it tells the gender); the order prints «И.О. Фамилия» in the accusative."""
    changed = order.model_copy(update={"control_person": Named(nominative=typed)})
    doc = Document(io.BytesIO(Renderer(template_path("rasporyazhenie.docx"), Order).render(changed)))
    control = next(_norm(p.text) for p in doc.paragraphs if "Контроль за исполнением" in p.text)
    assert control.endswith(f"Томска {printed}.")
