"""The sample city report (issue 14, done-when): sample_inputs/city/ aggregated with its history.

The city report shows the office's lists as numbered tables in their chapters, the series over three
years (tables and charts), and the count of schools with its change. The expected numbers are
recomputed here from the workbooks themselves (openpyxl, the plain rules: Σ over the year's schools,
rates from the summed numerator and denominator, round half up), never by compute/series.py.

The last test lists the 14 tables of seed 002 (the city report of 2023) and says for each whether the
sample city report produces it; the same table is in docs/aggregation.md (“与样本 002 的对照”).
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

from conftest import ROOT, rows_by_label, sample_builder, table_after, workbook_values
from vqr_author import aggregate_report
from vqr_author.edition import load_edition
from vqr_author.edition.model import CountColumn, IndicatorsSeries

EDITION = load_edition()
CITY = ROOT / "sample_inputs" / "city"
SCHOOLS = sorted((CITY / "学校").glob("*/*.xlsx"))
HISTORY = CITY / "历年"
YEAR = 2024
YEARS = [2022, 2023, 2024]


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city") / "北京市报告.docx"
    result = aggregate_report(CITY / "北京市.xlsx", SCHOOLS, out, level="city", history=HISTORY)
    assert result.written and not result.errors, [p.message for p in result.errors]
    assert not result.history.problems  # every school's 上年 equals its own workbook of last year
    assert not [p for p in result.problems if p.code == "list-unknown-school"]  # every listed school is aggregated
    return out


@pytest.fixture(scope="module")
def document(city):
    return docx.Document(city)


# ------------------------------------------------------------------------- the workbooks, read plainly
@dataclass(frozen=True)
class Book:
    code: str
    name: str
    nature: str
    district: str
    year: int
    this: dict[str, D | None]  # indicator code → the 本年 cell when it holds a number


def read_book(path: Path) -> Book:
    wb = openpyxl.load_workbook(path, read_only=True)
    cover = {row[0]: row[1] for row in wb["封面"].iter_rows(min_row=2, values_only=True)}
    rows = wb["指标"].iter_rows(values_only=True)
    header = next(rows)
    code_col, this_col = header.index("代码"), header.index("本年")
    this = {row[code_col]: D(str(row[this_col])) if isinstance(row[this_col], (int, float)) else None
            for row in rows}  # text indicators (调查方式) are not pooled by the series
    wb.close()
    return Book(cover["学校代码"], cover["单位名称"], cover["办学性质"], cover["所属区县"], int(cover["报告年度"]), this)


@pytest.fixture(scope="module")
def books() -> dict[int, list[Book]]:
    by_year: dict[int, list[Book]] = defaultdict(list)
    for path in [*SCHOOLS, *sorted(HISTORY.rglob("*.xlsx"))]:
        book = read_book(path)
        by_year[book.year].append(book)
    return dict(by_year)


# The derived indicators checked, by their definitions (表注 of 毕业生去向情况; “双师型”教师比例 =
# “双师型”教师数 ÷ 专任教师总数): code → (numerator, denominator), in per cent; 生师比 = 全日制在校生 ÷ 专任教师.
RATES = {"F1-51": ("F1-02", "F1-01"), "F1-52": ("F1-03", "F1-01"), "SZ52": ("SZ01", "F6-06")}
RATIOS = {"SZ51": ("F6-01", "F6-06")}
CENT = D("0.01")


def expected(books: list[Book], code: str) -> D | None:
    """The year's pooled value: a count summed over the schools that filled it; a rate recomputed
    from the numerator and denominator summed over the schools that filled both."""
    if code in RATES or code in RATIOS:
        numerator, denominator = RATES.get(code) or RATIOS[code]
        complete = [b for b in books if b.this[numerator] is not None and b.this[denominator] is not None]
        whole = sum(b.this[denominator] for b in complete)
        if not complete or not whole:
            return None
        if code in RATIOS:
            return (sum(b.this[numerator] for b in complete) / whole).quantize(D("0.1"), ROUND_HALF_UP)
        return (sum(b.this[numerator] for b in complete) * 100 / whole).quantize(CENT, ROUND_HALF_UP)
    filled = [b.this[code] for b in books if b.this[code] is not None]
    return sum(filled) if filled else None


def shown(value: D | None, code: str = "") -> str:
    return "—" if value is None else f"{value}:1" if code in RATIOS else str(value)


# ------------------------------------------------------------------------------------- the sample itself
def test_the_sample_city_has_two_districts_three_years_and_schools_new_and_gone(books):
    assert sorted(books) == YEARS
    codes = {year: {b.code for b in books[year]} for year in YEARS}
    assert codes[2024] - codes[2023] and codes[2023] - codes[2024]  # one new this year, some gone
    districts = {p.parent.name: openpyxl.load_workbook(p)["封面"]["B4"].value for p in SCHOOLS}
    assert districts == {"海川区": "北京市海川区", "云岭区": "北京市云岭区"}  # 各区县主要指标 has two rows; folders agree
    assert {b.nature for b in books[2024]} == {"公办", "民办"}


def test_the_sample_district_is_the_city_samples_haichuan(tmp_path):
    """One school, one district: the district sample's schools are the city sample's 海川区 schools, and
    each one's 所属区县 is the district's 区域名称 (so aggregating the district warns about nothing)."""
    from vqr_author import api

    district = ROOT / "sample_inputs" / "district"
    schools = sorted((district / "学校").glob("*.xlsx"))
    assert sorted(p.name for p in schools) == sorted(p.name for p in SCHOOLS if p.parent.name == "海川区")
    result = api.aggregate_report(district / "海川区.xlsx", schools, tmp_path / "区县.docx")
    assert not [p for p in result.problems if p.code == "school-district-mismatch"]


def test_a_school_of_another_district_is_named_with_its_cover_cell(tmp_path):
    from vqr_author import api

    district = ROOT / "sample_inputs" / "district"
    moved = tmp_path / "海川职业学校.xlsx"
    wb = openpyxl.load_workbook(district / "学校" / "海川职业学校.xlsx")
    wb["封面"]["B4"] = "北京市通州区"
    wb.save(moved)
    others = [p for p in (district / "学校").glob("*.xlsx") if p.name != moved.name]
    result = api.aggregate_report(district / "海川区.xlsx", [moved, *others], tmp_path / "区县.docx")
    found = [p for p in result.own_problems if p.code == "school-district-mismatch"]
    assert [(p.level.value, p.file, p.sheet, p.cell, p.indicator) for p in found] == [
        ("warning", "海川职业学校.xlsx", "封面", "B4", "所属区县")]
    assert "北京市通州区" in found[0].message and "北京市海川区" in found[0].message
    # a city report has no district of its own: nothing to compare with
    city = api.aggregate_report(ROOT / "sample_inputs" / "city" / "北京市.xlsx", [moved, *others], tmp_path / "市.docx",
                                level="city")
    assert not [p for p in city.problems if p.code == "school-district-mismatch"]


def test_committed_city_is_what_the_script_builds(tmp_path):
    module = sample_builder("build_city")
    built = [p for p in module.build(tmp_path) if p.suffix == ".xlsx"]
    assert len(built) == 1 + len(SCHOOLS) + len(list(HISTORY.rglob("*.xlsx")))

    for path in built:
        committed = CITY / path.relative_to(tmp_path)
        assert workbook_values(path) == workbook_values(committed), f"run: python sample_inputs/build_city.py ({committed})"


# ------------------------------------------------------------------------------------ the office's lists
def body_in_order(document) -> list[tuple[str, object]]:
    """("heading", text) for each chapter heading and ("table", caption) for each table, in order."""
    found = []
    for element in document.element.body.iterchildren():
        tag = etree.QName(element).localname
        if tag == "p" and element.xpath("./w:pPr/w:pStyle/@w:val")[:1] in (["Heading1"], ["Heading2"]):
            found.append(("heading", "".join(element.xpath(".//w:t/text()"))))
        elif tag == "tbl" and element.xpath("./w:tr[1]//w:pStyle/@w:val") == ["TableCaption"]:
            found.append(("table", "".join(element.xpath("./w:tr[1]//w:t/text()"))))
    return found


def test_every_office_list_is_a_numbered_table_in_its_chapter(city, document):
    region = openpyxl.load_workbook(CITY / "北京市.xlsx")
    order = body_in_order(document)
    captions = [text for kind, text in order if kind == "table" and not text.startswith(("续", "附"))]
    assert [int(re.match(r"表 (\d+) ", c).group(1)) for c in captions] == list(range(1, len(captions) + 1))
    lists = EDITION.lists_for("市")
    assert len(lists) == 10  # seed 002's ten lists, every one filled in the sample city
    for lst in lists:
        title = lst.title.replace("{本年}", str(YEAR))
        rows = [[("" if v is None else str(v)) for v in row]
                for row in region[lst.sheet].iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]
        assert rows, lst.sheet
        index = next(i for i, (kind, text) in enumerate(order) if kind == "table" and re.fullmatch(rf"表 \d+ {re.escape(title)}", text))
        chapter = next(text for kind, text in reversed(order[:index]) if kind == "heading")
        assert chapter.startswith(f"{lst.section} "), (title, chapter)
        table = table_after(document, title)
        headers = [col.header + (f"（{col.unit}）" if isinstance(col, CountColumn) and col.unit else "") for col in lst.columns]
        assert [c.text.replace("\n", "") for c in table.rows[0].cells] == ["序号", *headers]
        body = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert body == [[str(n), *row] for n, row in enumerate(rows, start=1)], title


# ----------------------------------------------------------------------------------------- the series
def series_tables():
    return [s for s in EDITION.series if "市" in s.levels and isinstance(s, IndicatorsSeries)]


def _title(template: str) -> str:
    return template.replace("{首年}", str(YEARS[0])).replace("{本年}", str(YEAR))


def test_every_number_of_every_series_table_equals_a_recomputation_from_the_workbooks(document, books):
    layouts = series_tables()
    assert {code for s in layouts for code in s.indicators} >= {"GM01", "GM06", "F1-01", "F1-51", "F1-52", "F6-06", "SZ52"}
    checked = 0
    for layout in layouts:
        table = table_after(document, _title(layout.title))
        assert [c.text for c in table.rows[0].cells] == ["指标", "单位", *(f"{y}年" for y in YEARS)]
        rows = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert rows[0] == ["汇总学校数", "所", *(str(len(books[y])) for y in YEARS)]
        assert len(rows) == 1 + len(layout.indicators)
        for code, row in zip(layout.indicators, rows[1:]):
            assert row[0].removeprefix("其中：") == EDITION.indicator(code).name
            assert row[2:] == [shown(expected(books[y], code)) for y in YEARS], (layout.title, code)
            checked += len(YEARS)
    assert checked >= 3 * 11


def read_series_charts(path: Path) -> dict[str, tuple[list[str], dict[str, list[str]]]]:
    """Each native chart's caption → its categories and {series name: cached values}."""
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    with zipfile.ZipFile(path) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(zf.read("word/_rels/document.xml.rels"))}
        charts, pending = {}, None
        for paragraph in document.iter(f"{{{ns['w']}}}p"):
            ref = paragraph.find(".//c:chart", ns)
            if ref is not None:
                pending = etree.fromstring(zf.read("word/" + rels[ref.get(f"{{{ns['r']}}}id")]))
                continue
            text = "".join(paragraph.xpath(".//w:t/text()", namespaces=ns))
            if pending is not None and text.startswith("图 "):
                sers = pending.findall(".//c:ser", ns)
                categories = sers[0].xpath("c:cat//c:pt/c:v/text()", namespaces=ns)
                values = {"".join(s.xpath("c:tx//c:v/text()", namespaces=ns)): s.xpath("c:val//c:pt/c:v/text()", namespaces=ns)
                          for s in sers}
                charts[text.split(" ", 2)[2]] = (categories, values)
                pending = None
        return charts


