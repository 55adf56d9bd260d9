"""Aggregation of schools into a district or city (REPORTS.md §6). Pure.

Counts and amounts are summed; a typed rate or average is combined weighted by its base
(``pooled_by``: 满意度 by 调查人次, 月收入 by 就业人数 …); derived rates, ratios and per-student values
are recomputed from summed numerators and denominators — pooled, never averaged. Every value, for
each year, is computed over exactly the schools that reported all of its inputs (numerator and
denominator alike, ``Edition.pooling_inputs``): a school that left an input blank is left out of
that value, never counted as zero, and the coverage (how many schools each value covers) is kept
for the table notes. A value whose two years stand for different schools has no change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.numbers import quantize, total, weighted_mean
from vqr_author.compute.records import RecordRow, RecordSet, combine_rows, compute_record_set
from vqr_author.compute.values import IndicatorValue, compute_indicators, derive, indicator_value
from vqr_author.edition.model import SCHOOLS_FIELD, Edition, Indicator, Kind, RecordSheet
from vqr_author.workbook.model import ReportWorkbook

YEARS = ("last", "this")


@dataclass(frozen=True)
class SchoolResult:
    """One school's workbook with its computed values, as aggregation and per-school tables use it."""

    book: ReportWorkbook
    values: dict[str, IndicatorValue]
    records: dict[str, RecordSet]
    name: str  # the school's name on its 封面, else its file's name
    code: str = ""  # the school's code on its 封面

    def cover(self, key: str) -> str:
        return self.book.cover_text(key)


def compute_school(edition: Edition, book: ReportWorkbook) -> SchoolResult:
    values = compute_indicators(edition, book.indicators)
    records = {s.id: compute_record_set(s, book.records.get(s.id, ())) for s in edition.record_sheets}
    return school_result(edition, book, values, records)


def school_result(edition: Edition, book: ReportWorkbook, values: dict[str, IndicatorValue],
                  records: dict[str, RecordSet]) -> SchoolResult:
    name = book.cover_text(edition.cover_key("name", book.level)) or book.path.stem
    return SchoolResult(book, values, records, name, book.cover_text(edition.cover_key("code", book.level)))


@dataclass(frozen=True)
class Coverage:
    """How many schools each aggregated value stands for.

    ``reported`` counts, per value and year, the schools the value was actually computed over: for a
    count or amount the schools that filled it; for a derived or weighted value the schools that
    filled all of its inputs (``Edition.pooling_inputs``). ``not_comparable``: values whose two
    years stand for different schools — no change from last year is computed for them.
    """

    schools: int
    reported: dict[str, tuple[int, int]]  # code → (schools the value covers last year, this year)
    not_pooled: frozenset[str]  # typed rates without a base: not combined, shown —
    not_comparable: frozenset[str] = frozenset()


Cells = list[dict[str, Decimal | str]]  # per school: code → the filled value of one year


def _cells(books: Sequence[ReportWorkbook], year: str) -> Cells:
    return [{code: value for code, entry in b.indicators.items() if (value := getattr(entry, year).value) is not None}
            for b in books]


def _filled(cells: Cells, ind: Indicator) -> frozenset[int]:
    """The schools that filled ``ind`` (a number; for text, any text)."""
    if ind.kind is Kind.TEXT:
        return frozenset(i for i, c in enumerate(cells) if c.get(ind.code))
    return frozenset(i for i, c in enumerate(cells) if isinstance(c.get(ind.code), Decimal))


def _pooled(edition: Edition, ind: Indicator, rows: Sequence[dict[str, Decimal | str]]) -> Decimal | str | None:
    """The value of ``ind`` for one year over ``rows`` — the schools that filled all its inputs."""
    if ind.kind is Kind.TEXT and ind.choices:  # 单选: how many schools chose each answer
        answers = [str(r[ind.code]).strip() for r in rows]
        return "、".join(f"{choice} {answers.count(choice)}所" for choice in ind.choices if choice in answers) or None
    if ind.kind is Kind.TEXT:
        return "、".join(dict.fromkeys(str(r[ind.code]) for r in rows)) or None
    if ind.formula is not None:
        # Each input summed over the same schools, rounded as a school's own input is, then the
        # formula: numerator and denominator always stand for the same schools.
        sums = {c: quantize(total(r[c] for r in rows), edition.indicator(c).decimals)  # type: ignore[misc]
                for c in ind.formula.inputs}
        return derive(ind, sums)
    if ind.pooled_by:
        return weighted_mean((r[ind.code], r[ind.pooled_by]) for r in rows)  # type: ignore[misc]
    if ind.kind in (Kind.COUNT, Kind.AMOUNT):
        return total(r[ind.code] for r in rows)  # type: ignore[misc]
    return None  # a typed rate without a base cannot be combined


