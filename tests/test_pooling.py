"""Pooled values over schools with blanks (issue 10, item 2; REPORTS.md §6, docs/aggregation.md).

Every pooled value — derived rates, shares, ratios, per-student values, weighted means, and the
sums themselves — is computed over exactly the schools that reported all of its inputs that year,
numerator and denominator alike; the coverage records that count and the table notes state it.

The oracle below is written plainly from the rule (filter the complete schools, Σ, ÷, round half
up as docs/computation.md says) and does not call the production pooling code.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vqr_author.compute.aggregate import aggregate_values, compute_school
from vqr_author.compute.report import build_report, region_source
from vqr_author.edition import load_edition
from vqr_author.edition.model import Kind
from vqr_author.workbook.model import Entry, IndicatorEntry, ReportWorkbook

EDITION = load_edition()
YEARS = ("last", "this")


# ---------------------------------------------------------------------------------------------
# workbooks in memory
def school(values: dict[str, tuple], name: str = "甲", nature: str = "公办", code: str = "0000000001") -> ReportWorkbook:
    """A school with {code: (last, this)}; None is a blank cell."""
    entries = {c: IndicatorEntry(c, Entry(None if last is None else D(str(last))), Entry(None if this is None else D(str(this))))
               for c, (last, this) in values.items()}
    cover = {"单位名称": Entry(name), "学校代码": Entry(code), "办学性质": Entry(nature), "所属区县": Entry("海川区"),
             "报告年度": Entry("2024")}
    return ReportWorkbook(Path(f"{code}.xlsx"), EDITION.id, "学校", cover, entries, {})


def district_report(books: list[ReportWorkbook]):
    region = ReportWorkbook(Path("区.xlsx"), EDITION.id, "区县",
                            {"区域名称": Entry("海川区"), "报告年度": Entry("2024"), "发布单位": Entry("海川区教委")}, {}, {})
    source = region_source(EDITION, region, [compute_school(EDITION, b) for b in books])
    return build_report(EDITION, source)


def table(report, table_id: str):
    return next(t for t in report.tables if t.id == table_id)


def note_parts(model) -> list[str]:
    """The coverage note's clauses (after the edition's own note of the table)."""
    note = (model.note or "").removeprefix(EDITION.table(model.id).note or "").strip()
    return note.rstrip("。").split("；")


# ---------------------------------------------------------------------------------------------
# (a) the scenario of the issue
#            在校生  专任  双师  高级  中级  初级  设备总值(万元)
SCENARIO = {
    "A": (1000, 80, 60, 20, 30, 30, 1000),
    "B": (800, 60, 40, 15, 25, 20, 600),
    "C": (600, 50, 30, 10, None, 15, 500),  # left 中级职称 blank: out of the 职称 shares
    "D": (500, 40, 20, 10, 15, 15, None),  # left 教学仪器设备总值 blank: out of 生均设备值
    "E": (700, 70, None, 20, 25, 25, 400),  # left “双师型”教师数 blank: out of its share
}
SCENARIO_CODES = ("F6-01", "F6-06", "SZ01", "SZ03", "SZ04", "SZ05", "TJ04")


def scenario_books() -> list[ReportWorkbook]:
    return [school({c: (v, v) for c, v in zip(SCENARIO_CODES, row)}, name=f"{key}校", code=f"000000000{i}",
                   nature="公办" if i < 4 else "民办")
            for i, (key, row) in enumerate(SCENARIO.items(), start=1)]


def test_blank_numerator_leaves_the_school_out_of_the_denominator_too():
    values, coverage = aggregate_values(EDITION, scenario_books())
    # “双师型”教师比例 over A–D: (60+40+30+20) / (80+60+50+40) = 150/230 — not 150/300 = 50.00.
    assert values["SZ52"].this == D("65.22")
    assert coverage.reported["SZ52"] == (4, 4)
    # 生均设备值 over A, B, C, E: 2500 万元 × 10000 / 3100 — not ÷ 3600 (6944.44).
    assert values["TJ51"].this == D("8064.52")
    assert coverage.reported["TJ51"] == (4, 4)
    # 生师比 needs no blank input: all 5 schools, 3600 / 300.
    assert values["SZ51"].this == D("12.0") and coverage.reported["SZ51"] == (5, 5)
    # The 职称 shares are parts of one whole (专任教师总数): one set of schools (A, B, D, E), sum 100.
    shares = [values[c].this for c in ("SZ54", "SZ55", "SZ56")]
    assert shares == [D("26.00"), D("38.00"), D("36.00")] and sum(shares) == 100
    assert all(coverage.reported[c] == (4, 4) for c in ("SZ54", "SZ55", "SZ56"))
    # The counts themselves are the sums of the schools that filled them.
    assert values["SZ01"].this == D(150) and values["F6-06"].this == D(300)


def test_scenario_in_the_printed_tables_and_notes():
    report = district_report(scenario_books())
    annex3 = table(report, "annex3")
    cells = {row[0].text: row for row in annex3.rows}
    assert cells["“双师型”教师比例"][3].text == "65.22"
    assert cells["生均教学科研仪器设备值"][3].text == "8064.52"
    parts = note_parts(annex3)
    assert parts[0] == "共 5 所学校填报"
    assert any(p.startswith("“双师型”教师比例") and p.endswith("按填报了全部所需数据的学校合并计算（本年 4 所、上年 4 所）")
               for p in parts), annex3.note
    structure = table(report, "teacher_structure")
    printed = [D(row[4].text) for row in structure.rows if row[1].text.endswith("专任教师比例") and "学历" not in row[1].text]
    assert printed == [D("26.00"), D("38.00"), D("36.00")]
    per_school = table(report, "schools")
    total_row = per_school.rows[-1]
    assert total_row[0].text == "合计（5 所）"
    columns = list(EDITION.table("schools").indicators)
    assert total_row[2 + columns.index("SZ52")].text == "65.22"
    assert "“双师型”教师比例按填报了全部所需数据的 4 所学校合并计算（共 5 所学校）" in per_school.note
    # 公办 A–C: “双师型” over all three; 民办 D, E: over D alone (E left it blank).
    groups = {row[0].text: row for row in table(report, "school_types").rows}
    group_columns = list(EDITION.table("school_types").indicators)
    assert groups["公办"][2 + group_columns.index("SZ52")].text == "68.42"  # 130 / 190
    assert groups["民办"][2 + group_columns.index("SZ52")].text == "50.00"  # 20 / 40
    sentences = "".join(lead for s in report.sections for lead in s.leads)
    # Sentences say how many schools a value stands for, where it is written.
    assert "“双师型”教师150人（4 所学校填报），占专任教师的65.22%（按填报了全部所需数据的 4 所学校计算）" in sentences
    assert "共有专任教师300人，生师比为12.0:1；" in sentences  # all 5 schools: nothing added


def test_no_change_between_years_that_cover_different_schools():
    # School B left “双师型” blank last year only: last year over A, this year over A and B.
    a = school({"F6-06": (100, 100), "SZ01": (50, 50)})
    b = school({"F6-06": (100, 100), "SZ01": (None, 80)}, code="0000000002")
    values, coverage = aggregate_values(EDITION, [a, b])
    assert values["SZ52"].last == D("50.00") and values["SZ52"].this == D("65.00")
    assert values["SZ52"].change.amount is None and "SZ52" in coverage.not_comparable
    assert values["SZ01"].change.amount is None and "SZ01" in coverage.not_comparable
    assert values["F6-06"].change.amount == 0 and "F6-06" not in coverage.not_comparable
    teachers = table(district_report([a, b]), "teachers")
    row = next(r for r in teachers.rows if r[0].text == "“双师型”教师比例")
    assert [c.text for c in row[2:]] == ["50.00", "65.00", "—", "—"]
    assert "“双师型”教师数、“双师型”教师比例上年与本年计入的学校不同，不计算增长量和增长率（记为“—”）" in teachers.note


def test_the_edition_names_the_whole_of_the_title_shares():
    # The common set of the 职称 shares comes from the edition's parent/parts, not from Python.
    for code in ("SZ54", "SZ55", "SZ56"):
        assert set(EDITION.pooling_inputs(code)) == {"SZ03", "SZ04", "SZ05", "F6-06"}
    assert set(EDITION.pooling_inputs("SZ52")) == {"SZ01", "F6-06"}  # a subset, not a part of a whole
    assert set(EDITION.pooling_inputs("F2-01")) == {"F2-01", "F2-41"}


# ---------------------------------------------------------------------------------------------
# (b) the property: random schools, random blanks, every pooled value recomputed plainly
def _plain_inputs(code: str) -> list[str]:
    """What a school must have filled for ``code``, read plainly from the edition's fields."""
    ind = EDITION.indicator(code)
    if ind.formula is not None:
        f = ind.formula
        whole = [i.code for i in EDITION.indicators if i.parent == f.denominator and i.parts == "exhaustive"]
        if all(n in whole for n in f.numerator):
            return [*whole, f.denominator]
        return [*f.numerator, f.denominator]
    if ind.pooled_by:
        return [code, ind.pooled_by]
    return [code]


