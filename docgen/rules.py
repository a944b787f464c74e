"""Check a valid model against the regulation's rules, citing the point each rule comes from.

Types and required fields are the models' business; this module holds the rules that look at the document as a
whole (the roadmap's years, the length of the обоснование).  Findings point at model locations; the loader maps them
to cells.  The thresholds come from the municipality profile, never from code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from docgen.errors import Severity
from docgen.models import Application


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
    years = app.plan_years
    first, last = years[0], years[-1]
    span = f"{first}-{first + 1} … {last}-{last + 1}"

    for index, event in enumerate(app.roadmap):
        if event.when.academic_year not in years:
            findings.append(Finding(
                ("roadmap", index, "when"),
                f"срок «{event.when.label}» вне учебных лет плана ({span}); исправьте дату "
                "или «Первый учебный год плана» на листе «Заявка»",
                rules.plan_rule,
            ))

    counts = Counter(e.when.academic_year for e in app.roadmap)
    for year in years:
        count = counts.get(year, 0)
        label = f"{year}-{year + 1} учебный год"
        if count == 0:
            findings.append(Finding(
                ("roadmap",),
                f"на {label} не запланировано ни одного мероприятия; план должен охватывать все "
                f"{rules.plan_years} года",
                rules.plan_rule,
            ))
        elif count < rules.min_events_per_year:
            findings.append(Finding(
                ("roadmap",),
                f"на {label} запланировано мероприятий: {count}, рекомендуется не менее "
                f"{rules.min_events_per_year}",
                f"{rules.events_rule}; {rules.events_form_rule}",
                Severity.WARNING,
            ))

    length = len(app.rationale)
    if length < rules.min_rationale_chars:
        findings.append(Finding(
            ("rationale",),
            f"обоснование слишком короткое: {length} знаков, нужно не менее {rules.min_rationale_chars} "
            "(около половины страницы)",
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
