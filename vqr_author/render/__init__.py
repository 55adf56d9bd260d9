"""Stage 5 — rendering: the computed report into a Word document."""

from vqr_author.render.context import Draft, build_context
from vqr_author.render.docx import render_docx
from vqr_author.render.template import default_template

__all__ = ["Draft", "build_context", "default_template", "render_docx"]
