"""Build the registry of заявки from a folder of workbooks: a spreadsheet, a paper and a page for websites.

Tomsk order № 477, п. 5/4.1: «Сформировать реестр заявок на присвоение статуса муниципальной стажировочной
площадки» — the registry lists every заявка received, a broken one too, with what is wrong with it, so it is made
as «Реестр заявок.xlsx» (for work: filter, sort) and «Реестр заявок.docx» (and .pdf, for signing and sending).
Turochak Положение, п. 4.7: «На официальных сайтах … размещается реестр стажировочных площадок и информация об их
деятельности» — «Реестр стажировочных площадок.html» is one static, accessible page with the valid заявки only:
nothing unchecked is published.

Each workbook is read by the loader as for `docgen check`; workbooks of other kinds are skipped with a note, a
broken заявка is one row with its problems and never stops the others.  All files of a run are staged and put in
place together (`output.publish`), so a refused run changes nothing.  The same data on the same day gives the same
bytes, so running again is a no-op, not a conflict.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from pydantic import Field, computed_field

from docgen.blank import build_blank, fill
from docgen.errors import (
    ConversionError,
    ConverterMissingError,
    DocgenError,
    InputError,
    OutputError,
    Problem,
    Severity,
    WorkbookFileError,
    os_reason,
)
from docgen.kinds import PAPERS
from docgen.loader import check_file, load
from docgen.models import Application, Model, school_year_label
from docgen.output import OWN_CATEGORY, own_output, publish, staging
from docgen.pdf import PdfConverter
from docgen.pipeline import expand
from docgen.profiles import DEFAULT_PROFILE
from docgen.render import Renderer, normalize_docx, template_path
from docgen.schema import SPECS
from docgen.spreadsheet import open_workbook, sheet_names
from docgen.text import NBSP, clean_cell_text, format_date, plural, tie_numbers

TITLE = "Реестр заявок на присвоение статуса стажировочной площадки"
SITE_TITLE = "Реестр стажировочных площадок"
TEMPLATE = "reestr.docx"
STEM = "Реестр заявок"
XLSX = f"{STEM}.xlsx"
DOCX = f"{STEM}.docx"
PDF = f"{STEM}.pdf"
HTML = f"{SITE_TITLE}.html"
ZAYAVKA = "zayavka"
EXCEL_CELL_LIMIT = 32767


# --- the data --------------------------------------------------------------------------------------------------


class Entry(Model):
    """One заявка in the registry: a valid one, or a broken one with its problems (`valid` is False)."""

    number: int
    short_name: str = ""
    full_name: str = ""
    topic: str = ""
    products: list[str] = Field(default_factory=list)
    term: str = ""  # «2023-2024 – 2025-2026»
    responsible: str = ""  # «Е.А. Горбунова, директор», plain spaces: searchable in Excel
    phone: str = ""
    email: str = ""
    site: str | None = None
    municipality: str = ""
    profile: str = ""  # the municipality's profile key: whose order lists the site
    order_term: str = ""  # «2023-2024, 2024-2025 учебные годы»: the term of the status, as the order's annex says
    application_date: date | None = None  # «Дата заявки»: which of one school's заявки is the newest
    source: str  # the workbook, relative to the folder read
    valid: bool
    repeat_of: str = ""  # a valid заявка of an organization whose newer заявка (this source) is published instead
    remarks: list[str] = Field(default_factory=list)  # «[ошибка] Лист …: …», one per problem
    # a broken заявка on the paper: «Не прошла проверку: 5 ошибок …» with the first two, not every cell's message
    summary: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def products_text(self) -> str:
        if len(self.products) == 1:
            return self.products[0]
        return "\n".join(f"{n}. {p}" for n, p in enumerate(self.products, start=1))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def contacts_text(self) -> str:
        lines = [f"тел. {self.phone}" if self.phone else "", f"e-mail: {self.email}" if self.email else "",
                 f"сайт: {self.site}" if self.site else ""]
        return "\n".join(line for line in lines if line)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def remarks_text(self) -> str:
        return "\n".join(self.remarks)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def organization_text(self) -> str:
        """The organization cell of the paper: short name, then the full name in parentheses."""
        short = self.short_name or "наименование не указано"
        return f"{short}\n({self.full_name})" if self.full_name else short

    @computed_field  # type: ignore[prop-decorator]
    @property
    def responsible_text(self) -> str:
        """The responsible person and the contacts on the paper: each contact on a line of its own, without a label.

        A label before an address on the same line («e-mail: school56@…») would make the address break after its
        «@» although it fits a line of its own; a phone, an e-mail and a web address are told apart at a glance.
        """
        return "\n".join(part for part in (self.responsible, self.phone, self.email, self.site) if part)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def remarks_cell(self) -> str:
        """The remarks cell of the paper, which has no column for the file: a broken row names its workbook."""
        if self.valid and not self.repeat_of:
            return self.remarks_text or "—"
        return f"Файл «{self.source}»:\n{self.summary or self.remarks_text}"


class Registry(Model):
    """The whole registry: what the template `reestr.docx` (and the .xlsx and .html) show."""

    title: str = Field(min_length=1)
    site_title: str = Field(min_length=1)
    formed: date
    municipality: str = ""  # when every заявка belongs to one municipality
    entries: list[Entry]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def formed_label(self) -> str:
        return format_date(self.formed)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        return len(self.entries)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def broken_count(self) -> int:
        return sum(not e.valid for e in self.entries)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def repeat_count(self) -> int:
        return sum(bool(e.repeat_of) for e in self.entries)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def published(self) -> list[Entry]:
        """The entries the website page shows: valid заявки only, the newest one of each organization."""
        return [e for e in self.entries if e.valid and not e.repeat_of]


# --- reading the folder ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A workbook that is not a заявка: named in a note, not in the registry."""

    source: Path
    reason: str


