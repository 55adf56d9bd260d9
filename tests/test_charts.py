"""Native charts (issue 11): each chart of a report is a DrawingML chart part with its data in an
embedded workbook, and its numbers are the tables' numbers.

The charts are read back from rendered reports as a reader's program would: document.xml's
c:chart → the chart part → its cached categories and values, its number format, and the cells of
the embedded workbook it points at. Each value is then looked up in the report's own tables (the
row of the category or indicator, the column of the series) and must read exactly as the cell does.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path, PurePosixPath

import docx
import openpyxl
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import ROOT, SAMPLE
from vqr_author import aggregate_report, check_workbook, render_report
from vqr_author.compute import build_report, region_source
from vqr_author.compute.charts import ChartModel, Series
from vqr_author.output.pdf import find_soffice
from vqr_author.render import charts as native
from vqr_author.render.drawingml import C, R, chart_space, number_format

DISTRICT = ROOT / "sample_inputs" / "district"
NS = {"c": C, "a": "http://schemas.openxmlformats.org/drawingml/2006/main", "r": R,
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
CHART_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
PACKAGE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    """The sample school's report (rendered once for the tests that only read it)."""
    out = tmp_path_factory.mktemp("school") / "报告.docx"
    assert render_report(SAMPLE, out).written
    return out


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> tuple[Path, object]:
    """The sample district's report and its result."""
    out = tmp_path_factory.mktemp("district") / "区县报告.docx"
    result = aggregate_report(DISTRICT / "海川区.xlsx", sorted((DISTRICT / "学校").glob("*.xlsx")), out)
    assert result.written
    return out, result


# ------------------------------------------------------------------------------ reading a chart back
@dataclass
class ReadSeries:
    name: str
    values: list[str | None]  # the cached values, as written
    name_ref: str
    values_ref: str


@dataclass
class ReadChart:
    part: str
    xml: etree._Element
    direction: str  # c:barDir: "col" or "bar"
    categories: list[str]
    categories_ref: str
    series: list[ReadSeries]
    format_code: str  # the data labels' number format
    workbook: openpyxl.Workbook

    def label(self, value: str) -> str:
        """The value as the data label prints it (format 0 or 0.00…)."""
        decimals = len(self.format_code.partition(".")[2])
        return format(Decimal(value), f".{decimals}f")


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """rId → (relationship type, target part name) of ``part``."""
    path = PurePosixPath(part)
    root = etree.fromstring(zf.read(str(path.parent / "_rels" / f"{path.name}.rels")))
    found = {}
    for rel in root.iterfind("rel:Relationship", NS):
        target = PurePosixPath(path.parent, rel.get("Target"))
        parts = []
        for piece in target.parts:  # resolve "../embeddings/x.xlsx"
            if piece == "..":
                parts.pop()
            else:
                parts.append(piece)
        found[rel.get("Id")] = (rel.get("Type"), "/".join(parts))
    return found


def _strings(element: etree._Element) -> list[str]:
    cache = element.find("c:strRef/c:strCache", NS)
    count = int(cache.find("c:ptCount", NS).get("val"))
    texts = [""] * count
    for pt in cache.iterfind("c:pt", NS):
        texts[int(pt.get("idx"))] = pt.findtext("c:v", namespaces=NS)
    return texts


def read_charts(path: Path) -> list[ReadChart]:
    """The charts of a .docx in document order."""
    with zipfile.ZipFile(path) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
        rels = _rels(zf, "word/document.xml")
        found = []
        for ref in document.iterfind(".//c:chart", NS):
            kind, part = rels[ref.get(f"{{{R}}}id")]
            assert kind == CHART_TYPE
            xml = etree.fromstring(zf.read(part))
            bar = xml.find("c:chart/c:plotArea/c:barChart", NS)
            # in plotting order (c:order), as Word reads it; LibreOffice reads document order
            sers = sorted(bar.findall("c:ser", NS), key=lambda s: int(s.find("c:order", NS).get("val")))
            series = []
            for ser in sers:
                cache = ser.find("c:val/c:numRef/c:numCache", NS)
                values: list[str | None] = [None] * int(cache.find("c:ptCount", NS).get("val"))
                for pt in cache.iterfind("c:pt", NS):
                    values[int(pt.get("idx"))] = pt.findtext("c:v", namespaces=NS)
                series.append(ReadSeries(_strings(ser.find("c:tx", NS))[0], values,
                                         ser.findtext("c:tx/c:strRef/c:f", namespaces=NS),
                                         ser.findtext("c:val/c:numRef/c:f", namespaces=NS)))
            external = xml.find("c:externalData", NS)
            assert external.find("c:autoUpdate", NS).get("val") == "0"
            kind, embedded = _rels(zf, part)[external.get(f"{{{R}}}id")]
            assert kind == PACKAGE_TYPE and embedded.startswith("word/embeddings/") and embedded.endswith(".xlsx")
            workbook = openpyxl.load_workbook(io.BytesIO(zf.read(embedded)))
            found.append(ReadChart(part, xml, bar.find("c:barDir", NS).get("val"), _strings(sers[0].find("c:cat", NS)),
                                   sers[0].findtext("c:cat/c:strRef/c:f", namespaces=NS), series,
                                   sers[0].find("c:dLbls/c:numFmt", NS).get("formatCode"), workbook))
        return found


