"""vqr_author — 职业教育质量年度报告生成工具.

Pipeline, one package per stage: ``edition`` (what a report contains) → ``workbook`` (load) →
``validate`` → ``compute`` → ``render`` → ``output`` (write). ``api`` ties them together for one
report, ``batch`` runs it over a folder, and ``cli`` is a thin shell over both.
"""

__version__ = "0.2.0"

from vqr_author.api import (  # noqa: E402 — the version is read by modules imported here
    AggregateResult,
    CheckResult,
    RenderResult,
    aggregate_report,
    annotate_workbook,
    check_workbook,
    diff_reports,
    new_workbook,
    render_report,
)
from vqr_author.problems import Level, Problem  # noqa: E402

__all__ = [
    "AggregateResult",
    "CheckResult",
    "Level",
    "Problem",
    "RenderResult",
    "__version__",
    "aggregate_report",
    "annotate_workbook",
    "check_workbook",
    "diff_reports",
    "new_workbook",
    "render_report",
]
