"""Stage 4 — computation: every derived number of the report, in one pure place (no I/O)."""

from vqr_author.compute.numbers import Change, quantize, ratio, total, weighted_mean, year_change
from vqr_author.compute.records import RecordRow, RecordSet, compute_record_set
from vqr_author.compute.aggregate import Coverage, SchoolResult, compute_school, school_result
from vqr_author.compute.report import (
    CaseBlock,
    Report,
    ReportSource,
    SectionContent,
    build_report,
    region_source,
    school_source,
)
from vqr_author.compute.tables import Cell, HeaderCell, TableModel, Years
from vqr_author.compute.values import IndicatorValue, compute_indicators

__all__ = [
    "CaseBlock",
    "Coverage",
    "ReportSource",
    "SchoolResult",
    "compute_school",
    "school_result",
    "region_source",
    "school_source",
    "Cell",
    "Change",
    "HeaderCell",
    "IndicatorValue",
    "RecordRow",
    "RecordSet",
    "Report",
    "SectionContent",
    "TableModel",
    "Years",
    "build_report",
    "compute_indicators",
    "compute_record_set",
    "quantize",
    "ratio",
    "total",
    "weighted_mean",
    "year_change",
]
