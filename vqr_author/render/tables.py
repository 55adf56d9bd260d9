"""TableModel → Word XML (caption, table, note). Decides layout only; every text comes from the model."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
import re
from dataclasses import dataclass

from vqr_author.compute.numbering import Number
from vqr_author.compute.tables import Cell, HeaderCell, TableModel
from vqr_author.render import ooxml

TEXT_WIDTH = int(15.6 * ooxml.CM)
DRAFT_FILL = "FFC7CE"
DRAFT_MARK = "※"
MIN_TEXT_COLUMN = int(2.4 * ooxml.CM)


@dataclass(frozen=True)
class Metrics:
    """Type size of a table: 五号 normally, 小五 for tables too wide for the page at 五号."""

    half_em: int  # twips per half-width character, with room for wider fallback fonts
    padding: int  # cell margins and a little air
    text_style: str
    header_style: str
    margin: int = 85  # left and right cell margin


NORMAL = Metrics(120, 320, "TableText", "TableHeader")
COMPACT = Metrics(100, 220, "TableTextSmall", "TableHeaderSmall")
# 小五 measured close to the type (a 9 pt CJK character is 180 twips, a digit 90) in cells with 1 mm
# margins: the last resort before headers have to break inside a word.
TIGHT = Metrics(92, 185, "TableTextSmall", "TableHeaderSmall", margin=57)


def _units(text: str) -> int:
    """Width of ``text`` in half-width characters (a CJK character is two)."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


# Pieces of header text a line never breaks inside: a bracketed unit （人） （百分点）, a quoted term
# （“双师型”）, a number with what it counts (2023年, 95%), a Latin word; anything else is one character.
_BRACKETED = re.compile(r"(（[^（）]*）|\([^()]*\)|“[^“”]*”)")
_RUN = re.compile(r"[0-9A-Za-z.:/%]+[年月日]?|.", re.S)
WORD_UNITS = 8  # up to 4 Chinese characters (单位, 指标, 增长率, 毕业生数) stay together


def header_runs(text: str) -> list[str]:
    """``text`` cut where a header may break: ``毕业生数（人）`` → 毕业生数 （人）; a longer stretch of
    words breaks between characters, never inside a bracket or a number with its unit (2023年)."""
    runs: list[str] = []
    for piece in _BRACKETED.split(text):
        if not piece:
            continue
        if _BRACKETED.fullmatch(piece) or _units(piece) <= WORD_UNITS:
            runs.append(piece)
        else:
            runs += _RUN.findall(piece)
    return runs


