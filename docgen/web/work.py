"""Do what a page asks, with the library's functions: check workbooks, make papers, registries and archives.

Two kinds of job.  A school's («check»): every workbook checked, every problem listed, the papers of the valid
ones made.  A methodologist's («desk»): the same check for a whole folder of заявки, then the registry, the papers
in one .zip and, when asked, the archive.  Both run in a job's thread and report progress through `Job.progress`.

The library is not made for threads: python-docx parses every part with one module-level lxml parser, and two
threads parsing with it at once crash the process (seen: a segmentation fault with four jobs at once).  So jobs
take turns in the library (`LIBRARY`), and a job gives its turn away while it waits for LibreOffice
(`_Unlocked`): the Python work is one core's anyway (the GIL), and the conversions of all jobs run in parallel
in the shared pool meanwhile.
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from docgen.annotate import annotate_workbook, annotated_names
from docgen.checking import Checked, check_workbook
from docgen.errors import DocgenError, OutputError, Problem, Severity, WorkbookFileError, WorkbookInvalidError
from docgen.kinds import PAPERS
from docgen.loader import load, shown
from docgen.models import Application
from docgen.pdf import PdfConverter
from docgen.pipeline import Outcome, render_many, render_paper
from docgen.text import year_span
from docgen.web.jobs import Job

# (pdfa, cancelled) → a converter for one request (the server's shared pool); `cancelled` drops its queued files
Converters = Callable[[bool, Callable[[], bool]], PdfConverter]

LIBRARY = threading.Lock()  # held by the job that is running library code; see the module's docstring

DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Row:
    """One problem as the page's table shows it."""

    severity: str
    level: str  # "error", "warning", "info": the CSS class
    sheet: str
    row: str
    column: str
    value: str
    message: str
    rule: str

    @property
    def words(self) -> list[tuple[str, bool]]:
        """Split the typed value for the page: (text, kept whole); a date, an e-mail, a number never break inside.

        A browser breaks a line after a hyphen («zam- / direktora@…» reads as a hyphenated word) and, in a narrow
        column, inside a word; a word up to 40 characters is kept on one line, a longer one may still wrap.
        """
        return [(part, not part.isspace() and len(part) <= 40) for part in re.split(r"(\s+)", self.value) if part]


@dataclass
class Book:
    """One uploaded workbook: its verdict, its problems, what can be downloaded for it."""

    number: int
    name: str
    path: Path
    kind_name: str = ""
    ok: bool = False
    error: str = ""  # the file itself cannot be read
    rows: list[Row] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    checked: Checked | None = None
    papers: list[int] = field(default_factory=list)  # download numbers
    paper_error: str = ""  # valid, but a document could not be made
    paper_note: str = ""  # made, but named «… (2)»: an earlier workbook of the upload gave the same names
    marked: int | None = None  # the workbook back with its problem cells marked
    drafts: list[int] = field(default_factory=list)  # «ПРОЕКТ — …» papers made despite the errors
    draft_error: str = ""
    plan_years: list[tuple[int, str]] = field(default_factory=list)  # a valid заявка's roadmap: (year, «2024–2025»)


@dataclass
class Summary:
    """What the page says above the per-workbook tables."""

    books: list[Book] = field(default_factory=list)
    all_papers: int | None = None  # the .zip of every document
    registry: list[int] = field(default_factory=list)
    registry_hints: dict[int, str] = field(default_factory=dict)  # what each file is for, in a few words
    registry_html: int | None = None  # the page's download, after which the page's «open» link goes
    registry_page: int | None = None
    registry_note: str = ""
    archive: int | None = None
    archive_note: str = ""
    calls: int | None = None  # «кому перезвонить»
    marked_all: int | None = None  # every marked workbook in one .zip


def shown_value(value: object) -> str:
    """Show a typed value as the user typed it: dates as ДД.ММ.ГГГГ, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M") if value.time() != datetime.min.time() else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def row_of(problem: Problem) -> Row:
    where = problem.where
    column = ""
    if where is not None:
        column = " ".join(p for p in (where.column or "", f"«{where.header}»" if where.header else "") if p)
    message = problem.message
    typed = f"введено «{shown(problem.value)}»; "
    if problem.value is not None and message.startswith(typed):
        message = message[len(typed):]  # the table has its own «Введено» column: say only what is expected
    return Row(
        severity=problem.severity.value, level=LEVELS[problem.severity],
        sheet=where.sheet if where else "", row=str(where.row) if where and where.row is not None else "",
        column=column, value=shown_value(problem.value), message=message, rule=problem.rule or "",
    )


def reason(error: DocgenError) -> str:
    """Say what went wrong without the server's folders: a file is named by its name only."""
    if isinstance(error, OutputError):
        return f"Файл «{error.path.name}»: {error.reason}"
    return str(error)


