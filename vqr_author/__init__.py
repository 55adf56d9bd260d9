"""vqr_author — 职业教育质量年度报告生成工具.

Pipeline, one package per stage: ``edition`` (what a report contains) → ``workbook`` (load) →
``validate`` → ``compute`` → ``render`` → ``output`` (write). ``api`` ties them together for one
report, ``batch`` runs it over a folder, and ``cli`` is a thin shell over both.

The API is importable from the package (``from vqr_author import render_report``); it is loaded on
first use, so that commands which do not render start quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_API = ("AggregateResult", "CheckResult", "RenderResult", "aggregate_report", "annotate_workbook", "check_workbook",
        "diff_reports", "new_workbook", "render_report")

if TYPE_CHECKING:
    from vqr_author.api import (
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
    from vqr_author.problems import Level, Problem


def __getattr__(name: str) -> Any:
    if name in _API:
        from vqr_author import api

        return getattr(api, name)
    if name in ("Level", "Problem"):
        from vqr_author import problems

        return getattr(problems, name)
    raise AttributeError(f"module 'vqr_author' has no attribute {name!r}")


__all__ = [*_API, "Level", "Problem", "__version__"]
