"""Measure docgen's batch throughput against its baselines, in one run, on the same documents.

    .venv/bin/python benchmarks/bench.py [--sizes 200,1000] [--naive-sample 20] [--repeat 5] [--workdir DIR] [--keep]

For each size N, on N generated заявка workbooks (copies of the Tomsk example with different organizations):
  (a) docgen end to end (workbook → .docx → PDF) through `render_many`;
  (b) docgen .docx only (formats=("docx",));
  (c) the naive way: one `soffice --convert-to pdf` process per document, fresh profile each, on a sample of (b);
  (d) the LibreOffice floor: the .docx files of (b) in one soffice batch per core, in parallel;
  (e) raw docxtpl in one process on the same models, loaded beforehand;
  (f) the peak RSS of the whole process tree during (a) (and of the soffice processes during (d), sampled alike).
(a) and (b) run in a fresh Python process, as `docgen render` would, so that the memory of this script (the
generated workbooks, earlier steps) is not counted as docgen's.  (a) and (d) alternate `--repeat` times and the
ratio is the median of the pairs: the machine's speed drifts by tens of per cent within minutes.
Prints a Markdown table and writes it, with the raw numbers, to benchmarks/RESULTS.md and benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import openpyxl
from docxtpl import DocxTemplate

from docgen.kinds import PAPERS
from docgen.loader import load
from docgen.models import Paper
from docgen.pipeline import Outcome, render_many
from docgen.render import context_of, make_env, template_path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
EXAMPLE = ROOT / "examples" / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
BATCH_LIMIT = 200  # soffice silently drops files past ~250 arguments (see the LibreOffice notes)
SOFFICE_TIMEOUT = 900.0  # seconds for one soffice call
SAMPLE_INTERVAL = 0.1  # seconds between two samples of a process tree's memory (one sample: ~2.5 ms of CPU)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# Targets (see benchmarks/README.md).
TARGET_FLOOR = 1 / 1.15  # end-to-end docs/s over LibreOffice-floor docs/s: end to end within 1.15× of the floor time
TARGET_NAIVE = 12.0  # end-to-end docs/s over naive docs/s
TARGET_PER_CORE = 0.8  # docx-only docs/s per worker over raw docxtpl docs/s
TARGET_RSS_GROWTH = 1.2  # peak RSS at the largest size over the smallest: «not growing with N», with some noise

HEADS = (
    "Горбунова Елена Аркадьевна", "Иванов Сергей Петрович", "Кузнецова Мария Викторовна",
    "Смирнов Алексей Николаевич", "Попова Ольга Сергеевна", "Васильев Дмитрий Андреевич",
    "Соколова Татьяна Ивановна", "Морозов Андрей Владимирович", "Лебедева Наталья Юрьевна",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the documents ---------------------------------------------------------------------------------------------


def make_workbooks(count: int, folder: Path) -> list[Path]:
    """Save `count` copies of the example заявка, each for another school; return them in order."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb["Заявка"]
    rows = {str(c.value).rstrip(" *"): c.row for c in ws["A"] if c.value is not None}

    def put(label: str, value: object) -> None:
        ws.cell(row=rows[label], column=2).value = value

    paths: list[Path] = []
    for k in range(1, count + 1):
        put("Полное наименование организации", "муниципальное автономное общеобразовательное учреждение "
                                               f"средняя общеобразовательная школа № {k} г. Томска")
        put("Краткое наименование", f"МАОУ СОШ № {k} г. Томска")
        put("ФИО руководителя", HEADS[k % len(HEADS)])
        put("Телефон", f"+7 (3822) {40 + k // 10000}-{k // 100 % 100:02d}-{k % 100:02d}")
        put("E-mail", f"school{k}@example.tomsk.ru")
        put("Официальный сайт", f"https://school{k}.example.tomsk.ru")
        put("Дата заявки", datetime.combine(date(2023, 5, 2) + timedelta(days=k % 20), datetime.min.time()))
        path = folder / f"Заявка МАОУ СОШ № {k} г. Томска.xlsx"
        wb.save(path)
        paths.append(path)
    wb.close()
    return paths


def load_models(sources: Sequence[Path]) -> list[Paper]:
    models: list[Paper] = []
    for source in sources:
        loaded = load(source)
        if loaded.model is None or loaded.errors:
            raise SystemExit(f"{source.name}: generated workbook is invalid: {[str(p) for p in loaded.errors]}")
        models.append(loaded.model)
    return models


