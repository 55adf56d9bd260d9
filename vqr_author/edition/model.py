"""Typed model of an edition file: the specification of what a report contains.

Every cross-reference inside the file (parents, formulas, table rows, outline tables) is checked when
the edition is loaded, so a broken edition fails at start-up with a message naming the bad entry.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

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
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on the first validation: an edition loaded from the cache (edition.loader) never needs the validators


class Formula(_Strict):
    """A derived value: sum(numerator) × scale ÷ denominator, each a sum of inputs, each input times
    its weight (default 1): 生师比 = 折合在校生数 ÷ (专任教师数 + 0.5 × 聘请校外教师数)."""

    numerator: tuple[str, ...]
    denominator: str | tuple[str, ...]
    scale: float = 1
    weights: dict[str, float] = Field(default_factory=dict)

    @property
    def denominators(self) -> tuple[str, ...]:
        return (self.denominator,) if isinstance(self.denominator, str) else self.denominator

    @property
    def whole(self) -> str | None:
        """The one input the denominator is, if it is a single unweighted input (a 总数 with parts)."""
        single = self.denominators[0] if len(self.denominators) == 1 else None
        return single if single is not None and single not in self.weights else None

    @property
    def inputs(self) -> tuple[str, ...]:
        return (*self.numerator, *self.denominators)

    def weight(self, code: str) -> float:
        return self.weights.get(code, 1)

    @model_validator(mode="after")
    def _weights_name_inputs(self) -> Formula:
        unknown = [code for code in self.weights if code not in self.inputs]
        if unknown:
            raise ValueError(f"公式的 weights 引用了不在公式中的 {'、'.join(unknown)}")
        return self


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
    ratio_display: Literal["n:1", "plain"] = "n:1"  # a ratio written 14.7:1, or plain 14.7 (seed 003's 生师比)
    choices: tuple[str, ...] = ()  # text indicators: the one answer allowed (单选); aggregates count each

    @property
    def shows_n_to_1(self) -> bool:
        return self.kind is Kind.RATIO and self.ratio_display == "n:1"

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
        if self.choices and self.kind is not Kind.TEXT:
            raise ValueError(f"指标 {self.code}：只有文字指标（kind: text）可以给出 choices")
        return self


ALL_LEVELS = ("学校", "区县", "市")
SCHOOLS_FIELD = "schools"  # in aggregated record tables: how many schools a combined row comes from


# What a 封面 field is to the tool, whatever the edition calls it: the unit's name (学校全称, or the
# 区县/市 of a district or city report), the school's code (identifies it across workbooks), the report
# year, the publisher, the date and form of publication, the public URL, an explicit report title.
Role = Literal["name", "code", "district", "year", "publisher", "date", "url", "publication_form", "title"]
# How `vqr init --from` fills the field from last year's workbook: keep (copied), next_year (last
# year + 1), renew_year (copied with last year's year replaced by the new one: a URL …/2024/ → …/2025/).
Carry = Literal["keep", "next_year", "renew_year"]


class CoverField(_Strict):
    key: str
    levels: tuple[str, ...] = ALL_LEVELS
    required: bool = False
    hint: str = ""
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    kind: Literal["text", "year", "date"] = "text"  # date: a date cell reads 2025年1月; a bare number is refused
    role: Role | None = None
    carry: Carry | None = None
    summary: bool = False  # listed beside the school in the office's 汇总.xlsx, not printed in the report (联系人)


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
    carry: bool = False  # `vqr init --from` copies the value into next year's row (专业代码, 项目)
    carry_from: str | None = None  # … or fills it with this year's value of that field (上年就业率 ← 就业率)

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
    label_field: str | None = None  # the field naming a row (专业名称) in charts and share tables; default group_by
    hint: str = ""
    fields: tuple[RecordField, ...]
    derived: tuple[DerivedField, ...] = ()
    totals: dict[str, TotalRule] = Field(default_factory=dict)
    checks: tuple[CrossCheck, ...] = ()

    def field(self, key: str) -> RecordField | DerivedField:
        columns: tuple[RecordField | DerivedField, ...] = (*self.fields, *self.derived)
        for f in columns:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def label_key(self) -> str:
        return self.label_field or self.group_by


class Section(_Strict):
    code: str
    title: str
    front: bool = False
    tables: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()
    narrative: bool = True
    new_page: bool = False
    heading: bool = True  # False: no heading and no 目录 entry; its tables follow the section before it

    @model_validator(mode="after")
    def _headless_is_content_only(self) -> Section:
        if not self.heading and (self.narrative or self.front):
            raise ValueError(f"章节 {self.code}：没有标题的章节（heading: false）只能放表格和图，须写 narrative: false")
        return self

    @property
    def level(self) -> int:
        """1 for chapters (``1``), 2 for sections (``1.1``), 3 for their parts (``1.1.1``); front
        matter and 附表 count as 1."""
        return self.code.count(".") + 1

    @property
    def label(self) -> str:
        """How the section is named in the workbook's 章节 column."""
        return self.title if self.code == self.title else f"{self.code} {self.title}"


