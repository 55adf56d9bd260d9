"""`vqr` — the command line, a thin shell over vqr_author.api.

Exit codes (public interface, docs/cli.md): 0 no errors (warnings allowed); 1 validation errors, or
nothing written because of them; 2 the input cannot be read as a workbook, or an output/template/
edition problem; 3 an internal error of the tool; 130 interrupted.
"""

from __future__ import annotations

import json
import re
import signal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.console import Group
from rich.table import Table

# Only what every command needs is imported here: `vqr --help` must not load openpyxl, docxtpl or
# the edition model (docs/performance.md). The library API and the batch machinery load on first use.
import vqr_author as api  # the library API, loaded on first use (see vqr_author.__init__)
from vqr_author import terminal
from vqr_author.terminal import say
from vqr_author.edition import DEFAULT_EDITION, available_editions, load_edition
from vqr_author.errors import VqrError, WorkbookUnreadable, trace_note
from vqr_author.problems import Level, Problem, error
from vqr_author.quiet import quiet
from vqr_author.workbook import contract

if TYPE_CHECKING:
    from vqr_author import batch

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

app = typer.Typer(
    name="vqr",
    help="职业教育质量年度报告生成工具：填报表（Excel）→ 校验 → 计算 → Word 报告。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    cls=terminal.ChineseHelpGroup,  # --help in Chinese, wrapped to the terminal
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EditionOption = Annotated[
    Optional[str], typer.Option("--edition", help=f"报告版式（默认按填报表“{contract.KEY_EDITION}”一行，或 {DEFAULT_EDITION}）。")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="出现内部错误时把详细信息写入日志文件，并显示日志位置。")]
PdfOption = Annotated[bool, typer.Option("--pdf", help="同时生成 LibreOffice 排版的 PDF（目录页码与 Word 报告相同）。")]
NoPageNumbersOption = Annotated[bool, typer.Option(
    "--no-page-numbers", help="不用 LibreOffice 排版计算目录页码（更快；目录只有引导点，在 Word 中更新域可填入）。")]
