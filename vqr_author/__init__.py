"""vqr_author — 职业教育质量年度报告生成工具.

Pipeline, one package per stage: ``edition`` (what a report contains) → ``workbook`` (load) →
``validate`` → ``compute`` → ``render`` → ``output`` (write). ``api`` ties them together and
``cli`` is a thin shell over ``api``.
"""

from vqr_author.api import (
    CheckResult,
    RenderResult,
    annotate_workbook,
    check_workbook,
    new_workbook,
    render_report,
)
from vqr_author.problems import Level, Problem

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "Level",
    "Problem",
    "RenderResult",
    "__version__",
    "annotate_workbook",
    "check_workbook",
    "new_workbook",
    "render_report",
]
