"""What each chart shows: categories, series and values, taken from the computed values and rounded
as the tables round them, so a chart's numbers are the tables' numbers. Pure — writing the chart
into the document is render.charts' job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.display import plain
from vqr_author.compute.numbering import Number
from vqr_author.compute.numbers import quantize
from vqr_author.compute.records import RecordSet
from vqr_author.compute.tables import Years, share_groups
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition, IndicatorsChart, RecordChart, SchoolsChart, SharesChart


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]  # rounded to the chart's decimals, None where there is no value


@dataclass(frozen=True)
class ChartModel:
    id: str
    title: str
    kind: str  # "bar" (vertical columns) or "hbar" (horizontal bars, for long category lists)
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str  # the value axis
    decimals: int
    number: Number | None = None

    @property
    def empty(self) -> bool:
        return not self.categories or all(v is None for s in self.series for v in s.values)

    def label(self, value: Decimal) -> str:
        """A value as the chart prints it on its bar: as a table cell writes it."""
        return plain(value, self.decimals)


def rounded_series(name: str, values: Sequence[Decimal | None], decimals: int) -> Series:
    """A chart series whose values are rounded as the tables round them (the chart shows the table's numbers)."""
    return Series(name, tuple(quantize(v, decimals) for v in values))


def strip_common_suffix(names: Sequence[str]) -> tuple[str, ...]:
    """Axis labels stay readable: 在校生满意度、毕业生满意度 → 在校生、毕业生 (the title says 满意度)."""
    if len(names) < 2:
        return tuple(names)
    size = 0
    while size < min(map(len, names)) - 1 and len({n[len(n) - size - 1:] for n in names}) == 1:
        size += 1
    return tuple(n[: len(n) - size] if size else n for n in names)


def indicator_chart(edition: Edition, layout: IndicatorsChart, values: Mapping[str, IndicatorValue], years: Years) -> ChartModel:
    """Indicators as categories; this year (and last year, with ``compare``) as series."""
    inds = [edition.indicator(code) for code in layout.indicators]
    names = [i.name for i in inds]
    labels = strip_common_suffix(names) if layout.short_labels else tuple(names)
    decimals = inds[0].decimals
    series = [rounded_series(years.header("this"), [values[i.code].this for i in inds], decimals)]  # type: ignore[misc]
    if layout.compare:
        series.insert(0, rounded_series(years.header("last"), [values[i.code].last for i in inds], decimals))  # type: ignore[misc]
    unit = layout.unit or inds[0].unit
    return ChartModel(layout.id, years.fill(layout.title), "bar", labels, tuple(series), unit, decimals)


def record_chart(layout: RecordChart, records: RecordSet, years: Years) -> ChartModel:
    """A bar per row of a record sheet (专业), one series per field."""
    label = layout.label_field or records.sheet.label_key
    rows = [r for r in records.rows if r.get(label)]
    categories = tuple(str(r.get(label)) for r in rows)
    spec = records.sheet.field(layout.fields[0])
    series = tuple(rounded_series(records.sheet.field(f).label, [r.get(f) for r in rows], spec.decimals)  # type: ignore[misc]
                   for f in layout.fields)
    kind = "hbar" if len(categories) > 6 else "bar"  # many 专业: horizontal bars keep every label readable
    return ChartModel(layout.id, years.fill(layout.title), kind, categories, series, layout.unit or spec.unit,
                      spec.decimals)


def schools_chart(edition: Edition, layout: SchoolsChart, schools: Sequence, years: Years) -> ChartModel:  # noqa: ANN001
    """One bar per school for one indicator (this year), largest first."""
    code = layout.indicators[0]
    ind = edition.indicator(code)
    pairs = sorted(((s.name, s.values[code].this) for s in schools), key=lambda p: -(p[1] or 0))
    return ChartModel(layout.id, years.fill(layout.title), "hbar", tuple(p[0] for p in pairs),
                      (rounded_series(ind.name, [p[1] for p in pairs], ind.decimals),), layout.unit or ind.unit, ind.decimals)


def shares_chart(edition: Edition, layout: SharesChart, records: RecordSet, years: Years) -> ChartModel:
    """A record field summed by 专业大类, largest first."""
    groups = [(name, sum((r.get(layout.fields[0]) or Decimal(0) for r in rows), Decimal(0)))  # type: ignore[misc]
              for name, rows in share_groups(edition, "category", records)]
    groups.sort(key=lambda g: -g[1])
    spec = records.sheet.field(layout.fields[0])
    return ChartModel(layout.id, years.fill(layout.title), "hbar", tuple(g[0] for g in groups),
                      (rounded_series(spec.label, [g[1] for g in groups], 0),), layout.unit or spec.unit, 0)