@dataclass(frozen=True)
class Broken:
    """A заявка that did not pass the checks: in the registry with its problems, not on the website page."""

    source: Path
    message: str  # for the command line: the same text `docgen render` would print


@dataclass(frozen=True)
class Repeat:
    """Several valid заявки of one organization: the newest is published, the others are named as left out."""

    organization: str
    kept: str  # the source published
    dropped: list[str]
    message: str  # for the command line: which file is kept, which are not, and why


@dataclass
class Collected:
    entries: list[Entry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)
    mixed: str = ""  # заявки of several municipalities in one folder: the warning for the clerk


def _remark(problem: Problem) -> str:
    return f"[{problem.severity.value}] {problem}"


def _remarks(problems: list[Problem]) -> list[str]:
    """Errors first, then warnings; «сведения» (a deadline, a count) are not remarks."""
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    return [_remark(p) for p in [*errors, *warnings]]


SUMMARY_SHOWN = 2


def _summary(problems: list[Problem]) -> str:
    """Say in a few words why a заявка did not pass: how many errors, the first ones by field, where the rest are.

    The paper goes to the department (№ 477, п. 5): one short cell per application, «ФИО руководителя — не
    заполнено; Телефон — введено «12»»; the cell-by-cell list is in the check of the file and in «Кому перезвонить».
    """
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    if not errors:
        return ""
    counts = plural(len(errors), "ошибка", "ошибки", "ошибок")
    if warnings:
        counts += ", " + plural(len(warnings), "предупреждение", "предупреждения", "предупреждений")
    first = []
    for problem in errors[:SUMMARY_SHOWN]:
        where = problem.where
        place = where.header if where and where.header else where.sheet if where else ""
        what = problem.message.split("; ", 1)[0]  # «не заполнено», «введено «12»»: the rest is in the check
        place = place.replace("-", "\u2011")  # «E-mail» is a name: never broken at its hyphen in a narrow column
        first.append(f"{place} — {what}" if place else what)
    listed = "; ".join(first) + ("; …" if len(errors) > SUMMARY_SHOWN else ".")
    return f"Не прошла проверку: {counts}. {listed} Все замечания — в проверке файла и в списке «Кому перезвонить»."


def _without_blanks(entry: Entry) -> Entry:
    """Drop a draft's «________» from an entry: the registry shows what could be read, not lines to fill in."""
    def clean(value: str) -> str:
        return re.sub(r"_{4,}", "", value).strip(" ,")

    fields = ("short_name", "full_name", "topic", "term", "responsible", "phone", "email", "order_term")
    update: dict[str, object] = {name: clean(getattr(entry, name)) for name in fields}
    update["site"] = clean(entry.site) if entry.site else None
    update["products"] = [p for p in entry.products if "____" not in p]
    return entry.model_copy(update=update)


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def term_label(years: list[int]) -> str:
    """«2023–2024, 2024–2025, 2025–2026» for a plan of several school years, «2025–2026» for one.

    Every year is named: «2023–2024 – 2025–2026» would set a dash between dashes.
    """
    return ", ".join(school_year_label(year) for year in years)


