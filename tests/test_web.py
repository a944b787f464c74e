"""The web page over plain HTTP (Starlette's TestClient): every route, the limits, the token, escaping, names."""

from __future__ import annotations

import io
import logging
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from starlette.testclient import TestClient

from docgen.web.app import Server, Settings, content_disposition, create_app
from docgen.web.uploads import leaf_name
from tests.conftest import EXAMPLE, ROOT, FakeConverter, flat, with_ctrl_c

REPORT = ROOT / "examples" / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx"
TUROCHAK = ROOT / "examples" / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx"
PAPER = "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., tuple[Server, TestClient]]]:
    made: list[Server] = []

    def make(converter: object | None = None, **settings: object) -> tuple[Server, TestClient]:
        chosen = converter or FakeConverter()
        server = create_app(Settings(work_dir=tmp_path / "work", **settings),
                            converters=lambda pdfa, cancelled: chosen)
        made.append(server)
        return server, TestClient(server.app)

    yield make
    for server in made:
        server.close()


@pytest.fixture
def client(make_server: Callable[..., tuple[Server, TestClient]]) -> TestClient:
    return make_server()[1]


def wait(client: TestClient, location: str) -> dict[str, object]:
    """Wait for the job's state, not for a time: the bound is only there so a broken job cannot hang the run."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status: dict[str, object] = client.get(f"{location}/status").json()
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def upload(client: TestClient, files: Sequence[tuple[str, bytes]], url: str = "/check",
           data: dict[str, str] | None = None) -> str:
    response = client.post(url, files=[("files", (name, blob)) for name, blob in files], data=data or {},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert re.fullmatch(r"/job/[A-Za-z0-9_-]{20,40}", location)
    wait(client, location)
    return location


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def downloads(html: str) -> dict[str, str]:
    """Map each download link's text to its URL."""
    links = re.findall(r'<a href="(/job/[^"]+/file/\d+)"[^>]*>(.*?)</a>', html)
    return {text_of(label).strip(): href for href, label in links}


def edited(tmp_path: Path, changes: dict[tuple[str, str], object], name: str = "заявка.xlsx") -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    path = tmp_path / name
    wb.save(path)
    return path


# --- pages -----------------------------------------------------------------------------------------------------


def test_start_page_offers_profiles_documents_and_three_steps(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Как это работает" in text
    assert text.count("Скачайте книгу") == 1 and "Заполните её в Excel" in text and "Загрузите книгу сюда" in text
    assert '<option value="tomsk" selected>' in page.text and '<option value="turochak"' in page.text
    assert 'value="otchet_praktika" data-profile="turochak"' in page.text
    # every asset comes from this server: no CDN, no internet
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


def test_desk_page(client: TestClient) -> None:
    page = client.get("/desk")
    assert page.status_code == 200
    assert "Рабочее место методиста" in page.text and 'name="archive"' in page.text


def test_unknown_page_is_russian_404(client: TestClient) -> None:
    for url in ("/nothing", "/job/" + "a" * 32, "/job/../../etc", "/job/" + "a" * 32 + "/file/0"):
        page = client.get(url)
        assert page.status_code == 404
        assert "Страница не найдена" in page.text


def test_blank_workbook_download(client: TestClient) -> None:
    response = client.get("/blank", params={"profile": "turochak", "kind": "zayavka"})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Zayavka kniga dlya zapolneniya.xlsx"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''")[1]) == "Заявка — книга для заполнения.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Заявка" in wb.sheetnames and "Показатели" in wb.sheetnames  # Turochak's заявка has its indicators
    refused = client.get("/blank", params={"profile": "turochak", "kind": "otchet"})  # Tomsk's report only
    assert refused.status_code == 400 and "нет такого документа" in refused.text


def _instructions(blob: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(blob))["Инструкция"]
    return [str(c.value) for (c,) in sheet.iter_rows(max_col=1) if c.value]


