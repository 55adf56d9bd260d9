"""Aggregation of schools into a district or city (REPORTS.md §6). Pure.

Counts and amounts are summed; a typed rate or average is combined weighted by its base
(``pooled_by``: 满意度 by 调查人次, 月收入 by 就业人数 …); derived rates, ratios and per-student values
are then recomputed from the summed parts by the ordinary computation — pooled, never averaged.
A school that left a value blank is left out of that value, never counted as zero, and the
coverage (how many schools each value covers) is kept for the table notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.numbers import total, weighted_mean
from vqr_author.compute.records import RecordRow, RecordSet, combine_rows, compute_record_set
from vqr_author.compute.values import IndicatorValue, compute_indicators
from vqr_author.edition.model import SCHOOLS_FIELD, Edition, Indicator, Kind, RecordSheet
from vqr_author.workbook.model import Entry, IndicatorEntry, ReportWorkbook

YEARS = ("last", "this")


@dataclass(frozen=True)
class SchoolResult:
    """One school's workbook with its computed values, as aggregation and per-school tables use it."""

    book: ReportWorkbook
    values: dict[str, IndicatorValue]
    records: dict[str, RecordSet]

    def cover(self, key: str) -> str:
        return self.book.cover_text(key)

    @property
    def name(self) -> str:
        return self.cover("单位名称") or self.book.path.stem


def compute_school(edition: Edition, book: ReportWorkbook) -> SchoolResult:
    values = compute_indicators(edition, book.indicators)
    records = {s.id: compute_record_set(s, book.records.get(s.id, ())) for s in edition.record_sheets}
    return SchoolResult(book, values, records)


@dataclass(frozen=True)
class Coverage:
    """How many schools each aggregated value stands for."""

    schools: int
    reported: dict[str, tuple[int, int]]  # code → (schools with a value last year, this year)
    not_pooled: frozenset[str]  # typed rates without a base: not combined, shown —


def _entry(book: ReportWorkbook, code: str, year: str) -> Entry:
    entry = book.indicators.get(code)
    return getattr(entry, year) if entry is not None else Entry()


def _combine(ind: Indicator, year: str, books: Sequence[ReportWorkbook]) -> tuple[Decimal | str | None, int]:
    """The aggregated value of one input indicator for one year, and how many schools it covers."""
    if ind.kind is Kind.TEXT:
        texts = list(dict.fromkeys(str(v) for b in books if (v := _entry(b, ind.code, year).value)))
        return ("、".join(texts) or None), sum(1 for b in books if _entry(b, ind.code, year).value)
    if ind.pooled_by:
        pairs = [(_entry(b, ind.code, year).number, _entry(b, ind.pooled_by, year).number) for b in books]
        return weighted_mean(pairs), sum(1 for v, w in pairs if v is not None and w)
    numbers = [n for b in books if (n := _entry(b, ind.code, year).number) is not None]
    if ind.kind in (Kind.COUNT, Kind.AMOUNT):
        return total(numbers), len(numbers)
    return None, 0  # a typed rate without a base cannot be combined


def aggregate_entries(edition: Edition, books: Sequence[ReportWorkbook]) -> tuple[dict[str, IndicatorEntry], Coverage]:
    entries: dict[str, IndicatorEntry] = {}
    reported: dict[str, tuple[int, int]] = {}
    not_pooled = set()
    for ind in edition.input_indicators:
        combined = {year: _combine(ind, year, books) for year in YEARS}
        entries[ind.code] = IndicatorEntry(ind.code, Entry(combined["last"][0]), Entry(combined["this"][0]))
        reported[ind.code] = (combined["last"][1], combined["this"][1])
        if ind.kind in (Kind.RATE, Kind.SHARE, Kind.PER_STUDENT) and not ind.pooled_by:
            not_pooled.add(ind.code)
    for ind in edition.derived_indicators:
        inputs = ind.formula.inputs  # type: ignore[union-attr]
        last, this = (sum(all(_entry(b, c, year).number is not None for c in inputs) for b in books) for year in YEARS)
        reported[ind.code] = (last, this)
    return entries, Coverage(len(books), reported, frozenset(not_pooled))


def aggregate_values(edition: Edition, books: Sequence[ReportWorkbook]) -> tuple[dict[str, IndicatorValue], Coverage]:
    entries, coverage = aggregate_entries(edition, books)
    return compute_indicators(edition, entries), coverage


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


def values_of(edition: Edition, schools: Sequence[SchoolResult]) -> Mapping[str, IndicatorValue]:
    return aggregate_values(edition, [s.book for s in schools])[0]
