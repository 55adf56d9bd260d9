"""Rounds of fixes: a diff of what a change does to the report, and next year's workbook from this year's."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest

from conftest import SAMPLE, indicator_row
from vqr_author import check_workbook, diff_reports, new_workbook, render_report
from vqr_author.changes import manifest_path
from vqr_author.errors import VqrError


def test_one_cell_change_names_the_cell_and_every_place_it_reaches(sample, tmp_path):
    new = tmp_path / "school" / "新.xlsx"
    wb = openpyxl.load_workbook(sample)
    row = indicator_row(wb["指标"], "SZ01")
    wb["指标"].cell(row=row, column=6).value = 170
    wb.save(new)
    changes = diff_reports(sample, new)
    assert changes.inputs == [{"place": f"指标!F{row}", "item": "“双师型”教师数（本年）", "old": "168", "new": "170"}]
    values = {(v["indicator"], v["field"]): (v["old"], v["new"]) for v in changes.values}
    assert values[("“双师型”教师比例", "本年")] == ("85.71", "86.73")  # 170 / 196
    assert values[("“双师型”教师比例", "增长量")] == ("1.67个百分点", "2.69个百分点")
    cells = {(t["table"], t["row"], t["column"]): t["new"] for t in changes.tables}
    assert cells[("附表 3 教学资源表", "“双师型”教师比例", "2024年")] == "86.73"
    assert cells[("表 5 2023年、2024年教师队伍基本情况", "“双师型”教师数", "增长率")] == "7.59%"
    (sentence,) = changes.sentences
    assert sentence["section"] == "5.5 队伍建设" and "占专任教师的86.73%" in sentence["new"]


def test_diff_against_a_rendered_report_reads_its_record(sample, tmp_path):
    report = tmp_path / "报告.docx"
    render_report(sample, report)
    record = json.loads(manifest_path(report).read_text(encoding="utf-8"))
    assert record["edition"] == "zhongzhi-2024" and len(record["input"]["sha256"]) == 64
    assert diff_reports(report, sample).empty  # nothing changed since the render
    new = tmp_path / "school" / "新.xlsx"
    wb = openpyxl.load_workbook(sample)
    wb["封面"]["B2"].value = "北京市海川职业技术学校"
    wb.save(new)
    changes = diff_reports(report, new)
    assert changes.inputs[0]["place"] == "封面!B2"
    assert not changes.values and not changes.tables


def test_diff_without_the_record_says_what_to_do(sample, tmp_path):
    lone = tmp_path / "别人的报告.docx"
    lone.write_bytes(b"")
    with pytest.raises(VqrError, match="vqr diff 旧.xlsx 新.xlsx"):
        diff_reports(lone, sample)


def test_diff_command(sample, tmp_path):
    same = subprocess.run([sys.executable, "-m", "vqr_author.cli", "diff", str(sample), str(sample)],
                          capture_output=True, text=True)
    assert same.returncode == 0 and "没有差别" in same.stdout
    as_json = subprocess.run([sys.executable, "-m", "vqr_author.cli", "diff", str(sample), str(sample), "--json"],
                             capture_output=True, text=True)
    assert json.loads(as_json.stdout) == {"inputs": [], "values": [], "tables": [], "sentences": []}


def test_render_record_is_reproducible(sample, tmp_path):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    render_report(sample, a)
    render_report(sample, b)
    assert manifest_path(a).read_bytes() == manifest_path(b).read_bytes()


def test_next_years_workbook_round_trip(tmp_path):
    target = tmp_path / "school" / "2025.xlsx"
    target.parent.mkdir()
    carried = new_workbook(target, previous=SAMPLE)
    assert (carried.previous_year, carried.year) == ("2024", "2025")
    assert carried.new_indicators == [] and carried.dropped_indicators == []
    before = check_workbook(SAMPLE)
    wb = openpyxl.load_workbook(target)
    cover = {row[0].value: row[1].value for row in wb["封面"].iter_rows(min_row=2)}
    assert cover["单位名称"] == "北京市海川职业学校" and cover["报告年度"] == "2025"
    assert cover["公开网址"].endswith("/2025") and cover["发布日期"] is None
    for row in wb["指标"].iter_rows(min_row=2):
        code, last, this = row[0].value, row[4].value, row[5].value
        previous = before.book.indicators[code].this.value
        if before.edition.indicator(code).kind.value != "text":
            assert (last is None and previous is None) or str(last) == format(previous.normalize(), "f"), code
        assert this is None
    majors = list(wb["专业"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert majors[0][:2] == ("700206", "汽车运用与维修")
    first = before.report.records["majors"].rows[0]
    assert majors[0][8:11] == (float(first.get("employment_rate")), float(first.get("matched_rate")), int(first.get("salary")))
    assert majors[0][2] is None  # this year's counts are left for the school
    assert [r[1] for r in wb["正文"].iter_rows(min_row=2, values_only=True)] == [None] * (wb["正文"].max_row - 1)
    assert wb["案例"].max_row == 1


def test_next_years_report_compares_with_last_year_without_retyping(tmp_path):
    import shutil

    import docx

    from conftest import SAMPLE_DIR, rows_by_label, table_after

    folder = tmp_path / "school"
    shutil.copytree(SAMPLE_DIR, folder)
    target = folder / "2025.xlsx"
    new_workbook(target, previous=SAMPLE)
    source = openpyxl.load_workbook(SAMPLE)
    wb = openpyxl.load_workbook(target)
    this_year = {row[0].value: row[5].value for row in source["指标"].iter_rows(min_row=2)}
    this_year.update({"GM01": 950, "GM02": 918})  # the only news: 38 more enrolments
    for row in wb["指标"].iter_rows(min_row=2):
        row[5].value = this_year[row[0].value]
    for ws in ("专业", "资助", "正文", "案例"):
        for r, values in enumerate(source[ws].iter_rows(min_row=2, values_only=True), start=2):
            for c, value in enumerate(values, start=1):
                if ws != "专业" or c <= 8:
                    wb[ws].cell(row=r, column=c).value = value
    wb["封面"]["B8"].value = "2026年1月"
    wb.save(target)
    out = tmp_path / "2025.docx"
    result = render_report(target, out)
    assert result.written, [p.message for p in result.check.errors]
    document = docx.Document(str(out))
    scale = rows_by_label(table_after(document, "2024年、2025年学校办学规模"), 1)
    assert scale["招生人数"][3:] == ["912", "950", "38", "4.17%"]
    assert scale["在校生人数"][3:] == ["2688", "2688", "0", "0.00%"]
    majors = table_after(document, "2025年分专业就业质量")
    first = [c.text for c in majors.rows[2].cells]
    assert first[2] == first[3] and first[4] == "0.00"  # last year's rate carried, same data this year


def _edited(sample, target, cells: dict[tuple[str, int], object]):
    """The sample workbook with 本年 (column F) of the given indicators typed anew, saved as ``target``."""
    wb = openpyxl.load_workbook(sample)
    rows = {}
    for (code, column), value in cells.items():
        rows[code] = indicator_row(wb["指标"], code)
        wb["指标"].cell(row=rows[code], column=column).value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return rows


def test_an_unreadable_cell_shows_what_was_typed_never_an_empty_cell(sample, tmp_path):
    """The QA case: 约2700 typed for 在校生人数 showed as “2688 → （空）”."""
    new = sample.parent / "新.xlsx"
    rows = _edited(sample, new, {("SZ01", 6): "约2700"})
    (change,) = [c for c in diff_reports(sample, new).inputs if c["place"] == f"指标!F{rows['SZ01']}"]
    assert change["old"] == "168" and change["new"] == "约2700（不是数值）"


def test_a_percentage_typed_as_a_fraction_shows_the_fraction_and_how_it_is_read(sample, tmp_path):
    new = sample.parent / "新.xlsx"
    rows = _edited(sample, new, {("F2-01", 6): 0.9345})
    (change,) = [c for c in diff_reports(sample, new).inputs if c["place"] == f"指标!F{rows['F2-01']}"]
    assert change["new"] == "0.9345（按 0.9345% 读取）" and "（" not in change["old"]


def test_a_photo_not_found_is_not_an_emptied_cell(sample, tmp_path):
    """The 图片文件 text is compared as typed: a workbook away from its photos changes nothing there
    (that the photo is missing is the check's error, not a change of the cell)."""
    elsewhere = tmp_path / "别处" / "新.xlsx"
    _edited(sample, elsewhere, {})
    changes = diff_reports(sample, elsewhere)
    assert not [c for c in changes.inputs if c["item"] == "案例·图片"]
    assert changes.new_errors  # the photos are not found: the check says so
