"""Tables as the report shows them: every cell's text decided here, from computed values only.

The renderer turns a TableModel into Word XML and decides nothing about numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Protocol

from vqr_author.compute.display import (
    DASH,
    format_change_amount,
    format_change_percent,
    format_points,
    format_value,
    indicator_text,
)
from vqr_author.compute.numbering import Number
from vqr_author.compute.numbers import apportion, total, year_change
from vqr_author.compute.records import RecordRow, RecordSet
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import (
    SCHOOLS_FIELD,
    ComparisonTable,
    Edition,
    PlainTable,
    GroupsTable,
    IndicatorTable,
    Kind,
    RecordColumn,
    RecordRows,
    RecordTable,
    SchoolsTable,
    SharesTable,
    SurveyTable,
    TableLayout,
    TableRow,
    annex_number,
)

if TYPE_CHECKING:
    from vqr_author.compute.aggregate import Coverage

Align = Literal["left", "center", "right"]


class SchoolLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def values(self) -> Mapping[str, IndicatorValue]: ...

    def cover(self, key: str) -> str: ...


@dataclass(frozen=True)
class Cell:
    text: str
    align: Align = "left"
    indent: int = 0
    bold: bool = False
    refs: frozenset[str] = frozenset()  # workbook cells behind the value (for --draft marks)
    merge_key: str | None = None  # consecutive cells of a column with the same key merge vertically


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class TableModel:
    id: str
    title: str
    annex: bool
    number: Number | None
    header: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None = None
    lead: str | None = None  # a sentence written before the table (e.g. the top-N ranking)
    annex_caption: str = "附表"  # the edition's word before an annex table's number

    @property
    def prefix(self) -> str:
        """The word before the number: 表, or the edition's word for annex tables."""
        return self.annex_caption if self.annex else "表"

    @property
    def sequence(self) -> str:
        """The SEQ field counting this table: annex tables apart from the body's whatever their word,
        so that Word's F9 counts 表 1 计分卡 after the body's 表 6 anew, as written."""
        return "附表" if self.annex else "表"

    @property
    def caption(self) -> str:
        return f"{self.prefix} {self.number} {self.title}" if self.number is not None else self.title


@dataclass(frozen=True)
class Years:
    last: int | None
    this: int | None

    def header(self, which: Literal["last", "this"]) -> str:
        year = getattr(self, which)
        return f"{year}年" if year is not None else ("上年" if which == "last" else "本年")

    def fill(self, text: str) -> str:
        return text.replace("{上年}", str(self.last or "上")).replace("{本年}", str(self.this or "本"))


def row_label(row: TableRow, previous: TableRow | None, name: str) -> str:
    """The first `其中` row under a top-level indicator is written "其中：…" (as in the national tables);
    rows under a label-only heading row are not."""
    if row.label:
        return row.label
    if row.indent == 1 and (previous is None or (previous.indent == 0 and previous.code is not None)):
        return f"其中：{name}"
    return name


def _years(layout: IndicatorTable) -> tuple[Literal["last", "this"], ...]:
    return ("this",) if isinstance(layout, PlainTable) and layout.years == "this" else ("last", "this")


def _extra_columns(layout: IndicatorTable) -> tuple[str, ...]:
    """The columns after the years: 增长量 | 增长率 for comparison tables, 调查方式 | 调查人次 for surveys."""
    if isinstance(layout, ComparisonTable):
        return (layout.headers.change, layout.headers.growth)
    return (layout.headers.method, layout.headers.respondents) if isinstance(layout, SurveyTable) else ()


@dataclass(frozen=True)
class _Shape:
    """Which columns an indicator table has before its years."""

    name: str | None  # a first column with the unit's name (院校名称)
    serial: bool
    groups: bool
    units: bool  # a 单位 column; else the unit is written into the label or the value

    @classmethod
    def of(cls, layout: IndicatorTable) -> _Shape:
        plain_table = isinstance(layout, PlainTable)
        return cls(layout.name_column if plain_table else None, plain_table and layout.serial,
                   any(r.group for r in layout.rows), layout.units == "column")


