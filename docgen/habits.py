"""Undo what people habitually type into a form that would come out wrong in a paper, and say what was done.

Each function returns the cleaned text and a note for the person (None when nothing changed), so the loader can
report it as «[сведения]»: nothing is changed silently.  Only changes that cannot alter the meaning are made.
"""

from __future__ import annotations

import re

_NUMBER_SIGN = re.compile(r"^\s*(?:№|N|No\.?|Nº|#)\s*(?=\S)", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^[А-ЯЁA-Z]{2,}")  # «МАОУ», «УВР»: capitals that are an abbreviation stay


def strip_number_sign(text: str) -> tuple[str, str | None]:
    """«№ 312» typed where the paper prints «№» itself → «312»."""
    stripped = _NUMBER_SIGN.sub("", text)
    if stripped == text or not stripped:
        return text, None
    return stripped, f"знак «№» убран: документ ставит его сам («№ {stripped}»)"


_ACTING = re.compile(r"^И\.\s?о\.(?=\s)")  # «И.о. директора», «И. о. директора»: исполняющий обязанности


def lower_first(text: str) -> tuple[str, str | None]:
    """«Директор» typed where the paper prints it after a comma («…, директор») → «директор»; «И.о.» → «и.о.»."""
    if _ACTING.match(text):
        lowered = "и" + text[1:]
        return lowered, f"первая буква сделана строчной: «{lowered}» стоит в документе после запятой"
    if not text or not text[0].isupper() or _ABBREVIATION.match(text) or "." in text.split(" ", 1)[0][:3]:
        return text, None  # «МАОУ …», «И.о. директора»: not a plain word with a capital
    lowered = text[0].lower() + text[1:]
    return lowered, f"первая буква сделана строчной: «{lowered}» стоит в документе после запятой"


# Quotes a person types where the paper wants «ёлочки»: straight ones, and English curly ones from an autocorrect.
_AMBIGUOUS = '"\u201c\u201d'  # " “ ”
_OPENS_AFTER = "([{«„-—–/"


def typographic_quotes(text: str) -> tuple[str, str | None]:
    """Straight quotes "…" (and English “…”) → «ёлочки»; nested ones → „лапки“, as Russian typography sets them.

    Quotes already typed as «…» or „…“ count for the nesting: «Школа "Ромашка"» → «Школа „Ромашка“».  A quote opens
    at the start or after a space or a bracket, otherwise it closes.  Anything that does not pair up (an odd quote,
    inches «5"») is left exactly as typed: which quote was meant would be a guess.
    """
    if not any(q in text for q in _AMBIGUOUS):
        return text, None
    out: list[str] = []
    stack: list[str] = []  # the open quotes, «  or „
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        opening = before.isspace() or before in _OPENS_AFTER
        if char in "«„":
            stack.append(char)
            out.append(char)
        elif char == "»":
            if not stack or stack.pop() != "«":
                return text, None
            out.append(char)
        elif char == "\u201c" and stack and stack[-1] == "„" and not opening:
            stack.pop()  # the closing mark of „лапки“, typed right
            out.append(char)
        elif char in _AMBIGUOUS:
            if opening:
                mark = "«" if not stack else "„"
                stack.append(mark)
                out.append(mark)
            elif stack:
                out.append("»" if stack.pop() == "«" else "\u201c")
            else:
                return text, None
        else:
            out.append(char)
    result = "".join(out)
    if stack or result == text:
        return text, None
    return result, "прямые кавычки заменены на «ёлочки»"


# A span of years typed with a hyphen or a spaced dash: «2023-2024», «2023 – 2024».  Not inside a web address, an
# e-mail or a code: nothing of a word, «/», «.», «@» or «-» right before, nor a word, «/», «@» or «.x» right after.
_YEAR_SPAN = re.compile(r"(?<![\w/.:@-])((?:19|20)\d\d)(?: ?[-‒−—–] ?)((?:19|20)\d\d)(?![\w/@-]|\.\w)")


def year_spans(text: str) -> tuple[str, str | None]:
    """«2023-2024» → «2023–2024»: years of a span joined by an en dash without spaces, as docgen prints them.

    Only a span forward (of at most 50 years), and not after a digit, «)» or «+»: «+7 (3822) 2023-2024» is a phone.
    """
    if not any(ch.isdigit() for ch in text):
        return text, None
    joined: list[str] = []

    def join(match: re.Match[str]) -> str:
        first, last = match[1], match[2]
        before = text[: match.start()].rstrip()[-1:]
        if not 0 < int(last) - int(first) <= 50 or before.isdigit() or before in (")", "+"):
            return match[0]
        joined.append(f"{first}\u2013{last}")
        return joined[-1]

    result = _YEAR_SPAN.sub(join, text)
    if result == text:
        return text, None
    return result, f"годы через короткое тире без пробелов: «{joined[0]}»"


# A site typed without its scheme: «school56.tomsk.ru», «www.school56.ru/about».  Not an e-mail, not words.
_BARE_SITE = re.compile(r"(?:www\.)?[a-zа-яё0-9-]+(?:\.[a-zа-яё0-9-]+)*\.[a-zа-яё]{2,}(?:[/?#]\S*)?", re.IGNORECASE)


def add_scheme(text: str) -> tuple[str, str | None]:
    """«school56.tomsk.ru» typed as the site → «https://school56.tomsk.ru», as a browser would open it.

    https, not http: every school site is reached by it today, and a browser given https for an http-only site
    says so plainly rather than showing another page.
    """
    if "://" in text or "@" in text or not _BARE_SITE.fullmatch(text.strip()):
        return text, None
    site = "https://" + text.strip()
    return site, f"к адресу сайта добавлено «https://»: в документе — «{site}»"


# «42 чел.», «42 человека», «15 участников»: a count with its unit, typed in a number cell.
_COUNT_WITH_UNIT = re.compile(r"\s*(\d+)\s*(?:чел\.?|человека?|участник(?:а|ов)?|педагог(?:а|ов)?|шт\.?|ч\.?|"
                              r"час(?:а|ов)?)\s*", re.IGNORECASE)


def count_without_unit(text: str) -> tuple[str | int, str | None]:
    """«42 чел.» typed where a number is expected → 42: the unit is the column's, the document prints the number."""
    m = _COUNT_WITH_UNIT.fullmatch(text)
    if m is None:
        return text, None
    return int(m[1]), f"прочитано число {m[1]}: «{text.strip()}» без единицы измерения"
