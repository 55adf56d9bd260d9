"""Stage 6 — writing files: atomically, with reproducible bytes, and never over an input."""

from vqr_author.output.atomic import check_writable_target, stage_files, write_atomic, write_together
from vqr_author.output.docx_zip import normalise_docx
from vqr_author.output.guard import check_outputs, same_file

__all__ = ["check_outputs", "check_writable_target", "normalise_docx", "same_file", "stage_files", "write_atomic",
           "write_together"]
