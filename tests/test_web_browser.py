"""The web page in a real browser: Debian's chromium driven by Playwright against a live uvicorn.

A school uploads its workbook (the file button, and drag and drop), reads the problems table, downloads the marked
workbook and the papers; the test opens what the browser saved (cells' fill and comment, the PDF's text).  The fake
converter stands in for LibreOffice except in the end-to-end test marked `libreoffice`.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
import uvicorn

from docgen.web.app import Server, Settings, create_app
from tests.conftest import EXAMPLE, ROOT, FakeConverter, require

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
TUROCHAK = ROOT / "examples" / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx"
REPORT = ROOT / "examples" / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx"
PAPER = "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Live:
    """A uvicorn serving one docgen server in a thread."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.port = free_port()
        config = uvicorn.Config(server.app, host="127.0.0.1", port=self.port, access_log=False, log_level="warning",
                                lifespan="off")
        self.uvicorn = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.uvicorn.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Live:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.uvicorn.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(10)
        self.server.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        require("chromium")
    home = tmp_path_factory.mktemp("chromium-home")  # its NSS database (~/.pki) and caches, not the user's
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, env={**os.environ, "HOME": str(home)})
        yield launched
        launched.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Callable[..., Live]]:
    started: list[Live] = []

    def start(converter: object | None = None, **settings: object) -> Live:
        chosen = converter or FakeConverter()
        server = create_app(Settings(work_dir=tmp_path / "work", **settings),
                            converters=None if converter == "real" else
                            (lambda pdfa, cancelled: chosen))
        site = Live(server).__enter__()
        started.append(site)
        return site

    yield start
    for site in started:
        site.__exit__()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, locale="ru-RU")
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    opened.dialogs = dialogs
    yield opened
    context.close()


def broken_workbook(tmp_path: Path) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Заявка"]["B9"] = "почта"
    wb["Дорожная карта"]["D7"] = "<script>alert(1)</script>"
    wb["Дорожная карта"]["D8"] = "{{ 7*7 }}"
    path = tmp_path / "Заявка школы.xlsx"
    wb.save(path)
    return path


def download(page: object, link_text: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text, exact=True).click()
    saved = info.value
    target = folder / saved.suggested_filename  # the name the browser took from Content-Disposition
    saved.save_as(target)
    return target


def test_school_sees_every_problem_and_gets_the_marked_workbook(live: Callable[..., Live], page: object,
                                                                tmp_path: Path) -> None:
    site = live()
    page.goto(site.url + "/")
    page.set_input_files("#files", str(broken_workbook(tmp_path)))
    assert page.locator("[data-chosen] li .name").all_text_contents() == ["Заявка школы.xlsx"]
    page.get_by_role("button", name="Проверить и сделать документы").click()
    page.get_by_role("heading", name="Результат проверки").wait_for()
    assert "/job/" in page.url
    rows = page.locator("table.problems tbody tr")
    cells = [rows.nth(i).locator("td").all_text_contents() for i in range(rows.count())]
    assert [c[:5] for c in cells] == [
        ["ошибка", "Заявка", "9", "B «E-mail»", "почта"],
        ["ошибка", "Дорожная карта", "7", "D «Сроки проведения»", "<script>alert(1)</script>"],
        ["ошибка", "Дорожная карта", "8", "D «Сроки проведения»", "{{ 7*7 }}"],
    ]
    assert "ожидается адрес электронной почты" in cells[0][5]
    assert page.dialogs == []  # the script typed into a cell never ran
    assert "ошибок — 3" in page.locator(".verdict").inner_text()

    assert "после первого скачивания — через 10 мин" in page.locator("[data-retention]").inner_text()
    marked = download(page, "Книга с отмеченными ошибками: Заявка школы — замечания.xlsx", tmp_path / "saved")
    # the first download leaves 10 minutes for the rest: the page says so at once
    assert page.locator("[data-retention]").inner_text() == ("Первый файл скачан: остальные файлы будут удалены с "
                                                             "сервера через 10 мин. Скачайте сразу всё, что нужно.")
    assert marked.name == "Заявка школы — замечания.xlsx"
    wb = openpyxl.load_workbook(marked)
    assert wb.sheetnames[0] == "Замечания"
    for ref in ("D7", "D8"):
        cell = wb["Дорожная карта"][ref]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert cell.comment is not None and "ожидается срок" in cell.comment.text
    assert wb["Заявка"]["B9"].comment is not None

    draft = download(page, f"ПРОЕКТ — {PAPER}.docx", tmp_path / "saved")
    assert draft.name == f"ПРОЕКТ — {PAPER}.docx" and draft.stat().st_size > 0


def test_typed_values_are_never_broken_inside_a_date(live: Callable[..., Live], page: object, tmp_path: Path) -> None:
    """On a school's narrow window the «Введено» column keeps «31.02.2024» and an e-mail whole."""
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Дорожная карта"]["D7"] = "31.02.2024"
    wb["Заявка"]["B9"] = "zam-direktora.po-uvr(at)school56.example"
    path = tmp_path / "даты.xlsx"
    wb.save(path)
    site = live()
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(site.url + "/")
    page.set_input_files("#files", str(path))
    page.get_by_role("button", name="Проверить и сделать документы").click()
    page.get_by_role("heading", name="Результат проверки").wait_for()
    lines = page.evaluate("""() => [...document.querySelectorAll("table.problems td.value")].map(td => {
        const range = document.createRange(); range.selectNodeContents(td);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return [td.textContent, tops.size]; })""")
    shown = dict(lines)
    assert shown["31.02.2024"] == 1 and shown["zam-direktora.po-uvr(at)school56.example"] == 1


