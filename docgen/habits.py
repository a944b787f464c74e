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


def lower_first(text: str) -> tuple[str, str | None]:
    """«Директор» typed where the paper prints it after a comma («…, директор») → «директор»."""
    if not text or not text[0].isupper() or _ABBREVIATION.match(text) or "." in text.split(" ", 1)[0][:3]:
        return text, None  # «МАОУ …», «И.о. директора»: not a plain word with a capital
    lowered = text[0].lower() + text[1:]
    return lowered, f"первая буква сделана строчной: «{lowered}» стоит в документе после запятой"


def typographic_quotes(text: str) -> tuple[str, str | None]:
    """Straight quotes "…" → «ёлочки»; nested ones inside → „лапки“, as Russian typography sets them."""
    if '"' not in text or text.count('"') % 2:
        return text, None  # an odd count: which quote opens and which closes is a guess; leave it as typed
    out: list[str] = []
    depth = 0
    for index, char in enumerate(text):
        if char != '"':
            out.append(char)
            continue
        before = text[index - 1] if index else " "
        opening = before.isspace() or before in "(«„[-—–" or index == 0
        if opening:
            out.append("«" if depth == 0 else "„")
            depth += 1
        else:
            depth = max(depth - 1, 0)
            out.append("»" if depth == 0 else "“")
    result = "".join(out)
    if result.count("«") != result.count("»"):
        return text, None
    return result, "прямые кавычки заменены на «ёлочки»"
