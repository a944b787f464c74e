"""Keep each upload as a job: its own folder, its work in a background thread, its progress, its end of life.

A job's id is the only handle on it (a long random string in the URL, so a page survives a reload and nobody
guesses another school's job).  Its folder holds the uploaded workbooks and everything made from them; the folder
is deleted when the retention time has passed, soon after the first download of a school's job (a short grace
period lets the user click the other links; a methodologist's desk job keeps its full time, she works through its
files for a while), when the user deletes it, and when the server stops.  Why a job is gone is remembered for a
while, so its page says so truthfully instead of guessing.  Nothing here logs a file name.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from docgen.web.uploads import remove_tree

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


class State(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Cancelled(Exception):
    """Raised inside a job's work when the user cancelled it."""


@dataclass
class Download:
    """A file a job offers: where it is, the name the browser saves it as, and how the page labels it."""

    path: Path
    name: str
    label: str
    inline: bool = False  # an HTML page to look at, not to save


@dataclass
class Job:
    """One upload and the work done on it."""

    id: str
    kind: str  # "check" (a school) or "desk" (a methodologist)
    folder: Path
    created: float
    expires: float
    state: State = State.QUEUED
    phase: str = "В очереди"
    done: int = 0
    total: int = 0
    failed: int = 0
    plan: list[str] = field(default_factory=list)  # the stages the work goes through, named as `progress` names them
    message: str = ""  # why the job failed, in Russian
    notes: list[str] = field(default_factory=list)  # files set aside at upload, and similar
    downloads: list[Download] = field(default_factory=list)
    result: Any = None  # what the page shows: built by the job's work
    options: dict[str, Any] = field(default_factory=dict)
    labels: dict[Path, str] = field(default_factory=dict)  # how the page names each uploaded workbook
    seen: float = 0.0  # when its page or status was last asked for: a school's job nobody follows is dropped
    first_download: float | None = None  # when a file was first downloaded: a school's job then ends soon
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED, State.CANCELLED)

    def offer(self, path: Path, name: str, label: str, *, inline: bool = False) -> int:
        """Add a download and return its number (the only thing the URL carries)."""
        with self.lock:
            self.downloads.append(Download(path, name, label, inline))
            return len(self.downloads) - 1

    def progress(self, phase: str, done: int, total: int, failed: int) -> None:
        """Record progress; stop the work when the user cancelled (the library unwinds and cleans up)."""
        if self.cancel.is_set():
            raise Cancelled
        with self.lock:
            self.phase, self.done, self.total, self.failed = phase, done, total, failed

    def status(self) -> dict[str, Any]:
        """Say where the work is: its stage («этап 2 из 4») and how much of the whole is done (0 to 1).

        Each stage counts its own documents from zero; alone, a bar that restarts at every stage tells nothing
        about what is left.  Every stage of the plan weighs the same: the stages are of a like length.
        """
        with self.lock:
            stage = self.plan.index(self.phase) + 1 if self.phase in self.plan else 0
            part = self.done / self.total if self.total else 0.0
            if self.state in (State.DONE, State.FAILED, State.CANCELLED):
                overall = 1.0
            else:
                overall = (stage - 1 + part) / len(self.plan) if stage else 0.0
            return {"state": self.state.value, "phase": self.phase, "done": self.done, "total": self.total,
                    "failed": self.failed, "stage": stage, "stages": len(self.plan), "overall": round(overall, 3)}


