"""Put papers in an archive: the .docx, the PDF/A-2b and a manifest that traces every file back to its data.

The manifest (CSV and JSON, the same rows) has one row per file: the kind of paper, who issued it, its date and
number, the file name, its SHA-256 and page count, and the source workbook with its own SHA-256, so a paper found
in the archive years later can be checked against the workbook it was made from.  The hashes are those of
`docgen.provenance`, which also records what `docgen render`'s outputs were made from: one scheme for both.  An
archive is always made whole (it renders into a fresh staging folder), so the record of re-runs plays no part here.
The archive is assembled in a staging folder and moved into place (or zipped into a temporary file and renamed)
only when complete.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docgen.errors import OutputError, OutputExistsError, os_reason
from docgen.kinds import PAPERS
from docgen.output import note_published, staging
from docgen.pdf import PdfConverter
from docgen.pipeline import Outcome, Progress, render_many
from docgen.provenance import sha256
from docgen.text import csv_cell

MANIFEST_CSV = "manifest.csv"
MANIFEST_JSON = "manifest.json"
GENERATOR = "docgen"  # manifest.json says who wrote the archive: only such an archive is ever replaced
PROBLEM = "Не создано: причина"
NOT_MADE = "не создан"
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


_V1_COLUMNS = ("kind", "file", "sha256", "source", "source_sha256")  # manifests written before "generator"
COLUMNS = {
    "kind": "Вид", "kind_name": "Документ", "organization": "Организация", "date": "Дата", "number": "Номер",
    "file": "Файл", "format": "Формат", "sha256": "SHA-256", "pages": "Страниц", "source": "Книга-источник",
    "source_sha256": "SHA-256 книги",
}


def pdf_pages(path: Path) -> int:
    """Count the pages of a PDF written by LibreOffice (its page objects are never compressed)."""
    return len(_PAGE.findall(path.read_bytes()))


@dataclass(frozen=True)
class Failure:
    """A workbook of the run whose papers are not in the archive, and why: the manifest says so."""

    source: str
    source_sha256: str
    reason: str


@dataclass
class Archived:
    """What `make_archive` did: the outcomes per workbook, the manifest rows and whether an archive was written."""

    outcomes: list[Outcome]
    entries: list[Entry]
    target: Path
    failures: list[Failure] = field(default_factory=list)
    written: bool = True  # False when no paper could be made: then nothing was written at all
    kept: list[str] = field(default_factory=list)  # files of the old archive left in place (changed since)


def make_archive(
    sources: list[Path],
    target: Path,
    *,
    force: bool = False,
    converter_factory: Callable[[], PdfConverter],
    workers: int | None = None,
    progress: Progress | None = None,
) -> Archived:
    """Render `sources` as .docx + PDF/A into the archive `target` (a folder, or a .zip file).

    Only an archive docgen wrote (its manifest.json says so) is replaced, and only with `force`; a folder holding
    anything else, or the workbooks themselves, is refused before any work.  When no paper could be made, nothing
    is written.  Replacing a folder archive touches only the files the old and new manifests name.
    """
    as_zip = target.suffix.lower() == ".zip"
    previous = _check_target(sources, target, as_zip=as_zip, force=force)
    with staging(target.parent) as stage:
        folder = stage / "archive"
        outcomes = render_many(sources, folder, formats=("docx", "pdf"), converter_factory=converter_factory,
                               workers=workers, progress=progress, number_twins=False)  # one document each
        _unstage(outcomes, folder, target)
        if not any(o.ok for o in outcomes):
            return Archived(outcomes, [], target, written=False)
        try:
            entries = _entries(outcomes, folder)
            failures = _failures(outcomes)
            _write_manifest(entries, failures, folder)
            if as_zip:
                packed = stage / "archive.zip"
                with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
                    for path in sorted(folder.iterdir()):
                        zf.write(path, path.name)
        except OSError as exc:
            raise OutputError(target, f"архив не удалось собрать: {os_reason(exc)}") from exc
        kept: list[str] = []
        if as_zip:
            _move(packed, target)
        elif previous is None:
            _move(folder, target)
        else:
            kept = _refill(folder, target, previous)
    return Archived(outcomes, entries, target, failures, kept=kept)


def _check_target(sources: list[Path], target: Path, *, as_zip: bool, force: bool) -> dict[str, str] | None:
    """Refuse a target docgen must not touch; return the old archive's files (name → SHA-256) when replacing one.

    None means there is no old folder archive to merge into (a new or empty folder, or a .zip).
    """
    where = target.resolve()
    inside = [s for s in sources if s.resolve().is_relative_to(where)]
    if inside:
        raise OutputError(target, f"здесь лежат исходные книги («{inside[0].name}»): архив пишется в отдельную "
                                  "папку или файл .zip, чтобы не смешать его с книгами")
    if not target.exists() and not target.is_symlink():
        return None
    if as_zip:
        if not target.is_file():
            raise OutputError(target, "на месте архива — папка или не обычный файл; выберите другое имя")
        if not force:
            raise OutputExistsError(target)
        if _docgen_manifest(target) is None:
            raise OutputError(target, f"это не архив docgen (в нём нет описи {MANIFEST_JSON}, записанной docgen); "
                                      "docgen не заменяет файлы, которые создал не он, — выберите другое имя")
        return None
    if not target.is_dir():
        raise OutputError(target, "это файл, а не папка; для архива .zip укажите имя с расширением .zip")
    if not any(target.iterdir()):
        return None  # an empty folder: nothing in it can be lost
    manifest = _docgen_manifest(target)
    if manifest is None:
        raise OutputError(target, f"папка не пуста и это не архив docgen (нет описи {MANIFEST_JSON}, записанной "
                                  "docgen); docgen не заменяет и не удаляет то, что создал не он, — выберите новую "
                                  "или пустую папку")
    if not force:
        raise OutputExistsError(target)
    return manifest


def _docgen_manifest(archive: Path) -> dict[str, str] | None:
    """Read the file list of an archive docgen wrote (folder or .zip); None when it is not one."""
    try:
        if archive.is_dir():
            path = archive / MANIFEST_JSON
            data = path.read_bytes() if path.is_file() else None
        else:
            with zipfile.ZipFile(archive) as zf:
                data = zf.read(MANIFEST_JSON) if MANIFEST_JSON in zf.namelist() else None
        manifest = json.loads(data) if data is not None else None
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    columns = manifest.get("columns")
    if manifest.get("generator") != GENERATOR and not (isinstance(columns, dict) and set(_V1_COLUMNS) <= set(columns)):
        return None
    names = {MANIFEST_JSON: "", MANIFEST_CSV: ""}
    for row in manifest["files"]:
        if isinstance(row, dict) and isinstance(row.get("file"), str) and Path(row["file"]).name == row["file"]:
            names[row["file"]] = str(row.get("sha256", ""))
    return names


def _unstage(outcomes: list[Outcome], folder: Path, target: Path) -> None:
    """Make errors name the archive, not the staging folder the user never sees."""
    for outcome in outcomes:
        error = outcome.error
        if isinstance(error, OutputError) and error.path.is_relative_to(folder):
            outcome.error = OutputError(target / error.path.relative_to(folder), error.reason)


def _move(staged: Path, target: Path) -> None:
    try:
        staged.replace(target)
    except OSError as exc:
        raise OutputError(target, f"архив не удалось записать: {os_reason(exc)}") from exc
    note_published(target)


def _refill(folder: Path, target: Path, previous: dict[str, str]) -> list[str]:
    """Replace a folder archive file by file: new files in, old archive files no longer named out.

    An old file is removed only if it is still what docgen wrote (its SHA-256 matches the old manifest); one
    changed since is left in place and reported.  Anything the old manifest does not name is never touched.
    The manifest goes last, so an interrupted replacement never has a manifest naming missing files.
    """
    fresh = sorted(folder.iterdir(), key=lambda p: p.name in (MANIFEST_JSON, MANIFEST_CSV))
    names = {p.name for p in fresh}
    kept = []
    for name, digest in previous.items():
        old = target / name
        if name in names or not old.is_file():
            continue
        try:
            if digest and sha256(old) == digest:
                old.unlink()
            else:
                kept.append(name)
        except OSError as exc:
            raise OutputError(old, f"не удалось убрать файл прежнего архива: {os_reason(exc)}") from exc
    for path in fresh:
        destination = target / path.name
        if destination.is_dir() or (destination.exists() and not destination.is_file()):
            raise OutputError(destination, "на месте файла архива — папка или не обычный файл")
        _move(path, destination)
    return kept


def _failures(outcomes: list[Outcome]) -> list[Failure]:
    return [Failure(source=o.source.name, source_sha256=sha256(o.source) if o.source.is_file() else "",
                    reason=str(o.error)) for o in outcomes if o.error is not None]
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


def _write_manifest(entries: list[Entry], failures: list[Failure], folder: Path) -> None:
    """Write manifest.json and manifest.csv: the files, then the workbooks that gave none (with the reason)."""
    rows = [asdict(e) for e in entries]
    failed = [asdict(f) for f in failures]
    manifest = {"generator": GENERATOR, "columns": COLUMNS, "files": rows, "failed": failed}
    (folder / MANIFEST_JSON).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*COLUMNS.values(), PROBLEM])
    for row in rows:
        writer.writerow([csv_cell(row[key]) for key in COLUMNS] + [""])
    for failure in failed:
        cells = {key: "" for key in COLUMNS} | {"format": NOT_MADE, "source": failure["source"],
                                                 "source_sha256": failure["source_sha256"]}
        writer.writerow([csv_cell(cells[key]) for key in COLUMNS] + [csv_cell(failure["reason"])])
    (folder / MANIFEST_CSV).write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
