"""Assemble the whole report model: titles, sections, tables, cases. Pure.

A report is built from a ReportSource — what one level of report draws on. A school report draws on
its own workbook; a district or city report on its own workbook (封面, 正文, 案例) and the schools'
computed data (see compute.aggregate). The same builder serves all levels; the edition says which
tables each level shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from vqr_author.compute.aggregate import (
    Coverage,
    SchoolResult,
    aggregate_records,
    aggregate_values,
    compute_school,
    group_schools,
    medians,
)
from vqr_author.compute.charts import ChartModel, indicator_chart, record_chart, schools_chart, shares_chart
from vqr_author.compute.lists import list_table
from vqr_author.compute.numbering import Number, Numberer
from vqr_author.compute.records import RecordSet
from vqr_author.compute.series import History, build_history, series_chart, series_table
from vqr_author.compute.sentences import render_sentences
from vqr_author.compute.tables import (
    TableModel,
    Years,
    coverage_note,
    groups_table,
    indicator_table,
    record_table,
    schools_table,
    shares_table,
)
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import (
    ChartLayout,
    Edition,
    GroupsTable,
    IndicatorsChart,
    PlainTable,
    RecordChart,
    RecordTable,
    Role,
    SchoolsChart,
    SchoolsTable,
    Section,
    SharesChart,
    SharesTable,
    TableLayout,
)
from vqr_author.workbook.contract import SCHOOL
from vqr_author.workbook.model import Case, Paragraph, Record, ReportWorkbook


@dataclass(frozen=True)
class ReportSource:
    """What a report of one level draws on, computed."""

    level: str
    cover: dict[str, str]
    paragraphs: tuple[Paragraph, ...]
    cases: tuple[Case, ...]
    values: dict[str, IndicatorValue]
    records: dict[str, RecordSet]
    schools: tuple[SchoolResult, ...] = ()  # district and city reports: the schools they aggregate
    coverage: Coverage | None = None
    history: History | None = None  # district and city reports with earlier years' workbooks (--history)
    lists: Mapping[str, tuple[Record, ...]] = field(default_factory=dict)  # district and city: the office's lists


def school_source(edition: Edition, book: ReportWorkbook) -> ReportSource:
    school = compute_school(edition, book)
    cover = {key: book.cover_text(key) for key in book.cover}
    return ReportSource(SCHOOL, cover, book.paragraphs, book.cases, school.values, school.records)


def region_source(edition: Edition, region: ReportWorkbook, schools: Sequence[SchoolResult],
                  earlier: Mapping[int, Sequence[ReportWorkbook]] | None = None) -> ReportSource:
    """A district or city report: its own narrative and cases, then the schools' cases (with their
    names), and values aggregated over the schools; with ``earlier`` (school workbooks of earlier
    years, by year) the series over those years and this one."""
    schools = tuple(sorted(schools, key=lambda s: (s.code, s.name)))
    values, coverage = aggregate_values(edition, [s.book for s in schools])
    school_cases = tuple(replace(case, source=school.name) for school in schools for case in school.book.cases)
    cover = {key: region.cover_text(key) for key in region.cover}
    year = report_years(edition.cover_value(cover, "year", region.level)).this
    history = None
    if earlier and year is not None:
        history = build_history(edition, {**{y: books for y, books in earlier.items() if y < year},
                                          year: [s.book for s in schools]})
    return ReportSource(region.level, cover, region.paragraphs, region.cases + school_cases, values,
                        aggregate_records(edition, schools), schools, coverage,
                        history if history is not None and history.previous is not None else None, region.lists)


@dataclass(frozen=True)
class CaseBlock:
    case: Case
    number: Number  # the case's own number (案例 3-5), in document order
    figure_number: Number | None  # 图 N of its photo, numbered in document order with the charts
    marker: str  # the edition's case marker with the number filled in (【案例分享】, 案例 3-5 )

    @property
    def heading(self) -> str:
        """The case's title line, as the report and the 案例目录 write it."""
        return f"{self.marker}{self.case.title}" + (f"（{self.case.source}）" if self.case.source else "")


