"""Assemble the whole report model from a loaded workbook: titles, sections, tables, cases. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vqr_author.compute.records import RecordSet, compute_record_set
from vqr_author.compute.tables import TableModel, Years, indicator_table, record_table
from vqr_author.compute.values import IndicatorValue, compute_indicators
from vqr_author.edition.model import Edition, Section, TableLayout
from vqr_author.workbook.model import Case, Paragraph, SchoolWorkbook


@dataclass(frozen=True)
class CaseBlock:
    case: Case
    figure_number: int | None  # 图 N of its photo, numbered in document order


@dataclass(frozen=True)
class SectionContent:
    section: Section
    heading: str
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[TableModel, ...]
    cases: tuple[CaseBlock, ...]


@dataclass(frozen=True)
class Report:
    edition: Edition
    title: str
    unit_name: str
    years: Years
    cover: dict[str, str]
    declaration: str
    indicators: dict[str, IndicatorValue]
    records: dict[str, RecordSet]
    preface: SectionContent
    sections: tuple[SectionContent, ...]

    @property
    def tables(self) -> tuple[TableModel, ...]:
        return tuple(t for s in (self.preface, *self.sections) for t in s.tables)


def report_years(cover_year: str) -> Years:
    try:
        year = int(str(cover_year).strip().rstrip("年"))
    except ValueError:
        return Years(None, None)
    return Years(year - 1, year) if 1900 < year < 2200 else Years(None, None)


def report_title(edition: Edition, cover: Mapping[str, str]) -> str:
    explicit = cover.get("报告名称", "").strip()
    if explicit:
        return explicit
    return edition.report_title.format_map(_Defaults(cover))


class _Defaults(dict):
    """format_map helper: unknown or empty keys render as a visible placeholder, never crash."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__({k: v for k, v in values.items() if v})

    def __missing__(self, key: str) -> str:
        return f"【{key}】"


def heading(edition: Edition, section: Section) -> str:
    if section.front or section.code == section.title:
        return section.title
    fmt = edition.heading_formats.get(str(section.level), "{code} {title}")
    return fmt.format(code=section.code, title=section.title)


def build_report(
    edition: Edition, book: SchoolWorkbook, values: Mapping[str, IndicatorValue] | None = None
) -> Report:
    values = dict(values) if values is not None else compute_indicators(edition, book.indicators)
    cover = {key: book.cover_text(key) for key in book.cover}
    years = report_years(cover.get("报告年度", ""))
    records = {s.id: compute_record_set(s, book.records.get(s.id, ())) for s in edition.record_sheets}
    title = report_title(edition, cover)
    body_number = iter(range(1, 1000))
    figure_number = iter(range(1, 10000))

    def tables_for(ids: tuple[str, ...]) -> tuple[TableModel, ...]:
        built = []
        for table_id in ids:
            layout = edition.table(table_id)
            if layout.kind == "record" and not records[layout.sheet].rows:  # type: ignore[index]
                continue  # an empty list sheet gives no table (validation warns about it)
            number = layout.number if layout.is_annex else next(body_number)
            built.append(_table(layout, values, records, years, number))
        return tuple(built)

    def content(section: Section, table_ids: tuple[str, ...]) -> SectionContent:
        paragraphs = tuple(p for p in book.paragraphs if p.section == section.code)
        tables = tables_for(table_ids)
        cases = tuple(
            CaseBlock(c, next(figure_number) if c.image else None) for c in book.cases if c.section == section.code
        )
        return SectionContent(section, heading(edition, section), paragraphs, tables, cases)

    sections = []
    preface = None
    for section in edition.outline:
        if section.front:
            preface = content(section, edition.preface_tables + section.tables)
        else:
            sections.append(content(section, section.tables))
    if preface is None:
        preface = SectionContent(Section(code="前言", title="前言", front=True), "前言", (), (), ())
    unit_name = cover.get("单位名称", "")
    declaration = edition.declaration.format_map(_Defaults({**cover, "报告名称": title}))
    return Report(edition, title, unit_name, years, cover, declaration, values, records, preface, tuple(sections))


def _table(
    layout: TableLayout,
    values: Mapping[str, IndicatorValue],
    records: Mapping[str, RecordSet],
    years: Years,
    number: int,
) -> TableModel:
    if layout.kind == "record":
        return record_table(layout, records[layout.sheet], years, number)  # type: ignore[index]
    return indicator_table(layout, values, years, number)
