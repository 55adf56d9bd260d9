"""Stage 2 — load a school workbook into a ReportWorkbook, collecting every problem found on the way.

Sheets are located by name and columns by header text (so reordered columns are fine); every value
keeps the cell it came from so later stages can say where a problem is.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from vqr_author.edition import Edition, Kind, load_edition
from vqr_author.edition.model import CountColumn, CoverField, OfficeList, RecordSheet, TextColumn
from vqr_author.errors import EditionError
from vqr_author.problems import Problem, error, warning
from vqr_author.workbook import contract as c
from vqr_author.workbook.cells import clean_text, parse_number, parse_text
from vqr_author.workbook.files import sniff
from vqr_author.workbook.excel import range_boundaries
from vqr_author.workbook.xlsx import SheetGrid, cell_ref, read_grids
from vqr_author.workbook.images import resolve_image
from vqr_author.workbook.model import Case, Entry, IndicatorEntry, Paragraph, Record, ReportWorkbook

_SPACE = re.compile(r"\s+")


def normalise(text: object) -> str:
    """Compare headers and keys the way a person reads them: ignore spacing and full/half width."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text or "")))


@dataclass
class _Session:
    """State of one load: the workbook's sheets as read, and the problems found."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    _reported: set[tuple[str, str]] = field(default_factory=set)
    # (sheet, cell) of every cell already reported as unreadable: its empty value is not "missing" too
    unreadable: set[tuple[str, str]] = field(default_factory=set)

    def entry(self, value: object, ws: SheetGrid, coordinate: str, percent_marked: bool = False,
              typed: str = "") -> Entry:
        return Entry(value, ws.title, coordinate, percent_marked,  # type: ignore[arg-type]
                     unreadable=(ws.title, coordinate) in self.unreadable, typed=typed)

    def is_unreadable(self, ws: SheetGrid, coordinate: str) -> bool:
        return (ws.title, coordinate) in self.unreadable

    def raw(self, ws: SheetGrid, row: int, col: int, what: str = "") -> object:
        """The cell's value; a formula with no saved result is reported (once) and reads as empty."""
        if not ws.uncached_formulas:
            return ws.value(row, col)
        coordinate = cell_ref(row, col)
        formula = ws.uncached_formulas.get(coordinate)
        if formula is not None and (ws.title, coordinate) not in self._reported:
            self._reported.add((ws.title, coordinate))
            self.unreadable.add((ws.title, coordinate))
            self.problems.append(error(
                "formula-without-value",
                f"单元格是公式（={formula[:60]}），但文件中没有保存计算结果（常见于程序生成、未用 Excel 打开保存过的文件）。"
                "请在 Excel 中打开并保存一次，或直接填写数值。",
                sheet=ws.title, cell=coordinate, indicator=what,
            ))
        return ws.value(row, col)

    def text(self, ws: SheetGrid, row: int, col: int, what: str = "") -> str | None:
        raw = self.raw(ws, row, col, what)
        text = parse_text(raw)
        if text is None:
            return None
        if len(text) > c.MAX_CELL_TEXT:
            self.unreadable.add((ws.title, cell_ref(row, col)))
            self.problems.append(error(
                "text-too-long",
                f"文字有 {len(text)} 个字符，超过单元格上限 {c.MAX_CELL_TEXT}。请分成多行（多个段落）填写。",
                sheet=ws.title, cell=cell_ref(row, col), indicator=what,
            ))
            return None
        cleaned = clean_text(text)
        if cleaned.removed_characters:
            self.problems.append(warning(
                "control-characters",
                f"文字中有 {cleaned.removed_characters} 个不可见的控制字符（常见于从网页或其他软件粘贴），已自动删除。请核对该单元格内容。",
                sheet=ws.title, cell=cell_ref(row, col), indicator=what,
            ))
        return cleaned.text.strip() or None


