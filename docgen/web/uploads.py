"""Turn uploaded files (workbooks, or .zip archives of them) into workbooks in a job's folder, within limits.

An uploaded name is a label, never a path: only its last component is kept, cleaned by `safe_file_name` (no
separators, no «..», no control characters), and the file is written into the job's own folder under a name made
unique there.  A zip member's name without the UTF-8 flag is read by Python as cp437; its bytes are decoded here
as the archiver meant them: the Info-ZIP Unicode Path field when there is one, else UTF-8 when the bytes are valid
UTF-8 (Info-ZIP on Debian and Astra Linux, older macOS, Android tools: UTF-8 without the flag), else cp866 (Windows'
«Send to compressed folder» on a Russian system), or «Заявка.xlsx» would arrive as «ç ∩ó¬á.xlsx» or
«╨Ч╨░╤П╨▓╨║╨░.xlsx».  Valid multi-byte UTF-8 is practically never meaningful cp866 text, so UTF-8 goes first.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

from docgen.loader import MAX_FILE_BYTES, WORKBOOK_SUFFIXES
from docgen.output import safe_file_name

# The file chooser offers what the loader reads (a Windows «Открыть» dialog lists only these), and .zip.
ACCEPT = ",".join((*WORKBOOK_SUFFIXES, ".zip", "application/zip",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   "application/vnd.ms-excel.sheet.macroEnabled.12", "application/vnd.ms-excel",
                   "application/vnd.oasis.opendocument.spreadsheet"))
# what people upload by mistake instead of the workbook, and what to say about it
MISTAKES = {
    **dict.fromkeys((".docx", ".doc", ".odt", ".rtf"), "это документ Word, а нужна книга Excel, из которой он сделан "
                                                       "(.xlsx, .xlsm, .xls или .ods)"),
    ".pdf": "это PDF, а нужна книга Excel, из которой он сделан (.xlsx, .xlsm, .xls или .ods)",
    ".xlsb": "формат .xlsb (двоичная книга Excel) не читается; сохраните книгу в Excel как «Книга Excel (.xlsx)»",
    ".csv": "это таблица CSV, а нужна книга Excel с листами (.xlsx, .xlsm, .xls или .ods)",
    ".rar": "архив .rar не открывается; упакуйте книги в .zip («Отправить → Сжатая ZIP-папка»)",
    ".7z": "архив .7z не открывается; упакуйте книги в .zip («Отправить → Сжатая ZIP-папка»)",
}
NOT_A_WORKBOOK = "не книга Excel (.xlsx, .xlsm, .xls), не таблица Calc (.ods) и не архив .zip"
UTF8_FLAG = 0x800
UNICODE_PATH = 0x7075  # Info-ZIP Unicode Path extra field: version 1, CRC-32 of the header's name, the UTF-8 name
CHUNK = 1 << 20


class UploadRefused(Exception):
    """Refuse a whole upload (too many files, nothing usable); the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """How much one upload may bring."""

    max_files: int = 200  # workbooks, counting those inside archives
    max_bytes: int = 50 * 1024 * 1024  # the whole request, and the unpacked content of its archives
    max_workbook_bytes: int = MAX_FILE_BYTES


@dataclass
class Saved:
    """What an upload gave: the workbooks written and what was set aside, in Russian."""

    workbooks: list[tuple[str, Path]] = field(default_factory=list)  # (name shown to the user, file)
    notes: list[str] = field(default_factory=list)


def leaf_name(raw: str) -> str:
    """Reduce an uploaded name to a safe file name: last component only, cleaned, the suffix kept lower-case."""
    last = raw.replace("\\", "/").rsplit("/", 1)[-1]
    pure = PurePosixPath(last)
    suffix = pure.suffix.lower() if len(pure.suffix) <= 6 else ""
    stem = safe_file_name(pure.stem if suffix else last)
    return f"{stem}{suffix}"


def _unique(folder: Path, name: str) -> Path:
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem} ({number}){suffix}"
        number += 1
    return path


