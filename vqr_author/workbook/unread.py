"""Typed content that would otherwise pass unnoticed. The rule of the product: everything a user typed
either appears in the report or is named by `vqr check` with its cell.

- Hidden sheets, rows and columns of the form are read like any other: their content is published.
  The person who hid them may think otherwise, so check says so (a warning naming the cells).
- Columns without a header of the contract, sheets that are not part of the form, 指标 rows without
  a code and 封面 labels typed twice are not read: check names them.
"""

from __future__ import annotations

from collections import defaultdict

from vqr_author.edition import Edition
from vqr_author.problems import Problem, warning
from vqr_author.workbook import contract as c
from vqr_author.workbook.reader import cover_columns, normalise
from vqr_author.workbook.excel import column_letter
from vqr_author.workbook.xlsx import SheetGrid, cell_ref

MAX_LISTED = 8  # rows or cells named in one message; the rest are counted
TOOL_SHEETS = (c.SHEET_CHOICES, "问题清单")  # written by the tool: dropdown lists; output.annotate.LIST_SHEET
PUBLISHED_AS_READ = "其中的内容仍会读取并出现在报告中"


def unread_content(grids: dict[str, SheetGrid], edition: Edition, level: str) -> list[Problem]:
    """Warnings for hidden and ignored content of every sheet of the workbook."""
    layouts = _layouts(edition, level)
    tool_sheets = {normalise(name) for name in TOOL_SHEETS}
    problems: list[Problem] = []
    for name, grid in grids.items():
        key = normalise(name)
        if key in tool_sheets:
            continue
        content = sorted(cell for cell, (value, _) in grid.cells.items() if _typed(value))
        if key not in layouts:
            if content:
                problems.append(_extra_sheet(grid, content, level))
            continue
        body = [(row, col) for row, col in content if row >= 2]
        if grid.hidden and body:
            problems.append(_hidden_sheet(grid))
        headers, published = layouts[key]
        columns = _columns(grid, headers) if key != c.SHEET_COVER else _cover_columns(grid)
        if columns is None:
            continue  # a header is missing: the reader reports it (missing-column) and reads nothing
        problems += _sheet_problems(grid, body, columns, {columns[h] for h in published if h in columns})
        if key == c.SHEET_INDICATORS:
            problems += _rows_without_code(grid, body, columns)
        if key == c.SHEET_COVER:
            fields = edition.cover_fields_for(level)  # every level has a name field (the edition checks)
            example = next((f.key for f in fields if f.role == "date"), fields[0].key)
            problems += _duplicate_cover_fields(grid, columns) + _cover_values_without_label(grid, body, columns, example)
    return problems