POOLED = [i.code for i in EDITION.indicators if i.formula is not None or i.pooled_by]
_INPUTS = {c for code in POOLED for c in _plain_inputs(code)}
WHOLES = {p: [i.code for i in EDITION.indicators if i.parent == p and i.parts == "exhaustive"]
          for p in _INPUTS if any(i.parent == p and i.parts == "exhaustive" for i in EDITION.indicators)}
RANDOM_CODES = sorted(_INPUTS | {c for parts in WHOLES.values() for c in parts})
CHECKED = POOLED + [c for c in RANDOM_CODES if c not in POOLED]


def _random_number(rng: random.Random, code: str) -> D:
    ind = EDITION.indicator(code)
    if rng.random() < 0.08:
        return D(0)
    if ind.kind is Kind.COUNT:
        return D(rng.randint(1, 3000))
    if ind.kind.is_percentage:
        return D(rng.randint(0, 10000)).scaleb(-2)
    return D(rng.randint(0, 10**7)).scaleb(-ind.decimals)


def _random_schools(rng: random.Random, n: int, blank_rate: float) -> list[dict[str, dict[str, D | None]]]:
    schools = []
    for _ in range(n):
        data: dict[str, dict[str, D | None]] = {}
        for year in YEARS:
            numbers = {c: _random_number(rng, c) for c in RANDOM_CODES}
            for parent, parts in WHOLES.items():  # a whole is the sum of its parts, as the check requires
                numbers[parent] = sum((numbers[p] for p in parts), D(0))
            data[year] = numbers
        for c in RANDOM_CODES:  # blanks: often the same cell both years, sometimes one year only
            blank_this = rng.random() < blank_rate
            blank_last = blank_this if rng.random() < 0.7 else rng.random() < blank_rate
            if blank_last:
                data["last"][c] = None
            if blank_this:
                data["this"][c] = None
        schools.append(data)
    return schools


