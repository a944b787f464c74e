"""The LibreOffice pool: hung and crashed workers are killed and restarted, failures are per document.

A fake soffice (tests/fixtures/fake_soffice.py) stands in for LibreOffice, so these tests run everywhere and fast;
the real one is exercised in test_e2e_libreoffice.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from docgen.errors import ConverterMissingError
from docgen.pdf import BATCH_LIMIT, PDFA_FILTER, LibreOfficeConverter, chunk_size, find_soffice, pdf_is_complete

FAKE = [sys.executable, str(Path(__file__).resolve().parent / "fixtures" / "fake_soffice.py")]


def docs(folder: Path, *stems: str) -> list[Path]:
    paths = []
    for stem in stems:
        path = folder / f"{stem}.docx"
        path.write_bytes(b"PK fake docx " + stem.encode())
        paths.append(path)
    return paths


def calls(folder: Path) -> list[list[str]]:
    return [line.split(" | ")[0].split() for line in (folder / "calls.log").read_text(encoding="utf-8").splitlines()]


def converter(**options: object) -> LibreOfficeConverter:
    defaults: dict[str, object] = {"workers": 1, "timeout_per_file": 0.5, "startup_timeout": 1.0}
    return LibreOfficeConverter(FAKE, **{**defaults, **options})  # type: ignore[arg-type]


def test_all_converted_in_chunks_never_one_process_per_file(tmp_path: Path) -> None:
    sources = docs(tmp_path, *(f"d{i:02d}" for i in range(12)))
    seen: list[tuple[str, str | None]] = []
    results = converter(workers=2, chunk=4).convert(sources, tmp_path, lambda s, r: seen.append((s.stem, r)))
    assert results == dict.fromkeys(sources)
    assert all(pdf_is_complete(tmp_path / f"d{i:02d}.pdf") for i in range(12))
    assert sorted(len(c) for c in calls(tmp_path)) == [3, 3, 3, 3]  # two equal rounds for each worker
    assert sorted(stem for stem, _ in seen) == [s.stem for s in sources]


def test_each_worker_has_its_own_profile(tmp_path: Path) -> None:
    docs(tmp_path, *(f"d{i}" for i in range(8)))
    converter(workers=2, chunk=2).convert(sorted(tmp_path.glob("*.docx")), tmp_path)
    profiles = {line.split(" | ")[1] for line in (tmp_path / "calls.log").read_text(encoding="utf-8").splitlines()}
    assert len(profiles) == 2


def test_a_hung_document_is_killed_retried_once_and_reported(tmp_path: Path) -> None:
    sources = docs(tmp_path, "a1", "a2", "HANG", "a3", "a4")
    started = time.monotonic()
    results = converter(chunk=5).convert(sources, tmp_path)
    assert time.monotonic() - started < 30  # the hang was cut by the timeout, not waited out
    hung = tmp_path / "HANG.docx"
    assert results[hung] is not None and "не ответил" in results[hung]
    assert "повторная попытка тоже не удалась" in results[hung]
    assert [s.stem for s in sources if results[s] is None] == ["a1", "a2", "a3", "a4"]
    log = calls(tmp_path)
    assert log[0] == ["a1", "a2", "HANG", "a3", "a4"]
    assert ["HANG"] in log[1:]  # retried alone
    assert not (tmp_path / "HANG.pdf").exists()


def test_a_crash_restarts_the_worker_and_the_rest_completes(tmp_path: Path) -> None:
    sources = docs(tmp_path, "b1", "CRASH", "b2", "b3")
    results = converter(chunk=4).convert(sources, tmp_path)
    crashed = tmp_path / "CRASH.docx"
    assert results[crashed] is not None and "аварийно завершился (код завершения 134)" in results[crashed]
    assert not (tmp_path / "CRASH.pdf").exists()  # the half-written PDF was removed
    assert all(results[s] is None for s in sources if s != crashed)
    assert all(pdf_is_complete(tmp_path / f"{stem}.pdf") for stem in ("b1", "b2", "b3"))


def test_a_document_that_crashes_once_succeeds_on_retry(tmp_path: Path) -> None:
    sources = docs(tmp_path, "c1", "FLAKY", "c2")
    results = converter(chunk=3).convert(sources, tmp_path)
    assert results == dict.fromkeys(sources)
    assert ["FLAKY"] in calls(tmp_path)


def test_a_file_soffice_cannot_open_is_reported_with_its_message(tmp_path: Path) -> None:
    sources = docs(tmp_path, "d1", "BROKEN", "d2")
    results = converter(chunk=3).convert(sources, tmp_path)
    broken = tmp_path / "BROKEN.docx"
    assert results[broken] == ("LibreOffice не смог открыть документ (Error: source file could not be loaded: "
                               f"{broken})")
    assert results[tmp_path / "d1.docx"] is None and results[tmp_path / "d2.docx"] is None


def test_stale_pdf_never_passes_for_a_new_one(tmp_path: Path) -> None:
    sources = docs(tmp_path, "BROKEN")
    (tmp_path / "BROKEN.pdf").write_bytes(b"%PDF-1.4 old complete file " + b" " * 80 + b"%%EOF")
    results = converter().convert(sources, tmp_path)
    assert results[sources[0]] is not None
    assert not (tmp_path / "BROKEN.pdf").exists()


def test_chunks_respect_soffice_argument_limit() -> None:
    assert converter(chunk=1000).chunk == BATCH_LIMIT == 200


def test_pdfa_uses_the_pdfa_filter() -> None:
    assert converter(pdfa=True).filter == PDFA_FILTER
    assert '"SelectPdfVersion":{"type":"long","value":"2"}' in PDFA_FILTER


def test_missing_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.find_soffice", lambda: None)
    with pytest.raises(ConverterMissingError, match="не найден LibreOffice"):
        LibreOfficeConverter()


def test_incomplete_pdfs_are_recognised(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    assert not pdf_is_complete(path)
    path.write_bytes(b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF\n")
    assert pdf_is_complete(path)
    assert not pdf_is_complete(tmp_path / "missing.pdf")


def test_the_timeout_is_per_document_not_per_call(tmp_path: Path) -> None:
    sources = docs(tmp_path, *(f"SLOW{i}" for i in range(8)))  # 2.4 s in all, 0.3 s each
    results = converter(chunk=8, timeout_per_file=1.0, startup_timeout=2.0).convert(sources, tmp_path)
    assert results == dict.fromkeys(sources)
    assert calls(tmp_path) == [[s.stem for s in sources]]  # one call, never killed


def test_soffice_that_cannot_start_fails_every_file_without_hanging(tmp_path: Path) -> None:
    sources = docs(tmp_path, "e1", "e2", "e3")
    results = LibreOfficeConverter([str(tmp_path / "нет-такой-программы")], workers=2).convert(sources, tmp_path)
    assert set(results) == set(sources)
    assert all(reason is not None and reason.startswith("LibreOffice не запустился") for reason in results.values())


@pytest.mark.parametrize(("files", "workers", "limit", "size"), [
    (1000, 2, 200, 167), (200, 2, 200, 100), (20, 2, 200, 10), (1, 2, 200, 1), (12, 2, 4, 3), (401, 2, 200, 101),
])
def test_chunks_are_even_across_workers(files: int, workers: int, limit: int, size: int) -> None:
    assert chunk_size(files, workers, limit) == size <= limit


def _program(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_docgen_soffice_names_the_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = _program(tmp_path, "my-soffice")
    monkeypatch.setenv("DOCGEN_SOFFICE", str(mine))
    assert find_soffice() == str(mine)
    assert LibreOfficeConverter().command == [str(mine)]


def test_docgen_soffice_naming_nothing_is_an_error_not_another_libreoffice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "нет-такого" / "soffice"))
    with pytest.raises(ConverterMissingError, match=r"в переменной DOCGEN_SOFFICE указан «.*нет-такого.*soffice»"):
        LibreOfficeConverter()


def test_soffice_off_path_is_found_in_the_usual_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As on Windows: LibreOffice installed under %ProgramFiles% and not on PATH.
    program = tmp_path / "Program Files" / "LibreOffice" / "program"
    program.mkdir(parents=True)
    soffice = _program(program, "soffice.exe")
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PROGRAMFILES", str(tmp_path / "Program Files"))
    assert find_soffice() == str(soffice)


def test_no_soffice_anywhere_says_how_to_point_at_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf._usual_places", list)
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")
    assert find_soffice() is None
    with pytest.raises(ConverterMissingError, match="DOCGEN_SOFFICE"):
        LibreOfficeConverter()
