"""Series over several years and the count of schools (``vqr aggregate --history``). Pure.

History is the school workbooks of earlier years, each year's set of workbooks saying that year by
its 报告年度; the report's own year is the current workbooks. Every year is pooled by
compute.aggregate.aggregate_values over that year's workbooks and their 本年 column — the same rules
as this year's aggregation (each value over exactly the schools that reported all of its inputs),
with the coverage kept per year. A workbook's 上年 column is never history: it is only checked
against the school's own workbook of that year (restated_last_year).

Schools are told apart by 学校代码, as everywhere in aggregation (compute.identity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vqr_author.compute.aggregate import Coverage, aggregate_values
from vqr_author.compute.charts import ChartModel, rounded_series
from vqr_author.compute.display import DASH, format_value
from vqr_author.compute.tables import Cell, HeaderCell, TableModel
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Edition, IndicatorsSeries, Kind, SchoolsSeries, SeriesLayout
from vqr_author.problems import Problem, warning
from vqr_author.workbook.model import ReportWorkbook


def school_key(edition: Edition, book: ReportWorkbook) -> str:
    """How a school is recognised from year to year: its code (学校代码; its file name when it has none)."""
    return book.cover_text(edition.cover_key("code")) or f"（{book.path.name}）"


def school_name(edition: Edition, book: ReportWorkbook) -> str:
    return book.cover_text(edition.cover_key("name")) or book.path.stem


@dataclass(frozen=True)
class YearOfSchools:
    """One year of the series: its schools (学校代码 → 单位名称) and their pooled 本年 values."""

    year: int
    schools: dict[str, str]
    values: dict[str, IndicatorValue]  # only ``this`` belongs to the year
    coverage: Coverage

    def value(self, code: str) -> IndicatorValue:
        return self.values[code]

    def covered(self, code: str) -> int:
        """How many schools the year's value of ``code`` was computed over."""
        return self.coverage.reported[code][1]


@dataclass(frozen=True)
class History:
    """Every year found, oldest first; the last is the report's own year."""

    years: tuple[YearOfSchools, ...]

    @property
    def current(self) -> YearOfSchools:
        return self.years[-1]

    @property
    def previous(self) -> YearOfSchools | None:
        """The latest earlier year found (usually last year)."""
        return self.years[-2] if len(self.years) > 1 else None

    def count_change(self, index: int) -> int | None:
        """How many schools more (negative: fewer) year ``index`` has than the year before it."""
        return None if index == 0 else len(self.years[index].schools) - len(self.years[index - 1].schools)

    def changes(self, index: int) -> tuple[list[str], list[str]]:
        """The schools of year ``index`` that the year before it did not have (new), and those of
        the year before that it does not have (gone), by name."""
        if index == 0:
            return [], []
        now, before = self.years[index].schools, self.years[index - 1].schools
        return [now[k] for k in now if k not in before], [before[k] for k in before if k not in now]


def build_history(edition: Edition, books_by_year: Mapping[int, Sequence[ReportWorkbook]]) -> History:
    """Each year's schools and values, pooled by the rules of this year's aggregation."""
    years = []
    for year in sorted(books_by_year):
        books = sorted(books_by_year[year], key=lambda b: (school_key(edition, b), school_name(edition, b)))
        values, coverage = aggregate_values(edition, books)
        years.append(YearOfSchools(year, {school_key(edition, b): school_name(edition, b) for b in books}, values, coverage))
    return History(tuple(years))


def _fill(title: str, history: History) -> str:
    return title.replace("{首年}", str(history.years[0].year)).replace("{本年}", str(history.current.year))


def _schools_differ(history: History) -> bool:
    return len({frozenset(y.schools) for y in history.years}) > 1


