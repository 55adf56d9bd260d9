"""The SpreadsheetML conventions the cell reader needs: A1 references, the built-in number formats,
and which number formats show a date, a time or a duration.

These follow ECMA-376 Part 1 (§18.3.1.4 cell references, §18.8.30 built-in number formats) and
give exactly what openpyxl's helpers of the same name give (tests/test_xlsx_reader.py compares them,
and the reader's values, with openpyxl's). They live here rather than being imported from openpyxl
because importing openpyxl runs its whole package (workbook, styles, charts; numpy when installed):
about 0.2 s of a 0.6 s `vqr render`, for a handful of small functions (docs/performance.md).
Converting a date serial is left to openpyxl (`temporal_value`): dates are rare in these forms.
"""

from __future__ import annotations

import re

_COLUMN_NAME = re.compile(r"[A-Za-z]{1,3}")
_REFERENCE = re.compile(r"[$]?([A-Za-z]{1,3})?[$]?(\d+)?(?::[$]?([A-Za-z]{1,3})?[$]?(\d+)?)?")
_MAX_COLUMN = 18278  # ZZZ

# §18.8.30: the number formats every spreadsheet application knows by id (numFmtId)
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)', 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm",
    21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)", 40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)', 42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

# A format shows a date or time when, outside quoted text and bracketed parts other than elapsed
# time ([h], [mm], [ss]), its first section has a date or time letter not escaped by _ or \.
_NOT_DATE_PARTS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_ELAPSED = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


def is_date_format(fmt: str | None) -> bool:
    """The number format shows a date, a time or a duration (a serial number means a point in time)."""
    return fmt is not None and _DATE_LETTER.search(_NOT_DATE_PARTS.sub("", fmt.split(";")[0])) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    """The number format shows elapsed time ([h]:mm:ss …): the serial number is a duration."""
    return fmt is not None and _ELAPSED.search(fmt.split(";")[0]) is not None


def column_letter(index: int) -> str:
    """A for 1, Z for 26, AA for 27 … ZZZ for 18278."""
    if not 1 <= index <= _MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(name: str) -> int:
    """1 for A, 27 for AA … 18278 for ZZZ (either case)."""
    if not _COLUMN_NAME.fullmatch(name):
        raise ValueError(f"'{name}' is not a valid column name. Column names are from A to ZZZ")
    index = 0
    for letter in name.upper():
        index = index * 26 + ord(letter) - 64
    return index


def coordinate(reference: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as B12."""
    digits = next((i for i, c in enumerate(reference) if c in "0123456789"), len(reference))
    return int(reference[digits:]), column_index(reference[:digits])


def range_boundaries(reference: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(min column, min row, max column, max row) of a range such as E5:F6 or $A$1 (a cell is a
    range of one); a whole-column or whole-row range has None for the rows or columns."""
    found = _REFERENCE.fullmatch(reference)
    if not found:
        raise ValueError(f"{reference} is not a valid coordinate or range")
    min_col, min_row, max_col, max_row = found.groups()
    if ":" in reference:
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or (all(cols) and not any(rows)) or (all(rows) and not any(cols))):
            raise ValueError(f"{reference} is not a valid coordinate or range")
    first_col = column_index(min_col) if min_col is not None else None
    first_row = int(min_row) if min_row is not None else None
    return (first_col, first_row, column_index(max_col) if max_col is not None else first_col,
            int(max_row) if max_row is not None else first_row)


def temporal_value(value: float | int | str, date1904: bool, timedelta: bool = False) -> object:
    """A date serial (or, for a cell of type d, ISO 8601 text) as openpyxl gives it: datetime, date,
    time or timedelta. openpyxl is imported here, when a workbook has such a cell."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

    if isinstance(value, str):
        return from_ISO8601(value)
    return from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900, timedelta=timedelta)
