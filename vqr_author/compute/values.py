"""Indicator values for both years, derived indicators and their changes. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.numbers import NO_CHANGE, Change, quantize, ratio, year_change
from vqr_author.edition.model import Edition, Indicator, Kind
from vqr_author.workbook.model import Entry, IndicatorEntry

Value = Decimal | str | None


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator as the report shows it: both years rounded for display, and the change."""

    indicator: Indicator
    last: Value
    this: Value
    change: Change = NO_CHANGE
    refs: frozenset[str] = frozenset()  # the workbook cells this value is read or derived from

    @property
    def code(self) -> str:
        return self.indicator.code


def _entry_value(entry: Entry, indicator: Indicator) -> Value:
    if indicator.kind is Kind.TEXT:
        return None if entry.value is None else str(entry.value)
    return quantize(entry.number, indicator.decimals)


def compute_indicators(edition: Edition, entries: Mapping[str, IndicatorEntry]) -> dict[str, IndicatorValue]:
    """Every indicator of the edition, input or derived, keyed by code (missing input → no data)."""
    values: dict[str, IndicatorValue] = {}
    for ind in edition.input_indicators:
        entry = entries.get(ind.code)
        if entry is None:
            values[ind.code] = IndicatorValue(ind, None, None)
            continue
        last, this = _entry_value(entry.last, ind), _entry_value(entry.this, ind)
        refs = frozenset(r for r in (entry.last.ref, entry.this.ref) if r)
        change = year_change(ind.kind, last, this, ind.decimals) if ind.kind.is_numeric else NO_CHANGE
        values[ind.code] = IndicatorValue(ind, last, this, change, refs)
    for ind in edition.derived_indicators:
        formula = ind.formula
        inputs = [values[code] for code in formula.inputs]

        def year(which: str) -> Decimal | None:
            nums = [getattr(values[c], which) for c in formula.numerator]
            return quantize(ratio(nums, getattr(values[formula.denominator], which), formula.scale), ind.decimals)

        last, this = year("last"), year("this")
        refs = frozenset().union(*(v.refs for v in inputs))
        values[ind.code] = IndicatorValue(ind, last, this, year_change(ind.kind, last, this, ind.decimals), refs)
    return values
