"""Filling a blank workbook the way a school or an office would: the sample builders of the 2020
editions (build_gaozhi.py, build_zhongzhi_2020.py) write their data through ``fill``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl

from vqr_author.edition.model import Edition
from vqr_author.workbook import contract

Pair = tuple[object, object]  # (上年, 本年)


def fill(path: Path, edition: Edition, *, cover: Mapping[str, object], values: Mapping[str, Pair] | None = None,
         records: Mapping[str, Iterable[Sequence[object]]] | None = None, text: Mapping[str, str] | None = None,
         cases: Iterable[tuple[str, str, str]] = ()) -> Path:
    """Write ``cover`` (封面 key → value), ``values`` (indicator code → 上年, 本年), rows of record
    sheets (sheet name → rows), ``text`` (section code → paragraph; several paragraphs of a section
    separated by a blank line) and ``cases`` (section code, title, body) into the workbook at ``path``."""
    wb = openpyxl.load_workbook(path)
    for row in wb[contract.SHEET_COVER].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
    if values:
        for row in wb[contract.SHEET_INDICATORS].iter_rows(min_row=2):
            if row[0].value in values:
                row[4].value, row[5].value = values[row[0].value]
    for sheet, rows in (records or {}).items():
        for row in rows:
            wb[sheet].append(list(row))
    for section, paragraphs in (text or {}).items():
        for paragraph in paragraphs.split("\n\n"):
            wb[contract.SHEET_NARRATIVE].append([edition.section(section).label, paragraph])
    for section, title, body in cases:
        wb[contract.SHEET_CASES].append([edition.section(section).label, title, body])
    wb.save(path)
    return path