def _header(layout: IndicatorTable, shape: _Shape, years: Years, medians: bool) -> tuple[HeaderCell, ...]:
    h = layout.headers
    head = [HeaderCell(shape.name)] if shape.name else []
    # An empty 序号 or 类别 header: the 指标 header spans that column too.
    span = 1 + (shape.serial and not h.serial) + (shape.groups and not h.group)
    head += [HeaderCell(h.serial)] if shape.serial and h.serial else []
    head += [HeaderCell(h.group)] if shape.groups and h.group else []
    head.append(HeaderCell(h.indicator, colspan=span))
    head += [HeaderCell(h.unit)] if shape.units else []
    head += [HeaderCell(years.header(which)) for which in _years(layout)]
    head += [HeaderCell(text) for text in _extra_columns(layout)]
    head += [HeaderCell(f"{years.header('this')}{h.median}")] if medians else []
    return tuple(head)


def _unit_in_label(label: str, unit: str, kind: Kind, shape: _Shape, n_to_1: bool) -> str:
    """Without a 单位 column a unit is written after the name (全日制职高（人）), except % and n:1,
    which the value carries."""
    if shape.units or not unit or unit == "%" or (kind is Kind.RATIO and n_to_1):
        return label
    return f"{label}（{unit}）"


def _unit_in_value(text: str, unit: str, shape: _Shape) -> str:
    return f"{text}%" if not shape.units and unit == "%" and text != DASH else text


def _value_cell(v: IndicatorValue, which: Literal["last", "this"], shape: _Shape) -> Cell:
    ind = v.indicator
    align: Align = "center" if ind.kind is Kind.TEXT else "right"
    return Cell(_unit_in_value(indicator_text(getattr(v, which), ind), ind.unit, shape), align, refs=v.refs)


def _lead_cells(shape: _Shape, unit_name: str, serial: str, group: str | None) -> list[Cell]:
    cells = [Cell(unit_name, "center", merge_key=unit_name)] if shape.name else []
    cells += [Cell(serial, "center")] if shape.serial else []
    return cells + ([Cell(group or "", "center", merge_key=group)] if shape.groups else [])


def _record_rows(rows: RecordRows, records: RecordSet, shape: _Shape, unit_name: str) -> list[tuple[Cell, ...]]:
    """A comparison table's rows from a record sheet: each row's ``field`` against its ``compare``."""
    spec = records.sheet.field(rows.field)
    built = []
    for row in records.rows:
        last, this = row.get(rows.compare), row.get(rows.field)
        refs = row.refs.get(rows.field, frozenset()) | row.refs.get(rows.compare, frozenset())
        change = year_change(spec.kind, last, this, spec.decimals)  # type: ignore[arg-type]
        label = format_value(row.get(records.sheet.label_key), Kind.TEXT, 0)
        cells = [*_lead_cells(shape, unit_name, "", rows.group),
                 Cell(_unit_in_label(label, spec.unit, spec.kind, shape, True), indent=1 if rows.group is None else 0)]
        cells += [Cell(spec.unit or DASH, "center")] if shape.units else []
        cells += [Cell(_unit_in_value(format_value(value, spec.kind, spec.decimals), spec.unit, shape), "right", refs=refs)
                  for value in (last, this)]
        cells.append(Cell(format_change_amount(change, spec.kind, spec.decimals), "right", refs=refs))
        cells.append(Cell(format_change_percent(change), "right", refs=refs))
        built.append(tuple(cells))
    return built


