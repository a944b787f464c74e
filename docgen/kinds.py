"""Register the papers docgen makes: for each, its workbook layout, its model and its template.

Adding a paper is adding one entry here, a spec in schema.py, a model in models.py and a template; nothing in
the loader, the pipeline or the CLI changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.models import Application, Order, Paper, Plan, PracticeReport, Report
from docgen.schema import OTCHET, OTCHET_PRAKTIKA, PLAN, RASPORYAZHENIE, ZAYAVKA, WorkbookSpec


@dataclass(frozen=True)
class PaperType:
    """One kind of paper: how it is filled (spec), what it holds (model), how it looks (template)."""

    spec: WorkbookSpec
    model: type[Paper]
    template: str
    name: str  # in Russian, for messages: «заявка»

    @property
    def key(self) -> str:
        return self.spec.kind


PAPERS: dict[str, PaperType] = {
    p.key: p for p in (
        PaperType(ZAYAVKA, Application, "zayavka.docx", "заявка"),
        PaperType(OTCHET, Report, "otchet.docx", "отчёт стажировочной площадки"),
        PaperType(OTCHET_PRAKTIKA, PracticeReport, "otchet_praktika.docx", "отчёт по практике"),
        PaperType(PLAN, Plan, "plan.docx", "план деятельности"),
        PaperType(RASPORYAZHENIE, Order, "rasporyazhenie.docx", "распоряжение"),
    )
}
