"""Every file the tool writes is valid against the ECMA-376 Part 4 Transitional schemas (issue 11).

Word is stricter than LibreOffice: an element out of its schema order (w:ind after w:jc, …) can make
it refuse a report that LibreOffice opens. Each kind of file written — school, draft, district and
city reports, the page-numbered copy written by --pdf, blank, next-year, annotated and 汇总
workbooks, batch reports, and the Word template they all start from — is validated part by part, in
memory, with the schemas kept in tests/ooxml-schemas (see tests/ooxml_schema.py). The schema is
compiled once per session.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import ROOT, SAMPLE, SAMPLE_DIR
from ooxml_schema import (
    SKIPPED_ROOTS,
    PackageReport,
    apply_markup_compatibility,
    compile_schema,
    validate_package,
    validate_part,
)
from vqr_author import aggregate_report, annotate_workbook, check_workbook, new_workbook, render_report
from vqr_author.batch import SUMMARY, run_batch
from vqr_author.output.pdf import find_soffice

DISTRICT = ROOT / "sample_inputs" / "district"
WITH_ERRORS = SAMPLE_DIR / "海川职业学校-含错误示例.xlsx"

# Parts each kind of package must have had validated (so that a validator that skipped everything
# could not pass).
DOCX_PARTS = {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml",
              "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/numbering.xml",
              "word/fontTable.xml", "word/webSettings.xml", "word/theme/theme1.xml", "word/header3.xml",
              "word/footer3.xml"}
XLSX_PARTS = {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "xl/workbook.xml",
              "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/theme/theme1.xml", "xl/worksheets/sheet1.xml"}
COMMENTED_XLSX_PARTS = XLSX_PARTS | {"xl/comments/comment1.xml", "xl/drawings/commentsDrawing1.vml"}
# 汇总.xlsx and the workbook in each native chart are written by vqr_author.output.sheets (no
# document properties, no theme)
SHEETS_PARTS = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/styles.xml", "xl/worksheets/sheet1.xml"}
SUMMARY_XLSX_PARTS = SHEETS_PARTS | {"xl/worksheets/sheet2.xml"}
# A report's native charts: the chart part and every part of the workbook embedded in it.
CHART_WORKBOOK = "word/embeddings/Microsoft_Excel_Worksheet1.xlsx"
REPORT_PARTS = DOCX_PARTS | {"word/charts/chart1.xml", "word/charts/_rels/chart1.xml.rels",
                             *(f"{CHART_WORKBOOK}!{part}" for part in SHEETS_PARTS)}


@pytest.fixture(scope="session")
def ooxml():
    return compile_schema()


# ------------------------------------------------------------------------------ the files the tool writes
def _copy_sample(folder: Path) -> Path:
    shutil.copytree(SAMPLE_DIR, folder / "school")
    return folder / "school" / SAMPLE.name


def school_report(folder: Path) -> list[Path]:
    result = render_report(_copy_sample(folder), folder / "报告.docx")
    assert result.written
    return [result.output]


def draft_report(folder: Path) -> list[Path]:
    _copy_sample(folder)
    result = render_report(folder / "school" / WITH_ERRORS.name, folder / "草稿.docx", draft=True)
    assert result.written and result.check.errors  # a draft with its problems marked in it
    return [result.output]


def district_report(folder: Path) -> list[Path]:
    schools = sorted((DISTRICT / "学校").glob("*.xlsx"))
    result = aggregate_report(DISTRICT / "海川区.xlsx", schools, folder / "区县报告.docx")
    assert result.written
    # the office's lists (tables with 序号, written from the district workbook's list sheets) are validated too
    titles = [p.text for p in docx.Document(str(result.output)).paragraphs]
    assert any(result.region.edition.lists[0].title in t for t in titles)
    return [result.output]


def district_report_with_history(folder: Path) -> list[Path]:
    schools = sorted((DISTRICT / "学校").glob("*.xlsx"))
    result = aggregate_report(DISTRICT / "海川区.xlsx", schools, folder / "区县报告.docx", history=DISTRICT / "历年")
    assert result.written and result.history is not None and result.history.years
    return [result.output]


def city_report(folder: Path) -> list[Path]:
    """The sample city (two districts' schools, every office list, three years of history)."""
    city = ROOT / "sample_inputs" / "city"
    result = aggregate_report(city / "北京市.xlsx", sorted((city / "学校").glob("*/*.xlsx")), folder / "市报告.docx",
                              level="city", history=city / "历年")
    assert result.written and result.history is not None, [p.message for p in result.errors]
    return [result.output]


def gaozhi_reports(folder: Path) -> list[Path]:
    """The 高职 edition's college and city reports (plain tables, label-only rows, 一、（一） headings)."""
    gaozhi = ROOT / "sample_inputs" / "gaozhi"
    college = render_report(gaozhi / "学校" / "北京海川职业技术学院.xlsx", folder / "学院报告.docx")
    city = aggregate_report(gaozhi / "北京市.xlsx", sorted((gaozhi / "学校").glob("*.xlsx")), folder / "高职市报告.docx",
                            level="city")
    assert college.written and city.written
    return [folder / "学院报告.docx", folder / "高职市报告.docx"]


def zhongzhi_2020_report(folder: Path) -> list[Path]:
    """The 2020 中职 edition's school report (单一年度的附表, a label-only row, continuous numbering)."""
    result = render_report(ROOT / "sample_inputs" / "zhongzhi-2020" / "北京市西山职业学校.xlsx", folder / "2020版式.docx")
    assert result.written
    return [result.output]


def zhongzhi_2020_blank_workbook(folder: Path) -> list[Path]:
    path = folder / "2020版式空白.xlsx"
    new_workbook(path, edition="zhongzhi-2020")
    return [path]


def gaozhi_blank_workbooks(folder: Path) -> list[Path]:
    paths = [folder / f"高职空白-{level}.xlsx" for level in ("school", "city")]
    for path, level in zip(paths, ("school", "city")):
        new_workbook(path, edition="gaozhi-2020", level=level)
    return paths


def blank_workbooks(folder: Path) -> list[Path]:
    paths = [folder / f"空白-{level}.xlsx" for level in ("school", "district", "city")]
    for path, level in zip(paths, ("school", "district", "city")):
        new_workbook(path, level=level)
    return paths


def next_year_workbook(folder: Path) -> list[Path]:
    new_workbook(folder / "学校2025.xlsx", previous=SAMPLE)
    return [folder / "学校2025.xlsx"]


def annotated_workbook(folder: Path) -> list[Path]:
    result = check_workbook(WITH_ERRORS)
    assert result.problems
    return [annotate_workbook(result, folder / "学校-问题.xlsx")]


def _give_another_school_code(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["封面"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "学校代码")
    row[1].value = "1111111111"
    wb.save(path)


def batch_outputs(folder: Path) -> list[Path]:
    inbox = folder / "收集"
    shutil.copytree(SAMPLE_DIR, inbox)  # one good workbook and one with errors: 汇总 lists both, and the problems
    _give_another_school_code(inbox / WITH_ERRORS.name)  # else the two are one school submitted twice: both refused
    result = run_batch(inbox, folder / "输出", jobs=1)
    assert result.summary.name == SUMMARY
    reports = sorted((folder / "输出").glob("*.docx"))
    assert reports
    return [result.summary, *reports]


def web_summary(folder: Path) -> list[Path]:
    """The web desk's 汇总.xlsx: a school with errors, one without, one that has not submitted."""
    from vqr_author.web.admin import open_data
    from vqr_author.web.desk import accept_upload, create_school, summary
    from vqr_author.web.photos import Sent

    db, store = open_data(folder / "数据")
    ids = []
    with db.transaction() as session:
        for code in ("4111099901", "4111099902", "4111099903"):  # each upload's own 学校代码
            ids.append(create_school(session, code, f"学校{code}", "测试").id)
    accept_upload(db, store, ids[0], Sent(WITH_ERRORS.read_bytes()), "测试")
    accept_upload(db, store, ids[1], Sent((ROOT / "sample_inputs" / "district" / "学校" / "海川区第一职业学校.xlsx").read_bytes()), "测试")
    with db.transaction() as session:
        (folder / "汇总.xlsx").write_bytes(summary(session, store))
    db.dispose()
    return [folder / "汇总.xlsx"]


def web_blank(folder: Path) -> list[Path]:
    """The blank workbook a school downloads from its link, its 封面 filled with the school's code, name and year."""
    from vqr_author.web.admin import open_data
    from vqr_author.web.blanks import blank_for
    from vqr_author.web.desk import create_school

    db, store = open_data(folder / "数据")
    with db.transaction() as session:
        school = create_school(session, "4111099901", "北京市海川职业学校", "测试")
        (folder / "空白填报表.xlsx").write_bytes(blank_for(store, school, 2024))
    db.dispose()
    return [folder / "空白填报表.xlsx"]


def template(folder: Path) -> list[Path]:
    return [ROOT / "templates" / "report.docx"]


# kind → (writes the files, parts that must be among those validated in each .docx, in each .xlsx)
KINDS: dict[str, tuple[Callable[[Path], list[Path]], set[str], set[str]]] = {
    "template": (template, DOCX_PARTS, set()),
    "school-report": (school_report, REPORT_PARTS, set()),
    "draft-report": (draft_report, REPORT_PARTS, set()),
    "district-report": (district_report, REPORT_PARTS, set()),
    "district-report-with-history": (district_report_with_history, REPORT_PARTS, set()),
    "city-report": (city_report, REPORT_PARTS, set()),
    "gaozhi-reports": (gaozhi_reports, DOCX_PARTS, set()),
    "zhongzhi-2020-report": (zhongzhi_2020_report, REPORT_PARTS, set()),
    "zhongzhi-2020-blank-workbook": (zhongzhi_2020_blank_workbook, set(), COMMENTED_XLSX_PARTS),
    "blank-workbooks": (blank_workbooks, set(), COMMENTED_XLSX_PARTS),
    "gaozhi-blank-workbooks": (gaozhi_blank_workbooks, set(), COMMENTED_XLSX_PARTS),
    "next-year-workbook": (next_year_workbook, set(), COMMENTED_XLSX_PARTS),
    "annotated-workbook": (annotated_workbook, set(), COMMENTED_XLSX_PARTS),
    "batch-summary-and-reports": (batch_outputs, REPORT_PARTS, SUMMARY_XLSX_PARTS),
    "web-desk-summary": (web_summary, set(), SUMMARY_XLSX_PARTS),
    "web-school-blank-workbook": (web_blank, set(), COMMENTED_XLSX_PARTS),
}


def check(path: Path, schema, required: set[str]) -> PackageReport:
    report = validate_package(path, schema)
    summary = report.describe()
    assert not report.violations, summary
    assert required <= set(report.validated), f"{summary}\n  not validated: {sorted(required - set(report.validated))}"
    assert not report.skipped, summary  # nothing the tool writes needs SKIPPED_ROOTS today
    return report


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_part_of_every_file_written_is_schema_valid(kind, ooxml, tmp_path):
    make, docx_parts, xlsx_parts = KINDS[kind]
    for path in make(tmp_path):
        check(path, ooxml, docx_parts if path.suffix == ".docx" else xlsx_parts)


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_page_numbered_copy_written_with_pdf_is_schema_valid(school_pdf, ooxml):
    copy = school_pdf.with_suffix(".docx")  # rendered again with the page numbers LibreOffice found
    check(copy, ooxml, REPORT_PARTS)


# ------------------------------------------------------------------------------------- the validator itself
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _settings(body: str, root_attributes: str = "") -> bytes:
    return (f'<w:settings xmlns:w="{W}" xmlns:mc="{MC}" xmlns:w14="{W14}" {root_attributes}>{body}</w:settings>'
            ).encode()


def test_validator_reports_each_violation_with_part_line_and_place(ooxml):
    styles = (f'<w:styles xmlns:w="{W}">\n<w:style w:type="paragraph" w:styleId="Normal"><w:pPr>'
              '<w:jc w:val="both"/><w:ind w:firstLine="0"/></w:pPr></w:style></w:styles>').encode()
    violations, skipped = validate_part("word/styles.xml", styles, ooxml)
    assert skipped is None and len(violations) == 1
    text = str(violations[0])
    assert text.startswith("word/styles.xml:2 /w:styles/w:style/w:pPr/w:ind:") and "w:ind" in text
    zoom, _ = validate_part("word/settings.xml", _settings('<w:zoom w:val="bestFit"/>'), ooxml)
    assert "w:percent" in str(zoom[0]) and "required" in str(zoom[0])


def test_markup_compatibility_drops_ignorable_markup_and_resolves_alternate_content(ooxml):
    part = _settings(
        '<w14:docId w14:val="1A2B"/>'
        '<mc:AlternateContent><mc:Choice Requires="w14"><w14:unknown/></mc:Choice>'
        '<mc:Fallback><w:zoom w:percent="100"/></mc:Fallback></mc:AlternateContent>'
        '<w:updateFields w:val="true" w14:extra="1"/>',
        'mc:Ignorable="w14"',
    )
    assert validate_part("word/settings.xml", part, ooxml) == ([], None)
    from lxml import etree

    root = etree.fromstring(part)
    apply_markup_compatibility(root)
    assert [child.tag.split("}")[1] for child in root] == ["zoom", "updateFields"]
    assert not root.attrib and not root[1].get(f"{{{W14}}}extra")
    # a namespace that is neither understood nor ignorable stays, and the schema rejects it
    unknown = _settings('<w14:docId w14:val="1A2B"/>')
    assert validate_part("word/settings.xml", unknown, ooxml)[0]


def test_xml_part_without_a_schema_is_a_violation_unless_skipped_with_its_reason(ooxml, monkeypatch):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/></Types>')
        zf.writestr("customXml/item1.xml", '<data xmlns="urn:example:not-ooxml"/>')
    report = validate_package(buffer.getvalue(), ooxml)
    assert [v.part for v in report.violations] == ["customXml/item1.xml"]
    monkeypatch.setitem(SKIPPED_ROOTS, "urn:example:not-ooxml", "a customer's own data, no ECMA-376 schema")
    report = validate_package(buffer.getvalue(), ooxml)
    assert not report.violations and report.skipped == {"customXml/item1.xml": "a customer's own data, no ECMA-376 schema"}
    assert "skipped customXml/item1.xml: a customer's own data" in report.describe()


def split_table_block() -> str:
    """A table split into three parts under 续表 captions, with row bookmarks and merged cells."""
    from vqr_author.compute.numbering import Number
    from vqr_author.compute.tables import Cell, HeaderCell, TableModel
    from vqr_author.render.tables import table_block

    rows = tuple((Cell("组", merge_key="g"), Cell(f"项目{r}"), Cell(str(r), "right")) for r in range(12))
    header = ((HeaderCell("组"), HeaderCell("项目"), HeaderCell("数量")),)
    return table_block(TableModel("t", "测试", True, Number(2), header, rows, note="说明"), bookmark=("_TocA2", 500002),
                       breaks=[4, 8])


def test_every_variant_of_the_generated_table_xml_is_schema_valid(ooxml):
    """render.ooxml writes the tables' XML by hand; every option it has, together, in one body (the
    reports above exercise only the options their data happen to need)."""
    from vqr_author.compute.numbering import Number
    from vqr_author.render import ooxml as x

    runs = x.text_run("文字 & <标记>") + x.text_run("粗", bold=True) + x.text_run("红", color="C00000") + \
        x.text_run("粗红", bold=True, color="C00000") + x.field_runs("SEQ 表 \\* ARABIC", "3")
    paragraphs = [x.paragraph(runs, "Normal", align=align, indent_chars=indent, keep_next=keep, outline_level=level)
                  for align in (None, "justify", "center", "right") for indent in (0, 1)
                  for keep in (False, True) for level in (None, 1)]
    cells = (x.cell(x.paragraph("", "TableHeader"), 1000, span=2, vmerge="restart", fill="FFC7CE")
             + x.cell(x.paragraph(runs, "TableText"), 1000, vmerge="continue") + x.cell("<w:p/>", 1000)
             + x.cell(x.paragraph(runs, "TableCaption"), 1000, frame=False))
    body = ("".join(paragraphs) + x.caption("表", Number(3), "标题") + x.caption("附表", Number(4), "附表", outline_level=1)
            + x.caption("表", Number(2, chapter=3, continuous=False), "分章编号")
            + x.table(x.row(cells, header=True) + x.row(cells), [2000, 1000, 1000])
            + split_table_block())
    document = (f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>').encode()
    violations, skipped = validate_part("word/document.xml", document, ooxml)
    assert skipped is None and not violations, "\n".join(map(str, violations))


def test_legacy_vml_drawing_of_cell_comments_is_validated_shape_by_shape(ooxml):
    # openpyxl writes the comment boxes as a VML drawing: a bare <xml> wrapper (no schema) around
    # VML shapes (schema: vml-main.xsd, vml-spreadsheetDrawing.xsd), each of which is validated.
    vml = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel">'
           '<v:shape id="_x0000_s1026"><x:ClientData ObjectType="Note"><x:Row>0</x:Row><x:Bogus/></x:ClientData>'
           '</v:shape></xml>').encode()
    violations, skipped = validate_part("xl/drawings/commentsDrawing1.vml", vml, ooxml)
    assert skipped is None and [v.path for v in violations] == ["/v:shape/x:ClientData/x:Bogus"]


def test_every_variant_of_the_native_chart_xml_is_schema_valid(ooxml):
    """render.drawingml writes the chart parts by hand: columns and horizontal bars, one to three
    series, missing and negative values, with and without a unit; and the inline drawing that
    places a chart in the text."""
    from decimal import Decimal

    from vqr_author.compute.charts import ChartModel, Series
    from vqr_author.render.drawingml import chart_space, inline

    values = (Decimal("1.50"), None, Decimal("-2.25"), Decimal("0.00"))
    for kind in ("bar", "hbar"):
        for count in (1, 3):
            for unit in ("%", ""):
                series = tuple(Series(f"系列{i} & <{i}>", values) for i in range(count))
                chart = ChartModel("x", "标题", kind, ("甲", "乙 & 丙", "<丁>", "戊"), series, unit, 2, 1)
                part = chart_space(chart, "rId1", palette=("1F4E79", "C55A11"), east_asian="黑体",
                                   latin="Times New Roman").encode()
                violations, skipped = validate_part("word/charts/chart1.xml", part, ooxml)
                assert skipped is None and not violations, "\n".join(map(str, violations))
    run = inline("rId9", "图 1 \"标题\" & <x>", "标题", 15.0, 7.6)
    document = f'<w:document xmlns:w="{W}"><w:body><w:p>{run}</w:p><w:sectPr/></w:body></w:document>'.encode()
    violations, skipped = validate_part("word/document.xml", document, ooxml)
    assert skipped is None and not violations, "\n".join(map(str, violations))


def test_embedded_workbook_is_validated_part_by_part(ooxml):
    """A chart's embedded .xlsx is opened and each of its parts validated, named outer!inner."""
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    inner = BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/></Types>')
        zf.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    "<bogus/></workbook>")
    outer = BytesIO()
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    f'<Default Extension="xlsx" ContentType="{sheet}"/></Types>')
        zf.writestr("word/embeddings/book1.xlsx", inner.getvalue())
    report = validate_package(outer.getvalue(), ooxml)
    assert "word/embeddings/book1.xlsx!xl/workbook.xml" in report.validated
    assert [v.part for v in report.violations] == ["word/embeddings/book1.xlsx!xl/workbook.xml"]
