"""One cause, one message: a title row above the headers, a renamed header, a sheet name with a space."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from docgen.errors import Severity
from docgen.loader import load

Edited = Callable[..., Path]
ROADMAP = "Дорожная карта"


def test_a_title_row_above_the_headers_is_one_message(edited: Edited) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[ROADMAP].insert_rows(1)
        wb[ROADMAP]["A1"] = "Дорожная карта стажировочной площадки на 2023-2026 годы"

    loaded = load(edited(edit))
    roadmap = [p for p in loaded.problems if p.where and p.where.sheet == ROADMAP]
    assert len(roadmap) == 1, [str(p) for p in roadmap]
    assert "заголовки таблицы должны быть в первой строке листа, а они в строке 2" in roadmap[0].message
    assert len(loaded.problems) == 1  # no rule flood either: the roadmap was not read


def test_a_renamed_header_is_one_warning_for_the_column_and_a_hint_on_the_missing_one(edited: Edited) -> None:
    loaded = load(edited(lambda wb: wb[ROADMAP].__setitem__("D1", "Сроки")))
    warnings = [p for p in loaded.problems if p.severity is Severity.WARNING]
    assert len(warnings) == 1, [str(p) for p in warnings]
    assert "его значения в строках 2–10 в документ не попадут" in warnings[0].message
    missing = [p for p in loaded.errors if "нет столбца «Сроки проведения»" in p.message]
    assert len(missing) == 1
    assert "возможно, это столбец «Сроки» — верните ему заголовок «Сроки проведения»" in missing[0].message
    assert sum("нет столбца" in p.message for p in loaded.problems) == 1


def test_a_sheet_named_with_a_trailing_space_is_read_and_said(edited: Edited) -> None:
    loaded = load(edited(lambda wb: setattr(wb[ROADMAP], "title", "Дорожная карта ")))
    assert loaded.errors == [], [str(p) for p in loaded.errors]
    assert loaded.model is not None
    [note] = loaded.problems
    assert note.severity is Severity.INFO and "лист называется «Дорожная карта »" in note.message


def test_a_missing_sheet_names_the_likely_one(edited: Edited) -> None:
    loaded = load(edited(lambda wb: setattr(wb[ROADMAP], "title", "Дорожная карта 2023")))
    [problem] = loaded.errors
    assert "возможно, это лист «Дорожная карта 2023» — переименуйте его в «Дорожная карта»" in problem.message
