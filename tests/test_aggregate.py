"""District and city reports: sums, pooled rates, coverage, identity, shares (REPORTS.md §6)."""

from __future__ import annotations

import sys
from decimal import Decimal as D
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import ROOT, indicator_row, rows_by_label, table_after
from vqr_author import aggregate_report, check_workbook
from vqr_author.compute.aggregate import aggregate_values
from vqr_author.compute.identity import CoverNames, SchoolIdentity, identity_problems
from vqr_author.edition import load_edition
from vqr_author.workbook.model import Entry, IndicatorEntry, ReportWorkbook

sys.path.insert(0, str(ROOT / "sample_inputs"))
from synth import SchoolSpec, region_workbook, save, school_workbook  # noqa: E402

DISTRICT_DIR = ROOT / "sample_inputs" / "district"


def book(values: dict[str, tuple]) -> ReportWorkbook:
    entries = {code: IndicatorEntry(code, Entry(None if last is None else D(str(last))), Entry(None if this is None else D(str(this))))
               for code, (last, this) in values.items()}
    return ReportWorkbook(Path("x.xlsx"), "zhongzhi-2024", "学校", {}, entries, {})


def test_pooled_rate_not_averaged(edition):
    # A: 90 of 100 graduates placed (90%); B: 5 of 10 (50%). Pooled 95/110 = 86.36%; averaged would be 70%.
    a = book({"F1-01": (100, 100), "F1-02": (90, 90)})
    b = book({"F1-01": (10, 10), "F1-02": (5, 5)})
    values, coverage = aggregate_values(edition, [a, b])
    assert values["F1-01"].this == D(110) and values["F1-02"].this == D(95)
    assert values["F1-51"].this == D("86.36")
    assert coverage.reported["F1-51"] == (2, 2)


def test_typed_rate_is_weighted_by_its_base(edition):
    # 在校生满意度 99% over 100 respondents and 80% over 900: 81.9%, not (99 + 80) / 2 = 89.5%.
    a = book({"F2-01": (99, 99), "F2-41": (100, 100)})
    b = book({"F2-01": (80, 80), "F2-41": (900, 900)})
    values, _ = aggregate_values(edition, [a, b])
    assert values["F2-01"].this == D("81.90")


def test_blank_is_left_out_not_counted_as_zero(edition):
    a = book({"F6-01": (1000, 1000), "F6-06": (80, 80)})
    b = book({"F6-01": (500, 500), "F6-06": (None, None)})  # school B left 专任教师 blank
    values, coverage = aggregate_values(edition, [a, b])
    assert values["F6-06"].this == D(80)
    assert coverage.reported["F6-06"] == (1, 1)
    assert coverage.reported["SZ51"] == (1, 1)  # 生师比 covers only the school with both parts


def test_rate_without_a_base_is_not_combined(edition):
    values, coverage = aggregate_values(edition, [book({"SZ09": (20, 20)}), book({"SZ09": (30, 30)})])
    assert values["SZ09"].this is None and "SZ09" in coverage.not_pooled


def test_identity_problems():
    schools = [
        SchoolIdentity("a.xlsx", "4111000001", "北京市甲职业学校", "2024"),
        SchoolIdentity("b.xlsx", "4111000001", "北京市甲职业高中", "2024"),  # same code, another name
        SchoolIdentity("c.xlsx", "4111000002", "北京市乙职业学校", "2024"),
        SchoolIdentity("d.xlsx", "4111000003", "北京市 乙 职业学校", "2024"),  # near-identical, other code
        SchoolIdentity("e.xlsx", "4111000004", "北京市丙学校", "2023"),
    ]
    names = CoverNames.of(load_edition())
    found = {(p.code, p.file) for p in identity_problems(schools, "2024", names)}
    assert ("school-name-conflict", "b.xlsx") in found
    assert ("similar-school-names", "d.xlsx") in found
    assert ("year-mismatch", "e.xlsx") in found
    duplicate = identity_problems([schools[0], SchoolIdentity("x.xlsx", "4111000001", "北京市甲职业学校", "2024")], "2024", names)
    assert [p.code for p in duplicate] == ["duplicate-school"]


# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def district_report(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("district") / "区县报告.docx"
    schools = sorted((DISTRICT_DIR / "学校").glob("*.xlsx"))
    result = aggregate_report(DISTRICT_DIR / "海川区.xlsx", schools, out)
    assert result.written, [p.message for p in result.errors]
    return out, schools