def twin_note(outcome: Outcome, names: dict[Path, str], *, draft: bool = False) -> str:
    """Say that a workbook's papers are numbered because an earlier one of the upload gave the same names."""
    if outcome.twin_of is None:
        return ""
    first = names.get(outcome.twin_of, outcome.twin_of.name)
    advice = "исправляйте последнюю" if draft else "подписывайте документ исправленной"
    return (f"Та же организация и тот же документ, что в книге «{first}»: документы этой книги названы "
            f"«{outcome.documents[0]}», чтобы их не спутать. Если это две версии одной книги, {advice}.")


def _book(number: int, name: str, verdict: Checked) -> Book:
    book = Book(number, name, verdict.path, ok=verdict.ok, checked=verdict)
    if verdict.error is not None:
        error = verdict.error
        book.error = error.reason if isinstance(error, WorkbookFileError) else str(error)
        return book
    loaded = verdict.loaded
    if loaded is not None and loaded.spec is not None:
        book.kind_name = PAPERS[loaded.spec.kind].name
    model = loaded.model if loaded is not None else None
    if verdict.ok and isinstance(model, Application) and "plan" in model.profile.documents:
        book.plan_years = [(year, year_span(year, year + 1)) for year in model.plan_years]
    book.rows = [row_of(p) for p in verdict.problems]
    book.errors = sum(p.severity is Severity.ERROR for p in verdict.problems)
    book.warnings = sum(p.severity is Severity.WARNING for p in verdict.problems)
    return book


class _Unlocked:
    """A converter that gives the library's turn away while it waits for LibreOffice, and takes it back after."""

    def __init__(self, inner: PdfConverter) -> None:
        self.inner = inner

    def convert(self, sources: Sequence[Path], out_dir: Path,
                progress: Callable[[Path, str | None], None] | None = None) -> dict[Path, str | None]:
        LIBRARY.release()
        try:
            return self.inner.convert(sources, out_dir, progress)
        finally:
            LIBRARY.acquire()


def _converter(converters: Converters, job: Job, pdfa: bool = False) -> Callable[[], PdfConverter]:
    return lambda: _Unlocked(converters(pdfa, job.cancel.is_set))


def _media(path: Path) -> str:
    return {".pdf": "application/pdf", ".docx": DOCX_MEDIA}.get(path.suffix.lower(), "application/octet-stream")


def _zip(files: list[Path], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.name)
    return target


def check_books(job_progress: Callable[[str, int, int, int], None], books: list[tuple[str, Path]],
                today: date | None = None) -> list[Book]:
    """Check every workbook as of `today` (the report's deadline is counted from it), reporting progress."""
    today = today or date.today()
    result: list[Book] = []
    failed = 0
    for number, (name, path) in enumerate(books, start=1):
        book = _book(number, name, check_workbook(path, today))
        failed += not book.ok
        result.append(book)
        job_progress("Проверка книг", number, len(books), failed)
    return result


def make_papers(job: Job, books: list[Book], converters: Converters, out: Path) -> list[Path]:
    """Make the .docx and .pdf of every valid workbook; attach each one's downloads to its Book."""
    valid = [b for b in books if b.ok]
    if not valid:
        return []

    def progress(phase: str, done: int, total: int, failed: int) -> None:
        job.progress("Документы .docx" if phase == "docx" else "Документы PDF", done, total, failed)

    outcomes: list[Outcome] = render_many([b.path for b in valid], out, workers=1, progress=progress,
                                          converter_factory=_converter(converters, job), today=date.today())
    names = {b.path: b.name for b in books}
    written: list[Path] = []
    for book, outcome in zip(valid, outcomes, strict=True):
        if outcome.error is not None:
            book.paper_error = f"Документ не сделан. {reason(outcome.error)}"
            continue
        book.paper_note = twin_note(outcome, names)
        for path in outcome.written:
            if path.suffix.lower() in (".docx", ".pdf"):
                book.papers.append(job.offer(path, path.name, path.name))
                written.append(path)
    return written


def mark_books(job: Job, books: list[Book], out: Path) -> list[Path]:
    """Write the marked copy of every workbook with errors or warnings (the copy `docgen check --annotate` makes).

    A workbook with only «сведения» (habits undone by the tool: «№ 312» → «312») or with warnings about no cell (a
    report past its deadline) gets none: there is nothing to mark, and a «книга с отмеченными ошибками» would tell
    the school otherwise.  Two workbooks with one name
    («bad.xls» and «bad.ods») get «bad — замечания.xlsx» and «bad (2) — замечания.xlsx».
    """
    written: list[Path] = []
    marked = [(book, book.checked) for book in books if book.checked is not None and not book.error and (
        book.errors or any(p.severity is Severity.WARNING and p.where is not None and p.where.row is not None
                           for p in book.checked.problems))]
    for (book, checked), name in zip(marked, annotated_names([book.path for book, _ in marked]), strict=True):
        out.mkdir(parents=True, exist_ok=True)
        try:
            path = annotate_workbook(checked, out / name)
        except DocgenError:
            continue  # the page still lists every problem; only the marked copy is missing
        what = "ошибками" if book.errors else "предупреждениями"
        book.marked = job.offer(path, path.name, f"Книга с отмеченными {what}: {path.name}")
        written.append(path)
    return written


