"""Tables as the report shows them: every cell's text decided here, from computed values only.

The renderer turns a TableModel into Word XML and decides nothing about numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vqr_author.compute.display import (
    DASH,
    format_change_amount,
    format_change_percent,
    format_points,
    format_value,
)
from vqr_author.compute.numbers import year_change
from vqr_author.compute.records import RecordRow, RecordSet
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Kind, RecordColumn, TableLayout, TableRow

Align = Literal["left", "center", "right"]


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
    number: int | None
    header: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None = None

    @property
    def caption(self) -> str:
        prefix = "附表" if self.annex else "表"
        return f"{prefix} {self.number} {self.title}" if self.number is not None else self.title


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
    """The first `其中` row under a top-level row is written "其中：…" (as in the national tables)."""
    if row.label:
        return row.label
    if row.indent == 1 and (previous is None or previous.indent == 0):
        return f"其中：{name}"
    return name


def _value_cell(v: IndicatorValue, which: Literal["last", "this"]) -> Cell:
    ind = v.indicator
    align: Align = "center" if ind.kind is Kind.TEXT else "right"
    return Cell(format_value(getattr(v, which), ind.kind, ind.decimals), align, refs=v.refs)


def _indicator_rows(layout: TableLayout, values: Mapping[str, IndicatorValue]) -> list[tuple[Cell, ...]]:
    has_groups = any(r.group for r in layout.rows)
    rows = []
    previous = None
    for r in layout.rows:
        v = values[r.code]
        ind = v.indicator
        cells: list[Cell] = []
        if has_groups:
            cells.append(Cell(r.group or "", "center", merge_key=r.group))
        cells.append(Cell(row_label(r, previous, ind.name), indent=r.indent))
        cells.append(Cell(ind.unit or DASH, "center"))
        cells.append(_value_cell(v, "last"))
        cells.append(_value_cell(v, "this"))
        if layout.kind == "comparison":
            cells.append(Cell(format_change_amount(v.change, ind.kind, ind.decimals), "right", refs=v.refs))
            cells.append(Cell(format_change_percent(v.change), "right", refs=v.refs))
        elif layout.kind == "survey":
            cells.append(_value_cell(values[r.method], "this") if r.method else Cell(DASH, "center"))
            cells.append(_value_cell(values[r.respondents], "this") if r.respondents else Cell(DASH, "center"))
        rows.append(tuple(cells))
        previous = r
    return rows


def indicator_table(
    layout: TableLayout, values: Mapping[str, IndicatorValue], years: Years, number: int
) -> TableModel:
    has_groups = any(r.group for r in layout.rows)
    head = ["指标", "单位", years.header("last"), years.header("this")]
    if layout.kind == "comparison":
        head += ["增长量", "增长率"]
    elif layout.kind == "survey":
        head += ["调查方式", "调查人次"]
    if has_groups:
        head.insert(0, "类别")
    return TableModel(
        id=layout.id,
        title=years.fill(layout.title),
        annex=layout.is_annex,
        number=number,
        header=(tuple(HeaderCell(h) for h in head),),
        rows=tuple(_indicator_rows(layout, values)),
        note=layout.note,
    )


def _record_cells(col: RecordColumn, records: RecordSet, row: RecordRow, bold: bool) -> list[Cell]:
    spec = records.sheet.field(col.field)
    refs = row.refs.get(col.field, frozenset())
    this = row.get(col.field)
    align: Align = "left" if spec.kind is Kind.TEXT else "right"
    this_cell = Cell(format_value(this, spec.kind, spec.decimals), align, bold=bold, refs=refs)
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


def record_table(layout: TableLayout, records: RecordSet, years: Years, number: int) -> TableModel:
    top: list[HeaderCell] = []
    sub: list[HeaderCell] = []
    grouped = any(c.compare for c in layout.columns)
    for col in layout.columns:
        if col.compare is None:
            top.append(HeaderCell(col.header, rowspan=2 if grouped else 1))
            continue
        spec = records.sheet.field(col.field)
        change = "变化（百分点）" if spec.kind.is_percentage else "增长率"
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
        number=number,
        header=header,
        rows=tuple(rows),
        note=layout.note,
    )