def test_district_annex_totals_equal_the_sums_of_the_schools(district_report):
    out, schools = district_report
    results = [check_workbook(p) for p in schools]
    annex6 = rows_by_label(table_after(docx.Document(str(out)), "落实政策表"))
    for label, code in (("全日制在校生人数", "F6-01"), ("教职工总数", "F6-05"), ("其中：专任教师总数", "F6-06")):
        expected = sum(r.report.indicators[code].this for r in results)
        assert D(annex6[label][3]) == expected, label
    annex3 = rows_by_label(table_after(docx.Document(str(out)), "教学资源表"))
    students = sum(r.report.indicators["F6-01"].this for r in results)
    teachers = sum(r.report.indicators["F6-06"].this for r in results)
    double = sum(r.report.indicators["SZ01"].this for r in results)
    assert annex3["生师比"][3] == f"{(students / teachers).quantize(D('0.1'), 'ROUND_HALF_UP')}:1"
    assert D(annex3["“双师型”教师比例"][3]) == (double * 100 / teachers).quantize(D("0.01"), "ROUND_HALF_UP")


def test_district_report_has_per_school_and_school_type_tables(district_report):
    out, schools = district_report
    document = docx.Document(str(out))
    per_school = table_after(document, "2024年各学校主要指标")
    assert len(per_school.rows) == 1 + len(schools) + 1
    assert per_school.rows[-1].cells[0].text == f"合计（{len(schools)} 所）"
    types = rows_by_label(table_after(document, "2024年分办学性质主要指标"))
    assert types["公办"][1] == "4" and types["民办"][1] == "1" and types["合计"][1] == "5"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "（北京市海川职业学校）" in text  # cases from the school workbooks, with their school
    assert "注：共 5 所学校填报" in text


def test_district_major_categories_add_up_to_100(district_report):
    out, _ = district_report
    table = table_after(docx.Document(str(out)), "分专业大类在校生占比")
    shares = [D(row.cells[-1].text) for row in table.rows[1:-1]]
    assert sum(shares) == D("100.00") and table.rows[-1].cells[-1].text == "100.00"
    assert shares == sorted(shares, reverse=True)
    assert any("目录外" in row.cells[1].text for row in table.rows)


def _school(folder: Path, name: str, code: str, district: str, nature: str, seed: int) -> Path:
    import yaml

    text = yaml.safe_load((ROOT / "sample_inputs" / "sample_text.yaml").read_text(encoding="utf-8"))
    spec = SchoolSpec(name, code, district, nature, seed, 6)
    from vqr_author.edition import load_edition

    return save(school_workbook(load_edition(), spec, text), folder / f"{code}.xlsx")


def test_city_report_from_schools_of_several_districts(tmp_path, edition):
    import yaml

    text = yaml.safe_load((ROOT / "sample_inputs" / "district_text.yaml").read_text(encoding="utf-8"))
    city = save(region_workbook(edition, "市", {"区域名称": "北京市", "报告年度": "2024", "发布单位": "北京市教育委员会",
                                               "发布日期": "2025年3月", "公开网址": "https://jw.example.gov.cn"}, text),
                tmp_path / "北京市.xlsx")
    schools = [_school(tmp_path, f"北京市第{i}职业学校", f"41110000{i:02d}", district, nature, 100 + i)
               for i, (district, nature) in enumerate([("北京市甲区", "公办"), ("北京市甲区", "民办"),
                                                       ("北京市乙区", "公办"), ("北京市丙区", "公办")], start=1)]
    out = tmp_path / "市报告.docx"
    result = aggregate_report(city, schools, out, level="city")
    assert result.written, [p.message for p in result.errors]
    document = docx.Document(str(out))
    districts = rows_by_label(table_after(document, "2024年各区县主要指标"))
    assert districts["北京市甲区"][1] == "2" and districts["合计"][1] == "4"
    for caption in ("分专业大类在校生占比", "分专业在校生占比"):
        table = table_after(document, caption)
        assert sum(D(row.cells[-1].text) for row in table.rows[1:-1]) == D("100.00")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "排在校生人数前 5 位的专业大类依次为" in text and "占总数的" in text