def make_drafts(job: Job, books: list[Book], converters: Converters, out: Path) -> None:
    """Make the «ПРОЕКТ» papers of every workbook with errors that can still be read (`docgen render --draft`)."""
    broken = [b for b in books if not b.ok and not b.error]
    if not broken:
        return

    def progress(phase: str, done: int, total: int, failed: int) -> None:
        job.progress("Проекты: .docx" if phase == "docx" else "Проекты: PDF", done, total, failed)

    outcomes = render_many([b.path for b in broken], out, workers=1, progress=progress, draft=True,
                           converter_factory=_converter(converters, job), today=date.today())
    names = {b.path: b.name for b in books}
    for book, outcome in zip(broken, outcomes, strict=True):
        if isinstance(outcome.error, WorkbookInvalidError):
            book.draft_error = "Проект не сделан: книга слишком повреждена даже для проекта."
            continue
        if outcome.error is not None:
            book.draft_error = f"Проект не сделан. {reason(outcome.error)}"
            continue
        book.paper_note = twin_note(outcome, names, draft=True)
        for path in outcome.written:
            if path.suffix.lower() in (".docx", ".pdf"):
                book.drafts.append(job.offer(path, path.name, path.name))


def run_check(job: Job, books: list[tuple[str, Path]], converters: Converters) -> None:
    """A school's job: check every workbook, mark the problems, make the papers (drafts while errors remain)."""
    with LIBRARY:
        _run_check(job, books, converters)


CHECKING = "Проверка книг"
PAPERS_DOCX, PAPERS_PDF = "Документы .docx", "Документы PDF"


def _run_check(job: Job, books: list[tuple[str, Path]], converters: Converters) -> None:
    job.plan = [CHECKING, "Проекты: .docx", "Проекты: PDF", PAPERS_DOCX, PAPERS_PDF]
    summary = Summary(check_books(job.progress, books))
    job.result = summary
    broken = any(not b.ok and not b.error for b in summary.books)
    valid = any(b.ok for b in summary.books)
    job.plan = [CHECKING, *(["Проекты: .docx", "Проекты: PDF"] if broken else []),
                *([PAPERS_DOCX, PAPERS_PDF] if valid else [])]
    mark_books(job, summary.books, job.folder / "замечания")
    make_drafts(job, summary.books, converters, job.folder / "проекты")
    written = make_papers(job, summary.books, converters, job.folder / "документы")
    if len(written) > 2:
        bundle = _zip(written, job.folder / "Документы.zip")
        summary.all_papers = job.offer(bundle, bundle.name, "Все документы одним архивом (.zip)")


def run_plan(job: Job, name: str, source: Path, year: int, converters: Converters) -> None:
    """Make the plan for one school year from a valid заявка's roadmap (what `docgen plan` makes)."""
    with LIBRARY:
        job.plan = ["Проверка книг", PAPERS_DOCX]
        job.progress("Проверка книг", 0, 1, 0)
        loaded = load(source)
        model = loaded.model
        book = Book(1, name, source, ok=True)
        job.result = Summary([book])
        if loaded.errors or not isinstance(model, Application) or year not in model.plan_years:
            book.ok = False
            book.paper_error = "План не сделан: в книге больше нет такого учебного года или верной заявки."
            return
        job.progress(PAPERS_DOCX, 0, 1, 0)
        paper = model.plan_for(year)
        book.kind_name = f"план деятельности на {year_span(year, year + 1)} учебный год"
        outcome = render_paper(source, paper, job.folder / "документы", converter_factory=_converter(converters, job))
        if outcome.error is not None:
            book.paper_error = f"План не сделан. {reason(outcome.error)}"
            return
        for path in outcome.written:
            if path.suffix.lower() in (".docx", ".pdf"):
                book.papers.append(job.offer(path, path.name, path.name))
        job.progress(PAPERS_DOCX, 1, 1, 0)


def run_desk(job: Job, books: list[tuple[str, Path]], converters: Converters, inbox: Path) -> None:
    """A methodologist's job: check all, then the registry, the papers in one .zip and, if asked, the archive."""
    with LIBRARY:
        _run_desk(job, books, converters, inbox)


