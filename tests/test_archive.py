"""The archive: .docx + PDF/A with a manifest whose hashes and page counts match the files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import cli
from docgen.archive import COLUMNS, make_archive, pdf_pages
from docgen.errors import OutputError, OutputExistsError
from tests.conftest import FakeConverter, require, run

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
            "Приложение № 1 к распоряжению № 477 от 04.05.2023.pdf"} <= files
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["columns"] == COLUMNS
    rows = manifest["files"]
    assert len(rows) == 2 * (1 + 2)  # the заявка; the order and its annex; each .docx and PDF
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
    assert table[0] == [*COLUMNS.values(), "Не создано: причина"]
    assert len(table) == 1 + len(rows)
    assert manifest["generator"] == "docgen" and manifest["failed"] == []


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


def test_failed_workbook_is_not_in_the_manifest_but_listed_as_failed(tmp_path: Path) -> None:
    broken = tmp_path / "сломанная.xlsx"
    broken.write_text("не книга", encoding="utf-8")
    target = tmp_path / "архив"
    made = make_archive([ZAYAVKA, broken], target, converter_factory=FakeConverter, workers=1)
    assert [o.ok for o in made.outcomes] == [True, False]
    assert {e.source for e in made.entries} == {ZAYAVKA.name}
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    [failed] = manifest["failed"]
    assert failed["source"] == "сломанная.xlsx" and failed["source_sha256"] == digest(broken.read_bytes())
    assert "не книга Excel" in failed["reason"]
    table = list(csv.reader(io.StringIO((target / "manifest.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert table[-1][table[0].index("Книга-источник")] == "сломанная.xlsx"
    assert table[-1][table[0].index("Формат")] == "не создан"
    assert "не книга Excel" in table[-1][-1]


def test_no_archive_when_no_paper_was_made(tmp_path: Path) -> None:
    broken = tmp_path / "сломанная.xlsx"
    broken.write_text("не книга", encoding="utf-8")
    for target in (tmp_path / "архив", tmp_path / "архив.zip"):
        made = make_archive([broken], target, converter_factory=FakeConverter, workers=1)
        assert not made.written and not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["сломанная.xlsx"]
    result = run("archive", str(broken), "-o", str(tmp_path / "архив"))
    assert result.exit_code == 1 and "не создан: ни один документ не получился" in result.output
    assert not (tmp_path / "архив").exists()


def _folder_of(tmp_path: Path, *files: str) -> Path:
    folder = tmp_path / "папка"
    folder.mkdir()
    for name in files:
        (folder / name).write_text("моё", encoding="utf-8")
    return folder


def test_force_never_replaces_a_folder_that_is_not_a_docgen_archive(tmp_path: Path) -> None:
    folder = _folder_of(tmp_path, "ВАЖНОЕ письмо.docx")
    for force in (False, True):
        with pytest.raises(OutputError, match="не архив docgen"):
            make_archive([ZAYAVKA], folder, force=force, converter_factory=FakeConverter, workers=1)
    assert [p.name for p in folder.iterdir()] == ["ВАЖНОЕ письмо.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["папка"]  # no staging left either
    # a manifest.json someone else wrote does not make a folder docgen's
    (folder / "manifest.json").write_text('{"files": []}', encoding="utf-8")
    with pytest.raises(OutputError, match="не архив docgen"):
        make_archive([ZAYAVKA], folder, force=True, converter_factory=FakeConverter, workers=1)


def test_force_refuses_the_folder_holding_the_workbooks(tmp_path: Path) -> None:
    folder = _folder_of(tmp_path, "ВАЖНОЕ письмо.docx")
    source = folder / "заявка.xlsx"
    shutil.copy(ZAYAVKA, source)
    (folder / "manifest.json").write_text(json.dumps({"generator": "docgen", "files": []}), encoding="utf-8")
    before = sorted(p.name for p in folder.iterdir())
    for target in (folder, tmp_path, folder / ".."):
        with pytest.raises(OutputError, match="здесь лежат исходные книги"):
            make_archive([source], target, force=True, converter_factory=FakeConverter, workers=1)
    assert sorted(p.name for p in folder.iterdir()) == before
    result = run("archive", str(folder), "-o", str(folder), "--force")
    assert result.exit_code == 1 and "исходные книги" in result.output
    assert sorted(p.name for p in folder.iterdir()) == before


def test_force_replaces_only_the_files_docgen_named(tmp_path: Path) -> None:
    target = tmp_path / "архив"
    make_archive([ZAYAVKA, ORDER], target, converter_factory=FakeConverter, workers=1)
    (target / "моя заметка.txt").write_text("не трогать", encoding="utf-8")
    order_docx = "Распоряжение № 477 от 04.05.2023.docx"
    edited_pdf = "Приложение № 1 к распоряжению № 477 от 04.05.2023.pdf"
    (target / edited_pdf).write_bytes(b"%PDF- edited by hand")
    with pytest.raises(OutputExistsError):
        make_archive([ZAYAVKA], target, converter_factory=FakeConverter, workers=1)
    made = make_archive([ZAYAVKA], target, force=True, converter_factory=FakeConverter, workers=1)
    names = {p.name for p in target.iterdir()}
    assert "моя заметка.txt" in names  # never named by a manifest: untouched
    assert order_docx not in names  # docgen's own file of the old archive, unchanged since: removed
    assert edited_pdf in names and made.kept == [edited_pdf]  # changed since docgen wrote it: kept, reported
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert {r["source"] for r in manifest["files"]} == {ZAYAVKA.name}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".docgen")]


def test_force_refuses_a_zip_docgen_did_not_write(tmp_path: Path) -> None:
    target = tmp_path / "архив.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("чужое.txt", "чужое")
    before = target.read_bytes()
    with pytest.raises(OutputError, match="не архив docgen"):
        make_archive([ZAYAVKA], target, force=True, converter_factory=FakeConverter, workers=1)
    assert target.read_bytes() == before
    target.unlink()
    make_archive([ZAYAVKA], target, converter_factory=FakeConverter, workers=1)
    make_archive([ZAYAVKA], target, force=True, converter_factory=FakeConverter, workers=1)  # its own: replaced


def test_name_clash_names_the_archive_not_the_staging_folder(tmp_path: Path) -> None:
    twin = tmp_path / "копия.xlsx"
    shutil.copy(ZAYAVKA, twin)
    target = tmp_path / "архив"
    made = make_archive([ZAYAVKA, twin], target, converter_factory=FakeConverter, workers=1)
    message = str(made.outcomes[1].error)
    assert "то же имя файла" in message and ".docgen" not in message
    assert f"«{target}" in message


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
    assert "Архив «" in result.output and "файлов — 6" in result.output  # 3 documents, .docx and PDF/A
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
    assert len(list(csv.reader(rows, delimiter=";"))) == 7  # the header and 6 files