ORDER_XLSX = "Распоряжение — площадки из реестра.xlsx"


def _order_term(model: Application) -> str:
    """The status's term in the order's words: the first `term_years` school years of the plan."""
    years = [school_year_label(y) for y in model.plan_years[: model.profile.rules.term_years]]
    return f"{', '.join(years)} учебны{'й год' if len(years) == 1 else 'е годы'}"


def order_workbook(registry: Registry, profile: str) -> bytes:
    """Return next year's order workbook: the profile's carried-over texts, «Площадки» filled from valid заявки.

    The number, the date and the sites whose status ends are left to fill in; the school years of the texts are
    those of the registry's year (the order follows the registry).
    """
    spec = SPECS["rasporyazhenie"]
    wb = build_blank(spec, profile, year=registry.formed.year)
    sites = [{"org.nominative": e.short_name, "topic": e.topic, "term": e.order_term}
             for e in registry.published if e.profile in ("", profile)]
    fill(wb, spec, {"tables": {"sites": sites}})
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable_zip(buffer.getvalue(), registry.formed)


def _entry_of(model: Application, number: int, source: str, problems: list[Problem], *, valid: bool) -> Entry:
    org = model.org
    return Entry(
        number=number,
        short_name=org.short_name,
        full_name=org.full_name,
        topic=model.topic,
        products=[f"{_capfirst(p.kind)}: {p.title} (до {p.due_label})" for p in model.products],
        term=term_label(model.plan_years),
        responsible=_plain(f"{org.head_name.initials_surname}, {org.head_position}"),
        phone=org.phone,
        email=org.email,
        site=org.site,
        municipality=model.profile.name,
        profile=model.profile.key,
        order_term=_order_term(model),
        application_date=model.application_date,
        source=source,
        valid=valid,
        remarks=_remarks(problems),
    )


def _norm(label: str) -> str:
    return re.sub(r"\s+", " ", label).strip().rstrip(":*").strip().lower().replace("ё", "е")


_SALVAGED = ("org.short_name", "org.full_name", "topic")


def _salvage(path: Path) -> dict[str, str]:
    """Read the organization's names and the topic as typed from a заявка the loader refused, best effort.

    They are shown only next to the workbook's problems (so a clerk knows whose заявка it is), never published.
    """
    form = SPECS[ZAYAVKA].form
    wanted = {_norm(c.label): c.key for c in form.fields if c.key in _SALVAGED}
    found: dict[str, str] = {}
    try:
        check_file(path)
        with open_workbook(path) as book:
            if form.name not in book.sheet_names:
                return found
            rows = book.sheet(form.name).rows
    except WorkbookFileError:  # anything unreadable simply has nothing to salvage
        return found
    for row in rows:
        label, value = [*row, None, None][:2]
        key = wanted.get(_norm(str(label))) if label is not None else None
        if key and key not in found and isinstance(value, str) and clean_cell_text(value):
            found[key] = clean_cell_text(value)
    return found


