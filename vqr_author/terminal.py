"""What `vqr` prints on a terminal: Chinese text wrapped by Chinese rules, problem lists, help pages.

Users read the output on Windows terminals 80 columns wide. Everything printed goes through `wrap`,
which measures width as the terminal does (a CJK character takes 2 columns) and breaks lines as a
Chinese typesetter would: a line never starts with closing punctuation (，。、；：）”…), never ends with
opening punctuation (（“), and never breaks inside a number with its unit (24.9人/班, 95%, ±50%),
a cell reference (指标!F150), a file name or option (--draft), or a quoted name (“1.1 立德树人”)
that fits on a line. rich's own wrapping breaks CJK text anywhere, so tables and paragraphs here
use renderables built on `wrap`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from vqr_author.problems import Level, Problem

KEEP = Style(meta={"nobreak": True})  # a span of Text with this style is not broken (a name in a list, a place)
CLOSING = frozenset("，。、；：？！）」』》”’〉】…%‰·—,.;:?!)]}")
OPENING = frozenset("（「『《“‘〈【([{")
_TOKEN = re.compile(
    r"""[“「『《][^“”「」『』《》\n]*[”」』》]                               # a quoted name
    |\[[^\[\]\n]{1,30}\]                                                # a note: [必填], [默认：school]
    |(?:[\u4e00-\u9fff\w]{1,8}!)?\$?[A-Z]{1,3}\$?\d+(?![\w.])            # a cell, with its sheet
    |[+\-−±]?\d[\d,]*(?:\.\d+)?(?:%|‰|个?百分点|[\u4e00-\u9fff]{1,3}/[\u4e00-\u9fff]{1,3})?  # number, unit
    |[A-Za-z0-9_.\-+/\\:~#@&=?%±−*|<>\[\]'"]+                           # a word, file name, option
    |[ \t]+
    |.""",
    re.X,
)
_INNER = re.compile(_TOKEN.pattern.split("\n", 1)[1].lstrip().removeprefix("|"), re.X)  # inside a quote
_PLAIN = re.compile(r"[ \t]+|.")  # a word wider than a line (a long path) is broken between characters


def _spans(text: str, pattern: re.Pattern[str] = _TOKEN, keep: Sequence[tuple[int, int]] = ()) -> list[list[int]]:
    """The unbreakable pieces of ``text`` as [start, end], punctuation glued to its neighbour, ``keep`` ranges whole."""
    raw = [[m.start(), m.end()] for m in pattern.finditer(text)]
    spans: list[list[int]] = []
    glue_next = False
    for start, end in raw:
        piece = text[start:end]
        inside = any(a < start < b for a, b in keep)
        if spans and (glue_next or inside or piece[0] in CLOSING):
            previous = spans[-1]
            if text[previous[0]:previous[1]].isspace() and len(spans) > 1 and not (glue_next or inside):
                spans.pop()  # "是 ——" : the dash goes with the word before the space
                previous = spans[-1]
            previous[1] = end
        else:
            spans.append([start, end])
        glue_next = piece[-1] in OPENING
    return spans


def breaks(text: str, width: int, indent: int = 0, keep: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Offsets at which the lines of ``text`` wrapped to ``width`` start (continuation lines are ``indent`` narrower)."""
    width = max(width, 4)
    starts: list[int] = []
    used, room = 0, width

    def place(start: int, end: int) -> None:
        nonlocal used, room
        piece = text[start:end]
        size = cell_len(piece)
        if piece.isspace():
            used += size
            return
        if used and used + size > room:
            starts.append(start)
            used, room = 0, max(width - indent, 4)
        if size > room:  # wider than a whole line: a long path or sentence in quotes
            inner = _spans(piece, _INNER)  # a quote, or names kept together, broken by the usual rules
            if len(inner) == 1:
                inner = [[i.start(), i.end()] for i in _PLAIN.finditer(piece)]
            for a, b in inner:
                place(start + a, start + b)
            return
        used += size

    for start, end in _spans(text, keep=keep):
        place(start, end)
    return starts


def _kept(text: Text) -> list[tuple[int, int]]:
    """The spans of ``text`` styled `KEEP`."""
    return [(span.start, span.end) for span in text.spans if isinstance(span.style, Style) and span.style.meta.get("nobreak")]


def wrap_text(text: Text, width: int, indent: int = 0) -> list[Text]:
    """``text`` (with its styles) as lines of at most ``width`` columns; continuation lines indented by ``indent``."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        if not paragraph.plain:
            lines.append(Text(""))
            continue
        for number, line in enumerate(paragraph.divide(breaks(paragraph.plain, width, indent, _kept(paragraph)))):
            line.rstrip()
            if number and indent:
                line = Text.assemble(" " * indent, line)
            lines.append(line)
    return lines


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Plain-text form of `wrap_text`."""
    return [line.plain for line in wrap_text(Text(text), width, indent)]


class Para:
    """A paragraph that wraps by Chinese rules, with a hanging indent; usable alone or in a table cell."""

    def __init__(self, text: Text | str, indent: int = 0, style: str = "", margin: int = 0) -> None:
        self.text = text if isinstance(text, Text) else Text(text, style=style)
        self.indent = indent  # continuation lines
        self.margin = margin  # all lines

    @classmethod
    def markup(cls, markup: str, indent: int = 0) -> Para:
        return cls(Text.from_markup(markup), indent)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap_text(self.text, options.max_width - self.margin, self.indent):
            if self.margin:
                line = Text.assemble(" " * self.margin, line)
            line.no_wrap = True
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        widest = max((cell_len(plain[a:b]) for a, b in _spans(plain, keep=_kept(self.text))), default=0)
        longest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(widest + self.indent, longest) + self.margin, longest + self.margin).clamp(
            max_width=options.max_width)