def _indicator_rows(layout: IndicatorTable, values: Mapping[str, IndicatorValue], shape: _Shape,
                    medians: Mapping[str, Decimal | None] | None, records: Mapping[str, RecordSet],
                    unit_name: str) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    previous = None
    number = 0
    for r in layout.rows:
        if isinstance(r, RecordRows):
            rows += _record_rows(r, records[r.sheet], shape, unit_name)
            previous = None
            continue
        number += r.indent == 0
        cells = _lead_cells(shape, unit_name, str(number) if r.indent == 0 else "", r.group)
        if r.code is None:  # a label-only row: a heading inside the table
            cells.append(Cell(r.label or "", indent=r.indent))
            columns = shape.units + len(_years(layout)) + len(_extra_columns(layout)) + (medians is not None)
            cells += [Cell(DASH, "center") for _ in range(columns)]
            rows.append(tuple(cells))
            previous = r
            continue
        v = values[r.code]
        ind = v.indicator
        cells.append(Cell(_unit_in_label(row_label(r, previous, ind.name), ind.unit, ind.kind, shape, ind.shows_n_to_1),
                          indent=r.indent))
        cells += [Cell(ind.unit or DASH, "center")] if shape.units else []
        cells += [_value_cell(v, which, shape) for which in _years(layout)]
        if isinstance(layout, ComparisonTable):
            cells.append(Cell(format_change_amount(v.change, ind.kind, ind.decimals), "right", refs=v.refs))
            cells.append(Cell(format_change_percent(v.change), "right", refs=v.refs))
        elif isinstance(layout, SurveyTable):
            cells.append(_value_cell(values[r.method], "this", shape) if r.method else Cell(DASH, "center"))
            cells.append(_value_cell(values[r.respondents], "this", shape) if r.respondents else Cell(DASH, "center"))
        if medians is not None:
            cells.append(Cell(indicator_text(medians.get(r.code), ind), "right"))
        rows.append(tuple(cells))
        previous = r
    return rows


def indicator_table(layout: IndicatorTable, values: Mapping[str, IndicatorValue], years: Years, *,
                    medians: Mapping[str, Decimal | None] | None = None, records: Mapping[str, RecordSet] | None = None,
                    unit_name: str = "", annex_caption: str) -> TableModel:
    """Rows of indicators (and of record sheets, in a comparison table); ``medians`` (aggregates of a
    plain table with ``medians``) adds a last column with the median of the schools' own values;
    ``unit_name`` fills a ``name_column``; an annex table is captioned ``annex_caption`` N."""
    shape = _Shape.of(layout)
    annex = annex_number(layout)
    return TableModel(
        id=layout.id,
        title=years.fill(layout.title),
        annex=annex is not None,
        number=Number(annex) if annex is not None else None,
        header=(_header(layout, shape, years, medians is not None),),
        rows=tuple(_indicator_rows(layout, values, shape, medians, records or {}, unit_name)),
        note=layout.note,
        annex_caption=annex_caption,
    )


def _record_cells(col: RecordColumn, records: RecordSet, row: RecordRow, bold: bool) -> list[Cell]:
    if col.field == SCHOOLS_FIELD:
        return [Cell(format_value(row.get(SCHOOLS_FIELD), Kind.COUNT, 0), "right", bold=bold)]
    spec = records.sheet.field(col.field)
    refs = row.refs.get(col.field, frozenset())
    this = row.get(col.field)
    align: Align = "left" if spec.kind is Kind.TEXT else "right"
    shown = format_value(this, spec.kind, spec.decimals)
    if spec.kind is Kind.TEXT and this is None and bold:
        shown = ""  # text of the 合计 row (备注) has no total: blank, not "no data"
    this_cell = Cell(shown, align, bold=bold, refs=refs)
    if col.compare is None:
        return [this_cell]
    last = row.get(col.compare)
    last_refs = row.refs.get(col.compare, frozenset())
    change = year_change(spec.kind, last, this, spec.decimals)  # type: ignore[arg-type]
    change_text = format_points(change, spec.decimals) if spec.kind.is_percentage else format_change_percent(change)
    return [
        Cell(format_value(last, spec.kind, spec.decimals), "right", bold=bold, refs=last_refs),
        this_cell,
        Cell(change_text, "right", bold=bold, refs=refs | last_refs),
    ]


