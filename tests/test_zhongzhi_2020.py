"""The 2020 中职 school edition (zhongzhi-2020, seed 000): its sample workbook is what the script builds
from the edition, and it renders as seed 000 is laid out — compared with the seed's own text table by
table: its outline (1. 学校情况 … 7. 存在的问题与解决措施), no 前言, the captions and header rows of its
body tables 表 1–5, and at the end the 9-row 计分卡, 资源表 and 服务贡献表 (院校名称 | 指标 | 单位 | 2020年)
numbered 表 1–3 anew (as Word's SEQ fields count them: a sequence of their own), with 【案例分享】 cases."""

from __future__ import annotations

import re

import docx
import pytest

from conftest import ROOT, rows_by_label, sample_builder, seq_results, styled_paragraphs, table_after, workbook_values
from vqr_author import render_report
from vqr_author.edition import available_editions

SAMPLE = ROOT / "sample_inputs" / "zhongzhi-2020" / "北京市西山职业学校.xlsx"
SEED = ROOT.parent / "shared" / "seeds" / "000_0e66327f5fc5e05e.txt"  # beside the worktree, as in CI


def test_committed_sample_is_what_the_script_builds(tmp_path):
    for path in sample_builder("build_zhongzhi_2020").build(tmp_path):
        assert workbook_values(path) == workbook_values(SAMPLE), "run: python sample_inputs/build_zhongzhi_2020.py"


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


def _seed_outline() -> list[str]:
    """Seed 000's 目录 headings (1. 学校情况, 1.1 学校概况 …), as the report writes them."""
    contents = SEED.read_text(encoding="utf-8").split("## 目 录", 1)[1].split("# 北京市昌平职业学校", 1)[0]
    entry = re.compile(r"^(?:<b>)?(\d)\.\s*(\d)?\s*([^.<\t【]+?)\s*(?:</b>)?\s*(?:\.\s*)+\t")
    found = [m.groups() for m in map(entry.match, contents.splitlines()) if m]
    return [f"{chapter}.{part} {title}" if part else f"{chapter}. {title}" for chapter, part, title in found]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _seed_tables() -> list[tuple[str, list[str]]]:
    """Seed 000's tables in order: caption (表 N 标题) and the header row's cells, squeezed."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    tables = []
    for i, line in enumerate(lines):
        if re.match(r"^表\s*\d+\s+\S", line):
            header = next(h for h in lines[i + 1:] if h.strip())
            tables.append((_squeeze(line), [_squeeze(c) for c in header.split("\t")]))
    return tables


def _words(cells: list[str]) -> list[str]:
    """A header row's labels left to right: a spanned cell once, blanks dropped."""
    return [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]


def test_the_outline_is_seed_000s(report):
    headings = [p.text for p in styled_paragraphs(report, "Heading1", "Heading2", "Heading3")]
    # Chapters 6 and 7 are the school's own (seed 000: 6.1 德育为首 … 7.2 校企合作仍需深化拓展); the
    # edition has their chapter headings and the school writes them as text.
    national = [h for h in _seed_outline() if not re.match(r"^[67]\.\d", h)]
    assert headings == national
    assert "前\u3000\u3000言" not in _texts(report, "PageTitle")  # seed 000 has no 前言
    toc = [p.text.split("\t")[0] for p in styled_paragraphs(report, "TOC1", "TOC2", "TOC3")]
    assert toc == national


def test_tables_are_seed_000s_table_by_table(report):
    seed = _seed_tables()
    tables = [t for t in report.tables if not t.rows[0].cells[0].text.startswith("续")]  # a 续表 part is no table
    ours = [(_squeeze(t.rows[0].cells[0].text), [_squeeze(c.text) for c in t.rows[1].cells]) for t in tables]
    assert [caption for caption, _ in ours] == [caption for caption, _ in seed]
    for (caption, header), (_, seed_header) in zip(ours, seed):
        if caption == "表5学生就业质量情况":
            # The seed's 分专业就业率 is a cell merged from its header row down through the majors' rows;
            # ours begins in the first body row and the 专业名称 header spans its column.
            group = tables[4].rows[2].cells[0].text
            assert [group, *_words(header)] == _words(seed_header), caption
        else:
            assert _words(header) == _words(seed_header), caption
    # 表 1 计分卡 … 表 3 服务贡献表: 指标 spans 序号 and name, as in the seed's header (院校名称 | 指标 | | 单位).
    assert [_squeeze(c.text) for c in tables[5].rows[1].cells] == ["院校名称", "指标", "指标", "单位", "2020年"]


