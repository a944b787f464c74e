"""An unlucky day: a full disk, a folder where a file should go, a refused write — one document fails, not the run."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import openpyxl
import pytest

from docgen.archive import make_archive
from docgen.errors import OutputError, os_reason
from docgen.pipeline import render_many
from docgen.registry import make_registry
from tests.conftest import FakeConverter, run

ORG = "МАОУ СОШ № {} г. Томска"


def stem(number: int) -> str:
    return f"Заявка стажировочная ОО {ORG.format(number)}"


def copies(example: Path, folder: Path, count: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(example)
    paths = []
    for i in range(1, count + 1):
        wb["Заявка"]["B4"] = ORG.format(i)
        path = folder / f"заявка-{i}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def full_disk_for(monkeypatch: pytest.MonkeyPatch, marker: str, method: str = "write_bytes") -> None:
    """Make writing any file whose name holds `marker` fail as on a full disk."""
    original = getattr(Path, method)

    def write(self: Path, *args: object, **kwargs: object) -> object:
        if marker in self.name:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, write)


def test_os_errors_are_russian() -> None:
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "нет места на диске"
    assert os_reason(IsADirectoryError(errno.EISDIR, "Is a directory")) == "на месте файла — папка с тем же именем"
    assert "ENOTSUP" in os_reason(OSError(errno.ENOTSUP, "Operation not supported"))


def test_a_folder_where_a_file_should_go_fails_that_document_only(example: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sources = copies(example, tmp_path / "книги")
    out = tmp_path / "out"
    (out / f"{stem(2)}.pdf").mkdir(parents=True)
    outcomes = render_many(sources, out, converter_factory=FakeConverter, workers=1)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, OutputError)
    assert "на месте файла — папка с тем же именем" in str(outcomes[1].error)
    assert (out / f"{stem(3)}.pdf").is_file() and (out / f"{stem(2)}.pdf").is_dir()
    assert not (out / f"{stem(2)}.docx").exists()  # refused before moving anything of that workbook
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    result = run("render", str(tmp_path / "книги"), "-o", str(out), "--workers", "1")
    assert result.exit_code == 1
    assert "на месте файла — папка" in result.output and "Готово: 2 из 3, с ошибками: 1." in result.output


def test_a_full_disk_fails_the_document_being_written_and_the_rest_is_made(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = copies(example, tmp_path / "книги")
    out = tmp_path / "out"
    full_disk_for(monkeypatch, "СОШ № 2 ")
    outcomes = render_many(sources, out, converter_factory=FakeConverter, workers=1)
    assert [o.ok for o in outcomes] == [True, False, True]
    message = str(outcomes[1].error)
    assert "нет места на диске" in message and f"{stem(2)}.docx" in message and ".docgen" not in message
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{stem(n)}.{f}" for n in (1, 3) for f in ("docx", "pdf"))
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    result = run("render", *map(str, sources), "-o", str(tmp_path / "out2"), "--workers", "1")
    assert result.exit_code == 1
    assert "нет места на диске" in result.output and "Готово: 2 из 3, с ошибками: 1." in result.output
    assert "Errno" not in result.output


def test_a_full_disk_in_the_registry_is_a_russian_error_and_publishes_nothing(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copies(example, tmp_path / "книги", 2)
    out = tmp_path / "реестр"
    full_disk_for(monkeypatch, "Реестр заявок.docx")
    with pytest.raises(OutputError, match="нет места на диске"):
        make_registry(tmp_path / "книги", out, converter_factory=FakeConverter)
    assert list(out.iterdir()) == []
    result = run("registry", str(tmp_path / "книги"), "-o", str(out))
    assert result.exit_code == 1 and "нет места на диске" in result.output


def test_a_full_disk_in_the_archive_is_a_russian_error_and_leaves_nothing(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = copies(example, tmp_path / "книги", 2)
    full_disk_for(monkeypatch, "manifest.json", "write_text")
    with pytest.raises(OutputError, match="нет места на диске"):
        make_archive(sources, tmp_path / "архив", converter_factory=FakeConverter, workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["книги"]


def test_a_full_disk_in_one_archived_document_is_listed_in_the_manifest(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = copies(example, tmp_path / "книги", 2)
    full_disk_for(monkeypatch, "СОШ № 2 ")
    made = make_archive(sources, tmp_path / "архив", converter_factory=FakeConverter, workers=1)
    manifest = json.loads((tmp_path / "архив" / "manifest.json").read_text(encoding="utf-8"))
    [failed] = manifest["failed"]
    assert failed["source"] == "заявка-2.xlsx" and "нет места на диске" in failed["reason"]
    assert str(tmp_path / "архив") in failed["reason"] and ".docgen" not in failed["reason"]
    assert {e.source for e in made.entries} == {"заявка-1.xlsx"}
