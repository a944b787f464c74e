"""CSV files docgen writes open in Excel and Calc as text: a cell that looks like a formula is never run."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from docgen.archive import make_archive
from docgen.declension import Form
from docgen.pipeline import review_csv
from docgen.text import csv_cell
from tests.conftest import EXAMPLE, FakeConverter, require

PAYLOADS = ['=HYPERLINK("http://evil.example/?x";"нажми")', "+7(3822)1+1", "-2+3", "@SUM(1;2)",
            "\t=1+1", "\r=1+1", "=1+2"]
CALC = Path("/usr/lib/libreoffice/program/libsclo.so")  # libreoffice-calc-nogui: soffice imports CSV with it


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_gets_an_apostrophe(payload: str) -> None:
    assert csv_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["МАОУ гимназия № 56", "", " =1", "'=1", 5, None, "2023-05-12", "—"])
def test_other_cells_are_left_as_they_are(value: object) -> None:
    assert csv_cell(value) == value


def calc_cells(csv_path: Path, tmp_path: Path) -> list[list[tuple[object, str]]]:
    """Open a CSV as LibreOffice Calc's import does (semicolons, UTF-8) and return each cell's value and type."""
    require("soffice")
    if not CALC.exists():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice Calc is not installed; `make test` should have installed libreoffice-calc-nogui")
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed")
    profile = tmp_path / "profile"
    profile.mkdir()
    # HOME and the working folder in tmp_path: whatever LibreOffice leaves (NSS's pkcs11.txt) stays out of the repo
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path / "calc"),
                    str(csv_path)], check=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                   cwd=profile, env={**os.environ, "HOME": str(profile)})
    book = openpyxl.load_workbook(tmp_path / "calc" / f"{csv_path.stem}.xlsx")
    return [[(cell.value, cell.data_type) for cell in row] for row in book.active.iter_rows()]


def _formulas(cells: list[list[tuple[object, str]]]) -> list[object]:
    return [value for row in cells for value, kind in row if kind == "f"]


@pytest.mark.libreoffice
def test_declension_review_opens_in_calc_as_text(tmp_path: Path) -> None:
    forms = [Form(p, "тв", p, "вручную", ("неизвестное слово",)) for p in PAYLOADS]
    path = tmp_path / "Проверка склонений.csv"
    path.write_bytes(review_csv(forms))
    cells = calc_cells(path, tmp_path)
    assert _formulas(cells) == []
    texts = {value for row in cells for value, _kind in row}
    assert "'" + PAYLOADS[0] in texts and "'@SUM(1;2)" in texts


@pytest.mark.libreoffice
def test_manifest_opens_in_calc_as_text(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(EXAMPLE)
    cell = wb["Заявка"]["B4"]
    cell.value = PAYLOADS[0]
    cell.data_type = "s"  # typed as text in Excel: a string that only looks like a formula
    source = tmp_path / "=1+2.xlsx"
    wb.save(source)
    target = tmp_path / "архив"
    made = make_archive([source], target, converter_factory=FakeConverter, workers=1)
    assert made.written and made.entries[0].organization == PAYLOADS[0]
    manifest = target / "manifest.csv"
    rows = list(csv.reader(io.StringIO(manifest.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "'" + PAYLOADS[0] and rows[1][-3] == "'=1+2.xlsx"
    shutil.copy(manifest, tmp_path / "manifest.csv")
    cells = calc_cells(tmp_path / "manifest.csv", tmp_path)
    assert _formulas(cells) == []
    assert cells[1][2] == ("'" + PAYLOADS[0], "s")