# ---------------------------------------------------------------------------------------------
def load_workbook(
    path: str | Path, edition: Edition | None = None, level: str = c.SCHOOL
) -> tuple[ReportWorkbook, Edition, list[Problem]]:
    """Read the workbook of a ``level`` report (学校, 区县 or 市) at ``path``.
    Raises WorkbookUnreadable when it is not a readable workbook at all."""
    path = Path(path)
    sniff(path)
    grids = read_grids(path)
    session = _Session(path)
    sheets = {normalise(name): grid for name, grid in grids.items()}

    cover_ws = sheets.get(c.SHEET_COVER)
    cover = _read_cover(session, cover_ws) if cover_ws is not None else {}
    edition = _resolve_edition(session, cover, edition)
    cover = _normalise_cover(session, cover, edition)
    declared_level = str(cover.get(c.KEY_LEVEL, Entry()).value or c.SCHOOL)
    if declared_level != level:
        session.problems.append(error(
            "level-mismatch",
            f"本填报表的报告层级是“{declared_level}”，这里需要“{level}”层级的填报表。学校报告用学校填报表，"
            "区县、市报告的封面和正文用 vqr init --level district/city 生成的填报表。",
            sheet=c.SHEET_COVER, cell=cover[c.KEY_LEVEL].cell if c.KEY_LEVEL in cover else "",
        ))

    def sheet(name: str) -> SheetGrid | None:
        ws = sheets.get(normalise(name))
        if ws is None:
            session.problems.append(error(
                "missing-sheet",
                f"缺少工作表“{name}”。请不要删除或重命名工作表；可从 vqr init 生成的新填报表中复制。",
                sheet=name,
            ))
        return ws

    if cover_ws is None:
        sheet(c.SHEET_COVER)
    indicators: dict[str, IndicatorEntry] = {}
    records: dict[str, tuple[Record, ...]] = {}
    if c.has_data_sheets(level):
        indicators_ws = sheet(c.SHEET_INDICATORS)
        indicators = _read_indicators(session, indicators_ws, edition) if indicators_ws is not None else {}
        for spec in edition.record_sheets:
            ws = sheet(spec.sheet)
            records[spec.id] = _read_records(session, ws, spec) if ws is not None else ()
    lists = {}
    for office_list in edition.lists_for(level):
        ws = sheet(office_list.sheet)
        lists[office_list.id] = _read_list(session, ws, office_list) if ws is not None else ()
    narrative_ws = sheet(c.SHEET_NARRATIVE)
    paragraphs = _read_narrative(session, narrative_ws, edition) if narrative_ws is not None else ()
    cases_ws = sheet(c.SHEET_CASES)
    cases = _read_cases(session, cases_ws, edition) if cases_ws is not None else ()
    from vqr_author.workbook.unread import unread_content  # it reads sheets as this module does

    session.problems += unread_content(grids, edition, level)

    book = ReportWorkbook(
        path=path,
        edition_id=edition.id,
        level=level,
        cover=cover,
        indicators=indicators,
        records=records,
        paragraphs=paragraphs,
        cases=cases,
        lists=lists,
    )
    return book, edition, session.problems


# ---------------------------------------------------------------------------------------------
def _header_columns(session: _Session, ws: SheetGrid, expected: tuple[str, ...]) -> dict[str, int] | None:
    """Map the expected headers to column numbers (any order). A missing header is an error — its data
    could not be read — and makes the sheet unusable (None)."""
    found: dict[str, int] = {}
    for col in range(1, (ws.max_column or 0) + 1):
        key = normalise(session.raw(ws, 1, col))
        if key and key not in found:
            found[key] = col
    columns: dict[str, int] = {}
    missing = []
    for header in expected:
        col = found.get(normalise(header))
        if col is None:
            missing.append(header)
        else:
            columns[header] = col
    if missing:
        actual = "、".join(f"“{session.raw(ws, 1, col)}”" for col in range(1, (ws.max_column or 0) + 1)
                          if session.raw(ws, 1, col) is not None) or "（空）"
        session.problems.append(error(
            "missing-column",
            f"第 1 行缺少列标题{'、'.join(f'“{h}”' for h in missing)}。第 1 行现有：{actual}。"
            f"列标题应为：{'、'.join(expected)}；请勿修改或删除列标题。",
            sheet=ws.title, cell="1:1",
        ))
        return None
    return columns


