"""Record sheets (专业, 资助): per-row derived fields, and rows combined — into a 合计 row, or the same
专业 across schools — with counts and amounts summed and rates recomputed from the summed parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.numbers import quantize, ratio, total, weighted_mean
from vqr_author.edition.model import DerivedField, Kind, RecordField, RecordSheet
from vqr_author.workbook.model import Record

Value = Decimal | str | None


@dataclass(frozen=True)
class RecordRow:
    values: dict[str, Value]
    refs: dict[str, frozenset[str]]
    row: int | None = None  # workbook row; None for a combined row

    def get(self, key: str) -> Value:
        return self.values.get(key)


@dataclass(frozen=True)
class RecordSet:
    sheet: RecordSheet
    rows: tuple[RecordRow, ...]
    totals: RecordRow


def _field_value(field: RecordField, record: Record) -> Value:
    entry = record.get(field.key)
    if field.kind is Kind.TEXT:
        return None if entry.value is None else str(entry.value)
    return quantize(entry.number, field.decimals)


def _derive(field: DerivedField, values: dict[str, Value]) -> Decimal | None:
    f = field.formula
    nums = [values.get(k) for k in f.numerator]
    return quantize(ratio(nums, values.get(f.denominator), f.scale), field.decimals)  # type: ignore[arg-type]


def compute_record_set(sheet: RecordSheet, records: Sequence[Record]) -> RecordSet:
    rows = []
    for record in records:
        values: dict[str, Value] = {f.key: _field_value(f, record) for f in sheet.fields}
        refs = {f.key: frozenset({record.get(f.key).ref}) if record.get(f.key).ref else frozenset()
                for f in sheet.fields}
        for d in sheet.derived:
            values[d.key] = _derive(d, values)
            refs[d.key] = frozenset().union(*(refs[k] for k in d.formula.inputs))
        rows.append(RecordRow(values, refs, record.row))
    return RecordSet(sheet, tuple(rows), combine_rows(sheet, rows))


def combine_rows(sheet: RecordSheet, rows: Sequence[RecordRow]) -> RecordRow:
    """One row standing for ``rows``: counts and amounts add up; a field with a total rule is a
    weighted mean; derived rates are recomputed from the summed numerators and denominators over
    the rows that have every part (pooled, never averaged); typed rates are not combined; text keeps
    the first value."""
    values: dict[str, Value] = {}
    for f in sheet.fields:
        rule = sheet.totals.get(f.key)
        if rule is not None:
            pairs = [(r.get(f.key), r.get(rule.weighted_by)) for r in rows]
            values[f.key] = quantize(weighted_mean(pairs), f.decimals)  # type: ignore[arg-type]
        elif f.kind in (Kind.COUNT, Kind.AMOUNT) and f.summable:
            values[f.key] = total(r.get(f.key) for r in rows)  # type: ignore[misc]
        elif f.kind is Kind.TEXT:
            values[f.key] = next((r.get(f.key) for r in rows if r.get(f.key)), None)
        else:
            values[f.key] = None
    for d in sheet.derived:
        complete = [r for r in rows if all(r.get(k) is not None for k in d.formula.inputs)]
        sums = {k: total(r.get(k) for r in complete) for k in d.formula.inputs}  # type: ignore[misc]
        values[d.key] = _derive(d, sums)
    refs = {key: frozenset().union(*(r.refs.get(key, frozenset()) for r in rows)) for key in values}
    return RecordRow(values, refs)
