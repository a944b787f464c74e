"""Read dates and terms as Russians write them: «15 октября 2023 г.», «окт. 2023», «IV квартал 2023», …

Pure functions for the loader's value conversion.  `parse_day` reads one calendar day; `parse_term` reads the
term of an event in any of the kinds `EventDate` keeps.  Both raise `DateError`, whose message says what is
expected with an example (the loader adds the value typed).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from docgen.text import MONTHS_GENITIVE, MONTHS_NOMINATIVE

DAY_EXAMPLE = "например 15.10.2023 или «15 октября 2023»"
TERM_EXAMPLE = ("например 15.10.2023, «ноябрь 2023», «ноябрь–декабрь 2023», «IV квартал 2023» "
                "или «в течение 2023-2024 учебного года»")


class DateError(ValueError):
    """Text that is not a date (or not a term); the message says what is expected."""


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _month_number(word: str) -> int | None:
    word = word.lower().replace("ё", "е").rstrip(".")
    for number, (nom, gen) in enumerate(zip(MONTHS_NOMINATIVE, MONTHS_GENITIVE, strict=True), start=1):
        # «окт», «нояб», «сент», «февр»: any abbreviation of three letters or more, as people shorten them
        if word in (nom, gen) or (len(word) >= 3 and nom.startswith(word)) or (len(word) >= 3 and
                                                                              gen.startswith(word)):
            return number
    return None


def _year(text: str) -> int:
    value = int(text)
    return 2000 + value if len(text) == 2 else value


def _normal(text: str) -> str:
    """Lower-case, «ё» as «е», one kind of dash, single spaces, no «г.»/«года»/quotes around the day."""
    text = text.lower().replace("ё", "е").replace("\u00a0", " ")
    text = re.sub(r"\s*[–—‒−-]\s*", "-", text)  # every dash a person types
    text = re.sub(r"[«»\"“”„]", "", text)
    text = re.sub(r"(?<=\d)\s*(?:г\.?|гг\.?|года?)(?=\s|-|$)", "", text)  # «2023 г.», «2023 года», «2023г»
    text = re.sub(r"\s+", " ", text).strip().rstrip(".").strip()
    return text


_M = r"([а-я]{3,}\.?)"  # a month word, maybe shortened with a dot
_Y = r"(\d{4}|\d{2})"
_NUMERIC = re.compile(r"(\d{1,2})[./](\d{1,2})[./]" + _Y)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WORDS = re.compile(r"(\d{1,2}) " + _M + " " + r"(\d{4})")


def _day(text: str) -> date | None:
    """Read one day from normalized text; None when the text is not written as a day."""
    for pattern, order in ((_NUMERIC, "dmy"), (_ISO, "ymd"), (_WORDS, "dwy")):
        m = pattern.fullmatch(text)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "dmy":
            day, month, year = int(a), int(b), _year(c)
        elif order == "ymd":
            year, month, day = int(a), int(b), int(c)
        else:
            number = _month_number(b)
            if number is None:
                return None
            day, month, year = int(a), number, int(c)
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise DateError("такой даты нет в календаре; " + DAY_EXAMPLE) from exc
    return None


def _month(text: str) -> tuple[int, int] | None:
    """Read «ноябрь 2023», «окт. 2023», «ноя.23», «10.2023» as (year, month)."""
    m = re.fullmatch(_M + r"\s?" + _Y, text)
    if m:
        number = _month_number(m.group(1))
        return (_year(m.group(2)), number) if number else None
    m = re.fullmatch(r"(\d{1,2})[./](\d{4})", text)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(2)), int(m.group(1))
    return None


def parse_day(text: str) -> date:
    """Read a calendar day written as people write it; raise DateError for anything else."""
    normal = _normal(text)
    found = _day(normal)
    if found is not None:
        return found
    if _month(normal) is not None or parse_term_or_none(normal) is not None:
        raise DateError("здесь нужна дата с числом, а не месяц или период; " + DAY_EXAMPLE)
    raise DateError("ожидается дата, " + DAY_EXAMPLE)


def parse_term(text: str) -> dict[str, Any]:
    """Read the term of an event; return the fields of an `EventDate`. Raise DateError when it is no term."""
    found = parse_term_or_none(_normal(text))
    if found is None:
        raise DateError("ожидается срок, " + TERM_EXAMPLE)
    return found


def parse_term_or_none(text: str) -> dict[str, Any] | None:
    """Read normalized text as a term, or return None."""
    text = re.sub(r"^(?:в течение|на протяжении)\s+", "в течение ", text)
    if text in ("в течение года", "в течение учебного года", "ежегодно", "в течение всего года"):
        return {"kind": "yearly"}
    m = re.fullmatch(r"(?:в течение )?(\d{4})\s?[-/]\s?(\d{4}) (?:учебного года|учебный год|уч\.? ?г|уч\.? ?года?)",
                     text)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return {"kind": "school_year", "year": int(m.group(1))}
    m = re.fullmatch(r"(i{1,2}|[12])(?:-?е)? (?:полугодие|пол\.) (?:(\d{4})\s?[-/]\s?)?(\d{4})"
                     r"(?: (?:учебного года|учебный год|уч\.? ?г|уч\.? ?года?))?", text)
    if m and _half(m) is not None:
        return _half(m)
    m = re.fullmatch(r"(i{1,3}|iv|[1-4])(?:-?й)? (?:кв\.?|квартал) " + _Y, text)
    if m:
        quarter = _ROMAN[m.group(1)]
        return {"kind": "quarter", "year": _year(m.group(2)), "month": 3 * quarter - 2, "end_month": 3 * quarter}
    day = _day(text)
    if day is not None:
        return {"kind": "day", "year": day.year, "month": day.month, "day": day.day}
    month = _month(text)
    if month is not None:
        return {"kind": "month", "year": month[0], "month": month[1]}
    return _span(text)


def _half(m: re.Match[str]) -> dict[str, Any] | None:
    """«2 полугодие 2024-2025», «II полугодие 2024–2025 учебного года»: half a school year, as a span of months.

    The first half is September to December, the second January to May.  A single year («1 полугодие 2024») is
    not read: January to June or the school year's autumn would be a guess, so only school years are read.
    """
    first, last = m.group(2), m.group(3)
    if first is None or int(last) != int(first) + 1:
        return None
    if _ROMAN[m.group(1)] == 1:
        return {"kind": "half", "year": int(first), "month": 9, "end_year": int(first), "end_month": 12}
    return {"kind": "half", "year": int(last), "month": 1, "end_year": int(last), "end_month": 5}


def _span(text: str) -> dict[str, Any] | None:
    """Read a span: «ноябрь-декабрь 2023», «сентябрь 2023-май 2024», «15-16 октября 2023», «15.10.2023-20.10.2023»."""
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2}) " + _M + r" (\d{4})", text)
    if m:
        month = _month_number(m.group(3))
        if month is None:
            return None
        return _days(_day(f"{m.group(1)} {m.group(3)} {m.group(4)}"), _day(f"{m.group(2)} {m.group(3)} {m.group(4)}"))
    if text.count("-") != 1:
        return None
    left, right = text.split("-")
    end_day, start_day = _day(right), _day(left)
    if end_day is not None and start_day is not None:
        return _days(start_day, end_day)
    end = _month(right)
    if end is None:
        return None
    start_month = _month(left)
    if start_month is None:
        number = _month_number(left)  # «ноябрь-декабрь 2023»: the year is written once, at the end
        if number is None:
            return None
        start_month = (end[0] if number <= end[1] else end[0] - 1, number)
    return {"kind": "months", "year": start_month[0], "month": start_month[1], "end_year": end[0], "end_month": end[1]}


def _days(start: date | None, end: date | None) -> dict[str, Any] | None:
    if start is None or end is None:
        return None
    return {"kind": "days", "year": start.year, "month": start.month, "day": start.day,
            "end_year": end.year, "end_month": end.month, "end_day": end.day}