def _data_rows(ws: SheetGrid) -> Iterator[int]:
    return iter(range(2, (ws.max_row or 1) + 1))


def _merged_over(ws: SheetGrid, columns: set[int]) -> list[str]:
    found = []
    for ref in ws.merged:
        min_col, _, max_col, max_row = range_boundaries(ref)
        if max_row >= 2 and any(min_col <= col <= max_col for col in columns):
            found.append(ref)
    return found


def _report_merges(session: _Session, ws: SheetGrid, columns: set[int]) -> None:
    """One problem per merged range over the data; the cells it covers (all but its top-left one, which
    holds the value) are marked unreadable, so their emptiness is not reported again as "未填写"."""
    for rng in _merged_over(ws, columns):
        session.problems.append(error(
            "merged-cells",
            f"数据区域 {rng} 是合并单元格，合并后只有左上角单元格有值。请取消合并（开始 → 合并后居中 → 取消合并单元格），每个单元格分别填写。",
            sheet=ws.title, cell=rng.split(":")[0],
        ))
        min_col, min_row, max_col, max_row = range_boundaries(rng)
        session.unreadable.update(
            (ws.title, cell_ref(row, col))
            for row in range(min_row, max_row + 1) for col in range(min_col, max_col + 1)
            if (row, col) != (min_row, min_col)
        )


_LABEL_MARKS = ":*"  # after NFKC: "单位名称：", "*单位名称" are labels of 单位名称


def cover_label(text: object) -> str:
    """The 封面 项目 a label names: spacing, full/half width, a trailing colon and * marks ignored."""
    return normalise(text).strip(_LABEL_MARKS)


def _read_cover(session: _Session, ws: SheetGrid) -> dict[str, Entry]:
    """The 封面 as typed (values are normalised by their field's kind once the edition is known)."""
    key_col, value_col = cover_columns(ws)
    _report_merges(session, ws, {key_col, value_col})
    cover: dict[str, Entry] = {}
    for row in _data_rows(ws):
        key = cover_label(parse_text(session.raw(ws, row, key_col)))
        if not key:
            continue
        raw = session.raw(ws, row, value_col, key)
        if isinstance(raw, (dt.date, dt.datetime)):
            value: str | None = _cover_date(raw, ws.number_format(row, value_col))
        else:
            value = session.text(ws, row, value_col, key)
        cover[key] = session.entry(value, ws, cell_ref(row, value_col))
    return cover


def cover_columns(ws: SheetGrid) -> tuple[int, int]:
    """The 项目 and 内容 columns of 封面, found by their headers like every other sheet's; A and B
    when row 1 does not name them both (a form without its header row)."""
    found = {normalise(ws.value(1, col)): col for col in range(ws.max_column or 0, 0, -1)}
    key_col, value_col = found.get(c.COVER_HEADERS[0]), found.get(c.COVER_HEADERS[1])
    return (key_col, value_col) if key_col and value_col else (1, 2)


def _cover_date(date: dt.date, number_format: str | None) -> str:
    """A real Excel date in the 封面 reads the way covers print dates: ``2025年1月``. Excel stores a month
    typed as ``2025年1月`` or ``2025-1`` as its first day, so the day is kept only when the cell shows it
    and it is not the 1st (``2025年1月15日``)."""
    shows_day = "d" in re.sub(r'"[^"]*"|\\.|\[[^]]*]', "", (number_format or "").lower())
    if shows_day and date.day != 1:
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{date.year}年{date.month}月"