def test_a_blank_from_the_page_sends_the_school_back_to_this_page(
        make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    """The «Инструкция» sheet names this server's address (the school has no terminal); never the access key."""
    client = make_server()[1]
    lines = _instructions(client.get("/blank", params={"profile": "tomsk", "kind": "zayavka"}).content)
    web = next(i for i, line in enumerate(lines) if "на сайте docgen" in line)
    assert lines[web].startswith("4. Проверьте книгу и получите документы на сайте docgen: http://testserver/. "
                                 "Откройте сайт в браузере")
    assert "«Проверить и сделать документы»" in lines[web]  # the page's own button
    assert lines[web + 1].startswith("5. Второй способ — командная строка")
    assert not any("docgen check" in line for line in lines[:web])  # the terminal is not the first way in
    token = "k" * 24
    keyed = make_server(token=token)[1]
    blob = keyed.get("/blank", params={"profile": "tomsk", "kind": "otchet"},
                     headers={"Authorization": f"Bearer {token}"}).content
    lines = _instructions(blob)
    assert any(line.startswith("5. Проверьте книгу и получите документы на сайте docgen: http://testserver/ (сайт "
                               "открывается по ссылке с ключом доступа — её присылает методист).") for line in lines)
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert not any(token.encode() in zf.read(name) for name in zf.namelist())


def test_content_disposition_is_rfc5987_with_ascii_fallback() -> None:
    header = content_disposition("Заявка «Школа» № 5; 100 %.pdf")
    fallback = re.match(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S+)$', header)
    assert fallback is not None
    assert fallback.group(1).isascii() and fallback.group(1).endswith(".pdf") and '"' not in fallback.group(1)
    assert unquote(fallback.group(2)) == "Заявка «Школа» № 5; 100 %.pdf"
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", fallback.group(2))  # nothing a header parser could misread
    assert content_disposition("отчёт.html", inline=True).startswith("inline; ")


# --- a school checks its workbook --------------------------------------------------------------------------------


def test_valid_workbook_gives_docx_and_pdf(client: TestClient) -> None:
    location = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())])
    page = client.get(location)
    text = text_of(page.text)
    assert "Книг: 1; без ошибок: 1; с ошибками: 0." in text
    assert "ошибок нет" in text
    links = downloads(page.text)
    assert set(links) == {f"{PAPER}.docx", f"{PAPER}.pdf"}
    word = client.get(links[f"{PAPER}.docx"])
    assert unquote(word.headers["content-disposition"].split("UTF-8''")[1]) == f"{PAPER}.docx"
    body = "\n".join(flat(p.text) for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "гимназия № 56" in body
    pdf = client.get(links[f"{PAPER}.pdf"])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_problems_table_shows_every_problem_escaped(client: TestClient, tmp_path: Path) -> None:
    path = edited(tmp_path, {("Заявка", "B9"): "почта", ("Дорожная карта", "D7"): "<script>alert(1)</script>",
                             ("Дорожная карта", "D8"): "{{ 7*7 }}"})
    location = upload(client, [(path.name, path.read_bytes())])
    page = client.get(location).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in text_of(page) and ">49<" not in page and "49" not in text_of(page)
    rows = re.findall(r'<tr class="error">(.*?)</tr>', page, re.S)
    cells = [[text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
    assert len(cells) == 3
    assert cells[0][:5] == ["ошибка", "Заявка", "9", "B «E-mail»", "почта"]
    # the value is in its own column: the explanation does not repeat «введено «почта»»
    assert cells[0][5] == "ожидается адрес электронной почты, например name@school.ru"
    assert cells[1][:5] == ["ошибка", "Дорожная карта", "7", "D «Сроки проведения»",
                            "&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert "ожидается срок" in cells[1][5]
    assert cells[2][:5] == ["ошибка", "Дорожная карта", "8", "D «Сроки проведения»", "{{ 7*7 }}"]
    assert "ошибок — 3" in text_of(page)
    links = downloads(page)
    # no papers while errors remain: the workbook back with its cells marked, and a draft marked «ПРОЕКТ»
    assert set(links) == {"Книга с отмеченными ошибками: заявка — замечания.xlsx", f"ПРОЕКТ — {PAPER}.docx",
                          f"ПРОЕКТ — {PAPER}.pdf"}
    marked = client.get(links["Книга с отмеченными ошибками: заявка — замечания.xlsx"])
    assert unquote(marked.headers["content-disposition"].split("UTF-8''")[1]) == "заявка — замечания.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(marked.content))
    assert wb.sheetnames[0] == "Замечания"
    cell = wb["Дорожная карта"]["D7"]
    assert cell.value == "<script>alert(1)</script>" and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert cell.comment is not None and "ожидается срок" in cell.comment.text
    draft = client.get(links[f"ПРОЕКТ — {PAPER}.docx"])
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(draft.content)).paragraphs)
    assert "Дорожная карта», строка 8, столбец D" in body  # the open problems are listed after the text
    parts = zipfile.ZipFile(io.BytesIO(draft.content))
    assert any("ПРОЕКТ" in parts.read(n).decode() for n in parts.namelist() if n.startswith("word/header"))


def test_unreadable_file_is_one_russian_line(client: TestClient) -> None:
    location = upload(client, [("заявка.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
                               (EXAMPLE.name, EXAMPLE.read_bytes())])
    text = text_of(client.get(location).text)
    assert "заявка.xls файл не читается" in text
    assert "файл повреждён, его не удалось прочитать (устройство файла нарушено)" in text
    assert "Книг: 2; без ошибок: 1; с ошибками: 1." in text


def test_zip_of_workbooks_with_windows_names(client: TestClient) -> None:
    buffer = io.BytesIO()
    windows_name = "папка/Заявка 56.xlsx".encode("cp866")
    placeholder = b"p" * len(windows_name)
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(placeholder.decode(), EXAMPLE.read_bytes())
        zf.writestr("папка/Отчет.xlsx", REPORT.read_bytes())
        zf.writestr("папка/readme.txt", b"hello")
        zf.writestr("__MACOSX/папка/._Заявка.xlsx", b"junk")
    # a zip made by Windows' «Send to compressed folder» on a Russian system: cp866 names, no UTF-8 flag
    blob = buffer.getvalue().replace(placeholder, windows_name)
    location = upload(client, [("заявки.zip", blob)])
    page = client.get(location).text
    text = text_of(page)
    assert "Заявка 56.xlsx" in text and "Отчет.xlsx" in text
    assert ("файл «readme.txt» — не книга Excel (.xlsx, .xlsm, .xls), не таблица Calc (.ods) и не архив .zip, "
            "пропущен") in text
    assert "Книг: 2; без ошибок: 2" in text
    # the report's deadline is counted from today, as `docgen check` counts it: long past for the example
    assert "срок сдачи отчёта прошёл 14.01.2024: просрочено на" in text
    late = next(row for row in re.findall(r'<tr class="warning">(.*?)</tr>', page, re.S) if "просрочено" in row)
    assert [text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", late, re.S)][3:5] == [
        "B «Окончание срока деятельности»", "31.12.2023"]  # the date typed, not «—» as if the cell were empty
    links = downloads(page)
    assert "Книга с отмеченными предупреждениями: Отчет — замечания.xlsx" in links  # the late date's cell marked
    assert len(links) == 6  # two papers in two formats, all of them in one .zip, the report's marked copy
    bundle = client.get(downloads(page)["Все документы одним архивом (.zip)"])
    assert len(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()) == 4


def _unflagged(names: dict[str, bytes], blobs: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """Write a zip whose members' names are the given bytes with the UTF-8 flag cleared (as Info-ZIP on Linux does)."""
    buffer = io.BytesIO()
    placeholders = {}
    with zipfile.ZipFile(buffer, "w") as zf:
        for i, (key, raw) in enumerate(names.items()):
            placeholder = (f"{i:02d}" + "p" * len(raw))[:len(raw)]
            placeholders[placeholder.encode()] = raw
            info = zipfile.ZipInfo(placeholder)
            info.extra = (extra or {}).get(key, b"")
            zf.writestr(info, blobs[key])
    blob = buffer.getvalue()
    for placeholder, raw in placeholders.items():
        blob = blob.replace(placeholder, raw)
    return blob


def test_zip_names_in_utf8_without_the_flag_and_the_unicode_path_field(client: TestClient) -> None:
    """Info-ZIP on Debian writes UTF-8 names without the flag; read as cp866 they became «╨Ч╨░╤П╨▓╨║╨░»."""
    import struct
    import zlib

    latin = b"Zayavka 99.xlsx"  # what an old archiver put in the header, with the real name in the 0x7075 field
    real = "Школа 99 — заявка.xlsx".encode()
    field = struct.pack("<HHB", 0x7075, 5 + len(real), 1) + struct.pack("<I", zlib.crc32(latin)) + real
    blob = _unflagged({"utf8": "Заявка МАОУ гимназия № 56.xlsx".encode(), "dos": "Отчёт 19.xlsx".encode("cp866"),
                       "field": latin},
                      {"utf8": EXAMPLE.read_bytes(), "dos": REPORT.read_bytes(), "field": TUROCHAK.read_bytes()},
                      {"field": field})
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert not any(info.flag_bits & 0x800 for info in zf.infolist())
    page = client.get(upload(client, [("заявки.zip", blob)])).text
    names = [text_of(n).strip() for n in re.findall(r'<span class="file">(.*?)</span>', page, re.S)]
    assert sorted(names) == ["Заявка МАОУ гимназия № 56.xlsx", "Отчёт 19.xlsx", "Школа 99 — заявка.xlsx"]
    assert "╨" not in page


HABITS = ROOT / "examples" / "tomsk" / "Заявка МБОУ СОШ № 7 (заполнена как обычно).xlsx"


def test_two_valid_workbooks_of_one_school_both_get_their_papers(client: TestClient, tmp_path: Path) -> None:
    """An old and a corrected copy uploaded together: both made, the second «… (2)»; no server path, no job id."""
    old = edited(tmp_path, {("Заявка", "B11"): "Тема первой копии"}, "ok1.xlsx")
    new = edited(tmp_path, {("Заявка", "B11"): "Тема второй копии"}, "ok2.xlsx")
    location = upload(client, [(old.name, old.read_bytes()), (new.name, new.read_bytes())])
    page = client.get(location).text
    text = text_of(page)
    assert "Книг: 2; без ошибок: 2" in text
    assert set(downloads(page)) == {f"{PAPER}.docx", f"{PAPER}.pdf", f"{PAPER} (2).docx", f"{PAPER} (2).pdf",
                                    "Все документы одним архивом (.zip)"}
    assert (f"Та же организация и тот же документ, что в книге «ok1.xlsx»: документы этой книги названы «{PAPER} "
            "(2)», чтобы их не спутать.") in text
    second = client.get(downloads(page)[f"{PAPER} (2).docx"])
    assert "Тема второй копии" in "\n".join(flat(p.text) for p in docx.Document(io.BytesIO(second.content)).paragraphs)
    assert "docgen-serve" not in page and "/tmp" not in page and location.rsplit("/", 1)[1] not in text
    assert "документ не сделан" not in text


def test_two_broken_copies_of_one_school_both_get_drafts_and_marked_copies(client: TestClient,
                                                                        tmp_path: Path) -> None:
    """«Заявка v1» and «Заявка v2» with errors; «bad.xlsx» and «bad.xlsm» share a stem: every one is marked."""
    first = edited(tmp_path, {("Заявка", "B9"): "почта"}, "Заявка v1.xlsx")
    second = edited(tmp_path, {("Заявка", "B9"): "почта2"}, "Заявка v2.xlsx")
    third = edited(tmp_path, {("Заявка", "B9"): "почта3"}, "bad.xlsx")
    fourth = edited(tmp_path, {("Заявка", "B9"): "почта4"}, "bad.xlsm")
    location = upload(client, [(p.name, p.read_bytes()) for p in (first, second, third, fourth)])
    page = client.get(location).text
    text = text_of(page)
    assert "слишком повреждена" not in text and "Проект не сделан" not in text
    links = downloads(page)
    assert {f"ПРОЕКТ — {PAPER}.pdf", f"ПРОЕКТ — {PAPER} (2).pdf", f"ПРОЕКТ — {PAPER} (3).pdf",
            f"ПРОЕКТ — {PAPER} (4).pdf"} <= set(links)
    marked = {name for name in links if name.startswith("Книга с отмеченными ошибками")}
    assert marked == {"Книга с отмеченными ошибками: Заявка v1 — замечания.xlsx",
                      "Книга с отмеченными ошибками: Заявка v2 — замечания.xlsx",
                      "Книга с отмеченными ошибками: bad — замечания.xlsx",
                      "Книга с отмеченными ошибками: bad (2) — замечания.xlsx"}
    copy = openpyxl.load_workbook(io.BytesIO(client.get(links["Книга с отмеченными ошибками: bad (2) — замечания.xlsx"]
                                                        ).content))
    assert copy["Заявка"]["B9"].value == "почта4"


def test_the_same_file_chosen_twice_is_checked_once(client: TestClient) -> None:
    location = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes()), (EXAMPLE.name, EXAMPLE.read_bytes())])
    page = client.get(location).text
    text = text_of(page)
    assert f"Файл «{EXAMPLE.name}» выбран дважды: проверен один раз" in text
    assert "Книг: 1; без ошибок: 1" in text and set(downloads(page)) == {f"{PAPER}.docx", f"{PAPER}.pdf"}


def test_automatic_fixes_show_what_was_typed_and_mark_nothing(client: TestClient) -> None:
    """Only «сведения»: «ошибок нет», no «книга с отмеченными ошибками», and «Введено» is what the school typed."""
    page = client.get(upload(client, [(HABITS.name, HABITS.read_bytes())])).text
    rows = re.findall(r'<tr class="info">(.*?)</tr>', page, re.S)
    cells = [[text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
    assert ["сведения", "Заявка", "5", "B «Должность руководителя»", "Директор"] in [c[:5] for c in cells]
    assert all(c[4] != "—" for c in cells)
    assert "ошибок нет" in text_of(page)
    assert not any("замечания" in name for name in downloads(page))


def test_folders_in_a_zip_tell_two_zayavki_apart(client: TestClient, tmp_path: Path) -> None:
    """«Школа 56/Заявка.xlsx» and «Школа 99/Заявка.xlsx»: shown with their folders, stored under names that differ."""
    broken = edited(tmp_path, {("Заявка", "B9"): "почта"})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:  # a zipped folder «заявки»: the folder every member shares
        zf.writestr("заявки/Школа 56/Заявка.xlsx", EXAMPLE.read_bytes())
        zf.writestr("заявки/Школа 99/Заявка.xlsx", broken.read_bytes())
        zf.writestr("заявки/Школа 7/Отчёт.xlsx", REPORT.read_bytes())
        zf.writestr("заявки/../../Школа 1/Заявка.xlsx", TUROCHAK.read_bytes())
    location = upload(client, [("заявки.zip", buffer.getvalue())], url="/desk")
    page = client.get(location).text
    names = [text_of(n).strip() for n in re.findall(r'<span class="file">(.*?)</span>', page, re.S)]
    assert sorted(names) == ["Школа 1/Заявка.xlsx", "Школа 56/Заявка.xlsx", "Школа 7/Отчёт.xlsx",
                             "Школа 99/Заявка.xlsx"]
    links = downloads(page)
    marked = zipfile.ZipFile(io.BytesIO(client.get(links["Все книги с отмеченными ошибками (.zip)"]).content))
    assert marked.namelist() == ["Заявка (Школа 99) — замечания.xlsx"]
    calls = openpyxl.load_workbook(io.BytesIO(client.get(links["Кому перезвонить (.xlsx)"]).content)).active
    assert "Заявка (Школа 99).xlsx" in [str(c.value) for row in calls.iter_rows() for c in row]


def test_a_valid_zayavka_gives_its_plan_for_a_year_of_the_roadmap(client: TestClient) -> None:
    """`docgen plan` on the page: the school picks a year of its roadmap and gets «План … на 2024–2025 учебный год»."""
    page = client.get(upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())])).text
    years = re.findall(r'<option value="(\d{4})">([^<]+)</option>', page)
    assert [words for _year, words in years] == ["2023–2024 учебный год", "2024–2025 учебный год",
                                                "2025–2026 учебный год"]
    job = re.search(r'action="(/job/[^"]+)/plan"', page)
    assert job is not None
    response = client.post(f"{job.group(1)}/plan", data={"book": "1", "year": "2024"}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    wait(client, location)
    plan = client.get(location).text
    assert "План из дорожной карты" in text_of(plan) and "Книг:" not in text_of(plan)
    links = downloads(plan)
    word = next(name for name in links if name.endswith(".docx"))
    assert "2024–2025" in word and word.startswith("План")
    body = "\n".join(flat(p.text) for p in docx.Document(io.BytesIO(client.get(links[word]).content)).paragraphs)
    assert "2024–2025" in body and "гимназия № 56" in body
    refused = client.post(f"{job.group(1)}/plan", data={"book": "1", "year": "2031"})
    assert refused.status_code == 400 and "нет такого учебного года" in refused.text


def test_many_schools_at_once(client: TestClient) -> None:
    """Jobs run side by side (the library one at a time, conversions in parallel); every one ends with its papers."""
    locations = []
    for i in range(6):
        books = (EXAMPLE, REPORT, TUROCHAK)
        response = client.post("/check", files=[("files", (f"{i}-{j}.xlsx", books[j].read_bytes())) for j in range(3)],
                               follow_redirects=False)
        locations.append(response.headers["location"])
    for location in locations:
        assert wait(client, location)["state"] == "done"
        assert "Книг: 3; без ошибок: 3" in text_of(client.get(location).text)


def test_uploaded_names_never_become_paths(make_server: Callable[..., tuple[Server, TestClient]],
                                           tmp_path: Path) -> None:
    server, client = make_server()
    location = upload(client, [("../../../escaped.xlsx", EXAMPLE.read_bytes()),
                               ("..\\..\\win.xlsx", REPORT.read_bytes()),
                               ("a/b/escaped.xlsx", TUROCHAK.read_bytes())])
    assert all(found.is_relative_to(server.jobs.root) for found in tmp_path.rglob("*.xlsx"))
    stored = sorted(p.name for p in (server.jobs.root / location.rsplit("/", 1)[1] / "книги").iterdir())
    assert stored == ["escaped (2).xlsx", "escaped.xlsx", "win.xlsx"]
    assert not (tmp_path / "escaped.xlsx").exists() and not (tmp_path.parent / "escaped.xlsx").exists()
    assert leaf_name("C:\\Users\\Зам\\Заявка<1>.xlsx") == "Заявка1.xlsx"
    assert leaf_name("..") == "документ"


def test_count_limit_is_russian(make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    _server, client = make_server(max_files=2)
    books = (EXAMPLE, REPORT, TUROCHAK)
    response = client.post("/check", files=[("files", (f"{i}.xlsx", books[i].read_bytes())) for i in range(3)])
    assert response.status_code == 400
    assert "Слишком много книг за один раз: можно не больше 2" in response.text


def test_size_limit_is_russian(make_server: Callable[..., tuple[Server, TestClient]],
                               tmp_path: Path) -> None:
    server, client = make_server(max_upload_mb=1)
    big = b"x" * (3 * 1024 * 1024)
    response = client.post("/check", files=[("files", ("большая.xlsx", big))])
    assert response.status_code == 413
    assert "не больше 1 МБ" in response.text
    # a body sent without a length (chunked) is counted as it streams in
    def chunks() -> Iterator[bytes]:
        yield b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.xlsx\"\r\n\r\n"
        for _ in range(30):
            yield b"y" * 100_000
    streamed = client.post("/check", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert streamed.status_code == 413
    assert not any(server.jobs.root.iterdir())  # nothing was kept of either


def test_nothing_chosen_or_nothing_usable(client: TestClient) -> None:
    assert "Выберите книги Excel" in client.post("/check", data={"x": "1"}).text
    refused = client.post("/check", files=[("files", ("заявка.docx", b"PK")), ("files", ("книга.xlsb", b"PK")),
                                           ("files", ("фото.jpg", b"x"))])
    assert refused.status_code == 400
    text = text_of(refused.text)
    assert ("Не загружено ни одной книги Excel или Calc. Файл «заявка.docx»: это документ Word, а нужна книга "
            "Excel, из которой он сделан (.xlsx, .xlsm, .xls или .ods), пропущен") in text
    assert "Файл «книга.xlsb»: формат .xlsb (двоичная книга Excel) не читается; сохраните книгу в Excel как" in text
    assert ("Файл «фото.jpg»: не книга Excel (.xlsx, .xlsm, .xls), не таблица Calc (.ods) и не архив .zip, "
            "пропущен") in text


def test_the_file_chooser_offers_every_format_the_reader_takes(client: TestClient) -> None:
    """A Windows «Открыть» dialog lists only the accepted kinds: .xlsm from МойОфис and .ods from Calc among them."""
    from docgen.loader import WORKBOOK_SUFFIXES

    for url in ("/", "/desk"):
        accept = re.search(r'<input type="file"[^>]* accept="([^"]+)"', client.get(url).text)
        assert accept is not None
        offered = accept.group(1).split(",")
        assert {".xlsx", ".xlsm", ".xls", ".ods", ".zip"} <= set(offered)
        assert set(WORKBOOK_SUFFIXES) <= set(offered) and ".xlsb" not in offered


# --- access -----------------------------------------------------------------------------------------------------


def test_token_is_required_when_set(make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    token = "k" * 24
    _server, client = make_server(token=token)
    refused = client.get("/")
    assert refused.status_code == 401 and "только по ссылке с ключом доступа" in refused.text
    assert client.get("/?token=wrong").status_code == 401
    assert client.post("/check", files=[("files", ("a.xlsx", b"x"))]).status_code == 401
    assert client.get("/static/app.css").status_code == 200  # the 401 page needs its stylesheet
    assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    entered = client.get(f"/desk?token={token}", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/desk"  # the token leaves the URL
    cookie = entered.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    client.cookies.set("docgen_token", token)
    assert client.get("/desk").status_code == 200


def test_cli_refuses_open_host_without_token_or_flag() -> None:
    from tests.conftest import run

    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "--token" in result.output and "--open" in result.output
    short = run("serve", "--host", "0.0.0.0", "--token", "123")
    assert short.exit_code == 2 and "не короче 16 символов" in short.output


def test_a_server_on_every_address_prints_links_a_school_can_open() -> None:
    """«--host 0.0.0.0» printed «http://0.0.0.0:8000/…», which opens on no school's computer."""
    import socket

    from docgen.cli import site_links

    links = site_links("0.0.0.0", 8000, "k" * 20)
    assert links and not any("0.0.0.0" in link or "127." in link or "localhost" in link for link in links)
    assert all(link.startswith("http://") and link.endswith(":8000/?token=" + "k" * 20) for link in links)
    assert any(socket.gethostname() in link for link in links) or links == [
        f"http://АДРЕС-СЕРВЕРА:8000/?token={'k' * 20}"]
    assert site_links("127.0.0.1", 8000, None) == ["http://127.0.0.1:8000/"]
    assert site_links("::1", 8000, None) == ["http://[::1]:8000/"]


# --- jobs: lifetime, cancel, delete, logs -----------------------------------------------------------------------


def test_delete_and_retention_remove_the_files(make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    server, client = make_server()
    first = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())])
    second = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())])
    folders = {p.name for p in server.jobs.root.iterdir()}
    assert {first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]} <= folders
    gone = client.post(f"{first}/delete")
    assert "удалены с сервера" in gone.text
    assert client.get(first).status_code == 404
    assert not (server.jobs.root / first.rsplit("/", 1)[1]).exists()
    # a download shortens the job's life to the grace period
    job = server.jobs.get(second.rsplit("/", 1)[1])
    assert job is not None
    client.get(downloads(client.get(second).text)[f"{PAPER}.pdf"])
    assert job.expires <= time.time() + server.jobs.grace + 1
    server.jobs.sweep(now=time.time() + server.jobs.retention + 1)
    assert client.get(second).status_code == 404
    assert not any(server.jobs.root.iterdir())


