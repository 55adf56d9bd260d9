"""Write the blank workbook of an edition (`vqr init`): the form a school fills in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vqr_author.compute.tables import Years
from vqr_author.edition import Edition, Indicator, Kind
from vqr_author.edition.model import CountColumn, CoverField, OfficeList, RecordField, TextColumn
from vqr_author.workbook import contract as c

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name="等线", bold=True, color="FFFFFF")
FIXED_FILL = PatternFill("solid", fgColor="EDEDED")  # columns that belong to the form, not the school
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
RECORD_ROWS = 300  # rows of 专业/资助/案例 prepared with dropdowns and number checks

NUMBER_FORMATS = {
    Kind.COUNT: "0",
    Kind.AMOUNT: "0.00",
    Kind.RATE: "0.00",
    Kind.SHARE: "0.00",
    Kind.PER_STUDENT: "0.00",
    Kind.RATIO: "0.0",
    Kind.TEXT: "@",
}

PARTS_HINTS = {
    "exhaustive": "是“{parent}”的组成部分，各组成部分之和应等于“{parent}”",
    "disjoint": "是“{parent}”的其中项，同级其中项之和不超过“{parent}”",
    "subset": "是“{parent}”的其中项，不超过“{parent}”",
    "detail": "说明“{parent}”的情况",
}

KIND_HINTS = {
    Kind.COUNT: "填非负整数",
    Kind.AMOUNT: "填数值，可带两位小数",
    Kind.RATE: "填百分数的数值，例如 95.5 表示 95.5%",
    Kind.SHARE: "填百分数的数值，例如 13.5 表示 13.5%",
    Kind.PER_STUDENT: "填数值，可带两位小数",
    Kind.TEXT: "填文字",
}


def build_blank_workbook(edition: Edition, level: str = c.SCHOOL, year: int | None = None) -> Workbook:
    """The blank form for ``level`` (学校, 区县 or 市), its 封面 hints written for report year ``year``
    (default: the edition's hint_year)."""
    wb = Workbook()
    cover = wb.active
    cover.title = c.SHEET_COVER
    choices = wb.create_sheet(c.SHEET_CHOICES)
    section_range = _write_choices(choices, edition)
    _write_cover(cover, edition, level, year)
    if c.has_data_sheets(level):
        _write_indicators(wb.create_sheet(c.SHEET_INDICATORS), edition)
        for sheet in edition.record_sheets:
            _write_record_sheet(wb.create_sheet(sheet.sheet), sheet.fields, sheet.hint)
    _write_narrative(wb.create_sheet(c.SHEET_NARRATIVE), edition, section_range)
    _write_cases(wb.create_sheet(c.SHEET_CASES), section_range, _title_hint(edition))
    for office_list in edition.lists_for(level):
        _write_list_sheet(wb.create_sheet(office_list.sheet), office_list)
    wb.move_sheet(choices, offset=len(wb.sheetnames))
    choices.sheet_state = "hidden"
    return wb


# ---------------------------------------------------------------------------------------------
def _write_choices(ws: Worksheet, edition: Edition) -> str:
    ws.append(["章节"])
    for section in edition.narrative_sections:
        ws.append([section.label])
    return f"{c.SHEET_CHOICES}!$A$2:$A${len(edition.narrative_sections) + 1}"


def _write_header(ws: Worksheet, headers: Iterable[str], widths: Iterable[float], hints: dict[str, str]) -> None:
    for col, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
        if header in hints:
            cell.comment = Comment(hints[header], "vqr")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22


def _validation(kind: Kind, title: str) -> DataValidation | None:
    """Excel-side check for a number cell. Warning style: "—" for no data must stay possible."""
    common = dict(allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="warning")
    blank = "无数据请留空或填“—”。"
    if kind is Kind.COUNT:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error = "应为非负整数。" + blank
    elif kind in (Kind.RATE, Kind.SHARE):
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", **common)
        dv.error = "应为 0～100 之间的百分数数值，例如 95.5 表示 95.5%。" + blank
    elif kind in (Kind.AMOUNT, Kind.PER_STUDENT):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error = "应为非负数值。" + blank
    else:
        return None
    dv.errorTitle = "数值不符合要求"
    dv.promptTitle = title[:32]
    dv.prompt = KIND_HINTS[kind] + "；" + blank
    return dv


def cover_hint_text(edition: Edition, field: CoverField, year: int | str | None = None) -> str:
    """The 封面 hint column of ``field`` in a workbook of report year ``year``."""
    hint = ("（必填）" if field.required else "（选填）") + edition.cover_hint(field, year)
    return hint + ("；可选：" + "、".join(field.choices) if field.choices else "")


def fill_cover(ws: Worksheet, edition: Edition, level: str, values: dict[str, str], year: int | str) -> None:
    """Fill the 封面 ``ws`` of a blank workbook with ``values`` (key → value) for report year ``year``:
    the hints' example years follow it (发布日期 例如：2026 年 1 月 in a 2025 workbook)."""
    fields = {f.key: f for f in edition.cover_fields_for(level)}
    for row in ws.iter_rows(min_row=2, max_col=3):
        if row[0].value in values:
            row[1].value = values[row[0].value]
        if row[0].value in fields:
            row[2].value = cover_hint_text(edition, fields[row[0].value], year)


def _write_cover(ws: Worksheet, edition: Edition, level: str, year: int | None = None) -> None:
    _write_header(ws, c.COVER_HEADERS, (14, 48, 60), {"内容": "在此列填写封面与声明所需信息。"})
    for field in edition.cover_fields_for(level):
        ws.append([field.key, None, cover_hint_text(edition, field, year)])
        row = ws.max_row
        if field.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(field.choices) + '"', allow_blank=True)
            dv.error = "请从下拉列表中选择：" + "、".join(field.choices)
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"B{row}")
    ws.append([c.KEY_EDITION, edition.id, "由工具写入，请勿修改：本填报表对应的报告版式"])
    ws.append([c.KEY_LEVEL, level, "由工具写入，请勿修改：本填报表对应的报告层级"])
    for row in ws.iter_rows(min_row=2, max_col=3):
        key, value, hint = row
        key.fill = hint.fill = FIXED_FILL
        value.fill = INPUT_FILL
        for cell in row:
            cell.border, cell.alignment = BORDER, WRAP
        value.number_format = "@"


