"""Each validation rule, on the sample workbook with one thing broken at a time."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from conftest import indicator_row
from vqr_author import check_workbook
from vqr_author.problems import Level


def problems_with(result, code):
    return [p for p in result.problems if p.code == code]


def cell_of(path, code, column="F"):
    wb = openpyxl.load_workbook(path, read_only=False)
    return f"{column}{indicator_row(wb['指标'], code)}"


def test_sample_has_no_errors(sample):
    result = check_workbook(sample)
    assert result.errors == []


def test_seed_000_mistakes_are_each_reported_with_their_cell(sample, edit):
    # 高级 77 + 中级 49 + 初级 134 = 260 "专任教师" when there are 175; a rate typed as 0.95.
    edit(sample, indicators={"F6-06": (188, 175), "SZ03": (54, 77), "SZ04": (68, 49), "SZ05": (66, 134),
                             "SZ07": (188, 175), "F2-01": (97.31, 0.95)})
    result = check_workbook(sample)
    mismatch = problems_with(result, "parts-sum-mismatch")
    assert len(mismatch) == 1
    assert mismatch[0].level is Level.ERROR
    assert (mismatch[0].sheet, mismatch[0].cell) == ("指标", cell_of(sample, "F6-06"))
    assert "= 260" in mismatch[0].message and "175" in mismatch[0].message
    fraction = problems_with(result, "rate-as-fraction")
    assert len(fraction) == 1 and fraction[0].level is Level.ERROR
    assert (fraction[0].sheet, fraction[0].cell) == ("指标", cell_of(sample, "F2-01"))
    assert "95" in fraction[0].message


def test_percent_formatted_fraction_is_read_as_a_percentage(sample, edit):
    def fmt(wb):
        cell = wb["指标"].cell(row=indicator_row(wb["指标"], "F2-01"), column=6)
        cell.value, cell.number_format = 0.9785, "0.00%"

    edit(sample, fn=fmt)
    result = check_workbook(sample)
    assert result.errors == []
    assert str(result.report.indicators["F2-01"].this) == "97.85"


def test_a_small_rate_within_its_range_is_not_taken_for_a_fraction(sample, edit):
    edit(sample, indicators={"F1-11": (1.14, 0.62)})  # 自主创业率 0.62%: within its range 0–20
    assert problems_with(check_workbook(sample), "rate-as-fraction") == []


def test_a_small_rate_without_a_range_is_only_a_warning(sample, edit):
    edit(sample, indicators={"F1-12": (1.14, 0.8)})  # 毕业三年晋升比例 has no usual range: 0.8 may be 80%
    (problem,) = problems_with(check_workbook(sample), "rate-as-fraction")
    assert problem.level is Level.WARNING and "0.8%" in problem.message


@pytest.mark.parametrize(
    ("code", "value", "problem"),
    [
        ("GM01", "九百", "not-a-number"),
        ("GM01", -5, "negative-value"),
        ("GM01", 912.5, "count-not-integer"),
        ("F2-01", 120, "rate-out-of-range"),
        ("TJ03", -1, "negative-value"),
        ("GM01", True, "boolean-in-number-cell"),
    ],
)
def test_value_rules_name_the_cell(sample, edit, code, value, problem):
    edit(sample, indicators={code: (None, value)})
    found = problems_with(check_workbook(sample), problem)
    assert found, problem
    assert found[0].cell == cell_of(sample, code) and found[0].level is Level.ERROR


def test_required_cover_field(sample, edit):
    edit(sample, cells={("封面", "B2"): None})
    (problem,) = problems_with(check_workbook(sample), "cover-missing-field")
    assert (problem.sheet, problem.cell, problem.indicator) == ("封面", "B2", "单位名称")


def test_cover_choice_and_year(sample, edit):
    edit(sample, cells={("封面", "B5"): "国办", ("封面", "B6"): "二〇二四"})
    result = check_workbook(sample)
    assert problems_with(result, "cover-invalid-choice")[0].cell == "B5"
    assert problems_with(result, "cover-invalid-year")[0].cell == "B6"


def test_required_indicator(sample, edit):
    edit(sample, indicators={"F6-06": (188, None)})
    assert problems_with(check_workbook(sample), "required-missing")[0].indicator == "专任教师总数"


def test_part_never_exceeds_its_parent(sample, edit):
    edit(sample, indicators={"GM04": (170, 900)})  # 贯通培养 900 > 全日制职高 880
    (problem,) = problems_with(check_workbook(sample), "part-exceeds-parent")
    assert problem.cell == cell_of(sample, "GM04")
    assert "880" in problem.message


def test_exhaustive_parts_must_add_up(sample, edit):
    edit(sample, indicators={"GM02": (815, 870)})  # 870 + 32 ≠ 912
    (problem,) = problems_with(check_workbook(sample), "parts-sum-mismatch")
    assert problem.cell == cell_of(sample, "GM01")
    assert "870" in problem.message and "912" in problem.message


def test_disjoint_parts_never_exceed_the_total(sample, edit):
    edit(sample, indicators={"F3-16": (2, 9)})  # 0 + 1 + 9 > 4 资源库
    (problem,) = problems_with(check_workbook(sample), "parts-exceed-total")
    assert problem.cell == cell_of(sample, "F3-11")


def test_last_year_is_checked_too(sample, edit):
    edit(sample, indicators={"GM03": (40, 32)})  # 上年 815 + 40 ≠ 845
    (problem,) = problems_with(check_workbook(sample), "parts-sum-mismatch")
    assert problem.cell == cell_of(sample, "GM01", "E") and problem.message.startswith("上年")


def test_record_totals_must_agree_with_indicators(sample, edit):
    edit(sample, cells={("专业", "D2"): 90})  # 汽车运用与维修 毕业生 82 → 90: 专业 total 820 ≠ 812
    problems = problems_with(check_workbook(sample), "record-total-mismatch")
    assert any("820" in p.message and "812" in p.message for p in problems)


def test_record_row_rules(sample, edit):
    edit(sample, cells={("专业", "E2"): 80, ("专业", "A3"): "12345"})  # 就业 80 + 升学 43 > 毕业生 82; bad code
    result = check_workbook(sample)
    assert problems_with(result, "parts-exceed-total")[0].sheet == "专业"
    assert problems_with(result, "record-invalid-format")[0].cell == "A3"


def test_per_student_value_out_of_range_is_a_warning(sample, edit):
    # 教学仪器设备总值 typed in 元 instead of 万元: 生均 becomes absurd (seed 001's 27452834.91 元/生).
    edit(sample, indicators={"TJ04": (14288.52, 152368000)})
    problems = [p for p in problems_with(check_workbook(sample), "implausible-value") if p.indicator == "生均教学科研仪器设备值"]
    assert problems and problems[0].level is Level.WARNING
    assert problems[0].cell == cell_of(sample, "TJ04")


def test_student_teacher_ratio_out_of_range_is_a_warning(sample, edit):
    edit(sample, indicators={"F6-06": (188, 2000), "F6-05": (254, 2100)})  # 生师比 1.3:1, as in seed 001
    problems = [p for p in problems_with(check_workbook(sample), "implausible-value") if p.indicator == "生师比"]
    assert problems and "1.3:1" in problems[0].message


def test_large_year_over_year_change_is_a_warning(sample, edit):
    edit(sample, indicators={"GM05": (40, 120)})  # 合作办学 +200%
    (problem,) = [p for p in problems_with(check_workbook(sample), "large-change") if p.indicator == "合作办学招生人数"]
    assert problem.level is Level.WARNING and problem.cell == cell_of(sample, "GM05")


def test_all_problems_are_collected_in_one_pass(sample, edit):
    edit(sample, indicators={"GM01": (845, "abc"), "F2-01": (97.31, 150)}, cells={("封面", "B2"): None})
    codes = {p.code for p in check_workbook(sample).errors}
    assert {"not-a-number", "rate-out-of-range", "cover-missing-field"} <= codes


def test_formula_without_cached_value_is_an_error_naming_the_cell(sample, edit):
    edit(sample, indicators={"GM05": (98, "=100+20")})  # written by a script, never calculated by Excel
    (problem,) = problems_with(check_workbook(sample), "formula-without-value")
    assert problem.cell == cell_of(sample, "GM05")


def test_unknown_duplicate_and_missing_indicator_rows(sample, edit):
    def damage(wb):
        ws = wb["指标"]
        ws.cell(row=indicator_row(ws, "GM05"), column=1, value="GM99")
        ws.cell(row=indicator_row(ws, "GM08"), column=1, value="GM07")

    edit(sample, fn=damage)
    result = check_workbook(sample)
    assert problems_with(result, "unknown-indicator")[0].sheet == "指标"
    assert problems_with(result, "duplicate-indicator")
    missing = {p.indicator for p in problems_with(result, "missing-indicator")}
    assert missing == {"合作办学招生人数", "培训人数"}


def test_unknown_section_in_narrative(sample, edit):
    edit(sample, cells={("正文", "A2"): "9.9 不存在的章节"})
    (problem,) = problems_with(check_workbook(sample), "unknown-section")
    assert (problem.sheet, problem.cell) == ("正文", "A2")


# ---------------------------------------------------------------------------------------------
# Every problem names the cell the reader found its value in (columns are found by their headers).
def _swap_year_columns(wb):
    ws = wb["指标"]
    for row in ws.iter_rows(min_row=1):
        row[4].value, row[5].value = row[5].value, row[4].value  # headers move with their columns


def _insert_column_before_years(wb):
    wb["指标"].insert_cols(5)  # 上年/本年 move right to F/G


@pytest.mark.parametrize("layout", [_swap_year_columns, _insert_column_before_years], ids=["swapped", "moved-right"])
def test_each_problem_names_the_cell_that_holds_its_value(sample, edit, layout):
    edit(sample, indicators={
        "TJ04": (152368000, 152368000),  # 生均仪器设备值 absurd in both years (derived: names an input cell)
        "GM05": (40, 120),  # large change
        "F1-12": (0.5, 0.8),  # rate as fraction (no usual range), both years
        "GM03": (40, 32),  # 上年 parts do not add up
    }, fn=layout)
    result = check_workbook(sample)
    ws = openpyxl.load_workbook(sample)["指标"]
    codes = set()
    for p in result.problems:
        if p.sheet != "指标" or not p.cell:
            continue
        codes.add(p.code)
        header = ws[re.match(r"[A-Z]+", p.cell).group(0) + "1"].value
        if p.message.startswith(("上年", "本年")):
            assert header == p.message[:2], p
        elif p.code == "large-change":
            assert header == "本年", p
        elif p.code == "rate-as-fraction":
            assert f"填写为 {ws[p.cell].value}" in p.message, p
    assert {"implausible-value", "large-change", "rate-as-fraction", "parts-sum-mismatch"} <= codes
    derived = [p for p in problems_with(result, "implausible-value") if p.indicator == "生均教学科研仪器设备值"]
    assert len(derived) == 2 and len({p.cell for p in derived}) == 2


def test_cover_columns_are_found_by_their_headers(sample, edit):
    def swap(wb):
        ws = wb["封面"]
        for row in ws.iter_rows(min_row=1):
            row[0].value, row[1].value = row[1].value, row[0].value

    edit(sample, cells={("封面", "B5"): "国办"}, fn=swap)  # 办学性质, now in A5
    result = check_workbook(sample)
    (problem,) = problems_with(result, "cover-invalid-choice")
    assert (problem.sheet, problem.cell) == ("封面", "A5")
    assert result.report is None or result.report.unit_name
    assert not problems_with(result, "cover-missing-field")


def test_blank_optional_indicators_are_one_grouped_warning(sample, edit):
    assert not problems_with(check_workbook(sample), "optional-indicators-blank")  # the sample is complete
    blank = {code: (1, None) for code in ("F1-05", "F1-06", "F3-01", "F3-02", "F3-03")}
    edit(sample, indicators={**blank, "GM07": (20, "—")})  # "—" is no data, too
    (problem,) = problems_with(check_workbook(sample), "optional-indicators-blank")
    assert problem.level is Level.WARNING and (problem.sheet, problem.cell) == ("指标", "")
    assert "有 6 项选填指标" in problem.message
    assert "规模：1 项，附表1：2 项，附表3：3 项" in problem.message
# 封面 values are normalised once, where the cover is read (issue 10, item 9)
@pytest.mark.parametrize("typed", ["2024年", "２０２４", "２０２４年度", " 2024 年度 ", 2024])
def test_report_year_is_normalised_everywhere_it_is_used(sample, edit, typed):
    edit(sample, cells={("封面", "B6"): typed})
    result = check_workbook(sample)
    assert result.errors == []
    assert result.book.cover_text("报告年度") == "2024"
    assert result.report.title == "北京市海川职业学校中等职业教育质量年度报告（2024年度）"


def test_full_width_letters_and_digits_in_names_are_folded_but_chinese_punctuation_stays(sample, edit):
    edit(sample, cells={("封面", "B2"): "\u3000北京市海川第２职业学校（ＡＢＣ校区）", ("封面", "B3"): "４１１１０９９９０１"})
    result = check_workbook(sample)
    assert result.errors == []
    assert result.book.cover_text("单位名称") == "北京市海川第2职业学校（ABC校区）"
    assert result.book.cover_text("学校代码") == "4111099901"
    assert result.report.title.startswith("北京市海川第2职业学校（ABC校区）")


@pytest.mark.parametrize(("date", "number_format", "shown"), [
    (dt.datetime(2025, 1, 1), "yyyy-mm-dd h:mm:ss", "2025年1月"),  # Excel's day for a month typed as 2025-1
    (dt.datetime(2025, 3, 1), 'yyyy"年"m"月"', "2025年3月"),
    (dt.datetime(2025, 1, 15), 'yyyy"年"m"月"', "2025年1月"),  # the cell shows no day
    (dt.datetime(2025, 1, 15), "yyyy/m/d", "2025年1月15日"),
])
def test_a_date_cell_in_the_cover_reads_as_covers_print_dates(sample, edit, date, number_format, shown):
    def fn(wb):
        wb["封面"]["B8"].value, wb["封面"]["B8"].number_format = date, number_format

    edit(sample, fn=fn)
    result = check_workbook(sample)
    assert result.errors == []
    assert result.book.cover_text("发布日期") == shown


@pytest.mark.parametrize(("cell", "key"), [("B2", "单位名称"), ("B7", "发布单位"), ("B6", "报告年度"), ("B11", "报告名称")])
def test_a_line_break_inside_a_cover_field_is_refused_with_the_cell(sample, edit, cell, key):
    value = {"B6": "2024\n年度", "B11": "北京市海川职业学校\n质量年度报告"}.get(cell, "北京市海川\n职业学校")
    edit(sample, cells={("封面", cell): value})
    (problem,) = problems_with(check_workbook(sample), "cover-line-break")
    assert (problem.sheet, problem.cell, problem.indicator) == ("封面", cell, key)
    assert "请删除单元格中的换行（Alt+Enter）" in problem.message


# ---------------------------------------------------------------------------------------------
# Messages that say enough (issue 10, item 11)
@pytest.mark.parametrize("label", [" 单位名称：", "单位名称:", "单位 名称", "*单位名称", "单位名称＊"])
def test_cover_labels_with_spaces_colons_or_marks_match_their_field(sample, edit, label):
    edit(sample, cells={("封面", "A2"): label})
    result = check_workbook(sample)
    assert result.errors == []
    assert result.book.cover_text("单位名称") == "北京市海川职业学校"


def test_an_empty_cover_field_names_its_value_cell(sample, edit):
    edit(sample, cells={("封面", "A2"): " 单位名称：", ("封面", "B2"): None})
    (problem,) = problems_with(check_workbook(sample), "cover-missing-field")
    assert (problem.sheet, problem.cell) == ("封面", "B2") and "B2" in problem.message


def test_a_missing_cover_row_says_which_label_and_where_to_add_it(sample, edit):
    edit(sample, cells={("封面", "A2"): "学校名称"})
    (problem,) = problems_with(check_workbook(sample), "cover-missing-field")
    assert problem.indicator == "单位名称"
    assert "没有“单位名称”这一行" in problem.message and "A 列写“单位名称”" in problem.message


def test_merged_section_cells_in_the_narrative_name_the_merge_not_a_missing_section(sample, edit):
    edit(sample, fn=lambda wb: wb["正文"].merge_cells("A3:A5"))
    result = check_workbook(sample)
    assert problems_with(result, "missing-section") == []
    (problem,) = problems_with(result, "merged-cells")
    assert (problem.sheet, problem.cell) == ("正文", "A3")
    assert "A3:A5" in problem.message and "取消合并" in problem.message


def test_merged_case_cells_are_one_merge_problem(sample, edit):
    edit(sample, fn=lambda wb: wb["案例"].merge_cells("B2:B3"))
    result = check_workbook(sample)
    assert problems_with(result, "case-missing-title") == []
    assert "B2:B3" in problems_with(result, "merged-cells")[0].message


@pytest.mark.parametrize(("typed", "padded"), [(411109990, "0411109990"), ("41110999", "0041110999")])
def test_a_school_code_that_lost_its_leading_zero_says_so(sample, edit, typed, padded):
    edit(sample, cells={("封面", "B3"): typed})
    (problem,) = problems_with(check_workbook(sample), "cover-invalid-format")
    assert problem.cell == "B3"
    assert "可能丢失了开头的 0" in problem.message and f"重新输入 {padded}" in problem.message


def test_a_major_code_that_lost_its_leading_zero_says_so(sample, edit):
    edit(sample, cells={("专业", "A2"): 50100})
    (problem,) = problems_with(check_workbook(sample), "record-invalid-format")
    assert "050100" in problem.message


@pytest.mark.parametrize(("code", "value"), [("GM08", "31250%"), ("GM01", "912%"), ("TJ03", "５０％")])
def test_a_percentage_typed_for_a_count_or_amount_is_an_error_naming_the_cell(sample, edit, code, value):
    edit(sample, indicators={code: (None, value)})
    result = check_workbook(sample)
    (problem,) = problems_with(result, "percent-in-number-cell")
    assert problem.cell == cell_of(sample, code) and problem.level is Level.ERROR
    assert problems_with(result, "required-missing") == []


def test_a_count_in_a_percent_formatted_cell_is_an_error(sample, edit):
    def fn(wb):
        cell = wb["指标"].cell(row=indicator_row(wb["指标"], "GM08"), column=6)
        cell.value, cell.number_format = 312.5, "0%"

    edit(sample, fn=fn)
    (problem,) = problems_with(check_workbook(sample), "percent-in-number-cell")
    assert "31250%" in problem.message and "人次" in problem.message


@pytest.mark.parametrize(("sheet", "cell_for"), [
    ("指标", lambda path: cell_of(path, "GM01")),  # a required indicator
    ("封面", lambda path: "B2"),  # a required cover field
])
def test_an_unreadable_cell_is_one_problem_not_also_missing(sample, edit, sheet, cell_for):
    target = cell_for(sample)
    for value in ("=100+20", "abc") if sheet == "指标" else ("=A1",):
        edit(sample, cells={(sheet, target): value})
        result = check_workbook(sample)
        on_cell = [p for p in result.errors if (p.sheet, p.cell) == (sheet, target)]
        assert len(on_cell) == 1, [p.code for p in on_cell]


def test_a_date_shown_as_its_day_number_is_refused_with_the_cell(sample, edit):
    edit(sample, cells={("封面", "B8"): 45672})  # a date cell whose format became 常规 (General)
    (problem,) = problems_with(check_workbook(sample), "cover-invalid-format")
    assert (problem.sheet, problem.cell) == ("封面", "B8") and "2025年1月15日" in problem.message


def test_an_unreadable_optional_indicator_is_not_also_counted_as_blank(sample, edit):
    edit(sample, indicators={"GM08": (None, "31250%"), "GM05": (None, "=1+1")})
    result = check_workbook(sample)
    assert problems_with(result, "percent-in-number-cell")
    assert not problems_with(result, "optional-indicators-blank")


def test_a_negative_value_is_one_error_not_also_a_large_change(sample, edit):
    edit(sample, indicators={"GM01": (-5, 880)})
    result = check_workbook(sample)
    assert problems_with(result, "negative-value")
    assert not [p for p in problems_with(result, "large-change") if p.indicator == "招生人数"]


def test_a_previous_year_the_report_does_not_show_is_named_with_its_cell(sample, edit, tmp_path):
    """附表 2 lists only this year's 调查方式: a 上年 typed for it would be lost without a word."""
    assert problems_with(check_workbook(sample), "previous-year-not-shown") == []
    edit(sample, indicators={"F2-21": ("问卷星线上调查", "全国统一网上调查")})
    (problem,) = problems_with(check_workbook(sample), "previous-year-not-shown")
    assert problem.cell == cell_of(sample, "F2-21", "E") and "问卷星线上调查" in problem.message

    from vqr_author import new_workbook

    new_workbook(tmp_path / "空白.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "空白.xlsx")["指标"]
    row = indicator_row(ws, "F2-21")
    assert "只填本年" in ws.cell(row=row, column=7).value
    assert ws.cell(row=row, column=5).fill.fgColor.rgb != ws.cell(row=row, column=6).fill.fgColor.rgb