def _layouts(edition: Edition, level: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """normalised sheet name → (its headers in the contract, the headers whose cells reach the report)."""
    layouts = {
        c.SHEET_COVER: (c.COVER_HEADERS, c.COVER_HEADERS[1:2]),
        c.SHEET_NARRATIVE: (c.NARRATIVE_HEADERS, c.NARRATIVE_HEADERS),
        c.SHEET_CASES: (c.CASE_HEADERS, c.CASE_HEADERS),
    }
    if c.has_data_sheets(level):
        layouts[c.SHEET_INDICATORS] = (c.INDICATOR_HEADERS, ("上年", "本年"))
        for spec in edition.record_sheets:
            headers = tuple(f.header for f in spec.fields)
            layouts[spec.sheet] = (headers, headers)
    for office_list in edition.lists_for(level):
        headers = tuple(col.header for col in office_list.columns)
        layouts[office_list.sheet] = (headers, headers)
    return {normalise(name): layout for name, layout in layouts.items()}


def _typed(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _columns(grid: SheetGrid, headers: tuple[str, ...]) -> dict[str, int] | None:
    """Header → column, the first column of each header as the reader takes it; None if one is missing."""
    found: dict[str, int] = {}
    for col in range((grid.max_column or 0), 0, -1):
        key = normalise(grid.value(1, col))
        if key:
            found[key] = col
    columns = {h: found.get(normalise(h)) for h in headers}
    return columns if all(columns.values()) else None  # type: ignore[return-value]


def _cover_columns(grid: SheetGrid) -> dict[str, int]:
    key_col, value_col = cover_columns(grid)
    found = _columns(grid, c.COVER_HEADERS[2:]) or {}
    hint = found.get(c.COVER_HEADERS[2]) or (3 if (key_col, value_col) == (1, 2) else key_col)
    return {c.COVER_HEADERS[0]: key_col, c.COVER_HEADERS[1]: value_col, c.COVER_HEADERS[2]: hint}


def _rows(rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:MAX_LISTED])
    return f"第 {shown} 行" + (f"等 {len(rows)} 行" if len(rows) > MAX_LISTED else "")


def _cells(cells: list[tuple[int, int]]) -> str:
    shown = "、".join(cell_ref(r, col) for r, col in cells[:MAX_LISTED])
    return shown + (f" 等 {len(cells)} 个单元格" if len(cells) > MAX_LISTED else "")


def _column_name(grid: SheetGrid, col: int) -> str:
    header = grid.value(1, col)
    named = f"“{str(header).strip()}”" if _typed(header) else "没有列标题"
    return f"第 {column_letter(col)} 列（{named}）"


def _sheet_problems(
    grid: SheetGrid, body: list[tuple[int, int]], columns: dict[str, int], published: set[int]
) -> list[Problem]:
    problems = []
    by_column: dict[int, list[int]] = defaultdict(list)
    for row, col in body:
        by_column[col].append(row)
    read = set(columns.values())
    expected = "、".join(f"“{h}”" for h in columns)
    for col in sorted(by_column):
        rows = sorted(by_column[col])
        if col not in read:
            problems.append(warning(
                "ignored-column",
                f"{_column_name(grid, col)}不是填报表的列，工具不读取这一列：其中 {len(rows)} 个单元格的内容"
                f"（{_cells([(r, col) for r in rows])}）不会出现在报告中。本表的列为 {expected}；"
                "需要写入报告的内容请填到相应的列，不需要的请删除这一列。",
                sheet=grid.title, cell=cell_ref(rows[0], col),
            ))
        elif col in published and col in grid.hidden_columns:
            problems.append(warning(
                "hidden-columns",
                f"{_column_name(grid, col)}被隐藏，其中 {len(rows)} 个单元格的内容（{_cells([(r, col) for r in rows])}）"
                "仍会读取并出现在报告中。请取消隐藏（选中两侧的列 → 右键 → 取消隐藏）核对内容；不应发布的内容请删除。",
                sheet=grid.title, cell=cell_ref(rows[0], col),
            ))
    hidden = sorted({row for row, col in body if row in grid.hidden_rows and col in published})
    if hidden:
        first = min(col for row, col in body if row == hidden[0] and col in published)
        problems.append(warning(
            "hidden-rows",
            f"{_rows(hidden)}被隐藏（或被筛选隐藏），{PUBLISHED_AS_READ}。"
            "请取消隐藏（全选 → 右键行号 → 取消隐藏，或清除筛选）核对这些行；不应发布的内容请删除整行。",
            sheet=grid.title, cell=cell_ref(hidden[0], first),
        ))
    return problems


def _hidden_sheet(grid: SheetGrid) -> Problem:
    if grid.state == "veryHidden":
        how = ("被深度隐藏（由其他软件或宏设置，Excel 的“取消隐藏”列表中看不到）",
               "请在 Excel 中按 Alt+F11，在左侧选中该工作表，把属性 Visible 改为 -1 - xlSheetVisible 后核对内容")
    else:
        how = ("被隐藏", "请取消隐藏（右键任一工作表标签 → 取消隐藏）核对内容")
    return warning(
        "hidden-sheet",
        f"工作表“{grid.title}”{how[0]}，{PUBLISHED_AS_READ}。{how[1]}；不应发布的内容请删除。",
        sheet=grid.title,
    )


def _extra_sheet(grid: SheetGrid, content: list[tuple[int, int]], level: str) -> Problem:
    hidden = "（该工作表被隐藏）" if grid.hidden else ""
    where = "“正文”或“案例”" if not c.has_data_sheets(level) else "相应的工作表"
    return warning(
        "extra-sheet",
        f"工作表“{grid.title}”{hidden}不是填报表的一部分，工具不读取：其中 {len(content)} 个单元格的内容"
        f"（{_cells(content)}）不会出现在报告中。需要写入报告的内容请移到{where}；"
        "若这是改了名称的填报表工作表，请恢复原名称。",
        sheet=grid.title, cell=cell_ref(*content[0]),
    )


def _rows_without_key(grid: SheetGrid, body: list[tuple[int, int]], key: int, values: tuple[int, ...]) -> list[int]:
    """Rows with something typed in a ``values`` column and nothing in the ``key`` column that names the row."""
    return sorted({row for row, col in body if col in values and not _typed(grid.value(row, key))})


def _rows_without_code(grid: SheetGrid, body: list[tuple[int, int]], columns: dict[str, int]) -> list[Problem]:
    code = columns["代码"]
    return [warning(
        "ignored-row",
        f"第 {row} 行没有指标代码，工具按代码读取数值，本行的“上年”“本年”不会出现在报告中。"
        "请填写该指标的代码（见 vqr init 生成的新填报表），或把数值填到该指标所在的行后删除本行。",
        sheet=grid.title, cell=cell_ref(row, code),
    ) for row in _rows_without_key(grid, body, code, (columns["上年"], columns["本年"]))]


def _cover_values_without_label(grid: SheetGrid, body: list[tuple[int, int]], columns: dict[str, int],
                                example: str) -> list[Problem]:
    key_col, value_col = columns[c.COVER_HEADERS[0]], columns[c.COVER_HEADERS[1]]
    return [warning(
        "ignored-row",
        f"第 {row} 行“{c.COVER_HEADERS[1]}”列写着“{str(grid.value(row, value_col)).strip()[:40]}”，但“{c.COVER_HEADERS[0]}”列是空的，"
        f"工具按项目名称读取封面，这些文字不会出现在报告中。请在同一行的“项目”列写上项目名称（如“{example}”），或删除本行。",
        sheet=grid.title, cell=cell_ref(row, value_col),
    ) for row in _rows_without_key(grid, body, key_col, (value_col,))]


def _duplicate_cover_fields(grid: SheetGrid, columns: dict[str, int]) -> list[Problem]:
    """A 封面 label typed on two rows: the reader keeps the last; the earlier value would vanish."""
    key_col, value_col = columns[c.COVER_HEADERS[0]], columns[c.COVER_HEADERS[1]]
    last: dict[str, int] = {}
    for row in range(grid.max_row or 1, 1, -1):
        key = normalise(grid.value(row, key_col))
        if key and key not in last:
            last[key] = row
    problems = []
    for row in range(2, (grid.max_row or 1) + 1):
        key = normalise(grid.value(row, key_col))
        kept = last.get(key)
        if key and kept != row and _typed(grid.value(row, value_col)):
            problems.append(warning(
                "duplicate-cover-field",
                f"封面项目“{grid.value(row, key_col)}”填写了两次（第 {row} 行和第 {kept} 行），工具只用第 {kept} 行的内容，"
                f"本行的“{str(grid.value(row, value_col)).strip()}”不会出现在报告中。请删除多余的一行。",
                sheet=grid.title, cell=cell_ref(row, value_col), indicator=str(grid.value(row, key_col)),
            ))
    return problems
