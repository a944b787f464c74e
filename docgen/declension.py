"""Decline Russian organization names, positions and people's names for the templates.

The data stays in the nominative; a template chooses the case where the value is used, with a Jinja filter named
by the Russian case abbreviation: ``{{ org | рд }}`` (родительный), ``дт``, ``вн``, ``тв``, ``пр`` and ``им``
(именительный, the value as typed).  Every result is a `Form`: the text plus how it was obtained and the reasons a
clerk should check it; `Decliner.log` keeps them all for the review list (`review_rows`).

Organization names and phrases (positions, bodies) — pymorphy3 (method «словарь»):

* kept unchanged: abbreviations (two or more capitals: «МАОУ», «ДО», «ДЮЦ», «СОШ», «ТПУ», «ИМЦ», «ТомГУ»),
  «quoted names» (nested quotes too), (parentheses), «№ N», numbers, words with a dot («г.», «с.», «им.»,
  initials) and everything after them, everything after a preposition («при ТПУ», «по учебной работе»), a comma or
  «и», and dependent words that are not in the nominative («сибирского фольклора», «администрации Города Томска»);
* inflected: the head noun phrase — the adjectives and participles before the first noun, agreeing with it, and
  that noun («детский сад» → «детскому саду», «заместитель» → «заместителя» in the accusative of animate nouns);
  then at most one apposition: a noun phrase in the nominative singular that follows the head or its genitive
  dependents, or comes after a dash («учреждение гимназия № 56» → «учреждением гимназией № 56»,
  «учреждение дополнительного образования Дом детского творчества» → «… Дому детского творчества»,
  «Центр развития ребенка – детский сад № 60» → «Центру развития ребенка – детскому саду № 60»);
* an adjective before an abbreviation agrees with the noun the abbreviation stands for when it is known
  («Заозерная СОШ» → «Заозерной СОШ»: школа); adjectives without a noun are substantivized heads
  («заведующий МАДОУ № 5» → «заведующему МАДОУ № 5»);
* each word keeps its capitalisation as typed («Центр» → «Центру»), «е» typed for «ё» stays «е»;
  hyphenated adjectives inflect on the last part («детско-юношеский» → «детско-юношескому»), a pair of animate
  nouns on both parts («учитель-логопед» → «учителю-логопеду»); any other hyphenated word the dictionary does not
  list inflects on the last part with the risk «дефис в «…»» («интернет-центр» → «интернет-центра»);
* a name made only of abbreviations, numbers and quotes («МАДОУ № 5», «МАОУ СОШ № 16, 32 (сетевая программа)»)
  stays unchanged (method «без изменений»);
* ambiguous parses: the reading in the nominative that agrees in gender and number with the head noun wins
  (singular before plural unless the adjectives are plural);
* a word pymorphy3 does not know (a guess by suffix or prefix) is left unchanged with the risk
  «неизвестное слово «…»»; the one exception is an adjective with a regular ending -ский/-цкий/-ный
  («Иогачская», «стажировочная»), which inflects like every such adjective and still carries the risk.

People — pytrovich (method «petrovich»): «В.В. Пустовалова», «Пустовалова В.В.», «Пустовалова Валентина Васильевна»,
«Валентина Васильевна Пустовалова».  Gender comes from the patronymic (…вич, …ич, «оглы» → male; …вна, …чна,
«кызы» → female); without a patronymic, from the first name (risk «нет отчества»); with initials only, from the
surname ending (risk «пол определён по фамилии»), and when the ending tells nothing and the male and female forms
differ («Шевчук И.А.»), the surname is left as typed (risk «пол не определён…»).  Initials are kept; surnames that do
not decline (Швайко, Дурново, Черных, Ким for a woman) stay as they are; double-barrelled surnames decline part by
part (risk «дефис в «…»»).

Overrides: a value may be any object with ``nominative: str`` and ``forms: Mapping[str, str]`` (keys «рд», «дт», …);
a non-empty form for the requested case wins (method «ручная форма», no risks).

Results keep non-breaking spaces after «№», in «г. Томска» and between initials and a surname (`tie_numbers`).
The pymorphy3 analyzer and the petrovich maker are created on first use, once per process.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import pymorphy3
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from docgen.text import NBSP, tie_numbers

CASES: dict[str, str] = {"им": "nomn", "рд": "gent", "дт": "datv", "вн": "accs", "тв": "ablt", "пр": "loct"}

METHOD_DICTIONARY = "словарь"
METHOD_PETROVICH = "petrovich"
METHOD_OVERRIDE = "ручная форма"
METHOD_UNCHANGED = "без изменений"

# pymorphy3 analyzers that guess instead of looking a word up
_GUESSING_ANALYZERS = frozenset({"UnknownPrefixAnalyzer", "KnownSuffixAnalyzer", "UnknAnalyzer", "FakeDictionary"})
_ADJ_POS = frozenset({"ADJF", "PRTF"})
_STOP_POS = frozenset({"PREP", "CONJ"})
# Regular adjective endings: an unknown word with one of them declines like every such adjective («Иогачская»,
# «стажировочная»), still reported as unknown.
_PRODUCTIVE_ADJECTIVE = re.compile(r"(?:(?:ск|цк)(?:ий|ая|ое|ие)|н(?:ый|ая|ое|ые))$")

# Gender of the noun an abbreviation stands for, for an adjective before it: «Заозерная СОШ» (школа).
_ABBREVIATION_GENDER: dict[str, str] = {
    "СОШ": "femn", "ООШ": "femn", "НОШ": "femn", "СШ": "femn", "ДШИ": "femn", "ДХШ": "femn", "ДМШ": "femn",
    "ДЮСШ": "femn", "СДЮСШОР": "femn",
    "ИМЦ": "masc", "ДЮЦ": "masc", "ЦДО": "masc", "ЦДОД": "masc", "ДДТ": "masc", "ДДЮ": "masc", "ДТДМ": "masc",
    "ТПУ": "masc", "ТГУ": "masc", "ТГПУ": "masc", "ТУСУР": "masc", "ТГАСУ": "masc",
}

_PETROVICH_CASES = {"рд": "GENITIVE", "дт": "DATIVE", "вн": "ACCUSATIVE", "тв": "INSTRUMENTAL", "пр": "PREPOSITIONAL"}


@dataclass(frozen=True)
class Form:
    """One declined value: what was asked, what came out, how, and why a clerk should look at it."""

    source: str
    case: str
    text: str
    method: str
    risks: tuple[str, ...] = ()


@cache
def _morph() -> Any:
    """Return the process-wide pymorphy3 analyzer (slow to load, so created once, on first use)."""
    return pymorphy3.MorphAnalyzer()


@cache
def _petrovich() -> tuple[Any, Any]:
    """Return the process-wide petrovich declination maker and gender detector."""
    return PetrovichDeclinationMaker(), PetrovichGenderDetector()


@lru_cache(maxsize=50_000)
def _parses(word: str) -> tuple[Any, ...]:
    return tuple(_morph().parse(word))


def _check_case(case: str) -> None:
    if case not in CASES:
        known = ", ".join(CASES)
        raise ValueError(f"неизвестный падеж «{case}»: ожидается один из {known}")


# ---------------------------------------------------------------------------------------------------------------
# Tokens of an organization name or a phrase


@dataclass
class _Token:
    kind: str  # space, word, abbr, dotted, number, sign, dash, punct, opaque
    text: str


_OPENERS = {"«": "»", "(": ")", "„": "“", '"': '"', "“": "”"}
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>\d+(?:[.,/]\d+)*)"
    r"|(?P<word>[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*\.?)"
    r"|(?P<sign>№)"
    r"|(?P<dash>[–—]|-(?=\s))"
    r"|(?P<punct>.)",
    re.DOTALL,
)


def _closing(text: str, start: int) -> int:
    """Index just past the quote or bracket opened at `start` (nesting respected); the end if it never closes."""
    opener = text[start]
    closer = _OPENERS[opener]
    if opener == closer:
        end = text.find(closer, start + 1)
        return len(text) if end < 0 else end + 1
    depth = 0
    for i in range(start, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        if text[i] in _OPENERS:
            end = _closing(text, i)
            tokens.append(_Token("opaque", text[i:end]))
            i = end
            continue
        m = _TOKEN.match(text, i)
        assert m is not None and m.lastgroup is not None  # the last alternative matches any character
        kind = m.lastgroup
        value = m.group()
        if kind == "word":
            if value.endswith("."):
                kind = "dotted"
            elif _is_abbreviation(value):
                kind = "abbr"
        tokens.append(_Token(kind, value))
        i = m.end()
    return tokens


def _is_abbreviation(word: str) -> bool:
    capitals = sum(ch.isupper() for ch in word)
    return capitals >= 2 or (len(word) == 1 and word.isupper())


def _next_index(tokens: list[_Token], i: int) -> int | None:
    """Index of the token after `i`, skipping one run of spaces."""
    j = i + 1
    if j < len(tokens) and tokens[j].kind == "space":
        j += 1
    return j if j < len(tokens) else None


# ---------------------------------------------------------------------------------------------------------------
# Word-level helpers


def _is_guess(parse: Any) -> bool:
    """Whether pymorphy3 guessed this reading instead of finding the word in its dictionary.

    Readings built by pymorphy3's hyphen analyzer count as guesses too: `_readings` splits such words itself.
    """
    return any(type(step[0]).__name__ in _GUESSING_ANALYZERS for step in parse.methods_stack) or any(
        type(step[0]).__name__ == "HyphenatedWordsAnalyzer" for step in parse.methods_stack
    )


def _is_dictionary_word(parse: Any) -> bool:
    return len(parse.methods_stack) == 1 and type(parse.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"


_NUMBER_AND_CASE = frozenset({"sing", "plur", *CASES.values()})


@dataclass(frozen=True)
class _Reading:
    """One reading of a word: a pymorphy3 parse, or for a hyphenated word its last part plus the first part.

    The first part of a hyphenated word either stays as typed («детско-», «информационно-», «интернет-») or, when
    both parts are animate nouns in the same case and number, declines too («учитель-логопед» → «учителю-логопеду»).
    """

    parse: Any
    guess: bool
    left: str | None = None  # the first part of a hyphenated word kept as typed
    left_parse: Any | None = None  # the first part of a hyphenated noun that declines with the last part
    hyphen_risk: bool = False  # the first part is neither a combining form («детско-») nor a declining noun

    @property
    def tag(self) -> Any:
        return self.parse.tag

    def inflect(self, grammemes: set[str]) -> str | None:
        right = self.parse.inflect(grammemes)
        if right is None:
            return None
        if self.left_parse is not None:
            left = self.left_parse.inflect(grammemes & _NUMBER_AND_CASE)
            return None if left is None else f"{left.word}-{right.word}"
        if self.left is not None:
            return f"{self.left}-{right.word}"
        return str(right.word)


@lru_cache(maxsize=50_000)
def _readings(word: str) -> tuple[_Reading, ...]:
    """The readings of a word, dictionary readings first; guesses only when there is nothing else."""
    parses = _parses(word)
    known = tuple(_Reading(p, guess=False) for p in parses if not _is_guess(p))
    if "-" not in word or any(_is_dictionary_word(p) for p in parses):
        return known or tuple(_Reading(p, guess=True) for p in parses)
    # A hyphenated word the dictionary does not list as a whole: decline its parts (pymorphy3's own hyphen
    # analysis sometimes cuts prefixes off the first part: «специалист-эксперт»).
    left, right = word.rsplit("-", 1)
    combining = left.lower().endswith(("о", "е"))  # «детско-», «информационно-», «психолого-»
    left_nouns = [] if "-" in left else [
        p for p in _parses(left) if p.tag.POS == "NOUN" and p.tag.animacy == "anim" and not _is_guess(p)
    ]
    result: list[_Reading] = []
    for r in _readings(right):
        partner = next(
            (p for p in left_nouns if r.tag.POS == "NOUN" and r.tag.animacy == "anim"
             and p.tag.case == r.tag.case and p.tag.number == r.tag.number),
            None,
        )
        if partner is not None:
            result.append(_Reading(r.parse, guess=r.guess, left_parse=partner))
        else:
            left_known = combining or _morph().word_is_known(left)
            result.append(_Reading(r.parse, guess=r.guess or not left_known, left=left, hyphen_risk=not combining))
    return tuple(result)


def _known_readings(word: str) -> tuple[_Reading, ...]:
    """Readings found in the dictionary; a guessed adjective with a regular ending counts (callers report it)."""
    readings = _readings(word)
    known = tuple(r for r in readings if not r.guess)
    if known:
        return known
    if _PRODUCTIVE_ADJECTIVE.search(word.lower()):
        return tuple(
            r for r in readings if r.tag.POS == "ADJF" and _PRODUCTIVE_ADJECTIVE.search(r.parse.normal_form)
        )
    return ()


def _is_known(word: str) -> bool:
    return any(not r.guess for r in _readings(word))


def _top_pos(word: str) -> str | None:
    parses = _parses(word)
    if parses and parses[0].score > 0.5:
        return str(parses[0].tag.POS)
    return None


def _is_stop_word(word: str) -> bool:
    return _top_pos(word) in _STOP_POS


def _nominatives(word: str, pos: frozenset[str]) -> list[_Reading]:
    return [r for r in _known_readings(word) if r.tag.POS in pos and r.tag.case == "nomn"]


def _agrees(tag: Any, number: str | None, gender: str | None) -> bool:
    if tag.number != number:
        return False
    return number == "plur" or tag.gender == gender


def _restore_case(new: str, old: str) -> str:
    """Give `new` the capitalisation of `old` word by word (hyphen parts too), and «е» where «е» was typed."""
    if "ё" not in old.lower():
        new = new.replace("ё", "е").replace("Ё", "Е")
    if len(old) > 1 and old.isupper():
        return new.upper()
    new_parts = new.split("-")
    old_parts = old.split("-")
    if len(new_parts) != len(old_parts):
        new_parts, old_parts = [new], [old]
    out = []
    for n, o in zip(new_parts, old_parts, strict=True):
        out.append(n[:1].upper() + n[1:] if o[:1].isupper() else n)
    return "-".join(out)


@dataclass
class _Phrase:
    """A noun phrase found in the tokens: its adjectives and its head (a noun, an abbreviation or an adjective)."""

    adjectives: list[tuple[int, _Reading]]
    head: int  # token index
    noun: _Reading | None  # None: the head is an abbreviation, or the last of `adjectives` (substantivized)
    number: str
    gender: str | None
    animacy: str
    risks: list[str] = field(default_factory=list)


class _PhraseDecliner:
    """Decline one organization name or phrase by the rules in the module docstring."""

    def __init__(self, text: str, case: str) -> None:
        self.text = text
        self.grammeme = CASES[case]
        self.tokens = _tokenize(text)
        self.risks: list[str] = []
        self.changed = False

    def run(self) -> str:
        start = next((i for i, t in enumerate(self.tokens) if t.kind in ("word", "dotted")), None)
        if start is None or self.tokens[start].kind == "dotted":
            return self.text  # only abbreviations, numbers, quotes: «МАДОУ № 5», «МАОУ СОШ № 4 им. …»
        head = None if _is_stop_word(self.tokens[start].text) else self._phrase(start, apposition=False)
        if head is None:
            for token in self.tokens:
                if token.kind == "word" and not _is_known(token.text):
                    self._risk(f"неизвестное слово «{token.text}»")
            self._risk(f"не найдено главное слово в именительном падеже в «{self.text}»")
            return self.text
        self._inflect(head)
        self._rest(head)
        return "".join(t.text for t in self.tokens)

    def _risk(self, text: str) -> None:
        if text not in self.risks:
            self.risks.append(text)

    # -- finding noun phrases ---------------------------------------------------------------------------------

    def _phrase(self, i: int, *, apposition: bool) -> _Phrase | None:
        """The noun phrase starting at token `i`: adjectives in the nominative and their noun."""
        return self._extend([], i, apposition=apposition)

    def _extend(self, adjectives: list[int], j: int | None, *, apposition: bool) -> _Phrase | None:
        """Continue a phrase whose adjectives so far are `adjectives` at token `j` (None: the end of the text)."""
        if j is None or self.tokens[j].kind != "word" or _is_stop_word(self.tokens[j].text):
            return self._headless(adjectives, j, apposition=apposition)
        word = self.tokens[j].text
        nxt = _next_index(self.tokens, j)
        if _nominatives(word, _ADJ_POS):
            found = self._extend([*adjectives, j], nxt, apposition=apposition)
            if found is not None:
                return found
        nouns = _nominatives(word, frozenset({"NOUN"}))
        if nouns:
            found = self._agree(adjectives, j, nouns, apposition=apposition)
            if found is None and adjectives and not apposition:
                # «исполняющий обязанности директора»: the participle is the head, the noun its object
                found = self._substantivized(adjectives)
            return found
        if _top_pos(word) == "ADVB" and nxt is not None:
            return self._extend(adjectives, nxt, apposition=apposition)  # «временно исполняющий …»
        if _is_known(word):
            # a known word that is not in the nominative: «заведующая детским садом»
            return self._headless(adjectives, j, apposition=apposition)
        return None

    def _headless(self, adjectives: list[int], j: int | None, *, apposition: bool) -> _Phrase | None:
        """Adjectives followed by an abbreviation («Заозерная СОШ») or by no noun at all («заведующий»)."""
        if not adjectives or apposition:
            return None
        if j is not None and self.tokens[j].kind == "abbr":
            found = self._abbreviation_head(adjectives, j)
            if found is not None:
                return found
        return self._substantivized(adjectives)

    def _agree(self, adjectives: list[int], head: int, nouns: list[_Reading], *, apposition: bool) -> _Phrase | None:
        """Pick the noun reading the adjectives agree with (singular first) and the matching adjective readings."""
        for noun in sorted(nouns, key=lambda r: r.tag.number != "sing"):
            if apposition and noun.tag.number != "sing":
                continue
            chosen = self._adjective_readings(adjectives, noun.tag.number, noun.tag.gender)
            if chosen is not None:
                return _Phrase(chosen, head, noun, noun.tag.number, noun.tag.gender, noun.tag.animacy or "inan")
        return None

    def _adjective_readings(
        self, adjectives: list[int], number: str | None, gender: str | None
    ) -> list[tuple[int, _Reading]] | None:
        chosen: list[tuple[int, _Reading]] = []
        for k in adjectives:
            readings = [r for r in _nominatives(self.tokens[k].text, _ADJ_POS) if _agrees(r.tag, number, gender)]
            if not readings:
                return None
            chosen.append((k, readings[0]))
        return chosen

    def _abbreviation_head(self, adjectives: list[int], abbr: int) -> _Phrase | None:
        gender = _abbreviation_gender(self.tokens[abbr].text)
        if gender is None:
            return None
        chosen = self._adjective_readings(adjectives, "sing", gender)
        if chosen is None:
            return None
        phrase = _Phrase(chosen, abbr, None, "sing", gender, "inan")
        phrase.risks.append(f"прилагательное согласовано с сокращением «{self.tokens[abbr].text}»")
        return phrase

    def _substantivized(self, adjectives: list[int]) -> _Phrase | None:
        """Adjectives without a noun: the last one is the head («заведующий», «старший»)."""
        last = adjectives[-1]
        tag = _nominatives(self.tokens[last].text, _ADJ_POS)[0].tag
        chosen = self._adjective_readings(adjectives, tag.number, tag.gender)
        if chosen is None:
            return None
        phrase = _Phrase(chosen, last, None, tag.number, tag.gender, "anim")
        if "Subx" not in tag:
            phrase.risks.append(f"прилагательное «{self.tokens[last].text}» без существительного")
        return phrase

    # -- inflecting -------------------------------------------------------------------------------------------

    def _inflect(self, phrase: _Phrase) -> None:
        for risk in phrase.risks:
            self._risk(risk)
        for k, adj in phrase.adjectives:
            grammemes = {self.grammeme, phrase.number}
            if phrase.number == "sing" and phrase.gender:
                grammemes.add(phrase.gender)
            if self.grammeme == "accs" and (phrase.number == "plur" or phrase.gender == "masc"):
                grammemes.add(phrase.animacy)
            self._replace(k, adj, grammemes)
        if phrase.noun is not None:
            self._replace(phrase.head, phrase.noun, {self.grammeme})

    def _replace(self, k: int, reading: _Reading, grammemes: set[str]) -> None:
        old = self.tokens[k].text
        form = reading.inflect(grammemes)
        if form is None:
            self._risk(f"не удалось просклонять «{old}»")
            return
        new = _restore_case(form, old)
        if new == old:
            return
        if reading.guess:
            self._risk(f"неизвестное слово «{old}»")
        if old[:1].isupper() and any(t.kind != "space" for t in self.tokens[:k]):
            self._risk(f"слово с заглавной буквы «{old}»")
        if reading.hyphen_risk:
            self._risk(f"дефис в «{old}»")
        self.tokens[k].text = new
        self.changed = True

    def _rest(self, head: _Phrase) -> None:
        """Walk the words after the head: keep dependents, decline one apposition, stop at prepositions."""
        apposition_done = head.number != "sing"
        i = head.head + 1
        while i < len(self.tokens):
            token = self.tokens[i]
            if token.kind == "dotted" or (token.kind == "punct" and token.text in ",;:"):
                return
            if token.kind == "dash":
                apposition_done = head.number != "sing"
            if token.kind != "word":
                i += 1
                continue
            if _is_stop_word(token.text):
                return
            if not apposition_done:
                phrase = self._phrase(i, apposition=True)
                if phrase is not None:
                    self._inflect(phrase)
                    apposition_done = True
                    i = phrase.head + 1
                    continue
            if not _is_known(token.text):
                self._risk(f"неизвестное слово «{token.text}»")
            i += 1


def _abbreviation_gender(abbr: str) -> str | None:
    upper = abbr.upper()
    if upper in _ABBREVIATION_GENDER:
        return _ABBREVIATION_GENDER[upper]
    if upper.endswith("ОУ") or upper in {"МАУ", "МБУ", "МКУ", "ОГБУ", "ОГАУ", "ГБУ", "ГАУ"}:
        return "neut"  # (образовательное) учреждение
    return None


# ---------------------------------------------------------------------------------------------------------------
# People

_INITIAL = r"[А-ЯЁ]\."
_NAME_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)*"
_INITIALS_FIRST = re.compile(rf"^\s*(?P<i>{_INITIAL}(?:\s*{_INITIAL})?)\s*(?P<s>{_NAME_WORD})\s*$")
_INITIALS_LAST = re.compile(rf"^\s*(?P<s>{_NAME_WORD})\s+(?P<i>{_INITIAL}(?:\s*{_INITIAL})?)\s*$")
_WORDS = re.compile(rf"^\s*{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|оглы|кызы)){{0,3}}\s*$")
_WORD_SPAN = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*")
_MALE_PATRONYMIC = re.compile(r"(?:вич|ич|оглы)$")
_FEMALE_PATRONYMIC = re.compile(r"(?:вна|чна|шна|кызы)$")


def _typeset_person(text: str) -> str:
    """Tie initials to the surname: «В.В.Пустовалова», «В. В. Пустовалова» → «В.В.\u00a0Пустовалова»."""
    return tie_numbers(re.sub(r"(?<=[А-ЯЁ]\.)(?=[А-ЯЁ][а-яё])", NBSP, text.strip()))


def _patronymic_gender(word: str) -> str | None:
    low = word.lower()
    if _MALE_PATRONYMIC.search(low):
        return "MALE"
    if _FEMALE_PATRONYMIC.search(low):
        return "FEMALE"
    return None


def _is_first_name(word: str) -> bool:
    return any("Name" in p.tag and p.tag.case == "nomn" and not _is_guess(p) for p in _parses(word))


def looks_like_person(text: str) -> bool:
    """Tell whether a value is a person's name: initials and a surname, or words with a patronymic."""
    if _INITIALS_FIRST.match(text) or _INITIALS_LAST.match(text):
        return True
    if not _WORDS.match(text):
        return False
    words = text.split()
    if len(words) >= 3:
        return any(_patronymic_gender(w) for w in words[1:])
    if len(words) == 2:
        return any(_is_first_name(w) for w in words) and any(
            "Surn" in p.tag or "Name" in p.tag for w in words for p in _parses(w) if not _is_guess(p)
        )
    return False


