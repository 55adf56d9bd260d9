"""The cells of every sheet, read straight from the package XML with lxml.

A report workbook is read many times a day (every check, every render, every batch), and a
general-purpose reader spends most of its time building objects this tool never looks at (styles,
dimensions, fonts). This module reads only what the reader needs: each cell's value and its number
format, the merged ranges, and formulas saved without a result. The value rules are openpyxl's own
(data_only, read-only mode), with its number-format rules (workbook.excel) and its date conversion;
tests compare the two cell by cell on every workbook we have.

Sheets are parsed a row at a time (memory stays flat), and one far beyond a real form is refused as
soon as the parser gets there. Call it only after ``files.sniff`` has accepted the package.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

from lxml import etree

from vqr_author.errors import WorkbookUnreadable
from vqr_author.workbook.excel import (BUILTIN_FORMATS, column_letter, coordinate, is_date_format, is_timedelta_format,
                                       temporal_value)
from vqr_author.workbook.files import NS_MAIN, NS_PKG_REL, corrupt, part_member, sheet_parts

_ROW, _CELL, _VALUE, _INLINE = f"{NS_MAIN}row", f"{NS_MAIN}c", f"{NS_MAIN}v", f"{NS_MAIN}is"
_TEXT, _RUN, _FORMULA, _MERGE = f"{NS_MAIN}t", f"{NS_MAIN}r", f"{NS_MAIN}f", f"{NS_MAIN}mergeCell"
_COLUMN, _SHEET = f"{NS_MAIN}col", f"{NS_MAIN}sheet"
_TRUE = ("1", "true")
_MAX_COLUMN = 16384
MAX_SHEET_ROWS = 10_000  # a school form has a few hundred rows
MAX_SHEET_CELLS = 300_000
_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_PARSE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


@dataclass
class SheetGrid:
    """The cells of one sheet as read: value and number format of the non-empty ones."""

    title: str
    cells: dict[tuple[int, int], tuple[object, str]] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)  # merged ranges, e.g. "E5:F6"
    uncached_formulas: dict[str, str] = field(default_factory=dict)  # cell → formula saved without a result
    max_row: int = 0
    max_column: int = 0
    state: str = "visible"  # the sheet's state in the workbook: visible, hidden or veryHidden
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)

    @property
    def hidden(self) -> bool:
        return self.state in ("hidden", "veryHidden")

    def value(self, row: int, column: int) -> object:
        return self.cells.get((row, column), (None, ""))[0]

    def number_format(self, row: int, column: int) -> str:
        return self.cells.get((row, column), (None, ""))[1]


@dataclass(frozen=True)
class _Styles:
    formats: tuple[str, ...]  # number format code of each cell style (xf), by index
    dates: frozenset[int]  # styles whose number format shows a date or time
    timedeltas: frozenset[int]
    date1904: bool  # serial numbers count days from 1904-01-01 (old Mac Excel), not from 1899-12-30


def read_grids(path: Path) -> dict[str, SheetGrid]:
    """Every sheet, keyed by sheet name. Raises WorkbookUnreadable for a damaged package or a
    sheet far beyond a real form."""
    try:
        with zipfile.ZipFile(path) as zf:
            book, rels = _xml(zf, "xl/workbook.xml"), _xml(zf, "xl/_rels/workbook.xml.rels")
            parts = _workbook_parts(zf, rels)
            strings = _shared_strings(zf, parts.get(_SHARED_STRINGS))
            styles = _styles(zf, parts.get(_STYLES), _date1904(book))
            states = {sheet.get("name", "?"): sheet.get("state") or "visible" for sheet in book.iter(_SHEET)}
            grids = {}
            for title, member in sheet_parts(zf, book, rels):
                with zf.open(member) as fh:
                    grid = SheetGrid(title, state=states.get(title, "visible"))
                    grids[title] = _read_sheet(fh, grid, strings, styles, path.name)
            return grids
    except WorkbookUnreadable:
        raise
    except Exception as exc:  # a damaged package fails in many ways (zip, XML, indexes); all mean the same to the user
        raise corrupt(path.name, exc) from exc


def _xml(zf: zipfile.ZipFile, member: str) -> etree._Element:
    return etree.fromstring(zf.read(member), etree.XMLParser(**_PARSE))


def _workbook_parts(zf: zipfile.ZipFile, rels: etree._Element) -> dict[str, str]:
    """Relationship type → zip member, from the workbook's relationships."""
    parts = {}
    for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
        member = part_member(rel.get("Target", ""))
        if member in zf.NameToInfo:
            parts.setdefault(rel.get("Type", ""), member)
    return parts


def _date1904(book: etree._Element) -> bool:
    properties = book.find(f"{NS_MAIN}workbookPr")
    return properties is not None and properties.get("date1904", "").lower() in ("1", "true")


def _text_of(item: etree._Element) -> str:
    """A string item's plain text: its own <t> and its runs' <t>, not phonetic guides."""
    if len(item) == 1 and item[0].tag == _TEXT:  # the common case: one plain text
        return item[0].text or ""
    own = item.find(_TEXT)
    snippets = [own.text or ""] if own is not None else []
    snippets += [t.text or "" for run in item.iterchildren(_RUN) for t in run.iterchildren(_TEXT)]
    return "".join(snippets)


