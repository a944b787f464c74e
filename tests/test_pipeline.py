"""One or many workbooks to files: names, atomic publication, conflicts, failures isolated per workbook."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from docgen.errors import ConversionError, OutputError, OutputExistsError, WorkbookFileError, WorkbookInvalidError
from docgen.pipeline import expand, render_many
from tests.conftest import FakeConverter, with_form_xml

STEM = "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_example_gives_docx_and_pdf_with_the_order_s_file_name(example: Path, tmp_path: Path) -> None:
    fake = FakeConverter()
    [outcome] = render_many([example], tmp_path, converter_factory=lambda: fake)
    assert outcome.ok, outcome.error
    assert names(tmp_path) == [f"{STEM}.docx", f"{STEM}.pdf"]  # and no staging folder left behind
    assert len(fake.calls) == 1 and [n.split("_", 1)[1] for n in fake.calls[0]] == [f"{STEM}.docx"]
    doc = Document(io.BytesIO((tmp_path / f"{STEM}.docx").read_bytes()))
    assert doc.paragraphs[0].text == "Директору МАУ ИМЦ"


def test_one_format_only(example: Path, tmp_path: Path) -> None:
    [outcome] = render_many([example], tmp_path, formats=("docx",))
    assert outcome.ok
    assert names(tmp_path) == [f"{STEM}.docx"]


def test_broken_workbook_is_reported_and_the_rest_is_made(
        example: Path, edited: Callable[..., Path], tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B4"] = "Школа/Лицей"  # a short name with a slash
        wb["Заявка"]["B9"] = "не-почта"
    broken = edited(edit, "сломанная.xlsx")
    out = tmp_path / "out"
    good, bad = render_many([example, broken], out, converter_factory=FakeConverter)
    assert good.ok
    assert isinstance(bad.error, WorkbookInvalidError)
    assert "Лист «Заявка», строка 9, столбец B («E-mail»)" in str(bad.error)
    assert names(out) == [f"{STEM}.docx", f"{STEM}.pdf"]


def test_file_name_is_made_safe(edited: Callable[..., Path], tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Заявка"]["B4"] = 'МАОУ СОШ № 16/32 "Сеть": филиал?'
    out = tmp_path / "out"
    [outcome] = render_many([edited(edit)], out, formats=("docx",))
    assert outcome.ok, outcome.error
    assert names(out) == ["Заявка стажировочная ОО МАОУ СОШ № 16-32 «Сеть»-филиал.docx"]


def test_different_existing_file_is_kept_without_force(example: Path, tmp_path: Path) -> None:
    target = tmp_path / f"{STEM}.docx"
    target.write_bytes(b"old signed version")
    [outcome] = render_many([example], tmp_path, converter_factory=FakeConverter)
    assert isinstance(outcome.error, OutputExistsError)
    assert "--force" in str(outcome.error)
    assert target.read_bytes() == b"old signed version"
    assert names(tmp_path) == [f"{STEM}.docx"]  # the PDF was not published either: all or nothing
    [forced] = render_many([example], tmp_path, converter_factory=FakeConverter, force=True)
    assert forced.ok
    assert target.read_bytes().startswith(b"PK")


def test_rerun_with_the_same_data_needs_no_force(example: Path, tmp_path: Path) -> None:
    first = render_many([example], tmp_path, formats=("docx",))
    second = render_many([example], tmp_path, formats=("docx",))
    assert first[0].ok and second[0].ok


def test_conversion_failure_publishes_nothing_for_that_workbook(example: Path, tmp_path: Path) -> None:
    fake = FakeConverter(fail={STEM})
    [outcome] = render_many([example], tmp_path, converter_factory=lambda: fake)
    assert isinstance(outcome.error, ConversionError)
    assert names(tmp_path) == []


def test_two_workbooks_of_one_organization_both_get_their_papers(
        example: Path, example_copy: Path, tmp_path: Path) -> None:
    """An old and a corrected copy of one заявка: the second's papers are «… (2)», and a warning says why."""
    out = tmp_path / "out"
    first, second, third = render_many([example, example_copy, example], out, formats=("docx",))
    assert first.ok and second.ok
    assert second.documents == [f"{STEM} (2)"] and second.twin_of == example
    assert names(out) == [f"{STEM} (2).docx", f"{STEM}.docx"]
    assert second.warnings[-1].startswith(
        f"[предупреждение] та же организация и тот же документ, что в книге «{example.name}»: документы этой книги "
        f"названы «{STEM} (2)», чтобы не заменить сделанные по той.")
    assert not any("та же организация" in w for w in first.warnings)
    assert isinstance(third.error, OutputError)  # the same file named twice is not a second version
    assert "то же имя файла" in str(third.error)