def say(console: Console, markup: str, indent: int = 0) -> None:
    """Print a message (rich markup) wrapped to the console's width."""
    console.print(Para.markup(markup, indent), highlight=False)


def table(*headers: str, whole: Iterable[int] = ()) -> Table:
    """A table whose cells are `Para` (give them with `row`): numbers, cells and names never split.

    The columns ``whole`` (values: 24.9人/班, 1.67个百分点) keep their natural width; the others are narrowed.
    """
    result = Table(header_style="bold", expand=False, box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), show_edge=False)
    keep = set(whole)
    for i, header in enumerate(headers):
        result.add_column(header, no_wrap=i in keep)
    return result


WHOLE_AT_MOST = 24  # columns: a value this short (a number with its unit, 13.2:1, 2024年) is never broken


def row(result: Table, values: Iterable[str], whole: Iterable[int] = ()) -> None:
    """Add a row; the values in columns ``whole`` (by index) are kept on one line when they are short."""
    keep = set(whole)
    result.add_row(*(Para(Text(value or "", style=KEEP if i in keep and cell_len(value or "") <= WHOLE_AT_MOST else ""))
                     for i, value in enumerate(values)))


# -- problem lists --------------------------------------------------------------------------------

GROUP_AT = 3  # this many problems of one kind, said the same way, are listed as one


def _pattern(p: Problem) -> tuple[object, ...]:
    """What a problem says once its own cell and name are taken out: problems alike in this are one line."""
    message = p.message
    for name in sorted({p.place, p.indicator} - {""}, key=len, reverse=True):
        message = message.replace(name, "\0")
    if p.cell:
        message = re.sub(rf"(?<![A-Z]){re.escape(p.cell)}(?!\d)", "\0", message)
    return p.level, p.code, p.file, p.sheet, message


MIDDLE_AT_MOST = 30  # columns: problems whose words differ in more than this are listed one by one


def _differences(members: Sequence[Problem]) -> list[str] | None:
    """What each message says that the others do not (“照片/案例1.png”), if that is short; else None."""
    pieces = [[m.message[a:b] for a, b in _spans(m.message)] for m in members]
    shortest = min(len(t) for t in pieces)
    head = next((i for i in range(shortest) if len({t[i] for t in pieces}) > 1), shortest)
    tail = next((i for i in range(shortest - head) if len({t[len(t) - 1 - i] for t in pieces}) > 1), shortest - head)
    middles = ["".join(t[head:len(t) - tail]).strip() for t in pieces]
    return middles if max(cell_len(m) for m in middles) <= MIDDLE_AT_MOST else None


def _grouping(problems: Sequence[Problem]) -> list[tuple[list[Problem], list[str]]]:
    """The problems in their order, those alike gathered under the first of them, with what differs in each.

    Alike: the same code said in the same words but for the problem's own cell and name (章节“前言”没有正文 …),
    or the same code on one sheet where the words differ only in a short part (找不到图片“照片/案例1.png” …).
    """
    said: dict[tuple[object, ...], list[Problem]] = {}
    for p in problems:
        said.setdefault(_pattern(p), []).append(p)
    kinds: dict[tuple[object, ...], list[Problem]] = {}
    for p in problems:
        if len(said[_pattern(p)]) < GROUP_AT:
            kinds.setdefault((p.level, p.code, p.file, p.sheet), []).append(p)
    details: dict[int, list[str]] = {}
    for members in kinds.values():
        middles = _differences(members) if len(members) >= GROUP_AT else None
        if middles is not None:
            details[id(members[0])] = middles
    result: list[tuple[list[Problem], list[str]]] = []
    for p in problems:
        alike = said[_pattern(p)]
        if len(alike) >= GROUP_AT:
            if alike[0] is p:
                result.append((alike, [""] * len(alike)))
            continue
        kind = kinds[(p.level, p.code, p.file, p.sheet)]
        if id(kind[0]) in details:
            if kind[0] is p:
                result.append((kind, details[id(p)]))
        else:
            result.append(([p], [""]))
    return result


