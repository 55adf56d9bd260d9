"""What each chart shows: categories, series and values, taken from the computed values (the same
numbers the tables print). Pure — drawing is render.charts' job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vqr_author.compute.records import RecordSet
from vqr_author.compute.tables import Years, share_groups
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition, IndicatorsChart, RecordChart, SchoolsChart, SharesChart


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class ChartModel:
    id: str
    title: str
    kind: str  # "bar" (vertical, one or more series) or "hbar" (horizontal, one series, sorted)
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str  # the value axis
    decimals: int
    number: int | None = None

    @property
    def empty(self) -> bool:
        return not self.categories or all(v is None for s in self.series for v in s.values)


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
    series = [Series(years.header("this"), tuple(values[i.code].this for i in inds))]  # type: ignore[misc]
    if layout.compare:
        series.insert(0, Series(years.header("last"), tuple(values[i.code].last for i in inds)))  # type: ignore[misc]
    unit = layout.unit or inds[0].unit
    return ChartModel(layout.id, years.fill(layout.title), "bar", labels, tuple(series), unit, inds[0].decimals)


def record_chart(layout: RecordChart, records: RecordSet, years: Years) -> ChartModel:
    """A bar per row of a record sheet (专业), one series per field."""
    label = layout.label_field or records.sheet.label_key
    rows = [r for r in records.rows if r.get(label)]
    categories = tuple(str(r.get(label)) for r in rows)
    series = tuple(Series(records.sheet.field(f).label, tuple(r.get(f) for r in rows)) for f in layout.fields)  # type: ignore[misc]
    spec = records.sheet.field(layout.fields[0])
    kind = "hbar" if len(categories) > 6 else "bar"  # many 专业: horizontal bars keep every label readable
    return ChartModel(layout.id, years.fill(layout.title), kind, categories, series, layout.unit or spec.unit,
                      spec.decimals)


def schools_chart(edition: Edition, layout: SchoolsChart, schools: Sequence, years: Years) -> ChartModel:  # noqa: ANN001
    """One bar per school for one indicator (this year), largest first."""
    code = layout.indicators[0]
    ind = edition.indicator(code)
    pairs = sorted(((s.name, s.values[code].this) for s in schools), key=lambda p: -(p[1] or 0))
    return ChartModel(layout.id, years.fill(layout.title), "hbar", tuple(p[0] for p in pairs),
                      (Series(ind.name, tuple(p[1] for p in pairs)),), layout.unit or ind.unit, ind.decimals)


def shares_chart(edition: Edition, layout: SharesChart, records: RecordSet, years: Years) -> ChartModel:
    """A record field summed by 专业大类, largest first."""
    groups = [(name, sum((r.get(layout.fields[0]) or Decimal(0) for r in rows), Decimal(0)))  # type: ignore[misc]
              for name, rows in share_groups(edition, "category", records)]
    groups.sort(key=lambda g: -g[1])
    spec = records.sheet.field(layout.fields[0])
    return ChartModel(layout.id, years.fill(layout.title), "hbar", tuple(g[0] for g in groups),
                      (Series(spec.label, tuple(g[1] for g in groups)),), layout.unit or spec.unit, 0)