def _fill(runs: list[str], units: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for run in runs:
        if line and _units(line + run) > units:
            lines.append(line)
            line = ""
        line += run
    return [*lines, line] if line or not lines else lines


def header_lines(text: str, units: int) -> list[str]:
    """``text`` broken into lines of at most ``units`` half-width characters, only between runs; a
    closing bracketed unit goes on a line of its own rather than splitting the words before it
    (初次就业起薪 / （元）, not 初次就业起 / 薪（元）); a Chinese character is not left alone on the
    last line when a narrower fill takes as many lines (招生专业 / 类别, not 招生专业类 / 别)."""
    lines = _header_fill(text, units)
    while len(lines) > 1 and _units(lines[-1]) == 2 and len(lines[-1]) == 1 and units > 2:
        narrower = _header_fill(text, units - 2)
        if len(narrower) != len(lines):
            break
        lines, units = narrower, units - 2
    return lines


def _header_fill(text: str, units: int) -> list[str]:
    runs = header_runs(text)
    lines = _fill(runs, units)
    if len(lines) > 1 and len(runs) > 1 and runs[-1][0] in "（(":
        apart = [*_fill(runs[:-1], units), runs[-1]]
        if len(apart) <= len(lines):
            return apart
    return lines


def _header_need(text: str, max_lines: int) -> int:
    """The narrowest width (half-width characters) that sets ``text`` in ``max_lines`` lines, never
    narrower than its longest unbreakable run; with room, a closing （单位） gets its own line."""
    runs = header_runs(text)
    width = max((_units(r) for r in runs), default=0)
    while True:
        lines = header_lines(text, width)
        tidy = len(lines) == 1 or runs[-1][0] not in "（(" or lines[-1] == runs[-1]
        if len(lines) <= max_lines and (tidy or max_lines > 2):
            return width
        width += 1


# Where the text of a body cell may break when its column is narrower than the text: after the
# place names of a school's name (北京市 / 海川区 / 第一职业学校), after a comma or colon, before a
# bracket — between the parts a reader takes in at once, never inside one.
_PART_END = re.compile(r"(?<=[省市区县州旗盟，、：；。）)])(?=[^，、：；。）)])|(?=[（(])")


def text_parts(text: str) -> list[str]:
    """``text`` cut into the parts a line of a narrow cell may end after (see _PART_END)."""
    return [part for part in _PART_END.split(text) if part]


_ITEM_END = re.compile(r"(?<=[，、：；。])")  # the items of a list: 北京市海川区城建职业学校、北京市…


def cell_lines(text: str, units: int) -> list[str]:
    """``text`` in lines of at most ``units`` half-width characters broken only between its parts,
    each item of a list beginning a line when it does not fit on the one before; as one line (for
    Word to wrap) when it fits, when a part alone is wider than ``units``, or when it is prose (a
    sentence, such as a draft's problem: lines of it broken at every clause read badly)."""
    if _units(text) <= units or "。" in text or max(_units(p) for p in text_parts(text)) > units:
        return [text]
    lines: list[str] = []
    line = ""
    for item in filter(None, _ITEM_END.split(text)):
        if line and _units(line + item) > units:
            lines.append(line)
            line = ""
        if _units(line + item) <= units:
            line += item
            continue
        *whole, line = _fill(text_parts(item), units)  # an item wider than a line: between its parts
        lines += whole
    return [*lines, line] if line else lines


def _is_text_column(model: TableModel, col: int) -> bool:
    return any(_units(row[col].text) > len(row[col].text) for row in model.rows if col < len(row))


def _flagged(cell: Cell, flagged_refs: Collection[str]) -> bool:
    return bool(flagged_refs) and not cell.refs.isdisjoint(flagged_refs)


SQUEEZES = ("none", "headers", "parts", "all")


def column_widths(
    model: TableModel, total: int = TEXT_WIDTH, metrics: Metrics = NORMAL, flagged_refs: Collection[str] = (),
    squeeze: str = "all",
) -> list[int] | None:
    """Widths from content. Numbers never wrap; headers may wrap onto two lines; text columns take
    what is left, the main one (the longest) first. With ``squeeze`` "none", None unless every
    column gets its preferred width (no cell text wrapped); else columns are narrowed towards their
    minimum: with "headers" only headers wrap, onto as many lines as they need (never inside a
    number or bracket), and no body cell — a school's name stays on one line; with "parts" text
    wraps between its parts (text_parts: 北京市海川区 / 第一职业学校); with "all" anywhere. None
    when even that does not fit."""
    ncols = len(model.rows[0]) if model.rows else sum(h.colspan for h in model.header[0])
    body = [0] * ncols
    part = [0] * ncols  # the widest part of a text cell: the narrowest a text column gets with "parts"
    for row in model.rows:
        for c, cell in enumerate(row):
            shown = cell.text + (DRAFT_MARK if _flagged(cell, flagged_refs) else "")
            body[c] = max(body[c], _units(shown) + 4 * cell.indent)
            part[c] = max(part[c], max((_units(p) for p in text_parts(shown)), default=0) + 4 * cell.indent)
    header = [0] * ncols  # two lines at most when there is room
    unbreakable = [0] * ncols  # the longest run of a header: 2023年, （百分点）, 单位
    for row in _header_grid(model, ncols):
        for col, hc in row:
            if hc is not None and hc.colspan == 1:
                header[col] = max(header[col], _header_need(hc.text, 2))
                unbreakable[col] = max(unbreakable[col], _header_need(hc.text, 1000))
    text_cols = sorted((c for c in range(ncols) if _is_text_column(model, c)), key=lambda c: -body[c])
    preferred = [max(b, h) * metrics.half_em + metrics.padding for b, h in zip(body, header)]
    wraps = squeeze in ("parts", "all")  # text columns narrowed: to their widest part, or to MIN_TEXT_COLUMN
    narrowest = part if squeeze == "parts" else [0] * ncols
    minimal = [max(MIN_TEXT_COLUMN, n * metrics.half_em + metrics.padding) if wraps and c in text_cols
               else b * metrics.half_em + metrics.padding for c, (b, n) in enumerate(zip(body, narrowest))]
    minimal = [max(min(m, p), u * metrics.half_em + metrics.padding) for m, p, u in zip(minimal, preferred, unbreakable)]
    spare = total - sum(preferred)
    if spare >= 0:
        widths = preferred
        widths[text_cols[0] if text_cols else ncols - 1] += spare  # the main text column takes the room
    elif squeeze != "none" and sum(minimal) <= total:
        room = total - sum(minimal)
        wanted = sum(p - m for p, m in zip(preferred, minimal))
        widths = [m + (p - m) * room // wanted for p, m in zip(preferred, minimal)]
    else:
        return None
    widths[-1] += total - sum(widths)
    return widths


def table_layout(model: TableModel, flagged_refs: Collection[str] = ()) -> tuple[list[int], Metrics]:
    """Widths and type size: the largest type (五号, 小五, then tighter) at which no cell has to wrap
    — a smaller type reads better than school names and headers broken over lines — else at which
    only headers wrap, else at which text wraps only between its parts, else the largest at which
    the columns can be narrowed to fit."""
    for squeeze in SQUEEZES:
        for metrics in (NORMAL, COMPACT, TIGHT):
            widths = column_widths(model, TEXT_WIDTH, metrics, flagged_refs, squeeze)
            if widths is not None:
                return widths, metrics
    ncols = len(model.rows[0]) if model.rows else sum(h.colspan for h in model.header[0])
    return [TEXT_WIDTH // ncols] * (ncols - 1) + [TEXT_WIDTH - TEXT_WIDTH // ncols * (ncols - 1)], COMPACT


def _header_grid(model: TableModel, ncols: int) -> list[list[tuple[int, HeaderCell | None]]]:
    """Header cells with their grid column; None marks a cell covered by a rowspan from above."""
    covered: dict[int, tuple[int, HeaderCell]] = {}  # grid column -> (rows still covered, cell)
    grid = []
    for header_row in model.header:
        cells = iter(header_row)
        placed: list[tuple[int, HeaderCell | None]] = []
        col = 0
        while col < ncols:
            if col in covered:
                left, hc = covered.pop(col)
                if left > 1:
                    covered[col] = (left - 1, hc)
                placed.append((col, None))
                col += hc.colspan
                continue
            hc = next(cells, None)
            if hc is None:
                break
            if hc.rowspan > 1:
                covered[col] = (hc.rowspan - 1, hc)
            placed.append((col, hc))
            col += hc.colspan
        grid.append(placed)
    return grid


def _header_rows(model: TableModel, widths: list[int], metrics: Metrics) -> str:
    """The header rows: repeated on every page the table runs onto (w:tblHeader), and kept with the
    first body rows (keep-with-next, see kept_with_next), so a caption and header never stand alone
    at a page foot. The middle body rows carry none: with it on every row LibreOffice moved whole
    tables to the next page, leaving half a page blank."""
    out = []
    above: dict[int, HeaderCell] = {}
    for placed in _header_grid(model, len(widths)):
        xml = []
        for col, hc in placed:
            if hc is None:
                span = above[col].colspan
                xml.append(ooxml.cell(ooxml.paragraph("", metrics.header_style, keep_next=True), sum(widths[col:col + span]),
                                      span=span, vmerge="continue"))
                continue
            above[col] = hc
            width = sum(widths[col:col + hc.colspan])
            lines = header_lines(hc.text, (width - metrics.padding) // metrics.half_em)
            xml.append(ooxml.cell(ooxml.paragraph(ooxml.lines_run(lines), metrics.header_style, align="center",
                                                  keep_next=True),
                                  width, span=hc.colspan,
                                  vmerge="restart" if hc.rowspan > 1 else None, fill="F2F2F2"))
        out.append(ooxml.row("".join(xml), header=True))
    return "".join(out)


KEPT_ROWS = 3  # rows a table never leaves alone at the foot of a page, or carries alone onto the next


def kept_with_next(row: int, rows: int) -> bool:
    """Whether body row ``row`` of ``rows`` stays on the page of the row after it (keep-with-next on
    its paragraphs, which Word and LibreOffice honour between table rows): the first rows (with the
    caption and header, which keep with them) and the last rows (with the note) go to a page at
    least KEPT_ROWS together, so no page shows a table's caption and header over a single row, or a
    single row carried over; a table of fewer than twice KEPT_ROWS rows is kept whole."""
    return row < KEPT_ROWS - 1 or row >= rows - KEPT_ROWS


def row_anchor(model: TableModel, row: int) -> str:
    """The bookmark on body row ``row`` of a numbered table: LibreOffice exports it as a named
    destination, so the layout pass learns on which page each row landed (see table_breaks)."""
    return f"_VqrRow{'A' if model.annex else 'T'}{model.number.key if model.number else ''}-{row}"


def breakable(model: TableModel) -> bool:
    """Whether a table may run onto another page (kept_with_next keeps shorter ones whole) and
    then gets a 续表 caption: numbered tables of more than twice KEPT_ROWS rows."""
    return model.number is not None and len(model.rows) > 2 * KEPT_ROWS


def table_breaks(model: TableModel, pages: Mapping[str, str]) -> list[int]:
    """The body rows of ``model`` that begin a new page in the layout whose page of each bookmark
    is ``pages``: where the table is split and continued under a 续表 caption."""
    if not breakable(model):
        return []
    placed = [pages.get(row_anchor(model, r)) for r in range(len(model.rows))]
    return [r for r in range(1, len(placed)) if placed[r] and placed[r - 1] and placed[r] != placed[r - 1]]


def _row_mark(model: TableModel, row: int, mark: int) -> tuple[str, str]:
    name = row_anchor(model, row)
    return f'<w:bookmarkStart w:id="{mark}" w:name="{name}"/>', f'<w:bookmarkEnd w:id="{mark}"/>'


def _body_rows(model: TableModel, widths: list[int], metrics: Metrics, flagged_refs: Collection[str],
               rows_wanted: range, first_mark: int | None) -> str:
    """Body rows ``rows_wanted``; with ``first_mark``, each row's first own cell holds the row's
    bookmark (ids first_mark + row)."""
    out = []
    rows = model.rows
    for r in rows_wanted:
        cells = rows[r]
        keep = kept_with_next(r, len(rows))
        marked = first_mark is None
        xml = []
        for c, cell in enumerate(cells):
            key = cell.merge_key
            above = rows[r - 1][c].merge_key if r > 0 else None
            below = rows[r + 1][c].merge_key if r + 1 < len(rows) else None
            vmerge = None
            if key is not None and key == above and r != rows_wanted.start:
                xml.append(ooxml.cell(ooxml.paragraph("", metrics.text_style, keep_next=keep), widths[c], vmerge="continue"))
                continue
            if key is not None and key == below and r + 1 < rows_wanted.stop:
                vmerge = "restart"
            flagged = _flagged(cell, flagged_refs)
            text = cell.text + (DRAFT_MARK if flagged else "")
            run = ooxml.lines_run(cell_lines(text, (widths[c] - metrics.padding) // metrics.half_em - 4 * cell.indent),
                                  bold=cell.bold)
            if not marked:
                start, end = _row_mark(model, r, first_mark + r)
                run, marked = start + run + end, True
            content = ooxml.paragraph(run, metrics.text_style, align=cell.align, indent_chars=2 * cell.indent, keep_next=keep)
            xml.append(ooxml.cell(content, widths[c], vmerge=vmerge, fill=DRAFT_FILL if flagged else None))
        out.append(ooxml.row("".join(xml)))
    return "".join(out)


# Bookmark ids of the rows of a table: ROW_IDS + place × MAX_ROWS + row, its place being N (表 N) or
# chapter × 1000 + N (表 2-3); annex tables from ANNEX_ROW_IDS; apart from the ids of
# render.context.anchor (below 1 000 000).
ROW_IDS = 1_000_000
ANNEX_ROW_IDS = 1_000_000_000
MAX_ROWS = 10_000


CAPTION_LINE_UNITS = (TEXT_WIDTH - 2 * NORMAL.margin) // 120  # half-width characters of 小四 on a caption line


def continued_caption(prefix: str, number: Number, title: str) -> str:
    """``续表 N 标题``; just ``续表 N`` when the added 续 would wrap a one-line caption onto a second
    line, so the 续表 row is as high as the caption row the layout pass repeated."""
    text = f"续{prefix} {number} {title}"
    fits = _units(f"{prefix} {number} {title}") <= CAPTION_LINE_UNITS
    return text if _units(text) <= CAPTION_LINE_UNITS or not fits else f"续{prefix} {number}"


def _caption_row(model: TableModel, widths: list[int], continued: bool,
                 bookmark: tuple[str, int] | None) -> str:
    """The caption as the table's first row, repeated on every page: ``表 N 标题`` in the first part,
    ``续表 N 标题`` in a part continued on a new page. It is a header row (w:tblHeader) in both, so
    the layout pass — which knows nothing of breaks — sets exactly the space the 续表 caption later
    takes on each page the table runs onto, and the page numbers read from it stay true."""
    if continued:
        text = ooxml.paragraph(ooxml.text_run(continued_caption(model.prefix, model.number, model.title)),
                               "TableCaption", keep_next=True)
    else:
        text = ooxml.caption(model.prefix, model.number, model.title, outline_level=1 if model.annex else None,
                             bookmark=bookmark, sequence=model.sequence)
    return ooxml.row(ooxml.cell(text, sum(widths), span=len(widths), frame=False), header=True)


# The paragraph between two parts of a split table (Word joins adjacent tables): 1 pt high, so
# it fits at the foot of the page the first part fills and the layout does not move.
_SEPARATOR = ('<w:p><w:pPr><w:pStyle w:val="TableNote"/><w:spacing w:before="0" w:after="0" w:line="20" '
              'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')


def table_block(model: TableModel, flagged_refs: Collection[str] = (), bookmark: tuple[str, int] | None = None,
                breaks: Sequence[int] = ()) -> str:
    """Caption (表 N / 附表 N as a SEQ field, inside the ``bookmark`` — name, id — that the 目录 and
    the lists refer to) as the table's first row, the table, and its note below. With ``breaks``
    (the body rows that begin a page, see table_breaks) the table is split there, each part after
    the first under a 续表 caption and the repeated header, as a typesetter continues a table."""
    widths, metrics = table_layout(model, flagged_refs)
    parts = []
    if model.lead:
        parts.append(ooxml.paragraph(ooxml.text_run(model.lead), "Normal"))
    header = _header_rows(model, widths, metrics)
    first_mark = None
    if breakable(model):
        chapter, n = model.number.order  # type: ignore[union-attr] — breakable tables are numbered
        first_mark = (ANNEX_ROW_IDS if model.annex else ROW_IDS) + (chapter * 1000 + n) * MAX_ROWS
    bounds = [0, *(b for b in breaks if 0 < b < len(model.rows)), len(model.rows)]
    pieces = []
    for i, (start, stop) in enumerate(zip(bounds, bounds[1:])):
        caption = _caption_row(model, widths, i > 0, bookmark) if model.number is not None else ""
        body = _body_rows(model, widths, metrics, flagged_refs, range(start, stop), first_mark)
        pieces.append(ooxml.table(caption + header + body, widths, margin=metrics.margin))
    parts.append(_SEPARATOR.join(pieces))
    if model.note:
        parts.append(ooxml.paragraph(ooxml.text_run(f"注：{model.note}"), "TableNote"))
    else:
        parts.append(ooxml.paragraph("", "TableNote"))
    return "".join(parts)
