"""Run the stages for one or many workbooks: load → validate → render .docx → convert to PDF → publish.

Each workbook succeeds or fails on its own: a broken one is reported with its problems and the rest are still
made.  All .docx files of a run are converted to PDF in one LibreOffice call (its start-up is the cost, not the
pages).  Nothing is published for a workbook until all of its files are ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

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
    stem: str = ""
    docx: Path | None = None


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
    """Render, convert and publish the jobs' documents; record each job's failure in its outcome."""
    renderers: dict[str, Renderer] = {}
    taken: dict[str, Path] = {}
    ready: list[_Job] = []
    with staging(out_dir) as stage:
        for job in jobs:
            try:
                kind = job.model.kind
                if kind not in renderers:
                    renderers[kind] = Renderer(template or template_path(PAPERS[kind].template), type(job.model))
                job.stem = safe_file_name(job.model.file_stem)
                if job.stem in taken:
                    raise OutputError(out_dir / job.stem, f"то же имя файла получается из «{taken[job.stem].name}»; "
                                                          "краткие наименования организаций должны различаться")
                taken[job.stem] = job.outcome.source
                job.docx = stage / f"{job.stem}.docx"
                job.docx.write_bytes(renderers[kind].render(job.model))
                ready.append(job)
            except DocgenError as exc:
                job.outcome.error = exc
        if "pdf" in formats and ready:
            _convert(ready, stage, converter_factory)
        for job in ready:
            if not job.outcome.ok:
                continue
            pairs = [(stage / f"{job.stem}.{fmt}", out_dir / f"{job.stem}.{fmt}") for fmt in formats]
            try:
                job.outcome.written = publish(pairs, force=force)
            except DocgenError as exc:
                job.outcome.error = exc


def _convert(jobs: list[_Job], stage: Path, factory: Callable[[], PdfConverter] | None) -> None:
    if factory is None:
        from docgen.pdf import LibreOfficeConverter  # noqa: PLC0415 - only runs when a PDF is asked for

        factory = LibreOfficeConverter
    try:
        converter = factory()
        converter.convert([j.docx for j in jobs if j.docx is not None], stage)
    except ConversionError:
        # One bad document fails a whole soffice batch: retry one by one to name the culprit.
        for job in jobs:
            try:
                assert job.docx is not None
                factory().convert([job.docx], stage)
            except DocgenError as exc:
                job.outcome.error = exc
