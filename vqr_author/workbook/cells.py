"""Turn what people really type into a cell into a value, or say precisely why it cannot be read.

Pure functions: a raw cell value (as openpyxl gives it) and its number format in, a parsed value out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Written for "no data" (REPORTS.md §2: missing values are written —).
NO_DATA_MARKS = frozenset({"", "—", "——", "-", "--", "–", "－", "―", "/", "／", "无数据", "N/A", "n/a"})

# XML 1.0 forbids these; Word cannot open a document that contains them. Tab and newline are kept.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u3000\ufeff]+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how .xlsx stores characters XML cannot hold
MAX_DIGITS = 15  # Excel keeps 15 significant digits; anything larger was not typed on purpose


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal | None
    percent_marked: bool = False  # typed as "95%" or stored in a %-formatted cell
    error: str | None = None  # problem code when the cell cannot be read as a number
    detail: str = ""  # what was found, for the message


@dataclass(frozen=True)
class CleanText:
    text: str
    removed_characters: int = 0


def clean_text(raw: str) -> CleanText:
    """Decode Excel's ``_xHHHH_`` escapes, remove characters that are illegal in XML, normalise line breaks."""
    text = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw) if "_x" in raw else raw
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, count = _XML_ILLEGAL.subn("", text)
    return CleanText(cleaned, count)


def parse_text(raw: object) -> str | None:
    """A text cell: numbers typed into it are kept as written (学校代码 1101234567, not 1101234567.0)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        if (raw.hour, raw.minute, raw.second) == (0, 0, 0):
            return f"{raw.year}年{raw.month}月{raw.day}日"
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return f"{raw.year}年{raw.month}月{raw.day}日"
    text = str(raw).strip()
    return text or None


@lru_cache(maxsize=256)
def is_percent_format(number_format: str | None) -> bool:
    return bool(number_format) and "%" in number_format.replace('"%"', "").replace("\\%", "")


def parse_number(raw: object, number_format: str | None = None, unit: str = "") -> ParsedNumber:
    """Parse a number cell.

    Accepts ``95``, ``95%``, ``0.95`` in a %-formatted cell, ``1,234``, full-width digits, stray spaces,
    a trailing unit that matches the indicator's own (``978人``) and ``—``/``-``/blank for no data.
    Rejects booleans, dates and text, each with its own problem code. A percentage (``95%``, or a number
    in a %-formatted cell) is only read for a ``%`` unit: for any other unit (人次, 元 …) the % makes the
    value ambiguous (``31250%`` of 人次 is not 31250 人次), so it is refused.
    """
    if raw is None:
        return ParsedNumber(None)
    if isinstance(raw, bool):
        return ParsedNumber(None, error="boolean-in-number-cell", detail="TRUE" if raw else "FALSE")
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return ParsedNumber(None, error="date-in-number-cell", detail=str(raw))
    if isinstance(raw, (int, float, Decimal)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return ParsedNumber(None, error="not-a-number", detail=str(raw))
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if _too_large(value):
            return ParsedNumber(None, error="number-too-large", detail=str(raw))
        if is_percent_format(number_format):
            if _not_a_percentage(unit):
                return ParsedNumber(None, error="percent-in-number-cell", detail=f"{_normal(value * 100)}%")
            return ParsedNumber(_normal(value * 100), percent_marked=True)
        return ParsedNumber(_normal(value))
    return _parse_number_text(str(raw), unit)


def _parse_number_text(raw: str, unit: str) -> ParsedNumber:
    text = unicodedata.normalize("NFKC", raw)
    text = _SPACES.sub("", text)
    if text in NO_DATA_MARKS:
        return ParsedNumber(None)
    if text.startswith("="):
        return ParsedNumber(None, error="formula-as-text", detail=raw.strip())
    percent = False
    if text.endswith("%"):
        if _not_a_percentage(unit):
            return ParsedNumber(None, error="percent-in-number-cell", detail=raw.strip())
        percent, text = True, text[:-1]
    elif unit and unit != "%" and text.endswith(unit):
        text = text[: -len(unit)]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    text = text.replace("−", "-")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return ParsedNumber(None, error="not-a-number", detail=raw.strip())
    if not value.is_finite():
        return ParsedNumber(None, error="not-a-number", detail=raw.strip())
    if _too_large(value):
        return ParsedNumber(None, error="number-too-large", detail=raw.strip())
    return ParsedNumber(_normal(value), percent_marked=percent)


def _not_a_percentage(unit: str) -> bool:
    """A known unit other than % (an empty unit is unknown: the % is then read as a percentage)."""
    return bool(unit) and unit != "%"


def _too_large(value: Decimal) -> bool:
    return value != 0 and value.adjusted() >= MAX_DIGITS


def _normal(value: Decimal) -> Decimal:
    """Drop float noise such as 0.30000000000000004 (Excel stores 15 significant digits)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return Decimal(format(float(value), ".15g")) if len(value.as_tuple().digits) > 15 else value
