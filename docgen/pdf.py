"""Turn .docx files into PDF behind a small interface, so unit tests run without LibreOffice.

`LibreOfficeConverter` keeps one soffice worker per core, each with its own user profile (two soffice processes
sharing a profile fail intermittently), and feeds each worker chunks of files: soffice's start-up, not the pages,
is the cost of a conversion, so one process per file would be ten times slower.  What soffice does not do by
itself, this module does:

- the Word import filter is forced: otherwise a non-.docx file is silently imported as plain text;
- at most 200 files per call: soffice silently drops files past ~250 arguments and still exits 0;
- every PDF is checked to exist, be non-empty and end with %%EOF, because soffice exits 0 when a file fails;
- every document has a timeout (soffice must finish the next PDF in time, however long the call); a hung or
  crashed soffice is killed with its whole process group and restarted with a fresh profile;
- soffice converts in argument order, so the first file without a PDF is the one it choked on: that file is
  retried alone, once; the files after it go back to the queue untouched.  A file that fails alone twice is
  reported with its reason and the rest of the batch completes;
- stdin is /dev/null: soffice with a terminal on stdin was seen to sit idle for minutes.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from docgen.errors import ConversionError, ConverterMissingError, os_reason

BATCH_LIMIT = 200
POLL_SECONDS = 0.25
LOW_SPACE = 4 * 1024 * 1024  # bytes free below which a missing PDF is put down to a full disk
PDF_FILTER = "pdf:writer_pdf_Export"
# PDF/A-2b on LibreOffice 7.4: the JSON filter options (fonts embedded, XMP identification part 2, conformance B)
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

Progress = Callable[[Path, str | None], None]  # called once per file: (docx, None) when done, (docx, reason) if not


class PdfConverter(Protocol):
    """Convert .docx files into PDFs with the same stem in `out_dir`.

    Returns, for every source, None when its PDF is ready or the Russian reason it failed: one bad document never
    fails the others.
    """

    def convert(self, sources: Sequence[Path], out_dir: Path, progress: Progress | None = None
                ) -> dict[Path, str | None]: ...


def chunk_size(files: int, workers: int, limit: int) -> int:
    """Split `files` into equal chunks, as many for each worker, none above `limit`.

    1000 files, 2 workers, limit 200: 6 chunks of 167, three per worker.  Chunks of exactly 200 would leave one
    worker converting the last 200 alone while the other idles.
    """
    rounds = max(1, -(-files // (workers * limit)))
    return max(1, -(-files // (workers * rounds)))


SOFFICE_ENV = "DOCGEN_SOFFICE"


def _usual_places() -> list[Path]:
    """Return where LibreOffice's installers put soffice when it is not on PATH (Windows, macOS, Linux)."""
    places: list[Path] = []
    for variable in ("PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432", "LOCALAPPDATA"):
        root = os.environ.get(variable)
        if root:
            places.append(Path(root) / "LibreOffice" / "program" / "soffice.exe")
            places.append(Path(root) / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    places += [
        Path("C:/Program Files/LibreOffice/program/soffice.exe"),
        Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"),
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
        Path.home() / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice",
        Path("/usr/lib/libreoffice/program/soffice"),
        Path("/usr/lib64/libreoffice/program/soffice"),
        Path("/usr/local/bin/soffice"),
        Path("/snap/bin/libreoffice"),
        Path("/var/lib/flatpak/exports/bin/org.libreoffice.LibreOffice"),
    ]
    # the official tarballs install into /opt/libreofficeX.Y; the newest version first
    places += sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    return places


def find_soffice() -> str | None:
    """Return the soffice to run: $DOCGEN_SOFFICE, else soffice on PATH, else the usual install places.

    A $DOCGEN_SOFFICE that names no program is an error, not a silent fall-back to another LibreOffice.
    """
    configured = os.environ.get(SOFFICE_ENV, "").strip().strip('"')
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise ConverterMissingError(
                f"в переменной {SOFFICE_ENV} указан «{configured}», но такой программы нет; укажите полный путь "
                "к soffice (soffice.exe в Windows) или уберите переменную"
            )
        return found
    on_path = shutil.which("soffice") or shutil.which("libreoffice")
    if on_path:
        return on_path
    for place in _usual_places():
        if place.is_file() and os.access(place, os.X_OK):
            return str(place)
    return None


def fingerprint(converter: object) -> str:
    """Describe what shapes a converter's PDFs, for the record of a re-run (`docgen.provenance`).

    A converter may say it itself (`LibreOfficeConverter.fingerprint`); any other is named by its class.
    """
    own = getattr(converter, "fingerprint", None)
    if callable(own):
        return str(own())
    kind = type(converter)
    return f"{kind.__module__}.{kind.__qualname__}"


_BUILD_FILES = ("versionrc", "version.ini", "libmergedlo.so", "mergedlo.dll", "libmergedlo.dylib", "soffice.bin")
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
              Path.home() / ".fonts", Path("/Library/Fonts"), Path.home() / "Library/Fonts",
              Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")


def _stamp(path: Path) -> list[object]:
    """Name a file by its size and time of change: an update of the package changes both."""
    info = path.stat()
    return [path.name, info.st_size, info.st_mtime_ns]


def office_build(command: str) -> list[object]:
    """Identify the LibreOffice a command runs: its real path and the files an update replaces (build, library)."""
    found = shutil.which(command) or command
    real = Path(os.path.realpath(found))
    stamps: list[object] = [str(real)]
    for folder in dict.fromkeys((real.parent, real.parent.parent / "program")):
        for name in _BUILD_FILES:
            candidate = folder / name
            if candidate.is_file():
                stamps.append(_stamp(candidate))
    if len(stamps) == 1 and real.is_file():
        stamps.append(_stamp(real))
    return stamps


def font_files() -> list[list[object]]:
    """Stamp the Liberation Serif files docgen's documents are set in (a new version could change the PDF)."""
    stamps = []
    for folder in _FONT_DIRS:
        if folder.is_dir():
            stamps += [_stamp(p) for p in sorted(folder.glob("**/LiberationSerif*")) if p.is_file()]
    return stamps


def pdf_is_complete(path: Path) -> bool:
    """Tell whether a PDF was written to the end (a killed soffice can leave half a file)."""
    try:
        size = path.stat().st_size
        if size < 64:
            return False
        with path.open("rb") as fh:
            head = fh.read(5)
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


@dataclass
class _Item:
    source: Path
    attempts: int = 0  # how many times this file was the one soffice choked on
    alone: bool = False  # retry it in a call of its own


@dataclass
class _Run:
    """What one soffice call did."""

    timed_out: bool = False
    crashed: bool = False
    message: str = ""
    done: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)


