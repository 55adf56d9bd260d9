"""The fast cell reader gives exactly what openpyxl gives (values and number formats), cell by cell:
on the sample workbooks, on every readable workbook of the bad-input corpus, on a benchmark workbook
and on a hand-written package that uses the XML features other programs write."""

from __future__ import annotations

import datetime as dt
import sys
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from corpus import CASES

from vqr_author.errors import WorkbookUnreadable
from vqr_author.workbook.files import sniff
from vqr_author.workbook.xlsx import read_grids

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def openpyxl_cells(path: Path) -> dict[str, dict[tuple[int, int], tuple[object, str]]]:
    """The oracle: openpyxl's read-only, data-only reading of the same file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about a date serial out of range; the value says it
        # Our own file handle: openpyxl leaves its archive open when loading fails half-way, and the
        # unclosed file would then be reported (ResourceWarning) during whichever test runs later.
        with open(path, "rb") as handle:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                return {
                    ws.title: {(c.row, c.column): (c.value, c.number_format or "")
                               for row in ws.iter_rows() for c in row if getattr(c, "value", None) is not None}
                    for ws in book.worksheets
                }
            finally:
                book.close()


def fast_cells(path: Path) -> dict[str, dict[tuple[int, int], tuple[object, str]]]:
    sniff(path)
    return {title: grid.cells for title, grid in read_grids(path).items()}


def assert_same_as_openpyxl(path: Path) -> None:
    expected, actual = openpyxl_cells(path), fast_cells(path)
    assert list(actual) == list(expected)
    for title in expected:
        assert actual[title] == expected[title], title
        for key, (value, _) in expected[title].items():
            assert type(actual[title][key][0]) is type(value), (title, key)


def sample_workbooks() -> list[Path]:
    return sorted((ROOT / "sample_inputs").rglob("*.xlsx"))


@pytest.mark.parametrize("path", sample_workbooks(), ids=lambda p: p.name)
def test_sample_workbooks_read_as_openpyxl_reads_them(path):
    assert_same_as_openpyxl(path)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_workbooks_read_as_openpyxl_reads_them(case, tmp_path):
    path = case.build(tmp_path)
    try:
        sniff(path)
    except WorkbookUnreadable:
        return  # refused before any reader runs
    try:
        expected = openpyxl_cells(path)
    except Exception:  # noqa: BLE001 — openpyxl cannot read it either: ours must refuse it in words
        with pytest.raises(WorkbookUnreadable):
            read_grids(path)
        return
    try:
        grids = read_grids(path)
    except WorkbookUnreadable as exc:
        assert exc.code == "sheet-too-large"  # refused while parsing, before reading on
        return
    assert {t: g.cells for t, g in grids.items()} == expected


def test_benchmark_workbook_reads_as_openpyxl_reads_it(tmp_path):
    from generate import generate

    assert_same_as_openpyxl(generate(1, tmp_path / "学校")[0])


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
<row><c t="inlineStr"><is><r><t>内联</t></r><r><t xml:space="preserve"> 富文本 </t></r></is></c><c t="b"><v>1</v></c>
  <c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1&amp;B1</f><v>甲&amp;乙</v></c></row>
<row r="4"><c r="A4" s="1"><v>0.955</v></c><c r="B4" s="2"><v>45000</v></c><c r="C4" s="3"><v>1.5E3</v></c>
  <c r="D4"><v>12</v></c><c r="E4" s="2"><v>99999999</v></c><c r="F4"/><c r="G4" t="s"><v>3</v></c>
  <c r="H4" t="d"><v>2024-09-01T00:00:00</v></c><c r="I4"><f>1+1</f></c><c r="J4" t="s"/></row>
<row r="9"><c r="B9" s="4"><v>0.5</v></c></row>
</sheetData></worksheet>"""
STRINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}"><si><t>甲</t></si><si><r><t>乙</t></r><r><rPr><b/></rPr><t>丙</t></r><rPh sb="0" eb="1"><t>ぴ</t></rPh></si>
<si><t/></si><si><t>a_x005F_x000D_b</t></si></sst>"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="176" formatCode="0.0%"/>
<numFmt numFmtId="177" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="177"/><xf numFmtId="3"/><xf numFmtId="46"/></cellXfs>
</styleSheet>"""
BOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr date1904="1"/><sheets><sheet name="表一" sheetId="1" r:id="rId1"/></sheets></workbook>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""


def hand_written(path: Path) -> Path:
    """A package as other programs write it: cells and rows without references, inline rich text,
    phonetic guides, booleans, errors, formula results, the 1904 calendar, custom date and percent
    formats, ISO dates and escapes."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in {"[Content_Types].xml": TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": BOOK,
                           "xl/_rels/workbook.xml.rels": RELS, "xl/worksheets/sheet1.xml": SHEET,
                           "xl/sharedStrings.xml": STRINGS, "xl/styles.xml": STYLES}.items():
            zf.writestr(name, text)
    return path


