"""Put papers in an archive: the .docx, the PDF/A-2b and a manifest that traces every file back to its data.

The manifest (CSV and JSON, the same rows) has one row per file: the kind of paper, who issued it, its date and
number, the file name, its SHA-256 and page count, and the source workbook with its own SHA-256, so a paper found
in the archive years later can be checked against the workbook it was made from.  The archive is assembled in a
staging folder and moved into place (or zipped into a temporary file and renamed) only when complete.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from docgen.errors import OutputError, OutputExistsError
from docgen.kinds import PAPERS
from docgen.output import staging
from docgen.pdf import PdfConverter
from docgen.pipeline import Outcome, Progress, render_many

MANIFEST_CSV = "manifest.csv"
MANIFEST_JSON = "manifest.json"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@dataclass(frozen=True)
class Entry:
    """One row of the manifest: one file of the archive."""

    kind: str
    kind_name: str
    organization: str
    date: str
    number: str
    file: str
    format: str
    sha256: str
    pages: int | None
    source: str
    source_sha256: str


COLUMNS = {
    "kind": "Вид", "kind_name": "Документ", "organization": "Организация", "date": "Дата", "number": "Номер",
    "file": "Файл", "format": "Формат", "sha256": "SHA-256", "pages": "Страниц", "source": "Книга-источник",
    "source_sha256": "SHA-256 книги",
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pdf_pages(path: Path) -> int:
    """Count the pages of a PDF written by LibreOffice (its page objects are never compressed)."""
    return len(_PAGE.findall(path.read_bytes()))


@dataclass
class Archived:
    """What `make_archive` did: the outcomes per workbook and the manifest rows written."""

    outcomes: list[Outcome]
    entries: list[Entry]
    target: Path


def make_archive(
    sources: list[Path],
    target: Path,
    *,
    force: bool = False,
    converter_factory: Callable[[], PdfConverter],
    workers: int | None = None,
    progress: Progress | None = None,
) -> Archived:
    """Render `sources` as .docx + PDF/A into the archive `target` (a folder, or a .zip file)."""
    as_zip = target.suffix.lower() == ".zip"
    if target.exists() and not force:
        raise OutputExistsError(target)
    with staging(target.parent) as stage:
        folder = stage / "archive"
        outcomes = render_many(sources, folder, formats=("docx", "pdf"), converter_factory=converter_factory,
                               workers=workers, progress=progress)
        entries = _entries(outcomes, folder)
        _write_manifest(entries, folder)
        if as_zip:
            packed = stage / "archive.zip"
            with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in sorted(folder.iterdir()):
                    zf.write(path, path.name)
            _replace(packed, target)
        else:
            _replace(folder, target)
    return Archived(outcomes, entries, target)


def _replace(staged: Path, target: Path) -> None:
    try:
        if target.is_dir():
            shutil.rmtree(target)
        staged.replace(target)
    except OSError as exc:
        raise OutputError(target, f"архив не удалось записать ({exc.strerror})") from exc


def _entries(outcomes: list[Outcome], folder: Path) -> list[Entry]:
    entries: list[Entry] = []
    for outcome in outcomes:
        if not outcome.ok or outcome.kind is None or outcome.identity is None:
            continue
        organization, dated, number = outcome.identity
        source_hash = sha256(outcome.source)
        for stem in outcome.documents:
            pdf = folder / f"{stem}.pdf"
            pages = pdf_pages(pdf) if pdf.exists() else None
            for fmt in ("docx", "pdf"):
                path = folder / f"{stem}.{fmt}"
                entries.append(Entry(
                    kind=outcome.kind, kind_name=PAPERS[outcome.kind].name, organization=organization,
                    date=dated.isoformat() if dated else "", number=number, file=path.name,
                    format="PDF/A-2b" if fmt == "pdf" else "DOCX", sha256=sha256(path), pages=pages,
                    source=outcome.source.name, source_sha256=source_hash,
                ))
    return entries


def _write_manifest(entries: list[Entry], folder: Path) -> None:
    rows = [asdict(e) for e in entries]
    (folder / MANIFEST_JSON).write_text(json.dumps({"columns": COLUMNS, "files": rows}, ensure_ascii=False,
                                                   indent=2) + "\n", encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    (folder / MANIFEST_CSV).write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
