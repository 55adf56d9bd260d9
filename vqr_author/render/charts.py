"""The report's charts as native Word charts: a chart part (word/charts/chartN.xml, see
render.drawingml) with its data in an embedded workbook (word/embeddings/…xlsx), so the chart can
be restyled in Word or WPS and its numbers changed with "编辑数据". Its text names the template's
fonts (黑体 for Chinese, as the captions and table headers; Times New Roman for digits), so it is set
by whatever program opens the report, like the body text: generating a report needs no font.

How it is built, and why (measured for issue 11 on the sample school's three charts, this machine):
the chart XML is written here (render.drawingml) and the workbook by output.sheets, the small writer
汇总.xlsx uses too (reproducible bytes, no import cost). python-pptx's ChartXmlWriter +
CategoryChartData was measured against it: importing python-pptx costs ~170 ms on top of the
libraries a render already loads, its XML fails dml-chart.xsd (negative c:axId values), its workbook
carries the time of writing (the report would no longer be byte-identical), and the data labels'
fonts, the East Asian font, the top-down category order and the c:externalData link would still be
patched in by hand through its non-public classes. openpyxl writes the workbook in ~7 ms and stamps
it with the current time, which only its non-public writer can avoid; XlsxWriter, used here before,
costs 70–90 ms to import in every process that renders (docs/performance.md).
"""

from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.part import Part
from docxtpl import DocxTemplate

from vqr_author.compute.charts import ChartModel
from vqr_author.output.sheets import Sheet, Style, workbook_bytes
from vqr_author.render.drawingml import SHEET, chart_space, inline, number_format

WIDTH_CM, HEIGHT_CM = 15.0, 7.6
MAX_HEIGHT_CM = 20.0  # a chart and its caption on one A4 page of the template (text height about 24 cm)
PALETTE = ("1F4E79", "C55A11", "548235", "7F6000", "7030A0")
# The template's fonts (templates/build_templates.py: FONT_HEI of 图题 and 表头文字, LATIN).
EAST_ASIAN_FONT, LATIN_FONT = "黑体", "Times New Roman"
CHART_PART = "/word/charts/chart%d.xml"
WORKBOOK_PART = "/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"


def height_cm(chart: ChartModel) -> float:
    """Vertical bars: a fixed height. Horizontal bars: a row per category, so long lists stay legible,
    up to what fits on one page with its caption (longer lists get thinner bars, never a chart cut
    off at the page foot)."""
    if chart.kind == "bar":
        return HEIGHT_CM
    return min(MAX_HEIGHT_CM, max(5.0, 1.8 + len(chart.categories) * (0.3 * len(chart.series) + 0.2)))


def workbook(chart: ChartModel) -> bytes:
    """The chart's data as an .xlsx: categories down column A, a column per series (name in row 1),
    the values as numbers in the tables' format — the cells the chart part refers to."""
    sheet = Sheet(SHEET, (2 + 2 * max((len(c) for c in chart.categories), default=4), *(12,) * len(chart.series)))
    sheet.append([None, *(series.name for series in chart.series)])  # text cells: a name such as "=1+1" stays text
    for row, category in enumerate(chart.categories):
        numbers = (None if series.values[row] is None else float(series.values[row]) for series in chart.series)
        sheet.append([category, *numbers], {column: Style.NUMBER for column in range(1, len(chart.series) + 1)})
    return workbook_bytes([sheet], number_format(chart.decimals))


class ChartPart(Part):
    """word/charts/chartN.xml, related to its embedded workbook."""

    def __init__(self, chart: ChartModel, package: OpcPackage) -> None:
        super().__init__(package.next_partname(CHART_PART), CT.DML_CHART, package=package)
        data = Part(package.next_partname(WORKBOOK_PART), CT.SML_SHEET, workbook(chart), package)
        self._xml = chart_space(chart, self.relate_to(data, RT.PACKAGE), palette=PALETTE,
                                east_asian=EAST_ASIAN_FONT, latin=LATIN_FONT).encode()

    @property
    def blob(self) -> bytes:
        return self._xml


class NativeChart:
    """A chart in the docxtpl context: rendered in the template (``{{ chart.image }}``), it adds its
    chart part to the document being rendered and places it as an inline drawing, at the text width."""

    def __init__(self, tpl: DocxTemplate, chart: ChartModel) -> None:
        self.tpl, self.chart = tpl, chart

    def __html__(self) -> str:
        document = self.tpl.current_rendering_part
        relationship = document.relate_to(ChartPart(self.chart, document.package), RT.CHART)
        name = f"图 {self.chart.number} {self.chart.title}" if self.chart.number else self.chart.title
        drawing = inline(relationship, name, self.chart.title, WIDTH_CM, height_cm(self.chart))
        # docxtpl places the value inside a run's text: close that run, add the drawing's, reopen
        return f'</w:t></w:r>{drawing}<w:r><w:t xml:space="preserve">'
