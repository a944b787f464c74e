"""The department's order regenerated from its workbook, compared with the seed № 477 point by point.

The order's points, its preamble, the Положение (annex № 1) and the Положение's own annex, the form of the заявка,
are each compared with the seed's text.  Every difference is a deliberate correction listed here with its reason
(README, «Чем документы docgen отличаются от № 477»); anything else that differs fails the test.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl.utils import get_column_letter

from docgen.loader import load
from docgen.models import FreePoint, Named, Order
from docgen.pipeline import render_many, review_csv
from docgen.render import Renderer, template_path
from tests.conftest import flat

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

DATE_GOST = "ГОСТ Р 7.0.97, 5.10: цифровая дата без «г.»"
FORM_REF = ("приложение к Положению о муниципальной стажировочной площадке на базе образовательной организации "
            "города Томска, утвержденному настоящим распоряжением")
CAPITAL = "после номера пункта — с прописной, как в пп. 5.1, 5.2 (ГОСТ Р 7.0.97, 5.18)"
YEARS = "годы через короткое тире без пробелов, как везде в документах docgen"

# (seed text, replacement, why): applied in order to the seed's point, they must give the generated point exactly.
CORRECTIONS: list[list[tuple[str, str, str]]] = [
    [("19.08.2014г.", "19.08.2014", DATE_GOST)],  # 1.
    [("19.08.2014г.", "19.08.2014", DATE_GOST)],  # 2.
    [("детско-юношескому центру", "детско-юношеским центром", "творительный падеж, как у остальных"),
     ("Центру сибирского", "Центром сибирского", "творительный падеж, как у остальных"),
     ("фольклора-31.12.2023 года.", "фольклора — 31.12.2023.", DATE_STYLE)],
    [("№ 83-31.12.2024 года.", "№ 83 — 31.12.2024.", DATE_STYLE)],
    [("МАОУ гимназии № 56", "МАОУ гимназией № 56", "творительный падеж: в тексте ошибочно родительный"),
     ("№ 96-31.12.2025 года.", "№ 96 — 31.12.2025.", DATE_STYLE)],
    [(LIST_24_SEED, LIST_24_OURS, "перечень в порядке книги, как в пп. 2.1–2.3; пропущенная запятая после "
                                  "«МАДОУ № 83»"),
     ("Приложением 3 к Положению", "приложением № 3 к Положению",
      "ссылка на приложение — со строчной и с «№» (ГОСТ Р 7.0.97, 5.19)"),
     ("19.08.2014г.", "19.08.2014", DATE_GOST)],
    [],  # 3.
    [("организаций", "организаций:", "вводная часть пункта с подпунктами кончается двоеточием")],
    [("4.1. формировать", "4.1. Формировать", CAPITAL),
     ("с приложением к настоящему распоряжению", "с " + FORM_REF.replace("приложение", "приложением", 1),
      "форма заявки — приложение к Положению (п. 3.2 Положения: «прилагается»), а не к распоряжению; "
      "так же, как в п. 4.2")],
    [("4.2. заявку", "4.2. Заявку", CAPITAL),
     ("2023-2024, 2024-2025", "2023–2024, 2024–2025", YEARS),
     ("(Приложение к Положению о муниципальной стажировочной площадке на базе образовательной организации города "
      "Томска настоящего распоряжения)", f"({FORM_REF})",
      "ссылка со строчной (ГОСТ Р 7.0.97, 5.19); «настоящего распоряжения» без связи — «утвержденному настоящим "
      "распоряжением»"),
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
PREAMBLE_CORRECTIONS = [
    ("10.06.2021 г. №521-р", "10.06.2021 № 521-р", DATE_GOST + "; пробел после «№»"),
    ("организацией", "организацией:", "перед пунктами — двоеточие"),
]
# The Положение (annex № 1): its paragraphs joined by newlines, each correction found exactly once.
POLOZHENIE_CORRECTIONS = [
    ("(далее стажировочная площадка)", "(далее – стажировочная площадка)", "пропущено тире"),
    ("администрации Города Томска\n6.", "администрации Города Томска.\n6.", "точка в конце п. 5"),
    ("настоящего положения.", "настоящего Положения.", "название документа — с прописной, как в пп. 2, 6 раздела IV"),
    ("образования, .", "образования.", "лишние запятая и пробел в конце п. 2.1"),
    ("организации, претендующем", "организации, претендующей", "согласование с «организации»"),
    ("Руководитель стажировочной площадкой", "Руководитель стажировочной площадки", "падеж: руководитель чего"),
    ("на базе которого создана", "на базе которой создана", "согласование с «организации»"),
    ("4.3.2 Руководитель", "4.3.2. Руководитель", "точка после номера пункта, как у 4.3.1"),
]
# The form of the заявка (the Положение's annex): body paragraphs and table rows, cells joined by tabs.
FORM_CORRECTIONS_TEXT = [
    ("Приложение к Положению", "Приложение\nк Положению", "отметка о приложении — в две строки, справа вверху"),
    ("В.В.Пустоваловой", "В.В. Пустоваловой", "пробел между инициалами и фамилией"),
    ("ФИО и должность руководителя, наименование организации",
     "______________________________\n(ФИО и должность руководителя, наименование организации)",
     "подпись под строкой для заполнения (ГОСТ Р 7.0.97)"),
    ("\nполное наименование организации", "\n____________________________________________________________\n"
                                          "(полное наименование организации)", "подпись под строкой для заполнения"),
    ("не менее 1-2 мероприятий", "не менее 1–2 мероприятий", "диапазон чисел — через короткое тире"),
    ("_____ 20____ год", "«____» ______________ 20____ г.", "строка даты по ГОСТ Р 7.0.97 (как в заявке)"),
    ("образовательной организации _____ / _____\nподпись\nрасшифровка подписи",
     "образовательной организации\t______________\t/ ______________\n\t(подпись)\t(расшифровка подписи)",
     "подпись таблицей; подписи к строкам в скобках"),
]
FORM_CORRECTIONS = [("- ", "– ", "перечень через короткое тире")]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", flat(text).replace("**", "")).strip()


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


def _seed_part(start: str, end: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin:text.index(end, begin)]


def _seed_list_item(line: str) -> str:
    """The seed's markdown list marks: «- 2.1. …» is a numbered point, «- включение …» a dash item."""
    t = _norm(line)
    t = re.sub(r"^-\s*(?=\d)", "", t)
    return re.sub(r"^-\s*", "– ", t)


