"""How computed values are said in sentences (REPORTS.md §5). Pure.

Every number written here is the same rounded value the tables print (format_value / plain on the
same IndicatorValue), so prose and tables cannot disagree.
"""

from __future__ import annotations

from decimal import Decimal

from vqr_author.compute.display import plain
from vqr_author.compute.values import IndicatorValue
from vqr_author.edition.model import Kind, Thresholds

WAN = Decimal(10000)
YUAN = "元"


def _money(amount: Decimal, decimals: int, yuan_wan_from: int) -> str:
    """An amount in 元 as official prose writes it: 4860元 (no ".00"; real cents stay: 4837.51元),
    482.40万元 from the edition's threshold on (thresholds.yuan_wan_from)."""
    if abs(amount) >= yuan_wan_from:
        return f"{plain(amount / WAN, 2)}万{YUAN}"
    text = plain(amount, decimals)
    if "." in text and not text.rstrip("0").split(".")[1]:
        text = text.split(".")[0]
    return f"{text}{YUAN}"


def _is_yuan(ind) -> bool:  # noqa: ANN001 — an Indicator or a RecordField
    return ind.kind is Kind.AMOUNT and ind.unit == YUAN


def quantity(v: IndicatorValue, which: str = "this", thresholds: Thresholds | None = None) -> str | None:
    """``912人``, ``8.28万人``, ``85.71%``, ``13.2:1``, ``59057.36元/生``, ``4860元``, ``482.40万元``;
    None when there is no value."""
    thresholds = thresholds or Thresholds()
    value = getattr(v, which)
    if value is None:
        return None
    ind = v.indicator
    if ind.kind is Kind.TEXT:
        return str(value)
    if ind.kind is Kind.RATIO:
        return f"{plain(value, ind.decimals)}:1" if ind.shows_n_to_1 else f"{plain(value, ind.decimals)}{ind.unit}"
    if ind.kind.is_percentage:
        return f"{plain(value, ind.decimals)}%"
    if ind.kind is Kind.COUNT and value >= thresholds.wan_from:
        return f"{plain(value / WAN, 2)}万{ind.unit}"
    if _is_yuan(ind):
        return _money(value, ind.decimals, thresholds.yuan_wan_from)
    return f"{plain(value, ind.decimals)}{ind.unit}"


def change_phrase(v: IndicatorValue, thresholds: Thresholds, since: str = "上年") -> str | None:
    """The change from last year as reports say it; None when last year is unknown.

    counts, amounts, per-student: 较上年增加67人，增长7.93% / 减少…，下降…% / 与上年基本持平
    rates and shares:             较上年提高1.67个百分点 / 下降… / 与上年基本持平
    ratios (生师比):              较上年增加0.1 / 减少…
    基本持平 only within the edition's thresholds (a 2-point drop is not 持平).
    """
    change, ind = v.change, v.indicator
    if change.amount is None:
        return None
    amount = change.amount
    if ind.kind.is_percentage:
        if abs(amount) < Decimal(str(thresholds.flat_points)):
            return f"与{since}基本持平"
        return f"较{since}{'提高' if amount > 0 else '下降'}{plain(abs(amount), ind.decimals)}个百分点"
    if amount == 0:
        return f"与{since}持平"
    if change.percent is not None and abs(change.percent) < Decimal(str(thresholds.flat_percent)):
        return f"与{since}基本持平"
    if _is_yuan(ind):
        size = _money(abs(amount), ind.decimals, thresholds.yuan_wan_from)
    else:
        size = plain(abs(amount), ind.decimals) + ("" if ind.kind is Kind.RATIO else ind.unit)
    more = f"较{since}{'增加' if amount > 0 else '减少'}{size}"
    if change.percent is None:
        return more
    return f"{more}，{'增长' if amount > 0 else '下降'}{plain(abs(change.percent), 2)}%"


def growth_phrase(v: IndicatorValue, thresholds: Thresholds, since: str = "上年") -> str | None:
    """Only the relative change: 较上年增长59.80% / 下降…% / 与上年基本持平."""
    percent = v.change.percent
    if percent is None:
        return None
    if abs(percent) < Decimal(str(thresholds.flat_percent)):
        return f"与{since}基本持平"
    return f"较{since}{'增长' if percent > 0 else '下降'}{plain(abs(percent), 2)}%"