LevelOption = Annotated[str, typer.Option("--level", help="报告层级：school（学校，默认）、district（区县）、city（市）。")]
HistoryOption = Annotated[
    Optional[Path], typer.Option("--history", help="往年各学校填报表所在的文件夹（含子文件夹，按每份填报表封面上的年度区分年份）："
                                 "报告中加入历年序列表和图、学校数的变化，并核对各校的上年数据。")
]


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _run(action: Callable[[], int], debug: bool) -> None:
    """Run a command: every failure becomes a Chinese message and an exit code, never a traceback."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = action()
    except VqrError as exc:
        say(err, f"[bold red]错误：[/]{escape(str(exc))}")
        code = exc.exit_code
    except BrokenPipeError:
        raise  # the reader of our output went away (… | head): not a bug, see main()
    except KeyboardInterrupt:
        say(err, "已中断。之前生成的文件保持不变。")
        code = EXIT_INTERRUPTED
    except Exception as exc:  # a bug in the tool: say so plainly, keep the details for support
        detail = "请加 --debug 重新运行以生成日志文件，并把日志发给技术支持。"
        if debug:
            note = trace_note(exc)
            detail = f"{note}请把该文件发给技术支持。" if note else "日志文件无法写入临时文件夹，请检查磁盘空间。"
        say(err, f"[bold red]工具内部错误：[/]处理过程中出现了意外情况。{escape(detail)}")
        code = EXIT_INTERNAL
    raise typer.Exit(code)


SAMPLE_KEYWORD = "sample"
SAMPLE_WORKBOOK = Path(__file__).resolve().parent.parent / "sample_inputs" / "school" / "海川职业学校.xlsx"


def _sample() -> Path:
    if not SAMPLE_WORKBOOK.is_file():
        raise VqrError("示例填报表只在源代码仓库中（sample_inputs/school/），当前安装中没有。请给出填报表的路径。")
    return SAMPLE_WORKBOOK


def _page_numbers(no_page_numbers: bool) -> Optional[bool]:
    """--no-page-numbers skips the layout pass; otherwise the default (api.wants_page_numbers)."""
    return False if no_page_numbers else None


def _notes(notes: list[str]) -> None:
    for note in notes:
        say(err, f"[yellow]注意：[/]{escape(note)}")


def _problem_list(problems: list[Problem]) -> Group:
    return terminal.problem_list(problems)


def _summary(path: Path, result: api.CheckResult) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    if not result.problems:
        return f"[green]✓[/] {path.name}：未发现问题。"
    verdict = "[red]有错误，需修改后才能生成正式报告[/]" if errors else "[green]可以生成报告[/]（请核对警告）"
    return f"{path.name}：{errors} 个错误，{warnings} 个警告 —— {verdict}。"


@app.command()
def init(
    output: Annotated[Path, typer.Option("-o", "--output", help="要生成的空白填报表，例如 学校.xlsx。")],
    level: LevelOption = "school",
    previous: Annotated[
        Optional[Path], typer.Option("--from", help="去年的填报表：上年数据、清单中的比较列和封面信息按版式自动带入，正文和案例留空。")
    ] = None,
    edition: EditionOption = None,
    force: Annotated[bool, typer.Option("--force", help="目标文件已存在时覆盖。")] = False,
    debug: DebugOption = False,
) -> None:
    """生成空白填报表（Excel），学校在其中填写指标、正文和案例；--from 用去年的填报表生成今年的。"""

    def action() -> int:
        carried = api.new_workbook(output, edition=edition, level=level, previous=previous, overwrite=force)
        if carried is None:
            say(out, f"[green]✓[/] 已生成空白填报表：{output}")
            return EXIT_OK
        say(out, f"[green]✓[/] 已由 {carried.previous_year} 年度填报表生成 {carried.year or '新'} 年度填报表：{output}"
                  f"（带入上年数据 {carried.carried} 项）")
        if carried.new_indicators:
            say(out, f"[yellow]以下指标去年的填报表中没有，“上年”需要手工填写[/]：{'、'.join(carried.new_indicators)}")
        if carried.dropped_indicators:
            say(out, f"[yellow]去年填报表中的以下指标在新版式中没有对应项，未带入[/]：{'、'.join(carried.dropped_indicators)}")
        if carried.source_errors:
            say(out, f"[yellow]注意[/]：去年的填报表有 {len(carried.source_errors)} 个错误，其中的数值已原样带入新填报表的“上年”列"
                     "（无法识别的内容没有带入），请先核对以下单元格：")
            out.print(_problem_list(carried.source_errors))
        return EXIT_OK

    _run(action, debug)


@app.command()
def check(
    workbook: Annotated[Path, typer.Argument(help="要检查的填报表（.xlsx）。")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出问题列表（供其他系统读取）。")] = False,
    annotate: Annotated[
        Optional[Path], typer.Option("--annotate", help="另存一份标出全部问题的填报表（含“问题清单”工作表），原文件不变。")
    ] = None,
    level: LevelOption = "school",
    edition: EditionOption = None,
    debug: DebugOption = False,
) -> None:
    """检查填报表，列出全部错误和警告及其所在单元格。"""

    def action() -> int:
        try:
            result = api.check_workbook(workbook, edition, level=level)
        except WorkbookUnreadable as exc:
            if not as_json:
                raise
            print(json.dumps([error(exc.code, str(exc)).as_dict()], ensure_ascii=False, indent=2))
            return EXIT_UNREADABLE
        if as_json:
            print(json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False, indent=2))
        else:
            if result.problems:
                out.print(_problem_list(result.problems))
            say(out, _summary(workbook, result))
        if annotate is not None:
            api.annotate_workbook(result, annotate)
            (err if as_json else out).print(f"[green]✓[/] 已生成标注问题的填报表：{annotate}", highlight=False)
        return EXIT_ERRORS if result.errors else EXIT_OK

    _run(action, debug)


@app.command()
def render(
    workbook: Annotated[Path, typer.Argument(help="填报表（.xlsx）；写 sample 则使用仓库中的示例学校。")],
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="生成的 Word 报告，默认为当前文件夹中的“填报表名-报告.docx”。")
    ] = None,
    draft: Annotated[bool, typer.Option("--draft", help="即使有错误也生成草稿，并在报告中醒目标出每个问题。")] = False,
    pdf: PdfOption = False,
    no_page_numbers: NoPageNumbersOption = False,
    template: Annotated[Optional[Path], typer.Option("--template", help="自定义 Word 模板（默认使用内置模板）。")] = None,
    edition: EditionOption = None,
    debug: DebugOption = False,
) -> None:
    """生成 Word 报告（--pdf 同时生成 PDF）。填报表有错误时不生成（可用 --draft 生成草稿）。"""

    def action() -> int:
        source = _sample() if str(workbook) == SAMPLE_KEYWORD and not workbook.exists() else workbook
        target = output or Path(f"{source.stem}-报告.docx")
        result = api.render_report(source, target, draft=draft, edition=edition, template=template, pdf=pdf,
                                   page_numbers=_page_numbers(no_page_numbers))
        check_result = result.check
        if check_result.problems:
            out.print(_problem_list(check_result.problems))
        say(out, _summary(source, check_result))
        if not result.written:
            say(out, f"[red]未生成报告[/]：请先修改上面的 {len(check_result.errors)} 个错误，或加 --draft 生成草稿。")
            return EXIT_ERRORS
        kind = "草稿" if draft and check_result.errors else "报告"
        say(out, f"[green]✓[/] 已生成{kind}：{target}" + (f" 和 {result.pdf}" if result.pdf else ""))
        _notes(result.notes)
        return EXIT_ERRORS if check_result.errors else EXIT_OK

    _run(action, debug)


def _by_file(problems: list[Problem]) -> Group:
    return terminal.problems_by_file(problems)


@app.command()
def aggregate(
    region: Annotated[Path, typer.Argument(help="区县（或市）填报表：封面、正文、案例（vqr init --level district 生成）。")],
    schools: Annotated[list[Path], typer.Argument(help="各学校的填报表（可用 *.xlsx）。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="生成的汇总报告，例如 区县报告.docx。")],
    level: Annotated[str, typer.Option("--level", help="汇总层级：district（区县，默认）或 city（市）。")] = "district",
    draft: Annotated[bool, typer.Option("--draft", help="即使有错误也生成草稿，并在报告中列出全部问题。")] = False,
    pdf: PdfOption = False,
    no_page_numbers: NoPageNumbersOption = False,
    template: Annotated[Optional[Path], typer.Option("--template", help="自定义 Word 模板。")] = None,
    edition: EditionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部问题（含所在文件）。")] = False,
    history: HistoryOption = None,
    debug: DebugOption = False,
) -> None:
    """汇总各学校的填报表，生成区县（或市）质量年度报告：数量相加，比率按合并口径重新计算。"""

    def action() -> int:
        result = api.aggregate_report(region, list(schools), output, level=level, draft=draft, edition=edition,
                                      template=template, pdf=pdf, history=history, page_numbers=_page_numbers(no_page_numbers))
        problems = result.problems
        if as_json:
            print(json.dumps([p.as_dict(with_file=True) for p in problems], ensure_ascii=False, indent=2))
        elif problems:
            out.print(_by_file(problems))
        errors = len(result.errors)
        console = err if as_json else out
        say(console, f"汇总 {len(result.schools)} 所学校：{errors} 个错误，{len(problems) - errors} 个警告。")
        _history_summary(console, result)
        if not result.written:
            say(console, "[red]未生成报告[/]：请先修改上面的错误，或加 --draft 生成草稿。")
            return EXIT_ERRORS
        say(console, f"[green]✓[/] 已生成{'草稿' if errors else '报告'}：{output}"
                      + (f" 和 {result.pdf}" if result.pdf else ""))
        _notes(result.notes)
        return EXIT_ERRORS if errors else EXIT_OK

    _run(action, debug)


def _history_summary(console: Console, result: api.AggregateResult) -> None:
    """Which earlier years the history folder gave, and how many schools each."""
    if result.history is None:
        return
    years = "、".join(f"{year} 年 {len(found)} 所" for year, found in sorted(result.history.years.items()))
    say(console, f"历年数据（{escape(str(result.history.folder))}）：{years or '没有可用的往年填报表'}。")


_NAME_ATOM = re.compile(r"[^/]*/|\.[^./]+$|[A-Za-z0-9_-]+|.", re.S)  # a folder with its /, the extension, a latin word, a character


def wrap_file_name(name: str, width: int) -> str:
    """``name`` (a path relative to the batch folder) on lines of at most ``width`` cells, broken only
    at sensible points: after a folder's /, between characters of the name, never inside the
    extension (which keeps the character before it) or a latin word (unless it alone is too wide)."""
    from rich.cells import cell_len, chop_cells

    atoms: list[str] = []
    for match in _NAME_ATOM.finditer(name):
        atom = match.group(0)
        if atom.startswith(".") and atoms and not atoms[-1].endswith("/"):  # 学校.xlsx: “校.xlsx” stays together
            before = atoms.pop()
            kept = before if cell_len(before + atom) <= width else before[-1]  # the whole word if it fits, else a character
            atoms += [before[: len(before) - len(kept)]] if kept != before else []
            atom = kept + atom
        atoms += [atom] if cell_len(atom) <= width else chop_cells(atom, width)  # a word or folder wider than a line
    lines = [""]
    for atom in atoms:
        if lines[-1] and cell_len(lines[-1] + atom) > width:
            lines.append("")
        lines[-1] += atom
    return "\n".join(lines)


def _batch_table(result: batch.BatchResult) -> Table:
    from rich.cells import cell_len

    from vqr_author import batch

    shown = [o for o in result.outcomes if o.status != batch.UNCHANGED]  # a city office re-runs hundreds; the
    # table lists what this run did (all are in 汇总.xlsx)
    statuses = max(cell_len(o.status) for o in shown)
    times = [f"{o.seconds:.1f}s" for o in shown]
    fixed = max(statuses, 4) + 4 + 4 + max(4, *map(len, times)) + 7 + 6 * 2  # the other columns, the borders and padding
    name_width = max(10, (out.width - fixed) // 2)  # the file and the school share what is left
    table = Table(header_style="bold", expand=True)
    for name, kw in (("文件", {"no_wrap": True, "width": name_width}), ("学校", {"overflow": "fold", "ratio": 1}),
                     ("状态", {"no_wrap": True}), ("错误", {"justify": "right"}), ("警告", {"justify": "right"}),
                     ("用时", {"justify": "right"})):
        table.add_column(name, **kw)
    for o, seconds in zip(shown, times):
        colour = "green" if o.succeeded else "yellow" if o.status in batch.HARMLESS else "red"
        status = f"[{colour}]{o.status}[/]"
        table.add_row(escape(wrap_file_name(o.input, name_width)), o.school or "—", status, str(o.errors), str(o.warnings),
                      seconds)
    return table


# Problems that are about the folder rather than a workbook's cells: said in the terminal too, since
# the office has to act on them (the cell problems are in 汇总.xlsx); so is why a file could not be
# read or written at all.
FOLDER_CODES = {"symlink-loop", "permission-denied", "file-not-found", "not-a-file", "duplicate-file", "duplicate-school",
                "school-name-conflict", "output-name-clash"}
MAX_LISTED = 10


def _batch_problems(result: batch.BatchResult) -> None:
    from vqr_author import batch

    lines: dict[str, str] = {}  # message → line (a conflict between two files is one message)
    for o in result.outcomes:
        whole_file = o.status in (batch.UNREADABLE, batch.NOT_WRITTEN, batch.CRASHED)  # its one problem is why: say it here
        for p in o.problems:
            if (p["code"] in FOLDER_CODES or whole_file) and p["message"] not in lines:
                colour = "red" if p["level"] == "error" else "yellow"
                lines[p["message"]] = f"[{colour}]{Level(p['level']).label}[/]：{escape(p['message'])}"
    for n in result.notices:
        lines.setdefault(n.message, f"[yellow]注意[/]：{escape(n.message)}")
    shown = list(lines.values())
    for line in shown[:MAX_LISTED]:
        say(out, line)
    if len(shown) > MAX_LISTED:
        say(out, f"……另有 {len(shown) - MAX_LISTED} 条，详见 {escape(str(result.summary))} 的“问题”工作表。")


def _batch_summary(result: batch.BatchResult) -> str:
    """One sentence on the whole run: how many workbooks, what happened to them, where the details are."""
    from vqr_author import batch

    unusable = sum(o.status == batch.SKIPPED for o in result.outcomes)
    workbooks = len(result.outcomes) - unusable
    done = sum(o.succeeded for o in result.outcomes)
    unchanged = sum(o.status == batch.UNCHANGED for o in result.outcomes)
    twice = sum(o.status in batch.HARMLESS for o in result.outcomes)
    parts = [f"共 {workbooks} 份填报表：{done} 份成功"
             + (f"（其中 {unchanged} 份未变化、未重新生成，表中未列出）" if unchanged else ""),
             f"{len(result.failed) - unusable} 份未生成"]
    if twice:
        parts.append(f"{twice} 份与其他文件重复、只处理一次")
    if unusable:
        parts.append(f"另有 {unusable} 个文件无法使用、已跳过")
    return "，".join(parts) + f"。详见 {escape(str(result.summary))}"


@app.command(name="batch")
def batch_command(
    folder: Annotated[Path, typer.Argument(help="存放各学校填报表的文件夹（含子文件夹）。")],
    out_dir: Annotated[Path, typer.Option("-o", "--output", help="输出文件夹：各校报告、汇总.xlsx 和处理记录。")],
    jobs: Annotated[Optional[int], typer.Option("--jobs", help="并行进程数，默认为 CPU 核数。")] = None,
    force: Annotated[bool, typer.Option("--force", help="全部重新生成（默认只生成内容有变化的）。")] = False,
    aggregate_with: Annotated[
        Optional[Path], typer.Option("--aggregate", help="同时用这个区县（市）填报表汇总成功的学校，生成汇总报告。")
    ] = None,
    level: Annotated[str, typer.Option("--level", help="汇总层级：district（区县，默认）或 city（市）。")] = "district",
    history: HistoryOption = None,
    pdf: PdfOption = False,
    no_page_numbers: NoPageNumbersOption = False,
    template: Annotated[Optional[Path], typer.Option("--template", help="自定义 Word 模板。")] = None,
    edition: EditionOption = None,
    debug: DebugOption = False,
) -> None:
    """批量生成文件夹中每份学校填报表的报告，写出汇总.xlsx；有问题的文件不影响其他文件。"""

    def action() -> int:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from vqr_author import batch  # the batch machinery (process pool, manifest, 汇总.xlsx) only for this command

        if history is not None and aggregate_with is None:
            raise VqrError("--history 只用于汇总报告，请同时给出 --aggregate 区县（市）填报表。")
        exclude = [p for p in (aggregate_with, history) if p is not None]  # 往年的填报表不是本年的学校
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=out, transient=True) as bar:
            task = bar.add_task("处理中", total=None)

            def tick(outcome: batch.Outcome) -> None:
                bar.update(task, advance=1, description=f"处理中：{outcome.input}")

            if folder.is_dir():
                found, extra = batch.scan_folder(folder, exclude=[out_dir, *exclude])
                bar.update(task, total=len(found) + len(extra))
            result = batch.run_batch(folder, out_dir, jobs=jobs, force=force, edition=edition, template=template,
                                     progress=tick, exclude=exclude, pdf=pdf, page_numbers=_page_numbers(no_page_numbers))
        if any(o.status != batch.UNCHANGED for o in result.outcomes):
            out.print(_batch_table(result))
        _batch_problems(result)
        notes = sorted({note for o in result.outcomes for note in o.notes})  # the same note once, not once a school
        _notes(notes)
        say(out, _batch_summary(result))
        code = EXIT_OK if result.ok else EXIT_ERRORS
        if aggregate_with is not None:
            code = max(code, _aggregate_after_batch(result, aggregate_with, level, template, edition, pdf,
                                                    _page_numbers(no_page_numbers), notes, history))
        return code

    _run(action, debug)


def _aggregate_after_batch(result: batch.BatchResult, region: Path, level: str, template: Optional[Path],
                           edition: Optional[str], pdf: bool, page_numbers: Optional[bool], said: list[str],
                           history: Optional[Path] = None) -> int:
    from vqr_author import batch
    from vqr_author.compute.report import report_title

    good = [result.folder / o.input for o in result.outcomes if o.succeeded]
    left_out = [o.input for o in result.failed]

    region_check = api.check_workbook(region, edition, level=level)
    title = report_title(region_check.edition, {k: region_check.book.cover_text(k) for k in region_check.book.cover},
                         region_check.book.level)
    target = result.out_dir / (batch.safe_name(title) + ".docx")
    aggregated = api.aggregate_report(region, good, target, level=level, edition=edition,
                                      template=template, pdf=pdf, history=history, page_numbers=page_numbers,
                                      left_out={o.school or o.input: o.status for o in result.failed})
    own = aggregated.own_problems  # the schools' own problems are in the table and 汇总.xlsx already
    result.add_aggregate_problems(own)
    if own:
        out.print(_by_file(own))
        errors = sum(p.level is Level.ERROR for p in own)
        say(out, f"汇总报告的问题（“{escape(region.name)}”及跨校检查）：{errors} 个错误，{len(own) - errors} 个警告，"
                 f"已同时写入 {escape(str(result.summary))} 的“问题”工作表。")
    _history_summary(out, aggregated)
    if left_out:
        say(out, f"[yellow]注意[/]：{len(left_out)} 份填报表未能生成报告，没有计入汇总：{escape('、'.join(left_out))}。"
                 "汇总报告按草稿生成。")
    if not aggregated.written:
        say(out, "[red]未生成汇总报告[/]：请先修改上面的错误。")
        return EXIT_ERRORS
    say(out, f"[green]✓[/] 已生成汇总{'草稿' if left_out or aggregated.errors else '报告'}：{escape(str(target))}")
    _notes([note for note in aggregated.notes if note not in said])
    return EXIT_ERRORS if left_out or aggregated.errors else EXIT_OK


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="原来的填报表（.xlsx），或 vqr render 生成的报告（.docx，读取旁边的 .vqr.json 记录）。")],
    new: Annotated[Path, typer.Argument(help="修改后的填报表（.xlsx）。")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供其他系统读取）。")] = False,
    edition: EditionOption = None,
    debug: DebugOption = False,
) -> None:
    """列出两版填报表之间改动的单元格，以及报告中随之变化的计算结果、表格单元格和文字。"""

    def action() -> int:
        changes = api.diff_reports(old, new, edition)
        if as_json:
            print(json.dumps(changes.as_dict(), ensure_ascii=False, indent=2))
            return EXIT_ERRORS if not changes.empty else EXIT_OK
        if changes.empty:
            say(out, "两版之间没有差别：重新生成的报告与原来的完全相同。")
            return EXIT_OK
        out.print(terminal.diff_report(changes))
        if changes.new_errors:
            say(out, f"[yellow]注意[/]：修改后的填报表有 {changes.new_errors} 个错误，由有错误的数据算出的变化不可信；"
                     f"运行 vqr check {escape(str(new))} 查看并改正。")
        return EXIT_ERRORS

    _run(action, debug)


@app.command()
def editions(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供其他系统读取）。")] = False,
    debug: DebugOption = False,
) -> None:
    """列出内置的报告版式：代码、名称、学校类型（中职/高职）和可生成的报告层级。"""

    def action() -> int:
        found = [load_edition(name) for name in available_editions()]
        command_level = {v: k for k, v in contract.LEVELS.items()}
        if as_json:
            print(json.dumps([{"id": e.id, "name": e.name, "school_type": e.school_type,
                               "levels": [command_level[level] for level in e.levels]} for e in found],
                             ensure_ascii=False, indent=2))
            return EXIT_OK
        table = Table(header_style="bold", expand=True)
        for name, kw in (("代码", {"no_wrap": True}), ("名称", {"overflow": "fold", "ratio": 3}), ("类型", {"no_wrap": True}),
                         ("层级", {"no_wrap": True})):
            table.add_column(name, **kw)
        for e in found:
            table.add_row(escape(e.id), escape(e.name), escape(e.school_type), "、".join(e.levels))
        out.print(table)
        levels = "、".join(f"{name}（{option}）" for option, name in contract.LEVELS.items())
        say(out, f"生成空白填报表：vqr init --edition 代码 --level 层级 -o 文件.xlsx（默认 {DEFAULT_EDITION}；层级：{levels}）。")
        return EXIT_OK

    _run(action, debug)


# -- the web app (vqr_author.web; its stack is imported only by these commands) --------------------
DataOption = Annotated[Path, typer.Option("--data", help="数据文件夹：数据库和全部上传的文件都保存在这里（不存在时自动创建）。")]
DatabaseOption = Annotated[
    Optional[str], typer.Option("--database", help="数据库地址（默认使用数据文件夹中的数据库文件；使用单位已有的数据库时填写它的地址，格式见网页版说明）。")
]
DEMO_DATA = Path("vqr-示例数据")


@app.command()
def serve(
    data: Annotated[Optional[Path], typer.Option("--data", help="数据文件夹（默认 vqr-数据；--demo 时默认 vqr-示例数据）。")] = None,
    host: Annotated[str, typer.Option("--host", help="监听地址；让局域网中其他电脑访问时写 0.0.0.0。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="用示例区县（5 所学校及其填报表、区县填报表）预先填好数据文件夹。")] = False,
    database: DatabaseOption = None,
    workers: Annotated[int, typer.Option("--workers", help="后台生成报告的进程数。")] = 1,
    debug: DebugOption = False,
) -> None:
    """启动网页版：学校用专用链接上传填报表、查看问题、下载报告；教育局登录后收集、审核、汇总。"""

    def action() -> int:
        from vqr_author.web import admin

        folder = (data or (DEMO_DATA if demo else Path("vqr-数据"))).resolve()  # absolute from the start
        if demo:
            password = admin.prepare_demo(folder)
            if password is not None:
                say(out, f"已用示例区县填好数据文件夹：{escape(str(folder))}")
                say(out, f"教育局登录：用户名 {admin.DEMO_ADMIN}，密码 {password}")  # on one line, whole
                say(out, "（请记下密码；可用 vqr admin-password 修改。）")
            else:
                say(out, f"使用已有的示例数据文件夹：{escape(str(folder))}")
                say(out, f"（管理员密码同上次；忘记时运行 vqr admin-password --data {escape(str(folder))}）")
        from vqr_author.web.app import create_app
        from vqr_author.web.admin import check_port, log_to_file, run_server

        check_port(host, port)
        web = create_app(folder, database, processes=workers)
        log = log_to_file(folder)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        run_server(web, host, port, log, lambda: say(
            out, f"[green]✓[/] 网页版已启动：请在浏览器中打开 http://{shown}:{port}/office （按 Ctrl+C 停止）。"
                 f"运行记录写在 {escape(str(log))}。"))
        return EXIT_OK

    _run(action, debug)


@app.command(name="admin-token")
def admin_token(data: DataOption = Path("vqr-数据"), database: DatabaseOption = None, debug: DebugOption = False) -> None:
    """生成一个教育局（管理员）的接口令牌，输出的最后一行就是令牌（数据文件夹不存在时自动创建）。"""

    def action() -> int:
        from vqr_author.web.admin import issue_admin_token

        token = issue_admin_token(data, database)
        say(out, f"已生成管理员令牌（只显示这一次，请妥善保存；请求时放在 Authorization: Bearer 之后）。数据文件夹：{escape(str(data))}")
        print(token)
        return EXIT_OK

    _run(action, debug)


@app.command(name="admin-password")
def admin_password(
    data: DataOption = Path("vqr-数据"),
    user: Annotated[str, typer.Option("--user", help="管理员用户名。")] = "admin",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（供脚本使用），不再提示输入。")] = False,
    database: DatabaseOption = None,
    debug: DebugOption = False,
) -> None:
    """设置教育局（管理员）网页登录的密码；用户不存在时创建。"""

    def action() -> int:
        import getpass

        from vqr_author.web.admin import set_admin_password

        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("新密码（至少 8 个字符，输入时不显示）：")
            if getpass.getpass("再输入一次：") != password:
                raise VqrError("两次输入的密码不一致，没有修改。")
        created = set_admin_password(data, user, password, database)
        say(out, f"[green]✓[/] 已{'创建管理员' if created else '修改密码'}：{escape(user)}。数据文件夹：{escape(str(data))}")
        return EXIT_OK

    _run(action, debug)


PARAMETER_NAMES = {
    "workbook": "填报表文件", "output": "输出位置（-o）", "region": "区县（市）填报表", "schools": "学校填报表",
    "folder": "存放学校填报表的文件夹", "old": "原来的填报表或报告", "new": "修改后的填报表",
}
TYPE_NAMES = {"integer": "整数", "float": "数字", "path": "文件或文件夹的路径", "boolean": "是或否", "text": "文字"}
_EXTRA_ARGUMENTS = re.compile(r"unexpected extra argument(?:\(s\)|s)? \((.*)\)", re.S)
_INVALID_VALUE_FOR = re.compile(r"Invalid value for '([^']*)'")
_NO_SUCH_COMMAND = re.compile(r"No such command '([^']*)'(?:\. Did you mean '([^']*)')?")


def _command_names() -> list[str]:
    return [c.name or c.callback.__name__ for c in app.registered_commands if c.callback is not None]


def _parameter_name(param: object) -> str:
    name = getattr(param, "name", "") or ""
    if name in PARAMETER_NAMES:
        return PARAMETER_NAMES[name]
    opts = getattr(param, "opts", None) or []
    return f"选项 {max(opts, key=len)} " if opts and getattr(param, "param_type_name", "") == "option" else "参数"


def _usage_message(exc: typer.TyperException, args: list[str]) -> str:
    """Click's usage errors, said in Chinese — never a fragment of click's English text."""
    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if kind == "MissingParameter":
        return f"缺少{_parameter_name(param)}。"
    if kind == "NoSuchOption":
        name = getattr(exc, "option_name", "")
        message = f"没有选项 {name}。"
        possibilities = sorted(getattr(exc, "possibilities", None) or [])
        if possibilities:
            message += f"是否想写 {'、'.join(possibilities)}？"
        looks_like_file = next((a for a in args if a.startswith(name) and a != name and "." in a), None)
        if looks_like_file:
            message += f"如果“{looks_like_file}”是文件名，请写成 ./{looks_like_file}（或写在 -- 之后）。"
        return message
    if kind == "BadOptionUsage":
        name = getattr(exc, "option_name", "")
        if "does not take a value" in text:
            return f"选项 {name} 后面不用填写内容（直接写 {name}，不要写 {name}=…）。"
        return f"选项 {name} 后面需要填写内容。"
    if kind == "BadParameter":
        named = _INVALID_VALUE_FOR.search(text)
        name = _parameter_name(param) if param is not None else (f"选项 {named.group(1)} " if named else "参数")
        type_name = TYPE_NAMES.get(getattr(getattr(param, "type", None), "name", ""), "")
        if not type_name:
            type_name = next((TYPE_NAMES[t] for t in ("integer", "float") if t in text or t[:3] in text.split()), "")
        return f"{name}的值不正确" + (f"，应为{type_name}。" if type_name else "。")
    extra = _EXTRA_ARGUMENTS.search(text)
    if extra:
        message = f"多出了参数 {extra.group(1)}。"
        ctx = getattr(exc, "ctx", None)
        takes = [p for p in getattr(getattr(ctx, "command", None), "params", []) if p.param_type_name == "argument"]
        if ctx is not None and not takes:
            message = f"这个命令不需要参数，多出了 {extra.group(1)}。"
        elif "--" in args:
            message += "“--”之后的内容都按文件名处理，-o 等选项请写在“--”之前。"
        else:
            message += "文件名中有空格时，请用英文引号把文件名括起来。"
        return message
    unknown = _NO_SUCH_COMMAND.search(text)
    if unknown:
        guess = f"是否想写 {unknown.group(2)}？" if unknown.group(2) else ""
        return f"没有命令“{unknown.group(1)}”。{guess}可用的命令：{'、'.join(_command_names())}。"
    if kind == "BadArgumentUsage":
        return "参数的个数不对。"
    return "命令用法有误。"


def _command_path(exc: typer.TyperException, args: list[str]) -> str:
    """The command the user ran (click does not attach a context to every usage error)."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and ctx.command_path != "vqr":
        return ctx.command_path
    command = next((a for a in args if not a.startswith("-")), None)
    return f"vqr {command}" if command in _command_names() else "vqr"


