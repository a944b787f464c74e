"""Declension of organization names, positions and people for the templates (docgen.declension).

The accuracy test reads tests/declension/cases.csv: nominatives with the forms a careful editor writes in an
official document, including every form распоряжение № 477 itself uses.  It fails when either group — organizations
and phrases, or people — is below 95 % and prints the figures and the mistakes.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pytest

from docgen import declension
from docgen.declension import CASES, Decliner, Form, make_filters, review_rows
from docgen.text import NBSP

CASES_CSV = Path(__file__).resolve().parent / "declension" / "cases.csv"
THRESHOLD = 0.95


def _rows() -> list[dict[str, str]]:
    with CASES_CSV.open(encoding="utf-8", newline="") as fp:
        return list(csv.DictReader(fp))


def _decline(decliner: Decliner, kind: str, nominative: str, case: str) -> Form:
    if kind == "person":
        return decliner.person(nominative, case)
    if kind == "phrase":
        return decliner.phrase(nominative, case)
    return decliner.organization(nominative, case)


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


@pytest.fixture(scope="module")
def decliner() -> Decliner:
    return Decliner()


# ---------------------------------------------------------------------------------------------------------------
# Accuracy on the collected cases


def test_cases_file_is_big_and_realistic_enough() -> None:
    rows = _rows()
    assert rows, "tests/declension/cases.csv is empty"
    assert set(rows[0]) == {"kind", "nominative", "case", "expected"}
    assert {row["kind"] for row in rows} <= {"org", "phrase", "person"}
    assert {row["case"] for row in rows} <= set(CASES) - {"им"}
    organizations = {row["nominative"] for row in rows if row["kind"] == "org"}
    people = {row["nominative"] for row in rows if row["kind"] == "person"}
    assert len(organizations) >= 60, len(organizations)
    assert len(people) >= 30, len(people)
    pairs = [(row["nominative"], row["case"]) for row in rows]
    assert len(pairs) == len(set(pairs)), "a (nominative, case) pair is listed twice"


def test_order_477_forms_are_in_the_cases() -> None:
    """Every declined form the order itself uses is part of the accuracy test."""
    expected = {(row["expected"], row["case"]) for row in _rows()}
    used_by_the_order = [
        ("МБОУ лицеем при ТПУ", "тв"),  # п. 2.1
        ("МАОУ ДО детско-юношескому центру «Звездочка»", "дт"),  # п. 2.1 (the order mixes тв and дт)
        ("МАОУ ДО Центру сибирского фольклора", "дт"),  # п. 2.1
        ("МАОУ гимназией № 56", "тв"),  # п. 2.3
        ("МБОУ лицея при ТПУ", "рд"),  # п. 2.4
        ("МАОУ гимназии № 56", "рд"),  # п. 2.4
        ("МАОУ ДО детско-юношеского центра «Звездочка»", "рд"),  # п. 2.4
        ("МАОУ ДО Центра сибирского фольклора", "рд"),  # п. 2.4
        ("Муниципальному автономному учреждению информационно-методическому центру г. Томска", "дт"),  # п. 5
        ("заместителя начальника департамента образования администрации Города Томска", "вн"),  # контроль
        ("И.В. Швайко", "вн"),  # контроль
        ("В.В. Пустоваловой", "дт"),  # адресат заявки
        ("департамента образования администрации Города Томска", "рд"),  # пп. 1–2
    ]
    missing = [pair for pair in used_by_the_order if pair not in expected]
    assert not missing, missing


def test_accuracy(decliner: Decliner, capsys: pytest.CaptureFixture[str]) -> None:
    totals = {"организации и фразы": [0, 0], "люди": [0, 0]}
    mistakes: list[str] = []
    for row in _rows():
        group = "люди" if row["kind"] == "person" else "организации и фразы"
        form = _decline(decliner, row["kind"], row["nominative"], row["case"])
        totals[group][1] += 1
        if _plain(form.text) == row["expected"]:
            totals[group][0] += 1
        else:
            mistakes.append(
                f"{row['case']} «{row['nominative']}»: получено «{_plain(form.text)}», ожидалось «{row['expected']}»"
            )
    figures = "; ".join(f"{name}: {ok}/{total} = {ok / total:.1%}" for name, (ok, total) in totals.items())
    with capsys.disabled():
        print(f"\nТочность склонения — {figures}")
        for mistake in mistakes:
            print(f"  ошибка: {mistake}")
    low = [name for name, (ok, total) in totals.items() if ok / total < THRESHOLD]
    assert not low, f"точность ниже {THRESHOLD:.0%}: {figures}; ошибки: {mistakes}"


def test_auto_tells_people_from_organizations(decliner: Decliner) -> None:
    """The filters use `auto`: it must choose the same path as the kind written in the cases."""
    wrong = []
    for row in _rows():
        by_kind = _decline(decliner, row["kind"], row["nominative"], row["case"])
        by_auto = decliner.auto(row["nominative"], row["case"])
        if by_auto.text != by_kind.text:
            wrong.append((row["nominative"], row["case"], by_auto.text, by_kind.text))
    assert not wrong


# ---------------------------------------------------------------------------------------------------------------
# Single behaviours


def test_order_examples(decliner: Decliner) -> None:
    assert decliner.organization("МБОУ лицей при ТПУ", "тв").text == "МБОУ лицеем при ТПУ"
    assert decliner.person("В.В. Пустовалова", "дт").text == f"В.В.{NBSP}Пустоваловой"
    assert decliner.person("И.В. Швайко", "вн").text == f"И.В.{NBSP}Швайко"
    position = "заместитель начальника департамента образования администрации Города Томска"
    assert decliner.phrase(position, "вн").text == (
        "заместителя начальника департамента образования администрации Города Томска"
    )
    form = decliner.organization(
        "Муниципальное автономное учреждение информационно-методический центр г. Томска", "дт"
    )
    assert form.text == f"Муниципальному автономному учреждению информационно-методическому центру г.{NBSP}Томска"
    assert form.method == "словарь"


def test_nominative_is_identity_with_typography(decliner: Decliner) -> None:
    form = decliner.auto("МАОУ гимназия № 56", "им")
    assert form.text == f"МАОУ гимназия №{NBSP}56"
    assert form.method == "без изменений"
    assert decliner.auto("В.В.Пустовалова", "им").text == f"В.В.{NBSP}Пустовалова"


def test_abbreviation_only_names_stay_unchanged(decliner: Decliner) -> None:
    for name in ("МАДОУ № 5", "МАОУ СОШ № 16, 32 (сетевая программа)", "МАОУ ДО ДЮЦ «Синяя птица»", "МАУ ИМЦ"):
        form = decliner.organization(name, "тв")
        assert _plain(form.text) == name
        assert form.method == "без изменений"
        assert form.risks == ()


def test_non_breaking_spaces(decliner: Decliner) -> None:
    assert decliner.organization("МАОУ гимназия № 56", "рд").text == f"МАОУ гимназии №{NBSP}56"
    assert decliner.organization("МАОУ гимназия №56", "рд").text == f"МАОУ гимназии №{NBSP}56"
    assert decliner.organization("МАОУ СОШ № 19 г. Томска", "дт").text == f"МАОУ СОШ №{NBSP}19{NBSP}г.{NBSP}Томска"
    assert decliner.person("В.В.Пустовалова", "дт").text == f"В.В.{NBSP}Пустоваловой"
    assert decliner.person("В. В. Пустовалова", "тв").text == f"В.В.{NBSP}Пустоваловой"
    assert decliner.person("Пустовалова В.В.", "рд").text == f"Пустоваловой{NBSP}В.В."


def test_capitalisation_and_yo_are_kept_as_typed(decliner: Decliner) -> None:
    assert decliner.organization("МАОУ ДО Центр сибирского фольклора", "дт").text == (
        "МАОУ ДО Центру сибирского фольклора"
    )
    assert decliner.organization("Центр развития ребенка", "тв").text == "Центром развития ребенка"
    assert decliner.person("Беляев Артём Олегович", "рд").text == "Беляева Артёма Олеговича"


# -- overrides --------------------------------------------------------------------------------------------------


@dataclass
class Named:
    nominative: str
    forms: Mapping[str, str] = field(default_factory=dict)


def test_override_wins_for_its_case(decliner: Decliner) -> None:
    value = Named("МАОУ ДО ДЮЦ «Синяя птица»", {"тв": "МАОУ ДО ДЮЦ «Синяя птица» (детско-юношеским центром)"})
    form = decliner.auto(value, "тв")
    assert form == Form(
        "МАОУ ДО ДЮЦ «Синяя птица»", "тв", "МАОУ ДО ДЮЦ «Синяя птица» (детско-юношеским центром)", "ручная форма"
    )
    assert form.risks == ()


def test_override_is_typeset(decliner: Decliner) -> None:
    form = decliner.auto(Named("Швайко И.В.", {"дт": "И.В. Швайко"}), "дт")
    assert form.text == f"И.В.{NBSP}Швайко"
    assert form.method == "ручная форма"


def test_override_falls_back_to_declension(decliner: Decliner) -> None:
    value = Named("МАОУ гимназия № 56", {"тв": "", "дт": "МАОУ гимназии № 56 (вручную)"})
    assert _plain(decliner.auto(value, "тв").text) == "МАОУ гимназией № 56"  # empty: not an override
    form = decliner.auto(value, "рд")  # not given: declined
    assert _plain(form.text) == "МАОУ гимназии № 56"
    assert form.method == "словарь"
    assert form.source == "МАОУ гимназия № 56"
    person = decliner.auto(Named("В.В. Пустовалова"), "дт")
    assert person.method == "petrovich"

    @dataclass
    class WithoutForms:
        nominative: str
        forms: Mapping[str, str] | None = None

    assert _plain(decliner.auto(WithoutForms("МАОУ лицей № 7"), "рд").text) == "МАОУ лицея № 7"


# -- risks ------------------------------------------------------------------------------------------------------


def test_unknown_word_is_left_unchanged_and_reported(decliner: Decliner) -> None:
    form = decliner.organization("Кванториум", "рд")
    assert form.text == "Кванториум"
    assert "неизвестное слово «Кванториум»" in form.risks


def test_unknown_regular_adjective_declines_but_is_reported(decliner: Decliner) -> None:
    form = decliner.phrase("стажировочная площадка", "тв")
    assert form.text == "стажировочной площадкой"
    assert "неизвестное слово «стажировочная»" in form.risks


def test_name_without_patronymic_is_reported(decliner: Decliner) -> None:
    form = decliner.person("Иванова Мария", "дт")
    assert form.text == "Ивановой Марии"
    assert "нет отчества" in form.risks


def test_gender_from_the_surname_is_reported(decliner: Decliner) -> None:
    assert "пол определён по фамилии" in decliner.person("В.В. Пустовалова", "дт").risks
    assert decliner.person("Пустовалова Валентина Васильевна", "дт").risks == ()


def test_unknown_gender_leaves_the_surname(decliner: Decliner) -> None:
    form = decliner.person("Шевчук И.А.", "дт")
    assert _plain(form.text) == "Шевчук И.А."
    assert any(risk.startswith("пол не определён") for risk in form.risks)


def test_capital_letter_and_hyphen_are_reported(decliner: Decliner) -> None:
    assert "слово с заглавной буквы «Центр»" in decliner.organization("МАОУ ДО Центр сибирского фольклора", "рд").risks
    assert "дефис в «интернет-центр»" in decliner.organization("Детский интернет-центр", "рд").risks
    assert "дефис в «Петрова-Водкина»" in decliner.person("Петрова-Водкина Ольга Николаевна", "дт").risks


def test_text_not_in_the_nominative_is_reported(decliner: Decliner) -> None:
    form = decliner.phrase("директору школы", "рд")
    assert form.text == "директору школы"
    assert any("именительном" in risk for risk in form.risks)


def test_unknown_case_is_refused(decliner: Decliner) -> None:
    with pytest.raises(ValueError, match="падеж"):
        decliner.organization("МАОУ гимназия № 56", "gent")


# -- log, review list, filters ----------------------------------------------------------------------------------


def test_log_keeps_every_form_in_order() -> None:
    decliner = Decliner()
    decliner.organization("МАОУ гимназия № 56", "рд")
    decliner.person("В.В. Пустовалова", "дт")
    decliner.organization("МАОУ гимназия № 56", "рд")
    assert [(f.source, f.case) for f in decliner.log] == [
        ("МАОУ гимназия № 56", "рд"),
        ("В.В. Пустовалова", "дт"),
        ("МАОУ гимназия № 56", "рд"),
    ]


def test_review_rows_unique_and_risky_first() -> None:
    plain = Form("МАОУ гимназия № 56", "рд", "МАОУ гимназии № 56", "словарь")
    risky = Form("Кванториум", "рд", "Кванториум", "без изменений", ("неизвестное слово «Кванториум»",))
    other = Form("МАУ ИМЦ", "дт", "МАУ ИМЦ", "без изменений")
    same_source_other_case = Form("МАОУ гимназия № 56", "тв", "МАОУ гимназией № 56", "словарь")
    rows = review_rows([plain, risky, other, plain, risky, same_source_other_case])
    assert rows == [risky, plain, other, same_source_other_case]


def test_review_rows_from_a_decliner_log() -> None:
    decliner = Decliner()
    decliner.auto("МАОУ гимназия № 56", "тв")
    decliner.auto("Иванова Мария", "дт")
    decliner.auto("МАОУ гимназия № 56", "тв")
    rows = review_rows(decliner.log)
    assert [(f.source, bool(f.risks)) for f in rows] == [("Иванова Мария", True), ("МАОУ гимназия № 56", False)]


def test_jinja_filters_by_russian_case_names() -> None:
    decliner = Decliner()
    filters = make_filters(decliner)
    assert set(filters) == {"им", "рд", "дт", "вн", "тв", "пр"}
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(filters)
    assert env.from_string('{{ "МБОУ лицей при ТПУ" | тв }}').render() == "МБОУ лицеем при ТПУ"
    template = env.from_string("Директору {{ org | рд }} {{ head | дт }}; {{ order | пр }}; {{ empty | рд }}.")
    text = template.render(
        org="МАУ ИМЦ",
        head=Named("В.В. Пустовалова", {}),
        order="муниципальная стажировочная площадка",
        empty=None,
    )
    assert text == f"Директору МАУ ИМЦ В.В.{NBSP}Пустоваловой; муниципальной стажировочной площадке; ."
    assert [f.case for f in decliner.log] == ["тв", "рд", "дт", "пр", "рд"]


def test_engines_are_created_once() -> None:
    first, second = Decliner(), Decliner()
    first.organization("МАОУ гимназия № 56", "рд")
    second.person("В.В. Пустовалова", "дт")
    assert declension._morph() is declension._morph()
    assert declension._petrovich() is declension._petrovich()