def indicator_hint(edition: Edition, indicator: Indicator) -> str:
    parts = [KIND_HINTS[indicator.kind]]
    if indicator.parent:
        parent = edition.indicator(indicator.parent)
        parts.append(PARTS_HINTS[indicator.parts].format(parent=parent.name))
    if indicator.required:
        parts.append("本年必填")
    if indicator.code in edition.current_year_only:
        parts.append("只填本年：报告只列本年的这一项")
    if indicator.hint:
        parts.append(indicator.hint)
    if indicator.choices:
        parts.append("单选：" + "、".join(indicator.choices))
    return "；".join(parts)


def _write_indicators(ws: Worksheet, edition: Edition) -> None:
    _write_header(
        ws,
        c.INDICATOR_HEADERS,
        (9, 9, 44, 9, 14, 14, 60),
        {
            "代码": "指标代码，由工具生成，请勿修改。",
            "上年": "上一年度的数值；无数据请留空或填“—”。",
            "本年": "报告所反映年度的数值；无数据请留空或填“—”。",
        },
    )
    ranges: dict[Kind, list[str]] = defaultdict(list)
    chosen: list[tuple[Indicator, int]] = []  # 单选 indicators: a dropdown of their choices
    for indicator in edition.input_indicators:
        ws.append([indicator.code, indicator.group, indicator.name, indicator.unit, None, None,
                   indicator_hint(edition, indicator)])
        row = ws.max_row
        if indicator.choices:
            chosen.append((indicator, row))
        else:
            ranges[indicator.kind].append(f"E{row}:F{row}")
        for col in range(1, 8):
            cell = ws.cell(row=row, column=col)
            cell.border = BORDER
            typed = (6,) if indicator.code in edition.current_year_only else (5, 6)
            cell.fill = INPUT_FILL if col in typed else FIXED_FILL
            if col in (5, 6):
                cell.number_format = NUMBER_FORMATS[indicator.kind]
        ws.cell(row=row, column=7).alignment = WRAP
    for indicator, row in chosen:
        dv = DataValidation(type="list", formula1='"' + ",".join(indicator.choices) + '"', allow_blank=True,
                            showErrorMessage=True, error="请从下拉列表中选择：" + "、".join(indicator.choices))
        ws.add_data_validation(dv)
        dv.add(f"E{row}:F{row}")
    for kind, refs in ranges.items():
        dv = _validation(kind, "上年/本年")
        if dv is not None:
            ws.add_data_validation(dv)
            dv.sqref = " ".join(refs)


