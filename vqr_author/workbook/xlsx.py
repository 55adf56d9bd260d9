"""The cells of every sheet, read straight from the package XML with lxml.

A report workbook is read many times a day (every check, every render, every batch), and a
general-purpose reader spends most of its time building objects this tool never looks at (styles,
dimensions, fonts). This module reads only what the reader needs: each cell's value and its number
format. The value rules are openpyxl's own (data_only, read-only mode), reusing openpyxl's helpers
for number formats and dates; tests compare the two cell by cell on every workbook we have.

Call it only after ``files.sniff`` has accepted the file: sizes are bounded there.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from vqr_author.errors import WorkbookUnreadable
from vqr_author.workbook.files import NS_MAIN, NS_PKG_REL, SheetScan, corrupt, sheet_parts

_ROW, _CELL, _VALUE, _INLINE = f"{NS_MAIN}row", f"{NS_MAIN}c", f"{NS_MAIN}v", f"{NS_MAIN}is"
_TEXT, _RUN = f"{NS_MAIN}t", f"{NS_MAIN}r"
_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_PARSE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


@dataclass
class SheetGrid:
    """The cells of one sheet as read (value and number format), with what the raw scan found."""

    title: str
    cells: dict[tuple[int, int], tuple[object, str]]
    scan: SheetScan
    max_row: int = 0
    max_column: int = 0

    def value(self, row: int, column: int) -> object:
        return self.cells.get((row, column), (None, ""))[0]

    def number_format(self, row: int, column: int) -> str:
        return self.cells.get((row, column), (None, ""))[1]


@dataclass(frozen=True)
class _Styles:
    formats: tuple[str, ...]  # number format code of each cell style (xf), by index
    dates: frozenset[int]  # styles whose number format shows a date or time
    timedeltas: frozenset[int]
    epoch: object

    def format_of(self, style: int) -> str:
        return self.formats[style] if 0 <= style < len(self.formats) else "General"


def read_grids(path: Path, scans: dict[str, SheetScan]) -> dict[str, SheetGrid]:
    """Every sheet's cells (non-empty ones only), keyed by sheet name."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = etree.fromstring(zf.read("xl/workbook.xml"), etree.XMLParser(**_PARSE))
            parts = _workbook_parts(zf)
            strings = _shared_strings(zf, parts.get(_SHARED_STRINGS))
            styles = _styles(zf, parts.get(_STYLES), _date1904(book))
            grids = {}
            for title, member in sheet_parts(zf):
                with zf.open(member) as fh:
                    cells = _sheet_cells(fh, strings, styles)
                grid = SheetGrid(title, cells, scans.get(title, SheetScan()))
                grid.max_row = max((r for r, _ in cells), default=0)
                grid.max_column = max((c for _, c in cells), default=0)
                grids[title] = grid
            return grids
    except WorkbookUnreadable:
        raise
    except Exception as exc:  # a damaged package fails in many ways (zip, XML, indexes); all mean the same to the user
        raise corrupt(path.name, exc) from exc


def _workbook_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Relationship type → zip member, from the workbook's relationships."""
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"), etree.XMLParser(**_PARSE))
    parts = {}
    for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
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
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    if member is None:
        return _Styles((), frozenset(), frozenset(), epoch)
    sheet = etree.fromstring(zf.read(member), etree.XMLParser(**_PARSE))
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
    return _Styles(tuple(formats), dates, timedeltas, epoch)


def _sheet_cells(fh: IO[bytes], strings: list[str], styles: _Styles) -> dict[tuple[int, int], tuple[object, str]]:
    cells: dict[tuple[int, int], tuple[object, str]] = {}
    row = 0
    for _, element in etree.iterparse(fh, tag=_ROW, **_PARSE):  # one row at a time: memory stays flat
        number = element.get("r")
        row, column = (int(number) if number else row + 1), 0
        for cell in element.iterchildren(_CELL):
            reference = cell.get("r")
            if reference:
                row, column = _coordinate(reference)
            else:
                column += 1
            style = int(cell.get("s") or 0)
            value = _cell_value(cell, style, strings, styles)
            if value is not None:
                cells[(row, column)] = (value, styles.format_of(style))
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return cells


@lru_cache(maxsize=4096)
def _coordinate(reference: str) -> tuple[int, int]:
    """(row, column) of a reference such as "B12" (forms repeat the same few thousand)."""
    return coordinate_to_tuple(reference)


def _cell_value(cell: etree._Element, style: int, strings: list[str], styles: _Styles) -> object:
    """The value openpyxl gives for this cell with ``data_only=True`` (a formula's saved result)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return _text_of(inline) if inline is not None else None
    raw = cell.findtext(_VALUE) or None
    if raw is None:
        return None
    if kind == "n":
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if style not in styles.dates:
            return number
        try:
            return from_excel(number, styles.epoch, timedelta=style in styles.timedeltas)
        except (OverflowError, ValueError):
            return "#VALUE!"
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return bool(int(raw))
    if kind == "d":
        return from_ISO8601(raw)
    return raw  # "str" (a formula's text result) and "e" (an error such as #DIV/0!)
