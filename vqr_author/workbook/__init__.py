"""Stage 2 — the workbook: its contract, the blank form (`vqr init`) and loading a filled one.

The names below load their module on first use, so that importing the contract (sheet names,
cover keys) does not import the reader and writer and their openpyxl (docs/performance.md).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vqr_author.workbook.contract import sheet_order
    from vqr_author.workbook.model import Case, Entry, IndicatorEntry, Paragraph, Record, ReportWorkbook
    from vqr_author.workbook.reader import load_workbook
    from vqr_author.workbook.writer import build_blank_workbook

_HOMES = {"sheet_order": "contract", "Case": "model", "Entry": "model", "IndicatorEntry": "model", "Paragraph": "model",
          "Record": "model", "ReportWorkbook": "model", "load_workbook": "reader", "build_blank_workbook": "writer"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"vqr_author.workbook.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'vqr_author.workbook' has no attribute {name!r}")


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
