"""Build the example workbooks in examples/ from the JSON content beside them, through docgen's blank workbook.

Each `examples/**/*-content.json` holds {"kind", "file", "form": {key: value}, "tables": {key: [rows]}} with keys
as in docgen/schema.py.  Run after a change of a workbook layout: `make examples`.  The workbooks are committed so
that a user can open them; a test checks they still hold what the JSON says.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from docgen.blank import build_blank
from docgen.profiles import load_profile
from docgen.schema import SPECS, Column, Kind

ROOT = Path(__file__).resolve().parent.parent


def _value(column: Column, value: Any) -> Any:
    if column.kind in (Kind.DATE, Kind.EVENT_DATE) and isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    if column.kind is Kind.YES_NO and isinstance(value, bool):
        return "да" if value else "нет"
    return value


def build(content_path: Path) -> Path:
    content = json.loads(content_path.read_text(encoding="utf-8"))
    spec = SPECS[content["kind"]]
    profile_key = content["form"].get("profile", "tomsk")
    profile = load_profile(profile_key)
    typed_date = str(content["form"].get("order_date", ""))
    # an order's carried-over texts name the school years of its own date, not of the day the example is rebuilt
    wb = build_blank(spec, profile_key, year=int(typed_date[:4]) if typed_date[:4].isdigit() else None)
    ws = wb[spec.form.name]
    for row, column in enumerate(spec.form.fields, start=2):
        if column.key in content["form"]:
            ws.cell(row=row, column=2, value=_value(column, content["form"][column.key]))
    for table in spec.tables_for({"criteria"} if profile.criteria else set()):
        ts = wb[table.name]
        for row, record in enumerate(content["tables"].get(table.key, []), start=2):
            for index, column in enumerate(table.columns, start=1):
                value = record.get(column.key)
                if value is not None:
                    ts.cell(row=row, column=index, value=_value(column, value))
    out = content_path.parent / content["file"]
    wb.save(out)
    return out


if __name__ == "__main__":
    for path in sorted((ROOT / "examples").rglob("*-content.json")):
        built = build(path)
        sys.stdout.write(f"{built.relative_to(ROOT)}\n")
