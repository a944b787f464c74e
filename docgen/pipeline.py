"""Run the stages for one or many workbooks: load → validate → render .docx → convert to PDF → publish.

Each workbook succeeds or fails on its own: a broken one is reported with its problems and the rest are made.
For a batch, workbooks are loaded and rendered in a pool of processes, one per core (Python renders on one core
per process), and all .docx files of the run go to the PDF converter together, which keeps one LibreOffice
worker per core busy.  Every file is written into a staging folder inside the output folder first; a workbook's
documents are moved into place only when all of them are ready, so no output file is ever partial.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docgen.declension import Form, review_rows
from docgen.errors import (
    ConversionError,
    DocgenError,
    OutputEditedError,
    OutputError,
    OutputExistsError,
    Severity,
    WorkbookFileError,
    WorkbookInvalidError,
    os_reason,
)
from docgen.kinds import PAPERS
from docgen.loader import WORKBOOK_SUFFIXES, load
from docgen.models import Paper
from docgen.output import MAX_STEM, MAX_STEM_BYTES, publish, safe_file_name, staging
from docgen.pdf import PdfConverter, fingerprint
from docgen.profiles import profile_files
from docgen.provenance import Entry, Record, base_recipe, digest_of, now_iso, sha256, source_key
from docgen.render import DRAFT_PREFIX, TEMPLATE_DIR, Renderer, mark_draft, template_path
from docgen.text import csv_cell

FORMATS = ("docx", "pdf")
GC_EVERY = 50  # a long render loop leaks reference cycles: collecting every 50 documents keeps memory flat

# phase («docx» or «pdf»), done, total, failed
Progress = Callable[[str, int, int, int], None]


@dataclass
class Outcome:
    """What happened to one workbook (or one paper made in code)."""

    source: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # of `written`: already there with the same content
    kept: list[Path] = field(default_factory=list)  # of `written`: changed by hand since docgen made them, left so
    reused: bool = False  # nothing was done: the record showed the workbook and all else unchanged (`reuse`)
    warnings: list[str] = field(default_factory=list)
    error: DocgenError | None = None
    kind: str | None = None  # the paper's kind, once its workbook is valid
    identity: tuple[str, date | None, str] | None = None  # issuer, date, number: for manifests
    documents: list[str] = field(default_factory=list)  # file stems: the paper, then its annexes
    twin_of: Path | None = None  # an earlier workbook gave the same names: these are numbered «… (2)»

    @property
    def ok(self) -> bool:
        return self.error is None


def expand(inputs: Iterable[Path]) -> list[Path]:
    """Return the workbooks named, with folders replaced by the workbooks in them: .xlsx, .xlsm, .xls, .ods (lock
    files skipped)."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found += sorted(p for p in item.rglob("*") if p.suffix.lower() in WORKBOOK_SUFFIXES
                            and not p.name.startswith("~$") and not p.is_dir())
        else:
            found.append(item)
    return found


@dataclass
class _Task:
    """One unit of work for a render process: a workbook to load, or a paper already made."""

    index: int
    source: Path
    stage: Path
    template: Path | None
    today: date | None
    paper: Paper | None = None
    draft: bool = False


@dataclass
class _Prepared:
    """What a render process sends back: the documents staged, or why there are none."""

    index: int
    source: Path
    stems: list[str] = field(default_factory=list)
    staged: list[Path] = field(default_factory=list)  # the .docx files, in the order of `stems`
    extras: list[tuple[Path, str]] = field(default_factory=list)  # (staged file, published name)
    warnings: list[str] = field(default_factory=list)
    error: DocgenError | None = None
    kind: str | None = None
    identity: tuple[str, date | None, str] | None = None  # not the model: a batch keeps only what it reports
    organization: str = ""  # who the paper is of (a school's full name): two versions of one paper share it


_RENDERERS: dict[tuple[str, str, int], Renderer] = {}
_RENDERED = [0]
# Workbooks sent to a pool worker at a time: few, so that the workers finish together at the end of a batch.
_CHUNK = 8


def _renderer(kind: str, template: Path | None) -> Renderer:
    """Keep one Renderer per template in each process: its cleaned XML and compiled Jinja are reused."""
    path = template or template_path(PAPERS[kind].template)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    key = (kind, str(path), stamp)
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer(path, PAPERS[kind].model)
    return _RENDERERS[key]


