"""Typed model of an edition file: the specification of what a report contains.

Every cross-reference inside the file (parents, formulas, table rows, outline tables) is checked when
the edition is loaded, so a broken edition fails at start-up with a message naming the bad entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from enum import Enum
from pathlib import Path
from typing import Literal

from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from vqr_author.edition.templates import check_sentence


class Kind(str, Enum):
    """How a value is counted, shown and compared with last year (REPORTS.md §5)."""

    COUNT = "count"
    AMOUNT = "amount"
    RATE = "rate"
    SHARE = "share"
    RATIO = "ratio"
    PER_STUDENT = "per_student"
    TEXT = "text"

    @property
    def is_numeric(self) -> bool:
        return self is not Kind.TEXT

    @property
    def is_percentage(self) -> bool:
        """Rates and shares are compared in 百分点, never by a relative %."""
        return self in (Kind.RATE, Kind.SHARE)


DEFAULT_DECIMALS = {
    Kind.COUNT: 0,
    Kind.AMOUNT: 2,
    Kind.RATE: 2,
    Kind.SHARE: 2,
    Kind.RATIO: 1,
    Kind.PER_STUDENT: 2,
    Kind.TEXT: 0,
}

Parts = Literal["exhaustive", "disjoint", "subset", "detail"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Formula(_Strict):
    """A derived value: sum(numerator) × scale ÷ denominator."""

    numerator: tuple[str, ...]
    denominator: str
    scale: float = 1

    @property
    def inputs(self) -> tuple[str, ...]:
        return (*self.numerator, self.denominator)


class Indicator(_Strict):
    code: str
    group: str
    name: str
    unit: str
    kind: Kind
    parent: str | None = None
    parts: Parts | None = None
    formula: Formula | None = None
    range: tuple[float, float] | None = None
    decimals_override: int | None = Field(default=None, alias="decimals")
    required: bool = False
    hint: str = ""
    pooled_by: str | None = None
    previous_codes: tuple[str, ...] = ()  # codes this indicator had in earlier editions (vqr init --from)

    @property
    def is_derived(self) -> bool:
        return self.formula is not None

    @property
    def is_pooled(self) -> bool:
        """Combined across schools from a base (a formula, or a weighted mean), not summed."""
        return self.is_derived or bool(self.pooled_by)

    @property
    def decimals(self) -> int:
        if self.decimals_override is not None:
            return self.decimals_override
        return DEFAULT_DECIMALS[self.kind]

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if (self.parent is None) != (self.parts is None):
            raise ValueError(f"指标 {self.code}：parent 与 parts 必须同时给出")
        if self.formula is not None and self.required:
            raise ValueError(f"指标 {self.code}：派生指标不能是必填项")
        return self


ALL_LEVELS = ("学校", "区县", "市")
SCHOOLS_FIELD = "schools"  # in aggregated record tables: how many schools a combined row comes from


class CoverField(_Strict):
    key: str
    levels: tuple[str, ...] = ALL_LEVELS
    required: bool = False
    hint: str = ""
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    kind: Literal["text", "year", "date"] = "text"  # date: a date cell reads 2025年1月; a bare number is refused


class RecordField(_Strict):
    key: str
    header: str
    kind: Kind
    unit: str = ""
    required: bool = False
    hint: str = ""
    pattern: str | None = None
    parent: str | None = None
    parts: Parts | None = None
    range: tuple[float, float] | None = None
    decimals_override: int | None = Field(default=None, alias="decimals")
    summable: bool = True  # False for averages typed per row (起薪): they have no plain total

    @property
    def decimals(self) -> int:
        return self.decimals_override if self.decimals_override is not None else DEFAULT_DECIMALS[self.kind]

    @property
    def label(self) -> str:
        return self.header


class DerivedField(_Strict):
    key: str
    name: str
    kind: Kind
    unit: str = ""
    formula: Formula

    @property
    def decimals(self) -> int:
        return DEFAULT_DECIMALS[self.kind]

    @property
    def label(self) -> str:
        return self.name


class TotalRule(_Strict):
    """How a record column is totalled when it is not a plain sum (e.g. a weighted mean)."""

    weighted_by: str


class CrossCheck(_Strict):
    """A record-sheet total (or row count) that must agree with an indicator's 本年 value."""

    indicator: str
    rule: Literal["equal"] = "equal"
    level: Literal["error", "warning"] = "error"
    field: str | None = None
    count_rows: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> CrossCheck:
        if (self.field is None) == (not self.count_rows):
            raise ValueError("核对规则必须给出 field 或 count_rows 之一")
        return self


