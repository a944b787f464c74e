"""Find values that convert cleanly yet cannot be meant: a date in 1905, 10^30 participants, an emoji in a paper.

The loader converts each cell by its kind; this module then asks whether the value is plausible for a paper under
the regulations (№ 477 of 04.05.2023 and Turochak's Положение): their papers are dated from the 2000s on, a
methodological event gathers at most a few thousand people, a trainee's hours fit in a school year.  A date outside
2000-2099 is refused (it is almost always a number typed into a date cell: 2023 is 15.07.1905); a character the
documents' font cannot draw is a warning naming the character and the cell.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from docgen.errors import CellRef, Problem, Severity
from docgen.glyphs import FONT_NAME, missing_glyphs
from docgen.schema import Column, Kind

FIRST_YEAR, LAST_YEAR = 2000, 2099  # the regulations date from 2023; papers from another century are typos
# Largest plausible whole numbers by column key; any other whole number: DEFAULT_MAX.
MAXIMA = {
    "participants": 10_000,  # one event: a city's whole teaching staff is a few thousand
    "hours": 2_000,  # a trainee's hours in a year: a full-time school year is ~1,500 working hours
}
DEFAULT_MAX = 100_000


def doubtful(value: object, column: Column, where: CellRef | None) -> list[Problem]:
    """Return the problems of one converted cell value: implausible dates and numbers, undrawable characters."""
    found: list[Problem] = []
    if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        found.append(Problem(
            f"дата {value:%d.%m.%Y} неправдоподобна: ожидается дата с {FIRST_YEAR} по {LAST_YEAR} год "
            "(если в ячейку введено число или только год, Excel считает его днём от 1900 года)",
            where, value=value))
    elif column.kind is Kind.SCHOOL_YEAR and isinstance(value, int) and not FIRST_YEAR <= value < LAST_YEAR:
        found.append(Problem(f"учебный год {value}-{value + 1} неправдоподобен: ожидается год с {FIRST_YEAR} по "
                             f"{LAST_YEAR}", where, value=value))
    elif column.kind is Kind.INT and isinstance(value, int) and value > MAXIMA.get(column.key, DEFAULT_MAX):
        shown = str(value) if len(str(value)) <= 12 else f"число из {len(str(value))} цифр"
        found.append(Problem(f"{shown} — неправдоподобно много; ожидается не больше "
                             f"{MAXIMA.get(column.key, DEFAULT_MAX):,}".replace(",", "\u00a0"), where, value=value))
    elif isinstance(value, str):
        missing = missing_glyphs(value)
        if missing:
            listed = ", ".join(f"«{char}» ({_name(char)})" for char in missing[:5])
            more = f" и ещё {len(missing) - 5}" if len(missing) > 5 else ""
            found.append(Problem(
                f"символов {listed}{more} нет в шрифте документа {FONT_NAME}: в документе они будут пустым местом "
                "или другим шрифтом; официальный документ их не содержит — уберите или замените их",
                where, severity=Severity.WARNING, value=value))
    return found


def _name(char: str) -> str:
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")
