"""The arithmetic of the report, checked against values computed by hand."""

from decimal import Decimal as D

import pytest

from vqr_author.compute.display import format_change_amount, format_change_percent, format_value
from vqr_author.compute.numbers import quantize, ratio, total, weighted_mean, year_change
from vqr_author.edition.model import Kind


def test_seed_000_books_per_student_true_change():
    # Seed 000 printed 54.37 → 56.47 as +8.95 / +19.7%; the true change is +2.10 / +3.86%.
    change = year_change(Kind.PER_STUDENT, D("54.37"), D("56.47"), 2)
    assert change.amount == D("2.10")
    assert change.percent == D("3.86")


def test_seed_000_double_qualified_rate_changes_in_points_not_percent():
    # Seed 000 printed 83.7% → 86.5% as "0.028 / 3.35%"; a rate changes by 2.80 百分点 and has no 增长率.
    change = year_change(Kind.SHARE, D("83.70"), D("86.50"), 2)
    assert change.amount == D("2.80")
    assert change.percent is None
    assert format_change_amount(change, Kind.SHARE, 2) == "2.80个百分点"
    assert format_change_percent(change) == "—"


def test_seed_002_employment_rate_change_is_093_points():
    # Seed 002 wrote "提高 0.29%" for 97.29 → 98.22; the change is 0.93 个百分点.
    assert year_change(Kind.RATE, D("97.29"), D("98.22"), 2).amount == D("0.93")


def test_count_growth_seed_000_enrolment():
    # 612 → 978: +366, 366 / 612 = 59.80%
    change = year_change(Kind.COUNT, D(612), D(978), 0)
    assert (change.amount, change.percent) == (D(366), D("59.80"))


def test_negative_growth():
    change = year_change(Kind.COUNT, D(989), D(848), 0)
    assert change.amount == D(-141)
    assert change.percent == D("-14.26")  # -141 / 989 = -14.2568…


def test_change_undefined_when_last_year_missing_or_zero():
    assert year_change(Kind.COUNT, None, D(5), 0).amount is None
    assert year_change(Kind.COUNT, D(5), None, 0).percent is None
    zero = year_change(Kind.COUNT, D(0), D(5), 0)
    assert zero.amount == D(5) and zero.percent is None
    assert format_change_percent(zero) == "—"


def test_ratio_changes_by_first_term():
    change = year_change(Kind.RATIO, D("11.2"), D("12.0"), 1)
    assert change.amount == D("0.8") and change.percent is None
    assert format_value(D("12"), Kind.RATIO, 1) == "12.0:1"


def test_student_teacher_ratio_and_per_student_values():
    assert quantize(ratio([D(2380)], D(175)), 1) == D("13.6")  # 2380 / 175 = 13.6
    # 教学仪器设备总值 19109.33 万元 over 2380 students = 80291.30 元/生
    assert quantize(ratio([D("19109.33")], D(2380), 10000), 2) == D("80291.30")


def test_ratio_is_undefined_for_zero_or_missing_denominator():
    assert ratio([D(1)], D(0)) is None
    assert ratio([D(1)], None) is None
    assert ratio([None], D(3)) is None


def test_rounding_is_half_up_not_bankers():
    assert quantize(D("0.125"), 2) == D("0.13")
    assert quantize(D("2.5"), 0) == D(3)
    assert str(quantize(D("-0.001"), 2)) == "0.00"  # never "-0.00"


def test_pooled_rate_differs_from_averaged_rates():
    # school A 90/100 = 90%, school B 5/10 = 50%: pooled 95/110 = 86.36%, the average would be 70%.
    pooled = quantize(ratio([D(90) + D(5)], D(100) + D(10), 100), 2)
    assert pooled == D("86.36")


def test_weighted_mean_and_total_skip_missing_values():
    assert weighted_mean([(D(5000), D(10)), (D(4000), D(30)), (None, D(5))]) == D(4250)
    assert total([D(1), None, D(2)]) == D(3)
    assert total([None, None]) is None


@pytest.mark.parametrize(
    ("value", "kind", "decimals", "shown"),
    [(D(978), Kind.COUNT, 0, "978"), (D("19109.3"), Kind.AMOUNT, 2, "19109.30"), (D("86.5"), Kind.RATE, 2, "86.50"),
     (None, Kind.COUNT, 0, "—"), (D(123456789), Kind.COUNT, 0, "123456789")],
)
def test_display_has_no_thousands_separator_and_dash_for_missing(value, kind, decimals, shown):
    assert format_value(value, kind, decimals) == shown


def test_shares_add_up_to_exactly_100():
    from vqr_author.compute.numbers import apportion

    parts = [D(1), D(1), D(1)]  # 33.333…% each: plain rounding would give 99.99
    shares = apportion(parts)
    assert sum(shares) == D("100.00") and sorted(shares) == [D("33.33"), D("33.33"), D("33.34")]
    assert apportion([D(2450), D(130)]) == [D("94.96"), D("5.04")]
    assert apportion([D(0), D(0)]) == [D("0.00"), D("0.00")]