# Full-width digits and Latin letters, and the ideographic space, in names: folded to ASCII. Full-width
# punctuation such as （）、：stays — it is how Chinese names are written.
_WIDE_ALNUM = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
    | {"\u3000": " "}
)
_YEAR = re.compile(r"(\d{4})\s*(?:年度|年)?")


def _normalise_cover(session: _Session, cover: dict[str, Entry], edition: Edition) -> dict[str, Entry]:
    """Each 封面 value of the edition's fields, normalised once by the field's kind (everything that uses
    the cover — titles, running header, 声明, file names, identity checks — reads these values):

    - every field: surrounding spaces removed; full-width digits and letters → ASCII;
    - codes, choices and years (a field with a pattern, choices or kind year): fully NFKC-normalised;
    - a year: ``2024年``, ``２０２４年度`` → ``2024``;
    - a line break (Alt+Enter) inside a field: refused with the cell — a break inside a name or a year
      has no obvious meaning (the value read joins the lines, for a draft).
    """
    fields: dict[str, CoverField] = {f.key: f for f in edition.cover_fields}
    normalised = {}
    for key, entry in cover.items():
        spec = fields.get(key)
        if spec is not None and spec.kind == "date" and _DAY_COUNT.fullmatch(str(entry.value or "").strip()):
            session.problems.append(_date_as_number(key, entry))
            normalised[key] = replace(entry, value=None, unreadable=True)
            continue
        if spec is None or not isinstance(entry.value, str):
            normalised[key] = entry
            continue
        strict = spec.kind == "year" or bool(spec.pattern) or bool(spec.choices)
        text = unicodedata.normalize("NFKC", entry.value) if strict else entry.value.translate(_WIDE_ALNUM)
        text = text.strip()
        if "\n" in text:
            session.problems.append(error(
                "cover-line-break",
                f"“{key}”中有换行（“{text.replace(chr(10), '↵')}”）。{key}在报告标题、页眉和声明中只能占一行，"
                "请删除单元格中的换行（Alt+Enter），写成一行。",
                sheet=entry.sheet, cell=entry.cell, indicator=key,
            ))
            text = "".join(line.strip() for line in text.split("\n"))
        if spec.kind == "year" and (year := _YEAR.fullmatch(text)):
            text = year.group(1)
        normalised[key] = replace(entry, value=text or None)
    return normalised


_DAY_COUNT = re.compile(r"[1-9]\d{4,6}(?:\.\d+)?")  # Excel's day number of a date (45672 = 2025-01-15), not a year


def _date_as_number(key: str, entry: Entry) -> Problem:
    """A date field holding a plain day number: a date cell whose format was set to 常规 (General)."""
    days = int(float(str(entry.value)))
    hint = ""
    if days < 2958466:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=days)
        hint = f"如果它本来是日期 {day.year}年{day.month}月{day.day}日（单元格格式被改成了“常规”），"
    return error(
        "cover-invalid-format",
        f"“{key}”填的是数字 {entry.value}，不是日期。{hint}请改写成“2025年1月”这样的文字，或把单元格格式设为日期。",
        sheet=entry.sheet, cell=entry.cell, indicator=key,
    )


def _resolve_edition(session: _Session, cover: dict[str, Entry], requested: Edition | None) -> Edition:
    declared = cover.get(c.KEY_EDITION)
    declared_id = str(declared.value) if declared and declared.value else None
    if requested is not None:
        if declared_id and declared_id != requested.id:
            session.problems.append(error(
                "edition-mismatch",
                f"本填报表是“{declared_id}”版式，但指定了“{requested.id}”版式。请用与填报表一致的版式，或用 vqr init 生成新版式的填报表。",
                sheet=c.SHEET_COVER, cell=declared.cell,
            ))
        return requested
    if declared_id is None:
        return load_edition()
    try:
        return load_edition(declared_id)
    except EditionError:
        session.problems.append(error(
            "unknown-edition",
            f"本填报表声明的报告版式“{declared_id}”不存在。请勿修改“{c.KEY_EDITION}”一行，或用 vqr init 重新生成填报表。",
            sheet=c.SHEET_COVER, cell=declared.cell,
        ))
        return load_edition()