def _foreign(path: Path) -> bool:
    """Tell whether `path` is a readable workbook of no docgen kind (a list, an old registry), not a broken one."""
    try:
        check_file(path)
        names = sheet_names(path)
    except WorkbookFileError:  # unreadable: a broken заявка, not a foreign workbook
        return False
    return not any(spec.form.name in names for spec in SPECS.values())


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def collect(folder: Path, *, exclude: tuple[Path, ...] = ()) -> Collected:
    """Read every workbook in `folder` (see `pipeline.expand`) into registry entries, numbered in file order."""
    skip = {p.resolve() for p in exclude}
    result = Collected()
    for path in expand([folder]):
        if path.resolve() in skip:
            continue
        source = _relative(path, folder)
        number = len(result.entries) + 1
        what = own_output(path)
        if what is not None:
            result.skipped.append(Skipped(path, f"это {what}, сделанный docgen, а не заявка"))
            continue
        try:
            loaded = load(path)
        except WorkbookFileError as exc:
            if _foreign(path):
                result.skipped.append(Skipped(path, exc.reason))
                continue
            result.entries.append(Entry(number=number, source=source, valid=False,
                                        remarks=[f"[{Severity.ERROR.value}] {exc.reason}"]))
            result.broken.append(Broken(path, str(exc)))
            continue
        except DocgenError as exc:
            result.entries.append(Entry(number=number, source=source, valid=False,
                                        remarks=[f"[{Severity.ERROR.value}] {exc}"]))
            result.broken.append(Broken(path, str(exc)))
            continue
        kind = loaded.spec.kind if loaded.spec else None
        if kind != ZAYAVKA:
            name = PAPERS[kind].name if kind in PAPERS else "книга другого вида"
            result.skipped.append(Skipped(path, f"это не заявка ({name})"))
            continue
        model = loaded.model
        valid = isinstance(model, Application) and not loaded.errors
        if isinstance(model, Application):
            entry = _entry_of(model, number, source, loaded.problems, valid=valid)
        elif isinstance(loaded.draft, Application):
            # every value that could be read stays: whose заявка it is, whom to call, what they plan
            entry = _without_blanks(_entry_of(loaded.draft, number, source, loaded.problems, valid=False))
        else:
            salvaged = _salvage(path)
            entry = Entry(number=number, short_name=salvaged.get("org.short_name", ""),
                          full_name=salvaged.get("org.full_name", ""), topic=salvaged.get("topic", ""),
                          source=source, valid=False, remarks=_remarks(loaded.problems))
        if not valid:
            entry = entry.model_copy(update={"summary": _summary(loaded.problems)})
        result.entries.append(entry)
        if not valid:
            errors = [p for p in loaded.problems if p.is_error]
            lines = [f"Файл «{source}»: ошибок — {len(errors)}; заявка внесена в реестр с замечаниями, "
                     "на страницу для сайта не попадёт."]
            lines += [f"  • {p}" for p in errors]
            result.broken.append(Broken(path, "\n".join(lines)))
    _mark_repeats(result, folder)
    result.mixed = _mixed(result.entries)
    return result


def _mixed(entries: list[Entry]) -> str:
    """Warn when one folder holds заявки of several municipalities: each one's methodologist makes her own registry.

    The registry is still made (the paper has a column for the municipality), but its title names none, the page
    for the website mixes them and the next order's workbook lists the sites of one municipality only.
    """
    by_place: dict[str, list[str]] = {}
    for entry in entries:
        if entry.municipality:
            by_place.setdefault(entry.municipality, []).append(entry.source)
    if len(by_place) < 2:
        return ""
    parts = []
    for place, sources in sorted(by_place.items(), key=lambda item: -len(item[1])):
        shown = ", ".join(f"«{s}»" for s in sources[:3]) + (", …" if len(sources) > 3 else "")
        parts.append(f"{place} — {plural(len(sources), 'заявка', 'заявки', 'заявок')} ({shown})")
    return ("В папке заявки разных муниципалитетов: " + "; ".join(parts) + ". Реестр сделан общий (муниципалитет — "
            "в столбце таблицы), но страница для сайта и книга распоряжения — дело одного муниципалитета: сделайте "
            "реестр каждого муниципалитета из отдельной папки.")


def _newness(entry: Entry, folder: Path) -> tuple[date, float]:
    """Order one organization's заявки as a methodologist would: by «Дата заявки», then by when the file changed.

    A заявка without a date is older than any dated one; the file's time only breaks a tie of dates (a corrected
    copy saved later with the date unchanged).
    """
    try:
        mtime = (folder / entry.source).stat().st_mtime
    except OSError:
        mtime = 0.0
    return entry.application_date or date.min, mtime


def _describe(entry: Entry, folder: Path) -> str:
    """«a.xlsx» (дата заявки 10.05.2023, файл изменён 12.05.2023 14:05): what the choice of the newest was made on."""
    dated = f"дата заявки {format_date(entry.application_date)}" if entry.application_date else "дата заявки не указана"
    try:
        changed = datetime.fromtimestamp((folder / entry.source).stat().st_mtime).strftime("%d.%m.%Y %H:%M")
    except OSError:
        return f"«{entry.source}» ({dated})"
    return f"«{entry.source}» ({dated}, файл изменён {changed})"