class RecordSheet(_Strict):
    id: str
    sheet: str
    group_by: str  # rows of several schools with the same value here are combined in aggregates
    hint: str = ""
    fields: tuple[RecordField, ...]
    derived: tuple[DerivedField, ...] = ()
    totals: dict[str, TotalRule] = Field(default_factory=dict)
    checks: tuple[CrossCheck, ...] = ()

    def field(self, key: str) -> RecordField | DerivedField:
        for f in (*self.fields, *self.derived):
            if f.key == key:
                return f
        raise KeyError(key)


class Section(_Strict):
    code: str
    title: str
    front: bool = False
    tables: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()
    narrative: bool = True
    new_page: bool = False

    @property
    def level(self) -> int:
        """1 for chapters (``1``), 2 for sections (``1.1``); front matter and 附表 count as 1."""
        return self.code.count(".") + 1

    @property
    def label(self) -> str:
        """How the section is named in the workbook's 章节 column."""
        return self.title if self.code == self.title else f"{self.code} {self.title}"


class TableRow(_Strict):
    code: str
    indent: int = 0
    group: str | None = None
    label: str | None = None
    method: str | None = None
    respondents: str | None = None


class RecordColumn(_Strict):
    header: str
    field: str
    compare: str | None = None


class TableLayout(_Strict):
    """A table of the report. Kinds: comparison / annex / survey (indicator rows), record (rows of a
    record sheet), schools (a row per school), groups (a row per group of schools, ``by`` a cover
    field), shares (a record field summed ``by`` 专业大类 or 专业, with shares that add up to 100%)."""

    id: str
    kind: Literal["comparison", "annex", "survey", "record", "schools", "groups", "shares"]
    title: str
    levels: tuple[str, ...] = ALL_LEVELS
    number: int | None = None
    note: str | None = None
    rows: tuple[TableRow, ...] = ()
    sheet: str | None = None
    columns: tuple[RecordColumn, ...] = ()
    indicators: tuple[str, ...] = ()
    by: str | None = None
    field: str | None = None
    top: int | None = None
    lead: str | None = None
    total_label: str | None = None

    @property
    def is_annex(self) -> bool:
        return self.kind in ("annex", "survey")

    @model_validator(mode="after")
    def _shape(self) -> TableLayout:
        needs = {
            "record": ("sheet", "columns"),
            "schools": ("indicators",),
            "groups": ("indicators", "by"),
            "shares": ("sheet", "field", "by"),
        }.get(self.kind, ("rows",))
        missing = [name for name in needs if not getattr(self, name)]
        if missing:
            raise ValueError(f"表 {self.id}：{self.kind} 表必须给出 {'、'.join(missing)}")
        if self.kind == "shares" and self.by not in ("category", "major"):
            raise ValueError(f"表 {self.id}：shares 表的 by 只能是 category 或 major")
        if self.is_annex and self.number is None:
            raise ValueError(f"表 {self.id}：附表必须给出 number")
        return self


class ChartLayout(_Strict):
    """A chart (图 N). Kinds: indicators (bars per indicator; ``compare`` adds last year), record
    (bars per row of a record sheet, one series per field), schools (a bar per school),
    shares (a record field summed by 专业大类)."""

    id: str
    kind: Literal["indicators", "record", "schools", "shares"]
    title: str
    levels: tuple[str, ...] = ALL_LEVELS
    indicators: tuple[str, ...] = ()
    compare: bool = False
    short_labels: bool = False
    sheet: str | None = None
    fields: tuple[str, ...] = ()
    label_field: str | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> ChartLayout:
        needs = {"indicators": ("indicators",), "schools": ("indicators",), "record": ("sheet", "fields"),
                 "shares": ("sheet", "fields")}[self.kind]
        missing = [name for name in needs if not getattr(self, name)]
        if missing:
            raise ValueError(f"图 {self.id}：{self.kind} 图必须给出 {'、'.join(missing)}")
        return self


class SeriesChart(_Strict):
    title: str
    indicators: tuple[str, ...]