def test_numbers_are_seq_fields_the_end_tables_a_sequence_of_their_own(report):
    assert _texts(report, "FigureCaption") == ["图 1 学生在校满意度"]
    assert [t.startswith("【案例分享】") for t in _texts(report, "CaseTitle")] == [True, True]
    # Numbers as SEQ fields whose written results are what Word's F9 counts again: 1, 2, 3 … in
    # document order for each sequence; the end tables are captioned 表 but counted apart.
    assert seq_results(report) == {"表": ["1", "2", "3", "4", "5"], "附表": ["1", "2", "3"], "图": ["1"]}


def test_employment_table_holds_the_majors_and_the_indicators(report):
    rows = [[c.text for c in row.cells] for row in table_after(report, "学生就业质量情况").rows[1:]]
    majors = [r for r in rows if r[0] == "分专业就业率"]
    assert [r[1] for r in majors] == ["计算机平面设计", "电子商务", "西餐烹饪", "汽车运用与维修", "学前教育"]
    assert majors[-1][2:5] == ["99.20%", "100.00%", "0.80个百分点"]  # (70 + 100) ÷ 170 against last year's 99.2
    by_label = {r[1]: r[2:] for r in rows if r[0] == ""}
    assert by_label["对口就业率"][:2] == ["96.24%", "97.34%"]  # 366 ÷ 376, the unit in the value
    assert by_label["初次就业起薪（元/月）"][:2] == ["4600", "4650"]  # the unit in the label


def test_the_scorecard_has_the_nine_rows_of_seed_000(report):
    table = table_after(report, "计分卡")
    rows = [[c.text.replace("\n", "") for c in row.cells] for row in table.rows[1:]]
    assert {r[0] for r in rows} == {"北京市西山职业学校"}  # 院校名称, one cell merged down
    assert [r[2] for r in rows] == ["毕业生初次就业率", "毕业生对口就业率", "毕业生半年后就业率", "毕业生月平均收入",
                                    "毕业生职业资格证书取证率", "毕业生升学率", "毕业生自主创业率", "毕业生母校满意度",
                                    "毕业生雇主满意度"]
    assert [r[1] for r in rows] == [str(n) for n in range(1, 10)]
    assert [r[3] for r in rows] == ["%", "%", "%", "元/月", "%", "%", "%", "%", "%"]
    # Derived from the bases: (376 employed + 472 further) ÷ 848 graduates; 366 ÷ 376 matched.
    assert rows[0][4] == "100.00" and rows[1][4] == "97.34"


def test_the_resource_and_service_tables_compute_from_the_bases(report):
    resources = rows_by_label(table_after(report, "资源表"), 2)
    assert resources["生师比"][3:] == ["生:师", "12.0:1"]  # 2380 students ÷ 198 teachers
    assert resources["生均教学科研仪器设备值"][3:] == ["元/生", "80291.30"]  # 19109.33 万元 ÷ 2380
    service = [[c.text for c in row.cells] for row in table_after(report, "服务贡献表").rows[1:]]
    assert service[0][1:3] == ["1", "毕业生去向（以下各类均要填写）："] and service[0][4] == "—"
    assert service[1][1] == "" and service[1][2].strip() == "A 类：升学比例" and service[1][4] == "55.66"


def test_the_edition_refuses_record_rows_and_headless_sections_that_cannot_be_drawn():
    import copy

    from vqr_author.edition import load_edition
    from vqr_author.edition.model import Edition

    data = load_edition("zhongzhi-2020").model_dump(by_alias=True, exclude_none=True)
    wrong_field = copy.deepcopy(data)
    next(t for t in wrong_field["tables"] if t["id"] == "employment")["rows"][0]["field"] = "nope"
    with pytest.raises(ValueError, match="表 employment 引用了清单 majors 中不存在的列 nope"):
        Edition.model_validate(wrong_field)
    next(s for s in data["outline"] if not s["heading"])["narrative"] = True
    with pytest.raises(ValueError, match=r"章节 附表：没有标题的章节（heading: false）只能放表格和图，须写 narrative: false"):
        Edition.model_validate(data)