class LibreOfficeConverter:
    """Convert with a pool of headless soffice workers, each file checked, hung or crashed workers restarted."""

    def __init__(
        self,
        soffice: str | Sequence[str] | None = None,
        *,
        workers: int | None = None,
        timeout_per_file: float = 60.0,
        startup_timeout: float = 60.0,
        chunk: int = BATCH_LIMIT,
        pdfa: bool = False,
        profile: Path | None = None,
    ) -> None:
        if soffice is None:
            found = find_soffice()
            if found is None:
                raise ConverterMissingError()
            soffice = found
        self.command = [soffice] if isinstance(soffice, str) else list(soffice)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout_per_file = timeout_per_file
        self.startup_timeout = startup_timeout
        self.chunk = max(1, min(chunk, BATCH_LIMIT))
        self.filter = PDFA_FILTER if pdfa else PDF_FILTER
        # A fixed profile (one worker only) lets a ResidentOffice on it take the conversion: no start-up.
        self.profile = profile
        if profile is not None:
            self.workers = 1
        self._live: set[subprocess.Popen[bytes]] = set()  # soffice calls running now, to stop on an interrupt
        self._live_lock = threading.Lock()
        self._stopping = threading.Event()

    def fingerprint(self) -> str:
        """Describe what shapes this converter's PDFs: which LibreOffice, its export filter, the fonts."""
        try:
            office, fonts = office_build(self.command[0]), font_files()
        except OSError as exc:
            office, fonts = [f"не читается: {os_reason(exc)}"], []
        return json.dumps({"soffice": office, "filter": self.filter, "fonts": fonts}, ensure_ascii=False,
                          sort_keys=True)

    def convert(self, sources: Sequence[Path], out_dir: Path, progress: Progress | None = None
                ) -> dict[Path, str | None]:
        results: dict[Path, str | None] = {}
        if not sources:
            return results
        lock = threading.Lock()
        todo: queue.Queue[_Item] = queue.Queue()
        for source in sources:
            todo.put(_Item(source))
        remaining = [len(sources)]
        size = chunk_size(len(sources), self.workers, self.chunk)

        def finish(source: Path, reason: str | None) -> None:
            with lock:
                results[source] = reason
                remaining[0] -= 1
            if progress is not None:
                progress(source, reason)

        def worker() -> None:
            profile = self.profile or Path(tempfile.mkdtemp(prefix="docgen-lo-"))
            profile.mkdir(parents=True, exist_ok=True)
            try:
                while not self._stopping.is_set():
                    batch = self._take(todo, size)
                    if not batch:
                        with lock:
                            if remaining[0] == 0:
                                return
                        # Others may still requeue files after a crash: wait for them.
                        try:
                            batch = [todo.get(timeout=0.2)]
                        except queue.Empty:
                            continue
                    try:
                        run = self._run([item.source for item in batch], out_dir, profile)
                    except ConversionError as exc:  # soffice cannot even start: nothing in the batch will do
                        for item in batch:
                            finish(item.source, exc.reason)
                        continue
                    except OSError as exc:  # no room even for soffice's log or profile: say why, per file
                        for item in batch:
                            finish(item.source, f"PDF не создан: {os_reason(exc)}")
                        continue
                    if run.timed_out or run.crashed:
                        shutil.rmtree(profile, ignore_errors=True)  # a killed soffice leaves its profile locked
                        profile.mkdir(parents=True, exist_ok=True)
                    self._settle(batch, run, todo, finish)
            finally:
                if self.profile is None:
                    shutil.rmtree(profile, ignore_errors=True)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(self.workers, len(sources)))]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException:
            # Ctrl-C (or any error) in the caller: soffice runs in a process group of its own, so the terminal's
            # SIGINT never reached it.  Stop every call, wait until its processes are gone (none may write a PDF
            # later), and let the workers remove their profiles before the caller removes the staging folder.
            self.stop()
            for thread in threads:
                thread.join(timeout=30)
            raise
        return results

    def stop(self) -> None:
        """Stop converting: kill every running soffice with its process group and wait until they are gone."""
        self._stopping.set()
        with self._live_lock:
            running = list(self._live)
        for proc in running:
            _kill(proc)
        for proc in running:
            _reap(proc)

    @staticmethod
    def _take(todo: queue.Queue[_Item], size: int) -> list[_Item]:
        batch: list[_Item] = []
        while len(batch) < size:
            try:
                item = todo.get_nowait()
            except queue.Empty:
                break
            if item.alone:
                if batch:
                    todo.put(item)  # keep a suspect for a call of its own
                    break
                return [item]
            batch.append(item)
        return batch

    def _settle(self, batch: list[_Item], run: _Run, todo: queue.Queue[_Item],
                finish: Callable[[Path, str | None], None]) -> None:
        by_source = {item.source: item for item in batch}
        for source in run.done:
            finish(source, None)
        if not run.missing:
            return
        if not (run.timed_out or run.crashed):
            # soffice finished and still wrote no PDF: the file itself cannot be opened.
            for source in run.missing:
                item = by_source[source]
                if item.alone:
                    finish(source, f"LibreOffice не смог открыть документ ({run.message or 'файл повреждён'})")
                else:
                    item.alone = True
                    todo.put(item)
            return
        suspect, *rest = (by_source[s] for s in run.missing)
        suspect.attempts += 1
        reason = (f"LibreOffice не ответил за {self.timeout_per_file:.0f} с" if run.timed_out
                  else f"LibreOffice аварийно завершился ({run.message})")
        if suspect.attempts >= 2:
            finish(suspect.source, reason + "; повторная попытка тоже не удалась")
        else:
            suspect.alone = True
            todo.put(suspect)
        for item in rest:
            todo.put(item)

    def _wait(self, proc: subprocess.Popen[bytes], pdfs: list[Path]) -> bool:
        """Wait for soffice while it makes progress; kill it when one file takes longer than the timeout.

        The timeout is per document, not per call: a call of 200 files may run for minutes, but no single file
        may take longer than `timeout_per_file` (plus `startup_timeout` for the first one).
        """
        allowance = self.startup_timeout + self.timeout_per_file
        last_change = time.monotonic()
        seen = 0
        while True:
            try:
                proc.wait(timeout=POLL_SECONDS)
                return False
            except subprocess.TimeoutExpired:
                pass
            made = sum(pdf.exists() for pdf in pdfs)
            now = time.monotonic()
            if made > seen:
                seen, last_change, allowance = made, now, self.timeout_per_file
            elif now - last_change > allowance or self._stopping.is_set():
                _kill(proc)
                _reap(proc)
                return True

    def _run(self, sources: list[Path], out_dir: Path, profile: Path) -> _Run:
        expected = {source: out_dir / (source.stem + ".pdf") for source in sources}
        for pdf in expected.values():
            pdf.unlink(missing_ok=True)  # an old PDF must not pass for a new one
        command = [
            *self.command, f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault",
            "--infilter=MS Word 2007 XML", "--convert-to", self.filter,
            # absolute: soffice runs in the profile's folder, where a path relative to the user's folder means nothing
            "--outdir", str(out_dir.absolute()), *(str(source.absolute()) for source in sources),
        ]
        # LibreOffice writes under $HOME and its lu*.tmp files under $TMPDIR: both inside the profile, which is
        # removed afterwards, so even a killed soffice leaves nothing in the system's temporary folder.
        scratch = profile / "tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(profile), "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        run = _Run()
        with tempfile.TemporaryFile() as log:  # a file, not a pipe: a full pipe would stall soffice
            try:
                # in the profile's folder, not the user's: an office that starts NSS (certificates) writes its
                # pkcs11.txt into the current folder, and docgen leaves nothing where it did not mean to write
                proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, cwd=profile, **_new_group())
            except OSError as exc:
                raise ConversionError(sources[0], f"LibreOffice не запустился: {os_reason(exc)}") from exc
            with self._live_lock:
                self._live.add(proc)
            try:
                run.timed_out = self._wait(proc, list(expected.values()))
            finally:
                with self._live_lock:
                    self._live.discard(proc)
            log.seek(0)
            output = log.read()
        text = output.decode("utf-8", "replace").strip() if output else ""
        if proc.returncode not in (0, None) and not run.timed_out:
            run.crashed = True
            run.message = f"код завершения {proc.returncode}"
        elif text:
            errors = [line for line in text.splitlines() if "Error" in line or "error" in line]
            run.message = errors[-1] if errors else ""
        for source, pdf in expected.items():
            if pdf_is_complete(pdf):
                run.done.append(source)
            else:
                pdf.unlink(missing_ok=True)  # never leave half a PDF behind
                run.missing.append(source)
        if run.missing and _disk_full(out_dir):
            run.message = "нет места на диске"  # soffice says nothing useful when it cannot write
        return run


