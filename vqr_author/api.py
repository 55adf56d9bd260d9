"""The library API: the pipeline edition → load → validate → compute → render → write.

The CLI is a thin shell over these functions; other programs can import them directly::

    from vqr_author import check_workbook, render_report
    result = check_workbook("学校.xlsx")
    if result.ok:
        render_report("学校.xlsx", "报告.docx")
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from vqr_author.compute import Report, build_report
from vqr_author.edition import Edition, load_edition
from vqr_author.errors import OutputError
from vqr_author.output import check_writable_target, write_atomic
from vqr_author.output.annotate import annotate
from vqr_author.problems import Level, Problem, in_reading_order
from vqr_author.render import Draft, default_template, render_docx
from vqr_author.render.template import check_template
from vqr_author.validate import validate
from vqr_author.workbook import SchoolWorkbook, build_blank_workbook, load_school_workbook, sheet_order


@dataclass(frozen=True)
class CheckResult:
    path: Path
    edition: Edition
    book: SchoolWorkbook
    report: Report
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class RenderResult:
    check: CheckResult
    output: Path | None  # None when rendering was refused because of errors

    @property
    def written(self) -> bool:
        return self.output is not None


def _edition(edition: Edition | str | None) -> Edition | None:
    return load_edition(edition) if isinstance(edition, str) else edition


def check_workbook(path: str | Path, edition: Edition | str | None = None) -> CheckResult:
    """Load, compute and validate a school workbook. Raises WorkbookUnreadable (exit 2) when the file
    is not a readable workbook; every other problem is in ``result.problems``."""
    book, ed, problems = load_school_workbook(Path(path), _edition(edition))
    report = build_report(ed, book)
    problems = in_reading_order([*problems, *validate(ed, book, report.indicators, report.records)], sheet_order(ed))
    return CheckResult(Path(path), ed, book, report, problems)


def render_report(
    path: str | Path,
    output: str | Path,
    *,
    draft: bool = False,
    edition: Edition | str | None = None,
    template: str | Path | None = None,
) -> RenderResult:
    """Render the report of a school workbook to ``output`` (.docx), atomically.

    With errors and without ``draft`` nothing is written. With ``draft`` the report is written and
    every problem is marked visibly in it.
    """
    output = Path(output)
    check_writable_target(output)
    template_path = check_template(Path(template)) if template else default_template()
    result = check_workbook(path, edition)
    if result.errors and not draft:
        return RenderResult(result, None)
    data = render_docx(result.report, template_path, Draft(result.problems) if draft else None)
    write_atomic(output, data)
    return RenderResult(result, output)


def annotate_workbook(result: CheckResult, output: str | Path) -> Path:
    """Write a copy of the checked workbook with every problem marked, plus a 问题清单 sheet.
    The checked workbook itself is never modified."""
    output = Path(output)
    if output.resolve() == result.path.resolve():
        raise OutputError("标注文件不能与原填报表同名：工具不会修改原文件。请另取一个文件名，例如 学校-问题.xlsx。")
    check_writable_target(output)
    annotate(result.path, result.problems, output)
    return output


def new_workbook(output: str | Path, *, edition: Edition | str | None = None, level: str = "school") -> Path:
    """Write the blank workbook (`vqr init`) for ``level`` of ``edition``, atomically."""
    output = Path(output)
    check_writable_target(output)
    buffer = io.BytesIO()
    build_blank_workbook(_edition(edition) or load_edition(), level).save(buffer)
    write_atomic(output, buffer.getvalue())
    return output


__all__ = ["CheckResult", "RenderResult", "annotate_workbook", "check_workbook", "new_workbook", "render_report"]