class TableRow(_Strict):
    code: str | None = None  # None: a label-only row (a heading inside the table, e.g. 毕业生就业去向：)
    indent: int = 0
    group: str | None = None
    label: str | None = None
    method: str | None = None
    respondents: str | None = None

    @model_validator(mode="after")
    def _code_or_label(self) -> TableRow:
        if self.code is None and not self.label:
            raise ValueError("表格的行必须给出 code（指标）或 label（只有文字的行）")
        return self


class RecordRows(_Strict):
    """Rows of a comparison table taken from a record sheet: one per record row (its label in the
    指标 column), ``field`` this year against ``compare`` last year (分专业就业率 in seed 000's 表 5)."""

    sheet: str
    field: str
    compare: str
    group: str | None = None


class IndicatorHeaders(_Strict):
    """The header labels of an indicator table. ``serial`` or ``group`` empty: the ``indicator``
    header spans that column too (seed 000's 项目 over 类别 and 指标); ``indicator`` may be empty."""

    serial: str = "序号"
    group: str = "类别"
    indicator: str = "指标"
    unit: str = "单位"
    change: str = "增长量"
    growth: str = "增长率"
    median: str = "中位数"  # after the year: 2020年中位数
    method: str = "调查方式"  # survey tables
    respondents: str = "调查人次"


class RecordColumn(_Strict):
    header: str
    field: str
    compare: str | None = None


class _Layout(_Strict):
    id: str
    title: str  # {上年} and {本年} are replaced by the years
    levels: tuple[str, ...] = ALL_LEVELS


class _IndicatorRows(_Layout):
    rows: tuple[TableRow, ...] = Field(min_length=1)
    note: str | None = None
    headers: IndicatorHeaders = IndicatorHeaders()
    units: Literal["column", "label"] = "column"  # label: no 单位 column; 全日制职高（人）, 86.5%, 12.0:1

    @property
    def indicator_rows(self) -> tuple[TableRow, ...]:
        """The rows that are indicators or labels (not a record sheet's rows)."""
        return tuple(r for r in self.rows if isinstance(r, TableRow))


class ComparisonTable(_IndicatorRows):
    """指标 | 单位 | 上年 | 本年 | 增长量 | 增长率 (a 类别 column first when rows have a group); rows
    may also be a record sheet's rows (``RecordRows``)."""

    kind: Literal["comparison"]
    rows: tuple[TableRow | RecordRows, ...] = Field(min_length=1)


class AnnexTable(_IndicatorRows):
    """附表 N: 指标 | 单位 | 上年 | 本年."""

    kind: Literal["annex"]
    number: int


class SurveyTable(_IndicatorRows):
    """附表 N with 调查方式 | 调查人次 after the years (rows' ``method`` and ``respondents``)."""

    kind: Literal["survey"]
    number: int


class RecordTable(_Layout):
    """Rows of a record sheet; a column with ``compare`` shows 上年 | 本年 | 变化."""

    kind: Literal["record"]
    sheet: str
    columns: tuple[RecordColumn, ...] = Field(min_length=1)
    note: str | None = None
    total_label: str | None = None


