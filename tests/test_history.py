"""Series over several years and the count of schools (vqr aggregate --history; issue 14 items 2, 3, 5).

The oracle below recomputes each year's values plainly from the rule (per year, the schools that
filled every input; Σ, ÷, round half up) and does not call the production pooling code.
"""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ROOT, indicator_row, rows_by_label, sample_builder, table_after, unwrapped, workbook_values
from vqr_author import aggregate_report
from vqr_author.cli import app
from vqr_author.compute.aggregate import compute_school
from vqr_author.compute.report import build_report, region_source
from vqr_author.compute.series import build_history, series_table
from vqr_author.edition import load_edition
from vqr_author.edition.model import Edition
from vqr_author.workbook.model import Entry, IndicatorEntry, ReportWorkbook

EDITION = load_edition()
DISTRICT = ROOT / "sample_inputs" / "district"
HISTORY = DISTRICT / "历年"
SCHOOLS = sorted((DISTRICT / "学校").glob("*.xlsx"))


def vqr(*args: str | Path):
    """The command in-process, as a user runs it, in an 80-column terminal."""
    return CliRunner(env={"COLUMNS": "80"}).invoke(app, [str(a) for a in args])


# ---------------------------------------------------------------------------------------------
# workbooks in memory
def school(code: str, year: int, this: dict[str, int | None], last: dict[str, int | None] | None = None,
           nature: str = "公办") -> ReportWorkbook:
    """A school's workbook of ``year``: {code: value} for 本年 (and 上年); None is a blank cell."""
    last = last or {}

    def entry(value, column: str, code: str) -> Entry:  # noqa: ANN001
        return Entry(None if value is None else D(str(value)), "指标", f"{column}{2 + sorted(this).index(code)}")

    entries = {c: IndicatorEntry(c, entry(last.get(c), "E", c), entry(v, "F", c)) for c, v in this.items()}
    cover = {"单位名称": Entry(f"第{code}职业学校"), "学校代码": Entry(code), "办学性质": Entry(nature),
             "报告年度": Entry(str(year))}
    return ReportWorkbook(Path(f"{year}-{code}.xlsx"), EDITION.id, "学校", cover, entries, {})


REGION = ReportWorkbook(Path("区.xlsx"), EDITION.id, "区县", {"区域名称": Entry("海川区"), "报告年度": Entry("2024"),
                                                              "发布单位": Entry("海川区教委")}, {}, {})


def report_of(by_year: dict[int, list[ReportWorkbook]]):
    current = [compute_school(EDITION, b) for b in by_year[2024]]
    earlier = {y: books for y, books in by_year.items() if y != 2024}
    return build_report(EDITION, region_source(EDITION, REGION, current, earlier or None))


# ---------------------------------------------------------------------------------------------
# (1) every number of a series equals an independent recomputation
CODES = ("GM06", "F1-01", "F1-02", "SZ01", "F6-06")


def _sum(rows: list[dict], code: str) -> D | None:
    present = [r[code] for r in rows if r.get(code) is not None]
    return D(sum(present)) if present else None


