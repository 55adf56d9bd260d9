"""Record sheets (专业, 资助): per-row derived fields, and rows combined — into a 合计 row, or the same
专业 across schools — with counts and amounts summed and rates recomputed from the summed parts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.numbers import quantize, total, weighted_mean
from vqr_author.compute.values import evaluate
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


def _derive(field: DerivedField, values: Mapping[str, Value]) -> Decimal | None:
    return quantize(evaluate(field.formula, values), field.decimals)


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


def _combined_text(sheet: RecordSheet, field: RecordField, rows: Sequence[RecordRow], group: bool) -> Value:
    """Text of a combined row. A 合计 row has none (a 备注 is not summed). A group of rows with the
    same key keeps the key and its identifying text (a required field such as 专业名称, the first
    spelling); free text such as 备注 only when every row that has one says the same."""
    if not group:
        return None
    texts = [r.get(field.key) for r in rows if r.get(field.key)]
    if field.key == sheet.group_by or field.required:
        return texts[0] if texts else None
    return texts[0] if texts and all(t == texts[0] for t in texts) else None


def combine_rows(sheet: RecordSheet, rows: Sequence[RecordRow], *, group: bool = False) -> RecordRow:
    """One row standing for ``rows`` — their 合计, or with ``group`` the same item (专业代码, 资助项目)
    across schools: counts and amounts add up; a field with a total rule is a weighted mean; derived
    rates are recomputed from the summed numerators and denominators over the rows that have every
    part (pooled, never averaged); typed rates are not combined; text: see _combined_text."""
    values: dict[str, Value] = {}
    for f in sheet.fields:
        rule = sheet.totals.get(f.key)
        if rule is not None:
            pairs = [(r.get(f.key), r.get(rule.weighted_by)) for r in rows]
            values[f.key] = quantize(weighted_mean(pairs), f.decimals)  # type: ignore[arg-type]
        elif f.kind in (Kind.COUNT, Kind.AMOUNT) and f.summable:
            values[f.key] = total(r.get(f.key) for r in rows)  # type: ignore[misc]
        elif f.kind is Kind.TEXT:
            values[f.key] = _combined_text(sheet, f, rows, group)
        else:
            values[f.key] = None
    for d in sheet.derived:
        complete = [r for r in rows if all(r.get(k) is not None for k in d.formula.inputs)]
        sums = {k: total(r.get(k) for r in complete) for k in d.formula.inputs}  # type: ignore[misc]
        values[d.key] = _derive(d, sums)
    refs = {key: frozenset().union(*(r.refs.get(key, frozenset()) for r in rows)) for key in values}
    return RecordRow(values, refs)
