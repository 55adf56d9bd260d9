"""How computed numbers are written, in tables and in sentences alike. Pure functions.

Arabic numerals, no thousands separators (REPORTS.md §8), ``—`` for no data, no "%" inside cells
whose unit column already says % (REPORTS.md §7).
"""

from __future__ import annotations

from decimal import Decimal

from vqr_author.compute.numbers import Change, quantize
from vqr_author.edition.model import Indicator, Kind

DASH = "—"


def plain(value: Decimal, decimals: int) -> str:
    return format(quantize(value, decimals), "f")


def format_value(value: Decimal | str | None, kind: Kind, decimals: int) -> str:
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        return value
    if kind is Kind.RATIO:
        return f"{plain(value, decimals)}:1"
    return plain(value, decimals)


def indicator_text(value: Decimal | str | None, ind: Indicator) -> str:
    """An indicator's value as tables and sentences write it: a ratio as n:1 unless its edition writes
    it plain (``ratio_display: plain``)."""
    if ind.kind is Kind.RATIO and not ind.shows_n_to_1 and isinstance(value, Decimal):
        return plain(value, ind.decimals)
    return format_value(value, ind.kind, ind.decimals)


def format_change_amount(change: Change, kind: Kind, decimals: int) -> str:
    """增长量 column: the difference, in 百分点 for rates and shares."""
    if change.amount is None:
        return DASH
    text = plain(change.amount, decimals)
    return f"{text}个百分点" if kind.is_percentage else text


def format_change_percent(change: Change) -> str:
    """增长率 column: relative change in %, ``—`` where it is undefined or not meaningful."""
    if change.percent is None:
        return DASH
    return f"{plain(change.percent, 2)}%"


def format_points(change: Change, decimals: int = 2) -> str:
    """变化（百分点） column of a rate: the bare number of 百分点."""
    return DASH if change.amount is None else plain(change.amount, decimals)