def test_the_pages_say_truly_when_the_files_go(make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    """1 hour after the upload; a school's job 10 minutes after its first download; a desk job keeps its hour."""
    server, client = make_server()
    school = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())])
    before = text_of(client.get(school).text)
    assert ("Файлы будут удалены с сервера через 60 мин, а после первого скачивания — через 10 мин: скачайте сразу "
            "всё, что нужно.") in before
    client.get(downloads(client.get(school).text)[f"{PAPER}.pdf"])
    after = text_of(client.get(school).text)
    assert "Файлы будут удалены с сервера через 10 мин — через 10 мин после первого скачивания." in after
    desk = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())], url="/desk")
    client.get(downloads(client.get(desk).text)["Реестр заявок (.xlsx)"])
    assert ("через 60 мин (1 час после загрузки; скачивание этот срок не сокращает)"
            in text_of(client.get(desk).text))
    deleted = upload(client, [(REPORT.name, REPORT.read_bytes())])
    client.post(f"{deleted}/delete")
    server.jobs.sweep(now=time.time() + server.jobs.grace + 1)
    gone = text_of(re.findall(r'<p class="lead">(.*?)</p>', client.get(school).text, re.S)[0])
    assert gone.startswith("Этой работы на сервере больше нет: результаты удалены через 10 мин после первого "
                           "скачивания")
    assert "1 час" not in gone
    assert client.get(desk).status_code == 200  # its hour is not over
    assert "удалены по кнопке «Удалить мои файлы сейчас»" in text_of(client.get(deleted).text)
    server.jobs.sweep(now=time.time() + server.jobs.retention + 1)
    assert "результаты хранятся 1 час после загрузки, этот срок прошёл" in text_of(client.get(desk).text)
    unknown = text_of(client.get("/job/" + "b" * 32).text)
    assert ("они хранятся 1 час после загрузки, а результаты проверки книг школы — 10 мин после первого скачивания"
            in unknown)
    # kept 5 minutes in all: a download cannot shorten that, and no page says it would
    _short, quick = make_server(retention_minutes=5)
    page = text_of(quick.get(upload(quick, [(EXAMPLE.name, EXAMPLE.read_bytes())])).text)
    assert "Файлы будут удалены с сервера через 5 мин." in page and "после первого скачивания" not in page
    assert "они хранятся 5 мин после загрузки. Загрузите" in text_of(quick.get("/job/" + "c" * 32).text)


