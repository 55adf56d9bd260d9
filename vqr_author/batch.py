"""Batch: every workbook of a folder checked and rendered independently, in parallel processes.

A district office collects dozens of workbooks, re-runs the batch after every round of fixes, and
sends back the bad ones. So: one bad or crashing workbook, or an unusable entry of the folder (a link
loop, a broken link, a file without permission), never stops the others and is named; only inputs
whose content (or the template, the edition, the tool version) changed are rendered again, and the
manifest recording what was rendered from what is a cache that is trusted only where it verifies;
two inputs for the same school are both reported, never silently overwritten, and a report that is no
longer the current result of any input is moved to 已过期/; 汇总.xlsx says what happened to each file.
Workers die with the batch, and an interrupted batch leaves no temporary files.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vqr_author import __version__
from vqr_author.digest import file_sha256, sha256
from vqr_author.edition.loader import DATA_DIR, DEFAULT_EDITION, available_editions, edition_file, load_edition
from vqr_author.edition.names import CoverNames
from vqr_author.errors import InputFolderError, OutputError, VqrError, os_error_text, trace_note
from vqr_author.output import write_atomic
from vqr_author.output.atomic import TEMP_PREFIX, process_alive, remove_stale_temporaries, stage
from vqr_author.output.pdf import find_soffice, wants_page_numbers
from vqr_author.output.sheets import Sheet, Style, workbook_bytes
from vqr_author.problems import Level, Problem, error, warning
from vqr_author.quiet import quiet
from vqr_author.render.template import default_template

if TYPE_CHECKING:
    from vqr_author.edition import Edition

MANIFEST = "vqr-manifest.json"
MANIFEST_FIELDS = ("status", "school", "code", "year", "output", "errors", "warnings", "input_hash", "images",
                   "input_signature", "image_signatures", "listed")
SUMMARY = "汇总.xlsx"
EXPIRED = "已过期"  # subfolder of the output folder: reports that are no longer the current result of any input
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # any case: 学校.XLSX is a workbook too
UNSAFE = r'[\\/:*?"<>|\s]+'  # characters that cannot be in a file name on Windows (and white space)
# A file name is at most 255 bytes on the common file systems; the report's stem must leave room for
# the longest side file's suffix (.vqr.json) and a "（2）" when an expired report is moved aside.
MAX_STEM_BYTES = 255 - len(".vqr.json") - 24

# Statuses (public: they appear in 汇总.xlsx and the manifest; docs/aggregation.md explains each).
OK, OK_WARNINGS, UNCHANGED = "成功", "成功（有警告）", "未变化（跳过）"
HAS_ERRORS, UNREADABLE, CLASH, CRASHED = "有错误（未生成）", "无法读取", "输出重名（未生成）", "内部错误"
SKIPPED, SAME_FILE = "无法使用（已跳过）", "重复文件（已跳过）"
DUPLICATE, CONFLICT = "重复提交（未生成）", "学校代码冲突（未生成）"
SUCCESS = {OK, OK_WARNINGS, UNCHANGED}
NOT_WRITTEN = "无法写出（未生成）"  # the report could not be written to the output folder
HARMLESS = {SAME_FILE}  # not rendered, and nothing is missing: the same file's report is made once


def signature(path: Path) -> str:
    """Size and modification time: when both are as recorded, the content is taken as unchanged
    without reading it (what make and git do). A city office's outputs run to gigabytes."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def same_content(path: Path, digest: str, recorded_signature: str | None) -> bool:
    return recorded_signature == signature(path) or file_sha256(path) == digest


