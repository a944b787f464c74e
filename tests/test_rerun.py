"""Re-runs redo only what changed: the record of what each output was made from (docgen.provenance)."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen import pipeline
from docgen.archive import MANIFEST_JSON, make_archive
from docgen.errors import OutputEditedError, OutputExistsError
from docgen.pipeline import Outcome, render_many
from docgen.provenance import RECORD, sha256
from docgen.render import template_path
from tests.conftest import EXAMPLE, FakeConverter, run

HABITS = EXAMPLE.parent / "Заявка МБОУ СОШ № 7 (заполнена как обычно).xlsx"
STEM = "Заявка стажировочная ОО {} г. Томска"
FIRST, SECOND, SEVENTH = (STEM.format(n) for n in ("МАОУ СОШ № 1", "МАОУ СОШ № 2", "МБОУ СОШ № 7"))


def _set(path: Path, cell: str, value: str, sheet: str = "Заявка") -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


@pytest.fixture
def books(tmp_path: Path) -> list[Path]:
    """Three заявки in a folder of their own: two copies of the example and the one «filled as usual» (warnings)."""
    folder = tmp_path / "книги"
    folder.mkdir()
    made = []
    for number in (1, 2):
        path = folder / f"заявка-{number}.xlsx"
        shutil.copy(EXAMPLE, path)
        _set(path, "B4", f"МАОУ СОШ № {number} г. Томска")
        made.append(path)
    made.append(Path(shutil.copy(HABITS, folder / "заявка-7.xlsx")))
    return made


def _render(books: list[Path], out: Path, fake: FakeConverter | None = None, **options: object) -> list[Outcome]:
    converter = fake or FakeConverter()
    outcomes = render_many(books, out, converter_factory=lambda: converter, workers=1, reuse=True,
                           **options)  # type: ignore[arg-type]
    assert all(o.ok for o in outcomes), [str(o.error) for o in outcomes]
    return outcomes


def _stats(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file's inode, modification time and bytes: a file rewritten even with the same bytes changes them."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}


def _converted(fake: FakeConverter) -> list[str]:
    """The documents a fake converter was given, by their published names."""
    return sorted(name.split("_", 1)[1] for call in fake.calls for name in call)


def test_unchanged_rerun_reads_renders_converts_and_rewrites_nothing(
        books: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first_fake = FakeConverter()
    first = _render(books, out, first_fake)
    assert _converted(first_fake) == [f"{FIRST}.docx", f"{SECOND}.docx", f"{SEVENTH}.docx"]
    before = _stats(out)
    assert RECORD in before

    def no_loading(*_args: object) -> None:
        raise AssertionError("an unchanged workbook was read again")

    monkeypatch.setattr(pipeline, "load", no_loading)
    fake = FakeConverter()
    again = _render(books, out, fake)
    assert fake.calls == []
    assert _stats(out) == before  # not one file rewritten, the record included
    for old, new in zip(first, again, strict=True):
        assert new.reused and new.written == old.written and new.unchanged == new.written and not new.kept
        assert new.documents == old.documents
        assert new.warnings == old.warnings  # what was said about the workbook is said again
    assert any("прямые кавычки заменены" in w for w in again[2].warnings)


def test_one_changed_workbook_is_the_only_one_redone_and_replaces_its_own_files(
        books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    before = _stats(out)
    _set(books[1], "B11", "Новая тема стажировки: цифровая образовательная среда")
    fake = FakeConverter()
    again = _render(books, out, fake)  # no --force: the old files are docgen's own and unchanged since
    assert _converted(fake) == [f"{SECOND}.docx"]
    assert [o.reused for o in again] == [True, False, True]
    after = _stats(out)
    for name in (f"{FIRST}.docx", f"{FIRST}.pdf", f"{SEVENTH}.docx", f"{SEVENTH}.pdf"):
        assert after[name] == before[name], name
    assert after[f"{SECOND}.docx"][2] != before[f"{SECOND}.docx"][2]
    assert "цифровая образовательная среда".encode() in zipfile.ZipFile(out / f"{SECOND}.docx").read(
        "word/document.xml")
    assert again[1].written == [out / f"{SECOND}.docx", out / f"{SECOND}.pdf"]
    assert again[1].unchanged == [out / f"{SECOND}.pdf"]  # the fake's PDF names only the file: the same again
    third = FakeConverter()
    _render(books, out, third)
    assert third.calls == []  # and the record now knows the new version


def test_a_changed_template_redoes_every_workbook(books: list[Path], tmp_path: Path) -> None:
    template = tmp_path / "мой шаблон.docx"
    shutil.copy(template_path("zayavka.docx"), template)
    out = tmp_path / "out"
    _render(books, out, template=template)
    with zipfile.ZipFile(template) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(b"</cp:coreProperties>",
                                                                    b"<dc:title>v2</dc:title></cp:coreProperties>")
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    fake = FakeConverter()
    again = _render(books, out, fake, template=template)
    assert _converted(fake) == [f"{FIRST}.docx", f"{SECOND}.docx", f"{SEVENTH}.docx"]
    assert not any(o.reused for o in again)
    assert b"<dc:title>v2</dc:title>" in zipfile.ZipFile(out / f"{FIRST}.docx").read("docProps/core.xml")


def test_a_changed_built_in_template_redoes_every_workbook(
        books: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "шаблоны"
    shutil.copytree(template_path("zayavka.docx").parent, templates)
    monkeypatch.setattr("docgen.render.TEMPLATE_DIR", templates)
    monkeypatch.setattr("docgen.pipeline.TEMPLATE_DIR", templates)
    out = tmp_path / "out"
    _render(books, out)
    with (templates / "plan.docx").open("ab") as fh:  # another kind's template: still a changed docgen
        fh.write(b"\0")
    fake = FakeConverter()
    _render(books, out, fake)
    assert len(fake.calls[0]) == 3


def test_force_redoes_every_workbook(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    fake = FakeConverter()
    again = _render(books, out, fake, force=True)
    assert _converted(fake) == [f"{FIRST}.docx", f"{SECOND}.docx", f"{SEVENTH}.docx"]
    assert not any(o.reused for o in again)


def test_a_deleted_output_is_remade_and_nothing_else(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    before = _stats(out)
    (out / f"{SEVENTH}.pdf").unlink()
    fake = FakeConverter()
    again = _render(books, out, fake)
    assert _converted(fake) == [f"{SEVENTH}.docx"]
    assert (out / f"{SEVENTH}.pdf").read_bytes().startswith(b"%PDF")
    assert again[2].unchanged == [out / f"{SEVENTH}.docx"]  # the same .docx again: left where it was
    assert _stats(out)[f"{SEVENTH}.docx"] == before[f"{SEVENTH}.docx"]


def test_an_output_edited_by_hand_is_kept_until_force(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    edited = out / f"{FIRST}.docx"
    edited.write_bytes(b"the clerk's signed version")
    pdf_before = (out / f"{FIRST}.pdf").read_bytes()

    fake = FakeConverter()
    [kept, *_rest] = _render(books, out, fake)  # the workbook did not change: the edit stands, said so
    assert fake.calls == []
    assert kept.reused and kept.kept == [edited] and kept.unchanged == [out / f"{FIRST}.pdf"]
    assert edited.read_bytes() == b"the clerk's signed version"

    _set(books[0], "B11", "Другая тема")  # now the workbook changed too: docgen must not overwrite the edit
    outcomes = render_many(books, out, converter_factory=FakeConverter, workers=1, reuse=True)
    error = outcomes[0].error
    assert isinstance(error, OutputEditedError)
    assert f"«{edited}»" in str(error) and "изменён после того, как docgen его создал" in str(error)
    assert "--force" in str(error)
    assert edited.read_bytes() == b"the clerk's signed version"
    assert (out / f"{FIRST}.pdf").read_bytes() == pdf_before  # all or nothing: its PDF stays the old one too
    assert outcomes[1].ok and outcomes[1].reused

    [forced, *_] = _render(books, out, force=True)
    assert forced.ok and b"\xd0\x94\xd1\x80\xd1\x83\xd0\xb3\xd0\xb0\xd1\x8f" in zipfile.ZipFile(edited).read(
        "word/document.xml")  # «Другая»


def test_a_file_docgen_did_not_record_is_still_never_replaced(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{FIRST}.docx").write_bytes(b"someone else's file")
    outcomes = render_many(books, out, converter_factory=FakeConverter, workers=1, reuse=True)
    assert type(outcomes[0].error) is OutputExistsError
    assert (out / f"{FIRST}.docx").read_bytes() == b"someone else's file"


@pytest.mark.parametrize("damage", [b"", b"{\"generator\": \"docgen\", \"sour", b"\xff\xfe garbage",
                                    json.dumps({"generator": "docgen", "format": 1, "sources": {"x": 5}}).encode()])
def test_a_damaged_record_means_redo_and_is_replaced(books: list[Path], tmp_path: Path, damage: bytes) -> None:
    out = tmp_path / "out"
    _render(books, out)
    (out / RECORD).write_bytes(damage)
    fake = FakeConverter()
    notes: list[str] = []
    again = _render(books, out, fake, notes=notes)
    assert len(fake.calls[0]) == 3 and not any(o.reused for o in again)
    assert all(o.unchanged == o.written for o in again)  # the same documents: «без изменений», not «создано»
    if damage.startswith(b'{"generator": "docgen", "format": 1'):
        assert notes == []  # a readable record with a bad entry: that entry is simply redone
    else:
        assert notes == [f"запись о прежних запусках «{RECORD}» повреждена: все документы сделаны заново, "
                         "запись заменена"]
    record = json.loads((out / RECORD).read_bytes())
    assert record["generator"] == "docgen" and len(record["sources"]) == 3
    fake = FakeConverter()
    _render(books, out, fake)
    assert fake.calls == []


def test_a_foreign_record_means_redo_and_is_left_alone(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    foreign = json.dumps({"мой": "файл"}).encode()
    (out / RECORD).write_bytes(foreign)
    notes: list[str] = []
    _render(books, out, notes=notes)
    fake = FakeConverter()
    _render(books, out, fake, notes=notes)
    assert len(fake.calls[0]) == 3  # no record could be kept: everything is made again
    assert (out / RECORD).read_bytes() == foreign
    assert "записал не docgen" in notes[0] and "переименуйте или уберите его" in notes[0]


def test_an_entry_naming_a_file_outside_the_folder_is_ignored(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    outside = tmp_path / "чужой.docx"
    outside.write_bytes(b"outside")
    record = json.loads((out / RECORD).read_bytes())
    for entry in record["sources"].values():
        entry["files"] = {"../чужой.docx": sha256(outside)}
    (out / RECORD).write_text(json.dumps(record), encoding="utf-8")
    fake = FakeConverter()
    _render(books, out, fake)
    assert len(fake.calls[0]) == 3
    assert outside.read_bytes() == b"outside"


@pytest.mark.parametrize(("first", "second", "made"), [
    ({"formats": ("docx",)}, {}, [f"{FIRST}.pdf"]),
    ({}, {"formats": ("pdf",)}, []),
    ({}, {"draft": True}, [f"ПРОЕКТ — {FIRST}.docx", f"ПРОЕКТ — {FIRST}.pdf"]),
])
def test_changed_options_redo_the_work(books: list[Path], tmp_path: Path, first: dict[str, object],
                                       second: dict[str, object], made: list[str]) -> None:
    out = tmp_path / "out"
    _render(books, out, **first)
    fake = FakeConverter()
    again = _render(books, out, fake, **second)
    assert len(fake.calls[0]) == 3 and not any(o.reused for o in again)
    fresh = [p.name for p in again[0].written if p not in again[0].unchanged]
    assert fresh == made
    fake = FakeConverter()
    assert all(o.reused for o in _render(books, out, fake, **second)) and fake.calls == []


def test_another_libreoffice_redoes_the_pdfs(books: list[Path], tmp_path: Path) -> None:
    class OtherOffice(FakeConverter):
        def fingerprint(self) -> str:
            return "LibreOffice 24.2"

    out = tmp_path / "out"
    _render(books, out)
    fake = OtherOffice()
    _render(books, out, fake)
    assert len(fake.calls[0]) == 3


def test_the_record_is_replaced_atomically_and_a_failed_write_loses_nothing(
        books: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _render(books, out)
    old = (out / RECORD).read_bytes()
    _set(books[0], "B11", "Другая тема")

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    notes: list[str] = []
    again = _render(books, out, notes=notes)
    assert not again[0].reused  # the documents were made; only the record could not be written
    assert notes == [f"запись о запуске «{out / RECORD}» не сохранена (нет места на диске): следующий запуск "
                     "сделает всё заново"]
    assert (out / RECORD).read_bytes() == old  # the old record whole, never half a new one
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [RECORD]  # no temporary left


def test_two_runs_into_one_folder_keep_each_other_s_entries(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books[:1], out)
    _render(books[1:], out)
    fake = FakeConverter()
    assert all(o.reused for o in _render(books, out, fake)) and fake.calls == []


def test_archive_and_record_use_one_hash_and_an_archive_keeps_no_record(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books[:1], out)
    record = json.loads((out / RECORD).read_bytes())
    [entry] = record["sources"].values()
    assert entry["source_sha256"] == sha256(books[0])
    archive = tmp_path / "архив"
    make_archive(books[:1], archive, converter_factory=FakeConverter, workers=1)
    assert not (archive / RECORD).exists()
    manifest = json.loads((archive / MANIFEST_JSON).read_bytes())
    docx = next(row for row in manifest["files"] if row["format"] == "DOCX")
    assert docx["source_sha256"] == entry["source_sha256"]
    assert entry["files"][docx["file"]] == docx["sha256"]  # the same .docx, the same SHA-256 in both


def test_without_reuse_nothing_is_recorded(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_many(books, out, converter_factory=FakeConverter, workers=1)  # the web page's job folders, the archive
    assert not (out / RECORD).exists()


def test_cli_rerun_says_what_it_skipped_and_kept(books: list[Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    folder, out = books[0].parent, tmp_path / "out"
    first = run("render", str(folder), "-o", str(out))
    assert first.exit_code == 0, first.output
    assert "создано 3 / 3, без изменений 0 / 0" in first.output
    (out / f"{SECOND}.pdf").write_bytes(b"%PDF-1.4 signed by hand %%EOF")
    again = run("render", str(folder), "-o", str(out))
    assert again.exit_code == 0, again.output
    assert f"Файл «заявка-1.xlsx»: без изменений «{out / FIRST}.docx», «{out / FIRST}.pdf»" in again.output
    assert (f"Файл «заявка-2.xlsx»: без изменений «{out / SECOND}.docx»; изменён после создания и оставлен как есть "
            f"(сделать заново из книги — с --force) «{out / SECOND}.pdf»") in again.output
    assert "создано" not in again.output.split("Итог:")[0]
    assert "Успешно              3 (из них без изменений — 3)" in again.output
    assert "создано 0 / 0, без изменений 3 / 2" in again.output
    assert "Изменены вручную     1 — оставлены как есть" in again.output
    assert "Готово: 3 из 3." in again.output
    (out / RECORD).write_text("{", encoding="utf-8")
    damaged = run("render", str(folder), "-o", str(out), "--format", "docx")
    assert damaged.exit_code == 0
    assert f"Примечание: запись о прежних запусках «{RECORD}» повреждена" in damaged.output


def test_registry_rerun_with_nothing_changed_says_unchanged_not_made(
        books: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    out = tmp_path / "реестр"
    first = run("registry", str(books[0].parent), "-o", str(out), "--date", "31.05.2023")
    assert first.exit_code == 0, first.output
    assert f"Создано: «{out / 'Реестр заявок.xlsx'}»" in first.output and "Без изменений" not in first.output
    again = run("registry", str(books[0].parent), "-o", str(out), "--date", "31.05.2023")
    assert again.exit_code == 0, again.output
    assert "Создано" not in again.output
    assert (f"Без изменений: «{out / 'Реестр заявок.xlsx'}», «{out / 'Реестр заявок.docx'}», "
            f"«{out / 'Реестр заявок.pdf'}», «{out / 'Реестр стажировочных площадок.html'}»") in again.output
    assert not (out / RECORD).exists()  # a registry sums up every workbook: it keeps no record


def test_a_workbook_named_twice_clashes_on_every_run(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        first, second = render_many([books[0], books[0]], out, converter_factory=FakeConverter, workers=1,
                                    reuse=True)
        assert first.ok and "то же имя файла" in str(second.error)


def test_a_renamed_document_leaves_its_old_file_and_says_so(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    _set(books[0], "B4", "МАОУ СОШ № 100 г. Томска")
    again = _render(books, out)
    assert again[0].documents == [STEM.format("МАОУ СОШ № 100")]
    assert (out / f"{FIRST}.docx").exists()  # docgen never deletes: the old file stays, and it is said
    assert f"[сведения] «{FIRST}.docx» из прежнего запуска по этой книге остался в папке (имя документа " \
           "изменилось); docgen его не удаляет" in again[0].warnings


def test_a_workbook_taking_another_s_name_clashes_and_overwrites_nothing(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books, out)
    before = _stats(out)
    _set(books[0], "B4", "МАОУ СОШ № 2 г. Томска")  # the first school now gives the second one's file name
    outcomes = render_many(books, out, converter_factory=FakeConverter, workers=1, reuse=True)
    assert "то же имя файла получается из «заявка-2.xlsx»" in str(outcomes[0].error)
    assert outcomes[1].reused and _stats(out)[f"{SECOND}.docx"] == before[f"{SECOND}.docx"]


def test_a_file_made_from_another_workbook_is_not_replaced_without_force(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(books[1:2], out)
    before = (out / f"{SECOND}.docx").read_bytes()
    _set(books[0], "B4", "МАОУ СОШ № 2 г. Томска")
    _set(books[0], "B11", "Другая тема")
    [outcome] = render_many(books[:1], out, converter_factory=FakeConverter, workers=1, reuse=True)
    assert type(outcome.error) is OutputExistsError
    assert "его сделал docgen из другой книги («заявка-2.xlsx»); чтобы заменить его, добавьте --force" in str(
        outcome.error)
    assert (out / f"{SECOND}.docx").read_bytes() == before


def test_a_long_run_still_names_the_file_kept_by_hand(books: list[Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("docgen.pdf.LibreOfficeConverter", FakeConverter)
    monkeypatch.setattr("docgen.cli.DETAIL_LIMIT", 2)  # three workbooks: successes are summed up, not listed
    folder, out = books[0].parent, tmp_path / "out"
    assert run("render", str(folder), "-o", str(out)).exit_code == 0
    (out / f"{SEVENTH}.docx").write_bytes(b"edited")
    again = run("render", str(folder), "-o", str(out))
    assert again.exit_code == 0
    assert [line for line in again.output.splitlines() if line.startswith("Файл «")] == [
        f"Файл «заявка-7.xlsx»: без изменений «{out / SEVENTH}.pdf»; изменён после создания и оставлен как есть "
        f"(сделать заново из книги — с --force) «{out / SEVENTH}.docx»"]