def test_every_series_chart_shows_the_three_years_and_the_recomputed_values(city, books):
    charts = read_series_charts(city)
    layouts = [s for s in series_tables() if s.chart is not None]
    assert len(layouts) >= 3
    for layout in layouts:
        categories, values = charts[_title(layout.chart.title)]
        assert categories == [f"{y}年" for y in YEARS]
        assert set(values) == {EDITION.indicator(code).name for code in layout.chart.indicators}
        for code in layout.chart.indicators:
            got = [D(v) for v in values[EDITION.indicator(code).name]]
            assert got == [expected(books[y], code) for y in YEARS], (layout.chart.title, code)


def test_each_districts_row_is_pooled_from_its_own_schools(document, books):
    layout = next(t for t in EDITION.tables if t.id == "districts")
    rows = rows_by_label(table_after(document, "2024年各区县主要指标"))
    by_district = defaultdict(list)
    for book in books[YEAR]:
        by_district[book.district].append(book)
    assert set(rows) == {*by_district, "合计"}
    for district, group in [*by_district.items(), ("合计", books[YEAR])]:
        assert rows[district][1:] == [str(len(group)), *(shown(expected(group, c), c) for c in layout.indicators)], district


# ------------------------------------------------------------------------------------ the count of schools
def test_school_count_sentence_and_table_follow_the_workbooks(document, books):
    names = {y: {b.code: b.name for b in books[y]} for y in YEARS}
    now, before = names[2024], names[2023]
    new = [now[c] for c in now if c not in before]
    gone = [before[c] for c in before if c not in now]
    change = len(now) - len(before)
    assert new and gone and change < 0  # the sample is made so
    text = "\n".join(p.text for p in document.paragraphs)
    public = sum(b.nature == "公办" for b in books[2024])
    assert f"全市共有中等职业学校{len(now)}所，较2023年减少{-change}所，其中公办{public}所、民办{len(now) - public}所。" in text
    assert f"新增{'、'.join(new)}{len(new)}所，减少{'、'.join(gone)}{len(gone)}所。" in text
    counts = rows_by_label(table_after(document, "2022—2024年中等职业学校数"))
    assert [counts[f"{y}年"][1] for y in YEARS] == [str(len(names[y])) for y in YEARS]
    assert counts["2024年"][2] == str(change)
    assert set(counts["2024年"][3].split("、")) == set(new) and set(counts["2024年"][4].split("、")) == set(gone)
    added_2023 = {names[2023][c] for c in names[2023] if c not in names[2022]}
    assert counts["2023年"][2] == f"+{len(names[2023]) - len(names[2022])}" and set(counts["2023年"][3].split("、")) == added_2023