def grouped(problems: Sequence[Problem]) -> list[list[Problem]]:
    """The problems in their order; those alike (see `_grouping`) gathered under the first of them."""
    return [members for members, _ in _grouping(problems)]


def _label(p: Problem, with_sheet: bool) -> str:
    cell = f"{p.sheet}!{p.cell}" if with_sheet and p.sheet and p.cell else p.cell
    return " ".join(part for part in (cell, p.indicator) if part) or p.place


def _entry(members: list[Problem], middles: list[str], margin: int = 0) -> Para:
    first = members[0]
    indicator = first.indicator if first.indicator and first.indicator not in first.message else ""
    level = ("错误", "red") if first.level is Level.ERROR else ("警告", "yellow")
    text = Text.assemble(level, " ", (first.place, Style(bold=True) + KEEP), (f" {indicator}：", KEEP) if indicator else " ")
    text.append(first.message)
    if len(members) > 1:
        text.append(f"（同样的问题共 {len(members)} 处：", KEEP)  # one phrase, never split
        for i, p in enumerate(members):
            text.append("、" if i else "")
            label = _label(p, with_sheet=not i or p.sheet != members[i - 1].sheet)
            text.append(f"{label} {middles[i]}" if middles[i] and middles[i] not in label else label, KEEP)
        text.append("）")
    return Para(text, indent=5, margin=margin)


def problem_list(problems: Sequence[Problem]) -> Group:
    """One entry per problem — level, place, what is wrong and what to do — problems alike gathered into one."""
    return Group(*(_entry(members, middles) for members, middles in _grouping(problems)))


def problems_by_file(problems: Sequence[Problem]) -> Group:
    """`problem_list` under a heading for each file (the region's workbook first), for aggregate and batch."""
    files: dict[str, list[Problem]] = {}
    for p in problems:
        files.setdefault(p.file, []).append(p)
    parts: list[Para] = []
    for name, mine in files.items():
        errors = sum(p.level is Level.ERROR for p in mine)
        parts.append(Para.markup(f"[bold]{name or '（汇总）'}[/]：{errors} 个错误，{len(mine) - errors} 个警告"))
        parts.extend(_entry(members, middles, margin=2) for members, middles in _grouping(mine))
    return Group(*parts)


# -- vqr diff -------------------------------------------------------------------------------------


def _heading(title: str, count: int, first: bool) -> Para:
    return Para.markup(("" if first else "\n") + f"[bold]{escape(title)}（{count} 处）[/]")


def _changes(headers: tuple[str, ...], rows: list[tuple[str, ...]], whole: tuple[int, ...], margin: int = 0) -> list[object]:
    """Changed values: a table of the short ones (numbers never split); each long one (a paragraph) as old and new text."""
    short = [r for r in rows if max(cell_len(r[-2]), cell_len(r[-1])) <= WHOLE_AT_MOST]
    parts: list[object] = []
    if short:
        grid = table(*headers, whole=whole)
        for r in short:
            row(grid, r, whole=whole)
        parts.append(Padding(grid, (0, 0, 0, margin), expand=False) if margin else grid)
    for r in rows:
        if r not in short:
            parts.append(Para(Text(" ".join(x for x in r[:-2] if x), style="bold"), margin=margin, indent=2))
            parts.append(Para(Text("原值：") + Text(r[-2] or "（无）"), indent=6, margin=margin + 2))
            parts.append(Para(Text("新值：") + Text(r[-1] or "（无）"), indent=6, margin=margin + 2))
    return parts


