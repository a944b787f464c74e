"""Measure workbook reading: the hand-written .xlsx reader docgen used before against python-calamine, side by side.

    .venv/bin/python benchmarks/reading.py [--repeat 30] [--no-calc] [--results DIR]

For every example workbook, in one run: (old) benchmarks/xml_reader.py `read_values` — openpyxl's read-only reader
with sheets, shared strings and styles parsed by lxml, plus its scan for month-formatted cells, as `docgen.loader`
read before; (new) `docgen.spreadsheet`: python-calamine and the scan of what it does not show.  Both read every
sheet of the workbook, every cell, the merged ranges and the marks (errors, formulas without values, month formats).
The two alternate `--repeat` times per workbook and each time is the median; the ratio is new / old.  Without
`--no-calc`, the examples are also saved by LibreOffice Calc as .ods and .xls and read by the new reader (the old
one could not read them).  Prints a Markdown table and writes it with the raw numbers to benchmarks/READING.md and
benchmarks/reading.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.xml_reader import read_values  # noqa: E402
from docgen.spreadsheet import open_workbook  # noqa: E402

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.xlsx"))


def read_new(path: Path) -> int:
    """Read every sheet with docgen.spreadsheet; return the number of non-empty cells."""
    cells = 0
    with open_workbook(path) as book:
        for name in book.sheet_names:
            sheet = book.sheet(name)
            cells += sum(value is not None for row in sheet.rows for value in row)
    return cells


def read_old(path: Path) -> int:
    """Read every sheet with the old hand-written reader; return the number of non-empty cells."""
    return sum(value is not None for sheet in read_values(path).values() for row in sheet["rows"] for value in row)


def timed(read: Callable[[Path], int], path: Path) -> float:
    start = time.perf_counter()
    read(path)
    return time.perf_counter() - start


def calc_copies(folder: Path) -> list[Path]:
    """Save every example with LibreOffice Calc as .ods and .xls; return the copies."""
    made: list[Path] = []
    for suffix in ("ods", "xls"):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                        "--convert-to", suffix, "--outdir", str(folder), *map(str, EXAMPLES)],
                       capture_output=True, timeout=600, check=True, stdin=subprocess.DEVNULL)
        made += sorted(folder.glob(f"*.{suffix}"))
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-calc", action="store_true", help="do not read .ods/.xls copies made by Calc")
    parser.add_argument("--results", type=Path, default=HERE)
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = []
    for path in EXAMPLES:
        if read_new(path) != read_old(path):  # warm-up, and the same cells for both
            raise SystemExit(f"{path.name}: the readers disagree; run tests/test_spreadsheet.py")
        old: list[float] = []
        new: list[float] = []
        for _ in range(args.repeat):  # alternate: the machine's speed drifts within minutes
            old.append(timed(read_old, path))
            new.append(timed(read_new, path))
        rows.append({"workbook": path.name, "size_kb": round(path.stat().st_size / 1024, 1), "cells": read_new(path),
                     "old_ms": statistics.median(old) * 1000, "new_ms": statistics.median(new) * 1000})
    calc: list[dict[str, Any]] = []
    if not args.no_calc:
        with tempfile.TemporaryDirectory() as tmp:
            for path in calc_copies(Path(tmp)):
                read_new(path)
                times = [timed(read_new, path) for _ in range(args.repeat)]
                calc.append({"workbook": path.name, "size_kb": round(path.stat().st_size / 1024, 1),
                             "cells": read_new(path), "new_ms": statistics.median(times) * 1000})

    total_old = sum(r["old_ms"] for r in rows)
    total_new = sum(r["new_ms"] for r in rows)
    lines = [
        "# Чтение книг: прежний читатель и python-calamine",
        "",
        f"Машина: {os.cpu_count()} ядра, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}; повторов на книгу: {args.repeat} (медиана, прежний и новый по очереди).",
        "Читаются все листы книги, каждая ячейка, объединённые ячейки и пометки (ошибки, формулы без значения, "
        "форматы-месяцы).",
        "",
        "| книга | КБ | ячеек | прежний, мс | calamine, мс | новый / прежний |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['workbook']} | {r['size_kb']} | {r['cells']} | {r['old_ms']:.2f} | {r['new_ms']:.2f} | "
              f"{r['new_ms'] / r['old_ms']:.2f} |" for r in rows]
    lines.append(f"| **все примеры** | | | **{total_old:.1f}** | **{total_new:.1f}** | "
                 f"**{total_new / total_old:.2f}** |")
    if calc:
        lines += ["", "Те же книги, сохранённые LibreOffice Calc (прежний читатель их не читал):", "",
                  "| книга | КБ | ячеек | calamine, мс |", "|---|---|---|---|"]
        lines += [f"| {r['workbook']} | {r['size_kb']} | {r['cells']} | {r['new_ms']:.2f} |" for r in calc]
    report = "\n".join(lines) + "\n"
    print(report)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "READING.md").write_text(report, encoding="utf-8")
    (args.results / "reading.json").write_text(json.dumps(
        {"repeat": args.repeat, "xlsx": rows, "calc": calc, "total_old_ms": total_old, "total_new_ms": total_new,
         "ratio_new_over_old": total_new / total_old}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
