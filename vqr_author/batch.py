"""Batch: every workbook of a folder checked and rendered independently, in parallel processes.

A district office collects dozens of workbooks, re-runs the batch after every round of fixes, and
sends back the bad ones. So: one bad or crashing workbook never stops the others; only inputs whose
content (or the template, the edition, the tool version) changed are rendered again; two inputs that
would write the same report are both reported, never silently overwritten; 汇总.xlsx says what
happened to each file, and a manifest records what was rendered from what.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from vqr_author import __version__
from vqr_author.edition import Edition, load_edition
from vqr_author.errors import VqrError
from vqr_author.output import write_atomic
from vqr_author.output.atomic import TEMP_PREFIX, remove_stale_temporaries, stage
from vqr_author.problems import Level, Problem, error
from vqr_author.quiet import quiet
from vqr_author.render.template import default_template

MANIFEST = "vqr-manifest.json"
MANIFEST_FIELDS = ("status", "school", "code", "year", "output", "errors", "warnings", "input_hash", "images",
                   "input_signature", "image_signatures")
SUMMARY = "汇总.xlsx"
PATTERNS = ("*.xlsx", "*.xlsm", "*.xls")

# Statuses (public: they appear in 汇总.xlsx and the manifest).
OK, OK_WARNINGS, UNCHANGED = "成功", "成功（有警告）", "未变化（跳过）"
HAS_ERRORS, UNREADABLE, CLASH, CRASHED = "有错误（未生成）", "无法读取", "输出重名（未生成）", "内部错误"
SUCCESS = {OK, OK_WARNINGS, UNCHANGED}
NOT_WRITTEN = "无法写出（未生成）"  # the report could not be written to the output folder


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    return sha256(path.read_bytes())


def signature(path: Path) -> str:
    """Size and modification time: when both are as recorded, the content is taken as unchanged
    without reading it (what make and git do). A city office's outputs run to gigabytes."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def same_content(path: Path, digest: str, recorded_signature: str | None) -> bool:
    return recorded_signature == signature(path) or file_hash(path) == digest