class JobStore:
    """Create, find, run and delete jobs; one per server."""

    def __init__(self, root: Path, *, retention: float = 3600.0, grace: float = 600.0, workers: int = 2,
                 abandon: float = 180.0) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.retention = retention
        self.abandon = abandon
        self.grace = min(grace, retention)
        self.jobs: dict[str, Job] = {}
        self.gone: OrderedDict[str, str] = OrderedDict()  # id → why its files were deleted (the latest ones)
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="docgen-job")
        self.stopped = threading.Event()
        self.sweeper = threading.Thread(target=self._sweep_loop, name="docgen-sweeper", daemon=True)
        self.sweeper.start()

    def create(self, kind: str) -> Job:
        job_id = secrets.token_urlsafe(24)
        folder = self.root / job_id
        folder.mkdir(parents=True)
        now = time.time()
        job = Job(job_id, kind, folder, now, now + self.retention, seen=now)
        with self.lock:
            self.jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        """Find a live job by id and note that someone follows it."""
        if not ID_PATTERN.match(job_id):
            return None
        with self.lock:
            job = self.jobs.get(job_id)
        now = time.time()
        if job is None or job.expires <= now:
            return None
        job.seen = now
        return job

    def submit(self, job: Job, work: Callable[[Job], None]) -> None:
        """Run `work(job)` in the background; its Cancelled or any failure ends the job with a Russian message."""

        def run() -> None:
            if job.cancel.is_set():
                job.state = State.CANCELLED
                return
            job.state, job.phase = State.RUNNING, "Работа началась"
            try:
                work(job)
            except Cancelled:
                job.state, job.phase = State.CANCELLED, "Отменено"
                return
            except Exception:
                job.state, job.phase = State.FAILED, "Сбой"
                job.message = "Внутренняя ошибка сервера при обработке; попробуйте ещё раз или сообщите администратору."
                return
            if job.cancel.is_set():
                job.state, job.phase = State.CANCELLED, "Отменено"
            else:
                job.state, job.phase = State.DONE, "Готово"

        self.executor.submit(run)

    def downloaded(self, job: Job) -> None:
        """Shorten a school's job's life to the grace period after its first download (a desk job keeps its own)."""
        now = time.time()
        with job.lock:
            if job.first_download is None:
                job.first_download = now
                if job.kind == "check":
                    job.expires = min(job.expires, now + self.grace)

    def shortened(self, job: Job) -> bool:
        """Tell whether the job ends by the grace period after its first download rather than by the retention."""
        return job.first_download is not None and job.expires < job.created + self.retention

    def why_gone(self, job_id: str) -> str | None:
        """Say why a job's files were deleted, if this server deleted them recently."""
        with self.lock:
            reason = self.gone.get(job_id)
            job = self.jobs.get(job_id)
        if reason is None and job is not None and job.expires <= time.time():
            reason = self._reason(job)
        return reason

    def _reason(self, job: Job) -> str:
        if self.shortened(job):
            return (f"результаты удалены через {_minutes(self.grace)} после первого скачивания — так мало "
                    "хранится то, что уже скачали")
        return f"результаты хранятся {_minutes(self.retention)} после загрузки, этот срок прошёл"

    def _forget(self, job: Job, reason: str) -> None:
        """Drop a job from the live ones, remembering why (called with the lock held)."""
        self.jobs.pop(job.id, None)
        self.gone[job.id] = reason
        while len(self.gone) > 10000:
            self.gone.popitem(last=False)

    def delete(self, job: Job) -> None:
        job.cancel.set()
        with self.lock:
            self._forget(job, "результаты удалены по кнопке «Удалить мои файлы сейчас»")
        if job.finished or job.state is State.QUEUED:
            remove_tree(job.folder)
        # a running job's folder is removed by the sweeper once the work has unwound

    def sweep(self, now: float | None = None) -> int:
        """Delete expired jobs and folders left by deleted ones; return how many folders were removed."""
        now = time.time() if now is None else now
        with self.lock:
            for job in self.jobs.values():
                # A school's browser follows its job every second; one left alone this long was abandoned (the
                # tab closed, the connection lost): its place in the LibreOffice queue goes to the others.
                if job.kind == "check" and not job.finished and now - job.seen > self.abandon:
                    job.cancel.set()
                    job.expires = min(job.expires, now)
                    self.gone[job.id] = "работа остановлена: страницу закрыли, не дождавшись результата"
            expired = [job for job in self.jobs.values() if job.expires <= now]
            for job in expired:
                job.cancel.set()
                if job.finished or job.state is State.QUEUED:
                    self._forget(job, self.gone.get(job.id) or self._reason(job))
            known = set(self.jobs)
        removed = 0
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder.name not in known:
                remove_tree(folder)
                removed += 1
        return removed

    def _sweep_loop(self) -> None:
        while not self.stopped.wait(min(30.0, max(1.0, self.grace / 4))):
            self.sweep()

    def close(self) -> None:
        """Stop the work, delete every job's folder."""
        self.stopped.set()
        with self.lock:
            for job in self.jobs.values():
                job.cancel.set()
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            self.jobs.clear()
        remove_tree(self.root)


def _minutes(seconds: float) -> str:
    """Say a span as a person would: «10 минут», «1 час», «2 ч»."""
    minutes = round(seconds / 60)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return "1 час" if hours == 1 else f"{hours} ч"
    return f"{minutes} мин"