@dataclass
class _Person:
    """Spans of the parts of a person's name in the source text."""

    surname: tuple[int, int] | None = None
    first: tuple[int, int] | None = None
    patronymic: tuple[int, int] | None = None
    initials: bool = False


def _person_parts(text: str) -> _Person | None:
    m = _INITIALS_FIRST.match(text) or _INITIALS_LAST.match(text)
    if m:
        return _Person(surname=m.span("s"), initials=True)
    if not _WORDS.match(text):
        return None
    spans = [w.span() for w in _WORD_SPAN.finditer(text)]
    words = [text[a:b] for a, b in spans]
    if len(words) >= 2 and words[-1].lower() in ("оглы", "кызы"):
        # «Мамедов Эльдар Гасан оглы»: the two-word patronymic does not decline
        spans = [*spans[:-2], (spans[-2][0], spans[-1][1])]
        words = [text[a:b] for a, b in spans]
    if len(words) == 1:
        return _Person(surname=spans[0])
    if len(words) == 2:
        if _is_first_name(words[0]) and not _is_first_name(words[1]):
            return _Person(first=spans[0], surname=spans[1])
        return _Person(surname=spans[0], first=spans[1])
    if len(words) == 3:
        if _patronymic_gender(words[1]) and not _patronymic_gender(words[2]):
            return _Person(first=spans[0], patronymic=spans[1], surname=spans[2])
        return _Person(surname=spans[0], first=spans[1], patronymic=spans[2])
    return None


