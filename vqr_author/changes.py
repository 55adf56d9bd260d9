"""What a report says, as plain data — and what changes between two versions of it.

A snapshot records every input cell, every computed value, every table cell and every data
sentence of a school report. `vqr render` writes it beside the report (报告.vqr.json) together with
the input's hash, the edition and the tool version; `vqr diff` compares two snapshots, so a reviewer
sees exactly what a fix changed: the cell, and every place in the report that changes with it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PureWindowsPath

from vqr_author import __version__
from vqr_author.compute.display import format_change_amount, format_change_percent, format_value
from vqr_author.compute.report import Report
from vqr_author.compute.tables import TableModel
from vqr_author.digest import file_sha256
from vqr_author.edition.model import Edition, Kind
from vqr_author.errors import RecordError, os_error_text
from vqr_author.workbook.model import Entry, ReportWorkbook

MANIFEST_SUFFIX = ".vqr.json"


@dataclass
class Snapshot:
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)  # place → {item, value}
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # indicator label → {上年, 本年, 增长量, 增长率}
    tables: dict[str, str] = field(default_factory=dict)  # "表 N 标题｜行｜列" → text
    sentences: dict[str, str] = field(default_factory=dict)  # section heading → data sentences


def _shown(entry: Entry, kind: Kind | None = None) -> str:
    """What a cell holds, as the reviewer compares it: the value read; for a cell that could not be
    read, what was typed (约2700（不是数值）), never an empty cell; for a percentage typed as a fraction,
    the fraction typed and what the tool reads (0.9345（按 0.9345% 读取）)."""
    value = entry.value
    if value is None:
        if entry.typed:
            return f"{entry.typed}（不是数值）"
        return "（无法读取）" if entry.unreadable else ""
    if isinstance(value, str):
        return value
    shown = format(value.normalize(), "f")
    if kind is not None and kind.is_percentage and 0 < value <= 1 and not entry.percent_marked:
        return f"{shown}（按 {shown}% 读取）"
    return shown


def _inputs(edition: Edition, book: ReportWorkbook) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}

    def add(entry: Entry, item: str, kind: Kind | None = None) -> None:
        if entry.ref:
            found[entry.ref] = {"item": item, "value": _shown(entry, kind)}

    for key, entry in book.cover.items():
        add(entry, f"封面·{key}")
    for code, entry in book.indicators.items():
        kind = edition.indicator(code).kind
        add(entry.last, f"{edition.label(code)}（上年）", kind)
        add(entry.this, f"{edition.label(code)}（本年）", kind)
    for sheet in edition.record_sheets:
        for record in book.records.get(sheet.id, ()):
            for f in sheet.fields:
                add(record.get(f.key), f"{sheet.sheet}第 {record.row} 行·{f.header}", f.kind)
    for p in book.paragraphs:
        place = f"{p.sheet}!{p.cell}"
        previous = found.get(place, {}).get("value")
        found[place] = {"item": f"正文·{p.section}", "value": f"{previous}\n{p.text}" if previous else p.text}
    for case in book.cases:
        for item, value in (("标题", case.title), ("正文", "\n".join(case.paragraphs)),
                            ("图片", PureWindowsPath(case.image_text.strip()).name), ("图片说明", case.caption)):
            found[f"{case.sheet}!第 {case.row} 行·{item}"] = {"item": f"案例·{item}", "value": value}
    return found


def _values(edition: Edition, report: Report) -> dict[str, dict[str, str]]:
    shown = {}
    for code, v in report.indicators.items():
        ind = v.indicator
        if ind.kind is Kind.TEXT:
            shown[edition.label(code)] = {"上年": v.last or "", "本年": v.this or ""}
            continue
        shown[edition.label(code)] = {
            "上年": format_value(v.last, ind.kind, ind.decimals),
            "本年": format_value(v.this, ind.kind, ind.decimals),
            "增长量": format_change_amount(v.change, ind.kind, ind.decimals),
            "增长率": format_change_percent(v.change),
        }
    return shown


def _column_names(table: TableModel) -> list[str]:
    ncols = len(table.rows[0]) if table.rows else 0
    names = [""] * ncols
    covered: dict[int, int] = {}
    for header_row in table.header:
        col = 0
        for hc in header_row:
            while covered.get(col, 0) > 0:
                covered[col] -= 1
                col += 1
            for i in range(col, min(col + hc.colspan, ncols)):
                names[i] = f"{names[i]}·{hc.text}" if names[i] else hc.text
                if hc.rowspan > 1:
                    covered[i] = hc.rowspan - 1
            col += hc.colspan
    return names


def _tables(report: Report) -> dict[str, str]:
    cells: dict[str, str] = {}
    for table in report.tables:
        columns = _column_names(table)
        label_col = columns.index("指标") if "指标" in columns else 0
        seen: dict[str, int] = {}
        for row in table.rows:
            label = row[label_col].text or row[0].text
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                label = f"{label}（第 {seen[label]} 行）"
            for name, cell in zip(columns, row):
                if name != columns[label_col]:
                    cells[f"{table.caption}｜{label}｜{name}"] = cell.text
    return cells


def take_snapshot(edition: Edition, book: ReportWorkbook, report: Report) -> Snapshot:
    sentences = {s.heading: "".join(s.leads) for s in (report.preface, *report.sections) if s.leads}
    return Snapshot(_inputs(edition, book), _values(edition, report), _tables(report), sentences)


# ---------------------------------------------------------------------------------------------
@dataclass
class Changes:
    inputs: list[dict[str, str]] = field(default_factory=list)
    values: list[dict[str, str]] = field(default_factory=list)
    tables: list[dict[str, str]] = field(default_factory=list)
    sentences: list[dict[str, str]] = field(default_factory=list)
    new_errors: int = 0  # errors in the new workbook: changes computed from them are not to be trusted

    @property
    def empty(self) -> bool:
        return not (self.inputs or self.values or self.tables or self.sentences)

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        found = asdict(self)
        del found["new_errors"]  # the JSON lists changes only (docs/cli.md); vqr check --json gives the errors
        return found


def compare(old: Snapshot, new: Snapshot) -> Changes:
    changes = Changes()
    for place in sorted(old.inputs.keys() | new.inputs.keys(), key=_place_order):
        before, after = old.inputs.get(place, {}), new.inputs.get(place, {})
        if before.get("value", "") != after.get("value", ""):
            changes.inputs.append({"place": place, "item": after.get("item") or before.get("item", ""),
                                   "old": before.get("value", ""), "new": after.get("value", "")})
    for label in old.values.keys() | new.values.keys():
        before, after = old.values.get(label, {}), new.values.get(label, {})
        for key in ("上年", "本年", "增长量", "增长率"):
            if before.get(key, "") != after.get(key, ""):
                changes.values.append({"indicator": label, "field": key, "old": before.get(key, ""),
                                       "new": after.get(key, "")})
    changes.values.sort(key=lambda v: (v["indicator"], v["field"]))
    for key in sorted(old.tables.keys() | new.tables.keys()):
        if old.tables.get(key, "") != new.tables.get(key, ""):
            table, row, column = key.split("｜")
            changes.tables.append({"table": table, "row": row, "column": column, "old": old.tables.get(key, ""),
                                   "new": new.tables.get(key, "")})
    for heading in sorted(old.sentences.keys() | new.sentences.keys()):
        if old.sentences.get(heading, "") != new.sentences.get(heading, ""):
            changes.sentences.append({"section": heading, "old": old.sentences.get(heading, ""),
                                      "new": new.sentences.get(heading, "")})
    return changes


def _place_order(place: str) -> tuple[str, int, str]:
    sheet, _, cell = place.partition("!")
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (sheet, int(digits) if digits else 0, cell)


# ---------------------------------------------------------------------------------------------
def manifest_path(report: Path) -> Path:
    return report.with_name(report.stem + MANIFEST_SUFFIX)


def manifest_bytes(source: Path, edition: Edition, snapshot: Snapshot, template: Path, report_sha256: str,
                   input_sha256: str | None = None) -> bytes:
    """The record of a report: ``report_sha256`` is the sha256 of the .docx it describes, so a
    record that does not belong to the report beside it (the report was replaced or edited after
    the record was written, two renders interleaved) is detected by read_manifest."""
    data = {
        "tool": "vqr_author",
        "version": __version__,
        "edition": edition.id,
        "input": {"file": source.name, "sha256": input_sha256 or file_sha256(source)},
        "template_sha256": file_sha256(template),
        "report_sha256": report_sha256,
        "snapshot": {f.name: getattr(snapshot, f.name) for f in fields(snapshot)},  # plain dicts already
    }
    # No indent: json's C encoder only runs without it (the record is for vqr diff, not for reading).
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def read_manifest(report: Path) -> Snapshot:
    """The snapshot recorded beside ``report``, after checking that the record describes exactly this
    report. Raises RecordError (exit code 2) when the report or its record is missing, unreadable,
    or does not belong to it."""
    path = manifest_path(report)
    again = "请用 vqr render 重新生成报告（会同时写出新的记录），或直接比较两份填报表：vqr diff 旧.xlsx 新.xlsx。"
    try:
        digest = file_sha256(report)
    except FileNotFoundError:
        raise RecordError(f"找不到报告“{report}”。请检查文件名和路径。") from None
    except IsADirectoryError:
        raise RecordError(f"“{report}”是一个文件夹，不是报告。请给出 vqr render 生成的 .docx 报告。") from None
    except OSError as exc:
        raise RecordError(f"无法读取报告“{report}”：{os_error_text(exc)}。") from exc
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        recorded = data.get("report_sha256")
        snapshot = data["snapshot"]
        snapshot = Snapshot(**{k: dict(snapshot[k]) for k in ("inputs", "values", "tables", "sentences")})
    except FileNotFoundError:
        raise RecordError(f"找不到报告“{report.name}”的记录文件“{path.name}”。它由 vqr render 生成并放在报告旁边；"
                          f"{again}") from None
    except OSError as exc:
        raise RecordError(f"无法读取记录文件“{path.name}”：{os_error_text(exc)}。") from exc
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RecordError(f"记录文件“{path.name}”已损坏，无法读取。{again}") from None
    if recorded is None:
        raise RecordError(f"记录文件“{path.name}”由旧版本的工具生成，没有记下它所描述的报告，无法确认它与“{report.name}”一致。"
                          f"{again}")
    if recorded != digest:
        raise RecordError(f"记录文件“{path.name}”与报告“{report.name}”不一致：报告在记录写出之后被替换或修改过"
                          f"（例如在 Word 中编辑后保存，或两次生成同时写入了同一个文件）。{again}")
    return snapshot