# --- docgen ----------------------------------------------------------------------------------------------------


def accepts_workers() -> bool:
    """Tell whether this docgen's render_many takes `workers` (the parallel pipeline) or not (the sequential one)."""
    parameters = inspect.signature(render_many).parameters
    return "workers" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def run_docgen(sources: list[Path], out_dir: Path, formats: tuple[str, ...], workers: int | None) -> list[Outcome]:
    """Call render_many, passing `workers` only when it is accepted; fail loudly if any workbook failed."""
    kwargs: dict[str, Any] = {"formats": formats}
    if workers is not None:
        kwargs["workers"] = workers
    outcomes = render_many(sources, out_dir, **kwargs)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"docgen failed on {len(failed)} of {len(outcomes)} workbooks; first: "
                         f"{failed[0].source.name}: {failed[0].error}")
    for outcome in outcomes:
        suffixes = {p.suffix for p in outcome.written if p.is_file() and p.stat().st_size > 0}
        missing = {f".{fmt}" for fmt in formats} - suffixes
        if missing:
            raise SystemExit(f"docgen wrote no {', '.join(sorted(missing))} for {outcome.source.name}")
    return outcomes


@dataclass
class ChildRun:
    """What one docgen run in a fresh process did: its time, its peak memory, the files it wrote."""

    measure: Measure
    peak_rss: int
    written: list[Path]


def run_docgen_child(sources: list[Path], out_dir: Path, formats: tuple[str, ...], workers: int | None,
                     work: Path) -> ChildRun:
    """Run `run_docgen` in a fresh Python process: time it there, sample its process tree's memory from here.

    The child imports docgen and renders one document untimed first (as the warm-up does here), then says
    «start», renders all `sources` and reports its own wall time; memory is sampled only between the two.
    """
    job = work / f"job-{out_dir.name}.json"
    job.write_text(json.dumps({"sources": [str(p) for p in sources], "out_dir": str(out_dir),
                               "formats": list(formats), "workers": workers, "scratch": str(work / "child-warm-up")}))
    child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(job)],
                             stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "start":
        child.wait()
        raise SystemExit(f"the docgen child process failed before starting (exit code {child.returncode})")
    with PeakMemory(child.pid) as memory:
        result = child.stdout.readline()
        child.wait()
    if child.returncode != 0 or not result:
        raise SystemExit(f"the docgen child process failed (exit code {child.returncode})")
    data = json.loads(result)
    return ChildRun(Measure(len(sources), data["seconds"]), memory.peak, [Path(p) for p in data["written"]])


def child_main(job_file: Path) -> int:
    """Do one `run_docgen_child` job: warm up untimed, print «start», run timed, print the result as JSON."""
    job = json.loads(job_file.read_text())
    sources = [Path(p) for p in job["sources"]]
    formats, workers = tuple(job["formats"]), job["workers"]
    run_docgen(sources[:1], Path(job["scratch"]), ("docx",), workers)
    shutil.rmtree(job["scratch"], ignore_errors=True)
    gc.collect()
    print("start", flush=True)
    start = time.perf_counter()
    outcomes = run_docgen(sources, Path(job["out_dir"]), formats, workers)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "written": [str(p) for o in outcomes for p in o.written]}), flush=True)
    return 0


# --- LibreOffice -----------------------------------------------------------------------------------------------


def find_soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise SystemExit("LibreOffice (soffice) is not installed: run `make demo` first")
    return found


def soffice(binary: str, files: Sequence[Path], out_dir: Path, profile: Path) -> None:
    """Convert `files` to PDF in one soffice process with its own profile, as docgen does (Word filter forced)."""
    command = [
        binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
        "--nodefault", "--infilter=MS Word 2007 XML", "--convert-to", "pdf:writer_pdf_Export",
        "--outdir", str(out_dir), *map(str, files),
    ]
    subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=SOFFICE_TIMEOUT, check=False,
                   env={**os.environ, "HOME": str(profile)})


def check_pdfs(docx: Sequence[Path], out_dir: Path) -> None:
    missing = [d.name for d in docx if not (out_dir / f"{d.stem}.pdf").is_file()
               or (out_dir / f"{d.stem}.pdf").stat().st_size == 0]
    if missing:
        raise SystemExit(f"LibreOffice made no PDF for {len(missing)} of {len(docx)} files; first: {missing[0]}")


