"""Clean text from spreadsheets and set it in Russian official typography.

Pure functions with no third-party imports: the loader cleans every string with `clean_cell_text`, and the
render layer uses the typography helpers as Jinja filters.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

NBSP = "\u00a0"

# Characters Word's XML cannot hold or docxtpl turns into structure (\a new paragraph, \f page break, \v, NUL…).
# Newlines and tabs are kept: they are what the user typed (Alt+Enter in Excel).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff]")  # and noncharacters
_SPACES = re.compile(r"[ \u2000-\u200a\u202f\u205f\u3000]+")
# Bidi controls reorder what a reader sees (U+202E shows «…exe.docx» as «…xcod.exe»); zero-width spaces, word
# joiners and byte-order marks show nothing.  No official paper needs them, so they go.  Soft hyphens and zero-width
# (non-)joiners stay in the text: Word honours them, and emoji sequences are built with them.
_INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Printable, yet they show nothing: Braille blank, Hangul fillers, Khmer inherent vowels, combining grapheme joiner.
_FILLERS = "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_ooxml_escapes(value: str) -> str:
    """Decode Excel's «_x0007_» escapes, which openpyxl leaves in shared strings.

    Excel writes characters XML cannot hold (control characters) as _xHHHH_, and a literal «_x0041_» typed by a
    user as «_x005F_x0041_»; decoding left to right restores both correctly.
    """
    if "_x" not in value:
        return value
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def clean_cell_text(value: str) -> str:
    """Return a cell's text without control characters, with Unix newlines and no outer blanks.

    Excel stores Alt+Enter as "\\n", but files that passed through Windows tools carry "\\r\\n" or a lone "\\r";
    both become "\\n" so docxtpl renders one line break, not a stray character.  Runs of ordinary spaces inside a
    line collapse to one; non-breaking spaces are kept because users type them on purpose.
    """
    if value.isprintable() and "  " not in value and value == value.strip():
        # One line of printable text, single ASCII spaces, no blanks at the edges (most cells): nothing to clean.
        # isprintable() is False for every control character, format character, newline, tab and non-ASCII space.
        return "" if value[:1] in _FILLERS and looks_empty(value) else value
    return _clean(value)


def looks_empty(text: str) -> bool:
    """Tell whether `text` shows nothing: only spaces, format characters (U+200B, U+FEFF, …) and blank fillers.

    A required field holding «\u200b» or «\u2800» is not filled, whatever its length says.
    """
    return all(ch.isspace() or ch in _FILLERS or unicodedata.category(ch) == "Cf" for ch in text)


def strip_invisible(text: str) -> str:
    """Remove every format character (bidi controls, zero-width characters, soft hyphens) and blank filler."""
    if text.isprintable() and not any(ch in _FILLERS for ch in text):
        return text
    return "".join(ch for ch in text if ch not in _FILLERS and unicodedata.category(ch) != "Cf")


def _clean(value: str) -> str:
    """Clean a cell's text the long way; `clean_cell_text` skips this for text that has nothing to clean."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    # Drop blank lines at the edges only: blank lines inside separate paragraphs the user meant.
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    text = "\n".join(lines)
    return "" if looks_empty(text) else text


# What a spreadsheet takes for the start of a formula when it opens a CSV (OWASP, «CSV Injection»): = + - @, and a
# tab or carriage return, which Excel skips before looking for one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Return a CSV cell that Excel and Calc show as the text it is, never run as a formula.

    Text that starts like a formula gets an apostrophe in front, as OWASP recommends: «=HYPERLINK(…)» opens as the
    text «'=HYPERLINK(…)».  Numbers and empty cells are left as they are.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def tie_numbers(text: str) -> str:
    """Put a non-breaking space after «№» and between initials and a surname.

    «№ 477» and «В.В. Пустоваловой» must not break across lines (ГОСТ Р 7.0.97 practice).
    """
    text = re.sub(r"№\s*(?=\S)", "№" + NBSP, text)
    # "№ 56 г. Томска": the number stays with the town that follows it
    text = re.sub(r"(?<=\d)\s+(?=г\.\s*[А-ЯЁ])", NBSP, text)
    # "г. Томска", "ул. Учебная": an abbreviation stays with the word it abbreviates
    text = re.sub(r"(?<![А-Яа-яЁё])(г|ул|д|пр|пер|с|п)\.\s+(?=[А-ЯЁ\d])", "\\1." + NBSP, text)
    # "В.В. Пустовалова", "В. В. Пустовалова" -> "В.В.\u00a0Пустовалова"
    text = re.sub(r"\b([А-ЯЁA-Z])\.\s*([А-ЯЁA-Z])\.\s+(?=[А-ЯЁA-Z])", r"\1.\2." + NBSP, text)
    # "Пустовалова В.В." -> "Пустовалова\u00a0В.В."
    # (a surname: capitalised; «директору В.В. Пустоваловой» keeps its breakable space before the initials)
    text = re.sub(r"(?<![А-ЯЁа-яё])([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+([А-ЯЁ])\.\s*([А-ЯЁ])\.",
                  r"\1" + NBSP + r"\2.\3.", text)
    return text


