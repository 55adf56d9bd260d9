"""Indicator values for both years, derived indicators and their changes. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.numbers import NO_CHANGE, Change, quantize, ratio, year_change
from vqr_author.edition.model import Edition, Formula, Indicator, Kind
from vqr_author.workbook.model import IndicatorEntry

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


def indicator_value(ind: Indicator, last: Value, this: Value, refs: frozenset[str] = frozenset(),
                    comparable: bool = True) -> IndicatorValue:
    """Both years rounded for display, and the change computed from the rounded values — or no
    change when the two years are not ``comparable`` (an aggregate over different schools)."""
    if ind.kind is Kind.TEXT:
        return IndicatorValue(ind, None if last is None else str(last), None if this is None else str(this), NO_CHANGE, refs)
    last_n, this_n = quantize(last, ind.decimals), quantize(this, ind.decimals)  # type: ignore[arg-type]
    change = year_change(ind.kind, last_n, this_n, ind.decimals) if comparable else NO_CHANGE
    return IndicatorValue(ind, last_n, this_n, change, refs)


def evaluate(f: Formula, inputs: Mapping[str, Decimal | str | None]) -> Decimal | None:
    """A formula over its inputs: sum(weight × numerator) × scale ÷ sum(weight × denominator), not
    rounded; None when an input is missing (or not a number) or the denominator is 0."""

    def terms(codes: tuple[str, ...]) -> list[Decimal | None]:
        values = [inputs.get(c) for c in codes]
        return [v * Decimal(str(f.weight(c))) if isinstance(v, Decimal) else None for c, v in zip(codes, values)]

    denominators = terms(f.denominators)
    if any(d is None for d in denominators):
        return None
    return ratio(terms(f.numerator), sum((d for d in denominators if d is not None), Decimal(0)), f.scale)


def derive(ind: Indicator, inputs: Mapping[str, Decimal | None]) -> Decimal | None:
    """A derived indicator from its inputs (see evaluate)."""
    assert ind.formula is not None
    return evaluate(ind.formula, inputs)


def compute_indicators(edition: Edition, entries: Mapping[str, IndicatorEntry]) -> dict[str, IndicatorValue]:
    """Every indicator of one workbook, input or derived, keyed by code (missing input → no data).
    (District and city values are pooled over schools by compute.aggregate instead.)"""
    values: dict[str, IndicatorValue] = {}
    for ind in edition.input_indicators:
        entry = entries.get(ind.code)
        if entry is None:
            values[ind.code] = IndicatorValue(ind, None, None)
            continue
        refs = frozenset(r for r in (entry.last.ref, entry.this.ref) if r)
        if ind.kind is Kind.TEXT:
            values[ind.code] = indicator_value(ind, entry.last.value, entry.this.value, refs)
        else:
            values[ind.code] = indicator_value(ind, entry.last.number, entry.this.number, refs)
    for ind in edition.derived_indicators:
        inputs = [values[code] for code in ind.formula.inputs]  # type: ignore[union-attr]
        last = derive(ind, {v.code: v.last for v in inputs})  # type: ignore[misc]
        this = derive(ind, {v.code: v.this for v in inputs})  # type: ignore[misc]
        values[ind.code] = indicator_value(ind, last, this, frozenset().union(*(v.refs for v in inputs)))
    return values
