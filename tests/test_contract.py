"""Templates may use only names the model has; a custom template with a typo is refused with the name and place."""

from __future__ import annotations

from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from docgen.errors import TemplateContractError, TemplateError
from docgen.models import Application
from docgen.render import Renderer, make_env, template_path
from tests.templates import make_template


def test_shipped_template_uses_only_model_names() -> None:
    Renderer(template_path("zayavka.docx"), Application)  # raises on any unknown name
    # and, independently of our own walker, docxtpl's view of the top-level names:
    names = DocxTemplate(template_path("zayavka.docx")).get_undeclared_template_variables(make_env())
    allowed = set(Application.model_fields) | set(Application.model_computed_fields)
    assert names <= allowed
    assert {"org", "profile", "roadmap_years", "products", "rationale"} <= names


def test_unknown_nested_name_is_reported_with_its_paragraph(tmp_path: Path) -> None:
    path = make_template(tmp_path / "свой.docx", ["Тема: {{ topic }}", "Почта: {{ org.emial }}"])
    with pytest.raises(TemplateContractError) as info:
        Renderer(path, Application)
    assert info.value.unknown == [("org.emial", "основной текст, абзац «Почта: {{ org.emial }}»")]
    assert "Шаблон «свой.docx»: неизвестные имена данных: «org.emial»" in str(info.value)


def test_unknown_top_level_name_inside_a_branch_not_taken(tmp_path: Path) -> None:
    path = make_template(tmp_path / "t.docx", ["{% if application_date %}{{ signer }}{% endif %}"])
    with pytest.raises(TemplateContractError) as info:
        Renderer(path, Application)
    assert [name for name, _ in info.value.unknown] == ["signer"]


def test_loop_variables_are_typed_by_what_they_iterate(tmp_path: Path) -> None:
    good = make_template(tmp_path / "good.docx", [
        "{% for year in roadmap_years %}{{ year.label }}{% for item in year.events %}"
        "{{ item.number }} {{ item.event.when.label }} {{ loop.index }}{% endfor %}{% endfor %}",
    ])
    Renderer(good, Application)
    bad = make_template(tmp_path / "bad.docx", [
        "{% for year in roadmap_years %}{% for item in year.events %}{{ item.event.titel }}{% endfor %}{% endfor %}",
    ])
    with pytest.raises(TemplateContractError) as info:
        Renderer(bad, Application)
    assert [name for name, _ in info.value.unknown] == ["item.event.titel"]


def test_headers_are_checked_too(tmp_path: Path) -> None:
    path = make_template(tmp_path / "t.docx", ["{{ topic }}"], header="{{ org.short }}")
    with pytest.raises(TemplateContractError) as info:
        Renderer(path, Application)
    assert info.value.unknown[0][0] == "org.short"
    assert info.value.unknown[0][1].startswith("верхний колонтитул")


def test_broken_tag_and_non_docx_are_template_errors(tmp_path: Path) -> None:
    broken = make_template(tmp_path / "broken.docx", ["{{ topic "])
    with pytest.raises(TemplateError, match="ошибка в теге шаблона"):
        Renderer(broken, Application)
    not_docx = tmp_path / "text.docx"
    not_docx.write_text("просто текст", encoding="utf-8")
    with pytest.raises(TemplateError, match="не документ Word"):
        Renderer(not_docx, Application)
    with pytest.raises(TemplateError, match="не найден"):
        Renderer(tmp_path / "нет.docx", Application)
