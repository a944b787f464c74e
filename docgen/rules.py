"""Check a valid model against the regulation's rules, citing the point each rule comes from.

Types and required fields are the models' business; this module holds the rules that look at the document as a
whole (the roadmap's years, the length of the обоснование).  Findings point at model locations; the loader maps them
to cells.  The thresholds come from the municipality profile, never from code.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from docgen.errors import Severity
from docgen.models import Application, Order, Paper, Plan, PracticeReport, Report
from docgen.text import format_date, plural, year_span


@dataclass(frozen=True)
class Finding:
    """One rule broken: where in the model, what is wrong, which point of the regulation says so."""

    loc: tuple[str | int, ...]
    message: str
    rule: str | None = None
    severity: Severity = Severity.ERROR


def check_application(app: Application) -> list[Finding]:
    """Return every rule the заявка breaks, errors and warnings together, in the order of the workbook."""
    rules = app.profile.rules
    findings: list[Finding] = []
    findings += _criteria(app)
    years = app.plan_years
    first, last = years[0], years[-1]
    span = f"{year_span(first, first + 1)} … {year_span(last, last + 1)}"

    for index, event in enumerate(app.roadmap):
        if event.when.academic_year is not None and event.when.academic_year not in years:
            findings.append(Finding(
                ("roadmap", index, "when"),
                f"срок «{event.when.label}» вне учебных лет плана ({span}); исправьте дату "
                "или «Первый учебный год плана» на листе «Заявка»",
                rules.plan_rule,
            ))

    counts = Counter(e.when.academic_year for e in app.roadmap)
    for year in years:
        count = counts.get(year, 0) + counts.get(None, 0)  # «в течение года» happens every year
        label = f"{year_span(year, year + 1)} учебный год"
        if count == 0:
            findings.append(Finding(
                ("roadmap",),
                f"на {label} не запланировано ни одного мероприятия; план должен охватывать все "
                f"{rules.plan_years} года",
                rules.plan_rule,
            ))
        elif rules.min_events_per_year and count < rules.min_events_per_year:
            findings.append(Finding(
                ("roadmap",),
                f"на {label} запланировано "
                f"{plural(count, 'мероприятие', 'мероприятия', 'мероприятий')}, рекомендуется не менее "
                f"{rules.min_events_per_year}",
                "; ".join(r for r in (rules.events_rule, rules.events_form_rule) if r) or None,
                Severity.WARNING,
            ))

    length = len(app.rationale)
    if rules.min_rationale_chars and length < rules.min_rationale_chars:
        findings.append(Finding(
            ("rationale",),
            f"обоснование слишком короткое: {plural(length, 'знак', 'знака', 'знаков')}, нужно не менее "
            f"{plural(rules.min_rationale_chars, 'знака', 'знаков', 'знаков')} (около половины страницы); "
            f"допишите ещё {plural(rules.min_rationale_chars - length, 'знак', 'знака', 'знаков')}",
            rules.rationale_rule,
        ))

    for index, product in enumerate(app.products):
        if product.site_date and product.site_date < product.due:
            findings.append(Finding(
                ("products", index, "site_date"),
                "дата размещения на сайте раньше срока предоставления продукта; проверьте даты",
                severity=Severity.WARNING,
            ))
    return findings


def _criteria(app: Application) -> list[Finding]:
    """Check the Turochak indicators: the base one required, at least one other, evidence for each one met."""
    wanted = app.profile.criteria
    if not wanted:
        return []
    rule = app.profile.rules.criteria_rule or None
    findings: list[Finding] = []
    answers = {_norm(a.text): (i, a) for i, a in enumerate(app.criteria)}
    known = {_norm(c.text) for c in wanted}
    for index, answer in enumerate(app.criteria):
        if _norm(answer.text) not in known:
            findings.append(Finding(("criteria", index, "text"),
                                    "текст показателя изменён или это не показатель Положения; верните исходный "
                                    "текст (возьмите его из пустой книги)", rule))
        elif answer.met and not answer.evidence:
            findings.append(Finding(("criteria", index, "evidence"),
                                    "показатель отмечен «да», но подтверждение не указано", rule))
    for criterion in wanted:
        if _norm(criterion.text) not in answers:
            findings.append(Finding(("criteria",), f"нет строки показателя «{criterion.text[:60]}…»", rule))
    base = [c for c in wanted if c.base]
    for criterion in base:
        found = answers.get(_norm(criterion.text))
        if found and not found[1].met:
            findings.append(Finding(("criteria", found[0], "met"),
                                    "базовый показатель обязателен: без него организация не может претендовать "
                                    "на статус", rule))
    others = [answers[_norm(c.text)][1] for c in wanted if not c.base and _norm(c.text) in answers]
    if others and not any(a.met for a in others):
        findings.append(Finding(("criteria",),
                                "организация не соответствует ни одному из четырёх дополнительных показателей; "
                                "нужен хотя бы один", rule))
    return findings


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split()).rstrip(";.")


def report_due(report: Report) -> date | None:
    """The last day to hand in the report: the term's end plus the profile's deadline (Tomsk: 14 days)."""
    days = report.profile.rules.report_deadline_days
    return None if days is None else report.term_end + timedelta(days=days)


def deadline_finding(report: Report, today: date) -> Finding | None:
    """Say how many days are left to hand in the report, or how late it is."""
    due = report_due(report)
    if due is None:
        return None
    rule = report.profile.rules.deadline_rule or None
    if today < report.term_end:
        left = (report.term_end - today).days
        return Finding(("term_end",), f"срок деятельности ещё не окончен (до {format_date(report.term_end)} "
                                      f"— {_days(left)}); отчёт сдаётся до {format_date(due)}", rule, Severity.INFO)
    if today <= due:
        left = (due - today).days
        when = "сегодня последний день" if left == 0 else f"осталось {_days(left)}"
        return Finding(("term_end",), f"отчёт нужно сдать до {format_date(due)}: {when}", rule, Severity.INFO)
    late = (today - due).days
    return Finding(("term_end",), f"срок сдачи отчёта прошёл {format_date(due)}: просрочено на {_days(late)}",
                   rule, Severity.WARNING)


def _days(n: int) -> str:
    return plural(n, "день", "дня", "дней")


def check_report(report: Report, today: date | None = None) -> list[Finding]:
    """Check the Tomsk report: a term that ends after it starts, and the 14-day deadline (п. 2.4)."""
    findings: list[Finding] = []
    if report.term_end <= report.term_start:
        findings.append(Finding(("term_end",), "окончание срока деятельности раньше его начала"))
    if today is not None:
        found = deadline_finding(report, today)
        if found:
            findings.append(found)
    if report.report_date and report.report_date < report.term_start:
        findings.append(Finding(("report_date",), "дата отчёта раньше начала срока деятельности",
                                severity=Severity.WARNING))
    return findings


def check_practice_report(report: PracticeReport) -> list[Finding]:
    """Check the Turochak practice report: the period and the events inside it."""
    findings: list[Finding] = []
    if report.period_end < report.period_start:
        findings.append(Finding(("period_end",), "окончание отчётного периода раньше его начала"))
    for index, event in enumerate(report.events):
        if event.when.year is None:
            continue  # «в течение года»: no month to compare
        first = (event.when.year, event.when.month or 1)
        if not ((report.period_start.year, report.period_start.month) <= first
                <= (report.period_end.year, report.period_end.month)):
            findings.append(Finding(("events", index, "when"),
                                    f"дата «{event.when.label}» вне отчётного периода ({report.period_label})",
                                    severity=Severity.WARNING))
    return findings


def check_plan(plan: Plan) -> list[Finding]:
    """Check a plan: every event inside its school year; the minimum of events the profile asks for."""
    findings: list[Finding] = []
    label = year_span(plan.school_year, plan.school_year + 1)
    for index, event in enumerate(plan.events):
        if event.when.academic_year not in (plan.school_year, None):
            findings.append(Finding(("events", index, "when"),
                                    f"срок «{event.when.label}» вне {label} учебного года"))
    rules = plan.profile.rules
    if rules.min_events_per_year and len(plan.events) < rules.min_events_per_year:
        count = plural(len(plan.events), "мероприятие", "мероприятия", "мероприятий")
        findings.append(Finding(("events",), f"в плане {count}, рекомендуется не менее {rules.min_events_per_year}",
                                rules.events_rule or None,
                                Severity.WARNING))
    return findings


# «2023–2024», «2023-2024», «2023 – 2024»: a span of two school years' calendar years, as the order's texts name them.
_SCHOOL_YEARS = re.compile(r"(?<!\d)(20\d\d) ?[-‒−—–] ?(20\d\d)(?!\d)")


def check_order(order: Order) -> list[Finding]:
    """Check an order: the termination texts present when some site ends; school years that follow its date.

    An order whose «Прекращение» sheet is empty has no termination point and no report instruction (the first
    year, or a year when no site's term ends).  The texts carry over from last year's workbook, so a span of school
    years earlier than the order's year («на 2023–2024 … учебные годы» in an order of 2024) is last year's text.
    """
    findings: list[Finding] = []
    needed = (("termination_lead", order.termination_lead), ("report_text", order.report_text),
              ("report_form", order.report_form))
    if order.terminations:
        findings += [Finding((key,), "не заполнено: лист «Прекращение» заполнен, и этот текст войдёт в распоряжение")
                     for key, value in needed if not (value or "").strip()]
    elif any((value or "").strip() for _, value in needed):
        findings.append(Finding(("termination_lead",), "лист «Прекращение» пуст: пункта о прекращении деятельности "
                                "площадок и поручения об отчёте в распоряжении не будет", severity=Severity.INFO))
    texts: list[tuple[tuple[str | int, ...], str]] = [
        ((key,), value) for key, value in (("title", order.title), ("approval_text", order.approval_text),
                                           ("report_text", order.report_text)) if value]
    texts += [(("assignments", i, "text"), a.text) for i, a in enumerate(order.assignments)]
    texts += [(("assignments", i, "deadline"), a.deadline) for i, a in enumerate(order.assignments) if a.deadline]
    texts += [(("free_points", i, "text"), p.text) for i, p in enumerate(order.free_points)]
    texts += [(("sites", i, "term"), s.term) for i, s in enumerate(order.sites)]
    year = order.order_date.year
    for loc, text in texts:
        for match in _SCHOOL_YEARS.finditer(text):
            first, last = int(match[1]), int(match[2])
            if last == first + 1 and first < year:
                findings.append(Finding(
                    loc, f"учебный год «{year_span(first, last)}» раньше года распоряжения "
                    f"(дата {format_date(order.order_date)}): «…{_around(text, match)}…»; не остался ли здесь текст "
                    f"прошлого года? Проверьте годы (для распоряжения {year} года — с {year_span(year, year + 1)})",
                    severity=Severity.WARNING))
                break
    return findings + _annex_references(order)


def _around(text: str, match: re.Match[str]) -> str:
    """A few words either side of a match, to quote where in a long text it is."""
    start = text.rfind(" ", 0, max(0, match.start() - 40)) + 1
    end = text.find(" ", match.end() + 30)
    return text[start: end if end != -1 else len(text)].strip()


SHORT_NAME_MAX = 80  # characters: «МАОУ СОШ № 32 им. 19-й гвардейской дивизии г. Томска» is 52
_FULL_FORM = re.compile(r"^(?:муниципальн|государствен|частн|федеральн|областн|автономн|бюджетн|казённ|казенн)\w*\s",
                        re.IGNORECASE)


def short_name_finding(paper: Paper) -> Finding | None:
    """Warn when «Краткое наименование» holds the full name: it goes into the file name and every short mention."""
    org = getattr(paper, "org", None)
    name = getattr(org, "short_name", None)
    if not isinstance(name, str) or not (len(name) > SHORT_NAME_MAX or _FULL_FORM.match(name)):
        return None
    return Finding(("org", "short_name"),
                   f"похоже на полное наименование ({plural(len(name), 'знак', 'знака', 'знаков')}): краткое — как "
                   "в уставе, например «МАОУ гимназия № 56 г. Томска»; оно стоит в имени файла (длинное имя будет "
                   "обрезано) и везде, где организация названа коротко", severity=Severity.WARNING)


# A reference to an annex of the order itself: «(приложение № 2)», «приложением № 1 к настоящему распоряжению»; not
# «приложением № 3 к Положению … (приказ … № 352)», an annex of another act.
_ANNEX_REFERENCE = re.compile(r"приложени\w*\s+№\s*(\d+)(?!\d|\s+к\s+(?!настоящему))", re.IGNORECASE)


def _annex_references(order: Order) -> list[Finding]:
    """Check that every annex the order's typed text refers to is there (ГОСТ Р 7.0.97, 5.19).

    The order's annexes are № 1, the Положение, and № 2, the list of sites when «Площадки» has rows; the points
    that refer to them are the program's own.  A typed «(приложение № 3)» would send a reader to nothing.
    """
    numbers = {annex.number for annex in order.annexes}
    have = "приложение № 1 — Положение" + (", № 2 — перечень площадок" if len(numbers) > 1 else
                                           "; перечень площадок (№ 2) появляется, если заполнен лист «Площадки»")
    texts: list[tuple[tuple[str | int, ...], str | None]] = [
        (("preamble",), order.preamble), (("cancel_text",), order.cancel_text),
        (("termination_lead",), order.termination_lead), (("report_text",), order.report_text),
        (("report_form",), order.report_form), (("approval_text",), order.approval_text)]
    texts += [(("assignments", i, "text"), a.text) for i, a in enumerate(order.assignments)]
    for i, point in enumerate(order.free_points):
        texts += [(("free_points", i, "text"), point.text), (("free_points", i, "subpoints"), point.subpoints)]
    findings: list[Finding] = []
    for loc, text in texts:
        for match in _ANNEX_REFERENCE.finditer(text or ""):
            if int(match[1]) not in numbers:
                findings.append(Finding(loc, f"ссылка «{match[0]}» ведёт на приложение, которого в распоряжении нет "
                                             f"({have}); исправьте ссылку или добавьте приложение"))
    return findings


def check(paper: Paper, today: date | None = None) -> list[Finding]:
    """Run the rules of whatever paper this is."""
    found = short_name_finding(paper)
    return ([found] if found else []) + _rules_of(paper, today)


def _rules_of(paper: Paper, today: date | None) -> list[Finding]:
    if isinstance(paper, Application):
        return check_application(paper)
    if isinstance(paper, Report):
        return check_report(paper, today)
    if isinstance(paper, PracticeReport):
        return check_practice_report(paper)
    if isinstance(paper, Plan):
        return check_plan(paper)
    if isinstance(paper, Order):
        return check_order(paper)
    return []