def test_the_sweeper_leaves_the_libreoffice_pool_alone(tmp_path: Path) -> None:
    server = create_app(Settings(work_dir=tmp_path / "work"))  # the real pool, not started until a PDF is asked for
    try:
        workspace = server.pool.workspace
        workspace.mkdir(parents=True)
        (workspace / "slot0").mkdir()
        assert server.jobs.sweep() == 0
        assert (workspace / "slot0").is_dir()
    finally:
        server.close()
    assert not server.root.exists()


class SlowConverter(FakeConverter):
    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def convert(self, sources: Sequence[Path], out_dir: Path,
                progress: Callable[[Path, str | None], None] | None = None) -> dict[Path, str | None]:
        self.entered.set()
        self.release.wait(10)
        return super().convert(sources, out_dir, progress)


def test_progress_names_the_stage_and_never_goes_back(make_server: Callable[..., tuple[Server, TestClient]]
                                                     ) -> None:
    """«Этап 2 из 6. Реестр заявок: 0 из 1» and one bar for the whole work, not one restarting at every stage."""
    slow = SlowConverter()
    _server, client = make_server(slow)
    response = client.post("/desk", files=[("files", (EXAMPLE.name, EXAMPLE.read_bytes()))],
                           data={"papers": "on", "archive": "on"}, follow_redirects=False)
    location = response.headers["location"]
    assert slow.entered.wait(30)  # the registry's PDF: the second stage of six (papers and archive: .docx, PDF)
    status = client.get(f"{location}/status").json()
    assert (status["stage"], status["stages"], status["phase"]) == (2, 6, "Реестр заявок")
    assert 1 / 6 - 0.01 <= status["overall"] < 2 / 6
    assert "Этап 2 из 6. Реестр заявок: 0 из 1" in text_of(client.get(location).text)
    slow.release.set()
    seen = [status["overall"]]
    while status["state"] in ("queued", "running"):
        status = client.get(f"{location}/status").json()
        seen.append(status["overall"])
        time.sleep(0.02)
    assert status["state"] == "done" and seen == sorted(seen) and seen[-1] == 1.0


