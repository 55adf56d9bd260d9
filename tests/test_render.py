"""The rendered report, read back with python-docx: what a reader of the Word file sees."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pytest

from conftest import rows_by_label, seq_results, table_after
from vqr_author import check_workbook, render_report
from vqr_author.errors import OutputError
from vqr_author.output import atomic


@pytest.fixture
def rendered(sample, tmp_path) -> Path:
    out = tmp_path / "报告.docx"
    result = render_report(sample, out)
    assert result.written
    return out


def all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_report_contains_every_part(rendered):
    text = all_text(rendered)
    for expected in ("北京市海川职业学校中等职业教育质量年度报告（2024年度）", "年报公开形式及网址", "内容真实性责任声明",
                     "特此声明。", "前　　言", "目　　录", "1. 人才培养", "1.1 立德树人", "5.6 经费投入", "6. 面临挑战",
                     "【案例分享】", "附表 1 人才培养质量计分卡", "附表 6 落实政策表"):
        assert expected in text, expected


def test_scale_table_holds_the_computed_changes(rendered):
    document = docx.Document(str(rendered))
    rows = rows_by_label(table_after(document, "2023年、2024年学校办学规模"), label_col=1)
    assert rows["招生人数"][3:] == ["845", "912", "67", "7.93%"]  # 67 / 845 = 7.929%
    assert rows["平均班额"][3:] == ["24.6", "24.9", "0.3", "1.22%"]  # 2560/104, 2688/108
    assert rows["其中：全日制职高招生人数"][3:5] == ["815", "880"]


def test_teacher_table_uses_points_for_rates_and_n1_for_ratio(rendered):
    document = docx.Document(str(rendered))
    rows = rows_by_label(table_after(document, "2023年、2024年教师队伍基本情况"), label_col=0)
    assert rows["生师比"][2:] == ["13.1:1", "13.2:1", "0.1", "—"]  # 2466/188, 2580/196
    assert rows["“双师型”教师比例"][2:] == ["84.04", "85.71", "1.67个百分点", "—"]  # 158/188, 168/196


def test_annex_rows_that_are_derived_show_the_computed_value(rendered):
    document = docx.Document(str(rendered))
    rows = rows_by_label(table_after(document, "教学资源表"), label_col=0)
    assert rows["生均教学科研仪器设备值"][2:] == ["57942.09", "59057.36"]  # 14288.52e4/2466, 15236.80e4/2580
    assert rows["生均校内实践教学工位数"][2:] == ["1.10", "1.11"]


def test_majors_table_total_row_is_pooled(rendered):
    document = docx.Document(str(rendered))
    table = table_after(document, "2024年分专业就业质量")
    total = [c.text for c in table.rows[-1].cells]
    # (338 employed + 452 further) / 812 = 97.29%; 对口 Σ / 338; 起薪 weighted by 就业人数
    assert total[0] == "合计" and total[1] == "812" and total[3] == "97.29"
    # last year's rates and salaries are typed per major, without last year's counts: no pooled 上年, and the note says why
    assert [total[i] for i in (2, 4, 5, 7, 8, 10)] == ["—"] * 6
    note = next(p.text for p in document.paragraphs if p.text.startswith("注：就业率 ="))
    assert "合计行不计算就业率、对口就业率、初次就业起薪的上年值和变化（记为“—”）" in note and "没有上年的人数" in note


def _number(text: str) -> Decimal:
    return Decimal(text.replace("个百分点", "").replace("%", "").replace(":1", ""))


def test_every_change_matches_an_independent_recomputation(rendered):
    """Recompute 增长量/增长率 of every comparison row from the printed 上年/本年, with floats."""
    document = docx.Document(str(rendered))
    checked = 0
    for table in document.tables:
        rows = [r for r in table.rows if not r._tr.xpath('.//w:pStyle[@w:val="TableCaption"]')]  # no caption row
        header = [c.text for c in rows[0].cells]
        if header[-2:] != ["增长量", "增长率"]:
            continue
        offset = len(header) - 6
        for row in rows[1:]:
            unit, last, this, amount, rate = (c.text for c in row.cells[offset + 1:])
            if "—" in (last, this):
                assert amount == rate == "—"
                continue
            difference = float(_number(this)) - float(_number(last))
            assert abs(float(_number(amount)) - difference) < 0.0051, row.cells[offset].text
            if unit == "%":
                assert amount.endswith("个百分点") and rate == "—"
            elif ":1" in this:
                assert rate == "—"
            elif float(_number(last)) != 0:
                expected = Decimal(repr(difference / float(_number(last)) * 100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                assert _number(rate) == expected, row.cells[offset].text
            checked += 1
    assert checked > 30


def test_majors_table_changes_match_an_independent_recomputation(rendered):
    document = docx.Document(str(rendered))
    table = table_after(document, "2024年分专业就业质量")
    assert [c.text.replace("\n", "") for c in table.rows[1].cells][2:] == ["2023年", "2024年", "变化"] * 2 + ["2023年", "2024年", "增长率"]
    for row in table.rows[2:-1]:
        cells = [c.text for c in row.cells]
        for last, this, change in (cells[2:5], cells[5:8]):  # rates: 百分点
            assert abs(float(change) - (float(this) - float(last))) < 0.0051, cells[0]
        last, this, rate = cells[8:11]
        expected = Decimal(repr((float(this) - float(last)) / float(last) * 100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert _number(rate) == expected, cells[0]


def test_user_text_is_rendered_literally(sample, edit, tmp_path):
    tricky = "{{ title }} {% if x %}条件{% endif %} {# 注释 #} <w:p>标签</w:p> & }} {%"
    edit(sample, cells={("案例", "C2"): tricky, ("正文", "B2"): "前言里的 {{ 7*7 }}"})
    out = tmp_path / "literal.docx"
    assert render_report(sample, out).written
    text = all_text(out)
    assert tricky in text
    assert "前言里的 {{ 7*7 }}" in text and "49" not in text.split("前言里的")[1][:10]


def test_errors_refuse_to_render_and_write_nothing(sample, edit, tmp_path):
    edit(sample, indicators={"GM01": (845, "abc")})
    out = tmp_path / "refused.docx"
    result = render_report(sample, out)
    assert not result.written and not out.exists()


def test_draft_marks_each_problem_visibly(sample, edit, tmp_path):
    edit(sample, indicators={"GM02": (815, 870)})  # parts no longer add up to 招生人数
    out = tmp_path / "draft.docx"
    result = render_report(sample, out, draft=True)
    assert result.written and result.check.errors
    text = all_text(out)
    assert "草稿" in text and "待修正的问题" in text
    assert "912※" in text  # the cell named by the problem (招生人数) is marked in the tables
    assert "parts" not in text  # problem codes stay out of the document; the Chinese message is shown
    assert "不一致" in text


def test_previous_report_survives_a_refused_and_a_failed_render(sample, edit, tmp_path, monkeypatch):
    out = tmp_path / "报告.docx"
    render_report(sample, out)
    good = out.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(atomic.os, "replace", explode)
    with pytest.raises(RuntimeError):
        render_report(sample, out)
    monkeypatch.undo()
    assert out.read_bytes() == good
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(atomic.TEMP_PREFIX)]
    edit(sample, indicators={"GM01": (845, "abc")})
    render_report(sample, out)
    assert out.read_bytes() == good


def test_missing_output_folder_is_a_clear_message(sample, tmp_path):
    with pytest.raises(OutputError, match="不存在"):
        render_report(sample, tmp_path / "没有这个文件夹" / "报告.docx")


def test_rendering_twice_gives_identical_files(sample, tmp_path):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    render_report(sample, a)
    render_report(sample, b)
    assert a.read_bytes() == b.read_bytes()


def test_photos_and_charts_are_numbered_in_document_order(rendered):
    document = docx.Document(str(rendered))
    assert len(document.inline_shapes) == 6 + 3  # case photos and the school's charts
    captions = [p.text for p in document.paragraphs if p.style.style_id in ("FigureCaption", "CaseCaption")]
    assert [c.split()[1] for c in captions] == [str(n) for n in range(1, 10)]
    assert "图 1 2023年、2024年招生、在校生与毕业生人数" in captions
    for sequence, written in seq_results(document).items():  # what Word's F9 would count again
        assert written == [str(n) for n in range(1, len(written) + 1)], sequence
    assert set(seq_results(document)) == {"表", "附表", "图"}


def test_east_asian_fonts_are_set(rendered):
    import zipfile

    styles = zipfile.ZipFile(rendered).read("word/styles.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles


def test_check_result_matches_the_report(sample):
    result = check_workbook(sample)
    assert result.report.indicators["SZ52"].this == Decimal("85.71")


def test_a_case_in_the_preface_is_in_the_preface(sample, edit, tmp_path):
    # 前言 is the first value the 章节 dropdown offers; a case placed there used to vanish (check said nothing).
    edit(sample, cells={("案例", "A2"): "前言"})
    assert check_workbook(sample).errors == []
    out = tmp_path / "报告.docx"
    assert render_report(sample, out).written
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    case_titles = [i for i, p in enumerate(document.paragraphs) if p.style.style_id == "CaseTitle"]
    assert texts[case_titles[0]].startswith("【案例分享】实施“运河少年”成长计划")
    assert texts.index("前　　言") < case_titles[0] < texts.index("目　　录")
    captions = [p.text for p in document.paragraphs if p.style.style_id in ("FigureCaption", "CaseCaption")]
    assert [c.split()[1] for c in captions] == [str(n) for n in range(1, 10)]  # its photo keeps its number
    assert captions[1] == "图 2 学生志愿者在运河沿岸开展文明引导"  # after the preface's chart, before chapter 1
