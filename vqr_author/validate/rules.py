"""Stage 3 — validation rules. Pure: a loaded workbook and its computed values in, problems out.

Every problem names its cell, the indicator, what is wrong and what is expected, in Chinese.
Problem codes are stable and listed in docs/problems.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal

from vqr_author.compute.display import format_value, plain
from vqr_author.compute.records import RecordSet
from vqr_author.compute.report import report_years
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition, Indicator, Kind, RecordField, RecordSheet
from vqr_author.problems import Problem, error, warning
from vqr_author.workbook import contract as c
from vqr_author.workbook.model import Entry, Record, ReportWorkbook
from vqr_author.workbook.reader import normalise

YEARS = (("last", "上年"), ("this", "本年"))


def _num(value: Decimal, decimals: int = 4) -> str:
    """A number as a person would write it in a message: no trailing zeros, at most 4 decimals."""
    text = plain(value, decimals)
    return text.rstrip("0").rstrip(".") if "." in text else text


def lost_zeros_hint(pattern: str, text: str) -> str:
    """A code of digits that matches once leading zeros are put back: Excel dropped them because the
    cell holds a number (学校代码 0110123456 typed into a General cell becomes 110123456)."""
    if not text.isdigit():
        return ""
    for zeros in range(1, 4):
        padded = "0" * zeros + text
        if re.fullmatch(pattern, padded):
            return (f"可能丢失了开头的 0（Excel 把纯数字的单元格当作数值，会去掉开头的 0）：请把单元格设为文本格式后"
                    f"重新输入 {padded}。")
    return ""


# ---------------------------------------------------------------------------------------------
# Single values: kind, sign, range. Shared by indicators and record-sheet fields.
def _within(value: Decimal, plausible: tuple[float, float] | None) -> bool:
    return plausible is not None and Decimal(str(plausible[0])) <= value <= Decimal(str(plausible[1]))


def check_number(
    entry: Entry, kind: Kind, name: str, plausible: tuple[float, float] | None, unit: str = ""
) -> Iterator[Problem]:
    value = entry.number
    if value is None:
        return
    where = dict(sheet=entry.sheet, cell=entry.cell, indicator=name)
    if kind is Kind.COUNT:
        if value < 0:
            yield error("negative-value", f"{name}填写为 {_num(value)}，人数、个数等计数不能为负。", **where)
        elif value != value.to_integral_value():
            yield error("count-not-integer", f"{name}填写为 {_num(value, 4)}，计数应为整数。", **where)
    elif kind in (Kind.AMOUNT, Kind.PER_STUDENT):
        if value < 0:
            yield error("negative-value", f"{name}填写为 {_num(value)}，不能为负数。", **where)
    elif kind.is_percentage:
        if value < 0 or value > 100:
            yield error("rate-out-of-range", f"{name}填写为 {_num(value)}，百分比应在 0～100 之间（填 95 表示 95%）。", **where)
            return
        if 0 < value <= 1 and not entry.percent_marked and unit in ("%", "") and not _within(value, plausible):
            # A percentage typed as a fraction (0.95 for 95%): suspected only when the value is outside
            # the indicator's usual range (自主创业率 0.62% is within its range and is not suspected).
            fraction_is_error = plausible is not None and plausible[0] > 1
            make = error if fraction_is_error else warning
            yield make(
                "rate-as-fraction",
                f"{name}填写为 {_num(value, 4)}，疑似把百分比写成了小数。百分比请填百分数的数值：{_num(value * 100)}% 应填 {_num(value * 100)}。"
                + ("" if fraction_is_error else "若确为不到 1%，请写成“" + _num(value, 4) + "%”以确认。"),
                **where,
            )
            return
    if plausible is not None and not _within(value, plausible):
        yield warning(
            "implausible-value",
            f"{name}为 {_num(value)}{unit}，超出通常范围 {_num(Decimal(str(plausible[0])))}～{_num(Decimal(str(plausible[1])))}{unit}，请核对单位和数值。",
            **where,
        )


def check_cover(edition: Edition, book: ReportWorkbook) -> Iterator[Problem]:
    """The 封面 values, already normalised by the loader (reader._normalise_cover)."""
    year = book.cover_text(edition.cover_key("year", book.level))  # the hints' example years follow it
    for f in edition.cover_fields_for(book.level):
        entry = book.cover.get(f.key)
        where = dict(sheet=c.SHEET_COVER, cell=entry.cell if entry else "", indicator=f.key)
        text = str(entry.value).strip() if entry and entry.value is not None else ""
        if not text:
            if not f.required or (entry is not None and entry.unreadable):
                continue  # an unreadable cell was reported by the loader
            hint = f"（{edition.cover_hint(f, year)}）" if f.hint else ""
            if entry is None:
                yield error("cover-missing-field",
                            f"封面没有“{f.key}”这一行：“项目”列（A 列）中找不到“{f.key}”。请在封面末尾加一行，A 列写“{f.key}”，"
                            f"B 列填写内容{hint}；如是改动了 A 列的文字，请改回“{f.key}”。", **where)
            else:
                yield error("cover-missing-field", f"封面信息“{f.key}”未填写{hint}。请在 {entry.cell} 填写。", **where)
            continue
        if f.choices and text not in f.choices:
            yield error("cover-invalid-choice", f"“{f.key}”填写为“{text}”，应为：{'、'.join(f.choices)}。", **where)
        if f.pattern and not re.fullmatch(f.pattern, text):
            yield error("cover-invalid-format", f"“{f.key}”填写为“{text}”，格式不对：{edition.cover_hint(f, year)}。{lost_zeros_hint(f.pattern, text)}",
                        **where)
        if f.kind == "year" and report_years(text).this is None:
            yield error("cover-invalid-year", f"“{f.key}”填写为“{text}”，应为四位年份，例如 2024。", **where)


def check_cover_labels(edition: Edition, book: ReportWorkbook) -> Iterator[Problem]:
    """A value typed under a 项目 that is not a cover field of this level is not used anywhere."""
    fields = [f.key for f in edition.cover_fields_for(book.level)]
    known = {normalise(key) for key in (*fields, c.KEY_EDITION, c.KEY_LEVEL)}
    for key, entry in book.cover.items():
        if normalise(key) in known or entry.value is None or not str(entry.value).strip():
            continue
        yield warning(
            "unknown-cover-field",
            f"封面项目“{key}”不是{book.level}报告的封面信息项，本行填写的“{entry.value}”不会出现在报告中。"
            f"封面信息项为：{'、'.join(fields)}。请把内容填到对应项目的行（项目名称不要改动），或删除这一行。",
            sheet=entry.sheet or c.SHEET_COVER, cell=entry.cell, indicator=key,
        )


# ---------------------------------------------------------------------------------------------
def check_indicators(
    edition: Edition, book: ReportWorkbook, values: Mapping[str, IndicatorValue]
) -> Iterator[Problem]:
    for ind in edition.input_indicators:
        entry = book.indicators.get(ind.code)
        if entry is None:
            continue  # missing rows are reported by the loader
        name = edition.label(ind.code)
        if ind.kind.is_numeric:
            for which in (entry.last, entry.this):
                yield from check_number(which, ind.kind, name, ind.range, _unit_suffix(ind))
        for which in (entry.last, entry.this) if ind.choices else ():
            text = "" if which.value is None else str(which.value).strip()
            if text and text not in ind.choices:
                yield error("indicator-invalid-choice", f"“{name}”填写为“{text}”，应从以下选项中选一项：{'、'.join(ind.choices)}。",
                            sheet=which.sheet, cell=which.cell, indicator=name)
        if ind.code in edition.current_year_only and entry.last.value is not None:
            yield warning("previous-year-not-shown", f"“{name}”的上年填写了“{str(entry.last.value).strip()[:40]}”，"
                          "但报告只列本年的这一项，上年的内容不会出现在报告中。如无特别需要，请清空这个单元格。",
                          sheet=entry.last.sheet, cell=entry.last.cell, indicator=name)
        if ind.required and entry.this.value is None and not entry.this.unreadable:
            yield error("required-missing", f"“{name}”本年数据必须填写，报告中的多项计算以它为基础。",
                        sheet=entry.this.sheet, cell=entry.this.cell, indicator=name)
    for ind in edition.derived_indicators:
        yield from _check_derived(edition, book, ind, values)
    yield from _check_changes(edition, book, values)
    yield from _check_blank_optional(edition, book)


def _check_blank_optional(edition: Edition, book: ReportWorkbook) -> Iterator[Problem]:
    """One warning for all optional indicators left blank this year: how complete the workbook is,
    by table, without a line per cell."""
    blank: dict[str, int] = defaultdict(int)
    for ind in edition.input_indicators:
        entry = book.indicators.get(ind.code)
        if entry is not None and not ind.required and entry.this.value is None and not entry.this.unreadable:
            blank[ind.group] += 1
    if not blank:
        return
    total = sum(blank.values())
    rows = sum(1 for ind in edition.input_indicators if not ind.required and ind.code in book.indicators)
    groups = "，".join(f"{group}：{count} 项" for group, count in blank.items())
    yield warning(
        "optional-indicators-blank",
        f"有 {total} 项选填指标（共 {rows} 项）本年未填写（{groups}），报告中这些数值显示为“—”。"
        f"确无数据的可以留空；有数据的请在“{c.SHEET_INDICATORS}”工作表“本年”列补填。",
        sheet=c.SHEET_INDICATORS,
    )


def _unit_suffix(ind: Indicator) -> str:
    return "" if ind.kind is Kind.RATIO else ind.unit


def _check_derived(
    edition: Edition, book: ReportWorkbook, ind: Indicator, values: Mapping[str, IndicatorValue]
) -> Iterator[Problem]:
    if ind.range is None or ind.formula is None:
        return
    lo, hi = (Decimal(str(x)) for x in ind.range)
    inputs = ind.formula.inputs
    parts = "、".join(edition.label(code) for code in inputs)
    for attr, year in YEARS:
        value = getattr(values[ind.code], attr)
        if isinstance(value, Decimal) and not lo <= value <= hi:
            shown = format_value(value, ind.kind, ind.decimals) + ("" if ind.kind is Kind.RATIO else f" {ind.unit}")
            yield warning(
                "implausible-value",
                f"{year}{ind.name}计算结果为 {shown}，超出通常范围 {_num(lo)}～{_num(hi)}。它由{parts}计算得出，请核对这些数据的数值和单位。",
                indicator=edition.label(ind.code), sheet=c.SHEET_INDICATORS, cell=_first_cell(book, inputs, attr),
            )


def _first_cell(book: ReportWorkbook, codes: tuple[str, ...], which: str) -> str:
    """The cell of the first input (in formula order: numerator first) for the given year, where the
    reader found it (the 上年/本年 columns are found by their headers, in any order)."""
    for code in codes:
        entry = book.indicators.get(code)
        if entry is not None and getattr(entry, which).cell:
            return getattr(entry, which).cell
    return ""


def _check_changes(edition: Edition, book: ReportWorkbook, values: Mapping[str, IndicatorValue]) -> Iterator[Problem]:
    limit = Decimal(str(edition.thresholds.yoy_warning_percent))
    min_count = Decimal(edition.thresholds.yoy_warning_min_count)
    for ind in edition.indicators:
        v = values[ind.code]
        pct = v.change.percent
        if pct is None or abs(pct) <= limit or min(v.last, v.this) < 0:  # type: ignore[type-var]
            continue  # a negative value is an error of its own; a change computed from it says nothing
        if ind.kind is Kind.COUNT and max(v.last, v.this) < min_count:  # type: ignore[type-var]
            continue  # 1 → 2 is +100% but says nothing about data quality
        entry = book.indicators.get(ind.code)
        where = dict(sheet=entry.this.sheet, cell=entry.this.cell) if entry else dict(
            sheet=c.SHEET_INDICATORS, cell=_first_cell(book, ind.formula.inputs, "this") if ind.formula else "")
        yield warning(
            "large-change",
            f"{edition.label(ind.code)}从上年 {_num(v.last)} 变为本年 {_num(v.this)}，变化 {plain(pct, 2)}%，超过 ±{_num(limit)}%。"
            "请确认数据无误（例如单位是否一致、是否填错年份）。",
            indicator=edition.label(ind.code), **where,
        )


# ---------------------------------------------------------------------------------------------
def check_parts(edition: Edition, book: ReportWorkbook) -> Iterator[Problem]:
    """`其中` rows never exceed their parent; exhaustive parts add up to it (both years)."""
    groups: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
    for ind in edition.indicators:
        if ind.parent and not ind.is_derived:
            groups[(ind.parent, ind.parts)].append(ind)  # type: ignore[index]
    for (parent_code, parts), members in groups.items():
        parent_entry = book.indicators.get(parent_code)
        for attr, year in YEARS:
            parent = getattr(parent_entry, attr) if parent_entry else Entry()
            entries = [(edition.label(m.code), getattr(book.indicators[m.code], attr))
                       for m in members if m.code in book.indicators]
            yield from _check_group(parts, edition.label(parent_code), parent, entries, len(members), year)


def _check_group(
    parts: str, parent_label: str, parent: Entry, entries: list[tuple[str, Entry]], expected: int, where_text: str
) -> Iterator[Problem]:
    """One group of `其中` parts of one parent, for one year (or one record row)."""
    present = [(label, e) for label, e in entries if e.number is not None]
    total = parent.number
    if parts == "detail" or not present or total is None:
        return
    if parts == "subset":
        for label, e in present:
            if e.number > total:
                yield error(
                    "part-exceeds-parent",
                    f"{where_text}{label} {_num(e.number)} 大于{parent_label} {_num(total)}（见 {parent.ref}）。其中项不能超过总数，请核对。",
                    sheet=e.sheet, cell=e.cell, indicator=label,
                )
        return
    s = sum((e.number for _, e in present), Decimal(0))
    expr = " + ".join(f"{label} {_num(e.number)}" for label, e in present) + f" = {_num(s)}"
    where = dict(sheet=parent.sheet, cell=parent.cell, indicator=parent_label)
    if parts == "exhaustive" and len(present) == expected and s != total:
        yield error(
            "parts-sum-mismatch",
            f"{where_text}{expr}，与{parent_label} {_num(total)} 不一致。这几项合起来就是{parent_label}，之和应等于它，请核对。",
            **where,
        )
    elif s > total:
        yield error(
            "parts-exceed-total",
            f"{where_text}{expr}，超过{parent_label} {_num(total)}。其中各项之和不能超过总数，请核对。",
            **where,
        )


# ---------------------------------------------------------------------------------------------
def check_records(
    edition: Edition, book: ReportWorkbook, record_sets: Mapping[str, RecordSet], values: Mapping[str, IndicatorValue]
) -> Iterator[Problem]:
    for sheet in edition.record_sheets:
        records = book.records.get(sheet.id, ())
        for record in records:
            yield from _check_record(sheet, record)
        yield from _check_duplicates(sheet, records)
        yield from _cross_checks(edition, sheet, record_sets[sheet.id], book, values)


def _check_record(sheet: RecordSheet, record: Record) -> Iterator[Problem]:
    for f in sheet.fields:
        entry = record.get(f.key)
        if f.required and entry.value is None and not entry.unreadable:
            yield error("record-missing-field", f"第 {record.row} 行“{f.header}”未填写。",
                        sheet=sheet.sheet, cell=entry.cell or f"?{record.row}", indicator=f.header)
        if f.kind.is_numeric:
            yield from check_number(entry, f.kind, f.header, f.range, f.unit)
        elif f.pattern and entry.value is not None and not re.fullmatch(f.pattern, str(entry.value)):
            yield error("record-invalid-format",
                        f"“{f.header}”填写为“{entry.value}”，格式不对：{f.hint}。{lost_zeros_hint(f.pattern, str(entry.value))}",
                        sheet=sheet.sheet, cell=entry.cell, indicator=f.header)
    groups: dict[tuple[str, str], list[RecordField]] = defaultdict(list)
    for f in sheet.fields:
        if f.parent:
            groups[(f.parent, f.parts)].append(f)  # type: ignore[index]
    for (parent_key, parts), members in groups.items():
        parent = next(f for f in sheet.fields if f.key == parent_key)
        entries = [(m.header, record.get(m.key)) for m in members]
        yield from _check_group(parts, parent.header, record.get(parent_key), entries, len(members), f"第 {record.row} 行")


def _check_duplicates(sheet: RecordSheet, records: tuple[Record, ...]) -> Iterator[Problem]:
    key = sheet.fields[0]
    seen: dict[str, int] = {}
    for record in records:
        entry = record.get(key.key)
        if entry.value is None:
            continue
        text = str(entry.value)
        if text in seen:
            yield error("duplicate-record", f"“{key.header}”为“{text}”的行重复出现（另见第 {seen[text]} 行）。请合并或删除重复的行。",
                        sheet=sheet.sheet, cell=entry.cell, indicator=key.header)
        else:
            seen[text] = record.row


def _cross_checks(
    edition: Edition, sheet: RecordSheet, records: RecordSet, book: ReportWorkbook,
    values: Mapping[str, IndicatorValue],
) -> Iterator[Problem]:
    if not records.rows:
        yield warning("empty-record-sheet", f"工作表“{sheet.sheet}”没有填写任何数据，报告中将不出现相应的表格。{sheet.hint}",
                      sheet=sheet.sheet)
        return
    for check in sheet.checks:
        target = values[check.indicator]
        if not isinstance(target.this, Decimal):
            continue
        entry = book.indicators.get(check.indicator)
        where = dict(sheet=entry.this.sheet, cell=entry.this.cell) if entry else dict(sheet=c.SHEET_INDICATORS)
        make = error if check.level == "error" else warning
        if check.count_rows:
            found = Decimal(len(records.rows))
            if found != target.this:
                yield make("record-count-mismatch",
                           f"工作表“{sheet.sheet}”有 {_num(found)} 行，而“{edition.label(check.indicator)}”本年填写为 {_num(target.this)}，两者不一致，请核对。",
                           indicator=edition.label(check.indicator), **where)
            continue
        summed = records.totals.get(check.field)  # type: ignore[arg-type]
        header = next(f.header for f in sheet.fields if f.key == check.field)
        if isinstance(summed, Decimal) and summed != target.this:
            yield make("record-total-mismatch",
                       f"工作表“{sheet.sheet}”各行“{header}”合计为 {_num(summed)}，而“{edition.label(check.indicator)}”本年填写为 {_num(target.this)}，两处应一致，请核对。",
                       indicator=edition.label(check.indicator), **where)


def check_narrative(edition: Edition, book: ReportWorkbook) -> Iterator[Problem]:
    written = {p.section for p in book.paragraphs}
    for section in edition.narrative_sections:
        children = [s for s in edition.narrative_sections if s.code.startswith(section.code + ".")]
        if section.code not in written and not children:
            yield warning("section-without-text", f"章节“{section.label}”没有正文，报告中该节将为空。请在“{c.SHEET_NARRATIVE}”工作表补写。",
                          sheet=c.SHEET_NARRATIVE, indicator=section.label)