def naive(binary: str, docx: Sequence[Path], out_dir: Path) -> None:
    """One soffice process per document, each with a fresh profile."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for doc in docx:
        with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
            soffice(binary, [doc], out_dir, Path(profile))


def floor(binary: str, docx: Sequence[Path], out_dir: Path, lanes: int) -> None:
    """One soffice batch per core in parallel, each lane with its own profile, at most BATCH_LIMIT files a call."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chunks = [list(docx[i::lanes]) for i in range(lanes) if docx[i::lanes]]

    def lane(files: list[Path]) -> None:
        with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
            for start in range(0, len(files), BATCH_LIMIT):
                soffice(binary, files[start:start + BATCH_LIMIT], out_dir, Path(profile))

    with ThreadPoolExecutor(len(chunks)) as pool:
        list(pool.map(lane, chunks))


# --- raw docxtpl -----------------------------------------------------------------------------------------------


def raw_docxtpl(models: Sequence[Paper], template: Path) -> None:
    """Plain docxtpl, one process: a new DocxTemplate per document, rendered with docgen's Jinja environment."""
    env = make_env()  # autoescape=True, StrictUndefined, and the filters the templates use
    for model in models:
        doc = DocxTemplate(template)
        doc.render(context_of(model), jinja_env=env, autoescape=True)
        doc.save(io.BytesIO())


# --- memory ----------------------------------------------------------------------------------------------------


def tree_rss(root: int) -> int:
    """Return the summed RSS in bytes of `root` and all its descendants (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
            ppid = int(stat.rsplit(b")", 1)[1].split()[1])  # after «(comm)»: state, ppid, …
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
        children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        with suppress(OSError, ValueError, IndexError):  # the process ended meanwhile
            total += int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * PAGE_SIZE
        stack += children.get(pid, [])
    return total


class PeakMemory:
    """Sample a process tree's RSS every SAMPLE_INTERVAL seconds in a thread; keep the largest sum."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_rss(self.root))
            self.samples += 1
            if self._stop.wait(SAMPLE_INTERVAL):
                return

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# --- measuring -------------------------------------------------------------------------------------------------


@dataclass
class Measure:
    docs: int
    seconds: float

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds

    def as_json(self) -> dict[str, float]:
        return {"docs": self.docs, "seconds": round(self.seconds, 3), "docs_per_s": round(self.docs_per_s, 3)}


def timed(docs: int, action: Callable[[], object]) -> Measure:
    gc.collect()
    start = time.perf_counter()
    action()
    return Measure(docs, time.perf_counter() - start)


@dataclass
class SizeResult:
    n: int
    end_to_end: list[Measure]  # one per repetition, alternating with `floor`
    docx_only: Measure
    naive: Measure
    floor: list[Measure]
    raw: Measure
    peak_rss_mb: float  # the largest of the repetitions of (a)
    floor_rss_mb: float  # the same for (d): its soffice processes

    def pair_ratios(self) -> list[float]:
        return [a.docs_per_s / d.docs_per_s for a, d in zip(self.end_to_end, self.floor, strict=True)]

    def ratios(self, workers: int) -> dict[str, float]:
        return {
            "end_to_end_over_floor": statistics.median(self.pair_ratios()),
            "end_to_end_over_naive": median_speed(self.end_to_end) / self.naive.docs_per_s,
            "docx_per_worker_over_raw": self.docx_only.docs_per_s / workers / self.raw.docs_per_s,
        }


def median_speed(measures: list[Measure]) -> float:
    return statistics.median(m.docs_per_s for m in measures)