def main() -> None:
    """Entry point of the `vqr` script: every outcome is an exit code and Chinese text."""
    quiet()  # no Python warning or library log line reaches the terminal
    code: object = EXIT_ERRORS  # if the output breaks off before the command knows its outcome
    try:
        try:
            _main(sys.argv[1:])
        except SystemExit as done:
            code = done.code
            raise
        finally:
            sys.stdout.flush()  # here, not at interpreter exit, where a closed pipe could only be reported in English
    except BrokenPipeError:
        # The program reading our output stopped early (vqr check 学校.xlsx | head): nothing more can be
        # said, and the exit code is still the command's. Python's recipe: stdout to devnull, quiet exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(code) from None


# `vqr render 填报表 [-o 报告.docx] [选项]`, the command a school runs most, calls the command directly
# when its arguments are plain: typer's parsing builds a pydantic validator for each parameter, about
# 60 ms of the 0.9 s render (docs/performance.md). Anything else — --help, an unknown,
# misspelt or repeated option, --option=value, a value that starts with "-" — goes through typer,
# so its help and its (Chinese) usage errors are exactly as before.
_RENDER_VALUES = {"-o": "output", "--output": "output", "--template": "template", "--edition": "edition"}
_RENDER_FLAGS = {"--draft": "draft", "--pdf": "pdf", "--no-page-numbers": "no_page_numbers", "--debug": "debug"}
_RENDER_PATHS = ("workbook", "output", "template")


