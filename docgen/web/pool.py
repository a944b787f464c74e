"""Share one LibreOffice pool among every request of the server.

Each of many schools' requests asks for a few PDFs; a LibreOffice per request would start as many soffice
processes as there are requests and thrash a two-core server.  Instead every request's .docx files go into one
queue, and a fixed number of slots (never more than the cores) take them in batches, files of different requests
together, so one soffice start serves several schools.  Each slot keeps an idle soffice ready on its own profile
(`pdf.ResidentOffice`): a request that arrives when the server is quiet is converted without waiting for
LibreOffice to start.

A slot converts copies (hard links) of the files under neutral names in its own folder, so two schools' documents
with the same name never meet, then moves each PDF to where its request expects it.  A request whose job was
cancelled or deleted is dropped from the queue: its files are reported as not converted and nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import ConverterMissingError
from docgen.pdf import LibreOfficeConverter, PdfConverter, Progress, ResidentOffice, find_soffice

CHUNK = 20  # files per soffice call: enough to share a start, few enough to keep every slot busy
CANCELLED = "отменено"


@dataclass
class _Request:
    """One `convert()` call: its files, its results, who waits for them."""

    total: int
    progress: Progress | None
    cancelled: Callable[[], bool]
    results: dict[Path, str | None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    finished: threading.Event = field(default_factory=threading.Event)

    def finish(self, source: Path, reason: str | None) -> None:
        with self.lock:
            self.results[source] = reason
            done = len(self.results) >= self.total
        if self.progress is not None:
            with contextlib.suppress(Exception):  # a cancelled job's callback raises; the slot goes on
                self.progress(source, reason)
        if done:
            self.finished.set()


@dataclass
class _Item:
    source: Path
    out_dir: Path
    pdfa: bool
    request: _Request


class _Client:
    """The PdfConverter the pipeline gets: it puts its files into the pool's queue and waits for them."""

    def __init__(self, pool: ConverterPool, pdfa: bool, cancelled: Callable[[], bool]) -> None:
        self.pool = pool
        self.pdfa = pdfa
        self.cancelled = cancelled

    def convert(self, sources: Sequence[Path], out_dir: Path, progress: Progress | None = None
                ) -> dict[Path, str | None]:
        return self.pool.convert(sources, out_dir, progress, pdfa=self.pdfa, cancelled=self.cancelled)


class ConverterPool:
    """A fixed number of LibreOffice slots shared by every request; requests queue for them."""

    def __init__(self, *, slots: int | None = None, timeout: float = 60.0, workspace: Path,
                 soffice: str | Sequence[str] | None = None, chunk: int = CHUNK, warm: bool = True) -> None:
        cores = os.cpu_count() or 1
        self.slots = max(1, min(slots or cores, cores))
        self.timeout = timeout
        self.workspace = workspace
        self.soffice = soffice
        self.chunk = chunk
        self.warm = warm
        self.queue: queue.Queue[_Item] = queue.Queue()
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.residents: list[ResidentOffice] = []

    def converter(self, pdfa: bool = False, cancelled: Callable[[], bool] = lambda: False) -> PdfConverter:
        """Return a converter for one request; raise ConverterMissingError at once when there is no LibreOffice."""
        if self.soffice is None and find_soffice() is None:
            raise ConverterMissingError()
        self._start()
        return _Client(self, pdfa, cancelled)

    def _start(self) -> None:
        with self.lock:
            if self.threads or self.stopped.is_set():
                return
            for number in range(self.slots):
                folder = self.workspace / f"slot{number}"
                folder.mkdir(parents=True, exist_ok=True)
                resident = ResidentOffice(folder / "profile", self.soffice) if self.warm else None
                if resident is not None:
                    self.residents.append(resident)
                    resident.start()
                thread = threading.Thread(target=self._slot, args=(folder, resident), daemon=True,
                                          name=f"docgen-lo-{number}")
                thread.start()
                self.threads.append(thread)

    def convert(self, sources: Sequence[Path], out_dir: Path, progress: Progress | None = None, *,
                pdfa: bool = False, cancelled: Callable[[], bool] = lambda: False) -> dict[Path, str | None]:
        """Queue `sources`, wait until every one is converted or failed; the PDFs land in `out_dir`."""
        request = _Request(len(sources), progress, cancelled)
        if not sources:
            return {}
        self._start()
        for source in sources:
            self.queue.put(_Item(source, out_dir, pdfa, request))
        while not request.finished.wait(0.5):
            if self.stopped.is_set():
                for source in sources:
                    if source not in request.results:
                        request.finish(source, "сервер остановлен")
        return dict(request.results)

    def _take(self) -> list[_Item]:
        try:
            first = self.queue.get(timeout=0.5)
        except queue.Empty:
            return []
        batch: list[_Item] = [first]
        other: list[_Item] = []
        while len(batch) < self.chunk:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                break
            (batch if item.pdfa == first.pdfa else other).append(item)
        for item in other:
            self.queue.put(item)
        return batch

    def _slot(self, folder: Path, resident: ResidentOffice | None) -> None:
        profile = folder / "profile"
        serial = 0
        while not self.stopped.is_set():
            batch = self._take()
            live = []
            for item in batch:
                if item.request.cancelled() or self.stopped.is_set():
                    item.request.finish(item.source, CANCELLED)
                else:
                    live.append(item)
            if not live:
                continue
            serial += 1
            work = folder / f"batch{serial}"
            try:
                work.mkdir(parents=True, exist_ok=True)
                self._convert(live, work, profile)
            except Exception as exc:  # a slot must outlive any failure, or its queue starves
                reason = f"сбой конвертера ({type(exc).__name__})"
                for item in live:
                    if item.source not in item.request.results:
                        item.request.finish(item.source, reason)
            finally:
                shutil.rmtree(work, ignore_errors=True)
                if resident is not None and not self.stopped.is_set():
                    resident.start()

    def _convert(self, batch: list[_Item], work: Path, profile: Path) -> None:
        linked: dict[Path, _Item] = {}
        for number, item in enumerate(batch):
            copy = work / f"{number:04d}.docx"
            try:
                try:
                    os.link(item.source, copy)
                except OSError:
                    shutil.copyfile(item.source, copy)
            except OSError as exc:
                item.request.finish(item.source, f"файл не прочитан ({exc.strerror})")
                continue
            linked[copy] = item
        if not linked:
            return
        pdfa = batch[0].pdfa
        try:
            converter = LibreOfficeConverter(self.soffice, timeout_per_file=self.timeout, pdfa=pdfa, profile=profile)
            results = converter.convert(list(linked), work)
        except ConverterMissingError as exc:
            results = dict.fromkeys(linked, exc.reason)
        for copy, item in linked.items():
            reason = results.get(copy, "LibreOffice не вернул результат")
            if reason is None:
                target = item.out_dir / f"{item.source.stem}.pdf"
                try:
                    copy.with_suffix(".pdf").replace(target)
                except OSError as exc:
                    reason = f"PDF не записан ({exc.strerror})"
            item.request.finish(item.source, reason)

    def close(self) -> None:
        """Stop the slots and their idle offices; requests still waiting are told the server stopped."""
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=self.timeout + 5)
        for resident in self.residents:
            resident.stop()
        while True:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                break
            item.request.finish(item.source, "сервер остановлен")
        shutil.rmtree(self.workspace, ignore_errors=True)
