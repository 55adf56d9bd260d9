"""Which school is which: schools are identified by their code (the 封面 field of role code), and spelling differences are reported
before any total is computed (seed 002 spells one school three ways). Pure."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations

from vqr_author.problems import Problem, error, warning
from vqr_author.edition.model import Edition
from vqr_author.edition.names import CoverNames
from vqr_author.workbook.contract import SCHOOL, SHEET_COVER
from vqr_author.workbook.model import ReportWorkbook

_NOISE = re.compile(r"[\s·•.,，。、()（）\-—_]")
_PREFIX = re.compile(r"^(北京市|北京)")


@dataclass(frozen=True)
class SchoolIdentity:
    file: str
    code: str
    name: str
    year: str
    cells: Mapping[str, str] = field(default_factory=dict)  # 封面 key → its value cell, e.g. 报告年度 → B6

    @classmethod
    def of(cls, file: str, book: ReportWorkbook, names: CoverNames) -> SchoolIdentity:
        """A school as its (normalised) 封面 names it, with the cells the values came from."""
        keys = (names.code, names.name, names.year)
        return cls(file, *(book.cover_text(k) for k in keys),
                   cells={k: book.cover[k].cell for k in keys if k in book.cover})

    def where(self, key: str) -> dict[str, str]:
        return dict(sheet=SHEET_COVER, cell=self.cells.get(key, ""), indicator=key, file=self.file)


def canonical_name(name: str) -> str:
    return _PREFIX.sub("", _NOISE.sub("", unicodedata.normalize("NFKC", name)))


def _similar(a: str, b: str) -> bool:
    x, y = canonical_name(a), canonical_name(b)
    return bool(x) and (x == y or SequenceMatcher(None, x, y).ratio() >= 0.9)


def _at(school: SchoolIdentity, key: str) -> str:
    cell = school.cells.get(key)
    return f"（{SHEET_COVER}!{cell}）" if cell else ""


def identity_problems(schools: list[SchoolIdentity], year: str, names: CoverNames) -> list[Problem]:
    code_key, name_key, year_key = names.code, names.name, names.year
    problems: list[Problem] = []
    by_code: dict[str, list[SchoolIdentity]] = defaultdict(list)
    for school in schools:
        if school.code:
            by_code[school.code].append(school)
        if year and school.year and school.year != year:
            problems.append(error(
                "year-mismatch",
                f"“{school.file}”的{year_key}{_at(school, year_key)}是 {school.year}，而本报告是 {year} 年度。"
                "请只汇总同一年度的填报表；如该校填错了年度，请改正后再汇总。",
                **school.where(year_key),
            ))
    for code, same in by_code.items():
        if len(same) < 2:
            continue
        files = "、".join(f"“{s.file}”" for s in same)
        if len({canonical_name(s.name) for s in same}) == 1:
            problems.append(error(
                "duplicate-school",
                f"{code_key} {code}（{same[0].name}）出现在 {len(same)} 个填报表中：{files}。同一学校只能汇总一份填报表，否则会重复计算，请删除多余的一份。",
                **same[1].where(code_key),
            ))
        else:
            spellings = "；".join(f"“{s.file}”写作“{s.name}”" for s in same)
            problems.append(error(
                "school-name-conflict",
                f"{code_key} {code} 在不同填报表中的{name_key}不一致：{spellings}。请核实是否为同一所学校，并统一为规范全称。",
                **same[1].where(name_key),
            ))
    distinct = {s.code: s for s in schools if s.code}
    for a, b in combinations(distinct.values(), 2):
        if _similar(a.name, b.name):
            problems.append(warning(
                "similar-school-names",
                f"“{a.name}”（代码 {a.code}，{a.file}）与“{b.name}”（代码 {b.code}，{b.file}）名称几乎相同但{code_key}不同。"
                f"请确认是否为同一所学校；如是，请统一{code_key}，否则汇总时会被当作两所学校。",
                **b.where(name_key),
            ))
    return problems


def district_problems(schools: Mapping[str, ReportWorkbook], edition: Edition, district: str, region_file: str) -> list[Problem]:
    """A district report counts the ``schools`` (file → workbook) as its own; a school whose 封面 field
    of role district names another district is counted here and, in the city report, under the other
    one. Compared without spaces, punctuation or the city's prefix; a blank field is the required
    check's business."""
    key = edition.cover_key("district")
    if not key or not district:
        return []
    problems = []
    for file, book in schools.items():
        value = book.cover_text(key)
        if value and canonical_name(value) != canonical_name(district):
            problems.append(warning(
                "school-district-mismatch",
                f"“{file}”的{key}是“{value}”，而本报告汇总的是“{district}”（{region_file}）。同一所学校会在区县报告和市报告中"
                f"归入不同的区县。如该校属于{district}，请改正它的{key}；否则请把它移出本次汇总。",
                sheet=SHEET_COVER, cell=book.cover[key].cell if key in book.cover else "", indicator=key, file=file))
    return problems
