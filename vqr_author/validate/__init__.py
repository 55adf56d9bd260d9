"""Stage 3 — validation: every problem of a workbook, collected in one pass."""

from __future__ import annotations

from collections.abc import Mapping

from vqr_author.compute.records import RecordSet
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition
from vqr_author.problems import Problem
from vqr_author.validate.rules import (
    check_cover,
    check_cover_labels,
    check_indicators,
    check_narrative,
    check_parts,
    check_records,
)
from vqr_author.workbook.contract import has_data_sheets
from vqr_author.workbook.model import ReportWorkbook


def validate(
    edition: Edition,
    book: ReportWorkbook,
    values: Mapping[str, IndicatorValue],
    records: Mapping[str, RecordSet],
) -> list[Problem]:
    problems = [*check_cover(edition, book), *check_cover_labels(edition, book)]
    if has_data_sheets(book.level):
        problems += [
            *check_indicators(edition, book, values),
            *check_parts(edition, book),
            *check_records(edition, book, records, values),
        ]
    return problems + list(check_narrative(edition, book))


__all__ = ["validate"]
