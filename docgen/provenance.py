"""Remember what every output was made from, so that a re-run redoes only what changed.

One scheme for every file docgen accounts for: the SHA-256 of its bytes (`sha256`).  The archive's manifest
records it for each paper and its workbook; the record kept here records it for each output of `docgen render`
and for the workbook it came from.

The record is one JSON file in the output folder (`RECORD`).  For every workbook whose documents were published
there it holds the workbook's SHA-256, a recipe — one SHA-256 over the workbook's hash and everything else that
shapes the output (docgen's version and code, the versions of the libraries that read, render and decline, every
template and profile, the options, the PDF converter and its fonts) — and the SHA-256 of every file made.  A
workbook whose recipe is unchanged and whose files are all still there as docgen wrote them needs no work.

The record is only a memory of earlier runs: a missing, damaged or foreign one means «redo everything», never an
error.  It is replaced atomically (written beside, then renamed), merged with what another run wrote meanwhile,
and never written over a file at its name that is not a docgen record (a damaged record is docgen's own: it is
replaced).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.errors import os_reason

RECORD = ".docgen-record.json"
GENERATOR = "docgen"
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent
# Libraries whose version can change a document: the readers of workbooks, the renderer, the decliners.
LIBRARIES = ("openpyxl", "python-calamine", "lxml", "defusedxml", "pydantic", "docxtpl", "python-docx", "jinja2",
             "pymorphy3", "pymorphy3-dicts-ru", "pytrovich")
_SKIPPED_PARTS = {"__pycache__", "web"}  # the web page's code shapes no document


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in blocks (the archive's manifest and the record both use it)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_of(value: object) -> str:
    """Return the SHA-256 of a JSON-able value, written canonically (sorted keys, no spaces)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _code_digest() -> str:
    """Hash docgen's own files (code, profiles, declension data): a changed docgen is a changed recipe.

    The version number alone would miss an edit or an update that forgot to bump it.
    """
    digest = hashlib.sha256()
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and not _SKIPPED_PARTS & set(p.parts)
                   and p.suffix not in (".pyc", ".pyo"))
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _library_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def file_digests(paths: Iterable[Path]) -> dict[str, str]:
    """Hash the files a run depends on (templates, profiles); one that cannot be read is named as such."""
    result: dict[str, str] = {}
    for path in sorted(set(paths)):
        try:
            result[str(path)] = sha256(path)
        except OSError as exc:
            result[str(path)] = f"не читается: {os_reason(exc)}"
    return result


def base_recipe(files: Iterable[Path], options: Mapping[str, object]) -> dict[str, Any]:
    """Describe everything but the workbook that shapes a run's outputs: docgen, libraries, files, options."""
    return {
        "docgen": __version__,
        "code": _code_digest(),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "libraries": _library_versions(),
        "files": file_digests(files),
        "options": dict(options),
    }


def source_key(path: Path) -> str:
    """Name a workbook in the record: its absolute path (a workbook moved elsewhere is simply made again).

    Not `resolve()`: following links costs a system call per folder of the path, a thousand times per run, and a
    workbook reached through a link under another name is at worst made again.
    """
    return str(path.absolute())


@dataclass(frozen=True)
class Entry:
    """What one workbook's published outputs were made from."""

    source_sha256: str
    recipe: str
    files: dict[str, str]  # file name in the output folder → SHA-256, in the order the outputs were made
    documents: list[str] = field(default_factory=list)  # the papers' file stems
    warnings: list[str] = field(default_factory=list)  # what the run said about the workbook, said again when skipped
    kind: str | None = None
    made: str = ""  # when, ISO 8601 UTC: for a person reading the record

    @staticmethod
    def parse(data: object) -> Entry | None:
        """Read an entry written by docgen; None for anything malformed (that workbook is simply made again)."""
        if not isinstance(data, dict):
            return None
        files, documents, warnings = data.get("files"), data.get("documents", []), data.get("warnings", [])
        texts = (data.get("source_sha256"), data.get("recipe"))
        if not all(isinstance(t, str) for t in texts) or not isinstance(files, dict) or not files:
            return None
        if not all(isinstance(k, str) and isinstance(v, str) and k and Path(k).name == k and k not in (".", "..")
                   for k, v in files.items()):
            return None  # a name with a folder in it never came from docgen: nothing outside the folder is touched
        if not (isinstance(documents, list) and all(isinstance(d, str) for d in documents)
                and isinstance(warnings, list) and all(isinstance(w, str) for w in warnings)):
            return None
        kind = data.get("kind")
        made = data.get("made", "")
        return Entry(str(texts[0]), str(texts[1]), dict(files), list(documents), list(warnings),
                     kind if isinstance(kind, str) else None, made if isinstance(made, str) else "")


@dataclass
class Verdict:
    """Whether a workbook's recorded outputs can stand: all as made, some edited by hand, or work to do."""

    fresh: bool
    edited: list[str] = field(default_factory=list)  # files changed since docgen wrote them (kept as they are)