def record_table(layout: RecordTable, records: RecordSet, years: Years) -> TableModel:
    top: list[HeaderCell] = []
    sub: list[HeaderCell] = []
    grouped = any(c.compare for c in layout.columns)
    points = []  # rate columns whose 变化 is in 百分点: said once in the note, which keeps the header narrow
    for col in layout.columns:
        if col.compare is None:
            top.append(HeaderCell(col.header, rowspan=2 if grouped else 1))
            continue
        spec = records.sheet.field(col.field)
        change = "变化" if spec.kind.is_percentage else "增长率"
        if spec.kind.is_percentage:
            points.append(_bare(col.header))
        top.append(HeaderCell(col.header, colspan=3))
        sub += [HeaderCell(years.header("last")), HeaderCell(years.header("this")), HeaderCell(change)]
    rows = []
    for row in records.rows:
        rows.append(tuple(c for col in layout.columns for c in _record_cells(col, records, row, False)))
    if layout.total_label and records.rows:
        cells = [c for col in layout.columns for c in _record_cells(col, records, records.totals, True)]
        cells[0] = Cell(layout.total_label, "center", bold=True)
        rows.append(tuple(cells))
    header = (tuple(top), tuple(sub)) if grouped else (tuple(top),)
    return TableModel(
        id=layout.id,
        title=years.fill(layout.title),
        annex=False,
        number=None,
        header=header,
        rows=tuple(rows),
        note=" ".join(n for n in (layout.note, _points_note(points), _unpooled_note(layout, records)) if n) or None,
    )


def _unpooled_note(layout: RecordTable, records: RecordSet) -> str | None:
    """Why the 合计 row has no 上年 value where the rows have one: last year's values are typed per
    row (rates, averages) without last year's counts to weight them by, so they cannot be pooled."""
    if not layout.total_label or not records.rows:
        return None
    names = [_bare(c.header) for c in layout.columns if c.compare and records.totals.get(c.compare) is None
             and any(r.get(c.compare) is not None for r in records.rows)]
    return (f"合计行不计算{'、'.join(names)}的上年值和变化（记为“—”）：各行的上年值是直接填写的比率或平均数，"
            "没有上年的人数作为权数，无法合并计算。") if names else None


def _bare(header: str) -> str:
    """A column header without its bracketed unit: 就业率（%） → 就业率."""
    return header.split("（")[0].split("(")[0]


def _points_note(names: Sequence[str]) -> str | None:
    return f"{'、'.join(names)}的“变化”为本年与上年之差，单位为百分点。" if names else None


# ---------------------------------------------------------------------------------------------
# District and city tables
def indicator_header(edition: Edition, code: str) -> str:
    ind = edition.indicator(code)
    return ind.name if ind.kind is Kind.RATIO or not ind.unit else f"{ind.name}（{ind.unit}）"


def _this_year_cells(edition: Edition, codes: tuple[str, ...], values: Mapping[str, IndicatorValue],
                     bold: bool = False) -> list[Cell]:
    cells = []
    for code in codes:
        ind = edition.indicator(code)
        cells.append(Cell(indicator_text(values[code].this, ind), "right", bold=bold))
    return cells


def schools_table(
    edition: Edition, layout: SchoolsTable, schools: Sequence[SchoolLike], totals: Mapping[str, IndicatorValue],
    years: Years,
) -> TableModel:
    """A row per school (its own values) and a 合计 row (the pooled aggregate)."""
    head = ["学校", *layout.cover_columns, *(indicator_header(edition, c) for c in layout.indicators)]
    rows = [
        (Cell(s.name), *(Cell(s.cover(key) or DASH, "center") for key in layout.cover_columns),
         *_this_year_cells(edition, layout.indicators, s.values))
        for s in schools
    ]
    if layout.total_label:
        rows.append((Cell(f"{layout.total_label}（{len(schools)} 所）", "center", bold=True),
                     *(Cell("", "center") for _ in layout.cover_columns),
                     *_this_year_cells(edition, layout.indicators, totals, bold=True)))
    return TableModel(layout.id, years.fill(layout.title), False, None, (tuple(HeaderCell(h) for h in head),),
                      tuple(rows), note=layout.note)