class SeriesLayout(_Strict):
    """A series over every year found (``vqr aggregate --history``), placed in outline ``section``.
    Kinds: indicators (a row per indicator, a column per year; with ``chart`` a chart of
    ``chart.indicators``, which share one unit), schools (the number of schools each year, and
    which are new and which are gone). District and city reports only; without history nothing
    is shown."""

    id: str
    kind: Literal["indicators", "schools"] = "indicators"
    section: str
    title: str  # {首年}, {本年}: the first and the last year shown
    indicators: tuple[str, ...] = ()
    chart: SeriesChart | None = None
    levels: tuple[str, ...] = ("区县", "市")

    @model_validator(mode="after")
    def _shape(self) -> SeriesLayout:
        if self.kind == "indicators" and not self.indicators:
            raise ValueError(f"序列 {self.id}：indicators 序列必须给出 indicators")
        if self.kind == "schools" and (self.indicators or self.chart):
            raise ValueError(f"序列 {self.id}：schools 序列不带 indicators 和 chart")
        return self


class Thresholds(_Strict):
    flat_percent: float = 1.0
    flat_points: float = 0.5
    yoy_warning_percent: float = 50
    yoy_warning_min_count: int = 20
    list_min_items: int = 5  # from this many tables / figures / cases a report gets a 表目录 / 图目录 / 案例目录
    wan_from: int = 100000
    yuan_wan_from: int = 100000  # sentences: amounts in 元 from this size are written in 万元 (482.40万元)


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Indicator]
    labels: dict[str, str]
    tables: dict[str, TableLayout]
    charts: dict[str, ChartLayout]
    sheets: dict[str, RecordSheet]
    sections: dict[str, Section]


