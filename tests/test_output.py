"""Name output files safely and publish them without ever replacing a different file unless forced."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.errors import OutputExistsError
from docgen.output import MAX_STEM, publish, safe_file_name, same_content, staging, write_atomically

# --- safe_file_name --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stem", "safe"), [
    ("Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска", "Заявка стажировочная ОО МАОУ гимназия № 56 г. Томска"),
    ("МАОУ\u00a0СОШ\u00a0№\u00a05", "МАОУ СОШ № 5"),  # NBSP from typesetting: a plain space in a file name
    ("СОШ № 5 / филиал", "СОШ № 5-филиал"),
    ("a/b\\c|d", "a-b-c-d"),
    ("Отчёт: 2023", "Отчёт-2023"),
    ('Школа "Радуга"', "Школа «Радуга»"),
    ('"Радуга" и "Солнце"', "«Радуга» и «Солнце»"),
    ("что? где* <когда>", "что где когда"),
    ("Заявка.", "Заявка"),
    ("Заявка. . .", "Заявка"),
    ("Заявка   ", "Заявка"),
    ("  много    пробелов  ", "много пробелов"),
])
def test_safe_file_name(stem: str, safe: str) -> None:
    assert safe_file_name(stem) == safe


@pytest.mark.parametrize("reserved", ["CON", "con", "PRN", "aux", "NUL", "COM1", "com9", "LPT1", "nul.txt", "CON."])
def test_reserved_windows_names_get_a_prefix(reserved: str) -> None:
    safe = safe_file_name(reserved)
    assert safe == f"документ {reserved.rstrip('.')}"


@pytest.mark.parametrize("stem", ["COM10", "console", "Конспект"])
def test_names_that_only_look_reserved_stay(stem: str) -> None:
    assert safe_file_name(stem) == stem


@pytest.mark.parametrize("stem", ["", "   ", "...", " . ", "???", "<*>", "\x00\x1f"])
def test_nothing_usable_becomes_a_default_name(stem: str) -> None:
    assert safe_file_name(stem) == "документ"


def test_long_name_is_cut_without_a_trailing_dot() -> None:
    assert len(safe_file_name("a" * 300)) == MAX_STEM  # Latin: the character limit binds
    assert len(safe_file_name("а" * 300).encode("utf-8")) <= 240  # Cyrillic: the byte limit binds
    cut = safe_file_name("b" * (MAX_STEM - 1) + ". продолжение")
    assert cut == "b" * (MAX_STEM - 1) + "…"


def test_a_long_name_is_cut_at_a_word_boundary() -> None:
    """The full name typed as the short one: the file name ends on a whole word, and «…» says it was cut."""
    full = ("муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 56 с "
            "углублённым изучением отдельных предметов г. Томска: филиал")
    cut = safe_file_name("Заявка стажировочная ОО " + full)
    assert cut == ("Заявка стажировочная ОО муниципальное автономное общеобразовательное учреждение средняя "
                   "общеобразовательная школа № 56…")
    assert len(cut.encode()) <= 230


@pytest.mark.parametrize("stem", ["Заявка стажировочная ОО " + "МАОУ «Школа» № 5 " * 3, 'a:b/c"d"*?<>|' * 4])
def test_safe_name_can_be_created(stem: str, tmp_path: Path) -> None:
    path = tmp_path / (safe_file_name(stem) + ".docx")
    path.write_bytes(b"x")
    assert path.read_bytes() == b"x"
    assert path.parent == tmp_path


def test_long_cyrillic_name_can_be_created(tmp_path: Path) -> None:
    stem = safe_file_name("Заявка стажировочная ОО " + "муниципальное автономное общеобразовательное учреждение " * 3)
    assert len((stem + ".docx").encode()) <= 255
    path = tmp_path / (stem + ".docx")
    path.write_bytes(b"x")
    assert path.exists()


def test_line_break_in_a_name_becomes_a_space() -> None:
    assert safe_file_name("МАОУ СОШ\n№ 5") == "МАОУ СОШ № 5"


# --- same_content ----------------------------------------------------------------------------------------------


def _pdf(body: bytes, created: bytes, doc_id: bytes, checksum: bytes) -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj\n<</Creator(Writer)/Producer(LibreOffice 7.4)/CreationDate(" + created + b")>>\nendobj\n"
        b"2 0 obj\n<</Length 10>>\nstream\n" + body + b"\nendstream\nendobj\n"
        b"trailer\n<</Size 3/Root 1 0 R/Info 1 0 R/ID [ <" + doc_id + b"> <" + doc_id + b"> ]\n"
        b"/DocChecksum /" + checksum + b">>\nstartxref\n0\n%%EOF\n"
    )


def test_pdfs_differing_only_in_dates_and_ids_are_the_same(tmp_path: Path) -> None:
    old = tmp_path / "old.pdf"
    new = tmp_path / "new.pdf"
    old.write_bytes(_pdf(b"BT (page) ET", b"D:20240101120000+07'00'", b"AB12CD34", b"0123ABCD"))
    new.write_bytes(_pdf(b"BT (page) ET", b"D:20250315093000+07'00'", b"FFEE9988", b"99FF00AA"))
    assert old.read_bytes() != new.read_bytes()
    assert same_content(old, new)


def test_pdfs_with_different_pages_differ(tmp_path: Path) -> None:
    old = tmp_path / "old.pdf"
    new = tmp_path / "new.pdf"
    old.write_bytes(_pdf(b"BT (page) ET", b"D:20240101120000", b"AB12", b"0123"))
    new.write_bytes(_pdf(b"BT (edit) ET", b"D:20240101120000", b"AB12", b"0123"))
    assert not same_content(old, new)


def test_xmp_dates_and_uuids_are_ignored(tmp_path: Path) -> None:
    xmp = b"<xmp:CreateDate>%s</xmp:CreateDate><xmpMM:DocumentID>uuid:%s</xmpMM:DocumentID>"
    old = tmp_path / "old.pdf"
    new = tmp_path / "new.pdf"
    old.write_bytes(b"%PDF-1.7\n" + xmp % (b"2024-01-01T12:00:00", b"1b4e28ba-2fa1-11d2-883f-0016d3cca427"))
    new.write_bytes(b"%PDF-1.7\n" + xmp % (b"2025-02-02T08:30:00", b"9f0e1d2c-0000-4a4a-8b8b-123456789abc"))
    assert same_content(old, new)


def test_other_files_are_compared_byte_for_byte(tmp_path: Path) -> None:
    old = tmp_path / "old.docx"
    new = tmp_path / "new.docx"
    old.write_bytes(b"/CreationDate(D:2024) same")
    new.write_bytes(b"/CreationDate(D:2025) same")
    assert not same_content(old, new)
    new.write_bytes(old.read_bytes())
    assert same_content(old, new)


# --- publish ---------------------------------------------------------------------------------------------------


def _staged(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_publish_moves_new_files_into_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staging(out) as stage:
        staged = _staged(stage, "Заявка.docx", b"new")
        written = publish([(staged, out / "Заявка.docx")], force=False)
        assert written == [out / "Заявка.docx"]
        assert not staged.exists()
    assert (out / "Заявка.docx").read_bytes() == b"new"
    assert [p.name for p in out.iterdir()] == ["Заявка.docx"]  # the staging folder is gone


def test_publish_refuses_a_different_file_and_leaves_it_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "Заявка.docx"
    target.write_bytes(b"old, edited by hand")
    with staging(out) as stage:
        staged = _staged(stage, "Заявка.docx", b"new")
        with pytest.raises(OutputExistsError) as info:
            publish([(staged, target)], force=False)
        assert staged.read_bytes() == b"new"
    assert info.value.path == target
    assert "уже существует и отличается от нового" in str(info.value)
    assert "--force" in str(info.value)
    assert target.read_bytes() == b"old, edited by hand"
    assert sorted(p.name for p in out.iterdir()) == ["Заявка.docx"]


def test_publish_refuses_before_moving_anything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.pdf").write_bytes(b"%PDF other")
    with staging(out) as stage:
        pairs = [(_staged(stage, "a.docx", b"docx"), out / "a.docx"), (_staged(stage, "b.pdf", b"%PDF new"),
                                                                       out / "b.pdf")]
        with pytest.raises(OutputExistsError) as info:
            publish(pairs, force=False)
    assert info.value.path == out / "b.pdf"
    assert not (out / "a.docx").exists()  # the first file was not published either
    assert (out / "b.pdf").read_bytes() == b"%PDF other"


def test_publish_allows_an_identical_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "Заявка.docx"
    target.write_bytes(b"same")
    before = target.stat().st_mtime_ns
    with staging(out) as stage:
        written = publish([(_staged(stage, "Заявка.docx", b"same"), target)], force=False)
    assert written == [target]
    assert target.read_bytes() == b"same"
    assert target.stat().st_mtime_ns == before  # left as it was, not rewritten


def test_publish_keeps_an_existing_pdf_that_differs_only_in_dates(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "Заявка.pdf"
    old = _pdf(b"BT (page) ET", b"D:20240101120000", b"AB12", b"0123")
    target.write_bytes(old)
    with staging(out) as stage:
        staged = _staged(stage, "Заявка.pdf", _pdf(b"BT (page) ET", b"D:20250101120000", b"CD34", b"4567"))
        assert publish([(staged, target)], force=False) == [target]
    assert target.read_bytes() == old


def test_publish_replaces_with_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "Заявка.docx"
    target.write_bytes(b"old")
    with staging(out) as stage:
        written = publish([(_staged(stage, "Заявка.docx", b"new"), target)], force=True)
    assert written == [target]
    assert target.read_bytes() == b"new"


def test_write_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "файл.txt"
    write_atomically(target, b"first", force=False)
    assert target.read_bytes() == b"first"
    write_atomically(target, b"first", force=False)  # identical: allowed
    with pytest.raises(OutputExistsError):
        write_atomically(target, b"second", force=False)
    assert target.read_bytes() == b"first"
    write_atomically(target, b"second", force=True)
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["файл.txt"]  # no staging folder left behind