def _q(value: D, decimals: int) -> D:
    result = value.quantize(D(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def _expected(code: str, schools: list[dict], year: str) -> tuple[D | None, list[int]]:
    """The value of ``code`` pooled plainly over the schools that filled all its inputs, and which."""
    ind = EDITION.indicator(code)
    complete = [i for i, s in enumerate(schools) if all(s[year][c] is not None for c in _plain_inputs(code))]
    rows = [schools[i][year] for i in complete]
    if not rows:
        return None, complete
    if ind.formula is not None:
        f = ind.formula
        numerator = sum((r[c] for r in rows for c in f.numerator), D(0))
        denominator = sum((r[f.denominator] for r in rows), D(0))
        if denominator == 0:
            return None, complete
        return _q(numerator * D(str(f.scale)) / denominator, ind.decimals), complete
    if ind.pooled_by:
        weight = sum((r[ind.pooled_by] for r in rows), D(0))
        if weight == 0:
            return None, complete
        return _q(sum((r[code] * r[ind.pooled_by] for r in rows), D(0)) / weight, ind.decimals), complete
    return _q(sum((r[code] for r in rows), D(0)), ind.decimals), complete


def _expected_change(kind: Kind, decimals: int, last: D | None, this: D | None, comparable: bool) -> tuple:
    if not comparable or last is None or this is None:
        return None, None
    amount = _q(this - last, decimals)
    if kind in (Kind.RATE, Kind.SHARE, Kind.RATIO) or last == 0:
        return amount, None
    return amount, _q((this - last) / last * 100, 2)


def _shown(value: D | None, kind: Kind) -> str:
    return "—" if value is None else f"{value}:1" if kind is Kind.RATIO else str(value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 8), st.sampled_from([0.0, 0.1, 0.25, 0.5]), st.integers(0, 2**32))
def test_every_pooled_value_equals_a_plain_recomputation(n, blank_rate, seed):
    rng = random.Random(seed)  # hundreds of values per example: drawn from a seed hypothesis chooses
    schools = _random_schools(rng, n, blank_rate)
    natures = [rng.choice(["公办", "民办"]) for _ in schools]
    books = [school({c: (s["last"][c], s["this"][c]) for c in RANDOM_CODES}, name=f"学校{i}", code=f"{i:010d}",
                    nature=natures[i])
             for i, s in enumerate(schools)]
    values, coverage = aggregate_values(EDITION, books)
    expected: dict[str, dict[str, D | None]] = {}
    changed = set()  # values whose two years cover different schools
    for code in CHECKED:
        ind = EDITION.indicator(code)
        (last, last_set), (this, this_set) = (_expected(code, schools, year) for year in YEARS)
        expected[code] = {"last": last, "this": this}
        v = values[code]
        assert (v.last, v.this) == (last, this), code
        assert coverage.reported[code] == (len(last_set), len(this_set)), code
        comparable = last_set == this_set or not last_set or not this_set
        if not comparable:
            changed.add(code)
        assert (v.change.amount, v.change.percent) == _expected_change(ind.kind, ind.decimals, last, this, comparable), code
    # Shares of one whole add up to 100 over their common set (up to each share's rounding).
    for code in POOLED:
        f = EDITION.indicator(code).formula
        if f is not None and f.denominator in WHOLES and all(n in WHOLES[f.denominator] for n in f.numerator):
            family = [c for c in POOLED if (g := EDITION.indicator(c).formula) and g.denominator == f.denominator
                      and all(n in WHOLES[f.denominator] for n in g.numerator)]
            for year in YEARS:
                shares = [getattr(values[c], year) for c in family]
                if all(s is not None for s in shares):
                    assert abs(sum(shares) - 100) <= D("0.005") * len(shares), (family, shares)

    # What the report prints: every indicator table cell, the 合计 rows, the groups.
    report = district_report(books)
    for layout in EDITION.tables_for("区县", tuple(t.id for t in EDITION.tables)):
        if layout.kind not in ("comparison", "annex", "survey"):
            continue
        model = table(report, layout.id)
        offset = 1 if any(r.group for r in layout.rows) else 0
        for row, cells in zip(layout.rows, model.rows):
            if row.code not in expected:
                continue
            kind = EDITION.indicator(row.code).kind
            assert cells[offset + 2].text == _shown(expected[row.code]["last"], kind), (layout.id, row.code)
            assert cells[offset + 3].text == _shown(expected[row.code]["this"], kind), (layout.id, row.code)
            last, this = coverage.reported[row.code]
            label = EDITION.label(row.code)
            if min(last, this) < n:
                how = "按填报了全部所需数据的学校合并计算" if row.code in POOLED else "为填报了该项的学校合计"
                assert any(label in p and p.endswith(f"{how}（本年 {this} 所、上年 {last} 所）")
                           for p in note_parts(model)), (layout.id, row.code, model.note)
            if layout.kind == "comparison" and row.code in changed:
                assert cells[offset + 4].text == "—"
                assert any(label in p and p.endswith("上年与本年计入的学校不同，不计算增长量和增长率（记为“—”）")
                           for p in note_parts(model)), (layout.id, row.code, model.note)
    per_school = table(report, "schools")
    for i, code in enumerate(EDITION.table("schools").indicators):
        if code in expected:
            assert per_school.rows[-1][2 + i].text == _shown(expected[code]["this"], EDITION.indicator(code).kind), code
    groups = {row[0].text: row for row in table(report, "school_types").rows}
    for nature in set(natures):
        members = [s for s, m in zip(schools, natures) if m == nature]
        for i, code in enumerate(EDITION.table("school_types").indicators):
            if code in expected:
                shown = _shown(_expected(code, members, "this")[0], EDITION.indicator(code).kind)
                assert groups[nature][2 + i].text == shown, (nature, code)