class SchoolsTable(_Layout):
    """Aggregates: a row per school (its name, ``cover_columns``, this year's ``indicators``) and a total."""

    kind: Literal["schools"]
    indicators: tuple[str, ...] = Field(min_length=1)
    cover_columns: tuple[str, ...] = ()
    note: str | None = None
    total_label: str | None = None


class GroupsTable(_Layout):
    """Aggregates: a row per group of schools (``by`` a 封面 field), each the group's own aggregate."""

    kind: Literal["groups"]
    by: str
    indicators: tuple[str, ...] = Field(min_length=1)
    note: str | None = None
    total_label: str | None = None


class SharesTable(_Layout):
    """A record field summed by the catalogue's category (``by: category``) or by code (``by: major``),
    with shares that add up to 100%; ``lead`` (with ``top``) is the ranking sentence before it."""

    kind: Literal["shares"]
    sheet: str
    field: str
    by: Literal["category", "major"]
    top: int | None = None
    lead: str | None = None
    note: str | None = None
    schools_header: str | None = None  # aggregates by code: the header of the 开设学校数 column
    decimals: int = 2  # decimals of the 占比 column


class PlainTable(_IndicatorRows):
    """序号 | 指标 | 单位 | 上年 | 本年 (``years: this``: 本年 only), without change columns; 序号 numbers the
    top-level rows (``serial: false`` drops the column)."""

    kind: Literal["plain"]
    serial: bool = True
    years: Literal["both", "this"] = "both"
    medians: bool = False  # aggregates: a last column with the median of the schools' own values (本年)
    number: int | None = None  # 附表 N: numbered with the annex tables, not in the body's sequence
    name_column: str | None = None  # the header of a first column holding the unit's name (院校名称), merged down


IndicatorTable = ComparisonTable | AnnexTable | SurveyTable | PlainTable
TableLayout = Annotated[IndicatorTable | RecordTable | SchoolsTable | GroupsTable | SharesTable, Field(discriminator="kind")]


def annex_number(layout: IndicatorTable) -> int | None:
    """N of an annex table (附表 N, by its own ``number``), None for a table numbered in the body."""
    return layout.number if isinstance(layout, (AnnexTable, SurveyTable, PlainTable)) else None


class IndicatorsChart(_Layout):
    """Bars per indicator, this year (and last year with ``compare``)."""

    kind: Literal["indicators"]
    indicators: tuple[str, ...] = Field(min_length=1)
    compare: bool = False
    short_labels: bool = False  # drop the names' common ending (在校生满意度、教职工满意度 → 在校生、教职工)
    unit: str | None = None


class SchoolsChart(_Layout):
    """Aggregates: a bar per school for the first of ``indicators``."""

    kind: Literal["schools"]
    indicators: tuple[str, ...] = Field(min_length=1)
    unit: str | None = None


class RecordChart(_Layout):
    """Bars per row of a record sheet, one series per field."""

    kind: Literal["record"]
    sheet: str
    fields: tuple[str, ...] = Field(min_length=1)
    label_field: str | None = None  # default: the sheet's label_field
    unit: str | None = None


class SharesChart(_Layout):
    """A record field summed by the catalogue's category."""

    kind: Literal["shares"]
    sheet: str
    fields: tuple[str, ...] = Field(min_length=1)
    unit: str | None = None


ChartLayout = Annotated[IndicatorsChart | SchoolsChart | RecordChart | SharesChart, Field(discriminator="kind")]


