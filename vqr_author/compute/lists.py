"""The office's own lists (名单, 一览表) of district and city reports: the numbered table each list
becomes, and the schools a list names that the report does not aggregate. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from vqr_author.compute.display import format_value
from vqr_author.compute.identity import canonical_name
from vqr_author.compute.tables import Cell, HeaderCell, TableModel, Years
from vqr_author.edition.model import CountColumn, Kind, ListColumn, OfficeList, SchoolColumn
from vqr_author.problems import Problem, warning
from vqr_author.workbook.model import Record

SERIAL = "序号"


def list_table(office_list: OfficeList, rows: Sequence[Record], years: Years) -> TableModel | None:
    """序号 and the list's columns, a row per entry in the workbook's order; None for an empty list."""
    if not rows:
        return None
    head = (HeaderCell(SERIAL), *(HeaderCell(_header(col)) for col in office_list.columns))
    body = []
    for number, record in enumerate(rows, start=1):
        cells = [Cell(str(number), "center")]
        for col in office_list.columns:
            entry = record.get(col.header)
            if isinstance(col, CountColumn):
                cells.append(Cell(format_value(entry.number, Kind.COUNT, 0), "right", refs=_refs(entry.ref)))
            else:
                cells.append(Cell("" if entry.value is None else str(entry.value), refs=_refs(entry.ref)))
        body.append(tuple(cells))
    return TableModel(office_list.id, years.fill(office_list.title), False, None, (head,), tuple(body))


def _header(col: ListColumn) -> str:
    return f"{col.header}（{col.unit}）" if isinstance(col, CountColumn) and col.unit else col.header


def _refs(ref: str) -> frozenset[str]:
    return frozenset((ref,)) if ref else frozenset()


def unknown_schools(lists: Iterable[OfficeList], rows: dict[str, tuple[Record, ...]],
                    schools: Sequence[str], elsewhere: Mapping[str, str] | None = None) -> list[Problem]:
    """A warning for each school named in a list that is not among the aggregated ``schools``.

    ``elsewhere`` names the schools the caller knows but did not aggregate (the web desk's registered
    schools not approved, earlier years' schools of the history), each with why it is not in this
    report: such a school is said to be left out, and no other name is suggested for it. For any
    other name, an aggregated school is suggested only when it is plausibly the same school written
    differently (plausible_same), never merely the most similar string."""
    known = {canonical_name(name): name for name in schools}
    absent = {canonical_name(name): (name, why) for name, why in (elsewhere or {}).items()}
    problems = []
    for office_list in lists:
        for col in (c for c in office_list.columns if isinstance(c, SchoolColumn)):
            for record in rows.get(office_list.id, ()):
                entry = record.get(col.header)
                name = "" if entry.value is None else str(entry.value)
                if not name or canonical_name(name) in known:
                    continue
                problems.append(warning(
                    "list-unknown-school",
                    f"“{office_list.sheet}”的“{col.header}”填的是“{name}”，{_advice(name, known, absent)}",
                    sheet=entry.sheet, cell=entry.cell, indicator=col.header,
                ))
    return problems


def _advice(name: str, known: dict[str, str], absent: dict[str, tuple[str, str]]) -> str:
    left_out = absent.get(canonical_name(name))
    if left_out is not None:
        why = f"（{left_out[1]}）" if left_out[1] else ""
        return (f"该校不在本次汇总的学校中：“{left_out[0]}”{why}没有计入本报告。该校的填报表改好（网页版中通过审核）后"
                "重新生成汇总报告，该校就会计入；如该校确实不在汇总范围内，可忽略本提示。")
    same = [full for full in known.values() if plausible_same(name, full)]
    if len(same) == 1:
        return (f"不是本报告汇总的学校。汇总的学校中有“{same[0]}”：如是同一所学校的不同写法，请改为该名称；"
                "如不是同一所学校，可忽略本提示。")
    return "不是本报告汇总的学校，汇总的学校中也没有该校名称的其他写法。如该校确实不在汇总范围内，可忽略本提示。"


def plausible_same(a: str, b: str) -> bool:
    """Whether two school names are plausibly one school written differently: after removing the
    北京市 / …区 prefixes one contains the other, or they differ only in 职业 / 学校 / 中等 wording.
    北京市海川职业学校 and 北京海川艺术职业学校 are two schools, however similar the strings."""
    x, y = _core(a), _core(b)
    if not x or not y:
        return False
    shorter, longer = sorted((x, y), key=len)
    if shorter in longer and len(_WORDING.sub("", shorter)) >= 2:  # not 学校 in every name
        return True
    return _WORDING.sub("", x) == _WORDING.sub("", y) != ""


def _core(name: str) -> str:
    return _DISTRICT.sub("", canonical_name(name))


_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{1,4}?区(?=.{2})")  # 海川区 of 海川区旅游商贸学校
_WORDING = re.compile(r"职业|学校|中等|中专")
