"""Render a Report into .docx bytes through docxtpl and the Word template.

docxtpl re-reads, re-patches and re-compiles its template on every render; a batch renders the
same template hundreds of times. ReportTemplate keeps the template's bytes, its patched XML and the
compiled Jinja templates for the life of the process (the template is parsed once per worker), and
the document is written in one deterministic pass (see output.docx_zip). The compiled code is also
kept across processes in the user's cache folder (vqr_author.cache.jinja_code).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import jinja2
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate

from vqr_author import cache
from vqr_author.compute.report import Report
from vqr_author.errors import TemplateError
from vqr_author.output.docx_zip import DeterministicZip
from vqr_author.render.context import Draft, build_context


class _CompiledOnce(jinja2.Environment):
    """docxtpl calls from_string for every part on every render; compile each source once, and
    reuse the code compiled by an earlier process."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: ANN001, ANN201, A002
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = self.template_class.from_code(
                self, cache.jinja_code(self, source), self.make_globals(None), None)
        return compiled


_ENVIRONMENT = _CompiledOnce()


@lru_cache(maxsize=8)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


@lru_cache(maxsize=64)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # type: ignore[arg-type] — patch_xml does not use self


class ReportTemplate(DocxTemplate):
    jinja_env = _ENVIRONMENT

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


def new_template(path: Path) -> ReportTemplate:
    return ReportTemplate(io.BytesIO(_template_bytes(path, path.stat().st_mtime_ns)))


def save_docx(tpl: DocxTemplate) -> bytes:
    """The rendered document as reproducible .docx bytes, written in one pass."""
    tpl.pre_processing()
    package = tpl.docx.part.package
    for part in package.parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = DeterministicZip(buffer)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)
    writer.close()
    return buffer.getvalue()


def render_docx(
    report: Report,
    template: Path,
    draft: Draft | None = None,
    pages: Mapping[str, str] | None = None,
) -> bytes:
    """The finished document. ``draft`` marks the given problems visibly in it; ``pages`` (printed
    page by bookmark, see render.context.contents) fills the page numbers of the 目录 and the lists,
    and then Word opens the report without offering to update its fields."""
    try:
        tpl = new_template(template)
        context = build_context(report, tpl, draft, pages)
        tpl.render(context, jinja_env=tpl.jinja_env, autoescape=True)
        if pages:
            tpl.docx.settings.element.remove_all("w:updateFields")
    except jinja2.TemplateError as exc:
        raise TemplateError(f"报告模板“{template.name}”有误：{exc}。如修改过模板，请检查其中的 {{{{ }}}} 与 {{% %}} 标记。") from exc
    return save_docx(tpl)