class Catalogue(_Strict):
    """The 专业 catalogue that shares tables and charts group a record sheet's codes by: the leading
    digits of a code name its category (专业大类); a code ending in ``outside_suffix`` is outside the
    catalogue (目录外) and is marked so."""

    category_label: str  # the header of the category column (专业大类)
    categories: dict[str, str]  # code prefix → category name; every prefix has the same length
    unknown: str  # the group of rows whose code names no category
    outside_suffix: str = ""
    outside_mark: str = ""  # after a row outside the catalogue: （目录外）
    outside_in_group_mark: str = ""  # after a category holding such a row: （含目录外专业）

    @property
    def prefix_length(self) -> int:
        return len(next(iter(self.categories), ""))

    def category(self, code: str) -> str:
        return self.categories.get(code[: self.prefix_length], self.unknown)

    def is_outside(self, code: str) -> bool:
        return bool(self.outside_suffix) and code.endswith(self.outside_suffix)

    @model_validator(mode="after")
    def _one_prefix_length(self) -> Catalogue:
        if len({len(k) for k in self.categories}) > 1:
            raise ValueError("catalogue.categories 的代码前缀长度必须一致")
        return self


class SeriesChart(_Strict):
    title: str
    indicators: tuple[str, ...]


class _Series(_Strict):
    """A series over every year found (``vqr aggregate --history``), placed in outline ``section``.
    District and city reports only; without history nothing is shown."""

    id: str
    section: str
    title: str  # {首年}, {本年}: the first and the last year shown
    levels: tuple[str, ...] = ("区县", "市")


class IndicatorsSeriesHeaders(_Strict):
    """The words of an indicators series table: its first two headers and its first row, which says
    how many schools each year covers."""

    indicator: str  # 指标
    unit: str  # 单位
    schools: str  # 汇总学校数
    schools_unit: str  # 所


class IndicatorsSeries(_Series):
    """A row per indicator, a column per year; with ``chart`` a chart of ``chart.indicators``, which
    share one unit."""

    kind: Literal["indicators"]
    indicators: tuple[str, ...] = Field(min_length=1)
    chart: SeriesChart | None = None
    headers: IndicatorsSeriesHeaders


class SchoolsSeriesHeaders(_Strict):
    """The column headers of a schools series table."""

    year: str  # 年度
    count: str  # 学校数（所）
    change: str  # 较上一年度增减（所）
    new: str  # 新增的学校
    gone: str  # 减少的学校


class SchoolsSeries(_Series):
    """The number of schools each year, and which are new and which are gone."""

    kind: Literal["schools"]
    headers: SchoolsSeriesHeaders


SeriesLayout = Annotated[IndicatorsSeries | SchoolsSeries, Field(discriminator="kind")]


class _ListColumn(_Strict):
    header: str
    hint: str = ""
    required: bool = False


class TextColumn(_ListColumn):
    """Free text, or one of ``choices`` (a dropdown in the workbook)."""

    kind: Literal["text"]
    choices: tuple[str, ...] = ()


class SchoolColumn(_ListColumn):
    """A school's name: checked against the schools the report aggregates."""

    kind: Literal["school"]


class CountColumn(_ListColumn):
    """A non-negative whole number (招生计划)."""

    kind: Literal["count"]
    unit: str = ""


ListColumn = Annotated[TextColumn | SchoolColumn | CountColumn, Field(discriminator="kind")]


class OfficeList(_Strict):
    """A list the district or city office compiles itself (名单, 一览表): a sheet of its workbook, shown
    as a numbered table (序号) in ``section`` when it has rows."""

    id: str
    sheet: str
    title: str  # {上年} and {本年} are replaced by the years
    section: str
    levels: tuple[str, ...] = ("区县", "市")
    hint: str = ""
    columns: tuple[ListColumn, ...] = Field(min_length=1)


class Thresholds(_Strict):
    flat_percent: float = 1.0
    flat_points: float = 0.5
    yoy_warning_percent: float = 50
    yoy_warning_min_count: int = 20
    list_min_items: int = 5  # from this many tables / figures / cases a report gets a 表目录 / 图目录 / 案例目录
    wan_from: int = 100000
    yuan_wan_from: int = 100000  # sentences: amounts in 元 from this size are written in 万元 (482.40万元)