def _shared_strings(zf: zipfile.ZipFile, member: str | None) -> list[str]:
    if member is None:
        return []
    strings = []
    with zf.open(member) as fh:
        for _, item in etree.iterparse(fh, tag=f"{NS_MAIN}si", **_PARSE):
            strings.append(_text_of(item).replace("x005F_", ""))  # openpyxl's reading of the "_x005F_" escape
            item.clear()
    return strings


def _styles(zf: zipfile.ZipFile, member: str | None, date1904: bool) -> _Styles:
    if member is None:
        return _Styles((), frozenset(), frozenset(), date1904)
    sheet = _xml(zf, member)
    custom = {}
    for fmt in sheet.iterfind(f"{NS_MAIN}numFmts/{NS_MAIN}numFmt"):
        try:
            custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
        except ValueError:
            continue
    formats = []
    for xf in sheet.iterfind(f"{NS_MAIN}cellXfs/{NS_MAIN}xf"):
        number = int(xf.get("numFmtId") or 0)
        formats.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    dates = frozenset(i for i, f in enumerate(formats) if is_date_format(f))
    timedeltas = frozenset(i for i, f in enumerate(formats) if is_timedelta_format(f))
    return _Styles(tuple(formats), dates, timedeltas, date1904)


def _read_sheet(fh: IO[bytes], grid: SheetGrid, strings: list[str], styles: _Styles, name: str) -> SheetGrid:
    cells, formats = grid.cells, styles.formats
    row = count = 0
    for _, element in etree.iterparse(fh, tag=(_ROW, _MERGE, _COLUMN), **_PARSE):
        if element.tag == _MERGE:
            grid.merged.append(element.get("ref", ""))
            continue
        if element.tag == _COLUMN:
            _hidden_columns(element, grid)
            continue
        number = element.get("r")
        row, column = (int(number) if number else row + 1), 0
        if element.get("hidden") in _TRUE:
            grid.hidden_rows.add(row)
        count += len(element)
        if row > MAX_SHEET_ROWS or count > MAX_SHEET_CELLS:
            raise _sheet_too_large(name, grid.title, row, count)
        for cell in element.iterchildren(_CELL):
            reference = cell.get("r")
            if reference:
                row, column = _coordinate(reference)
            else:
                column += 1
            style = int(cell.get("s") or 0)
            kind = cell.get("t", "n")
            value = _cell_value(cell, kind, style, strings, styles)
            if value is not None:
                cells[(row, column)] = (value, formats[style] if style < len(formats) else "General")
            elif kind != "inlineStr" and (formula := cell.find(_FORMULA)) is not None:  # no saved result
                grid.uncached_formulas[reference or cell_ref(row, column)] = formula.text or "共享公式"
        element.clear()
        while element.getprevious() is not None:  # keep memory flat however long the sheet
            del element.getparent()[0]
    grid.max_row = max((r for r, _ in cells), default=0)
    grid.max_column = max((c for _, c in cells), default=0)
    return grid


def _hidden_columns(col: etree._Element, grid: SheetGrid) -> None:
    """A <col min max hidden> range of hidden columns (Excel's last column is 16384)."""
    if col.get("hidden") not in _TRUE:
        return
    try:
        first, last = int(col.get("min", "")), int(col.get("max", ""))
    except ValueError:
        return
    grid.hidden_columns.update(range(max(first, 1), min(last, _MAX_COLUMN) + 1))


def _sheet_too_large(name: str, sheet: str, row: int, cells: int) -> WorkbookUnreadable:
    what = (f"第 {row} 行有内容或格式（上限 {MAX_SHEET_ROWS} 行）" if row > MAX_SHEET_ROWS
            else f"超过 {MAX_SHEET_CELLS} 个单元格")
    return WorkbookUnreadable(
        "sheet-too-large",
        f"“{name}”的工作表“{sheet}”{what}，远大于正常填报表，工具拒绝读取。常见原因是在很远的行里误输入了内容或设置了格式："
        "请选中多余的行整行删除后另存再试。",
    )


def _value_text(cell: etree._Element) -> str | None:
    """The text of the cell's <v>: its last child as every writer puts it (findtext is 2x slower)."""
    if not len(cell):
        return None
    last = cell[-1]
    return last.text if last.tag == _VALUE else cell.findtext(_VALUE)


def cell_ref(row: int, column: int) -> str:
    """The A1-style name of a cell, as a user finds it in Excel."""
    return f"{column_letter(column)}{row}"


@lru_cache(maxsize=65536)
def _coordinate(reference: str) -> tuple[int, int]:
    """(row, column) of a reference such as "B12" (forms repeat the same few thousand)."""
    return coordinate(reference)


def _cell_value(cell: etree._Element, kind: str, style: int, strings: list[str], styles: _Styles) -> object:
    """The value openpyxl gives for this cell with ``data_only=True`` (a formula's saved result)."""
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return _text_of(inline) if inline is not None else None
    raw = _value_text(cell)
    if not raw:
        return None
    if kind == "n":
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if style not in styles.dates:
            return number
        try:
            return temporal_value(number, styles.date1904, timedelta=style in styles.timedeltas)
        except (OverflowError, ValueError):
            return "#VALUE!"
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return bool(int(raw))
    if kind == "d":
        return temporal_value(raw, styles.date1904)
    return raw  # "str" (a formula's text result) and "e" (an error such as #DIV/0!)
