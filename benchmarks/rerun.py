"""Measure re-runs against the first run, in one run: `docgen render` of N workbooks, the same command with nothing
changed, and the same command after one workbook changed.

    .venv/bin/python benchmarks/rerun.py [--size 1000] [--pdf-size 1000] [--repeat 3] [--workdir DIR] [--keep]

Two modes, each on its own N generated заявки (copies of the Tomsk example for different schools, `bench.py`'s):
  docx — `docgen render КНИГИ -o ПАПКА --format docx` on --size workbooks;
  pdf  — `docgen render КНИГИ -o ПАПКА` (.docx and PDF through LibreOffice) on --pdf-size workbooks (0: skipped).
In each mode, side by side:
  first — into an empty folder (once: it is the expensive run);
  same  — the same command again, nothing changed (median of --repeat);
  one   — one workbook's «Тема стажировки» changed (another text each time), the command again (median of --repeat).
Every time is the wall time of the command as a user runs it: a fresh process, Python's start-up and the imports
included.  For scale, «start-up» is the time of `python -c "import docgen.cli"` (median of --repeat), and «same» and
«one» are also timed inside a process that has imported docgen already (`render_many(..., reuse=True)`, as the
command calls it, from listing the folder to the saved record): what the re-run itself costs.  Each run's summary
is read back and checked: «same» must report every workbook «без изменений», «one» all but one, and exit 0.
Goals: same / first ≤ 0.02, one / first ≤ 0.03.  Printed as Markdown and written to benchmarks/RERUN_RESULTS.md and
benchmarks/rerun_results.json (or --results DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench import git_commit, make_workbooks  # noqa: E402 - the generator of the main benchmark

DOCGEN = Path(sys.executable).with_name("docgen")
TARGET_SAME = 0.02
TARGET_ONE = 0.03
_OK = re.compile(r"Успешно\s+(\d+)(?: \(из них без изменений — (\d+)\))?")
_FILES = re.compile(r"создано (\d+) / (\d+), без изменений (\d+) / (\d+)")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Run:
    """One `docgen render` command: its wall time and what its summary said."""

    seconds: float
    ok: int
    reused: int
    made_docx: int
    made_pdf: int
    same_docx: int
    same_pdf: int
    load: float  # the machine's 1-minute load average when the command ended (6 people share 2 cores)


@dataclass
class Mode:
    name: str
    n: int
    formats: str
    first: Run
    same: list[Run] = field(default_factory=list)
    one: list[Run] = field(default_factory=list)
    same_inside: list[float] = field(default_factory=list)  # seconds inside a process with docgen imported
    one_inside: list[float] = field(default_factory=list)

    @property
    def same_ratio(self) -> float:
        return statistics.median(r.seconds for r in self.same) / self.first.seconds

    @property
    def one_ratio(self) -> float:
        return statistics.median(r.seconds for r in self.one) / self.first.seconds


def render(books: Path, out: Path, formats: str) -> Run:
    """Run `docgen render` as a user would; fail loudly if it did not make or keep every document."""
    command = [str(DOCGEN), "render", str(books), "-o", str(out)] + (["--format", "docx"] if formats == "docx" else [])
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"docgen render failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    ok, files = _OK.search(done.stdout), _FILES.search(done.stdout)
    if ok is None or files is None:
        raise SystemExit(f"no summary in docgen's output:\n{done.stdout[-3000:]}")
    made_docx, made_pdf, same_docx, same_pdf = map(int, files.groups())
    return Run(seconds, int(ok.group(1)), int(ok.group(2) or 0), made_docx, made_pdf, same_docx, same_pdf,
               os.getloadavg()[0])


INSIDE = """
import json, sys, time
from pathlib import Path
from docgen.pipeline import expand, render_many
books, out, formats = sys.argv[1], sys.argv[2], tuple(sys.argv[3].split(","))
started = time.perf_counter()
outcomes = render_many(expand([Path(books)]), Path(out), formats=formats, reuse=True)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "ok": sum(o.ok for o in outcomes), "reused": sum(o.reused for o in outcomes)}))
"""


def render_inside(books: Path, out: Path, formats: str, *, reused: int) -> float:
    """Time the re-run inside a process that has imported docgen: the work without Python's start-up."""
    chosen = "docx" if formats == "docx" else "docx,pdf"
    done = subprocess.run([sys.executable, "-c", INSIDE, str(books), str(out), chosen], capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"render_many failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["reused"] != reused:
        raise SystemExit(f"inside: expected {reused} reused, got {result}")
    return float(result["seconds"])


def change(book: Path, text: str) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Заявка"]
    row = next(c.row for c in ws["A"] if str(c.value or "").rstrip(" *") == "Тема стажировки")
    ws.cell(row=row, column=2).value = text
    wb.save(book)


def startup(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import docgen.cli"], check=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(name: str, n: int, formats: str, work: Path, repeat: int) -> Mode:
    books, out = work / name / "книги", work / name / "документы"
    log(f"[{name}] making {n} workbooks")
    paths = make_workbooks(n, books)
    pdfs = int(formats == "pdf")
    log(f"[{name}] first run of {n}")
    mode = Mode(name, n, formats, render(books, out, formats))
    expect(mode.first, ok=n, reused=0, made=(n, n * pdfs), name="first")
    for k in range(repeat):
        log(f"[{name}] unchanged re-run {k + 1}/{repeat}")
        mode.same.append(render(books, out, formats))
        expect(mode.same[-1], ok=n, reused=n, made=(0, 0), name="same")
        mode.same_inside.append(render_inside(books, out, formats, reused=n))
        log(f"[{name}] one changed, re-run {k + 1}/{repeat}")
        change(paths[n // 2], f"Цифровая образовательная среда школы: версия {2 * k + 2}")
        mode.one.append(render(books, out, formats))
        expect(mode.one[-1], ok=n, reused=n - 1, made=(1, pdfs), name="one")
        change(paths[n // 2], f"Цифровая образовательная среда школы: версия {2 * k + 3}")
        mode.one_inside.append(render_inside(books, out, formats, reused=n - 1))
    log(f"[{name}] first {mode.first.seconds:.2f} s, same {mode.same_ratio:.4f}, one {mode.one_ratio:.4f}")
    return mode


def expect(run: Run, *, ok: int, reused: int, made: tuple[int, int], name: str) -> None:
    """Refuse a measurement whose run did not do what it is said to measure."""
    if (run.ok, run.reused, run.made_docx, run.made_pdf) != (ok, reused, *made):
        raise SystemExit(f"{name}: expected ok={ok} reused={reused} made={made}, got {run}")


def soffice_version() -> str:
    binary = shutil.which("soffice") or "soffice"
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60, check=False,
                              stdin=subprocess.DEVNULL)
        return done.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "нет"


def report(modes: list[Mode], start: float, repeat: int) -> str:
    cpuinfo = Path("/proc/cpuinfo")
    text = cpuinfo.read_text(encoding="utf-8") if cpuinfo.is_file() else ""
    names = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")]
    cpu = names[0] if names else platform.processor() or platform.machine()
    lines = [
        "# Повторный запуск docgen render: результаты",
        "",
        f"Код {git_commit()}; {os.cpu_count()} ядра, {cpu}; Python {platform.python_version()}; "
        f"{soffice_version()}. Машину делят шесть разработчиков: нагрузка (load average за минуту) — в таблице.",
        f"Время — команда `docgen render` целиком, как её запускает человек (новый процесс: запуск Python и импорт "
        f"включены); «без изменений» и «одна изменена» — медиана {repeat}. Запуск Python с импортом docgen.cli: "
        f"{start:.2f} с.",
        "",
        "| режим | книг | первый запуск, с | без изменений, с | одна изменена, с | без изменений / первый "
        f"(цель ≤ {TARGET_SAME}) | одна / первый (цель ≤ {TARGET_ONE}) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in modes:
        same = statistics.median(r.seconds for r in m.same)
        one = statistics.median(r.seconds for r in m.one)
        lines.append(
            f"| {'.docx' if m.formats == 'docx' else '.docx + PDF'} | {m.n} | {m.first.seconds:.2f} | {same:.3f} | "
            f"{one:.3f} | {m.same_ratio:.4f} — {'да' if m.same_ratio <= TARGET_SAME else '**нет**'} | "
            f"{m.one_ratio:.4f} — {'да' if m.one_ratio <= TARGET_ONE else '**нет**'} |")
    lines += ["", "Внутри процесса, где docgen уже импортирован (`render_many(…, reuse=True)`: что стоит сам повторный "
              "запуск, без запуска Python):", "",
              "| режим | книг | без изменений, с | одна изменена, с | без изменений / первый | одна / первый |",
              "|---|---:|---:|---:|---:|---:|"]
    for m in modes:
        same_in, one_in = statistics.median(m.same_inside), statistics.median(m.one_inside)
        lines.append(f"| {'.docx' if m.formats == 'docx' else '.docx + PDF'} | {m.n} | {same_in:.3f} | {one_in:.3f} | "
                     f"{same_in / m.first.seconds:.4f} | {one_in / m.first.seconds:.4f} |")
    lines += ["", "Все прогоны (с; нагрузка машины):", ""]
    for m in modes:
        lines.append(f"- {m.name}: первый {m.first.seconds:.2f} ({m.first.load:.1f}); без изменений "
                     + ", ".join(f"{r.seconds:.3f} ({r.load:.1f})" for r in m.same) + "; одна изменена "
                     + ", ".join(f"{r.seconds:.3f} ({r.load:.1f})" for r in m.one))
    lines += ["", "Каждый прогон проверен по итогу docgen: «без изменений» — все книги из записи, ни одного "
              "созданного файла; «одна изменена» — одна книга сделана заново (её .docx и PDF), остальные без "
              "изменений; код завершения 0.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=1000, help="workbooks for the .docx-only mode")
    parser.add_argument("--pdf-size", type=int, default=1000, help="workbooks for the .docx + PDF mode (0: skip)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--results", type=Path, default=HERE)
    args = parser.parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="docgen-rerun-", dir=args.workdir))
    try:
        start = startup(args.repeat)
        modes = []
        if args.size:
            modes.append(measure("docx", args.size, "docx", work, args.repeat))
        if args.pdf_size:
            modes.append(measure("pdf", args.pdf_size, "pdf", work, args.repeat))
        text = report(modes, start, args.repeat)
        print(text)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "RERUN_RESULTS.md").write_text(text, encoding="utf-8")
        raw = {"commit": git_commit(), "startup_seconds": start, "repeat": args.repeat,
               "targets": {"same_over_first": TARGET_SAME, "one_over_first": TARGET_ONE},
               "modes": [asdict(m) | {"same_over_first": m.same_ratio, "one_over_first": m.one_ratio,
                                      "same_inside_over_first": statistics.median(m.same_inside) / m.first.seconds,
                                      "one_inside_over_first": statistics.median(m.one_inside) / m.first.seconds}
                         for m in modes]}
        (args.results / "rerun_results.json").write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n",
                                                         encoding="utf-8")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