def cells(workbook: openpyxl.Workbook, reference: str) -> list:
    """The cells of "Sheet1!$B$2:$B$4" (or one cell)."""
    sheet, _, area = reference.partition("!")
    area = area.replace("$", "")
    block = workbook[sheet][area]
    if not isinstance(block, tuple):
        return [block]
    return [row[0] if isinstance(row, tuple) else row for row in block]


# ------------------------------------------------------------------------------ the tables, as printed
def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _heading(text: str) -> str:
    """A column header without its unit: 就业率（%） → 就业率."""
    return re.sub(r"（[^（）]*）$", "", _plain(text))


def table_cells(path: Path, row_label: str, series: str, year: str) -> list[str]:
    """Every table cell in a row labelled ``row_label`` (or ``row_label（note）``, as 文化艺术大类（含目录外
    专业）) and a column headed ``series`` (or, in tables with a year per column, headed ``year``
    under ``series``, or ``year`` alone)."""
    document = docx.Document(str(path))
    found = []
    for table in document.tables:
        header_rows = [r for r in table.rows if r._tr.xpath("./w:trPr/w:tblHeader")]
        body = [r for r in table.rows if r not in header_rows]
        headers = [{_heading(r.cells[i].text) for r in header_rows} for i in range(len(table.columns))]
        columns = [i for i, h in enumerate(headers) if series in h]
        if len(columns) > 1 or not columns:
            columns = [i for i, h in enumerate(headers) if year in h and (not columns or i in columns)]
        label = _plain(row_label)
        for row in body:
            texts = [_plain(c.text) for c in row.cells]
            if any(t == label or t.startswith(f"{label}（") for t in texts):
                found += [texts[i] for i in columns]
    return found


def check_against_tables(path: Path, models: tuple[ChartModel, ...], edition, year: str) -> int:
    """Every value of every chart of ``path`` equals the model's value and reads as its table cell;
    returns how many values were compared with a table cell."""
    read = read_charts(path)
    assert [len(c.categories) for c in read] == [len(m.categories) for m in models]
    layouts = {layout.id: layout for layout in edition.charts}
    compared = 0
    for chart, model in zip(read, models):
        assert chart.categories == list(model.categories)
        assert chart.format_code == number_format(model.decimals)
        layout = layouts[model.id]
        for ser, series in zip(chart.series, model.series, strict=True):
            assert ser.name == series.name
            for i, (text, value) in enumerate(zip(ser.values, series.values, strict=True)):
                assert (text is None) == (value is None)
                if value is None:
                    continue
                assert chart.label(text) == model.label(value)
                if layout.kind == "indicators":  # the row of the indicator, the column of the year
                    found = table_cells(path, edition.indicator(layout.indicators[i]).name, series.name, series.name)
                else:  # the row of the 专业 / school / 专业大类, the column of the field
                    found = table_cells(path, model.categories[i], series.name, year)
                assert found, f"{model.title}: no table cell for {model.categories[i]} / {series.name}"
                assert set(found) == {chart.label(text)}, (model.title, model.categories[i], series.name, found)
                compared += 1
    return compared


def test_school_chart_values_are_the_table_values(school, edition):
    models = check_workbook(SAMPLE).report.charts
    assert [m.id for m in models] == ["scale_chart", "majors_employment_chart", "satisfaction_chart"]
    assert check_against_tables(school, models, edition, "2024年") == 6 + 28 + 10


def test_district_chart_values_are_the_table_values(district, edition):
    out, result = district
    report = build_report(result.region.edition, region_source(result.region.edition, result.region.book,
                                                               [s.school() for s in result.schools]))
    assert {"schools_chart", "categories_chart"} <= {m.id for m in report.charts}
    assert check_against_tables(out, report.charts, edition, "2024年") > 40