def medians(schools: Sequence[SchoolResult], codes: Sequence[str]) -> dict[str, Decimal | None]:
    """The median of the schools' own this-year values of each indicator (schools without a value are
    left out; None when none has one): seed 003 reports 办学条件 both pooled and as 中位数."""
    result: dict[str, Decimal | None] = {}
    for code in codes:
        found = sorted(v for s in schools if isinstance(v := s.values[code].this, Decimal))
        middle = len(found) // 2
        result[code] = None if not found else found[middle] if len(found) % 2 else (found[middle - 1] + found[middle]) / 2
    return result


def aggregate_values(edition: Edition, books: Sequence[ReportWorkbook]) -> tuple[dict[str, IndicatorValue], Coverage]:
    """Every indicator over ``books``: each value computed over exactly the schools that reported all
    of its inputs that year (REPORTS.md §6, docs/aggregation.md), with the coverage."""
    cells = {year: _cells(books, year) for year in YEARS}
    filled = {year: {ind.code: _filled(cells[year], ind) for ind in edition.input_indicators} for year in YEARS}
    values: dict[str, IndicatorValue] = {}
    reported: dict[str, tuple[int, int]] = {}
    not_pooled: set[str] = set()
    not_comparable: set[str] = set()
    for ind in edition.indicators:
        needs = edition.pooling_inputs(ind.code)
        members = {year: sorted(frozenset.intersection(*(filled[year][c] for c in needs))) for year in YEARS}
        reported[ind.code] = (len(members["last"]), len(members["this"]))
        if ind.kind in (Kind.RATE, Kind.SHARE, Kind.PER_STUDENT, Kind.RATIO) and not ind.is_pooled:
            not_pooled.add(ind.code)
        comparable = members["last"] == members["this"] or not (members["last"] and members["this"])
        if not comparable and ind.kind.is_numeric and ind.code not in not_pooled:
            not_comparable.add(ind.code)
        last, this = (_pooled(edition, ind, [cells[year][i] for i in members[year]]) for year in YEARS)
        values[ind.code] = indicator_value(ind, last, this, comparable=comparable)
    return values, Coverage(len(books), reported, frozenset(not_pooled), frozenset(not_comparable))


def aggregate_record_set(sheet: RecordSheet, sets: Sequence[RecordSet]) -> RecordSet:
    """Rows of all schools combined by ``sheet.group_by`` (the same 专业代码, the same 资助项目)."""
    groups: dict[str, list[tuple[int, RecordRow]]] = {}
    for school, record_set in enumerate(sets):
        for row in record_set.rows:
            key = str(row.get(sheet.group_by) or f"（第 {school + 1} 校第 {row.row} 行）")
            groups.setdefault(key, []).append((school, row))
    rows = []
    for members in groups.values():
        combined = combine_rows(sheet, [r for _, r in members], group=True)
        combined.values[SCHOOLS_FIELD] = Decimal(len({s for s, _ in members}))
        rows.append(combined)
    totals = combine_rows(sheet, [r for record_set in sets for r in record_set.rows])
    totals.values[SCHOOLS_FIELD] = Decimal(sum(1 for record_set in sets if record_set.rows))
    return RecordSet(sheet, tuple(rows), totals)


def aggregate_records(edition: Edition, schools: Sequence[SchoolResult]) -> dict[str, RecordSet]:
    return {s.id: aggregate_record_set(s, [school.records[s.id] for school in schools]) for s in edition.record_sheets}


def group_schools(schools: Sequence[SchoolResult], by: str) -> dict[str, list[SchoolResult]]:
    groups: dict[str, list[SchoolResult]] = {}
    for school in schools:
        groups.setdefault(school.cover(by) or "未填写", []).append(school)
    return groups