def _mark_repeats(result: Collected, folder: Path) -> None:
    """Publish one valid заявка per organization, the newest; the others stay in the registry, remarked.

    Three workbooks of one school (a copy, a corrected version) would otherwise be three rows of the public page.
    The newest is the one with the latest «Дата заявки», then the one whose file changed last (`_newness`); of
    equal ones the first in file order.  The clerk is told which file went to the page and which did not.
    """
    groups: dict[str, list[int]] = {}
    for index, entry in enumerate(result.entries):
        if entry.valid:  # both names: the same organization
            groups.setdefault(f"{_norm(entry.full_name)}|{_norm(entry.short_name)}", []).append(index)
    for indexes in groups.values():
        if len(indexes) < 2:
            continue
        entries = [result.entries[i] for i in indexes]
        kept = max(entries, key=lambda e: _newness(e, folder))  # max keeps the first of equals
        dropped = [e for e in entries if e is not kept]
        name = kept.short_name
        for index, entry in zip(indexes, entries, strict=True):
            if entry is kept:
                continue
            remark = (f"[{Severity.WARNING.value}] повторная заявка организации «{name}»: на страницу для сайта "
                      f"попадает более новая — {_describe(kept, folder)}, а эта — нет; оставьте в папке одну "
                      "заявку организации")
            result.entries[index] = entry.model_copy(update={"repeat_of": kept.source,
                                                             "remarks": [*entry.remarks, remark]})
        message = (f"Организация «{name}»: заявок — {len(entries)}. На страницу для сайта попадает самая новая — "
                   f"{_describe(kept, folder)}; не попадают: {', '.join(_describe(e, folder) for e in dropped)}. "
                   "Самой новой считается заявка с более поздней датой заявки, при равных датах — файл, изменённый "
                   "позже. Оставьте в папке одну заявку организации.")
        result.repeats.append(Repeat(name, kept.source, [e.source for e in dropped], message))


def make_model(collected: Collected, *, formed: date, title: str | None = None) -> Registry:
    """Put the entries under a title and a date; name the municipality when all заявки share one."""
    places = {e.municipality for e in collected.entries if e.municipality}
    return Registry(title=title or TITLE, site_title=title or SITE_TITLE, formed=formed,
                    municipality=places.pop() if len(places) == 1 else "", entries=collected.entries)


# --- the spreadsheet -------------------------------------------------------------------------------------------

XLSX_COLUMNS: tuple[tuple[str, int], ...] = (
    ("№ п/п", 6),
    ("Организация (краткое наименование)", 28),
    ("Полное наименование", 40),
    ("Тема стажировки", 45),
    ("Планируемый продукт", 60),
    ("Сроки", 24),
    ("Ответственный", 28),
    ("Контакты", 34),
    ("Файл-источник", 32),
    ("Замечания", 80),
)
_BROKEN_FILL = PatternFill("solid", fgColor="FDE9E7")
_REPEAT_FILL = PatternFill("solid", fgColor="FFF2CC")  # a valid заявка left off the page: a warning, not an error
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FIXED_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _xlsx_text(value: str) -> str | None:
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[:EXCEL_CELL_LIMIT - 1] + "…"
    return text or None


def _row(entry: Entry) -> list[Any]:
    return [entry.number, entry.short_name, entry.full_name, entry.topic, entry.products_text, entry.term,
            entry.responsible, entry.contacts_text, entry.source, entry.remarks_text]