def measure_size(n: int, sources: list[Path], work: Path, *, binary: str, workers: int | None, lanes: int,
                 naive_sample: int, repeat: int, keep: bool) -> SizeResult:
    """Measure (a)–(f) on the first `n` workbooks; each measurement writes into its own fresh folder."""
    chosen = sources[:n]
    here = work / f"size-{n}"
    here.mkdir(parents=True, exist_ok=True)
    log(f"[{n}] (b) docgen, docx only …")
    docx_run = run_docgen_child(chosen, here / "docx", ("docx",), workers, here)
    docx = sorted(p for p in docx_run.written if p.suffix == ".docx")
    log(f"[{n}] (b) {docx_run.measure.docs_per_s:.1f} docs/s")

    end_to_end: list[Measure] = []
    floors: list[Measure] = []
    peak = floor_peak = 0
    for turn in range(1, repeat + 1):
        log(f"[{n}] (a) docgen end to end, {turn} of {repeat} …")
        run = run_docgen_child(chosen, here / f"end-to-end-{turn}", ("docx", "pdf"), workers, here)
        end_to_end.append(run.measure)
        peak = max(peak, run.peak_rss)
        log(f"[{n}] (a) {run.measure.docs_per_s:.1f} docs/s, peak RSS {run.peak_rss / 2**20:.0f} MB; "
            f"(d) LibreOffice floor, {lanes} lanes, {turn} of {repeat} …")
        floor_dir = here / f"floor-{turn}"
        # Sampled like (a), so that both pay the sampler's CPU; this script's own memory is taken off.
        gc.collect()
        own = tree_rss(os.getpid())
        with PeakMemory(os.getpid()) as floor_memory:
            floors.append(timed(len(docx), lambda: floor(binary, docx, floor_dir, lanes)))  # noqa: B023 - at once
        floor_peak = max(floor_peak, floor_memory.peak - own)
        check_pdfs(docx, floor_dir)
        log(f"[{n}] (d) {floors[-1].docs_per_s:.1f} docs/s")
        if not keep:  # the PDFs are checked; the disk need not hold every repetition
            shutil.rmtree(here / f"end-to-end-{turn}", ignore_errors=True)
            shutil.rmtree(floor_dir, ignore_errors=True)

    sample_size = min(naive_sample, len(docx))
    step = len(docx) / sample_size
    sample = [docx[int(i * step)] for i in range(sample_size)]
    log(f"[{n}] (c) naive, {sample_size} documents …")
    naive_dir = here / "naive"
    naive_m = timed(len(sample), lambda: naive(binary, sample, naive_dir))
    check_pdfs(sample, naive_dir)

    log(f"[{n}] (c) {naive_m.docs_per_s:.2f} docs/s; (e) raw docxtpl (loading {n} models first, not timed) …")
    models = load_models(chosen)
    template = template_path(PAPERS[models[0].kind].template)
    raw = timed(n, lambda: raw_docxtpl(models, template))
    models.clear()
    log(f"[{n}] (e) {raw.docs_per_s:.1f} docs/s")
    if not keep:
        shutil.rmtree(here, ignore_errors=True)
    return SizeResult(n, end_to_end, docx_run.measure, naive_m, floors, raw, peak / 2**20, floor_peak / 2**20)


def warm_up(source: Path, work: Path, binary: str, workers: int | None) -> None:
    """Import and load what a first call would (dictionaries, LibreOffice from disk); not measured."""
    outcomes = run_docgen([source], work / "warm-up", ("docx",), workers)
    docx = [p for p in outcomes[0].written if p.suffix == ".docx"]
    with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
        soffice(binary, docx, work / "warm-up", Path(profile))
    shutil.rmtree(work / "warm-up", ignore_errors=True)


# --- the machine -----------------------------------------------------------------------------------------------


@dataclass
class Machine:
    nproc: int
    cpu: str
    ram_gb: float
    libreoffice: str
    python: str
    docxtpl: str
    docgen_commit: str


def machine(binary: str) -> Machine:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
               platform.processor() or "unknown")
    meminfo = Path("/proc/meminfo").read_text()
    kb = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:"))
    with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
        done = subprocess.run([binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--version"],
                              capture_output=True, text=True, timeout=120, check=False,
                              env={**os.environ, "HOME": profile}, stdin=subprocess.DEVNULL)
    libreoffice = (done.stdout.strip().splitlines() or ["unknown"])[0]
    return Machine(len(os.sched_getaffinity(0)), cpu, round(kb / 2**20, 1), libreoffice, platform.python_version(),
                   version("docxtpl"), git_commit())


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=False, timeout=30)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "docgen", "templates"],
                               cwd=ROOT, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    commit = head.stdout.strip() or "unknown"
    return commit + (" + uncommitted changes in docgen/" if dirty.stdout.strip() else "")


