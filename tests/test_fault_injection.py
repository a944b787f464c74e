"""A batch on a bad day: soffice dies, hangs or writes garbage on chosen documents; the disk fills up.

Every document is made or reported with its reason, nothing half-written is left, the exit status tells the truth.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from docgen.cli import _report
from docgen.pdf import LibreOfficeConverter, pdf_is_complete
from docgen.pipeline import render_many
from tests.conftest import EXAMPLE, FIXTURES

FAKE = [sys.executable, str(FIXTURES / "fake_soffice.py")]


def _books(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(EXAMPLE)
    paths = []
    for i, name in enumerate(names):
        wb["Заявка"]["B4"] = f"МАОУ {name} № {i}"
        path = folder / f"{i:02d}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def test_soffice_that_dies_hangs_or_writes_garbage_fails_only_those_documents(tmp_path: Path) -> None:
    names = ["OK", "CRASH", "OK", "HANG", "GARBAGE", "FLAKY", "OK", "BROKEN"]
    sources = _books(tmp_path / "книги", names)
    out = tmp_path / "out"

    def converter() -> LibreOfficeConverter:
        return LibreOfficeConverter(FAKE, workers=2, timeout_per_file=2, startup_timeout=2)

    outcomes = render_many(sources, out, converter_factory=converter, workers=1)
    made = {name for name, o in zip(names, outcomes, strict=True) if o.ok}
    assert made == {"OK", "FLAKY"}  # a crash once is retried; the rest fail alone
    for name, outcome in zip(names, outcomes, strict=True):
        if outcome.ok:
            pdf = next(p for p in outcome.written if p.suffix == ".pdf")
            assert pdf_is_complete(pdf) and f"МАОУ {name}" in pdf.name
        else:
            assert "PDF" in str(outcome.error) and "LibreOffice" in str(outcome.error), outcome.error
    # nothing of a failed document, nothing half-written, no staging left
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 * 4 == sum(len(o.written) for o in outcomes)  # a .docx and a PDF of each made one
    assert not any(p.startswith(".docgen") or "CRASH" in p or "HANG" in p or "GARBAGE" in p for p in files)
    assert _report(outcomes) == 1


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """Mount a 400 KB tmpfs: room for a few documents, not for all.  Skipped where mounting is not allowed."""
    mount = tmp_path / "диск"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_documents_that_do_not_fit(tmp_path: Path, small_disk: Path) -> None:
    sources = _books(tmp_path / "книги", ["OK"] * 12)
    out = small_disk / "out"
    outcomes = render_many(sources, out, formats=("docx",), workers=1)
    ok = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    assert ok and failed, "the disk should hold some documents and not all"
    assert all("нет места на диске" in str(o.error) for o in failed), [str(o.error) for o in failed]
    files = sorted(p.name for p in out.iterdir())
    assert not any(p.startswith(".docgen") for p in files)  # staging removed
    for outcome in ok:
        for path in outcome.written:
            assert path.stat().st_size > 0
            if path.suffix == ".docx":
                assert zipfile.ZipFile(path).testzip() is None  # whole, not half-written
    assert len(files) == sum(len(o.written) for o in ok)  # nothing of the failed ones
    assert _report(outcomes) == 1
