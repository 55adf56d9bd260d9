"""Stage 2 — the workbook: its contract, the blank form (`vqr init`) and loading a filled one."""

from vqr_author.workbook.contract import sheet_order
from vqr_author.workbook.model import Case, Entry, IndicatorEntry, Paragraph, Record, ReportWorkbook
from vqr_author.workbook.reader import load_workbook
from vqr_author.workbook.writer import build_blank_workbook

__all__ = [
    "Case",
    "Entry",
    "IndicatorEntry",
    "Paragraph",
    "Record",
    "ReportWorkbook",
    "build_blank_workbook",
    "sheet_order",
    "load_workbook",
]
