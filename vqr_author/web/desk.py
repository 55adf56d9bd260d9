"""The collection desk's actions, shared by the pages and the JSON API: create schools, accept an
upload (checked by vqr_author.api, stored as a new version), review, queue long work. Every action
is one database transaction and one audit entry."""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vqr_author import api
from vqr_author.batch import HAS_ERRORS as HAS_ERRORS_STATUS
from vqr_author.batch import OK, OK_WARNINGS, Outcome, report_name, summary_workbook
from vqr_author.digest import sha256
from vqr_author.edition import load_edition
from vqr_author.errors import VqrError
from vqr_author.problems import Level, Problem
from vqr_author.web.db import (
    APPROVED, PENDING, QUEUED, RETURNED, RUNNING, Database, Job, RegionWorkbook, School,
    Submission, audit, china_time,
)
from vqr_author.web import photos
from vqr_author.web.blanks import cover_year
from vqr_author.web.photos import Sent
from vqr_author.web.refused import Refused
from vqr_author.web.security import new_token
from vqr_author.web.storage import Store, readable
from vqr_author.workbook.files import MAX_FILE_BYTES

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm")
MAX_CODE, MAX_NAME = 40, 200
MAX_MB = MAX_FILE_BYTES // (1024 * 1024)


def check_upload_name(filename: str, zip_ok: bool = False) -> None:
    """Refuse (415) a file that is not an Excel workbook (or, with ``zip_ok``, a .zip of a workbook and
    its photos) by its name; the name is used for nothing else."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES and not (zip_ok and suffix == ".zip"):
        shown = f"“{suffix}”文件" if suffix else "没有扩展名的文件"
        also = "，或装有填报表和案例照片的 .zip 压缩包" if zip_ok else ""
        raise Refused(415, f"只能上传 Excel 工作簿（.xlsx）{also}，收到的是{shown}。"
                           "如果是 .xls 或 WPS 格式，请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再上传。")


def too_large() -> Refused:
    return Refused(413, f"文件超过 {MAX_MB} MB，无法上传。请删除填报表中不需要的图片或工作表后再试。")


# -- schools ------------------------------------------------------------------------------------
def create_school(session: Session, code: str, name: str, actor: str) -> School:
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise Refused(422, "请同时填写学校代码和单位名称。")
    if len(code) > MAX_CODE or len(name) > MAX_NAME:
        raise Refused(422, f"学校代码最多 {MAX_CODE} 个字符，单位名称最多 {MAX_NAME} 个字符。")
    field = next((f for f in load_edition().cover_fields if f.role == "code" and f.pattern), None)
    if field is not None and not re.fullmatch(field.pattern, code):
        raise Refused(422, f"学校代码“{code}”的格式不对：应与填报表封面的{field.key}相同（{field.hint or '见版式说明'}）。")
    existing = session.scalars(select(School).where(School.code == code)).first()
    if existing is not None:
        raise Refused(409, f"学校代码 {code} 已经登记为“{existing.name}”，没有重复创建。")
    school = School(code=code, name=name, token=new_token())
    session.add(school)
    session.flush()
    audit(session, actor, "创建学校", f"{code} {name}")
    return school


def schools_from_list(data: bytes) -> list[tuple[str, str]]:
    """(学校代码, 单位名称) of every row of an .xlsx list whose header row has both columns."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable file gets the same answer
        raise Refused(422, "无法读取上传的学校名单。请上传 Excel 工作簿（.xlsx），第一行为“学校代码”和“单位名称”。") from None
    rows = [[("" if v is None else str(v).strip()) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    for n, row in enumerate(rows):
        if "学校代码" in row and "单位名称" in row:
            code, name = row.index("学校代码"), row.index("单位名称")
            found = [(r[code], r[name]) for r in rows[n + 1:] if max(code, name) < len(r) and (r[code] or r[name])]
            if not found:
                raise Refused(422, "学校名单中“学校代码”“单位名称”两列下面没有学校。")
            return found
    raise Refused(422, "学校名单中没有找到“学校代码”和“单位名称”两列的标题。请在第一行写上这两个标题，每所学校一行。")


# -- uploads ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    """An upload checked before it is stored: the staged file and what check_workbook found."""

    staged: Path
    digest: str
    size: int
    problems: list[Problem]
    code: str  # the workbook's own code on its 封面 ("" when blank)
    code_label: str  # what the edition calls that field (学校代码)
    year: str = ""  # its 封面 报告年度 (2024; "" when it names none)
    photos: tuple[str, ...] = ()  # the case photos staged beside the workbook, as its cells name them
    unused: tuple[str, ...] = ()  # photos sent that no case names (not kept)
    reused: tuple[str, ...] = ()  # of ``photos``, those not sent but kept with the previous version


def check_upload(store: Store, sent: Sent, level: str = "school", earlier: dict[str, bytes] | None = None) -> Checked:
    """Stage the workbook under a name of ours, with the photos its cases name beside it (those sent,
    else those of the same name kept with the previous version, ``earlier``), and check it with the
    library; an unreadable file is refused (422) with the reader's Chinese message and nothing is kept."""
    if len(sent.workbook) > MAX_FILE_BYTES:
        raise too_large()
    incoming = Path(tempfile.mkdtemp(prefix="upload-", dir=store.data / "cache"))
    staged = incoming / "填报表.xlsx"
    store.put(staged, sent.workbook)
    try:
        result = api.check_workbook(staged, level=level)
        offered = photos.with_earlier(sent.photos, earlier or {})
        placed = photos.place(incoming, result, offered)
        if placed:
            result = api.check_workbook(staged, level=level)
    except VqrError as exc:  # WorkbookUnreadable, or an edition named in the workbook that does not exist
        shutil.rmtree(incoming, ignore_errors=True)
        raise Refused(422, str(exc)) from None
    label = result.edition.cover_key("code", result.book.level)
    return Checked(staged, sha256(sent.workbook), len(sent.workbook), photos.missing_in_one(result.problems),
                   result.book.cover_text(label) if label else "", label, cover_year(result), tuple(placed),
                   tuple(photos.unused(sent.photos, placed)), tuple(photos.reused(sent.photos, placed)))


def _refuse_other_school(checked: Checked, school: School) -> None:
    """A workbook whose code is another school's is not this link's to upload (a blank code is left
    to the check, which reports it as an error of the workbook)."""
    if checked.code and checked.code != school.code:
        label = checked.code_label
        raise Refused(422, f"这份填报表封面上的{label}是 {checked.code}，而这个上传链接属于{label} {school.code}"
                           f"（{school.name}），没有接收。请确认上传的是本校的填报表；如果封面上的{label}填错了，"
                           "请改正后重新上传。")


def _changes(store: Store, previous: int | None, staged: Path) -> str:
    """What changed since the school's ``previous`` version (its id), as the 变化 panel shows it."""
    if previous is None:
        return ""
    try:
        with readable(store.workbook(previous)) as old:
            return json.dumps(api.diff_reports(old, staged).as_dict(), ensure_ascii=False)
    except VqrError:
        return ""  # the previous version could not be compared (e.g. another edition): no diff shown


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    photos: tuple[str, ...]  # kept with the version, as its cases name them
    unused: tuple[str, ...]  # sent but named by no case (not kept)
    reused: tuple[str, ...] = ()  # of ``photos``, those taken from the previous version (not sent again)


def accept_upload(db: Database, store: Store, school_id: int, sent: Sent, actor: str) -> Accepted:
    """Check, then store as the school's next version with its photos (never overwriting one), and
    queue its report when it has no errors. A photo its cases name that is not sent is taken from
    the school's newest earlier version that kept one of the same name."""
    with db.transaction() as session:
        versions = session.scalars(select(Submission.id).where(Submission.school_id == school_id)
                                   .order_by(Submission.id.desc())).all()
    checked = check_upload(store, sent, earlier=store.kept_photos(*versions))
    try:
        with db.transaction() as session:
            _refuse_other_school(checked, session.get(School, school_id))
        diff = _changes(store, versions[0] if versions else None, checked.staged)
        with db.transaction() as session:
            version = (session.scalar(select(func.max(Submission.version)).where(Submission.school_id == school_id)) or 0) + 1
            errors = sum(p.level is Level.ERROR for p in checked.problems)
            submission = Submission(
                school_id=school_id, version=version, sha256=checked.digest, size=checked.size, errors=errors, year=checked.year,
                warnings=len(checked.problems) - errors, diff_json=diff,
                problems_json=json.dumps([p.as_dict() for p in checked.problems], ensure_ascii=False))
            session.add(submission)
            session.flush()
            store.keep_photos(submission.id, {reference: (checked.staged.parent / reference).read_bytes()
                                              for reference in checked.photos})
            checked.staged.replace(store.workbook(submission.id))
            if not errors:
                session.add(Job(kind="render", submission_id=submission.id))
            audit(session, actor, "上传填报表", f"第 {version} 版，{errors} 个错误，{submission.warnings} 个警告，"
                                             f"{len(checked.photos)} 张照片"
                                             + (f"（其中 {len(checked.reused)} 张沿用上一版）" if checked.reused else "")
                                             + f"，sha256 {checked.digest}"
                                             + (f"；没有用到、未保存的照片：{'、'.join(checked.unused)}" if checked.unused else ""))
    finally:
        shutil.rmtree(checked.staged.parent, ignore_errors=True)
    return Accepted(submission, checked.photos, checked.unused, checked.reused)


def accept_region(db: Database, store: Store, data: bytes, level: str, actor: str) -> RegionWorkbook:
    """Check the office's own workbook (区县 or 市) and keep it as a new version."""
    checked = check_upload(store, Sent(data), level)
    try:
        with db.transaction() as session:
            errors = sum(p.level is Level.ERROR for p in checked.problems)
            region = RegionWorkbook(sha256=checked.digest, level=level, errors=errors,
                                    warnings=len(checked.problems) - errors,
                                    problems_json=json.dumps([p.as_dict() for p in checked.problems], ensure_ascii=False))
            session.add(region)
            session.flush()
            checked.staged.replace(store.region(region.id))
            audit(session, actor, "上传汇总填报表", f"{errors} 个错误，{region.warnings} 个警告，sha256 {checked.digest}")
    finally:
        shutil.rmtree(checked.staged.parent, ignore_errors=True)
    return region


def problems_of(submission: Submission | RegionWorkbook) -> list[Problem]:
    return [Problem(Level(p["level"]), p["code"], p["message"], p["sheet"], p["cell"], p["indicator"])
            for p in json.loads(submission.problems_json)]


def review(session: Session, submission: Submission, decision: str, comment: str, actor: str) -> None:
    if submission.errors:
        raise Refused(409, "这一版填报表有错误，学校需要先修改并重新上传，不能审核。")
    if submission.school.latest is not submission:
        raise Refused(409, "学校已经上传了更新的版本，请审核最新的一版。")
    if decision not in (APPROVED, RETURNED, PENDING):
        raise Refused(422, "审核结果只能是“已通过”或“退回修改”。")
    if decision == RETURNED and not comment.strip():
        raise Refused(422, "退回修改时请写明需要学校修改什么（会显示给学校）。")
    if decision == submission.review and (decision != RETURNED or comment.strip() == submission.comment):
        raise Refused(409, f"第 {submission.version} 版已经是“{decision}”，没有再次记录。"
                           + ("要修改给学校的意见，请改写意见后再退回。" if decision == RETURNED else ""))
    submission.review, submission.comment = decision, comment.strip() if decision == RETURNED else ""
    audit(session, actor, "审核", f"{submission.school.code} 第 {submission.version} 版：{decision}"
                                  + (f"（{submission.comment}）" if submission.comment else ""))


# -- long work ----------------------------------------------------------------------------------
def queue(session: Session, kind: str, actor: str, *, submission_id: int | None = None,
          region_id: int | None = None) -> Job:
    """A new job, unless the same one is already waiting or running (then that one)."""
    same = session.scalars(select(Job).where(Job.kind == kind, Job.submission_id == submission_id,
                                             Job.region_id == region_id, Job.state.in_((QUEUED, RUNNING)))).first()
    if same is not None:
        return same
    job = Job(kind=kind, submission_id=submission_id, region_id=region_id)
    session.add(job)
    session.flush()
    audit(session, actor, {"render": "生成报告", "pdf": "生成 PDF", "region": "生成汇总报告"}[kind], f"任务 {job.id}")
    return job


def latest_job(session: Session, kind: str, submission_id: int | None = None) -> Job | None:
    query = select(Job).where(Job.kind == kind)
    if submission_id is not None:
        query = query.where(Job.submission_id == submission_id)
    return session.scalars(query.order_by(Job.id.desc())).first()


@dataclass(frozen=True)
class ReportState:
    ready: bool
    waiting: bool  # queued or being made
    message: str


def report_state(session: Session, store: Store, submission: Submission) -> ReportState:
    if store.report(submission.id).is_file():
        return ReportState(True, False, "报告已生成。")
    if submission.errors:
        return ReportState(False, False, "这一版填报表有错误，不生成报告。请修改后重新上传。")
    job = latest_job(session, "render", submission.id)
    if job is None or job.state in (QUEUED, RUNNING):
        return ReportState(False, True, "报告正在生成，请稍候。")
    return ReportState(False, False, job.message or "报告没有生成。")


def download_name(school: School, suffix: str) -> str:
    return report_name(school.code, school.name, "", school.code)[:-5] + suffix


# -- exports ------------------------------------------------------------------------------------
def approved(session: Session) -> list[Submission]:
    return [s.latest for s in session.scalars(select(School).order_by(School.code)) if s.state == APPROVED]


def left_out(session: Session) -> dict[str, str]:
    """The registered schools a district report made now leaves out, each with its state (未提交,
    有错误, 待审核, 退回修改): api.aggregate_report makes the report a draft that names them."""
    return {s.name: s.state for s in session.scalars(select(School).order_by(School.code)) if s.state != APPROVED}


def draft_note(left: dict[str, str]) -> str:
    """What the office page says of a district report made while schools are left out."""
    if not left:
        return ""
    named = "、".join(f"{name}（{state}）" for name, state in left.items())
    return (f"汇总报告按草稿生成：{len(left)} 所登记的学校没有计入汇总：{named}。"
            "这些学校的填报表通过审核后，请重新生成汇总报告。")


def earlier_approved(session: Session) -> list[Submission]:
    """Approved versions that are not their school's latest (its workbooks of earlier years, and
    versions since replaced), newest first: the district report's history is picked from them."""
    latest = {s.latest.id for s in session.scalars(select(School)) if s.latest is not None}
    query = select(Submission).where(Submission.review == APPROVED, Submission.errors == 0).order_by(Submission.id.desc())
    return [s for s in session.scalars(query) if s.id not in latest]


def reports_zip(session: Session, store: Store) -> bytes:
    """Every school's report of its latest version that has one (approved or waiting for review)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for school in session.scalars(select(School).order_by(School.code)):
            latest = school.latest
            if latest is not None and store.report(latest.id).is_file():
                archive.write(store.report(latest.id), download_name(school, ".docx"))
    return buffer.getvalue()


def summary(session: Session, store: Store) -> bytes:
    """汇总.xlsx in the layout of vqr batch (one row per school, every problem on 问题); the 状态
    column says what vqr batch would (成功, 有错误), the 文件 column the version and review state."""
    outcomes = []
    for school in session.scalars(select(School).order_by(School.code)):
        latest = school.latest
        if latest is None:
            outcomes.append(Outcome(school.state, "未提交", school.name, school.code))
            continue
        has_report = store.report(latest.id).is_file()
        status = (OK_WARNINGS if latest.warnings else OK) if has_report else HAS_ERRORS_STATUS if latest.errors else "未生成"
        outcomes.append(Outcome(
            f"第 {latest.version} 版（{china_time(latest.uploaded)}）{school.state}", status, school.name, school.code,
            output=download_name(school, ".docx") if has_report else "", errors=latest.errors,
            warnings=latest.warnings, problems=json.loads(latest.problems_json)))
    return summary_workbook(outcomes, load_edition().cover_key("code"))