def _read_number(session: _Session, ws: SheetGrid, row: int, col: int, kind: Kind, unit: str, what: str) -> Entry:
    coordinate = cell_ref(row, col)
    if kind is Kind.TEXT:
        return session.entry(session.text(ws, row, col, what), ws, coordinate)
    parsed = parse_number(session.raw(ws, row, col, what), ws.number_format(row, col), unit)
    if parsed.error:
        session.unreadable.add((ws.title, coordinate))
        session.problems.append(error(parsed.error, _NUMBER_MESSAGES[parsed.error].format(found=parsed.detail, unit=unit),
                                      sheet=ws.title, cell=coordinate, indicator=what))
    return session.entry(parsed.value, ws, coordinate, parsed.percent_marked, parsed.detail if parsed.error else "")


_NUMBER_MESSAGES = {
    "not-a-number": "“{found}”不是数值。请只填写数字（单位已在“单位”列中），无数据请留空或填“—”。",
    "boolean-in-number-cell": "单元格中是逻辑值 {found}，不是数值。请填写数字，无数据请留空或填“—”。",
    "date-in-number-cell": "单元格中是日期（{found}），不是数值。常见原因是 Excel 把“1-2”之类的输入自动转成了日期；请把单元格格式设为“数值”后重新填写。",
    "formula-as-text": "单元格中是以文本形式保存的公式“{found}”，不会被计算。请直接填写数值。",
    "number-too-large": "数值 {found} 超过 15 位，不可能是本表的数据，请检查是否误输入或粘贴。",
    "percent-in-number-cell": "填写为“{found}”，带有百分号，但本项的单位是“{unit}”，不是百分比，无法确定要填的数。"
                              "请只填写数字、不加 %；若单元格是百分比格式，请先改为“常规”或“数值”格式再重新填写。",
}


def _read_indicators(session: _Session, ws: SheetGrid, edition: Edition) -> dict[str, IndicatorEntry]:
    columns = _header_columns(session, ws, c.INDICATOR_HEADERS)
    if columns is None:
        return {}
    _report_merges(session, ws, {columns["上年"], columns["本年"]})
    entries: dict[str, IndicatorEntry] = {}
    for row in _data_rows(ws):
        code = session.text(ws, row, columns["代码"])
        if not code:
            continue
        code = normalise(code).upper()
        where = dict(sheet=ws.title, cell=cell_ref(row, columns["代码"]))
        if not edition.has_indicator(code):
            session.problems.append(error(
                "unknown-indicator",
                f"指标代码“{code}”不在“{edition.name}”的指标目录中。请勿修改“代码”列；多余的行请删除。", **where,
            ))
            continue
        indicator = edition.indicator(code)
        label = edition.label(code)
        if indicator.is_derived:
            session.problems.append(error(
                "derived-indicator-typed",
                f"“{label}”由工具根据其他指标自动计算，不能填写。请删除此行。",
                indicator=label, **where,
            ))
            continue
        if code in entries:
            first_row = re.sub(r"\D", "", entries[code].this.cell)
            session.problems.append(error(
                "duplicate-indicator",
                f"指标“{label}”（代码 {code}）出现了两次，另一次在第 {first_row} 行。请删除重复的行。",
                indicator=label, **where,
            ))
            continue
        typed_name = session.text(ws, row, columns["指标"])
        if typed_name and normalise(typed_name) != normalise(indicator.name):
            session.problems.append(warning(
                "indicator-name-mismatch",
                f"代码 {code} 对应的指标是“{label}”，本行“指标”列却写着“{typed_name}”。数值按代码读取，请核对是否填错了行。",
                indicator=label, **where,
            ))
        entries[code] = IndicatorEntry(
            code,
            *(_read_number(session, ws, row, columns[year], indicator.kind, indicator.unit, label) for year in ("上年", "本年")),
        )
    for indicator in edition.input_indicators:
        if indicator.code not in entries:
            session.problems.append(error(
                "missing-indicator",
                f"缺少指标“{edition.label(indicator.code)}”（代码 {indicator.code}，{indicator.group}）的行。请从 vqr init 生成的新填报表中复制该行；无数据时保留该行、数值留空。",
                sheet=ws.title, indicator=edition.label(indicator.code),
            ))
    return entries


