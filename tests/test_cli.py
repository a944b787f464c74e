"""The command line through click's runner: Russian output, exit codes, no tracebacks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from docgen.loader import load
from tests.conftest import FakeConverter, run, with_form_xml

STEM = "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


def test_help_is_russian() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Использование: docgen [ПАРАМЕТРЫ] КОМАНДА" in result.output
    assert "Команды:" in result.output and "Параметры:" in result.output
    assert "Показать эту справку и выйти." in result.output
    render_help = run("render", "--help").output
    assert "--format docx|pdf|both" in render_help
    assert "[обязательно]" in render_help
    assert "Options" not in render_help and "Usage" not in render_help


@pytest.mark.parametrize(("args", "expected"), [
    (["render"], "не указан обязательный аргумент КНИГА_ИЛИ_ПАПКА…"),
    (["frobnicate"], "неизвестная команда «frobnicate». Команды: archive, check"),
    (["render", "x.xlsx", "-o", "out", "--format", "odt"], "«odt»; допустимо: docx, pdf, both"),
    (["check", "x.xlsx", "--bogus"], "неизвестный параметр --bogus"),
    (["new", "накладная", "-o", "x.xlsx"], "доступно: zayavka"),
])
def test_usage_errors_are_russian_with_exit_2(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.output


def test_new_writes_a_workbook_that_check_reads(tmp_path: Path) -> None:
    path = tmp_path / "заявка.xlsx"
    result = run("new", "zayavka", "-o", str(path))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Инструкция", "Заявка", "Продукты", "Дорожная карта", "Списки"]
    assert wb["Списки"].sheet_state == "hidden"
    checked = run("check", str(path))
    assert checked.exit_code == 1
    assert "Лист «Заявка», строка 3, столбец B («Полное наименование организации»): не заполнено" in checked.output
    assert "Лист «Дорожная карта»: нет ни одной заполненной строки" in checked.output
    again = run("new", "zayavka", "-o", str(path))
    assert again.exit_code == 1
    assert "уже существует" in again.output


def test_blank_instructions_send_a_school_to_the_web_page_first(tmp_path: Path) -> None:
    """A deputy director has no terminal: the web page is the first way to check, the command line the second."""
    path = tmp_path / "заявка.xlsx"
    run("new", "zayavka", "-o", str(path))
    sheet = openpyxl.load_workbook(path)["Инструкция"]
    lines = [str(c.value) for (c,) in sheet.iter_rows(max_col=1) if c.value]
    assert lines[4].startswith("4. Проверьте книгу и получите документы на сайте docgen вашего управления "
                               "образования (адрес сообщит методист). Откройте сайт в браузере")
    assert lines[5] == ("5. Второй способ — командная строка на компьютере, где установлен docgen: docgen check "
                        "<файл>.xlsx покажет ошибки, docgen render <файл>.xlsx -o <папка> сделает .docx и .pdf.")
    assert not any("docgen" in line for line in lines[:4])

    sited = tmp_path / "с адресом.xlsx"
    assert run("new", "plan", "-o", str(sited), "--site", "https://docgen.example.ru/").exit_code == 0
    sheet = openpyxl.load_workbook(sited)["Инструкция"]
    step = next(c for (c,) in sheet.iter_rows(max_col=1) if str(c.value).startswith("3. Проверьте"))
    assert "на сайте docgen: https://docgen.example.ru/. Откройте сайт" in str(step.value)
    assert step.hyperlink is not None and step.hyperlink.target == "https://docgen.example.ru/"
    bad = run("new", "plan", "-o", str(tmp_path / "x.xlsx"), "--site", "docgen")
    assert bad.exit_code == 2 and "ожидается адрес сайта" in bad.output


def test_blank_workbook_has_hints_dropdowns_and_date_formats(tmp_path: Path) -> None:
    path = tmp_path / "заявка.xlsx"
    run("new", "zayavka", "-o", str(path))
    wb = openpyxl.load_workbook(path)
    form = wb["Заявка"]
    assert form["A11"].value == "Тема стажировки *"
    assert form["C11"].value == "Пункт 1 формы заявки"
    assert form["B16"].number_format == "DD.MM.YYYY"
    roadmap = wb["Дорожная карта"]
    assert roadmap["D1"].value == "Сроки проведения *"
    assert "ноябрь 2023" in roadmap["D1"].comment.text
    formulas = {str(dv.sqref): dv.formula1 for dv in roadmap.data_validations.dataValidation}
    assert formulas["B2:B500"].startswith("'Списки'!$A$1:$A$")  # the list lives on the hidden sheet
    lists = wb["Списки"]
    assert "«Мировое кафе»" in [c.value for c in lists["A"]]
    assert len(",".join(str(c.value) for c in lists["A"])) > 255  # why it cannot be an inline list


def test_check_example_passes(example: Path) -> None:
    result = run("check", str(example))
    assert result.exit_code == 0
    assert "ошибок нет, предупреждений — 0" in result.output


def test_check_reports_every_problem_with_cells(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B9"] = "почта"
        wb["Дорожная карта"]["D7"] = "когда-нибудь"
    result = run("check", str(edited(edit)))
    assert result.exit_code == 1
    assert "ошибок — 2" in result.output
    assert ("Лист «Заявка», строка 9, столбец B («E-mail»): введено «почта»; ожидается адрес электронной почты"
            in result.output)
    assert ("Лист «Дорожная карта», строка 7, столбец D («Сроки проведения»): введено «когда-нибудь»; "
            "ожидается срок" in result.output)


def test_check_bad_file_is_one_russian_line(tmp_path: Path) -> None:
    path = tmp_path / "заявка.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.output == ("Файл «заявка.xls»: файл повреждён, его не удалось прочитать (устройство файла "
                             "нарушено); откройте книгу в Excel или LibreOffice Calc и сохраните её заново\n")


def test_render_docx_and_pdf(example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    out = tmp_path / "out"
    result = run("render", str(example), "-o", str(out))
    assert result.exit_code == 0, result.output
    # and the record of what each file was made from, for the next run
    assert sorted(p.name for p in out.iterdir()) == [".docgen-record.json", f"{STEM}.docx", f"{STEM}.pdf"]
    assert "Готово: 1 из 1." in result.output


def test_render_two_workbooks_of_one_school_makes_both_as_the_web_page_does(
        example: Path, example_copy: Path, tmp_path: Path) -> None:
    """The library numbers the second; the command says why in the same words the page uses."""
    out = tmp_path / "out"
    result = run("render", str(example), str(example_copy), "-o", str(out), "--format", "docx")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.docx")) == [f"{STEM} (2).docx", f"{STEM}.docx"]
    assert (f"[предупреждение] та же организация и тот же документ, что в книге «{example.name}»: документы этой "
            f"книги названы «{STEM} (2)»") in result.output


def test_check_annotate_marks_two_workbooks_of_one_name_as_the_web_page_does(
        edited: Callable[..., Path], tmp_path: Path) -> None:
    """«bad.xlsx» and «bad.xlsm» in one folder: two marked copies, «bad — замечания» and «bad (2) — замечания»."""
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B9"] = "почта"
    broken = edited(edit)
    folder = tmp_path / "книги"
    folder.mkdir()
    for name in ("bad.xlsx", "bad.xlsm"):
        (folder / name).write_bytes(broken.read_bytes())
    out = tmp_path / "замечания"
    for _ in range(2):  # a second run replaces its own copies: no «(3)»
        result = run("check", str(folder / "bad.xlsx"), str(folder / "bad.xlsm"), "--annotate", str(out))
        assert result.exit_code == 1 and "Копия с замечаниями" in result.output
        assert sorted(p.name for p in out.iterdir()) == ["bad (2) — замечания.xlsx", "bad — замечания.xlsx"]
    marked = openpyxl.load_workbook(out / "bad (2) — замечания.xlsx")
    assert "bad.xlsm" in str(marked["Замечания"]["A1"].value)


def test_render_refuses_invalid_workbook_and_writes_nothing(
        edited: Callable[..., Path], tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B11"] = None
    broken = edited(edit)
    out = tmp_path / "out"
    result = run("render", str(broken), "-o", str(out), "--format", "docx")
    assert result.exit_code == 1
    assert "Лист «Заявка», строка 11, столбец B («Тема стажировки»): не заполнено" in result.output
    assert "Готово: 0 из 1, с ошибками: 1." in result.output
    assert list(out.iterdir()) == []


def test_render_summary_names_a_broken_sheet_once(example: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    broken = with_form_xml(example, tmp_path, lambda xml: xml[: len(xml) // 2])
    result = run("render", str(broken), str(example), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert ("  • изменённая.xlsx: лист «Заявка» повреждён и не читается (ошибка в XML); откройте книгу в Excel "
            "или LibreOffice Calc и сохраните её заново как .xlsx") in result.output.splitlines()
    assert "Готово: 1 из 2, с ошибками: 1." in result.output


def test_render_without_libreoffice_says_how_to_get_it(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.find_soffice", lambda: None)
    result = run("render", str(example), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "не найден LibreOffice" in result.output
    assert "--format docx" in result.output


def test_render_with_custom_template_with_unknown_name(example: Path, tmp_path: Path) -> None:
    from tests.templates import make_template

    template = make_template(tmp_path / "мой шаблон.docx", ["{{ org.director }}"])
    result = run("render", str(example), "-o", str(tmp_path / "out"), "--format", "docx",
                 "--template", str(template))
    assert result.exit_code == 1
    assert "Шаблон «мой шаблон.docx»: неизвестные имена данных: «org.director»" in result.output


def test_render_with_custom_template(example: Path, tmp_path: Path) -> None:
    from docx import Document

    from tests.templates import make_template

    template = make_template(tmp_path / "короткий.docx", ["{{ org.short_name }}: {{ topic }}"])
    out = tmp_path / "out"
    result = run("render", str(example), "-o", str(out), "--format", "docx", "--template", str(template))
    assert result.exit_code == 0, result.output
    loaded = load(example)
    assert loaded.model is not None
    doc = Document(str(out / f"{STEM}.docx"))
    # a template of its own gets every value typeset too: «№ 56 г. Томска» cannot break
    assert doc.paragraphs[0].text == f"МАОУ гимназия №\u00a056\u00a0г.\u00a0Томска: {loaded.model.topic}"


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REPORT = EXAMPLES / "tomsk" / "Отчет МАОУ СОШ № 19.xlsx"


@pytest.mark.parametrize(("today", "expected", "code"), [
    ("05.01.2024", "[сведения] Лист «Отчёт», строка 13, столбец B («Окончание срока деятельности»): отчёт нужно "
                   "сдать до 14.01.2024: осталось 9 дней", 0),
    ("2024-01-20", "[предупреждение] Лист «Отчёт», строка 13, столбец B («Окончание срока деятельности»): срок "
                   "сдачи отчёта прошёл 14.01.2024: просрочено на 6 дней", 0),
])
def test_check_tells_the_report_deadline(today: str, expected: str, code: int) -> None:
    result = run("check", str(REPORT), "--today", today)
    assert result.exit_code == code
    assert expected in result.output
    assert "распоряжение № 477, п. 2.4" in result.output


def test_check_today_must_be_a_date() -> None:
    result = run("check", str(REPORT), "--today", "завтра")
    assert result.exit_code == 2
    assert "«завтра»; ожидается дата ДД.ММ.ГГГГ" in result.output


def test_new_for_each_paper_and_profile(tmp_path: Path) -> None:
    for kind, profile, sheets in [
        ("otchet", "tomsk", ["Инструкция", "Отчёт", "Мероприятия", "Проекты стажёров", "Продукты", "Списки"]),
        ("otchet_praktika", "turochak", ["Инструкция", "Отчёт по практике", "Стажёры", "Мероприятия", "Списки"]),
        ("plan", "tomsk", ["Инструкция", "План", "Мероприятия", "Списки"]),
        ("zayavka", "turochak", ["Инструкция", "Заявка", "Продукты", "Дорожная карта", "Показатели", "Списки"]),
    ]:
        path = tmp_path / f"{kind}-{profile}.xlsx"
        result = run("new", kind, "--profile", profile, "-o", str(path))
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == sheets
    criteria = openpyxl.load_workbook(tmp_path / "zayavka-turochak.xlsx")["Показатели"]
    assert criteria["A2"].value.startswith("располагает необходимым информационным")
    assert criteria["B1"].value == "Соответствует *"


def test_new_refuses_a_paper_the_municipality_does_not_have(tmp_path: Path) -> None:
    result = run("new", "otchet_praktika", "--profile", "tomsk", "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert "в профиле «tomsk» нет документа «отчёт по практике»; есть: zayavka, otchet, plan, rasporyazhenie" in (
        result.output)


def test_plan_from_a_zayavka(tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "out"
    zayavka = EXAMPLES / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"
    result = run("plan", str(zayavka), "--year", "2024-2025", "-o", str(out), "--format", "docx",
                 "--approved", "30.08.2024")
    assert result.exit_code == 0, result.output
    name = "План стажировочной ОО МАОУ гимназия № 56 г. Томска на 2024–2025 учебный год.docx"
    assert [p.name for p in out.iterdir()] == [name]
    doc = Document(str(out / name))
    texts = [p.text for p in doc.paragraphs]
    assert "«30»\u00a0августа\u00a02024\u00a0г." in texts
    assert len(doc.tables[0].rows) == 1 + 3  # header and the three events of 2024-2025
    wrong = run("plan", str(zayavka), "--year", "2030-2031", "-o", str(out), "--format", "docx")
    assert wrong.exit_code == 1
    assert "Учебного года 2030–2031 нет в дорожной карте заявки; есть: 2023–2024, 2024–2025, 2025–2026" in (
        wrong.output)
    not_zayavka = run("plan", str(REPORT), "--year", "2024-2025", "-o", str(out))
    assert not_zayavka.exit_code == 1
    assert "это не заявка" in not_zayavka.output
    bad_year = run("plan", str(zayavka), "--year", "2024", "-o", str(out))
    assert bad_year.exit_code == 2


def test_render_a_folder_of_both_municipalities(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    out = tmp_path / "out"
    result = run("render", str(EXAMPLES), "-o", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name != ".docgen-record.json")
    assert "Отчет стажировочной ОО МАОУ СОШ № 19 г. Томска.pdf" in names
    assert "Отчет по практике стажировочная площадка МБОУ «Турочакская СОШ».docx" in names
    # every workbook gives .docx and .pdf; the order also gives its annex (the Положение) and a declension review list
    assert len(names) == 2 * len(list(EXAMPLES.rglob("*.xlsx"))) + 2 * 1 + 1
    assert "Проверка склонений — Распоряжение № 477 от 04.05.2023.csv" in names
    assert "Готово: 8 из 8." in result.output


def test_render_batch_options_and_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[FakeConverter] = []

    def factory(**options: object) -> FakeConverter:
        made.append(FakeConverter(**options))
        return made[-1]

    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", factory)
    result = run("render", str(EXAMPLES / "tomsk"), "-o", str(tmp_path / "out"), "--pdfa", "--workers", "2",
                 "--timeout", "30")
    assert result.exit_code == 0, result.output
    assert made[0].options == {"workers": 2, "timeout_per_file": 30.0, "pdfa": True}
    assert "Итог:" in result.output
    assert "Книг                 6" in result.output
    assert "Документов           7" in result.output  # 3 заявки, отчёт, план, распоряжение with its annex
    assert "Готово: 6 из 6." in result.output


def test_archive_command_refuses_an_existing_archive(tmp_path: Path) -> None:
    target = tmp_path / "архив.zip"
    target.write_bytes(b"old")
    result = run("archive", str(EXAMPLES / "tomsk" / "Заявка МАОУ гимназия № 56.xlsx"), "-o", str(target))
    assert result.exit_code == 1
    assert "уже существует" in result.output and "--force" in result.output
    assert target.read_bytes() == b"old"


def test_rerun_that_changed_nothing_says_so(example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    out = tmp_path / "out"
    first = run("render", str(example), "-o", str(out), "--format", "docx")
    assert "создано «" in first.output and "без изменений" not in first.output
    again = run("render", str(example), "-o", str(out), "--format", "docx")
    assert again.exit_code == 0
    assert f"без изменений «{out / STEM}.docx»" in again.output and "создано" not in again.output
