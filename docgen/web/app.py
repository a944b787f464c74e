"""Build the web application: pages, uploads, downloads, and the rules that keep teachers' data safe.

Pages are rendered on the server by Jinja with autoescape on: every value from a workbook reaches the page as text,
«<script>» and «{{ 7*7 }}» included (values are data passed to a template, never a template).  Assets come from
this package.  Safety, because the server holds teachers' names and phones:

- with a token (`--token` or DOCGEN_TOKEN) every page but the stylesheet needs it: opened once as `/?token=…`, it is
  kept in a cookie (HttpOnly, SameSite=Strict), or sent as «Authorization: Bearer …»;
- a request body above the limit is refused with a Russian page, before or while it streams in;
- no page, header or log line carries a file name or a value from a workbook (uvicorn's access log is off);
- downloads carry the UTF-8 name (RFC 5987 `filename*`) and an ASCII fallback for old clients;
- pages send no referrer (job ids stay out of other sites' logs) and a strict Content-Security-Policy.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import secrets
import shutil
import tempfile
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from docgen.blank import build_blank
from docgen.errors import DocgenError
from docgen.kinds import PAPERS
from docgen.pdf import PdfConverter
from docgen.profiles import DEFAULT_PROFILE, available, load_profile
from docgen.schema import SPECS
from docgen.web.jobs import Job, JobStore, State
from docgen.web.uploads import ACCEPT, Limits, UploadRefused, save_uploads
from docgen.web.work import LIBRARY, Converters, Summary, run_check, run_desk, run_plan

TOKEN_ENV = "DOCGEN_TOKEN"
COOKIE = "docgen_token"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# the registry page for websites carries its own inline style
VIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class Settings:
    """What the administrator can change with `docgen serve`'s options."""

    token: str | None = None
    retention_minutes: float = 60.0
    grace_minutes: float = 10.0  # after the first download the job lives this long at most
    max_upload_mb: int = 50
    max_files: int = 200
    workers: int | None = None  # LibreOffice converters (default: one per core)
    timeout: float = 60.0  # seconds LibreOffice may take per document
    work_dir: Path | None = None  # where job folders live (default: a fresh folder under the system's temp)

    @property
    def limits(self) -> Limits:
        return Limits(max_files=self.max_files, max_bytes=self.max_upload_mb * 1024 * 1024)


