"""Stage 6 — writing files: atomically, and with reproducible bytes."""

from vqr_author.output.atomic import check_writable_target, write_atomic
from vqr_author.output.docx_zip import normalise_docx

__all__ = ["check_writable_target", "normalise_docx", "write_atomic"]