def seed_polozhenie() -> str:
    """The Положение of № 477 after its title, up to its annex: paragraphs joined by newlines."""
    part = _seed_part("I. Общие положения", "Приложение к Положению")
    return "\n".join(t for t in (_seed_list_item(line) for line in part.split("\n")) if t)


def seed_form() -> str:
    """The form of the заявка in № 477, from its annex mark to the end; tabs between table cells kept."""
    text = SEED.read_text(encoding="utf-8")
    part = text[text.rindex("Приложение к Положению"):]  # the first one is the order's п. 4.2
    lines = (re.sub(r"[ \u00a0]+", " ", line).strip() for line in part.replace("**", "").split("\n"))
    return "\n".join(t for t in lines if t)


def body_texts(doc: Document) -> list[str]:
    """Every paragraph and table row of the body in reading order; a row's cells joined by tabs."""
    texts: list[str] = []
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            texts.append(Paragraph(element, doc).text)
        elif element.tag == qn("w:tbl"):
            texts += ["\t".join(c.text for c in row.cells) for row in Table(element, doc).rows]
    return texts


def corrected(seed: str, corrections: list[tuple[str, str, str]]) -> str:
    for old, new, why in corrections:
        assert seed.count(old) == 1, f"the correction «{old}» ({why}) must apply exactly once"
        seed = seed.replace(old, new)
    return seed


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


def test_preamble_matches_the_seed(document: Document) -> None:
    seed = _norm(_seed_part("В соответствии с распоряжением", "1. Прекратить действие"))
    ours = next(_norm(p.text) for p in document.paragraphs if p.text.startswith("В соответствии"))
    assert ours == corrected(seed, PREAMBLE_CORRECTIONS)


