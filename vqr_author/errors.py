"""Exceptions that carry a message for the user (Simplified Chinese) and the exit code to use."""

from __future__ import annotations

from vqr_author.problems import PROBLEM_CODES


class VqrError(Exception):
    """A failure the user can act on. ``str(exc)`` is the full Chinese message."""

    exit_code = 1


class EditionError(VqrError):
    """The edition file is missing or malformed (a problem of the installation, not the data)."""

    exit_code = 2


class WorkbookUnreadable(VqrError):
    """The input file cannot be read as a workbook at all (exit code 2). ``code`` is stable."""

    exit_code = 2

    def __init__(self, code: str, message: str) -> None:
        if code not in PROBLEM_CODES:
            raise KeyError(f"undocumented problem code {code!r}")
        super().__init__(message)
        self.code = code


class OutputError(VqrError):
    """The output file cannot be written (folder missing, read-only, disk full…)."""

    exit_code = 2


class TemplateError(VqrError):
    """The Word template is missing or broken."""

    exit_code = 2


class InputFolderError(VqrError):
    """The folder of workbooks given to `vqr batch` cannot be used (missing, not a folder, unreadable)."""

    exit_code = 2