def diff_report(changes: object) -> Group:
    """What `vqr diff` prints: the changed cells, then what changes in the report with them.

    Values are numbers with units (24.9人/班, 1.67个百分点, 13.2:1): a table cell never splits one; a long
    value (a paragraph of 正文) is shown as old and new text instead. Changed tables are listed under each
    table's title; changed sentences as old and new paragraphs.
    """
    parts: list[object] = []
    inputs, values = getattr(changes, "inputs"), getattr(changes, "values")
    tables, sentences = getattr(changes, "tables"), getattr(changes, "sentences")
    if inputs:
        parts.append(_heading("填报数据的改动", len(inputs), not parts))
        parts += _changes(("位置", "项目", "原值", "新值"), [(r["place"], r["item"], r["old"], r["new"]) for r in inputs],
                          whole=(0, 2, 3))
    if values:
        parts.append(_heading("报告中随之变化的计算结果", len(values), not parts))
        parts += _changes(("指标", "项目", "原值", "新值"),
                          [(r["indicator"], r["field"], r["old"], r["new"]) for r in values], whole=(1, 2, 3))
    if tables:
        parts.append(_heading("报告中随之变化的表格单元格", len(tables), not parts))
        by_table: dict[str, list[tuple[str, ...]]] = {}
        for r in tables:
            by_table.setdefault(r["table"], []).append((r["row"], r["column"], r["old"], r["new"]))
        for title, rows in by_table.items():
            parts.append(Para(title, margin=2, indent=2, style="bold"))
            parts += _changes(("行", "列", "原值", "新值"), rows, whole=(1, 2, 3), margin=2)
    if sentences:
        parts.append(_heading("报告中随之变化的文字", len(sentences), not parts))
        for r in sentences:
            parts.append(Para(r["section"], margin=2, indent=2, style="bold"))
            parts.append(Para(Text("原文：") + Text(r["old"] or "（无）"), indent=6, margin=2))
            parts.append(Para(Text("新文：") + Text(r["new"] or "（无）"), indent=6, margin=2))
    return Group(*parts)


# -- --help in Chinese ----------------------------------------------------------------------------

HEADINGS = {"Arguments": "参数", "Options": "选项", "Commands": "命令"}
# how click and typer name things in a help page, and what a Chinese user reads instead
HELP_WORDS = {
    "[OPTIONS]": "[选项]", "COMMAND": "命令", "[ARGS]...": "[参数]…",
    "{workbook}": "填报表.xlsx", "{region}": "区县.xlsx", "{schools}...": "学校.xlsx…", "{folder}": "文件夹",
    "{old}": "原填报表或报告", "{new}": "新填报表",
}
ARGUMENTS = {"workbook": "填报表.xlsx", "region": "区县.xlsx", "schools...": "学校.xlsx…", "folder": "文件夹",
             "old": "原填报表或报告", "new": "新填报表"}
TYPES = {"<path>": "<路径>", "<str>": "<文字>", "<text>": "<文字>", "<integer>": "<整数>", "<int>": "<整数>",
         "<float>": "<数字>", "<list[Path]>": "<路径>…"}
_ARGUMENT_ROW = re.compile(r"^([\w.]+) <[^>]*>$")


def _help_words(text: str) -> str:
    text = text.replace("Show this message and exit.", "显示本帮助并退出。").replace("[required]", "[必填]")
    return re.sub(r"\[default: ([^\]]*)\]", r"[默认：\1]", text)


class ChineseHelpFormatter(typer.Context.formatter_class):  # type: ignore[misc,name-defined]
    """click's help formatter, said in Chinese and wrapped by `wrap` (CJK characters are 2 columns wide)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = " ".join(HELP_WORDS.get(word, word) for word in args.split())
        head = f"{' ' * self.current_indent}用法：{prog} "
        for line in wrap_text(Text(head + args), self.width, cell_len(head)):
            self.write(line.plain + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in wrap(_help_words(text), self.width - self.current_indent):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        terms = []
        for term, _ in rows:
            argument = _ARGUMENT_ROW.match(term)
            if argument and argument.group(1) in ARGUMENTS:
                term = ARGUMENTS[argument.group(1)]
            terms.append(re.sub(r"<[^>]*>", lambda m: TYPES.get(m.group(0), m.group(0)), term))
        first = min(max((cell_len(t) for t in terms), default=0), col_max) + col_spacing
        for term, (_, help_text) in zip(terms, rows):
            left = " " * self.current_indent + term
            lines = wrap(_help_words(help_text), max(self.width - self.current_indent - first, 20))
            if not lines:
                self.write(left + "\n")
                continue
            if cell_len(term) <= first - col_spacing:
                self.write(left + " " * (first - cell_len(term)) + lines.pop(0) + "\n")
            else:
                self.write(left + "\n")
            for line in lines:
                self.write(" " * (self.current_indent + first) + line + "\n")


class ChineseHelpContext(typer.Context):
    formatter_class = ChineseHelpFormatter


class ChineseHelpGroup(TyperGroup):
    """The `vqr` group: its help page and every command's are said in Chinese (`ChineseHelpFormatter`)."""

    context_class = ChineseHelpContext

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in self.commands.values():
            command.context_class = ChineseHelpContext
