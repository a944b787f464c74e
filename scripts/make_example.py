"""Build examples/tomsk/*.xlsx from the JSON content beside them, through docgen's own blank workbook.

Run after a change of the workbook layout (docgen/schema.py): `python scripts/make_example.py`.  The workbook is
committed so that a user can open it; tests check it still loads to the same content as the JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from docgen.blank import build_blank
from docgen.schema import ZAYAVKA

ROOT = Path(__file__).resolve().parent.parent


def _value(kind_date: bool, value: object) -> object:
    if kind_date and isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


def build(content_path: Path, out: Path) -> None:
    content = json.loads(content_path.read_text(encoding="utf-8"))
    wb = build_blank(ZAYAVKA, "tomsk")
    ws = wb[ZAYAVKA.form.name]
    flat = {**content, **{f"org.{k}": v for k, v in content.items()}}
    flat["first_year"] = f"{content['first_year']}-{content['first_year'] + 1}"
    for row, column in enumerate(ZAYAVKA.form.fields, start=2):
        if column.key in flat and column.key != "profile":
            ws.cell(row=row, column=2, value=_value(column.kind.value == "date", flat[column.key]))
    for table in ZAYAVKA.tables:
        ts = wb[table.name]
        for row, record in enumerate(content[table.key], start=2):
            for index, column in enumerate(table.columns, start=1):
                value = record.get(column.key)
                if value is not None:
                    ts.cell(row=row, column=index, value=_value(column.kind.value in ("date", "event_date"), value))
    wb.save(out)


if __name__ == "__main__":
    folder = ROOT / "examples" / "tomsk"
    build(folder / "zayavka-content.json", folder / "Заявка МАОУ гимназия № 56.xlsx")
    sys.stdout.write("examples/tomsk: workbook rebuilt\n")
