"""Hostile input: invisible text, characters that reorder a file name, files that are not files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from docgen.output import safe_file_name
from docgen.pipeline import render_many
from docgen.text import clean_cell_text, looks_empty
from tests.conftest import ROOT, FakeConverter, run

INVISIBLE = ["\u200b", "\u2060", "\u2800", "\u3164", "\ufeff", "\u00ad", "\u200e\u202e", "\u115f\u1160\uffa0",
             "\u200b \u2800\n\ufeff", "\U000e0041"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_text_that_shows_nothing_is_empty(value: str) -> None:
    assert looks_empty(value)
    assert clean_cell_text(value) == ""


@pytest.mark.parametrize("value", ["Школа\u202e№ 5", "\u200bШкола", "Шко\u2060ла\ufeff"])
def test_bidi_controls_and_zero_width_characters_leave_cell_text(value: str) -> None:
    cleaned = clean_cell_text(value)
    assert cleaned.replace("№ 5", "") == "Школа"


def test_soft_hyphens_and_joiners_stay_in_text_that_shows_something() -> None:
    assert clean_cell_text("пере\u00adнос") == "пере\u00adнос"
    assert clean_cell_text("\u2800Школа") == "\u2800Школа"  # shows something: the text is what was typed


@pytest.mark.parametrize(("stem", "safe"), [
    ("Заявка ОО \u200b", "Заявка ОО"),
    ("Заявка\u202excod.exe", "Заявкаxcod.exe"),
    ("Заяв\u00adка \u2066ОО\u2069 \u2800№ 5", "Заявка ОО № 5"),
    ("\u200b\ufeff", "документ"),
])
def test_file_names_carry_no_invisible_characters(stem: str, safe: str) -> None:
    assert safe_file_name(stem) == safe


def test_a_required_field_of_invisible_characters_is_not_filled(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B11"] = "\u200b\u2060\u2800\u3164\ufeff"
    result = run("check", str(edited(edit)))
    assert result.exit_code == 1
    assert "Лист «Заявка», строка 11, столбец B («Тема стажировки»): не заполнено" in result.output


def test_invisible_characters_never_reach_the_file_name(edited: Callable[..., Path], tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B4"] = "МАОУ\u200b СОШ\u202e № 5\u00ad"
    [outcome] = render_many([edited(edit)], tmp_path / "out", converter_factory=FakeConverter, workers=1)
    assert outcome.ok, outcome.error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "Заявка стажировочная ОО МАОУ СОШ № 5.docx", "Заявка стажировочная ОО МАОУ СОШ № 5.pdf"]


def _docgen(*args: str) -> subprocess.CompletedProcess[str]:
    """Run docgen in a process of its own: a read that hangs fails the test on the timeout instead of hanging it."""
    return subprocess.run([sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_xlsx_is_refused_and_the_batch_goes_on(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "книги"
    folder.mkdir()
    os.mkfifo(folder / "канал.xlsx")
    (folder / "ноль.xlsx").symlink_to("/dev/zero")
    (folder / example.name).write_bytes(example.read_bytes())
    result = _docgen("render", str(folder), "-o", str(tmp_path / "out"), "--format", "docx", "--workers", "1")
    assert result.returncode == 1
    assert "Файл «канал.xlsx»: это не обычный файл" in result.stderr
    assert "Файл «ноль.xlsx»: это не обычный файл" in result.stderr
    assert "Готово: 1 из 3, с ошибками: 2." in result.stdout
    check = _docgen("check", str(folder / "ноль.xlsx"))
    assert check.returncode == 1 and "не обычный файл" in check.stderr


def test_nothing_to_do_is_said(tmp_path: Path) -> None:
    (tmp_path / "пусто").mkdir()
    (tmp_path / "пусто" / "заметки.txt").write_text("не книга", encoding="utf-8")
    for command in ("check", "render"):
        extra = ["-o", str(tmp_path / "out")] if command == "render" else []
        result = run(command, str(tmp_path / "пусто"), *extra)
        assert result.exit_code == 1
        nothing = f"В «{tmp_path / 'пусто'}» не найдено ни одной книги (.xlsx, .xls, .ods) — нечего делать."
        assert nothing in result.output
