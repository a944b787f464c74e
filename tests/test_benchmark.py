"""The benchmark runs from a fresh clone and reports every measurement; its timings are not judged here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import require

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def test_benchmark_runs_and_reports_every_row(tmp_path: Path) -> None:
    require("soffice")
    done = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "2,3", "--naive-sample", "1", "--repeat", "2",
         "--workdir", str(tmp_path / "work"), "--results", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=600, check=False, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = (tmp_path / "results" / "RESULTS.md").read_text(encoding="utf-8")
    for label in ("(a) docgen end to end", "(b) docgen .docx only", "(c) naive", "(d) LibreOffice floor",
                  "(e) raw docxtpl", "(f) peak RSS", "end to end / floor", "end to end / naive",
                  "docx only per worker", "RSS(3) / RSS(2)"):
        assert label in report, label
    raw = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert [size["n"] for size in raw["sizes"]] == [2, 3]
    for size in raw["sizes"]:
        pairs = size["end_to_end_over_floor_pairs"]
        assert len(size["end_to_end"]) == len(size["libreoffice_floor"]) == len(pairs) == 2
        assert all(m["docs"] == size["n"] and m["seconds"] > 0 for m in size["end_to_end"])
        assert size["peak_rss_mb"] > 0
    assert not any((tmp_path / "work").iterdir())  # the work folder is removed without --keep


def test_reading_benchmark_reports_both_readers_for_every_example(tmp_path: Path) -> None:
    reading = BENCH.parent / "reading.py"
    done = subprocess.run([sys.executable, str(reading), "--repeat", "1", "--no-calc", "--results", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    report = (tmp_path / "READING.md").read_text(encoding="utf-8")
    raw = json.loads((tmp_path / "reading.json").read_text(encoding="utf-8"))
    examples = sorted(p.name for p in (BENCH.parent.parent / "examples").rglob("*.xlsx"))
    assert sorted(row["workbook"] for row in raw["xlsx"]) == examples
    assert all(row["old_ms"] > 0 and row["new_ms"] > 0 and row["cells"] > 100 for row in raw["xlsx"])
    assert raw["ratio_new_over_old"] == raw["total_new_ms"] / raw["total_old_ms"]
    assert "| **все примеры** |" in report and all(name in report for name in examples)


RERUN = BENCH.with_name("rerun.py")


def test_rerun_benchmark_checks_each_run_and_reports_both_ratios(tmp_path: Path) -> None:
    require("soffice")
    done = subprocess.run(
        [sys.executable, str(RERUN), "--size", "3", "--pdf-size", "2", "--repeat", "1",
         "--workdir", str(tmp_path / "work"), "--results", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=600, check=False, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = (tmp_path / "results" / "RERUN_RESULTS.md").read_text(encoding="utf-8")
    for label in ("| .docx | 3 |", "| .docx + PDF | 2 |", "без изменений / первый (цель ≤ 0.02)",
                  "одна / первый (цель ≤ 0.03)", "Внутри процесса", "Запуск Python с импортом docgen.cli"):
        assert label in report, label
    raw = json.loads((tmp_path / "results" / "rerun_results.json").read_text(encoding="utf-8"))
    assert [(m["name"], m["n"]) for m in raw["modes"]] == [("docx", 3), ("pdf", 2)]
    for mode in raw["modes"]:
        pdfs = int(mode["name"] == "pdf")
        first, [same], [one] = mode["first"], mode["same"], mode["one"]
        # what each run did, read back from docgen's own summary
        assert (first["reused"], first["made_docx"], first["made_pdf"]) == (0, mode["n"], mode["n"] * pdfs)
        assert (same["reused"], same["made_docx"], same["made_pdf"]) == (mode["n"], 0, 0)
        assert (one["reused"], one["made_docx"], one["made_pdf"]) == (mode["n"] - 1, 1, pdfs)
        assert mode["same_over_first"] > 0 and mode["one_over_first"] > 0 and len(mode["same_inside"]) == 1
    assert not any((tmp_path / "work").iterdir())  # the work folder is removed without --keep