def test_polozhenie_matches_the_seed(document: Document) -> None:
    texts = [_norm(t) for t in body_texts(document)]
    begin = texts.index("I. Общие положения")
    end = texts.index("Приложение", begin)
    ours = "\n".join(t for t in texts[begin:end] if t)
    assert ours == corrected(seed_polozhenie(), POLOZHENIE_CORRECTIONS)


def test_form_is_the_annex_of_the_polozhenie_and_matches_the_seed(document: Document) -> None:
    texts = [re.sub(r"[ \u00a0]+", " ", t).strip(" ") for t in body_texts(document)]
    ours = "\n".join(t for t in texts[texts.index("Приложение"):] if t.strip(" \t"))  # no blank table row
    assert ours == corrected(seed_form(), FORM_CORRECTIONS_TEXT)
    # the Положение says where its annex is: п. 3.2 «(прилагается)»
    assert any("должна содержать (прилагается):" in t for t in texts)


def test_numbering_has_no_repeats(document: Document) -> None:
    numbers = [NUM.match(p)[1] for p in generated_points(document)[0]]  # type: ignore[index]
    assert numbers == ["1.", "2.", "2.1.", "2.2.", "2.3.", "2.4.", "3.", "4.", "4.1.", "4.2.", "5.", "5.1.", "5.2.",
                       "6."]


def test_header_requisites_and_signature(document: Document) -> None:
    texts = [flat(p.text) for p in document.paragraphs]
    assert texts[:3] == ["АДМИНИСТРАЦИЯ ГОРОДА ТОМСКА", "ДЕПАРТАМЕНТ ОБРАЗОВАНИЯ", "РАСПОРЯЖЕНИЕ"]
    requisites = document.tables[0]
    assert requisites.cell(0, 0).text == "04.05.2023"
    assert requisites.cell(0, 1).text == "№\u00a0477"
    signature = document.tables[1]
    assert signature.cell(0, 0).text == "Начальник департамента"
    assert signature.cell(0, 1).text == "М.Г.\u00a0Савенков"
    assert "Об организации работы на присвоение статуса муниципальной стажировочной площадки образовательным " \
           "организациям г. Томска" in texts


def test_the_polozhenie_is_the_only_annex_and_the_form_is_its_annex(document: Document) -> None:
    """№ 477's structure: one annex of the order (the Положение, «(приложение № 1)» in п. 3), whose own annex is
    the form (п. 3.2 of the Положение: «(прилагается)»); each starts on a new page with its mark top right."""
    texts = [p.text for p in document.paragraphs]
    marks = [i for i, t in enumerate(texts) if t.startswith("Приложение")]
    assert [texts[i] for i in marks] == ["Приложение №\u00a01", "Приложение"]
    assert texts[marks[0] + 1: marks[0] + 4] == [
        "УТВЕРЖДЕНО", "распоряжением департамента образования администрации Города Томска",
        "от 04.05.2023 №\u00a0477"]
    assert texts[marks[1] + 1] == ("к Положению о муниципальной стажировочной площадке на базе образовательной "
                                   "организации города Томска")
    assert texts[marks[1] + 2: marks[1] + 4] == ["Директору МАУ ИМЦ", "В.В.\u00a0Пустоваловой"]
    assert document.element.body.xml.count('w:type="page"') == 2
    assert "Положение о муниципальной стажировочной площадке на базе образовательной организации города Томска" in (
        texts)
    assert "Перечень муниципальных стажировочных площадок" not in texts  # № 477 assigns no status: no list


def test_each_annex_alone(order: Order) -> None:
    renderer = Renderer(template_path("rasporyazhenie.docx"), Order)
    variants = order.variants()
    assert [v.file_stem for v in variants] == [
        "Распоряжение № 477 от 04.05.2023",
        "Приложение № 1 к распоряжению № 477 от 04.05.2023",
    ]
    first = Document(io.BytesIO(renderer.render(variants[1])))
    texts = [p.text for p in first.paragraphs if p.text]
    assert texts[0] == "Приложение №\u00a01"
    assert "РАСПОРЯЖЕНИЕ" not in texts
    assert texts.count("Приложение") == 1  # the form comes with the Положение it belongs to
    assert first.tables[0].rows[0].cells[0].text == "№ пп"
    assert first.element.body.xml.count('w:type="page"') == 1  # before the form; no blank first page


