"""Stage 5 — rendering: the computed report into a Word document.

The names below load their module on first use: finding the template (``default_template``) must
not cost a batch's parent process the Word and Jinja imports that only its workers need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vqr_author.render.context import Draft, build_context
    from vqr_author.render.docx import render_docx
    from vqr_author.render.template import default_template

_HOMES = {"Draft": "context", "build_context": "context", "render_docx": "docx", "default_template": "template"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"vqr_author.render.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'vqr_author.render' has no attribute {name!r}")


__all__ = ["Draft", "build_context", "default_template", "render_docx"]