# ------------------------------------------------------------------------- seed 002's tables, one by one
# (seed number, title in seed 002, caption the sample city report gives it or None, what of it is missing)
SEED_002 = [
    ("1-1", "北京市中等职业学校“三全育人”典型学校及典型案例名单", "中等职业学校“三全育人”典型学校及典型案例名单", ""),
    ("1-2", "北京市中等职业学校劳动教育优秀课程资源视频", "中等职业学校劳动教育优秀课程资源", ""),
    ("1-3", "北京市中等职业学校劳动教育典型案例", "中等职业学校劳动教育典型案例", ""),
    ("1-4", "北京市中等职业学校首批中小学生职业体验中心（劳动教育基地）", "中等职业学校中小学生职业体验中心（劳动教育基地）", ""),
    ("1-5", "北京市中等职业教育满意度调查表", "满意度调查表",
     "放在附表 2（国家规定的六张附表之一），有上年、本年两列和调查方式、调查人次；样本只有本年一列"),
    ("1-6", "2021-2022 年北京市中等职业教育毕业生就业升学情况", "2022—2024年毕业去向落实率与升学率",
     "2024 年度的指标是毕业去向落实率（取代就业率）；对口就业率只在专业表中（分专业就业质量），不在学校的指标表中，"
     "所以不进历年序列"),
    ("2-1", "2022 年北京市中等职业教育分专业大类在校生占比情况（单位：%）", "2024年分专业大类在校生占比", ""),
    ("2-2", "2022 年北京市中等职业学校开设专业在校生占比情况表（单位：%）", "2024年分专业在校生占比", ""),
    ("2-3", "2022 年北京市中等职业学校新增专业备案一览表", "2024年中等职业学校新增专业备案一览表",
     "样本按“普通中专”“职业高中”分组；清单按填写顺序排列，不分组"),
    ("2-4", "2022 年北京市中等职业学校撤销 20 个专业一览表", "2024年中等职业学校撤销专业一览表", ""),
    ("2-5", "2022 年新增“3+2”中高职衔接办学项目名单", "2024年新增“3+2”中高职衔接办学项目名单", ""),
    ("2-6", "2022 年调整“3+2”中高职衔接办学项目名单", "2024年调整“3+2”中高职衔接办学项目名单",
     "样本用分组行（专业名称微调项目、同意撤销项目）；清单用“调整类型”一列"),
    ("2-7", "2022 年北京市高端技术技能人才贯通培养招生计划表（中本贯通项目）", "2024年高端技术技能人才贯通培养招生计划表",
     "样本第一列“招生规模”是每所学校各行的合计（合并单元格）；清单每行一项，没有按学校的小计"),
    ("2-8", "首批北京市中等职业学校名班主任工作室名单", "中等职业学校名班主任工作室名单", ""),
]