class Record:
    """The record of one output folder: read once at the start of a run, saved once at its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / RECORD
        self.entries: dict[str, Entry] = {}
        self.changed: dict[str, Entry] = {}
        self.problem: str | None = None  # why the old record could not be used
        self.foreign = False  # a file at the record's name that docgen did not write: never replaced
        self._hashes: dict[str, str | None] = {}

    @classmethod
    def load(cls, folder: Path) -> Record:
        """Read the folder's record; never raise: a record that cannot be used is an empty one, and why is kept."""
        record = cls(folder)
        state, entries = _read(record.path)
        if state == "ours":
            record.entries = entries
        elif state == "damaged":
            record.problem = (f"запись о прежних запусках «{RECORD}» повреждена: все документы сделаны заново, "
                              "запись заменена")
        elif state == "foreign":
            record.foreign = True
            record.problem = (f"файл «{record.path}» записал не docgen: все документы сделаны заново, а запись о "
                              "запуске не сохранена (docgen не заменяет чужие файлы); переименуйте или уберите его, "
                              "чтобы повторные запуски делали только изменившееся")
        return record

    def current_hash(self, name: str) -> str | None:
        """Return the SHA-256 of a file in the folder now (once per run), None when it is missing or unreadable."""
        if name not in self._hashes:
            try:
                path = self.folder / name
                self._hashes[name] = sha256(path) if path.is_file() else None
            except OSError:
                self._hashes[name] = None
        return self._hashes[name]

    def judge(self, key: str, recipe: str) -> tuple[Entry, Verdict] | None:
        """Tell whether the workbook `key`'s outputs can stand for `recipe`; None when it has no usable entry."""
        entry = self.entries.get(key)
        if entry is None or entry.recipe != recipe:
            return None
        now = {name: self.current_hash(name) for name in entry.files}
        if any(digest is None for digest in now.values()):
            return entry, Verdict(fresh=False)  # a file was deleted: the workbook is made again
        edited = [name for name, digest in entry.files.items() if now[name] != digest]
        return entry, Verdict(fresh=True, edited=edited)

    def made_from(self, key: str, path: Path) -> bool:
        """Tell whether `path` is a file docgen made from the workbook `key` and nobody changed since.

        Only such a file is replaced without --force: one made from another workbook (two schools given one name)
        is not this workbook's to replace.
        """
        entry = self.entries.get(key)
        return (path.parent == self.folder and entry is not None and path.name in entry.files
                and self.current_hash(path.name) == entry.files[path.name])

    def maker(self, path: Path) -> tuple[str | None, bool]:
        """Return which workbook a recorded file was made from (None: not recorded) and whether it was edited since."""
        if path.parent != self.folder:
            return None, False
        now = self.current_hash(path.name)
        makers = [(key, entry.files[path.name]) for key, entry in self.entries.items() if path.name in entry.files]
        for key, digest in makers:
            if digest == now:
                return key, False
        return (makers[0][0], True) if makers else (None, False)

    def note(self, key: str, entry: Entry) -> None:
        """Remember a workbook's freshly published outputs (hashes are taken from the files as published)."""
        self.changed[key] = entry
        self.entries[key] = entry
        for name in entry.files:
            self._hashes.pop(name, None)

    def hash_published(self, paths: Iterable[Path]) -> dict[str, str]:
        return {path.name: sha256(path) for path in paths}

    def save(self) -> str | None:
        """Write the record atomically, merged with what another run wrote meanwhile; return why not, or None.

        Entries whose files are all gone from the folder are dropped, so the record does not grow forever.
        """
        if self.foreign or not self.changed:
            return None
        state, on_disk = _read(self.path)
        if state == "foreign":
            return f"запись о запуске не сохранена: файл «{self.path}» записал не docgen"
        merged = {**on_disk, **self.changed} if state == "ours" else dict(self.entries)
        merged = {key: entry for key, entry in merged.items()
                  if any((self.folder / name).exists() for name in entry.files)}
        data = {"generator": GENERATOR, "format": FORMAT,
                "about": "docgen: из чего сделан каждый документ этой папки; файл можно удалить — тогда при "
                         "следующем запуске всё будет сделано заново",
                "sources": {key: asdict(entry) for key, entry in sorted(merged.items())}}
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        temporary: Path | None = None
        try:
            handle, name = tempfile.mkstemp(prefix=".docgen-record-", suffix=".tmp", dir=self.folder)
            temporary = Path(name)
            with os.fdopen(handle, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())  # a power cut after the rename must not leave an empty record
            temporary.replace(self.path)
        except BaseException as exc:  # a full disk, or Ctrl-C while writing: never a half record left beside
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()
            if not isinstance(exc, OSError):
                raise
            return (f"запись о запуске «{self.path}» не сохранена ({os_reason(exc)}): следующий запуск сделает "
                    "всё заново")
        return None


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read(path: Path) -> tuple[str, dict[str, Entry]]:
    """Read a record file: («missing» | «ours» | «damaged» | «foreign», its entries)."""
    try:
        if not path.exists() and not path.is_symlink():
            return "missing", {}
        if not path.is_file():
            return "foreign", {}  # a folder or a device at the record's name is nobody's record
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return "damaged", {}
    if not isinstance(data, dict) or data.get("generator") != GENERATOR:
        return "foreign", {}
    sources = data.get("sources")
    if data.get("format") != FORMAT or not isinstance(sources, dict):
        return "ours", {}  # docgen's own record of another format: replaced, nothing in it used
    entries = {key: entry for key, raw in sources.items()
               if isinstance(key, str) and (entry := Entry.parse(raw)) is not None}
    return "ours", entries
