"""The registry of заявки (Tomsk order № 477, п. 5/4.1; Turochak Положение, п. 4.7), read back from its files.

The spreadsheet is read with openpyxl, the paper with python-docx, and the page for websites in a real headless
browser (Debian's chromium): what a visitor's browser builds from the file is what is checked, not our string.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import html as lxml_html

from docgen.registry import DOCX, HTML, PDF, TEMPLATE, XLSX, XLSX_COLUMNS, Registry
from docgen.render import Renderer, template_path
from tests.conftest import EXAMPLE, FakeConverter, require, run, untypeset

ROOT = Path(__file__).resolve().parent.parent
TUROCHAK = ROOT / "examples" / "turochak" / "Заявка МБОУ Артыбашская СОШ.xlsx"
REPORT = ROOT / "examples" / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx"
HOSTILE_TOPIC = "=1+1 Тема <script>alert('x')</script> & «Проба»"
HOSTILE_NAME = "МАОУ СОШ № 7 «Эхо & <b>»"
FORMED = "31.05.2025"


def _edit_example(path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    edit(wb)
    wb.save(path)
    return path


def _hostile(wb: openpyxl.Workbook) -> None:
    form = wb["Заявка"]
    form["B4"] = HOSTILE_NAME
    form["B10"] = "https://school7.example.ru/?a=1&b=2"
    form["B11"] = HOSTILE_TOPIC
    form["B11"].data_type = "s"  # typed text that starts with «=», not a formula


def _broken(wb: openpyxl.Workbook) -> None:
    form = wb["Заявка"]
    form["B4"] = "МАОУ лицей № 8"
    form["B11"] = None  # the topic is required
    form["B9"] = "почта"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Заявки of both municipalities, one with hostile text, one broken, one corrupt; a report and a list."""
    src = tmp_path / "заявки"
    (src / "турочак").mkdir(parents=True)
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    shutil.copy(TUROCHAK, src / "турочак" / TUROCHAK.name)
    shutil.copy(REPORT, src / REPORT.name)
    _edit_example(src / "Заявка СОШ 7.xlsx", _hostile)
    _edit_example(src / "Заявка лицей 8.xlsx", _broken)
    (src / "Заявка повреждённая.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    other = openpyxl.Workbook()
    other.active.title = "Список"
    other.save(src / "Список телефонов.xlsx")
    return src


@pytest.fixture
def pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)


def _registry(folder: Path, out: Path, *extra: str) -> Result:
    return run("registry", str(folder), "-o", str(out), "--date", FORMED, *extra)


ZAYAVKI = {"Заявка МАОУ гимназия № 56.xlsx", "Заявка лицей 8.xlsx", "Заявка повреждённая.xlsx", "Заявка СОШ 7.xlsx",
           "турочак/Заявка МБОУ Артыбашская СОШ.xlsx"}


def _sources(folder: Path) -> list[str]:
    """The заявки in the registry's order: the order of `expand`, which sorts the paths."""
    from docgen.pipeline import expand

    names = [p.relative_to(folder).as_posix() for p in expand([folder])]
    return [n for n in names if n in ZAYAVKI]