def _new_group() -> dict[str, Any]:
    """Return Popen's arguments that start soffice in a process group of its own, so `_kill` can end the group."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


class ResidentOffice:
    """Keep one idle headless soffice on a profile, so that the next conversion on that profile skips start-up.

    A `soffice --convert-to` started on a profile whose office is already running hands its files to that office
    over LibreOffice's own pipe and returns as soon as they are converted (about 0.3 s instead of 1-2 s for a cold
    start).  That office then shuts down; a conversion that reached it while it was shutting down would be lost,
    so `start()` kills whatever is left of the used office and starts a fresh one, after every conversion.
    """

    def __init__(self, profile: Path, soffice: str | Sequence[str] | None = None) -> None:
        found = soffice or find_soffice()
        if found is None:
            raise ConverterMissingError()
        self.command = [found] if isinstance(found, str) else list(found)
        self.profile = profile
        self.proc: subprocess.Popen[bytes] | None = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start a fresh idle office, ending the one used before (it served its one hand-off)."""
        self.stop()
        self.profile.mkdir(parents=True, exist_ok=True)
        command = [*self.command, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault"]
        try:
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env={**os.environ, "HOME": str(self.profile)},
                                         cwd=self.profile, **_new_group())  # its stray files stay in its folder
        except OSError:
            self.proc = None  # the conversion itself will start soffice and report what is wrong

    def stop(self) -> None:
        """Kill the idle office and everything it started."""
        if self.proc is not None and self.proc.poll() is None:
            _kill(self.proc)
            self.proc.wait()
        self.proc = None
def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE
    except OSError:
        return False


def _reap(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Wait for a killed soffice and, on POSIX, for every process of its group (soffice.bin) to be gone."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return
    if sys.platform == "win32":
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill soffice and everything it started (soffice is a wrapper around soffice.bin).

    POSIX kills the process group; Windows has no groups to signal, and `taskkill /T` ends the tree instead.
    """
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        proc.kill()
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
