"""Read a PDF as a person sees it and list what an official paper must not show.

What a clerk returns a paper for (issue 11): an e-mail, a phone, a web address, «№ 477», «45 %», «г. Томска»,
«В.В. Пустоваловой» or a date broken across two lines; a proper name hyphenated at the end of a line; a table or text
outside the margins (30 mm left, 10 mm right).  The check reads the drawn characters with pdfplumber: every cell of
a ruled table is a text block of its own, everything else on a page is one block; the lines of a block are compared
pairwise at each line end.  Blocks of the body continue across pages.

`check_pdf(path, whole=…)` returns the problems as Russian-free plain strings for an assertion message; `whole`
lists values (e-mails, phones, names from the workbooks) that must stand on one line wherever they are printed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber

MM = 72 / 25.4
LEFT_MARGIN_MM = 30
RIGHT_MARGIN_MM = 10
TOP_TEXT_MM = 17  # the page number and the draft mark stand in the header, 10 mm from the top edge
MAX_GAP_EM = 2.0  # a justified line stretched further than this has «very wide word gaps» (issue 11, point 5)
COLUMN_GAP_MM = 15  # wider than any space of a justified line: the gap between cells of a borderless table
CELL_PADDING_MM = 1.9  # Word's default left and right cell margins
TOLERANCE_MM = 0.6  # half a border line and rounding; a table pushed 2 mm into the margin is far beyond it

NBSP = "\u00a0"
_SPACE = f"[ {NBSP}]"
_HYPHENS = "-\u00ad\u2010\u2011"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DOMAIN_TAIL = re.compile(r"[A-Za-z0-9-]*\.[A-Za-z0-9.-]*[A-Za-z]")
_MONTHS = ("января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
           "январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь")
_PHONE_HEAD = re.compile(rf"(?:(?:\+7|8)(?:{_SPACE}?\(\d{{3,5}}\))?|\(\d{{3,5}}\))$")
_PHONE_REST = re.compile(rf"\(?\d{{1,5}}\)?{_SPACE}?\d{{1,3}}[-\u2011{NBSP} ]\d{{2}}")
_PROPER_TAGS = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}


@dataclass
class Line:
    page: int
    text: str
    x0: float
    x1: float
    first_width: float = 0.0  # of the first and the last word (points)
    last_width: float = 0.0
    columns: bool = False  # a row of a table without borders (a signature): its cells are side by side
    stretch: float = 0.0  # of a justified line that reaches the right margin: its widest word gap, in ems


@dataclass
class Block:
    """One table cell, or the rest of a page (then continued by the next page's rest)."""

    lines: list[Line] = field(default_factory=list)
    width: float = 170 * MM  # room for a line: the cell less its padding, or the text width of the page
    body: bool = False  # the text outside tables, justified


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _is_proper_name(word: str, sentence_start: bool) -> bool:
    """Tell whether a capitalised word is (part of) a proper name: a person, a place, an organization."""
    if not word[:1].isupper() or word.isupper():
        return False  # lower-case words and abbreviations («МАОУ») are checked against the known names only
    morph = _morph()
    if not re.fullmatch(r"[А-ЯЁа-яё]+", word):
        return True  # «Горно-Алтайск», a Latin name: never break it
    if not sentence_start:
        return True  # a capital inside a sentence: «Города Томска», «Турочакский», «Кудрявцева»
    if not morph.word_is_known(word.lower()):
        return True  # «Артыбашская», «Кебезенская»: not in the dictionary, so a name
    return any(_PROPER_TAGS & set(p.tag.grammemes) for p in morph.parse(word)[:2])


def _words(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split a row of characters into words at spaces (not at non-breaking ones) and at wide empty gaps."""
    words: list[list[dict[str, Any]]] = [[]]
    previous: dict[str, Any] | None = None
    for char in sorted(chars, key=lambda c: c["x0"]):
        gap = char["x0"] - previous["x1"] if previous is not None else 0.0
        if char["text"] == " ":
            words.append([])
        else:
            if gap > 0.2 * char["size"] and words[-1]:
                words.append([])  # LibreOffice draws most spaces, but a justified or tabbed gap may be empty
            words[-1].append(char)
        previous = char
    return [word for word in words if word]


def _lines(chars: list[dict[str, Any]], page: int, right: float = 0.0) -> list[Line]:
    """Group characters into lines; `right` (the right margin, for the body only) lets a justified line be told."""
    rows: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"], 0), c["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - char["bottom"]) <= 1.5:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        words = _words(row)
        if words:
            text = " ".join("".join(c["text"] for c in word) for word in words)
            gaps = [b[0]["x0"] - a[-1]["x1"] for a, b in itertools.pairwise(words)]
            columns = any(gap > COLUMN_GAP_MM * MM for gap in gaps)
            end = words[-1][-1]["x1"]
            stretch = (max(gaps) / words[0][0]["size"] if gaps and right and not columns
                       and end >= right - TOLERANCE_MM * MM else 0.0)
            lines.append(Line(page, text, words[0][0]["x0"], end,
                              words[0][-1]["x1"] - words[0][0]["x0"], words[-1][-1]["x1"] - words[-1][0]["x0"],
                              columns, stretch))
    return lines


def _cells(page: Any) -> list[tuple[float, float, float, float]]:
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    return [cell for table in page.find_tables(settings) for cell in table.cells]


def read_blocks(pdf_path: Path) -> tuple[list[Block], list[str]]:
    """Return the text blocks of a PDF and the problems of its geometry (what lies outside the margins)."""
    blocks: list[Block] = []
    problems: list[str] = []
    body = Block(body=True)
    blocks.append(body)
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            problems += _margins(page, number)
            cells = _cells(page)
            in_cells: list[list[dict[str, Any]]] = [[] for _ in cells]
            rest: list[dict[str, Any]] = []
            for char in page.chars:
                if char["top"] < TOP_TEXT_MM * MM:
                    continue
                cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
                for index, (x0, top, x1, bottom) in enumerate(cells):
                    if x0 <= cx <= x1 and top <= cy <= bottom:
                        in_cells[index].append(char)
                        break
                else:
                    rest.append(char)
            body.lines += _lines(rest, number, page.width - RIGHT_MARGIN_MM * MM)
            blocks += [Block(_lines(chars, number), cells[index][2] - cells[index][0] - 2 * CELL_PADDING_MM * MM)
                       for index, chars in enumerate(in_cells) if chars]
    return blocks, problems


def _margins(page: Any, number: int) -> list[str]:
    left = LEFT_MARGIN_MM * MM - TOLERANCE_MM * MM
    right = page.width - RIGHT_MARGIN_MM * MM + TOLERANCE_MM * MM
    problems = []
    for kind, objects in (("table line", [*page.lines, *page.rects]), ("text", page.chars)):
        for obj in objects:
            if kind == "text" and obj["text"].isspace():
                continue
            if obj["x0"] < left or obj["x1"] > right:
                what = obj.get("text", "")
                problems.append(f"page {number}: {kind} {what!r} at x {obj['x0'] / MM:.1f}–{obj['x1'] / MM:.1f} mm, "
                                f"outside the margins {LEFT_MARGIN_MM}–{page.width / MM - RIGHT_MARGIN_MM:.0f} mm")
                break
    return problems


def _first(text: str) -> str:
    return text.split(" ", 1)[0]


def _last(text: str) -> str:
    return text.rsplit(" ", 1)[-1]


def _address_break(tail: str, head: str, fits: bool) -> str | None:
    """Judge a line break inside an e-mail or a web address: None when it is where typographers break one.

    An address wider than its column may break after «@» or «/», or before a «.», «/» or «-»; nowhere else (a
    line ending in its hyphen reads as a hyphenation, a break inside a word loses letters to the eye), and not at
    all when it would have fitted on one line.
    """
    # LibreOffice itself breaks after «/» and «?»
    clean = tail.endswith(("@", "/", "?")) or head.startswith((".", "/", "-"))
    if not clean:
        return "broken inside a word or at its hyphen"
    if fits:
        return "broken although it fits on one line"
    return None


_SHORT_WORDS = {"а", "в", "и", "к", "о", "с", "у", "я", "во", "да", "до", "же", "за", "из", "ко", "ли", "на", "не",
                "ни", "но", "об", "от", "по", "со", "то", "бы", "их", "ее", "её", "ей", "им", "мы", "вы", "он", "ею"}


def _broken_word(a: str, b: str) -> str | None:
    """Find a word LibreOffice broke at a letter because it was wider than its column («общеобразовательны / х»,
    «Константинопо / льская»): the line ends in a letter and the next starts with letters that are no word."""
    end = re.search(r"(?<![-\u2011])([A-Za-zА-Яа-яЁё]+)$", a)
    start = re.match(r"([а-яё]+)(?![A-Za-zА-Яа-яЁё.])", b)  # not «г.» of «г. Томска»
    if not end or not start:
        return None
    tail, head = end.group(1), start.group(1)
    morph = _morph()
    if len(head) <= 2 and head not in _SHORT_WORDS:
        return f"{tail} / {head}"
    if morph.word_is_known(head):
        return None
    if morph.word_is_known((tail + head).lower()) or (
            re.fullmatch(r"[А-ЯЁ][а-яё]+", tail) and not morph.word_is_known(tail.lower())):
        return f"{tail} / {head}"
    return None


# What must stay on one line: the end of a line, the start of the next, and what a break there would split
_KEPT_TOGETHER: tuple[tuple[str | re.Pattern[str], str | re.Pattern[str], str], ...] = (
    (_PHONE_HEAD, _PHONE_REST, "phone"),  # a code or prefix at the end, the number on the next line
    (rf"\d[{_HYPHENS}]$", r"\d", "number broken at its hyphen (phone, years)"),
    (rf"\d[{_HYPHENS}]$", r"[а-яё]{1,3}\b", "«19-й»"),
    (r"\d[–—]$", r"\d", "range of numbers («5–9»)"),
    (r"№[ \u00a0]*$", r"\d", "«№ N»"),
    (r"\d$", r"%", "«N %»"),
    # «г.» of «2023 г.» or «20____ г.» is a year's: what follows on the next line is not its word
    (r"(?<!\d{4}[ \u00a0])(?<!_[ \u00a0])(?<![А-Яа-яЁё])(?:г|ул|пр|пер|д|п)\.$", r"[А-ЯЁ\d]",
     "abbreviation and its word («г. Томска»)"),
    (r"\d$", r"г\.[ \u00a0]?[А-ЯЁ]", "«№ 56 г. Томска»"),
    (r"(?<![А-ЯЁа-яё])[А-ЯЁ]\.(?:[ \u00a0]?[А-ЯЁ]\.)?$", r"[А-ЯЁ][а-яё]", "initials and surname"),
    (r"(?<![А-ЯЁа-яё])[А-ЯЁ]\.$", r"[А-ЯЁ]\.", "initials"),
    (r"[А-ЯЁ][а-яё]+$", r"[А-ЯЁ]\.[ \u00a0]?[А-ЯЁ]\.", "surname and initials"),
)


def _break_problems(a: str, b: str, previous_word: str, fits: bool = False) -> list[str]:
    """What is wrong with breaking the line after `a` and going on with `b` (`previous_word` ends the line before;
    `fits` tells whether the last word of `a` and the first of `b` together would have fitted on one line).
    """
    found = []
    tail, head = _last(a), _first(b)
    bare_tail = tail.rstrip(",;)»")
    # e-mail: its parts on two lines
    if ("@" in tail and tail == bare_tail and (not _EMAIL.fullmatch(tail.lstrip("(«:")) or _DOMAIN_TAIL.match(head))) \
            or ("@" in head and tail.isascii() and re.search(r"[A-Za-z0-9._@-]$", tail)):
        verdict = _address_break(tail, head, fits)
        if verdict:
            found.append(f"e-mail {verdict}:")
    # web address
    elif ((("://" in tail or tail.startswith("www.")) and tail == bare_tail
           and re.match(r"[A-Za-z0-9/._~?=&#%-]", head) and not head.startswith(("http", "www."))
           and not re.match(r"\d+[.)] ", b))  # not the next point of a list
          or (re.search(r"https?:?$", tail) and head.startswith(("//", ":")))):
        verdict = _address_break(tail, head, fits)
        if verdict:
            found.append(f"URL {verdict}:")
    # phone: a code or prefix at the end, the number on the next line; or a number broken at its hyphen
    found.extend(kind for end, start, kind in _KEPT_TOGETHER if re.search(end, a) and re.match(start, b))
    if (re.search(r"«?\d{1,2}»?$", a) and re.match(rf"(?:{_MONTHS})\b", b)) or (
            re.search(rf"\d»?[ \u00a0](?:{_MONTHS})$", a) and re.match(r"\d{4}", b)) or (
            re.search(r"\d{4}$", a) and re.match(r"г\.", b)):
        found.append("date")
    broken = _broken_word(a, b)
    if broken:
        found.append(f"word broken without a hyphen ({broken})")
    # hyphenation of a proper name
    hyphenated = re.search(rf"([A-Za-zА-Яа-яЁё]+)[{_HYPHENS}]$", a)
    if hyphenated and re.match(r"[A-Za-zА-Яа-яЁё]", b):
        first = hyphenated.group(1)
        rest = re.match(r"[A-Za-zА-Яа-яЁё]+", b)
        second = rest.group(0) if rest else ""
        words = a.split(" ")
        before = words[-2] if len(words) > 1 else previous_word
        # a capital after a full stop or opening a quoted title is not by itself a name: the dictionary decides
        sentence_start = before == "" or before[-1:] in ".!?:;" or (
            tail.startswith("«") and not before.isupper())  # «Турочакский» after «МО»: a name
        morph = _morph()
        compound = (len(first) > 3 and morph.word_is_known(first.lower()) and morph.word_is_known(second.lower())
                    and not morph.word_is_known((first + second).lower()))
        if first.isupper() and second.isupper():
            found.append(f"abbreviation hyphenated ({first}-{second})")
        elif second[:1].isupper():
            pass  # a double name («Кудрявцева-Артыбашская») at its own hyphen, which stays at the line's end
        elif compound and (sentence_start or first[:1].islower()):
            pass  # «Инструктивно-методическое» at its own hyphen
        elif _is_proper_name(first + second, sentence_start):
            found.append(f"proper name hyphenated ({first}-{second})")
    return found


def _fits(block: Block, index: int) -> bool:
    """Tell whether the word broken after line `index` would have fitted on one line of a table cell.

    The word goes on over every following line that is one word only (a long address over three lines).  In the
    body, justified, a long address may break at its clean points even when it would fit a line of its own: moving
    it whole would stretch the line before it.
    """
    if block.body:
        return False
    lines = block.lines
    total = lines[index].last_width
    for line in lines[index + 1:]:
        total += line.first_width
        if " " in line.text:
            break
    return total <= block.width


def check_blocks(blocks: Sequence[Block], whole: Iterable[str] = ()) -> list[str]:
    """List every break a reader would send back, in every block."""
    problems: list[str] = []
    for block in blocks:
        previous_word = ""  # the last word of the line before `a`
        for index, (a, b) in enumerate(zip(block.lines, block.lines[1:], strict=False)):
            if a.columns or b.columns:
                previous_word = _last(a.text)
                continue  # lines of different cells side by side: what ends one does not go on in the other
            for kind in _break_problems(a.text, b.text, previous_word, _fits(block, index)):
                problems.append(f"page {a.page}: {kind} broken: «{a.text[-40:]}» / «{b.text[:40]}»")
            previous_word = _last(a.text)
    for block in blocks:
        for line in block.lines:
            if line.stretch > MAX_GAP_EM:
                problems.append(f"page {line.page}: a word gap of {line.stretch:.1f} em in a justified line: "
                                f"«{line.text[:60]}»")
    flat_lines = [_flat(line.text) for block in blocks for line in block.lines]
    for value in {_flat(v) for v in whole if v.strip()}:
        joined = " ".join(flat_lines)
        if value in joined and not any(value in line for line in flat_lines):
            problems.append(f"«{value}» is broken across lines")
        elif value not in joined and value in "".join(flat_lines):
            problems.append(f"«{value}» is broken across lines (inside a word)")
    return problems


def _flat(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def is_libreoffice_pdf(path: Path) -> bool:
    """Tell whether a file is a PDF LibreOffice made (not the tiny stand-in of the tests' fake converter)."""
    try:
        with pdfplumber.open(path) as pdf:
            return "LibreOffice" in str(pdf.metadata.get("Producer", ""))
    except Exception:  # a stand-in or a broken file: nothing to check
        return False


def check_pdf(pdf_path: Path, whole: Iterable[str] = ()) -> list[str]:
    """Return every problem of one PDF: broken values, hyphenated names, text or tables outside the margins."""
    blocks, problems = read_blocks(pdf_path)
    return problems + check_blocks(blocks, whole)


def values_to_keep_whole(texts: Iterable[str]) -> set[str]:
    """Pick from workbook texts what must print on one line: phones (e-mails and web addresses may break at their
    clean points when wider than a column, which the line-by-line rules judge)."""
    found: set[str] = set()
    for text in texts:
        found.update(m.strip() for m in re.findall(
            r"(?:\+7|8)[ \u00a0]?\(\d{3,5}\)[ \u00a0]?\d{1,3}[-\u2011]\d{2}[-\u2011]\d{2}", text))
    return found


# --- the order's annexes ---------------------------------------------------------------------------------------

# A reference to an annex of the order itself: «(приложение № 2)», «приложением № 1 к настоящему распоряжению»; not
# «приложением № 3 к Положению … (приказ … № 352)», an annex of another act.
_ANNEX_REFERENCE = re.compile(r"приложени\w*\s+№\s*(\d+)(?!\d|\s+к\s+(?!настоящему))", re.IGNORECASE)
_FORM_REFERENCE = re.compile(r"приложени\w*\s+к\s+Положению", re.IGNORECASE)


def annex_problems(pdf_path: Path) -> list[str]:
    """Return the annexes of an order its text never mentions, and the mentions of annexes it does not have.

    An annex is its mark top right as printed: a line «Приложение № N», or a line «Приложение» over «к Положению …»
    (the Положение's own annex, the form of the заявка).  The order's text is every body line before the first mark.
    A PDF that starts with a mark (an annex printed alone) has no order text to check.
    """
    blocks, _ = read_blocks(pdf_path)
    lines = [_flat(line.text) for line in blocks[0].lines]
    marks: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if numbered := re.fullmatch(r"Приложение № (\d+)", line):
            marks.append((index, numbered[1]))
        elif line == "Приложение" and index + 1 < len(lines) and lines[index + 1].startswith("к Положению"):
            marks.append((index, "к Положению"))
    if not marks or marks[0][0] == 0:
        return []
    text = re.sub(r"(?<=[а-яё])- (?=[а-яё])", "", " ".join(lines[: marks[0][0]]))  # a word hyphenated at a line end
    referenced = {m[1] for m in _ANNEX_REFERENCE.finditer(text)}
    referenced |= {"к Положению"} if _FORM_REFERENCE.search(text) else set()
    present = {mark for _, mark in marks}
    return ([f"annex «{mark}» is in the document but its text never mentions it"
             for mark in sorted(present - referenced)]
            + [f"the text refers to annex «{mark}», which the document does not have"
               for mark in sorted(referenced - present)])