@pytest.mark.usefixtures("pdf")
def test_cli_writes_the_registry_and_reports_broken_workbooks(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "реестр"
    result = _registry(folder, out)
    assert result.exit_code == 1, result.output  # a broken заявка: the registry is still written
    assert sorted(p.name for p in out.iterdir()) == sorted([XLSX, DOCX, PDF, HTML])
    assert "Файл «Отчет МАОУ СОШ № 19.xlsx»: это не заявка (отчёт стажировочной площадки), пропущен." in result.output
    assert "Файл «Список телефонов.xlsx»: не найден ни один из листов" in result.output
    assert ("Файл «Заявка лицей 8.xlsx»: ошибок — 2; заявка внесена в реестр с замечаниями, на страницу для сайта "
            "не попадёт.") in result.output
    assert "Лист «Заявка», строка 11, столбец B («Тема стажировки»): не заполнено" in result.output
    assert "Файл «Заявка повреждённая.xlsx»: файл повреждён" in result.output
    assert f"Реестр: заявок — 5, с ошибками — 2; на странице для сайта «{HTML}» — 3." in result.output
    # Tomsk and Turochak in one folder: made, but said
    assert ("[предупреждение] В папке заявки разных муниципалитетов: Город Томск — 3 заявки («Заявка МАОУ гимназия "
            "№ 56.xlsx», «Заявка СОШ 7.xlsx», «Заявка лицей 8.xlsx»); Турочакский район — 1 заявка («турочак/Заявка "
            "МБОУ Артыбашская СОШ.xlsx»). Реестр сделан общий") in result.output
    assert not [p for p in out.iterdir() if p.name.startswith(".docgen-")]  # the staging folder is gone


@pytest.mark.usefixtures("pdf")
def test_xlsx_has_a_row_per_workbook_with_the_problems_of_the_broken_one(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "реестр"
    _registry(folder, out)
    wb = openpyxl.load_workbook(out / XLSX)
    ws = wb["Реестр заявок"]
    header = [c.value for c in ws[1]]
    assert header == [name for name, _ in XLSX_COLUMNS]
    assert header[:2] == ["№ п/п", "Организация (краткое наименование)"]
    assert all(c.font.bold and c.alignment.wrap_text for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J6"
    assert ws.column_dimensions["J"].width == 80
    rows = {r[8]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == _sources(folder)
    assert [r["№ п/п"] for r in rows.values()] == [1, 2, 3, 4, 5]

    tomsk = rows["Заявка МАОУ гимназия № 56.xlsx"]
    assert tomsk["Организация (краткое наименование)"] == "МАОУ гимназия № 56 г. Томска"
    assert tomsk["Полное наименование"].startswith("муниципальное автономное общеобразовательное учреждение")
    assert tomsk["Сроки"] == "2023–2024, 2024–2025, 2025–2026"
    assert tomsk["Ответственный"] == "Е.А. Горбунова, директор"
    assert tomsk["Контакты"].splitlines() == ["тел. +7 (3822) 12-34-56", "e-mail: school56@example.tomsk.ru",
                                              "сайт: https://school56.example.tomsk.ru"]
    products = tomsk["Планируемый продукт"].splitlines()
    assert len(products) == 3
    assert products[0].startswith("1. Методические рекомендации: Формирующее оценивание")
    assert products[0].endswith("(до 31.05.2024)")
    assert tomsk["Замечания"] is None

    turochak = rows["турочак/Заявка МБОУ Артыбашская СОШ.xlsx"]
    assert turochak["Сроки"] == "2025–2026"  # Turochak plans one school year
    assert turochak["Ответственный"] == "М.А. Тыдыкова, директор"

    broken = rows["Заявка лицей 8.xlsx"]
    assert broken["Организация (краткое наименование)"] == "МАОУ лицей № 8"  # as typed, to know whose it is
    assert broken["Тема стажировки"] is None
    # everything else that could be read stays: whom to call, what they plan (issue 12, point 8)
    assert broken["Ответственный"] == "Е.А. Горбунова, директор"
    assert broken["Контакты"].splitlines() == ["тел. +7 (3822) 12-34-56", "сайт: https://school56.example.tomsk.ru"]
    assert len(broken["Планируемый продукт"].splitlines()) == 3
    assert broken["Сроки"] == "2023–2024, 2024–2025, 2025–2026"
    assert broken["Замечания"].splitlines() == [
        "[ошибка] Лист «Заявка», строка 9, столбец B («E-mail»): введено «почта»; ожидается адрес электронной "
        "почты, например name@school.ru",
        "[ошибка] Лист «Заявка», строка 11, столбец B («Тема стажировки»): не заполнено; это обязательное поле",
    ]
    corrupt = rows["Заявка повреждённая.xlsx"]
    assert corrupt["Организация (краткое наименование)"] is None
    assert corrupt["Замечания"].startswith("[ошибка] файл повреждён")

    hostile = rows["Заявка СОШ 7.xlsx"]
    assert hostile["Тема стажировки"] == HOSTILE_TOPIC
    topic_cell = ws.cell(row=2 + list(rows).index("Заявка СОШ 7.xlsx"), column=4)
    assert topic_cell.data_type == "s"  # «=1+1 …» is text in the registry, not a formula

    about = {r[0]: r[1] for r in wb["Сведения"].iter_rows(values_only=True)}
    assert about["Дата формирования"] == FORMED
    assert about["Всего заявок"] == 5
    assert about["Из них с ошибками"] == 2
    assert about["Муниципалитет"] == "Город Томск, Турочакский район"  # two: both named


@pytest.mark.usefixtures("pdf")
def test_docx_is_a_landscape_table_with_a_repeated_header(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "реестр"
    _registry(folder, out)
    doc = Document(str(out / DOCX))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert [round(m.mm) for m in (section.left_margin, section.right_margin, section.top_margin,
                                  section.bottom_margin)] == [30, 10, 20, 20]
    texts = [p.text for p in doc.paragraphs]
    assert "Реестр заявок на присвоение статуса стажировочной площадки" in texts
    assert f"Дата формирования реестра: {FORMED}" in texts
    assert "Всего заявок: 5, из них не прошли проверку: 2 (см. «Замечания»)." in texts
    assert doc.paragraphs[0].runs[0].font.name is None  # the style's Times New Roman, as in every paper
    table = doc.tables[0]
    header, *rows = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert [c.text for c in header.cells][:4] == [
        "№ п/п", "Муниципалитет", "Организация (краткое и полное наименование)", "Тема стажировки"]
    # a row never breaks across pages: a clerk reads one заявка on one page
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert len(rows) == 5
    by_number = {r.cells[0].text: [c.text for c in r.cells] for r in rows}
    assert list(by_number) == ["1", "2", "3", "4", "5"]
    first = by_number["1"][1:]  # the municipality column aside, as before it was added
    assert by_number["1"][1] == "Город Томск"
    assert first[1].startswith("МАОУ гимназия №\u00a056\u00a0г.\u00a0Томска\n(муниципальное")
    assert first[4] == "2023–\u20602024, 2024–\u20602025, 2025–\u20602026"
    assert first[5].startswith("Е.А.\u00a0Горбунова, директор\n+7\u00a0(3822)\u00a012\u201134\u201156\n")
    assert first[6] == "—"
    broken = by_number[str(_sources(folder).index("Заявка лицей 8.xlsx") + 1)]
    # one short cell for the department, not every cell's message; the contacts that could be read
    assert untypeset(broken[7]).replace("\u00a0", " ") == (  # «E‑mail» with a non-breaking hyphen
        "Файл «Заявка лицей 8.xlsx»:\nНе прошла проверку: 2 ошибки. E-mail — введено «почта»; Тема стажировки — не "
        "заполнено. Все замечания — в проверке файла и в списке «Кому перезвонить».")
    assert untypeset(broken[6]).replace("\u00a0", " ").startswith("Е.А. Горбунова, директор\n+7 (3822) 12-34-56")
    hostile = by_number[str(_sources(folder).index("Заявка СОШ 7.xlsx") + 1)]
    assert hostile[3] == HOSTILE_TOPIC  # escaped for Word, shown as typed


def test_template_contract_and_script(tmp_path: Path) -> None:
    """The committed template passes the contract with the registry model and is what the script builds."""
    import importlib.util

    Renderer(template_path(TEMPLATE), Registry)
    spec = importlib.util.spec_from_file_location("make_registry_template",
                                                  ROOT / "scripts" / "make_registry_template.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = tmp_path / TEMPLATE
    module.build_reestr(rebuilt)

    def body(path: Path) -> bytes:
        with zipfile.ZipFile(path) as zf:
            return zf.read("word/document.xml")

    assert body(rebuilt) == body(template_path(TEMPLATE))


@pytest.mark.usefixtures("pdf")
def test_html_is_static_and_escaped(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "реестр"
    _registry(folder, out)
    text = (out / HTML).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"ru\">")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; «Проба»" in text
    assert 'href="https://school7.example.ru/?a=1&amp;b=2"' in text
    assert "лицей № 8" not in text and "Заявка повреждённая" not in text  # broken заявки are not published
    for external in ("<link", "src=", "@import", "url(", "http-equiv=\"refresh\""):
        assert external not in text
    assert f'<time datetime="2025-05-31">{FORMED}</time>' in text


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        message = "нет chromium: установите его (apt-get install chromium; make test-system)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _dump_dom(page: Path, tmp_path: Path) -> str:
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--dump-dom", page.as_uri(),
    ]
    env = {**os.environ, "HOME": str(profile)}
    done = subprocess.run(command, capture_output=True, timeout=120, check=False, env=env, stdin=subprocess.DEVNULL)
    dom = done.stdout.decode("utf-8")
    assert done.returncode == 0 and "<html" in dom, done.stderr.decode("utf-8", "replace")[-2000:]
    return dom


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.usefixtures("pdf")
def test_html_in_a_real_browser(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "реестр"
    _registry(folder, out)
    dom = lxml_html.document_fromstring(_dump_dom(out / HTML, tmp_path))

    assert dom.get("lang") == "ru"
    assert dom.xpath("//meta[@charset]")[0].get("charset").lower() == "utf-8"
    assert _text(dom.xpath("//title")[0]) == "Реестр стажировочных площадок"
    assert [_text(h) for h in dom.xpath("//h1")] == ["Реестр стажировочных площадок"]

    tables = dom.xpath("//table")
    assert len(tables) == 1
    table = tables[0]
    assert _text(table.xpath("./caption")[0]).startswith("Стажировочные площадки (всего: 3):")
    headers = table.xpath("./thead/tr/th")
    assert [_text(th) for th in headers] == ["Организация", "Тема стажировки", "Сроки", "Контакты", "Сайт"]
    assert all(th.get("scope") == "col" for th in headers)

    rows = table.xpath("./tbody/tr")
    assert len(rows) == 3  # valid заявки only: the broken and the corrupt one are not published
    names = [" ".join(r.xpath("./th")[0].text.split()) for r in rows]  # the short name, before the full one
    assert names == ["МАОУ гимназия № 56 г. Томска", HOSTILE_NAME, "МБОУ «Артыбашская СОШ»"]
    assert all(r.xpath("./th")[0].get("scope") == "row" for r in rows)

    tomsk = [_text(td) for td in rows[0].xpath("./td")]
    assert tomsk[0].startswith("Формирующее оценивание как ресурс")
    assert tomsk[1] == "2023–2024, 2024–2025, 2025–2026"
    contacts = rows[0].xpath("./td")[2]
    assert contacts.xpath("text()") == ["тел. +7 (3822) 12-34-56", "e-mail: school56@example.tomsk.ru"]
    assert len(contacts.xpath("./br")) == 1
    links = rows[0].xpath("./td/a")
    assert [(a.get("href"), _text(a)) for a in links] == [("https://school56.example.tomsk.ru",
                                                            "https://school56.example.tomsk.ru")]

    hostile = rows[1]
    assert _text(hostile.xpath("./td")[0]) == HOSTILE_TOPIC  # the browser shows the text as typed
    assert hostile.xpath("./th")[0].xpath(".//b") == []  # «<b>» in a name is text, not markup
    assert hostile.xpath(".//a")[0].get("href") == "https://school7.example.ru/?a=1&b=2"

    # no script ran or exists, nothing is fetched: the page works offline and on any site
    assert dom.xpath("//script") == []
    assert dom.xpath("//link | //img | //iframe | //object | //embed | //video | //audio | //source") == []
    assert dom.xpath("//*[@src] | //*[@srcset] | //*[@background]") == []
    styles = " ".join(s.text_content() for s in dom.xpath("//style"))
    assert "url(" not in styles and "@import" not in styles
    assert all(a.get("href", "").startswith("https://") for a in dom.xpath("//a"))
    assert "@media print" in styles

    footer = _text(dom.xpath("//footer")[0])
    assert footer == f"Дата формирования: {FORMED}"


@pytest.mark.usefixtures("pdf")
def test_rerun_is_a_no_op_and_a_different_registry_needs_force(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "реестр"
    _registry(folder, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = _registry(folder, out)
    assert again.exit_code == 1  # still the broken заявка, but no conflict: the same bytes
    assert "уже существует" not in again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    (folder / "Заявка лицей 8.xlsx").unlink()
    (folder / "Заявка повреждённая.xlsx").unlink()
    refused = _registry(folder, out)
    assert refused.exit_code == 1
    assert "уже существует и отличается от нового; чтобы заменить его, добавьте --force" in refused.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing replaced, not even one file

    forced = _registry(folder, out, "--force")
    assert forced.exit_code == 0, forced.output
    assert "Реестр: заявок — 3, с ошибками — 0" in forced.output
    assert (out / XLSX).read_bytes() != before[XLSX]
    assert (out / HTML).read_bytes() == before[HTML]  # the broken заявки were never on the page


def test_without_libreoffice_the_rest_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.find_soffice", lambda: None)
    src = tmp_path / "заявки"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    out = tmp_path / "реестр"
    result = _registry(src, out, "--title", "Реестр площадок города Томска на 2023–2026 годы & <итог>")
    assert result.exit_code == 0, result.output
    assert "PDF не создан: не найден LibreOffice" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([XLSX, DOCX, HTML])
    text = (out / HTML).read_text(encoding="utf-8")
    assert "<h1>Реестр площадок города Томска на 2023–2026 годы &amp; &lt;итог&gt;</h1>" in text
    assert '<p class="municipality">Город Томск</p>' in text
    doc = Document(str(out / DOCX))
    assert untypeset(doc.paragraphs[0].text) == "Реестр площадок города Томска на 2023–2026 годы & <итог>"
    assert doc.paragraphs[1].text == "Город Томск"
    assert "Всего заявок: 1." in [p.text for p in doc.paragraphs]


def test_failed_pdf_is_reported_and_the_rest_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", lambda: FakeConverter(fail={"Реестр заявок"}))
    src = tmp_path / "заявки"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    out = tmp_path / "реестр"
    out.mkdir()
    (out / PDF).write_bytes(b"%PDF-1.4 old")
    result = _registry(src, out)
    assert result.exit_code == 1
    assert "PDF для «Реестр заявок.docx» не создан" in result.output
    assert f"PDF: прежний «{out / PDF}» не обновлён" in result.output  # a stale PDF is not passed over in silence
    assert sorted(p.name for p in out.iterdir()) == sorted([XLSX, DOCX, HTML, PDF])
    assert (out / PDF).read_bytes() == b"%PDF-1.4 old"


@pytest.mark.libreoffice
def test_real_pdf_is_landscape_with_the_header_on_every_page(folder: Path, tmp_path: Path) -> None:
    require("soffice", "pdftotext", "pdfinfo")
    out = tmp_path / "реестр"
    result = _registry(folder, out)
    assert result.exit_code == 1, result.output  # the broken заявка
    info = subprocess.run(["pdfinfo", str(out / PDF)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)  # A4 landscape, in points
    text = subprocess.run(["pdftotext", "-layout", str(out / PDF), "-"], capture_output=True, check=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    assert all("Тема стажировки" in page for page in pages)  # the header row repeats
    raw = subprocess.run(["pdftotext", "-raw", str(out / PDF), "-"], capture_output=True, check=True,
                         text=True).stdout  # content-stream order: cell by cell
    flat = " ".join(raw.replace("\u00a0", " ").replace("\u00ad", "").split())
    assert "МБОУ «Артыбашская СОШ»" in flat and "МАОУ лицей № 8" in flat


@pytest.mark.usefixtures("pdf")
def test_a_folder_without_zayavki_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "отчёты"
    src.mkdir()
    shutil.copy(REPORT, src / REPORT.name)
    out = tmp_path / "реестр"
    result = _registry(src, out)
    assert result.exit_code == 1
    assert f"В папке «{src}» нет ни одной заявки" in result.output
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.usefixtures("pdf")
def test_the_registry_inside_the_folder_is_not_read_back(tmp_path: Path) -> None:
    src = tmp_path / "заявки"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    first = run("registry", str(src), "-o", str(src))
    assert first.exit_code == 0, first.output
    second = run("registry", str(src), "-o", str(src))
    assert second.exit_code == 0, second.output
    assert "пропущен" not in second.output
    assert "Реестр: заявок — 1, с ошибками — 0" in second.output


def test_check_and_registry_pass_by_docgens_own_workbooks(tmp_path: Path) -> None:
    """A registry written into the folder of заявки and a call-back list beside them are not checked as books."""
    src = tmp_path / "заявки"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    assert run("registry", str(src), "-o", str(src)).exit_code == 0
    assert run("check", str(src), "--calls", str(src / "звонки.xlsx")).exit_code == 0
    old = openpyxl.Workbook()  # a registry of an older docgen, without the mark: known by its sheets
    old.active.title = "Реестр заявок"
    old.create_sheet("Сведения")
    old.save(src / "реестр прошлого года.xlsx")
    checked = run("check", str(src))
    assert checked.exit_code == 0, checked.output
    for name, what in (("Реестр заявок.xlsx", "реестр заявок"), ("звонки.xlsx", "список «Кому перезвонить»"),
                       ("реестр прошлого года.xlsx", "реестр заявок")):
        assert (f"[сведения] Файл «{name}»: это {what}, сделанный docgen, а не книга для заполнения, — пропущен."
                in checked.output)
    assert f"Файл «{EXAMPLE.name}»: ошибок нет" in checked.output
    again = run("registry", str(src), "-o", str(tmp_path / "реестр"))
    assert again.exit_code == 0, again.output
    assert "Файл «звонки.xlsx»: это список «Кому перезвонить», сделанный docgen, а не заявка, пропущен." in again.output
    assert "Реестр: заявок — 1, с ошибками — 0" in again.output


@pytest.mark.parametrize(("args", "expected"), [
    (["registry"], "не указан обязательный аргумент ПАПКА"),
    (["registry", "нет-такой-папки", "-o", "out"], "«нет-такой-папки»: папка не найдена"),
    (["registry", str(EXAMPLE), "-o", "out"], "это файл, а нужна папка с книгами заявок"),
    (["registry", ".", "-o", "out", "--date", "вчера"], "«вчера»; ожидается дата ДД.ММ.ГГГГ"),
    (["registry", ".", "-o", "out", "--title", "  "], "заголовок не может быть пустым"),
])
def test_usage_errors(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.output


def test_help_is_russian() -> None:
    assert "registry" in run("--help").output
    text = run("registry", "--help").output
    assert "Использование: docgen registry [ПАРАМЕТРЫ] ПАПКА" in text
    assert "-o, --output ВЫХОД" in text and "--force" in text and "--title ТЕКСТ" in text
    assert "Options" not in text


def test_a_zayavka_breaking_a_rule_is_listed_from_its_data(tmp_path: Path) -> None:
    from docgen.registry import collect

    src = tmp_path / "заявки"
    src.mkdir()

    def later(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B15"] = "2030-2031"  # the roadmap's dates fall outside the plan: rule errors, data read

    _edit_example(src / "Заявка.xlsx", later)
    [entry] = collect(src).entries
    assert not entry.valid
    assert entry.short_name == "МАОУ гимназия № 56 г. Томска"  # read, only the rules failed
    assert entry.term == "2030–2031, 2031–2032, 2032–2033"
    assert entry.remarks and all(r.startswith("[ошибка]") for r in entry.remarks)
    assert any("2030–2031" in r for r in entry.remarks)


def test_same_data_same_day_same_bytes(tmp_path: Path) -> None:
    from docgen.registry import collect, make_model, to_docx, to_xlsx

    src = tmp_path / "заявки"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    registry = make_model(collect(src), formed=date(2025, 5, 31))
    assert to_xlsx(registry) == to_xlsx(registry)
    assert to_docx(registry) == to_docx(registry)
    with zipfile.ZipFile(io.BytesIO(to_xlsx(registry))) as zf:
        assert b"2025-05-31T00:00:00Z" in zf.read("docProps/core.xml")
