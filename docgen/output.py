"""Name output files safely and put them in place atomically, never over a different file without --force.

Files are first written to a staging folder inside the output folder (same file system), then each is moved into
place with `os.replace`: a reader sees either the old file or the whole new one, never half of it.  Every target is
checked for conflicts before the first move, so a refused run leaves the output folder exactly as it was.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docgen.errors import OutputError, OutputExistsError, os_reason
from docgen.text import strip_invisible

MAX_STEM = 150  # characters: leaves room for the folder in Windows' 260-character paths
MAX_STEM_BYTES = 230  # Linux and macOS allow 255 bytes; Cyrillic takes 2, «.docx» 5, the staging prefix 7
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$")


@dataclass
class Ledger:
    """What a run put in place and where it staged files, so an interrupted command can say what it kept."""

    published: list[Path] = field(default_factory=list)
    staged: list[Path] = field(default_factory=list)  # staging folders: removed on the way out, even on Ctrl-C
    abandoned: list[Path] = field(default_factory=list)  # of `staged`: left by an exception, their files unfinished
    office_started: bool = False  # a PDF converter was started (the command line sets it)

    def kept(self) -> list[Path]:
        """Return the files put in place that are still there and are not inside a staging folder."""
        return [p for p in dict.fromkeys(self.published)
                if not any(p.is_relative_to(s) for s in self.staged) and p.exists()]


_LEDGER: ContextVar[Ledger | None] = ContextVar("docgen_output_ledger", default=None)


@contextlib.contextmanager
def ledger() -> Iterator[Ledger]:
    """Record what `staging` and `publish` do inside the block (the command line's one run); nothing outside it."""
    book = Ledger()
    token = _LEDGER.set(book)
    try:
        yield book
    finally:
        _LEDGER.reset(token)


def current_ledger() -> Ledger | None:
    return _LEDGER.get()


def note_published(path: Path) -> None:
    """Record a file put in place outside `publish` (the archive moves its folder or .zip itself)."""
    book = _LEDGER.get()
    if book is not None:
        book.published.append(path)


def _fits(text: str) -> bool:
    return len(text) <= MAX_STEM and len(text.encode("utf-8")) <= MAX_STEM_BYTES


def _shortened(text: str) -> str:
    """Cut a name too long for a file at a word boundary and end it with «…»: never «… школа № 56 с у»."""
    if _fits(text):
        return text
    cut = text
    while not _fits(cut + "…"):
        cut = cut[:-1]
    space = cut.rfind(" ")
    if not text[len(cut)].isspace() and space > len(cut) // 2:
        cut = cut[:space]  # the word cut through goes whole
    cut = re.sub(r"\s[а-яё]{1,2}\s*$", "", cut)  # and a preposition left hanging before it («с», «в», «по»)
    return cut.rstrip(".,:;–- ") + "…"


def safe_file_name(stem: str) -> str:
    """Return `stem` usable as a file name on Windows, macOS and Linux, keeping it readable.

    Straight quotes become «ёлочки», path separators and colons become a dash, other forbidden characters and
    invisible ones (format characters, blank fillers) go; trailing dots and spaces (which Windows drops silently)
    are removed.
    """
    # bidi controls (the «…xcod.exe» trick), zero-width characters and soft hyphens never reach a file name
    text = strip_invisible(stem)
    text = re.sub(r"[\u00a0\s]+", " ", text)  # a line break typed in the name becomes a space, not nothing
    # "Школа "Радуга"" -> "Школа «Радуга»": alternate opening and closing quotes
    parts = text.split('"')
    text = "".join(p + ("«" if i % 2 == 0 else "»") for i, p in enumerate(parts[:-1])) + parts[-1]
    text = re.sub(r"\s*[/\\|:]\s*", "-", text)
    text = _FORBIDDEN.sub("", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(". ")
    text = _shortened(text)
    if not text or _RESERVED.match(text):
        text = f"документ {text}".strip()
    return text


_PDF_VOLATILE = re.compile(
    rb"/(?:CreationDate|ModDate)\s*\([^)]*\)|/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-Fa-f]+"
    rb"|<xmp:(?:CreateDate|ModifyDate|MetadataDate)>[^<]*<|uuid:[0-9a-fA-F-]+"
)


def same_content(existing: Path, new: Path) -> bool:
    """Tell whether two output files hold the same document (PDF dates and ids aside)."""
    old, fresh = existing.read_bytes(), new.read_bytes()
    if old == fresh:
        return True
    if new.suffix.lower() == ".pdf":
        return _PDF_VOLATILE.sub(b"", old) == _PDF_VOLATILE.sub(b"", fresh)
    return False


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """Yield a private folder inside `out_dir` for files that are not ready; remove it afterwards."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".docgen-", dir=out_dir))
    except OSError as exc:
        raise OutputError(out_dir, f"папку нельзя создать или в неё нельзя писать: {os_reason(exc)}") from exc
    book = _LEDGER.get()
    if book is not None:
        book.staged.append(folder)
    try:
        yield folder
    except BaseException:
        if book is not None:  # left by an error or Ctrl+C: what was in it was not finished
            book.abandoned.append(folder)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(files: list[tuple[Path, Path]], *, force: bool, unchanged: list[Path] | None = None,
            replaceable: Callable[[Path], bool] | None = None) -> list[Path]:
    """Move staged files to their targets; refuse before moving anything if a different target exists.

    `files` holds (staged, target) pairs.  An existing target with the same content is left as it is (and added to
    `unchanged` when a list is given, so the caller can say «без изменений» instead of «создано»).  A different
    target is replaced only with `force`, or when `replaceable` says docgen made it and nobody changed it since
    (the record of earlier runs knows).  A folder or anything but a regular file where a target should go is
    refused: docgen never replaces what it did not make.
    """
    try:
        for _staged, target in files:
            if target.is_dir():
                raise OutputError(target, "на месте файла — папка с тем же именем; переименуйте или уберите её")
            if target.exists() and not target.is_file():
                raise OutputError(target, "на месте файла — не обычный файл (ссылка на устройство, канал…)")
        same = {t for s, t in files if t.exists() and same_content(t, s)}
    except OSError as exc:
        raise OutputError(_named(exc, files), f"не удалось проверить: {os_reason(exc)}") from exc
    conflicts = [t for _s, t in files if t.exists() and not force and t not in same
                 and not (replaceable is not None and replaceable(t))]
    if conflicts:
        raise OutputExistsError(conflicts[0])
    written = []
    for staged, target in files:
        if target in same:
            written.append(target)
            if unchanged is not None:
                unchanged.append(target)
            continue
        try:
            staged.replace(target)
        except OSError as exc:
            raise OutputError(target, f"не удалось записать: {os_reason(exc)}") from exc
        note_published(target)
        written.append(target)
    return written


def _named(exc: OSError, files: list[tuple[Path, Path]]) -> Path:
    """Name the target an OSError is about (never the staging copy, which the user has never seen)."""
    for staged, target in files:
        if exc.filename in (str(staged), str(target)):
            return target
    return files[0][1]


def write_atomically(target: Path, data: bytes, *, force: bool) -> None:
    """Write one file atomically; refuse to replace an existing different file without `force`."""
    with staging(target.parent) as folder:
        staged = folder / target.name
        try:
            staged.write_bytes(data)
        except OSError as exc:
            raise OutputError(target, f"не удалось записать: {os_reason(exc)}") from exc
        publish([(staged, target)], force=force)


_CORE_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def dated_office_file(blob: bytes, when: datetime) -> bytes:
    """Replace the «now» an Office writer stamps in docProps/core.xml by `when`, so equal content gives equal bytes.

    The zip's own timestamps and order are fixed by the caller (`render.normalize_docx`).
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_STAMP.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            dst.writestr(info.filename, data)
    return out.getvalue()


# --- docgen's own workbooks ------------------------------------------------------------------------------------

OWN_CATEGORY = "docgen: "  # the «Категория» property of a workbook docgen wrote as a result, not as a form to fill
# Older registries and call-back lists carry no category: they are known by their sheets.
_OWN_SHEETS = {("Реестр заявок", "Сведения"): "реестр заявок", ("Кому перезвонить",): "список «Кому перезвонить»"}
_CATEGORY = re.compile(r"<cp:category>docgen: ([^<]+)</cp:category>")
_SHEET_NAME = re.compile(r'<sheet [^>]*name="([^"]+)"')


def own_output(path: Path) -> str | None:
    """Say what result of docgen `path` is («реестр заявок»), or None for any other file.

    A registry written into the folder of заявки (`docgen registry ПАПКА -o ПАПКА`) or a call-back list saved next
    to them is no workbook to check: `check`, `render` and `registry` pass it by with a note.  A marked copy
    («… — замечания.xlsx») and the order's workbook are forms a person fills in, and are read as such.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        # a FIFO named «….xlsx» would block the read forever; anything odd is the reader's to refuse
        if not path.is_file() or path.stat().st_size > OWN_OUTPUT_MAX_BYTES:
            return None
        with zipfile.ZipFile(path) as book:
            core, listed = (_small_part(book, name) for name in ("docProps/core.xml", "xl/workbook.xml"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None  # not a readable zip: the reader says what is wrong with it
    found = _CATEGORY.search(core)
    if found:
        return found[1]
    sheets = tuple(_SHEET_NAME.findall(listed))
    return _OWN_SHEETS.get(sheets)


OWN_OUTPUT_MAX_BYTES = 20 * 1024 * 1024  # as loader.MAX_FILE_BYTES: a larger file is refused by the reader anyway
_PART_MAX_BYTES = 1024 * 1024  # a properties part or a sheet list is a few kilobytes; a larger one is not docgen's


def _small_part(book: zipfile.ZipFile, name: str) -> str:
    """The text of a small part of a zip, "" when it is missing or too large to be what docgen wrote."""
    try:
        info = book.getinfo(name)
    except KeyError:
        return ""
    if info.file_size > _PART_MAX_BYTES:
        return ""
    return book.read(info).decode("utf-8", "replace")


def own_note(path: Path, what: str) -> str:
    """The note for a result of docgen found among the workbooks."""
    return f"Файл «{path.name}»: это {what}, сделанный docgen, а не книга для заполнения, — пропущен"
