"""The archive: .docx + PDF/A with a manifest whose hashes and page counts match the files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import cli
from docgen.archive import COLUMNS, make_archive, pdf_pages
from docgen.errors import OutputExistsError
from tests.conftest import FakeConverter, require

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ZAYAVKA = EXAMPLES / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
ORDER = EXAMPLES / "tomsk" / "Распоряжение № 477 от 04.05.2023.xlsx"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_folder_archive_with_manifest(tmp_path: Path) -> None:
    target = tmp_path / "архив"
    made = make_archive([ZAYAVKA, ORDER], target, converter_factory=FakeConverter, workers=1)
    assert all(o.ok for o in made.outcomes)
    files = {p.name for p in target.iterdir()}
    assert {"manifest.csv", "manifest.json", "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска.docx",
            "Приложение № 3 к распоряжению № 477 от 04.05.2023.pdf"} <= files
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["columns"] == COLUMNS
    rows = manifest["files"]
    assert len(rows) == 2 * (1 + 4)  # the заявка; the order and its 3 annexes; each .docx and PDF
    for row in rows:
        assert row["sha256"] == digest((target / row["file"]).read_bytes())
        source = ZAYAVKA if row["kind"] == "zayavka" else ORDER
        assert row["source"] == source.name
        assert row["source_sha256"] == digest(source.read_bytes())
    order_rows = [r for r in rows if r["kind"] == "rasporyazhenie"]
    assert {(r["organization"], r["date"], r["number"]) for r in order_rows} == {
        ("департамент образования администрации Города Томска", "2023-05-04", "477")}
    zayavka = next(r for r in rows if r["kind"] == "zayavka" and r["format"] == "PDF/A-2b")
    assert (zayavka["organization"], zayavka["date"], zayavka["kind_name"]) == (
        "МАОУ гимназия № 56 г. Томска", "2023-05-12", "заявка")
    with (target / "manifest.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert table[0] == list(COLUMNS.values())
    assert len(table) == 1 + len(rows)


def test_zip_archive_is_written_whole_and_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "архив.zip"
    make_archive([ZAYAVKA], target, converter_factory=FakeConverter, workers=1)
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        for row in manifest["files"]:
            assert row["sha256"] == digest(zf.read(row["file"]))
    assert "manifest.csv" in names and len(names) == 4
    before = target.read_bytes()
    with pytest.raises(OutputExistsError):
        make_archive([ZAYAVKA], target, converter_factory=FakeConverter, workers=1)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["архив.zip"]  # no staging left behind


def test_failed_workbook_is_not_in_the_manifest(tmp_path: Path) -> None:
    broken = tmp_path / "сломанная.xlsx"
    broken.write_text("не книга", encoding="utf-8")
    made = make_archive([ZAYAVKA, broken], tmp_path / "архив", converter_factory=FakeConverter, workers=1)
    assert [o.ok for o in made.outcomes] == [True, False]
    assert {e.source for e in made.entries} == {ZAYAVKA.name}


def test_pages_are_counted(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.6\n1 0 obj<</Type/Pages/Kids[2 0 R 3 0 R]>>\n2 0 obj<</Type/Page/Parent 1 0 R>>\n"
                    b"3 0 obj<</Type /Page /Parent 1 0 R>>\n%%EOF")
    assert pdf_pages(pdf) == 2


@pytest.mark.libreoffice
def test_real_pdfa_archive(tmp_path: Path) -> None:
    require("soffice", "pdffonts", "pdfinfo")
    target = tmp_path / "архив.zip"
    result = CliRunner().invoke(cli.main, ["archive", str(ZAYAVKA), str(ORDER), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Архив «" in result.output and "файлов — 10" in result.output
    folder = tmp_path / "x"
    with zipfile.ZipFile(target) as zf:
        zf.extractall(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for row in manifest["files"]:
        if row["format"] != "PDF/A-2b":
            continue
        pdf = folder / row["file"]
        data = pdf.read_bytes()
        # XMP identification: PDF/A part 2, conformance B
        assert re.search(rb"<pdfaid:part>2</pdfaid:part>|pdfaid:part=\"2\"", data), row["file"]
        assert re.search(rb"<pdfaid:conformance>B</pdfaid:conformance>|pdfaid:conformance=\"B\"", data)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
        assert row["pages"] == pages
        assert row["sha256"] == digest(data)
    rows = io.StringIO((folder / "manifest.csv").read_text(encoding="utf-8-sig"))
    assert len(list(csv.reader(rows, delimiter=";"))) == 11
