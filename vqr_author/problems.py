"""A problem found in a workbook: where it is, what is wrong, what to do. Shared by all stages."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import Enum


# Every problem code the tool can report, with what it means. Public: other systems read these
# codes from `vqr check --json`; docs/problems.md is generated from this table.
PROBLEM_CODES: dict[str, str] = {
    # the file as a whole (exit code 2)
    "file-not-found": "找不到输入文件",
    "not-a-file": "输入路径是文件夹而不是文件",
    "empty-file": "输入文件是空文件",
    "file-too-large": "文件超过大小上限",
    "password-protected": "工作簿设置了打开密码",
    "old-xls-format": "旧版 Excel 97-2003（.xls）格式",
    "not-a-workbook": "不是 Excel 工作簿（如改了扩展名的 Word 文档、CSV、文本、PDF）",
    "corrupt-workbook": "工作簿已损坏或被截断",
    "workbook-too-large": "工作簿解压后过大（疑似误粘贴的海量数据或压缩炸弹）",
    "sheet-too-large": "工作表的行数或单元格数超过上限（常见于在很远的行里误输入了内容）",
    # structure of the workbook
    "missing-sheet": "缺少工作表",
    "missing-column": "缺少或改动了列标题",
    "merged-cells": "数据区域有合并单元格",
    "unknown-indicator": "指标代码不在本版式的指标目录中",
    "derived-indicator-typed": "填写了应由工具计算的派生指标",
    "duplicate-indicator": "同一指标出现两次",
    "missing-indicator": "缺少指标行",
    "indicator-name-mismatch": "代码与指标名称不对应（可能填错行）",
    "edition-mismatch": "填报表版式与指定版式不一致",
    "unknown-edition": "填报表声明的版式不存在",
    "edition-mixed": "汇总的填报表版式与区县（市）填报表不同",
    "level-mismatch": "填报表层级与命令不符",
    # single cells
    "not-a-number": "数值单元格中不是数值",
    "boolean-in-number-cell": "数值单元格中是逻辑值 TRUE/FALSE",
    "date-in-number-cell": "数值单元格中是日期",
    "formula-as-text": "以文本形式保存的公式",
    "number-too-large": "数值超过 15 位",
    "percent-in-number-cell": "单位不是 % 的数值带有百分号（或单元格是百分比格式）",
    "formula-without-value": "公式没有保存计算结果",
    "text-too-long": "文字超过单元格上限",
    "control-characters": "文字中有不可见的控制字符（已删除）",
    # 封面
    "cover-missing-field": "封面必填信息未填写",
    "cover-invalid-choice": "封面信息不在可选范围内",
    "indicator-invalid-choice": "单选指标填写的不是可选值之一",
    "previous-year-not-shown": "填写了报告中只列本年的指标的上年数值",
    "cover-invalid-format": "封面信息格式不对",
    "cover-invalid-year": "封面的年度不是四位年份",
    "cover-line-break": "封面信息中有换行（Alt+Enter）",
    # indicator values
    "required-missing": "必填指标本年未填写",
    "negative-value": "数值为负",
    "count-not-integer": "计数不是整数",
    "rate-out-of-range": "百分比不在 0～100 之间",
    "rate-as-fraction": "百分比疑似写成了小数（0.95 应填 95）",
    "implausible-value": "数值或计算结果超出通常范围",
    "large-change": "与上年相比变化超过阈值",
    "optional-indicators-blank": "选填指标本年未填写（一条警告汇总数量和所属表）",
    "part-exceeds-parent": "其中项大于总数",
    "parts-exceed-total": "其中各项之和大于总数",
    "parts-sum-mismatch": "组成部分之和不等于总数",
    # 专业 / 资助 sheets
    "record-missing-field": "清单行缺少必填项",
    "record-invalid-format": "清单中的代码格式不对",
    "duplicate-record": "清单中有重复的行",
    "record-total-mismatch": "清单合计与指标表不一致",
    "record-count-mismatch": "清单行数与指标表不一致",
    "empty-record-sheet": "清单工作表没有数据",
    # 正文 and 案例
    "missing-section": "段落或案例没有选择章节",
    "unknown-section": "章节不在报告大纲中",
    "section-without-text": "章节没有正文",
    "case-missing-title": "案例没有标题",
    "case-missing-body": "案例没有正文",
    "list-missing-value": "区县、市清单的一行缺少必填的列",
    "list-not-a-choice": "区县、市清单的值不是可选项",
    "image-outside-folder": "图片路径指向填报表所在文件夹之外（绝对路径、../、网址）",
    "image-not-found": "找不到图片文件",
    "image-too-large": "图片文件过大",
    "image-not-an-image": "图片文件不是可用的图片或已损坏",
    "case-caption-without-image": "案例填写了图片说明却没有图片文件（说明不会出现在报告中）",
    # content that is hidden (published all the same) or not read at all
    "hidden-sheet": "工作表被隐藏，其内容仍会出现在报告中",
    "hidden-rows": "有内容的行被隐藏或被筛选隐藏，其内容仍会出现在报告中",
    "hidden-columns": "有内容的列被隐藏，其内容仍会出现在报告中",
    "ignored-column": "内容填在了填报表没有的列中，工具不读取，不会出现在报告中",
    "ignored-row": "指标行没有代码，所填数值不读取",
    "extra-sheet": "不属于填报表的工作表中有内容，工具不读取",
    "unknown-cover-field": "封面项目不是本层级报告的封面信息项，所填内容不使用",
    "duplicate-cover-field": "封面同一项目填写了两行，只用最后一行",
    # 汇总（区县、市报告）
    "duplicate-school": "同一学校（同一代码）的填报表出现多份",
    "school-name-conflict": "同一代码的学校在不同填报表中的名称不一致",
    "similar-school-names": "名称几乎相同但代码不同",
    "list-unknown-school": "清单中的学校不在汇总的学校中",
    "school-left-out": "应汇总的学校没有计入本次汇总（报告按草稿生成）",
    "school-district-mismatch": "学校封面上的区县与汇总报告的区县不一致",
    "year-mismatch": "学校填报表的年度与汇总报告不一致",
    "output-name-clash": "两个填报表会生成同名的报告文件",
    # 历年数据（vqr aggregate --history）
    "last-year-differs": "学校填报表的“上年”值与该校上年度填报表的“本年”值不一致",
    "history-unreadable": "历年目录中的文件无法作为填报表读取，未计入历年数据",
    "history-has-errors": "历年填报表有错误，未计入历年数据",
    "history-year": "历年填报表的年度不早于本报告或无法识别，未计入历年数据",
    "internal-error": "处理该文件时工具内部出错",
    "output-not-written": "报告无法写入输出文件夹（磁盘已满、没有写入权限、文件名过长等）",
    # 批量（vqr batch）：收集目录中的条目与处理记录
    "symlink-loop": "链接互相指向（链接循环），找不到真正的文件",
    "permission-denied": "没有读取该文件或文件夹的权限",
    "duplicate-file": "同一个文件出现两次（经由链接，或同一份填报表提交了两次），只处理一次",
    "manifest-discarded": "处理记录 vqr-manifest.json 或其中的记录与文件不符，已作废并重新处理",
    "report-expired": "报告已不是当前结果（填报表有错误、被移走、被替代或报告被手工改动），已移到输出文件夹的“已过期”中",
}


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Level.ERROR else "警告"


@dataclass(frozen=True)
class Problem:
    """One answer to one problem. ``code`` is a stable identifier listed in docs/problems.md."""

    level: Level
    code: str
    message: str
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    file: str = ""  # set when problems of several workbooks are reported together (batch, aggregate)

    @property
    def row(self) -> int | None:
        """The worksheet row of the problem's cell, if it names one."""
        match = re.fullmatch(r"[A-Z]{1,3}(\d+)", self.cell)
        return int(match.group(1)) if match else None

    @property
    def place(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or "（文件）"

    def as_dict(self, with_file: bool = False) -> dict[str, str]:
        """The JSON form of `vqr check --json` (public); ``with_file`` adds the file for batch output."""
        data = asdict(self)
        data["level"] = self.level.value
        keys = ("level", "code", "sheet", "cell", "indicator", "message") + (("file",) if with_file else ())
        return {k: data[k] for k in keys}


def problem(level: Level, code: str, message: str, **where: str) -> Problem:
    if code not in PROBLEM_CODES:
        raise KeyError(f"undocumented problem code {code!r}: add it to PROBLEM_CODES")
    return Problem(level, code, message, **where)


def error(code: str, message: str, **where: str) -> Problem:
    return problem(Level.ERROR, code, message, **where)


def warning(code: str, message: str, **where: str) -> Problem:
    return problem(Level.WARNING, code, message, **where)


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    return any(p.level is Level.ERROR for p in problems)


def in_reading_order(problems: list[Problem], sheet_order: list[str]) -> list[Problem]:
    """Errors first, then by sheet (in the workbook's order), row and column — the order a person fixes them."""

    def key(p: Problem) -> tuple[int, int, int, str]:
        sheet = sheet_order.index(p.sheet) if p.sheet in sheet_order else len(sheet_order)
        column = re.match(r"[A-Z]*", p.cell).group(0)  # type: ignore[union-attr]
        return (p.level is not Level.ERROR, sheet, p.row or 0, f"{len(column):02d}{column}")

    return sorted(problems, key=key)