# ------------------------------------------------------------------------------ the embedded workbook
def test_embedded_workbook_holds_the_charts_data(school):
    for chart in read_charts(school):
        book = chart.workbook
        assert [c.value for c in cells(book, chart.categories_ref)] == chart.categories
        for ser in chart.series:
            assert [c.value for c in cells(book, ser.name_ref)] == [ser.name]
            numbers = cells(book, ser.values_ref)
            assert [None if c.value is None else Decimal(str(c.value)) for c in numbers] == \
                [None if v is None else Decimal(v) for v in ser.values]
            assert {c.number_format for c in numbers if c.value is not None} == {chart.format_code}


def test_chart_kinds_labels_legend_and_unit(school):
    scale, majors, satisfaction = read_charts(school)
    assert (scale.direction, majors.direction, satisfaction.direction) == ("col", "bar", "col")  # 14 专业: bars
    orientation = majors.xml.find(".//c:catAx/c:scaling/c:orientation", NS).get("val")
    assert orientation == "maxMin"  # the first 专业 on top, as in the table
    for chart, unit in ((scale, "单位：人"), (majors, "单位：%"), (satisfaction, "单位：%")):
        assert chart.xml.find("c:chart/c:legend/c:legendPos", NS).get("val") == "t"  # two series each
        assert "".join(chart.xml.find(".//c:valAx/c:title", NS).itertext()) == unit
        labels = chart.xml.findall(".//c:ser/c:dLbls", NS)
        assert labels and all(d.find("c:showVal", NS).get("val") == "1" for d in labels)
    assert scale.format_code == "0" and majors.format_code == "0.00"


def test_one_series_has_no_legend(district):
    one = [c for c in read_charts(district[0]) if len(c.series) == 1]
    assert one and all(c.xml.find("c:chart/c:legend", NS) is None for c in one)
    assert all(c.direction == "bar" for c in one)  # schools and 专业大类: horizontal, largest first


def test_chart_text_is_in_the_templates_fonts(school):
    """Chinese in 黑体 and digits in Times New Roman, as the captions and table headers: the program
    that opens the report sets the chart's text, so generating it needs no font."""
    styles = etree.fromstring(zipfile.ZipFile(school).read("word/styles.xml"))
    caption = styles.find(".//w:style[@w:styleId='FigureCaption']/w:rPr/w:rFonts", NS)
    east_asian, latin = caption.get(f"{{{NS['w']}}}eastAsia"), caption.get(f"{{{NS['w']}}}ascii")
    assert (east_asian, latin) == (native.EAST_ASIAN_FONT, native.LATIN_FONT)
    for chart in read_charts(school):
        text_properties = chart.xml.findall(".//c:txPr", NS) + chart.xml.findall(".//c:rich", NS)
        assert text_properties
        for body in text_properties:
            for run in body.iterfind(".//a:defRPr", NS):
                assert run.find("a:ea", NS).get("typeface") == east_asian
                assert run.find("a:latin", NS).get("typeface") == latin


# ------------------------------------------------------------------------------ the drawing in the text
def test_each_chart_is_an_inline_drawing_with_its_caption(school):
    document = docx.Document(str(school))
    body = document.element.body
    inlines = body.findall(".//wp:inline", NS)
    ids = [i.find("wp:docPr", NS).get("id") for i in inlines]
    assert len(ids) == len(set(ids)) == 6 + 3  # case photos and charts, each its own id
    charts = [i for i in inlines if i.find(".//c:chart", NS) is not None]
    assert len(charts) == 3 and len(document.inline_shapes) == 9
    for inline in charts:
        data = inline.find("a:graphic/a:graphicData", NS)
        assert data.get("uri") == C
        assert int(inline.find("wp:extent", NS).get("cx")) == round(native.WIDTH_CM * 360000)
        paragraph = inline.getparent().getparent().getparent()  # w:drawing → w:r → w:p
        caption = paragraph.getnext()
        assert caption.xpath("./w:pPr/w:pStyle/@w:val") == ["FigureCaption"]
        text = docx.text.paragraph.Paragraph(caption, document).text
        assert text.startswith("图 ") and inline.find("wp:docPr", NS).get("name") == text