def find_workbooks(folder: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Workbooks under ``folder``, recursively, in a stable order; Excel lock files (~$…), our own
    temporary files and anything under the ``exclude`` folders are left out."""
    skipped = [e.resolve() for e in exclude]
    found = set()
    for pattern in PATTERNS:
        for path in folder.rglob(pattern):
            resolved = path.resolve()
            if path.name.startswith(("~$", TEMP_PREFIX)) or any(resolved.is_relative_to(s) for s in skipped):
                continue
            if path.is_file():
                found.add(path)
    return sorted(found, key=lambda p: str(p.relative_to(folder)))


def safe_name(text: str) -> str:
    """``text`` usable as a file name on Windows and Linux alike."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "报告"


def report_name(cover: dict[str, str], fallback: str) -> str:
    """学校代码-单位名称-年度, made safe as a file name."""
    parts = [cover.get("学校代码", ""), cover.get("单位名称", "")]
    year = cover.get("报告年度", "")
    stem = "-".join(p for p in parts if p) or fallback
    return safe_name(f"{stem}-{year}年度质量报告" if year else f"{stem}-质量报告") + ".docx"


@dataclass
class Outcome:
    """What happened to one input (returned from the worker processes, so only plain data)."""

    input: str  # relative to the batch folder
    status: str
    school: str = ""
    code: str = ""
    year: str = ""
    output: str = ""  # file name in the output folder
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    problems: list[dict[str, str]] = field(default_factory=list)
    input_hash: str = ""
    images: dict[str, str] = field(default_factory=dict)  # image path (relative to the input) → hash
    output_hash: str = ""
    input_signature: str = ""
    image_signatures: dict[str, str] = field(default_factory=dict)
    output_signature: str = ""
    staged: list[tuple[str, str]] = field(default_factory=list)  # (temporary file, final name) in the output folder
    notes: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status in SUCCESS


@dataclass(frozen=True)
class Task:
    folder: str
    input: str
    template: str
    edition: str | None
    out_dir: str
    pdf: bool = False


def render_one(task: Task) -> Outcome:
    """Check and render one workbook (runs in a worker process). Never raises. The report, its PDF and
    its record (.vqr.json, so that vqr diff works on batch reports) come from the same pipeline as
    vqr render and are staged in the output folder; run_batch puts them in place."""
    from vqr_author.api import check_workbook, school_report_files  # loaded in the workers; the parent stays light
    from vqr_author.errors import OutputError
    from vqr_author.output import stage_files

    started = time.perf_counter()
    path = Path(task.folder) / task.input
    outcome = Outcome(task.input, CRASHED)
    try:
        outcome.input_signature = signature(path)  # before reading: a later edit changes it
        outcome.input_hash = file_hash(path)
        result = check_workbook(path, task.edition)
        cover = {k: result.book.cover_text(k) for k in ("单位名称", "学校代码", "报告年度")}
        outcome.school, outcome.code, outcome.year = cover["单位名称"], cover["学校代码"], cover["报告年度"]
        outcome.errors, outcome.warnings = len(result.errors), len(result.warnings)
        outcome.problems = [p.as_dict() for p in result.problems]
        images = {str(c.image.relative_to(path.parent.resolve())): c.image for c in result.book.cases if c.image}
        outcome.image_signatures = {name: signature(image) for name, image in images.items()}
        outcome.images = {name: file_hash(image) for name, image in images.items()}
        outcome.output = report_name(cover, path.stem)
        if result.errors:
            outcome.status = HAS_ERRORS
        else:
            files = school_report_files(result, Path(task.out_dir) / outcome.output, Path(task.template), pdf=task.pdf,
                                        input_sha256=outcome.input_hash)
            outcome.notes, outcome.output_hash = files.notes, files.digest
            outcome.staged = [(str(temporary), final.name) for temporary, final in stage_files(files.files)]
            outcome.status = OK_WARNINGS if result.warnings else OK
    except OutputError as exc:  # the report cannot be written (disk full, name too long…): say so, not 无法读取
        outcome.status = NOT_WRITTEN
        outcome.errors = 1
        outcome.problems = [error("output-not-written", str(exc)).as_dict()]
    except VqrError as exc:
        outcome.status = UNREADABLE
        outcome.errors = 1
        outcome.problems = [error(getattr(exc, "code", "corrupt-workbook"), str(exc)).as_dict()]
    except Exception as exc:  # noqa: BLE001 — one bad workbook must never stop the others
        outcome.status = CRASHED
        outcome.errors = 1
        outcome.problems = [error("internal-error", f"处理该文件时工具内部出错（{type(exc).__name__}）。"
                                  "请用 vqr check 单独检查该文件，并加 --debug 把日志发给技术支持。").as_dict()]
    outcome.seconds = round(time.perf_counter() - started, 2)
    return outcome


# ---------------------------------------------------------------------------------------------
@dataclass
class Manifest:
    """What was rendered from what: the inputs' content and the template, edition and tool version."""

    environment: dict[str, str]
    entries: dict[str, dict]

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(data.get("environment", {}), data.get("entries", {}))
        except (OSError, ValueError, AttributeError):
            return cls({}, {})

    def unchanged(self, environment: dict[str, str], folder: Path, relative: str, out_dir: Path) -> Outcome | None:
        """The previous outcome of ``relative`` if nothing it depends on changed."""
        entry = self.entries.get(relative)
        if environment != self.environment or not entry or entry.get("status") not in SUCCESS:
            return None
        path = folder / relative
        output = out_dir / entry.get("output", "")
        try:
            images = {image: path.parent / image for image in entry.get("images", {})}
            if not output.is_file() or not same_content(path, entry["input_hash"], entry.get("input_signature")):
                return None
            if not same_content(output, entry["output_hash"], entry.get("output_signature")):
                return None
            recorded = entry.get("image_signatures", {})
            if any(not same_content(file, entry["images"][image], recorded.get(image)) for image, file in images.items()):
                return None
            signatures = {"input_signature": signature(path), "output_signature": signature(output),
                          "image_signatures": {image: signature(file) for image, file in images.items()}}
        except (OSError, KeyError, TypeError, AttributeError):
            return None
        if environment.get("pdf") == "yes" and not output.with_suffix(".pdf").is_file():
            return None
        fields = {k: entry.get(k) for k in ("school", "code", "year", "output", "warnings", "input_hash", "images",
                                            "output_hash")}
        return Outcome(relative, UNCHANGED, **fields, **signatures)  # type: ignore[arg-type]

    def write(self, folder: Path) -> None:
        data = {"tool": "vqr_author", "environment": self.environment, "entries": self.entries}
        write_atomic(folder / MANIFEST, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))


def environment(template: Path, edition: Edition, pdf: bool = False) -> dict[str, str]:
    return {"tool_version": __version__, "template": file_hash(template), "edition": edition.id,
            "edition_file": file_hash(edition.source) if edition.source else "", "pdf": "yes" if pdf else "no"}


# ---------------------------------------------------------------------------------------------
@dataclass
class BatchResult:
    folder: Path
    out_dir: Path
    outcomes: list[Outcome]
    summary: Path

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.succeeded]

    @property
    def ok(self) -> bool:
        return not self.failed