# How tables, figures and cases are numbered: continuous (表 3, 图 2, as Word's SEQ fields count them)
# or per chapter (表 2-2, 图 3-1, 案例 3-5: the chapter's number, then the place in the chapter).
Numbering = Literal["continuous", "chapter"]


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
    annex_caption: str = "附表"  # the word before an annex table's number (seed 000 writes 表 1 计分卡)
    case_marker: str = "【案例分享】"  # before each case's title; {number} is the case's number (案例 {number} → 案例 3-5)
    numbering: Numbering = "continuous"
    thresholds: Thresholds = Field(default_factory=Thresholds)
    cover_fields: tuple[CoverField, ...]
    indicators: tuple[Indicator, ...]
    record_sheets: tuple[RecordSheet, ...] = ()
    outline: tuple[Section, ...]
    preface_tables: tuple[str, ...] = ()
    heading_formats: dict[str, str]
    tables: tuple[TableLayout, ...]
    charts: tuple[ChartLayout, ...] = ()
    catalogue: Catalogue | None = None
    sentences: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    series: tuple[SeriesLayout, ...] = ()  # multi-year series of district and city reports (--history)
    lists: tuple[OfficeList, ...] = ()  # the office's own lists in district and city workbooks
    # The 报告年度 a blank workbook's 封面 hints are written for: {本年} in a hint is that year, {次年} the
    # year after; a workbook made for another year (vqr init --from) has its hints follow its own year.
    hint_year: int | None = None

    def cover_hint(self, field: CoverField, year: int | str | None = None) -> str:
        """``field``'s hint for a workbook of report year ``year`` (a year, or a 封面 text such as “2025”;
        default, or when it is no year: the edition's hint_year)."""
        text = str(year).strip() if year is not None else ""
        this = int(text) if text.isdigit() and len(text) == 4 else self.hint_year
        if this is None:
            return field.hint
        return field.hint.replace("{本年}", str(this)).replace("{次年}", str(this + 1))

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

    @cached_property
    def current_year_only(self) -> frozenset[str]:
        """Indicators the report shows only with this year's value: a survey table's 调查方式 that no
        table row shows with both years. A 上年 typed for them reaches no report."""
        rows = [(t, r) for t in self.tables if isinstance(t, _IndicatorRows) for r in t.rows if isinstance(r, TableRow)]
        methods = {r.method for t, r in rows if isinstance(t, SurveyTable) and r.method}
        shown_with_years = {r.code for _, r in rows}
        return frozenset(methods - shown_with_years)

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
            whole = f.whole
            if whole is not None and all(self.indicator(n).parent == whole and self.indicator(n).parts == "exhaustive"
                                         for n in f.numerator):
                parts = tuple(i.code for i in self.children(whole) if i.parts == "exhaustive")
                return tuple(dict.fromkeys((*parts, whole)))
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

    def lists_for(self, level: str) -> tuple[OfficeList, ...]:
        return tuple(lst for lst in self.lists if level in lst.levels)

    def cover_fields_for(self, level: str) -> tuple[CoverField, ...]:
        return tuple(f for f in self.cover_fields if level in f.levels)

    def require_level(self, level: str) -> None:
        """Refuse a report level this edition has no report for (EditionError, exit code 2)."""
        if level not in self.levels:
            from vqr_author.errors import EditionError

            raise EditionError(f"版式“{self.id}”（{self.name}）没有{level}层级的报告，只有{'、'.join(self.levels)}。"
                               "请改用该版式支持的层级（--level），或选择有该层级的版式（vqr editions 列出全部版式）。")

    def cover_key(self, role: Role, level: str = ALL_LEVELS[0]) -> str:
        """The 封面 key that plays ``role`` at ``level`` (name at 学校 → 单位名称), or "" when the
        edition has no such field there."""
        return next((f.key for f in self.cover_fields_for(level) if f.role == role), "")

    def cover_value(self, cover: Mapping[str, str], role: Role, level: str = ALL_LEVELS[0]) -> str:
        key = self.cover_key(role, level)
        return cover.get(key, "") if key else ""

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
        problems += _role_problems(self.cover_fields, self.levels)
        if self.hint_year is None:
            problems += [f"封面字段“{f.key}”的 hint 用了 {{本年}}/{{次年}}，版式须给出 hint_year" for f in self.cover_fields
                         if "{本年}" in f.hint or "{次年}" in f.hint]
        problems += _marker_problems(self.case_marker)
        problems += _heading_problems(self.heading_formats, self.outline)
        for level in self.levels:
            for what, mapping in (("report_titles", self.report_titles), ("declarations", self.declarations)):
                if level not in mapping:
                    problems.append(f"{what} 缺少层级“{level}”")
        table_ids = {t.id for t in self.tables}
        refs = _References(seen, {r.id: r for r in self.record_sheets}, {f.key for f in self.cover_fields},
                           self.catalogue is not None)
        for table in self.tables:
            problems += [f"表 {table.id} {p}" for p in refs.table(table)]
        chart_ids = {c.id for c in self.charts}
        for section in self.outline:
            for ref in section.tables:
                if ref not in table_ids:
                    problems.append(f"章节 {section.code} 引用了不存在的表 {ref}")
            for ref in section.charts:
                if ref not in chart_ids:
                    problems.append(f"章节 {section.code} 引用了不存在的图 {ref}")
        for chart in self.charts:
            problems += [f"图 {chart.id} {p}" for p in refs.chart(chart)]
        for ref in self.preface_tables:
            if ref not in table_ids:
                problems.append(f"前言引用了不存在的表 {ref}")
        for sheet in self.record_sheets:
            keys = {f.key for f in sheet.fields}
            all_keys = keys | {d.key for d in sheet.derived}
            problems += [f"清单 {sheet.id} 的 {what} {ref} 不存在" for what, ref in
                         (("group_by", sheet.group_by), ("label_field", sheet.label_field),
                          *(("carry_from", f.carry_from) for f in sheet.fields))
                         if ref is not None and ref not in all_keys]
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
            if not isinstance(series, IndicatorsSeries):
                continue
            chart = series.chart.indicators if series.chart else ()
            problems += [f"序列 {series.id} 引用了不存在的指标 {c}" for c in (*series.indicators, *chart) if c not in codes]
            if chart and all(c in codes for c in chart) and len({self.indicator(c).unit for c in chart}) > 1:
                problems.append(f"序列 {series.id} 的图中各指标单位不同（一张图只能有一个数值轴）")
        if problems:
            raise ValueError("；".join(problems))
        return self

    @model_validator(mode="after")
    def _lists_resolve(self) -> Edition:
        """Lists are placed in sections that exist, at levels the edition has, on sheets of their own."""
        sections = {s.code for s in self.outline}
        from vqr_author.workbook import contract as c

        taken = {c.SHEET_COVER, c.SHEET_INDICATORS, c.SHEET_NARRATIVE, c.SHEET_CASES, c.SHEET_CHOICES,
                 *(r.sheet for r in self.record_sheets)}
        problems, ids = [], set()
        for lst in self.lists:
            if lst.id in ids:
                problems.append(f"清单 {lst.id} 重复")
            ids.add(lst.id)
            if lst.section not in sections:
                problems.append(f"清单 {lst.id} 引用了不存在的章节 {lst.section}")
            problems += [f"清单 {lst.id} 的层级 {lv} 不是本版式的层级" for lv in lst.levels if lv not in self.levels]
            if lst.sheet in taken:
                problems.append(f"清单 {lst.id} 的工作表名“{lst.sheet}”已被使用")
            taken.add(lst.sheet)
            headers = [col.header for col in lst.columns]
            if len(set(headers)) < len(headers) or "序号" in headers:
                problems.append(f"清单 {lst.id} 的列名重复（“序号”由工具生成）")
        if problems:
            raise ValueError("；".join(problems))
        return self