NBHY = "\u2011"  # non-breaking hyphen: LibreOffice draws it with the font's «-», and a PDF copies it as «-»
WORD_JOINER = "\u2060"  # no break here; drawn as nothing and absent from the PDF's text
BREAK_HERE = "\u200b"  # a break allowed here; drawn as nothing and absent from the PDF's text

_MONTH_WORDS = "|".join((*MONTHS_GENITIVE, *MONTHS_NOMINATIVE))
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+[^\s<>«»\".,;:!?)]")
_PHONE = re.compile(
    r"(?<![\d\w])(?:(?:\+7|8)[ \u00a0]?)?(?:\(\d{3,5}\)[ \u00a0]?)?\d{1,3}(?:[-\u2011 \u00a0]\d{2}){2}(?!\d)"
    r"|(?<![\d\w])(?:(?:\+7|8)[ \u00a0]?)?\(\d{3,5}\)[ \u00a0]?\d{5,7}(?!\d)")
_TIES = (
    (re.compile(r"(?<=\d) +(?=%)"), NBSP),  # «45 %»
    (re.compile(rf"(?<=\d) +(?=(?:{_MONTH_WORDS})\b)"), NBSP),  # «12 мая», ««12» мая»
    (re.compile(rf"(?<=») +(?=(?:{_MONTH_WORDS})\b)"), NBSP),
    # «12 мая 2023»; a month alone («ноябрь 2023 г.» in a narrow «Сроки» column) may break before its year
    (re.compile(rf"((?:\d|»){NBSP}(?i:{_MONTH_WORDS})) +(?=\d{{4}})"), "\\1" + NBSP),
    (re.compile(r"(?<=\d{4}) +(?=г\.|года?\b|гг\.)"), NBSP),  # «2023 г.»
    (re.compile(r"(?<=\d{4})-(?=\d{4}(?!\d))"), NBHY),  # «2023-2024» учебный год
    (re.compile(r"(?<=\d)-(?=[а-яё]{1,3}\b)"), NBHY),  # «19-й», «5-го»
    (re.compile(r"(?<=\d)([–—])(?=\d)"), "\\1" + WORD_JOINER),  # «5–9 классов», «2023–2024»: not after the dash
)


def typeset(value: str) -> str:
    """Set a printed value so that nothing a reader needs whole breaks across lines.

    Ties with non-breaking spaces: «№ 477», «45 %», «г. Томска», «№ 56 г. Томска», «В.В. Пустоваловой»,
    «Пустовалова В.В.», dates in words («12» мая 2023 г.; «ноябрь 2023 г.» ties only «2023 г.»).  Non-breaking
    hyphens in phones («+7 (3822) 12‑34‑58»), in «2023‑2024» and «19‑й»; a word joiner after the dash of «5–9».
    A double name («Кудрявцева-Артыбашская») keeps its hyphen breakable: wider than a column, it had better break
    there than at a letter.
    An e-mail or a web address can hold neither: a word joiner after each of its hyphens keeps it from breaking
    at them (a reader would take such a hyphen for a hyphenation), and the places where it may break when it is
    wider than its column are marked with zero-width spaces: after «@» and «://», before each «.», «/» and «-»
    (the break points typographers use for addresses: nothing is added, and the next line visibly goes on with
    the address).  An address of at most SHORT_ADDRESS characters gets no break marks at all and moves whole to
    the next line.  Both are invisible and LibreOffice leaves them out of the PDF's text, so an address copied
    from the PDF is the address typed.  Idempotent: a value set twice is the same.
    """
    if not value or (value.isascii() and not any(ch in value for ch in "@/%-0123456789")):
        return value
    protected: list[str] = []

    def protect(text: str) -> str:
        protected.append(text)
        return f"\ue000{len(protected) - 1}\ue001"

    text = _URL.sub(lambda m: protect(_set_url(m.group(0))), value)
    text = _EMAIL.sub(lambda m: protect(_set_email(m.group(0))), text)
    text = _PHONE.sub(lambda m: protect(_set_phone(m.group(0))), text)
    text = tie_numbers(text)
    for pattern, replacement in _TIES:
        text = pattern.sub(replacement, text)
    if protected:
        text = re.sub("\ue000(\\d+)\ue001", lambda m: protected[int(m.group(1))], text)
    return text


