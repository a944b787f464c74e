"""Build small custom .docx templates for tests."""

from __future__ import annotations

from pathlib import Path

from docx import Document


def make_template(path: Path, paragraphs: list[str], header: str | None = None) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    doc.save(path)
    return path
