"""The workbook contract: sheet names, column headers and fixed keys. Public interface — other
systems fill these workbooks, so nothing here changes without a note in docs/workbook.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vqr_author.edition import Edition

SHEET_COVER = "封面"
SHEET_INDICATORS = "指标"
SHEET_NARRATIVE = "正文"
SHEET_CASES = "案例"
SHEET_CHOICES = "选项"  # hidden helper sheet holding dropdown lists

COVER_HEADERS = ("项目", "内容", "说明")
INDICATOR_HEADERS = ("代码", "所属表", "指标", "单位", "上年", "本年", "说明")
NARRATIVE_HEADERS = ("章节", "段落")
CASE_HEADERS = ("章节", "标题", "正文", "图片文件", "图片说明")

# 封面 rows written by `vqr init` that tie the workbook to its edition and report level.
KEY_EDITION = "报告版式"
KEY_LEVEL = "报告层级"

# Report levels: the name used on the command line → the name written in 封面 (报告层级) and the edition.
LEVELS = {"school": "学校", "district": "区县", "city": "市"}
SCHOOL = "学校"

# Excel's own limit for one cell; longer text cannot have been typed in Excel.
MAX_CELL_TEXT = 32767


def level_name(level: str) -> str:
    """``school``/``district``/``city`` (command line) or 学校/区县/市 → 学校/区县/市."""
    name = LEVELS.get(level, level)
    if name not in LEVELS.values():
        choices = "、".join(f"{k}（{v}）" for k, v in LEVELS.items())
        raise ValueError(f"不支持的报告层级“{level}”。可用：{choices}。")
    return name


def has_data_sheets(level: str) -> bool:
    """School workbooks carry the data; district and city workbooks 封面, 正文, 案例 and the office's lists."""
    return level == SCHOOL


def sheet_order(edition: Edition, level: str = SCHOOL) -> list[str]:
    """The sheets of a workbook of ``level`` in the order `vqr init` writes them."""
    data = [SHEET_INDICATORS, *(s.sheet for s in edition.record_sheets)] if has_data_sheets(level) else []
    return [SHEET_COVER, *data, SHEET_NARRATIVE, SHEET_CASES, *(lst.sheet for lst in edition.lists_for(level))]
