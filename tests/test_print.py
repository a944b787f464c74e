"""The print check (tests/printcheck.py) over every example's PDF, and proof that it catches what it looks for.

A clerk returns a paper with an e-mail, a phone, «№ 477», «45 %», «В.В. Пустоваловой» or a date broken across lines,
a hyphenated name, or a table in the margin.  The check reads the PDF LibreOffice made, so it sees what a reader
sees.  conftest.py runs the same check on every PDF a LibreOffice test leaves in its folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen import cli
from docgen.pdf import LibreOfficeConverter
from tests.conftest import require
from tests.printcheck import Block, Line, check_blocks, check_pdf, values_to_keep_whole

pytestmark = pytest.mark.libreoffice
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def whole_values() -> set[str]:
    """Every e-mail, web address and phone typed in an example workbook."""
    texts = [text for path in EXAMPLES.rglob("*-content.json")
             for text in _strings(json.loads(path.read_text(encoding="utf-8")))]
    return values_to_keep_whole(texts)


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("soffice")
    out = tmp_path_factory.mktemp("print")
    for args in (["render", str(EXAMPLES), "-o", str(out)],
                 ["registry", str(EXAMPLES), "-o", str(out / "реестр")]):
        result = CliRunner().invoke(cli.main, args)
        assert result.exit_code == 0, result.output
    return out


def test_every_example_paper_passes_the_print_check(papers: Path) -> None:
    pdfs = sorted(papers.rglob("*.pdf"))
    names = {pdf.name for pdf in pdfs}
    # every kind of paper is there, the long-values example and the registry too
    assert {"Реестр заявок.pdf", "Распоряжение № 477 от 04.05.2023.pdf",
            "Заявка стажировочная ОО МАОУ СОШ № 32 им. 19-й гвардейской дивизии г. Томска.pdf"} <= names
    assert len(pdfs) == len(list(EXAMPLES.rglob("*.xlsx"))) + 1 + 1  # the order with its annex, the registry
    whole = whole_values()
    assert "+7 (913) 800-32-32" in whole
    problems = {pdf.name: check_pdf(pdf, whole) for pdf in pdfs}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_values_to_keep_whole_are_printed(papers: Path) -> None:
    """The check has something to check: the long e-mail is in the long-values заявка, on one line."""
    from tests.printcheck import read_blocks

    blocks, _ = read_blocks(papers / "Заявка стажировочная ОО МАОУ СОШ № 32 им. 19-й гвардейской дивизии г. Томска.pdf")
    lines = [line.text for block in blocks for line in block.lines]
    joined = " ".join(lines)
    assert "kudryavtseva@" in joined
    assert any("+7\u00a0(3822)\u00a0" in line or "+7 (3822) " in line for line in lines)


# --- the check can fail ----------------------------------------------------------------------------------------


def _lines(*texts: str, width_mm: float = 40) -> Block:
    return Block([Line(1, text, 0, 0, 30, 30) for text in texts], width_mm * 72 / 25.4)


@pytest.mark.parametrize(("first", "second", "kind"), [
    ("методист nmr@school56.e", "xample.tomsk.ru", "e-mail"),
    ("сайт https://school-", "56.example.ru/", "URL"),
    ("тел. +7 (3822) 12-34-", "58", "number broken"),
    ("тел. +7 (3822)", "12-34-58", "phone"),
    ("распоряжение от 04.05.2023 №", "477 «Об", "«№ N»"),
    ("снизилась до 0,4", "% за год", "«N %»"),
    ("школа № 32 им. 19-", "й гвардейской дивизии", "«19-й»"),
    ("для учащихся 5–", "9 классов", "range of numbers"),
    ("МАОУ СОШ № 25 г.", "Томска", "«г. Томска»"),
    ("МАОУ СОШ № 25", "г. Томска", "«№ 56 г. Томска»"),
    ("директору МАУ ИМЦ В.В.", "Пустоваловой", "initials and surname"),
    ("ответственный Пустовалова", "В.В., методист", "surname and initials"),
    ("дата «12»", "мая 2023 г.", "date"),
    ("заместитель директора Кудрявце-", "ва, учитель", "proper name hyphenated"),
    ("в школах МО «Ту-", "рочакский район»", "proper name hyphenated"),
    ("администрации Го-", "рода Томска", "proper name hyphenated"),
    ("МБОУ «Артыбаш-", "ская СОШ»", "proper name hyphenated"),
    ("Круглый стол «Оценивание во ВСО-", "КО: согласование", "abbreviation hyphenated"),
])
def test_the_check_finds_each_kind_of_break(first: str, second: str, kind: str) -> None:
    problems = check_blocks([_lines(first, second)])
    assert any(kind in problem for problem in problems), problems


@pytest.mark.parametrize(("first", "second"), [
    ("обще-", "образовательных организаций"),  # an ordinary word may be hyphenated
    ("Методи-", "ческие рекомендации"),  # a capital at the start of a cell: the dictionary knows the word
    ("«Функциональ-", "ная грамотность»"),  # a quoted title of ordinary words
    ("«12» мая 2023 г.", "Руководитель"),  # «г.» of a year, then the next line
    ("№", "пп"),  # the header of a number column
    ("учитель Петрова-", "Водкина, методист"),  # a double name at its own hyphen
    ("tochka@", "artybash-sosh.example.ru"),  # after «@», in a column narrower than the address
    ("https://school56.example.tomsk.ru/sborniki", "/2023/nastavnichestvo"),  # before a «/»
])
def test_the_check_lets_good_breaks_pass(first: str, second: str) -> None:
    assert check_blocks([_lines(first, second, width_mm=15)]) == []


def test_an_address_broken_although_it_fits_is_a_problem() -> None:
    assert check_blocks([_lines("e-mail: school56@", "example.tomsk.ru", width_mm=60)]) != []


def test_a_stretched_justified_line_is_a_problem() -> None:
    line = Line(1, "ИМЦ (https://imc.example.tomsk.ru/sborniki/2023/", 0, 0, stretch=4.2)
    assert any("word gap of 4.2 em" in problem for problem in check_blocks([Block([line])]))
    assert check_blocks([Block([Line(1, "обычная строка", 0, 0, stretch=1.3)])]) == []


def test_a_value_to_keep_whole_found_split() -> None:
    problems = check_blocks([_lines("тел. +7 (3822)", "12-34-58")], whole={"+7 (3822) 12-34-58"})
    assert any("+7 (3822) 12-34-58" in problem for problem in problems)


@pytest.mark.badly_set
def test_the_check_fails_a_badly_set_pdf(tmp_path: Path) -> None:
    """A real PDF set the way issue 11 found the papers: a table in the left margin, an e-mail and a phone in a
    narrow column with ordinary spaces and hyphens, hyphenated names."""
    require("soffice")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    settings = doc.settings.element
    settings.append(OxmlElement("w:autoHyphenation"))
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "ru-RU")  # so that LibreOffice hyphenates with hyphen-ru
    style.element.get_or_add_rPr().append(language)
    table = doc.add_table(rows=1, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT  # Word's default: the borders stand 1.9 mm in the margin
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, (20, 25, 125), strict=True):
        cell.width = Mm(width)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), (20, 25, 125), strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    table.cell(0, 0).text = "nmr@school56.example.tomsk.ru +7 (3822) 12-34-58"
    table.cell(0, 1).text = ("Кудрявцевой Людмилы Викторовны, Артыбашская Кебезенская Турочакская "
                             "Дмитриевская Пустоваловой")
    table.cell(0, 2).text = "—"
    source = tmp_path / "плохо.docx"
    doc.save(str(source))
    results = LibreOfficeConverter(workers=1).convert([source], tmp_path)
    assert results[source] is None, results
    problems = check_pdf(tmp_path / "плохо.pdf", {"+7 (3822) 12-34-58"})
    text = "\n".join(problems)
    assert "outside the margins" in text
    assert "e-mail broken inside a word" in text
    assert "proper name hyphenated" in text


# --- every annex of the order is referenced in its text ----------------------------------------------------------


def test_every_annex_of_the_order_is_referenced_in_its_printed_text(papers: Path, tmp_path: Path) -> None:
    """Read from the PDF: each mark «Приложение № N» (and «Приложение / к Положению …») is named in the order's
    text and each reference has its annex — for № 477, for an order with a list of sites, and not for a point
    citing an annex the order lacks."""
    from tests.printcheck import annex_problems

    order = papers / "Распоряжение № 477 от 04.05.2023.pdf"
    assert annex_problems(order) == []
    assert annex_problems(papers / "Приложение № 1 к распоряжению № 477 от 04.05.2023.pdf") == []  # no order text
    wb = openpyxl.load_workbook(EXAMPLES / "tomsk" / "Распоряжение № 477 от 04.05.2023.xlsx")
    wb["Площадки"].append(["МАОУ гимназия № 56 г. Томска", "Формирующее оценивание",
                           "2023–2024, 2024–2025 учебные годы"])
    wb.save(tmp_path / "с площадками.xlsx")
    wb["Пункты"]["A2"] = "Утвердить состав рабочей группы (приложение № 3)."
    wb.save(tmp_path / "со ссылкой.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["render", str(tmp_path / "с площадками.xlsx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert annex_problems(out / "Распоряжение № 477 от 04.05.2023.pdf") == []
    # the rule refuses the stray reference, so its paper is made as a draft, which prints everything typed
    result = CliRunner().invoke(cli.main, ["render", str(tmp_path / "со ссылкой.xlsx"), "-o", str(out), "--draft"])
    assert result.exit_code == 0, result.output
    assert annex_problems(out / "ПРОЕКТ — Распоряжение № 477 от 04.05.2023.pdf") == [
        "the text refers to annex «3», which the document does not have"]
