"""Clean spreadsheet text and set Russian official typography: pure functions, checked value by value."""

from __future__ import annotations

from datetime import date

import pytest

from docgen.text import (
    NBSP,
    clean_cell_text,
    decode_ooxml_escapes,
    format_date,
    format_date_words,
    format_period,
    parse_month_year,
    tie_numbers,
)

# --- clean_cell_text -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "clean"), [
    ("а\x07б", "аб"),  # BEL: Word's XML cannot hold it
    ("а\x0bб", "аб"),  # vertical tab: docxtpl would make a line break of it
    ("а\x0cб", "аб"),  # form feed: a page break
    ("а\x00б\x01в\x08г", "абвг"),
    ("а\x0eб\x1fв\x7fг", "абвг"),
    ("а\ufffeб\uffffв", "абв"),
])
def test_control_characters_are_removed(raw: str, clean: str) -> None:
    assert clean_cell_text(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [
    ("первая\r\nвторая", "первая\nвторая"),
    ("первая\rвторая", "первая\nвторая"),
    ("первая\nвторая", "первая\nвторая"),
    ("первая\r\n\r\nвторая", "первая\n\nвторая"),  # a blank line inside separates paragraphs: kept
])
def test_newlines_become_unix_newlines(raw: str, clean: str) -> None:
    assert clean_cell_text(raw) == clean


def test_outer_blank_lines_and_spaces_go_inner_ones_stay() -> None:
    assert clean_cell_text("\n \n  Тема   стажировки  \n\n  вторая  строка \n\n") == "Тема стажировки\n\nвторая строка"


def test_tabs_and_non_breaking_spaces_are_kept() -> None:
    assert clean_cell_text("№\u00a056\tгимназия") == "№\u00a056\tгимназия"
    assert clean_cell_text("а\u00a0\u00a0б") == "а\u00a0\u00a0б"


def test_typographic_spaces_collapse_to_one_space() -> None:
    assert clean_cell_text("а\u2009\u2009б\u202fв\u3000г") == "а б в г"


@pytest.mark.parametrize("raw", ["", "   ", "\r\n\r\n", "\x07\x0b", " \t\x00 ", "\n\u2009\n"])
def test_nothing_but_blanks_is_empty(raw: str) -> None:
    assert clean_cell_text(raw) == ""


def test_markup_characters_are_left_alone() -> None:
    text = "А & Б < В > Г «Д» {{ x }} {% if %} {#к#} </w:t> &amp;"
    assert clean_cell_text(text) == text


def test_cleaning_twice_changes_nothing() -> None:
    once = clean_cell_text(" \r\nа\x07  б\r\n\r\nв\u2009 г \n")
    assert once == "а б\n\nв г"
    assert clean_cell_text(once) == once


def test_the_shortcut_for_clean_text_agrees_with_the_long_way() -> None:
    # clean_cell_text returns most cells untouched without cleaning them; it must never differ from cleaning
    import random

    from docgen.text import _clean

    pieces = ["а", "Б", "1", ".", " ", "  ", "\n", "\r", "\r\n", "\t", "\x07", "\x7f", "\u00a0", "\u2009",
              "\u3000", "\ufffe", "_x0007_", "«", "&"]
    rng = random.Random(7)
    samples = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    assert sum(s.isprintable() and "  " not in s and s == s.strip() for s in samples) > 1000  # shortcut taken
    for sample in samples:
        assert clean_cell_text(sample) == _clean(sample), repr(sample)


@pytest.mark.parametrize(("raw", "decoded"), [
    ("а_x0007_б", "а\x07б"),
    ("_x000D__x000A_", "\r\n"),
    ("_x041F_ривет", "Привет"),
    ("_x005F_x0041_", "_x0041_"),  # an escaped underscore: the user typed «_x0041_» literally
    ("_x00_ и _xZZZZ_", "_x00_ и _xZZZZ_"),
    ("без экранирования", "без экранирования"),
])
def test_decode_ooxml_escapes(raw: str, decoded: str) -> None:
    assert decode_ooxml_escapes(raw) == decoded


def test_escaped_control_characters_are_cleaned_after_decoding() -> None:
    assert clean_cell_text(decode_ooxml_escapes("Тема_x0007__x000B_ стажировки_x000D__x000A_")) == "Тема стажировки"


