"""Page details a reader of the printed report notices (issue 11, item 4): the 合计 row, table
headers broken inside a word, money in prose, the cover title, case boxes. Read from the document
XML, since that is what Word and LibreOffice lay out."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE, table_after
from vqr_author import render_report
from vqr_author.output.pdf import find_soffice
from vqr_author.render import default_template
from vqr_author.compute.numbers import year_change
from vqr_author.compute.phrases import change_phrase, quantity
from vqr_author.compute.records import RecordRow, combine_rows
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Indicator
from vqr_author.render.context import title_lines
from vqr_author.render.tables import KEPT_ROWS, header_lines, header_runs, kept_with_next

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "报告.docx"
    assert render_report(SAMPLE, out).written
    return out


def _value(indicator: Indicator, last, this) -> IndicatorValue:  # noqa: ANN001
    last = None if last is None else D(str(last))
    this = None if this is None else D(str(this))
    return IndicatorValue(indicator, last, this, year_change(indicator.kind, last, this, indicator.decimals))


# ---------------------------------------------------------------------------------------------
# 合计 row: text has no total
def test_total_row_of_student_aid_has_no_remark(rendered):
    table = table_after(docx.Document(str(rendered)), "学生资助情况")
    first, total = [c.text for c in table.rows[1].cells], [c.text for c in table.rows[-1].cells]
    assert first[3]  # the first project has its own 备注 …
    assert total[0] == "合计" and total[3] == ""  # … which the 合计 row does not repeat
    assert re.fullmatch(r"\d+", total[2])  # 资助金额（元） in whole yuan, as the seeds print it


def test_combined_rows_keep_only_the_text_that_identifies_them(edition):
    sheet = next(s for s in edition.record_sheets if s.id == "aid")
    rows = [RecordRow({"item": "国家助学金", "people": D(10), "amount": D(20000), "remark": "每生每年 2000 元"}, {}),
            RecordRow({"item": "国家助学金", "people": D(5), "amount": D(10000), "remark": "每生每年 2000 元"}, {})]
    same = combine_rows(sheet, rows, group=True)
    assert same.values["item"] == "国家助学金" and same.values["remark"] == "每生每年 2000 元"
    assert same.values["amount"] == D(30000)
    rows[1].values["remark"] = "另一说明"
    assert combine_rows(sheet, rows, group=True).values["remark"] is None  # schools disagree: no 备注
    total = combine_rows(sheet, rows)
    assert total.values["item"] is None and total.values["remark"] is None and total.values["people"] == D(15)
    majors = next(s for s in edition.record_sheets if s.id == "majors")
    spelt = [RecordRow({"code": "700206", "name": "汽车运用与维修"}, {}), RecordRow({"code": "700206", "name": "汽修"}, {})]
    assert combine_rows(majors, spelt, group=True).values["name"] == "汽车运用与维修"  # a group keeps its name


# ---------------------------------------------------------------------------------------------
# Table headers: broken only between unbreakable runs
@pytest.mark.parametrize(
    ("text", "units", "lines"),
    [
        ("2023年", 2, ["2023年"]),  # too narrow: still never 202 / 3年
        ("毕业生数（人）", 8, ["毕业生数", "（人）"]),
        ("变化（百分点）", 10, ["变化", "（百分点）"]),
        ("单位", 2, ["单位"]),
        ("初次就业起薪（元）", 12, ["初次就业起薪", "（元）"]),
        ("初次就业起薪（元）", 18, ["初次就业起薪（元）"]),
        ("“双师型”教师比例（%）", 8, ["“双师型”", "教师比例", "（%）"]),  # never “双师 / 型”
        ("招生专业类别", 10, ["招生专业", "类别"]),  # not 招生专业类 / 别: no character alone on a line
        ("开设学校数", 6, ["开设学", "校数"]),
    ],
)
def test_header_lines_break_only_between_runs(text, units, lines):
    assert header_lines(text, units) == lines
    assert "".join(header_runs(text)) == text


def _header_lines(tc) -> list[str]:  # noqa: ANN001
    """The lines of a header cell as written: its text with the explicit line breaks."""
    lines = [""]
    for node in tc.iter(W + "t", W + "br"):
        if node.tag == W + "br":
            lines.append("")
        else:
            lines[-1] += node.text or ""
    return lines


def _width_units(text: str) -> int:
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def test_rendered_header_cells_never_break_inside_a_number_or_bracket(rendered):
    body = docx.Document(str(rendered)).element.body
    headers = 0
    for tbl in body.iter(W + "tbl"):
        for tr in tbl.iter(W + "tr"):
            if tr.find(f"{W}trPr/{W}tblHeader") is None:
                continue
            for tc in tr.iter(W + "tc"):
                lines = _header_lines(tc)
                width = int(tc.find(f"{W}tcPr/{W}tcW").get(W + "w"))
                style = tc.find(f".//{W}pStyle").get(W + "val")
                half_em, padding = (120, 320) if style == "TableHeader" else (92, 185)
                for before, after in zip(lines, lines[1:]):
                    assert not (re.search(r"\d$", before) and re.match(r"[\d年]", after)), lines
                for line in lines:
                    assert line.count("（") == line.count("）"), lines
                    # every line fits its column, so the word processor adds no break of its own
                    assert _width_units(line) * half_em + padding <= width or len(lines) == 1, (lines, width)
                headers += 1
    assert headers > 50


# ---------------------------------------------------------------------------------------------
# Money in prose
def test_yuan_amounts_in_prose_follow_the_official_style(edition):
    salary = edition.indicator("F1-06")  # 月收入, 元
    assert quantity(_value(salary, "4720", "4860"), "this", edition.thresholds) == "4860元"
    assert change_phrase(_value(salary, "4720", "4860"), edition.thresholds, "2023年") == "较2023年增加140元，增长2.97%"
    assert quantity(_value(salary, None, "4837.51"), "this", edition.thresholds) == "4837.51元"  # real cents stay
    big = salary.model_copy(update={"range": None})
    assert quantity(_value(big, None, "4824000"), "this", edition.thresholds) == "482.40万元"
    assert change_phrase(_value(big, "4000000", "4824000"), edition.thresholds) == "较上年增加82.40万元，增长20.60%"
    assert edition.thresholds.yuan_wan_from == 100000  # the edition's data, not a Python constant
    assets = edition.indicator("TJ03")  # already in 万元: unchanged
    assert quantity(_value(assets, None, "29315.77"), "this", edition.thresholds) == "29315.77万元"


def test_rendered_prose_writes_money_without_cents(rendered):
    text = "\n".join(p.text for p in docx.Document(str(rendered)).paragraphs)
    assert "毕业生月收入4860元，较2023年增加140元，增长2.97%" in text
    assert not re.search(r"\d\.00元", text)


# ---------------------------------------------------------------------------------------------
# Cover
def test_cover_title_lines():
    assert title_lines("北京市海川职业学校中等职业教育质量年度报告（2024年度）", "北京市海川职业学校") == [
        "北京市海川职业学校", "中等职业教育质量年度报告", "（2024年度）"]
    assert title_lines("学校年度质量报告", "北京市海川职业学校") == ["学校年度质量报告"]  # a custom 报告名称
    assert title_lines("海川职业学校2024年度质量报告（修订稿）", "") == ["海川职业学校2024年度质量报告", "（修订稿）"]


def test_cover_title_in_its_own_style_without_a_rule(rendered):
    document = docx.Document(str(rendered))
    lines = [p.text for p in document.paragraphs if p.style.style_id == "CoverTitle" and p.text]
    assert lines == ["北京市海川职业学校", "中等职业教育质量年度报告", "（2024年度）"]
    style = document.styles.element.xpath('//w:style[@w:styleId="CoverTitle"]')[0]
    assert not style.xpath(".//w:pBdr")
    assert not [p for p in document.paragraphs if p.style.style_id == "Title"]


# ---------------------------------------------------------------------------------------------
# Case boxes
def test_case_photo_and_caption_are_centred_without_indent(rendered):
    document = docx.Document(str(rendered))
    styles = document.styles.element
    for style_id in ("CaseFigure", "CaseCaption"):
        ppr = styles.xpath(f'//w:style[@w:styleId="{style_id}"]/w:pPr')[0]
        ind = ppr.find(W + "ind")
        assert ind.get(W + "firstLine") == "0" and ind.get(W + "firstLineChars") == "0"
        assert ind.get(W + "left") == ind.get(W + "right")  # the box is symmetric, so centred is centred
        assert ppr.find(W + "jc").get(W + "val") == "center"
    assert [p for p in document.paragraphs if p.style.style_id == "CaseFigure"]
    for style_id in ("CaseTitle", "CaseBody", "CaseFigure", "CaseCaption"):
        ppr = styles.xpath(f'//w:style[@w:styleId="{style_id}"]/w:pPr')[0]
        assert ppr.find(W + "overflowPunct").get(W + "val") == "0"  # Word: no 。 past the border
        right = ppr.find(f"{W}pBdr/{W}right")
        assert int(right.get(W + "space")) >= 8  # LibreOffice hangs it anyway: room inside the border


# ---------------------------------------------------------------------------------------------
# Tables across pages
def test_table_header_repeats_and_stays_with_the_caption_and_first_row(rendered):
    """The caption is the table's first row: borderless above the table's top rule, repeated with the
    header on every page the table runs onto (so the layout sets aside the space a 续表 caption
    takes there), kept with the header and the first body rows."""
    body = docx.Document(str(rendered)).element.body
    tables = list(body.iter(W + "tbl"))
    assert tables
    for tbl in tables:
        rows = tbl.findall(W + "tr")
        caption = rows[0]
        assert caption.xpath(".//w:pStyle/@w:val") == ["TableCaption"]
        assert re.match(r"(附表|表) \d+ ", "".join(t.text for t in caption.iter(W + "t")))
        assert caption.find(f"{W}tc/{W}tcPr/{W}tcBorders/{W}top").get(W + "val") == "nil"
        header = [tr for tr in rows if tr.find(f"{W}trPr/{W}tblHeader") is not None]
        assert len(header) >= 2 and rows[:len(header)] == header  # repeated on every page the table runs onto
        for tr in header:
            assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(W + "p"))
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)


def test_a_table_is_split_where_the_layout_broke_it_and_continued_under_a_continuation_caption():
    from vqr_author.compute.numbering import Number
    from vqr_author.compute.tables import Cell, HeaderCell, TableModel
    from vqr_author.render.tables import row_anchor, table_block, table_breaks

    rows = tuple((Cell(f"项目{r}"), Cell(str(r), "right")) for r in range(12))
    model = TableModel("t", "测试", False, Number(4), ((HeaderCell("项目"), HeaderCell("数量")),), rows)
    pages = {row_anchor(model, r): "7" if r < 8 else "8" for r in range(12)}
    assert table_breaks(model, pages) == [8]
    assert table_breaks(model, {}) == []  # layout unknown: one table
    xml = table_block(model, breaks=[8])
    first, second = xml.split("</w:tbl>")[:2]
    assert "表 " in first and "续表 4 测试" not in first and first.count("<w:tblHeader/>") == 2
    assert "续表 4 测试" in second and second.count("<w:tblHeader/>") == 2  # 续表 caption and header repeated
    assert "项目7<" in first and "项目8<" not in first and "项目8<" in second and "项目11<" in second


def test_tables_keep_their_first_and_last_rows_together(rendered):
    """No page shows a caption and header over one row, or carries one row over: the first and last
    KEPT_ROWS body rows keep with the next row; the rows between may break, so a long table runs on."""
    assert [kept_with_next(r, 10) for r in range(10)] == [True, True, False, False, False, False, False, True, True, True]
    assert all(kept_with_next(r, 2 * KEPT_ROWS - 1) for r in range(2 * KEPT_ROWS - 1))  # a short table stays whole
    body = docx.Document(str(rendered)).element.body
    long_tables = 0
    for tbl in body.iter(W + "tbl"):
        rows = [tr for tr in tbl.findall(W + "tr") if tr.find(f"{W}trPr/{W}tblHeader") is None]
        kept = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(W + "p")) for tr in rows]
        assert kept == [kept_with_next(r, len(rows)) for r in range(len(rows))]
        long_tables += len(rows) > 2 * KEPT_ROWS
    assert long_tables >= 5


def test_case_photos_are_at_most_45_mm_high(rendered):
    from vqr_author.render.photos import MAX_HEIGHT_MM

    document = docx.Document(str(rendered))
    photos = [p for p in document.paragraphs if p.style.style_id == "CaseFigure"]
    assert photos
    for p in photos:
        extent = p._p.xpath(".//wp:extent")[0]
        assert int(extent.get("cy")) <= MAX_HEIGHT_MM * 36000 + 1  # EMU per mm


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_no_case_photo_leaves_more_than_a_few_lines_blank_at_a_page_foot(school_pdf):
    """Measured in the laid-out PDF: where a case's photo is on a later page than its last line, the
    room under that line is under four lines of case text (a photo fitted smaller than 25 mm would
    be too small to read); photos that did fit there were set smaller, never below 25 mm."""
    from vqr_author import check_workbook
    from vqr_author.output.pdf import anchor_places
    from vqr_author.render.context import anchor
    from vqr_author.render.photos import MIN_HEIGHT_MM, case_end, geometry, photo_anchors, photo_cases

    report = check_workbook(SAMPLE).report
    page = geometry(default_template())
    places = anchor_places(school_pdf.read_bytes(), photo_anchors(report))
    blocks = list(photo_cases(report))
    assert len(blocks) >= 5 and len(places) == 2 * len(blocks)
    for block in blocks:
        (end_page, end_top), (caption_page, _) = places[case_end(block.number)["name"]], \
            places[anchor("figure", block.figure_number)["name"]]
        if caption_page != end_page:
            assert end_page + 1 == caption_page
            assert end_top - page.body_line - page.text_bottom < 4 * page.body_line, block.heading
    heights = [int(e.get("cy")) / 36000 for e in docx.Document(str(school_pdf.with_suffix(".docx"))).element.body
               .xpath(".//w:p[w:pPr/w:pStyle/@w:val='CaseFigure']//wp:extent")]
    assert len(heights) == len(blocks) and all(h >= MIN_HEIGHT_MM - 0.1 for h in heights)
    assert min(heights) < 45  # the sample's first case photo is fitted under its text


def test_a_continuation_caption_takes_as_many_lines_as_the_caption():
    from vqr_author.render.tables import CAPTION_LINE_UNITS, continued_caption

    assert continued_caption("表", 5, "2023年、2024年教师队伍基本情况") == "续表 5 2023年、2024年教师队伍基本情况"
    assert continued_caption("附表", 2, "满意度调查表") == "续附表 2 满意度调查表"
    full_line = "长" * ((CAPTION_LINE_UNITS - 5) // 2)  # "表 5 " is 5 half-widths: 表 5 … just fits one line
    assert continued_caption("表", 5, full_line) == "续表 5"  # 续 would wrap it onto a second line


def test_horizontal_bar_series_are_written_last_to_first_with_their_plotting_order():
    """Word plots and lists series by c:order, LibreOffice in document order (and a horizontal bar
    chart's legend backwards): written last to first, both legends read in the table's order."""
    from lxml import etree

    from vqr_author.compute.charts import ChartModel, Series
    from vqr_author.render.drawingml import chart_space

    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    for kind, written in (("hbar", ["对口就业率", "就业率"]), ("bar", ["就业率", "对口就业率"])):
        model = ChartModel("x", "标题", kind, ("甲", "乙"), (Series("就业率", (D(98), D(97))),
                                                          Series("对口就业率", (D(90), D(91)))), "%", 2, 1)
        xml = etree.fromstring(chart_space(model, "rId1", palette=("000000", "FFFFFF"), east_asian="黑体",
                                           latin="Times New Roman").encode())
        series = xml.findall(".//c:barChart/c:ser", ns)
        assert [s.findtext(".//c:tx//c:v", namespaces=ns) for s in series] == written
        by_order = sorted(series, key=lambda s: int(s.find("c:order", ns).get("val")))
        assert [s.findtext(".//c:tx//c:v", namespaces=ns) for s in by_order] == ["就业率", "对口就业率"]


def _words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """The words of a PDF page (1-based) as poppler's pdftotext -bbox places them: (x, y, text)."""
    import subprocess

    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(x), float(y), w) for x, y, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
