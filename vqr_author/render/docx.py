"""Render a Report into .docx bytes through docxtpl and the Word template."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

from vqr_author.compute.report import Report
from vqr_author.errors import TemplateError
from vqr_author.output.docx_zip import normalise_docx
from vqr_author.render.context import Draft, build_context


def render_docx(
    report: Report, template: Path, draft: Draft | None = None, pages: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """The finished document. ``draft`` marks the given problems visibly in it; ``pages`` fills the
    page numbers of the 目录 and the lists (see render.context.contents)."""
    try:
        tpl = DocxTemplate(str(template))
        context = build_context(report, tpl, draft, pages)
        tpl.render(context, autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"报告模板“{template.name}”有误：{exc}。如修改过模板，请检查其中的 {{{{ }}}} 与 {{% %}} 标记。") from exc
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalise_docx(buffer.getvalue())