def test_expand_folders_skips_lock_files(example_copy: Path) -> None:
    folder = example_copy.parent
    (folder / "~$заявка.xlsx").write_bytes(b"lock")
    (folder / "заметки.txt").write_text("x", encoding="utf-8")
    assert expand([folder]) == [example_copy]


def test_unwritable_output_is_a_russian_error(example: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "файл"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="папку нельзя создать"):
        render_many([example], blocker / "out", formats=("docx",))


def _copies(example: Path, folder: Path, count: int) -> list[Path]:
    wb = openpyxl.load_workbook(example)
    paths = []
    for i in range(count):
        wb["Заявка"]["B4"] = f"МАОУ СОШ № {i + 1} г. Томска"
        path = folder / f"заявка-{i:02d}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def test_batch_in_parallel_equals_one_by_one(example: Path, tmp_path: Path) -> None:
    sources = _copies(example, tmp_path, 6)
    batch = render_many(sources, tmp_path / "batch", formats=("docx",), workers=2)
    assert all(o.ok for o in batch)
    for source in sources:
        [single] = render_many([source], tmp_path / "single", formats=("docx",), workers=1)
        assert single.ok
    batch_files = {p.name: p.read_bytes() for p in (tmp_path / "batch").iterdir()}
    single_files = {p.name: p.read_bytes() for p in (tmp_path / "single").iterdir()}
    assert len(batch_files) == 6
    assert batch_files == single_files  # same names, same bytes
    again = render_many(sources, tmp_path / "batch", formats=("docx",), workers=2)
    assert all(o.ok for o in again)  # rerunning the same batch: the same documents, nothing to force


def test_batch_reports_failures_and_completes_the_rest(example: Path, tmp_path: Path) -> None:
    sources = _copies(example, tmp_path, 4)
    broken = tmp_path / "сломанная.xlsx"
    broken.write_text("не книга", encoding="utf-8")
    fake = FakeConverter(fail={"Заявка стажировочная ОО МАОУ СОШ № 3 г. Томска"})
    progress: list[tuple[str, int, int, int]] = []
    outcomes = render_many([*sources, broken], tmp_path / "out", converter_factory=lambda: fake, workers=2,
                           progress=lambda *step: progress.append(step))
    assert [o.ok for o in outcomes] == [True, True, False, True, False]
    assert isinstance(outcomes[2].error, ConversionError)
    assert isinstance(outcomes[4].error, WorkbookFileError)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 6 and not any("№ 3 " in n for n in names)  # nothing of the failed one, nothing partial
    assert progress[-1] == ("pdf", 4, 4, 1)
    assert ("docx", 5, 5, 1) in progress


def test_a_workbook_with_a_broken_sheet_fails_alone(example: Path, tmp_path: Path) -> None:
    # the sheet's XML breaks off only when its rows are read, inside a render process
    broken = with_form_xml(example, tmp_path, lambda xml: xml[: len(xml) // 2])
    outcomes = render_many([broken, example], tmp_path / "out", converter_factory=FakeConverter, workers=2)
    assert [o.ok for o in outcomes] == [False, True]
    assert isinstance(outcomes[0].error, WorkbookFileError)
    assert "лист «Заявка» повреждён" in str(outcomes[0].error)
    assert names(tmp_path / "out") == [f"{STEM}.docx", f"{STEM}.pdf"]


def test_outcome_carries_what_a_manifest_needs(example: Path, tmp_path: Path) -> None:
    from datetime import date

    [outcome] = render_many([example], tmp_path, formats=("docx",))
    assert outcome.kind == "zayavka"
    assert outcome.identity == ("МАОУ гимназия № 56 г. Томска", date(2023, 5, 12), "")
    assert outcome.documents == [STEM]
