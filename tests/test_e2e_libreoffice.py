"""End to end with the real LibreOffice: the example workbook to a PDF a head of department can sign.

These tests need soffice and poppler-utils (`make test` installs both).  On CI a missing tool is a failure, not a
skip: a green run must mean the PDFs were really made.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import cli
from docgen.loader import load
from tests.conftest import require

pytestmark = pytest.mark.libreoffice
STEM = "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("soffice", "pdftotext", "pdffonts", "pdfinfo")
    out = tmp_path_factory.mktemp("out")
    example = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
    result = CliRunner().invoke(cli.main, ["render", str(example), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u00ad", "")).strip()


def _pages(pdf: Path) -> list[str]:
    return _tool("pdftotext", "-layout", str(pdf), "-").split("\f")


def test_pdf_holds_every_roadmap_row(rendered: Path) -> None:
    pdf = rendered / f"{STEM}.pdf"
    text = _flat(_tool("pdftotext", "-raw", str(pdf), "-"))  # content-stream order: cell by cell
    example = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
    loaded = load(example)
    assert loaded.model is not None
    # Table cells wrap and hyphenate at column edges: compare the characters in order, without spaces and hyphens.
    squeezed = _squeeze(text)
    for event in loaded.model.roadmap:
        for field in (event.title, event.result, event.responsible, event.when.label):
            assert _squeeze(field) in squeezed, field
    assert "Директору МАУ ИМЦ" in text
    assert "В.В. Пустоваловой" in text
    assert "Е.А. Горбунова" in text


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u00a0\u00ad\-‐]+", "", text)


def test_fonts_are_embedded_and_metric_compatible(rendered: Path) -> None:
    lines = _tool("pdffonts", str(rendered / f"{STEM}.pdf")).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", line
        assert "LiberationSerif" in name, line  # Times New Roman's metric twin: no reflow


def test_a4_and_page_numbers_from_page_two(rendered: Path) -> None:
    info = _tool("pdfinfo", str(rendered / f"{STEM}.pdf"))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    pages = [p for p in _pages(rendered / f"{STEM}.pdf") if p.strip()]
    assert len(pages) >= 2
    assert pages[0].strip().startswith("Директору МАУ ИМЦ")  # no number on the first page
    for number, page in enumerate(pages[1:], start=2):
        assert page.strip().splitlines()[0].strip() == str(number)


def test_docx_and_pdf_side_by_side_and_rerun_is_quiet(rendered: Path) -> None:
    assert sorted(p.name for p in rendered.iterdir()) == [".docgen-record.json", f"{STEM}.docx", f"{STEM}.pdf"]
    pdf = rendered / f"{STEM}.pdf"
    before = pdf.stat().st_mtime_ns, pdf.stat().st_ino
    example = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
    again = CliRunner().invoke(cli.main, ["render", str(example), "-o", str(rendered)])
    assert again.exit_code == 0, again.output  # same data: same documents, no --force needed
    assert f"без изменений «{rendered / STEM}.docx», «{pdf}»" in again.output
    assert (pdf.stat().st_mtime_ns, pdf.stat().st_ino) == before  # the record spared LibreOffice the work


def test_converter_refuses_a_file_that_is_not_docx(tmp_path: Path) -> None:
    require("soffice")
    from docgen.pdf import LibreOfficeConverter

    fake = tmp_path / "не документ.docx"
    fake.write_text("просто текст", encoding="utf-8")
    good = tmp_path / "заявка.docx"
    good.write_bytes(next((Path(__file__).resolve().parent.parent / "templates" / "docx").glob("plan.docx"))
                     .read_bytes())
    results = LibreOfficeConverter(workers=1).convert([fake, good], tmp_path)
    assert results[good] is None and (tmp_path / "заявка.pdf").is_file()
    assert results[fake] is not None and results[fake].startswith("LibreOffice не смог открыть документ")
    assert not (tmp_path / "не документ.pdf").exists()


@pytest.fixture(scope="module")
def all_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("soffice", "pdftotext", "pdffonts", "pdfinfo")
    out = tmp_path_factory.mktemp("all")
    examples = Path(__file__).resolve().parent.parent / "examples"
    result = CliRunner().invoke(cli.main, ["render", str(examples), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


PAPERS_TEXT = {
    "Отчет стажировочной ОО МАОУ СОШ № 19 г. Томска.pdf": [
        "о деятельности муниципальной стажировочной площадки", "3) Мероприятия (перечень, формы, количество",
        "Итого участников 248", "https://school19.example.tomsk.ru/", "5) Вносимые корректировки"],
    "Отчет по практике стажировочная площадка МБОУ «Турочакская СОШ».pdf": [
        "Координатору стажировочной площадки, методисту Управления образования Администрации МО «Турочакский район» "
        "Н.В. Сидоровой", "по практике на стажировочной площадке", "Итого часов 120", "Итого участников 126",
        "6. Предложения"],
    "План стажировочной ОО МАОУ гимназия № 56 г. Томска на 2024–2025 учебный год.pdf": [
        "УТВЕРЖДАЮ Директор МАОУ гимназии № 56 г. Томска", "на 2024–2025 учебный год", "Ответственный за реализацию"],
    "Заявка стажировочная площадка МБОУ «Артыбашская СОШ».pdf": [
        "Управление образования Администрации МО «Турочакский район» Тыдыкова Марина Алексеевна, директор МБОУ "
        "«Артыбашская СОШ»",
        "6. Соответствие показателям для претендента"],
}


@pytest.mark.parametrize("name", sorted(PAPERS_TEXT))
def test_every_paper_is_a_real_pdf(all_examples: Path, name: str) -> None:
    pdf = all_examples / name
    text = _flat(_tool("pdftotext", "-raw", str(pdf), "-"))
    for expected in PAPERS_TEXT[name]:
        assert _squeeze(expected) in _squeeze(text), expected  # cells wrap URLs and long words
    for line in _tool("pdffonts", str(pdf)).splitlines()[2:]:
        assert line.split()[-5] == "yes", line
    pages = [p for p in _pages(pdf) if p.strip()]
    for number, page in enumerate(pages[1:], start=2):
        assert page.strip().splitlines()[0].strip() == str(number)
    assert "{{" not in text and "{%" not in text


def test_relative_paths_as_make_demo_gives_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`docgen render examples -o out` from the user's folder: soffice runs elsewhere and must get whole paths."""
    require("soffice", "pdftotext")
    example = Path(__file__).resolve().parent.parent / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
    (tmp_path / "книги").mkdir()
    (tmp_path / "книги" / example.name).write_bytes(example.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.main, ["render", "книги", "-o", "out"])
    assert result.exit_code == 0, result.output
    text = _flat(_tool("pdftotext", str(tmp_path / "out" / f"{STEM}.pdf"), "-"))
    assert "на присвоение статуса стажировочной площадки" in text