def with_sites(tmp_path: Path) -> Path:
    """The № 477 workbook with two sites on its «Площадки» sheet, as `docgen registry --order` fills it."""
    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb["Площадки"]
    ws.append(["МАОУ гимназия № 56 г. Томска", "Формирующее оценивание как ресурс внутришкольной системы оценки "
               "качества образования", "2023–2024, 2024–2025 учебные годы"])
    ws.append(["МБОУ СОШ № 7 г. Томска", "Наставничество молодых учителей", "2023–2024, 2024–2025 учебные годы"])
    path = tmp_path / "распоряжение с площадками.xlsx"
    wb.save(path)
    return path


def test_sites_make_a_point_and_annex_no_2(tmp_path: Path) -> None:
    """A list of sites is an annex only together with the point that gives them the status (Положение, п. 3.3)."""
    loaded = load(with_sites(tmp_path))
    assert isinstance(loaded.model, Order), [str(p) for p in loaded.errors]
    doc = Document(io.BytesIO(Renderer(template_path("rasporyazhenie.docx"), Order).render(loaded.model)))
    points = generated_points(doc)[0]
    assert points[7] == ("4. Присвоить статус муниципальной стажировочной площадки образовательным организациям по "
                         "темам и на сроки согласно перечню (приложение № 2).")
    assert [NUM.match(p)[1] for p in points][6:] == [  # type: ignore[index]
        "3.", "4.", "5.", "5.1.", "5.2.", "6.", "6.1.", "6.2.", "7."]
    texts = [p.text for p in doc.paragraphs]
    mark = texts.index("Приложение №\u00a02")
    assert texts[mark + 1: mark + 4] == ["к распоряжению департамента образования администрации Города Томска",
                                         "от 04.05.2023 №\u00a0477", "Перечень муниципальных стажировочных площадок"]
    sites = doc.tables[-1]
    assert [flat(c.text) for c in sites.rows[1].cells][1:3] == [
        "МАОУ гимназия № 56 г. Томска",
        "Формирующее оценивание как ресурс внутришкольной системы оценки качества образования"]
    assert [v.file_stem for v in loaded.model.variants()][1:] == [
        "Приложение № 1 к распоряжению № 477 от 04.05.2023", "Приложение № 2 к распоряжению № 477 от 04.05.2023"]
    assert annex_marks(doc) == annex_references(doc) == {"1", "2", "к Положению"}


# A reference to an annex of this order: «(приложение № 2)», «приложением № 1 к настоящему распоряжению»; not
# «приложением № 3 к Положению … (приказ … № 352)», an annex of another document.
_REFERENCE = re.compile(r"приложени\w*\s+№\s*(\d+)(?!\d|\s+к\s+(?!настоящему))", re.IGNORECASE)
_FORM_REFERENCE = re.compile(r"приложени\w*\s+к\s+Положению", re.IGNORECASE)


def annex_marks(doc: Document) -> set[str]:
    """The annexes a document holds, by their marks top right: «Приложение № N», «Приложение / к Положению …»."""
    texts = [_norm(p.text) for p in doc.paragraphs]
    found = {m[1] for t in texts if (m := re.fullmatch(r"Приложение № (\d+)", t))}
    found |= {"к Положению" for i, t in enumerate(texts[:-1]) if t == "Приложение"
              and texts[i + 1].startswith("к Положению")}
    return found


def annex_references(doc: Document) -> set[str]:
    """The annexes the order's own text (before its first annex) refers to."""
    texts = [_norm(p.text) for p in doc.paragraphs]
    first_mark = next(i for i, t in enumerate(texts) if t.startswith("Приложение"))
    text = " ".join(texts[:first_mark])
    found = {m[1] for m in _REFERENCE.finditer(text)}
    return found | ({"к Положению"} if _FORM_REFERENCE.search(text) else set())


