"""The command line speaks Russian throughout: click's own messages, Russian names, examples in every help."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from docgen import cli
from tests.conftest import run


def test_a_misspelt_command_is_answered_in_russian() -> None:
    result = run("rendr")
    assert result.exit_code == 2
    assert "неизвестная команда «rendr»; может быть, «render»?" in result.output
    assert "Did you mean" not in result.output


def test_click_range_and_missing_messages_are_russian(example: Path, tmp_path: Path) -> None:
    workers = run("render", str(example), "-o", str(tmp_path), "--workers", "0")
    assert "неверное значение --workers N: «0» — нужно число от 1 до 64" in workers.output
    assert "is not in the range" not in workers.output
    missing = run("render", str(example))
    assert "не указан обязательный параметр -o/--output ПАПКА" in missing.output
    assert "out_dir" not in missing.output
    unknown = run("check", str(example), "--tody", "1")
    assert "неизвестный параметр --tody; может быть, --today?" in unknown.output


def test_a_wrong_kind_names_the_argument_and_the_russian_names() -> None:
    result = run("new", "zayvka", "-o", "x.xlsx")
    assert "неверное значение ВИД: «zayvka»; доступно: zayavka (заявка)" in result.output
    assert "значение :" not in result.output


@pytest.mark.parametrize(("kind", "profile", "sheet"), [
    ("заявка", "Томск", "Заявка"),
    ("Отчёт", "томск", "Отчёт"),
    ("отчёт по практике", "Турочак", "Отчёт по практике"),
    ("распоряжение", "город Томск", "Распоряжение"),
])
def test_russian_names_of_papers_and_municipalities(kind: str, profile: str, sheet: str, tmp_path: Path) -> None:
    target = tmp_path / "книга.xlsx"
    result = run("new", kind, "--profile", profile, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert sheet in openpyxl.load_workbook(target).sheetnames


def test_a_workbook_may_name_its_municipality_in_russian(edited: Callable[..., Path]) -> None:
    result = run("check", str(edited(lambda wb: wb["Заявка"].__setitem__("B2", "Томск"))))
    assert result.exit_code == 0, result.output


def test_docgen_alone_prints_help_without_an_error() -> None:
    result = run()
    assert result.exit_code == 0
    assert "Ошибка" not in result.output and "Использование: docgen" in result.output
    assert "rasporyazhenie (распоряжение)" in result.output


@pytest.mark.parametrize("command", sorted(cli.main.commands))
def test_every_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Пример" in result.output, result.output


def test_warnings_of_a_refused_workbook_are_not_read_as_errors(edited: Callable[..., Path], tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B9"] = "почта"  # an error
        wb["Продукты"]["D2"] = wb["Продукты"]["C2"].value.replace(day=1)  # a warning

    result = run("render", str(edited(edit)), "-o", str(tmp_path), "--format", "docx")
    assert result.exit_code == 1
    assert "ошибок — 1" in result.output
    warning = next(line for line in result.output.splitlines() if "размещения на сайте" in line)
    assert warning.startswith("  • [предупреждение] ")
