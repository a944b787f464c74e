"""Decline Russian organization names, positions and people's names for the templates.

The data stays in the nominative; a template chooses the case where the value is used, with a Jinja filter named
by the Russian case abbreviation: ``{{ org | рд }}`` (родительный), ``дт``, ``вн``, ``тв``, ``пр`` (предложный,
after «о»: «о детском саде»), ``мс`` (местный, after «в»/«на»: «в детском саду»; pymorphy3's ``loc2``, taken only
for the nouns in `_LOC2_NOUNS`, the prepositional for every other word) and ``им`` (именительный, the value as
typed).  ``ио`` before a case filter prints a person as «И.О. Фамилия» (`ShortName`): ``{{ person | ио | вн }}``.
Every result is a `Form`: the text plus how it was obtained and the reasons a clerk should check it;
`Decliner.log` keeps them all for the review list (`review_rows`).

Organization names and phrases (positions, bodies) — pymorphy3 (method «словарь»):

* kept unchanged: abbreviations (the last part has two or more capitals: «МАОУ», «ДО», «СОШ», «ТомГУ»; but
  «Нижне-Тавдинская» and «ИТ-лицей» are words), «quoted names» in «ёлочки», „лапки“ or "straight quotes", nested
  or not (a straight quote after a space and before a letter opens, any other closes), «№ N», numbers («19-й»),
  words with a dot («г.», «с.», «им.», initials) and everything after them, «имени» and everything after it,
  everything after a preposition («при ТПУ», «по учебной работе»), a comma or «и», and dependent words that are not
  in the nominative («сибирского фольклора», «администрации Города Томска»); (brackets) after the head too;
* inflected: the head noun phrase — the adjectives and participles before the first noun, agreeing with it, and
  that noun («детский сад» → «детскому саду», «заместитель» → «заместителя» in the accusative of animate nouns);
  then at most one apposition: a noun phrase in the nominative singular that follows the head or its genitive
  dependents, or comes after a dash («учреждение гимназия № 56» → «учреждением гимназией № 56»,
  «учреждение дополнительного образования Дом детского творчества» → «… Дому детского творчества»,
  «Центр развития ребенка – детский сад № 60» → «Центру развития ребенка – детскому саду № 60»);
* an adjective before an abbreviation agrees with the noun the abbreviation stands for when it is known
  («Заозерная СОШ» → «Заозерной СОШ»: школа); adjectives without a noun are substantivized heads
  («заведующий МАДОУ № 5» → «заведующему МАДОУ № 5»);
* brackets among the adjectives agree with the noun when they hold adjectives («Вечерняя (сменная) школа» →
  «Вечерней (сменной) школы»), else stay as typed, flagged;
* each word keeps its capitalisation as typed («Центр» → «Центру»), «е» typed for «ё» stays «е»;
  hyphenated adjectives inflect on the last part («детско-юношеский» → «детско-юношескому», «Усть-Кутский» →
  «Усть-Кутского»), a pair of animate nouns or an institution noun and a noun on both parts («учитель-логопед» →
  «учителю-логопеду», «Лицей-интернат» → «Лицею-интернату»); any other hyphenated word the dictionary does not
  list inflects on the last part, flagged («интернет-центр» → «интернет-центра»);
* a name made only of abbreviations, numbers and quotes («МАДОУ № 5», «МАОУ СОШ № 16, 32 (сетевая программа)»)
  stays unchanged (method «без изменений»);
* ambiguous parses: the reading in the nominative that agrees in gender and number with the head noun wins
  (singular before plural unless the adjectives are plural);
* a word pymorphy3 does not know (a guess by suffix or prefix) is left unchanged with the risk
  «неизвестное слово «…»»; the one exception is an adjective with a regular ending -ский/-цкий/-ный
  («Иогачская», «стажировочная»), which inflects like every such adjective — flagged only when it does not agree
  with a dictionary noun or a listed abbreviation.

Risks are what a clerk should really look at, naming the word and why: a guess, a hyphenated word whose first part
was kept, a capitalised bare noun that may be a name without quotes, a bracket that could not agree, a proper name
that changed.  Right forms of certain kinds are not flagged (the list is useless if it is almost always wrong).

People — pytrovich (method «petrovich»; the `PersonEngine` protocol lets `scripts/compare_petrovich.py` measure
the `petrovich` package on the same cases): «В.В. Пустовалова», «Пустовалова В.В.», «Пустовалова Валентина
Васильевна», «Валентина Васильевна Пустовалова», «Мария Петровна Кулич» (a first name then a patronymic: the surname
is last even when it ends in -ич).  Gender comes from the patronymic (…вич, …ич, «оглы» → male; …вна, …чна, «кызы» →
female), flagged when the first name says otherwise; without a patronymic, from the first name; with initials
only, from the surname ending (-ова, -ин, -ский…), and when the ending tells nothing and the male and female forms
differ («Шевчук И.А.»), the surname is left as typed and flagged with both forms.  Initials are kept; surnames that
do not decline (Швайко, Дурново, Черных, Ким for a woman) stay as they are; double-barrelled surnames decline part
by part, flagged when a part that changed is not of a surname shape that surely declines («Бонча-Козлов»).

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
from typing import Any, ClassVar, Protocol

import pymorphy3
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from docgen.text import NBSP, tie_numbers

CASES: dict[str, str] = {
    "им": "nomn", "рд": "gent", "дт": "datv", "вн": "accs", "тв": "ablt", "пр": "loct", "мс": "loc2",
}

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

_PETROVICH_CASES = {
    "рд": "GENITIVE", "дт": "DATIVE", "вн": "ACCUSATIVE", "тв": "INSTRUMENTAL",
    "пр": "PREPOSITIONAL", "мс": "PREPOSITIONAL",
}

# Nouns whose locative after «в»/«на» ends in stressed -у in official usage («в детском саду», «в 2024 году»).
# pymorphy3 lists a loc2 form for many more («дому», «краю», «мосту»), most of them only in set phrases («на дому»),
# so only these take it; every other word's locative is its prepositional.
_LOC2_NOUNS = frozenset({"сад", "лес", "бор", "год", "порт", "аэропорт", "пруд", "полк", "шкаф", "угол"})

# Nouns that, first in a hyphenated compound, decline with the second part: «Лицей-интернат» → «Лицея-интерната».
# Any other first part stays as typed and is flagged («интернет-центр», «пресс-центр»).
_INSTITUTION_NOUNS = frozenset({
    "школа", "лицей", "гимназия", "прогимназия", "интернат", "сад", "музей", "центр", "комплекс", "клуб", "студия",
    "театр", "библиотека", "лаборатория", "мастерская", "база", "училище", "колледж", "академия", "университет",
    "институт", "парк", "усадьба", "галерея", "дом", "дворец", "лагерь", "санаторий", "заповедник", "приют",
    "станция", "школа-интернат", "ясли", "детсад",
})

# pymorphy3 tags of proper names: such a word capitalised inside a name may be part of a name that must not change.
_PROPER_TAGS = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")


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
    r"|(?P<number>\d+(?:[.,/]\d+)*(?:-[а-яё]{1,3})?)"
    r"|(?P<word>[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*\.?)"
    r"|(?P<sign>№)"
    r"|(?P<dash>[–—]|-(?=\s))"
    r"|(?P<punct>.)",
    re.DOTALL,
)


def _opens(text: str, i: int) -> bool:
    """Whether the straight quote at `i` opens a quotation: after a space, a bracket or «, and before a letter."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "(«„“") and not after.isspace()


def _closing(text: str, start: int) -> int:
    """Index just past the quote or bracket opened at `start` (nesting respected); the end if it never closes.

    Straight quotes nest too («"Детский сад № 5 "Ромашка""»): a quote after a space and before a letter opens,
    any other closes.
    """
    opener = text[start]
    closer = _OPENERS[opener]
    if opener == closer:
        depth = 0
        for i in range(start, len(text)):
            if text[i] != opener:
                continue
            if i == start or _opens(text, i):
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return i + 1
        return len(text)
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
        if kind == "word" and value.lower() == "имени":
            # «школа имени Александра Невского»: what follows «имени» is a name in the genitive, never declined
            tokens.append(_Token("opaque", text[i:]))
            break
        if kind == "word":
            if value.endswith("."):
                kind = "dotted"
            elif _is_abbreviation(value):
                kind = "abbr"
        tokens.append(_Token(kind, value))
        i = m.end()
    return tokens


def _is_abbreviation(word: str) -> bool:
    """Whether a word is an abbreviation: its last part has two capitals («МАОУ», «ТомГУ») or is one capital.

    «Нижне-Тавдинская», «Усть-Кутский» are words (each part has one capital), and so is «ИТ-лицей».
    """
    last = word.rsplit("-", 1)[-1]
    return sum(ch.isupper() for ch in last) >= 2 or (len(last) == 1 and last.isupper())


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


def _inflect_parse(parse: Any, grammemes: set[str]) -> Any | None:
    """Inflect one pymorphy3 parse; the locative «loc2» only for `_LOC2_NOUNS`, the prepositional for the rest."""
    if "loc2" in grammemes:
        if parse.tag.POS == "NOUN" and parse.normal_form in _LOC2_NOUNS:
            found = parse.inflect(grammemes)
            if found is not None:
                return found
        grammemes = (grammemes - {"loc2"}) | {"loct"}
    return parse.inflect(grammemes)


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
        right = _inflect_parse(self.parse, grammemes)
        if right is None:
            return None
        if self.left_parse is not None:
            left = _inflect_parse(self.left_parse, grammemes & _NUMBER_AND_CASE)
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
    combining = left.lower().endswith(("о", "е")) or left.isupper()  # «детско-», «психолого-», «ИТ-»
    left_nouns = [] if "-" in left else [
        p for p in _parses(left)
        if p.tag.POS == "NOUN" and not _is_guess(p) and (p.tag.animacy == "anim" or p.normal_form in _INSTITUTION_NOUNS)
    ]
    result: list[_Reading] = []
    for r in _readings(right):
        if r.tag.POS in _ADJ_POS:
            # a compound adjective declines on its last part only: «Нижне-Тавдинская», «Усть-Кутский»
            result.append(_Reading(r.parse, guess=r.guess, left=left))
            continue
        partner = next(
            (p for p in left_nouns if r.tag.POS == "NOUN"
             and (r.tag.animacy == "anim") == (p.tag.animacy == "anim")
             and p.tag.case == r.tag.case and p.tag.number == r.tag.number),
            None,
        )
        if partner is not None:
            # two nouns: «учитель-логопед» → «учителю-логопеду», «Лицей-интернат» → «Лицею-интернату»
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


_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


@lru_cache(maxsize=50_000)
def is_common_word(word: str) -> bool:
    """Tell whether a word is an ordinary dictionary word, not a name: «Исследовательские» yes, «Турочакский»,
    «Кудрявцева», «Томска» no.  The render layer keeps hyphenation off what is not (render.protect_names)."""
    lower = word.lower()
    if not _morph().word_is_known(lower):
        return False
    return not any(_PROPER & set(p.tag.grammemes) for p in _parses(lower)[:2] if _is_dictionary_word(p))


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
    certain: bool = False  # the head is a dictionary noun or a known abbreviation: adjectives agree with it safely


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
        if adjectives and j is not None and self.tokens[j].kind == "opaque" and self.tokens[j].text.startswith("("):
            # «Вечерняя (сменная) школа»: a bracket between the adjectives; `_inflect` makes it agree
            after = _next_index(self.tokens, j)
            if after is not None and self.tokens[after].kind == "word":
                return self._extend(adjectives, after, apposition=apposition)
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
                return _Phrase(
                    chosen, head, noun, noun.tag.number, noun.tag.gender, noun.tag.animacy or "inan",
                    certain=not noun.guess,
                )
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
        listed = self.tokens[abbr].text.upper() in _ABBREVIATION_GENDER
        phrase = _Phrase(chosen, abbr, None, "sing", gender, "inan", certain=listed)
        if not listed:
            phrase.risks.append(
                f"прилагательное согласовано с сокращением «{self.tokens[abbr].text}» как с «учреждением»"
            )
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
        grammemes = {self.grammeme, phrase.number}
        if phrase.number == "sing" and phrase.gender:
            grammemes.add(phrase.gender)
        if self.grammeme == "accs" and (phrase.number == "plur" or phrase.gender == "masc"):
            grammemes.add(phrase.animacy)
        for k, adj in phrase.adjectives:
            self._replace(k, adj, grammemes, certain_head=phrase.certain)
        if phrase.adjectives:
            for k in range(phrase.adjectives[0][0], phrase.head):
                if self.tokens[k].kind == "opaque" and self.tokens[k].text.startswith("("):
                    self._bracket(k, phrase, grammemes)
        if phrase.noun is not None:
            self._replace(phrase.head, phrase.noun, {self.grammeme}, certain_head=phrase.certain)

    def _bracket(self, k: int, phrase: _Phrase, grammemes: set[str]) -> None:
        """Make adjectives in brackets agree («Вечерняя (сменная) школа» → «Вечерней (сменной) школы»)."""
        old = self.tokens[k].text
        inner = old[1:-1] if old.endswith(")") else old[1:]
        words = list(_WORD_SPAN.finditer(inner))
        readings = []
        for m in words:
            found = [r for r in _nominatives(m.group(), _ADJ_POS) if _agrees(r.tag, phrase.number, phrase.gender)]
            if not found:
                self._risk(f"в скобках «{inner}» — не прилагательное, оставлено как есть")
                return
            readings.append(found[0])
        new = inner
        for m, reading in reversed(list(zip(words, readings, strict=True))):
            form = reading.inflect(grammemes)
            if form is None:
                self._risk(f"не удалось просклонять «{m.group()}» в скобках")
                return
            if reading.guess:
                self._risk(f"неизвестное слово «{m.group()}»")
            new = new[: m.start()] + _restore_case(form, m.group()) + new[m.end():]
        self.tokens[k].text = old.replace(inner, new, 1)
        self.changed = True

    def _replace(self, k: int, reading: _Reading, grammemes: set[str], *, certain_head: bool = False) -> None:
        old = self.tokens[k].text
        form = reading.inflect(grammemes)
        if form is None:
            self._risk(f"не удалось просклонять «{old}»")
            return
        new = _restore_case(form, old)
        if new == old:
            return
        regular_adjective = reading.tag.POS == "ADJF" and _PRODUCTIVE_ADJECTIVE.search(old.lower())
        if reading.guess and not (certain_head and regular_adjective):
            # an unknown adjective with a regular ending before a known noun («Тавдинская школа») declines like
            # every such adjective; anything else unknown is a guess
            self._risk(f"неизвестное слово «{old}»: форма угадана по окончанию")
        proper = any(tag in reading.tag for tag in _PROPER_TAGS)
        if proper and old[:1].isupper() and any(t.kind != "space" for t in self.tokens[:k]):
            self._risk(f"«{old}» может быть частью имени собственного, а его не склоняют")
        if reading.hyphen_risk:
            self._risk(f"дефис в «{old}»: склоняется только вторая часть")
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
                    word = self.tokens[phrase.head].text
                    if phrase.noun is not None and word[:1].isupper() and not phrase.adjectives and not any(
                        part in _INSTITUTION_NOUNS for part in phrase.noun.parse.normal_form.split("-")
                    ):
                        # «Станция Ромашка»: a capitalised bare noun may be a name written without quotes
                        self._risk(f"«{word}» с заглавной буквы: если это название, его пишут в кавычках и не склоняют")
                    self._inflect(phrase)
                    apposition_done = True
                    i = phrase.head + 1
                    continue
            if not _is_known(token.text) and any(r.tag.case == "nomn" for r in _readings(token.text)):
                # an unknown word that may be in the nominative may be an apposition that should have declined;
                # one that can only be oblique («стажировочной площадки») is a dependent and rightly stays
                self._risk(f"неизвестное слово «{token.text}» оставлено как есть")
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
# Endings of surnames that decline like adjectives or possessives: a part of a double surname with one of them is
# sure to decline («Римская-Корсакова», «Петров-Водкин»); another part may not («Бонч-Бруевич»).
_SURNAME_ENDING = re.compile(r"(?:[оеё]в|[иы]н|[сц]кий|[оеё]ва|[иы]на|[сц]кая|ой|ая|ий)$")


def _typeset_person(text: str) -> str:
    """Tie initials to the surname: «В.В.Пустовалова», «В. В. Пустовалова» → «В.В.\u00a0Пустовалова»."""
    return tie_numbers(re.sub(r"(?<=[А-ЯЁ]\.)(?=[А-ЯЁ][а-яё])", NBSP, text.strip()))


def _patronymic_gender(word: str) -> str | None:
    low = word.lower()
    if _MALE_PATRONYMIC.search(low):
        return "male"
    if _FEMALE_PATRONYMIC.search(low):
        return "female"
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
    risks: tuple[str, ...] = ()  # doubts about which word is which
    initials_text: str = ""  # «И.В.» as typed in an initials-only name, spaces removed


def _person_parts(text: str) -> _Person | None:
    m = _INITIALS_FIRST.match(text) or _INITIALS_LAST.match(text)
    if m:
        return _Person(surname=m.span("s"), initials=True, initials_text=re.sub(r"\s+", "", m.group("i")))
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
        first_is_name, second_is_name = _is_first_name(words[0]), _is_first_name(words[1])
        doubt = () if first_is_name != second_is_name else (
            f"не ясно, какое из слов «{words[0]}» и «{words[1]}» — фамилия",
        )
        if first_is_name and not second_is_name:
            return _Person(first=spans[0], surname=spans[1], risks=doubt)
        return _Person(surname=spans[0], first=spans[1], risks=doubt)
    if len(words) == 3:
        # «Мария Петровна Кулич»: a first name, then a patronymic — the surname is last even when it ends in -ич
        if _patronymic_gender(words[1]) and (not _patronymic_gender(words[2]) or _is_first_name(words[0])):
            return _Person(first=spans[0], patronymic=spans[1], surname=spans[2])
        return _Person(surname=spans[0], first=spans[1], patronymic=spans[2])
    return None


class PersonEngine(Protocol):
    """What the decliner needs from a library of Russian personal names (pytrovich; `petrovich` was measured too)."""

    def make(self, part: str, text: str, gender: str, case: str) -> str:
        """Decline one part («surname», «first», «patronymic») for a gender («male», «female», «androgynous»)."""
        ...

    def gender(self, *, first: str | None = None, surname: str | None = None) -> str | None:
        """Tell «male» or «female» from a first name or a surname; None when it does not tell."""
        ...


class Pytrovich:
    """`PersonEngine` on pytrovich (the process-wide maker and detector from `_petrovich`)."""

    _PARTS: ClassVar[dict[str, str]] = {"surname": "LASTNAME", "first": "FIRSTNAME", "patronymic": "MIDDLENAME"}

    def make(self, part: str, text: str, gender: str, case: str) -> str:
        maker, _ = _petrovich()
        return str(maker.make(
            getattr(NamePart, self._PARTS[part]), getattr(Gender, gender.upper()),
            getattr(Case, _PETROVICH_CASES[case]), text,
        ))

    def gender(self, *, first: str | None = None, surname: str | None = None) -> str | None:
        _, detector = _petrovich()
        if first:
            detected = detector.detect(firstname=first.lower())
        elif surname:
            detected = detector.detect(lastname=surname.lower())
        else:
            return None
        return None if detected == Gender.ANDROGYNOUS else str(detected.name).lower()


def _short_form(name: str, parts: _Person, surname: str) -> str:
    """«И.О. Фамилия» from the parts of `name`, with `surname` already in its case."""
    if parts.initials:
        initials = parts.initials_text
    else:
        initials = "".join(
            f"{name[span[0]].upper()}." for span in (parts.first, parts.patronymic) if span is not None
        )
    return f"{initials}{NBSP}{surname}" if initials else surname


@dataclass(frozen=True)
class ShortName:
    """A person to print as «И.О. Фамилия»: made by the ``ио`` filter, declined by the case filters.

    Rendered as is (no case filter after it), it prints the nominative: «Швайко Ирина Викторовна» → «И.В. Швайко».
    """

    value: object

    def __str__(self) -> str:
        nominative = getattr(self.value, "nominative", self.value)
        text = "" if nominative is None else str(nominative)
        parts = _person_parts(text) if text.strip() else None
        if parts is None or parts.surname is None:
            return _typeset_person(text)
        return tie_numbers(_short_form(text, parts, text[parts.surname[0] : parts.surname[1]]))


# ---------------------------------------------------------------------------------------------------------------
# The public decliner


class Decliner:
    """Decline values for templates and remember every form for the review list.

    Lazily creates one pymorphy3.MorphAnalyzer and one petrovich maker (module-level cache: they are slow to load).
    """

    def __init__(self, engine: PersonEngine | None = None) -> None:
        self.log: list[Form] = []
        self.engine: PersonEngine = engine or Pytrovich()

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

    def person(self, name: str, case: str, *, short: bool = False) -> Form:
        """Decline a person's name: «В.В. Пустовалова» → дт «В.В. Пустоваловой».

        With `short`, print «И.О. Фамилия» whatever the order typed: «Швайко Ирина Викторовна» → вн «И.В. Швайко»
        (the full name tells the gender; initials alone may not).
        """
        _check_case(case)
        parts = _person_parts(name) if name.strip() else None
        if (case == "им" or not name.strip()) and not (short and parts is not None and parts.surname is not None):
            return self._done(Form(name, case, _typeset_person(name), METHOD_UNCHANGED))
        if parts is None or parts.surname is None:
            return self._unchanged(name, case, [f"не распознаны фамилия, имя и отчество в «{name}»"])
        if case == "им":
            as_typed = name[parts.surname[0] : parts.surname[1]]
            return self._done(Form(name, case, tie_numbers(_short_form(name, parts, as_typed)), METHOD_UNCHANGED))
        engine = self.engine
        risks: list[str] = list(parts.risks)

        def part(span: tuple[int, int] | None) -> str | None:
            return name[span[0] : span[1]] if span else None

        surname, first, patronymic = part(parts.surname), part(parts.first), part(parts.patronymic)
        assert surname is not None
        gender = _patronymic_gender(patronymic) if patronymic else None
        if patronymic and gender is None:
            risks.append(f"отчество «{patronymic}» не распознано")
        by_first = engine.gender(first=first) if first else None
        if gender is not None and by_first is not None and by_first != gender:
            risks.append(f"имя «{first}» и отчество «{patronymic}» говорят о разном поле; пол взят по отчеству")
        if gender is None and first:
            gender = by_first
            if gender is None:
                risks.append(f"пол не ясен по имени «{first}»")
        if gender is None and not first:
            gender = engine.gender(surname=surname)
            if not parts.initials:
                risks.append("нет ни имени, ни инициалов")
        if gender is None:
            male = engine.make("surname", surname, "male", case)
            female = engine.make("surname", surname, "female", case)
            if male != female:
                risks.append(
                    f"пол не определён: фамилия «{surname}» оставлена без изменений "
                    f"(для мужчины — «{male}», для женщины — «{female}»)"
                )
                new_surname = surname
            else:
                new_surname = male
            gender = "androgynous"
        else:
            new_surname = engine.make("surname", surname, gender, case)
        replacements: list[tuple[tuple[int, int], str]] = [(parts.surname, new_surname)]
        if "-" in surname and new_surname != surname:
            odd = [
                old for old, new in zip(surname.split("-")[:-1], new_surname.split("-")[:-1], strict=False)
                if old != new and not _SURNAME_ENDING.search(old.lower())
            ]
            if odd:
                risks.append(f"двойная фамилия «{surname}»: проверьте, склоняется ли часть «{odd[0]}»")
        if first and parts.first:
            replacements.append((parts.first, engine.make("first", first, gender, case)))
        if patronymic and parts.patronymic and " " not in patronymic:
            replacements.append((parts.patronymic, engine.make("patronymic", patronymic, gender, case)))
        result = name
        for (start, end), new in sorted(replacements, reverse=True):
            result = result[:start] + new + result[end:]
        changed = any(name[start:end] != new for (start, end), new in replacements)
        method = METHOD_PETROVICH if changed else METHOD_UNCHANGED
        if short:
            result = _short_form(name, parts, new_surname)
        return self._done(Form(name, case, _typeset_person(result), method, tuple(risks)))

    def auto(self, value: object, case: str) -> Form:
        """Decline any template value: an override, a person's name, an organization name or a phrase.

        A `ShortName` (the ``ио`` filter) is a person printed as «И.О. Фамилия»; a hand-typed form still wins.
        """
        _check_case(case)
        short = isinstance(value, ShortName)
        if isinstance(value, ShortName):
            value = value.value
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
        if short:
            return self.person(text, case, short=True)
        if looks_like_person(text):
            return self.person(text, case)
        return self._phrase(text, case)


def make_filters(decliner: Decliner) -> dict[str, Callable[[object], object]]:
    """Jinja filters named by the Russian case abbreviations: ``{{ org | рд }}``; and ``ио``.

    ``{{ person | ио | вн }}`` prints a person as «И.О. Фамилия» in the case asked, ``{{ person | ио }}`` in the
    nominative: the workbook may hold the full name, which also tells the gender.
    """

    def make(case: str) -> Callable[[object], object]:
        def declined(value: object) -> str:
            return decliner.auto(value, case).text

        declined.__name__ = f"declension_{CASES[case]}"
        return declined

    filters: dict[str, Callable[[object], object]] = {case: make(case) for case in CASES}
    filters["ио"] = ShortName
    return filters


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
