"""Sentence forms (REPORTS.md §5): each with positive, negative, zero, missing and threshold cases;
and the prose of a rendered report agrees with its tables."""

from __future__ import annotations

import re
from decimal import Decimal as D

import docx
import pytest

from conftest import rows_by_label, table_after
from vqr_author import render_report
from vqr_author.compute.numbers import year_change
from vqr_author.compute.phrases import change_phrase, growth_phrase, quantity
from vqr_author.compute.values import IndicatorValue


def value(edition, code: str, last, this) -> IndicatorValue:  # noqa: ANN001
    ind = edition.indicator(code)
    last = None if last is None else D(str(last))
    this = None if this is None else D(str(this))
    return IndicatorValue(ind, last, this, year_change(ind.kind, last, this, ind.decimals))


@pytest.mark.parametrize(
    ("code", "last", "this", "expected"),
    [
        ("GM01", 612, 978, "较2019年增加366人，增长59.80%"),
        ("GM01", 989, 848, "较2019年减少141人，下降14.26%"),
        ("GM01", 900, 900, "与2019年持平"),
        ("GM01", 1000, 1005, "与2019年基本持平"),  # +0.50% is within the 1% threshold
        ("GM01", 1000, 1010, "较2019年增加10人，增长1.00%"),  # exactly at the threshold is a change
        ("GM01", 0, 12, "较2019年增加12人"),  # no 增长率 from zero
        ("GM01", None, 978, None),
        ("F2-01", "97.29", "98.22", "较2019年提高0.93个百分点"),
        ("F2-01", "98.22", "96.22", "较2019年下降2.00个百分点"),  # a 2-point drop is not 持平
        ("F2-01", "98.22", "98.00", "与2019年基本持平"),  # 0.22 points, within 0.5
        ("SZ09", "25.20", "13.00", "较2019年下降12.20个百分点"),
        ("TJ03", "28297.88", "29315.77", "较2019年增加1017.89万元，增长3.60%"),
    ],
)
def test_change_phrase(edition, code, last, this, expected):
    assert change_phrase(value(edition, code, last, this), edition.thresholds, "2019年") == expected


@pytest.mark.parametrize(
    ("last", "this", "expected"),
    [(612, 978, "较上年增长59.80%"), (989, 848, "较上年下降14.26%"), (1000, 1004, "与上年基本持平"), (None, 5, None),
     (0, 5, None)],
)
def test_growth_phrase(edition, last, this, expected):
    assert growth_phrase(value(edition, "GM01", last, this), edition.thresholds) == expected


@pytest.mark.parametrize(
    ("code", "this", "expected"),
    [("GM01", 978, "978人"), ("GM06", 82800, "82800人"), ("GM06", 100000, "10.00万人"), ("GM06", 82800 + 100000, "18.28万人"),
     ("F2-01", "98.2", "98.20%"), ("TJ51", "59057.357", "59057.36元/生"), ("GM01", None, None)],
)
def test_quantity(edition, code, this, expected):
    assert quantity(value(edition, code, None, this), "this", edition.thresholds) == expected


def test_ratio_is_written_n_to_1(edition):
    ratio = value(edition, "SZ51", "11.2", "12.0")
    assert quantity(ratio) == "12.0:1"
    assert change_phrase(ratio, edition.thresholds) == "较上年增加0.8"


def test_sentence_with_missing_value_is_left_out(sample, edit, tmp_path):
    edit(sample, indicators={"GM04": (170, None)})  # 贯通培养 not reported: that sentence disappears
    out = tmp_path / "r.docx"
    render_report(sample, out)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "2024年，学校招生912人" in text
    assert "含贯通培养" not in text and "—" not in text.split("2024年，学校招生")[1][:300]


def test_prose_numbers_equal_the_table_numbers(sample, tmp_path):
    out = tmp_path / "r.docx"
    render_report(sample, out)
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    scale = rows_by_label(table_after(document, "学校办学规模"), 1)
    m = re.search(r"学校招生(\d+)人，较2023年增加(\d+)人，增长([\d.]+%)", text)
    assert m.groups() == tuple(scale["招生人数"][4:7])
    teachers = rows_by_label(table_after(document, "教师队伍基本情况"))
    m = re.search(r"占专任教师的([\d.]+)%，较2023年提高([\d.]+)个百分点", text)
    assert (m.group(1), m.group(2) + "个百分点") == (teachers["“双师型”教师比例"][3], teachers["“双师型”教师比例"][4])
    conditions = rows_by_label(table_after(document, "办学条件"))
    m = re.search(r"生均教学科研仪器设备值([\d.]+)元/生", text)
    assert m.group(1) == conditions["生均教学科研仪器设备值"][3]