def _rate(rows: list[dict], numerator: str, denominator: str) -> D | None:
    complete = [r for r in rows if r.get(numerator) is not None and r.get(denominator) is not None]
    whole = sum(r[denominator] for r in complete)
    if not complete or whole == 0:
        return None
    return (D(sum(r[numerator] for r in complete)) * 100 / D(whole)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def oracle(rows: list[dict]) -> dict[str, D | None]:
    return {"GM06": _sum(rows, "GM06"), "F1-01": _sum(rows, "F1-01"), "F6-06": _sum(rows, "F6-06"),
            "F1-51": _rate(rows, "F1-02", "F1-01"), "SZ52": _rate(rows, "SZ01", "F6-06")}


value = st.one_of(st.none(), st.integers(min_value=0, max_value=900))
school_rows = st.dictionaries(st.sampled_from([f"41110000{i:02d}" for i in range(8)]),
                              st.fixed_dictionaries({c: value for c in CODES}), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({2022: school_rows, 2023: school_rows, 2024: school_rows}))
def test_series_equals_an_independent_recomputation_with_blanks(years):
    by_year = {y: [school(code, y, row) for code, row in rows.items()] for y, rows in years.items()}
    history = build_history(EDITION, by_year)
    assert [y.year for y in history.years] == [2022, 2023, 2024]
    for year in history.years:
        rows = list(years[year.year].values())
        assert len(year.schools) == len(rows)
        for code, expected in oracle(rows).items():
            assert year.value(code).this == expected, (year.year, code)
        # coverage: the schools that filled every input of the value
        assert year.covered("F1-51") == sum(1 for r in rows if r["F1-02"] is not None and r["F1-01"] is not None)
        assert year.covered("GM06") == sum(1 for r in rows if r["GM06"] is not None)
    # … and the table prints exactly those values, a column per year
    layout = next(s for s in EDITION.series if s.id == "teachers_series")
    table = series_table(EDITION, layout, history)
    by_label = {row[0].text: [c.text for c in row[2:]] for row in table.rows}
    assert by_label["汇总学校数"] == [str(len(years[y])) for y in (2022, 2023, 2024)]
    for y, shown in zip((2022, 2023, 2024), by_label["“双师型”教师比例"]):
        expected = oracle(list(years[y].values()))["SZ52"]
        assert shown == ("—" if expected is None else f"{expected:.2f}")


def test_current_year_of_the_series_is_this_years_aggregate_and_the_upper_column_is_not_history():
    # The 2024 workbooks say 上年 GM06 = 1 — a value history must never use: 2023 comes from 2023's workbooks.
    by_year = {2023: [school("4111000001", 2023, {"GM06": 500}), school("4111000002", 2023, {"GM06": 300})],
               2024: [school("4111000001", 2024, {"GM06": 520}, {"GM06": 1})]}
    report = report_of(by_year)
    table = next(t for t in report.tables if t.id == "scale_series")
    row = next(r for r in table.rows if r[0].text == "在校生人数")
    assert [c.text for c in row[2:]] == ["800", "520"]
    assert report.indicators["GM06"].this == D(520)  # the same number as this year's own tables


# ---------------------------------------------------------------------------------------------
# (2) the count of schools: this year, last year, new and gone
def test_school_count_sentence_and_table_name_the_new_and_the_gone_schools():
    by_year = {2022: [school(c, 2022, {"GM06": 100}) for c in ("01", "02")],
               2023: [school(c, 2023, {"GM06": 100}) for c in ("01", "02", "03")],
               2024: [school("01", 2024, {"GM06": 100}), school("04", 2024, {"GM06": 100}, nature="民办")]}
    report = report_of(by_year)
    lead = "".join(report.preface.leads)
    assert lead.startswith("全区共有中等职业学校2所，较2023年减少1所，其中公办1所、民办1所。")
    assert "与2023年相比，新增第04职业学校1所，减少第02职业学校、第03职业学校2所。" in lead
    table = next(t for t in report.tables if t.id == "schools_series")
    assert [[c.text for c in r] for r in table.rows] == [
        ["2022年", "2", "—", "—", "—"],
        ["2023年", "3", "+1", "第03职业学校", "—"],
        ["2024年", "2", "-1", "第04职业学校", "第02职业学校、第03职业学校"],
    ]
    assert table.title == "2022—2024年中等职业学校数"


def test_same_schools_say_the_count_is_unchanged_and_name_no_one():
    by_year = {2023: [school("01", 2023, {"GM06": 1})], 2024: [school("01", 2024, {"GM06": 1})]}
    lead = "".join(report_of(by_year).preface.leads)
    assert "全区共有中等职业学校1所，与2023年持平，其中公办1所。" in lead and "新增" not in lead


def test_without_history_the_report_is_as_before():
    report = report_of({2024: [school("01", 2024, {"GM06": 1})]})
    assert not {t.id for t in report.tables} & {s.id for s in EDITION.series}
    assert not [c for c in report.charts if c.id.endswith("_series_chart")]
    assert "".join(report.preface.leads).startswith("全区共有中等职业学校1所，其中公办1所。")


# ---------------------------------------------------------------------------------------------
# the sample district, from files
@pytest.fixture
def district(tmp_path: Path) -> Path:
    target = tmp_path / "区"
    shutil.copytree(DISTRICT, target)
    return target


def test_sample_history_is_consistent_and_the_report_shows_three_years(tmp_path):
    result = aggregate_report(DISTRICT / "海川区.xlsx", SCHOOLS, tmp_path / "区.docx", history=HISTORY)
    assert result.written and not result.errors
    assert result.history is not None and sorted(result.history.years) == [2022, 2023]
    assert not result.history.problems  # every 上年 of 2024 equals the school's 2023 本年
    document = docx.Document(tmp_path / "区.docx")
    counts = rows_by_label(table_after(document, "2022—2024年中等职业学校数"))
    assert [counts[y][1] for y in ("2022年", "2023年", "2024年")] == ["5", "6", "5"]
    assert counts["2024年"][3] == "北京海川艺术职业学校"
    series = rows_by_label(table_after(document, "2022—2024年毕业去向落实率与升学率"))
    assert set(series) >= {"汇总学校数", "毕业去向落实率", "升学率"}
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全区共有中等职业学校5所，较2023年减少1所" in text
    assert "图" in text and "2022—2024年“双师型”教师比例" in text


def test_committed_history_is_what_the_script_builds(tmp_path):
    module = sample_builder("build_district")
    built = [p for p in module.build(tmp_path) if module.HISTORY in p.parts]
    assert len(built) == 11

    for path in built:
        committed = DISTRICT / path.relative_to(tmp_path)
        assert workbook_values(path) == workbook_values(committed), f"run: python sample_inputs/build_district.py ({committed})"


# ---------------------------------------------------------------------------------------------
# (3) checks across years
def test_a_last_year_value_that_differs_from_last_years_workbook_is_a_warning_with_both_cells(district):
    current = district / "学校" / "海川职业学校.xlsx"
    wb = openpyxl.load_workbook(current)
    row = indicator_row(wb["指标"], "GM06")
    wb["指标"].cell(row=row, column=5).value = 2500  # 上年; the school's 2023 workbook says 2560
    wb.save(current)
    earlier = district / "历年" / "2023" / "海川职业学校.xlsx"
    earlier_row = indicator_row(openpyxl.load_workbook(earlier)["指标"], "GM06")
    result = aggregate_report(district / "海川区.xlsx", sorted((district / "学校").glob("*.xlsx")), district / "区.docx",
                              history=district / "历年")
    assert result.written  # a warning: the report is made
    found = [p for p in result.problems if p.code == "last-year-differs"]
    assert len(found) == 1
    problem = found[0]
    assert (problem.file, problem.sheet, problem.cell, problem.indicator) == ("海川职业学校.xlsx", "指标", f"E{row}", "GM06")
    assert f"（指标!E{row}）是 2500" in problem.message
    assert f"“{earlier}”中的本年值（指标!F{earlier_row}）是 2560" in problem.message


def test_two_workbooks_of_one_school_for_one_year_are_refused_with_both_paths(district):
    first = district / "历年" / "2023" / "海川职业学校.xlsx"
    second = district / "历年" / "补交" / "海川职业学校-修改.xlsx"
    second.parent.mkdir()
    shutil.copyfile(first, second)
    out = district / "区.docx"
    result = vqr("aggregate", district / "海川区.xlsx", *sorted((district / "学校").glob("*.xlsx")), "-o", out,
                 "--history", district / "历年")
    assert result.exit_code == 2, result.stdout + result.stderr
    said = "".join(result.stderr.split())  # wrapped at 80 columns, paths too
    assert "学校代码4111099901" in said and "2023年度有2份填报表" in said
    assert str(first) in said and str(second) in said
    assert not out.exists() and "Traceback" not in result.stdout + result.stderr


def test_unusable_history_workbooks_are_named_with_path_and_reason(district):
    broken = district / "历年" / "2023" / "坏文件.xlsx"
    broken.write_bytes(b"not a workbook")
    same_year = district / "历年" / "2024" / "海川职业学校.xlsx"
    same_year.parent.mkdir()
    shutil.copyfile(district / "学校" / "海川职业学校.xlsx", same_year)
    with_errors = district / "历年" / "2022" / "海川区第一职业学校.xlsx"
    wb = openpyxl.load_workbook(with_errors)
    wb["指标"].cell(row=indicator_row(wb["指标"], "GM01"), column=6).value = "很多"
    wb.save(with_errors)
    result = aggregate_report(district / "海川区.xlsx", sorted((district / "学校").glob("*.xlsx")), district / "区.docx",
                              history=district / "历年")
    assert result.written
    problems = {p.code: p for p in result.history.problems}
    assert problems["history-unreadable"].file == str(broken) and "不是" in problems["history-unreadable"].message
    assert problems["history-year"].file == str(same_year) and "2024" in problems["history-year"].message
    assert problems["history-has-errors"].file == str(with_errors)
    assert "指标!F" in problems["history-has-errors"].message and "2022" in problems["history-has-errors"].message
    assert len(result.history.years[2022]) == 4  # the school with errors is left out of 2022, the others count


def test_history_folder_that_is_missing_or_empty_is_refused(district, tmp_path):
    args = [district / "海川区.xlsx", *sorted((district / "学校").glob("*.xlsx")), "-o", district / "区.docx"]
    missing = vqr("aggregate", *args, "--history", tmp_path / "没有")
    assert missing.exit_code == 2 and "找不到历年数据文件夹" in unwrapped(missing.stderr)
    (tmp_path / "空").mkdir()
    empty = vqr("aggregate", *args, "--history", tmp_path / "空")
    assert empty.exit_code == 2 and "没有找到填报表" in unwrapped(empty.stderr)


# ---------------------------------------------------------------------------------------------
# the commands
def test_aggregate_command_with_history(district):
    out = district / "区.docx"
    result = vqr("aggregate", district / "海川区.xlsx", *sorted((district / "学校").glob("*.xlsx")), "-o", out,
                 "--history", district / "历年")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "2022 年 5 所、2023 年 6 所" in unwrapped(result.stdout)
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert "较2023年减少1所" in text


def test_batch_passes_history_to_the_aggregate_and_does_not_render_it(district, tmp_path):
    history = district / "学校" / "历年"  # inside the collection folder: not this year's schools
    shutil.move(district / "历年", history)
    out = tmp_path / "输出"
    result = vqr("batch", district / "学校", "-o", out, "--aggregate", district / "海川区.xlsx", "--history", history,
                 "--jobs", "1")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert len(list(out.glob("*质量报告.docx"))) == 5  # the five 2024 schools only
    report = next(p for p in out.glob("*.docx") if "海川区中等职业教育" in p.name)
    assert "较2023年减少1所" in "\n".join(p.text for p in docx.Document(report).paragraphs)
    refused = vqr("batch", district / "学校", "-o", out, "--history", history)
    assert refused.exit_code == 1 and "--aggregate" in unwrapped(refused.stderr)


# ---------------------------------------------------------------------------------------------
def test_edition_series_must_name_existing_indicators_and_one_unit_per_chart():
    data = EDITION.model_dump(by_alias=True, exclude_none=True)
    words = {"indicator": "指标", "unit": "单位", "schools": "汇总学校数", "schools_unit": "所"}
    data["series"] = [{"id": "x", "kind": "indicators", "section": "前言", "title": "t", "indicators": ["NOPE"],
                       "headers": words},
                      {"id": "y", "kind": "indicators", "section": "9.9", "title": "t", "indicators": ["GM01"],
                       "chart": {"title": "t", "indicators": ["GM01", "F1-51"]}, "headers": words}]
    with pytest.raises(ValueError) as raised:
        Edition.model_validate(data)
    message = str(raised.value)
    assert "序列 x 引用了不存在的指标 NOPE" in message
    assert "序列 y 引用了不存在的章节 9.9" in message and "序列 y 的图中各指标单位不同" in message


# ------------------------------------------------------------------ 封面 hints follow the workbook's year
def _cover_hints(path) -> dict[str, str]:  # noqa: ANN001
    return {row[0]: row[2] for row in openpyxl.load_workbook(path)["封面"].iter_rows(min_row=2, values_only=True)}


@pytest.mark.parametrize("edition", ["zhongzhi-2024", "gaozhi-2020", "zhongzhi-2020"])
def test_cover_hints_follow_the_year_of_the_workbook_made_from_last_years(edition, tmp_path):
    """`vqr init --from` a 2024 workbook makes a 2025 one: its hints' example years are 2025's (发布日期
    例如：2026 年 1 月), not the blank workbook's; no placeholder reaches a hint."""
    from vqr_author import api

    ed = load_edition(edition)
    blank, later = tmp_path / "空白.xlsx", tmp_path / "次年.xlsx"
    api.new_workbook(blank, edition=ed)
    wb = openpyxl.load_workbook(blank)
    year_key = ed.cover_key("year")
    for row in wb["封面"].iter_rows(min_row=2):
        if row[0].value == year_key:
            row[1].value = str(ed.hint_year + 4)
    wb.save(blank)
    api.new_workbook(later, edition=ed, previous=blank)
    before, after = _cover_hints(blank), _cover_hints(later)
    date_key = ed.cover_key("date")
    shift = {str(ed.hint_year + n): str(ed.hint_year + 5 + n) for n in (0, 1)}  # the new workbook is of hint_year + 5
    for key, hint in before.items():
        expected = hint
        for old, new in shift.items():
            expected = expected.replace(old, f"<{new}>")
        assert after[key] == expected.replace("<", "").replace(">", ""), key
    assert not any("{" in (h or "") for h in after.values())
    date = next(f for f in ed.cover_fields if f.key == date_key)
    assert ed.cover_hint(date, ed.hint_year + 5) == after[date_key].removeprefix("（必填）")  # vqr check's messages too