def test_seed_002_tables_listed_are_the_seeds_own():
    seed = Path(ROOT.parent / "shared" / "seeds" / "002_fb3d4a26bcecf890.txt")
    if not seed.exists():
        pytest.skip(f"seed 002 is not beside the repository ({seed})")
    contents = seed.read_text(encoding="utf-8").split("表目录", 1)[1].split("\n\n", 2)
    listed = re.findall(r"^表 (\d-\d) (.+?)\t", "\n".join(contents[:2]), flags=re.M)
    assert [(n, t.strip()) for n, t in listed] == [(n, t) for n, t, _, _ in SEED_002]


@pytest.mark.parametrize("number,seed_title,caption,missing", SEED_002, ids=[s[0] for s in SEED_002])
def test_each_table_of_seed_002_is_produced_by_the_sample_city_report(document, number, seed_title, caption, missing):
    if caption is None:
        assert missing, f"表 {number} is not produced: say why"
        return
    table = table_after(document, caption)  # raises when no table has this caption
    assert len(table.rows) >= 2, f"表 {number} {seed_title} is produced empty"


def test_the_seed_002_comparison_in_the_docs_is_this_list():
    rows = {}
    for line in (ROOT / "docs" / "aggregation.md").read_text(encoding="utf-8").splitlines():
        if found := re.match(r"\| 表 (\d-\d) [^|]*\| ([^|]*) \| ([^|]*) \|$", line):
            rows[found.group(1)] = (found.group(2), found.group(3))
    assert sorted(rows) == [n for n, _, _, _ in SEED_002]
    for number, _, caption, missing in SEED_002:
        shown_as, difference = rows[number]
        assert caption is None or shown_as.startswith(("附表 2 " if caption == "满意度调查表" else "") + caption), number
        assert difference == (missing or "—"), number
