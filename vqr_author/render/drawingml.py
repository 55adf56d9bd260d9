"""DrawingML for the native charts — the XML layer under render.charts (ECMA-376 Part 1 §21.2).

A chart part (c:chartSpace) holds a clustered bar chart: its categories and values cached in the
part (what Word and LibreOffice draw) and referred to by cell (Sheet1!$B$2:$B$4) in the embedded
workbook (what "编辑数据" opens). Elements are written in the order dml-chart.xsd gives them. Every
piece of text goes through ``escape``/``quoteattr``, so a label can never become markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from vqr_author.compute.charts import ChartModel
from vqr_author.xml_text import escape, quoteattr

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
SHEET = "Sheet1"
EMU_PER_CM = 360000
CATEGORY_AXIS, VALUE_AXIS = 1001, 1002
AXIS_LINE = "808080"


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a spreadsheet column's letters."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def number_format(decimals: int) -> str:
    """The spreadsheet format that prints a value with ``decimals`` places, as the tables do."""
    return "0." + "0" * decimals if decimals else "0"


def _fonts(east_asian: str, latin: str) -> str:
    return f"<a:latin typeface={quoteattr(latin)}/><a:ea typeface={quoteattr(east_asian)}/><a:cs typeface={quoteattr(latin)}/>"


def _character(tag: str, size_pt: float, fonts: str) -> str:
    """a:defRPr or a:rPr: Chinese text of ``size_pt`` points, not bold, in the given fonts."""
    return f'<a:{tag} lang="zh-CN" altLang="en-US" sz="{round(size_pt * 100)}" b="0">{fonts}</a:{tag}>'


def _text_properties(size_pt: float, fonts: str, *, rotation: int | None = None) -> str:
    """c:txPr: the look of text the chart generates (labels, legend, tick labels)."""
    rotated = f' rot="{rotation}" vert="horz"' if rotation is not None else ""
    return (f'<c:txPr><a:bodyPr{rotated}/><a:lstStyle/><a:p><a:pPr>{_character("defRPr", size_pt, fonts)}</a:pPr>'
            '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def _title(text: str, size_pt: float, fonts: str, *, rotation: int) -> str:
    return (f'<c:title><c:tx><c:rich><a:bodyPr rot="{rotation}" vert="horz"/><a:lstStyle/><a:p>'
            f'<a:pPr>{_character("defRPr", size_pt, fonts)}</a:pPr>'
            f'<a:r>{_character("rPr", size_pt, fonts)}<a:t>{escape(text)}</a:t></a:r></a:p></c:rich></c:tx>'
            '<c:overlay val="0"/></c:title>')


def _line(color: str | None) -> str:
    return "<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>" if color is None else (
        f'<c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln></c:spPr>')


def _strings(reference: str, texts: Sequence[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{escape(t)}</c:v></c:pt>' for i, t in enumerate(texts))
    return f"<c:strRef><c:f>{reference}</c:f><c:strCache><c:ptCount val=\"{len(texts)}\"/>{points}</c:strCache></c:strRef>"


def _numbers(reference: str, values: Sequence[Decimal | None], code: str) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{format(v, "f")}</c:v></c:pt>' for i, v in enumerate(values) if v is not None)
    return (f"<c:numRef><c:f>{reference}</c:f><c:numCache><c:formatCode>{code}</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


def _data_labels(code: str, size_pt: float, fonts: str) -> str:
    """Each bar's value printed at its end, in the tables' number format."""
    return (f'<c:dLbls><c:numFmt formatCode="{code}" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
            f'{_text_properties(size_pt, fonts)}<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
            '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')


def chart_space(chart: ChartModel, workbook_rel: str, *, palette: Sequence[str], east_asian: str, latin: str) -> str:
    """The chart part: a clustered column chart (``bar``) or a clustered horizontal bar chart with
    its first category on top (``hbar``); values on the bars, a legend above when there is more
    than one series, the unit as the value axis' title, no chart title (the caption 图 N under the
    chart is the title). ``workbook_rel`` is the relationship id of the embedded workbook."""
    fonts = _fonts(east_asian, latin)
    code = number_format(chart.decimals)
    count = len(chart.categories)
    categories = f"{SHEET}!$A$2:$A${count + 1}"
    label_size = 7 if count * len(chart.series) > 12 else 8
    series = []
    for i, s in enumerate(chart.series):
        column = column_name(i + 1)
        series.append(
            f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/><c:tx>{_strings(f"{SHEET}!${column}$1", [s.name])}</c:tx>'
            f'<c:spPr><a:solidFill><a:srgbClr val="{palette[i % len(palette)]}"/></a:solidFill></c:spPr>'
            f'<c:invertIfNegative val="0"/>{_data_labels(code, label_size, fonts)}'
            f"<c:cat>{_strings(categories, chart.categories)}</c:cat>"
            f'<c:val>{_numbers(f"{SHEET}!${column}$2:${column}${count + 1}", s.values, code)}</c:val></c:ser>')
    horizontal = chart.kind == "hbar"
    if horizontal:
        # Word plots and lists series by c:order; LibreOffice takes them in document order and lists
        # a horizontal bar chart's legend backwards. Written last to first, both legends read in the
        # table's column order (c:order is unchanged, so Word's bars and legend are as before).
        series.reverse()
    values = [v for s in chart.series for v in s.values if v is not None]
    from_zero = '<c:min val="0"/>' if all(v >= 0 for v in values) else ""  # bars start at 0, as readers expect
    legend = (f'<c:legend><c:legendPos val="t"/><c:overlay val="0"/>{_text_properties(9, fonts)}</c:legend>'
              if len(chart.series) > 1 else "")
    unit = _title(f"单位：{chart.unit}", 9, fonts, rotation=0 if horizontal else -5400000) if chart.unit else ""
    return (
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}">'
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        '<c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="clustered"/>'
        f'<c:varyColors val="0"/>{"".join(series)}<c:gapWidth val="60"/><c:overlap val="-5"/>'
        f'<c:axId val="{CATEGORY_AXIS}"/><c:axId val="{VALUE_AXIS}"/></c:barChart>'
        # the category axis: names at the bars; a horizontal chart lists its categories top down
        f'<c:catAx><c:axId val="{CATEGORY_AXIS}"/>'
        f'<c:scaling><c:orientation val="{"maxMin" if horizontal else "minMax"}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"l" if horizontal else "b"}"/>'
        '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{_line(AXIS_LINE)}{_text_properties(9, fonts)}'
        f'<c:crossAx val="{VALUE_AXIS}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="1"/></c:catAx>'
        # the value axis: only its title (the unit); the values are on the bars
        f'<c:valAx><c:axId val="{VALUE_AXIS}"/><c:scaling><c:orientation val="minMax"/>{from_zero}</c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"b" if horizontal else "l"}"/>{unit}'
        f'<c:numFmt formatCode="{code}" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="none"/>{_line(None)}{_text_properties(9, fonts)}<c:crossAx val="{CATEGORY_AXIS}"/>'
        f'<c:crosses val="{"max" if horizontal else "autoZero"}"/><c:crossBetween val="between"/></c:valAx>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{_text_properties(9, fonts)}'
        f'<c:externalData r:id={quoteattr(workbook_rel)}><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )


def inline(chart_rel: str, name: str, description: str, width_cm: float, height_cm: float) -> str:
    """A run holding the chart inline in its paragraph (wp:inline → c:chart r:id). wp:docPr's id is
    renumbered by docxtpl with every other drawing of the document, so ids are unique."""
    return (
        f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp="{WP}">'
        f'<wp:extent cx="{round(width_cm * EMU_PER_CM)}" cy="{round(height_cm * EMU_PER_CM)}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="1" name={quoteattr(name)} descr={quoteattr(description)}/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{C}">'
        f'<c:chart xmlns:c="{C}" xmlns:r="{R}" r:id={quoteattr(chart_rel)}/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r>"
    )
