"""The office's own lists (名单, 一览表) of district and city reports: the numbered table each list
becomes, and the schools a list names that the report does not aggregate. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from vqr_author.compute.display import format_value
from vqr_author.compute.identity import canonical_name
from vqr_author.compute.tables import Cell, HeaderCell, TableModel, Years
from vqr_author.edition.model import CountColumn, Kind, ListColumn, OfficeList, SchoolColumn
from vqr_author.problems import Problem, warning
from vqr_author.workbook.model import Record

SERIAL = "序号"
CLOSE_ENOUGH = 0.6  # similarity of canonical names from which a school is suggested


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
                    schools: Sequence[str]) -> list[Problem]:
    """A warning for each school named in a list that is not among the aggregated ``schools``, with
    the closest of their names when one is similar (a misspelling rather than another school)."""
    known = {canonical_name(name): name for name in schools}
    problems = []
    for office_list in lists:
        for col in (c for c in office_list.columns if isinstance(c, SchoolColumn)):
            for record in rows.get(office_list.id, ()):
                entry = record.get(col.header)
                name = "" if entry.value is None else str(entry.value)
                if not name or canonical_name(name) in known:
                    continue
                closest = _closest(name, known)
                advice = (f"最接近的汇总学校是“{closest}”：如是同一所学校，请改为该名称。" if closest else
                          "汇总的学校中没有名称相近的学校。")
                problems.append(warning(
                    "list-unknown-school",
                    f"“{office_list.sheet}”的“{col.header}”填的是“{name}”，不是本报告汇总的学校。{advice}"
                    "如该校确实不在汇总范围内，可忽略本提示。",
                    sheet=entry.sheet, cell=entry.cell, indicator=col.header,
                ))
    return problems


def _closest(name: str, known: dict[str, str]) -> str:
    target = canonical_name(name)
    scored = [(SequenceMatcher(None, target, key).ratio(), full) for key, full in known.items()]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= CLOSE_ENOUGH else ""