def series_table(edition: Edition, layout: SeriesLayout, history: History) -> TableModel:
    """A row per indicator, a column per year; the first row says how many schools each year covers,
    the note which values stand for fewer of them."""
    if isinstance(layout, SchoolsSeries):
        return schools_table(edition, layout, history)
    words = layout.headers
    head = [words.indicator, words.unit, *(f"{y.year}年" for y in history.years)]
    rows = [(Cell(words.schools), Cell(words.schools_unit, "center"),
             *(Cell(str(len(y.schools)), "right") for y in history.years))]
    partial, unpooled = [], []
    for code in layout.indicators:
        ind = edition.indicator(code)
        cells = [Cell(format_value(y.value(code).this, ind.kind, ind.decimals), "right") for y in history.years]
        rows.append((Cell(edition.label(code)), Cell(ind.unit or DASH, "center"), *cells))
        if code in history.current.coverage.not_pooled:
            unpooled.append(edition.label(code))
            continue
        short = [f"{y.year}年 {y.covered(code)} 所" for y in history.years if y.covered(code) < len(y.schools)]
        if short:
            basis = "按填报了全部所需数据的学校合并计算" if ind.is_pooled else "为填报了该项的学校合计"
            partial.append(f"{edition.label(code)}{basis}（{'、'.join(short)}）")
    notes = ["各年数值按该年度各校填报表的“本年”数据汇总，汇总规则与本年相同", *partial]
    if unpooled:
        notes.append("、".join(unpooled) + "没有各校共同的计算基数，不作合并（记为“—”）")
    if _schools_differ(history):
        notes.append("各年汇总的学校不完全相同，年度之间的差异包含学校增减的影响；本报告其他表格和文字中的上年数，"
                     f"是本年 {len(history.current.schools)} 所学校填报的上年数据（同一批学校前后比较），"
                     "因此可能与本表中上一年度的数值不同")
    return TableModel(layout.id, _fill(layout.title, history), False, None, (tuple(HeaderCell(h) for h in head),),
                      tuple(rows), note="；".join(notes) + "。")


def schools_table(edition: Edition, layout: SchoolsSeries, history: History) -> TableModel:
    """The number of schools each year, the change from the year before, and which schools are new
    and which are gone."""
    words = layout.headers
    head = [words.year, words.count, words.change, words.new, words.gone]
    rows = []
    for i, year in enumerate(history.years):
        new, gone = history.changes(i)
        change = history.count_change(i)
        rows.append((Cell(f"{year.year}年", "center"), Cell(str(len(year.schools)), "right"),
                     Cell(DASH if change is None else _signed(change), "right"),
                     Cell("、".join(new) or DASH), Cell("、".join(gone) or DASH)))
    note = f"学校以{edition.cover_key('code')}识别；“{words.gone}”指上一年度有填报表、该年度没有填报表的学校。"
    return TableModel(layout.id, _fill(layout.title, history), False, None, (tuple(HeaderCell(h) for h in head),),
                      tuple(rows), note=note)


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def series_chart(edition: Edition, layout: SeriesLayout, history: History) -> ChartModel | None:
    """The chart of a series: the years as categories, an indicator per series (one unit)."""
    if not isinstance(layout, IndicatorsSeries) or layout.chart is None:
        return None
    inds = [edition.indicator(code) for code in layout.chart.indicators]
    series = tuple(rounded_series(edition.label(i.code), [y.value(i.code).this for y in history.years], i.decimals)
                   for i in inds)
    return ChartModel(f"{layout.id}_chart", _fill(layout.chart.title, history), "bar",
                      tuple(f"{y.year}年" for y in history.years), series, inds[0].unit, inds[0].decimals)


def restated_last_year(edition: Edition, book: ReportWorkbook, file: str, earlier: ReportWorkbook,
                       earlier_file: str) -> list[Problem]:
    """A warning for every 上年 value of ``book`` that differs from the 本年 value of the same
    school's workbook of that year (``earlier``), naming both cells."""
    problems = []
    for ind in edition.input_indicators:
        if ind.kind is Kind.TEXT or ind.code not in book.indicators or ind.code not in earlier.indicators:
            continue
        said, was = book.indicators[ind.code].last, earlier.indicators[ind.code].this
        if said.number is None or was.number is None or said.number == was.number:
            continue
        year = earlier.cover_text(edition.cover_key("year"))
        problems.append(warning(
            "last-year-differs",
            f"{edition.label(ind.code)}的上年值（{said.ref}）是 {said.number}，而该校 {year} 年度填报表“{earlier_file}”"
            f"中的本年值（{was.ref}）是 {was.number}。请核实哪一个正确：上年值应与上年度报告一致，如上年度的数据有更正，请在正文中说明。",
            sheet=said.sheet, cell=said.cell, indicator=ind.code, file=file,
        ))
    return problems