def groups_table(
    edition: Edition, layout: GroupsTable, groups: Mapping[str, tuple[int, Mapping[str, IndicatorValue]]],
    schools: int, totals: Mapping[str, IndicatorValue], years: Years,
) -> TableModel:
    """A row per group of schools (公办/民办, 区县): the group's own aggregate."""
    choices = next((f.choices for f in edition.cover_fields if f.key == layout.by and f.choices), ())
    order = sorted(groups, key=lambda g: (choices.index(g) if g in choices else len(choices), g))
    head = [layout.by, "学校数（所）", *(indicator_header(edition, c) for c in layout.indicators)]
    rows = [
        (Cell(name, "center"), Cell(str(groups[name][0]), "right"),
         *_this_year_cells(edition, layout.indicators, groups[name][1]))
        for name in order
    ]
    if layout.total_label:
        rows.append((Cell(layout.total_label, "center", bold=True), Cell(str(schools), "right", bold=True),
                     *_this_year_cells(edition, layout.indicators, totals, bold=True)))
    return TableModel(layout.id, years.fill(layout.title), False, None, (tuple(HeaderCell(h) for h in head),),
                      tuple(rows), note=layout.note)


def share_groups(edition: Edition, by: str, records: RecordSet) -> list[tuple[str, list[RecordRow]]]:
    """Rows of a record sheet grouped by the category of their code (the edition's catalogue) or by
    the code itself (rows without a code by their label)."""
    sheet = records.sheet
    groups: dict[str, list[RecordRow]] = {}
    for row in records.rows:
        code = str(row.get(sheet.group_by) or "")
        if by == "category" and edition.catalogue is not None:
            key = edition.catalogue.category(code)
        else:
            key = code or str(row.get(sheet.label_key) or "")
        groups.setdefault(key, []).append(row)
    return list(groups.items())


def _number(value: Decimal | str | None) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def shares_table(edition: Edition, layout: SharesTable, records: RecordSet, years: Years) -> TableModel:
    """``layout.field`` summed by category or by code, sorted, with shares that add up to exactly
    100%, and the top-N sentence written before the table."""
    sheet = records.sheet
    catalogue = edition.catalogue
    by_category = layout.by == "category"
    spec = sheet.field(layout.field)
    unit = f"（{spec.unit}）" if spec.unit else ""
    groups = []
    for key, members in share_groups(edition, layout.by, records):
        value = total(_number(r.get(layout.field)) for r in members) or Decimal(0)
        outside = catalogue is not None and any(catalogue.is_outside(str(r.get(sheet.group_by) or "")) for r in members)
        name = key if by_category else str(members[0].get(sheet.label_key) or key)
        schools = total(_number(r.get(SCHOOLS_FIELD)) for r in members)
        groups.append((name, key, value, outside, schools))
    groups.sort(key=lambda g: (-g[2], g[1]))
    shares = apportion([g[2] for g in groups], layout.decimals)
    schools_header = None if by_category else layout.schools_header
    if by_category:
        head = ["序号", catalogue.category_label if catalogue else sheet.field(sheet.group_by).label]
    else:
        head = ["序号", sheet.field(sheet.group_by).label, sheet.field(sheet.label_key).label]
        head += [schools_header] if schools_header is not None else []
    head += [f"{spec.label}{unit}", "占比（%）"]
    mark = "" if catalogue is None else catalogue.outside_in_group_mark if by_category else catalogue.outside_mark
    rows = []
    for i, ((name, key, value, outside, schools), share) in enumerate(zip(groups, shares), start=1):
        label = Cell(name + (mark if outside else ""))
        cells = [Cell(str(i), "center"), label] if by_category else [Cell(str(i), "center"), Cell(key, "center"), label]
        if schools_header is not None:
            cells.append(Cell(format_value(schools, Kind.COUNT, 0), "right"))
        rows.append((*cells, Cell(format_value(value, spec.kind, spec.decimals), "right"),
                     Cell(format_value(share, Kind.SHARE, layout.decimals), "right")))
    whole = sum((g[2] for g in groups), Decimal(0))
    filler = [Cell("")] * (len(head) - 3)
    rows.append((Cell("合计", "center", bold=True), *filler, Cell(format_value(whole, spec.kind, spec.decimals), "right", bold=True),
                 Cell(format_value(sum(shares, Decimal(0)), Kind.SHARE, layout.decimals), "right", bold=True)))
    lead = None
    if layout.lead and layout.top and groups:
        n = min(layout.top, len(groups))
        names = "、".join(g[0] for g in groups[:n])
        lead = layout.lead.format(n=n, names=names, share=format_value(sum(shares[:n], Decimal(0)), Kind.SHARE, layout.decimals))
    return TableModel(layout.id, years.fill(layout.title), False, None, (tuple(HeaderCell(h) for h in head),),
                      tuple(rows), note=layout.note, lead=lead)


