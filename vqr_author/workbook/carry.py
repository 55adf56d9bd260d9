"""Next year's workbook from this year's (`vqr init --from`): what carries over, and how indicators
are matched across editions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.workbook.workbook import Workbook

from vqr_author.compute.records import RecordSet
from vqr_author.problems import Problem
from vqr_author.edition.model import Edition, Kind
from vqr_author.workbook import contract as c
from vqr_author.workbook.model import ReportWorkbook
from vqr_author.workbook.writer import fill_cover

@dataclass
class Carried:
    """What `init --from` did, for the user to read."""

    previous_year: str
    year: str
    carried: int = 0
    new_indicators: list[str] = field(default_factory=list)  # in the new edition, no value last year
    dropped_indicators: list[str] = field(default_factory=list)  # in last year's workbook, not in the new edition
    source_errors: list[Problem] = field(default_factory=list)  # last year's workbook's own errors: what was carried may be wrong


def _number(value: Decimal | str | None) -> int | float | str | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def next_year(text: str) -> str:
    match = re.fullmatch(r"\s*(\d{4})\s*年?\s*", text or "")
    return str(int(match.group(1)) + 1) if match else ""


def _carried_cover(edition: Edition, previous: ReportWorkbook, old_year: str, year: str) -> dict[str, str]:
    """The 封面 values next year's workbook starts with, by the edition's carry rules."""
    cover = {}
    for f in edition.cover_fields_for(previous.level):
        value = previous.cover_text(f.key)
        if f.carry == "next_year":
            value = year
        elif f.carry == "renew_year" and old_year and year:
            value = value.replace(old_year.strip(), year)
        if f.carry and value:
            cover[f.key] = value
    return cover


def carry_over(
    wb: Workbook, edition: Edition, previous: ReportWorkbook, previous_edition: Edition,
    records: dict[str, RecordSet],
) -> Carried:
    """Fill the blank workbook ``wb`` (of ``edition``) from last year's ``previous``: the 封面 fields
    and record-sheet columns the edition carries over, and 上年 = last year's 本年."""
    old_year = previous.cover_text(previous_edition.cover_key("year", previous.level))
    result = Carried(old_year, next_year(old_year))
    cover = _carried_cover(edition, previous, old_year, result.year)
    fill_cover(wb[c.SHEET_COVER], edition, previous.level, cover, result.year)
    if c.SHEET_INDICATORS not in wb.sheetnames:
        return result
    used = set()
    for row in wb[c.SHEET_INDICATORS].iter_rows(min_row=2):
        ind = edition.indicator(row[0].value)
        source = next((code for code in (ind.code, *ind.previous_codes) if code in previous.indicators), None)
        if source is None:
            result.new_indicators.append(f"{edition.label(ind.code)}（{ind.code}）")
            continue
        used.add(source)
        if ind.kind is not Kind.TEXT:
            row[4].value = _number(previous.indicators[source].this.value)
            result.carried += row[4].value is not None
    result.dropped_indicators = [f"{previous_edition.label(code)}（{code}）" for code in previous.indicators
                                 if code not in used and previous_edition.has_indicator(code)]
    for sheet in edition.record_sheets:
        rows = records.get(sheet.id)
        if rows is None or sheet.sheet not in wb.sheetnames:
            continue
        sources = {f.key: f.key if f.carry else f.carry_from for f in sheet.fields}
        for r, row in enumerate(rows.rows, start=2):
            for col, f in enumerate(sheet.fields, start=1):
                source = sources[f.key]
                value = row.get(source) if source is not None else None
                if value is not None:
                    wb[sheet.sheet].cell(row=r, column=col, value=_number(value))
    return result