def test_cancel_stops_the_job(make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    slow = SlowConverter()
    _server, client = make_server(slow)
    response = client.post("/check", files=[("files", (EXAMPLE.name, EXAMPLE.read_bytes()))], follow_redirects=False)
    location = response.headers["location"]
    assert slow.entered.wait(10)
    running = client.get(location)
    assert "Идёт работа" in running.text and "Отменить" in running.text
    assert client.get(f"{location}/status").json()["state"] == "running"
    client.post(f"{location}/cancel")
    slow.release.set()
    assert wait(client, location)["state"] == "cancelled"
    assert "Работа остановлена" in client.get(location).text


def test_an_abandoned_school_job_is_dropped(make_server: Callable[..., tuple[Server, TestClient]]) -> None:
    slow = SlowConverter()
    server, client = make_server(slow)
    response = client.post("/check", files=[("files", (EXAMPLE.name, EXAMPLE.read_bytes()))], follow_redirects=False)
    job_id = response.headers["location"].rsplit("/", 1)[1]
    assert slow.entered.wait(10)
    job = server.jobs.jobs[job_id]
    server.jobs.sweep(now=time.time() + server.jobs.abandon / 2)
    assert not job.cancel.is_set()  # followed recently enough
    server.jobs.sweep(now=time.time() + server.jobs.abandon + 1)  # nobody asked for its page since
    assert job.cancel.is_set()
    slow.release.set()
    for _ in range(200):
        if job.finished:
            break
        time.sleep(0.05)
    assert job.state.value == "cancelled"
    server.jobs.sweep(now=time.time() + server.jobs.abandon + 2)
    assert not (server.jobs.root / job_id).exists()
    assert client.get(f"/job/{job_id}").status_code == 404


def test_no_personal_data_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    location = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())])
    client.get(location)
    client_side = ("httpx2", "httpcore", "asyncio")  # the test's own HTTP client logs its requests
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(client_side))
    for private in ("гимназия", "Горбунова", "@", EXAMPLE.name, location.rsplit("/", 1)[1]):
        assert private not in logged