@dataclass(frozen=True)
class _References:
    """What a table or chart may refer to; each kind checks its own references."""

    indicators: set[str]
    sheets: dict[str, RecordSheet]
    cover_keys: set[str]
    has_catalogue: bool

    def _codes(self, codes: tuple[str | None, ...]) -> list[str]:
        return [f"引用了不存在的指标 {ref}" for ref in codes if ref is not None and ref not in self.indicators]

    def _fields(self, sheet_id: str, keys: tuple[str | None, ...], extra: frozenset[str] = frozenset()) -> list[str]:
        sheet = self.sheets.get(sheet_id)
        if sheet is None:
            return [f"引用了不存在的清单 {sheet_id}"]
        known = {f.key for f in sheet.fields} | {d.key for d in sheet.derived} | extra
        return [f"引用了清单 {sheet_id} 中不存在的列 {ref}" for ref in keys if ref is not None and ref not in known]

    def _catalogue(self, by_category: bool) -> list[str]:
        return ["按专业大类汇总，但版式没有 catalogue"] if by_category and not self.has_catalogue else []

    def table(self, table: TableLayout) -> list[str]:
        match table:
            case ComparisonTable() | AnnexTable() | SurveyTable() | PlainTable():
                records = [r for r in table.rows if isinstance(r, RecordRows)]
                return (self._codes(tuple(ref for r in table.indicator_rows for ref in (r.code, r.method, r.respondents)))
                        + [p for r in records for p in self._fields(r.sheet, (r.field, r.compare))])
            case RecordTable():
                return self._fields(table.sheet, tuple(ref for c in table.columns for ref in (c.field, c.compare)),
                                    frozenset({SCHOOLS_FIELD}))
            case SchoolsTable():
                return self._codes(table.indicators) + [f"引用了不存在的封面字段 {ref}" for ref in table.cover_columns
                                                        if ref not in self.cover_keys]
            case GroupsTable():
                missing = [] if table.by in self.cover_keys else [f"引用了不存在的封面字段 {table.by}"]
                return self._codes(table.indicators) + missing
            case SharesTable():
                return self._fields(table.sheet, (table.field,)) + self._catalogue(table.by == "category")

    def chart(self, chart: ChartLayout) -> list[str]:
        match chart:
            case IndicatorsChart() | SchoolsChart():
                return self._codes(chart.indicators)
            case RecordChart():
                return self._fields(chart.sheet, (*chart.fields, chart.label_field))
            case SharesChart():
                return self._fields(chart.sheet, chart.fields) + self._catalogue(True)