def dropped(page: object, paths: list[Path]) -> object:
    """Make the DataTransfer a drop of these files carries (same name, size and date: the same file)."""
    files = [{"name": path.name, "data": base64.b64encode(path.read_bytes()).decode()} for path in paths]
    return page.evaluate_handle(
        """files => { const dt = new DataTransfer();
            for (const f of files) {
              const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
              dt.items.add(new File([bytes], f.name, {lastModified: 1700000000000})); }
            return dt; }""", files)


def test_drag_and_drop_several_workbooks(live: Callable[..., Live], page: object, tmp_path: Path) -> None:
    site = live()
    page.goto(site.url + "/")
    transfer = dropped(page, [EXAMPLE, TUROCHAK])
    page.dispatch_event("[data-drop]", "drop", {"dataTransfer": transfer})
    assert page.locator("[data-chosen] li .name").all_text_contents() == [EXAMPLE.name, TUROCHAK.name]
    # a second drop adds to the first (the same file only once), and a file can be taken out again
    page.dispatch_event("[data-drop]", "drop", {"dataTransfer": dropped(page, [REPORT, EXAMPLE])})
    assert page.locator("[data-chosen] li .name").all_text_contents() == [EXAMPLE.name, TUROCHAK.name, REPORT.name]
    page.locator("[data-chosen] li").filter(has_text=REPORT.name).get_by_role("button", name="убрать").click()
    assert page.locator("[data-chosen] li .name").all_text_contents() == [EXAMPLE.name, TUROCHAK.name]
    assert page.evaluate("() => Array.from(document.querySelector('#files').files, f => f.name)") == [
        EXAMPLE.name, TUROCHAK.name]
    page.get_by_role("button", name="Проверить и сделать документы").click()
    page.get_by_role("heading", name="Результат проверки").wait_for()
    text = page.locator("main").inner_text()
    assert "Книг: 2; без ошибок: 2; с ошибками: 0." in text
    bundle = download(page, "Все документы одним архивом (.zip)", tmp_path / "saved")
    assert bundle.name == "Документы.zip"


def test_blank_workbook_for_the_chosen_municipality(live: Callable[..., Live], page: object, tmp_path: Path) -> None:
    site = live()
    page.goto(site.url + "/")
    page.select_option("[data-profile]", "turochak")
    offered = page.locator("[data-kind] option:not([disabled])").all_text_contents()
    assert "Отчёт по практике" in offered and "Отчёт стажировочной площадки" not in offered
    page.select_option("[data-kind]", "otchet_praktika")
    with page.expect_download() as info:
        page.get_by_role("button", name="Скачать книгу (.xlsx)").click()
    assert info.value.suggested_filename == "Отчёт по практике — книга для заполнения.xlsx"
    target = tmp_path / "blank.xlsx"
    info.value.save_as(target)
    assert "Отчёт по практике" in openpyxl.load_workbook(target).sheetnames


class GatedConverter(FakeConverter):
    """Hold the PDFs until the test lets them go, so the page is seen while the job runs."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def convert(self, sources, out_dir, progress=None):
        self.gate.wait(30)
        return super().convert(sources, out_dir, progress)


def test_desk_job_survives_a_reload_and_gives_the_registry(live: Callable[..., Live], page: object,
                                                           tmp_path: Path) -> None:
    gated = GatedConverter()
    site = live(gated)
    page.goto(site.url + "/desk")
    page.set_input_files("#files", [str(EXAMPLE), str(TUROCHAK)])
    page.get_by_role("button", name="Проверить и сделать реестр").click()
    page.get_by_role("heading", name="Идёт работа…").wait_for()
    job_url = page.url
    page.reload()
    assert page.url == job_url
    page.get_by_role("heading", name="Идёт работа…").wait_for()
    assert page.get_by_role("button", name="Отменить").is_visible()
    gated.gate.set()
    page.get_by_role("heading", name="Реестр и документы готовы").wait_for(timeout=30000)
    registry = download(page, "Реестр заявок (.xlsx)", tmp_path / "saved")
    cells = " ".join(str(c.value) for row in openpyxl.load_workbook(registry).active.iter_rows() for c in row)
    assert "гимназия № 56" in cells and "Артыбашская" in cells


@pytest.mark.libreoffice
def test_valid_workbook_comes_back_as_a_pdf_a_clerk_would_sign(live: Callable[..., Live], page: object,
                                                               tmp_path: Path) -> None:
    require("soffice", "pdftotext")
    site = live("real")
    site.server.jobs.sweep()  # the sweeper runs every half minute: it must not touch the LibreOffice pool
    page.goto(site.url + "/")
    page.set_input_files("#files", str(EXAMPLE))
    page.get_by_role("button", name="Проверить и сделать документы").click()
    page.get_by_role("heading", name="Результат проверки").wait_for(timeout=120000)
    assert "ошибок нет" in page.locator(".verdict").inner_text()
    pdf = download(page, f"{PAPER}.pdf", tmp_path / "saved")
    assert pdf.name == f"{PAPER}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "гимназия" in text and "56" in text and "Пустоваловой" in text
    word = download(page, f"{PAPER}.docx", tmp_path / "saved")
    assert word.read_bytes().startswith(b"PK")
    site.__exit__()
    leftovers = subprocess.run(["pgrep", "-f", str(site.server.root)], check=False, capture_output=True,
                               text=True).stdout
    assert leftovers == ""  # no soffice of this server survives it
    assert not site.server.root.exists()
