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
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, computed_field, model_validator
from pydantic_core import PydanticCustomError

from docgen.text import MONTHS_NOMINATIVE, NBSP, format_date, format_period, tie_numbers, year_span

BLANK = "________"  # what a draft prints for a value the workbook lacks or has wrong (a line to fill in by hand)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_PHONE_CHARS = re.compile(r"[\d\s()+\-–.,;]*(доб\.?\s*\d+)?[\d\s()+\-–.,;]*", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*\.[^\s]+", re.IGNORECASE)


def _blank_allowed(value: str, info: ValidationInfo) -> bool:
    """Tell whether a draft's placeholder stands here: only when the loader builds a draft (context «draft»)."""
    return value == BLANK and bool(info.context and info.context.get("draft"))


def _email(value: str, info: ValidationInfo) -> str:
    if _blank_allowed(value, info):
        return value
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError("docgen", "ожидается адрес электронной почты, например name@school.ru")
    return value


def _phone(value: str, info: ValidationInfo) -> str:
    if _blank_allowed(value, info):
        return value
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.fullmatch(value) or not 6 <= len(digits) <= 15:
        raise PydanticCustomError(
            "docgen", "ожидается номер телефона из 6–15 цифр, например +7 (3822) 12-34-56"
        )
    return value


def _url(value: str, info: ValidationInfo) -> str:
    if _blank_allowed(value, info):
        return value
    if not _URL.fullmatch(value):
        raise PydanticCustomError("docgen", "ожидается адрес сайта, начинающийся с http:// или https://, например https://school56.ru")
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
    """Whom a paper is addressed to (ГОСТ Р 7.0.97, 5.15): «Директору МАУ ИМЦ», «В.В. Пустоваловой» in the dative.

    The name may be absent: a paper to an organization names it in the nominative, without «В»
    («Управление образования Администрации МО «Турочакский район»»); `position_dative` then holds that name.
    """

    position_dative: Text
    name_dative: str | None = None


class Rules(Model):
    """Thresholds of the regulation's rules and the points they come from; see each profile file for the why.

    A citation left empty means the municipality's regulation has no such rule, and its check is off.
    """

    plan_years: int = Field(ge=1)
    min_events_per_year: int = Field(ge=0)
    min_rationale_chars: int = Field(ge=0)
    term_years: int = Field(ge=1)
    report_deadline_days: int | None = Field(default=None, ge=0)
    events_rule: str = ""
    events_form_rule: str = ""
    plan_rule: str = ""
    rationale_rule: str = ""
    deadline_rule: str = ""
    criteria_rule: str = ""


class DocumentTexts(Model):
    """Texts of one paper that belong to the municipality, not to the school."""

    title: Text
    subtitle: str = ""
    file_name: Text  # with {short_name}; the order's п. 4.2 and п. 2.4 prescribe it for Tomsk
    annex_file_name: str = ""  # an order's annex on its own: with {annex}, {number}, {date}


class Criterion(Model):
    """One indicator an applicant must (base) or may meet (Turochak Положение, the part before п. 3.1)."""

    text: Text
    base: bool = False  # the base one is required; of the others, at least one