# How a value that does not cover every school is described: per basis, for tables with both years
# and for tables with this year only (各学校、分组主要指标).
_COVERAGE = {
    "pooled": ("{names}按填报了全部所需数据的学校合并计算（本年 {this} 所、上年 {last} 所）",
               "{names}按填报了全部所需数据的 {this} 所学校合并计算（共 {schools} 所学校）"),
    "sum": ("{names}为填报了该项的学校合计（本年 {this} 所、上年 {last} 所）",
            "{names}为填报了该项的 {this} 所学校合计（共 {schools} 所学校）"),
    "text": ("{names}仅列填报了该项的学校（本年 {this} 所、上年 {last} 所）",
             "{names}仅列填报了该项的 {this} 所学校（共 {schools} 所学校）"),
}


def coverage_note(edition: Edition, layout: TableLayout, coverage: Coverage) -> str | None:
    """Which values of the table stand for fewer schools than the report covers, and how many each
    was computed over; values without a change because their two years stand for different schools;
    typed rates that could not be combined.

    Indicator tables (both years): "共 N 所学校填报；…按填报了全部所需数据的学校合并计算（本年 a 所、上年 b 所）".
    Per-school and per-group tables (this year only): "…按填报了全部所需数据的 a 所学校合并计算（共 N 所学校）",
    and None when every value covers every school.
    """
    this_only = isinstance(layout, (SchoolsTable, GroupsTable))
    if isinstance(layout, (SchoolsTable, GroupsTable)):
        codes = list(layout.indicators)
    elif isinstance(layout, (RecordTable, SharesTable)):
        return None
    else:
        rows = layout.indicator_rows
        codes = list(dict.fromkeys([r.code for r in rows if r.code] + [r.respondents for r in rows if r.respondents]))
    partial: dict[tuple[str, int, int], list[str]] = {}
    for code in codes:
        if code in coverage.not_pooled:
            continue
        last, this = coverage.reported[code]
        if this_only:
            last = coverage.schools
        if min(last, this) < coverage.schools:
            ind = edition.indicator(code)
            basis = "pooled" if ind.is_pooled else "text" if ind.kind is Kind.TEXT else "sum"
            partial.setdefault((basis, this, last), []).append(edition.label(code))
    parts = [] if this_only else [f"共 {coverage.schools} 所学校填报"]
    for (basis, this, last), labels in partial.items():
        template = _COVERAGE[basis][1 if this_only else 0]
        parts.append(template.format(names="、".join(labels), this=this, last=last, schools=coverage.schools))
    if isinstance(layout, ComparisonTable):
        moved = [edition.label(c) for c in codes if c in coverage.not_comparable]
        if moved:
            parts.append("、".join(moved) + "上年与本年计入的学校不同，不计算增长量和增长率（记为“—”）")
    unpooled = [edition.label(c) for c in codes if c in coverage.not_pooled]
    if unpooled:
        parts.append("、".join(unpooled) + "没有各校共同的计算基数，不作合并（记为“—”）")
    if isinstance(layout, GroupsTable) and parts:
        parts.append("各组同样只计入填报了全部所需数据的学校")
    return "；".join(parts) + "。" if parts else None