def test_legend_of_a_horizontal_bar_chart_reads_in_the_tables_order_in_libreoffice(school_pdf):
    from pypdf import PdfReader

    pages = [i + 1 for i, p in enumerate(PdfReader(school_pdf).pages) if "对口就业率" in (p.extract_text() or "")
             and "汽车运用与维修" in (p.extract_text() or "")]
    legends = []
    for page in pages:
        words = _words(school_pdf, page)
        found = {w: (y, x) for x, y, w in reversed(words) if w in ("就业率", "对口就业率")}  # the topmost of each
        if len(found) == 2 and abs(found["就业率"][0] - found["对口就业率"][0]) < 1:  # side by side: the legend
            legends.append(found["就业率"][1] < found["对口就业率"][1])
    assert legends == [True]


def test_school_names_in_a_wide_table_break_only_between_their_parts():
    """The district's 各学校主要指标: nine columns at 小五 leave the name column too narrow for
    北京市海川区现代农业职业学校; it breaks after the place names, never inside a word."""
    from lxml import etree

    from vqr_author.compute.tables import Cell, HeaderCell, TableModel
    from vqr_author.render.tables import table_block, table_layout, text_parts

    names = ("北京市海川职业学校", "北京市海川区第一职业学校", "北京市海川区现代农业职业学校", "北京海川艺术职业学校")
    header = (tuple(HeaderCell(h) for h in ("学校", "办学性质", "全日制在校生人数（人）", "毕业生人数（人）",
                                            "毕业去向落实率（%）", "升学率（%）", "“双师型”教师比例（%）", "生师比",
                                            "在校生满意度（%）")),)
    rows = tuple((Cell(n), Cell("公办", "center"), *(Cell(v, "right") for v in
                                                     ("2580", "812", "100.00", "55.67", "85.71", "13.2:1", "97.85")))
                 for n in names)
    model = TableModel("schools", "2024年各学校主要指标", False, None, header, rows)
    widths, metrics = table_layout(model)
    assert metrics.text_style == "TableTextSmall"
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    table = etree.fromstring(f'<root xmlns:w="{w[1:-1]}">{table_block(model)}</root>').find(f"{w}tbl")
    body = [tr for tr in table.findall(f"{w}tr") if tr.find(f"{w}trPr/{w}tblHeader") is None]
    broken = 0
    for tr, name in zip(body, names):
        run = tr.find(f"{w}tc").find(f".//{w}r")
        lines = [t.text for t in run.findall(f"{w}t")]
        assert "".join(lines) == name
        parts, place = text_parts(name), 0
        for line in lines:  # each line is whole parts
            joined = ""
            while joined != line:
                joined += parts[place]
                place += 1
                assert len(joined) <= len(line)
        assert sum(1 if ord(ch) < 0x2E80 else 2 for ch in max(lines, key=len)) * metrics.half_em + metrics.padding \
            <= widths[0]
        broken += len(lines) > 1
    assert broken  # the longest names did need two lines


def test_each_item_of_a_list_in_a_narrow_cell_begins_a_line_when_it_does_not_fit():
    from vqr_author.render.tables import cell_lines

    two = "北京市海川区城建职业学校、北京市海川区机电工程学校"
    assert cell_lines(two, 22) == ["北京市海川区", "城建职业学校、", "北京市海川区", "机电工程学校"]
    assert cell_lines("省级 2所、行业或企业 1所", 14) == ["省级 2所、", "行业或企业 1所"]
    assert cell_lines(two, 60) == [two]  # it fits
    assert cell_lines("北京市海川区第一职业学校", 10) == ["北京市海川区第一职业学校"]  # a part is wider: Word wraps
    prose = "“劳动教育典型案例”的“学校”填的是“北京市海川区旅游商贸职业学校”，不是本报告汇总的学校。请核对名称。"
    assert cell_lines(prose, 30) == [prose]  # a sentence (a draft's problem) is left to Word to wrap
