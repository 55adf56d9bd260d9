"""The 2020 中职 school edition (zhongzhi-2020, seed 000): its sample workbook is what the script builds
from the edition, and it renders with seed 000's outline (1. 学校情况 … 7. 存在的问题与解决措施), its body
tables, and the 9-row 计分卡, 资源表 and 服务贡献表 (序号 | 指标 | 单位 | 2020年) as 附表, numbered
continuously (表 N, 附表 N, 图 N as Word's SEQ fields count them) with 【案例分享】 cases."""

from __future__ import annotations

import importlib.util

import docx
import openpyxl
import pytest

from conftest import ROOT, rows_by_label, seq_results, styled_paragraphs, table_after
from vqr_author import render_report
from vqr_author.edition import available_editions

SAMPLE = ROOT / "sample_inputs" / "zhongzhi-2020" / "北京市西山职业学校.xlsx"


def _values(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_committed_sample_is_what_the_script_builds(tmp_path):
    spec = importlib.util.spec_from_file_location("build_zhongzhi_2020", ROOT / "sample_inputs" / "build_zhongzhi_2020.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        assert _values(path) == _values(SAMPLE), "run: python sample_inputs/build_zhongzhi_2020.py"


def test_the_edition_is_listed():
    assert "zhongzhi-2020" in available_editions()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("zz2020") / "学校.docx"
    result = render_report(SAMPLE, out)  # no --edition: the workbook records zhongzhi-2020
    assert result.check.edition.id == "zhongzhi-2020" and result.check.errors == [], result.check.errors
    return docx.Document(str(out))


def _texts(document, *style_ids):
    return [p.text for p in styled_paragraphs(document, *style_ids)]


def test_the_outline_is_seed_000s(report):
    chapters = _texts(report, "Heading1")
    assert chapters[:7] == ["1. 学校情况", "2. 学生发展", "3. 质量保障措施", "4. 校企合作", "5. 社会贡献",
                            "6. 学校办学特色鲜明", "7. 存在的问题与解决措施"]
    assert "3.8 党建情况" in _texts(report, "Heading2")


def test_body_tables_figure_and_annex_tables_are_numbered_continuously(report):
    assert _texts(report, "TableCaption") == [
        "表 1 学校2019年、2020年招生情况", "表 2 教师队伍基本情况", "表 3 设施设备情况表", "表 4 2020年学生资助情况",
        "表 5 学生就业质量情况", "表 6 2020年分专业就业率", "附表 1 计分卡", "附表 2 资源表", "附表 3 服务贡献表"]
    assert _texts(report, "FigureCaption") == ["图 1 学生在校满意度"]
    assert [t.startswith("【案例分享】") for t in _texts(report, "CaseTitle")] == [True, True]
    # Numbers as SEQ fields whose written results are what Word's F9 counts again: 1, 2, 3 … in
    # document order for each sequence.
    results = seq_results(report)
    assert results == {"表": ["1", "2", "3", "4", "5", "6"], "附表": ["1", "2", "3"], "图": ["1"]}



def test_the_scorecard_has_the_nine_rows_of_seed_000(report):
    table = table_after(report, "计分卡")
    header = [c.text.replace("\n", "") for c in table.rows[0].cells]
    assert header == ["序号", "指标", "单位", "2020年"]
    rows = [[c.text.replace("\n", "") for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows] == ["毕业生初次就业率", "毕业生对口就业率", "毕业生半年后就业率", "毕业生月平均收入",
                                    "毕业生职业资格证书取证率", "毕业生升学率", "毕业生自主创业率", "毕业生母校满意度",
                                    "毕业生雇主满意度"]
    assert [r[0] for r in rows] == [str(n) for n in range(1, 10)]
    assert [r[2] for r in rows] == ["%", "%", "%", "元/月", "%", "%", "%", "%", "%"]
    # Derived from the bases: (376 employed + 472 further) ÷ 848 graduates; 366 ÷ 376 matched.
    assert rows[0][3] == "100.00" and rows[1][3] == "97.34"


def test_the_resource_and_service_tables_compute_from_the_bases(report):
    resources = rows_by_label(table_after(report, "资源表"), 1)
    assert resources["生师比"][2:] == ["生:师", "12.0:1"]  # 2380 students ÷ 198 teachers
    assert resources["生均教学科研仪器设备值"][2:] == ["元/生", "80291.30"]  # 19109.33 万元 ÷ 2380
    service = [[c.text for c in row.cells] for row in table_after(report, "服务贡献表").rows[1:]]
    assert service[0][:2] == ["1", "毕业生去向（以下各类均要填写）："] and service[0][3] == "—"
    assert service[1][0] == "" and service[1][1].strip() == "A 类：升学比例" and service[1][3] == "55.66"
