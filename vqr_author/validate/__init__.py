"""Stage 3 — validation: every problem of a workbook, collected in one pass."""

from __future__ import annotations

from collections.abc import Mapping

from vqr_author.compute.records import RecordSet
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition
from vqr_author.problems import Problem
from vqr_author.validate.rules import (
    check_cover,
    check_indicators,
    check_narrative,
    check_parts,
    check_records,
)
from vqr_author.workbook.model import SchoolWorkbook


def validate(
    edition: Edition,
    book: SchoolWorkbook,
    values: Mapping[str, IndicatorValue],
    records: Mapping[str, RecordSet],
) -> list[Problem]:
    return [
        *check_cover(edition, book),
        *check_indicators(edition, book, values),
        *check_parts(edition, book),
        *check_records(edition, book, records, values),
        *check_narrative(edition, book),
    ]


__all__ = ["validate"]