# --- the methodologist's desk -----------------------------------------------------------------------------------


def test_desk_makes_registry_papers_and_archive(client: TestClient, tmp_path: Path) -> None:
    broken = edited(tmp_path, {("Заявка", "B9"): "почта"}, "сломанная.xlsx")
    location = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes()), (TUROCHAK.name, TUROCHAK.read_bytes()),
                               (broken.name, broken.read_bytes()), (REPORT.name, REPORT.read_bytes())],
                      url="/desk", data={"papers": "on", "archive": "on", "order": "on"})
    page = client.get(location).text
    text = text_of(page)
    assert "Книг: 4; без ошибок: 3; с ошибками: 1." in text
    # each file says what it is for; the page's «open» link follows the page itself
    assert ("Страница для сайта (.html) — для официального сайта: только заявки без ошибок, от организации — самая "
            "новая Открыть страницу для сайта — посмотреть её в браузере") in text
    assert "Реестр заявок (.pdf) — на подпись" in text
    links = downloads(page)
    calls = openpyxl.load_workbook(io.BytesIO(client.get(links["Кому перезвонить (.xlsx)"]).content)).active
    rows = [[c.value for c in row] for row in calls.iter_rows()]
    assert any("сломанная.xlsx" in [str(v) for v in row] for row in rows)
    assert not any(EXAMPLE.name in [str(v) for v in row] for row in rows)
    marked = zipfile.ZipFile(io.BytesIO(client.get(links["Все книги с отмеченными ошибками (.zip)"]).content))
    assert marked.namelist() == ["сломанная — замечания.xlsx"]
    assert {"Реестр заявок (.xlsx)", "Реестр заявок (.docx)", "Реестр заявок (.pdf)",
            "Страница для сайта (.html)", "Открыть страницу для сайта",
            "Документы всех верных книг (.zip)", "Архив: .docx, PDF/A и опись (.zip)"} <= set(links)
    registry = openpyxl.load_workbook(io.BytesIO(client.get(links["Реестр заявок (.xlsx)"]).content))
    cells = " ".join(str(c.value) for row in registry.active.iter_rows() for c in row if c.value)
    assert "гимназия № 56" in cells and "Артыбашская" in cells and "сломанная.xlsx" in cells
    order = openpyxl.load_workbook(io.BytesIO(client.get(links["Книга распоряжения с площадками (.xlsx)"]).content))
    sites = " ".join(str(c.value) for row in order["Площадки"].iter_rows() for c in row if c.value)
    assert "гимназия № 56" in sites and "сломанная" not in sites
    view = client.get(links["Открыть страницу для сайта"])
    assert view.headers["content-disposition"].startswith("inline;")
    assert view.headers["content-security-policy"].startswith("default-src 'none'")
    assert "Артыбашская" in view.text
    papers = zipfile.ZipFile(io.BytesIO(client.get(links["Документы всех верных книг (.zip)"]).content))
    assert len(papers.namelist()) == 6  # three valid workbooks, .docx and .pdf each
    archive = zipfile.ZipFile(io.BytesIO(client.get(links["Архив: .docx, PDF/A и опись (.zip)"]).content))
    assert "manifest.csv" in archive.namelist()
    assert "Отчет стажировочной ОО МАОУ СОШ № 19 г. Томска.pdf" in archive.namelist()