def _filled_rows(session: _Session, ws: SheetGrid, headers: tuple[str, ...]) -> tuple[dict[str, int], list[int]]:
    """The columns of ``headers`` and the data rows with anything typed in them (none when the
    header row is missing, which _header_columns reports)."""
    columns = _header_columns(session, ws, headers)
    if columns is None:
        return {}, []
    _report_merges(session, ws, set(columns.values()))
    rows = [row for row in _data_rows(ws) if any(session.raw(ws, row, col) not in (None, "") for col in columns.values())]
    return columns, rows


def _read_records(session: _Session, ws: SheetGrid, spec: RecordSheet) -> tuple[Record, ...]:
    columns, rows = _filled_rows(session, ws, tuple(f.header for f in spec.fields))
    records = []
    for row in rows:
        values = {}
        for f in spec.fields:
            col = columns.get(f.header)
            if col is not None:
                values[f.key] = _read_number(session, ws, row, col, f.kind, f.unit, f.header)
        records.append(Record(row, values))
    return tuple(records)


def _read_list(session: _Session, ws: SheetGrid, office_list: OfficeList) -> tuple[Record, ...]:
    """The office's list: a record per row with anything typed, keyed by column header."""
    columns, rows = _filled_rows(session, ws, tuple(col.header for col in office_list.columns))
    records = []
    for row in rows:
        values = {}
        for spec in office_list.columns:
            col = columns[spec.header]
            if isinstance(spec, CountColumn):
                values[spec.header] = _read_number(session, ws, row, col, Kind.COUNT, spec.unit, spec.header)
                continue
            text = session.text(ws, row, col, spec.header)
            values[spec.header] = session.entry(text, ws, cell_ref(row, col))
            if text is None and spec.required and not session.is_unreadable(ws, cell_ref(row, col)):
                session.problems.append(error(
                    "list-missing-value", f"“{office_list.sheet}”第 {row} 行没有填写“{spec.header}”。请补上，或删除这一行。",
                    sheet=ws.title, cell=cell_ref(row, col), indicator=spec.header))
            elif isinstance(spec, TextColumn) and spec.choices and text is not None and text not in spec.choices:
                session.problems.append(error(
                    "list-not-a-choice", f"“{spec.header}”填的是“{text}”，不是可选项。请从下拉列表中选择：{'、'.join(spec.choices)}。",
                    sheet=ws.title, cell=cell_ref(row, col), indicator=spec.header))
        records.append(Record(row, values))
    return tuple(records)


def _section_lookup(edition: Edition) -> Callable[[str], str | None]:
    names: dict[str, str] = {}
    for section in edition.narrative_sections:
        for alias in (section.label, section.code, section.title):
            names.setdefault(normalise(alias), section.code)
    return lambda text: names.get(normalise(text))


def _unknown_section(session: _Session, ws: SheetGrid, cell: str, text: str) -> None:
    session.problems.append(error(
        "unknown-section",
        f"章节“{text}”不在报告大纲中。请从下拉列表中选择章节（例如“1.1 立德树人”）。",
        sheet=ws.title, cell=cell,
    ))