@dataclass(frozen=True)
class SectionContent:
    section: Section
    heading: str
    leads: tuple[str, ...]  # data sentences written from the computed values
    paragraphs: tuple[Paragraph, ...]  # the unit's own narrative
    tables: tuple[TableModel, ...]
    charts: tuple[ChartModel, ...]
    cases: tuple[CaseBlock, ...]


@dataclass(frozen=True)
class Report:
    edition: Edition
    level: str
    title: str
    unit_name: str
    years: Years
    cover: dict[str, str]
    declaration: str
    indicators: dict[str, IndicatorValue]
    records: dict[str, RecordSet]
    preface: SectionContent
    sections: tuple[SectionContent, ...]

    def cover_value(self, role: Role) -> str:
        """The 封面 value of the field playing ``role`` (publisher, url …) in this report's level."""
        return self.edition.cover_value(self.cover, role, self.level)

    @property
    def tables(self) -> tuple[TableModel, ...]:
        return tuple(t for s in (self.preface, *self.sections) for t in s.tables)

    @property
    def charts(self) -> tuple[ChartModel, ...]:
        return tuple(c for s in (self.preface, *self.sections) for c in s.charts)


def report_years(cover_year: str) -> Years:
    try:
        year = int(str(cover_year).strip().rstrip("年"))
    except ValueError:
        return Years(None, None)
    return Years(year - 1, year) if 1900 < year < 2200 else Years(None, None)


def report_title(edition: Edition, cover: Mapping[str, str], level: str = SCHOOL) -> str:
    explicit = edition.cover_value(cover, "title", level).strip()
    if explicit:
        return explicit
    return edition.report_titles[level].format_map(_Defaults(cover))


class _Defaults(dict):
    """format_map helper: unknown or empty keys render as a visible placeholder, never crash."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__({k: v for k, v in values.items() if v})

    def __missing__(self, key: str) -> str:
        return f"【{key}】"


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (outline numbers: 一、 （一）)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def heading(edition: Edition, section: Section) -> str:
    """The section's heading by the edition's format for its level: ``{code}`` the whole code (1.2),
    ``{n}`` its last number (2), ``{cn}`` that number in Chinese (二), ``{title}``."""
    if section.front or section.code == section.title:
        return section.title
    fmt = edition.heading_formats.get(str(section.level), "{code} {title}")
    last = section.code.rsplit(".", 1)[-1]
    n = int(last) if last.isdigit() else 0
    return fmt.format(code=section.code, title=section.title, n=last, cn=chinese_number(n) if n else last)


def build_report(edition: Edition, source: ReportSource) -> Report:
    years = report_years(edition.cover_value(source.cover, "year", source.level))
    title = report_title(edition, source.cover, source.level)
    table_numbers, figure_numbers, case_numbers = (Numberer(edition.numbering) for _ in range(3))

    def tables_for(section: Section, ids: tuple[str, ...]) -> tuple[TableModel, ...]:
        built = []
        for layout in edition.tables_for(source.level, ids):
            table = _table(edition, layout, source, years)
            if table is not None:
                built.append(table if table.number is not None else replace(table, number=table_numbers.next(section)))
        return tuple(built)

    school_covers = [{key: s.cover(key) for key in s.book.cover} for s in source.schools]

    def charts_for(section: Section) -> tuple[ChartModel, ...]:
        built = (_chart(edition, layout, source, years) for layout in edition.charts_for(source.level, section.charts))
        return tuple(replace(chart, number=figure_numbers.next(section)) for chart in built if chart and not chart.empty)

    def series_for(section: Section) -> tuple[tuple[TableModel, ...], tuple[ChartModel, ...]]:
        """The series placed in ``section`` (with history only): tables, then charts, numbered on."""
        if source.history is None:
            return (), ()
        layouts = [s for s in edition.series if s.section == section.code and source.level in s.levels]
        tables = tuple(replace(series_table(edition, s, source.history), number=table_numbers.next(section))
                       for s in layouts)
        drawn = (series_chart(edition, s, source.history) for s in layouts)
        return tables, tuple(replace(c, number=figure_numbers.next(section)) for c in drawn if c and not c.empty)

    def case_block(case: Case, section: Section) -> CaseBlock:
        number = case_numbers.next(section)
        return CaseBlock(case, number, figure_numbers.next(section) if case.image else None,
                         edition.case_marker.format(number=number))

    def lists_for(section: Section) -> tuple[TableModel, ...]:
        """The office's lists placed in ``section`` that have rows, numbered on."""
        built = (list_table(lst, source.lists.get(lst.id, ()), years) for lst in edition.lists_for(source.level)
                 if lst.section == section.code)
        return tuple(replace(table, number=table_numbers.next(section)) for table in built if table is not None)

    def content(section: Section, table_ids: tuple[str, ...]) -> SectionContent:
        leads = render_sentences(edition, source.level, section.code, source.values, years.this, school_covers,
                                 source.coverage, source.history)
        paragraphs = tuple(p for p in source.paragraphs if p.section == section.code)
        tables = tables_for(section, table_ids)
        charts = charts_for(section)
        tables += lists_for(section)  # numbered before the series that follow them
        series_tables, series_charts = series_for(section)
        tables, charts = tables + series_tables, charts + series_charts
        cases = tuple(case_block(c, section) for c in source.cases if c.section == section.code)
        return SectionContent(section, heading(edition, section), leads, paragraphs, tables, charts, cases)

    sections = []
    preface = None
    for section in edition.outline:
        if section.front:
            preface = content(section, edition.preface_tables + section.tables)
        else:
            sections.append(content(section, section.tables))
    if preface is None:
        preface = SectionContent(Section(code="前言", title="前言", front=True), "前言", (), (), (), (), ())
    unit_name = edition.cover_value(source.cover, "name", source.level)
    title_key = edition.cover_key("title", source.level)
    declaration = edition.declarations[source.level].format_map(_Defaults({**source.cover, **({title_key: title} if title_key else {})}))
    return Report(edition, source.level, title, unit_name, years, source.cover, declaration, source.values,
                  source.records, preface, tuple(sections))


