"""What people really type into number cells."""

import datetime as dt
from decimal import Decimal as D

import pytest

from vqr_author.workbook.cells import clean_text, parse_number, parse_text


@pytest.mark.parametrize(
    ("raw", "fmt", "expected", "marked"),
    [
        (95, "General", D(95), False),
        ("95%", None, D(95), True),
        (0.95, "0%", D(95), True),
        (0.9531, "0.00%", D("95.31"), True),
        ("1,234", None, D(1234), False),
        ("１２３４", None, D(1234), False),  # full-width digits
        ("１２３．５％", None, D("123.5"), True),
        ("  978 ", None, D(978), False),
        ("978人", None, D(978), False),  # the indicator's own unit is tolerated
        ("—", None, None, False),
        ("-", None, None, False),
        ("－", None, None, False),
        ("", None, None, False),
        (None, None, None, False),
        (0.1 + 0.2, "General", D("0.3"), False),  # float noise from Excel is dropped
        (12.0, "General", D(12), False),
    ],
)
def test_accepted_numbers(raw, fmt, expected, marked):
    parsed = parse_number(raw, fmt, unit="%" if marked else "人")
    assert parsed.error is None
    assert parsed.value == expected
    assert parsed.percent_marked is marked


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "not-a-number"),
        ("12个", "not-a-number"),
        (True, "boolean-in-number-cell"),
        (dt.datetime(2024, 1, 2), "date-in-number-cell"),
        ("=SUM(A1:A3)", "formula-as-text"),
        (float("nan"), "not-a-number"),
    ],
)
def test_rejected_numbers(raw, code):
    parsed = parse_number(raw, None, unit="人")
    assert parsed.value is None
    assert parsed.error == code


@pytest.mark.parametrize(("raw", "fmt", "unit"), [
    ("31250%", None, "人次"), ("95％", None, "元"), (312.5, "0%", "人次"), (0.5, "0.00%", "人"),
])
def test_percent_is_refused_for_a_unit_that_is_not_a_percentage(raw, fmt, unit):
    parsed = parse_number(raw, fmt, unit=unit)
    assert parsed.value is None and parsed.error == "percent-in-number-cell"
    assert parsed.detail.endswith(("%", "％"))


def test_text_cells_keep_codes_as_written():
    assert parse_text(4111099901.0) == "4111099901"
    assert parse_text(dt.datetime(2025, 1, 15)) == "2025年1月15日"
    assert parse_text("  ") is None


def test_control_characters_are_removed_and_counted():
    cleaned = clean_text("第一\x00段\x07落\r\n第二段\ud800")
    assert cleaned.text == "第一段落\n第二段"
    assert cleaned.removed_characters == 3