def to_xlsx(registry: Registry) -> bytes:
    """Return «Реестр заявок.xlsx»: one row per заявка, header bold, frozen and filtered, text wrapped."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Реестр заявок"
    for col, (header, width) in enumerate(XLSX_COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    for index, entry in enumerate(registry.entries, start=2):
        for col, value in enumerate(_row(entry), start=1):
            cell = ws.cell(row=index, column=col)
            if isinstance(value, str):
                cell.value = _xlsx_text(value)
                if cell.value is not None:
                    cell.data_type = "s"  # «=…» typed in a topic stays text, never a formula
            else:
                cell.value = value
            cell.alignment = wrap
            cell.border = _BORDER
            if not entry.valid:
                cell.fill = _BROKEN_FILL
            elif entry.repeat_of:
                cell.fill = _REPEAT_FILL
    last_col = get_column_letter(len(XLSX_COLUMNS))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}{max(1, len(registry.entries)) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = _xlsx_text(registry.title.replace("&", "&&"))
    ws.oddFooter.left.text = f"Дата формирования: {registry.formed_label}"
    ws.oddFooter.right.text = "Страница &P из &N"

    about = wb.create_sheet("Сведения")
    places = sorted({e.municipality for e in registry.entries if e.municipality})
    facts = [("Реестр", registry.title), ("Муниципалитет", registry.municipality or ", ".join(places) or "—"),
             ("Дата формирования", registry.formed_label), ("Всего заявок", registry.total),
             ("Из них с ошибками", registry.broken_count),
             ("Повторные (на страницу не попали)", registry.repeat_count),
             ("На странице для сайта", len(registry.published))]
    for row, (label, value) in enumerate(facts, start=1):
        about.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = about.cell(row=row, column=2)
        cell.value = _xlsx_text(value) if isinstance(value, str) else value
        if isinstance(cell.value, str):
            cell.data_type = "s"
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 80

    wb.properties.title = _xlsx_text(registry.title)
    wb.properties.creator = "docgen"
    wb.properties.category = f"{OWN_CATEGORY}реестр заявок"  # not read back as a заявка (output.own_output)
    wb.properties.language = "ru-RU"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable_zip(buffer.getvalue(), registry.formed)


def _stable_zip(blob: bytes, formed: date) -> bytes:
    """Fix openpyxl's «now» timestamps to the day the registry is formed, so equal data give equal bytes."""
    stamp = f"{formed.isoformat()}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _FIXED_STAMP.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            dst.writestr(info.filename, data)
    return normalize_docx(out.getvalue())


# --- the paper -------------------------------------------------------------------------------------------------


def to_docx(registry: Registry, template: Path | None = None) -> bytes:
    """Return «Реестр заявок.docx» rendered from templates/docx/reestr.docx (its names checked first)."""
    return Renderer(template or template_path(TEMPLATE), Registry).render(registry)


# --- the page for websites -------------------------------------------------------------------------------------

_CSS = """
body { margin: 1.5rem; color: #111; background: #fff; font: 1rem/1.45 "Times New Roman", "Liberation Serif", serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
.municipality { margin: 0 0 1rem; font-size: 1.1rem; }
.scroll { overflow-x: auto; }
.scroll:focus { outline: 2px solid #1a4c8b; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0 0 .5rem; }
th, td { border: 1px solid #666; padding: .4rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e7e6e6; }
tbody th { font-weight: bold; }
.full { display: block; font-weight: normal; font-size: .9em; }
a { color: #1a4c8b; overflow-wrap: anywhere; }
footer { margin-top: 1rem; font-size: .9rem; }
@media print {
  body { margin: 0; font-size: 11pt; }
  .scroll { overflow: visible; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}
"""

SITE_HEADERS = ("Организация", "Тема стажировки", "Сроки", "Контакты", "Сайт")


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str) -> str:
    return "<br>".join(_h(line) for line in text.split("\n"))


def _site_cell(site: str | None) -> str:
    if site and re.match(r"https?://", site, re.IGNORECASE):
        return f'<a href="{_h(site)}">{_h(site)}</a>'
    return "—"


def _site_row(entry: Entry) -> str:
    contacts = "<br>".join(_h(line) for line in (f"тел. {entry.phone}", f"e-mail: {entry.email}"))
    full = f'<span class="full">{_h(tie_numbers(entry.full_name))}</span>' if entry.full_name else ""
    return ("<tr>"
            f'<th scope="row">{_h(tie_numbers(entry.short_name))}{full}</th>'
            f"<td>{_lines(entry.topic)}</td>"
            f"<td>{_h(entry.term)}</td>"
            f"<td>{contacts}</td>"
            f"<td>{_site_cell(entry.site)}</td>"
            "</tr>")


