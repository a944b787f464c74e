"""Workbooks saved by LibreOffice Calc as .ods and .xls render to the same document text as the .xlsx they came from.

The .ods and .xls copies are made here, at test time, by Calc itself (`soffice --convert-to`) from every example.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from docgen.annotate import SHEET
from docgen.loader import load
from tests.conftest import EXAMPLE, ROOT, require, run

EXAMPLES = sorted((ROOT / "examples").rglob("*.xlsx"))
FORMATS = ("ods", "xls")

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def calc_copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Save every example with Calc as .ods and .xls; return the folder of each format."""
    require("soffice")
    root = tmp_path_factory.mktemp("calc")
    folders = {}
    for suffix in FORMATS:
        folder = root / suffix
        done = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{root / 'profile'}", "--headless", "--convert-to", suffix,
             "--outdir", str(folder), *map(str, EXAMPLES)],
            capture_output=True, text=True, timeout=600, check=False, stdin=subprocess.DEVNULL)
        assert sorted(p.stem for p in folder.iterdir()) == sorted(p.stem for p in EXAMPLES), done.stderr
        folders[suffix] = folder
    return folders


def document_text(docx: Path) -> str:
    """Return the text of a .docx: every paragraph of the body, headers and footers, one per line."""
    lines = []
    with zipfile.ZipFile(docx) as zf:
        for name in sorted(n for n in zf.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)):
            xml = zf.read(name).decode()
            for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                lines.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph)))
    return "\n".join(lines)


def rendered(workbook: Path, out: Path) -> dict[str, str]:
    result = run("render", str(workbook), "-o", str(out), "--format", "docx", "--workers", "1")
    assert result.exit_code == 0, result.output
    return {docx.name: document_text(docx) for docx in sorted(out.glob("*.docx"))}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_ods_and_xls_saved_by_calc_render_like_their_xlsx(example: Path, calc_copies: dict[str, Path],
                                                          tmp_path: Path) -> None:
    expected = rendered(example, tmp_path / "xlsx")
    assert expected and all(len(text) > 100 for text in expected.values())
    for suffix in FORMATS:
        copy = calc_copies[suffix] / f"{example.stem}.{suffix}"
        assert [str(p) for p in load(copy).problems] == [str(p) for p in load(example).problems], suffix
        assert rendered(copy, tmp_path / suffix) == expected, suffix


def test_a_folder_of_ods_and_xls_is_rendered_whole(calc_copies: dict[str, Path], tmp_path: Path) -> None:
    result = run("render", str(calc_copies["ods"]), str(calc_copies["xls"]), "-o", str(tmp_path / "out"),
                 "--format", "docx", "--draft", "--force")
    assert "не найдено ни одной книги" not in result.output
    assert len(list((tmp_path / "out").glob("*.docx"))) >= len(EXAMPLES)


@pytest.mark.parametrize("suffix", FORMATS)
def test_check_annotate_marks_an_xlsx_copy_made_from_what_was_read(suffix: str, edited: Callable[..., Path],
                                                                   tmp_path: Path) -> None:
    def wrong(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B8"] = "12"  # the phone
        wb["Дорожная карта"]["D3"] = "когда-нибудь"

    source = convert(edited(wrong), suffix, tmp_path / "calc")
    before = source.read_bytes()
    result = run("check", str(source), "--annotate", str(tmp_path / "копии"))
    assert result.exit_code == 1
    written = tmp_path / "копии" / "заявка — замечания.xlsx"
    assert f"Копия с замечаниями: «{written}»." in result.output
    assert source.read_bytes() == before
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == [SHEET, "Инструкция", "Заявка", "Продукты", "Дорожная карта", "Списки"]
    assert wb["Списки"].sheet_state == "hidden"
    listing = [row[0] for row in wb[SHEET].iter_rows(values_only=True)]
    assert listing[2] == (f"Книга сохранена в формате .{suffix}: эта копия — книга .xlsx, собранная из прочитанных "
                          f"значений, без оформления, формул и списков исходной книги. Исправляйте исходную книгу "
                          f"«заявка.{suffix}», а не эту копию.")
    phone, when = wb["Заявка"]["B8"], wb["Дорожная карта"]["D3"]
    assert phone.value == "12" and when.value == "когда-нибудь"
    assert phone.comment is not None and "ожидается номер телефона" in phone.comment.text
    assert phone.fill.fgColor.rgb.endswith("FFC7CE") and when.fill.fgColor.rgb.endswith("FFC7CE")
    original = openpyxl.load_workbook(EXAMPLE)["Заявка"]
    copied = [(row, wb["Заявка"].cell(row, 2).value) for row in range(1, 17) if row != 8]
    assert copied == [(row, original.cell(row, 2).value) for row in range(1, 17) if row != 8]
    assert isinstance(wb["Продукты"]["C2"].value, datetime) and wb["Продукты"]["C2"].number_format == "DD.MM.YYYY"


def convert(source: Path, suffix: str, folder: Path) -> Path:
    require("soffice")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to",
                    suffix, "--outdir", str(folder), str(source)],
                   capture_output=True, timeout=300, check=False, stdin=subprocess.DEVNULL)
    made = folder / f"{source.stem}.{suffix}"
    assert made.exists()
    return made


def test_the_web_page_checks_ods_and_xls_uploads(calc_copies: dict[str, Path], tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from docgen.web.app import Settings, create_app
    from tests.conftest import FakeConverter
    from tests.test_web import text_of, upload

    server = create_app(Settings(work_dir=tmp_path / "work"), converters=lambda pdfa, cancelled: FakeConverter())
    try:
        client = TestClient(server.app)
        name = "Заявка МАОУ гимназия № 56"
        location = upload(client, [(f"{name}.{suffix}", (calc_copies[suffix] / f"{name}.{suffix}").read_bytes())
                                   for suffix in FORMATS])
        text = text_of(client.get(location).text)
        assert "Книг: 2; без ошибок: 2" in text, text
        assert f"{name}.ods" in text and f"{name}.xls" in text
    finally:
        server.close()