def _set_phone(phone: str) -> str:
    return phone.replace(" ", NBSP).replace("-", NBHY)


# An address this short fits on a line of the narrowest column docgen prints (about 25 characters of 11 pt in
# 50 mm): it gets no break points and moves whole to the next line, as a reader expects of «imc@obr.admin.tomsk.ru».
SHORT_ADDRESS = 24


def _set_email(email: str) -> str:
    email = email.replace(BREAK_HERE, "").replace(WORD_JOINER, "")
    if len(email) <= SHORT_ADDRESS:
        return _whole(email)
    local, _, domain = email.partition("@")
    return _address_breaks(local + "@" + BREAK_HERE + domain)


def _set_url(url: str) -> str:
    url = url.replace(BREAK_HERE, "").replace(WORD_JOINER, "")
    if len(url) <= SHORT_ADDRESS:
        return _whole(url)
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    return scheme + sep + (BREAK_HERE if sep else "") + _address_breaks(rest)


def _whole(address: str) -> str:
    """Keep a short address on one line: a word joiner after each «-» and «/», the only places in it where a line
    may break (Unicode's line-breaking rules; a «.» or «@» between letters is no break opportunity)."""
    return address.replace("-", "-" + WORD_JOINER).replace("/", "/" + WORD_JOINER)


def _address_breaks(address: str) -> str:
    """Allow a break before each «.», «/» and «-» of an address, never after a «-» (The Chicago Manual of Style's
    rule: the hyphen starts the next line, so no one takes it for a hyphenation)."""
    address = re.sub(r"(?<=.)([./-])", BREAK_HERE + r"\1", address)
    return address.replace("-", "-" + WORD_JOINER)


def year_span(first: int, last: int) -> str:
    """Join a span of years the one way docgen prints it: «2023–2024», an en dash without spaces.

    Russian typography sets a range of numbers with an en dash and no spaces; ГОСТ Р 7.0.97 says nothing of it,
    and № 477 itself writes «2023-2024».  Text, file names and messages all use this form; what a person types
    («2023-2024», «2023 – 2024») is read either way and printed this way (habits.year_spans).
    """
    return f"{first}\u2013{last}"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Say a count with its noun in the right form: plural(1484, "знак", "знака", "знаков") → «1484 знака»."""
    tail, tens = n % 10, n % 100
    if tail == 1 and tens != 11:
        word = one
    elif 2 <= tail <= 4 and not 12 <= tens <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def format_date(value: date) -> str:
    """Format a date the numeric official way: 04.05.2023."""
    return value.strftime("%d.%m.%Y")


def format_period(start: date, end: date) -> str:
    """Format a period of two dates with an en dash: 01.09.2023 – 31.05.2024."""
    return f"{format_date(start)} – {format_date(end)}"


def format_date_words(value: date) -> str:
    """Format a date in words with non-breaking spaces: «12» мая 2023 г."""
    return f"«{value.day:02d}»{NBSP}{MONTHS_GENITIVE[value.month - 1]}{NBSP}{value.year}{NBSP}г."


def parse_month_year(text: str) -> tuple[int, int] | None:
    """Read «ноябрь 2023» (or «ноября 2023 г.») as (2023, 11); None when the text is something else."""
    m = re.fullmatch(r"\s*([А-Яа-яЁё]+)\s+(\d{4})\s*(?:г\.?|года?)?\s*", text)
    if not m:
        return None
    word = m.group(1).lower().replace("ё", "е")
    for number, (nom, gen) in enumerate(zip(MONTHS_NOMINATIVE, MONTHS_GENITIVE, strict=True), start=1):
        if word in (nom, gen, nom[:3], nom[:4]):
            return int(m.group(2)), number
    return None