def test_desk_dates_and_titles_the_registry_as_the_command_does(client: TestClient) -> None:
    """«docgen registry --date 31.05.2023 --title …» on the page: the registry dated as № 477 asks, not today."""
    location = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())], url="/desk",
                      data={"date": "2023-05-31", "title": "Реестр заявок <на> 2023–2024 учебный год"})
    links = downloads(client.get(location).text)
    registry = openpyxl.load_workbook(io.BytesIO(client.get(links["Реестр заявок (.xlsx)"]).content))
    cells = " ".join(str(c.value) for sheet in registry for row in sheet.iter_rows() for c in row if c.value)
    assert "31.05.2023" in cells and "Реестр заявок <на> 2023–2024 учебный год" in cells
    wrong = upload(client, [(EXAMPLE.name, EXAMPLE.read_bytes())], url="/desk", data={"date": "31 мая"})
    assert "Дата реестра «31 мая» не распознана: реестр датирован сегодняшним днём." in text_of(client.get(wrong).text)


def test_desk_archive_keeps_one_version_and_says_which_was_left_out(client: TestClient, tmp_path: Path) -> None:
    """Two versions of one заявка: the papers of both, the archive one (it keeps one document each), and why."""
    old = edited(tmp_path, {("Заявка", "B11"): "Тема первой копии"}, "ok1.xlsx")
    new = edited(tmp_path, {("Заявка", "B11"): "Тема второй копии"}, "ok2.xlsx")
    location = upload(client, [(old.name, old.read_bytes()), (new.name, new.read_bytes())], url="/desk",
                      data={"papers": "on", "archive": "on"})
    text = text_of(client.get(location).text)
    assert (f"В архив не вошли документы книг: 1: «ok2.xlsx» — Файл «{PAPER}»: то же имя файла получается из "
            "«ok1.xlsx»") in text
    assert "docgen-serve" not in text and ".docgen" not in text