def content_disposition(name: str, *, inline: bool = False) -> str:
    """Name a download in UTF-8 (RFC 5987/6266) with a plain-ASCII fallback for clients that ignore `filename*`."""
    fallback = _ascii(name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
     "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))


def _ascii(name: str) -> str:
    out = []
    for char in name:
        low = char.lower()
        if low in _TRANSLIT:
            latin = _TRANSLIT[low]
            out.append(latin.capitalize() if char != low else latin)
        else:
            out.append(char)
    text = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode("ascii")
    text = "".join(c if c.isalnum() or c in " .,-_()" else " " for c in text)
    return " ".join(text.split()) or "document"


class _BodyTooLarge(Exception):
    pass


Page = Callable[[int, str, str], Response]  # status, title, message → a Russian page


_ENV: list[Environment] = []


def _templates() -> Environment:
    if not _ENV:
        _ENV.append(Environment(loader=PackageLoader("docgen.web", "templates"),
                                autoescape=select_autoescape(default=True, default_for_string=True)))
    return _ENV[0]


class Guard:
    """Refuse requests without the token and bodies above the limit; add the security headers to every answer."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_mb: int, page: Page) -> None:
        self.app = app
        self.token = token
        self.max_mb = max_mb
        self.max_bytes = (max_mb + 1) * 1024 * 1024  # the form's own bytes on top of the files
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = scope.get("path", "")

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {b"x-content-type-options": b"nosniff", b"referrer-policy": b"no-referrer",
                         b"content-security-policy": CSP.encode(), b"cache-control": b"no-store"}
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message["headers"] = headers
            await send(message)

        if self.token and not path.startswith("/static/"):
            given = request.query_params.get("token")
            if given is not None and secrets.compare_digest(given.encode(), self.token.encode()):
                response: Response = RedirectResponse(path or "/", status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
                await response(scope, receive, secured)
                return
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            cookie = request.cookies.get(COOKIE, "")
            if not any(secrets.compare_digest(v.encode(), self.token.encode()) for v in (bearer, cookie) if v):
                await self.page(401, "Нужен ключ доступа",
                            "Этот сервер открыт только по ссылке с ключом доступа. Попросите ссылку у "
                            "администратора управления образования.")(scope, receive, secured)
                return
        length = request.headers.get("content-length")
        too_big = self.page(413, "Слишком большая загрузка",
                            f"За один раз можно загрузить не больше {self.max_mb} МБ. "
                            "Разделите книги на несколько загрузок.")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await too_big(scope, receive, secured)
            return
        received = 0
        overflow = False

        async def counted() -> Message:
            nonlocal received, overflow
            if overflow:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    overflow = True  # the application sees a client that went away, and keeps nothing
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            if not overflow:
                await secured(message)
            elif message["type"] == "http.response.start":
                await too_big(scope, receive, secured)  # whatever the application answered, the user reads this

        await self.app(scope, counted, watched)


class Server:
    """The application's state: settings, jobs, converters; `app` is the ASGI application."""

    def __init__(self, settings: Settings, converters: Converters | None = None) -> None:
        self.settings = settings
        root = settings.work_dir
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="docgen-serve-"))
        else:
            root.mkdir(parents=True, exist_ok=True)
            root = Path(tempfile.mkdtemp(prefix="docgen-serve-", dir=root))
        self.root = root
        cores = os.cpu_count() or 1
        # jobs and the pool in folders of their own: the sweeper deletes whatever in its folder is not a job
        self.jobs = JobStore(root / "jobs", retention=settings.retention_minutes * 60,
                             grace=settings.grace_minutes * 60, workers=2 * cores)
        self.pool: Any = None
        if converters is None:
            from docgen.web.pool import ConverterPool  # noqa: PLC0415 - tests pass their own converters

            self.pool = ConverterPool(slots=settings.workers, timeout=settings.timeout, workspace=root / "pool")
            converters = self.pool.converter
        self.converters = converters
        routes = [
            Route("/", self.index),
            Route("/blank", self.blank),
            Route("/check", self.check, methods=["POST"]),
            Route("/desk", self.desk, methods=["GET", "POST"]),
            Route("/job/{job_id}", self.job_page),
            Route("/job/{job_id}/status", self.job_status),
            Route("/job/{job_id}/cancel", self.job_cancel, methods=["POST"]),
            Route("/job/{job_id}/delete", self.job_delete, methods=["POST"]),
            Route("/job/{job_id}/plan", self.job_plan, methods=["POST"]),
            Route("/job/{job_id}/file/{number:int}", self.job_file),
            Mount("/static", StaticFiles(packages=[("docgen.web", "static")]), name="static"),
        ]
        inner = Starlette(routes=routes, lifespan=self._lifespan,
                          exception_handlers={404: self._not_found, 405: self._not_found})
        self.app = Guard(inner, token=settings.token, max_mb=settings.max_upload_mb, page=self._message)

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await run_in_threadpool(self.close)

    def close(self) -> None:
        """Stop the jobs and the converters, delete every job's folder."""
        if self.pool is not None:
            self.pool.close()  # first: it waits for its conversions, then ends its idle offices
        self.jobs.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def _message(self, status: int, title: str, message: str) -> Response:
        return self._render("message.html", status, title=title, message=message)

    async def _not_found(self, request: Request, _exc: Exception) -> Response:
        found = re.match(r"/job/([^/]+)", request.url.path)
        reason = self.jobs.why_gone(found.group(1)) if found else None
        if reason is not None:
            return self._message(404, "Результаты удалены", f"Этой работы на сервере больше нет: {reason}. "
                                 "Загрузите книги ещё раз.")
        rule = f"они хранятся {_minutes(self.settings.retention_minutes)} после загрузки"
        if self.settings.grace_minutes < self.settings.retention_minutes:
            rule += f", а результаты проверки книг школы — {_minutes(self.settings.grace_minutes)} после первого " \
                    "скачивания"
        return self._message(404, "Страница не найдена", f"Такой страницы нет, или результаты уже удалены с сервера: "
                             f"{rule}. Загрузите книги ещё раз.")

    # --- pages --------------------------------------------------------------------------------------------------

    def _render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("retention", _minutes(self.settings.retention_minutes))
        context.setdefault("grace", _minutes(min(self.settings.grace_minutes, self.settings.retention_minutes)))
        context.setdefault("grace_shortens", self.settings.grace_minutes < self.settings.retention_minutes)
        context.setdefault("limits", self.settings.limits)
        context.setdefault("accept", ACCEPT)
        return HTMLResponse(_templates().get_template(name).render(**context), status_code=status)

    @staticmethod
    def _catalogue() -> list[dict[str, Any]]:
        profiles = []
        for key in available():
            try:
                profile = load_profile(key)
            except DocgenError:
                continue
            documents = [{"kind": kind, "name": PAPERS[kind].name} for kind in profile.documents
                         if kind in SPECS and kind in PAPERS]
            profiles.append({"key": key, "name": profile.name, "documents": documents})
        return profiles

    async def index(self, request: Request) -> Response:
        return self._render("index.html", profiles=self._catalogue(), default=DEFAULT_PROFILE)

    async def blank(self, request: Request) -> Response:
        profile_key = request.query_params.get("profile", DEFAULT_PROFILE)
        kind = request.query_params.get("kind", "zayavka")
        catalogue = {p["key"]: p for p in self._catalogue()}
        profile = catalogue.get(profile_key)
        if profile is None or kind not in {d["kind"] for d in profile["documents"]}:
            return self._message(400, "Нет такой книги",
                         "Для выбранного муниципалитета нет такого документа. Вернитесь на главную страницу и "
                         "выберите документ из списка.")

        site = str(request.base_url)

        def build() -> bytes:
            buffer = io.BytesIO()
            with LIBRARY:  # openpyxl and lxml, one thread at a time (see docgen.web.work)
                # the sheet «Инструкция» sends the school back here: this server's own address, never its token
                build_blank(SPECS[kind], profile_key, site=site, token=bool(self.settings.token)).save(buffer)
            return buffer.getvalue()

        data = await run_in_threadpool(build)
        name = f"{PAPERS[kind].name[:1].upper()}{PAPERS[kind].name[1:]} — книга для заполнения.xlsx"
        return Response(data, media_type=XLSX_MEDIA, headers={"content-disposition": content_disposition(name)})

    async def _upload(self, request: Request, kind: str) -> tuple[Job | None, Response | None]:
        limits = self.settings.limits
        try:
            async with request.form(max_files=limits.max_files + 20, max_fields=50) as form:
                uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
                options: dict[str, Any] = {key: form.get(key) == "on" for key in ("papers", "archive", "order")}
                options.update({key: str(form.get(key) or "").strip()[:300] for key in ("date", "title")})
                if not uploads:
                    chosen = "Выберите книги Excel (.xlsx, .xlsm, .xls), таблицы Calc (.ods) или архив .zip с ними."
                    return None, self._render("message.html", 400, title="Файлы не выбраны", message=chosen)
                job = self.jobs.create(kind)
                job.options = options
                inbox = job.folder / "книги"
                inbox.mkdir()
                try:
                    saved = await run_in_threadpool(
                        save_uploads, [(f.filename or "", f.file) for f in uploads], inbox, limits)
                except UploadRefused as exc:
                    self.jobs.delete(job)
                    return None, self._render("message.html", 400, title="Загрузка не принята", message=exc.message)
                except BaseException:
                    self.jobs.delete(job)
                    raise
        except HTTPException as exc:
            if exc.status_code == 400:
                return None, self._render(
                    "message.html", 400, title="Загрузка не принята",
                    message=f"Слишком много файлов за один раз: можно не больше {limits.max_files}.")
            raise
        except ClientDisconnect:
            return None, Response(status_code=400)
        job.notes = saved.notes
        job.labels = {path: label for label, path in saved.workbooks}
        return job, None

    async def check(self, request: Request) -> Response:
        job, refused = await self._upload(request, "check")
        if job is None:
            return refused or Response(status_code=400)
        books = list(self._books(job))
        self.jobs.submit(job, lambda j: run_check(j, books, self.converters))
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    async def desk(self, request: Request) -> Response:
        if request.method == "GET":
            return self._render("desk.html")
        job, refused = await self._upload(request, "desk")
        if job is None:
            return refused or Response(status_code=400)
        books = list(self._books(job))
        inbox = job.folder / "книги"
        self.jobs.submit(job, lambda j: run_desk(j, books, self.converters, inbox))
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    @staticmethod
    def _books(job: Job) -> list[tuple[str, Path]]:
        inbox = job.folder / "книги"
        return [(job.labels.get(p, p.name), p) for p in sorted(inbox.iterdir(), key=lambda p: p.stat().st_mtime_ns)]

    def _job(self, request: Request) -> Job:
        job = self.jobs.get(request.path_params["job_id"])
        if job is None:
            raise HTTPException(404)
        return job

    async def job_page(self, request: Request) -> Response:
        job = self._job(request)
        summary = job.result if isinstance(job.result, Summary) else None
        left = max(1, math.ceil((job.expires - time.time()) / 60))
        return self._render("job.html", job=job, state=job.status(), summary=summary, State=State,
                            minutes_left=left, shortened=self.jobs.shortened(job),
                            shortens=job.expires - time.time() > self.jobs.grace)

    async def job_status(self, request: Request) -> Response:
        return JSONResponse(self._job(request).status())

    async def job_cancel(self, request: Request) -> Response:
        job = self._job(request)
        job.cancel.set()
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    async def job_delete(self, request: Request) -> Response:
        job = self._job(request)
        self.jobs.delete(job)
        return self._render("message.html", title="Файлы удалены",
                            message="Загруженные книги и сделанные документы удалены с сервера.")

    async def job_plan(self, request: Request) -> Response:
        """Make a plan from a valid заявка of this job (`docgen plan`): a new job of its own, with its own page."""
        job = self._job(request)
        summary = job.result if isinstance(job.result, Summary) else None
        async with request.form(max_files=0, max_fields=5) as form:
            number, year = str(form.get("book") or ""), str(form.get("year") or "")
        book = next((b for b in summary.books if str(b.number) == number), None) if summary else None
        if (book is None or not book.path.is_file() or not year.isdigit()
                or int(year) not in {y for y, _ in book.plan_years}):
            return self._message(400, "Нет такого плана", "Для этой книги нет такого учебного года в дорожной карте.")
        made = self.jobs.create("check")
        made.options = {"plan_from": book.name}
        source = made.folder / "книги" / book.path.name
        source.parent.mkdir()
        shutil.copy2(book.path, source)
        self.jobs.submit(made, lambda j: run_plan(j, book.name, source, int(year), self.converters))
        return RedirectResponse(f"/job/{made.id}", status_code=303)

    async def job_file(self, request: Request) -> Response:
        job = self._job(request)
        number = request.path_params["number"]
        if not 0 <= number < len(job.downloads):
            raise HTTPException(404)
        item = job.downloads[number]
        if not item.path.is_file():
            raise HTTPException(404)
        self.jobs.downloaded(job)
        headers = {"content-disposition": content_disposition(item.name, inline=item.inline)}
        if item.inline:
            headers["content-security-policy"] = VIEW_CSP
            return FileResponse(item.path, media_type="text/html; charset=utf-8", headers=headers)
        return FileResponse(item.path, media_type=_media(item.path), headers=headers)


def _media(path: Path) -> str:
    return {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": XLSX_MEDIA,
        ".zip": "application/zip",
        ".html": "text/html; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
    }.get(path.suffix.lower(), "application/octet-stream")


def _minutes(value: float) -> str:
    minutes = round(value)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return "1 час" if hours == 1 else f"{hours} ч"
    return f"{minutes} мин"


def create_app(settings: Settings | None = None, converters: Converters | None = None) -> Server:
    """Make the server; `.app` is the ASGI application for uvicorn, `.close()` deletes every job's files."""
    return Server(settings or Settings(), converters)


__all__ = ["PdfConverter", "Server", "Settings", "content_disposition", "create_app"]
