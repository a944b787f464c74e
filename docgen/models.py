"""Describe the documents' data as Pydantic models, independent of Excel, Word and LibreOffice.

The loader builds these from a workbook; templates read them (and only them) through Jinja.  Everything a template
prints is either a field typed by the user or a computed field derived here, so the template contract (`contract.py`)
can check a template's names against `model_fields` and `model_computed_fields`.

Validators raise `PydanticCustomError` with a Russian message: the loader turns each one into a `Problem` that points
at the cell the value came from.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field
from pydantic_core import PydanticCustomError

from docgen.text import MONTHS_NOMINATIVE, NBSP, format_date, tie_numbers

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_PHONE_CHARS = re.compile(r"[\d\s()+\-–.,;]*(доб\.?\s*\d+)?[\d\s()+\-–.,;]*", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*\.[^\s]+", re.IGNORECASE)


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError("docgen", "ожидается адрес электронной почты вида name@school.ru")
    return value


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.fullmatch(value) or not 6 <= len(digits) <= 15:
        raise PydanticCustomError(
            "docgen", "ожидается номер телефона из 6–15 цифр, например +7 (3822) 12-34-56"
        )
    return value


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise PydanticCustomError("docgen", "ожидается адрес сайта, начинающийся с http:// или https://")
    return value


Text = Annotated[str, Field(min_length=1)]
Email = Annotated[str, AfterValidator(_email)]
Phone = Annotated[str, AfterValidator(_phone)]
Url = Annotated[str, AfterValidator(_url)]


class Model(BaseModel):
    """Base of all document models: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the municipality ------------------------------------------------------------------------------------------


class Addressee(Model):
    """Whom a заявка is addressed to, already in the dative: «Директору МАУ ИМЦ», «В.В. Пустоваловой»."""

    position_dative: Text
    name_dative: Text


class Rules(Model):
    """Thresholds of the regulation's rules; see the profile file for where each number comes from."""

    plan_years: int = Field(ge=1)
    min_events_per_year: int = Field(ge=0)
    min_rationale_chars: int = Field(ge=0)
    events_rule: str
    events_form_rule: str
    plan_rule: str
    rationale_rule: str


class ZayavkaForm(Model):
    """Texts of the заявка form that belong to the municipality, not to the school."""

    title: Text
    subtitle: Text
    file_name: Text  # with {short_name}
    submission_email: Email


class Profile(Model):
    """Everything that differs between municipalities: names, addressee, file names, rule thresholds."""

    key: Text
    name: Text
    addressee: Addressee
    zayavka: ZayavkaForm
    rules: Rules


# --- people and organizations ----------------------------------------------------------------------------------


class PersonName(Model):
    """A person's full name as typed: «Фамилия Имя Отчество» (the patronymic may be absent)."""

    last: Text
    first: Text
    patronymic: str | None = None

    @classmethod
    def parse(cls, full: str) -> PersonName:
        """Split «Иванова Мария Петровна»; raise PydanticCustomError on anything else."""
        parts = full.split()
        if not 2 <= len(parts) <= 4 or any(not re.fullmatch(r"[А-ЯЁA-Z][а-яёa-z'-]*(-[А-ЯЁа-яё]+)?", p)
                                           for p in parts):
            raise PydanticCustomError(
                "docgen", "ожидаются фамилия, имя и отчество полностью, например «Иванова Мария Петровна»"
            )
        return cls(last=parts[0], first=parts[1], patronymic=" ".join(parts[2:]) or None)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def initials_surname(self) -> str:
        """«М.П. Иванова» with a non-breaking space, as in a signature block."""
        initials = f"{self.first[0]}." + (f"{self.patronymic[0]}." if self.patronymic else "")
        return f"{initials}{NBSP}{self.last}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def full(self) -> str:
        return " ".join(p for p in (self.last, self.first, self.patronymic) if p)


class Organization(Model):
    """The applicant organization and its head."""

    full_name: Text
    short_name: Text
    head_position: Text
    head_name: PersonName
    address: str | None = None
    phone: Phone
    email: Email
    site: Url | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def short_name_typeset(self) -> str:
        return tie_numbers(self.short_name)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def full_name_typeset(self) -> str:
        return tie_numbers(self.full_name)


# --- the заявка ------------------------------------------------------------------------------------------------


class EventDate(Model):
    """When an event happens: an exact day or a month of a year («ноябрь 2023»)."""

    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        if self.day is None:
            return f"{MONTHS_NOMINATIVE[self.month - 1]} {self.year}{NBSP}г."  # may wrap after the month
        return format_date(date(self.year, self.month, self.day))

    @property
    def academic_year(self) -> int:
        """The first calendar year of the school year it falls in (September to August)."""
        return self.year if self.month >= 9 else self.year - 1

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)


class Product(Model):
    """A planned product of the site (form п. 4)."""

    kind: Text
    title: Text
    due: date
    site_date: date | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def due_label(self) -> str:
        return format_date(self.due)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def site_date_label(self) -> str:
        return format_date(self.site_date) if self.site_date else "—"


class RoadmapEvent(Model):
    """One row of the roadmap (form п. 5)."""

    title: Text
    form: Text
    result: Text
    when: EventDate
    participants: Text
    responsible: Text
    contacts: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def responsible_with_contacts(self) -> str:
        return f"{self.responsible}\n{self.contacts}" if self.contacts else self.responsible


class NumberedEvent(Model):
    """A roadmap event with its number in the document's continuous numbering."""

    number: int
    event: RoadmapEvent


class RoadmapYear(Model):
    """The events of one school year of the plan, numbered across the whole roadmap."""

    start: int
    events: list[NumberedEvent]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return f"{self.start}-{self.start + 1} учебный год"


def _plan_start(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise PydanticCustomError("docgen", "ожидается учебный год вида 2023-2024")
    return value


class Application(Model):
    """The заявка на присвоение статуса стажировочной площадки, as the form of the Tomsk order asks."""

    profile: Profile
    org: Organization
    topic: Text
    goals: Text
    tasks: Text
    rationale: Text
    products: list[Product] = Field(min_length=1)
    first_year: Annotated[int, AfterValidator(_plan_start)]
    application_date: date | None = None
    roadmap: list[RoadmapEvent] = Field(min_length=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plan_years(self) -> list[int]:
        return [self.first_year + i for i in range(self.profile.rules.plan_years)]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plan_label(self) -> str:
        last = self.first_year + self.profile.rules.plan_years
        return f"{self.first_year}-{last}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def roadmap_years(self) -> list[RoadmapYear]:
        """Group the roadmap by school year in the order of dates; number the events 1…N across years.

        Events outside the plan's years still appear (under their own year) so nothing typed is lost; the rules
        report them as errors before a document is made.
        """
        ordered = sorted(self.roadmap, key=lambda e: e.when.sort_key)
        years: dict[int, list[NumberedEvent]] = {}
        for number, event in enumerate(ordered, start=1):
            years.setdefault(event.when.academic_year, []).append(NumberedEvent(number=number, event=event))
        return [RoadmapYear(start=start, events=events) for start, events in sorted(years.items())]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def file_stem(self) -> str:
        """The file name the order prescribes (п. 4.2), before it is made safe for a file system."""
        return self.profile.zayavka.file_name.format(short_name=self.org.short_name)


def model_input(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of raw input without None values, so a missing optional value takes its default."""
    return {k: v for k, v in data.items() if v is not None}
