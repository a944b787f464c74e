"""Measure pytrovich (what docgen uses) against the `petrovich` package on the people in tests/declension/.

Not part of the test suite and not a dependency: `petrovich` is installed by hand to run it,
``.venv/bin/pip install petrovich && .venv/bin/python scripts/compare_petrovich.py``.  Both engines get the same
parse of the name and the same gender (docgen's rules, pytrovich's detector where a name or a surname decides),
so the figures compare the declension rules alone.  Prints, per case set and engine: right forms, silent errors
(wrong and not flagged), and every form where the two differ.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import ClassVar

from docgen.declension import Decliner, PersonEngine, Pytrovich
from docgen.text import NBSP

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "declension"
SETS = ("cases.csv", "cases_before.csv", "cases_after.csv")
_INITIAL = re.compile(r"[А-ЯЁ]\.")


class PetrovichPackage:
    """`PersonEngine` on the `petrovich` package (its API has no gender detector: pytrovich's is used)."""

    _CASES: ClassVar[dict[str, int]] = {"рд": 0, "дт": 1, "вн": 2, "тв": 3, "пр": 4, "мс": 4}  # petrovich.enums.Case

    def __init__(self) -> None:
        from petrovich.main import Petrovich  # noqa: PLC0415 - optional, installed by hand for this script

        self._petrovich = Petrovich()
        self._detector = Pytrovich()

    def make(self, part: str, text: str, gender: str, case: str) -> str:
        method = {"surname": "lastname", "first": "firstname", "patronymic": "middlename"}[part]
        return str(getattr(self._petrovich, method)(text, self._CASES[case], gender))

    def gender(self, *, first: str | None = None, surname: str | None = None) -> str | None:
        return self._detector.gender(first=first, surname=surname)


def main() -> int:
    engines: dict[str, PersonEngine] = {"pytrovich": Pytrovich(), "petrovich": PetrovichPackage()}
    for name in SETS:
        path = CASES_DIR / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fp:
            rows = [row for row in csv.DictReader(fp) if row["kind"] == "person"]
        results: dict[str, list[str]] = {}
        for engine_name, engine in engines.items():
            decliner = Decliner(engine=engine)
            got = [decliner.person(row["nominative"], row["case"]) for row in rows]
            results[engine_name] = [form.text.replace(NBSP, " ") for form in got]
            for group, pick in (("полностью", False), ("с инициалами", True)):
                chosen = [
                    (row, form) for row, form in zip(rows, got, strict=True)
                    if bool(_INITIAL.search(row["nominative"])) == pick
                ]
                right = sum(form.text.replace(NBSP, " ") == row["expected"] for row, form in chosen)
                silent = sum(
                    form.text.replace(NBSP, " ") != row["expected"] and not form.risks for row, form in chosen
                )
                print(f"{name} {engine_name:9} люди {group}: верно {right}/{len(chosen)}, молчаливых ошибок {silent}")
        for row, a, b in zip(rows, results["pytrovich"], results["petrovich"], strict=True):
            if a != b:
                where = f"{row['case']} «{row['nominative']}»"
                print(f"  {where}: pytrovich «{a}», petrovich «{b}», ожидалось «{row['expected']}»")
    return 0


if __name__ == "__main__":
    sys.exit(main())