# --- tie_numbers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "tied"), [
    ("распоряжение № 477", f"распоряжение №{NBSP}477"),
    ("№477", f"№{NBSP}477"),
    ("№   56", f"№{NBSP}56"),
    (f"№{NBSP}56", f"№{NBSP}56"),
    ("В.В. Пустоваловой", f"В.В.{NBSP}Пустоваловой"),
    ("В. В. Пустоваловой", f"В.В.{NBSP}Пустоваловой"),
    ("Директору МАУ ИМЦ В.В. Пустоваловой", f"Директору МАУ ИМЦ В.В.{NBSP}Пустоваловой"),
    ("Пустовалова В.В.", f"Пустовалова{NBSP}В.В."),
    ("Пустовалова В. В.", f"Пустовалова{NBSP}В.В."),
    ("г. Томска", f"г.{NBSP}Томска"),
    ("МАОУ гимназия № 56 г. Томска", f"МАОУ гимназия №{NBSP}56{NBSP}г.{NBSP}Томска"),
    ("ул. Учебная, д. 7", f"ул.{NBSP}Учебная, д.{NBSP}7"),
    ("с. Богашево", f"с.{NBSP}Богашево"),
])
def test_tie_numbers(raw: str, tied: str) -> None:
    assert tie_numbers(raw) == tied
    assert tie_numbers(tied) == tied  # idempotent: safe to apply to text already typeset


@pytest.mark.parametrize("text", [
    "в 2023 г. и далее",  # «г.» before a lowercase word: the end of a phrase, not «г. Томск»
    "год. Томск",  # «д.» inside a word is not the abbreviation «д.»
    "Тема стажировки",
    "",
])
def test_tie_numbers_leaves_other_text_alone(text: str) -> None:
    assert tie_numbers(text) == text


# --- dates -----------------------------------------------------------------------------------------------------


def test_format_date_is_numeric_with_leading_zeros() -> None:
    assert format_date(date(2023, 5, 4)) == "04.05.2023"


def test_format_period_joins_two_dates_with_an_en_dash() -> None:
    assert format_period(date(2023, 9, 1), date(2024, 5, 31)) == "01.09.2023 – 31.05.2024"
    assert format_date(date(2024, 12, 31)) == "31.12.2024"


@pytest.mark.parametrize(("day", "words"), [
    (date(2023, 5, 12), f"«12»{NBSP}мая{NBSP}2023{NBSP}г."),
    (date(2023, 5, 4), f"«04»{NBSP}мая{NBSP}2023{NBSP}г."),
    (date(2024, 1, 1), f"«01»{NBSP}января{NBSP}2024{NBSP}г."),
    (date(2024, 3, 8), f"«08»{NBSP}марта{NBSP}2024{NBSP}г."),
    (date(2025, 12, 31), f"«31»{NBSP}декабря{NBSP}2025{NBSP}г."),
])
def test_format_date_words(day: date, words: str) -> None:
    assert format_date_words(day) == words


@pytest.mark.parametrize(("text", "parsed"), [
    ("ноябрь 2023", (2023, 11)),
    ("ноября 2023 г.", (2023, 11)),
    ("ноября 2023 г", (2023, 11)),
    ("Ноябрь 2023 года", (2023, 11)),
    ("НОЯБРЬ 2023", (2023, 11)),
    ("  декабрь   2023  ", (2023, 12)),
    (f"ноябрь{NBSP}2023", (2023, 11)),
    ("ноя 2023", (2023, 11)),
    ("сент 2023", (2023, 9)),
    ("сентябрь 2024", (2024, 9)),
    ("январь 2024", (2024, 1)),
    ("февраля 2024", (2024, 2)),
    ("март 2024", (2024, 3)),
    ("май 2024", (2024, 5)),
    ("мая 2024", (2024, 5)),
    ("июнь 2024", (2024, 6)),
    ("июль 2024", (2024, 7)),
    ("августа 2024", (2024, 8)),
    ("октябрь 2024", (2024, 10)),
])
def test_parse_month_year(text: str, parsed: tuple[int, int] | None) -> None:
    assert parse_month_year(text) == parsed


@pytest.mark.parametrize("text", [
    "когда-нибудь", "ноябрь", "2023", "2023 ноябрь", "ноябрь 23", "01.11.2023", "осень 2023", "ма 2024",
    "ноябрь 2023 и декабрь 2023", "",
])
def test_parse_month_year_rejects_other_text(text: str) -> None:
    assert parse_month_year(text) is None


def test_number_stays_with_the_town_after_it() -> None:
    assert tie_numbers("МАОУ гимназия № 56 г. Томска") == "МАОУ гимназия №\u00a056\u00a0г.\u00a0Томска"
    assert tie_numbers("в 2023 году") == "в 2023 году"  # only before «г. <Town>»
