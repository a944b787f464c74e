"""Shared fixtures: the shipped example workbook, edited copies of it, and a fake PDF converter."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

Editor = Callable[[openpyxl.Workbook], None]


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that saves a copy of the example after `edit(workbook)` and returns its path."""

    def make(edit: Editor, name: str = "заявка.xlsx") -> Path:
        wb = openpyxl.load_workbook(EXAMPLE)
        edit(wb)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "в работе" / EXAMPLE.name
    target.parent.mkdir()
    shutil.copy(EXAMPLE, target)
    return target


class FakeConverter:
    """Stand in for LibreOffice: write a tiny PDF that names its source, or fail on chosen stems."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.fail = fail or set()
        self.calls: list[list[str]] = []

    def convert(self, sources: Sequence[Path], out_dir: Path) -> list[Path]:
        from docgen.errors import ConversionError

        self.calls.append([s.name for s in sources])
        results = []
        for source in sources:
            if source.stem in self.fail:
                raise ConversionError(source, "LibreOffice не создал PDF (тест)")
            pdf = out_dir / f"{source.stem}.pdf"
            pdf.write_bytes(b"%PDF-1.4\n% fake for " + source.name.encode() + b"\n%%EOF\n")
            results.append(pdf)
        return results


@pytest.fixture
def fake_converter() -> FakeConverter:
    return FakeConverter()