def _unicode_path(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """Return the name from the Info-ZIP Unicode Path field, if there is one and it belongs to this name."""
    extra = info.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        body, extra = extra[4:4 + size], extra[4 + size:]
        if tag != UNICODE_PATH or len(body) < 5 or body[0] != 1:
            continue
        if struct.unpack("<I", body[1:5])[0] != zlib.crc32(raw):
            return None  # the name was changed by a tool that did not update the field: the field is stale
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _member_name(info: zipfile.ZipInfo) -> str:
    """Return a member's name as its archiver meant it (see the module's docstring)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")  # Python decoded the bytes as cp437: this gives them back
    except UnicodeError:
        return info.filename
    unicode_path = _unicode_path(info, raw)
    if unicode_path:
        return unicode_path.replace("\\", "/")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return raw.decode("cp866").replace("\\", "/")


def _copy(source: IO[bytes], target: Path, limit: int) -> str | None:
    """Copy at most `limit` bytes; return the content's SHA-256, or None (and leave no file) when it is longer."""
    written = 0
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while block := source.read(CHUNK):
            written += len(block)
            if written > limit:
                break
            digest.update(block)
            out.write(block)
    if written > limit:
        target.unlink()
        return None
    return digest.hexdigest()


def _keep_time(path: Path, changed: tuple[int, ...]) -> None:
    """Give an unpacked file the time its archive recorded (local time, as zip stores it); a bad one is ignored."""
    try:
        year, month, day, hour, minute, second = changed
        stamp = datetime(year, month, day, hour, minute, second).timestamp()
        os.utime(path, (stamp, stamp))
    except (ValueError, OverflowError, OSError):
        return


def save_uploads(files: Iterable[tuple[str, IO[bytes]]], folder: Path, limits: Limits) -> Saved:
    """Write every workbook of the upload into `folder`; raise UploadRefused when the upload as a whole is refused."""
    saved = Saved()
    seen: dict[str, str] = {}  # content's SHA-256 → the name it was first saved under
    unpacked = 0
    too_big = f"больше {limits.max_workbook_bytes // (1024 * 1024)} МБ, пропущен"

    def take(name: str, stream: IO[bytes], changed: tuple[int, ...] | None = None, label: str = "") -> None:
        if len(saved.workbooks) >= limits.max_files:
            raise UploadRefused(f"Слишком много книг за один раз: можно не больше {limits.max_files}. "
                                "Разделите их на несколько загрузок.")
        target = _unique(folder, leaf_name(name))
        digest = _copy(stream, target, limits.max_workbook_bytes)
        if digest is not None and digest in seen:  # the same file chosen twice: one check, one set of papers
            target.unlink()
            first, again = seen[digest], leaf_name(name)
            saved.notes.append(f"Файл «{first}» выбран дважды: проверен один раз" if again == first else
                               f"Файл «{again}» — точная копия «{first}»: проверен один раз")
        elif digest is not None:
            seen[digest] = label or target.name
            saved.workbooks.append((label or target.name, target))
            if changed is not None:  # the registry tells one school's newer заявка by it (registry._newness)
                _keep_time(target, changed)
        else:
            saved.notes.append(f"Файл «{target.name}»: {too_big}")

    for raw_name, stream in files:
        name = leaf_name(raw_name)
        if name.lower().endswith(".zip"):
            try:
                archive = zipfile.ZipFile(stream)
            except (zipfile.BadZipFile, OSError):
                saved.notes.append(f"Архив «{name}» повреждён и не открывается, пропущен")
                continue
            with archive:
                members = [(info, _member_name(info)) for info in archive.infolist()]
                members = [(info, member) for info, member in members if not info.is_dir()
                           and not member.startswith("__MACOSX/") and not _leaf(member).startswith(("~$", "."))]
                places = _places([member for _info, member in members if member.lower().endswith(WORKBOOK_SUFFIXES)])
                for info, member in members:
                    leaf = _leaf(member)
                    if not leaf.lower().endswith(WORKBOOK_SUFFIXES):
                        saved.notes.append(f"Архив «{name}»: файл «{leaf}» — {_what(leaf)}, пропущен")
                        continue
                    if info.file_size > limits.max_workbook_bytes:
                        saved.notes.append(f"Архив «{name}»: файл «{leaf}» {too_big}")
                        continue
                    unpacked += info.file_size
                    if unpacked > limits.max_bytes:
                        raise UploadRefused(f"Архив «{name}» слишком велик в распакованном виде: можно не больше "
                                            f"{limits.max_bytes // (1024 * 1024)} МБ за одну загрузку.")
                    stored, label = places.get(member, (leaf, ""))
                    try:
                        with archive.open(info) as member_stream:
                            take(stored, member_stream, info.date_time, label)
                    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
                        saved.notes.append(f"Архив «{name}»: файл «{leaf}» не распаковывается "
                                           "(повреждён или защищён паролем), пропущен")
        elif name.lower().endswith(WORKBOOK_SUFFIXES):
            take(raw_name, stream)
        elif name:
            saved.notes.append(f"Файл «{name}»: {_what(name)}, пропущен")
    if not saved.workbooks:
        reasons = " ".join(saved.notes)
        raise UploadRefused("Не загружено ни одной книги Excel или Calc." + (f" {reasons}" if reasons else ""))
    return saved


def _leaf(member: str) -> str:
    return member.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _places(members: list[str]) -> dict[str, tuple[str, str]]:
    """Name each workbook of an archive by its folders: (the name it is stored under, the label the page shows).

    Schools' заявки are often sorted into a folder each, all named «Заявка.xlsx»: the page shows «Школа 5/Заявка.xlsx»
    (the folders every member shares, such as the zipped folder itself, left out), and a name that occurs more than
    once is stored as «Заявка (Школа 5).xlsx», so the registry and the marked copies tell them apart too.  Folder
    names are only text here: each is cleaned like a file name and never becomes a folder on the server.
    """
    folders = {m: tuple(safe_file_name(p) for p in m.replace("\\", "/").split("/")[:-1] if p not in ("", ".", ".."))
               for m in members}
    common = 0  # how many leading folders every workbook of the archive shares
    paths = list(folders.values())
    while paths and all(len(p) > common and p[common] == paths[0][common] for p in paths):
        common += 1
    counts: dict[str, int] = {}
    for member in members:
        key = leaf_name(_leaf(member)).lower()
        counts[key] = counts.get(key, 0) + 1
    places: dict[str, tuple[str, str]] = {}
    for member, parts in folders.items():
        leaf = leaf_name(_leaf(member))
        own = parts[common:]
        if not own:
            continue
        stored = leaf
        if counts[leaf.lower()] > 1:
            path = PurePosixPath(leaf)
            where = " - ".join(own)
            stored = safe_file_name(f"{path.stem} ({where})") + path.suffix
        places[member] = (stored, "/".join((*own, leaf)))
    return places


def _what(name: str) -> str:
    """Say what a file that is not a workbook is, and what to upload instead."""
    return MISTAKES.get(PurePosixPath(name).suffix.lower(), NOT_A_WORKBOOK)


def remove_tree(folder: Path) -> None:
    """Delete a job's folder and everything in it; a folder already gone is fine."""
    shutil.rmtree(folder, ignore_errors=True)
