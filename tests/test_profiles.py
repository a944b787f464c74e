"""Municipalities are data: the shipped two, and a made-up third one added with a file and no code."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from docgen import cli
from docgen.errors import InputError
from docgen.loader import load
from docgen.profiles import ENV_VAR, available, load_profile
from tests.conftest import untypeset

THIRD = '''
key = "zarechny"
name = "ЗАТО Заречный"
municipality_genitive = "ЗАТО Заречный"
authority = "Управление образования ЗАТО Заречный"
regulation = "Положение о стажировочной площадке ЗАТО Заречный"

[addressee]
position_dative = "Начальнику Управления образования ЗАТО Заречный"
name_dative = "А.Б. Выдуманной"

[documents.zayavka]
title = "Заявление"
subtitle = "о присвоении статуса стажировочной площадки ЗАТО Заречный"
file_name = "Заречный заявление {short_name}"

[rules]
plan_years = 2
term_years = 2
min_events_per_year = 4
min_rationale_chars = 100
events_rule = "Положение Заречного, п. 9"
plan_rule = "Положение Заречного, п. 8"
'''


def test_shipped_profiles() -> None:
    assert {"tomsk", "turochak"} <= set(available())
    tomsk, turochak = load_profile("tomsk"), load_profile("turochak")
    assert tomsk.addressee.name_dative == "В.В. Пустоваловой"
    assert tomsk.rules.report_deadline_days == 14
    assert tomsk.rules.min_events_per_year == 2  # п. 3.2 over the form's «1-2»: the choice is explicit
    assert tomsk.rules.plan_years == 3 and tomsk.rules.term_years == 2
    assert set(tomsk.documents) == {"zayavka", "otchet", "plan", "rasporyazhenie"}
    assert set(turochak.documents) == {"zayavka", "otchet_praktika", "plan"}
    assert [c.base for c in turochak.criteria] == [True, False, False, False, False]
    assert turochak.rules.report_deadline_days is None


def test_unknown_and_broken_profiles_are_russian_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="Профиль муниципалитета «марс» не найден; доступны: "):
        load_profile("марс")
    (tmp_path / "broken.toml").write_text("key = ", encoding="utf-8")
    with pytest.raises(InputError, match="повреждён"):
        load_profile(str(tmp_path / "broken.toml"))
    (tmp_path / "other.toml").write_text(THIRD, encoding="utf-8")
    with pytest.raises(InputError, match="должен совпадать с именем файла"):
        load_profile(str(tmp_path / "other.toml"))


def test_a_third_municipality_needs_only_a_profile_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "профили"
    folder.mkdir()
    (folder / "zarechny.toml").write_text(THIRD, encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(folder))
    assert "zarechny" in available()

    runner = CliRunner()
    book = tmp_path / "заявка.xlsx"
    result = runner.invoke(cli.main, ["new", "zayavka", "--profile", "zarechny", "-o", str(book)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    assert wb["Заявка"]["B2"].value == "ЗАТО Заречный"  # the Russian name, as the drop-down offers it
    assert "ЗАТО Заречный" in [c.value for col in wb["Списки"].iter_cols() for c in col]
    example = openpyxl.load_workbook(Path(__file__).resolve().parent.parent / "examples" / "tomsk"
                                     / "Заявка МАОУ гимназия № 56.xlsx")
    for source, target in ((example["Заявка"], wb["Заявка"]), (example["Продукты"], wb["Продукты"]),
                           (example["Дорожная карта"], wb["Дорожная карта"])):
        for row in source.iter_rows(min_row=2):
            for cell in row:
                if cell.column > 2 and source.title == "Заявка":
                    continue
                if source.title == "Заявка" and cell.row == 2:
                    continue  # keep the profile chosen by `new`
                target.cell(row=cell.row, column=cell.column, value=cell.value)
    wb["Заявка"]["B15"] = "2023-2024"
    wb.save(book)

    loaded = load(book)
    assert loaded.model is not None, [str(p) for p in loaded.errors]
    assert loaded.model.plan_years == [2023, 2024]
    # the third year's events are outside a 2-year plan, and 4 events a year are asked for
    assert {p.where.sheet for p in loaded.errors if p.where} == {"Дорожная карта"}
    assert any("вне учебных лет плана" in str(p) for p in loaded.errors)

    wb = openpyxl.load_workbook(book)
    ws = wb["Дорожная карта"]
    ws.delete_rows(8, 3)  # rows 8-10: the three events of 2025-2026
    wb.save(book)
    loaded = load(book)
    assert not loaded.errors, [str(p) for p in loaded.errors]
    assert [p.rule for p in loaded.warnings] == ["Положение Заречного, п. 9", "Положение Заречного, п. 9"]

    out = tmp_path / "out"
    result = runner.invoke(cli.main, ["render", str(book), "-o", str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    [docx] = [p for p in out.iterdir() if p.suffix == ".docx"]
    assert docx.name == "Заречный заявление МАОУ гимназия № 56 г. Томска.docx"
    doc = Document(io.BytesIO(docx.read_bytes()))
    texts = [untypeset(p.text) for p in doc.paragraphs]
    assert texts[:2] == ["Начальнику Управления образования ЗАТО Заречный", "А.Б.\u00a0Выдуманной"]
    assert "Заявление" in texts
    assert "о присвоении статуса стажировочной площадки ЗАТО Заречный" in texts
    assert "5. План деятельности/дорожная карта стажировочной площадки на 2 года (2023–2025)." in texts


@pytest.mark.parametrize(("profile", "criteria"), [("tomsk", False), ("turochak", True)])
def test_a_blank_speaks_of_its_own_municipality(tmp_path: Path, profile: str, criteria: bool) -> None:
    """Tomsk's blank does not send a school to Turochak's «Показатели»; the drop-down offers Russian names."""
    book = tmp_path / "заявка.xlsx"
    assert CliRunner().invoke(cli.main, ["new", "заявка", "--profile", profile, "-o", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    lines = [str(c.value) for c in wb["Инструкция"]["A"] if c.value]
    assert any("«Показатели»" in line for line in lines) is criteria
    assert [c.value for c in wb["Заявка"]["B"]][1] == load_profile(profile).name
    [listed] = [[c.value for c in col if c.value] for col in wb["Списки"].iter_cols()
                if "Город Томск" in [c.value for c in col]]
    assert listed == ["Город Томск", "Турочакский район"]
    assert "tomsk" not in listed
    # the Russian name chosen in the list is read as the profile
    wb["Заявка"]["B2"] = "Турочакский район"
    wb.save(book)
    assert load(book).data["profile"].key == "turochak"