def test_hand_written_package_reads_as_openpyxl_reads_it(tmp_path):
    path = hand_written(tmp_path / "其他软件.xlsx")
    assert_same_as_openpyxl(path)
    cells = fast_cells(path)["表一"]
    assert cells[(1, 2)] == ("乙丙", "General")  # runs joined, the phonetic guide left out
    assert cells[(2, 1)][0] == "内联 富文本 "
    assert cells[(2, 2)][0] is True and cells[(2, 3)][0] == "#DIV/0!" and cells[(2, 4)][0] == "甲&乙"
    assert cells[(4, 1)] == (0.955, "0.0%")
    assert cells[(4, 2)][0] == dt.datetime(2027, 3, 16)  # serial 45000 counted from 1904-01-01
    assert cells[(4, 3)] == (1500.0, "#,##0") and cells[(4, 4)] == (12, "General")
    assert cells[(4, 7)][0] == "a_x000D_b"
    assert (4, 9) not in cells and (4, 10) not in cells  # a formula without a saved result reads as empty
    assert cells[(9, 2)][0] == dt.timedelta(hours=12)


def test_damaged_sheet_is_refused_in_words(tmp_path):
    path = hand_written(tmp_path / "坏.xlsx")
    with zipfile.ZipFile(path, "a") as zf:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            zf.writestr("xl/worksheets/sheet1.xml", SHEET.replace("</sheetData>", ""))
    with pytest.raises(WorkbookUnreadable, match="已损坏"):
        read_grids(path)


def test_spreadsheet_conventions_are_openpyxls() -> None:
    """workbook.excel (read without importing openpyxl) agrees with the openpyxl helpers it stands in for."""
    from openpyxl.styles import numbers
    from openpyxl.utils import cell

    from vqr_author.workbook import excel

    assert excel.BUILTIN_FORMATS == numbers.BUILTIN_FORMATS
    formats = [*numbers.BUILTIN_FORMATS.values(), "yyyy-mm-dd", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]aaaa", '"days"0',
               "[h]:mm", "[mm]:ss", "[ss].00", "0.0_d", r"0\d", "[Red]0.00", "[DBNum1][$-804]General", "h:mm;@",
               "0;[h]:mm", "General", "", None, 'd"天"', "[$¥-804]#,##0.00"]
    for fmt in formats:
        assert excel.is_date_format(fmt) == numbers.is_date_format(fmt), fmt
        assert excel.is_timedelta_format(fmt) == numbers.is_timedelta_format(fmt), fmt
    for index in (1, 25, 26, 27, 52, 53, 702, 703, 16384, 18278):
        assert excel.column_letter(index) == cell.get_column_letter(index)
        assert excel.column_index(excel.column_letter(index).lower()) == index
    for reference in ("A1", "b12", "XFD1048576", "AA10", "ZZZ3"):
        assert excel.coordinate(reference) == cell.coordinate_to_tuple(reference)
    def outcome(function, reference: str) -> object:  # noqa: ANN001
        try:
            return function(reference)
        except ValueError:
            return ValueError

    for reference in ("E5:F6", "$A$1", "A1", "A:C", "2:4", "$B$2:$C$9", "", "A", "1A", "A1:", ":", "A1:B", "AAAA1",
                      "A1B2", "A-1", "B2:A1"):
        assert outcome(excel.range_boundaries, reference) == outcome(cell.range_boundaries, reference), reference
    for reference in ("A", "1", "AAAA1", "$A$1", "A1B", "ab7"):
        assert outcome(excel.coordinate, reference) == outcome(cell.coordinate_to_tuple, reference), reference