def plain_render(args: list[str]) -> dict[str, object] | None:
    """The keyword arguments of ``render`` for ``args`` (after ``vqr``) when they are plain, else None."""
    if not args or args[0] != "render":
        return None
    found: dict[str, object] = {}
    rest = iter(args[1:])
    for arg in rest:
        if arg in _RENDER_FLAGS:
            name, value = _RENDER_FLAGS[arg], True
        elif arg in _RENDER_VALUES:
            name, value = _RENDER_VALUES[arg], next(rest, "")
            if not value or value.startswith("-"):
                return None
        elif not arg or arg.startswith("-"):
            return None
        else:
            name, value = "workbook", arg
        if name in found:
            return None
        found[name] = value
    if "workbook" not in found:
        return None
    return {name: Path(value) if name in _RENDER_PATHS else value for name, value in found.items()}  # type: ignore[arg-type]


def _main(args: list[str]) -> None:
    plain = plain_render(args)
    if plain is not None:
        try:
            render(**plain)  # type: ignore[arg-type]
        except typer.Exit as done:
            raise SystemExit(done.exit_code) from None
    try:
        code = app(args=args, prog_name="vqr", standalone_mode=False)
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.format_message())
            raise SystemExit(EXIT_OK) from None
        say(err, f"[bold red]错误：[/]{escape(_usage_message(exc, args))}运行 {_command_path(exc, args)} --help 查看用法。")
        raise SystemExit(2) from None
    except typer.Abort:
        say(err, "已中断。")
        raise SystemExit(EXIT_INTERRUPTED) from None
    raise SystemExit(code if isinstance(code, int) else EXIT_OK)

if __name__ == "__main__":
    main()
