"""A small .xlsx writer for the tables the tool reports in (汇总.xlsx) and the data workbook embedded
in each native chart (render.charts): text and numbers in rows, a bold frozen header row, a fill,
wrapped text or a number format per cell, column widths.

`vqr batch` writes 汇总.xlsx on every run, also when nothing changed and nothing else is done; with
openpyxl, importing it and saving took most of such a run (about 0.25 s of 0.5 s, docs/performance.md),
and importing XlsxWriter costs 70–90 ms, a tenth of a one-school `vqr render` (measured on this
project's machine; docs/performance.md). The workbooks `vqr init` and `vqr check --annotate` write
(validation lists, comments) stay with openpyxl.
The bytes are reproducible (fixed zip timestamps) and every part validates against the ECMA-376
Transitional schemas (tests/test_schema.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from vqr_author.output.docx_zip import DeterministicZip
from vqr_author.xml_text import escape, quoteattr


class Style(IntEnum):
    """A cell's look: its index in the styles part's cellXfs (written by `_STYLES` in this order)."""

    PLAIN = 0
    BOLD = 1
    GREEN = 2  # a good outcome
    RED = 3  # a failed one
    WRAPPED = 4  # long text, wrapped, aligned to the top
    NUMBER = 5  # a number in the workbook's number format (workbook_bytes)


Value = str | int | float | None  # None: no cell


@dataclass
class Sheet:
    name: str
    widths: Sequence[float]  # column widths in characters, from column A
    rows: list[list[Value]] = field(default_factory=list)
    styles: dict[tuple[int, int], Style] = field(default_factory=dict)  # (row, column), from 0; row 0 is BOLD

    def append(self, values: Sequence[Value], styles: dict[int, Style] | None = None) -> None:
        for column, style in (styles or {}).items():
            self.styles[(len(self.rows), column)] = style
        self.rows.append(list(values))


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # control characters XML 1.0 cannot hold

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{sheets}'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_SHEET_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'worksheet" Target="worksheets/sheet{n}.xml"/>')
_FILL = '<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/></patternFill></fill>'
_STYLES = (  # cellXfs in the order of Style
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode={number_format}/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    + _FILL.format(rgb="C6EFCE") + _FILL.format(rgb="FFC7CE") + "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView{selected} workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{rows}</sheetData></worksheet>'
)


def _column(index: int) -> str:
    """A, B, …, Z, AA, … for the column ``index`` (from 0)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Value, style: Style) -> str:
    if value is None:
        return ""
    s = f' s="{int(style)}"' if style else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = _NOT_IN_XML.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet_xml(sheet: Sheet, selected: bool) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths, 1))
    rows = []
    for r, values in enumerate(sheet.rows):
        cells = "".join(_cell(f"{_column(c)}{r + 1}", v, Style.BOLD if r == 0 else sheet.styles.get((r, c), Style.PLAIN))
                        for c, v in enumerate(values))
        rows.append(f'<row r="{r + 1}">{cells}</row>')
    return _SHEET.format(selected=' tabSelected="1"' if selected else "", cols=cols, rows="".join(rows))


def workbook_bytes(sheets: Sequence[Sheet], number_format: str = "0") -> bytes:
    """The .xlsx file holding ``sheets`` (the first one selected), the same bytes for the same sheets;
    cells of the NUMBER style show ``number_format`` (a spreadsheet format code such as ``0.00``)."""
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n)
                                                                    for n in range(1, len(sheets) + 1))),
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK.format(sheets="".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{n}" r:id="rId{n}"/>' for n, s in enumerate(sheets, 1))),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n)
                                                                           for n in range(1, len(sheets) + 1))),
        "xl/styles.xml": _STYLES.format(number_format=quoteattr(number_format)),
        **{f"xl/worksheets/sheet{n}.xml": _sheet_xml(s, n == 1) for n, s in enumerate(sheets, 1)},
    }
    buffer = io.BytesIO()
    archive = DeterministicZip(buffer)
    for name, xml in parts.items():
        archive.add(name, xml.encode("utf-8"))
    archive.close()
    return buffer.getvalue()