class Edition(_Strict):
    id: str
    name: str
    school_type: str
    levels: tuple[str, ...]
    report_titles: dict[str, str]
    declarations: dict[str, str]
    publication_note: str = ""
    case_marker: str = "【案例分享】"
    thresholds: Thresholds = Thresholds()
    cover_fields: tuple[CoverField, ...]
    indicators: tuple[Indicator, ...]
    record_sheets: tuple[RecordSheet, ...] = ()
    outline: tuple[Section, ...]
    preface_tables: tuple[str, ...] = ()
    heading_formats: dict[str, str]
    tables: tuple[TableLayout, ...]
    charts: tuple[ChartLayout, ...] = ()
    major_categories: dict[str, str] = Field(default_factory=dict)
    outside_catalogue_suffix: str = "W"
    sentences: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    series: tuple[SeriesLayout, ...] = ()  # multi-year series of district and city reports (--history)

    _source: Path | None = PrivateAttr(default=None)

    @cached_property
    def _index(self) -> _Index:
        # Built once, then a plain attribute: lookups run thousands of times per report, and a
        # pydantic private attribute costs a __getattr__ call each time.
        by_code = {i.code: i for i in self.indicators}
        return _Index(by_code, _unambiguous_labels(self.indicators, by_code), {t.id: t for t in self.tables},
                      {c.id: c for c in self.charts}, {r.id: r for r in self.record_sheets},
                      {s.code: s for s in self.outline})

    @property
    def source(self) -> Path | None:
        """The edition file this edition was loaded from."""
        return self._source

    # ---- lookups -------------------------------------------------------------------------
    def indicator(self, code: str) -> Indicator:
        return self._index.by_code[code]

    def has_indicator(self, code: str) -> bool:
        return code in self._index.by_code

    def label(self, code: str) -> str:
        """The indicator's name, made unambiguous where the catalogue repeats it (国家级数量 …)."""
        return self._index.labels[code]

    @property
    def input_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if not i.is_derived)

    @property
    def derived_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.is_derived)

    def children(self, code: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.parent == code)

    def pooling_inputs(self, code: str) -> tuple[str, ...]:
        """The input indicators a school must have reported (that year) for its data to enter the
        aggregate of ``code`` — numerator and denominator alike (docs/aggregation.md):

        - a derived value: its formula's inputs; when every numerator is an ``exhaustive`` part of
          the denominator (高/中/初级职称 of 专任教师总数), all the exhaustive parts of that whole and
          the whole, so that the shares of one whole are pooled over one set of schools and add up
          to 100%;
        - a typed rate or average with ``pooled_by``: the value and its base;
        - anything else: itself.
        """
        ind = self.indicator(code)
        if ind.formula is not None:
            f = ind.formula
            if all(self.indicator(n).parent == f.denominator and self.indicator(n).parts == "exhaustive"
                   for n in f.numerator):
                parts = tuple(i.code for i in self.children(f.denominator) if i.parts == "exhaustive")
                return tuple(dict.fromkeys((*parts, f.denominator)))
            return tuple(dict.fromkeys(f.inputs))
        if ind.pooled_by:
            return (ind.code, ind.pooled_by)
        return (ind.code,)

    def table(self, table_id: str) -> TableLayout:
        return self._index.tables[table_id]

    def record_sheet(self, sheet_id: str) -> RecordSheet:
        return self._index.sheets[sheet_id]

    def section(self, code: str) -> Section:
        return self._index.sections[code]

    @property
    def narrative_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.outline if s.narrative)

    def cover_fields_for(self, level: str) -> tuple[CoverField, ...]:
        return tuple(f for f in self.cover_fields if level in f.levels)

    def tables_for(self, level: str, ids: tuple[str, ...]) -> tuple[TableLayout, ...]:
        return tuple(self._index.tables[i] for i in ids if level in self._index.tables[i].levels)

    def charts_for(self, level: str, ids: tuple[str, ...]) -> tuple[ChartLayout, ...]:
        return tuple(self._index.charts[i] for i in ids if level in self._index.charts[i].levels)

    # ---- integrity -----------------------------------------------------------------------
    @model_validator(mode="after")
    def _references_resolve(self) -> Edition:
        problems: list[str] = []
        derived = {i.code for i in self.indicators if i.is_derived}
        seen: set[str] = set()
        for code in (i.code for i in self.indicators):
            if code in seen:
                problems.append(f"指标代码重复：{code}")
            seen.add(code)
        for ind in self.indicators:
            if ind.parent and ind.parent not in seen:
                problems.append(f"指标 {ind.code} 的 parent {ind.parent} 不存在")
            if ind.formula:
                for ref in ind.formula.inputs:
                    if ref not in seen:
                        problems.append(f"指标 {ind.code} 的公式引用了不存在的指标 {ref}")
                    elif ref in derived:
                        problems.append(f"指标 {ind.code} 的公式引用了派生指标 {ref}（只能引用填报指标）")
        for ind in self.indicators:
            if ind.pooled_by and ind.pooled_by not in seen:
                problems.append(f"指标 {ind.code} 的 pooled_by {ind.pooled_by} 不存在")
        problems += _sentence_problems(self.sentences, seen, {s.code for s in self.outline})
        for level in self.levels:
            for what, mapping in (("report_titles", self.report_titles), ("declarations", self.declarations)):
                if level not in mapping:
                    problems.append(f"{what} 缺少层级“{level}”")
        table_ids = {t.id for t in self.tables}
        sheet_ids = {r.id for r in self.record_sheets}
        for table in self.tables:
            for ref in table.indicators:
                if ref not in seen:
                    problems.append(f"表 {table.id} 引用了不存在的指标 {ref}")
            if table.kind == "shares" and table.sheet not in sheet_ids:
                problems.append(f"表 {table.id} 引用了不存在的清单 {table.sheet}")
            for row in table.rows:
                for ref in (row.code, row.method, row.respondents):
                    if ref is not None and ref not in seen:
                        problems.append(f"表 {table.id} 引用了不存在的指标 {ref}")
            if table.kind == "record":
                if table.sheet not in sheet_ids:
                    problems.append(f"表 {table.id} 引用了不存在的清单 {table.sheet}")
                else:
                    sheet = next(r for r in self.record_sheets if r.id == table.sheet)
                    keys = {f.key for f in (*sheet.fields, *sheet.derived)} | {SCHOOLS_FIELD}
                    for col in table.columns:
                        for ref in (col.field, col.compare):
                            if ref is not None and ref not in keys:
                                problems.append(f"表 {table.id} 引用了清单 {sheet.id} 中不存在的列 {ref}")
        chart_ids = {c.id for c in self.charts}
        for section in self.outline:
            for ref in section.tables:
                if ref not in table_ids:
                    problems.append(f"章节 {section.code} 引用了不存在的表 {ref}")
            for ref in section.charts:
                if ref not in chart_ids:
                    problems.append(f"章节 {section.code} 引用了不存在的图 {ref}")
        for chart in self.charts:
            problems += [f"图 {chart.id} 引用了不存在的指标 {ref}" for ref in chart.indicators if ref not in seen]
            if chart.sheet is not None and chart.sheet not in sheet_ids:
                problems.append(f"图 {chart.id} 引用了不存在的清单 {chart.sheet}")
            elif chart.sheet is not None:
                sheet = next(r for r in self.record_sheets if r.id == chart.sheet)
                keys = {f.key for f in (*sheet.fields, *sheet.derived)}
                problems += [f"图 {chart.id} 引用了清单 {sheet.id} 中不存在的列 {ref}" for ref in chart.fields if ref not in keys]
        for ref in self.preface_tables:
            if ref not in table_ids:
                problems.append(f"前言引用了不存在的表 {ref}")
        for sheet in self.record_sheets:
            keys = {f.key for f in sheet.fields}
            for f in sheet.fields:
                if f.parent and f.parent not in keys:
                    problems.append(f"清单 {sheet.id} 的列 {f.key} 的 parent {f.parent} 不存在")
            for d in sheet.derived:
                for ref in d.formula.inputs:
                    if ref not in keys:
                        problems.append(f"清单 {sheet.id} 的派生列 {d.key} 引用了不存在的列 {ref}")
            for key, rule in sheet.totals.items():
                if key not in keys or rule.weighted_by not in keys:
                    problems.append(f"清单 {sheet.id} 的合计规则 {key} 引用了不存在的列")
            for check in sheet.checks:
                if check.indicator not in seen:
                    problems.append(f"清单 {sheet.id} 的核对规则引用了不存在的指标 {check.indicator}")
                if check.field is not None and check.field not in keys:
                    problems.append(f"清单 {sheet.id} 的核对规则引用了不存在的列 {check.field}")
        if problems:
            raise ValueError("；".join(problems))
        return self


    @model_validator(mode="after")
    def _series_resolve(self) -> Edition:
        """Series name indicators and sections that exist; a chart's indicators share one unit."""
        codes, sections = {i.code for i in self.indicators}, {s.code for s in self.outline}
        problems = []
        for series in self.series:
            if series.section not in sections:
                problems.append(f"序列 {series.id} 引用了不存在的章节 {series.section}")
            chart = series.chart.indicators if series.chart else ()
            problems += [f"序列 {series.id} 引用了不存在的指标 {c}" for c in (*series.indicators, *chart) if c not in codes]
            if chart and all(c in codes for c in chart) and len({self.indicator(c).unit for c in chart}) > 1:
                problems.append(f"序列 {series.id} 的图中各指标单位不同（一张图只能有一个数值轴）")
        if problems:
            raise ValueError("；".join(problems))
        return self


