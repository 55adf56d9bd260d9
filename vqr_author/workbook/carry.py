"""Next year's workbook from this year's (`vqr init --from`): what carries over, and how indicators
are matched across editions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.workbook.workbook import Workbook

from vqr_author.compute.records import RecordSet
from vqr_author.edition.model import Edition, Kind
from vqr_author.workbook import contract as c
from vqr_author.workbook.model import ReportWorkbook

# 封面 fields a school keeps from year to year (the report year moves on; the date is new).
CARRIED_COVER = ("单位名称", "学校代码", "所属区县", "办学性质", "区域名称", "发布单位", "公开形式", "公开网址", "联系人", "联系电话")
# Per-专业 comparison columns: next year's 上年 = this year's computed value.
MAJOR_CARRY = {"last_employment_rate": "employment_rate", "last_matched_rate": "matched_rate", "last_salary": "salary"}


@dataclass
class Carried:
    """What `init --from` did, for the user to read."""

    previous_year: str
    year: str
    carried: int = 0
    new_indicators: list[str] = field(default_factory=list)  # in the new edition, no value last year
    dropped_indicators: list[str] = field(default_factory=list)  # in last year's workbook, not in the new edition


def _number(value: Decimal | str | None) -> int | float | str | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def next_year(text: str) -> str:
    match = re.fullmatch(r"\s*(\d{4})\s*年?\s*", text or "")
    return str(int(match.group(1)) + 1) if match else ""


def carry_over(
    wb: Workbook, edition: Edition, previous: ReportWorkbook, previous_edition: Edition,
    records: dict[str, RecordSet],
) -> Carried:
    """Fill the blank workbook ``wb`` (of ``edition``) from last year's ``previous``."""
    old_year = previous.cover_text("报告年度")
    result = Carried(old_year, next_year(old_year))
    cover = {key: previous.cover_text(key) for key in CARRIED_COVER if previous.cover_text(key)}
    if result.year:
        cover["报告年度"] = result.year
        if "公开网址" in cover and old_year:
            cover["公开网址"] = cover["公开网址"].replace(old_year.strip(), result.year)
    for row in wb[c.SHEET_COVER].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
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
    majors = records.get("majors")
    if majors is not None and "专业" in wb.sheetnames:
        fields = [f.key for f in majors.sheet.fields]
        for r, row in enumerate(majors.rows, start=2):
            values = {"code": row.get("code"), "name": row.get("name"),
                      **{target: row.get(source) for target, source in MAJOR_CARRY.items()}}
            for col, key in enumerate(fields, start=1):
                if values.get(key) is not None:
                    wb["专业"].cell(row=r, column=col, value=_number(values[key]))
    aid = records.get("aid")
    if aid is not None and "资助" in wb.sheetnames:
        for r, row in enumerate(aid.rows, start=2):
            wb["资助"].cell(row=r, column=1, value=row.get("item"))
            wb["资助"].cell(row=r, column=4, value=row.get("remark"))
    return result