def _run_pool(
    tasks: list[Task], jobs: int, progress: Callable[[Outcome], None], worker: Callable[[Task], Outcome] = render_one
) -> list[Outcome]:
    """Run tasks in worker processes. If a worker dies outright (a crash no exception handler
    sees), the unfinished tasks are retried one by one, each in a fresh process, so that only the
    culprit is marked as failed."""
    results: dict[str, Outcome] = {}
    if not tasks:
        return []
    try:
        with ProcessPoolExecutor(max_workers=max(1, jobs), initializer=quiet) as pool:
            futures: dict[Future[Outcome], Task] = {pool.submit(worker, t): t for t in tasks}
            for future in as_completed(futures):
                outcome = future.result()
                results[outcome.input] = outcome
                progress(outcome)
    except BrokenProcessPool:
        for task in tasks:
            if task.input in results:
                continue
            try:
                with ProcessPoolExecutor(max_workers=1, initializer=quiet) as single:
                    outcome = single.submit(worker, task).result()
            except BrokenProcessPool:
                outcome = Outcome(task.input, CRASHED, errors=1, problems=[error(
                    "internal-error", "处理该文件时工作进程意外退出（可能是内存不足或文件导致程序崩溃）。其他文件不受影响。").as_dict()])
            results[task.input] = outcome
            progress(outcome)
    return [results[t.input] for t in tasks]


def _mark_clashes(outcomes: list[Outcome]) -> None:
    by_name: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.output and o.status in (OK, OK_WARNINGS, UNCHANGED):
            by_name.setdefault(o.output, []).append(o)
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        inputs = "、".join(f"“{o.input}”" for o in same)
        for o in same:
            o.status = CLASH
            o.errors += 1
            o.problems.append(error("output-name-clash",
                                    f"{inputs} 都会生成“{name}”（学校代码、单位名称和年度相同）。为避免互相覆盖，均未生成。"
                                    "请确认是否重复提交了同一学校的填报表，或更正其中一份的学校代码。", sheet="封面").as_dict())


def run_batch(
    folder: str | Path,
    out_dir: str | Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    edition: Edition | str | None = None,
    template: str | Path | None = None,
    progress: Callable[[Outcome], None] = lambda o: None,
    exclude: Iterable[Path] = (),
    pdf: bool = False,
) -> BatchResult:
    folder, out_dir = Path(folder), Path(out_dir)
    if not folder.is_dir():
        raise VqrError(f"“{folder}”不是文件夹。请给出存放各学校填报表的文件夹。")
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    ed = load_edition(edition) if isinstance(edition, str) else (edition or load_edition())
    template_path = Path(template) if template else default_template()
    env = environment(template_path, ed, pdf)
    edition_arg = str(ed.source) if ed.source else None
    manifest = Manifest.read(out_dir)
    inputs = [str(p.relative_to(folder)) for p in find_workbooks(folder, exclude=[out_dir, *exclude])]
    outcomes: dict[str, Outcome] = {}
    tasks = []
    for relative in inputs:
        previous = None if force else manifest.unchanged(env, folder, relative, out_dir)
        if previous is not None:
            outcomes[relative] = previous
            progress(previous)
        else:
            tasks.append(Task(str(folder), relative, str(template_path), edition_arg, str(out_dir), pdf))
    for outcome in _run_pool(tasks, jobs or os.cpu_count() or 1, progress):
        outcomes[outcome.input] = outcome
    ordered = [outcomes[i] for i in inputs]
    _mark_clashes(ordered)
    for o in ordered:  # the workers staged their files; only reports that clash with none are put in place
        for temporary, final in o.staged:
            if o.status == CLASH:
                Path(temporary).unlink(missing_ok=True)
            else:
                os.replace(temporary, out_dir / final)
                if final == o.output:
                    o.output_signature = signature(out_dir / final)
    manifest.environment = env
    manifest.entries = {
        o.input: {**{k: getattr(o, k) for k in MANIFEST_FIELDS},
                  **({"output_hash": o.output_hash, "output_signature": o.output_signature} if o.succeeded else {})}
        for o in ordered
    }
    manifest.write(out_dir)
    summary = out_dir / SUMMARY
    write_atomic(summary, summary_workbook(ordered))
    return BatchResult(folder, out_dir, ordered, summary)


def summary_workbook(outcomes: list[Outcome]) -> bytes:
    """汇总.xlsx: a row per input, and every problem with its file and place."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["序号", "学校", "学校代码", "文件", "状态", "错误数", "警告数", "输出文件", "用时（秒）"])
    red, green = PatternFill("solid", fgColor="FFC7CE"), PatternFill("solid", fgColor="C6EFCE")
    for n, o in enumerate(outcomes, start=1):
        ws.append([n, o.school or "—", o.code or "—", o.input, o.status, o.errors, o.warnings,
                   o.output if o.succeeded else "—", o.seconds])
        ws.cell(row=ws.max_row, column=5).fill = green if o.succeeded else red
    problems = wb.create_sheet("问题")
    problems.append(["文件", "学校", "级别", "位置", "指标/项目", "问题与修改方法", "代码"])
    for o in outcomes:
        for p in o.problems:
            place = Problem(Level(p["level"]), p["code"], p["message"], p["sheet"], p["cell"]).place
            problems.append([o.input, o.school or "—", Level(p["level"]).label, place, p["indicator"] or "—",
                             p["message"], p["code"]])
    for sheet, widths in ((ws, (6, 30, 14, 36, 16, 8, 8, 50, 10)), (problems, (36, 28, 6, 14, 26, 90, 22))):
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[chr(64 + col)].width = width
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for row in problems.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
