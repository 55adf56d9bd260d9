"""The arithmetic of the report: derived values, rounding and year-over-year change (REPORTS.md §5).

Pure functions on Decimal. Every number the report prints, in a table or in a sentence, comes from
here. Rounding is 四舍五入 (half up) to the decimals the value is shown with, and changes are computed
from the values as shown, so every row of a table can be recomputed by a reader with a calculator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from vqr_author.edition.model import Kind

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def quantize(value: Decimal | None, decimals: int) -> Decimal | None:
    if value is None:
        return None
    result = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return result if result != 0 else abs(result)  # never "-0.00"


def ratio(numerator: Sequence[Decimal | None], denominator: Decimal | None, scale: float = 1) -> Decimal | None:
    """sum(numerator) × scale ÷ denominator; None when a part is missing or the denominator is 0."""
    if denominator is None or denominator == 0 or any(n is None for n in numerator):
        return None
    return sum(numerator, ZERO) * Decimal(str(scale)) / denominator


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the values that are present; None when none is (blank is "no data", never 0)."""
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def weighted_mean(pairs: Iterable[tuple[Decimal | None, Decimal | None]]) -> Decimal | None:
    """Σ(value × weight) ÷ Σweight over pairs where both are present (e.g. 起薪 weighted by 就业人数)."""
    used = [(v, w) for v, w in pairs if v is not None and w is not None]
    weight = sum((w for _, w in used), ZERO)
    if weight == 0:
        return None
    return sum((v * w for v, w in used), ZERO) / weight


@dataclass(frozen=True)
class Change:
    """Change from last year to this year.

    ``amount`` is 增长量 in the value's own unit — for rates and shares that unit is 百分点, for a
    ratio (生师比 n:1) it is the difference of the first term. ``percent`` is 增长率 (relative %),
    only for counts, amounts and per-student values, and only when last year is present and not 0.
    """

    amount: Decimal | None = None
    percent: Decimal | None = None


NO_CHANGE = Change()


def year_change(kind: Kind, last: Decimal | None, this: Decimal | None, decimals: int) -> Change:
    if last is None or this is None or kind is Kind.TEXT:
        return NO_CHANGE
    amount = quantize(this - last, decimals)
    if kind.is_percentage or kind is Kind.RATIO or last == 0:
        return Change(amount, None)
    return Change(amount, quantize((this - last) / last * HUNDRED, 2))


def apportion(parts: Sequence[Decimal], decimals: int = 2) -> list[Decimal]:
    """Shares (%) of ``parts`` in their total, rounded so that the shown shares add up to exactly 100
    (largest remainder method); all zeros when the total is 0."""
    whole = sum(parts, ZERO)
    if whole == 0:
        return [ZERO.quantize(Decimal(1).scaleb(-decimals)) for _ in parts]
    unit = Decimal(1).scaleb(-decimals)
    exact = [p * HUNDRED / whole for p in parts]
    floors = [e.quantize(unit, rounding="ROUND_FLOOR") for e in exact]
    missing = int((HUNDRED - sum(floors, ZERO)) / unit)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += unit
    return floors