def _is_workbook_name(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", TEMP_PREFIX))


def _skipped(relative: str, code: str, reason: str, action: str) -> Outcome:
    return Outcome(relative, SKIPPED, errors=1, problems=[error(code, f"“{relative}”{reason}。已跳过，其他文件照常处理。{action}")
                                                         .as_dict()])


def unusable(path: Path, relative: str) -> Outcome | None:
    """Why the entry ``path`` of the folder cannot be used as a workbook (as a 汇总 row), or None."""
    replace_it = "请换成学校提交的原文件后重新运行。"
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == getattr(errno, "ELOOP", -1):
            return _skipped(relative, "symlink-loop", "是互相指向的链接（链接循环），找不到真正的文件", replace_it)
        if exc.errno in (errno.EACCES, errno.EPERM):
            return _skipped(relative, "permission-denied", "没有读取权限",
                            "请让管理员开放读取权限，或把文件复制到有权限的文件夹后重新运行。")
        if os.path.islink(path):
            return _skipped(relative, "file-not-found", "是链接，但它指向的文件不存在（已被删除或移走）", replace_it)
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return _skipped(relative, "file-not-found", "在处理过程中被删除或移走", "如仍需处理，请放回后重新运行。")
        return _skipped(relative, "file-not-found", f"无法访问（{os_error_text(exc)}）", replace_it)
    if stat.S_ISDIR(st.st_mode):
        return _skipped(relative, "not-a-file", "是文件夹，不是填报表（其中的填报表照常处理）", "请给文件夹改一个不以 .xlsx 结尾的名称。")
    if not stat.S_ISREG(st.st_mode):
        return _skipped(relative, "not-a-file", "不是普通文件", replace_it)
    if not os.access(path, os.R_OK):
        return _skipped(relative, "permission-denied", "没有读取权限",
                        "请让管理员开放读取权限，或把文件复制到有权限的文件夹后重新运行。")
    return None


def scan_folder(folder: Path, exclude: Iterable[Path] = ()) -> tuple[list[Path], list[Outcome]]:
    """The workbooks under ``folder`` (recursively, in a stable order), and a 汇总 row for every entry
    that looks like a workbook but cannot be used: a broken link, a link loop, a file without read
    permission, a folder named *.xlsx, an unreadable subfolder, a second path to the same file.

    Excel lock files (~$…), our own temporary files and anything under the ``exclude`` folders are
    left out. Linked folders are followed once; nothing here raises for an odd entry."""
    skipped = {os.path.realpath(e) for e in exclude}
    found: dict[str, list[Path]] = {}  # real path → the paths that reach it
    extra: list[Outcome] = []
    seen_dirs: set[tuple[int, int]] = set()

    def relative(path: Path) -> str:
        return str(path.relative_to(folder))

    def walk(directory: Path) -> None:
        if os.path.realpath(directory) in skipped:
            return
        try:
            st = os.stat(directory)
            if (st.st_dev, st.st_ino) in seen_dirs:
                return  # a link back to a folder already scanned
            seen_dirs.add((st.st_dev, st.st_ino))
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if directory == folder:
                reason = "没有读取权限，请检查文件夹的读取权限" if isinstance(exc, PermissionError) else os_error_text(exc)
                raise InputFolderError(f"无法读取文件夹“{folder}”：{reason}。") from exc
            extra.append(_skipped(relative(directory), "permission-denied", "是无法打开的文件夹（没有读取权限），其中的填报表未处理",
                                  "请让管理员开放读取权限后重新运行。"))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if _is_workbook_name(entry.name) and os.path.realpath(path) not in skipped:
                    extra.append(unusable(path, relative(path)))  # type: ignore[arg-type]
                walk(path)
            elif _is_workbook_name(entry.name):
                real = os.path.realpath(path)
                if real in skipped:
                    continue
                problem = unusable(path, relative(path))
                if problem is not None:
                    extra.append(problem)
                else:
                    found.setdefault(real, []).append(path)

    walk(folder)
    workbooks = []
    for real, paths in found.items():
        # the file where it really is (its photos are beside it), else the first path that reached it
        first = next((p for p in paths if os.path.abspath(p) == real), paths[0])
        workbooks.append(first)
        extra += [Outcome(relative(p), SAME_FILE, warnings=1, problems=[warning(
            "duplicate-file", f"“{relative(p)}”与“{relative(first)}”是同一个文件（经由链接到达），只处理一次。").as_dict()])
            for p in paths if p != first]
    return sorted(workbooks, key=relative), [e for e in extra if e is not None]


def find_workbooks(folder: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Workbooks under ``folder``, recursively, in a stable order (see scan_folder)."""
    return scan_folder(folder, exclude)[0]


def safe_name(text: str) -> str:
    """``text`` usable as a file name on Windows and Linux alike."""
    return re.sub(UNSAFE, "_", text).strip("._") or "报告"


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` that takes at most ``limit`` bytes in UTF-8 (whole characters)."""
    return text.encode("utf-8")[:max(limit, 0)].decode("utf-8", "ignore")


def report_name(code: str, school: str, year: str, fallback: str) -> str:
    """代码-名称-年度 (the school's code, name and report year), made safe as a file name. A name too
    long for the file system once a side file's suffix (.vqr.json, .pdf) is added is shortened the
    same way every time: the school name (or the fallback) is cut at a character boundary and marked
    with …; code and year stay."""
    middle = "-".join(p for p in (code, school) if p) or fallback
    tail = f"-{year}年度质量报告" if year else "-质量报告"
    stem = safe_name(middle + tail)
    if len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        keep = re.sub(UNSAFE, "_", f"{code}-") if code and school else ""
        rest, tail = re.sub(UNSAFE, "_", middle[len(f"{code}-"):] if keep else middle), re.sub(UNSAFE, "_", tail)
        room = MAX_STEM_BYTES - len((keep + tail).encode("utf-8")) - len("…".encode("utf-8"))
        stem = _cut(safe_name(keep + _cut(rest, room) + "…" + tail), MAX_STEM_BYTES)
    return stem + ".docx"


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
    listed: dict[str, str] = field(default_factory=dict)  # 封面 fields shown in 汇总.xlsx (CoverNames.summary) → value

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
    page_numbers: bool | None = None


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
        outcome.input_hash = file_sha256(path)
        result = check_workbook(path, task.edition)
        names = CoverNames.of(result.edition)
        outcome.school, outcome.code, outcome.year = (result.book.cover_text(k) for k in (names.name, names.code, names.year))
        outcome.listed = {k: result.book.cover_text(k) for k in names.summary}
        outcome.errors, outcome.warnings = len(result.errors), len(result.warnings)
        outcome.problems = [p.as_dict() for p in result.problems]
        images = {str(c.image.relative_to(path.parent.resolve())): c.image for c in result.book.cases if c.image}
        outcome.image_signatures = {name: signature(image) for name, image in images.items()}
        outcome.images = {name: file_sha256(image) for name, image in images.items()}
        outcome.output = report_name(outcome.code, outcome.school, outcome.year, path.stem)
        if result.errors:
            outcome.status = HAS_ERRORS
        else:
            files = school_report_files(result, Path(task.out_dir) / outcome.output, Path(task.template), pdf=task.pdf,
                                        page_numbers=task.page_numbers, input_sha256=outcome.input_hash)
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
        note = trace_note(exc)
        outcome.problems = [error("internal-error", f"处理该文件时工具内部出错。{note}请用 vqr check 单独检查该文件，"
                                  f"并把{'该日志' if note else '该文件'}发给技术支持。").as_dict()]
    outcome.seconds = round(time.perf_counter() - started, 2)
    return outcome


# ---------------------------------------------------------------------------------------------
_TEXT_FIELDS = ("status", "school", "code", "year", "output", "input_hash", "input_signature")


def _text_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _well_formed(entry: object) -> bool:
    """The shape every manifest entry has (anything else was not written by this tool)."""
    return (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in _TEXT_FIELDS)
            and all(type(entry.get(k)) is int for k in ("errors", "warnings"))
            and _text_map(entry.get("images")) and _text_map(entry.get("image_signatures"))
            and _text_map(entry.get("listed", {}))
            and all(isinstance(entry.get(k, ""), str) for k in ("output_hash", "output_signature", "check"))
            and (entry["status"] not in SUCCESS or bool(entry.get("output_hash"))))


def entry_check(relative: str, entry: dict) -> str:
    """A checksum binding an entry to its input's path: an entry moved to another input, or with
    fields swapped or edited, no longer verifies."""
    body = {k: v for k, v in entry.items() if k != "check"}
    return sha256(json.dumps([relative, body], ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _expected_output(relative: str, entry: dict) -> str:
    return report_name(entry["code"], entry["school"], entry["year"], Path(relative).stem)


def manifest_notice(message: str, relative: str = MANIFEST) -> Problem:
    return warning("manifest-discarded", message, file=relative)


@dataclass
class Manifest:
    """What was rendered from what: the inputs' content and the template, edition and tool version.

    It is a cache. Nothing in it is trusted unless it verifies against the files: a malformed file
    or entry, an entry whose checksum, output name or output file does not match, is discarded with
    a notice and its input rendered again."""

    environment: dict[str, str]
    entries: dict[str, dict]  # only well-formed entries whose checksum verifies
    notices: list[Problem] = field(default_factory=list)
    edited: set[str] = field(default_factory=set)  # outputs changed by hand since they were written
    # the edition's names of the 封面 fields that identify a school, for 汇总.xlsx and the identity checks:
    # kept so that a run in which nothing changed need not load the edition (docs/performance.md)
    cover_names: dict[str, str] = field(default_factory=dict)
    summary_fields: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.exists():
            return cls({}, {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not (isinstance(data, dict) and _text_map(data.get("environment")) and isinstance(data.get("entries"), dict)):
            return cls({}, {}, [manifest_notice(f"处理记录“{path}”已损坏或不是本工具写的，已作废：本次全部重新生成，结束时写出新的记录。")])
        manifest = cls(data["environment"], {})
        names = data.get("cover_names")
        listed = data.get("summary_fields")
        if (_text_map(names) and set(names) == {"code", "name", "year"} and isinstance(listed, list)
                and all(isinstance(k, str) for k in listed)):
            manifest.cover_names, manifest.summary_fields = names, listed
        for relative, entry in data["entries"].items():
            if _well_formed(entry) and entry.get("check") == entry_check(relative, entry):
                manifest.entries[relative] = entry
            elif isinstance(relative, str):
                manifest.entries.pop(relative, None)
                manifest.notices.append(manifest_notice(
                    f"处理记录 {MANIFEST} 中“{relative}”的一条记录格式不对或被改动过，已作废；该文件本次重新处理。", relative))
        claimed: dict[str, list[str]] = {}
        for relative, entry in manifest.entries.items():
            if entry["status"] in SUCCESS:
                claimed.setdefault(entry["output"], []).append(relative)
        for relative, entry in list(manifest.entries.items()):
            if entry["status"] not in SUCCESS:
                continue
            if entry["output"] != _expected_output(relative, entry) or len(claimed[entry["output"]]) > 1:
                del manifest.entries[relative]
                manifest.notices.append(manifest_notice(
                    f"处理记录 {MANIFEST} 中“{relative}”对应的报告“{entry['output']}”与该填报表不符（记录被改动过或互相调换），"
                    "已作废；该文件本次重新处理。", relative))
        return manifest

    def unchanged(self, environment: dict[str, str], folder: Path, relative: str, out_dir: Path) -> Outcome | None:
        """The previous outcome of ``relative`` if nothing it depends on changed."""
        entry = self.entries.get(relative)
        if environment != self.environment or not entry or entry["status"] not in SUCCESS:
            return None
        path = folder / relative
        output = out_dir / entry["output"]
        try:
            images = {image: path.parent / image for image in entry["images"]}
            if not same_content(path, entry["input_hash"], entry["input_signature"]):
                return None
            if not output.is_file():
                self.notices.append(manifest_notice(
                    f"上次生成的报告“{entry['output']}”已不在输出文件夹中（被删除或移走），本次重新生成。", relative))
                return None
            if not same_content(output, entry.get("output_hash", ""), entry.get("output_signature")):
                self.edited.add(entry["output"])
                return None
            recorded = entry["image_signatures"]
            if any(not same_content(file, entry["images"][image], recorded.get(image)) for image, file in images.items()):
                return None
            signatures = {"input_signature": signature(path), "output_signature": signature(output),
                          "image_signatures": {image: signature(file) for image, file in images.items()}}
        except (OSError, ValueError):
            return None
        if environment.get("pdf") == "yes" and not output.with_suffix(".pdf").is_file():
            return None
        fields = {k: entry.get(k) for k in ("school", "code", "year", "output", "warnings", "input_hash", "images",
                                            "output_hash")} | {"listed": entry.get("listed", {})}
        return Outcome(relative, UNCHANGED, **fields, **signatures)  # type: ignore[arg-type]

    def previous_outputs(self) -> dict[str, str]:
        """Report file name → input, for every report the last run put in the output folder (names
        verified above, so they are plain report names and never an input or one of our own files)."""
        return {e["output"]: relative for relative, e in self.entries.items() if e["status"] in SUCCESS}

    def write(self, folder: Path) -> None:
        entries = {relative: {**entry, "check": entry_check(relative, entry)} for relative, entry in self.entries.items()}
        data = {"tool": "vqr_author", "environment": self.environment, "entries": entries,
                "cover_names": self.cover_names, "summary_fields": self.summary_fields}
        write_atomic(folder / MANIFEST, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))


def environment(template: Path, edition: Path | None, edition_id: str = "", pdf: bool = False,
                page_numbers: bool | None = None) -> dict[str, str]:
    """What every report of a batch depends on besides its inputs; a report made under another is made
    again. The edition is its file's content (the edition is only parsed when something is rendered:
    a run where nothing changed does not load it; a file with this content was loaded and checked by
    the run that recorded it), or ``edition_id`` for an edition given as an object without a file, or
    every bundled edition file when each workbook is read with the edition it records. Page numbers
    count when LibreOffice is there to compute them."""
    numbered = (pdf or wants_page_numbers(page_numbers)) and find_soffice() is not None
    return {"tool_version": __version__, "template": file_sha256(template),
            "edition": _edition_digest(edition) if edition else edition_id, "pdf": "yes" if pdf else "no",
            "page_numbers": "yes" if numbered else "no"}


def _edition_digest(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        load_edition(path)  # says in Chinese why the edition file cannot be read
        raise


def _bundled_editions_digest() -> str:
    return sha256("".join(file_sha256(DATA_DIR / f"{name}.yaml") for name in available_editions()).encode())


# ---------------------------------------------------------------------------------------------
@dataclass
class BatchResult:
    folder: Path
    out_dir: Path
    outcomes: list[Outcome]
    summary: Path
    notices: list[Problem] = field(default_factory=list)  # about the run, not a workbook: the manifest, moved reports
    names: CoverNames | None = None  # the edition's 封面 names that 汇总.xlsx is written with

    def add_aggregate_problems(self, problems: Iterable[Problem]) -> None:
        """Rewrite 汇总.xlsx with the problems of the aggregate report made from this batch (its
        region workbook's, the checks across schools, the history) after the schools' own."""
        names = self.names or CoverNames.of(load_edition(DEFAULT_EDITION))
        write_atomic(self.summary, summary_workbook(self.outcomes, names.code, self.notices, names.summary, problems))

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.succeeded and o.status not in HARMLESS]

    @property
    def ok(self) -> bool:
        return not self.failed


# ---------------------------------------------------------------------------------------------
# Worker processes die with the batch: a batch killed outright (kill -9) must not leave workers
# blocked on a pipe, holding memory and staged files.
PR_SET_PDEATHSIG = 1


def _worker_init(parent: int) -> None:
    """Runs first in every worker process."""
    quiet()  # no Python warning or library log line reaches the terminal, whatever the start method
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the batch process handles it
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the CLI's handler; the batch ends workers with it
    if os.name != "posix":
        return  # Windows: a worker's pipe from the parent breaks when the parent dies, and the worker exits
    tied = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            tied = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            tied = False
    ppid = os.getppid()
    if ppid != parent and not process_alive(parent):
        os._exit(1)  # the batch died before this worker got here
    if not tied:  # other systems: notice the parent's death by being given a new parent
        threading.Thread(target=_watch_parent, args=(ppid,), daemon=True).start()


def _watch_parent(ppid: int) -> None:
    while os.getppid() == ppid:
        time.sleep(1)
    os._exit(1)


def _signals_ignored() -> Callable[[], None]:
    """Ignore Ctrl-C and SIGTERM while cleaning up after one (a second one must not leave files
    half-cleaned); returns the function that restores the handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    kinds = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    saved = {kind: signal.getsignal(kind) for kind in kinds}
    for kind in kinds:
        signal.signal(kind, signal.SIG_IGN)
    return lambda: [signal.signal(kind, handler) for kind, handler in saved.items()]  # type: ignore[func-returns-value]


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now (an interrupted batch must not wait for the remaining work)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for process in processes:
        try:
            process.join(timeout=30)
        except (OSError, ValueError, AssertionError):
            pass


def discard_staged(outcomes: Iterable[Outcome], out_dirs: Iterable[str | Path]) -> None:
    """Remove the files the workers staged and nobody put in place, and those of workers that were
    ended half-way (their names carry the dead worker's process id)."""
    for outcome in outcomes:
        for temporary, _ in outcome.staged:
            Path(temporary).unlink(missing_ok=True)
        outcome.staged = []
    for folder in set(map(str, out_dirs)):
        try:
            remove_stale_temporaries(Path(folder))
        except OSError:
            pass


def _run_pool(
    tasks: list[Task], jobs: int, progress: Callable[[Outcome], None], worker: Callable[[Task], Outcome] = render_one
) -> list[Outcome]:
    """Run tasks in worker processes. If a worker dies outright (a crash no exception handler
    sees), the unfinished tasks are retried one by one, each in a fresh process, so that only the
    culprit is marked as failed. Interrupted (Ctrl-C, SIGTERM), it ends the workers and removes
    every file they staged before passing the interruption on."""
    results: dict[str, Outcome] = {}
    if not tasks:
        return []

    def run(pool_jobs: int, batch: list[Task]) -> None:
        pool = ProcessPoolExecutor(max_workers=pool_jobs, initializer=_worker_init, initargs=(os.getpid(),))
        try:
            futures: dict[Future[Outcome], Task] = {pool.submit(worker, t): t for t in batch}
            for future in as_completed(futures):
                outcome = future.result()
                results[outcome.input] = outcome
                progress(outcome)
        except BrokenProcessPool:
            pool.shutdown(wait=True)
            raise
        except BaseException:
            restore = _signals_ignored()
            try:
                _stop(pool)
                discard_staged(results.values(), {t.out_dir for t in tasks})
            finally:
                restore()
            raise
        pool.shutdown(wait=True)

    try:
        run(max(1, jobs), tasks)
    except BrokenProcessPool:
        for task in tasks:
            if task.input in results:
                continue
            try:
                run(1, [task])
            except BrokenProcessPool:
                outcome = Outcome(task.input, CRASHED, errors=1, problems=[error(
                    "internal-error", "处理该文件时工作进程意外退出（可能是内存不足或文件导致程序崩溃）。其他文件不受影响。").as_dict()])
                results[task.input] = outcome
                progress(outcome)
    return [results[t.input] for t in tasks]


# ---------------------------------------------------------------------------------------------
def _fail(outcome: Outcome, status: str, problem: Problem) -> None:
    outcome.status = status
    outcome.errors += 1
    outcome.problems.append(problem.as_dict())


def _cover_cells(folder: Path, outcomes: list[Outcome], key: str) -> dict[str, str]:
    """Where ``key`` is on the 封面 of each input (only read for the rare identity conflicts)."""
    from vqr_author.workbook import load_workbook

    cells = {}
    for o in outcomes:
        try:
            book, _, _ = load_workbook(folder / o.input)
            cells[o.input] = book.cover[key].cell if key in book.cover else ""
        except Exception:  # noqa: BLE001 — the cell is a courtesy; the message names the file either way
            cells[o.input] = ""
    return cells


def _modified(path: Path) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
    except OSError:
        return "不详"


def _resolve_identities(outcomes: list[Outcome], folder: Path, names: CoverNames) -> None:
    """Two inputs of one year with the same 学校代码 cannot both be right (compute.identity decides
    which case it is, as for an aggregate report):

    - different 单位名称: both are refused (学校代码冲突), naming both files and cells;
    - the same school twice with identical content: the first is processed, the others are noted;
    - the same school twice with different content (a resubmission under a new file name): both are
      refused (重复提交) with their modification times, because nothing in the files says which is the
      final one (copying, mail and unzipping change the times); the school's previous report is moved
      out of the output folder (see _expire) so that it is not taken for the current one."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        if o.code and o.status in (OK, OK_WARNINGS, UNCHANGED, HAS_ERRORS, NOT_WRITTEN):
            groups.setdefault((o.year, o.code), []).append(o)
    for (year, code), same in groups.items():
        if len(same) < 2:
            continue
        from vqr_author.compute.identity import SchoolIdentity, identity_problems  # rare: not on every run's path

        found = identity_problems([SchoolIdentity(o.input, o.code, o.school, o.year) for o in same], year, names)
        conflict = next((p for p in found if p.code == "school-name-conflict"), None)
        if conflict is not None:
            cells = _cover_cells(folder, same, names.name)
            places = "；".join(f"“{o.input}”封面!{cells[o.input] or names.name}" for o in same)
            for o in same:
                _fail(o, CONFLICT, error("school-name-conflict", f"{conflict.message}（位置：{places}。）均未生成报告："
                                         f"同一代码不可能属于两所学校，其中至少一份的{names.code}或{names.name}填错了。", sheet="封面",
                                         cell=cells[o.input], indicator=names.name))
            continue
        if len({o.input_hash for o in same}) == 1:
            first = min(same, key=_original_first)
            for o in same:
                if o is first:
                    continue
                o.status = SAME_FILE
                o.warnings += 1
                o.problems.append(warning("duplicate-file", f"“{o.input}”与“{first.input}”内容完全相同（同一份填报表提交了两次），"
                                          f"只按“{first.input}”处理一次。请删除多余的一份。", sheet="封面").as_dict())
            continue
        cells = _cover_cells(folder, same, names.code)
        files = "；".join(f"“{o.input}”（封面!{cells[o.input] or names.code}，修改时间 {_modified(folder / o.input)}）" for o in same)
        for o in same:
            _fail(o, DUPLICATE, error(
                "duplicate-school",
                f"{names.code} {code}（{same[0].school}）{year} 年度有 {len(same)} 份内容不同的填报表：{files}。工具无法判断哪一份是最终版本，"
                "均未生成报告；该校此前生成的报告（如有）已移到输出文件夹的“已过期”中。请把旧的一份移出收集目录后重新运行。",
                sheet="封面", cell=cells[o.input], indicator=names.code))


def _original_first(o: Outcome) -> tuple[bool, int, str]:
    """Of identical copies, the one to keep is the file named after the school, else the shortest name
    (“学校.xlsx” before “学校 - 副本.xlsx” or “学校(1).xlsx”), then the first path."""
    stem = Path(o.input).stem
    named_after_school = bool(stem) and (stem in o.school or o.school in stem)
    return not named_after_school, len(stem), o.input


def _mark_clashes(outcomes: list[Outcome], names: CoverNames) -> None:
    by_name: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.output and o.status in SUCCESS:
            by_name.setdefault(o.output, []).append(o)
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        inputs = "、".join(f"“{o.input}”" for o in same)
        for o in same:
            _fail(o, CLASH, error("output-name-clash",
                                  f"{inputs} 都会生成“{name}”（{names.code}、{names.name}和{names.year}相同）。为避免互相覆盖，均未生成。"
                                  f"请确认是否重复提交了同一学校的填报表，或更正其中一份的{names.code}。", sheet="封面"))


def _expire(out_dir: Path, name: str) -> str:
    """Move the report ``name`` (and its .pdf and .vqr.json) into the 已过期 subfolder, never over
    an earlier one; returns where the report went."""
    target_dir = out_dir / EXPIRED
    target_dir.mkdir(exist_ok=True)
    stem = Path(name).stem
    n = 1
    while True:
        suffix = "" if n == 1 else f"（{n}）"
        if not any((target_dir / f"{stem}{suffix}{ext}").exists() for ext in (".docx", ".pdf", ".vqr.json")):
            break
        n += 1
    for ext in (".docx", ".pdf", ".vqr.json"):
        source = out_dir / f"{stem}{ext}"
        if source.is_file():
            os.replace(source, target_dir / f"{stem}{suffix}{ext}")
    return f"{EXPIRED}/{stem}{suffix}.docx"


def check_locations(folder: Path, out_dir: Path) -> None:
    """Refuse, before anything is written, an input folder that cannot be read and an output folder
    that cannot be written or that would mix the reports with the inputs."""
    if not folder.exists():
        raise InputFolderError(f"找不到文件夹“{folder}”。请给出存放各学校填报表的文件夹。")
    if not folder.is_dir():
        raise InputFolderError(f"“{folder}”不是文件夹。请给出存放各学校填报表的文件夹。")
    real_in, real_out = Path(os.path.realpath(folder)), Path(os.path.realpath(out_dir))
    if real_in == real_out or real_in.is_relative_to(real_out):
        where = "就是收集目录" if real_in == real_out else f"包含了收集目录“{folder}”"
        raise OutputError(f"输出文件夹“{out_dir}”{where}。报告、{SUMMARY} 和处理记录不能与学校的填报表混在一起（否则会被当作填报表读取，"
                          f"或覆盖、移走学校的文件）。请换一个输出文件夹，例如 -o {real_in.parent / (real_in.name + '-输出')}。")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"输出位置“{out_dir}”是一个文件，不是文件夹。请换一个输出文件夹（-o 后写文件夹，不存在时会自动创建）。")
    if real_out.is_relative_to(real_in) and out_dir.is_dir():
        ours = {out_dir / SUMMARY}
        inputs = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if _is_workbook_name(p.name) and p not in ours)
        if inputs:
            listed = "、".join(f"“{i}”" for i in inputs[:5]) + (f"等 {len(inputs)} 个" if len(inputs) > 5 else "")
            raise OutputError(f"输出文件夹“{out_dir}”在收集目录中，且其中有填报表 {listed}：输出文件夹不会被当作收集目录读取，"
                              "这些填报表将不会被处理。请换一个没有填报表的输出文件夹。")


def prepare_output(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise PermissionError(errno.EACCES, "没有写入权限")
        stage(out_dir, b"").unlink()  # a real write: a read-only disk or share says so only here
    except OSError as exc:
        raise OutputError(f"无法在输出文件夹“{out_dir}”中写入文件：{os_error_text(exc)}。") from exc
    remove_stale_temporaries(out_dir)  # what a batch killed outright (kill -9) left behind


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
    page_numbers: bool | None = None,
) -> BatchResult:
    folder, out_dir = Path(folder), Path(out_dir)
    check_locations(folder, out_dir)
    found, extra = scan_folder(folder, exclude=[out_dir, *exclude])
    if not found and not extra:
        raise InputFolderError(f"文件夹“{folder}”（含子文件夹）中没有找到填报表（.xlsx）。请确认给出的是存放各学校填报表的文件夹。")
    prepare_output(out_dir)
    if edition is None:  # each workbook is read with the edition it records (its 报告版式)
        edition_path: Path | None = None
        edition_id = _bundled_editions_digest()
    elif isinstance(edition, str):
        edition_path, edition_id = edition_file(edition), ""
    else:  # an Edition object, loaded already
        edition_path, edition_id = edition.source, edition.id
    template_path = Path(template) if template else default_template()
    env = environment(template_path, edition_path, edition_id, pdf, page_numbers)
    edition_arg = str(edition_path) if edition_path else None
    manifest = Manifest.read(out_dir)
    previous = manifest.previous_outputs()
    inputs = [str(p.relative_to(folder)) for p in found]
    outcomes: dict[str, Outcome] = {o.input: o for o in extra}
    for o in extra:
        progress(o)
    tasks = []
    for relative in inputs:
        earlier = None if force else manifest.unchanged(env, folder, relative, out_dir)
        if earlier is not None:
            outcomes[relative] = earlier
            progress(earlier)
        else:
            tasks.append(Task(str(folder), relative, str(template_path), edition_arg, str(out_dir), pdf, page_numbers))
    if tasks and (edition is None or isinstance(edition, str)):
        # Before the workers start: a broken edition file is said once, here, not by every worker; the
        # workers (forked) inherit the loaded model instead of each loading it; and the names for
        # 汇总.xlsx (_cover_names) need it after the pool anyway.
        load_edition(edition_path or DEFAULT_EDITION)
    for outcome in _run_pool(tasks, jobs or os.cpu_count() or 1, progress):
        if outcome.status == CRASHED:  # a file that vanished or became unreadable mid-run is the folder's doing, not a bug
            outcome = unusable(folder / outcome.input, outcome.input) or outcome
        outcomes[outcome.input] = outcome
    ordered = sorted(outcomes.values(), key=lambda o: o.input)
    notices = list(manifest.notices)
    try:
        names = _cover_names(manifest, env, bool(tasks), edition, edition_path)
        _resolve_identities(ordered, folder, names)
        _mark_clashes(ordered, names)
        current = {o.output for o in ordered if o.succeeded}
        for o in ordered:  # the workers staged their files; only reports that clash with none are put in place
            for temporary, final in o.staged:
                if not o.succeeded:
                    Path(temporary).unlink(missing_ok=True)
                    continue
                if final == o.output and final in manifest.edited and (out_dir / final).is_file():
                    moved = _expire(out_dir, final)
                    notices.append(warning("report-expired", f"报告“{final}”在上次生成后被改动过；改动后的文件已移到“{moved}”，"
                                           "并重新生成了报告。", file=o.input))
                os.replace(temporary, out_dir / final)
                if final == o.output:
                    o.output_signature = signature(out_dir / final)
            o.staged = []
        by_input = {o.input: o for o in ordered}
        for name, relative in sorted(previous.items()):
            if name in current or not (out_dir / name).is_file():
                continue
            o = by_input.get(relative)
            why = f"填报表“{relative}”本次{o.status}" if o is not None else f"填报表“{relative}”已不在收集目录中"
            moved = _expire(out_dir, name)
            notices.append(warning("report-expired", f"报告“{name}”已不是任何填报表的当前结果（{why}），已移到“{moved}”，"
                                   "以免被当作最新报告。", file=relative))
    except BaseException:
        restore = _signals_ignored()
        try:
            discard_staged(ordered, [out_dir])
        finally:
            restore()
        raise
    manifest.environment = env
    manifest.cover_names = {"code": names.code, "name": names.name, "year": names.year}
    manifest.summary_fields = list(names.summary)
    manifest.entries = {
        o.input: {**{k: getattr(o, k) for k in MANIFEST_FIELDS},
                  **({"output_hash": o.output_hash, "output_signature": o.output_signature} if o.succeeded else {})}
        for o in ordered
    }
    manifest.write(out_dir)
    summary = out_dir / SUMMARY
    write_atomic(summary, summary_workbook(ordered, names.code, notices, names.summary))
    return BatchResult(folder, out_dir, ordered, summary, notices, names)


def _cover_names(manifest: Manifest, env: dict[str, str], rendered: bool, edition: Edition | str | None,
                 edition_path: Path | None) -> CoverNames:
    """The edition's names of the fields that identify a school: from the last run's record when
    nothing was rendered under the same edition (so a run in which nothing changed does not load
    the edition model), else from the edition."""
    if not rendered and manifest.environment == env and manifest.cover_names:
        return CoverNames(**manifest.cover_names, summary=tuple(manifest.summary_fields))
    return CoverNames.of(edition if edition is not None and not isinstance(edition, str)
                         else load_edition(edition_path or DEFAULT_EDITION))


def summary_workbook(outcomes: list[Outcome], code_header: str, notices: Iterable[Problem] = (),
                     listed: tuple[str, ...] = (), aggregate: Iterable[Problem] = ()) -> bytes:
    """汇总.xlsx: a row per input (and its ``listed`` 封面 fields, such as 联系人, for the office to
    reach the school), and every problem with its file and place (then the ``aggregate`` report's own
    problems, with their files, and the notices about the run itself: a discarded manifest entry, a
    report moved to 已过期)."""
    summary = Sheet("汇总", (6, 30, 14, 36, 16, 8, 8, 50, 10, *(16 for _ in listed)))
    summary.append(["序号", "学校", code_header, "文件", "状态", "错误数", "警告数", "输出文件", "用时（秒）", *listed])
    for n, o in enumerate(outcomes, start=1):
        summary.append([n, o.school or "—", o.code or "—", o.input, o.status, o.errors, o.warnings,
                        o.output if o.succeeded else "—", o.seconds, *(o.listed.get(k) or "—" for k in listed)],
                       {4: Style.GREEN if o.succeeded else Style.RED})
    problems = Sheet("问题", (36, 28, 6, 14, 26, 90, 22))
    problems.append(["文件", "学校", "级别", "位置", "指标/项目", "问题与修改方法", "代码"])
    for o in outcomes:
        for p in o.problems:
            place = Problem(Level(p["level"]), p["code"], p["message"], p["sheet"], p["cell"]).place
            problems.append([o.input, o.school or "—", Level(p["level"]).label, place, p["indicator"] or "—",
                             p["message"], p["code"]], {5: Style.WRAPPED})
    schools = {o.input: o.school for o in outcomes}
    by_name = {Path(o.input).name: o.school for o in outcomes}  # the aggregate names a school's file without its folder
    for p in aggregate:
        problems.append([p.file, by_name.get(p.file) or "—", p.level.label, p.place, p.indicator or "—", p.message, p.code],
                        {5: Style.WRAPPED})
    for n in notices:
        problems.append([n.file, schools.get(n.file) or "—", n.level.label, "（处理记录）", "—", n.message, n.code],
                        {5: Style.WRAPPED})
    return workbook_bytes([summary, problems])