class Profile(Model):
    """Everything that differs between municipalities: names, addressees, papers, file names, rule thresholds."""

    key: Text
    name: Text
    municipality_genitive: Text  # «города Томска»: in «для развития системы образования города Томска»
    authority: Text  # in the nominative: «департамент образования администрации Города Томска»
    header_lines: list[str] = []  # the authority's header of an order: «АДМИНИСТРАЦИЯ ГОРОДА ТОМСКА», …
    regulation: Text  # how papers refer to the regulation
    addressee: Addressee  # of the заявка
    report_addressee: Addressee | None = None  # of the отчёт, where it differs
    submission_email: Email | None = None
    documents: dict[str, DocumentTexts]
    rules: Rules
    criteria: list[Criterion] = []

    def texts(self, kind: str) -> DocumentTexts:
        return self.documents[kind]


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
        if self.last == BLANK:
            return BLANK
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
    """When an event happens, of the kind the person wrote: a day, a month, a span, a quarter, a school year.

    The start is `year`/`month`/`day`; spans add `end_*`.  Kinds: «day» (15.10.2023), «days» (15–16 октября),
    «month» (ноябрь 2023), «months» (ноябрь–декабрь 2023, сентябрь 2023 – май 2024), «quarter» (IV квартал
    2023), «school_year» (в течение 2023-2024 учебного года) and «yearly» («в течение года» with no year: every
    school year of the plan), «half» (II полугодие 2024-2025 учебного года: January to May 2025).  `label` prints
    every kind in one normal form.
    """

    kind: Literal["day", "days", "month", "months", "quarter", "half", "school_year", "yearly"] = "month"
    year: int | None = Field(default=None, ge=2000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    end_year: int | None = Field(default=None, ge=2000, le=2100)
    end_month: int | None = Field(default=None, ge=1, le=12)
    end_day: int | None = Field(default=None, ge=1, le=31)

    @model_validator(mode="before")
    @classmethod
    def _kind_from_fields(cls, data: Any) -> Any:
        # EventDate(year=…, month=…, day=…) without a kind is a day or a month, as before kinds existed
        if isinstance(data, dict) and "kind" not in data:
            data = {**data, "kind": "day" if data.get("day") is not None else "month"}
        return data

    @model_validator(mode="after")
    def _complete(self) -> EventDate:
        needs = {"day": ("year", "month", "day"), "days": ("year", "month", "day", "end_year", "end_month", "end_day"),
                 "month": ("year", "month"), "months": ("year", "month", "end_year", "end_month"),
                 "quarter": ("year", "month", "end_month"), "half": ("year", "month", "end_year", "end_month"),
                 "school_year": ("year",), "yearly": ()}[self.kind]
        if any(getattr(self, name) is None for name in needs):
            raise PydanticCustomError("docgen", "срок указан не полностью")
        if self.end_year is not None and (self.end_year, self.end_month or 0, self.end_day or 0) <= (
                self.year or 0, self.month or 0, self.day or 0):
            raise PydanticCustomError("docgen", "конец срока не позже его начала")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        """The term in one normal form: «15.10.2023», «ноябрь – декабрь 2023 г.», «IV квартал 2023 г.»."""
        year, month, day = self.year or 0, self.month or 1, self.day or 1
        if self.kind == "day":
            return format_date(date(year, month, day))
        if self.kind == "days":
            return format_period(date(year, month, day), date(self.end_year or 0, self.end_month or 1,
                                                              self.end_day or 1))
        if self.kind == "month":
            return f"{MONTHS_NOMINATIVE[month - 1]} {year}{NBSP}г."  # may wrap after the month
        if self.kind == "months":
            end = MONTHS_NOMINATIVE[(self.end_month or 1) - 1]
            if self.end_year == year:
                return f"{MONTHS_NOMINATIVE[month - 1]} – {end} {year}{NBSP}г."
            return f"{MONTHS_NOMINATIVE[month - 1]} {year}{NBSP}г. – {end} {self.end_year}{NBSP}г."
        if self.kind == "quarter":
            return f"{QUARTERS[(month - 1) // 3]}{NBSP}квартал {year}{NBSP}г."
        if self.kind == "half":  # I: September–December, II: January–May of the school year
            first = year if month >= 9 else year - 1
            return f"{'I' if month >= 9 else 'II'}{NBSP}полугодие {year_span(first, first + 1)} учебного года"
        if self.kind == "school_year":
            return f"в течение {year_span(year, year + 1)} учебного года"
        return "в течение учебного года"

    @property
    def academic_year(self) -> int | None:
        """The first calendar year of the school year it starts in (September to August); None: every year."""
        if self.year is None:
            return None
        if self.kind == "school_year":
            return self.year
        return self.year if (self.month or 9) >= 9 else self.year - 1

    @property
    def sort_key(self) -> tuple[int, int, int]:
        if self.year is None:  # every year: after the dated events
            return (9999, 0, 0)
        return (self.year, self.month or 9, self.day or 0)


QUARTERS = ("I", "II", "III", "IV")


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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def title_with_form(self) -> str:
        """«Семинар «…» (форма проведения: семинар)»; a title that already names its form is not told it twice.

        The form's column asks for «Мероприятие с указанием формы проведения»; «Мировое кафе» «Обратная связь…»
        followed by «(форма проведения: «Мировое кафе»)» would say the same thing twice.
        """
        form = self.form.strip("«»\"„“ ").casefold()
        if form and form in self.title.casefold():
            return self.title
        return f"{self.title} (форма проведения: {self.form})"


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
        return f"{year_span(self.start, self.start + 1)} учебный год"


def _plan_start(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise PydanticCustomError("docgen", "ожидается учебный год вида 2023-2024")
    return value


SchoolYear = Annotated[int, AfterValidator(_plan_start)]


def school_year_label(start: int) -> str:
    return year_span(start, start + 1)


class Paper(Model):
    """What every paper has: the municipality's profile, a title and a file name from it."""

    kind: ClassVar[str]
    # An order's every declined form goes to a review list; other papers decline only a name or two (the school
    # in the genitive), listed only when a form is uncertain.
    review_every_form: ClassVar[bool] = False
    profile: Profile

    @computed_field  # type: ignore[prop-decorator]
    @property
    def texts(self) -> DocumentTexts:
        """The municipality's title, subtitle and file name for this paper."""
        return self.profile.texts(self.kind)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def file_stem(self) -> str:
        """The file name the regulation prescribes (Tomsk: п. 4.2 and п. 2.4), before it is made safe."""
        stem = self.texts.file_name
        for name, value in self.file_name_fields().items():
            stem = stem.replace("{" + name + "}", value)
        return stem

    def file_name_fields(self) -> dict[str, str]:
        """Values a profile's file_name pattern may use; each paper adds its own."""
        return {}

    def variants(self) -> list[Paper]:
        """The documents this paper makes: itself, and for an order each annex on its own too."""
        return [self]

    def identity(self) -> tuple[str, date | None, str]:
        """Who issued the paper, its date, its number: the columns of an archive manifest."""
        return (self.profile.authority, None, "")


class SchoolPaper(Paper):
    """A paper of one organization (school, kindergarten, centre): it has the organization's data."""

    org: Organization

    def file_name_fields(self) -> dict[str, str]:
        return {"short_name": self.org.short_name}

    def identity(self) -> tuple[str, date | None, str]:
        dated = next((getattr(self, name) for name in ("application_date", "report_date", "approval_date")
                      if getattr(self, name, None) is not None), None)
        return (self.org.short_name, dated, "")


class CriterionAnswer(Model):
    """The applicant's answer to one indicator: met or not, and the evidence when met."""

    text: Text
    met: bool
    evidence: str | None = None


class Application(SchoolPaper):
    """The заявка на присвоение статуса стажировочной площадки, as the form of the Tomsk order asks."""

    kind: ClassVar[str] = "zayavka"
    topic: Text
    goals: Text
    tasks: Text
    rationale: Text
    products: list[Product] = Field(min_length=1)
    first_year: SchoolYear
    application_date: date | None = None
    roadmap: list[RoadmapEvent] = Field(min_length=1)
    criteria: list[CriterionAnswer] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plan_years(self) -> list[int]:
        return [self.first_year + i for i in range(self.profile.rules.plan_years)]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plan_label(self) -> str:
        last = self.first_year + self.profile.rules.plan_years
        return year_span(self.first_year, last)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plan_years_words(self) -> str:
        """«3 года», «1 год»: the roadmap's heading must agree in number."""
        n = self.profile.rules.plan_years
        word = "год" if n % 10 == 1 and n % 100 != 11 else "года" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 \
            else "лет"
        return f"{n} {word}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def roadmap_years(self) -> list[RoadmapYear]:
        """Group the roadmap by school year in the order of dates; number the events 1…N across years.

        Events outside the plan's years still appear (under their own year) so nothing typed is lost; the rules
        report them as errors before a document is made.
        """
        dated = sorted((e for e in self.roadmap if e.when.academic_year is not None), key=lambda e: e.when.sort_key)
        yearly = [e for e in self.roadmap if e.when.academic_year is None]  # «в течение года»: in every year
        groups: dict[int, list[RoadmapEvent]] = {year: [] for year in self.plan_years} if yearly else {}
        for event in dated:
            groups.setdefault(event.when.academic_year or 0, []).append(event)
        result, number = [], 0
        for start, events in sorted(groups.items()):
            numbered = []
            for event in events + (yearly if start in self.plan_years else []):
                number += 1
                numbered.append(NumberedEvent(number=number, event=event))
            result.append(RoadmapYear(start=start, events=numbered))
        return result

    @computed_field  # type: ignore[prop-decorator]
    @property
    def met_criteria(self) -> list[CriterionAnswer]:
        return [c for c in self.criteria if c.met]

    def plan_for(self, year: int, approval_date: date | None = None) -> Plan:
        """Take one school year of the roadmap as the site's activity plan (Tomsk Положение, п. 5)."""
        events = [PlanEvent(title=e.title, form=e.form, when=e.when, responsible=e.responsible_with_contacts)
                  for e in self.roadmap if e.when.academic_year in (year, None)]
        return Plan(profile=self.profile, org=self.org, topic=self.topic, school_year=year, events=events,
                    approval_date=approval_date)


# --- the отчёт (Tomsk: order п. 2.4, Положение п. 7) -----------------------------------------------------------


class ReportEvent(Model):
    """An event held: what, in which form, when, how many took part."""

    title: Text
    form: Text
    when: EventDate
    participants: int = Field(ge=0)


class TraineeProject(Model):
    """A trainee's project with the link to it on the organization's site."""

    title: Text
    author: Text
    link: Url


class ReportProduct(Model):
    """A presented educational product (методические рекомендации, публикации …), with a link if published."""

    kind: Text
    title: Text
    link: Url | None = None


class NumberedReportEvent(Model):
    number: int
    event: ReportEvent


class EventsReport(SchoolPaper):
    """A report with a table of events held: numbered by date, with a total of participants."""

    events: list[ReportEvent] = Field(min_length=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def participants_total(self) -> int:
        """The total row of the events table: computed, never typed."""
        return sum(e.participants for e in self.events)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def numbered_events(self) -> list[NumberedReportEvent]:
        ordered = sorted(self.events, key=lambda e: e.when.sort_key)
        return [NumberedReportEvent(number=n, event=e) for n, e in enumerate(ordered, start=1)]


class Report(EventsReport):
    """Отчёт стажировочной площадки by the form of the Tomsk order (п. 2.4) and Положение (п. 7)."""

    kind: ClassVar[str] = "otchet"
    topic: Text
    term_start: date
    term_end: date
    report_date: date | None = None
    tasks: Text
    interim_results: Text
    trainee_projects: list[TraineeProject] = []
    products: list[ReportProduct] = []
    individual_product: Text
    other: str | None = None
    corrections: Text

    @computed_field  # type: ignore[prop-decorator]
    @property
    def term_label(self) -> str:
        return format_period(self.term_start, self.term_end)


# --- the отчёт по практике (Turochak, п. 4.5) ------------------------------------------------------------------


class Trainee(Model):
    """A teacher or manager who trained at the site."""

    name: Text
    organization: Text
    position: Text
    form: Text  # курсы повышения квалификации, индивидуальная стажировка, …
    hours: int | None = Field(default=None, ge=0)


class PracticeReport(EventsReport):
    """Отчёт по практике на стажировочной площадке: the site head's report to the coordinator (Turochak п. 4.5)."""

    kind: ClassVar[str] = "otchet_praktika"
    site_head: PersonName
    site_head_position: Text
    coordinator: Text  # «Сидорова Наталья Викторовна»: the paper prints «Н.В. Сидоровой» under the profile's position
    topic: Text
    period_start: date
    period_end: date
    report_date: date | None = None
    program: Text
    trainees: list[Trainee] = Field(min_length=1)
    results: Text
    site_link: Url | None = None
    proposals: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hours_total(self) -> int:
        return sum(t.hours or 0 for t in self.trainees)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def period_label(self) -> str:
        return format_period(self.period_start, self.period_end)


# --- the план деятельности (Tomsk Положение, п. 5) -------------------------------------------------------------


class PlanEvent(Model):
    """One line of the activity plan: event and form, when, who is responsible."""

    title: Text
    form: Text
    when: EventDate
    responsible: Text


class NumberedPlanEvent(Model):
    number: int
    event: PlanEvent


class Plan(SchoolPaper):
    """План деятельности стажировочной площадки на учебный год."""

    kind: ClassVar[str] = "plan"
    topic: Text
    school_year: SchoolYear
    approval_date: date | None = None
    events: list[PlanEvent] = Field(min_length=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    def file_name_fields(self) -> dict[str, str]:
        return {**super().file_name_fields(), "school_year": self.school_year_label}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def numbered_events(self) -> list[NumberedPlanEvent]:
        ordered = sorted(self.events, key=lambda e: e.when.sort_key)
        return [NumberedPlanEvent(number=n, event=e) for n, e in enumerate(ordered, start=1)]


# --- the распоряжение (Tomsk order № 477) -----------------------------------------------------------------------


class Named(Model):
    """A name kept in the nominative, with forms typed by hand for the cases a clerk wants to fix.

    Templates decline it at the place of use (`{{ x | рд }}`); a form given here always wins.
    """

    nominative: Text
    forms: dict[str, str] = {}

    def __str__(self) -> str:
        return self.nominative

    @model_validator(mode="before")
    @classmethod
    def _drop_empty_forms(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"nominative": data}
        if isinstance(data, dict) and isinstance(data.get("forms"), dict):
            data = {**data, "forms": {k: v for k, v in data["forms"].items() if v}}
        return data


class Termination(Model):
    """A site that ends its activity on a date (order п. 2.1–2.3)."""

    org: Named
    end: date


class TerminationGroup(Model):
    """One sub-point: every organization whose site ends on the same date, in the order of the workbook."""

    number: str
    end: date
    orgs: list[Named]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def end_label(self) -> str:
        return format_date(self.end)


class Assignment(Model):
    """A duty of an executor (the heads, the IMC): what, by when."""

    executor: Named
    contact: str | None = None  # «Пустовалова В.В.»: in brackets after the executor
    text: Text
    deadline: str | None = None


class NumberedItem(Model):
    number: str
    text: str
    deadline: str | None = None


class ExecutorPoint(Model):
    """A point addressed to one executor with its duties as sub-points."""

    number: str
    executor: Named
    contact: str | None
    items: list[NumberedItem]


class FreePoint(Model):
    """A point typed by hand where data does not cover it; each line of `subpoints` is a sub-point."""

    text: Text
    subpoints: str | None = None


class NumberedPoint(Model):
    number: str
    text: str
    items: list[NumberedItem]


class SiteRow(Model):
    """A line of the annex listing the sites: organization, topic, term."""

    org: Named
    topic: Text
    term: Text


class AnnexParagraph(Model):
    """A paragraph of an annex typed by hand (the Положение): a heading, a text paragraph or a list item."""

    style: Text
    text: Text

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_heading(self) -> bool:
        return self.style.lower().startswith("заголов")


class Annex(Model):
    """An annex of the order: its number, title, whether the order approves it, and its kind of content.

    The form of the заявка is not an annex of the order: as in № 477, it is the annex of the Положение
    («Приложение к Положению», its п. 3.2 says «(прилагается)»), printed after the Положение inside annex № 1.
    """

    number: int
    title: Text
    content: str  # "text" (the Положение from its sheet, then its annex, the form), "sites" (the list of sites)
    approved: bool


class OrderNumbering(Model):
    """The numbers of every point of the order, computed in one pass."""

    cancel: str | None
    termination: str | None  # None: no site ends, the order has no such point and no report instruction
    groups: list[TerminationGroup]
    report: str | None
    approval: str
    sites: str | None  # «Присвоить статус … согласно перечню (приложение № 2)»: only when the order has sites
    sites_annex: int | None
    executors: list[ExecutorPoint]
    free: list[NumberedPoint]
    control: str


class Order(Paper):
    """Распоряжение of the department: points numbered by the tool, data-built points, annexes.

    Numbering is computed here, never typed, so the slips of the seed («5.» twice, «4.1» under «5.») cannot happen.
    """

    kind: ClassVar[str] = "rasporyazhenie"
    review_every_form: ClassVar[bool] = True
    order_date: date
    number: Text
    title: Text
    preamble: Text
    cancel_text: str | None = None
    # An order may only approve the Положение and give new sites their status (the first year, or a year when no
    # site's term ends): then the «Прекращение» sheet is empty and these texts are not printed (rules.check_order
    # asks for them when some site ends).
    termination_lead: str | None = None
    terminations: list[Termination] = []
    report_text: str | None = None
    report_form: str | None = None
    approval_text: Text
    assignments: list[Assignment] = []
    free_points: list[FreePoint] = []
    control_position: Named
    control_person: Named
    signer_position: Text
    signer_name: Text
    sites: list[SiteRow] = []
    polozhenie: list[AnnexParagraph] = []
    only_annex: int = 0  # 0: the order with every annex; N: annex N alone

    @computed_field  # type: ignore[prop-decorator]
    @property
    def date_label(self) -> str:
        return format_date(self.order_date)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def annexes(self) -> list[Annex]:
        """The annexes in order: the approved Положение (with its own annex, the form), the list of sites (if any).

        Each is referenced in a point of the order: № 1 in the approval point, the list in the point that assigns
        the status (Положение, п. 3.3); an order without sites has no such point and no such annex.
        """
        found = [Annex(number=1, title=_polozhenie_title(self.approval_text), content="text", approved=True)]
        if self.sites:
            found.append(Annex(number=2, title="Перечень муниципальных стажировочных площадок", content="sites",
                               approved=False))
        return found

    @computed_field  # type: ignore[prop-decorator]
    @property
    def numbering(self) -> OrderNumbering:
        return _number_points(self)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def termination_orgs(self) -> list[Named]:
        """Every organization whose site ends, in the order of the workbook, once each."""
        seen: dict[str, Named] = {}
        for item in self.terminations:
            seen.setdefault(item.org.nominative, item.org)
        return list(seen.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def report_form_lines(self) -> list[str]:
        return [line for line in (self.report_form or "").split("\n") if line.strip()]

    def file_name_fields(self) -> dict[str, str]:
        return {"number": self.number, "date": self.date_label, "annex": str(self.only_annex)}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def file_stem(self) -> str:
        stem = self.texts.annex_file_name if self.only_annex else self.texts.file_name
        for name, value in self.file_name_fields().items():
            stem = stem.replace("{" + name + "}", value)
        return stem

    def variants(self) -> list[Paper]:
        return [self, *(self.model_copy(update={"only_annex": a.number}) for a in self.annexes)]

    def identity(self) -> tuple[str, date | None, str]:
        return (self.profile.authority, self.order_date, self.number)


def _polozhenie_title(approval_text: str) -> str:
    """«Утвердить Положение о …» → «Положение о …»: the annex is titled by what the order approves."""
    text = approval_text.strip().rstrip(".")
    return re.sub(r"^(?:Утвердить)\s+", "", text)


def _number_points(order: Order) -> OrderNumbering:
    counter = 0

    def next_point() -> str:
        nonlocal counter
        counter += 1
        return f"{counter}."

    cancel = next_point() if order.cancel_text else None
    termination = next_point() if order.terminations else None
    by_date: dict[date, list[Named]] = {}
    for item in order.terminations:
        by_date.setdefault(item.end, []).append(item.org)
    groups = [TerminationGroup(number=f"{termination}{i}.", end=end, orgs=orgs)
              for i, (end, orgs) in enumerate(sorted(by_date.items()), start=1)]
    report = f"{termination}{len(groups) + 1}." if termination else None
    approval = next_point()
    sites = next_point() if order.sites else None
    sites_annex = next((a.number for a in order.annexes if a.content == "sites"), None)
    executors: list[ExecutorPoint] = []
    grouped: dict[str, list[Assignment]] = {}
    for assignment in order.assignments:
        grouped.setdefault(assignment.executor.nominative, []).append(assignment)
    for items in grouped.values():
        number = next_point()
        executors.append(ExecutorPoint(
            number=number, executor=items[0].executor, contact=items[0].contact,
            items=[NumberedItem(number=f"{number}{i}.", text=a.text, deadline=a.deadline)
                   for i, a in enumerate(items, start=1)]))
    free = []
    for point in order.free_points:
        number = next_point()
        subs = [s for s in (point.subpoints or "").split("\n") if s.strip()]
        free.append(NumberedPoint(number=number, text=point.text,
                                  items=[NumberedItem(number=f"{number}{i}.", text=t) for i, t in
                                         enumerate(subs, start=1)]))
    control = next_point()
    return OrderNumbering(cancel=cancel, termination=termination, groups=groups, report=report, approval=approval,
                          sites=sites, sites_annex=sites_annex, executors=executors, free=free,
                          control=control)