def test_desk_publishes_the_newest_of_one_schools_zayavki_by_the_zip_dates(client: TestClient,
                                                                          tmp_path: Path) -> None:
    """Same date in both заявки: the copy the zip says was saved later goes to the page, and the desk says so."""
    old = edited(tmp_path, {("Заявка", "B11"): "Тема старой копии"}, "старая.xlsx")
    new = edited(tmp_path, {("Заявка", "B11"): "Тема исправленной копии"}, "исправленная.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:  # the newer first: file order must not decide
        zf.writestr(zipfile.ZipInfo("исправленная.xlsx", (2023, 5, 20, 14, 0, 0)), new.read_bytes())
        zf.writestr(zipfile.ZipInfo("старая.xlsx", (2023, 5, 18, 9, 30, 0)), old.read_bytes())
    location = upload(client, [("заявки.zip", buffer.getvalue())], url="/desk")
    page = client.get(location).text
    text = text_of(page)
    assert ("На страницу для сайта попадает самая новая — «исправленная.xlsx» (дата заявки 12.05.2023, файл изменён "
            "20.05.2023 14:00); не попадают: «старая.xlsx» (дата заявки 12.05.2023, файл изменён 18.05.2023 09:30)"
            ) in text
    view = client.get(downloads(page)["Открыть страницу для сайта"]).text
    assert "Тема исправленной копии" in view and "Тема старой копии" not in view


def test_docgen_serve_starts_serves_and_cleans_up(tmp_path: Path) -> None:
    """The command itself: prints its address, serves the start page, leaves no folder behind when stopped."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    import httpx2

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    docgen = Path(sys.executable).with_name("docgen")
    env = {**os.environ, "TMPDIR": str(tmp_path), "DOCGEN_TOKEN": "t" * 20}
    proc = subprocess.Popen(with_ctrl_c([str(docgen), "serve", "--port", str(port), "--keep", "5"]), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"Сайт docgen: http://127.0.0.1:{port}/?token={'t' * 20}"
        assert "хранятся 5 мин" in proc.stdout.readline()
        for _ in range(100):
            try:
                page = httpx2.get(f"http://127.0.0.1:{port}/", headers={"Authorization": f"Bearer {'t' * 20}"})
                break
            except httpx2.HTTPError:
                time.sleep(0.1)
        assert page.status_code == 200 and "Как это работает" in page.text
        assert httpx2.get(f"http://127.0.0.1:{port}/").status_code == 401
        bearer = {"Authorization": f"Bearer {'t' * 20}"}
        sent = httpx2.post(f"http://127.0.0.1:{port}/check", headers=bearer,
                           files=[("files", ("bad.xlsx", b"not a workbook"))], follow_redirects=False)
        job = f"http://127.0.0.1:{port}{sent.headers['location']}"
        while httpx2.get(f"{job}/status", headers=bearer).json()["state"] in ("queued", "running"):
            time.sleep(0.1)
        assert "bad.xlsx" in httpx2.get(job, headers=bearer).text
        assert list(tmp_path.glob("docgen-serve-*"))
    finally:
        proc.send_signal(signal.SIGINT)
        _out, errors = proc.communicate(timeout=30)
    assert errors == ""  # nothing logged: no requests, no names
    assert not list(tmp_path.glob("docgen-serve-*"))  # the jobs' folder went with the server
