"""The annotated workbook a district office sends back to a school: every problem cell highlighted
(red for errors, yellow for warnings) with the message as a cell comment, and a 问题清单 sheet."""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from vqr_author.output.atomic import write_atomic
from vqr_author.problems import Level, Problem

LIST_SHEET = "问题清单"
FILLS = {Level.ERROR: PatternFill("solid", fgColor="FFC7CE"), Level.WARNING: PatternFill("solid", fgColor="FFEB9C")}
_CELL = re.compile(r"^[A-Z]{1,3}\d+$")


def _anchor(ws: Worksheet, ref: str) -> str | None:
    """The cell to mark for a problem's place: a cell itself, the first cell of a row range, or the
    top-left cell of the merged range that covers it."""
    if ref and re.fullmatch(r"\d+:\d+", ref):
        ref = f"A{ref.split(':')[0]}"
    if not _CELL.match(ref or ""):
        return None
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return merged.start_cell.coordinate
    return ref


def _mark(wb: openpyxl.Workbook, problems: list[Problem]) -> None:
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.sheet in wb.sheetnames:
            anchor = _anchor(wb[p.sheet], p.cell)
            if anchor:
                by_cell[(p.sheet, anchor)].append(p)
    for (sheet, ref), found in by_cell.items():
        cell = wb[sheet][ref]
        worst = Level.ERROR if any(p.level is Level.ERROR for p in found) else Level.WARNING
        cell.fill = FILLS[worst]
        text = "\n".join(f"【{p.level.label}】{p.message}" for p in found)
        if cell.comment is not None:
            text = cell.comment.text + "\n" + text
        comment = Comment(text, "vqr 检查")
        comment.width, comment.height = 360, min(60 + 40 * len(found), 400)
        cell.comment = comment


def _problem_list(wb: openpyxl.Workbook, problems: list[Problem], source_name: str) -> None:
    if LIST_SHEET in wb.sheetnames:
        wb.remove(wb[LIST_SHEET])
    ws = wb.create_sheet(LIST_SHEET, 0)
    errors = sum(p.level is Level.ERROR for p in problems)
    ws.append([f"“{source_name}”检查结果：{errors} 个错误，{len(problems) - errors} 个警告。"
               "请按下表逐项修改（红色单元格为错误，黄色为警告，鼠标停在单元格上可看到说明），改完后重新提交。"])
    ws.append(["序号", "级别", "位置", "指标/项目", "问题与修改方法", "代码"])
    for number, p in enumerate(problems, start=1):
        ws.append([number, p.level.label, p.place, p.indicator or "—", p.message, p.code])
        anchor = _anchor(wb[p.sheet], p.cell) if p.sheet in wb.sheetnames else None
        if anchor:
            link = ws.cell(row=ws.max_row, column=3)
            link.hyperlink = f"#'{p.sheet}'!{anchor}"
            link.font = Font(color="0563C1", underline="single")
        ws.cell(row=ws.max_row, column=2).fill = FILLS[p.level]
    if not problems:
        ws.append(["—", "—", "—", "—", "未发现问题。", "—"])
    for col, width in zip("ABCDEF", (6, 6, 14, 24, 90, 22)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
    wb.active = 0


def annotate(source: Path, problems: list[Problem], target: Path) -> None:
    """Write an annotated copy of ``source`` to ``target``. The source file is never modified."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(source)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False
    _mark(wb, problems)
    _problem_list(wb, problems, source.name)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(target, buffer.getvalue())