def _run_desk(job: Job, books: list[tuple[str, Path]], converters: Converters, inbox: Path) -> None:
    from docgen.archive import make_archive  # noqa: PLC0415 - loaded only for the desk
    from docgen.calls import calls_workbook  # noqa: PLC0415
    from docgen.registry import DOCX, HTML, ORDER_XLSX, PDF, XLSX, make_registry  # noqa: PLC0415

    archive = ["Архив: .docx", "Архив: PDF/A"] if job.options.get("archive") else []
    papers = [PAPERS_DOCX, PAPERS_PDF] if job.options.get("papers") else []
    job.plan = [CHECKING, "Реестр заявок", *papers, *archive]
    summary = Summary(check_books(job.progress, books))
    job.result = summary
    if not any(b.ok for b in summary.books):
        job.plan = [CHECKING, "Реестр заявок"]  # nothing valid: no papers, no archive
    checked = [b.checked for b in summary.books if b.checked is not None]
    calls = job.folder / "Кому перезвонить.xlsx"
    calls.write_bytes(calls_workbook(checked))
    summary.calls = job.offer(calls, calls.name, "Кому перезвонить (.xlsx)")
    mark_books(job, summary.books, job.folder / "замечания")
    # for the schools to fix: a workbook with only warnings (a report past its deadline) has nothing to correct
    marked = [job.downloads[b.marked].path for b in summary.books if b.marked is not None and b.errors]
    if marked:
        bundle = _zip(marked, job.folder / "Книги с замечаниями.zip")
        summary.marked_all = job.offer(bundle, bundle.name, "Все книги с отмеченными ошибками (.zip)")
    job.progress("Реестр заявок", 0, 1, 0)
    out = job.folder / "реестр"
    formed: date | None = None
    if job.options.get("date"):
        try:
            formed = date.fromisoformat(str(job.options["date"]))  # what a date field sends: ГГГГ-ММ-ДД
        except ValueError:
            job.notes.append(f"Дата реестра «{job.options['date']}» не распознана: реестр датирован сегодняшним днём.")
    try:
        made = make_registry(inbox, out, converter_factory=_converter(converters, job),
                             order=bool(job.options.get("order")), formed=formed,
                             title=job.options.get("title") or None)
    except DocgenError as exc:
        summary.registry_note = str(exc)
    else:
        labels = {XLSX: "Реестр заявок (.xlsx)", DOCX: "Реестр заявок (.docx)", PDF: "Реестр заявок (.pdf)",
                  HTML: "Страница для сайта (.html)", ORDER_XLSX: "Книга распоряжения с площадками (.xlsx)"}
        hints = {XLSX: "все заявки, у заявок с ошибками — замечания; удобно отбирать и сортировать",
                 DOCX: "тот же реестр для правки в Word", PDF: "на подпись",
                 HTML: "для официального сайта: только заявки без ошибок, от организации — самая новая",
                 ORDER_XLSX: "на следующий год: лист «Площадки» заполнен из верных заявок, осталось вписать "
                             "номер и дату"}
        for path in made.written:
            number = job.offer(path, path.name, labels.get(path.name, path.name))
            summary.registry.append(number)
            summary.registry_hints[number] = hints.get(path.name, "")
            if path.name == HTML:
                summary.registry_html = number
                summary.registry_page = job.offer(path, path.name, "Открыть страницу для сайта", inline=True)
        notes = [made.pdf_note, str(made.pdf_error or ""), *(r.message for r in made.collected.repeats),
                 made.collected.mixed]
        summary.registry_note = " ".join(n for n in notes if n)
    job.progress("Реестр заявок", 1, 1, 0)
    if job.options.get("papers"):
        written = make_papers(job, summary.books, converters, job.folder / "документы")
        if written:
            bundle = _zip(written, job.folder / "Документы.zip")
            summary.all_papers = job.offer(bundle, bundle.name, "Документы всех верных книг (.zip)")
    if job.options.get("archive"):
        valid = [b.path for b in summary.books if b.ok]
        if not valid:
            summary.archive_note = "Архив не собран: нет ни одной книги без ошибок."
        else:
            target = job.folder / "Архив.zip"

            def progress(phase: str, done: int, total: int, failed: int) -> None:
                job.progress("Архив: .docx" if phase == "docx" else "Архив: PDF/A", done, total, failed)

            archived = make_archive(valid, target, workers=1, progress=progress,
                                    converter_factory=_converter(converters, job, pdfa=True))
            failed = [o for o in archived.outcomes if not o.ok]
            summary.archive = job.offer(target, target.name, "Архив: .docx, PDF/A и опись (.zip)")
            if failed:
                names = {b.path: b.name for b in summary.books}
                why = "; ".join(f"«{names.get(o.source, o.source.name)}» — {reason(o.error)}"
                                for o in failed if o.error is not None)
                summary.archive_note = f"В архив не вошли документы книг: {len(failed)}: {why}."