_NEEDED_ROLES: tuple[Role, ...] = ("name", "year")
HEADING_LEVELS = 3  # 一、 / （一） / 1. — the heading styles the Word template has
_HEADING_FIELDS = {"code", "title", "n", "cn"}


def _fields_of(text: str) -> set[str] | None:
    """The {names} a format string uses, or None when it does not parse."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _marker_problems(marker: str) -> list[str]:
    fields = _fields_of(marker)
    if fields is None or fields - {"number"}:
        return [f"case_marker “{marker}” 只能含占位符 {{number}}（案例编号）"]
    return []


def _heading_problems(formats: dict[str, str], outline: tuple[Section, ...]) -> list[str]:
    """Outline levels the template has a heading style for; heading formats that parse."""
    problems = [f"章节 {s.code} 是第 {s.level} 级标题，模板只有 {HEADING_LEVELS} 级标题"
                for s in outline if s.level > HEADING_LEVELS]
    for level, fmt in formats.items():
        fields = _fields_of(fmt)
        if fields is None or fields - _HEADING_FIELDS:
            problems.append(f"heading_formats 第 {level} 级“{fmt}”只能含占位符 {{code}}、{{title}}、{{n}}、{{cn}}")
    return problems


def _role_problems(fields: tuple[CoverField, ...], levels: tuple[str, ...]) -> list[str]:
    """Each level has one field per role, and a name and a year."""
    problems = []
    for level in levels:
        roles = [f.role for f in fields if f.role and level in f.levels]
        problems += [f"封面字段的 role “{r}” 在层级“{level}”重复" for r in dict.fromkeys(roles) if roles.count(r) > 1]
        problems += [f"层级“{level}”的封面缺少 role 为 {r} 的字段" for r in _NEEDED_ROLES if r not in roles]
    return problems


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