def to_html(registry: Registry) -> str:
    """Return «Реестр стажировочных площадок.html»: one static page, no scripts and nothing fetched."""
    shown = registry.published
    rows = [_site_row(e) for e in shown] or [
        f'<tr><td colspan="{len(SITE_HEADERS)}">Сведения о стажировочных площадках отсутствуют.</td></tr>']
    headers = "".join(f'<th scope="col">{_h(h)}</th>' for h in SITE_HEADERS)
    municipality = f'<p class="municipality">{_h(registry.municipality)}</p>\n' if registry.municipality else ""
    caption = (f"Стажировочные площадки (всего: {len(shown)}): организация, тема стажировки, сроки (учебные годы), "
               "контакты и сайт")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ru">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="generator" content="docgen">\n'
        f"<title>{_h(registry.site_title)}</title>\n"
        f"<style>{_CSS}</style>\n"
        "</head>\n<body>\n<main>\n"
        f"<h1>{_h(registry.site_title)}</h1>\n"
        f"{municipality}"
        '<div class="scroll" role="region" aria-labelledby="registry-caption" tabindex="0">\n'
        "<table>\n"
        f'<caption id="registry-caption">{_h(caption)}</caption>\n'
        f"<thead><tr>{headers}</tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n"
        "</table>\n</div>\n</main>\n"
        f'<footer><p>Дата формирования: <time datetime="{registry.formed.isoformat()}">'
        f"{_h(registry.formed_label)}</time></p></footer>\n"
        "</body>\n</html>\n"
    )


# --- all together ----------------------------------------------------------------------------------------------


@dataclass
class Made:
    """What a run made: the registry, what was skipped or broken, the files written, what happened to the PDF."""

    registry: Registry
    collected: Collected
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # of `written`: already there with the same content
    pdf_note: str | None = None  # no LibreOffice: no PDF, not a failure
    pdf_error: DocgenError | None = None  # LibreOffice failed: the other files are still written


def _default_converter() -> PdfConverter:
    from docgen.pdf import LibreOfficeConverter  # noqa: PLC0415 - looked up at call time (tests replace it)

    return LibreOfficeConverter()


def make_registry(
    folder: Path,
    out_dir: Path,
    *,
    title: str | None = None,
    formed: date | None = None,
    force: bool = False,
    converter_factory: Callable[[], PdfConverter] | None = None,
    order: bool = False,
) -> Made:
    """Read `folder`, write the registry's files into `out_dir` at once; raise DocgenError if nothing can be made.

    With `order`, also write `ORDER_XLSX`: the order workbook for the sites of the valid заявки (`order_workbook`).

    A broken заявка does not raise: it is a row of the registry (see `Made.collected.broken`).
    """
    if not folder.is_dir():
        raise InputError(f"Папка «{folder}» не найдена")
    collected = collect(folder, exclude=(out_dir / XLSX,))
    if not collected.entries:
        raise InputError(f"В папке «{folder}» нет ни одной заявки (книги .xlsx с листом «{SPECS[ZAYAVKA].form.name}»); "
                         "реестр не создан")
    registry = make_model(collected, formed=formed or date.today(), title=title)
    made = Made(registry, collected)
    with staging(out_dir) as stage:
        for name, data in ((XLSX, to_xlsx(registry)), (DOCX, to_docx(registry)),
                           (HTML, to_html(registry).encode("utf-8"))):
            try:
                (stage / name).write_bytes(data)
            except OSError as exc:  # nothing is published: the registry's files go together or not at all
                raise OutputError(out_dir / name, f"не удалось записать: {os_reason(exc)}; реестр не обновлён") from exc
        names = [XLSX, DOCX]
        try:
            converter = (converter_factory or _default_converter)()
            reason = converter.convert([stage / DOCX], stage).get(stage / DOCX)
            if reason:
                raise ConversionError(stage / DOCX, reason)
            names.append(PDF)
        except ConverterMissingError:
            made.pdf_note = "PDF не создан: не найден LibreOffice (soffice); установите его командой «make demo»"
        except ConversionError as exc:
            made.pdf_error = exc
        if PDF not in names and (out_dir / PDF).exists():
            stale = f"прежний «{out_dir / PDF}» не обновлён и может не совпадать с новым реестром"
            made.pdf_note = f"{made.pdf_note}; {stale}" if made.pdf_note else f"PDF: {stale}"
        names.append(HTML)
        pairs = [(stage / n, out_dir / n) for n in names]
        if order:
            places = sorted({e.profile for e in registry.published if e.profile}) or [DEFAULT_PROFILE]
            try:
                (stage / ORDER_XLSX).write_bytes(order_workbook(registry, places[0]))
            except OSError as exc:
                raise OutputError(out_dir / ORDER_XLSX, f"не удалось записать: {os_reason(exc)}; реестр не обновлён"
                                  ) from exc
            pairs.append((stage / ORDER_XLSX, out_dir / ORDER_XLSX))
        made.written = publish(pairs, force=force, unchanged=made.unchanged)
    return made