def test_missing_indicator_in_one_school_is_counted_in_the_note(tmp_path):
    import shutil

    folder = tmp_path / "学校"
    shutil.copytree(DISTRICT_DIR / "学校", folder)
    path = folder / "海川区旅游商贸学校.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["指标"]
    ws.cell(row=indicator_row(ws, "F1-06"), column=6).value = None  # 月收入 not reported this year
    wb.save(path)
    out = tmp_path / "区县.docx"
    assert aggregate_report(DISTRICT_DIR / "海川区.xlsx", sorted(folder.glob("*.xlsx")), out).written
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "月收入按填报了全部所需数据的学校合并计算（本年 4 所、上年 5 所）" in text
    # 毕业生去向 compares the years: 月收入 of 4 schools against 5 schools is no change.
    assert "月收入上年与本年计入的学校不同，不计算增长量和增长率（记为“—”）" in text


def test_errors_in_a_school_refuse_the_aggregate_unless_draft(tmp_path):
    import shutil

    folder = tmp_path / "学校"
    shutil.copytree(DISTRICT_DIR / "学校", folder)
    wb = openpyxl.load_workbook(folder / "海川艺术职业学校.xlsx")
    wb["指标"].cell(row=indicator_row(wb["指标"], "GM01"), column=6).value = "很多"
    wb.save(folder / "海川艺术职业学校.xlsx")
    out = tmp_path / "区县.docx"
    refused = aggregate_report(DISTRICT_DIR / "海川区.xlsx", sorted(folder.glob("*.xlsx")), out)
    assert not refused.written and not out.exists()
    assert any(p.file == "海川艺术职业学校.xlsx" and p.code == "not-a-number" for p in refused.errors)
    assert aggregate_report(DISTRICT_DIR / "海川区.xlsx", sorted(folder.glob("*.xlsx")), out, draft=True).written


def test_every_derived_value_equals_the_pooled_recomputation(district_report, edition):
    """Recompute each rate / ratio / per-student value of the district from the schools' own inputs."""
    out, schools = district_report
    results = [check_workbook(p) for p in schools]
    document = docx.Document(str(out))
    printed = {}
    for number, title in ((3, "教学资源表"), (1, "人才培养质量计分卡")):
        for label, cells in rows_by_label(table_after(document, title)).items():
            printed[label.removeprefix("其中：")] = cells[3]
    checked = 0
    for ind in edition.derived_indicators:
        f = ind.formula
        complete = [r.book.indicators for r in results
                    if all(r.book.indicators[c].this.number is not None for c in f.inputs)]
        numerator = sum(sum(b[c].this.number for c in f.numerator) for b in complete)
        denominator = sum(b[f.denominator].this.number for b in complete)
        expected = (numerator * D(str(f.scale)) / denominator).quantize(D(1).scaleb(-ind.decimals), "ROUND_HALF_UP")
        if ind.name in printed:
            shown = printed[ind.name].removesuffix(":1")
            assert D(shown) == expected, ind.name
            checked += 1
    assert checked >= 5


def _cover_row(ws, key: str) -> int:
    return next(row[0].row for row in ws.iter_rows(min_row=2, max_col=1) if row[0].value == key)


def test_year_mismatch_names_the_school_report_year_cell_and_normalised_years_agree(tmp_path):
    import shutil

    folder = tmp_path / "学校"
    shutil.copytree(DISTRICT_DIR / "学校", folder)
    for name, year in (("海川艺术职业学校.xlsx", 2023), ("海川区旅游商贸学校.xlsx", "２０２４年度")):
        wb = openpyxl.load_workbook(folder / name)
        wb["封面"].cell(row=_cover_row(wb["封面"], "报告年度"), column=2).value = year
        wb.save(folder / name)
    result = aggregate_report(DISTRICT_DIR / "海川区.xlsx", sorted(folder.glob("*.xlsx")), tmp_path / "区县.docx")
    (mismatch,) = [p for p in result.problems if p.code == "year-mismatch"]
    wb = openpyxl.load_workbook(folder / "海川艺术职业学校.xlsx")
    cell = f"B{_cover_row(wb['封面'], '报告年度')}"
    assert (mismatch.file, mismatch.sheet, mismatch.cell) == ("海川艺术职业学校.xlsx", "封面", cell)
    assert f"封面!{cell}" in mismatch.message