def test_every_annex_is_referenced_in_the_order_and_every_reference_has_its_annex(document: Document) -> None:
    assert annex_marks(document) == annex_references(document) == {"1", "к Положению"}


def test_the_reference_check_sees_an_annex_nobody_mentions(order: Order) -> None:
    """The check above can fail: a point that cites an annex the order does not have is caught."""
    stray = order.model_copy(update={"free_points": [FreePoint(text="Утвердить состав комиссии (приложение № 3).")]})
    doc = Document(io.BytesIO(Renderer(template_path("rasporyazhenie.docx"), Order).render(stray)))
    assert annex_references(doc) - annex_marks(doc) == {"3"}


def test_one_command_writes_order_annexes_and_review_list(tmp_path: Path) -> None:
    [outcome] = render_many([WORKBOOK], tmp_path, formats=("docx",))
    assert outcome.ok, outcome.error
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([
        "Распоряжение № 477 от 04.05.2023.docx",
        "Приложение № 1 к распоряжению № 477 от 04.05.2023.docx",
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


@pytest.mark.parametrize("typed", ["№ 312", "№312", "N 312", "312"])
def test_a_number_typed_with_its_sign_prints_one_sign_everywhere(tmp_path: Path, typed: str) -> None:
    """«№ 312» typed in the number field: «№ 312» in the header, in every annex mark and in every file name."""
    wb = openpyxl.load_workbook(with_sites(tmp_path))
    ws = wb["Распоряжение"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Номер"))
    ws.cell(row, 2).value = typed
    path = tmp_path / "номер.xlsx"
    wb.save(path)
    out = tmp_path / "out"
    [outcome] = render_many([path], out, formats=("docx",))
    assert outcome.ok, outcome.error
    names = sorted(p.name for p in out.iterdir() if p.suffix == ".docx")
    assert names == ["Приложение № 1 к распоряжению № 312 от 04.05.2023.docx",
                     "Приложение № 2 к распоряжению № 312 от 04.05.2023.docx", "Распоряжение № 312 от 04.05.2023.docx"]
    for name in names:
        doc = Document(out / name)
        texts = [_norm(t) for t in body_texts(doc)]
        assert not any("№ №" in t or "№№" in t for t in texts), name
        assert sum("№ 312" in t for t in texts) == (1 if name.startswith("Приложение") else 1 + 2), name


def test_check_refuses_a_reference_to_an_annex_the_order_does_not_have(tmp_path: Path) -> None:
    """A typed «(приложение № 3)» or «приложением № 2 к настоящему распоряжению» with no list of sites is an error
    at its cell; «приложением № 3 к Положению … (приказ … № 352)», an annex of another act, is not."""
    wb = openpyxl.load_workbook(WORKBOOK)
    points = wb["Пункты"]
    points["A2"] = "Утвердить состав рабочей группы (приложение № 3)."
    assignments = wb["Поручения"]
    column = next(c.column for c in assignments[1] if str(c.value).startswith("Поручение"))
    assignments.cell(2, column).value = "формировать заявку в соответствии с приложением № 2 к настоящему распоряжению"
    path = tmp_path / "ссылки.xlsx"
    wb.save(path)
    errors = [str(p) for p in load(path).errors]
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"Лист «Поручения», строка 2, столбец {get_column_letter(column)}")
    assert "ссылка «приложением № 2» ведёт на приложение, которого в распоряжении нет (приложение № 1 — " \
           "Положение; перечень площадок (№ 2) появляется, если заполнен лист «Площадки»)" in errors[0]
    assert errors[1].startswith("Лист «Пункты», строка 2, столбец A") and "«приложение № 3»" in errors[1]
    assert load(WORKBOOK).errors == []  # № 477's «приложением № 3 к Положению … № 352» is another act's annex
    wb = openpyxl.load_workbook(with_sites(tmp_path))
    wb["Поручения"].cell(2, column).value = "разместить перечень площадок (приложение № 2) на сайте"
    wb.save(path)
    assert load(path).errors == []  # with sites, annex № 2 is there