# --- the report ------------------------------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def report(results: list[SizeResult], info: Machine, *, workers: int, has_workers: bool, naive_sample: int,
           seconds: dict[str, float]) -> tuple[str, dict[str, Any]]:
    """Return the Markdown report and the raw numbers for results.json."""
    sizes = [r.n for r in results]
    ratios = [r.ratios(workers) for r in results]
    pipeline = (f"{workers} worker(s), passed as `workers=`" if has_workers
                else "sequential (render_many has no `workers` parameter yet): counted as 1 worker")
    lines = [
        "# docgen benchmark",
        "",
        f"Run {datetime.now().isoformat(timespec='seconds')}: `{' '.join(['benchmarks/bench.py', *sys.argv[1:]])}`,"
        f" {seconds['total']:.0f} s in all (generating the workbooks: {seconds['generate']:.1f} s, not measured).",
        "",
        "| machine | |",
        "|---|---|",
        f"| nproc | {info.nproc} |",
        f"| CPU | {info.cpu} |",
        f"| RAM | {info.ram_gb} GB |",
        f"| LibreOffice | {info.libreoffice} |",
        f"| Python | {info.python} (docxtpl {info.docxtpl}) |",
        f"| docgen | {info.docgen_commit}; pipeline: {pipeline} |",
        "",
        "| documents (заявка, one per workbook) | " + " | ".join(f"N = {n}" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def speed(m: Measure) -> str:
        return f"{m.docs_per_s:.2f} ({m.docs} in {m.seconds:.1f} s)"

    def speeds(ms: list[Measure]) -> str:
        if len(ms) == 1:
            return speed(ms[0])
        each = ", ".join(f"{m.docs_per_s:.2f}" for m in ms)
        return f"{median_speed(ms):.2f} (median of {each})"

    row("(a) docgen end to end, docs/s", [speeds(r.end_to_end) for r in results])
    row("(b) docgen .docx only, docs/s", [speed(r.docx_only) for r in results])
    row(f"(c) naive: 1 soffice per document (sample of {naive_sample}), docs/s", [speed(r.naive) for r in results])
    row(f"(d) LibreOffice floor: {info.nproc} soffice batches in parallel, docs/s",
        [speeds(r.floor) for r in results])
    row("(e) raw docxtpl, 1 process, docs/s", [speed(r.raw) for r in results])
    row("(f) peak RSS of (a), process tree, MB", [f"{r.peak_rss_mb:.0f}" for r in results])
    row("peak RSS of (d), its soffice processes, MB", [f"{r.floor_rss_mb:.0f}" for r in results])

    def floor_cell(r: SizeResult, q: dict[str, float]) -> str:
        pairs = r.pair_ratios()
        each = f" (median of pairs {', '.join(f'{x:.3f}' for x in pairs)})" if len(pairs) > 1 else ""
        return f"{q['end_to_end_over_floor']:.3f}{each} — {verdict(q['end_to_end_over_floor'] >= TARGET_FLOOR)}"

    row(f"end to end / floor (target ≥ {TARGET_FLOOR:.3f} = 1/1.15)",
        [floor_cell(r, q) for r, q in zip(results, ratios, strict=True)])
    row(f"end to end / naive (target ≥ {TARGET_NAIVE:.0f}×)",
        [f"{q['end_to_end_over_naive']:.1f}× — {verdict(q['end_to_end_over_naive'] >= TARGET_NAIVE)}"
         for q in ratios])
    row(f"docx only per worker ({workers}) / raw docxtpl (target ≥ {TARGET_PER_CORE})",
        [f"{q['docx_per_worker_over_raw']:.2f} — {verdict(q['docx_per_worker_over_raw'] >= TARGET_PER_CORE)}"
         for q in ratios])

    growth: dict[str, Any] | None = None
    if len(results) > 1:
        small, large = min(results, key=lambda r: r.n), max(results, key=lambda r: r.n)
        value = large.peak_rss_mb / small.peak_rss_mb
        growth = {"from": small.n, "to": large.n, "ratio": round(value, 3), "target_at_most": TARGET_RSS_GROWTH,
                  "met": value <= TARGET_RSS_GROWTH}
        lines += ["", f"Peak RSS RSS({large.n}) / RSS({small.n}) = {value:.2f} (target ≤ {TARGET_RSS_GROWTH}: "
                      f"not growing with N) — {verdict(value <= TARGET_RSS_GROWTH)}."]
    lines += [
        "",
        "Docs/s = documents / wall time of the step. (a) and (b) run in a fresh Python process, timed from its first "
        "workbook to its last file (imports and one warm-up document before). (a) and (d) alternate "
        f"{len(results[0].floor)} time(s); the ratio is the median of the pairs. (c) and (d) convert the .docx files "
        "made in (b); (e) renders the same models, loaded beforehand. RSS is summed over the docgen process and all "
        "its descendants (pool workers, soffice), sampled every 100 ms during (a) and, for the same cost to both, "
        "during (d): pages shared between processes are counted once per process.",
        "",
    ]
    raw = {
        "run_at": datetime.now().isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "machine": asdict(info),
        "pipeline": {"accepts_workers": has_workers, "workers": workers},
        "naive_sample": naive_sample,
        "repeat": len(results[0].floor),
        "targets": {"end_to_end_over_floor_at_least": round(TARGET_FLOOR, 4),
                    "end_to_end_over_naive_at_least": TARGET_NAIVE,
                    "docx_per_worker_over_raw_at_least": TARGET_PER_CORE,
                    "rss_growth_at_most": TARGET_RSS_GROWTH},
        "sizes": [
            {
                "n": r.n,
                "end_to_end": [m.as_json() for m in r.end_to_end],
                "docx_only": r.docx_only.as_json(),
                "naive": r.naive.as_json(),
                "libreoffice_floor": [{**m.as_json(), "lanes": info.nproc} for m in r.floor],
                "end_to_end_over_floor_pairs": [round(x, 4) for x in r.pair_ratios()],
                "raw_docxtpl": r.raw.as_json(),
                "peak_rss_mb": round(r.peak_rss_mb, 1),
                "floor_peak_rss_mb": round(r.floor_rss_mb, 1),
                "ratios": {k: round(v, 4) for k, v in q.items()},
                "met": {
                    "end_to_end_over_floor": q["end_to_end_over_floor"] >= TARGET_FLOOR,
                    "end_to_end_over_naive": q["end_to_end_over_naive"] >= TARGET_NAIVE,
                    "docx_per_worker_over_raw": q["docx_per_worker_over_raw"] >= TARGET_PER_CORE,
                },
            }
            for r, q in zip(results, ratios, strict=True)
        ],
        "rss_growth": growth,
    }
    return "\n".join(lines), raw


# --- the command -----------------------------------------------------------------------------------------------


def sizes_of(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected sizes like 200,1000") from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("expected positive sizes like 200,1000")
    return sizes


@contextmanager
def work_dir(parent: Path | None, keep: bool) -> Iterator[Path]:
    """A fresh folder for everything the run writes (inside `parent` if given); removed afterwards unless `keep`."""
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="docgen-bench-", dir=parent))
    try:
        yield folder
    finally:
        if keep:
            log(f"kept the work folder: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=sizes_of, default=[200, 1000], help="numbers of documents (default 200,1000)")
    parser.add_argument("--naive-sample", type=int, default=20,
                        help="documents converted one soffice process each (default 20; ~1.2 s per document)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="times (a) and (d) alternate; the ratio is the median of the pairs (default 5)")
    parser.add_argument("--workdir", type=Path, help="where to make the work folder (default: the system temp)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (workbooks, documents)")
    parser.add_argument("--results", type=Path, default=HERE,
                        help="folder for RESULTS.md and results.json (default: benchmarks/)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: one docgen run, see run_docgen_child
    args = parser.parse_args(argv)
    if args.child is not None:
        return child_main(args.child)
    if args.naive_sample < 1 or args.repeat < 1:
        parser.error("--naive-sample and --repeat must be at least 1")

    started = time.perf_counter()
    binary = find_soffice()
    info = machine(binary)
    has_workers = accepts_workers()
    workers = info.nproc if has_workers else None
    log(f"{info.nproc} cores, {info.libreoffice}; render_many "
        + (f"accepts workers: using {workers}" if has_workers else "has no workers parameter: sequential"))
    with work_dir(args.workdir, args.keep) as work:
        log(f"work folder {work}; generating {max(args.sizes)} workbooks …")
        generate = time.perf_counter()
        sources = make_workbooks(max(args.sizes), work / "workbooks")
        generate = time.perf_counter() - generate
        warm_up(sources[0], work, binary, workers)
        results = [measure_size(n, sources, work, binary=binary, workers=workers, lanes=info.nproc,
                                naive_sample=args.naive_sample, repeat=args.repeat, keep=args.keep)
                   for n in args.sizes]
    seconds = {"total": time.perf_counter() - started, "generate": generate}
    markdown, raw = report(results, info, workers=workers or 1, has_workers=has_workers,
                            naive_sample=args.naive_sample, seconds=seconds)
    print(markdown)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "RESULTS.md").write_text(markdown, encoding="utf-8")
    (args.results / "results.json").write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
    log(f"written {args.results / 'RESULTS.md'} and {args.results / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
