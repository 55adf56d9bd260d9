"""Synthetic but internally consistent school workbooks, driven by the edition's catalogue.

Used for the district sample (sample_inputs/build_district.py) and by the benchmarks. Every value
respects its indicator's rules: exhaustive parts add up to their parent, other `其中` parts stay
within it, the 专业 sheet adds up to the indicators it is checked against, and typed rates sit in
their plausible ranges — so `vqr check` reports no errors. Last year is this year scaled down a
little and made consistent again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from vqr_author.edition import Edition, Kind
from vqr_author.edition.model import Indicator
from vqr_author.workbook import build_blank_workbook
from vqr_author.workbook import contract as c

MAJOR_POOL = [
    ("700206", "汽车运用与维修"), ("700601", "城市轨道交通运营服务"), ("700502", "航空服务"),
    ("710204", "计算机网络技术"), ("710202", "计算机平面设计"), ("710203", "数字媒体技术应用"),
    ("730701", "电子商务"), ("730301", "会计事务"), ("740201", "中餐烹饪"), ("740202", "西餐烹饪"),
    ("740101", "旅游服务与管理"), ("770101", "幼儿保育"), ("610108", "园林技术"), ("610101", "种植"),
    ("660301", "机械制造技术"), ("660601", "工业机器人技术应用"), ("750101", "舞蹈表演"),
    ("750102", "音乐表演"), ("750308W", "影视表演"), ("720201", "护理"), ("690101", "食品加工工艺"),
]

# Magnitudes of top-level values by unit (counts and amounts), before the school's scale.
BY_UNIT = {
    "人": (20, 300), "个": (1, 30), "门": (40, 300), "学时": (3000, 40000), "项": (1, 40), "本": (1, 15),
    "Mbps": (500, 5000), "人次": (500, 30000), "课时": (300, 3000), "人日": (5, 80), "册": (0, 0),
    "万元": (10, 800), "平方米": (30000, 200000), "元": (3000, 6000),
}
RATES = {"F1-05": (92, 99), "F1-11": (1.1, 3), "F1-12": (15, 35), "F6-12": (88, 97), "SZ09": (10, 30)}
SURVEY_METHODS = ["全国统一网上调查", "问卷调查", "问卷及访谈"]


@dataclass(frozen=True)
class SchoolSpec:
    name: str
    code: str
    district: str
    nature: str
    seed: int
    majors: tuple[str, ...] | int = 8  # 专业代码 from MAJOR_POOL, or how many to draw
    cases: tuple[int, ...] = ()  # indexes into the sample cases to include


def _topological(edition: Edition) -> list[Indicator]:
    done: set[str] = set()
    order: list[Indicator] = []

    def visit(ind: Indicator) -> None:
        if ind.code in done:
            return
        if ind.parent:
            visit(edition.indicator(ind.parent))
        done.add(ind.code)
        order.append(ind)

    for ind in edition.input_indicators:
        visit(ind)
    return order


class _Year:
    """One year's values, made consistent. Last year's top-level values follow this year's
    (a little lower, rates within a point), so year-over-year changes stay plausible."""

    def __init__(self, edition: Edition, rng: random.Random, base: dict[str, object] | None = None) -> None:
        self.edition, self.rng, self.v, self.base = edition, rng, {}, base

    def integer(self, lo: float, hi: float) -> int:
        return int(round(self.rng.uniform(lo, hi)))

    def top_level(self, ind: Indicator) -> object:
        if self.base is not None and ind.code in self.base:
            return self._follow(ind, self.base[ind.code])
        if ind.kind is Kind.TEXT:
            return self.rng.choice(SURVEY_METHODS)
        if ind.kind in (Kind.RATE, Kind.SHARE):
            lo, hi = RATES.get(ind.code, (ind.range or (90, 99.5)))
            lo = max(lo, 90) if ind.code.startswith("F2-") else lo
            return round(self.rng.uniform(lo, hi), 2)
        if ind.kind is Kind.PER_STUDENT:
            return round(self.rng.uniform(60, 250), 2)
        lo, hi = BY_UNIT.get(ind.unit, (1, 50))
        if ind.kind is Kind.AMOUNT:
            lo, hi = ind.range or (lo, hi)
            return round(self.rng.uniform(lo, hi), 2)
        return self.integer(lo, hi)

    def pick(self, key: str, lo: float, hi: float, integer: bool = True) -> float:
        """A free parameter of the school: drawn this year, and for last year a little below it
        (ratios and shares stay put, so last year's values follow this year's)."""
        if self.base is not None and key in self.base:
            value = float(self.base[key])  # type: ignore[arg-type]
            followed = value if not integer and hi <= 100 else self._scale(value, integer)
            self.v[key] = followed  # the year before this one follows it in turn
            return followed
        value = self.rng.uniform(lo, hi)
        result = int(round(value)) if integer else round(value, 2)
        self.v[key] = result
        return result

    def _scale(self, value: float, integer: bool) -> float:
        scaled = value * self.rng.uniform(0.9, 1.0)
        return int(round(scaled)) if integer else round(scaled, 2)

    def _follow(self, ind: Indicator, value: object) -> object:
        if ind.kind is Kind.TEXT:
            return value
        if ind.kind in (Kind.RATE, Kind.SHARE):
            value = float(value)  # type: ignore[arg-type]
            moved = value * self.rng.uniform(0.9, 1.0) if value < 10 else value - self.rng.uniform(-0.5, 1.5)
            return round(min(100.0, max(1.05, moved)), 2)
        return self._scale(float(value), ind.kind is Kind.COUNT)  # type: ignore[arg-type]

    def split(self, parent: float, parts: list[Indicator], share: float, integer: bool) -> None:
        weights = [self.pick(f"weight:{ind.code}", 0.5, 1.5, integer=False) for ind in parts]
        amount = parent * share
        values = [amount * w / sum(weights) for w in weights]
        if integer:
            values = [int(v) for v in values]
            values[-1] += int(round(amount)) - sum(values)  # exhaustive parts add up exactly
        else:
            values = [round(v, 2) for v in values]
        for ind, value in zip(parts, values):
            self.v[ind.code] = value


def _core(year: _Year, students: int, graduates: int, further: int, employed: int) -> None:
    """The indicators that the 专业 sheet and the derived values depend on."""
    v, pick = year.v, year.pick
    v["F6-01"] = students
    v["GM06"] = students + pick("GM06-extra", 0, 80)
    v["GM07"] = max(1, round(v["GM06"] / pick("class-size", 22, 30, integer=False)))
    v["GM01"] = round(students * pick("enrol-share", 0.3, 0.38, integer=False))
    v["GM05"] = pick("GM05", 0, 80)
    v["GM08"] = pick("GM08", 2000, 30000)
    v["F1-01"] = graduates
    v["F1-03"] = further
    v["F1-07"] = v["F4-01"] = employed
    v["F1-02"] = min(graduates, further + employed + pick("other-destinations", 0, 6))
    v["F6-06"] = max(10, round(students / pick("student-teacher", 11, 15, integer=False)))
    v["F6-05"] = v["F6-06"] + pick("staff-extra", 20, 70)
    v["F6-04"] = v["F6-05"] + pick("posts-extra", 0, 20)
    v["TJ03"] = pick("TJ03", 12000, 36000, integer=False)
    v["TJ04"] = round(v["TJ03"] * pick("equipment-share", 0.25, 0.5, integer=False), 2)
    v["TJ05"] = round(students * pick("books-per-student", 40, 70, integer=False))
    v["TJ06"] = round(students * pick("stations-per-student", 0.8, 1.3, integer=False))
    v["TJ01"] = pick("TJ01", 60000, 200000, integer=False)
    v["TJ02"] = round(v["TJ01"] * pick("floor-share", 0.4, 0.7, integer=False), 2)
    v["F6-02"] = pick("F6-02", 30000, 48000, integer=False)
    v["F1-06"] = pick("F1-06", 4300, 5600, integer=False)
    v["SZ07"] = v["F6-06"] - pick("SZ07-short", 0, 2)


def _fill(year: _Year, edition: Edition) -> None:
    """Everything not set by _core, parents before children, respecting every `其中` rule."""
    v = year.v
    for ind in _topological(edition):
        if ind.code in v:
            continue
        if ind.parent is None or ind.parts == "detail" or ind.kind is Kind.TEXT:
            v[ind.code] = year.top_level(ind)
            continue
        parent = v[ind.parent]
        siblings = [s for s in edition.input_indicators if s.parent == ind.parent and s.parts == ind.parts]
        integer = ind.kind is Kind.COUNT
        if ind.parts == "exhaustive":
            year.split(parent, siblings, 1.0, integer)
        elif ind.parts == "disjoint":
            year.split(parent, siblings, year.pick(f"share:{ind.parent}", 0.5, 1.0, integer=False), integer)
        else:
            value = parent * year.pick(f"share:{ind.code}", 0.3, 0.95, integer=False)
            v[ind.code] = int(value) if integer else round(value, 2)


def _majors(rng: random.Random, chosen: tuple[str, ...] | int) -> list[list[object]]:
    pool = dict(MAJOR_POOL)
    picked = [(c, pool[c]) for c in chosen] if isinstance(chosen, tuple) else rng.sample(MAJOR_POOL, chosen)
    rows = []
    for code, name in picked:
        students = rng.randint(60, 320)
        graduates = max(10, round(students / rng.uniform(2.8, 3.4)))
        further = round(graduates * rng.uniform(0.4, 0.6))
        employed = graduates - further - rng.randint(0, 2)
        matched = round(employed * rng.uniform(0.8, 0.95))
        salary = rng.randint(4300, 5600)
        rows.append([code, name, students, graduates, employed, matched, further, salary,
                     round(rng.uniform(96, 100), 2), round(rng.uniform(82, 95), 2), salary - rng.randint(50, 250)])
    return rows


def _year_values(
    edition: Edition, rng: random.Random, majors: list[list[object]], base: dict[str, object] | None = None
) -> dict[str, object]:
    year = _Year(edition, rng, base)
    _core(year, *(sum(int(row[col]) for row in majors) for col in (2, 3, 6, 4)))  # type: ignore[call-overload]
    year.v["F3-02"] = len(majors)
    _fill(year, edition)
    # bounds no 其中 rule states (drawn freely above, then kept within them without another draw, so
    # every other value stays as it was): a 专业群 holds two or more majors; few majors take foreign students
    year.v["F3-01"] = min(int(year.v["F3-01"]), max(1, len(majors) // 3))
    year.v["F5-07"] = min(int(year.v["F5-07"]), len(majors) // 5)
    return year.v


def _last_year_majors(rng: random.Random, majors: list[list[object]]) -> list[list[object]]:
    last = []
    for row in majors:
        factor = rng.uniform(0.9, 1.0)
        students, graduates = round(int(row[2]) * factor), round(int(row[3]) * factor)
        further = min(graduates, round(int(row[6]) * factor))
        employed = max(0, min(graduates - further, round(int(row[4]) * factor)))
        last.append([row[0], row[1], students, graduates, employed, min(employed, int(row[5])), further, *row[7:]])
    return last


YEAR = 2024  # the report year of the samples; earlier years are history (vqr aggregate --history)

Majors = list[list[object]]


def school_years(edition: Edition, spec: SchoolSpec, count: int = 2) -> list[tuple[Majors, dict[str, object]]]:
    """The school's 专业 rows and indicator values for ``count`` years, newest first: each year a
    little below the one after it, and each consistent on its own."""
    rng = random.Random(spec.seed)
    majors = _majors(rng, spec.majors)
    years = [(majors, _year_values(edition, rng, majors))]
    for back in range(1, count):
        majors = _last_year_majors(rng, years[-1][0])
        years.append((majors, _year_values(edition, random.Random(spec.seed + back), majors, base=years[-1][1])))
    return years


def earlier_year(edition: Edition, seed: int, majors: Majors, this: dict[str, object]) -> tuple[Majors, dict[str, object]]:
    """The year before ``this`` (values of a school not made by school_years, e.g. the sample school)."""
    rng = random.Random(seed)
    last_majors = _last_year_majors(rng, majors)
    return last_majors, _year_values(edition, rng, last_majors, base={**_parameters(edition, this), **this})


def _parameters(edition: Edition, values: dict[str, object]) -> dict[str, object]:
    """The free parameters _fill draws (how `其中` parts divide their parent), read back from values,
    so that the year before keeps the proportions of ``values``."""
    found: dict[str, object] = {}
    for ind in edition.input_indicators:
        parent = values.get(ind.parent) if ind.parent else None
        if not isinstance(parent, (int, float)) or not isinstance(values.get(ind.code), (int, float)):
            continue
        value = float(values[ind.code])  # type: ignore[arg-type]
        if ind.parts in ("exhaustive", "disjoint"):
            found[f"weight:{ind.code}"] = value or 0.01
            siblings = [s.code for s in edition.input_indicators if s.parent == ind.parent and s.parts == ind.parts]
            found[f"share:{ind.parent}"] = sum(float(values.get(c) or 0) for c in siblings) / parent if parent else 0.0  # type: ignore[arg-type]
        elif ind.parts == "subset":
            found[f"share:{ind.code}"] = value / parent if parent else 0.0
    return found


def school_workbook(edition: Edition, spec: SchoolSpec, text: dict, back: int = 0) -> Workbook:
    """The school's workbook of ``YEAR - back``: that year's values as 本年, the year before as 上年."""
    years = school_years(edition, spec, back + 2)
    (majors, this), (_, last) = years[back], years[back + 1]
    return write_school(edition, spec, YEAR - back, this, last, majors, text, spec.cases if back == 0 else ())


def write_school(edition: Edition, spec: SchoolSpec, year: int, this: dict[str, object], last: dict[str, object],
                 majors: Majors, text: dict, cases: tuple[int, ...] = ()) -> Workbook:
    """A filled school workbook of ``year``: cover, both years' indicators, 专业, 资助, 正文, ``cases``."""
    wb = build_blank_workbook(edition, c.SCHOOL)
    cover = {"单位名称": spec.name, "学校代码": spec.code, "所属区县": spec.district, "办学性质": spec.nature,
             "报告年度": str(year), "发布单位": spec.name, "发布日期": f"{year + 1}年1月",
             "公开网址": f"https://www.example.edu.cn/{spec.code}/zlnb/{year}"}
    for row in wb[c.SHEET_COVER].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
    for row in wb[c.SHEET_INDICATORS].iter_rows(min_row=2):
        code = row[0].value
        if code in this:
            text_kind = edition.indicator(code).kind is Kind.TEXT
            row[4].value, row[5].value = (None if text_kind else last.get(code)), this[code]
    for i, values in enumerate(majors, start=2):
        for col, value in enumerate(values, start=1):
            wb["专业"].cell(row=i, column=col, value=value)
    students = int(this["F6-01"])  # type: ignore[call-overload]
    aid = [("国家助学金", round(students * 0.07), None), ("免学费", round(students * 0.9), None),
           ("北京市政府奖学金", max(1, round(students * 0.02)), None)]
    for i, (item, people, _) in enumerate(aid, start=2):
        amount = people * {"国家助学金": 2000, "免学费": 2000, "北京市政府奖学金": 2000}[item]
        for col, value in enumerate((item, people, amount, ""), start=1):
            wb["资助"].cell(row=i, column=col, value=value)
    narrative = wb[c.SHEET_NARRATIVE]
    narrative.delete_rows(2, narrative.max_row)
    for section, paragraphs in text["narrative"].items():
        for paragraph in paragraphs:
            narrative.append([section, paragraph])
    for index in cases:
        case = text["cases"][index % len(text["cases"])]
        wb[c.SHEET_CASES].append([case["section"], case["title"], "\n".join(case["body"]), case.get("image"),
                                  case.get("caption")])
    return wb


def region_workbook(edition: Edition, level: str, cover: dict[str, str], text: dict) -> Workbook:
    wb = build_blank_workbook(edition, level)
    for row in wb[c.SHEET_COVER].iter_rows(min_row=2):
        if row[0].value in cover:
            row[1].value = cover[row[0].value]
    narrative = wb[c.SHEET_NARRATIVE]
    narrative.delete_rows(2, narrative.max_row)
    for section, paragraphs in text["narrative"].items():
        for paragraph in paragraphs:
            narrative.append([section, paragraph])
    for case in text["cases"]:
        wb[c.SHEET_CASES].append([case["section"], case["title"], "\n".join(case["body"]), case.get("image"),
                                  case.get("caption")])
    for sheet, rows in text.get("lists", {}).items():  # the office's lists: sheet → rows in column order
        for row in rows:
            wb[sheet].append(row)
    return wb


def save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
