"""Run the stages for one or many workbooks: load → validate → render .docx → convert to PDF → publish.

Each workbook succeeds or fails on its own: a broken one is reported with its problems and the rest are still
made.  All .docx files of a run are converted to PDF in one LibreOffice call (its start-up is the cost, not the
pages).  Nothing is published for a workbook until all of its files are ready.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docgen.declension import Form, review_rows
from docgen.errors import ConversionError, DocgenError, OutputError, WorkbookInvalidError
from docgen.kinds import PAPERS
from docgen.loader import load
from docgen.models import Paper
from docgen.output import publish, safe_file_name, staging
from docgen.pdf import PdfConverter
from docgen.render import Renderer, template_path

FORMATS = ("docx", "pdf")


@dataclass
class Outcome:
    """What happened to one workbook."""

    source: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: DocgenError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def expand(inputs: Iterable[Path]) -> list[Path]:
    """Return the workbooks named, with folders replaced by the .xlsx files in them (lock files skipped)."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found += sorted(p for p in item.rglob("*.xlsx") if not p.name.startswith("~$"))
        else:
            found.append(item)
    return found


@dataclass
class _Job:
    outcome: Outcome
    model: Paper
    stems: list[str] = field(default_factory=list)  # one per document: the paper, then its annexes
    extras: list[Path] = field(default_factory=list)  # staged files published as they are (review lists)

    @property
    def docx(self) -> list[Path]:
        return [self.stage / f"{stem}.docx" for stem in self.stems]

    stage: Path = Path()


def render_many(
    sources: list[Path],
    out_dir: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    force: bool = False,
    template: Path | None = None,
    converter_factory: Callable[[], PdfConverter] | None = None,
    today: date | None = None,
) -> list[Outcome]:
    """Render every workbook in `sources` into `out_dir`; never raise for one workbook's failure."""
    outcomes: list[Outcome] = []
    jobs: list[_Job] = []
    for source in sources:
        outcome = Outcome(source)
        outcomes.append(outcome)
        try:
            loaded = load(source, today)
            outcome.warnings = [str(p) for p in loaded.warnings]
            if loaded.model is None or loaded.errors:
                raise WorkbookInvalidError(source, loaded.problems)
            jobs.append(_Job(outcome, loaded.model))
        except DocgenError as exc:
            outcome.error = exc
    produce(jobs, out_dir, formats=formats, force=force, template=template, converter_factory=converter_factory)
    return outcomes


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
    job = _Job(Outcome(source), paper)
    produce([job], out_dir, formats=formats, force=force, template=template, converter_factory=converter_factory)
    return job.outcome


def produce(
    jobs: list[_Job],
    out_dir: Path,
    *,
    formats: tuple[str, ...],
    force: bool,
    template: Path | None,
    converter_factory: Callable[[], PdfConverter] | None,
) -> None:
    """Render, convert and publish the jobs' documents; record each job's failure in its outcome.

    A paper may make several documents (an order and each of its annexes alone); they are published together or
    not at all.  Where the templates declined names, a review list of every form is published beside them.
    """
    renderers: dict[str, Renderer] = {}
    taken: dict[str, Path] = {}
    ready: list[_Job] = []
    with staging(out_dir) as stage:
        for job in jobs:
            job.stage = stage
            try:
                kind = job.model.kind
                if kind not in renderers:
                    renderers[kind] = Renderer(template or template_path(PAPERS[kind].template), type(job.model))
                forms: list[Form] = []
                for variant in job.model.variants():
                    stem = safe_file_name(variant.file_stem)
                    if stem in taken:
                        raise OutputError(out_dir / stem, f"то же имя файла получается из «{taken[stem].name}»; "
                                                          "краткие наименования организаций должны различаться")
                    taken[stem] = job.outcome.source
                    blob, used = renderers[kind].render_with_forms(variant)
                    (stage / f"{stem}.docx").write_bytes(blob)
                    job.stems.append(stem)
                    forms += used
                if forms:
                    review = stage / safe_file_name(f"Проверка склонений — {job.stems[0]}.csv")
                    review.write_bytes(review_csv(forms))
                    job.extras.append(review)
                ready.append(job)
            except DocgenError as exc:
                job.outcome.error = exc
        if "pdf" in formats and ready:
            _convert(ready, stage, converter_factory)
        for job in ready:
            if not job.outcome.ok:
                continue
            pairs = [(stage / f"{stem}.{fmt}", out_dir / f"{stem}.{fmt}") for stem in job.stems for fmt in formats]
            pairs += [(extra, out_dir / extra.name) for extra in job.extras]
            try:
                job.outcome.written = publish(pairs, force=force)
            except DocgenError as exc:
                job.outcome.error = exc


def review_csv(forms: list[Form]) -> bytes:
    """Write the forms the tool produced as a CSV a clerk opens in Excel: risky ones first.

    Semicolons and a byte-order mark: what a Russian Excel expects from a CSV.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Проверить", "Исходная форма (им. п.)", "Падеж", "Получено", "Как получено", "Почему проверить"])
    for form in review_rows(forms):
        writer.writerow(["да" if form.risks else "", form.source, form.case, form.text, form.method,
                         "; ".join(form.risks)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _convert(jobs: list[_Job], stage: Path, factory: Callable[[], PdfConverter] | None) -> None:
    if factory is None:
        from docgen.pdf import LibreOfficeConverter  # noqa: PLC0415 - only runs when a PDF is asked for

        factory = LibreOfficeConverter
    try:
        converter = factory()
        converter.convert([docx for j in jobs for docx in j.docx], stage)
    except ConversionError:
        # One bad document fails a whole soffice batch: retry one by one to name the culprit.
        for job in jobs:
            try:
                factory().convert(job.docx, stage)
            except DocgenError as exc:
                job.outcome.error = exc