def _write_record_sheet(ws: Worksheet, fields: tuple[RecordField, ...], sheet_hint: str) -> None:
    hints = {}
    for f in fields:
        text = KIND_HINTS[f.kind] + ("（必填）" if f.required else "")
        hints[f.header] = "；".join(x for x in (text, f.hint) if x)
    first = fields[0].header
    hints[first] = sheet_hint + "\n" + hints[first]
    _write_header(ws, [f.header for f in fields], [max(12, len(f.header) * 2.2) for f in fields], hints)
    for col, field in enumerate(fields, start=1):
        letter = get_column_letter(col)
        dv = _validation(field.kind, field.header)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{RECORD_ROWS + 1}")
        # the column's format applies to every row a school will type into, without writing empty cells
        ws.column_dimensions[letter].number_format = NUMBER_FORMATS[field.kind]


def _write_list_sheet(ws: Worksheet, office_list: OfficeList) -> None:
    """A list of the office: a column per list column, a row per entry (序号 is the tool's)."""
    hints = {}
    for col in office_list.columns:
        kind = {"school": "填学校全称，与学校填报表封面的名称一致", "count": KIND_HINTS[Kind.COUNT]}.get(col.kind, KIND_HINTS[Kind.TEXT])
        if isinstance(col, TextColumn) and col.choices:
            kind = "从下拉列表选择：" + "、".join(col.choices)
        hints[col.header] = "；".join(x for x in (kind + ("（必填）" if col.required else ""), col.hint) if x)
    first = office_list.columns[0].header
    intro = f"本表生成报告中的“{Years(None, None).fill(office_list.title)}”，每行一项，序号由工具生成；没有内容的清单不出现在报告中。"
    hints[first] = "\n".join(x for x in (intro, office_list.hint, hints[first]) if x)
    headers = [col.header for col in office_list.columns]
    _write_header(ws, headers, [max(14, len(h) * 2.5) for h in headers], hints)
    for number, col in enumerate(office_list.columns, start=1):
        letter = get_column_letter(number)
        cells = f"{letter}2:{letter}{RECORD_ROWS + 1}"
        if isinstance(col, TextColumn) and col.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                                showErrorMessage=True, error="请从下拉列表中选择：" + "、".join(col.choices))
            ws.add_data_validation(dv)
            dv.add(cells)
        elif isinstance(col, CountColumn):
            dv = _validation(Kind.COUNT, col.header)
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(cells)
        ws.column_dimensions[letter].number_format = NUMBER_FORMATS[Kind.COUNT if isinstance(col, CountColumn) else Kind.TEXT]


def _section_dropdown(ws: Worksheet, section_range: str, column: str) -> None:
    dv = DataValidation(type="list", formula1=f"={section_range}", allow_blank=True)
    dv.error = "请从下拉列表中选择章节。"
    dv.errorTitle = "章节不存在"
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{column}2:{column}{RECORD_ROWS + 1}")


def _write_narrative(ws: Worksheet, edition: Edition, section_range: str) -> None:
    _write_header(
        ws,
        c.NARRATIVE_HEADERS,
        (20, 110),
        {
            "章节": "从下拉列表选择章节；同一章节可写多行，每行一个自然段，按顺序排列。",
            "段落": "一行一个自然段；没有内容的行会被忽略。",
        },
    )
    for section in edition.narrative_sections:
        ws.append([section.label, None])
    for row in ws.iter_rows(min_row=2, max_col=2):
        row[0].fill = FIXED_FILL
        row[1].alignment = WRAP
    _section_dropdown(ws, section_range, "A")


def _title_hint(edition: Edition) -> str:
    """How the report writes a case's title: after the edition's marker (and number)."""
    if "{number}" in edition.case_marker:
        example = edition.case_marker.format(number="2-1" if edition.numbering == "chapter" else "1")
        return f"案例标题，报告中显示为“{example}标题”，编号按案例在报告中的顺序生成。"
    return f"案例标题，报告中显示为{edition.case_marker}标题。"


def _write_cases(ws: Worksheet, section_range: str, title_hint: str) -> None:
    _write_header(
        ws,
        c.CASE_HEADERS,
        (20, 40, 90, 24, 30),
        {
            "章节": "案例放在哪个章节之后，从下拉列表选择。",
            "标题": title_hint,
            "正文": "案例正文；段落之间换行（Alt+Enter）。",
            "图片文件": "选填：图片文件名，图片须与本填报表放在同一文件夹（或其子文件夹）中，例如 照片/案例1.jpg。",
            "图片说明": "选填：图片下方的说明文字。",
        },
    )
    _section_dropdown(ws, section_range, "A")