def test_labels_are_text_never_markup_or_formulas(sample, edit, tmp_path):
    odd = "汽车<运用>&\"维修\""
    formula = "=1+1"

    def names(wb):  # noqa: ANN001
        wb["专业"]["B2"] = odd
        wb["专业"]["B3"] = formula
        wb["专业"]["B3"].data_type = "s"  # typed as text, as Excel keeps '=1+1

    edit(sample, fn=names)
    out = tmp_path / "报告.docx"
    assert render_report(sample, out).written
    majors = next(c for c in read_charts(out) if c.direction == "bar")
    assert majors.categories[:2] == [odd, formula]
    sheet_values = [c.value for c in cells(majors.workbook, majors.categories_ref)]
    assert sheet_values[:2] == [odd, formula]
    assert majors.workbook["Sheet1"]["A3"].data_type == "s"  # a string, not a formula


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_charts_are_drawn_in_the_pdf(school_pdf):
    """LibreOffice lays the native charts out as text and shapes: each chart's categories, its
    values as labelled, its legend and its unit are on the page above its caption."""
    texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(school_pdf).pages]
    for chart in read_charts(school_pdf.with_suffix(".docx")):
        page = next(t for t in texts if "单位：" in t and all(c in t for c in chart.categories))
        for ser in chart.series:
            assert ser.name in page
            assert all(chart.label(v) in page for v in ser.values if v is not None)


# ------------------------------------------------------------------------------ the chart part itself
def _model(kind: str, values: tuple, *, unit: str = "人", decimals: int = 0) -> ChartModel:
    return ChartModel("x", "标题", kind, tuple(f"类{i}" for i in range(len(values))),
                      (Series("2024年", values),), unit, decimals, 1)


def test_bars_start_at_zero_unless_a_value_is_negative():
    positive = etree.fromstring(chart_space(_model("bar", (Decimal(96), Decimal(99))), "rId1", palette=("000000",),
                                            east_asian="黑体", latin="Times New Roman").encode())
    assert positive.find(".//c:valAx/c:scaling/c:min", NS).get("val") == "0"
    negative = etree.fromstring(chart_space(_model("bar", (Decimal(-3), Decimal(5))), "rId1", palette=("000000",),
                                            east_asian="黑体", latin="Times New Roman").encode())
    assert negative.find(".//c:valAx/c:scaling/c:min", NS) is None


def test_height_grows_with_the_categories_of_horizontal_bars():
    few, many = _model("hbar", (Decimal(1),) * 3), _model("hbar", (Decimal(1),) * 20)
    assert native.height_cm(_model("bar", (Decimal(1),) * 3)) == native.HEIGHT_CM
    assert native.height_cm(few) == 5.0 and native.height_cm(many) > 10


def test_chart_values_are_rounded_as_the_tables_round(sample, edit, tmp_path, edition):
    """ROUND_HALF_UP, as the table cells: 1 of 32 对口 is 3.125% → 3.13 (Python's format() would print 3.12)."""
    edit(sample, cells={("专业", "E2"): 32, ("专业", "F2"): 1})
    out = tmp_path / "报告.docx"
    assert render_report(sample, out).written
    check_against_tables(out, check_workbook(sample).report.charts, edition, "2024年")
    majors = next(c for c in read_charts(out) if c.direction == "bar")
    assert majors.series[1].name == "对口就业率" and majors.label(majors.series[1].values[0]) == "3.13"


def test_missing_values_leave_a_gap_in_chart_and_workbook():
    model = _model("bar", (Decimal("1.50"), None, Decimal("2.25")), decimals=2)
    xml = etree.fromstring(chart_space(model, "rId1", palette=("000000",), east_asian="黑体",
                                       latin="Times New Roman").encode())
    cache = xml.find(".//c:ser/c:val/c:numRef/c:numCache", NS)
    assert cache.find("c:ptCount", NS).get("val") == "3"
    assert [(p.get("idx"), p.findtext("c:v", namespaces=NS)) for p in cache.iterfind("c:pt", NS)] == \
        [("0", "1.50"), ("2", "2.25")]
    sheet = openpyxl.load_workbook(io.BytesIO(native.workbook(model)))["Sheet1"]
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == [1.5, None, 2.25]


def test_a_long_category_list_fits_on_one_page():
    """A school with many 专业 gets thinner bars, never a chart cut off at the page foot."""
    from vqr_author.compute.charts import ChartModel, Series
    from vqr_author.render.charts import MAX_HEIGHT_CM, height_cm

    majors = tuple(f"专业{n}" for n in range(60))
    chart = ChartModel("c", "t", "hbar", majors, (Series("a", (None,) * 60), Series("b", (None,) * 60)), "%", 2)
    assert height_cm(chart) == MAX_HEIGHT_CM
    assert height_cm(replace(chart, categories=majors[:3])) < MAX_HEIGHT_CM