def _prepare(task: _Task) -> _Prepared:
    """Load, validate and render one workbook into the staging folder; never raise a DocgenError."""
    done = _Prepared(task.index, task.source)
    writing: str | None = None  # the file being written, named in an OSError's message
    try:
        paper = task.paper
        open_problems: list[str] = []
        if paper is None:
            loaded = load(task.source, task.today)
            # each with its severity: under a failed workbook's «ошибок — 2» a warning must not read as a third error
            done.warnings = [f"[{p.severity.value}] {p}" for p in loaded.warnings]
            if task.draft and loaded.draft is not None:
                paper = loaded.draft
                open_problems = [f"[{p.severity.value}] {p}" for p in loaded.problems
                                 if p.severity is not Severity.INFO]
                # a row left out must be said, or the author thinks the event was lost
                open_problems += [f"[{Severity.ERROR.value}] {line}" for line in loaded.draft_dropped]
                done.warnings = [f"[{p.severity.value}] {p}" for p in loaded.problems]
            elif loaded.model is None or loaded.errors:
                raise WorkbookInvalidError(task.source, loaded.problems)
            else:
                paper = loaded.model
        done.kind, done.identity = paper.kind, paper.identity()
        org = getattr(paper, "org", None)
        done.organization = str(getattr(org, "full_name", "") or "|".join(map(str, done.identity)))
        renderer = _renderer(paper.kind, task.template)
        forms: list[Form] = []
        for variant in paper.variants():
            stem = safe_file_name((DRAFT_PREFIX if task.draft else "") + variant.file_stem)
            blob, used = renderer.render_with_forms(variant)
            if task.draft:
                blob = mark_draft(blob, open_problems)
            # The index keeps two workbooks that give the same name apart until the parent decides.
            staged = task.stage / f"{task.index:06d}_{stem}.docx"
            writing = f"{stem}.docx"
            staged.write_bytes(blob)
            done.stems.append(stem)
            done.staged.append(staged)
            forms += used
        if forms and (paper.review_every_form or any(form.risks for form in forms)):
            name = safe_file_name(f"Проверка склонений — {done.stems[0]}") + ".csv"
            review = task.stage / f"{task.index:06d}_{name}"
            writing = name
            review.write_bytes(review_csv(forms))
            done.extras.append((review, name))
    except DocgenError as exc:
        done.error = exc
    except OSError as exc:  # a full disk, a vanished folder: this workbook fails, the batch goes on
        if writing is None:
            done.error = WorkbookFileError(task.source, f"файл не читается: {os_reason(exc)}")
        else:
            done.error = OutputError(task.stage.parent / writing, f"не удалось записать: {os_reason(exc)}")
    _RENDERED[0] += 1
    if _RENDERED[0] % GC_EVERY == 0:
        gc.collect()
    return done


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with every module already imported; elsewhere spawn is the only option
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _prepare_all(tasks: list[_Task], workers: int, progress: Progress | None) -> list[_Prepared]:
    results: list[_Prepared] = []
    failed = 0

    def report(item: _Prepared) -> None:
        nonlocal failed
        results.append(item)
        failed += item.error is not None
        if progress is not None:
            progress("docx", len(results), len(tasks), failed)

    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            report(_prepare(task))
        return results
    chunk = max(1, min(_CHUNK, len(tasks) // (workers * 4)))
    # Objects alive now (modules, dictionaries, templates) are never garbage: frozen, the workers' collections skip
    # them (a periodic collection costs ~1 ms instead of ~25), and forked workers share their pages longer.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            for item in pool.map(_prepare, tasks, chunksize=chunk):
                report(item)
    finally:
        gc.unfreeze()
    return results


def render_many(
    sources: list[Path],
    out_dir: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    force: bool = False,
    template: Path | None = None,
    converter_factory: Callable[[], PdfConverter] | None = None,
    today: date | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    draft: bool = False,
    reuse: bool = False,
    notes: list[str] | None = None,
    number_twins: bool = True,
) -> list[Outcome]:
    """Render every workbook in `sources` into `out_dir`; never raise for one workbook's failure.

    Two workbooks of one organization (the same full name) that give the same document — an old and a corrected
    заявка — both get their papers: the later one's named «… (2)», with a warning that says so; with `number_twins`
    off (an archive keeps one document each) the later one fails with that clash instead, as it does when the two
    are different organizations under one short name, when the earlier one's files were reused unread, and when a
    file is named twice.

    With `draft`, papers are made despite errors where the workbook allows it (a wrong text becomes a line to fill
    in, a broken table row is left out), marked «ПРОЕКТ» on every page, their open problems listed after the text,
    and named «ПРОЕКТ — …»; a workbook too broken even for a draft fails as without it.

    With `reuse`, the output folder's record of earlier runs (`docgen.provenance`) spares the work: a workbook whose
    recipe is unchanged and whose files are all there as docgen wrote them is neither read nor rendered nor
    converted (its Outcome is `reused`; a file changed by hand since is left as it is and listed in `kept`), and a
    different file docgen made and nobody changed is replaced without `force`.  `force` redoes every workbook.
    What the run could not do with the record itself (a damaged or foreign one) is added to `notes`.
    """
    return _run([(s, None) for s in sources], out_dir, formats=formats, force=force, template=template,
                converter_factory=converter_factory, today=today, workers=workers, progress=progress, draft=draft,
                reuse=reuse, notes=notes, number_twins=number_twins)


def render_paper(
    source: Path,
    paper: Paper,
    out_dir: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    force: bool = False,
    template: Path | None = None,
    converter_factory: Callable[[], PdfConverter] | None = None,
) -> Outcome:
    """Render one model made in code (a plan taken from a заявка) as `render_many` renders a workbook's."""
    [outcome] = _run([(source, paper)], out_dir, formats=formats, force=force, template=template,
                     converter_factory=converter_factory, today=None, workers=1, progress=None)
    return outcome


_HASHED_AT_MOST = 256 * 1024 * 1024  # bytes: a bigger «workbook» is refused by the loader anyway, never hashed


class _Memo:
    """The record of earlier runs in one output folder, and this run's recipe for each workbook."""

    def __init__(self, out_dir: Path, factory: Callable[[], PdfConverter] | None, *, formats: tuple[str, ...],
                 template: Path | None, today: date | None, draft: bool) -> None:
        self.out_dir = out_dir
        self.converter: PdfConverter | None = None
        self.converter_error: ConversionError | None = None
        converter_id = None
        if "pdf" in formats:
            # The converter takes part in the recipe (which LibreOffice, which fonts): it is made now, before the
            # work is known; making one starts no process.
            try:
                self.converter = _converter(factory)
                converter_id = fingerprint(self.converter)
            except ConversionError as exc:
                self.converter_error = exc
                converter_id = f"нет конвертера: {exc}"
        files = [*TEMPLATE_DIR.glob("*.docx"), *profile_files(), *([template] if template is not None else [])]
        options = {"formats": list(formats), "draft": draft, "today": today.isoformat() if today else None,
                   "template": str(template.resolve()) if template is not None else None, "pdf": converter_id}
        self.base = digest_of(base_recipe(files, options))
        self.record = Record.load(out_dir)
        self.recipes: dict[int, tuple[str, str, str]] = {}  # task index → (key, workbook SHA-256, recipe)
        self.reused: set[str] = set()

    def recipe(self, index: int, source: Path) -> bool:
        """Work out a workbook's recipe; False when it cannot be hashed (the loader will say why)."""
        try:
            if not source.is_file() or source.stat().st_size > _HASHED_AT_MOST:
                return False  # a FIFO or a device is never read here (it would hang); the loader refuses it
            digest = sha256(source)
        except OSError:
            return False
        self.recipes[index] = (source_key(source), digest, digest_of([self.base, digest]))
        return True

    def reuse(self, index: int, outcome: Outcome) -> bool:
        """Fill `outcome` from the record when the workbook's files can stand; True when there is nothing to do."""
        if index not in self.recipes:
            return False
        key, _digest, recipe = self.recipes[index]
        if key in self.reused:
            return False  # the same workbook named twice: the second goes the usual way (and clashes, as before)
        judged = self.record.judge(key, recipe)
        if judged is None or not judged[1].fresh:
            return False
        entry, verdict = judged
        outcome.written = [self.out_dir / name for name in entry.files]
        outcome.kept = [self.out_dir / name for name in verdict.edited]
        outcome.unchanged = [p for p in outcome.written if p not in outcome.kept]
        outcome.warnings, outcome.documents, outcome.kind = list(entry.warnings), list(entry.documents), entry.kind
        outcome.reused = True
        self.reused.add(key)
        return True

    def note(self, item: _Prepared, outcome: Outcome) -> None:
        """Record what a workbook's published files were made from; say if files of its earlier run stay behind."""
        if item.index not in self.recipes:
            return
        key, digest, recipe = self.recipes[item.index]
        before = self.record.entries.get(key)
        try:
            files = {path.name: sha256(path) for path in outcome.written}
        except OSError:
            return  # not recorded: the next run makes it again
        self.record.note(key, Entry(digest, recipe, files, list(item.stems), list(item.warnings), item.kind,
                                    now_iso()))
        if before is not None:
            for name, old in before.files.items():
                if name not in files and self.record.current_hash(name) == old:
                    outcome.warnings.append(f"[сведения] «{name}» из прежнего запуска по этой книге остался в папке "
                                            "(имя документа изменилось); docgen его не удаляет")

    def replaceable(self, item: _Prepared) -> Callable[[Path], bool]:
        """Let a workbook replace, without --force, only the files docgen made from it and nobody changed since."""
        key = self.recipes[item.index][0] if item.index in self.recipes else None
        return lambda path: key is not None and self.record.made_from(key, path)

    def explain(self, error: DocgenError) -> DocgenError:
        """Name a refusal over a file docgen made as what it is: a hand edit kept, or another workbook's file."""
        if not isinstance(error, OutputExistsError) or isinstance(error, OutputEditedError):
            return error
        maker, edited = self.record.maker(error.path)
        if maker is None:
            return error
        if edited:
            return OutputEditedError(error.path)
        return OutputExistsError(error.path, f"его сделал docgen из другой книги («{Path(maker).name}»); чтобы "
                                             "заменить его, добавьте --force")


def _converter(factory: Callable[[], PdfConverter] | None) -> PdfConverter:
    if factory is None:
        from docgen.pdf import LibreOfficeConverter  # noqa: PLC0415 - only runs when a PDF is asked for

        factory = LibreOfficeConverter
    return factory()


def _run(
    items: list[tuple[Path, Paper | None]],
    out_dir: Path,
    *,
    formats: tuple[str, ...],
    force: bool,
    template: Path | None,
    converter_factory: Callable[[], PdfConverter] | None,
    today: date | None,
    workers: int | None,
    progress: Progress | None,
    draft: bool = False,
    reuse: bool = False,
    notes: list[str] | None = None,
    number_twins: bool = True,
) -> list[Outcome]:
    outcomes = [Outcome(source) for source, _ in items]
    with staging(out_dir) as stage:
        memo = _Memo(out_dir, converter_factory, formats=formats, template=template, today=today,
                     draft=draft) if reuse else None
        if memo is not None and memo.record.problem and notes is not None:
            notes.append(memo.record.problem)
        tasks = []
        for i, (source, paper) in enumerate(items):
            if memo is not None and paper is None and memo.recipe(i, source) and not force \
                    and memo.reuse(i, outcomes[i]):
                continue
            tasks.append(_Task(i, source, stage, template, today, paper, draft))
        prepared = {p.index: p for p in _prepare_all(tasks, workers or os.cpu_count() or 1, progress)}
        # A reused workbook's files are already there under their names: a changed workbook that now gives one of
        # them (a school took another's short name) clashes with it, whatever their order.
        owners: dict[str, str] = {}  # stem → the organization of the workbook that took it (not known if reused)
        taken: dict[str, Path] = {stem: o.source for o in reversed(outcomes) if o.reused for stem in o.documents}
        ready: list[_Prepared] = []
        for index, outcome in enumerate(outcomes):
            item = prepared.get(index)
            if item is None:  # reused
                continue
            outcome.warnings, outcome.documents = item.warnings, item.stems
            outcome.kind, outcome.identity = item.kind, item.identity
            if item.error is not None:
                outcome.error = item.error
                continue
            clash = next((stem for stem in item.stems if stem in taken), None)
            # Numbered only when the two are surely versions of one organization's paper; another organization
            # under the same short name (or a workbook whose files were reused, so unread) is refused as before.
            twin = (clash is not None and number_twins and not _same_file(taken[clash], item.source)
                    and owners.get(clash) == item.organization)
            if clash is not None and not twin:
                outcome.error = OutputError(out_dir / clash, f"то же имя файла получается из «{taken[clash].name}»; "
                                                             "краткие наименования организаций должны различаться")
                continue
            if clash is not None:
                _number(item, taken)
                outcome.documents, outcome.twin_of = item.stems, taken[clash]
                outcome.warnings.append(
                    f"[предупреждение] та же организация и тот же документ, что в книге «{taken[clash].name}»: "
                    f"документы этой книги названы «{item.stems[0]}», чтобы не заменить сделанные по той. Если это "
                    "две версии одной книги, подписывайте документ исправленной")
            taken.update(dict.fromkeys(item.stems, item.source))
            owners.update(dict.fromkeys(item.stems, item.organization))
            ready.append(item)
        pdf_errors: dict[Path, str | None] = {}
        fatal: DocgenError | None = None
        if "pdf" in formats and ready:
            if memo is None:
                pdf_errors, fatal = _convert(ready, stage, converter_factory, progress)
            elif memo.converter is None:
                fatal = memo.converter_error
            else:
                pdf_errors, fatal = _convert(ready, stage, converter_factory, progress, memo.converter)
        try:
            for item in ready:
                _publish(item, outcomes[item.index], out_dir, formats=formats, force=force, fatal=fatal,
                         pdf_errors=pdf_errors, memo=memo)
        finally:
            if memo is not None:
                problem = memo.record.save()
                if problem and notes is not None:
                    notes.append(problem)
    return outcomes


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return one == other


def _numbered(stem: str, number: int) -> str:
    """Return «stem (number)» within the file-name limits of `safe_file_name`."""
    tail = f" ({number})"
    base = stem
    while base and (len(base) + len(tail) > MAX_STEM or len((base + tail).encode("utf-8")) > MAX_STEM_BYTES):
        base = base[:-1].rstrip(". ")
    return base + tail


def _number(item: _Prepared, taken: dict[str, Path]) -> None:
    """Give a second workbook of the same organization and document the first free «… (2)» names."""
    number = 2
    while any(_numbered(stem, number) in taken for stem in item.stems):
        number += 1
    renamed = {stem: _numbered(stem, number) for stem in item.stems}
    item.extras = [(staged, name.replace(item.stems[0], renamed[item.stems[0]], 1)) for staged, name in item.extras]
    item.stems = [renamed[stem] for stem in item.stems]


def _publish(item: _Prepared, outcome: Outcome, out_dir: Path, *, formats: tuple[str, ...], force: bool,
             fatal: DocgenError | None, pdf_errors: dict[Path, str | None], memo: _Memo | None) -> None:
    """Put one workbook's staged files in place (all or none) and record what they were made from."""
    if fatal is not None:
        outcome.error = fatal
        return
    # a PDF the converter said nothing about is not made either
    failed = next(((docx, pdf_errors.get(docx, "PDF не создан")) for docx in item.staged
                   if "pdf" in formats and (docx not in pdf_errors or pdf_errors[docx])), None)
    if failed is not None:
        outcome.error = ConversionError(failed[0].name.split("_", 1)[1], str(failed[1]))
        return
    pairs = [(docx.with_suffix(f".{fmt}"), out_dir / f"{stem}.{fmt}")
             for docx, stem in zip(item.staged, item.stems, strict=True) for fmt in formats]
    pairs += [(staged, out_dir / name) for staged, name in item.extras]
    try:
        outcome.written = publish(pairs, force=force, unchanged=outcome.unchanged,
                                  replaceable=memo.replaceable(item) if memo is not None else None)
    except DocgenError as exc:
        outcome.error = memo.explain(exc) if memo is not None else exc
        return
    if memo is not None:
        memo.note(item, outcome)


def _convert(ready: list[_Prepared], stage: Path, factory: Callable[[], PdfConverter] | None,
             progress: Progress | None, converter: PdfConverter | None = None,
             ) -> tuple[dict[Path, str | None], DocgenError | None]:
    """Convert every staged .docx; return each one's failure reason, or the error that stopped them all."""
    sources = [docx for item in ready for docx in item.staged]
    counts = {"done": 0, "failed": 0}

    def step(_source: Path, reason: str | None) -> None:
        counts["done"] += 1
        counts["failed"] += reason is not None
        if progress is not None:
            progress("pdf", counts["done"], len(sources), counts["failed"])

    if converter is None:
        try:
            converter = _converter(factory)
        except ConversionError as exc:  # no LibreOffice at all: the same error for every workbook
            return {}, exc
    return converter.convert(sources, stage, step), None


def review_csv(forms: list[Form]) -> bytes:
    """Write the forms the tool produced as a CSV a clerk opens in Excel: risky ones first.

    Semicolons and a byte-order mark: what a Russian Excel expects from a CSV.  A name typed as «=HYPERLINK(…)»
    is shown as text, never run as a formula (`csv_cell`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Проверить", "Исходная форма (им. п.)", "Падеж", "Получено", "Как получено", "Почему проверить"])
    for form in review_rows(forms):
        cells = ["да" if form.risks else "", form.source, form.case, form.text, form.method, "; ".join(form.risks)]
        writer.writerow([csv_cell(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