# ---------------------------------------------------------------------------------------------------------------
# The public decliner


class Decliner:
    """Decline values for templates and remember every form for the review list.

    Lazily creates one pymorphy3.MorphAnalyzer and one petrovich maker (module-level cache: they are slow to load).
    """

    def __init__(self) -> None:
        self.log: list[Form] = []

    def _done(self, form: Form) -> Form:
        self.log.append(form)
        return form

    def _unchanged(self, source: str, case: str, risks: Iterable[str] = ()) -> Form:
        return self._done(Form(source, case, tie_numbers(source), METHOD_UNCHANGED, tuple(risks)))

    def organization(self, name: str, case: str) -> Form:
        """Decline an organization name: «МБОУ лицей при ТПУ» → тв «МБОУ лицеем при ТПУ»."""
        return self._phrase(name, case)

    def phrase(self, text: str, case: str) -> Form:
        """Decline a position or a body: «заместитель начальника департамента …» → вн «заместителя начальника …»."""
        return self._phrase(text, case)

    def _phrase(self, text: str, case: str) -> Form:
        _check_case(case)
        if case == "им" or not text.strip():
            return self._unchanged(text, case)
        worker = _PhraseDecliner(text, case)
        result = worker.run()
        method = METHOD_DICTIONARY if worker.changed else METHOD_UNCHANGED
        return self._done(Form(text, case, tie_numbers(result), method, tuple(worker.risks)))

    def person(self, name: str, case: str) -> Form:
        """Decline a person's name: «В.В. Пустовалова» → дт «В.В. Пустоваловой»."""
        _check_case(case)
        if case == "им" or not name.strip():
            return self._done(Form(name, case, _typeset_person(name), METHOD_UNCHANGED))
        parts = _person_parts(name)
        if parts is None or parts.surname is None:
            return self._unchanged(name, case, [f"не распознаны фамилия, имя и отчество в «{name}»"])
        maker, detector = _petrovich()
        risks: list[str] = []

        def part(span: tuple[int, int] | None) -> str | None:
            return name[span[0] : span[1]] if span else None

        surname, first, patronymic = part(parts.surname), part(parts.first), part(parts.patronymic)
        assert surname is not None
        gender_name = _patronymic_gender(patronymic) if patronymic else None
        if patronymic and gender_name is None:
            risks.append(f"отчество не распознано: «{patronymic}»")
        if gender_name is None and first:
            if not patronymic:
                risks.append("нет отчества")
            detected = detector.detect(firstname=first.lower())
            gender_name = None if detected == Gender.ANDROGYNOUS else detected.name
            if gender_name:
                risks.append("пол определён по имени")
        if gender_name is None and not first:
            if not parts.initials:
                risks.append("нет инициалов")
            detected = detector.detect(lastname=surname.lower())
            gender_name = None if detected == Gender.ANDROGYNOUS else detected.name
            if gender_name:
                risks.append("пол определён по фамилии")
        petrovich_case = getattr(Case, _PETROVICH_CASES[case])

        def make(kind: Any, text: str, gender: Any) -> str:
            return str(maker.make(kind, gender, petrovich_case, text))

        replacements: list[tuple[tuple[int, int], str]] = []
        if gender_name is None:
            male = make(NamePart.LASTNAME, surname, Gender.MALE)
            female = make(NamePart.LASTNAME, surname, Gender.FEMALE)
            if male != female:
                risks.append(f"пол не определён: фамилия «{surname}» оставлена без изменений")
                new_surname = surname
            else:
                new_surname = male
            gender = Gender.ANDROGYNOUS
        else:
            gender = getattr(Gender, gender_name)
            new_surname = make(NamePart.LASTNAME, surname, gender)
        replacements.append((parts.surname, new_surname))
        if "-" in surname and new_surname != surname:
            risks.append(f"дефис в «{surname}»")
        if first and parts.first:
            replacements.append((parts.first, make(NamePart.FIRSTNAME, first, gender)))
        if patronymic and parts.patronymic and " " not in patronymic:
            replacements.append((parts.patronymic, make(NamePart.MIDDLENAME, patronymic, gender)))
        result = name
        for (start, end), new in sorted(replacements, reverse=True):
            result = result[:start] + new + result[end:]
        changed = any(name[start:end] != new for (start, end), new in replacements)
        method = METHOD_PETROVICH if changed else METHOD_UNCHANGED
        return self._done(Form(name, case, _typeset_person(result), method, tuple(risks)))

    def auto(self, value: object, case: str) -> Form:
        """Decline any template value: an override, a person's name, an organization name or a phrase."""
        _check_case(case)
        if value is None:
            return self._unchanged("", case)
        nominative = getattr(value, "nominative", None)
        if isinstance(nominative, str):
            forms = getattr(value, "forms", None)
            manual = forms.get(case) if isinstance(forms, Mapping) else None
            if isinstance(manual, str) and manual.strip():
                return self._done(Form(nominative, case, tie_numbers(manual), METHOD_OVERRIDE))
            value = nominative
        text = value if isinstance(value, str) else str(value)
        if looks_like_person(text):
            return self.person(text, case)
        return self._phrase(text, case)


def make_filters(decliner: Decliner) -> dict[str, Callable[[object], str]]:
    """Jinja filters named by the Russian case abbreviations: ``{{ org | рд }}``."""

    def make(case: str) -> Callable[[object], str]:
        def declined(value: object) -> str:
            return decliner.auto(value, case).text

        declined.__name__ = f"declension_{CASES[case]}"
        return declined

    return {case: make(case) for case in CASES}


def review_rows(forms: Iterable[Form]) -> list[Form]:
    """Unique (source, case) pairs for a clerk to check: risky ones first, then in the order they were made."""
    seen: set[tuple[str, str]] = set()
    unique: list[Form] = []
    for form in forms:
        key = (form.source, form.case)
        if key not in seen:
            seen.add(key)
            unique.append(form)
    return sorted(unique, key=lambda form: not form.risks)