def _unambiguous_labels(indicators: tuple[Indicator, ...], by_code: dict[str, Indicator]) -> dict[str, str]:
    """Name; else name（unit）; else the parent's label · name — the first that is unique."""
    names = [i.name for i in indicators]
    with_unit = [f"{i.name}（{i.unit}）" for i in indicators]
    labels: dict[str, str] = {}

    def label(ind: Indicator) -> str:
        if ind.code not in labels:
            if names.count(ind.name) == 1:
                labels[ind.code] = ind.name
            elif with_unit.count(f"{ind.name}（{ind.unit}）") == 1:
                labels[ind.code] = f"{ind.name}（{ind.unit}）"
            elif ind.parent:
                labels[ind.code] = f"{label(by_code[ind.parent])}·{ind.name}"
            else:
                labels[ind.code] = f"{ind.name}（{ind.code}）"
        return labels[ind.code]

    for ind in indicators:
        label(ind)
    return labels


_CODE_ARGUMENT = re.compile(r"\b(?:q|n|change|growth)\(\s*['\"]([^'\"]+)['\"]")


def _sentence_problems(sentences: dict[str, dict[str, tuple[str, ...]]], codes: set[str], sections: set[str]) -> list[str]:
    """Sentence templates must parse and name only indicators and sections that exist."""
    problems = []
    for level, by_section in sentences.items():
        for section, templates in by_section.items():
            if section not in sections:
                problems.append(f"sentences.{level} 引用了不存在的章节 {section}")
            for text in templates:
                try:
                    check_sentence(text)
                except TemplateSyntaxError as exc:
                    problems.append(f"sentences.{level}.{section} 的句子“{text}”语法有误：{exc.message}")
                problems += [f"sentences.{level}.{section} 引用了不存在的指标 {code}"
                             for code in _CODE_ARGUMENT.findall(text) if code not in codes]
    return problems