def _read_narrative(session: _Session, ws: SheetGrid, edition: Edition) -> tuple[Paragraph, ...]:
    columns = _header_columns(session, ws, c.NARRATIVE_HEADERS)
    if columns is None:
        return ()
    _report_merges(session, ws, set(columns.values()))
    find_section = _section_lookup(edition)
    paragraphs = []
    for row in _data_rows(ws):
        text = session.text(ws, row, columns["段落"])
        section_text = session.text(ws, row, columns["章节"])
        section_cell = cell_ref(row, columns["章节"])
        if not section_text and session.is_unreadable(ws, section_cell):
            continue  # a merged or unreadable 章节 cell, reported already
        if not text:
            if section_text and find_section(section_text) is None:  # text typed in the wrong column would vanish
                session.problems.append(warning(
                    "unknown-section",
                    f"“章节”列写着“{section_text[:40]}”，它不是报告大纲中的章节，本行“段落”列又是空的，这些文字不会出现在报告中。"
                    "如果这是一段正文，请把它移到“段落”列，并在“章节”列从下拉列表中选择章节；否则请删除。",
                    sheet=ws.title, cell=section_cell,
                ))
            continue
        if not section_text:
            session.problems.append(error(
                "missing-section", "这一段落没有选择章节，无法放入报告。请在“章节”列选择章节。",
                sheet=ws.title, cell=section_cell,
            ))
            continue
        code = find_section(section_text)
        if code is None:
            _unknown_section(session, ws, section_cell, section_text)
            continue
        text_cell = cell_ref(row, columns["段落"])
        for line in text.split("\n"):
            if line.strip():
                paragraphs.append(Paragraph(code, line.strip(), ws.title, text_cell))
    return tuple(paragraphs)


def _read_cases(session: _Session, ws: SheetGrid, edition: Edition) -> tuple[Case, ...]:
    columns = _header_columns(session, ws, c.CASE_HEADERS)
    if columns is None:
        return ()
    _report_merges(session, ws, set(columns.values()))
    find_section = _section_lookup(edition)
    cases = []
    for row in _data_rows(ws):
        values = {h: session.text(ws, row, col) for h, col in columns.items()}
        if not any(values.values()):
            continue

        def cell(header: str) -> str:
            return cell_ref(row, columns[header])

        ok = True
        for header, code, message in (
            ("章节", "missing-section", "案例没有选择章节。请在“章节”列选择案例所在的章节。"),
            ("标题", "case-missing-title", "案例没有标题。请填写“标题”。"),
            ("正文", "case-missing-body", "案例没有正文。请填写“正文”。"),
        ):
            if not values.get(header):
                if not session.is_unreadable(ws, cell(header)):  # else reported already (merged, unreadable)
                    session.problems.append(error(code, message, sheet=ws.title, cell=cell(header)))
                ok = False
        section = find_section(values["章节"]) if values.get("章节") else None
        if values.get("章节") and section is None:
            _unknown_section(session, ws, cell("章节"), values["章节"])
            ok = False
        image, pixels = None, None
        if values.get("图片文件"):
            image, pixels, problem = resolve_image(values["图片文件"], session.path.parent)
            if problem:
                session.problems.append(error(problem[0], problem[1], sheet=ws.title, cell=cell("图片文件")))
        elif values.get("图片说明"):  # the caption is printed under the photo: without one it would vanish
            session.problems.append(warning(
                "case-caption-without-image",
                f"填写了图片说明“{values['图片说明']}”，但没有填写“图片文件”，报告中不会出现这段说明。"
                "请在“图片文件”列填写图片的路径（例如 照片/案例1.jpg），或删除图片说明。",
                sheet=ws.title, cell=cell("图片说明"),
            ))
        if not ok:
            continue
        paragraphs = tuple(line.strip() for line in values["正文"].split("\n") if line.strip())
        cases.append(Case(section, values["标题"], paragraphs, image, pixels, values.get("图片说明") or "", ws.title, row,
                          image_text=values.get("图片文件") or ""))
    return tuple(cases)