def _chart(edition: Edition, layout: ChartLayout, source: ReportSource, years: Years) -> ChartModel | None:
    """The chart of ``layout`` for this source, or None when it has nothing to draw from."""
    match layout:
        case IndicatorsChart():
            return indicator_chart(edition, layout, source.values, years)
        case SchoolsChart():
            return schools_chart(edition, layout, source.schools, years) if source.schools else None
        case RecordChart():
            records = source.records[layout.sheet]
            return record_chart(layout, records, years) if records.rows else None
        case SharesChart():
            records = source.records[layout.sheet]
            return shares_chart(edition, layout, records, years) if records.rows else None


def _table(edition: Edition, layout: TableLayout, source: ReportSource, years: Years) -> TableModel | None:
    """The table of ``layout`` for this source, or None when there is nothing to show."""
    unit_name = edition.cover_value(source.cover, "name", source.level)
    match layout:
        case RecordTable():
            records = source.records[layout.sheet]
            return record_table(layout, records, years) if records.rows else None
        case SharesTable():
            records = source.records[layout.sheet]
            return shares_table(edition, layout, records, years) if records.rows else None
        case SchoolsTable():
            if not source.schools:
                return None
            table = schools_table(edition, layout, source.schools, source.values, years)
        case GroupsTable():
            if not source.schools:
                return None
            groups = {name: (len(members), aggregate_values(edition, [s.book for s in members])[0])
                      for name, members in group_schools(source.schools, layout.by).items()}
            table = groups_table(edition, layout, groups, len(source.schools), source.values, years)
        case PlainTable(medians=True) if source.schools:
            codes = [r.code for r in layout.rows if r.code is not None]
            table = indicator_table(layout, source.values, years, medians=medians(source.schools, codes),
                                    unit_name=unit_name, annex_caption=edition.annex_caption)
        case _:
            table = indicator_table(layout, source.values, years, records=source.records, unit_name=unit_name,
                                    annex_caption=edition.annex_caption)
    if source.coverage is not None:
        note = coverage_note(edition, layout, source.coverage)
        table = replace(table, note=" ".join(n for n in (table.note, note) if n) or None)
    return table
