"""The 高职 edition (gaozhi-2020, seed 003): its sample workbooks are what the script builds from the
edition, and they render — a college report and the city report — with seed 003's standard tables
(序号 | 指标 | 单位 | 2019 年 | 2020 年, no change columns, the label-only row 毕业生就业去向：) and its
outline numbering (一、 and （一）)."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import docx
import openpyxl
import pytest

from conftest import ROOT, rows_by_label, sample_builder, styled_paragraphs, table_after, workbook_values
from vqr_author import aggregate_report, check_workbook, render_report
from vqr_author.edition import load_edition

GAOZHI = ROOT / "sample_inputs" / "gaozhi"
COLLEGE = GAOZHI / "学校" / "北京海川职业技术学院.xlsx"


def test_committed_gaozhi_samples_are_what_the_script_builds(tmp_path):
    for path in sample_builder("build_gaozhi").build(tmp_path):
        committed = GAOZHI / path.relative_to(tmp_path)
        assert workbook_values(path) == workbook_values(committed), f"run: python sample_inputs/build_gaozhi.py ({path.name})"


@pytest.fixture(scope="module")
def college_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("gaozhi") / "学院.docx"
    result = render_report(COLLEGE, out)  # no --edition: the workbook records gaozhi-2020
    assert result.check.edition.id == "gaozhi-2020" and result.check.errors == [], result.check.errors
    return docx.Document(str(out))


def test_the_student_development_table_is_seed_003s(college_report):
    table = table_after(college_report, "学生发展表")
    header = [c.text.replace("\n", "") for c in table.rows[0].cells]
    assert header == ["序号", "指标", "单位", "2019年", "2020年"]
    rows = [[c.text.replace("\n", "") for c in row.cells] for row in table.rows[1:]]
    labels = [r[1] for r in rows]
    assert labels[:7] == ["毕业生人数", "其中：就业人数", "毕业生就业去向：", "A 类：留在当地就业人数",
                          "B 类：到西部地区和东北地区就业人数", "C 类：到中小微企业等基层服务人数", "D 类：到 500 强企业就业人数"]
    assert [r[0] for r in rows[:4]] == ["1", "", "2", ""]  # 序号 on the top-level rows only
    assert rows[2][2:] == ["—", "—", "—"]  # the label-only row
    assert labels[7:] == ["就业率", "理工农医类专业相关度", "月收入", "自主创业比例", "雇主满意度", "毕业三年职位晋升比例", "母校满意度"]
    assert [r[0] for r in rows[7:]] == ["3", "4", "5", "6", "7", "8", "9"]
    by_label = rows_by_label(table, 1)
    for col in (-2, -1):  # 就业率 = 就业人数 ÷ 毕业生人数, from the numbers the table shows
        rate = Decimal(by_label["其中：就业人数"][col]) * 100 / Decimal(by_label["毕业生人数"][col])
        assert by_label["就业率"][col] == str(rate.quantize(Decimal("0.01")))
    assert by_label["自主创业比例"][-1] == "0.58"  # a real small rate, typed as 0.58, is read as 0.58%


def test_the_college_report_has_the_five_tables_and_the_outline(college_report):
    text = "\n".join(p.text for p in college_report.paragraphs)
    for title in ("学生发展表", "教育教学表", "办学条件表", "国际影响表", "科研与社会服务表"):
        assert title in text, title
    for heading in ("一、基本概况", "（二）就业质量", "七、问题与对策"):
        assert heading in text, heading
    conditions = rows_by_label(table_after(college_report, "办学条件表"), 1)
    assert conditions["主要办学经费来源（单选）"][-1] == "省级"


def _styled(document, *style_ids):
    return styled_paragraphs(document, *style_ids)


def test_tables_figures_and_cases_are_numbered_per_chapter_as_in_seed_003(college_report):
    captions = [p.text for p in _styled(college_report, "TableCaption", "FigureCaption")]
    assert captions[:3] == ["图 1-1 2019年、2020年在校生与毕业生人数", "表 2-1 学生发展表",
                            "图 2-1 2019年、2020年毕业生满意度与职位晋升"]
    assert "表 3-2 教育教学表" in captions and "表 4-1 办学条件表" in captions
    assert [p.text for p in _styled(college_report, "CaseTitle")] == [
        "案例 2-1 落实立德树人根本任务，校领导班子集体开讲思政课", "案例 3-1 校企共建工程师学院，探索智能制造人才培养新路径",
        "案例 3-2 开展“双师型”教师认定，助力双师型教师培养"]
    # Plain text, no SEQ field: Word's F9 would renumber a SEQ field 1, 2, 3 … through the report.
    body = college_report.element.body.xml
    assert "SEQ 表" not in body and "SEQ 图" not in body
    # The list of tables says the caption's number and points to the caption's bookmark.
    listed = {p.text.split("\t")[0]: p for p in _styled(college_report, "TOC2List")}
    entry = listed["表 2-1 学生发展表"]._p.xml
    assert 'w:anchor="_TocT2_1"' in entry and "PAGEREF _TocT2_1" in entry
    caption = next(p for p in _styled(college_report, "TableCaption") if p.text == "表 2-1 学生发展表")
    assert 'w:name="_TocT2_1"' in caption._p.xml


def test_the_third_heading_level_is_in_the_body_and_indented_in_the_contents(college_report):
    headings = [(p.style.style_id, p.text) for p in _styled(college_report, "Heading1", "Heading2", "Heading3")]
    start = headings.index(("Heading2", "（一）立德树人"))
    assert headings[start:start + 3] == [("Heading2", "（一）立德树人"), ("Heading3", "1. 思政育人"),
                                         ("Heading3", "2. 文化育人")]
    toc3 = [p.text.split("\t")[0] for p in _styled(college_report, "TOC3")]
    assert toc3 == ["1. 思政育人", "2. 文化育人", "1. 师德师风建设", "2. “双师型”教师培养"]
    styles = college_report.styles
    assert styles.get_by_id("Heading3", 1).element.pPr.xml.count('w:outlineLvl w:val="2"') == 1
    indent = {sid: styles.get_by_id(sid, 1).paragraph_format.left_indent for sid in ("TOC1", "TOC2", "TOC3")}
    assert (indent["TOC1"] or 0) < indent["TOC2"] < indent["TOC3"]


def test_the_city_report_aggregates_the_colleges(tmp_path):
    schools = sorted((GAOZHI / "学校").glob("*.xlsx"))
    result = aggregate_report(GAOZHI / "北京市.xlsx", schools, tmp_path / "北京市.docx", level="city")
    assert result.written and result.errors == [], result.errors
    assert not result.problems, result.problems  # plausible 上年: no large-change warning (README's command prints none)
    document = docx.Document(str(tmp_path / "北京市.docx"))
    development = rows_by_label(table_after(document, "学生发展表"), 1)
    assert development["毕业生人数"][-2:] == ["19349", "21380"]  # seed 003's Beijing totals
    assert development["就业率"][-1] == "90.29"
    books = [check_workbook(s).book for s in schools]  # 月收入 pooled by each college's 就业人数
    pay = sum(b.indicators["XS08"].this.number * b.indicators["XS02"].this.number for b in books)
    assert development["月收入"][-1] == str((pay / sum(b.indicators["XS02"].this.number for b in books)).quantize(Decimal("0.01")))
    conditions_table = table_after(document, "办学条件表")
    assert [c.text.replace("\n", "") for c in conditions_table.rows[0].cells][-1] == "2020年中位数"
    conditions = rows_by_label(conditions_table, 1)
    assert conditions["主要办学经费来源（单选）"][-3:-1] == ["省级 2所、行业或企业 1所"] * 2  # 单选 counted per choice
    for code, label in (("TJ51", "生均教学科研仪器设备值"), ("TJ52", "生均教学及辅助、行政办公用房面积"),
                        ("TJ53", "生均校内实践教学工位数"), ("TJ04", "年生均财政拨款水平")):
        own = sorted(check_workbook(s).report.indicators[code].this for s in schools)
        assert conditions[label][-1] == str(own[1]), label  # the median of the 3 colleges' own values …
        assert conditions[label][-1] != conditions[label][-2], label  # … which is not the pooled value
    teaching = rows_by_label(table_after(document, "教育教学表"), 1)
    assert teaching["生师比"][-2:] == ["9.4", "14.7"]  # 折合在校生数 ÷ 专任教师总数, written plain as in seed 003
    sponsors = rows_by_label(table_after(document, "分举办者类型主要指标"), 0)
    assert set(sponsors) >= {"教育部门", "其他部门", "民办", "合计"}
    colleges = table_after(document, "各高职院校主要指标")
    assert [c.text.replace("\n", "") for c in colleges.rows[0].cells][:2] == ["学校", "举办者类型"]


def test_the_colleges_differ_and_write_every_chapter():
    """The sample colleges are three colleges, not one copied: their own values, majors, text and cases."""
    edition = load_edition("gaozhi-2020")
    schools = sorted((GAOZHI / "学校").glob("*.xlsx"))
    results = [check_workbook(s) for s in schools]
    for code in ("XS51", "XS08", "JX51", "JX52", "TJ51", "TJ04", "KY01"):
        values = [r.report.indicators[code].this for r in results]
        assert len(set(values)) == len(values), (code, values)
    chapters = {s.code for s in edition.narrative_sections if "." not in s.code}
    for result in results:
        written = {p.section for p in result.book.paragraphs}
        assert chapters <= {code.split(".")[0] for code in written}, result.path.name
        assert {"1.1", "2.2", "3.1", "4.1"} <= written, result.path.name
    titles = [case.title for r in results for case in r.book.cases]
    assert len(titles) >= 6 and len(set(titles)) == len(titles)


def test_the_city_report_tells_the_colleges_cases_numbered_per_chapter(tmp_path):
    schools = sorted((GAOZHI / "学校").glob("*.xlsx"))
    result = aggregate_report(GAOZHI / "北京市.xlsx", schools, tmp_path / "北京市.docx", level="city")
    document = docx.Document(str(result.output))
    cases = [p.text for p in _styled(document, "CaseTitle")]
    names = [s.stem for s in schools]
    assert all(any(case.endswith(f"（{name}）") for case in cases) for name in names)  # every college's cases
    assert [c.split(" ")[1] for c in cases] == ["2-1", "2-2", "2-3", "2-4", "3-1", "3-2", "3-3", "3-4"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全市高职院校积极应对疫情影响" in text and "构建以学生发展为中心的评价体系" in text  # the city's own 正文


def test_gaozhi_has_no_district_report(tmp_path):
    edition = load_edition("gaozhi-2020")
    assert edition.levels == ("学校", "市") and edition.school_type == "高职"
    done = subprocess.run([sys.executable, "-m", "vqr_author.cli", "init", "--edition", "gaozhi-2020", "--level", "district",
                           "-o", str(tmp_path / "区.xlsx")], capture_output=True, text=True, env={"VQR_CACHE_DIR": os.environ["VQR_CACHE_DIR"], "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "没有区县层级的报告" in done.stderr.replace("\n", "") and "Traceback" not in done.stderr


def test_a_single_choice_indicator_takes_only_its_choices(tmp_path):
    wb = openpyxl.load_workbook(COLLEGE)
    ws = wb["指标"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "TJ12")
    assert {dv.formula1 for dv in ws.data_validations.dataValidation if f"F{row[0].row}" in str(dv.sqref)} == \
        {'"省级,地市级,行业或企业,其他"'}  # the blank workbook offers the choices as a dropdown
    row[5].value = "市财政"
    wb.save(tmp_path / "学院.xlsx")
    (problem,) = [p for p in check_workbook(tmp_path / "学院.xlsx").errors if p.code == "indicator-invalid-choice"]
    assert problem.cell == f"F{row[0].row}" and "应从以下选项中选一项：省级、地市级、行业或企业、其他" in problem.message


def test_a_weighted_formula_term_counts_at_its_weight():
    """生师比 = 折合在校生数 ÷ (专任教师总数 + 0.5 × 聘请校外教师数), for a college from its own workbook."""
    result = check_workbook(COLLEGE)
    typed = {code: entry.this.number for code, entry in result.book.indicators.items()}
    expected = typed["GM02"] / (typed["JX03"] + Decimal("0.5") * typed["JX13"])
    assert result.report.indicators["JX51"].this == expected.quantize(Decimal("0.1"))
    assert result.edition.pooling_inputs("JX51") == ("GM02", "JX03", "JX13")  # a city pools it over colleges with all three
